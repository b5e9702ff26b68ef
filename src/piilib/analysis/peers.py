"""Peer regressions and peer groups: what a province's structure predicts, and who to learn from.

Model, one indicator, one edition, provinces i (statsmodels; the formula is a parameter):

    g(value_i) = x_i'b + e_i,      Var(e_i) = s² · exp(c0 + c1 · m_i)

x_i is the right-hand side of a patsy formula over the structural covariates, e.g.
``"value ~ np.log(grdp_per_capita) + np.log(population) + urbanisation"`` (the default, when
no formula is given, is every covariate column as it is, and the formula used is always in
the result). A covariate the formula names that is not in the data is an error naming it.
g is the indicator transform: log1p for strongly right-skewed non-negative values (sample
skewness > 1 and log1p reduces it), identity otherwise ("auto"); the formula's left-hand
side shows it.

Heteroskedasticity. Provinces differ in scale (a count per 10,000 people spreads more where
it is high), so a constant-variance interval is too wide for small provinces and too narrow
for large ones. The variance model is Harvey's multiplicative one on the fitted level m_i of
a first OLS fit: log(e_i²) regressed on [1, m_i] (two parameters, so 34–63 provinces can
estimate it), then feasible WLS with weights 1 / exp(c0 + c1 m_i). Why not conformal or
jackknife+: they give MARGINAL coverage, i.e. over all provinces, and under heteroskedasticity
that is exactly the failure (over-covering small provinces, under-covering large ones); a
variance model gives intervals whose width follows the province's level. Standard errors of
the coefficients are HC3 (robust if the variance model is wrong). `variance_model="none"`
fits OLS with constant variance (for comparison).

Prediction interval: statsmodels' WLS obs interval (Student t with n − p degrees of freedom)
with the province's own variance weight, back-transformed, then clipped to the indicator's
bounds (`bounds`, e.g. 0–100 for a share; clipping to where the value must lie does not
change coverage).

Per province (`table`): expected value in-sample, expected_loo = the prediction from the
fit without it (PRESS residual of the weighted fit: exact for the mean model with the
variance weights held fixed), leverage (hat value of the weighted fit), Cook's distance,
studentized residual (externally studentised), relative = direction × studentized (> 0:
better than its structure predicts). `benchmark(unit)` refits the whole procedure (first
fit, variance model, WLS) without the province and gives its expected value and interval
from that refit, beside R², leverage and Cook's distance from the full fit.

R² is the OLS R² of the first fit on the model scale: the share of the differences between
provinces the structure explains. `explains_little` is R² < EXPLAINS_LITTLE (0.2): the
structure explains too little for a comparison with it to conclude anything.

Peer groups of a province (the province itself excluded): its region, the centrally-run cities,
and the k structurally nearest provinces (Euclidean distance on covariates standardised to
mean 0 and population standard deviation 1 over the provinces with complete covariates). The
best peer of a group follows the indicator's direction.
"""

from __future__ import annotations

import ast
import functools
from dataclasses import dataclass, field
from typing import Iterable, Mapping

import numpy as np
import pandas as pd
import patsy
from scipy import stats

from piilib.analysis.trend import (
    DEFAULT_COVERAGE,
    IDENTITY,
    LOG1P,
    Predictive,
    _check_coverage,
    _check_direction,
    best_value,
    inverse_transform,
)
from piilib.messages import Said, text
from piilib.schema import COVARIATE, UNIT, VALUE, YEAR

SKEW_THRESHOLD = 1.0
EXPLAINS_LITTLE = 0.2
REGION = "region"
CENTRALLY_RUN = "centrally_run"
NEAREST = "nearest"

RESPONSE = "value"
# A left-hand side that names the transform itself (as the fitted model's `formula` shows it).
TRANSFORMED_RESPONSES = {f"np.log1p({RESPONSE})": LOG1P, f"log1p({RESPONSE})": LOG1P}
VARIANCE_FITTED = "fitted"  # Harvey's model on the first fit's level
VARIANCE_NONE = "none"
VARIANCE_MODELS = (VARIANCE_FITTED, VARIANCE_NONE)
# The variance model may not make one province's variance more than this many times the
# median's (nor less than its inverse): a guard against a slope fitted to a few outliers.
MAX_VARIANCE_RATIO = 100.0
# Names a formula may use that are not covariates (patsy's and NumPy's).
FORMULA_BUILTINS = {"np", "numpy", "I", "C", "Q", "center", "standardize", "scale", "bs", "cr", "cc", "te",
                    "log", "exp", "sqrt", "abs"}

