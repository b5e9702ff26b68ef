"""Targets: the raw value each plan indicator needs to reach a threshold, and what it buys.

Thresholds. For one province and one indicator, over the OTHER units (so a threshold does not
move when the province's own value changes), on a ranking map:

    hold_rank        the value that keeps today's rank r (the r-th best of the others);
    one_rank_up      one place better than today: the (r − 1)-th best of the others; none
                     when the province is first;
    national_median  the median of the others' values;
    national_top     the value at national rank `top` (default 10) among the others;
    region_lead      the best value among the other units of its region;
    best_peer        the best value among its structural peers (`piilib.analysis.peers`: the k
                     nearest provinces in standardised covariates; the centrally-run cities when
                     no covariates are given).

"Best" follows the indicator's direction: for an inverse indicator (direction −1, e.g. 4.1.2
microfinance loans / GRDP) a lower value is better and "needed" means AT MOST that value.

Two bases, each on its own map:

- `current`: the others' values in the base edition, on the base edition's map; r is the
  province's rank there. "What this value would give in the edition at hand."
- `projected`: the ranking the NEXT edition will produce: the others' values predicted for
  the next data year by their own trends (`piilib.analysis.trend.project_all`, the median; a
  series without a fit keeps its current value), on the next edition's map
  (`piilib.analysis.ranking_map`). For base 2024 (63 provinces) the 2025 edition ranks 34
  units: the 63 projections are merged with the base edition's merge rules (the map the
  outlook ranks its draws on: one map for both), and the province's
  value counts as part of its merged unit with its partners' projections, an affine function
  of its own value that is inverted to give the value it needs. Today's rank r is the merged
  unit's rank among today's values carried onto that map. An indicator that cannot be merged
  (`not_combinable`, or without the quantities its rule needs) is ranked on the base map,
  and the row says so (`rank_map`). So a target
  labelled one_rank_up gives a projected indicator rank ≤ r − 1 on the stated map.

Tie rule (COINr ranks ties with the smallest rank): a value EQUAL to a threshold reaches it.
The needed value is the threshold carried back to the province's own value and rounded to the
indicator's precision in the direction of improvement (so the rounded figure never falls
short; a whole count, `piilib.framework.whole_counts`, has precision 0). A threshold the
province already meets is `reached` (target = current value). A threshold the province's own
business-as-usual median forecast already meets is `delivered_by_trend` ("đạt theo xu hướng"):
shown, never recommended.

What a target buys is recomputed, never approximated: the whole index is rebuilt with the
engine's replay (`build_index(new_idata, result.imeta, result.log)`) with only the province's
value of that indicator changed, every other value as in the base edition (carried onto the
ranking map for the projected basis: the merged unit's value is the merge of the target with
its partners' current values). Reported per row, on the row's map (`rank_map`, with
`rank_map_units` units and `rank_map_region_size` in the province's region): the indicator's
rank and regional rank by raw value, the indicator score, the PII, its national and regional
rank, today's ranks on that map, and `leaves_pii_rank_unchanged` (the PII rank with the target
equals today's PII rank on that map: the target alone does not move the province).

Evidence (`Evidence.choose`): the province's own trend (its predictive distribution,
`trend.Predictive`) and the peer model (`peers.fit_peer_model`, the province LEFT OUT,
heteroskedastic interval within the indicator's bounds). The model used is the one with the
lower out-of-sample error on the same scale (RMSE in the indicator's unit over the provinces:
leave-one-year-out for the trends, `trend_loo_rmse`; leave-one-province-out for the peer
model), not the narrower interval. A trend of fewer than `trend.MIN_YEARS` years, or of a
constant history (zero residual scale), is "not enough evidence", never certainty. The
`ceiling` is the favourable end of the chosen model's 80 % interval. Every row carries
`p_reach_trend`, the probability that the trend alone reaches the target value (from the
predictive distribution; NaN without a usable trend), and `p_reach_evidence` under the chosen
model.

Tiers (one row each, `tier`):

    maintain      (giữ vững) the better of today's value, the business-as-usual median and
                  the value that holds today's rank on the projected basis;
    feasible      (khả thi) the most ambitious projected threshold beyond `maintain` within
                  the evidence ceiling; else the ceiling itself when it goes beyond `maintain`;
    breakthrough  (bứt phá) the least ambitious projected threshold beyond `feasible` (beyond
                  `maintain` when there is no feasible tier): beyond the evidence.

The recommended target is `feasible` when there is one, else `maintain` (the evidence supports
no more, or there is not enough evidence). So no recommendation lies below the business-as-usual
median. `target_table` returns ONE long frame: a row per plan indicator × threshold × basis,
plus the tier rows that are not thresholds (`maintain`, `evidence_ceiling`); exactly one row per
indicator has `recommended` True. `recommended_targets(table)` selects those rows.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Iterable, Mapping

import numpy as np
import pandas as pd

from piilib import schema
from piilib.analysis.bounds import indicator_bounds
from piilib.analysis.levers import replay_with_values, top_code
from piilib.analysis.peers import CENTRALLY_RUN, NEAREST, PeerBenchmark, covariates_wide, fit_peer_model, peer_groups
from piilib.analysis.ranking_map import RankingMap, quantities_from_covariates, ranking_map
from piilib.analysis.trend import (
    DEFAULT_COVERAGE,
    INSUFFICIENT,
    LOG,
    LOG1P,
    Predictive,
    best_value,
    project_all,
    t_tail,
    value_at_rank,
)
from piilib.report.tables import format_number

CURRENT = "current"
PROJECTED = "projected"
BASES = (CURRENT, PROJECTED)

HOLD_RANK = "hold_rank"
ONE_RANK_UP = "one_rank_up"
NATIONAL_MEDIAN = "national_median"
NATIONAL_TOP = "national_top"
REGION_LEAD = "region_lead"
BEST_PEER = "best_peer"
THRESHOLDS = (HOLD_RANK, ONE_RANK_UP, NATIONAL_MEDIAN, NATIONAL_TOP, REGION_LEAD, BEST_PEER)
AMBITIONS = (ONE_RANK_UP, NATIONAL_MEDIAN, NATIONAL_TOP, REGION_LEAD, BEST_PEER)  # may be recommended
# Tier rows that are not thresholds.
EVIDENCE_CEILING = "evidence_ceiling"
MAINTAIN = "maintain"

TIER_MAINTAIN = "maintain"
TIER_FEASIBLE = "feasible"
TIER_BREAKTHROUGH = "breakthrough"
TIERS = (TIER_MAINTAIN, TIER_FEASIBLE, TIER_BREAKTHROUGH)
TIER_LABELS = {TIER_MAINTAIN: "Giữ vững", TIER_FEASIBLE: "Khả thi", TIER_BREAKTHROUGH: "Bứt phá"}

RULE_WITHIN = "most ambitious threshold within the evidence"
RULE_CEILING = "no threshold within the evidence: the evidence ceiling"
RULE_EVIDENCE_MAINTAIN = "the evidence supports no step beyond maintaining"
RULE_NO_EVIDENCE = "not enough evidence: maintain"
RULE_MAINTAIN = "every threshold already reached or delivered by the trend: maintain"
RULE_REACHED = RULE_MAINTAIN
# No longer produced (a step beyond the evidence is now the breakthrough tier, not a
# recommendation); kept so that callers' label tables still import.
RULE_BEYOND = "no threshold within the evidence: the smallest step, beyond the evidence"

TREND = "trend"
PEER = "peer"
NOT_ENOUGH_EVIDENCE = "not enough evidence"
TREND_FITTED = "fitted"
TREND_CONSTANT = "constant"

DEFAULT_TOP = 10
DEFAULT_PEERS = 5
DEFAULT_PEER_FORMULA = "value ~ np.log(grdp_per_capita) + np.log(population) + urbanisation"
MAX_DECIMALS = 8
SIGNIFICANT_DIGITS = 5
UNIT_CODE = "uCode"
DEGENERATE_SCALE = 1e-9  # relative: a trend's predictive scale below this is a constant history
RANK_TOLERANCE = 1e-9  # relative: a merged value equal to a threshold up to rounding error ties with it

MAP_COLUMNS = ["rank_map", "rank_map_units", "rank_map_region_size", "ranked_unit", "today_rank",
               "today_region_rank", "today_pii_rank", "today_pii_region_rank"]
THRESHOLD_COLUMNS = ["threshold", "basis", *MAP_COLUMNS, "reference_unit", "threshold_value", "needed_value",
                     "reached", "delivered_by_trend", "target_value", "increment", "indicator_rank",
                     "indicator_region_rank"]
OUTCOME_COLUMNS = ["score", "score_change", "pii", "pii_change", "pii_rank", "pii_rank_gain", "pii_region_rank",
                   "leaves_pii_rank_unchanged"]
EVIDENCE_COLUMNS = ["trend_kind", "trend_status", "trend_predicted", "trend_lower", "trend_upper", "trend_oos_rmse",
                    "peer_expected", "peer_lower", "peer_upper", "peer_r_squared", "peer_explains_little",
                    "peer_leverage", "peer_cooks_distance", "peer_oos_rmse", "peer_n_obs", "peer_formula",
                    "evidence_model", "evidence_oos_rmse", "ceiling"]
# What one row buys (`indicator_targets`): NaN with outcomes=False.
ROW_OUTCOME_COLUMNS = MAP_COLUMNS + ["indicator_rank", "indicator_region_rank"] + OUTCOME_COLUMNS + [
    "p_reach_trend", "p_reach_evidence"]
TARGET_COLUMNS = (
    [schema.EDITION, schema.UNIT, schema.INDICATOR, "indicator_name", "group", "lead_agency_key", "lead_agency",
     "cooperating", "unit_label", "direction", "decimals", "lower_bound", "upper_bound", "current_value",
     "current_rank", "n_units", "current_score", "current_pii", "current_pii_rank", "current_pii_region_rank"]
    + THRESHOLD_COLUMNS + ["threshold_label", "increment_count", "count_noun", "increment_text"]
    + OUTCOME_COLUMNS + ["p_reach_trend", "p_reach_evidence", "tier", "tier_label", "within_evidence",
                         "recommended", "rule"] + EVIDENCE_COLUMNS + [schema.PROVENANCE]
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


def _without(values: pd.Series, unit: str) -> pd.Series:
    """`values` without `unit` (absent: unchanged); a mask, cheaper than Series.drop."""
    return values[values.index != unit]


def rank_among(others: pd.Series, value: float, direction: int, tolerance: float = 0.0) -> int:
    """Rank `value` would have among `others` (1 + number strictly better; COINr's min ties).

    tolerance (relative): an other better by no more than tolerance × max(1, |value|) ties
    (for values carried onto another map, equal up to rounding error)."""
    others = np.asarray(others.to_numpy() if isinstance(others, pd.Series) else list(others), dtype=float)
    others = others[~np.isnan(others)]
    slack = tolerance * max(1.0, abs(float(value)))
    return int(1 + np.sum(direction * (others - value) > slack))


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
    today_rank: int | None = None,
    to_map: tuple[float, float] = (0.0, 1.0),
) -> pd.DataFrame:
    """The value the province needs for each threshold (rule in the module docstring).

    values: one indicator, unit -> current raw value (the province included). comparison:
    the other units' values on the ranking map (default: the others' current values); pass
    their projections for the projected basis. today_rank: the province's rank today on the
    ranking map (default: its current value's rank among `comparison`). to_map: (intercept,
    slope) of the province's value on the ranking map as a function of its own value
    (identity on the same map). decimals: precision of the needed values (default: that of
    `values`). Columns: threshold, reference_unit (who holds the threshold value, when one
    unit does), threshold_value (on the ranking map), needed_value (the province's own value
    that reaches it), reached, target_value (needed, or the current value when reached),
    increment.
    """
    if direction not in (1, -1):
        raise ValueError(f"direction must be +1 or -1; got {direction!r}")
    intercept, slope = (float(v) for v in to_map)
    if not slope > 0:
        raise ValueError(f"to_map slope must be > 0 (a merged value grows with the province's own); got {slope!r}")
    values = values.astype(float)
    if province not in values.index or not np.isfinite(values[province]):
        raise ValueError(f"province {province!r} has no value for this indicator")
    own = float(values[province])
    decimals = value_decimals(values.to_numpy()) if decimals is None else decimals
    others = _without(values if comparison is None else comparison.astype(float), province).dropna()
    mapped_own = intercept + slope * own
    rank = rank_among(others, mapped_own, direction, RANK_TOLERANCE) if today_rank is None else int(today_rank)

    other_values = others.to_numpy(dtype=float)
    other_units = others.index

    def holder(value: float) -> str | None:
        """Who holds `value` (the first by name when several do)."""
        return min(other_units[other_values == value]) if np.isfinite(value) else None

    def best_of(members: Iterable[str]) -> tuple[str | None, float]:
        present = set(members)
        return best_value(others[other_units.isin(present)], direction) if present else (None, float("nan"))

    found = {}
    hold = value_at_rank(other_values, rank, direction)
    found[HOLD_RANK] = (holder(hold), hold)
    ahead = value_at_rank(other_values, rank - 1, direction) if rank > 1 else float("nan")
    found[ONE_RANK_UP] = (holder(ahead), ahead)
    found[NATIONAL_MEDIAN] = (None, float(np.median(other_values)) if len(others) else float("nan"))
    top_value = value_at_rank(other_values, top, direction)
    found[NATIONAL_TOP] = (holder(top_value), top_value)
    found[REGION_LEAD] = best_of(region_members)
    found[BEST_PEER] = best_of(peer_members)

    rows = []
    for name in THRESHOLDS:
        reference, threshold_value = found[name]
        needed = _needed_value(threshold_value, intercept, slope, decimals, direction)
        # No unit ahead: the province is first, nothing to reach.
        reached = (not np.isfinite(needed)) or direction * (own - needed) >= 0 or \
            direction * (mapped_own - threshold_value) >= -RANK_TOLERANCE * max(1.0, abs(threshold_value))
        target = own if reached else needed
        rows.append({
            "threshold": name,
            "reference_unit": reference,
            "threshold_value": threshold_value,
            "needed_value": needed,
            "reached": bool(reached),
            "target_value": target,
            "increment": target - own,
            "today_rank": rank,
        })
    return pd.DataFrame(rows)


def _needed_value(threshold: float, intercept: float, slope: float, decimals: int, direction: int) -> float:
    """The province's own value, at the data's precision, whose value on the ranking map
    reaches `threshold` (the affine map inverted, rounded towards better, checked)."""
    if not np.isfinite(threshold):
        return float("nan")
    needed = round_towards((threshold - intercept) / slope, decimals, direction)
    slack = RANK_TOLERANCE * max(1.0, abs(threshold))
    for _ in range(3):  # rounding error of the inversion: at most a step or two
        if direction * (intercept + slope * needed - threshold) >= -slack:
            break
        needed = round(needed + direction * 10.0 ** -decimals, decimals)
    return needed


# --------------------------------------------------------------------------- recomputation


class Recomputer:
    """The index rebuilt with one unit's value of one indicator changed (cached per value).

    result: the `IndexResult` of `idata`; regions: unit -> region (for the regional rank).
    When the method is the PII's (treat, normalise, aggregate) many values are recomputed at
    once (`prefetch`): the engine's own array steps on a stack (value, units, indicators), each
    layer the base data with one value changed (as `outlook.IndexReplay` replays draws);
    otherwise each value is one `build_index` replay.
    """

    def __init__(self, result, idata: pd.DataFrame, province: str, regions: Mapping[str, str] | None = None):
        self.result, self.idata, self.province = result, idata, province
        self.top = top_code(result.imeta)
        self.regions = dict(regions or {})
        self._cache: dict[tuple[str, float], dict] = {}
        self.current = self._outcome(result, None)
        raw = result.stages["Raw"].set_index(UNIT_CODE)
        self._raw_of = raw
        self._replay = self._stacked_replay(result)
        if self._replay is not None:
            self._codes = list(self._replay.structure.codes)
            self._indicators = list(self._replay.structure.indicator_codes)
            self._units = [str(u) for u in raw.index]
            self._raw = raw[self._indicators].to_numpy(dtype=float)
            self._row = self._units.index(province)
            members = [u for u in self._units if self.regions.get(u) == self.regions.get(province) and u != province]
            self._region_rows = np.array([self._units.index(u) for u in members], dtype=int) \
                if province in self.regions else None

    @staticmethod
    def _stacked_replay(result):
        from piilib.analysis.outlook import IndexReplay

        try:
            return IndexReplay(result)  # the PII's method; another method is replayed value by value
        except ValueError:
            return None

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

    def raw_values(self, indicator: str) -> pd.Series:
        """The raw values of `indicator` by unit (float)."""
        return self._raw_of[indicator].astype(float)

    def score(self, indicator: str) -> float:
        return float(self.result.scores.at[self.province, indicator])

    def prefetch(self, indicator: str, values) -> None:
        """Recompute the outcomes of several values of `indicator` at once (into the cache)."""
        current_value = float(self._raw_of.at[self.province, indicator])
        wanted = [v for v in dict.fromkeys(float(v) for v in values)
                  if np.isfinite(v) and v != current_value and (indicator, v) not in self._cache]
        if not wanted or self._replay is None:
            return
        from piilib.index.structure import rank_array

        j = self._indicators.index(indicator)
        stack = np.repeat(self._raw[None], len(wanted), axis=0)
        stack[:, self._row, j] = wanted
        replay = self._replay
        scores = replay.structure.aggregate(replay.normalised(stack), replay.weights, replay.method)
        top = self._codes.index(self.top)
        index = scores[..., top]
        ranks = rank_array(index[..., None])[..., 0]
        for layer, value in enumerate(wanted):
            own = float(index[layer, self._row])
            outcome = {"pii": own, "pii_rank": int(ranks[layer, self._row]), "pii_region_rank": np.nan,
                       "score": float(scores[layer, self._row, self._codes.index(indicator)])}
            if self._region_rows is not None:
                outcome["pii_region_rank"] = rank_among(pd.Series(index[layer, self._region_rows]), own, 1)
            self._cache[(indicator, value)] = outcome

    def outcome(self, indicator: str, value: float) -> dict:
        """score, pii, pii_rank, pii_region_rank with the province's `indicator` at `value`."""
        key = (indicator, float(value))
        if key not in self._cache:
            current_value = float(self._raw_of.at[self.province, indicator])
            if value == current_value:
                replayed = self.result
            else:
                self.prefetch(indicator, [value])
                if key in self._cache:
                    return dict(self._cache[key])
                replayed = replay_with_values(self.result, self.idata, self.province, {indicator: value})
            self._cache[key] = self._outcome(replayed, indicator)
        return dict(self._cache[key])


