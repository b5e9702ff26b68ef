"""Goal outlook: how likely the province is in the national top 10, and leads its region,
in the next edition — by Monte Carlo over every province's indicator projections.

Model
-----
1. Projections. Every province × indicator series of the history, up to the data year of the
   base edition, is fitted with `piilib.analysis.trend.project_all` (linear or log-linear,
   chosen by its leave-one-out rule; every indicator may be log-linear when all its values are
   > 0) and predicted for the next data year. The prediction is the trend's predictive
   Student-t distribution (statsmodels' obs interval), so a draw carries both the
   uncertainty of the fitted line and the year-to-year scatter. Series are drawn
   independently of one another (no common shocks across provinces or indicators).
   A series without a fit (fewer than `trend.MIN_YEARS` values) keeps the base edition's
   value in every draw. Draws below 0 of an indicator whose observed values are all >= 0 (a
   count, a share, a score) are set to 0.
2. The index of every draw is recomputed with the base edition's method (`result.log`):
   treatment, normalisation and aggregation on arrays shaped (draws, units, indicators).
   Treatment is RECOMPUTED PER DRAW, exactly as `build_index` would treat that draw's data
   (COINr's skew/kurtosis test, winsorising, log): the treat step works column by column, so
   the draws are laid side by side as columns and treated in one call. Normalisation
   (min–max over the units of each draw) and aggregation follow; with the arithmetic mean and
   no missing value the index is the dot product with the effective weights of the tree
   (computed by the engine's own aggregation of unit vectors), otherwise the engine's
   level-by-level aggregation runs on the stack. A draw with zero variance reproduces
   `build_index` on those values.
3. Ranks, COINr's rule (ties share the smallest rank): rank = 1 + the number of provinces
   with a strictly higher index. "Top k": rank <= k. "Leads its region": no other province
   of its region has a strictly higher index.
4. Targets scenario: the same draws (common random numbers), with the province's values of
   the target indicators set to at least the target (at most, for an inverse indicator):
   the probabilities if the departments meet the recommended targets and the trend does the
   rest.

Probabilities are shares of draws; their Monte Carlo standard error is sqrt(p (1 − p) / n).
The next edition is assumed to be computed on the base edition's units with its method: for
the 2024 edition that is the 63 provinces (the map plan 88's goals refer to), not the 34
units of 2025.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Mapping

import numpy as np
import pandas as pd

from piilib import schema
from piilib.analysis.trend import IDENTITY, Predictive, inverse_transform, project_all
from piilib.index import IndexResult, IndexStructure, normalise_array
from piilib.index.steps import treat_values

DEFAULT_DRAWS = 10_000
DEFAULT_TOP = 10
# Draws handled at once: small enough to stay in cache, large enough for NumPy to pay off.
CHUNK = 100
# Even dfs up to this are drawn as sums of exponentials (see `standard_t`).
MAX_EXPONENTIAL_SUM = 4

TREND = "trend"
TARGETS_MET = "targets_met"
SCENARIO_LABELS = {TREND: "Theo xu hướng", TARGETS_MET: "Nếu đạt các mục tiêu đề xuất"}

SUMMARY_COLUMNS = ["scenario", "label", "p_top", "se_top", "p_region_lead", "se_region_lead",
                   "mean_rank", "median_rank", "rank_q05", "rank_q95"]

REPLAYED_STEPS = ("treat", "normalise", "aggregate")


# --------------------------------------------------------------------------- the replay


class IndexReplay:
    """The base edition's method applied to stacks of raw data `(draws, units, indicators)`.

    Built from an `IndexResult` whose log holds only treat, normalise and aggregate (the
    PII's method); `index_scores` returns the index `(draws, units)`.
    """

    def __init__(self, result: IndexResult):
        other = [s["step"] for s in result.log if s["step"] not in REPLAYED_STEPS]
        if other:
            raise ValueError(
                f"the outlook replays treat, normalise and aggregate only; the method also runs {', '.join(other)}"
            )
        steps = {s["step"]: s for s in result.log}
        if "normalise" not in steps or "aggregate" not in steps:
            raise ValueError("the method needs a normalise and an aggregate step")
        self.structure: IndexStructure = result.structure
        self.treat = steps.get("treat")
        self.normalise = steps["normalise"]
        self.method = steps["aggregate"]["method"]
        self.weights = self.structure.weight_vector(steps["aggregate"]["weights"])
        if self.method == "arithmetic":
            # The index of a unit with 1 in indicator j and 0 elsewhere: j's effective weight.
            unit_vectors = np.eye(self.structure.n_indicators)
            self.effective_weights = self.structure.aggregate(unit_vectors, self.weights)[:, -1]
        else:
            self.effective_weights = None

    def treated(self, raw: np.ndarray) -> np.ndarray:
        """Treat every draw as `build_index` would: (draws, units, indicators)."""
        if self.treat is None:
            return raw
        draws, units, indicators = raw.shape
        side_by_side = raw.transpose(1, 0, 2).reshape(units, draws * indicators)
        treated, _ = treat_values(side_by_side, self.treat["skew_threshold"], self.treat["kurtosis_threshold"],
                                  self.treat["max_winsorised"])
        return treated.reshape(units, draws, indicators).transpose(1, 0, 2)

    def normalised(self, raw: np.ndarray, columns: np.ndarray | None = None) -> np.ndarray:
        """Treated and normalised draws. `raw` may hold only the indicators at `columns`:
        treatment and normalisation work indicator by indicator, so a subset is exact."""
        directions = self.structure.directions if columns is None else self.structure.directions[columns]
        p = self.normalise
        return normalise_array(self.treated(np.asarray(raw, dtype=float)), directions, p["method"], p["lower"],
                               p["upper"], p["mean"], p["sd"])

    def index_from_normalised(self, normalised: np.ndarray) -> np.ndarray:
        """(draws, units) index from (draws, units, indicators) normalised scores."""
        if self.effective_weights is not None and not np.isnan(normalised).any():
            return normalised @ self.effective_weights
        return self.structure.aggregate(normalised, self.weights, self.method)[..., -1]

    def index_scores(self, raw: np.ndarray) -> np.ndarray:
        """The index of each unit in each draw: (draws, units)."""
        return self.index_from_normalised(self.normalised(raw))


# --------------------------------------------------------------------------- the sampler


@dataclass(frozen=True)
class ProjectionGrid:
    """Predictive distributions laid out on the (units, indicators) grid of the base edition.

    Series without a fit have the base value as location and zero scale.
    """

    units: tuple[str, ...]
    indicators: tuple[str, ...]
    predictive: Predictive  # len = units × indicators, row-major (unit, indicator)
    lower_bounds: np.ndarray  # (indicators,) 0 or -inf
    n_without_fit: int

    @classmethod
    def build(cls, projections: pd.DataFrame, base: pd.DataFrame,
              lower_bounds: Mapping[str, float] | None = None) -> "ProjectionGrid":
        """projections: columns unit, indicator, loc, scale, df, transform (`project_all`);
        base: raw values, index = units, columns = indicators (the base edition)."""
        units = tuple(str(u) for u in base.index)
        indicators = tuple(str(c) for c in base.columns)
        shape = (len(units), len(indicators))
        grid = {name: np.full(shape, np.nan) for name in ("loc", "scale", "df")}
        transform = np.full(shape, IDENTITY, dtype=object)
        row_of = {u: i for i, u in enumerate(units)}
        column_of = {c: j for j, c in enumerate(indicators)}
        fitted = projections.dropna(subset=["loc", "scale"])
        fitted = fitted[fitted[schema.UNIT].isin(row_of) & fitted[schema.INDICATOR].astype(str).isin(column_of)]
        rows = fitted[schema.UNIT].map(row_of).to_numpy(dtype=int)
        columns = fitted[schema.INDICATOR].astype(str).map(column_of).to_numpy(dtype=int)
        for name in grid:
            grid[name][rows, columns] = fitted[name].to_numpy(dtype=float)
        transform[rows, columns] = fitted["transform"].to_numpy(dtype=object)
        without = np.isnan(grid["loc"])
        base_values = base.to_numpy(dtype=float)
        grid["loc"][without] = base_values[without]
        grid["scale"][without] = 0.0
        grid["df"][without] = np.inf
        bounds = np.full(len(indicators), -np.inf)
        for code, bound in (lower_bounds or {}).items():
            if code in column_of:
                bounds[column_of[code]] = float(bound)
        predictive = Predictive(grid["loc"].ravel(), grid["scale"].ravel(), grid["df"].ravel(), transform.ravel())
        return cls(units, indicators, predictive, bounds, int(without.sum()))

    def sample(self, draws: int, rng: np.random.Generator) -> np.ndarray:
        """(draws, units, indicators) raw values: back_transform(loc + scale · T)."""
        standard = standard_t(self.predictive.df, draws, rng)
        values = self.predictive.loc + self.predictive.scale * standard
        values = inverse_transform(values, self.predictive.transform)
        values = values.reshape(draws, len(self.units), len(self.indicators))
        return np.maximum(values, self.lower_bounds, out=values)


def standard_t(df: np.ndarray, draws: int, rng: np.random.Generator) -> np.ndarray:
    """(draws, len(df)) Student-t variates, T = Z / sqrt(chi2_df / df); df = inf: normal.

    The chi-square of an even df is drawn as 2 × the sum of df / 2 standard exponentials,
    about twice as fast as NumPy's gamma sampler (trend fits with n years have df = n − 2,
    mostly even); other dfs use the gamma sampler.
    """
    standard = rng.standard_normal((draws, len(df)))
    for value in np.unique(df[np.isfinite(df)]):
        columns = df == value
        every = bool(columns.all())
        shape = (draws, len(df) if every else int(columns.sum()))
        half = value / 2
        if half == int(half) and half <= MAX_EXPONENTIAL_SUM:
            gamma = rng.standard_exponential(shape)
            for _ in range(int(half) - 1):
                gamma += rng.standard_exponential(shape)
        else:
            gamma = rng.standard_gamma(half, shape)
        gamma *= 2.0 / value  # chi2_df / df, in place
        np.sqrt(gamma, out=gamma)
        if every:
            standard /= gamma
        else:
            standard[:, columns] /= gamma
    return standard


# --------------------------------------------------------------------------- the outlook


@dataclass(frozen=True)
class OutlookResult:
    """The outlook of one province.

    summary: one row per scenario (SUMMARY_COLUMNS): probabilities of rank <= top and of
        leading the region, with Monte Carlo standard errors, and rank statistics.
    rank_distribution: index = rank 1..n_units, one column per scenario: share of draws.
    targets: indicator -> the target value applied (empty: no targets scenario).
    projections: the province's projections (project_all rows) when computed by `outlook`.
    """

    province: str
    region: str
    edition: int | None
    next_edition: int | None
    draws: int
    seed: int | None
    top: int
    n_units: int
    n_region: int
    base_rank: int
    base_region_leader: bool
    summary: pd.DataFrame
    rank_distribution: pd.DataFrame
    targets: pd.Series
    n_series_without_fit: int
    projections: pd.DataFrame = field(default_factory=pd.DataFrame)

    def probability(self, scenario: str = TREND, event: str = "top") -> float:
        """P(rank <= top) for event "top", P(leading the region) for event "region"."""
        columns = {"top": "p_top", "region": "p_region_lead"}
        if event not in columns:
            raise ValueError(f"event must be 'top' or 'region'; got {event!r}")
        return float(self.summary.set_index("scenario").at[scenario, columns[event]])


def _apply_targets(values: np.ndarray, row: int, columns: np.ndarray, targets: np.ndarray,
                   directions: np.ndarray) -> np.ndarray:
    """The province's values raised to at least the target (lowered to at most, direction −1)."""
    changed = values.copy()
    current = changed[:, row, columns]
    changed[:, row, columns] = np.where(directions > 0, np.maximum(current, targets), np.minimum(current, targets))
    return changed