TABLE_COLUMNS = [VALUE, "expected", "residual", "studentized", "relative", "lower", "upper", "in_fit",
                 "expected_loo", "leverage", "cooks_distance"]
BENCHMARK_FIELDS = ["expected", "lower", "upper", "r_squared", "explains_little", "leverage", "cooks_distance",
                    "loo_rmse", "n_obs", "formula"]


def covariates_wide(covariates: pd.DataFrame) -> pd.DataFrame:
    """Covariates as a wide frame indexed by unit, one numeric column per covariate.

    Accepts the tidy layout (columns unit, covariate, value — one edition), a wide frame with
    a `unit` column, or a wide frame already indexed by unit.
    """
    if {UNIT, COVARIATE, VALUE} <= set(covariates.columns):
        duplicated = covariates.duplicated([UNIT, COVARIATE])
        if duplicated.any():
            first = covariates.loc[duplicated, [UNIT, COVARIATE]].iloc[0]
            raise ValueError(
                f"covariates have more than one value for unit {first[UNIT]!r}, covariate "
                f"{first[COVARIATE]!r}; pass a single edition"
            )
        wide = covariates.pivot(index=UNIT, columns=COVARIATE, values=VALUE)
        wide.columns = [str(c) for c in wide.columns]
    elif UNIT in covariates.columns:
        wide = covariates.set_index(UNIT)
    else:
        wide = covariates
    if wide.index.has_duplicates:
        raise ValueError(f"covariates list unit(s) {sorted(set(wide.index[wide.index.duplicated()]))} more than once")
    non_numeric = [c for c in wide.columns if not pd.api.types.is_numeric_dtype(wide[c])]
    if non_numeric:
        raise ValueError(f"covariate column(s) {non_numeric} are not numeric")
    return wide.astype(float)


def _values_by_unit(values) -> pd.Series:
    if isinstance(values, pd.DataFrame):
        if not {UNIT, VALUE} <= set(values.columns):
            raise ValueError(f"indicator frame needs columns unit and value; found {list(values.columns)}")
        if values[UNIT].duplicated().any():
            raise ValueError("indicator frame lists a unit more than once; pass one indicator and one edition")
        return pd.Series(values[VALUE].to_numpy(dtype=float), index=values[UNIT].to_numpy(), name=VALUE)
    return values.astype(float)


def peer_frame(values: pd.Series, covariates: pd.DataFrame, year: int | None = None) -> pd.DataFrame:
    """One row per province: `value` (the indicator) and one column per covariate, e.g. for
    a chapter to show and to pass to `fit_peer_model` (values = frame.value, covariates = the
    other columns).

    values: the indicator's raw values, a Series indexed by unit. covariates: tidy rows
    (year, unit, covariate, value); with `year`, only that data year's rows are used.
    Provinces without a value or a covariate keep their row (with NaN).
    """
    missing = [column for column in (UNIT, COVARIATE, VALUE) if column not in covariates.columns]
    if missing:
        raise ValueError(f"covariates need columns {UNIT!r}, {COVARIATE!r} and {VALUE!r}; missing {missing}")
    rows = covariates
    if year is not None and YEAR in rows.columns:
        rows = rows[rows[YEAR].astype(int) == int(year)]
        if rows.empty:
            found = sorted(covariates[YEAR].dropna().astype(int).unique().tolist())
            raise ValueError(f"no covariates for data year {year}; years present: {found}")
    wide = covariates_wide(rows[[UNIT, COVARIATE, VALUE]])
    if VALUE in wide.columns:
        raise ValueError(f"a covariate is named {VALUE!r}, the name of the indicator's column")
    units = wide.index.union(pd.Index(values.index))
    frame = wide.reindex(units)
    frame.insert(0, VALUE, pd.Series(values, dtype=float).reindex(units))
    frame.index.name = UNIT
    return frame


