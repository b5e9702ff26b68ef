"""Trends: statsmodels results against closed forms, model choice, thresholds, gaps."""

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from piilib.analysis.trend import (
    INSUFFICIENT,
    LINEAR,
    LOG_LINEAR,
    NATIONAL_MEDIAN,
    REGION_LEADER,
    Predictive,
    analyse_thresholds,
    fit_trend,
    gap_outlook,
    project_all,
    threshold_series,
)


def series(years, values):
    return pd.DataFrame({"year": list(years), "value": list(values)})


# --------------------------------------------------------------------------- closed forms


def test_exact_line_slope_and_fitted_values():
    years = np.arange(2016, 2024)
    values = 3.0 + 2.5 * (years - 2016)
    fit = fit_trend(series(years, values), multiplicative=True)
    assert fit.kind == LINEAR  # the exact line has zero leave-one-out error
    assert fit.slope == pytest.approx(2.5, abs=1e-10)
    assert fit.slope_ci[0] == pytest.approx(2.5, abs=1e-8)
    assert fit.slope_ci[1] == pytest.approx(2.5, abs=1e-8)
    np.testing.assert_allclose(fit.fitted.to_numpy(), values, atol=1e-10)
    assert fit.predict(2030)["predicted"].iloc[0] == pytest.approx(3.0 + 2.5 * 14)


def test_slope_is_covariance_over_variance():
    rng = np.random.default_rng(7)
    years = np.arange(2010, 2022)
    values = 50 + 1.3 * (years - 2010) + rng.normal(0, 2.0, len(years))
    fit = fit_trend(series(years, values))
    expected = np.cov(years, values, ddof=1)[0, 1] / np.var(years, ddof=1)
    assert fit.slope == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("coverage", [0.8, 0.95])
def test_prediction_interval_matches_textbook_formula(coverage):
    x = np.array([2019.0, 2020, 2021, 2022, 2023])
    y = np.array([1.0, 3.0, 2.0, 5.0, 4.0])
    n = len(x)
    slope = np.sum((x - x.mean()) * (y - y.mean())) / np.sum((x - x.mean()) ** 2)
    intercept = y.mean() - slope * x.mean()
    s = np.sqrt(np.sum((y - intercept - slope * x) ** 2) / (n - 2))
    x0 = 2024.0
    centre = intercept + slope * x0
    half = stats.t.ppf(0.5 + coverage / 2, n - 2) * s * np.sqrt(1 + 1 / n + (x0 - x.mean()) ** 2 / np.sum((x - x.mean()) ** 2))

    fit = fit_trend(series(x.astype(int), y))
    row = fit.predict(coverage=coverage).iloc[0]
    assert row["year"] == 2024
    assert row["predicted"] == pytest.approx(centre)
    assert row["lower"] == pytest.approx(centre - half)
    assert row["upper"] == pytest.approx(centre + half)

    # The Monte Carlo view of the same distribution gives the same interval.
    lower, upper = fit.predictive(2024).interval(coverage)
    assert lower[0] == pytest.approx(centre - half)
    assert upper[0] == pytest.approx(centre + half)


def test_slope_confidence_interval_matches_textbook_formula():
    x = np.array([2019.0, 2020, 2021, 2022, 2023])
    y = np.array([1.0, 3.0, 2.0, 5.0, 4.0])
    sxx = np.sum((x - x.mean()) ** 2)
    slope = np.sum((x - x.mean()) * (y - y.mean())) / sxx
    residuals = y - (y.mean() + slope * (x - x.mean()))
    se = np.sqrt(np.sum(residuals**2) / 3 / sxx)
    half = stats.t.ppf(0.975, 3) * se
    fit = fit_trend(series(x.astype(int), y))
    assert fit.slope_ci == pytest.approx((slope - half, slope + half))


# --------------------------------------------------------------------------- model choice


def test_exponential_series_chooses_log_linear():
    years = np.arange(2018, 2024)
    values = 100 * 1.1 ** (years - 2018)
    fit = fit_trend(series(years, values), multiplicative=True)
    assert fit.kind == LOG_LINEAR
    assert fit.slope_unit == "% per year"
    assert fit.slope == pytest.approx(10.0, abs=1e-9)
    assert fit.loo_rmse[LOG_LINEAR] < fit.loo_rmse[LINEAR]
    prediction = fit.predict([2024, 2026]).set_index("year")
    assert prediction.loc[2024, "predicted"] == pytest.approx(100 * 1.1**6)
    assert prediction.loc[2026, "predicted"] == pytest.approx(100 * 1.1**8)


