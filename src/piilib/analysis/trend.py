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

Growth. `TrendFit.growth` with `growth_unit`: GROWTH_PERCENT (relative growth, % per year)
only for the log-linear model; GROWTH_POINTS (the indicator's own unit per year, i.e.
percentage points per year for a share in %) for the linear model. A linear slope is never
reported as a percentage.

Bounds. The project's one rule, `piilib.analysis.bounds.indicator_bounds`, reads each
indicator's range from the framework (shares 0–100, "(0–10)", "(0–13)" scores, "%" of GRDP
unbounded above...; never from the data). Predictions are CENSORED at the bounds: the
fitted model (and its estimates, equal to statsmodels') is unchanged, and predictive mass
beyond a bound is put on the bound. Why not a logit fit: values AT a bound are common and
real (100 % of communes covered, 13 of 13 policy fields) and a logit cannot take them without
an arbitrary offset; with 3–7 points a curved extrapolation is as much an assumption as a
straight one; censoring keeps every probability P(value ≥ t) for t inside the bounds exactly
the model's, while no draw, median or interval end leaves the range.

Short histories. MIN_YEARS = 3: with three values the predictive is a t(1) (Cauchy)
distribution, honestly very wide; with two there is no estimate of scatter, so no trend.

Many series at once. `project_all` groups the series observed in the same years and fits
each group with one linear-algebra solve (`fit_batch`): the same estimates, PRESS residuals
and prediction intervals as statsmodels' OLS series by series (tested), in milliseconds.

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
from scipy import special, stats

from piilib.schema import INDICATOR, UNIT, VALUE, YEAR

LINEAR = "linear"
LOG_LINEAR = "log-linear"
INSUFFICIENT = "insufficient"
KINDS = (LINEAR, LOG_LINEAR)

# Back-transforms from the model scale to the indicator's unit.
IDENTITY = "none"
LOG = "log"
LOG1P = "log1p"

# Three values leave one residual degree of freedom: the predictive is a t(1) (Cauchy)
# distribution, honestly very wide; two values give a line through both points and no
# estimate of scatter at all, so no trend (INSUFFICIENT).
MIN_YEARS = 3
GROWTH_POINTS = "points"  # the indicator's unit per year (percentage points for a share)
GROWTH_PERCENT = "percent"  # relative growth, % per year (log-linear model only)
DEFAULT_COVERAGE = 0.8
SLOPE_CI_COVERAGE = 0.95

NATIONAL_MEDIAN = "national_median"
REGION_LEADER = "region_leader"


def t_quantile(q, df):
    """Student-t quantile: scipy.stats.t.ppf's own function (scipy.special.stdtrit) without
    the distribution object's argument handling, which costs ~0.1 ms a call."""
    return special.stdtrit(df, q)


def t_tail(x, df, upper: bool = True):
    """Student-t P(T >= x) (upper) or P(T <= x): scipy.stats.t.sf / cdf's own function
    (scipy.special.stdtr), same values, without the distribution object's overhead."""
    return special.stdtr(df, -x) if upper else special.stdtr(df, x)


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
    # Bounds of the indicator (e.g. 0–100 for a share): the distribution is censored there,
    # i.e. draws and quantiles beyond a bound are set to it (see `piilib.analysis.bounds`).
    lower: np.ndarray | float = -np.inf
    upper: np.ndarray | float = np.inf

    def __post_init__(self):
        loc = np.atleast_1d(np.asarray(self.loc, dtype=float))
        object.__setattr__(self, "loc", loc)
        for name in ("scale", "df", "lower", "upper"):
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
        return self.censor(inverse_transform(self.loc, self.transform))

    def censor(self, values: np.ndarray) -> np.ndarray:
        """Values (last axis = elements) set to the bounds where beyond them (in place)."""
        if np.isfinite(self.lower).any() or np.isfinite(self.upper).any():
            np.clip(values, self.lower.astype(values.dtype), self.upper.astype(values.dtype), out=values)
        return values

    def interval(self, coverage: float = DEFAULT_COVERAGE) -> tuple[np.ndarray, np.ndarray]:
        """Equal-tailed prediction interval (lower, upper) in the indicator's unit."""
        _check_coverage(coverage)
        quantile = t_quantile(0.5 + coverage / 2, self.df)
        lower = self.censor(inverse_transform(self.loc - quantile * self.scale, self.transform))
        upper = self.censor(inverse_transform(self.loc + quantile * self.scale, self.transform))
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
        return self.censor(_inverse_transform_inplace(draws, self.transform))

    def subset(self, positions) -> Predictive:
        """The distributions at the given positions (integer indices or a boolean mask)."""
        return Predictive(self.loc[positions], self.scale[positions], self.df[positions], self.transform[positions],
                          self.lower[positions], self.upper[positions])

    @classmethod
    def concat(cls, parts: Sequence[Predictive]) -> Predictive:
        return cls(
            loc=np.concatenate([p.loc for p in parts]),
            scale=np.concatenate([p.scale for p in parts]),
            df=np.concatenate([p.df for p in parts]),
            transform=np.concatenate([p.transform for p in parts]),
            lower=np.concatenate([p.lower for p in parts]),
            upper=np.concatenate([p.upper for p in parts]),
        )

    @classmethod
    def from_frame(cls, frame: pd.DataFrame) -> Predictive:
        """From columns loc, scale, df, transform and, when present, lower_bound and
        upper_bound (as returned by `project_all`)."""
        return cls(
            loc=frame["loc"].to_numpy(dtype=float),
            scale=frame["scale"].to_numpy(dtype=float),
            df=frame["df"].to_numpy(dtype=float),
            transform=frame["transform"].to_numpy(dtype=object),
            lower=frame["lower_bound"].to_numpy(dtype=float) if "lower_bound" in frame else -np.inf,
            upper=frame["upper_bound"].to_numpy(dtype=float) if "upper_bound" in frame else np.inf,
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
    bounds: tuple[float, float] = (-math.inf, math.inf)

    @property
    def transform(self) -> str:
        return LOG if self.kind == LOG_LINEAR else IDENTITY

    @property
    def growth(self) -> float:
        """The yearly change the fit implies: `slope` (see `growth_unit`)."""
        return self.slope

    @property
    def growth_unit(self) -> str:
        """GROWTH_PERCENT (relative growth, % per year) for the log-linear model only;
        GROWTH_POINTS (the indicator's own unit per year: percentage points for a share) for
        the linear model."""
        return GROWTH_PERCENT if self.kind == LOG_LINEAR else GROWTH_POINTS

    @property
    def last_year(self) -> int:
        return int(self.years[-1])

    def _exog(self, years) -> np.ndarray:
        offsets = np.atleast_1d(np.asarray(years, dtype=float)) - self.reference_year
        from statsmodels.tools.tools import add_constant  # imported when used: a slow import

        return add_constant(offsets, has_constant="add")

    def predictive(self, years) -> Predictive:
        """Predictive distribution of the raw value in the given year(s)."""
        predictive = predictive_from_statsmodels(self.results.get_prediction(self._exog(years)), self.transform)
        return Predictive(predictive.loc, predictive.scale, predictive.df, predictive.transform, *self.bounds)

    def predict(self, years=None, coverage: float = DEFAULT_COVERAGE) -> pd.DataFrame:
        """Columns year, predicted (median for log-linear), lower, upper (obs_ci at coverage).

        `years` defaults to the next data year after the last observed one.
        """
        _check_coverage(coverage)
        years = [self.last_year + 1] if years is None else np.atleast_1d(years)
        frame = self.results.get_prediction(self._exog(years)).summary_frame(alpha=1 - coverage)
        low, high = self.bounds

        def unit_scale(column: str) -> np.ndarray:
            return np.clip(inverse_transform(frame[column].to_numpy(), self.transform), low, high)

        return pd.DataFrame(
            {
                YEAR: np.asarray(years),
                "predicted": unit_scale("mean"),
                "lower": unit_scale("obs_ci_lower"),
                "upper": unit_scale("obs_ci_upper"),
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
    from statsmodels.regression.linear_model import OLS  # imported when used: a slow import
    from statsmodels.tools.tools import add_constant

    return OLS(response, add_constant(offsets, has_constant="add")).fit()


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
    bounds: tuple[float, float] | None = None,
) -> TrendFit:
    """Fit the trend of one series (frame with columns year, value, or a Series by year).

    kind: "auto" (the rule in the module docstring), LINEAR or LOG_LINEAR (forced; log-linear
    needs every value > 0). At least MIN_YEARS years with values are required. bounds:
    (lower, upper) of the indicator (`piilib.analysis.bounds`); predictions are censored there.
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
        chosen = LOG_LINEAR if _prefers_log(loo[LOG_LINEAR], loo[LINEAR], np.max(np.abs(values))) else LINEAR
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
        bounds=(-math.inf, math.inf) if bounds is None else (float(bounds[0]), float(bounds[1])),
    )


def _prefers_log(loo_log, loo_linear, magnitude):
    """Log-linear only when its leave-one-out error is lower beyond rounding (1e-9 of the
    series' magnitude): on an exact line or a constant series both errors are ~0 and the
    linear model is kept."""
    return loo_log < loo_linear - 1e-9 * magnitude


def _percent(log_slope: float) -> float:
    return 100.0 * math.expm1(log_slope)


# --------------------------------------------------------------------------- many series


@dataclass(frozen=True)
class BatchFit:
    """OLS of many series on one year design, y = a + b (x − x0), in one solve.

    The same estimates as statsmodels' OLS of each column (closed forms of the 2-parameter
    model): params (2, m), residual variance s2 (m,), residuals and PRESS residuals (n, m),
    leverages h (n,), and the unscaled covariance (X'X)^-1 (2, 2). df = n − 2.
    """

    offsets: np.ndarray
    params: np.ndarray
    s2: np.ndarray
    residuals: np.ndarray
    press: np.ndarray
    leverage: np.ndarray
    xtx_inverse: np.ndarray

    @property
    def df(self) -> int:
        return len(self.offsets) - 2

    def predictive(self, offset: float) -> tuple[np.ndarray, np.ndarray]:
        """(loc, se_obs) of each series at `offset` years after x0 (statsmodels' obs scale)."""
        x = np.array([1.0, float(offset)])
        loc = x @ self.params
        se_obs = np.sqrt(self.s2 * (1.0 + x @ self.xtx_inverse @ x))
        return loc, se_obs

    def slope_ci(self, coverage: float = SLOPE_CI_COVERAGE) -> tuple[np.ndarray, np.ndarray]:
        half = t_quantile(0.5 + coverage / 2, self.df) * np.sqrt(self.s2 * self.xtx_inverse[1, 1])
        return self.params[1] - half, self.params[1] + half

    def studentised(self) -> np.ndarray:
        """Internally studentised residuals e / (s sqrt(1 − h)); NaN where s = 0."""
        with np.errstate(divide="ignore", invalid="ignore"):
            scale = np.sqrt(self.s2)[None, :] * np.sqrt(1.0 - self.leverage)[:, None]
            return np.where(scale > 0, self.residuals / scale, np.nan)


def fit_batch(offsets, responses) -> BatchFit:
    """OLS of every column of `responses` (n, m) on [1, offsets] (n,): see `BatchFit`.

    At least 3 distinct offsets are needed (df >= 1).
    """
    offsets = np.asarray(offsets, dtype=float)
    responses = np.asarray(responses, dtype=float)
    if responses.ndim == 1:
        responses = responses[:, None]
    if len(offsets) < MIN_YEARS or len(np.unique(offsets)) < 2:
        raise ValueError(f"a batch fit needs at least {MIN_YEARS} years; got {len(offsets)}")
    design = np.column_stack([np.ones_like(offsets), offsets])
    xtx_inverse = np.linalg.inv(design.T @ design)
    params = xtx_inverse @ design.T @ responses
    residuals = responses - design @ params
    s2 = np.einsum("ij,ij->j", residuals, residuals) / (len(offsets) - 2)
    leverage = np.einsum("ij,jk,ik->i", design, xtx_inverse, design)
    press = residuals / (1.0 - leverage)[:, None]
    return BatchFit(offsets, params, s2, residuals, press, leverage, xtx_inverse)


def _loo_rmse_batch(press: np.ndarray, original: np.ndarray, log_scale: bool) -> np.ndarray:
    errors = original - np.exp(np.log(original) - press) if log_scale else press
    return np.sqrt(np.mean(np.square(errors), axis=0))


PROJECTION_COLUMNS = [UNIT, INDICATOR, "n_years", "last_year", "last_value", "kind", "slope", "growth",
                      "growth_unit", "loc", "scale", "df", "transform", "lower_bound", "upper_bound",
                      "predicted", "lower", "upper"]


def _fitted_series(history: pd.DataFrame, multiplicative: Mapping[str, bool]):
    """Every unit × indicator series fitted, batched by year design.

    Yields (keys, years, values, chosen BatchFit per kind, chosen kind per series) for each
    group of series observed in the same years, with the kind chosen by the module's rule.
    """
    missing = [c for c in (YEAR, UNIT, INDICATOR, VALUE) if c not in history.columns]
    if missing:
        raise ValueError(f"history frame needs columns year, unit, indicator, value; missing {missing}")
    clean = history.dropna(subset=[VALUE])
    keys = clean[[UNIT, INDICATOR, YEAR]]
    repeated = keys.duplicated()
    if repeated.any():
        first = clean[repeated].iloc[0]
        raise ValueError(f"history has more than one value for {first[UNIT]} {first[INDICATOR]} year "
                         f"{int(first[YEAR])}; expected one per year")
    wide = clean.pivot(index=[UNIT, INDICATOR], columns=YEAR, values=VALUE).sort_index()
    wide = wide[sorted(wide.columns)]
    years = wide.columns.to_numpy(dtype=float)
    table = wide.to_numpy(dtype=float)
    present = ~np.isnan(table)
    patterns, group_of = np.unique(present, axis=0, return_inverse=True)
    group_of = np.asarray(group_of).ravel()
    indicators = wide.index.get_level_values(INDICATOR).astype(str)
    may_be_log = np.array([bool(multiplicative.get(code, False)) for code in indicators])
    for g, pattern in enumerate(patterns):
        rows = np.flatnonzero(group_of == g)
        observed = years[pattern]
        values = table[np.ix_(rows, np.flatnonzero(pattern))].T  # (n years, series)
        index = wide.index[rows]
        if len(observed) < MIN_YEARS:
            yield index, observed, values, None, None, None
            continue
        offsets = observed - observed[0]
        linear = fit_batch(offsets, values)
        candidates = may_be_log[rows] & np.all(values > 0, axis=0)
        log_fit = None
        chosen_log = np.zeros(len(rows), dtype=bool)
        if candidates.any():
            log_values = np.log(np.where(candidates[None, :], values, 1.0))
            log_fit = fit_batch(offsets, log_values)
            loo_linear = _loo_rmse_batch(linear.press, values, False)
            loo_log = _loo_rmse_batch(log_fit.press, np.where(candidates[None, :], values, 1.0), True)
            chosen_log = candidates & _prefers_log(loo_log, loo_linear, np.max(np.abs(values), axis=0))
        yield index, observed, values, linear, log_fit, chosen_log


def project_all(
    history: pd.DataFrame,
    year: int,
    multiplicative: Mapping[str, bool] | Sequence[str] = (),
    coverage: float = DEFAULT_COVERAGE,
    bounds: Mapping[str, tuple[float, float]] | None = None,
) -> pd.DataFrame:
    """Fit every unit × indicator series of a tidy history frame and predict `year`.

    history: columns year, unit, indicator, value. `multiplicative`: indicator codes (or a
    mapping code -> bool) for which the log-linear model may be chosen. bounds: indicator ->
    (lower, upper) (`piilib.analysis.bounds.bounds_mapping`); predictions are censored there.
    Series observed in the same years are fitted together (`fit_batch`: the estimates and
    intervals of statsmodels' OLS, `fit_trend`, in one solve).
    Returns PROJECTION_COLUMNS, one row per unit × indicator sorted by unit, indicator: kind
    (INSUFFICIENT when fewer than MIN_YEARS values), slope (per year, or % per year when
    log-linear), growth and growth_unit (see `TrendFit.growth_unit`), the predictive t
    (loc, scale, df, transform, lower_bound, upper_bound), predicted (median) and the
    `coverage` interval. `Predictive.from_frame` on the rows with a model gives their joint sampler.
    """
    _check_coverage(coverage)
    if not isinstance(multiplicative, Mapping):
        multiplicative = {code: True for code in multiplicative}
    bounds = bounds or {}
    parts = []
    for index, observed, values, linear, log_fit, chosen_log in _fitted_series(history, multiplicative):
        part = pd.DataFrame({
            UNIT: index.get_level_values(UNIT), INDICATOR: index.get_level_values(INDICATOR).astype(str),
            "n_years": len(observed), "last_year": int(observed[-1]) if len(observed) else -1,
            "last_value": values[-1] if len(observed) else np.nan,
        })
        if linear is None:
            part = part.assign(kind=INSUFFICIENT, slope=np.nan, growth=np.nan, growth_unit=None, loc=np.nan,
                               scale=np.nan, df=np.nan, transform=IDENTITY)
        else:
            offset = float(year) - observed[0]
            loc, scale = linear.predictive(offset)
            slope = linear.params[1].copy()
            if log_fit is not None and chosen_log.any():
                log_loc, log_scale = log_fit.predictive(offset)
                loc = np.where(chosen_log, log_loc, loc)
                scale = np.where(chosen_log, log_scale, scale)
                slope = np.where(chosen_log, 100.0 * np.expm1(log_fit.params[1]), slope)
            part = part.assign(
                kind=np.where(chosen_log, LOG_LINEAR, LINEAR), slope=slope, growth=slope,
                growth_unit=np.where(chosen_log, GROWTH_PERCENT, GROWTH_POINTS), loc=loc, scale=scale,
                df=float(linear.df), transform=np.where(chosen_log, LOG, IDENTITY).astype(object),
            )
        parts.append(part)
    if not parts:
        return pd.DataFrame(columns=PROJECTION_COLUMNS)
    frame = pd.concat(parts, ignore_index=True)
    frame["lower_bound"] = frame[INDICATOR].map(lambda c: bounds.get(c, (-np.inf, np.inf))[0]).astype(float)
    frame["upper_bound"] = frame[INDICATOR].map(lambda c: bounds.get(c, (-np.inf, np.inf))[1]).astype(float)
    fitted = frame["kind"] != INSUFFICIENT
    frame["predicted"] = frame["lower"] = frame["upper"] = np.nan
    if fitted.any():
        predictive = Predictive.from_frame(frame[fitted])
        lower, upper = predictive.interval(coverage)
        frame.loc[fitted, "predicted"] = predictive.median
        frame.loc[fitted, "lower"] = lower
        frame.loc[fitted, "upper"] = upper
    return frame.sort_values([UNIT, INDICATOR], kind="stable").reset_index(drop=True)[PROJECTION_COLUMNS]


def trend_residuals(history: pd.DataFrame, multiplicative: Mapping[str, bool] | Sequence[str] = ()) -> pd.DataFrame:
    """The studentised residuals e / (s sqrt(1 − h)) of every series' chosen trend model (the
    model `project_all` uses), on the model scale: columns year, unit, indicator, residual.
    Series with fewer than MIN_YEARS values or zero scatter give none. Used to estimate how
    the deviations from trend of a province's indicators move together."""
    if not isinstance(multiplicative, Mapping):
        multiplicative = {code: True for code in multiplicative}
    parts = []
    for index, observed, values, linear, log_fit, chosen_log in _fitted_series(history, multiplicative):
        if linear is None:
            continue
        residuals = linear.studentised()
        scatter = np.sqrt(linear.s2)
        if log_fit is not None and chosen_log.any():
            residuals = np.where(chosen_log[None, :], log_fit.studentised(), residuals)
            scatter = np.where(chosen_log, np.sqrt(log_fit.s2) * np.max(np.abs(values), axis=0), scatter)
        # A series on an exact line has residuals of rounding size only: no scatter to correlate.
        exact = scatter <= 1e-9 * np.maximum(np.max(np.abs(values), axis=0), 1e-300)
        residuals[:, exact] = np.nan
        n_years, n_series = residuals.shape
        parts.append(pd.DataFrame({
            YEAR: np.repeat(observed.astype(int), n_series),
            UNIT: np.tile(index.get_level_values(UNIT), n_years),
            INDICATOR: np.tile(index.get_level_values(INDICATOR).astype(str), n_years),
            "residual": residuals.ravel(),
        }))
    if not parts:
        return pd.DataFrame(columns=[YEAR, UNIT, INDICATOR, "residual"])
    frame = pd.concat(parts, ignore_index=True).dropna(subset=["residual"])
    return frame.sort_values([YEAR, UNIT, INDICATOR]).reset_index(drop=True)


# --------------------------------------------------------------------------- thresholds


def _check_direction(direction: int) -> int:
    if direction not in (1, -1):
        raise ValueError(f"direction must be +1 (higher is better) or -1 (lower is better); got {direction!r}")
    return int(direction)


def best_value(values: pd.Series, direction: int) -> tuple[str | None, float]:
    """(unit, value) of the best non-missing value; ties go to the first unit by name."""
    array = values.to_numpy(dtype=float)  # NumPy, not Series methods: called per threshold
    present = ~np.isnan(array)
    if not present.any():
        return None, float("nan")
    array, labels = array[present], values.index[present]
    best = array.max() if direction > 0 else array.min()
    position = min(np.flatnonzero(array == best), key=lambda i: labels[i])
    return labels[position], float(array[position])


def value_at_rank(values: pd.Series, rank: int, direction: int) -> float:
    """The k-th best non-missing value (NaN when fewer than k values); `values` a Series or an array."""
    array = np.asarray(values, dtype=float)
    ordered = np.sort(array[~np.isnan(array)])
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