def choose_transform(values: Iterable[float]) -> str:
    """LOG1P for strongly right-skewed non-negative values (rule in the module docstring)."""
    values = np.asarray(list(values), dtype=float)
    values = values[~np.isnan(values)]
    if len(values) < 3 or np.min(values) < 0:
        return IDENTITY
    skew_raw = stats.skew(values, bias=False)
    skew_log = stats.skew(np.log1p(values), bias=False)
    if skew_raw > SKEW_THRESHOLD and abs(skew_log) < abs(skew_raw):
        return LOG1P
    return IDENTITY


def _forward(values: np.ndarray, transform: str) -> np.ndarray:
    return np.log1p(values) if transform == LOG1P else values


# --------------------------------------------------------------------------- formula


def default_formula(columns: Iterable[str]) -> str:
    """Every covariate column as it is: 'value ~ a + b + c'."""
    columns = list(columns)
    if not columns:
        raise ValueError("no covariates given")
    return f"{RESPONSE} ~ " + " + ".join(columns)


class PeerFormulaError(ValueError):
    """A peer formula that cannot be used as written (no '~', another left-hand side, patsy cannot
    read or evaluate it). Always an error for the caller: a table that skipped peer evidence
    because of a typo in --peer-formula would look like one without covariates."""


class MissingCovariates(PeerFormulaError):
    """A peer formula names covariates the data lack: an error, never a silent switch to others.
    `formula`, `missing` and `available` are the facts; the message says them to people."""

    def __init__(self, formula: str, missing: list[str], available: list[str]):
        self.formula, self.missing, self.available = formula, list(missing), list(available)
        super().__init__(Said("peers.unknown_covariates", formula=repr(formula), missing=", ".join(missing),
                              available=", ".join(available) or text("peers.none")))

    def __reduce__(self):
        return (type(self), (self.formula, self.missing, self.available))


def formula_covariates(formula: str) -> list[str]:
    """The covariate names a patsy formula's right-hand side uses, in order of appearance."""
    return list(_formula_covariates(str(formula)))


@functools.lru_cache(maxsize=32)
def _formula_covariates(formula: str) -> tuple[str, ...]:
    """`formula_covariates`, parsed once per formula (every indicator of a target table asks)."""
    if "~" not in formula:
        raise PeerFormulaError(Said("peers.no_tilde", formula=repr(formula)))
    try:
        description = patsy.ModelDesc.from_formula(formula)
    except patsy.PatsyError as error:
        raise PeerFormulaError(Said("peers.unreadable", formula=repr(formula), reason=_patsy_reason(error))) from None
    names: list[str] = []
    for term in description.rhs_termlist:
        for factor in term.factors:
            for node in ast.walk(ast.parse(factor.code, mode="eval")):
                if isinstance(node, ast.Name) and node.id not in FORMULA_BUILTINS and node.id not in names:
                    names.append(node.id)
    return tuple(names)


def _patsy_reason(error: Exception) -> str:
    """patsy's first line (its next lines draw a caret under the formula)."""
    return (str(error).splitlines() or [type(error).__name__])[0].strip()


def _right_hand_side(formula: str) -> str:
    return formula.split("~", 1)[1].strip()


def design_matrix(formula: str, covariates: pd.DataFrame) -> pd.DataFrame:
    """The right-hand side of `formula` evaluated on the covariates (wide, by unit); rows
    with a missing or non-finite term (e.g. log of 0) are dropped. ValueError naming every
    covariate the formula uses that the data lack (never a silent switch to other covariates)."""
    wide = covariates_wide(covariates)
    try:  # the same formula on the same covariates (every indicator of a target table): built once
        key = (formula, tuple(wide.index), tuple(wide.columns), wide.to_numpy(dtype=float).tobytes())
    except (TypeError, ValueError):
        key = None
    if key is not None and key in _DESIGNS:
        return _DESIGNS[key].copy()
    design = _design_matrix(formula, wide)
    if key is not None:
        if len(_DESIGNS) >= MAX_CACHED_DESIGNS:
            _DESIGNS.pop(next(iter(_DESIGNS)))
        _DESIGNS[key] = design
    return design.copy()


_DESIGNS: dict = {}
MAX_CACHED_DESIGNS = 8


