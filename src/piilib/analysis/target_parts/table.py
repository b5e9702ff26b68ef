"""The targets of every plan indicator for one province (`target_table`, `bundle_targets`)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from piilib import schema
from piilib.analysis.bounds import indicator_bounds
from piilib.analysis.peers import (
    CENTRALLY_RUN, NEAREST, PeerBenchmark, PeerFormulaError, covariates_wide, fit_peer_model, peer_groups,
)
from piilib.analysis.ranking_map import RankingMap, UnitMap, bundle_unit_map, map_quantities, ranking_map
from piilib.analysis.trend import DEFAULT_COVERAGE, INSUFFICIENT, Predictive, project_all
from piilib.analysis.target_parts.constants import (
    BEST_PEER,
    CURRENT,
    DEFAULT_PEERS,
    DEFAULT_PEER_FORMULA,
    DEFAULT_TOP,
    EVIDENCE_CEILING,
    HOLD_RANK,
    MAINTAIN,
    NATIONAL_MEDIAN,
    NATIONAL_TOP,
    ONE_RANK_UP,
    PROJECTED,
    REGION_LEAD,
    TARGET_COLUMNS,
    UNIT_CODE,
)
from piilib.analysis.target_parts.evidence import Evidence, trend_loo_rmse
from piilib.analysis.target_parts.increments import count_noun, count_unit, increment_count, increment_text
from piilib.analysis.target_parts.indicator import Basis, indicator_targets
from piilib.analysis.target_parts.recompute import Recomputer
from piilib.analysis.target_parts.thresholds import _without, shown_change
from piilib.report.text import precision


# --------------------------------------------------------------------------- the PII table


def _for_year(frame: pd.DataFrame | None, year: int, units: set[str]) -> pd.DataFrame | None:
    """Rows up to `year` when every unit is on the edition's map (history of another map is unused)."""
    if frame is None or frame.empty:
        return None
    rows = frame[frame[schema.YEAR].astype(int) <= year] if schema.YEAR in frame.columns else frame
    if rows.empty or not set(rows[schema.UNIT].unique()) <= units:  # unique first: cheaper than iterating
        return None
    return rows


def _covariates_of_year(covariates: pd.DataFrame | None, year: int, units: set[str]) -> pd.DataFrame | None:
    """The covariate rows of the data year (all rows when there is no year column)."""
    rows = _for_year(covariates, year, units)
    if rows is not None and schema.YEAR in rows.columns:
        rows = rows[rows[schema.YEAR].astype(int) == year]
    return None if rows is None or rows.empty else rows


def structural_covariates(covariates: pd.DataFrame | None, year: int, units: set[str]) -> pd.DataFrame | None:
    """Log GRDP per capita, log population and urbanisation of the data year, wide by unit
    (None when there are none for that year on the units' map): the space in which the
    nearest peers are found (and the peer chart's default model). Covariates named
    differently are used as given (all of them).

    Three covariates for 34–63 provinces: structure without over-fitting; the logs because
    both quantities spread over orders of magnitude.
    """
    rows = _covariates_of_year(covariates, year, units)
    if rows is None:
        return None
    wide = covariates_wide(rows[[schema.UNIT, schema.COVARIATE, schema.VALUE]])
    standard = {"grdp_per_capita": np.log, "population": np.log, "urbanisation": None}
    if not set(standard) <= set(wide.columns):
        return wide
    return pd.DataFrame({
        ("log_" + name if transform else name): (transform(wide[name]) if transform else wide[name])
        for name, transform in standard.items()
    })


def _provenance(*frames: pd.DataFrame | None) -> str:
    """The weakest provenance among the inputs used (illustrative < published < official)."""
    found = set()
    for frame in frames:
        if frame is not None and schema.PROVENANCE in frame.columns:
            found |= set(frame[schema.PROVENANCE].dropna().unique().astype(str))
    return schema.weakest_provenance(found) if found else schema.OFFICIAL


