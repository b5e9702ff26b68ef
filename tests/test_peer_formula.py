"""The peer model written as a formula: the same fit as the covariate-matrix peer model, the
province left out when asked, log responses back-transformed, missing covariates named."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from piilib.analysis.peer_formula import fit_peer_formula, formula_names, peer_frame
from piilib.analysis.peers import fit_peer_model

FORMULA = "value ~ np.log(grdp_per_capita) + np.log(population) + urbanisation"


def provinces(n=40, seed=7) -> pd.DataFrame:
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


def test_same_fit_as_the_covariate_matrix_peer_model():
    frame = provinces()
    structure = pd.DataFrame({
        "log_grdp_per_capita": np.log(frame["grdp_per_capita"]),
        "log_population": np.log(frame["population"]),
        "urbanisation": frame["urbanisation"],
    })
    reference = fit_peer_model(frame["value"], structure, transform="none", variance_model="none")
    fitted = fit_peer_formula(frame, FORMULA)
    assert fitted.r_squared == pytest.approx(reference.r_squared, rel=1e-12)
    assert fitted.n_obs == reference.n_obs == len(frame)
    np.testing.assert_allclose(fitted.coefficients["estimate"].to_numpy(),
                               reference.coefficients["estimate"].to_numpy(), rtol=1e-10)
    np.testing.assert_allclose(fitted.coefficients["std_error"].to_numpy(),
                               reference.coefficients["std_error_hc3"].to_numpy(), rtol=1e-10)
    for column in ("expected", "lower", "upper"):
        np.testing.assert_allclose(fitted.table[column], reference.table.loc[fitted.table.index, column], rtol=1e-10)
    assert fitted.terms == ["np.log(grdp_per_capita)", "np.log(population)", "urbanisation"]
    np.testing.assert_allclose(fitted.design["np.log(population)"], np.log(frame["population"]))


def test_the_left_out_province_is_predicted_from_the_others():
    frame = provinces()
    fitted = fit_peer_formula(frame, "value ~ urbanisation", leave_out="p03")
    others = frame.drop(index="p03")
    slope, intercept = np.polyfit(others["urbanisation"], others["value"], 1)
    assert fitted.table.at["p03", "expected"] == pytest.approx(intercept + slope * frame.at["p03", "urbanisation"])
    assert not fitted.table.at["p03", "in_fit"] and fitted.table["in_fit"].sum() == len(frame) - 1
    assert fitted.n_obs == len(frame) - 1
    # The left-out province's own value does not move its benchmark.
    moved = frame.copy()
    moved.at["p03", "value"] += 100
    again = fit_peer_formula(moved, "value ~ urbanisation", leave_out="p03")
    assert again.table.at["p03", "expected"] == pytest.approx(fitted.table.at["p03", "expected"])


def test_log1p_response_is_back_transformed():
    frame = provinces()
    frame["value"] = np.expm1(0.5 + 0.02 * frame["urbanisation"])  # exact, no noise
    fitted = fit_peer_formula(frame, "np.log1p(value) ~ urbanisation")
    assert fitted.response_transform == "log1p"
    np.testing.assert_allclose(fitted.table["expected"], frame["value"], rtol=1e-9)
    direct = sm.OLS(np.log1p(frame["value"]), sm.add_constant(frame["urbanisation"])).fit()
    assert fitted.r_squared == pytest.approx(direct.rsquared)


def test_a_missing_covariate_is_named():
    frame = provinces()
    with pytest.raises(ValueError, match=r"covariate\(s\) \['enterprises'\].*available: \['grdp_per_capita'"):
        fit_peer_formula(frame, "value ~ np.log(enterprises) + urbanisation")


def test_unsupported_response_and_unknown_left_out_unit_are_refused():
    frame = provinces()
    with pytest.raises(ValueError, match="response must be one of"):
        fit_peer_formula(frame, "np.sqrt(value) ~ urbanisation")
    with pytest.raises(ValueError, match="leave_out 'nowhere'"):
        fit_peer_formula(frame, "value ~ urbanisation", leave_out="nowhere")


def test_provinces_missing_a_covariate_are_neither_fitted_nor_predicted():
    frame = provinces()
    frame.loc["p05", "urbanisation"] = np.nan
    frame.loc["p06", "value"] = np.nan
    fitted = fit_peer_formula(frame, "value ~ urbanisation")
    assert "p05" not in fitted.table.index
    assert "p06" in fitted.table.index and not fitted.table.at["p06", "in_fit"]
    assert np.isfinite(fitted.table.at["p06", "expected"])
    assert fitted.n_obs == len(frame) - 2


def test_formula_names():
    assert formula_names(FORMULA) == ["value", "grdp_per_capita", "population", "urbanisation"]
    assert formula_names("np.log1p(value) ~ C(region) + a:b + I(x ** 2)") == ["value", "region", "a", "b", "x"]
    with pytest.raises(ValueError, match="response ~ covariates"):
        formula_names("value + urbanisation")


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