# --------------------------------------------------------------------------- evidence


def reach_probability(predictive: Predictive | None, value: float, direction: int,
                      bounds: tuple[float, float] = (-np.inf, np.inf)) -> float:
    """P(the predicted value is at least `value`; at most, for direction −1), from a
    one-element predictive distribution whose draws are clipped to `bounds`. NaN without one."""
    if predictive is None or not np.isfinite(value):
        return float("nan")
    low, high = bounds
    if direction > 0:
        if value <= low:
            return 1.0
        if value > high:
            return 0.0
    else:
        if value >= high:
            return 1.0
        if value < low:
            return 0.0
    loc, scale, df = float(predictive.loc[0]), float(predictive.scale[0]), float(predictive.df[0])
    transform = predictive.transform[0]
    if transform == LOG:
        if value <= 0:
            return 1.0 if direction > 0 else 0.0
        model_value = math.log(value)
    elif transform == LOG1P:
        if value <= -1:
            return 1.0 if direction > 0 else 0.0
        model_value = math.log1p(value)
    else:
        model_value = float(value)
    if not (np.isfinite(scale) and scale > 0):
        return float("nan")
    z = (model_value - loc) / scale
    return float(t_tail(z, df, upper=direction > 0))


def trend_loo_rmse(history: pd.DataFrame, kinds: Mapping[str, str]) -> float:
    """Leave-one-year-out RMSE of the trends of one indicator, pooled over the units, in the
    indicator's unit. history: columns year, unit, value; kinds: unit -> the kind its trend
    was fitted with (`project_all`'s `kind`; units without a fit are left out). The left-out
    prediction of a log-linear trend is exp(log y − PRESS residual), as `trend.fit_trend`
    compares kinds. Units observed in the same years share one hat matrix (one solve each)."""
    # The units × years table of the fitted units' values, as DataFrame.pivot lays it out
    # (units and years sorted), built with NumPy: a pivot per indicator costs more than the fits.
    units = history[schema.UNIT].to_numpy(dtype=object)
    values = history[schema.VALUE].to_numpy(dtype=float)
    fitted = {u for u in set(units) if kinds.get(u) in ("linear", "log-linear")}
    keep = ~np.isnan(values) & np.fromiter((u in fitted for u in units), dtype=bool, count=len(units))
    if not keep.any():
        return float("nan")
    unit_keys, unit_rows = np.unique(units[keep], return_inverse=True)
    year_keys, year_columns = np.unique(history[schema.YEAR].to_numpy()[keep], return_inverse=True)
    cells = unit_rows.ravel() * len(year_keys) + year_columns.ravel()
    if len(np.unique(cells)) < len(cells):
        raise ValueError("the history has more than one value for a unit and year")
    table = np.full((len(unit_keys), len(year_keys)), np.nan)
    table.flat[cells] = values[keep]
    years = year_keys.astype(float)
    is_log = np.asarray([kinds.get(u) == "log-linear" for u in unit_keys])
    patterns, group_of = np.unique(~np.isnan(table), axis=0, return_inverse=True)
    group_of = np.asarray(group_of).ravel()
    errors = []
    for g, pattern in enumerate(patterns):
        rows = np.flatnonzero(group_of == g)
        observed = table[np.ix_(rows, np.flatnonzero(pattern))].T  # (years, units)
        logs = is_log[rows][None, :]
        with np.errstate(divide="ignore", invalid="ignore"):
            response = np.where(logs, np.log(np.where(logs, observed, 1.0)), observed)
        offsets = years[pattern] - years[pattern][0]
        design = np.column_stack([np.ones(len(offsets)), offsets])
        hat = design @ np.linalg.pinv(design.T @ design) @ design.T
        with np.errstate(divide="ignore", invalid="ignore"):
            press = (response - hat @ response) / (1.0 - np.diag(hat))[:, None]
        left_out = response - press
        errors.append((observed - np.where(logs, np.exp(left_out), left_out)).ravel())
    pooled = np.concatenate(errors)
    return float(np.sqrt(np.mean(np.square(pooled))))


