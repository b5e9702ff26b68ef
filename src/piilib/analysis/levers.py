"""Levers: where a gain in one indicator moves the index most.

Effective weight of a node (indicator or aggregate) in the top index = the product, along
its path to the top, of weight / (sum of the weights of its siblings, itself included). With
arithmetic aggregation at every level and no missing values, the top index is exactly
Σ effective_weight × normalised score, so +Δ score points in one indicator move the index
by exactly Δ × effective weight (`points_per_score`). With missing values (the aggregate
re-weights over the indicators present) or geometric aggregation it is only an
approximation.

A score change is not what a department controls: it changes a raw value, and treatment
(winsorisation, log) and min–max normalisation may themselves change when that value moves
(e.g. when the province was the minimum). So `lever_table` computes the gain from reaching
a target raw value by recomputing the whole index with the engine's replay
(`build_index(new_idata, result.imeta, result.log)`), and shows the linear approximation
(effective weight × score gap under the current normalisation) beside it.

Targets per indicator, over the OTHER provinces' values before treatment:
    national median  the median of the other provinces' values;
    regional best    the best value among the other provinces of the region (direction-aware).
A target that is not an improvement for the province gives a gain of 0 (already there).
"""

from __future__ import annotations

from typing import Iterable, Mapping

import numpy as np
import pandas as pd

from piilib.analysis.trend import best_value

AGGREGATE_TYPES = ("Indicator", "Aggregate")
# Stages before treatment, latest first: the values targets are compared on.
COMPARISON_STAGES = ("Imputed", "Denominated", "Raw")
UNIT_CODE = "uCode"

MEDIAN = "median"
REGION_BEST = "region_best"


def _hierarchy(imeta: pd.DataFrame) -> pd.DataFrame:
    missing = [c for c in ("iCode", "Parent", "Weight", "Type") if c not in imeta.columns]
    if missing:
        raise ValueError(f"iMeta needs columns iCode, Parent, Weight, Type; missing {missing}")
    nodes = imeta[imeta["Type"].isin(AGGREGATE_TYPES)].copy()
    nodes["iCode"] = nodes["iCode"].astype(str)
    nodes["Parent"] = nodes["Parent"].astype(object).where(nodes["Parent"].notna(), None)
    nodes.loc[nodes["Parent"].isin([""]), "Parent"] = None
    nodes["Weight"] = pd.to_numeric(nodes["Weight"], errors="coerce")
    if nodes["iCode"].duplicated().any():
        raise ValueError(f"iMeta lists iCode(s) {sorted(nodes.loc[nodes['iCode'].duplicated(), 'iCode'])} twice")
    bad_weight = nodes.loc[~(nodes["Weight"] > 0), "iCode"].tolist()
    roots = nodes.loc[nodes["Parent"].isna(), "iCode"].tolist()
    if len(roots) != 1:
        raise ValueError(f"iMeta must have exactly one top node (empty Parent); found {roots}")
    bad_weight = [code for code in bad_weight if code not in roots]  # the top's own weight is unused
    if bad_weight:
        raise ValueError(f"iMeta Weight must be > 0; not so for {bad_weight}")
    unknown = sorted(set(nodes["Parent"].dropna()) - set(nodes["iCode"]))
    if unknown:
        raise ValueError(f"iMeta Parent(s) {unknown} are not iCodes of the framework")
    return nodes.set_index("iCode")


def top_code(imeta: pd.DataFrame) -> str:
    """The iCode of the top index (the only node without a parent)."""
    nodes = _hierarchy(imeta)
    return str(nodes.index[nodes["Parent"].isna()][0])


def effective_weights(imeta: pd.DataFrame) -> pd.Series:
    """Effective weight in the top index of every indicator and aggregate (top = 1).

    The indicators' effective weights sum to 1 when every aggregate has children.
    """
    nodes = _hierarchy(imeta)
    sibling_total = nodes.groupby("Parent")["Weight"].transform("sum")
    share = (nodes["Weight"] / sibling_total).where(nodes["Parent"].notna(), 1.0)
    weights = {}
    for code in nodes.index:
        product, node, seen = 1.0, code, set()
        while node is not None:
            if node in seen:
                raise ValueError(f"iMeta Parent links form a cycle through {node!r}")
            seen.add(node)
            product *= float(share[node])
            node = nodes.at[node, "Parent"]
        weights[code] = product
    return pd.Series(weights, name="effective_weight").rename_axis("iCode")


def indicator_codes(imeta: pd.DataFrame) -> list[str]:
    return imeta.loc[imeta["Type"] == "Indicator", "iCode"].astype(str).tolist()


def points_per_score(imeta: pd.DataFrame, score_points: float = 10.0) -> pd.Series:
    """Top-index points gained per +`score_points` of each indicator's normalised score."""
    weights = effective_weights(imeta)
    return (score_points * weights[indicator_codes(imeta)]).rename("points_per_score")


# --------------------------------------------------------------------------- recomputation


def _stage_by_unit(stage: pd.DataFrame) -> pd.DataFrame:
    return stage.set_index(UNIT_CODE) if UNIT_CODE in stage.columns else stage


def _denominators(result, imeta: pd.DataFrame) -> dict[str, str]:
    """Indicator -> denominator column, when the method log divides by one."""
    if not any(entry.get("step") == "denominate" for entry in result.log):
        return {}
    if "Denominator" not in imeta.columns:
        return {}
    rows = imeta[(imeta["Type"] == "Indicator") & imeta["Denominator"].notna()]
    return {str(r.iCode): str(r.Denominator) for r in rows.itertuples() if str(r.Denominator).strip()}


