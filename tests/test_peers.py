"""Peer regressions and peer groups."""

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
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
    formula_covariates,
    nearest_peers,
    peer_frame,
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
    # With constant variance (variance_model "none") the fit is OLS with HC3 errors.
    model = fit_peer_model(values, covariates, transform="none", variance_model="none")
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
    assert model.formula.startswith("np.log1p(value) ~")
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


# --------------------------------------------------------------------------- done properly (issue 8)


def test_leave_one_out_benchmark_equals_an_explicit_refit():
    values, covariates = linear_world(n=40, noise=0.3, seed=5)
    boosted = values.copy()
    boosted["u07"] += 3.0  # an outlier pulls an in-sample fit towards itself
    model = fit_peer_model(boosted, covariates)
    benchmark = model.benchmark("u07")
    # The explicit refit: the same model on the other provinces, predicting u07.
    refit = fit_peer_model(boosted.drop("u07"), covariates)
    assert benchmark.expected == pytest.approx(refit.table.loc["u07", "expected"], rel=1e-12)
    assert benchmark.lower == pytest.approx(refit.table.loc["u07", "lower"], rel=1e-12)
    assert benchmark.upper == pytest.approx(refit.table.loc["u07", "upper"], rel=1e-12)
    assert not refit.table.loc["u07", "in_fit"]
    # In-sample the outlier drags its own expected value up; left out it does not.
    assert model.table.loc["u07", "expected"] > benchmark.expected
    # With constant variance the leave-one-out value is the PRESS prediction, by hand.
    plain = fit_peer_model(boosted, covariates, variance_model="none")
    x = np.column_stack([np.ones(len(boosted)), covariates.to_numpy()])
    keep = boosted.index != "u07"
    beta = np.linalg.lstsq(x[keep], boosted.to_numpy()[keep], rcond=None)[0]
    by_hand = float((x[~keep] @ beta)[0])
    assert plain.benchmark("u07").expected == pytest.approx(by_hand, rel=1e-10)
    assert plain.table.loc["u07", "expected_loo"] == pytest.approx(by_hand, rel=1e-10)


def test_benchmark_reports_r_squared_leverage_and_cooks_distance():
    values, covariates = linear_world(n=30, noise=0.3, seed=3)
    covariates = covariates.copy()
    covariates.loc["u00", "urban"] = 12.0  # far from the others: high leverage
    model = fit_peer_model(values, covariates, variance_model="none")
    benchmark = model.benchmark("u00")
    influence = sm.OLS(values.to_numpy(), sm.add_constant(covariates.to_numpy())).fit().get_influence()
    assert benchmark.leverage == pytest.approx(influence.hat_matrix_diag[0])
    assert benchmark.cooks_distance == pytest.approx(influence.cooks_distance[0][0])
    assert benchmark.leverage == model.table["leverage"].max()
    assert benchmark.r_squared == model.r_squared and not benchmark.explains_little


def test_explains_little_flag():
    rng = np.random.default_rng(11)
    covariates = pd.DataFrame({"x": rng.normal(size=60)}, index=[f"p{i}" for i in range(60)])
    noise = pd.Series(rng.normal(size=60), index=covariates.index)
    model = fit_peer_model(noise, covariates)
    assert model.r_squared < 0.2 and model.explains_little and model.benchmark("p3").explains_little
    strong = fit_peer_model(3 * covariates["x"] + 0.1 * noise, covariates)
    assert not strong.explains_little


def test_formula_is_a_parameter_and_a_missing_covariate_is_named():
    rng = np.random.default_rng(2)
    n = 50
    covariates = pd.DataFrame({"grdp_per_capita": np.exp(rng.normal(4, 0.5, n)),
                               "population": np.exp(rng.normal(14, 0.5, n)),
                               "urbanisation": rng.uniform(10, 80, n)}, index=[f"p{i}" for i in range(n)])
    values = 1 + 2 * np.log(covariates["grdp_per_capita"]) + rng.normal(0, 0.2, n)
    formula = "value ~ np.log(grdp_per_capita) + urbanisation"
    model = fit_peer_model(values, covariates, formula=formula)
    assert model.formula == formula and model.covariates == ["grdp_per_capita", "urbanisation"]
    assert model.coefficients.loc["np.log(grdp_per_capita)", "estimate"] == pytest.approx(2, abs=0.15)
    assert "population" not in " ".join(model.coefficients.index)
    with pytest.raises(ValueError, match="urban_share"):
        fit_peer_model(values, covariates, formula="value ~ np.log(grdp_per_capita) + urban_share")