@dataclass(frozen=True)
class Evidence:
    """The province's trend and peer evidence, and which one is used (module docstring)."""

    trend_kind: str | None = None
    trend_status: str | None = None
    trend_predicted: float = np.nan
    trend_lower: float = np.nan
    trend_upper: float = np.nan
    trend_oos_rmse: float = np.nan
    peer_expected: float = np.nan
    peer_lower: float = np.nan
    peer_upper: float = np.nan
    peer_r_squared: float = np.nan
    peer_explains_little: object = None
    peer_leverage: float = np.nan
    peer_cooks_distance: float = np.nan
    peer_oos_rmse: float = np.nan
    peer_n_obs: float = np.nan
    peer_formula: str | None = None
    evidence_model: str | None = None
    evidence_oos_rmse: float = np.nan
    ceiling: float = np.nan
    bounds: tuple[float, float] = (-np.inf, np.inf)
    trend_predictive: Predictive | None = field(default=None, repr=False, compare=False)
    peer_predictive: Predictive | None = field(default=None, repr=False, compare=False)

    @classmethod
    def choose(
        cls,
        direction: int,
        trend: Mapping | None = None,
        peer: PeerBenchmark | None = None,
        coverage: float = DEFAULT_COVERAGE,
        bounds: tuple[float, float] = (-np.inf, np.inf),
    ) -> Evidence:
        """trend: {"kind", "predictive" (one-element `Predictive`), "oos_rmse"} or None (no
        history); peer: the province's `PeerBenchmark` or None. The model used is the usable
        one with the lower out-of-sample RMSE (ties: the trend, the province's own history);
        a trend of kind INSUFFICIENT or with zero scale is not usable."""
        low, high = (float(b) for b in bounds)
        fields: dict = {"bounds": (low, high)}
        errors = {}
        if trend is not None:
            predictive = trend.get("predictive")
            kind = trend.get("kind")
            fields["trend_kind"] = kind
            if kind == INSUFFICIENT or predictive is None:
                fields["trend_status"] = INSUFFICIENT
            else:
                median = float(np.clip(predictive.median[0], low, high))
                fields.update(trend_predicted=median, trend_oos_rmse=float(trend.get("oos_rmse", np.nan)))
                scale = float(predictive.scale[0])
                # A constant (or exactly linear) history fits with zero scale up to rounding
                # error: that is no evidence of certainty.
                if not (np.isfinite(scale) and scale > DEGENERATE_SCALE * max(1.0, abs(float(predictive.loc[0])))):
                    fields["trend_status"] = TREND_CONSTANT
                else:
                    lower, upper = predictive.interval(coverage)
                    fields.update(trend_status=TREND_FITTED, trend_predictive=predictive,
                                  trend_lower=float(np.clip(lower[0], low, high)),
                                  trend_upper=float(np.clip(upper[0], low, high)))
                    if np.isfinite(fields["trend_oos_rmse"]):
                        errors[TREND] = fields["trend_oos_rmse"]
        if peer is not None:
            fields.update(peer.as_dict())
            fields["peer_oos_rmse"] = fields.pop("peer_loo_rmse")
            fields["peer_predictive"] = peer.predictive
            if np.isfinite(peer.loo_rmse):
                errors[PEER] = float(peer.loo_rmse)
        if errors:
            model = min(errors, key=lambda k: (errors[k], k != TREND))
            lower, upper = ((fields["trend_lower"], fields["trend_upper"]) if model == TREND
                            else (fields["peer_lower"], fields["peer_upper"]))
            fields.update(evidence_model=model, evidence_oos_rmse=errors[model],
                          ceiling=float(upper if direction > 0 else lower))
        return cls(**fields)

    @property
    def usable(self) -> bool:
        return self.evidence_model is not None

    @property
    def business_as_usual(self) -> float:
        """The trend's median forecast (a constant history's constant); NaN without a trend."""
        return float(self.trend_predicted)

    def p_reach(self, value: float, direction: int, model: str = TREND) -> float:
        """P(reach `value`) under the trend (default) or the evidence model; NaN without it."""
        if model == TREND:
            predictive = self.trend_predictive
        elif model == PEER:
            predictive = self.peer_predictive
        else:
            predictive = None
        return reach_probability(predictive, value, direction, self.bounds)

    def as_dict(self) -> dict:
        return {name: getattr(self, name) for name in EVIDENCE_COLUMNS}