def _design_matrix(formula: str, wide: pd.DataFrame) -> pd.DataFrame:
    missing = [name for name in formula_covariates(formula) if name not in wide.columns]
    if missing:
        raise MissingCovariates(formula, missing, [str(c) for c in wide.columns])
    with np.errstate(divide="ignore", invalid="ignore"):
        try:
            design = patsy.dmatrix(_right_hand_side(formula), wide, return_type="dataframe",
                                   NA_action=patsy.NAAction(NA_types=[]))
        except patsy.PatsyError as error:  # e.g. a function numpy does not have
            raise PeerFormulaError(Said("peers.unreadable", formula=repr(formula),
                                        reason=_patsy_reason(error))) from None
    design.index = wide.index
    finite = np.isfinite(design.to_numpy(dtype=float)).all(axis=1)
    return design[finite]


# --------------------------------------------------------------------------- the fit


@dataclass(frozen=True)
class _Fit:
    """One run of the procedure: first OLS, variance model, final (weighted) fit."""

    first: object
    variance_params: np.ndarray  # (c0, c1) or zeros
    variance_bounds: tuple[float, float]
    final: object  # WLS (or OLS) results, HC3
    weights: np.ndarray
    whitened: object  # OLS on the whitened data: same estimates, gives the influence measures


def _log_variance(params: np.ndarray, level: np.ndarray, bounds: tuple[float, float]) -> np.ndarray:
    return np.clip(params[0] + params[1] * level, *bounds)


def _run(response: np.ndarray, exog: np.ndarray, variance_model: str) -> _Fit:
    from statsmodels.regression.linear_model import OLS, WLS  # imported when used: a slow import
    from statsmodels.tools.tools import add_constant

    first = OLS(response, exog).fit()
    params, bounds = np.zeros(2), (0.0, 0.0)
    weights = np.ones(len(response))
    if variance_model == VARIANCE_FITTED:
        squared = np.square(np.asarray(first.resid, dtype=float))
        floor = 1e-8 * max(float(np.mean(squared)), 1e-300)  # an exact fit has log(0) residuals
        level = np.asarray(first.fittedvalues, dtype=float)
        auxiliary = OLS(np.log(squared + floor), add_constant(level, has_constant="add")).fit()
        params = np.asarray(auxiliary.params, dtype=float)
        centre, spread = float(np.median(auxiliary.fittedvalues)), float(np.log(MAX_VARIANCE_RATIO))
        bounds = (centre - spread, centre + spread)
        weights = np.exp(-_log_variance(params, level, bounds))
    final = WLS(response, exog, weights=weights).fit(cov_type="HC3", use_t=True)
    root = np.sqrt(weights)
    whitened = OLS(response * root, exog * root[:, None]).fit()
    return _Fit(first, params, bounds, final, weights, whitened)


def _predict(fit: _Fit, exog: np.ndarray, coverage: float, transform: str):
    """(Predictive, summary frame) for rows of `exog`, each with its own variance weight."""
    exog = np.atleast_2d(np.asarray(exog, dtype=float))
    level = exog @ np.asarray(fit.first.params, dtype=float)
    weights = np.exp(-_log_variance(fit.variance_params, level, fit.variance_bounds))
    prediction = fit.final.get_prediction(exog, weights=weights)
    df = prediction.dist_args[0] if prediction.dist_args else np.inf
    predictive = Predictive(loc=np.asarray(prediction.predicted_mean, dtype=float),
                            scale=np.asarray(prediction.se_obs, dtype=float), df=df, transform=transform)
    return predictive, prediction.summary_frame(alpha=1 - coverage)


def _clip(values, bounds: tuple[float, float]) -> np.ndarray:
    return np.clip(np.asarray(values, dtype=float), bounds[0], bounds[1])


@dataclass(frozen=True)
class PeerBenchmark:
    """What the province's structure predicts for it, from a fit that leaves it out."""

    unit: str
    value: float
    expected: float
    lower: float
    upper: float
    coverage: float
    r_squared: float
    explains_little: bool
    leverage: float
    cooks_distance: float
    loo_rmse: float
    n_obs: int
    formula: str
    predictive: Predictive = field(repr=False)

    def as_dict(self, prefix: str = "peer_") -> dict:
        """The fields as a flat dict with `prefix` (the predictive left out)."""
        return {prefix + name: getattr(self, name) for name in BENCHMARK_FIELDS}