def _summary(scenario: str, ranks: np.ndarray, leads: np.ndarray, top: int) -> dict:
    n = len(ranks)
    p_top = float(np.mean(ranks <= top))
    p_lead = float(np.mean(leads))
    q05, median, q95 = np.quantile(ranks, [0.05, 0.5, 0.95])
    return {
        "scenario": scenario,
        "label": SCENARIO_LABELS[scenario],
        "p_top": p_top,
        "se_top": float(np.sqrt(p_top * (1 - p_top) / n)),
        "p_region_lead": p_lead,
        "se_region_lead": float(np.sqrt(p_lead * (1 - p_lead) / n)),
        "mean_rank": float(ranks.mean()),
        "median_rank": float(median),
        "rank_q05": float(q05),
        "rank_q95": float(q95),
    }


def simulate_outlook(
    result: IndexResult,
    projections: pd.DataFrame,
    province: str,
    regions: Mapping[str, str],
    draws: int = DEFAULT_DRAWS,
    seed: int | None = None,
    targets: Mapping[str, float] | None = None,
    top: int = DEFAULT_TOP,
    lower_bounds: Mapping[str, float] | None = None,
    edition: int | None = None,
) -> OutlookResult:
    """The Monte Carlo of the outlook on an index already built (see the module docstring).

    result: the base edition (`build_index` / `compute_pii`); its Raw stage gives the units,
    the indicators and the values of series without a projection. projections: project_all
    rows (unit, indicator, loc, scale, df, transform). regions: unit -> region, for every
    unit. targets: indicator -> raw value for the targets scenario.
    """
    if draws < 1:
        raise ValueError(f"the number of draws must be at least 1; got {draws}")
    replay = IndexReplay(result)
    structure = replay.structure
    raw = result.stages["Raw"].set_index("uCode")[list(structure.indicator_codes)].astype(float)
    units = [str(u) for u in raw.index]
    if province not in units:
        raise ValueError(f"unit {province!r} is not among the units of the index")
    missing_region = [u for u in units if u not in regions]
    if missing_region:
        raise ValueError(f"no region for unit(s) {missing_region[:5]}")
    grid = ProjectionGrid.build(projections, raw, lower_bounds)
    row = units.index(province)
    region = regions[province]
    rivals = np.array([regions[u] == region and u != province for u in units])

    targets = {str(k): float(v) for k, v in (targets or {}).items() if np.isfinite(v)}
    unknown = sorted(set(targets) - set(structure.indicator_codes))
    if unknown:
        raise ValueError(f"target indicator(s) {unknown} are not indicators of the index")
    target_columns = np.array([structure.indicator_codes.index(c) for c in targets], dtype=int)
    target_values = np.array(list(targets.values()), dtype=float)
    target_directions = structure.directions[target_columns]

    scenarios = [TREND] + ([TARGETS_MET] if targets else [])
    ranks = {s: np.empty(draws, dtype=int) for s in scenarios}
    leads = {s: np.empty(draws, dtype=bool) for s in scenarios}
    rng = np.random.default_rng(seed)
    for start in range(0, draws, CHUNK):
        size = min(CHUNK, draws - start)
        values = grid.sample(size, rng)
        normalised = replay.normalised(values)
        for scenario in scenarios:
            if scenario == TARGETS_MET:
                # Only the target indicators change: re-treat and re-normalise just those.
                values = _apply_targets(values, row, target_columns, target_values, target_directions)
                normalised[..., target_columns] = replay.normalised(values[..., target_columns], target_columns)
            scores = replay.index_from_normalised(normalised)
            own = scores[:, row:row + 1]
            ranks[scenario][start:start + size] = 1 + np.sum(scores > own, axis=1)
            leads[scenario][start:start + size] = ~np.any((scores > own) & rivals, axis=1)

    summary = pd.DataFrame([_summary(s, ranks[s], leads[s], top) for s in scenarios], columns=SUMMARY_COLUMNS)
    distribution = pd.DataFrame(
        {s: np.bincount(ranks[s], minlength=len(units) + 1)[1:] / draws for s in scenarios},
        index=pd.RangeIndex(1, len(units) + 1, name="rank"),
    )
    index_code = structure.index_code
    base_scores = result.scores[index_code]
    base_leader = not bool((base_scores[[u for u, r in zip(units, rivals) if r]] > base_scores[province]).any())
    return OutlookResult(
        province=province,
        region=region,
        edition=None if edition is None else int(edition),
        next_edition=None if edition is None else int(edition) + 1,
        draws=int(draws),
        seed=seed,
        top=int(top),
        n_units=len(units),
        n_region=int(rivals.sum()) + 1,
        base_rank=int(result.ranks.at[province, index_code]),
        base_region_leader=base_leader,
        summary=summary,
        rank_distribution=distribution,
        targets=pd.Series(targets, name="target", dtype=float).rename_axis(schema.INDICATOR),
        n_series_without_fit=grid.n_without_fit,
    )


