"""Trends of an indicator's raw value over data years, and of the thresholds that matter.

Model (statsmodels OLS, one series = one province × indicator, years x, raw values y):

    linear       y = a + b·(x − x0) + e                 slope b in the indicator's unit per year
    log-linear   log y = a + b·(x − x0) + e             slope 100·(exp(b) − 1) % per year

where x0 is the first data year of the series. Choice of the model ("auto"):

1. linear unless the caller says the indicator is a level or count that can grow
   multiplicatively (``multiplicative=True``) AND every value is > 0;
2. if both are allowed, log-linear is chosen only when its leave-one-out root mean squared
   error on the ORIGINAL scale is strictly lower than the linear model's. Leave-one-out
   predictions come from statsmodels' PRESS residuals (exact, no refitting); for the
   log-linear model the left-out prediction exp(log y_i − press_i) is compared with y_i.

Prediction intervals are statsmodels' ``get_prediction(...).summary_frame(alpha)`` obs_ci
(Student t with n − 2 degrees of freedom). For the log-linear model they are computed on the
log scale and exponentiated, so the centre is the median (geometric-mean) prediction and the
interval keeps its coverage. The same distribution is exposed as a `Predictive` (t location,
scale, degrees of freedom, back-transform) that Monte Carlo code can sample for many series at
once.

Thresholds (`threshold_series`): per data year, over the OTHER provinces (so a threshold does
not move when the province's own value changes, and reaching it is exactly what the province
needs): the value at national rank k (default 10), the national median, and the best value in
the province's region. "Best" follows the indicator's direction (+1 higher is better, −1 lower
is better). Gaps (`gap_outlook`) are modelled directly: gap = direction × (province −
threshold), > 0 when the province is better, fitted with the linear trend; with both series
observed in the same years its fitted line is exactly the difference of the two fitted lines,
and its residual variance accounts for the two series moving together.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Mapping, Sequence

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats

from piilib.schema import INDICATOR, UNIT, VALUE, YEAR

LINEAR = "linear"
LOG_LINEAR = "log-linear"
INSUFFICIENT = "insufficient"
KINDS = (LINEAR, LOG_LINEAR)

# Back-transforms from the model scale to the indicator's unit.
IDENTITY = "none"
LOG = "log"
LOG1P = "log1p"

MIN_YEARS = 3
DEFAULT_COVERAGE = 0.8
SLOPE_CI_COVERAGE = 0.95

NATIONAL_MEDIAN = "national_median"
REGION_LEADER = "region_leader"


def rank_threshold_name(rank: int) -> str:
    """Column name of the 'value at national rank k' threshold, e.g. 'rank_10'."""
    return f"rank_{rank}"


# --------------------------------------------------------------------------- predictive


def inverse_transform(model_values: np.ndarray, transforms: np.ndarray | str) -> np.ndarray:
    """Map model-scale values back to the indicator's unit (a new array).

    `transforms` is one name, or one name per element of the LAST axis of `model_values`
    (so (draws, series) arrays are handled with one mask per series, not per draw).
    """
    return _inverse_transform_inplace(np.array(model_values, dtype=float), transforms)


def _inverse_transform_inplace(values: np.ndarray, transforms) -> np.ndarray:
    transforms = np.asarray(transforms, dtype=object)
    functions = ((LOG, np.exp), (LOG1P, np.expm1))
    with np.errstate(over="ignore"):
        for name, function in functions:
            mask = transforms == name
            if not mask.any():
                continue
            if mask.all():
                function(values, out=values)
            else:
                values[..., mask] = function(values[..., mask])
    return values


@dataclass(frozen=True)
class Predictive:
    """Student-t predictive distributions on a model scale, one per element.

    value = back_transform(loc + scale · T), T ~ t(df). Arrays have equal length, so the
    predictions of many provinces × indicators can be concatenated and sampled in one call.
    """

    loc: np.ndarray
    scale: np.ndarray
    df: np.ndarray
    transform: np.ndarray  # IDENTITY | LOG | LOG1P per element

    def __post_init__(self):
        loc = np.atleast_1d(np.asarray(self.loc, dtype=float))
        object.__setattr__(self, "loc", loc)
        for name in ("scale", "df"):
            object.__setattr__(
                self, name, np.broadcast_to(np.asarray(getattr(self, name), dtype=float), loc.shape).copy()
            )
        object.__setattr__(
            self, "transform", np.broadcast_to(np.asarray(self.transform, dtype=object), loc.shape).copy()
        )

    def __len__(self) -> int:
        return len(self.loc)

    @property
    def median(self) -> np.ndarray:
        """The centre of the prediction in the indicator's unit (median for log models)."""
        return inverse_transform(self.loc, self.transform)

    def interval(self, coverage: float = DEFAULT_COVERAGE) -> tuple[np.ndarray, np.ndarray]:
        """Equal-tailed prediction interval (lower, upper) in the indicator's unit."""
        _check_coverage(coverage)
        quantile = stats.t.ppf(0.5 + coverage / 2, self.df)
        lower = inverse_transform(self.loc - quantile * self.scale, self.transform)
        upper = inverse_transform(self.loc + quantile * self.scale, self.transform)
        return lower, upper

    def sample(self, n_draws: int, rng: np.random.Generator, dtype=np.float64) -> np.ndarray:
        """Draws in the indicator's unit, shape (n_draws, len(self)).

        T = Z / sqrt(chi2_df / df), drawn per distinct df (series usually share a few) and
        computed in place; dtype=np.float32 halves memory and time for large Monte Carlo runs.
        """
        draws = rng.standard_normal((n_draws, len(self)), dtype=dtype)
        for df in np.unique(self.df[np.isfinite(self.df)]):
            columns = self.df == df
            chi2_over_df = rng.standard_gamma(df / 2, size=(n_draws, int(columns.sum())), dtype=dtype)
            chi2_over_df *= 2 / df
            np.sqrt(chi2_over_df, out=chi2_over_df)
            if columns.all():
                draws /= chi2_over_df
            else:
                draws[:, columns] /= chi2_over_df
        draws *= self.scale.astype(dtype)
        draws += self.loc.astype(dtype)
        return _inverse_transform_inplace(draws, self.transform)

    def subset(self, positions) -> Predictive:
        """The distributions at the given positions (integer indices or a boolean mask)."""
        return Predictive(self.loc[positions], self.scale[positions], self.df[positions], self.transform[positions])

    @classmethod
    def concat(cls, parts: Sequence[Predictive]) -> Predictive:
        return cls(
            loc=np.concatenate([p.loc for p in parts]),
            scale=np.concatenate([p.scale for p in parts]),
            df=np.concatenate([p.df for p in parts]),
            transform=np.concatenate([p.transform for p in parts]),
        )

    @classmethod
    def from_frame(cls, frame: pd.DataFrame) -> Predictive:
        """From columns loc, scale, df, transform (as returned by `project_all`)."""
        return cls(
            loc=frame["loc"].to_numpy(dtype=float),
            scale=frame["scale"].to_numpy(dtype=float),
            df=frame["df"].to_numpy(dtype=float),
            transform=frame["transform"].to_numpy(dtype=object),
        )