def _trend_evidence(projections: pd.DataFrame | None, series: pd.DataFrame | None, province: str) -> dict | None:
    """The province's trend: kind, one-element predictive and the pooled out-of-sample RMSE."""
    if projections is None or projections.empty:
        return None
    own = projections[projections[schema.UNIT] == province]
    if own.empty:
        return None
    row = own.iloc[0]
    if row["kind"] == INSUFFICIENT:
        return {"kind": INSUFFICIENT}
    kinds = dict(zip(projections[schema.UNIT], projections["kind"]))
    return {"kind": row["kind"], "predictive": Predictive.from_frame(own.iloc[:1]),
            "oos_rmse": trend_loo_rmse(series, kinds)}


def _peer_benchmark(values: pd.Series, covariates: pd.DataFrame | None, province: str, direction: int,
                    coverage: float, formula: str, bounds: tuple[float, float]) -> PeerBenchmark | None:
    """The province's leave-one-out peer benchmark; None without covariates or with too few
    provinces. A covariate the formula names that the data lack is an error (never a switch)."""
    if covariates is None:
        return None
    try:
        model = fit_peer_model(values, covariates, direction=direction, coverage=coverage, formula=formula,
                               bounds=bounds, studentized=False)  # only the benchmark is used
        return model.benchmark(province)
    except PeerFormulaError:  # a formula that cannot be used is the caller's error, not "no evidence"
        raise
    except ValueError:
        return None  # too few provinces, the province without covariates: no peer evidence


def _threshold_label(name: str, basis: str, top: int, region_name: str, year: int, map_units: int) -> str:
    labels = {
        HOLD_RANK: "Giữ thứ hạng hiện nay",
        ONE_RANK_UP: "Lên 1 bậc xếp hạng",
        NATIONAL_MEDIAN: "Bằng trung vị cả nước",
        NATIONAL_TOP: f"Vào top {top} cả nước",
        REGION_LEAD: f"Dẫn đầu vùng {region_name}".strip(),
        BEST_PEER: "Bằng địa phương tương đồng tốt nhất",
        EVIDENCE_CEILING: "Mức tốt nhất có căn cứ (khoảng dự báo 80%)",
        MAINTAIN: "Giữ vững (không thấp hơn hiện nay, xu hướng và thứ hạng)",
    }
    if name in (EVIDENCE_CEILING, MAINTAIN):
        return labels[name]
    suffix = (f"so với số liệu hiện tại, trên {map_units} tỉnh, thành phố" if basis == CURRENT
              else f"so với dự báo số liệu năm {year}, kỳ PII {year + schema.DATA_YEAR_LAG}, "
                   f"trên {map_units} tỉnh, thành phố")
    return f"{labels[name]} ({suffix})"


@dataclass
class _MapIndex:
    """The base edition's index carried onto the ranking map, for the projected basis."""

    ranking: RankingMap
    recomputer: Recomputer
    today: pd.DataFrame  # ranking-map unit × indicator, today's values
    today_affine: pd.DataFrame  # indicator: intercept, slope (partners today)


def _index_of(idata: pd.DataFrame, framework: pd.DataFrame):
    """`piilib.pii.compute_pii` on an idata already built (compute_pii builds the same idata
    first; the Recomputer needs it too, so it is built once)."""
    from piilib.framework import to_imeta
    from piilib.index import build_index
    from piilib.pii import PII_STEPS

    return build_index(idata, to_imeta(framework), steps=PII_STEPS)


def _predicted(projections: pd.DataFrame) -> pd.Series:
    """The median forecasts of `project_all` rows by unit (float)."""
    return pd.Series(projections["predicted"].to_numpy(dtype=float),
                     index=pd.Index(projections[schema.UNIT], name=schema.UNIT), name="predicted")