def test_log_linear_needs_multiplicative_flag_and_positive_values():
    years = np.arange(2018, 2024)
    values = 100 * 1.1 ** (years - 2018)
    assert fit_trend(series(years, values), multiplicative=False).kind == LINEAR
    with_zero = values.copy()
    with_zero[0] = 0.0
    assert fit_trend(series(years, with_zero), multiplicative=True).kind == LINEAR
    with pytest.raises(ValueError, match="> 0"):
        fit_trend(series(years, with_zero), kind=LOG_LINEAR)


def test_log_linear_interval_is_exponentiated_log_interval():
    rng = np.random.default_rng(3)
    years = np.arange(2015, 2024)
    values = 20 * np.exp(0.15 * (years - 2015) + rng.normal(0, 0.05, len(years)))
    fit = fit_trend(series(years, values), kind=LOG_LINEAR)
    log_fit = fit_trend(series(years, np.log(values)), kind=LINEAR)
    ours = fit.predict(2025, coverage=0.8).iloc[0]
    on_log = log_fit.predict(2025, coverage=0.8).iloc[0]
    assert ours["lower"] == pytest.approx(math.exp(on_log["lower"]))
    assert ours["upper"] == pytest.approx(math.exp(on_log["upper"]))
    assert fit.slope == pytest.approx(100 * math.expm1(log_fit.slope))


def test_too_few_years_and_duplicates_are_refused():
    with pytest.raises(ValueError, match="at least 3"):
        fit_trend(series([2020, 2021, 2022], [1.0, np.nan, 2.0]))
    with pytest.raises(ValueError, match="2021"):
        fit_trend(series([2020, 2021, 2021, 2022], [1.0, 2.0, 3.0, 4.0]))


def test_predictive_sampling_matches_interval():
    predictive = Predictive(loc=[0.0, np.log(50.0)], scale=[2.0, 0.1], df=[4.0, 6.0], transform=["none", "log"])
    draws = predictive.sample(200_000, np.random.default_rng(11))
    assert draws.shape == (200_000, 2)
    lower, upper = predictive.interval(0.8)
    empirical_low = np.quantile(draws, 0.1, axis=0)
    empirical_high = np.quantile(draws, 0.9, axis=0)
    np.testing.assert_allclose(empirical_low, lower, rtol=0.02)
    np.testing.assert_allclose(empirical_high, upper, rtol=0.02)
    assert predictive.median[1] == pytest.approx(50.0)


def test_predictive_sampling_in_float32_and_subsets():
    predictive = Predictive(loc=[1.0, 2.0, 3.0], scale=[0.5, 0.0, 1.0], df=[np.inf, 5.0, 5.0], transform="none")
    draws = predictive.sample(100_000, np.random.default_rng(1), dtype=np.float32)
    assert draws.dtype == np.float32 and draws.shape == (100_000, 3)
    assert np.all(draws[:, 1] == 2.0)  # zero scale: the prediction is certain
    # Infinite df is the normal distribution: its standard deviation is the scale.
    assert draws[:, 0].std() == pytest.approx(0.5, rel=0.02)
    # t(5) has variance 5 / 3.
    assert draws[:, 2].var() == pytest.approx(5 / 3, rel=0.05)
    part = predictive.subset([2, 0])
    assert list(part.loc) == [3.0, 1.0] and list(part.df) == [5.0, np.inf]
    both = Predictive.concat([part, predictive])
    assert len(both) == 5


# --------------------------------------------------------------------------- thresholds


def twelve_provinces():
    """Province p01..p12 holds value 1..12 in 2020 and value + 2 per year after."""
    units = [f"p{i:02d}" for i in range(1, 13)]
    regions = {u: ("north" if i <= 6 else "south") for i, u in enumerate(units, start=1)}
    rows = [
        {"year": year, "unit": u, "value": float(i + 2 * (year - 2020))}
        for year in range(2020, 2024)
        for i, u in enumerate(units, start=1)
    ]
    return pd.DataFrame(rows), regions