def predictive_from_statsmodels(prediction, transform: str) -> Predictive:
    """The obs distribution of a statsmodels PredictionResults (t with the model's df)."""
    df = prediction.dist_args[0] if prediction.dist_args else np.inf
    return Predictive(
        loc=np.asarray(prediction.predicted_mean, dtype=float),
        scale=np.asarray(prediction.se_obs, dtype=float),
        df=df,
        transform=transform,
    )


# --------------------------------------------------------------------------- single trend


@dataclass(frozen=True)
class TrendFit:
    """A fitted trend of one series. Slopes are per year (LINEAR) or % per year (LOG_LINEAR)."""

    kind: str
    years: np.ndarray
    values: np.ndarray
    fitted: pd.Series  # index: year, in the indicator's unit
    slope: float
    slope_ci: tuple[float, float]
    slope_unit: str
    slope_ci_coverage: float
    loo_rmse: dict[str, float]  # candidate kind -> leave-one-out RMSE on the original scale
    reference_year: int
    results: object = field(repr=False)

    @property
    def transform(self) -> str:
        return LOG if self.kind == LOG_LINEAR else IDENTITY

    @property
    def last_year(self) -> int:
        return int(self.years[-1])

    def _exog(self, years) -> np.ndarray:
        offsets = np.atleast_1d(np.asarray(years, dtype=float)) - self.reference_year
        return sm.add_constant(offsets, has_constant="add")

    def predictive(self, years) -> Predictive:
        """Predictive distribution of the raw value in the given year(s)."""
        return predictive_from_statsmodels(self.results.get_prediction(self._exog(years)), self.transform)

    def predict(self, years=None, coverage: float = DEFAULT_COVERAGE) -> pd.DataFrame:
        """Columns year, predicted (median for log-linear), lower, upper (obs_ci at coverage).

        `years` defaults to the next data year after the last observed one.
        """
        _check_coverage(coverage)
        years = [self.last_year + 1] if years is None else np.atleast_1d(years)
        frame = self.results.get_prediction(self._exog(years)).summary_frame(alpha=1 - coverage)
        return pd.DataFrame(
            {
                YEAR: np.asarray(years),
                "predicted": inverse_transform(frame["mean"].to_numpy(), self.transform),
                "lower": inverse_transform(frame["obs_ci_lower"].to_numpy(), self.transform),
                "upper": inverse_transform(frame["obs_ci_upper"].to_numpy(), self.transform),
            }
        )