@dataclass(frozen=True)
class PeerModel:
    """A fitted peer regression. `table` has one row per province with complete covariates."""

    transform: str
    formula: str
    covariates: list[str]
    coefficients: pd.DataFrame  # index term: estimate, std_error_hc3, ci_lower, ci_upper, p_value
    table: pd.DataFrame  # index unit: TABLE_COLUMNS
    coverage: float
    direction: int
    n_obs: int
    r_squared: float
    explains_little: bool
    loo_rmse: float  # leave-one-province-out RMSE in the indicator's unit
    variance_model: str
    bounds: tuple[float, float]
    results: object = field(repr=False)
    exog: pd.DataFrame = field(repr=False)  # unit × design columns for every predicted unit
    _fit: _Fit = field(repr=False, default=None)
    _response: pd.Series = field(repr=False, default=None)  # model scale, units in the fit

    @property
    def terms(self) -> list[str]:
        """The covariate terms of the design (the constant excluded), in formula order, as
        `coefficients` and `exog` name them."""
        return [name for name in self.exog.columns if name != "Intercept"]

    def summary(self):
        """statsmodels' summary of the final (weighted) fit."""
        return self.results.summary(xname=list(self.coefficients.index))

    def predictive(self, units: Iterable[str] | None = None) -> Predictive:
        """Predictive distribution of the indicator for the given units (default: all), from
        the full fit (in-sample for the units in it)."""
        exog = self.exog if units is None else self.exog.loc[list(units)]
        return _predict(self._fit, exog.to_numpy(dtype=float), self.coverage, self.transform)[0]

    def benchmark(self, unit: str) -> PeerBenchmark:
        """The province's expected value and interval from the whole procedure refitted
        without it, beside R², its leverage and Cook's distance in the full fit."""
        if unit not in self.exog.index:
            raise ValueError(Said("peers.incomplete_covariates", unit=unit))
        others = self._response.drop(unit, errors="ignore")
        n_params = self.exog.shape[1]
        if len(others) <= n_params + 1:
            raise ValueError(f"the peer regression without {unit!r} has {len(others)} provinces for "
                             f"{n_params} parameters")
        refit = _run(others.to_numpy(dtype=float), self.exog.loc[others.index].to_numpy(dtype=float),
                     self.variance_model)
        predictive, frame = _predict(refit, self.exog.loc[[unit]].to_numpy(dtype=float), self.coverage,
                                     self.transform)
        row = self.table.loc[unit]
        return PeerBenchmark(
            unit=unit, value=float(row[VALUE]),
            expected=float(_clip(inverse_transform(frame["mean"].to_numpy(), self.transform), self.bounds)[0]),
            lower=float(_clip(inverse_transform(frame["obs_ci_lower"].to_numpy(), self.transform), self.bounds)[0]),
            upper=float(_clip(inverse_transform(frame["obs_ci_upper"].to_numpy(), self.transform), self.bounds)[0]),
            coverage=self.coverage, r_squared=self.r_squared, explains_little=self.explains_little,
            leverage=float(row["leverage"]), cooks_distance=float(row["cooks_distance"]),
            loo_rmse=self.loo_rmse, n_obs=self.n_obs, formula=self.formula, predictive=predictive,
        )