def nonnegative_indicators(*frames: pd.DataFrame) -> dict[str, float]:
    """Indicator -> 0 for every indicator whose observed values (all frames) are all >= 0."""
    values = pd.concat([f[[schema.INDICATOR, schema.VALUE]] for f in frames if f is not None], ignore_index=True)
    values = values.dropna(subset=[schema.VALUE])
    minimum = values.groupby(values[schema.INDICATOR].astype(str))[schema.VALUE].min()
    return {code: 0.0 for code, low in minimum.items() if low >= 0}


def project_for_next_edition(history: pd.DataFrame, edition: int, units: list[str],
                             indicator_codes: list[str]) -> pd.DataFrame:
    """project_all on the history up to the base edition's data year, for the next data year.

    Raises ValueError when the history has no series for some units of the edition (e.g. a
    history on the 63 former provinces against the 34 units of 2025).
    """
    year = schema.data_year(edition)
    rows = history[history[schema.YEAR].astype(int) <= year]
    rows = rows[rows[schema.INDICATOR].astype(str).isin(indicator_codes)]
    if rows.empty:
        raise ValueError(f"the history has no values up to data year {year} (edition {edition})")
    found = set(rows[schema.UNIT])
    foreign = sorted(found - set(units))
    if foreign:
        raise ValueError(
            f"the history is on another map of provinces than edition {edition}: {len(foreign)} of its "
            f"{len(found)} units are not provinces of that edition (e.g. {', '.join(foreign[:3])}); "
            "it must be on the same map of provinces as the edition (harmonise it first)"
        )
    absent = sorted(set(units) - found)
    if absent:
        raise ValueError(
            f"the history has no series for {len(absent)} of the {len(units)} units of edition {edition} "
            f"(e.g. {', '.join(absent[:3])}); it must be on the same map of provinces as the edition"
        )
    rows = rows.assign(**{schema.INDICATOR: rows[schema.INDICATOR].astype(str)})
    return project_all(rows, year + 1, multiplicative=indicator_codes)