def test_interval_respects_the_bounds():
    rng = np.random.default_rng(4)
    covariates = pd.DataFrame({"x": rng.uniform(0, 1, 50)}, index=[f"p{i}" for i in range(50)])
    share = (100 * covariates["x"] + rng.normal(0, 8, 50)).clip(0, 100)
    model = fit_peer_model(share, covariates, bounds=(0, 100))
    assert (model.table["lower"] >= 0).all() and (model.table["upper"] <= 100).all()
    assert (fit_peer_model(share, covariates).table["lower"] < 0).any()  # without bounds: below 0


def heteroskedastic_world(rng, n=63):
    """Spread proportional to the level: sd = 0.25 · mean."""
    x = rng.uniform(0, 3, n)
    mean = 2 + 3 * x
    return pd.Series(mean + rng.normal(0, 0.25 * mean), index=[f"p{i}" for i in range(n)]), \
        pd.DataFrame({"x": x}, index=[f"p{i}" for i in range(n)]), mean


@pytest.mark.slow
def test_peer_interval_coverage_under_heteroskedasticity():
    """Left-out 80 % intervals cover about 80 % in the low- AND the high-variance half; the
    constant-variance interval over-covers the small and under-covers the large provinces."""
    rng = np.random.default_rng(2026)
    hits = {("fitted", "low"): [], ("fitted", "high"): [], ("none", "low"): [], ("none", "high"): []}
    for _ in range(150):
        values, covariates, mean = heteroskedastic_world(rng)
        # A new province at a low and one at a high level, predicted from the 63.
        for half, x_new in (("low", 0.2), ("high", 2.8)):
            new_mean = 2 + 3 * x_new
            new_value = new_mean + rng.normal(0, 0.25 * new_mean)
            frame = pd.concat([covariates, pd.DataFrame({"x": [x_new]}, index=["new"])])
            for variance in ("fitted", "none"):
                model = fit_peer_model(values, frame, variance_model=variance, transform="none")
                row = model.table.loc["new"]
                hits[(variance, half)].append(row["lower"] <= new_value <= row["upper"])
    coverage = {key: np.mean(found) for key, found in hits.items()}
    assert 0.72 <= coverage[("fitted", "low")] <= 0.88
    assert 0.72 <= coverage[("fitted", "high")] <= 0.88
    assert coverage[("none", "low")] > 0.9 and coverage[("none", "high")] < 0.72


# ------------------------------------------------------------------ formulas (folded in from the
# chapter's former formula fit, analysis/peer_formula.py: one peer model for the book and the targets)

FORMULA = "value ~ np.log(grdp_per_capita) + np.log(population) + urbanisation"


def formula_provinces(n=40, seed=7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "grdp_per_capita": rng.uniform(40, 200, n),
            "population": rng.uniform(3e5, 8e6, n),
            "urbanisation": rng.uniform(15, 80, n),
        },
        index=pd.Index([f"p{i:02d}" for i in range(n)], name="unit"),
    )
    value = (2.0 + 1.5 * np.log(frame["grdp_per_capita"]) - 0.4 * np.log(frame["population"])
             + 0.03 * frame["urbanisation"] + rng.normal(0, 0.3, n))
    frame.insert(0, "value", value)
    return frame


def test_formula_fit_equals_statsmodels_ols_on_the_evaluated_terms():
    frame = formula_provinces()
    fitted = fit_peer_model(frame["value"], frame.drop(columns="value"), formula=FORMULA, transform="none",
                            variance_model="none")
    exog = sm.add_constant(np.column_stack([np.log(frame["grdp_per_capita"]), np.log(frame["population"]),
                                            frame["urbanisation"]]))
    direct = sm.OLS(frame["value"].to_numpy(), exog).fit(cov_type="HC3")
    assert fitted.r_squared == pytest.approx(direct.rsquared, rel=1e-12)
    np.testing.assert_allclose(fitted.coefficients["estimate"], direct.params, rtol=1e-10)
    np.testing.assert_allclose(fitted.coefficients["std_error_hc3"], direct.bse, rtol=1e-10)
    assert fitted.terms == ["np.log(grdp_per_capita)", "np.log(population)", "urbanisation"]
    np.testing.assert_allclose(fitted.exog["np.log(population)"], np.log(frame["population"]))