def test_threshold_series_higher_is_better():
    history, regions = twelve_provinces()
    table = threshold_series(history, +1, regions, unit="p03").set_index("year")
    # Others in 2020: 1, 2, 4, 5, ..., 12. Best first: 12, 11, ..., 4 is the 9th, 2 the 10th.
    assert table.loc[2020, "rank_10"] == 2.0
    assert table.loc[2020, NATIONAL_MEDIAN] == 7.0  # 11 values, the 6th is 7
    assert table.loc[2020, REGION_LEADER] == 6.0  # north without p03: 1, 2, 4, 5, 6
    assert table.loc[2020, "region_leader_unit"] == "p06"
    assert table.loc[2020, "n_units"] == 11
    assert table.loc[2023, "rank_10"] == 2.0 + 6


def test_threshold_series_lower_is_better():
    history, regions = twelve_provinces()
    table = threshold_series(history, -1, regions, unit="p09").set_index("year")
    # Others in 2020: 1..8, 10, 11, 12. Lowest first: 1..8 are ranks 1..8, 10 is 9th, 11 is 10th.
    assert table.loc[2020, "rank_10"] == 11.0
    assert table.loc[2020, NATIONAL_MEDIAN] == 6.0
    assert table.loc[2020, REGION_LEADER] == 7.0  # south without p09: lowest is p07
    assert table.loc[2020, "region_leader_unit"] == "p07"


def test_threshold_rank_beyond_units_is_missing():
    history, regions = twelve_provinces()
    table = threshold_series(history, +1, regions, unit="p01", rank=12)
    assert table["rank_12"].isna().all()  # only 11 other provinces


# --------------------------------------------------------------------------- gaps


def test_crossing_year_of_two_exact_lines():
    years = np.arange(2020, 2025)
    province = series(years, 10 + 3 * (years - 2020))
    threshold = series(years, 21 + 1 * (years - 2020))
    outlook = gap_outlook(province, threshold, +1)
    # 10 + 3t = 21 + t  ->  t = 5.5
    assert outlook.behind and outlook.closing and not outlook.eroding
    assert outlook.slope == pytest.approx(2.0)
    assert outlook.crossing_year == pytest.approx(2025.5)
    assert outlook.first_year_across == 2026
    assert outlook.crossing_range[0] == pytest.approx(2025.5, abs=0.02)
    assert outlook.crossing_range[1] == pytest.approx(2025.5, abs=0.02)


def test_inverse_direction_gap():
    years = np.arange(2020, 2025)
    province = series(years, 30 - 2 * (years - 2020))
    threshold = series(years, 20.5 - 1 * (years - 2020))
    lower_better = gap_outlook(province, threshold, -1)
    # Lower is better: the province (30) is behind the threshold (20.5) and falls faster.
    assert lower_better.current_gap == pytest.approx(-(22 - 16.5))
    assert lower_better.behind and lower_better.closing
    assert lower_better.crossing_year == pytest.approx(2029.5)
    higher_better = gap_outlook(province, threshold, +1)
    # Read the other way round the province is ahead and its lead erodes at the same point.
    assert not higher_better.behind and higher_better.eroding and not higher_better.closing
    assert higher_better.crossing_year == pytest.approx(2029.5)


def test_widening_gap_has_no_crossing():
    years = np.arange(2020, 2025)
    outlook = gap_outlook(series(years, 10 + 1.0 * (years - 2020)), series(years, 20 + 2.0 * (years - 2020)), +1)
    assert outlook.behind and not outlook.closing
    assert outlook.crossing_year is None and outlook.crossing_range is None


def test_gap_line_is_difference_of_fitted_lines_and_range_nests():
    rng = np.random.default_rng(5)
    years = np.arange(2014, 2024)
    province = series(years, 40 + 2.0 * (years - 2014) + rng.normal(0, 1.5, len(years)))
    threshold = series(years, 60 + 0.5 * (years - 2014) + rng.normal(0, 1.5, len(years)))
    outlook = gap_outlook(province, threshold, +1, coverage=0.8, horizon=15)
    difference = fit_trend(province).fitted - fit_trend(threshold).fitted
    np.testing.assert_allclose(outlook.fit.fitted.to_numpy(), difference.to_numpy(), atol=1e-9)
    assert outlook.closing and outlook.significant
    low, high = outlook.crossing_range
    assert low <= outlook.crossing_year <= high
    wide = gap_outlook(province, threshold, +1, coverage=0.95, horizon=15)
    assert wide.crossing_range[0] <= low and wide.crossing_range[1] >= high
    # At the range's ends the confidence band just touches zero.
    band = outlook.fit.results.get_prediction(outlook.fit._exog([low - 0.02, high + 0.02])).summary_frame(alpha=0.2)
    assert not ((band["mean_ci_lower"] <= 0) & (band["mean_ci_upper"] >= 0)).any()