def outlook(
    values_long: pd.DataFrame,
    history: pd.DataFrame,
    edition: int,
    province: str,
    draws: int = DEFAULT_DRAWS,
    seed: int | None = None,
    targets: Mapping[str, float] | None = None,
    top: int = DEFAULT_TOP,
    framework: pd.DataFrame | None = None,
) -> OutlookResult:
    """P(top `top`) and P(leading its region) of `province` in the edition after `edition`.

    values_long: the tidy long frame (the base edition is taken from it); history: tidy
    history (year, unit, indicator, value) on the same map of provinces; targets: indicator
    -> raw value (e.g. the recommended targets, `recommended_target_values`) for the
    targets scenario.
    """
    from piilib.framework import load_framework
    from piilib.pii import compute_pii, edition_values
    from piilib.units import load_units

    framework = load_framework(edition) if framework is None else framework
    rows = edition_values(values_long, edition)
    result = compute_pii(rows, edition, framework)
    units = load_units(edition)
    regions = dict(zip(units["unit"], units["region"]))
    unit_keys = result.stages["Raw"]["uCode"].astype(str).tolist()
    if province not in unit_keys:
        raise ValueError(f"unit {province!r} is not a province of edition {edition}")
    codes = list(result.structure.indicator_codes)
    projections = project_for_next_edition(history, edition, unit_keys, codes)
    bounds = nonnegative_indicators(rows, history[history[schema.YEAR].astype(int) <= schema.data_year(edition)])
    simulated = simulate_outlook(result, projections, province, regions, draws=draws, seed=seed,
                                 targets=targets, top=top, lower_bounds=bounds, edition=edition)
    own = projections[projections[schema.UNIT] == province].reset_index(drop=True)
    return replace(simulated, projections=own)


