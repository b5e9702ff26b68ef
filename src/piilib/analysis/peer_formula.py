"""The peer model written as a formula: what a province's structure predicts for one indicator.

A researcher states the model in the notebook, in the notation of statsmodels' formula API
(patsy), on a frame with one row per province, the indicator's raw value in column `value`
and the structural covariates in their own units:

    value ~ np.log(grdp_per_capita) + np.log(population) + urbanisation

The response may be `value`, `np.log(value)` or `np.log1p(value)`; expected values and
prediction intervals are given back in the indicator's unit (for a log response the centre is
the median-type prediction, as in `piilib.analysis.peers`). The fit is statsmodels OLS with
HC3 heteroskedasticity-robust standard errors (Student t, n − p degrees of freedom), the same
estimator as `fit_peer_model`; prediction intervals are statsmodels' obs_ci at the coverage.

`leave_out` names a province to keep out of the fit (normally the province the chapter is
about): its expected value is then what the OTHER provinces' structure predicts for it, so
its own value does not pull the benchmark towards itself.

A covariate the formula names but the frame lacks is an error naming it and the columns that
exist (never a silent switch to another model).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import statsmodels.formula.api as smf

from piilib.analysis.trend import DEFAULT_COVERAGE, IDENTITY, LOG, LOG1P, _check_coverage, inverse_transform
from piilib.schema import COVARIATE, UNIT, VALUE, YEAR

# Names a formula may use besides the frame's columns (patsy evaluates terms with these).
FORMULA_NAMES = {"np": np, "log": np.log, "log1p": np.log1p, "sqrt": np.sqrt, "exp": np.exp}
PATSY_NAMES = {"C", "I", "Q", "bs", "cr", "cc", "te", "center", "standardize", "scale", "Treatment", "Sum", "Poly"}
RESPONSES = {VALUE: IDENTITY, f"np.log({VALUE})": LOG, f"log({VALUE})": LOG,
             f"np.log1p({VALUE})": LOG1P, f"log1p({VALUE})": LOG1P}


@dataclass(frozen=True)
class PeerFormulaFit:
    """A fitted peer model.

    table: index unit; value, expected, lower, upper (indicator's unit), residual (value −
    expected), in_fit (the province's row entered the fit). coefficients: index term;
    estimate, std_error (HC3), ci_lower, ci_upper (95 %), p_value.
    design: the model's right-hand side evaluated for every predicted province (index unit,
    one column per term as statsmodels names it), e.g. for plotting against a covariate.
    """

    formula: str
    response_transform: str
    table: pd.DataFrame
    coefficients: pd.DataFrame
    design: pd.DataFrame
    n_obs: int
    r_squared: float
    adjusted_r_squared: float
    coverage: float
    left_out: str | None
    results: object = field(repr=False)

    @property
    def terms(self) -> list[str]:
        """The covariate terms (the intercept excluded), in formula order."""
        return [name for name in self.coefficients.index if name != "Intercept"]

    def summary(self):
        """statsmodels' summary of the fit (prints with a date and time)."""
        return self.results.summary()