def test_analyse_thresholds_on_twelve_provinces():
    history, regions = twelve_provinces()
    # p03 starts at 2.5 and grows by 3 a year, everyone else by 2.
    faster = history["unit"] == "p03"
    history.loc[faster, "value"] = 2.5 + 3 * (history.loc[faster, "year"] - 2020)
    analysis = analyse_thresholds(history, "p03", +1, regions)
    assert analysis.province_fit.slope == pytest.approx(3.0)
    assert analysis.threshold_fits["rank_10"].slope == pytest.approx(2.0)
    summary = analysis.summary().set_index("threshold")
    assert list(summary.index) == ["rank_10", NATIONAL_MEDIAN, REGION_LEADER]
    # North's leader without p03 is p06 (6 + 2t): 2.5 + 3t = 6 + 2t at t = 3.5.
    assert summary.loc[REGION_LEADER, "closing"]
    assert summary.loc[REGION_LEADER, "crossing_year"] == pytest.approx(2023.5)
    assert summary.loc[REGION_LEADER, "first_year_across"] == 2024
    # Median of the others (7 + 2t): t = 4.5.
    assert summary.loc[NATIONAL_MEDIAN, "crossing_year"] == pytest.approx(2024.5)
    # Rank 10 of the others is p02 (2 + 2t): p03 is ahead and pulls away.
    assert not summary.loc["rank_10", "behind"] and not summary.loc["rank_10", "eroding"]
    assert pd.isna(summary.loc["rank_10", "crossing_year"])
    assert summary.loc["rank_10", "predicted"] == pytest.approx(2 + 2 * 4)


def test_project_all_matches_single_fits():
    history, _ = twelve_provinces()
    history["indicator"] = "1.1.1"
    short = pd.DataFrame({"year": [2022, 2023], "unit": "p01", "indicator": "9.9.9", "value": [1.0, 2.0]})
    rng = np.random.default_rng(2)
    history["value"] = history["value"] + rng.normal(0, 0.3, len(history))
    projected = project_all(pd.concat([history, short], ignore_index=True), 2024)
    assert len(projected) == 13
    assert projected.set_index(["unit", "indicator"]).loc[("p01", "9.9.9"), "kind"] == INSUFFICIENT
    row = projected.set_index(["unit", "indicator"]).loc[("p05", "1.1.1")]
    single = fit_trend(history.loc[history["unit"] == "p05", ["year", "value"]]).predict(2024, coverage=0.8).iloc[0]
    assert row["predicted"] == pytest.approx(single["predicted"])
    assert row["lower"] == pytest.approx(single["lower"])
    modelled = projected[projected["kind"] != INSUFFICIENT]
    lower, upper = Predictive.from_frame(modelled).interval(0.8)
    np.testing.assert_allclose(lower, modelled["lower"])
    np.testing.assert_allclose(upper, modelled["upper"])


# --------------------------------------------------------------------------- batched fits


