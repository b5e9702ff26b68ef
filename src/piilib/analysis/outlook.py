"""Goal outlook: how likely the province is in the national top 10, and leads its region,
in the next edition, on the map of provinces that edition is ranked on, by Monte Carlo over
every province's indicator projections.

Model
-----
1. Projections. Every province × indicator series of the history, up to the data year of the
   base edition, is fitted with `piilib.analysis.trend.project_all` (linear or log-linear,
   chosen by its leave-one-out rule) and predicted for the next data year: a Student-t
   predictive distribution (statsmodels' obs interval), censored at the indicator's bounds
   (`piilib.analysis.bounds`, the framework's rule: 0–100 for shares, the range of a score). A series without a
   fit (fewer than `trend.MIN_YEARS` values) is centred on the base edition's value with the
   typical spread of the indicator's fitted series (median predictive sd and df): too short
   a history is not certainty (`ProjectionGrid.build`, borrow_spread).
2. Correlated draws. A draw of series (province p, indicator j) is
   loc + scale · T, T = Z / sqrt(chi2_df / df), with the Gaussian part
       Z = sqrt(1 − ρp − ρi) E_pj + sqrt(ρp) d_j F_p + sqrt(ρi) G_j,
   E, F, G independent standard normals: F_p a shock common to province p's indicators
   (d_j its direction, so a good year is good on every indicator), G_j a shock common to all
   provinces on indicator j (the year's national movement). ρp (`province_correlation`) and
   ρi (`indicator_correlation`) are the correlations of the Gaussian parts; each marginal
   stays exactly the trend's t distribution (the t variates' correlation is slightly lower
   than ρ for small df). Default (`outlook`): estimated from the studentised residuals of the
   trends (`estimate_correlation`), 0 when they cannot be estimated.
3. The map (`piilib.analysis.ranking_map`, shared with the targets). When the base edition is
   on the 63 provinces and the next on 34 (2024 → 2025), every draw of the 63 former
   provinces is merged with the base edition's harmonisation rules
   (`piilib.harmonise.merge_weights`, the arithmetic of `harmonise_to_merged`: the merged
   value is a weighted sum of the former values) and the 34 units are ranked; an indicator
   the framework marks not combinable has no value for a merged unit and the index ignores
   it there, as the engine ignores a missing value. Regions are those of the next edition.
4. The index of every draw is recomputed with the base edition's method (`result.log`):
   treatment (recomputed per draw), normalisation and aggregation on arrays shaped
   (draws, units, indicators). With the arithmetic mean the index of a unit is the dot
   product with its effective weights (the engine's aggregation of unit vectors, given the
   unit's missing indicators); otherwise the engine's level-by-level aggregation runs.
5. Ranks, COINr's rule (ties share the smallest rank): rank = 1 + the number of units with a
   strictly higher index. "Top k": rank <= k. "Leads its region": no other unit of its
   region has a strictly higher index.
6. Scenarios on the same draws (common random numbers): the trends; the targets met (the
   province's values of the target indicators at least the target, at most for an inverse
   indicator; on a 63 → 34 outlook, the former province's values, then merged); and
   improvements by k standard deviations of a series' predictive distribution
   (`cheapest_path`).

Reading the summary: `p_top` and `p_region_lead` are shares of draws; `se_top` and
`se_region_lead` are their Monte Carlo standard errors sqrt(p (1 − p) / n): the error from
simulating a finite number of draws, NOT the uncertainty of the outlook. The uncertainty of
the outlook is the spread of the simulated rank: `rank_q05`–`rank_q95`, the 5–95 % interval
of the rank over the draws (SUMMARY_MEANING).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from piilib import schema
from piilib.analysis.bounds import bounds_mapping
from piilib.analysis.ranking_map import UnitMap, merged_unit_map
from piilib.analysis.trend import (IDENTITY, Predictive, _inverse_transform_inplace, inverse_transform, project_all,
                                   t_tail, trend_residuals)
from piilib.index import IndexResult, IndexStructure, normalise_array
from piilib.index.steps import treat_values

DEFAULT_DRAWS = 10_000
DEFAULT_TOP = 10
DEFAULT_GOAL = 0.8
DEFAULT_MAX_EFFORT = 2.0
DEFAULT_EFFORT_STEP = 0.5
DEFAULT_SEARCH_DRAWS = 2_000
SWEEP_CORRELATIONS = (0.0, 0.1, 0.2, 0.3)
# Draws handled at once: small enough to stay in cache, large enough for NumPy to pay off.
CHUNK = 250
# Even dfs up to this have their chi-square drawn from uniforms (see `_chi_over_df`).
MAX_EXPONENTIAL_SUM = 4
# Largest estimated correlation used as a default (keeps every series its own noise).
MAX_CORRELATION = 0.9

TREND = "trend"
TARGETS_MET = "targets_met"
IMPROVED = "improved"
SCENARIO_LABELS = {TREND: "Theo xu hướng", TARGETS_MET: "Nếu đạt các mục tiêu đề xuất",
                   IMPROVED: "Nếu cải thiện theo lộ trình"}

SUMMARY_COLUMNS = ["scenario", "label", "p_top", "se_top", "p_region_lead", "se_region_lead",
                   "mean_rank", "median_rank", "rank_q05", "rank_q95", "index_median", "index_q05",
                   "index_q95", "province_correlation", "indicator_correlation"]
SUMMARY_MEANING = {
    "p_top": "share of draws with rank <= top on the next edition's map",
    "se_top": "Monte Carlo standard error of p_top: simulation noise only, not the outlook's uncertainty",
    "p_region_lead": "share of draws in which no other unit of the region has a higher index",
    "se_region_lead": "Monte Carlo standard error of p_region_lead: simulation noise only",
    "rank_q05": "5 % quantile of the simulated rank (lower end of the outlook's 90 % rank band)",
    "rank_q95": "95 % quantile of the simulated rank (upper end of the outlook's 90 % rank band)",
    "index_median": "median of the province's simulated index (PII) score",
    "province_correlation": "assumed correlation of a province's indicators' deviations from trend",
    "indicator_correlation": "assumed correlation of the provinces' deviations from trend on an indicator",
}

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


    def unit_weights(self, missing: np.ndarray) -> np.ndarray | None:
        """(units, indicators) effective weights given each unit's missing indicators
        (`missing`, same shape): the index of unit u is sum_j w[u, j] x[u, j] over its present
        indicators (the engine's aggregation of unit vectors with those indicators missing;
        exact for the arithmetic mean, which re-weights over the present children). None for
        another aggregation method."""
        if self.effective_weights is None:
            return None
        missing = np.asarray(missing, dtype=bool)
        weights = np.empty(missing.shape)
        patterns, inverse = np.unique(missing, axis=0, return_inverse=True)
        for p, pattern in enumerate(patterns):
            if not pattern.any():
                row = self.effective_weights
            else:
                probes = np.eye(self.structure.n_indicators)
                probes[:, pattern] = np.nan
                row = self.structure.aggregate(probes, self.weights)[:, -1]
                row = np.where(pattern | np.isnan(row), 0.0, row)
            weights[np.asarray(inverse).ravel() == p] = row
        return weights


# --------------------------------------------------------------------------- the map


# The map of the next edition (`UnitMap`, `merged_unit_map`) is `piilib.analysis.ranking_map`'s,
# shared with the targets.


def _reordered(unit_map: UnitMap, base_units: Sequence[str]) -> UnitMap:
    """The same map with its base units in the order `base_units` (the index's)."""
    return unit_map.reordered(base_units)


# --------------------------------------------------------------------------- the sampler


@dataclass(frozen=True)
class ProjectionGrid:
    """Predictive distributions laid out on the (units, indicators) grid of the base edition.

    Series without a fit have the base value as location and zero scale. Draws are censored
    at `lower_bounds` / `upper_bounds` (per indicator).
    """

    units: tuple[str, ...]
    indicators: tuple[str, ...]
    predictive: Predictive  # len = units × indicators, row-major (unit, indicator)
    lower_bounds: np.ndarray  # (indicators,)
    n_without_fit: int
    upper_bounds: np.ndarray | None = None  # (indicators,); None: no upper bound

    @classmethod
    def build(cls, projections: pd.DataFrame, base: pd.DataFrame,
              lower_bounds: Mapping[str, float] | None = None,
              upper_bounds: Mapping[str, float] | None = None,
              borrow_spread: bool = True) -> "ProjectionGrid":
        """projections: columns unit, indicator, loc, scale, df, transform (`project_all`);
        base: raw values, index = units, columns = indicators (the base edition).
        borrow_spread: series without a fit get the indicator's typical spread (see the code);
        False keeps them at the base value (zero spread)."""
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
        transform[without] = IDENTITY
        if borrow_spread and without.any():
            # A series too short for a trend is not certain: it keeps its base value as centre
            # and borrows the typical spread of the indicator's fitted series (their median
            # predictive sd in the indicator's unit; sd × median for a log-linear series) and
            # their median df.
            with np.errstate(invalid="ignore"):
                raw_scale = np.where(transform == IDENTITY, grid["scale"], grid["scale"] * np.exp(grid["loc"]))
            for j in np.flatnonzero(without.any(axis=0)):
                donors = ~without[:, j] & (grid["scale"][:, j] > 0)
                if donors.any():
                    rows_without = without[:, j]
                    grid["scale"][rows_without, j] = np.median(raw_scale[donors, j])
                    grid["df"][rows_without, j] = np.median(grid["df"][donors, j])
        lower = np.full(len(indicators), -np.inf)
        upper = np.full(len(indicators), np.inf)
        for bound, given in ((lower, lower_bounds), (upper, upper_bounds)):
            for code, value in (given or {}).items():
                if code in column_of:
                    bound[column_of[code]] = float(value)
        predictive = Predictive(grid["loc"].ravel(), grid["scale"].ravel(), grid["df"].ravel(), transform.ravel())
        return cls(units, indicators, predictive, lower, int(without.sum()), upper)

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.units), len(self.indicators)

    def censor(self, values: np.ndarray) -> np.ndarray:
        """Values (..., units, indicators) set to the bounds where beyond them (in place)."""
        np.maximum(values, self.lower_bounds, out=values)
        if self.upper_bounds is not None:
            np.minimum(values, self.upper_bounds, out=values)
        return values

    def standard(self, draws: int, rng: np.random.Generator, province_correlation: float | Sequence[float] = 0.0,
                 indicator_correlation: float = 0.0, directions: np.ndarray | None = None):
        """Standardised t variates (draws, units × indicators) with the common factors of the
        module docstring. With a sequence of province correlations, a list of arrays on the
        same underlying normals (common random numbers). Drawn in single precision (the
        values are then computed in double): twice as fast, and 1e-7 relative is far below
        Monte Carlo error."""
        n_units, n_indicators = self.shape
        independent = standard_normal_float32((draws, n_units * n_indicators), rng)
        province_factor = rng.standard_normal((draws, n_units, 1), dtype=np.float32)
        indicator_factor = rng.standard_normal((draws, 1, n_indicators), dtype=np.float32)
        chi = _chi_over_df(self.predictive.df, draws, rng)
        directions = np.ones(n_indicators, dtype=np.float32) if directions is None \
            else np.asarray(directions, dtype=np.float32)
        several = np.ndim(province_correlation) > 0
        out = []
        for rho in np.atleast_1d(province_correlation):
            rho = float(rho)
            _check_correlations(rho, indicator_correlation)
            if rho == 0 and indicator_correlation == 0:
                normal = independent / chi
            else:
                normal = independent.reshape(draws, n_units, n_indicators) * np.float32(
                    np.sqrt(1 - rho - indicator_correlation))
                if rho:
                    normal += np.float32(np.sqrt(rho)) * province_factor * directions
                if indicator_correlation:
                    normal += np.float32(np.sqrt(indicator_correlation)) * indicator_factor
                normal = normal.reshape(draws, -1)
                normal /= chi
            out.append(normal)
        return out if several else out[0]

    def values(self, standard: np.ndarray, shift: np.ndarray | None = None) -> np.ndarray:
        """(draws, units, indicators) raw values back_transform(loc + scale · (T + shift)),
        censored; `shift` (units × indicators,) in standard deviations of each predictive."""
        location = self.predictive.loc if shift is None else self.predictive.loc + self.predictive.scale * shift
        values = standard.astype(np.float64)  # computed in place from here
        values *= self.predictive.scale
        values += location
        values = _inverse_transform_inplace(values, self.predictive.transform)
        return self.censor(values.reshape((standard.shape[0],) + self.shape))

    def sample(self, draws: int, rng: np.random.Generator, province_correlation: float = 0.0,
               indicator_correlation: float = 0.0, directions: np.ndarray | None = None) -> np.ndarray:
        """(draws, units, indicators) raw values: back_transform(loc + scale · T), censored."""
        return self.values(self.standard(draws, rng, province_correlation, indicator_correlation, directions))