# --------------------------------------------------------------------------- one indicator


@dataclass(frozen=True)
class Basis:
    """One basis of comparison on one map (module docstring).

    others: the other units' values on the map (the province's unit left out); today_others:
    their values today; to_map / today_to_map: (intercept, slope) of the province's value on
    the map as a function of its own, with the partners' compared / today's values;
    recomputer: the index of today on that map (province = the ranked unit).
    """

    name: str
    others: pd.Series
    today_others: pd.Series
    recomputer: "Recomputer"
    map_label: str
    n_units: int
    region_size: int
    region_members: tuple = ()
    peer_members: tuple = ()
    to_map: tuple[float, float] = (0.0, 1.0)
    today_to_map: tuple[float, float] = (0.0, 1.0)

    def mapped(self, own: float, today: bool = False) -> float:
        intercept, slope = self.today_to_map if today else self.to_map
        return float(intercept + slope * own)


def _same_map_basis(name: str, recomputer: Recomputer, indicator: str, others: pd.Series,
                    region_members: Iterable[str], peer_members: Iterable[str], map_label: str | None) -> Basis:
    raw = recomputer.raw_values(indicator)
    today_others = _without(raw, recomputer.province)
    members = tuple(region_members)
    return Basis(name=name, others=others, today_others=today_others, recomputer=recomputer,
                 map_label=map_label or "", n_units=len(raw.dropna()), region_size=len(members) + 1,
                 region_members=members, peer_members=tuple(peer_members))