def _map_index(ranking: RankingMap, raw: pd.DataFrame, framework: pd.DataFrame) -> _MapIndex:
    """Today's values on the ranking map, the index computed there (base framework, as the
    report computes a harmonised edition), and the province's affine map with today's partners."""
    from piilib.pii import to_idata

    today = ranking.carry(raw)
    long = today.rename_axis(schema.UNIT).reset_index().melt(id_vars=schema.UNIT, var_name=schema.INDICATOR,
                                                             value_name=schema.VALUE)
    long = long.assign(**{schema.EDITION: ranking.map_edition, schema.PROVENANCE: schema.ILLUSTRATIVE,
                          schema.SOURCE: ""})[schema.LONG_COLUMNS]
    idata = to_idata(long, ranking.map_edition, framework)
    result = _index_of(idata, framework)
    recomputer = Recomputer(result, idata, ranking.unit, ranking.regions)
    return _MapIndex(ranking, recomputer, today, ranking.affine(raw))


def target_table(
    values_long: pd.DataFrame,
    edition: int,
    province: str,
    history: pd.DataFrame | None = None,
    covariates: pd.DataFrame | None = None,
    plan=None,
    framework: pd.DataFrame | None = None,
    top: int = DEFAULT_TOP,
    coverage: float = DEFAULT_COVERAGE,
    peers: int = DEFAULT_PEERS,
    peer_formula: str = DEFAULT_PEER_FORMULA,
    map_edition: int | None = None,
    outcomes: bool = True,
    unit_map: UnitMap | None = None,
    index: tuple | None = None,
) -> pd.DataFrame:
    """Targets for every indicator of the plan (one long frame; columns TARGET_COLUMNS).

    values_long: the tidy long frame (one or more editions); history: tidy history (year,
    unit, indicator, value, provenance) for trends and projections; covariates: tidy
    structural covariates (year, unit, covariate, value) for the peer model, the peer group
    and the quantities that merge values onto the next edition's map. History or covariates
    on another map than the edition's are not used. plan: a `piilib.plan.Plan` (default plan
    88). peer_formula: the peer model (a patsy formula over the covariates' names).
    map_edition: the edition whose ranking the projected basis builds (default: the next).
    outcomes: False skips what each row buys (left NaN; `indicator_targets`), e.g. when only
    the recommended targets are wanted (`pii outlook`): the recommendation is the same.
    unit_map: the next edition's map already built (`bundle_unit_map`, the outlook's too);
    default: merged with the quantities of the map edition's data year in `covariates`
    (`map_quantities`). index: (idata, IndexResult) of the edition already computed with the
    edition's framework (`DataBundle.edition_index`); default: computed here.
    """
    from piilib.framework import indicators as framework_indicators
    from piilib.framework import load_framework, whole_counts
    from piilib.pii import edition_values, to_idata
    from piilib.plan import load_plan
    from piilib.units import era, load_units

    plan = load_plan() if plan is None else plan
    framework = load_framework(edition) if framework is None else framework
    rows_of_edition = edition_values(values_long, edition)
    units = load_units(edition)
    if province not in set(units["unit"]):
        raise ValueError(f"unit {province!r} is not a province of edition {edition}")
    indicator_rows = framework_indicators(framework)
    meta = indicator_rows.set_index("code")
    whole = whole_counts(framework)
    bounds_of = indicator_bounds(indicator_rows)
    missing = [code for code in plan.indicators["code"] if code not in meta.index]
    if missing:
        raise ValueError(f"plan indicator(s) {missing} are not in the framework of edition {edition}")

    if index is None:
        idata = to_idata(rows_of_edition, edition, framework)
        result = _index_of(idata, framework)
    else:
        idata, result = index
    regions = dict(zip(units["unit"], units["region"]))
    region_name = str(units.set_index("unit").at[province, "region_name_vi"])
    region_members = [u for u, r in regions.items() if r == regions[province] and u != province]
    unit_set = set(units["unit"])
    year = schema.data_year(edition)
    history_used = _for_year(history, year, unit_set)
    covariates_used = _covariates_of_year(covariates, year, unit_set)
    covariates_by_unit = (None if covariates_used is None
                          else covariates_wide(covariates_used[[schema.UNIT, schema.COVARIATE, schema.VALUE]]))
    structure = structural_covariates(covariates, year, unit_set)
    groups = peer_groups(province, regions, units.loc[units["is_central_city"].astype(bool), "unit"],
                         structure, k=peers)
    peer_members = groups.get(NEAREST, groups[CENTRALLY_RUN])
    denominators = {}  # the province's own quantities, to turn increments into counts
    if covariates_used is not None:
        own = covariates_used[covariates_used[schema.UNIT] == province]
        denominators = dict(zip(own[schema.COVARIATE], own[schema.VALUE].astype(float)))
    provenance = _provenance(rows_of_edition, history_used, covariates_used)

    recomputer = Recomputer(result, idata, province, regions)
    raw = result.stages["Raw"].set_index(UNIT_CODE)
    codes = [str(c) for c in plan.indicators["code"]]
    base_map = era(edition)

    projections = {}
    if history_used is not None:
        # Every plan indicator's series fitted in one batched call (series by series identical).
        used = history_used[history_used[schema.INDICATOR].astype(str).isin(codes)]
        used = used.assign(**{schema.INDICATOR: used[schema.INDICATOR].astype(str)})
        if not used.empty:
            projected_all = project_all(used, year + 1, multiplicative=codes, coverage=coverage)
            fitted_by_code = dict(tuple(projected_all.groupby(schema.INDICATOR, sort=False)))
            for code, series in used.groupby(schema.INDICATOR, sort=False):
                fitted = fitted_by_code[code].reset_index(drop=True)
                projections[code] = (fitted, series[[schema.YEAR, schema.UNIT, schema.VALUE]],
                                     _predicted(fitted))
    # The projected basis: the next edition's ranking on its map.
    map_index, projected_on_map, projected_affine = None, None, None
    if projections:
        try:
            if unit_map is None:
                quantities = map_quantities(covariates, edition, map_edition)
                ranking = ranking_map(edition, province, indicator_rows, quantities, map_edition)
            else:
                ranking = ranking_map(edition, province, map_edition=map_edition, unit_map=unit_map)
        except ValueError:
            ranking = None
        if ranking is not None and ranking.merged:
            try:
                map_index = _map_index(ranking, raw[list(meta.index)], framework)
                projected_wide = pd.DataFrame({
                    code: projections[code][2].reindex(raw.index).fillna(raw[code]) for code in projections})
                projected_on_map = ranking.carry(projected_wide)
                projected_affine = ranking.affine(projected_wide)
            except ValueError:  # no quantities to merge with: ranked on the base map
                map_index = None

    parts = []
    for item in plan.indicators.itertuples():
        code = item.code
        info = meta.loc[code]
        direction = int(info["direction"])
        bounds = (float(bounds_of.at[code, "lower"]), float(bounds_of.at[code, "upper"]))
        projection_frame, series, projected = projections.get(code, (None, None, None))
        evidence = Evidence.choose(
            direction,
            trend=_trend_evidence(projection_frame, series, province),
            peer=_peer_benchmark(raw[code], covariates_by_unit, province, direction, coverage, peer_formula, bounds),
            coverage=coverage, bounds=bounds,
        )
        projection = None
        if map_index is not None and code in projected_on_map.columns:
            affine, today_affine = projected_affine.loc[code], map_index.today_affine.loc[code]
            mergeable = np.isfinite(affine.to_numpy(dtype=float)).all() and affine["slope"] > 0 and \
                np.isfinite(today_affine.to_numpy(dtype=float)).all() and today_affine["slope"] > 0
            if mergeable:
                ranking = map_index.ranking
                projection = Basis(
                    name=PROJECTED,
                    others=_without(projected_on_map[code], ranking.unit),
                    today_others=_without(map_index.today[code], ranking.unit),
                    recomputer=map_index.recomputer, map_label=ranking.label, n_units=ranking.n_units,
                    region_size=ranking.region_size, region_members=tuple(ranking.region_members()),
                    peer_members=tuple(ranking.units_of(peer_members)),
                    to_map=(float(affine["intercept"]), float(affine["slope"])),
                    today_to_map=(float(today_affine["intercept"]), float(today_affine["slope"])),
                )
        rows = indicator_targets(recomputer, code, direction, region_members, peer_members, projected,
                                 evidence, top, decimals=0 if whole[code] else None, projection=projection,
                                 map_label=base_map, outcomes=outcomes)
        noun_unit = count_unit(info["unit_vi"])
        # The report's precision for the indicator's values (`piilib.report.text.precision`, as
        # its chapter writes them: "+0,00215", not "+0,002146"), and the change at it as the
        # difference of the values as shown: the chapters and the workbook write this one number.
        places = precision(raw[code])
        changes = [shown_change(c, t, places, direction) for c, t in zip(rows["current_value"], rows["target_value"])]
        denominator = denominators.get(str(info["denominator"]), np.nan)
        counts = [increment_count(d, info["unit_vi"], denominator) for d in rows["increment"]]
        noun = count_noun(info["name_vi"], noun_unit[0]) if noun_unit else None
        added = pd.DataFrame(dict(
            **{schema.EDITION: int(edition), schema.UNIT: province, schema.INDICATOR: code},
            indicator_name=info["name_vi"],
            group=item.group,
            lead_agency_key=item.lead_agency_key,
            lead_agency=plan.agency_name(item.lead_agency_key),
            cooperating="; ".join(item.cooperating),
            unit_label=info["unit_vi"],
            threshold_label=[_threshold_label(t, b, top, region_name, year + 1, int(n))
                             for t, b, n in zip(rows["threshold"], rows["basis"], rows["rank_map_units"])],
            places=places,
            shown_change=changes,
            increment_count=pd.array(counts, dtype="Int64"),
            count_noun=noun if noun_unit and np.isfinite(denominator) else None,
            increment_text=[increment_text(d, info["unit_vi"], places, c, noun if np.isfinite(denominator) else None,
                                           reached=bool(r))
                            for d, c, r in zip(changes, counts, rows["reached"])],
            **{schema.PROVENANCE: provenance},
        ), index=rows.index)
        rows = pd.concat([rows.drop(columns=[c for c in added.columns if c in rows.columns]), added], axis=1)
        parts.append(rows[TARGET_COLUMNS])
    return pd.concat(parts, ignore_index=True)