def _check_correlations(province: float, indicator: float) -> None:
    if not (0 <= province < 1 and 0 <= indicator < 1 and province + indicator < 1):
        raise ValueError(f"correlations must be >= 0 with a sum below 1; got province {province}, "
                         f"indicator {indicator}")


def standard_normal_float32(shape: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
    """Standard normals in single precision by the Box–Muller transform: a pair of normals
    sqrt(−2 log U) (cos 2πV, sin 2πV) from two uniforms, exactly normal in law. About 2.5
    times as fast as NumPy's ziggurat for the outlook's tens of millions of variates (uniforms,
    a logarithm and a sine are vectorised; the ziggurat draws one value at a time). U is in
    double precision so that the tails reach 8.5 standard deviations (single precision would
    stop at 5.8, where the normal still has 1e-8 of its mass); the angle needs no more than
    single precision."""
    size = int(np.prod(shape))
    half = (size + 1) // 2
    radius = np.log1p(-rng.random(half))  # log U, U = 1 − uniform in (0, 1]
    radius *= -2.0
    np.sqrt(radius, out=radius)
    radius = radius.astype(np.float32)
    angle = rng.random(half, dtype=np.float32)
    angle *= np.float32(2 * np.pi)
    out = np.empty(2 * half, dtype=np.float32)
    np.cos(angle, out=out[:half])
    np.sin(angle, out=out[half:])
    out[:half] *= radius
    out[half:] *= radius
    return out[:size].reshape(shape)


def _chi_over_df(df: np.ndarray, draws: int, rng: np.random.Generator) -> np.ndarray:
    """(draws, len(df)) sqrt(chi2_df / df) in single precision; 1 where df is infinite.

    The chi-square of an even df is 2 × a Gamma(df / 2) variate, drawn as −log of the product
    of df / 2 uniforms in (0, 1] (a sum of df / 2 standard exponentials), about twice as fast
    as NumPy's exponential or gamma samplers (trend fits with n years have df = n − 2, mostly
    even); other dfs use the gamma sampler. The product is floored at the uniforms' resolution
    below 1 (2^-24): an exact 1, which would give an infinite t, has probability 2^-24 per factor.
    """
    finite = np.unique(df[np.isfinite(df)])
    out = None if len(finite) == 1 and np.isfinite(df).all() else np.ones((draws, len(df)), dtype=np.float32)
    for value in finite:
        columns = df == value
        shape = (draws, int(columns.sum()))
        half = value / 2
        if half == int(half) and half <= MAX_EXPONENTIAL_SUM:
            product = np.subtract(np.float32(1), rng.random(shape, dtype=np.float32))
            for _ in range(int(half) - 1):
                product *= np.subtract(np.float32(1), rng.random(shape, dtype=np.float32))
            np.minimum(product, np.float32(1 - 2.0 ** -24), out=product)
            gamma = np.log(product, out=product)
            gamma *= np.float32(-2.0 / value)
        else:
            gamma = rng.standard_gamma(half, shape, dtype=np.float32)
            gamma *= np.float32(2.0 / value)
        np.sqrt(gamma, out=gamma)
        if out is None:
            return gamma
        out[:, columns] = gamma
    return out


def standard_t(df: np.ndarray, draws: int, rng: np.random.Generator) -> np.ndarray:
    """(draws, len(df)) Student-t variates, T = Z / sqrt(chi2_df / df); df = inf: normal."""
    standard = standard_normal_float32((draws, len(df)), rng).astype(np.float64)
    return standard / _chi_over_df(np.asarray(df, dtype=float), draws, rng)


# --------------------------------------------------------------------------- the model


@dataclass(frozen=True)
class OutlookModel:
    """Everything a simulation needs, prepared once: the replay of the method, the grid of
    predictive distributions (base map), the map, the province's row and unit."""

    replay: IndexReplay
    grid: ProjectionGrid
    unit_map: UnitMap
    province: str  # on the base map
    row: int  # province's row on the base map
    unit: str  # the province's unit on the next map
    column: int  # its position among the next map's units
    region: str
    rivals: np.ndarray  # (next units,) other units of its region
    directions: np.ndarray  # (indicators,)
    unit_weights: np.ndarray | None  # (next units, indicators), see IndexReplay.unit_weights
    missing: np.ndarray  # (next units, indicators) structurally missing after the merge

    @classmethod
    def build(cls, result: IndexResult, projections: pd.DataFrame, province: str,
              unit_map: UnitMap, lower_bounds: Mapping[str, float] | None = None,
              upper_bounds: Mapping[str, float] | None = None) -> "OutlookModel":
        replay = IndexReplay(result)
        structure = replay.structure
        raw = result.stages["Raw"].set_index("uCode")[list(structure.indicator_codes)].astype(float)
        units = [str(u) for u in raw.index]
        if province not in units:
            raise ValueError(f"unit {province!r} is not among the units of the index")
        unit_map = _reordered(unit_map, units)
        grid = ProjectionGrid.build(projections, raw, lower_bounds, upper_bounds)
        row = units.index(province)
        unit = unit_map.unit_of(province)
        column = unit_map.units.index(unit)
        region = unit_map.unit_regions[column]
        rivals = np.array([r == region for r in unit_map.unit_regions])
        rivals[column] = False
        centre = grid.values(np.zeros((1, len(grid.predictive))))
        missing = np.isnan(unit_map.apply(centre))[0]
        return cls(replay, grid, unit_map, province, row, unit, column, region, rivals,
                   structure.directions.astype(float), replay.unit_weights(missing), missing)

    def scores(self, normalised: np.ndarray) -> np.ndarray:
        """(draws, next units) index from normalised scores on the next map."""
        if self.unit_weights is not None and np.array_equal(np.isnan(normalised).any(axis=0), self.missing):
            return np.einsum("dui,ui->du", np.where(self.missing, 0.0, normalised), self.unit_weights)
        return self.replay.index_from_normalised(normalised)

    def normalised(self, values: np.ndarray, columns: np.ndarray | None = None) -> np.ndarray:
        """Base-map raw values → next map (merged) → treated and normalised."""
        return self.replay.normalised(self.unit_map.apply(values, columns), columns)

    def ranks(self, scores: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        own = scores[:, self.column:self.column + 1]
        higher = scores > own
        return 1 + higher.sum(axis=1), ~np.any(higher & self.rivals, axis=1), own[:, 0]

    def target_arrays(self, targets: Mapping[str, float] | None):
        targets = {str(k): float(v) for k, v in (targets or {}).items() if np.isfinite(v)}
        codes = list(self.replay.structure.indicator_codes)
        unknown = sorted(set(targets) - set(codes))
        if unknown:
            raise ValueError(f"target indicator(s) {unknown} are not indicators of the index")
        columns = np.array([codes.index(c) for c in targets], dtype=int)
        return targets, columns, np.array(list(targets.values()), dtype=float)

    def shift_vector(self, shifts: Mapping[str, float] | None) -> np.ndarray | None:
        """Improvements (indicator -> SDs) as a standardised shift of the province's row."""
        if not shifts:
            return None
        codes = list(self.replay.structure.indicator_codes)
        shift = np.zeros(self.grid.shape)
        for code, k in shifts.items():
            if str(code) not in codes:
                raise ValueError(f"improvement indicator {code!r} is not an indicator of the index")
            j = codes.index(str(code))
            shift[self.row, j] = self.directions[j] * float(k)
        return shift.ravel()


def _apply_targets(values: np.ndarray, row: int, columns: np.ndarray, targets: np.ndarray,
                   directions: np.ndarray, copy: bool = True) -> np.ndarray:
    """The province's values raised to at least the target (lowered to at most, direction −1);
    copy=False changes `values` itself."""
    changed = values.copy() if copy else values
    current = changed[:, row, columns]
    changed[:, row, columns] = np.where(directions > 0, np.maximum(current, targets), np.minimum(current, targets))
    return changed


def _summary(scenario: str, ranks: np.ndarray, leads: np.ndarray, own: np.ndarray, top: int,
             province_correlation: float, indicator_correlation: float) -> dict:
    n = len(ranks)
    p_top = float(np.mean(ranks <= top))
    p_lead = float(np.mean(leads))
    q05, median, q95 = np.quantile(ranks, [0.05, 0.5, 0.95])
    i05, i50, i95 = np.nanquantile(own, [0.05, 0.5, 0.95]) if np.isfinite(own).any() else (np.nan,) * 3
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
        "index_median": float(i50),
        "index_q05": float(i05),
        "index_q95": float(i95),
        "province_correlation": float(province_correlation),
        "indicator_correlation": float(indicator_correlation),
    }


def _simulate(model: OutlookModel, draws: int, seed, province_correlations: Sequence[float],
              indicator_correlation: float, targets: Mapping[str, float] | None = None,
              shifts: Mapping[str, float] | None = None) -> dict:
    """(rho, scenario) -> (ranks, leads, own index) over `draws` draws, common random numbers."""
    if draws < 1:
        raise ValueError(f"the number of draws must be at least 1; got {draws}")
    targets, target_columns, target_values = model.target_arrays(targets)
    shift = model.shift_vector(shifts)
    scenarios = [TREND] + ([TARGETS_MET] if targets else []) + ([IMPROVED] if shift is not None else [])
    rhos = [float(r) for r in province_correlations]
    out = {(r, s): (np.empty(draws, dtype=int), np.empty(draws, dtype=bool), np.empty(draws))
           for r in rhos for s in scenarios}
    rng = np.random.default_rng(seed)
    for start in range(0, draws, CHUNK):
        size = min(CHUNK, draws - start)
        standards = model.grid.standard(size, rng, rhos, indicator_correlation, model.directions)
        for rho, standard in zip(rhos, standards):
            values = model.grid.values(standard)
            normalised = model.normalised(values)
            for scenario in scenarios:
                if scenario == TREND:
                    scenario_normalised = normalised
                elif scenario == TARGETS_MET:
                    # Only the target indicators change: re-treat and re-normalise just those.
                    # The target columns only (a copy), the province's row raised to its targets.
                    changed = _apply_targets(values[..., target_columns], model.row,
                                             np.arange(len(target_columns)), target_values,
                                             model.directions[target_columns], copy=False)
                    scenario_normalised = normalised.copy()
                    scenario_normalised[..., target_columns] = model.normalised(changed, target_columns)
                else:
                    scenario_normalised = model.normalised(model.grid.values(standard, shift))
                ranks, leads, own = model.ranks(model.scores(scenario_normalised))
                target = out[(rho, scenario)]
                target[0][start:start + size] = ranks
                target[1][start:start + size] = leads
                target[2][start:start + size] = own
    return out


# --------------------------------------------------------------------------- the outlook


@dataclass(frozen=True)
class OutlookResult:
    """The outlook of one province on the map the next edition is ranked on.

    summary: one row per scenario (SUMMARY_COLUMNS, meaning in SUMMARY_MEANING).
    rank_distribution: index = rank 1..n_units (next map), one column per scenario: share of draws.
    targets: indicator -> the target value applied (empty: no targets scenario).
    projections: the province's projections (project_all rows) when computed by `outlook`.
    Map: `unit` (the province's unit on the next map, e.g. the merged city), `n_units` (units
    ranked in the next edition, 34 from 2025), `region`, `region_name`, `n_region` (units of
    the region on that map, the province included), `merged` (the base was on another map).
    Base: `base_rank` of `base_n_units` (the base edition as published), `base_rank_on_map`
    (the base edition's values on the next map, ranked there), `base_region_leader` (on the
    next map).
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
    unit: str = ""
    region_name: str = ""
    base_n_units: int = 0
    base_rank_on_map: int = 0
    merged: bool = False
    province_correlation: float = 0.0
    indicator_correlation: float = 0.0
    # Indicators given no merged value for lack of the quantities their merge rule needs.
    not_merged: tuple[str, ...] = ()

    def probability(self, scenario: str = TREND, event: str = "top") -> float:
        """P(rank <= top) for event "top", P(leading the region) for event "region"."""
        columns = {"top": "p_top", "region": "p_region_lead"}
        if event not in columns:
            raise ValueError(f"event must be 'top' or 'region'; got {event!r}")
        return float(self.summary.set_index("scenario").at[scenario, columns[event]])

    @property
    def map_summary(self) -> dict:
        """The map of the probabilities: next edition, units ranked, region and its size."""
        return {"next_edition": self.next_edition, "n_units": self.n_units, "unit": self.unit,
                "region": self.region, "region_name": self.region_name, "n_region": self.n_region,
                "merged": self.merged}


def _base_position(model: OutlookModel, result: IndexResult) -> tuple[int, bool]:
    """The base edition's own values on the next map: rank and region leadership there."""
    raw = result.stages["Raw"].set_index("uCode")[list(model.replay.structure.indicator_codes)].astype(float)
    scores = model.scores(model.normalised(raw.to_numpy(dtype=float)[None]))
    ranks, leads, _ = model.ranks(scores)
    return int(ranks[0]), bool(leads[0])


def simulate_outlook(
    result: IndexResult,
    projections: pd.DataFrame,
    province: str,
    regions: Mapping[str, str] | None = None,
    draws: int = DEFAULT_DRAWS,
    seed: int | None = None,
    targets: Mapping[str, float] | None = None,
    top: int = DEFAULT_TOP,
    lower_bounds: Mapping[str, float] | None = None,
    edition: int | None = None,
    unit_map: UnitMap | None = None,
    province_correlation: float = 0.0,
    indicator_correlation: float = 0.0,
    upper_bounds: Mapping[str, float] | None = None,
    shifts: Mapping[str, float] | None = None,
) -> OutlookResult:
    """The Monte Carlo of the outlook on an index already built (see the module docstring).

    result: the base edition (`build_index` / `compute_pii`); its Raw stage gives the units,
    the indicators and the values of series without a projection. projections: project_all
    rows (unit, indicator, loc, scale, df, transform). unit_map: the next edition's map
    (`merged_unit_map`); without one, the base units with `regions` (unit -> region).
    targets: indicator -> raw value for the targets scenario; shifts: indicator -> SDs of
    improvement of the province's predictive distributions (the IMPROVED scenario).
    """
    model = _model(result, projections, province, regions, unit_map, lower_bounds, upper_bounds, edition)
    simulated = _simulate(model, draws, seed, [province_correlation], indicator_correlation, targets, shifts)
    scenarios = [s for (_, s) in simulated]
    summary = pd.DataFrame([_summary(s, *simulated[(float(province_correlation), s)], top, province_correlation,
                                     indicator_correlation) for s in scenarios], columns=SUMMARY_COLUMNS)
    n_units = model.unit_map.n_units
    distribution = pd.DataFrame(
        {s: np.bincount(simulated[(float(province_correlation), s)][0], minlength=n_units + 1)[1:n_units + 1] / draws
         for s in scenarios},
        index=pd.RangeIndex(1, n_units + 1, name="rank"),
    )
    base_rank_on_map, base_leader = _base_position(model, result)
    targets, _, _ = model.target_arrays(targets)
    index_code = model.replay.structure.index_code
    return OutlookResult(
        province=province,
        region=model.region,
        edition=None if edition is None else int(edition),
        next_edition=model.unit_map.next_edition if model.unit_map.next_edition is not None
        else (None if edition is None else int(edition) + 1),
        draws=int(draws),
        seed=seed,
        top=int(top),
        n_units=n_units,
        n_region=int(model.rivals.sum()) + 1,
        base_rank=int(result.ranks.at[province, index_code]),
        base_region_leader=base_leader,
        summary=summary,
        rank_distribution=distribution,
        targets=pd.Series(targets, name="target", dtype=float).rename_axis(schema.INDICATOR),
        n_series_without_fit=model.grid.n_without_fit,
        unit=model.unit,
        region_name=str(model.unit_map.region_names.get(model.region, model.region)),
        base_n_units=len(model.unit_map.base_units),
        base_rank_on_map=base_rank_on_map,
        merged=model.unit_map.merged,
        province_correlation=float(province_correlation),
        indicator_correlation=float(indicator_correlation),
        not_merged=tuple(model.unit_map.without_quantities),
    )


def _model(result, projections, province, regions, unit_map, lower_bounds, upper_bounds, edition) -> OutlookModel:
    if unit_map is None:
        if regions is None:
            raise ValueError("give the regions (unit -> region) or a unit_map")
        units = result.stages["Raw"]["uCode"].astype(str).tolist()
        unit_map = UnitMap.identity(units, regions, None if edition is None else int(edition) + 1)
    return OutlookModel.build(result, projections, province, unit_map, lower_bounds, upper_bounds)


def correlation_sweep(
    result: IndexResult,
    projections: pd.DataFrame,
    province: str,
    unit_map: UnitMap,
    correlations: Sequence[float] = SWEEP_CORRELATIONS,
    draws: int = DEFAULT_DRAWS,
    seed: int | None = None,
    targets: Mapping[str, float] | None = None,
    top: int = DEFAULT_TOP,
    indicator_correlation: float = 0.0,
    lower_bounds: Mapping[str, float] | None = None,
    upper_bounds: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """The outlook's probabilities and rank band as a function of the assumed province
    correlation, on common random numbers: SUMMARY_COLUMNS, one row per correlation × scenario."""
    model = OutlookModel.build(result, projections, province, unit_map, lower_bounds, upper_bounds)
    simulated = _simulate(model, draws, seed, correlations, indicator_correlation, targets)
    rows = [_summary(s, *arrays, top, rho, indicator_correlation) for (rho, s), arrays in simulated.items()]
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)


# --------------------------------------------------------------------------- correlation


def estimate_correlation(residuals: pd.DataFrame, directions: Mapping[str, float]) -> dict:
    """Equicorrelation estimates from studentised trend residuals (`trend.trend_residuals`).

    province: the average product of two different indicators' direction-adjusted residuals
    of one province in one year, over the average squared residual (a common "good year"
    of a province moves its indicators together); indicator: the same over two provinces'
    residuals on one indicator in one year. Both are clipped to [0, MAX_CORRELATION] (and
    scaled so that they sum below it). NaN when there is nothing to estimate from. Small-sample
    note: residuals of short series are shrunk towards their own line, so the estimates are
    approximate; they are a default, and `correlation_sweep` shows the sensitivity.
    """
    if residuals.empty:
        return {"province": float("nan"), "indicator": float("nan"), "n_residuals": 0}
    sign = residuals[schema.INDICATOR].astype(str).map(lambda c: float(directions.get(c, 1.0)))
    r = residuals["residual"].to_numpy(dtype=float) * sign.to_numpy(dtype=float)
    frame = pd.DataFrame({"year": residuals[schema.YEAR].to_numpy(), "unit": residuals[schema.UNIT].to_numpy(),
                          "indicator": residuals[schema.INDICATOR].astype(str).to_numpy(), "r": r, "r2": r * r})
    mean_square = float(frame["r2"].mean())

    def equicorrelation(keys: list[str]) -> float:
        sums = frame.groupby(keys).agg(s1=("r", "sum"), s2=("r2", "sum"), n=("r", "size"))
        pairs = float((sums["n"] * (sums["n"] - 1)).sum())
        if pairs == 0 or mean_square == 0:
            return float("nan")
        return float((sums["s1"] ** 2 - sums["s2"]).sum() / pairs / mean_square)

    province = equicorrelation(["year", "unit"])
    indicator = equicorrelation(["year", "indicator"])
    clipped = [min(max(v, 0.0), MAX_CORRELATION) if np.isfinite(v) else float("nan") for v in (province, indicator)]
    total = np.nansum(clipped)
    if total >= MAX_CORRELATION:
        clipped = [v * MAX_CORRELATION / total * 0.99 for v in clipped]
    return {"province": clipped[0], "indicator": clipped[1], "province_raw": province, "indicator_raw": indicator,
            "n_residuals": len(frame)}


# --------------------------------------------------------------------------- cheapest path


@dataclass(frozen=True)
class CheapestPath:
    """The smallest set of the province's indicator improvements, within the evidence, that
    reaches the goals (greedy by gain per effort, `cheapest_path`).

    improvements: one row per improved indicator: indicator, effort_sd (standard deviations
        of its trend's predictive distribution), trend_median, target_value (the median the
        improvement gives, in the indicator's unit; on a 63 → 34 outlook the former
        province's value), p_on_trend (probability the trend alone reaches the target).
    steps: the greedy steps in order: indicator, effort_sd added, total_effort_sd, p_top,
        p_region_lead on the search draws after the step.
    check: SUMMARY_COLUMNS rows (trend, improved) on independent draws: the figures to quote
        (the search draws select the path, so their figures are optimistic).
    """

    improvements: pd.DataFrame
    steps: pd.DataFrame
    check: pd.DataFrame
    reached: bool
    goal: float
    max_effort: float
    total_effort_sd: float
    search_draws: int
    check_draws: int = 0


def _goal_shortfall(scores: np.ndarray, column: int, rival_columns: np.ndarray, top: int, goal: float):
    """(shortfall, p_top, p_lead) of a (draws, units) score array."""
    higher = scores > scores[:, column:column + 1]
    p_top = float(np.mean(np.count_nonzero(higher, axis=1) < top))
    p_lead = 1.0 - float(np.mean(higher[:, rival_columns].any(axis=1))) if len(rival_columns) else 1.0
    return max(0.0, goal - p_top) + max(0.0, goal - p_lead), p_top, p_lead


def cheapest_path(
    model: OutlookModel,
    top: int = DEFAULT_TOP,
    goal: float = DEFAULT_GOAL,
    max_effort: float = DEFAULT_MAX_EFFORT,
    effort_step: float = DEFAULT_EFFORT_STEP,
    draws: int = DEFAULT_SEARCH_DRAWS,
    check_draws: int = DEFAULT_DRAWS,
    seed: int | None = None,
    province_correlation: float = 0.0,
    indicator_correlation: float = 0.0,
    indicators: Sequence[str] | None = None,
) -> CheapestPath:
    """Greedy search for the cheapest improvements reaching P(top) >= goal and P(lead region)
    >= goal on the next edition's map.

    An improvement of k standard deviations on indicator j moves the province's predictive
    distribution of j by k of its scales in the better direction (on the model scale: a
    log-linear series moves by a factor); k runs over effort_step, 2·effort_step, ...,
    max_effort (the evidence: beyond ~2 SD a trend says nothing). Each greedy step takes the
    move (any indicator, any larger k) with the largest fall of the shortfall
    max(0, goal − p_top) + max(0, goal − p_lead) per SD of effort, on `draws` common random
    draws; it stops when the goals are reached or no move helps (`reached` False: unreachable
    within the evidence). Only the improved column is re-treated and re-normalised, so a move
    costs one column. `indicators`: the candidates (default every indicator with a fitted,
    non-degenerate trend for the province).
    """
    if model.unit_weights is None:
        raise ValueError("the cheapest path needs the arithmetic aggregation (the PII's)")
    if not 0 < goal <= 1:
        raise ValueError(f"goal must be a probability in (0, 1]; got {goal}")
    codes = list(model.replay.structure.indicator_codes)
    n_indicators = len(codes)
    grid = model.grid
    cells = model.row * n_indicators + np.arange(n_indicators)
    scale = grid.predictive.scale[cells]
    allowed = set(codes if indicators is None else [str(c) for c in indicators])
    candidates = [j for j in range(n_indicators) if scale[j] > 0 and codes[j] in allowed]
    levels = np.arange(1, int(round(max_effort / effort_step)) + 1) * effort_step

    rng = np.random.default_rng(seed)
    standard = grid.standard(draws, rng, province_correlation, indicator_correlation, model.directions)
    values = grid.values(standard)
    normalised = model.normalised(values)
    weights = model.unit_weights
    base_scores = np.einsum("dui,ui->du", np.where(np.isnan(normalised), 0.0, normalised), weights)
    deltas = {}
    for j in candidates:
        column = values[..., j:j + 1].copy()
        old = np.nan_to_num(normalised[..., j])
        own_standard = standard[:, cells[j]]
        for level_index, k in enumerate(levels, start=1):
            shifted = grid.predictive.loc[cells[j]] + scale[j] * (own_standard + model.directions[j] * k)
            shifted = inverse_transform(shifted, grid.predictive.transform[cells[j]])
            column[:, model.row, 0] = np.clip(shifted, grid.lower_bounds[j],
                                              np.inf if grid.upper_bounds is None else grid.upper_bounds[j])
            new = np.nan_to_num(model.normalised(column, np.array([j]))[..., 0])
            # Single precision: the search compares many candidates; the check uses doubles.
            deltas[(j, level_index)] = ((new - old) * weights[:, j]).astype(np.float32)

    level_of = {j: 0 for j in candidates}
    scores = base_scores.astype(np.float32)
    rival_columns = np.flatnonzero(model.rivals)
    shortfall, p_top, p_lead = _goal_shortfall(scores, model.column, rival_columns, top, goal)
    steps = []
    while shortfall > 0:
        best = None
        for j in candidates:
            current = deltas.get((j, level_of[j]), 0.0)
            for level_index in range(level_of[j] + 1, len(levels) + 1):
                trial = scores + deltas[(j, level_index)] - current
                trial_shortfall, t_top, t_lead = _goal_shortfall(trial, model.column, rival_columns, top, goal)
                gain = (shortfall - trial_shortfall) / ((level_index - level_of[j]) * effort_step)
                if gain > 0 and (best is None or gain > best[0]):
                    best = (gain, j, level_index, trial, trial_shortfall, t_top, t_lead)
        if best is None:
            break
        _, j, level_index, scores, shortfall, p_top, p_lead = best
        added = (level_index - level_of[j]) * effort_step
        level_of[j] = level_index
        steps.append({schema.INDICATOR: codes[j], "effort_sd": added, "total_effort_sd": float(levels[level_index - 1]),
                      "p_top": p_top, "p_region_lead": p_lead})
    reached = shortfall == 0

    chosen = {codes[j]: float(levels[level - 1]) for j, level in level_of.items() if level > 0}
    rows = []
    for code, k in chosen.items():
        j = codes.index(code)
        cell = cells[j]
        centre = grid.predictive.loc[cell]
        moved = inverse_transform(np.array([centre + model.directions[j] * k * scale[j]]),
                                  grid.predictive.transform[cell])[0]
        upper = np.inf if grid.upper_bounds is None else grid.upper_bounds[j]
        rows.append({
            schema.INDICATOR: code, "unit": model.province, "effort_sd": k,
            "trend_median": float(np.clip(inverse_transform(np.array([centre]), grid.predictive.transform[cell])[0],
                                          grid.lower_bounds[j], upper)),
            "target_value": float(np.clip(moved, grid.lower_bounds[j], upper)),
            "p_on_trend": float(t_tail(k, grid.predictive.df[cell])),
        })
    improvements = pd.DataFrame(rows, columns=[schema.INDICATOR, "unit", "effort_sd", "trend_median",
                                               "target_value", "p_on_trend"])
    check_seed = None if seed is None else int(seed) + 1
    checked = _simulate(model, check_draws, check_seed, [province_correlation], indicator_correlation,
                        shifts=chosen or None)
    check = pd.DataFrame([_summary(s, *arrays, top, province_correlation, indicator_correlation)
                          for (_, s), arrays in checked.items()], columns=SUMMARY_COLUMNS)
    return CheapestPath(
        improvements=improvements,
        steps=pd.DataFrame(steps, columns=[schema.INDICATOR, "effort_sd", "total_effort_sd", "p_top",
                                           "p_region_lead"]),
        check=check, reached=bool(reached), goal=float(goal), max_effort=float(max_effort),
        total_effort_sd=float(sum(chosen.values())), search_draws=int(draws), check_draws=int(check_draws),
    )


# --------------------------------------------------------------------------- from the data


def nonnegative_indicators(*frames: pd.DataFrame) -> dict[str, float]:
    """Indicator -> 0 for every indicator whose observed values (all frames) are all >= 0."""
    values = pd.concat([f[[schema.INDICATOR, schema.VALUE]] for f in frames if f is not None], ignore_index=True)
    values = values.dropna(subset=[schema.VALUE])
    minimum = values.groupby(values[schema.INDICATOR].astype(str))[schema.VALUE].min()
    return {code: 0.0 for code, low in minimum.items() if low >= 0}


def _history_up_to(history: pd.DataFrame, edition: int, indicator_codes: Sequence[str]) -> pd.DataFrame:
    year = schema.data_year(edition)
    rows = history[history[schema.YEAR].astype(int) <= year]
    rows = rows[rows[schema.INDICATOR].astype(str).isin([str(c) for c in indicator_codes])]
    return rows.assign(**{schema.INDICATOR: rows[schema.INDICATOR].astype(str)})


def project_for_next_edition(history: pd.DataFrame, edition: int, units: list[str],
                             indicator_codes: list[str],
                             bounds: Mapping[str, tuple[float, float]] | None = None) -> pd.DataFrame:
    """project_all on the history up to the base edition's data year, for the next data year.

    Raises ValueError when the history has no series for some units of the edition (e.g. a
    history on the 63 former provinces against the 34 units of 2025).
    """
    year = schema.data_year(edition)
    rows = _history_up_to(history, edition, indicator_codes)
    if rows.empty:
        raise ValueError(f"the history has no values up to data year {year} (edition {edition})")
    found = set(rows[schema.UNIT].unique())  # unique first: iterating a string column is slow
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
    return project_all(rows, year + 1, multiplicative=indicator_codes, bounds=bounds)


@dataclass(frozen=True)
class OutlookInputs:
    """What every outlook of one base edition shares: the base index, the projections of every
    series, the next edition's map, the bounds and the estimated correlations."""

    edition: int
    result: IndexResult
    projections: pd.DataFrame
    unit_map: UnitMap
    lower_bounds: dict
    upper_bounds: dict
    correlation: dict  # estimate_correlation

    def model(self, province: str) -> OutlookModel:
        units = self.result.stages["Raw"]["uCode"].astype(str).tolist()
        if province not in units:
            raise ValueError(f"unit {province!r} is not a province of edition {self.edition}")
        return OutlookModel.build(self.result, self.projections, province, self.unit_map, self.lower_bounds,
                                  self.upper_bounds)

    def correlations(self, province_correlation: float | None, indicator_correlation: float | None):
        """The given correlations, or the estimated ones (0 where not estimable)."""
        def pick(given, key):
            if given is not None:
                return float(given)
            value = self.correlation.get(key, float("nan"))
            return float(value) if np.isfinite(value) else 0.0
        return pick(province_correlation, "province"), pick(indicator_correlation, "indicator")


def prepare_outlook(values_long: pd.DataFrame, history: pd.DataFrame, edition: int,
                    framework: pd.DataFrame | None = None, quantities: pd.DataFrame | None = None) -> OutlookInputs:
    """The base index, projections (bounded), next map (merged after 2024) and correlations.

    quantities: the former provinces' quantities for the merge (unit, quantity, value;
    default the unit table's)."""
    from piilib.framework import indicators as framework_indicators
    from piilib.framework import load_framework
    from piilib.pii import compute_pii, edition_values

    framework = load_framework(edition) if framework is None else framework
    rows = edition_values(values_long, edition)
    result = compute_pii(rows, edition, framework)
    unit_keys = result.stages["Raw"]["uCode"].astype(str).tolist()
    codes = list(result.structure.indicator_codes)
    used = _history_up_to(history, edition, codes)
    bounds = bounds_mapping(framework_indicators(framework))
    projections = project_for_next_edition(history, edition, unit_keys, codes, bounds)
    unit_map = merged_unit_map(edition, codes, quantities, framework_indicators(framework))
    directions = dict(zip(codes, result.structure.directions))
    correlation = estimate_correlation(trend_residuals(used, multiplicative=codes), directions)
    return OutlookInputs(int(edition), result, projections, unit_map,
                         {c: lo for c, (lo, _) in bounds.items()}, {c: hi for c, (_, hi) in bounds.items()},
                         correlation)


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
    province_correlation: float | None = None,
    indicator_correlation: float | None = None,
    quantities: pd.DataFrame | None = None,
    inputs: OutlookInputs | None = None,
) -> OutlookResult:
    """P(top `top`) and P(leading its region) of `province` in the edition after `edition`, on
    that edition's map (34 units after the 2025 merger).

    values_long: the tidy long frame (the base edition is taken from it); history: tidy
    history (year, unit, indicator, value) on the base edition's map; targets: indicator ->
    raw value (e.g. `recommended_target_values`) for the targets scenario. Correlations: None
    uses the estimates from the trend residuals (`estimate_correlation`). `inputs`: a
    `prepare_outlook` already computed (values_long, history, framework, quantities unused).
    """
    inputs = prepare_outlook(values_long, history, edition, framework, quantities) if inputs is None else inputs
    rho_province, rho_indicator = inputs.correlations(province_correlation, indicator_correlation)
    units = inputs.result.stages["Raw"]["uCode"].astype(str).tolist()
    if province not in units:
        raise ValueError(f"unit {province!r} is not a province of edition {edition}")
    simulated = simulate_outlook(inputs.result, inputs.projections, province, draws=draws, seed=seed,
                                 targets=targets, top=top, lower_bounds=inputs.lower_bounds, edition=edition,
                                 unit_map=inputs.unit_map, province_correlation=rho_province,
                                 indicator_correlation=rho_indicator, upper_bounds=inputs.upper_bounds)
    own = inputs.projections[inputs.projections[schema.UNIT] == province].reset_index(drop=True)
    return replace(simulated, projections=own)