def _tiers(rows: pd.DataFrame, basis: str, own: float, direction: int, evidence: Evidence, decimals: int) -> list[dict]:
    """Mark the tiers and the recommendation in `rows` (in place); return the extra rows.
    On NumPy arrays of the few rows (pandas filtering and sorting cost more than the rule)."""
    threshold = rows["threshold"].to_numpy(dtype=object)
    in_basis = rows["basis"].to_numpy(dtype=object) == basis
    needed = rows["needed_value"].to_numpy(dtype=float)
    hold = np.flatnonzero(in_basis & (threshold == HOLD_RANK))
    maintain = own
    for candidate in (evidence.business_as_usual, needed[hold[0]] if len(hold) == 1 else np.nan):
        if np.isfinite(candidate) and direction * (candidate - maintain) > 0:
            maintain = float(candidate)
    maintain = round_towards(maintain, decimals, direction)
    extra = [{"threshold": MAINTAIN, "basis": basis, "target_value": maintain, "tier": TIER_MAINTAIN}]
    ambition = direction * needed
    order = np.array([THRESHOLDS.index(t) if t in THRESHOLDS else len(THRESHOLDS) for t in threshold])
    with np.errstate(invalid="ignore"):
        candidates = np.flatnonzero(in_basis & np.isin(threshold, AMBITIONS) & ~rows["reached"].to_numpy(dtype=bool)
                                    & ~rows["delivered_by_trend"].to_numpy(dtype=bool)
                                    & (ambition > direction * maintain))
    feasible_value, rule = None, None
    if not evidence.usable:
        rule = RULE_NO_EVIDENCE if len(candidates) else RULE_REACHED
    else:
        within = [i for i in candidates if ambition[i] <= direction * evidence.ceiling]
        if within:  # the most ambitious; ties: the first threshold in THRESHOLDS order
            best = rows.index[max(within, key=lambda i: (ambition[i], -order[i]))]
            rows.at[best, "tier"], rows.at[best, "recommended"], rows.at[best, "rule"] = \
                TIER_FEASIBLE, True, RULE_WITHIN
            feasible_value = float(rows.at[best, "needed_value"])
        else:
            ceiling = round_towards(evidence.ceiling, decimals, -direction)
            if direction * (ceiling - maintain) > 0:
                extra.append({"threshold": EVIDENCE_CEILING, "basis": basis, "target_value": ceiling,
                              "tier": TIER_FEASIBLE, "recommended": True, "rule": RULE_CEILING})
                feasible_value = ceiling
            else:
                rule = RULE_EVIDENCE_MAINTAIN if len(candidates) else RULE_REACHED
    if feasible_value is None:
        extra[0].update(recommended=True, rule=rule)
    floor = direction * (maintain if feasible_value is None else feasible_value)
    beyond = [i for i in candidates if ambition[i] > floor]
    if beyond:  # the least ambitious; ties: the first threshold in THRESHOLDS order
        rows.at[rows.index[min(beyond, key=lambda i: (ambition[i], order[i]))], "tier"] = TIER_BREAKTHROUGH
    return extra


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
    projection: Basis | None = None,
    map_label: str | None = None,
    outcomes: bool = True,
) -> pd.DataFrame:
    """Every threshold of one indicator on both bases, recomputed, with the tiers and the
    recommended row (module docstring). outcomes=False leaves what each row buys (the ranks
    on the map, OUTCOME_COLUMNS, p_reach_*) NaN and skips the recomputations: the thresholds,
    tiers and recommendation do not depend on them.

    The current values are the raw stage of `recomputer.result` (its map: `map_label`).
    projection: the projected basis (`Basis`, e.g. on the next edition's map); or, on the same
    map, `projected`: the other units' projected values (unit -> value; a unit without one
    keeps its current value). Without either only the current basis is given.
    Columns: THRESHOLD_COLUMNS, OUTCOME_COLUMNS, p_reach_trend, p_reach_evidence, tier,
    within_evidence, recommended, rule, EVIDENCE_COLUMNS, plus current_value, current_rank,
    n_units, current_score, current_pii, current_pii_rank, current_pii_region_rank, decimals
    and direction.
    """
    province = recomputer.province
    evidence = evidence or Evidence()
    raw = recomputer.raw_values(indicator)
    decimals = value_decimals(raw.to_numpy()) if decimals is None else decimals
    own = float(raw[province])
    others_current = _without(raw, province)
    bases = {CURRENT: _same_map_basis(CURRENT, recomputer, indicator, others_current, region_members, peer_members,
                                      map_label)}
    if projection is None and projected is not None:
        comparison = _without(projected.astype(float), province).reindex(others_current.index)
        if comparison.notna().any():
            projection = _same_map_basis(PROJECTED, recomputer, indicator, comparison.fillna(others_current),
                                         region_members, peer_members, map_label)
    if projection is not None:
        bases[PROJECTED] = projection

    parts = []
    for name, basis in bases.items():
        today = rank_among(basis.today_others, basis.mapped(own, today=True), direction, RANK_TOLERANCE)
        part = thresholds(raw, province, direction, basis.region_members, basis.peer_members, top, decimals,
                          basis.others, today_rank=today, to_map=basis.to_map)
        parts.append(part.assign(basis=name))
    rows = pd.concat(parts, ignore_index=True).drop(columns="today_rank")
    bau = evidence.business_as_usual
    rows["delivered_by_trend"] = (~rows["reached"]) & np.isfinite(bau) & \
        (direction * (bau - rows["needed_value"]) >= 0)
    rows = rows.assign(rule=None, recommended=False, tier=None, within_evidence=pd.NA)
    tier_basis = PROJECTED if PROJECTED in bases else CURRENT
    extra = _tiers(rows, tier_basis, own, direction, evidence, decimals)
    extra_rows = pd.DataFrame([{"reference_unit": None, "threshold_value": np.nan, "needed_value": e["target_value"],
                                "reached": e["target_value"] == own, "delivered_by_trend": False,
                                "increment": e["target_value"] - own, "recommended": False, "rule": None, **e}
                               for e in extra])
    rows = pd.concat([rows, extra_rows], ignore_index=True)
    rows["recommended"] = rows["recommended"].fillna(False).astype(bool)
    if np.isfinite(evidence.ceiling):
        rows["within_evidence"] = (direction * (rows["target_value"] - evidence.ceiling) <= 0).astype(object)

    if not outcomes:
        outcome_frame = pd.DataFrame(np.nan, index=rows.index, columns=ROW_OUTCOME_COLUMNS)
        for column, attribute in (("rank_map", "map_label"), ("rank_map_units", "n_units"),
                                  ("rank_map_region_size", "region_size")):  # the map: no recomputation
            outcome_frame[column] = [getattr(bases[b], attribute) for b in rows["basis"]]
        outcome_frame["ranked_unit"] = [bases[b].recomputer.province for b in rows["basis"]]
        return _with_indicator_columns(rows, outcome_frame, recomputer, indicator, own, others_current, raw,
                                       direction, decimals, evidence)
    for name, basis in bases.items():  # every value of a basis recomputed at once
        targets_of = rows.loc[rows["basis"] == name, "target_value"]
        basis.recomputer.prefetch(indicator, [basis.mapped(v, today=True) for v in targets_of])
    # Per basis, once: today's ranks and the region's values (the same for every row).
    fixed = {}
    for name, basis in bases.items():
        region = [u for u in basis.region_members if u in basis.others.index]
        today_raw = basis.mapped(own, today=True)
        region_others = basis.others.reindex(region)
        fixed[name] = (region_others, {
            "today_rank": rank_among(basis.today_others, today_raw, direction, RANK_TOLERANCE),
            "today_region_rank": rank_among(basis.today_others.reindex(region), today_raw, direction,
                                            RANK_TOLERANCE)})
    outcome_rows = []
    for row in rows.itertuples():
        basis = bases[row.basis]
        solver = basis.recomputer
        region_others, today = fixed[row.basis]
        mapped = basis.mapped(row.target_value)
        outcome = solver.outcome(indicator, basis.mapped(row.target_value, today=True))
        outcome_rows.append({
            "rank_map": basis.map_label, "rank_map_units": basis.n_units,
            "rank_map_region_size": basis.region_size, "ranked_unit": solver.province,
            "today_rank": today["today_rank"], "today_region_rank": today["today_region_rank"],
            "today_pii_rank": solver.current["pii_rank"], "today_pii_region_rank": solver.current["pii_region_rank"],
            "indicator_rank": rank_among(basis.others, mapped, direction, RANK_TOLERANCE),
            "indicator_region_rank": rank_among(region_others, mapped, direction, RANK_TOLERANCE),
            "score": outcome["score"], "score_change": outcome["score"] - solver.score(indicator),
            "pii": outcome["pii"], "pii_change": outcome["pii"] - solver.current["pii"],
            "pii_rank": outcome["pii_rank"], "pii_rank_gain": solver.current["pii_rank"] - outcome["pii_rank"],
            "pii_region_rank": outcome["pii_region_rank"],
            "leaves_pii_rank_unchanged": outcome["pii_rank"] == solver.current["pii_rank"],
            "p_reach_trend": evidence.p_reach(row.target_value, direction, TREND),
            "p_reach_evidence": (evidence.p_reach(row.target_value, direction, evidence.evidence_model)
                                 if evidence.usable else np.nan),
        })
    outcome_frame = pd.DataFrame(outcome_rows, index=rows.index)
    return _with_indicator_columns(rows, outcome_frame, recomputer, indicator, own, others_current, raw, direction,
                                   decimals, evidence)