def _check_coverage(coverage: float) -> None:
    if not 0 < coverage < 1:
        raise ValueError(f"coverage must be strictly between 0 and 1; got {coverage!r}")


def _as_year_value(series) -> tuple[np.ndarray, np.ndarray]:
    """Accept a frame with columns year, value or a Series indexed by year; drop missing."""
    if isinstance(series, pd.Series):
        years, values = series.index.to_numpy(dtype=float), series.to_numpy(dtype=float, na_value=np.nan)
    else:
        missing = [c for c in (YEAR, VALUE) if c not in series.columns]
        if missing:
            raise ValueError(
                f"history frame needs columns {YEAR!r} and {VALUE!r}; missing {missing}, "
                f"found {list(series.columns)}"
            )
        years = series[YEAR].to_numpy(dtype=float)
        values = series[VALUE].to_numpy(dtype=float, na_value=np.nan)
    present = ~np.isnan(values)
    years, values = years[present], values[present]
    order = np.argsort(years, kind="stable")
    years, values = years[order], values[order]
    repeated = years[1:] == years[:-1]
    if repeated.any():
        duplicated = sorted({int(y) for y in years[1:][repeated]})
        raise ValueError(f"history has more than one value for year(s) {duplicated}; expected one per year")
    return years, values


def _ols(offsets: np.ndarray, response: np.ndarray):
    return sm.OLS(response, sm.add_constant(offsets, has_constant="add")).fit()


def _loo_rmse(results, response_original: np.ndarray, log_scale: bool) -> float:
    press = results.get_influence().resid_press
    if log_scale:
        loo_prediction = np.exp(np.log(response_original) - press)
        errors = response_original - loo_prediction
    else:
        errors = press
    return float(np.sqrt(np.mean(np.square(errors))))


def fit_trend(
    series,
    multiplicative: bool = False,
    kind: str = "auto",
    slope_ci_coverage: float = SLOPE_CI_COVERAGE,
) -> TrendFit:
    """Fit the trend of one series (frame with columns year, value, or a Series by year).

    kind: "auto" (the rule in the module docstring), LINEAR or LOG_LINEAR (forced; log-linear
    needs every value > 0). At least MIN_YEARS years with values are required.
    """
    _check_coverage(slope_ci_coverage)
    if kind not in ("auto", *KINDS):
        raise ValueError(f"kind must be 'auto', {LINEAR!r} or {LOG_LINEAR!r}; got {kind!r}")
    years, values = _as_year_value(series)
    if len(years) < MIN_YEARS:
        raise ValueError(
            f"a trend needs at least {MIN_YEARS} data years with values; found {len(years)} "
            f"(years {[int(y) for y in years]})"
        )
    all_positive = bool(np.all(values > 0))
    if kind == LOG_LINEAR and not all_positive:
        raise ValueError("a log-linear trend needs every value > 0; found values ≤ 0")

    reference_year = int(years[0])
    offsets = years - reference_year
    candidates = {}
    if kind in ("auto", LINEAR):
        candidates[LINEAR] = _ols(offsets, values)
    if kind == LOG_LINEAR or (kind == "auto" and multiplicative and all_positive):
        candidates[LOG_LINEAR] = _ols(offsets, np.log(values))
    loo = {k: _loo_rmse(r, values, log_scale=(k == LOG_LINEAR)) for k, r in candidates.items()}
    if len(candidates) == 1:
        chosen = next(iter(candidates))
    else:
        chosen = LOG_LINEAR if loo[LOG_LINEAR] < loo[LINEAR] else LINEAR
    results = candidates[chosen]

    b = float(results.params[1])
    low, high = (float(v) for v in results.conf_int(alpha=1 - slope_ci_coverage)[1])
    fitted_model = np.asarray(results.fittedvalues, dtype=float)
    if chosen == LOG_LINEAR:
        slope, slope_ci, slope_unit = _percent(b), (_percent(low), _percent(high)), "% per year"
        fitted = np.exp(fitted_model)
    else:
        slope, slope_ci, slope_unit = b, (low, high), "per year"
        fitted = fitted_model
    return TrendFit(
        kind=chosen,
        years=years.astype(int),
        values=values,
        fitted=pd.Series(fitted, index=pd.Index(years.astype(int), name=YEAR), name="fitted"),
        slope=slope,
        slope_ci=slope_ci,
        slope_unit=slope_unit,
        slope_ci_coverage=slope_ci_coverage,
        loo_rmse=loo,
        reference_year=reference_year,
        results=results,
    )