def test_benchmark_predicts_the_province_from_the_others_only():
    frame = formula_provinces()
    model = fit_peer_model(frame["value"], frame.drop(columns="value"), formula="value ~ urbanisation",
                           transform="none", variance_model="none")
    others = frame.drop(index="p03")
    slope, intercept = np.polyfit(others["urbanisation"], others["value"], 1)
    benchmark = model.benchmark("p03")
    assert benchmark.expected == pytest.approx(intercept + slope * frame.at["p03", "urbanisation"])
    # The province's own value does not move its benchmark.
    moved = frame.copy()
    moved.at["p03", "value"] += 100
    again = fit_peer_model(moved["value"], moved.drop(columns="value"), formula="value ~ urbanisation",
                           transform="none", variance_model="none").benchmark("p03")
    assert again.expected == pytest.approx(benchmark.expected)
    assert again.leverage == pytest.approx(benchmark.leverage)


def test_log1p_written_in_the_formula_is_the_transform_and_the_shown_formula_refits():
    frame = formula_provinces()
    frame["value"] = np.expm1(0.5 + 0.02 * frame["urbanisation"])  # exact, no noise
    covariates = frame.drop(columns="value")
    fitted = fit_peer_model(frame["value"], covariates, formula="np.log1p(value) ~ urbanisation")
    assert fitted.transform == "log1p"
    np.testing.assert_allclose(fitted.table["expected"], frame["value"], rtol=1e-6)
    direct = sm.OLS(np.log1p(frame["value"]), sm.add_constant(frame["urbanisation"])).fit()
    assert fitted.r_squared == pytest.approx(direct.rsquared)
    again = fit_peer_model(frame["value"], covariates, formula=fitted.formula)
    assert again.formula == fitted.formula and again.r_squared == pytest.approx(fitted.r_squared)
    with pytest.raises(ValueError, match="asks for 'log1p'"):
        fit_peer_model(frame["value"], covariates, formula="np.log1p(value) ~ urbanisation", transform="none")


def test_unsupported_response_is_refused_naming_the_choices(english):
    frame = formula_provinces()
    with pytest.raises(ValueError, match="left-hand side must be 'value'"):
        fit_peer_model(frame["value"], frame.drop(columns="value"), formula="np.sqrt(value) ~ urbanisation")


def test_a_missing_formula_covariate_is_named_with_those_available(english):
    frame = formula_provinces()
    with pytest.raises(ValueError, match="enterprises not in the data; covariates available: grdp_per_capita"):
        fit_peer_model(frame["value"], frame.drop(columns="value"), formula="value ~ np.log(enterprises) + urbanisation")


def test_formula_covariates_in_order_without_functions(english):
    assert formula_covariates(FORMULA) == ["grdp_per_capita", "population", "urbanisation"]
    assert formula_covariates("value ~ C(region) + a:b + I(x ** 2)") == ["region", "a", "b", "x"]
    with pytest.raises(ValueError, match="has no '~'"):
        formula_covariates("value + urbanisation")


def test_peer_frame_from_tidy_covariates():
    covariates = pd.DataFrame({
        "year": [2023, 2023, 2023, 2023, 2022],
        "unit": ["a", "a", "b", "b", "a"],
        "covariate": ["population", "urbanisation", "population", "urbanisation", "population"],
        "value": [10.0, 0.5, 20.0, 0.7, 9.0],
    })
    frame = peer_frame(pd.Series({"a": 1.0, "c": 3.0}), covariates, year=2023)
    assert list(frame.columns) == ["value", "population", "urbanisation"]
    assert frame.at["a", "population"] == 10.0 and frame.at["b", "urbanisation"] == 0.7
    assert np.isnan(frame.at["b", "value"]) and np.isnan(frame.at["c", "population"])
    with pytest.raises(ValueError, match="no covariates for data year 2030"):
        peer_frame(pd.Series({"a": 1.0}), covariates, year=2030)
    with pytest.raises(ValueError, match="more than one value"):
        peer_frame(pd.Series({"a": 1.0}), covariates)