def random_history(seed=0, n_units=15, codes=("a", "b", "c")):
    """Series with different year designs (gaps, short series), some exponential, one constant."""
    rng = np.random.default_rng(seed)
    rows = []
    for u in range(n_units):
        for code in codes:
            years = np.arange(2016, 2024)
            keep = rng.random(len(years)) > 0.2
            for year in years[keep]:
                t = year - 2016
                if code == "a":
                    value = 10 + rng.normal(0.5, 0.4) * t + rng.normal(0, 1)
                elif code == "b":
                    value = 5 * np.exp(0.15 * t + rng.normal(0, 0.1))
                else:
                    value = 3.0 if u == 0 else 20 + rng.normal(0, 2)
                rows.append({"year": int(year), "unit": f"u{u:02d}", "indicator": code, "value": float(value)})
    return pd.DataFrame(rows)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_batched_projections_equal_statsmodels_series_by_series(seed):
    import statsmodels.api as sm

    history = random_history(seed)
    projected = project_all(history, 2025, multiplicative=["b", "c"], coverage=0.9).set_index(["unit", "indicator"])
    checked = 0
    for (unit, code), group in history.groupby(["unit", "indicator"]):
        row = projected.loc[(unit, code)]
        if len(group) < 3:
            assert row["kind"] == INSUFFICIENT
            continue
        fit = fit_trend(group[["year", "value"]], multiplicative=code in ("b", "c"))
        assert row["kind"] == fit.kind
        # statsmodels directly, on the chosen scale
        y = np.log(group["value"]) if fit.kind == LOG_LINEAR else group["value"]
        x = sm.add_constant(group["year"].to_numpy(float) - group["year"].min(), has_constant="add")
        frame = sm.OLS(y.to_numpy(), x).fit().get_prediction(np.array([[1.0, 2025 - group["year"].min()]]))
        summary = frame.summary_frame(alpha=0.1).iloc[0]
        assert row["loc"] == pytest.approx(summary["mean"], rel=1e-9, abs=1e-9)
        assert row["scale"] == pytest.approx(float(frame.se_obs[0]), rel=1e-9, abs=1e-12)
        assert row["df"] == len(group) - 2
        back = np.exp if fit.kind == LOG_LINEAR else (lambda v: v)
        assert row["lower"] == pytest.approx(back(summary["obs_ci_lower"]), rel=1e-9, abs=1e-9)
        assert row["upper"] == pytest.approx(back(summary["obs_ci_upper"]), rel=1e-9, abs=1e-9)
        assert row["slope"] == pytest.approx(fit.slope, rel=1e-9, abs=1e-12)
        assert row["growth_unit"] == fit.growth_unit
        checked += 1
    assert checked > 30


def test_fit_batch_press_and_slope_interval_equal_statsmodels():
    import statsmodels.api as sm

    from piilib.analysis.trend import fit_batch

    rng = np.random.default_rng(5)
    offsets = np.array([0.0, 1, 2, 4, 5])
    responses = rng.normal(size=(5, 7)) + offsets[:, None] * rng.normal(size=7)
    batch = fit_batch(offsets, responses)
    low, high = batch.slope_ci(0.95)
    for j in range(7):
        results = sm.OLS(responses[:, j], sm.add_constant(offsets)).fit()
        np.testing.assert_allclose(batch.params[:, j], results.params, rtol=1e-10)
        np.testing.assert_allclose(batch.press[:, j], results.get_influence().resid_press, rtol=1e-9)
        np.testing.assert_allclose(batch.studentised()[:, j], results.get_influence().resid_studentized_internal,
                                   rtol=1e-9)
        np.testing.assert_allclose([low[j], high[j]], results.conf_int(0.05)[1], rtol=1e-9)


def test_growth_unit_is_percent_only_for_log_linear():
    years = np.arange(2016, 2024)
    exponential = fit_trend(series(years, 2 * 1.1 ** (years - 2016)), multiplicative=True)
    assert exponential.growth_unit == "percent"
    assert exponential.growth == pytest.approx(10.0)
    share = fit_trend(series(years, 40 + 1.5 * (years - 2016) + np.sin(years)))
    assert share.growth_unit == "points"
    assert share.growth == pytest.approx(share.slope)


# --------------------------------------------------------------------------- bounds


