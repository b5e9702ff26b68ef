"""Targets: the raw value each plan indicator needs to reach a threshold, and what it buys.

For one province and one indicator, five thresholds, each computed over the OTHER provinces
(so a threshold does not move when the province's own value changes):

    one_rank_up      the value of the province just ahead (the (r − 1)-th best of the others,
                     r = the province's current rank); none when the province is first;
    national_median  the median of the others' values;
    national_top     the value at national rank `top` (default 10) among the others, i.e. the
                     value of the province currently 10th (11th when the province itself is in
                     the top 10: what it needs to stay there);
    region_lead      the best value among the other provinces of its region;
    best_peer        the best value among its structural peers (`piilib.analysis.peers`: the k
                     nearest provinces in standardised covariates; the centrally-run cities when
                     no covariates are given).

"Best" follows the indicator's direction: for an inverse indicator (direction −1, e.g. 4.1.2
microfinance loans / GRDP) a lower value is better and "needed" means AT MOST that value.

Two bases. `current`: the others' values in the edition. `projected`: the others' values
predicted for the next data year by their own trends (`piilib.analysis.trend.project_all`,
the median prediction), so the target accounts for competitors that keep moving. The
province's own value stays the current one in both: the increment is from where it stands.

Tie rule (COINr ranks ties with the smallest rank, `ties.method = "min"`): a value EQUAL to
a threshold reaches it. A province equal to the 10th shares rank 10; equal to the one just
ahead, it shares that rank. So the needed value is the threshold itself, rounded to the
indicator's precision (the decimals of its data) in the direction of improvement, so that the
rounded figure a department is given never falls short. A threshold the province already
meets is `reached`; its target value is then the current value (nothing to change). The
precision is the fewest decimals that write the data exactly, capped at five significant
digits at the median magnitude (`value_decimals`); a whole count (`piilib.framework.whole_counts`,
e.g. 1.1.1, policy fields 0–13) has precision 0 whatever the data carry, so its needed
values, targets and increments are whole numbers.

What a target buys is recomputed, never approximated: the whole index is rebuilt with the
engine's replay (`build_index(new_idata, result.imeta, result.log)`, the same treatment,
normalisation and aggregation) with only the province's value of that indicator changed; the
other provinces keep their CURRENT values in every row, also on the projected basis (the
recomputation answers "what would this value give in the edition at hand"). Reported: the
indicator's score, the PII, its national rank and its rank in the region; and the indicator's
rank by raw value against the others' current and projected values.

Recommended target (one per indicator), balancing ambition with evidence:

1. Evidence: the province's 80 % prediction interval from its own trend (next data year) and
   from the peer regression (what its structure predicts, `fit_peer_model`). The "better"
   model is the one with the NARROWER interval (in the indicator's unit): the sharper
   evidence. (Taking the wider one would reward the vaguer model: a cross-section with three
   covariates often spans several times the province's value.) Its favourable end (upper
   end; lower end for an inverse indicator) is the `ceiling`: the most a department can be
   asked for with evidence that it is attainable.
2. Candidates: the thresholds of the projected basis (the current basis when there is no
   projection) that the province has not reached yet.
3. No candidate (every threshold met): keep the current value (`maintain`).
4. Otherwise the most ambitious candidate whose needed value is within the ceiling.
5. None within the ceiling: the ceiling itself when it improves on the current value
   (`evidence_ceiling`: progress the evidence supports, rounded to the indicator's precision
   towards the current value so it stays inside the interval); else the least ambitious
   candidate (normally one rank up), flagged `within_evidence = False`.
6. No evidence at all (no history and no covariates): the least ambitious candidate, flagged
   `within_evidence` = NA.

`target_table` returns ONE long frame: a row per plan indicator × threshold × basis, plus a
row for the recommendation when it is not one of those (`evidence_ceiling`, `maintain`);
exactly one row per indicator has `recommended` True. `recommended_targets(table)` selects
those rows. The increment is stated in the indicator's unit and, for counts per denominator
(e.g. đơn/xã), as a whole count using the province's denominator (e.g. "+3 đơn đăng ký chỉ
dẫn địa lý").
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Iterable, Mapping

import numpy as np
import pandas as pd

from piilib import schema
from piilib.analysis.levers import replay_with_values, top_code
from piilib.analysis.peers import CENTRALLY_RUN, NEAREST, covariates_wide, fit_peer_model, peer_groups
from piilib.analysis.trend import DEFAULT_COVERAGE, best_value, project_all, value_at_rank
from piilib.report.tables import format_number

CURRENT = "current"
PROJECTED = "projected"
BASES = (CURRENT, PROJECTED)

ONE_RANK_UP = "one_rank_up"
NATIONAL_MEDIAN = "national_median"
NATIONAL_TOP = "national_top"
REGION_LEAD = "region_lead"
BEST_PEER = "best_peer"
THRESHOLDS = (ONE_RANK_UP, NATIONAL_MEDIAN, NATIONAL_TOP, REGION_LEAD, BEST_PEER)
# Recommendation rows that are not thresholds.
EVIDENCE_CEILING = "evidence_ceiling"
MAINTAIN = "maintain"

RULE_WITHIN = "most ambitious threshold within the evidence"
RULE_CEILING = "no threshold within the evidence: the evidence ceiling"
RULE_BEYOND = "no threshold within the evidence: the smallest step, beyond the evidence"
RULE_NO_EVIDENCE = "no evidence: the smallest step"
RULE_MAINTAIN = "every threshold already reached: keep the current value"

TREND = "trend"
PEER = "peer"

DEFAULT_TOP = 10
DEFAULT_PEERS = 5
MAX_DECIMALS = 8
SIGNIFICANT_DIGITS = 5
UNIT_CODE = "uCode"

THRESHOLD_COLUMNS = ["threshold", "basis", "reference_unit", "threshold_value", "needed_value", "reached",
                     "target_value", "increment", "indicator_rank", "indicator_rank_projected"]
OUTCOME_COLUMNS = ["score", "score_change", "pii", "pii_change", "pii_rank", "pii_rank_gain", "pii_region_rank"]
EVIDENCE_COLUMNS = ["trend_kind", "trend_predicted", "trend_lower", "trend_upper", "peer_expected",
                    "peer_lower", "peer_upper", "evidence_model", "ceiling"]
TARGET_COLUMNS = (
    [schema.EDITION, schema.UNIT, schema.INDICATOR, "indicator_name", "group", "lead_agency_key", "lead_agency",
     "cooperating", "unit_label", "direction", "decimals", "current_value", "current_rank", "n_units",
     "current_score", "current_pii", "current_pii_rank", "current_pii_region_rank"]
    + THRESHOLD_COLUMNS + ["threshold_label", "increment_count", "count_noun", "increment_text"]
    + OUTCOME_COLUMNS + ["within_evidence", "recommended", "rule"] + EVIDENCE_COLUMNS + [schema.PROVENANCE]
)


# --------------------------------------------------------------------------- precision


def value_decimals(values: Iterable[float], significant: int = SIGNIFICANT_DIGITS) -> int:
    """The precision of the data: the fewest decimals that write every value exactly, but no
    more than `significant` significant digits at the median magnitude (computed values, e.g.
    harmonised after the merger, carry meaningless decimals)."""
    finite = np.asarray([v for v in values if v is not None and np.isfinite(v)], dtype=float)
    nonzero = np.abs(finite[finite != 0])
    cap = MAX_DECIMALS
    if len(nonzero):
        cap = int(np.clip(significant - 1 - math.floor(math.log10(np.median(nonzero))), 0, MAX_DECIMALS))
    for decimals in range(cap + 1):
        error = np.abs(np.round(finite, decimals) - finite)
        if np.all(error <= 1e-9 * np.maximum(1.0, np.abs(finite))):
            return decimals
    return cap


def round_towards(value: float, decimals: int, direction: int) -> float:
    """`value` at `decimals`, rounded up (direction +1) or down (−1) unless already exact."""
    if not np.isfinite(value):
        return float("nan")
    rounded = round(float(value), decimals)
    if direction * (rounded - value) >= -1e-9 * max(1.0, abs(value)):
        return rounded
    return round(rounded + direction * 10.0 ** -decimals, decimals)


def rank_among(others: pd.Series, value: float, direction: int) -> int:
    """Rank `value` would have among `others` (1 + number strictly better; COINr's min ties)."""
    others = others.dropna().to_numpy(dtype=float)
    return int(1 + np.sum(direction * (others - value) > 0))


# --------------------------------------------------------------------------- thresholds


def thresholds(
    values: pd.Series,
    province: str,
    direction: int,
    region_members: Iterable[str] = (),
    peer_members: Iterable[str] = (),
    top: int = DEFAULT_TOP,
    decimals: int | None = None,
    comparison: pd.Series | None = None,
) -> pd.DataFrame:
    """The value the province needs for each threshold (rule in the module docstring).

    values: one indicator, unit -> current raw value (the province included). comparison:
    the other provinces' values to compare with (default: their current values); pass their
    projections for the projected basis. decimals: precision of the needed values (default:
    that of `values`). Columns: threshold, reference_unit (who holds the threshold value, when
    one province does), threshold_value, needed_value, reached, target_value (the value the
    province would hold: needed, or its current value when reached), increment.
    """
    if direction not in (1, -1):
        raise ValueError(f"direction must be +1 or -1; got {direction!r}")
    values = values.astype(float)
    if province not in values.index or not np.isfinite(values[province]):
        raise ValueError(f"province {province!r} has no value for this indicator")
    own = float(values[province])
    decimals = value_decimals(values.to_numpy()) if decimals is None else decimals
    others = (values if comparison is None else comparison.astype(float)).drop(province, errors="ignore").dropna()
    rank = rank_among(others, own, direction)

    def holder(value: float) -> str | None:
        """Who holds `value` (the first by name when several do)."""
        return min(others.index[others == value]) if np.isfinite(value) else None

    found = {}
    ahead = value_at_rank(others, rank - 1, direction) if rank > 1 else float("nan")
    found[ONE_RANK_UP] = (holder(ahead), ahead)
    found[NATIONAL_MEDIAN] = (None, float(np.median(others.to_numpy())) if len(others) else float("nan"))
    top_value = value_at_rank(others, top, direction)
    found[NATIONAL_TOP] = (holder(top_value), top_value)
    found[REGION_LEAD] = best_value(others.reindex([u for u in region_members if u in others.index]), direction)
    found[BEST_PEER] = best_value(others.reindex([u for u in peer_members if u in others.index]), direction)

    rows = []
    for name in THRESHOLDS:
        reference, threshold_value = found[name]
        needed = round_towards(threshold_value, decimals, direction)
        # No province ahead: the province is first, nothing to reach.
        reached = (not np.isfinite(needed)) or direction * (own - needed) >= 0
        target = own if reached else needed
        rows.append({
            "threshold": name,
            "reference_unit": reference,
            "threshold_value": threshold_value,
            "needed_value": needed,
            "reached": bool(reached),
            "target_value": target,
            "increment": target - own,
        })
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- recomputation


class Recomputer:
    """The index rebuilt with one unit's value of one indicator changed (cached per value).

    result: the `IndexResult` of `idata`; regions: unit -> region (for the regional rank).
    """

    def __init__(self, result, idata: pd.DataFrame, province: str, regions: Mapping[str, str] | None = None):
        self.result, self.idata, self.province = result, idata, province
        self.top = top_code(result.imeta)
        self.regions = dict(regions or {})
        self._cache: dict[tuple[str, float], dict] = {}
        self.current = self._outcome(result, None)

    def _outcome(self, result, indicator: str | None) -> dict:
        pii = result.scores[self.top]
        outcome = {
            "pii": float(pii[self.province]),
            "pii_rank": int(result.ranks.at[self.province, self.top]),
            "pii_region_rank": np.nan,
        }
        if self.province in self.regions:
            region = self.regions[self.province]
            members = [u for u in pii.index if self.regions.get(u) == region and u != self.province]
            outcome["pii_region_rank"] = rank_among(pii.reindex(members), outcome["pii"], 1)
        if indicator is not None:
            outcome["score"] = float(result.scores.at[self.province, indicator])
        return outcome

    def score(self, indicator: str) -> float:
        return float(self.result.scores.at[self.province, indicator])

    def outcome(self, indicator: str, value: float) -> dict:
        """score, pii, pii_rank, pii_region_rank with the province's `indicator` at `value`."""
        key = (indicator, float(value))
        if key not in self._cache:
            current_value = float(self.result.stages["Raw"].set_index(UNIT_CODE).at[self.province, indicator])
            if value == current_value:
                replayed = self.result
            else:
                replayed = replay_with_values(self.result, self.idata, self.province, {indicator: value})
            self._cache[key] = self._outcome(replayed, indicator)
        return dict(self._cache[key])


# --------------------------------------------------------------------------- evidence


@dataclass(frozen=True)
class Evidence:
    """The province's 80 % prediction intervals from its trend and from the peer model."""

    trend_kind: str | None = None
    trend_predicted: float = np.nan
    trend_lower: float = np.nan
    trend_upper: float = np.nan
    peer_expected: float = np.nan
    peer_lower: float = np.nan
    peer_upper: float = np.nan
    evidence_model: str | None = None
    ceiling: float = np.nan

    @classmethod
    def from_intervals(cls, direction: int, trend: dict | None = None, peer: dict | None = None) -> Evidence:
        """The better model is the one with the narrower interval; the ceiling is its favourable end."""
        fields = {}
        intervals = {}
        if trend is not None:
            fields.update(trend_kind=trend["kind"], trend_predicted=trend["predicted"],
                          trend_lower=trend["lower"], trend_upper=trend["upper"])
            intervals[TREND] = (trend["lower"], trend["upper"])
        if peer is not None:
            fields.update(peer_expected=peer["expected"], peer_lower=peer["lower"], peer_upper=peer["upper"])
            intervals[PEER] = (peer["lower"], peer["upper"])
        intervals = {k: v for k, v in intervals.items() if np.all(np.isfinite(v))}
        if intervals:
            # Ties in width go to the trend (listed first): the province's own history.
            model = min(intervals, key=lambda k: intervals[k][1] - intervals[k][0])
            lower, upper = intervals[model]
            fields.update(evidence_model=model, ceiling=float(upper if direction > 0 else lower))
        return cls(**fields)

    def as_dict(self) -> dict:
        return {name: getattr(self, name) for name in EVIDENCE_COLUMNS}


# --------------------------------------------------------------------------- one indicator


def _recommend(rows: pd.DataFrame, own: float, direction: int, evidence: Evidence, decimals: int) -> tuple[int | None, dict | None]:
    """(index of the recommended row, or None with the extra row to add) — module docstring rule."""
    basis = PROJECTED if (rows["basis"] == PROJECTED).any() and \
        rows.loc[rows["basis"] == PROJECTED, "threshold_value"].notna().any() else CURRENT
    candidates = rows[(rows["basis"] == basis) & ~rows["reached"]]
    if candidates.empty:
        return None, {"threshold": MAINTAIN, "basis": basis, "target_value": own, "rule": RULE_MAINTAIN}
    ambition = direction * candidates["needed_value"]
    order = {name: i for i, name in enumerate(THRESHOLDS)}
    ranked = candidates.assign(_ambition=ambition, _order=candidates["threshold"].map(order))
    if not np.isfinite(evidence.ceiling):
        least = ranked.sort_values(["_ambition", "_order"]).index[0]
        rows.loc[least, "rule"] = RULE_NO_EVIDENCE
        return least, None
    within = ranked[ranked["_ambition"] <= direction * evidence.ceiling]
    if not within.empty:
        best = within.sort_values(["_ambition", "_order"], ascending=[False, True]).index[0]
        rows.loc[best, "rule"] = RULE_WITHIN
        return best, None
    ceiling = round_towards(evidence.ceiling, decimals, -direction)
    if direction * (ceiling - own) > 0:
        return None, {"threshold": EVIDENCE_CEILING, "basis": basis, "target_value": ceiling,
                      "rule": RULE_CEILING}
    least = ranked.sort_values(["_ambition", "_order"]).index[0]
    rows.loc[least, "rule"] = RULE_BEYOND
    return least, None


def indicator_targets(
    recomputer: Recomputer,
    indicator: str,
    direction: int,
    region_members: Iterable[str] = (),
    peer_members: Iterable[str] = (),
    projected: pd.Series | None = None,
    evidence: Evidence | None = None,
    top: int = DEFAULT_TOP,
    decimals: int | None = None,
) -> pd.DataFrame:
    """Every threshold of one indicator on both bases, recomputed, with the recommended row.

    The current values are the raw stage of `recomputer.result`. projected: the other
    provinces' projected values (unit -> value); without it only the current basis is given.
    Columns: THRESHOLD_COLUMNS, OUTCOME_COLUMNS, within_evidence, recommended, rule,
    EVIDENCE_COLUMNS, plus current_value, current_rank, n_units, current_score, current_pii,
    current_pii_rank, current_pii_region_rank, decimals and direction.
    """
    province = recomputer.province
    evidence = evidence or Evidence()
    raw = recomputer.result.stages["Raw"].set_index(UNIT_CODE)[indicator].astype(float)
    decimals = value_decimals(raw.to_numpy()) if decimals is None else decimals
    own = float(raw[province])
    others_current = raw.drop(province)
    others_projected = None
    if projected is not None:
        others_projected = projected.astype(float).drop(province, errors="ignore").reindex(others_current.index)
        if others_projected.isna().all():
            others_projected = None

    parts = []
    for basis, comparison in ((CURRENT, None), (PROJECTED, others_projected)):
        if basis == PROJECTED and comparison is None:
            continue
        part = thresholds(raw, province, direction, region_members, peer_members, top, decimals, comparison)
        parts.append(part.assign(basis=basis))
    rows = pd.concat(parts, ignore_index=True).assign(rule=pd.NA, recommended=False, within_evidence=pd.NA)
    chosen, extra = _recommend(rows, own, direction, evidence, decimals)
    if extra is not None:
        extra = {"reference_unit": None, "threshold_value": np.nan, "needed_value": extra["target_value"],
                 "reached": extra["threshold"] == MAINTAIN, "increment": extra["target_value"] - own, **extra}
        rows = pd.concat([rows, pd.DataFrame([extra])], ignore_index=True)
        chosen = rows.index[-1]
    rows.loc[chosen, "recommended"] = True
    if np.isfinite(evidence.ceiling):
        inside = direction * (rows["target_value"] - evidence.ceiling) <= 0
        rows["within_evidence"] = inside.astype(object)

    outcomes = pd.DataFrame([recomputer.outcome(indicator, v) for v in rows["target_value"]], index=rows.index)
    current = recomputer.current
    current_score = recomputer.score(indicator)
    rows = rows.assign(
        indicator_rank=[rank_among(others_current, v, direction) for v in rows["target_value"]],
        indicator_rank_projected=[rank_among(others_projected, v, direction) if others_projected is not None
                                  else np.nan for v in rows["target_value"]],
        score=outcomes["score"],
        score_change=outcomes["score"] - current_score,
        pii=outcomes["pii"],
        pii_change=outcomes["pii"] - current["pii"],
        pii_rank=outcomes["pii_rank"],
        pii_rank_gain=current["pii_rank"] - outcomes["pii_rank"],
        pii_region_rank=outcomes["pii_region_rank"],
        current_value=own,
        current_rank=rank_among(others_current, own, direction),
        n_units=len(raw.dropna()),
        current_score=current_score,
        current_pii=current["pii"],
        current_pii_rank=current["pii_rank"],
        current_pii_region_rank=current["pii_region_rank"],
        decimals=decimals,
        direction=direction,
        **evidence.as_dict(),
    )
    return rows


# --------------------------------------------------------------------------- increments in words


def _scale(text: str) -> float:
    """'10.000' -> 10000 (Vietnamese thousands separators)."""
    return float(text.replace(".", "").replace(",", "."))


def count_unit(unit_label: str) -> tuple[str, float] | None:
    """(count noun, per how many) for units like 'đơn/10.000 dân' or 'đơn/xã'; None otherwise.

    Only counts qualify: a unit with '%', money ('đồng') or a score has no count behind it.
    """
    match = re.fullmatch(r"\s*([^/\d%]+?)\s*/\s*(\d[\d.]*)?\s*(.+)", str(unit_label))
    if not match or "đồng" in match.group(1) or "điểm" in match.group(1) or "chỉ số" in match.group(1):
        return None
    return match.group(1).strip(), _scale(match.group(2)) if match.group(2) else 1.0


def count_noun(indicator_name: str, noun: str) -> str:
    """The counted thing named from the indicator, e.g. 'đơn đăng ký chỉ dẫn địa lý'."""
    head = str(indicator_name).split("/")[0]
    position = head.lower().find(noun.lower())
    phrase = head[position:].strip() if position >= 0 else noun
    # Lower-case a capital that only starts the sentence ("Đơn đăng ký"), not an acronym ("OCOP").
    if len(phrase) > 1 and phrase[0].isupper() and phrase[1].islower():
        phrase = phrase[0].lower() + phrase[1:]
    return phrase


def increment_count(increment: float, unit_label: str, denominator: float) -> int | None:
    """The increment as a whole count (rounded away from zero), or None when not a count."""
    counted = count_unit(unit_label)
    if counted is None or not np.isfinite(denominator) or not np.isfinite(increment):
        return None
    amount = increment * denominator / counted[1]
    return int(math.copysign(math.ceil(abs(amount) - 1e-9), amount)) if amount else 0


def _signed(value: float, decimals: int | None = None) -> str:
    sign = "+" if value > 0 else "−" if value < 0 else ""
    text = format_number(abs(value), decimals)
    if "," in text:  # "1,330" -> "1,33": trailing zeros after the decimal comma say nothing
        text = text.rstrip("0").rstrip(",")
    return sign + text


def increment_text(increment: float, unit_label: str, decimals: int, count: int | None = None,
                   noun: str | None = None) -> str:
    """The increment in Vietnamese: '+3 đơn đăng ký chỉ dẫn địa lý (+0,0231 đơn/xã)'."""
    if not np.isfinite(increment):
        return ""
    if increment == 0:
        return "giữ nguyên (đã đạt)"
    unit = re.sub(r"\s*\(.*?\)", "", str(unit_label)).strip()
    if unit == "%":
        unit = "điểm phần trăm"
    in_unit = f"{_signed(increment, decimals)} {unit}".strip()
    if count is not None and noun:
        return f"{_signed(count)} {noun} ({in_unit})"
    return in_unit


# --------------------------------------------------------------------------- the PII table


def _for_year(frame: pd.DataFrame | None, year: int, units: set[str]) -> pd.DataFrame | None:
    """Rows up to `year` when every unit is on the edition's map (history of another map is unused)."""
    if frame is None or frame.empty:
        return None
    rows = frame[frame[schema.YEAR].astype(int) <= year] if schema.YEAR in frame.columns else frame
    if rows.empty or not set(rows[schema.UNIT]) <= units:
        return None
    return rows


def _covariates_of_year(covariates: pd.DataFrame | None, year: int, units: set[str]) -> pd.DataFrame | None:
    """The covariate rows of the data year (all rows when there is no year column)."""
    rows = _for_year(covariates, year, units)
    if rows is not None and schema.YEAR in rows.columns:
        rows = rows[rows[schema.YEAR].astype(int) == year]
    return None if rows is None or rows.empty else rows


def structural_covariates(covariates: pd.DataFrame | None, year: int, units: set[str]) -> pd.DataFrame | None:
    """The peer model's covariates of the data year, wide by unit: log GRDP per capita, log
    population and urbanisation (None when there are none for that year on the units' map).

    Three covariates for 34–63 provinces: structure without over-fitting; the logs because
    both quantities spread over orders of magnitude. Covariates named differently are used as
    given (all of them).
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
            found |= set(frame[schema.PROVENANCE].dropna().astype(str))
    return schema.weakest_provenance(found) if found else schema.OFFICIAL


def _trend_evidence(projections: pd.DataFrame | None, province: str) -> dict | None:
    if projections is None or projections.empty:
        return None
    own = projections[projections[schema.UNIT] == province]
    if own.empty or not np.isfinite(own["predicted"].iloc[0]):
        return None
    row = own.iloc[0]
    return {"kind": row["kind"], "predicted": row["predicted"], "lower": row["lower"], "upper": row["upper"]}


def _peer_evidence(values: pd.Series, structure: pd.DataFrame | None, province: str, direction: int,
                   coverage: float) -> dict | None:
    if structure is None:
        return None
    try:
        model = fit_peer_model(values, structure, direction=direction, coverage=coverage)
    except ValueError:  # too few provinces, a unit without covariates: no peer evidence
        return None
    if province not in model.table.index:
        return None
    row = model.table.loc[province]
    return {"expected": row["expected"], "lower": row["lower"], "upper": row["upper"]}


def _threshold_label(name: str, basis: str, top: int, region_name: str, year: int) -> str:
    labels = {
        ONE_RANK_UP: "Lên 1 bậc xếp hạng",
        NATIONAL_MEDIAN: "Bằng trung vị cả nước",
        NATIONAL_TOP: f"Vào top {top} cả nước",
        REGION_LEAD: f"Dẫn đầu vùng {region_name}".strip(),
        BEST_PEER: "Bằng địa phương tương đồng tốt nhất",
        EVIDENCE_CEILING: "Mức tốt nhất có căn cứ (khoảng dự báo 80%)",
        MAINTAIN: "Giữ vững (đã đạt mọi ngưỡng)",
    }
    if name in (EVIDENCE_CEILING, MAINTAIN):
        return labels[name]
    suffix = ("so với số liệu hiện tại" if basis == CURRENT
              else f"so với dự báo số liệu năm {year}, kỳ PII {year + schema.DATA_YEAR_LAG}")
    return f"{labels[name]} ({suffix})"


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
) -> pd.DataFrame:
    """Targets for every indicator of the plan (one long frame; columns TARGET_COLUMNS).

    values_long: the tidy long frame (one or more editions); history: tidy history (year,
    unit, indicator, value, provenance) for trends and projections; covariates: tidy
    structural covariates (year, unit, covariate, value) for the peer model and peer group.
    History or covariates on another map than the edition's (e.g. the 63 former provinces for
    the 2025 edition) are not used. plan: a `piilib.plan.Plan` (default plan 88).
    """
    from piilib.framework import indicators as framework_indicators
    from piilib.framework import load_framework, whole_counts
    from piilib.pii import compute_pii, edition_values, to_idata
    from piilib.plan import load_plan
    from piilib.units import load_units

    plan = load_plan() if plan is None else plan
    framework = load_framework(edition) if framework is None else framework
    rows_of_edition = edition_values(values_long, edition)
    units = load_units(edition)
    if province not in set(units["unit"]):
        raise ValueError(f"unit {province!r} is not a province of edition {edition}")
    meta = framework_indicators(framework).set_index("code")
    whole = whole_counts(framework)
    missing = [code for code in plan.indicators["code"] if code not in meta.index]
    if missing:
        raise ValueError(f"plan indicator(s) {missing} are not in the framework of edition {edition}")

    result = compute_pii(rows_of_edition, edition, framework)
    idata = to_idata(rows_of_edition, edition, framework)
    regions = dict(zip(units["unit"], units["region"]))
    region_name = str(units.set_index("unit").at[province, "region_name_vi"])
    region_members = [u for u, r in regions.items() if r == regions[province] and u != province]
    unit_set = set(units["unit"])
    year = schema.data_year(edition)
    history_used = _for_year(history, year, unit_set)
    covariates_used = _covariates_of_year(covariates, year, unit_set)
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
    parts = []
    for item in plan.indicators.itertuples():
        code = item.code
        info = meta.loc[code]
        direction = int(info["direction"])
        projections = None
        if history_used is not None:
            series = history_used[history_used[schema.INDICATOR].astype(str) == code]
            if not series.empty:
                projections = project_all(series, year + 1, multiplicative=[code], coverage=coverage)
        projected = None
        if projections is not None:
            projected = projections.set_index(schema.UNIT)["predicted"].astype(float)
        evidence = Evidence.from_intervals(
            direction,
            trend=_trend_evidence(projections, province),
            peer=_peer_evidence(raw[code], structure, province, direction, coverage),
        )
        rows = indicator_targets(recomputer, code, direction, region_members, peer_members, projected,
                                 evidence, top, decimals=0 if whole[code] else None)
        noun_unit = count_unit(info["unit_vi"])
        denominator = denominators.get(str(info["denominator"]), np.nan)
        counts = [increment_count(d, info["unit_vi"], denominator) for d in rows["increment"]]
        noun = count_noun(info["name_vi"], noun_unit[0]) if noun_unit else None
        rows = rows.assign(
            **{schema.EDITION: int(edition), schema.UNIT: province, schema.INDICATOR: code},
            indicator_name=info["name_vi"],
            group=item.group,
            lead_agency_key=item.lead_agency_key,
            lead_agency=plan.agency_name(item.lead_agency_key),
            cooperating="; ".join(item.cooperating),
            unit_label=info["unit_vi"],
            threshold_label=[_threshold_label(t, b, top, region_name, year + 1)
                             for t, b in zip(rows["threshold"], rows["basis"])],
            increment_count=pd.array(counts, dtype="Int64"),
            count_noun=noun if noun_unit and np.isfinite(denominator) else None,
            increment_text=[increment_text(d, info["unit_vi"], int(rows["decimals"].iloc[0]), c,
                                           noun if np.isfinite(denominator) else None)
                            for d, c in zip(rows["increment"], counts)],
            **{schema.PROVENANCE: provenance},
        )
        parts.append(rows[TARGET_COLUMNS])
    return pd.concat(parts, ignore_index=True)


def bundle_targets(bundle, edition: int, province: str, plan=None, top: int = DEFAULT_TOP,
                   coverage: float = DEFAULT_COVERAGE, peers: int = DEFAULT_PEERS) -> pd.DataFrame:
    """`target_table` on a `piilib.bundle.DataBundle`: its values, its history and covariates
    on the edition's map (harmonised after the merger)."""
    indicator = None
    if plan is not None and len(plan.indicators) == 1:
        indicator = str(plan.indicators["code"].iloc[0])  # one indicator: harmonise only its history
    history = bundle.history_on_map(edition, indicator)
    covariates = bundle.covariates_on_map(edition)
    return target_table(
        bundle.values, edition, province,
        history=None if history.empty else history,
        covariates=None if covariates.empty else covariates,
        plan=plan, top=top, coverage=coverage, peers=peers,
    )


def recommended_targets(table: pd.DataFrame) -> pd.DataFrame:
    """One row per indicator: the recommended target (plan order kept)."""
    return table[table["recommended"].astype(bool)].reset_index(drop=True)