def with_values(idata: pd.DataFrame, unit: str, raw_values: Mapping[str, float]) -> pd.DataFrame:
    """A copy of idata with the unit's raw values replaced (idata itself is not modified)."""
    rows = idata[UNIT_CODE] == unit
    if rows.sum() != 1:
        raise ValueError(f"idata has {int(rows.sum())} rows with uCode {unit!r}; expected exactly 1")
    changed = idata.copy()
    for code, value in raw_values.items():
        if code not in changed.columns:
            raise ValueError(f"idata has no column {code!r}")
        changed[code] = changed[code].astype(float)
        changed.loc[rows, code] = float(value)
    return changed


def replay_with_values(result, idata: pd.DataFrame, unit: str, raw_values: Mapping[str, float]):
    """Recompute the index with the same method after changing the unit's raw values."""
    from piilib.index import build_index

    return build_index(with_values(idata, unit, raw_values), result.imeta, result.log)


def _regions_of(idata: pd.DataFrame, regions: Mapping[str, str] | str) -> Mapping[str, str]:
    if isinstance(regions, str):
        if regions not in idata.columns:
            raise ValueError(f"idata has no region column {regions!r}")
        return dict(zip(idata[UNIT_CODE].astype(str), idata[regions]))
    return regions


def _target(values: pd.Series, unit: str, kind: str, direction: int, region_members: list[str]):
    others = values.drop(unit).dropna()
    if kind == MEDIAN:
        return None, float(np.median(others.to_numpy(dtype=float))) if len(others) else np.nan
    return best_value(others.reindex(region_members).dropna(), direction)


def lever_table(
    result,
    idata: pd.DataFrame,
    unit: str,
    regions: Mapping[str, str] | str,
    indicators: Iterable[str] | None = None,
    score_points: float = 10.0,
) -> pd.DataFrame:
    """For each indicator: the index points per +`score_points` score, and the gain in the top
    index from reaching the national median and the regional best, recomputed with the engine.

    result: the `IndexResult` of `idata`; regions: unit -> region, or the name of an idata
    column. Columns: indicator, direction, effective_weight, points_per_score, value, score,
    rank (value: before treatment, after denominating/imputing when the method does), then
    for each target t in (median, region_best): t_target (on the same scale as value; the
    unit's own value when it is already there; for a denominated indicator the raw value
    written into iData is t_target × the unit's denominator), t_unit (region_best: who holds it),
    t_score_gap (target's score minus the unit's, current normalisation, ≥ 0),
    t_gain_linear (effective weight × score gap), t_gain (recomputed), t_index, t_rank.
    Sorted by median_gain, then region_best_gain, then points_per_score (descending).
    """
    imeta = result.imeta
    regions = _regions_of(idata, regions)
    if unit not in regions:
        raise ValueError(f"unit {unit!r} has no region")
    top = top_code(imeta)
    weights = effective_weights(imeta)
    codes = indicator_codes(imeta) if indicators is None else list(indicators)
    directions = imeta.set_index(imeta["iCode"].astype(str))["Direction"]
    stage_name = next(name for name in COMPARISON_STAGES if name in result.stages)
    comparison = _stage_by_unit(result.stages[stage_name])
    normalised = _stage_by_unit(result.stages["Normalised"])
    denominators = _denominators(result, imeta)
    raw_by_unit = idata.set_index(UNIT_CODE)
    region_members = [u for u, r in regions.items() if r == regions[unit] and u != unit]
    current_index = float(result.scores.loc[unit, top])
    current_rank = result.ranks.loc[unit, top]

    rows = []
    for code in codes:
        direction = int(directions[code])
        values = comparison[code].astype(float)
        scores = normalised[code].astype(float)
        own_value, own_score = float(values[unit]), float(scores[unit])
        row = {
            "indicator": code,
            "direction": direction,
            "effective_weight": float(weights[code]),
            "points_per_score": score_points * float(weights[code]),
            "value": own_value,
            "score": own_score,
            "rank": result.ranks.loc[unit, code] if code in result.ranks.columns else np.nan,
        }
        for kind in (MEDIAN, REGION_BEST):
            holder, target = _target(values, unit, kind, direction, region_members)
            improves = bool(np.isfinite(target) and direction * (target - own_value) > 0)
            if kind == MEDIAN:
                target_score = float(np.median(scores.drop(unit).dropna().to_numpy()))
            else:
                target_score = float(scores[holder]) if holder is not None else np.nan
            score_gap = max(target_score - own_score, 0.0) if improves else 0.0
            if improves:
                raw_target = target * float(raw_by_unit.at[unit, denominators[code]]) if code in denominators else target
                replayed = replay_with_values(result, idata, unit, {code: raw_target})
                new_index = float(replayed.scores.loc[unit, top])
                new_rank = replayed.ranks.loc[unit, top]
            else:
                new_index, new_rank = current_index, current_rank
            row.update(
                {
                    f"{kind}_target": target if improves else own_value,
                    f"{kind}_score_gap": score_gap,
                    f"{kind}_gain_linear": float(weights[code]) * score_gap,
                    f"{kind}_gain": new_index - current_index,
                    f"{kind}_index": new_index,
                    f"{kind}_rank": new_rank,
                }
            )
            if kind == REGION_BEST:
                row[f"{kind}_unit"] = holder
        rows.append(row)
    table = pd.DataFrame(rows)
    return table.sort_values(
        [f"{MEDIAN}_gain", f"{REGION_BEST}_gain", "points_per_score"], ascending=False, kind="stable"
    ).reset_index(drop=True)