def bundle_outlook(
    bundle,
    edition: int,
    province: str,
    draws: int = DEFAULT_DRAWS,
    seed: int | None = None,
    targets: Mapping[str, float] | None = None,
    top: int = DEFAULT_TOP,
) -> OutlookResult:
    """`outlook` on a `piilib.bundle.DataBundle`: its values and its history on the edition's
    map (harmonised after the merger). ValueError when the bundle has no history."""
    history = bundle.history_on_map(edition)
    if history.empty:
        raise ValueError(f"{bundle.path}: no history, and the outlook projects every province's trend; "
                         "give a data directory with a history file (like data/demo/history.csv)")
    return outlook(bundle.values, history, edition, province, draws=draws, seed=seed, targets=targets, top=top)


def recommended_target_values(target_table: pd.DataFrame) -> dict[str, float]:
    """Indicator -> recommended target value, from `piilib.analysis.targets.target_table`."""
    from piilib.analysis.targets import recommended_targets

    chosen = recommended_targets(target_table)
    chosen = chosen[np.isfinite(chosen["target_value"].astype(float))]
    return dict(zip(chosen[schema.INDICATOR].astype(str), chosen["target_value"].astype(float)))


__all__ = [
    "IndexReplay",
    "OutlookResult",
    "ProjectionGrid",
    "bundle_outlook",
    "nonnegative_indicators",
    "outlook",
    "project_for_next_edition",
    "recommended_target_values",
    "simulate_outlook",
]