def bundle_inputs(bundle, edition: int) -> OutlookInputs:
    """`prepare_outlook` on a `piilib.bundle.DataBundle` (its history on the edition's map, the
    quantities of the next data year for the merge); ValueError without a history. Computed
    once per bundle and edition in a process (the outlook, the sweep and the cheapest path
    share it; the inputs are read, never modified)."""
    cache = getattr(bundle, "_cache", None)
    key = ("outlook_inputs", int(edition))
    if cache is not None and key in cache:
        return cache[key]
    inputs = _bundle_inputs(bundle, edition)
    if cache is not None:
        cache[key] = inputs
    return inputs


def _bundle_inputs(bundle, edition: int) -> OutlookInputs:
    history = bundle.history_on_map(edition)
    if history.empty:
        raise ValueError(f"{bundle.path}: no history, and the outlook projects every province's trend; "
                         "give a data directory with a history file (like data/demo/history.csv)")
    quantities = None
    from piilib.units import era
    if era(edition) != era(int(edition) + 1):
        # The merge of the next data year uses that year's quantities of the former provinces.
        quantities = bundle._quantities(schema.data_year(int(edition) + 1), int(edition))
    return prepare_outlook(bundle.values, history, edition, quantities=quantities)


def bundle_outlook(
    bundle,
    edition: int,
    province: str,
    draws: int = DEFAULT_DRAWS,
    seed: int | None = None,
    targets: Mapping[str, float] | None = None,
    top: int = DEFAULT_TOP,
    province_correlation: float | None = None,
    indicator_correlation: float | None = None,
) -> OutlookResult:
    """`outlook` on a `piilib.bundle.DataBundle`: its values and its history on the edition's
    map (harmonised after the merger). ValueError when the bundle has no history."""
    return outlook(bundle.values, None, edition, province, draws=draws, seed=seed, targets=targets, top=top,
                   province_correlation=province_correlation, indicator_correlation=indicator_correlation,
                   inputs=bundle_inputs(bundle, edition))