def peer_frame(values: pd.Series, covariates: pd.DataFrame, year: int | None = None) -> pd.DataFrame:
    """One row per province: `value` (the indicator) and one column per covariate.

    values: the indicator's raw values, a Series indexed by unit. covariates: tidy rows
    (year, unit, covariate, value); with `year`, only that data year's rows are used.
    Provinces without a value or a covariate keep their row (with NaN): the fit leaves them
    out, the table still predicts for provinces whose covariates are complete.
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
    duplicated = rows.duplicated([UNIT, COVARIATE])
    if duplicated.any():
        first = rows.loc[duplicated, [UNIT, COVARIATE]].iloc[0]
        raise ValueError(f"covariates have more than one value for unit {first[UNIT]!r}, "
                         f"covariate {first[COVARIATE]!r}; pass one data year")
    wide = rows.pivot(index=UNIT, columns=COVARIATE, values=VALUE).astype(float)
    wide.columns = [str(column) for column in wide.columns]
    if VALUE in wide.columns:
        raise ValueError(f"a covariate is named {VALUE!r}, the name of the indicator's column")
    units = wide.index.union(pd.Index(values.index))
    frame = wide.reindex(units)
    frame.insert(0, VALUE, pd.Series(values, dtype=float).reindex(units))
    frame.index.name = UNIT
    return frame


def formula_names(formula: str) -> list[str]:
    """The variable names a formula reads (functions such as np.log and patsy's C excluded),
    in order of first appearance."""
    if "~" not in formula:
        raise ValueError(f"a peer formula has the form 'response ~ covariates'; got {formula!r}")
    names: list[str] = []
    for side in formula.split("~", 1):
        # patsy's operators (+ - : * | ^) are Python operators too: the side parses as an expression.
        try:
            tree = ast.parse(side.replace(":", "*").strip() or "1", mode="eval")
        except SyntaxError as error:
            raise ValueError(f"cannot read the peer formula {formula!r}: {error.msg}") from None
        called = {id(node.func) for node in ast.walk(tree) if isinstance(node, ast.Call)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute):
                called.add(id(node.value))  # np in np.log
        variables = [node for node in ast.walk(tree) if isinstance(node, ast.Name) and id(node) not in called]
        for node in sorted(variables, key=lambda n: n.col_offset):  # in the order written
            if node.id not in names:
                names.append(node.id)
    return [name for name in names if name not in FORMULA_NAMES and name not in PATSY_NAMES]


def _response_transform(formula: str) -> str:
    response = formula.split("~", 1)[0].replace(" ", "")
    if response not in RESPONSES:
        raise ValueError(f"the peer formula's response must be one of {sorted(RESPONSES)}; got {response!r}")
    return RESPONSES[response]


def fit_peer_formula(
    frame: pd.DataFrame,
    formula: str,
    coverage: float = DEFAULT_COVERAGE,
    leave_out: str | None = None,
) -> PeerFormulaFit:
    """Fit `formula` on `frame` (see `peer_frame`) and predict every province.

    Provinces missing the value or a covariate the formula uses are left out of the fit;
    those with complete covariates are still predicted. `leave_out`: a unit kept out of the
    fit (it must be a row of `frame`).
    """
    _check_coverage(coverage)
    if VALUE not in frame.columns:
        raise ValueError(f"the peer frame needs a column {VALUE!r} (the indicator); found {list(frame.columns)}")
    transform = _response_transform(formula)
    names = formula_names(formula)
    missing = [name for name in names if name not in frame.columns]
    if missing:
        available = [column for column in frame.columns if column != VALUE]
        raise ValueError(f"the peer formula uses covariate(s) {missing} that the data do not have; "
                         f"covariates available: {available}")
    if leave_out is not None and leave_out not in frame.index:
        raise ValueError(f"leave_out {leave_out!r} is not a province of the peer frame")
    covariates = [name for name in names if name != VALUE]
    predictable = frame.dropna(subset=covariates)
    fit_rows = predictable.dropna(subset=[VALUE])
    if leave_out is not None:
        fit_rows = fit_rows.drop(index=leave_out, errors="ignore")
    if transform == LOG and (fit_rows[VALUE] <= 0).any():
        raise ValueError("np.log(value) needs every value > 0; use np.log1p(value) for values ≥ 0")
    if transform == LOG1P and (fit_rows[VALUE] < 0).any():
        raise ValueError("np.log1p(value) needs every value ≥ 0")
    model = smf.ols(formula, data=fit_rows, eval_env=dict(FORMULA_NAMES))
    if model.exog.shape[0] <= model.exog.shape[1]:
        raise ValueError(f"the peer model needs more provinces with values and covariates "
                         f"({model.exog.shape[0]}) than parameters ({model.exog.shape[1]})")
    results = model.fit(cov_type="HC3", use_t=True)
    prediction = results.get_prediction(predictable).summary_frame(alpha=1 - coverage)
    expected = inverse_transform(prediction["mean"].to_numpy(), transform)
    observed = predictable[VALUE].astype(float)
    table = pd.DataFrame(
        {
            VALUE: observed,
            "expected": expected,
            "lower": inverse_transform(prediction["obs_ci_lower"].to_numpy(), transform),
            "upper": inverse_transform(prediction["obs_ci_upper"].to_numpy(), transform),
            "residual": observed - expected,
            "in_fit": predictable.index.isin(fit_rows.index),
        },
        index=pd.Index(predictable.index, name=UNIT),
    )
    ci = results.conf_int(alpha=0.05)
    coefficients = pd.DataFrame(
        {
            "estimate": results.params,
            "std_error": results.bse,
            "ci_lower": ci.iloc[:, 0],
            "ci_upper": ci.iloc[:, 1],
            "p_value": results.pvalues,
        }
    ).rename_axis("term")
    # The right-hand side as the fitted model evaluates it (stateful terms keep the fit's state).
    exog, _ = results._transform_predict_exog(predictable)
    design = pd.DataFrame(exog, columns=model.exog_names)
    design.index = pd.Index(predictable.index, name=UNIT)
    return PeerFormulaFit(
        formula=formula,
        response_transform=transform,
        table=table,
        coefficients=coefficients,
        design=design,
        n_obs=int(results.nobs),
        r_squared=float(results.rsquared),
        adjusted_r_squared=float(results.rsquared_adj),
        coverage=coverage,
        left_out=leave_out,
        results=results,
    )