def test_bounds_read_from_the_framework_not_the_data():
    """One rule (piilib.analysis.bounds): the unit text and denominator decide. Changed
    deliberately: a "%" share whose history exceeds 100 keeps [0, 100] (the history is a data
    problem, listed by outside_bounds); a "%" of GRDP is unbounded above; percentage points
    are unbounded even when every observed value is >= 0."""
    from piilib.analysis.bounds import bounds_mapping, indicator_bounds, outside_bounds

    framework = pd.DataFrame({
        "code": ["s", "r", "k", "g", "p", "t", "m", "d"],
        "unit_vi": ["điểm (0–10)", "%", "%", "%", "số lĩnh vực (0–13)", "điểm (thang 10)", "đơn/10.000 dân",
                    "điểm phần trăm"],
        "unit_en": ["score (0–10)", "%", "%", "%", "fields (0–13)", "points", "per 10,000",
                    "percentage points"],
        "denominator": ["none", "communes", "none", "grdp", "none", "none", "population", "none"],
    })
    bounds = indicator_bounds(framework)
    assert tuple(bounds.loc["s"]) == (0, 10)
    assert tuple(bounds.loc["r"]) == (0, 100) and tuple(bounds.loc["k"]) == (0, 100)
    assert tuple(bounds.loc["g"]) == (0, np.inf)
    assert tuple(bounds.loc["p"]) == (0, 13)
    assert tuple(bounds.loc["t"]) == (0, 10)  # "thang 10" in the Vietnamese unit
    assert tuple(bounds.loc["m"]) == (0, np.inf)
    assert tuple(bounds.loc["d"]) == (-np.inf, np.inf)
    assert bounds_mapping(framework)["g"] == (0.0, np.inf)
    history = pd.DataFrame({"indicator": ["r", "k", "g", "m", "d"], "value": [55.0, 140.0, 140.0, 3.0, -0.5]})
    problems = outside_bounds(history, framework)
    assert problems["indicator"].tolist() == ["k"] and problems["upper"].tolist() == [100.0]


def test_bounded_projections_stay_in_bounds():
    years = np.arange(2018, 2024)
    rows = [{"year": y, "unit": "p", "indicator": "share", "value": v}
            for y, v in zip(years, [80.0, 86, 91, 95, 98, 99.5])]
    rows += [{"year": y, "unit": "p", "indicator": "score", "value": v}
             for y, v in zip(years, [1.5, 1.1, 0.8, 0.6, 0.3, 0.2])]
    history = pd.DataFrame(rows)
    bounds = {"share": (0.0, 100.0), "score": (0.0, 10.0)}
    unbounded = project_all(history, 2026, coverage=0.95).set_index("indicator")
    assert unbounded.loc["share", "upper"] > 100 and unbounded.loc["score", "lower"] < 0  # the case is real
    projected = project_all(history, 2026, coverage=0.95, bounds=bounds).set_index("indicator")
    for code, (low, high) in bounds.items():
        row = projected.loc[code]
        assert low <= row["lower"] <= row["predicted"] <= row["upper"] <= high
    draws = Predictive.from_frame(projected.reset_index()).sample(5000, np.random.default_rng(0))
    assert draws[:, 0].min() >= 0 and draws[:, 0].max() <= 10  # score (sorted first)
    assert draws[:, 1].min() >= 0 and draws[:, 1].max() <= 100
    # Censoring keeps the probabilities of values inside the bounds.
    assert np.mean(draws[:, 1] < 99) == pytest.approx(
        stats.t.cdf((99 - unbounded.loc["share", "loc"]) / unbounded.loc["share", "scale"], 4), abs=0.02)
    single = fit_trend(history[history["indicator"] == "share"][["year", "value"]], bounds=(0, 100))
    assert single.predict(2026, coverage=0.95)["upper"].iloc[0] == 100


@pytest.mark.slow
@pytest.mark.parametrize("n_years", [3, 5, 7])
def test_trend_interval_coverage_by_simulation(n_years):
    """80 % intervals of the batched fit cover the next value ~80 % of the time under the model."""
    rng = np.random.default_rng(n_years)
    n_series = 4000
    years = np.arange(2020, 2020 + n_years)
    slopes = rng.normal(0, 2, n_series)
    noise = rng.gamma(2, 1, n_series)
    rows = 10 + slopes[None, :] * (years - 2020)[:, None] + rng.normal(size=(n_years, n_series)) * noise
    future = 10 + slopes * n_years + rng.normal(size=n_series) * noise
    history = pd.DataFrame({
        "year": np.repeat(years, n_series), "unit": np.tile([f"s{i:04d}" for i in range(n_series)], n_years),
        "indicator": "x", "value": rows.ravel(),
    })
    projected = project_all(history, 2020 + n_years, coverage=0.8)
    covered = (projected["lower"].to_numpy() <= future) & (future <= projected["upper"].to_numpy())
    # binomial 4-sigma band around 0.8
    assert abs(covered.mean() - 0.8) < 4 * np.sqrt(0.8 * 0.2 / n_series)