def _percent(log_slope: float) -> float:
    return 100.0 * math.expm1(log_slope)


# --------------------------------------------------------------------------- many series


def project_all(
    history: pd.DataFrame,
    year: int,
    multiplicative: Mapping[str, bool] | Sequence[str] = (),
    coverage: float = DEFAULT_COVERAGE,
) -> pd.DataFrame:
    """Fit every unit × indicator series of a tidy history frame and predict `year`.

    history: columns year, unit, indicator, value. `multiplicative`: indicator codes (or a
    mapping code -> bool) for which the log-linear model may be chosen.
    Returns one row per unit × indicator: kind (INSUFFICIENT when fewer than MIN_YEARS
    values), n_years, last_year, last_value, slope, loc, scale, df, transform, predicted,
    lower, upper. `Predictive.from_frame` on the rows with a model gives their joint sampler.
    """
    missing = [c for c in (YEAR, UNIT, INDICATOR, VALUE) if c not in history.columns]
    if missing:
        raise ValueError(f"history frame needs columns year, unit, indicator, value; missing {missing}")
    if not isinstance(multiplicative, Mapping):
        multiplicative = {code: True for code in multiplicative}
    rows = []
    clean = history.dropna(subset=[VALUE])
    for (unit, indicator), group in clean.groupby([UNIT, INDICATOR], sort=True):
        ordered = group.sort_values(YEAR)
        row = {
            UNIT: unit,
            INDICATOR: indicator,
            "n_years": len(ordered),
            "last_year": int(ordered[YEAR].iloc[-1]),
            "last_value": float(ordered[VALUE].iloc[-1]),
        }
        if len(ordered) < MIN_YEARS:
            row.update(kind=INSUFFICIENT, slope=np.nan, loc=np.nan, scale=np.nan, df=np.nan,
                       transform=IDENTITY, predicted=np.nan, lower=np.nan, upper=np.nan)
        else:
            fit = fit_trend(ordered[[YEAR, VALUE]], multiplicative=bool(multiplicative.get(indicator, False)))
            predictive = fit.predictive(year)
            lower, upper = predictive.interval(coverage)
            row.update(kind=fit.kind, slope=fit.slope, loc=predictive.loc[0], scale=predictive.scale[0],
                       df=predictive.df[0], transform=fit.transform, predicted=predictive.median[0],
                       lower=lower[0], upper=upper[0])
        rows.append(row)
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- thresholds


def _check_direction(direction: int) -> int:
    if direction not in (1, -1):
        raise ValueError(f"direction must be +1 (higher is better) or -1 (lower is better); got {direction!r}")
    return int(direction)


def best_value(values: pd.Series, direction: int) -> tuple[str | None, float]:
    """(unit, value) of the best non-missing value; ties go to the first unit by name."""
    values = values.dropna()
    if values.empty:
        return None, float("nan")
    ordered = values.sort_index(kind="stable")
    unit = ordered.idxmax() if direction > 0 else ordered.idxmin()
    return unit, float(ordered[unit])


def value_at_rank(values: pd.Series, rank: int, direction: int) -> float:
    """The k-th best non-missing value (NaN when fewer than k values)."""
    ordered = np.sort(values.dropna().to_numpy(dtype=float))
    if direction > 0:
        ordered = ordered[::-1]
    return float(ordered[rank - 1]) if len(ordered) >= rank else float("nan")