def bundle_cheapest_path(bundle, edition: int, province: str, top: int = DEFAULT_TOP, goal: float = DEFAULT_GOAL,
                         max_effort: float = DEFAULT_MAX_EFFORT, draws: int = DEFAULT_SEARCH_DRAWS,
                         check_draws: int = DEFAULT_DRAWS, seed: int | None = None,
                         province_correlation: float | None = None,
                         indicator_correlation: float | None = None) -> CheapestPath:
    """`cheapest_path` for a province of a bundle (correlations default to the estimates)."""
    inputs = bundle_inputs(bundle, edition)
    rho_province, rho_indicator = inputs.correlations(province_correlation, indicator_correlation)
    return cheapest_path(inputs.model(province), top=top, goal=goal, max_effort=max_effort, draws=draws,
                         check_draws=check_draws, seed=seed, province_correlation=rho_province,
                         indicator_correlation=rho_indicator)


def bundle_correlation_sweep(bundle, edition: int, province: str, correlations: Sequence[float] = SWEEP_CORRELATIONS,
                             draws: int = DEFAULT_DRAWS, seed: int | None = None,
                             targets: Mapping[str, float] | None = None, top: int = DEFAULT_TOP,
                             indicator_correlation: float | None = None) -> pd.DataFrame:
    """`correlation_sweep` for a province of a bundle."""
    inputs = bundle_inputs(bundle, edition)
    _, rho_indicator = inputs.correlations(0.0, indicator_correlation)
    return correlation_sweep(inputs.result, inputs.projections, province, inputs.unit_map, correlations,
                             draws=draws, seed=seed, targets=targets, top=top,
                             indicator_correlation=rho_indicator, lower_bounds=inputs.lower_bounds,
                             upper_bounds=inputs.upper_bounds)


def recommended_target_values(target_table: pd.DataFrame) -> dict[str, float]:
    """Indicator -> recommended target value, from `piilib.analysis.targets.target_table`."""
    from piilib.analysis.targets import recommended_targets

    chosen = recommended_targets(target_table)
    chosen = chosen[np.isfinite(chosen["target_value"].astype(float))]
    return dict(zip(chosen[schema.INDICATOR].astype(str), chosen["target_value"].astype(float)))


__all__ = [
    "CheapestPath",
    "IndexReplay",
    "OutlookInputs",
    "OutlookModel",
    "OutlookResult",
    "ProjectionGrid",
    "SUMMARY_MEANING",
    "UnitMap",
    "bundle_cheapest_path",
    "bundle_correlation_sweep",
    "bundle_inputs",
    "bundle_outlook",
    "cheapest_path",
    "correlation_sweep",
    "estimate_correlation",
    "merged_unit_map",
    "nonnegative_indicators",
    "outlook",
    "prepare_outlook",
    "project_for_next_edition",
    "recommended_target_values",
    "simulate_outlook",
]
