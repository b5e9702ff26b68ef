"""Peer regressions and peer groups: what a province's structure predicts, and who to learn from.

Model (statsmodels OLS with HC3 heteroskedasticity-robust standard errors, Student t tests
with n − p degrees of freedom), one indicator, one edition, provinces i:

    g(value_i) = b0 + b1·c1_i + … + bm·cm_i + e_i

where c1 … cm are the structural covariates as given (e.g. log GRDP per capita, log
population, urbanisation rate, log enterprises — transform them before passing them in) and
g is the indicator transform chosen by this rule ("auto"):

    g = log1p  when every value is ≥ 0, the sample skewness (scipy, bias-corrected) exceeds 1
               and log1p reduces its absolute value;
    g = identity otherwise.

Per province: expected value = g⁻¹(fitted value), i.e. the median-type prediction in the
indicator's unit; residual = value − expected (indicator's unit); studentized residual =
externally studentised residual on the model scale (statsmodels OLSInfluence), which is what
"how unusual is this province" should be judged by; prediction interval = statsmodels obs_ci
at the coverage, back-transformed. Provinces missing a covariate are left out of the fit and
get no prediction; provinces missing only the indicator get a prediction but no residual.

Peer groups of a province (the province itself excluded): its region, the centrally-run cities,
and the k structurally nearest provinces (Euclidean distance on covariates standardised to
mean 0 and population standard deviation 1 over the provinces with complete covariates). The
best peer of a group follows the indicator's direction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Mapping

import numpy as np
import pandas as pd
import statsmodels.api as sm
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
    predictive_from_statsmodels,
)
from piilib.schema import COVARIATE, UNIT, VALUE

SKEW_THRESHOLD = 1.0
REGION = "region"
CENTRALLY_RUN = "centrally_run"
NEAREST = "nearest"


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


@dataclass(frozen=True)
class PeerModel:
    """A fitted peer regression. `table` has one row per province with complete covariates."""

    transform: str
    formula: str
    covariates: list[str]
    coefficients: pd.DataFrame  # index term: estimate, std_error_hc3, ci_lower, ci_upper, p_value
    table: pd.DataFrame  # index unit: value, expected, residual, studentized, lower, upper, in_fit, relative
    coverage: float
    direction: int
    n_obs: int
    r_squared: float
    results: object = field(repr=False)
    exog: pd.DataFrame = field(repr=False)  # unit × [const + covariates] for every predicted unit

    def predictive(self, units: Iterable[str] | None = None) -> Predictive:
        """Predictive distribution of the indicator for the given units (default: all)."""
        exog = self.exog if units is None else self.exog.loc[list(units)]
        return predictive_from_statsmodels(self.results.get_prediction(exog.to_numpy()), self.transform)


def fit_peer_model(
    values,
    covariates: pd.DataFrame,
    direction: int = 1,
    coverage: float = DEFAULT_COVERAGE,
    transform: str = "auto",
) -> PeerModel:
    """Regress one indicator's cross-section on structural covariates.

    values: Series indexed by unit, or a frame with columns unit, value. covariates: see
    `covariates_wide`. `relative` in the table is direction × studentized residual (> 0: the
    province does better than its structure predicts, also for a lower-is-better indicator).
    """
    direction = _check_direction(direction)
    _check_coverage(coverage)
    values = _values_by_unit(values)
    wide = covariates_wide(covariates)
    names = list(wide.columns)
    if not names:
        raise ValueError("no covariates given")
    unknown = sorted(set(values.index) - set(wide.index))
    if unknown:
        raise ValueError(f"indicator values for unit(s) {unknown} have no row in the covariates")
    complete = wide.dropna()
    exog = sm.add_constant(complete, has_constant="add")
    observed = values.reindex(complete.index)
    in_fit = observed.notna()
    if transform == "auto":
        transform = choose_transform(observed[in_fit])
    elif transform not in (IDENTITY, LOG1P):
        raise ValueError(f"transform must be 'auto', {IDENTITY!r} or {LOG1P!r}; got {transform!r}")
    if transform == LOG1P and (observed[in_fit] < 0).any():
        raise ValueError("log1p transform needs values ≥ 0")
    n_params = exog.shape[1]
    if in_fit.sum() <= n_params:
        raise ValueError(
            f"the peer regression needs more provinces with values and covariates ({int(in_fit.sum())}) "
            f"than parameters ({n_params})"
        )

    response = _forward(observed[in_fit].to_numpy(dtype=float), transform)
    results = sm.OLS(response, exog[in_fit].to_numpy(dtype=float)).fit(cov_type="HC3", use_t=True)
    frame = results.get_prediction(exog.to_numpy(dtype=float)).summary_frame(alpha=1 - coverage)
    expected = inverse_transform(frame["mean"].to_numpy(), transform)
    studentized = pd.Series(np.nan, index=complete.index)
    studentized[in_fit] = results.get_influence().resid_studentized_external
    table = pd.DataFrame(
        {
            VALUE: observed,
            "expected": expected,
            "residual": observed - expected,
            "studentized": studentized,
            "relative": direction * studentized,
            "lower": inverse_transform(frame["obs_ci_lower"].to_numpy(), transform),
            "upper": inverse_transform(frame["obs_ci_upper"].to_numpy(), transform),
            "in_fit": in_fit,
        },
        index=pd.Index(complete.index, name=UNIT),
    )
    ci = results.conf_int(alpha=0.05)
    terms = ["const", *names]
    coefficients = pd.DataFrame(
        {
            "estimate": results.params,
            "std_error_hc3": results.bse,
            "ci_lower": ci[:, 0],
            "ci_upper": ci[:, 1],
            "p_value": results.pvalues,
        },
        index=pd.Index(terms, name="term"),
    )
    left = "log1p(value)" if transform == LOG1P else "value"
    formula = f"{left} ~ 1 + " + " + ".join(names) + "   [OLS, HC3 standard errors]"
    return PeerModel(
        transform=transform,
        formula=formula,
        covariates=names,
        coefficients=coefficients,
        table=table,
        coverage=coverage,
        direction=direction,
        n_obs=int(results.nobs),
        r_squared=float(results.rsquared),
        results=results,
        exog=exog,
    )


# --------------------------------------------------------------------------- peer groups


def nearest_peers(unit: str, covariates: pd.DataFrame, k: int = 5) -> pd.Series:
    """The k provinces nearest to `unit` in standardised covariates: distance, by unit.

    Ties in distance are broken by unit name, so the result does not depend on row order.
    """
    wide = covariates_wide(covariates).dropna()
    if unit not in wide.index:
        raise ValueError(f"unit {unit!r} has no complete row of covariates")
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