def threshold_series(
    history: pd.DataFrame,
    direction: int,
    regions: Mapping[str, str],
    unit: str | None = None,
    region: str | None = None,
    rank: int = 10,
) -> pd.DataFrame:
    """Per data year: value at national rank `rank`, national median, region leader.

    history: one indicator, columns year, unit, value (all provinces). With `unit` given, the
    thresholds are computed over the other provinces and `region` defaults to the unit's.
    Returns columns year, n_units, rank_<k>, national_median, region_leader,
    region_leader_unit.
    """
    direction = _check_direction(direction)
    missing = [c for c in (YEAR, UNIT, VALUE) if c not in history.columns]
    if missing:
        raise ValueError(f"history frame needs columns year, unit, value; missing {missing}")
    if region is None and unit is not None:
        if unit not in regions:
            raise ValueError(f"unit {unit!r} has no region in the region mapping")
        region = regions[unit]
    others = history if unit is None else history[history[UNIT] != unit]
    rows = []
    for year, group in others.dropna(subset=[VALUE]).groupby(YEAR, sort=True):
        values = pd.Series(group[VALUE].to_numpy(dtype=float), index=group[UNIT].to_numpy())
        in_region = values[[regions.get(u) == region for u in values.index]]
        leader_unit, leader_value = best_value(in_region, direction)
        rows.append(
            {
                YEAR: int(year),
                "n_units": len(values),
                rank_threshold_name(rank): value_at_rank(values, rank, direction),
                NATIONAL_MEDIAN: float(np.median(values.to_numpy())),
                REGION_LEADER: leader_value,
                "region_leader_unit": leader_unit,
            }
        )
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class GapOutlook:
    """The province's gap to one threshold: gap = direction × (province − threshold).

    gap > 0: the province is better than the threshold. `behind`: the last observed gap is
    < 0. `closing`: behind and the fitted gap grows (slope > 0). `eroding`: not behind and the
    gap shrinks. `crossing_year`: where the fitted gap line reaches 0, when closing or
    eroding (a year not after the last data year means the fitted line has crossed already
    while the last observation has not: the gap is within noise). `crossing_range`: the years
    (grid of 0.01, from the first data year to `horizon` years after the last) in which the
    `coverage` confidence interval of the fitted gap contains 0, i.e. the years where the data
    cannot tell which side the province is on; its upper end is inf when that still holds at
    the horizon. `first_year_across`: the first whole year after the crossing. `slope_ci` and
    `significant` use the trend's SLOPE_CI_COVERAGE (95 %); `coverage` is for the range.
    """

    threshold: str
    gap: pd.Series  # observed, index year
    current_gap: float
    slope: float  # of the gap, indicator unit per year
    slope_ci: tuple[float, float]
    significant: bool  # the slope's CI excludes 0
    behind: bool
    closing: bool
    eroding: bool
    crossing_year: float | None
    crossing_range: tuple[float, float] | None
    first_year_across: int | None
    coverage: float
    fit: TrendFit = field(repr=False)


def gap_outlook(
    province: pd.DataFrame | pd.Series,
    threshold: pd.DataFrame | pd.Series,
    direction: int,
    name: str = "threshold",
    coverage: float = DEFAULT_COVERAGE,
    horizon: int = 10,
) -> GapOutlook:
    """Gap trend between a province series and a threshold series (each year, value)."""
    direction = _check_direction(direction)
    _check_coverage(coverage)
    p_years, p_values = _as_year_value(province)
    t_years, t_values = _as_year_value(threshold)
    common, p_idx, t_idx = np.intersect1d(p_years, t_years, return_indices=True)
    gap = pd.Series(direction * (p_values[p_idx] - t_values[t_idx]), index=pd.Index(common.astype(int), name=YEAR))
    fit = fit_trend(gap, kind=LINEAR)
    current = float(gap.iloc[-1])
    behind = current < 0
    closing = behind and fit.slope > 0
    eroding = (not behind) and fit.slope < 0
    low, high = fit.slope_ci
    crossing_year = crossing_range = first_across = None
    if (closing or eroding) and fit.slope != 0:
        intercept = float(fit.results.params[0])
        crossing_year = fit.reference_year - intercept / fit.slope
        first_across = int(math.floor(crossing_year)) + 1
        crossing_range = _undecided_years(fit, crossing_year, coverage, horizon)
    return GapOutlook(
        threshold=name,
        gap=gap,
        current_gap=current,
        slope=fit.slope,
        slope_ci=fit.slope_ci,
        significant=bool(low > 0 or high < 0),
        behind=behind,
        closing=closing,
        eroding=eroding,
        crossing_year=crossing_year,
        crossing_range=crossing_range,
        first_year_across=first_across,
        coverage=coverage,
        fit=fit,
    )