def bundle_targets(bundle, edition: int, province: str, plan=None, top: int = DEFAULT_TOP,
                   coverage: float = DEFAULT_COVERAGE, peers: int = DEFAULT_PEERS,
                   peer_formula: str = DEFAULT_PEER_FORMULA, outcomes: bool = True) -> pd.DataFrame:
    """`target_table` on a `piilib.bundle.DataBundle`: its values, its history and covariates
    on the edition's map (harmonised after the merger), its next-edition map
    (`bundle_unit_map`, the outlook's). outcomes: see `target_table`."""
    indicator = None
    if plan is not None and len(plan.indicators) == 1:
        indicator = str(plan.indicators["code"].iloc[0])  # one indicator: harmonise only its history
    history = bundle.history_on_map(edition, indicator)
    covariates = bundle.covariates_on_map(edition)
    try:
        unit_map = bundle_unit_map(bundle, edition)  # the outlook's map: one next-edition map
    except ValueError:
        unit_map = None  # no map to merge onto: target_table ranks on the base map
    return target_table(
        bundle.values, edition, province,
        history=None if history.empty else history,
        covariates=None if covariates.empty else covariates,
        plan=plan, top=top, coverage=coverage, peers=peers, peer_formula=peer_formula, outcomes=outcomes,
        unit_map=unit_map, index=bundle.edition_index(edition),
    )


def recommended_targets(table: pd.DataFrame) -> pd.DataFrame:
    """One row per indicator: the recommended target (plan order kept)."""
    return table[table["recommended"].astype(bool)].reset_index(drop=True)