def fit_peer_model(
    values,
    covariates: pd.DataFrame,
    direction: int = 1,
    coverage: float = DEFAULT_COVERAGE,
    transform: str = "auto",
    formula: str | None = None,
    bounds: tuple[float, float] = (-np.inf, np.inf),
    variance_model: str = VARIANCE_FITTED,
    studentized: bool = True,
) -> PeerModel:
    """Regress one indicator's cross-section on structural covariates (module docstring).

    values: Series indexed by unit, or a frame with columns unit, value. covariates: see
    `covariates_wide`. formula: a patsy formula whose left-hand side is `value` (default:
    every covariate column as it is). bounds: (lower, upper) where the indicator's values
    must lie (e.g. (0, 100) for a share); expected values and intervals are clipped to them.
    studentized: False leaves the table's `studentized` and `relative` columns NaN: the
    externally studentised residuals refit the model once per province (statsmodels'
    leave-one-out loop), which a caller that only needs `benchmark` (leverage, Cook's
    distance, the refit without the province) does not pay for.
    """
    direction = _check_direction(direction)
    _check_coverage(coverage)
    if variance_model not in VARIANCE_MODELS:
        raise ValueError(f"variance_model must be one of {VARIANCE_MODELS}; got {variance_model!r}")
    values = _values_by_unit(values)
    wide = covariates_wide(covariates)
    formula = default_formula(wide.columns) if formula is None else str(formula)
    if "~" not in formula:
        raise PeerFormulaError(Said("peers.no_tilde", formula=repr(formula)))
    left = formula.split("~", 1)[0].replace(" ", "")
    if left in TRANSFORMED_RESPONSES:
        # The transform written in the formula (e.g. the `formula` a fitted model shows).
        if transform not in ("auto", TRANSFORMED_RESPONSES[left]):
            raise ValueError(f"peer formula {formula!r} asks for {TRANSFORMED_RESPONSES[left]!r} but "
                             f"transform={transform!r}")
        transform = TRANSFORMED_RESPONSES[left]
        formula = f"{RESPONSE} ~ {_right_hand_side(formula)}"
    elif left != RESPONSE:
        raise PeerFormulaError(Said("peers.left_side", formula=repr(formula), response=RESPONSE,
                                    others=", ".join(sorted(TRANSFORMED_RESPONSES)), found=repr(left)))
    unknown = sorted(set(values.index) - set(wide.index))
    if unknown:
        raise ValueError(f"indicator values for unit(s) {unknown} have no row in the covariates")
    exog = design_matrix(formula, wide)
    observed = values.reindex(exog.index)
    in_fit = observed.notna()
    if transform == "auto":
        transform = choose_transform(observed[in_fit])
    elif transform not in (IDENTITY, LOG1P):
        raise ValueError(f"transform must be 'auto', {IDENTITY!r} or {LOG1P!r}; got {transform!r}")
    if transform == LOG1P and (observed[in_fit] < 0).any():
        raise ValueError("log1p transform needs values ≥ 0")
    n_params = exog.shape[1]
    if in_fit.sum() <= n_params + 1:
        raise ValueError(
            f"the peer regression needs more provinces with values and covariates ({int(in_fit.sum())}) "
            f"than parameters plus one ({n_params + 1})"
        )
    bounds = (float(bounds[0]), float(bounds[1]))

    response = pd.Series(_forward(observed[in_fit].to_numpy(dtype=float), transform), index=exog.index[in_fit])
    fit = _run(response.to_numpy(), exog[in_fit].to_numpy(dtype=float), variance_model)
    results = fit.final
    _, frame = _predict(fit, exog.to_numpy(dtype=float), coverage, transform)
    expected = _clip(inverse_transform(frame["mean"].to_numpy(), transform), bounds)
    influence = fit.whitened.get_influence()
    # Per unit of the design, NaN for units without a value (NumPy: .loc assignments cost more).
    fitted_rows = in_fit.to_numpy()
    per_fit = {name: np.full(len(exog), np.nan) for name in ("studentized", "leverage", "cooks_distance", "loo")}
    press = np.asarray(influence.resid_press, dtype=float) / np.sqrt(fit.weights)  # back to the model scale
    if studentized:
        per_fit["studentized"][fitted_rows] = influence.resid_studentized_external
    per_fit["leverage"][fitted_rows] = influence.hat_matrix_diag
    per_fit["cooks_distance"][fitted_rows] = influence.cooks_distance[0]
    per_fit["loo"][fitted_rows] = response.to_numpy() - press
    per_fit = pd.DataFrame(per_fit, index=exog.index)
    expected_loo = pd.Series(np.nan, index=exog.index)
    expected_loo[fitted_rows] = _clip(inverse_transform(per_fit["loo"].to_numpy()[fitted_rows], transform), bounds)
    loo_errors = observed[in_fit] - expected_loo[in_fit]
    table = pd.DataFrame(
        {
            VALUE: observed,
            "expected": expected,
            "residual": observed - expected,
            "studentized": per_fit["studentized"],
            "relative": direction * per_fit["studentized"],
            "lower": _clip(inverse_transform(frame["obs_ci_lower"].to_numpy(), transform), bounds),
            "upper": _clip(inverse_transform(frame["obs_ci_upper"].to_numpy(), transform), bounds),
            "in_fit": in_fit,
            "expected_loo": expected_loo,
            "leverage": per_fit["leverage"],
            "cooks_distance": per_fit["cooks_distance"],
        },
        index=pd.Index(exog.index, name=UNIT),
    )
    ci = np.asarray(results.conf_int(alpha=0.05))
    coefficients = pd.DataFrame(
        {
            "estimate": results.params,
            "std_error_hc3": results.bse,
            "ci_lower": ci[:, 0],
            "ci_upper": ci[:, 1],
            "p_value": results.pvalues,
        },
        index=pd.Index(["const" if c == "Intercept" else c for c in exog.columns], name="term"),
    )
    shown = formula if transform == IDENTITY else f"np.log1p({RESPONSE}) ~ {_right_hand_side(formula)}"
    r_squared = float(fit.first.rsquared)
    return PeerModel(
        transform=transform,
        formula=shown,
        covariates=formula_covariates(formula),
        coefficients=coefficients,
        table=table,
        coverage=coverage,
        direction=direction,
        n_obs=int(results.nobs),
        r_squared=r_squared,
        explains_little=bool(r_squared < EXPLAINS_LITTLE),
        loo_rmse=float(np.sqrt(np.mean(np.square(loo_errors)))),
        variance_model=variance_model,
        bounds=bounds,
        results=results,
        exog=exog,
        _fit=fit,
        _response=response,
    )


