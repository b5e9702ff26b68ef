"""Peer regressions and peer groups."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from scipy.spatial.distance import cdist

from piilib.analysis.peers import (
    CENTRALLY_RUN,
    NEAREST,
    REGION,
    best_peers,
    choose_transform,
    covariates_wide,
    fit_peer_model,
    nearest_peers,
    peer_groups,
)

TRUE_COEFFICIENTS = {"const": 2.0, "log_grdp_pc": 1.5, "urban": -0.7}


def linear_world(n=60, noise=0.1, seed=42):
    rng = np.random.default_rng(seed)
    units = [f"u{i:02d}" for i in range(n)]
    covariates = pd.DataFrame(
        {"log_grdp_pc": rng.normal(4.0, 0.5, n), "urban": rng.uniform(0.0, 3.0, n)}, index=pd.Index(units, name="unit")
    )
    values = (
        TRUE_COEFFICIENTS["const"]
        + TRUE_COEFFICIENTS["log_grdp_pc"] * covariates["log_grdp_pc"]
        + TRUE_COEFFICIENTS["urban"] * covariates["urban"]
        + rng.normal(0, noise, n)
    )
    return values.rename("value"), covariates


def test_coefficients_recovered_from_known_linear_model():
    values, covariates = linear_world()
    model = fit_peer_model(values, covariates)
    assert model.transform == "none"
    for term, true in TRUE_COEFFICIENTS.items():
        assert model.coefficients.loc[term, "estimate"] == pytest.approx(true, abs=0.06)
        assert model.coefficients.loc[term, "ci_lower"] < true < model.coefficients.loc[term, "ci_upper"]
    assert model.n_obs == 60
    assert "log_grdp_pc + urban" in model.formula


def test_hc3_standard_errors_match_closed_form():
    values, covariates = linear_world(n=25, noise=0.3, seed=1)
    model = fit_peer_model(values, covariates, transform="none")
    x = np.column_stack([np.ones(len(values)), covariates.to_numpy()])
    y = values.to_numpy()
    xtx_inv = np.linalg.inv(x.T @ x)
    beta = xtx_inv @ x.T @ y
    residuals = y - x @ beta
    leverage = np.einsum("ij,jk,ik->i", x, xtx_inv, x)
    meat = x.T @ np.diag(residuals**2 / (1 - leverage) ** 2) @ x
    hc3 = np.sqrt(np.diag(xtx_inv @ meat @ xtx_inv))
    np.testing.assert_allclose(model.coefficients["estimate"].to_numpy(), beta, rtol=1e-10)
    np.testing.assert_allclose(model.coefficients["std_error_hc3"].to_numpy(), hc3, rtol=1e-10)


def test_injected_residual_has_largest_studentized_residual():
    values, covariates = linear_world()
    boosted = values.copy()
    boosted["u17"] += 1.0  # ten noise standard deviations above its structure
    model = fit_peer_model(boosted, covariates, direction=+1)
    table = model.table
    assert table["studentized"].idxmax() == "u17"
    assert table.loc["u17", "residual"] == pytest.approx(table.loc["u17", "value"] - table.loc["u17", "expected"])
    assert table.loc["u17", "value"] > table.loc["u17", "upper"]  # outside its own 80 % interval
    # For a lower-is-better indicator the same province is the worst relative performer.
    inverse = fit_peer_model(boosted, covariates, direction=-1)
    assert inverse.table["relative"].idxmin() == "u17"


def test_log1p_transform_for_skewed_counts_and_back_transformed_interval():
    rng = np.random.default_rng(8)
    n = 63
    covariates = pd.DataFrame({"log_pop": rng.normal(14.0, 0.6, n)}, index=[f"p{i:02d}" for i in range(n)])
    counts = np.expm1(0.5 + 1.2 * (covariates["log_pop"] - 14.0) + rng.normal(0, 0.5, n)).clip(lower=0) * 10
    assert stats.skew(counts, bias=False) > 1
    assert choose_transform(counts) == "log1p"
    model = fit_peer_model(counts, covariates, coverage=0.8)
    assert model.transform == "log1p"
    assert model.formula.startswith("log1p(value)")
    direct = fit_peer_model(np.log1p(counts), covariates, coverage=0.8, transform="none")
    np.testing.assert_allclose(model.table["expected"], np.expm1(direct.table["expected"]))
    np.testing.assert_allclose(model.table["lower"], np.expm1(direct.table["lower"]))
    np.testing.assert_allclose(model.table["upper"], np.expm1(direct.table["upper"]))
    np.testing.assert_allclose(model.table["studentized"], direct.table["studentized"])
    # The sampler exposes the same interval.
    lower, upper = model.predictive(["p05"]).interval(0.8)
    assert lower[0] == pytest.approx(model.table.loc["p05", "lower"])
    assert upper[0] == pytest.approx(model.table.loc["p05", "upper"])


def test_symmetric_or_negative_values_stay_untransformed():
    assert choose_transform([-1.0, 0.0, 5.0, 100.0, 2.0]) == "none"
    assert choose_transform(np.linspace(1, 10, 30)) == "none"


def test_missing_values_and_covariates():
    values, covariates = linear_world(n=30)
    values = values.copy()
    values["u03"] = np.nan
    covariates = covariates.copy()
    covariates.loc["u04", "urban"] = np.nan
    model = fit_peer_model(values, covariates)
    assert model.n_obs == 28
    assert "u04" not in model.table.index
    assert not model.table.loc["u03", "in_fit"]
    assert np.isfinite(model.table.loc["u03", "expected"]) and np.isnan(model.table.loc["u03", "residual"])
    assert covariates.loc["u04", "urban"] != covariates.loc["u04", "urban"]  # input untouched (still NaN)


def test_tidy_covariates_are_pivoted():
    _, covariates = linear_world(n=10)
    tidy = covariates.reset_index().melt(id_vars="unit", var_name="covariate", value_name="value")
    wide = covariates_wide(tidy)
    pd.testing.assert_frame_equal(wide.sort_index()[covariates.columns], covariates.sort_index(), check_names=False)


# --------------------------------------------------------------------------- peer groups


def hand_covariates():
    # Population in thousands (large spread) and urban share (small spread): without
    # standardisation the population would decide alone.
    return pd.DataFrame(
        {
            "unit": ["a", "b", "c", "d", "e", "f"],
            "population": [1000.0, 1010.0, 1200.0, 3000.0, 1020.0, 2990.0],
            "urban": [0.20, 0.80, 0.22, 0.21, 0.60, 0.19],
        }
    )


def test_nearest_peers_on_standardised_covariates():
    covariates = hand_covariates()
    nearest = nearest_peers("a", covariates, k=3)
    z = stats.zscore(covariates[["population", "urban"]].to_numpy(), ddof=0)
    distances = cdist(z[:1], z)[0]
    expected = [covariates["unit"][i] for i in np.argsort(distances)[1:4]]
    assert list(nearest.index) == expected
    # In standard deviations from a: c (0.22, 0.08), e (0.02, 1.66), f (2.17, 0.04),
    # b (0.01, 2.49): raw Euclidean distance would have put b and e first.
    assert list(nearest.index) == ["c", "e", "f"]
    np.testing.assert_allclose(nearest.to_numpy(), np.sort(distances)[1:4])


def test_peer_groups_exclude_the_unit():
    regions = {"a": "delta", "b": "delta", "c": "delta", "d": "north", "e": "north", "f": "south"}
    groups = peer_groups("a", regions, centrally_run=["a", "d", "f"], covariates=hand_covariates(), k=2)
    assert groups[REGION] == ["b", "c"]
    assert groups[CENTRALLY_RUN] == ["d", "f"]
    assert groups[NEAREST] == ["c", "e"]


def test_best_peer_follows_direction():
    values = pd.Series({"a": 5.0, "b": 9.0, "c": 1.0, "d": 7.0, "e": np.nan})
    groups = {"region": ["b", "c"], "cities": ["d", "e"]}
    higher = best_peers("a", values, +1, groups).set_index("group")
    assert higher.loc["region", "best_unit"] == "b" and higher.loc["region", "gap_to_best"] == 4.0
    assert higher.loc["cities", "best_unit"] == "d" and higher.loc["cities", "n_peers"] == 1
    lower = best_peers("a", values, -1, groups).set_index("group")
    assert lower.loc["region", "best_unit"] == "c" and lower.loc["region", "gap_to_best"] == 4.0
    assert lower.loc["cities", "gap_to_best"] == -2.0  # d (7) is worse than a (5)