def _with_indicator_columns(rows, outcomes, recomputer, indicator, own, others_current, raw, direction, decimals,
                            evidence) -> pd.DataFrame:
    current = recomputer.current
    # One frame of the added columns, joined once (DataFrame.assign inserts column by column).
    added = pd.DataFrame(dict(
        tier_label=[TIER_LABELS.get(t) for t in rows["tier"]],
        current_value=own,
        current_rank=rank_among(others_current, own, direction),
        n_units=len(raw.dropna()),
        current_score=recomputer.score(indicator),
        current_pii=current["pii"],
        current_pii_rank=current["pii_rank"],
        current_pii_region_rank=current["pii_region_rank"],
        decimals=decimals,
        direction=direction,
        lower_bound=evidence.bounds[0],
        upper_bound=evidence.bounds[1],
        **evidence.as_dict(),
    ), index=rows.index)
    return pd.concat([rows, outcomes, added], axis=1)



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
    except ValueError as error:
        if "not in the data" in str(error):
            raise
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

    idata = to_idata(rows_of_edition, edition, framework)
    result = _index_of(idata, framework)
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
        quantities = quantities_from_covariates(covariates_used, edition)
        try:
            ranking = ranking_map(edition, province, indicator_rows, quantities, map_edition)
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
            increment_count=pd.array(counts, dtype="Int64"),
            count_noun=noun if noun_unit and np.isfinite(denominator) else None,
            increment_text=[increment_text(d, info["unit_vi"], int(rows["decimals"].iloc[0]), c,
                                           noun if np.isfinite(denominator) else None)
                            for d, c in zip(rows["increment"], counts)],
            **{schema.PROVENANCE: provenance},
        ), index=rows.index)
        rows = pd.concat([rows.drop(columns=[c for c in added.columns if c in rows.columns]), added], axis=1)
        parts.append(rows[TARGET_COLUMNS])
    return pd.concat(parts, ignore_index=True)


def bundle_targets(bundle, edition: int, province: str, plan=None, top: int = DEFAULT_TOP,
                   coverage: float = DEFAULT_COVERAGE, peers: int = DEFAULT_PEERS,
                   peer_formula: str = DEFAULT_PEER_FORMULA, outcomes: bool = True) -> pd.DataFrame:
    """`target_table` on a `piilib.bundle.DataBundle`: its values, its history and covariates
    on the edition's map (harmonised after the merger). outcomes: see `target_table`."""
    indicator = None
    if plan is not None and len(plan.indicators) == 1:
        indicator = str(plan.indicators["code"].iloc[0])  # one indicator: harmonise only its history
    history = bundle.history_on_map(edition, indicator)
    covariates = bundle.covariates_on_map(edition)
    return target_table(
        bundle.values, edition, province,
        history=None if history.empty else history,
        covariates=None if covariates.empty else covariates,
        plan=plan, top=top, coverage=coverage, peers=peers, peer_formula=peer_formula, outcomes=outcomes,
    )


def recommended_targets(table: pd.DataFrame) -> pd.DataFrame:
    """One row per indicator: the recommended target (plan order kept)."""
    return table[table["recommended"].astype(bool)].reset_index(drop=True)