# --------------------------------------------------------------------------- peer groups


def nearest_peers(unit: str, covariates: pd.DataFrame, k: int = 5) -> pd.Series:
    """The k provinces nearest to `unit` in standardised covariates: distance, by unit.

    Ties in distance are broken by unit name, so the result does not depend on row order.
    """
    wide = covariates_wide(covariates).dropna()
    if unit not in wide.index:
        raise ValueError(Said("peers.incomplete_covariates", unit=unit))
    spread = wide.std(ddof=0).replace(0.0, 1.0)  # a constant covariate carries no distance
    standardised = (wide - wide.mean()) / spread
    distance = np.sqrt(((standardised - standardised.loc[unit]) ** 2).sum(axis=1)).drop(unit)
    ordered = distance.rename_axis(UNIT).reset_index(name="distance").sort_values(["distance", UNIT], kind="stable")
    return ordered.head(k).set_index(UNIT)["distance"]


def peer_groups(
    unit: str,
    regions: Mapping[str, str],
    centrally_run: Iterable[str] = (),
    covariates: pd.DataFrame | None = None,
    k: int = 5,
) -> dict[str, list[str]]:
    """Members of each peer group of `unit`, the unit itself excluded.

    Keys: REGION (same region in `regions`), CENTRALLY_RUN (the cities listed), NEAREST (the k
    structurally nearest; only when covariates are given).
    """
    if unit not in regions:
        raise ValueError(f"unit {unit!r} has no region in the region mapping")
    groups = {
        REGION: sorted(u for u, r in regions.items() if r == regions[unit] and u != unit),
        CENTRALLY_RUN: sorted(u for u in set(centrally_run) if u != unit),
    }
    if covariates is not None:
        groups[NEAREST] = list(nearest_peers(unit, covariates, k=k).index)
    return groups


def best_peers(unit: str, values, direction: int, groups: Mapping[str, Iterable[str]]) -> pd.DataFrame:
    """The best peer of each group as a benchmark.

    Columns: group, n_peers (with a value), best_unit, best_value, unit_value, gap_to_best
    = direction × (best_value − unit_value): > 0 when the benchmark is ahead of the province.
    """
    direction = _check_direction(direction)
    values = _values_by_unit(values)
    own = float(values.get(unit, np.nan))
    rows = []
    for name, members in groups.items():
        member_values = values.reindex(list(members)).dropna()
        best_unit, best = best_value(member_values, direction)
        rows.append(
            {
                "group": name,
                "n_peers": len(member_values),
                "best_unit": best_unit,
                "best_value": best,
                "unit_value": own,
                "gap_to_best": direction * (best - own),
            }
        )
    return pd.DataFrame(rows)