def _undecided_years(fit: TrendFit, crossing_year: float, coverage: float, horizon: int) -> tuple[float, float]:
    end = fit.last_year + horizon
    grid = np.round(np.arange(fit.years[0], end + 1e-9, 0.01), 2)
    band = fit.results.get_prediction(fit._exog(grid)).summary_frame(alpha=1 - coverage)
    contains_zero = (band["mean_ci_lower"].to_numpy() <= 0) & (band["mean_ci_upper"].to_numpy() >= 0)
    undecided = grid[contains_zero]
    low = min([crossing_year, *undecided[:1]])
    high = max([crossing_year, *undecided[-1:]])
    if contains_zero[-1]:
        high = math.inf
    return float(low), float(high)


@dataclass(frozen=True)
class ThresholdAnalysis:
    """A province against the thresholds of one indicator: series, their trends, the gaps."""

    unit: str
    direction: int
    province_fit: TrendFit | None
    thresholds: pd.DataFrame  # from threshold_series
    threshold_fits: dict[str, TrendFit]
    gaps: dict[str, GapOutlook]

    def summary(self, coverage: float = DEFAULT_COVERAGE) -> pd.DataFrame:
        """One row per threshold: last value, next-year prediction, gap status, crossing."""
        rows = []
        for name in self.threshold_fits.keys() | self.gaps.keys():
            fit = self.threshold_fits.get(name)
            gap = self.gaps.get(name)
            row = {"threshold": name}
            if fit is not None:
                prediction = fit.predict(coverage=coverage).iloc[0]
                row.update(kind=fit.kind, slope=fit.slope, slope_unit=fit.slope_unit,
                           last_value=float(fit.values[-1]), next_year=int(prediction[YEAR]),
                           predicted=prediction["predicted"], lower=prediction["lower"],
                           upper=prediction["upper"])
            if gap is not None:
                row.update(current_gap=gap.current_gap, gap_slope=gap.slope, behind=gap.behind,
                           closing=gap.closing, eroding=gap.eroding, significant=gap.significant,
                           crossing_year=gap.crossing_year,
                           crossing_low=None if gap.crossing_range is None else gap.crossing_range[0],
                           crossing_high=None if gap.crossing_range is None else gap.crossing_range[1],
                           first_year_across=gap.first_year_across)
            rows.append(row)
        order = {name: i for i, name in enumerate(self.thresholds.columns)}
        return pd.DataFrame(rows).sort_values("threshold", key=lambda s: s.map(order)).reset_index(drop=True)


def analyse_thresholds(
    history: pd.DataFrame,
    unit: str,
    direction: int,
    regions: Mapping[str, str],
    multiplicative: bool = False,
    rank: int = 10,
    coverage: float = DEFAULT_COVERAGE,
    horizon: int = 10,
) -> ThresholdAnalysis:
    """Trend of the province, of each threshold, and the province's gap to each.

    history: one indicator, columns year, unit, value, all provinces. Series with fewer than
    MIN_YEARS values get no fit (and no gap outlook).
    """
    direction = _check_direction(direction)
    thresholds = threshold_series(history, direction, regions, unit=unit, rank=rank)
    own = history.loc[history[UNIT] == unit, [YEAR, VALUE]].dropna(subset=[VALUE])
    province_fit = fit_trend(own, multiplicative=multiplicative) if len(own) >= MIN_YEARS else None
    threshold_fits, gaps = {}, {}
    for name in (rank_threshold_name(rank), NATIONAL_MEDIAN, REGION_LEADER):
        series = thresholds[[YEAR, name]].rename(columns={name: VALUE}).dropna(subset=[VALUE])
        if len(series) >= MIN_YEARS:
            threshold_fits[name] = fit_trend(series, multiplicative=multiplicative)
        common_years = np.intersect1d(series[YEAR].to_numpy(), own[YEAR].to_numpy())
        if len(common_years) >= MIN_YEARS:
            gaps[name] = gap_outlook(own, series, direction, name=name, coverage=coverage, horizon=horizon)
    return ThresholdAnalysis(unit, direction, province_fit, thresholds, threshold_fits, gaps)
