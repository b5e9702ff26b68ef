"""Targets: thresholds by hand on a tiny index, recommendation rule, promises kept by recomputing."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook
from scipy import stats

from piilib import schema
from piilib.analysis.targets import (
    BEST_PEER,
    CURRENT,
    EVIDENCE_CEILING,
    MAINTAIN,
    NATIONAL_MEDIAN,
    NATIONAL_TOP,
    ONE_RANK_UP,
    PEER,
    PROJECTED,
    REGION_LEAD,
    RULE_CEILING,
    RULE_EVIDENCE_MAINTAIN,
    RULE_NO_EVIDENCE,
    RULE_REACHED,
    RULE_WITHIN,
    TIER_BREAKTHROUGH,
    TIER_FEASIBLE,
    TIER_MAINTAIN,
    TREND,
    Basis,
    Evidence,
    Recomputer,
    reach_probability,
    trend_loo_rmse,
    count_noun,
    rank_among,
    count_unit,
    increment_count,
    increment_text,
    indicator_targets,
    recommended_targets,
    round_towards,
    structural_covariates,
    target_table,
    thresholds,
    value_decimals,
    THRESHOLDS,
)
from piilib.analysis.peers import fit_peer_model
from piilib.analysis.trend import Predictive, fit_trend, project_all
from piilib.analysis.workbook import (
    FIRST_DATA_ROW,
    GUIDE_SHEET,
    HEADER_ROW,
    MAX_SHEET_NAME,
    SUMMARY_SHEET,
    build_workbook,
    sheet_name,
    write_workbook,
)
from piilib.demo import DEMO_DIR, load_demo_covariates, load_demo_history, load_demo_values
from piilib.framework import indicators as framework_indicators
from piilib.framework import load_framework
from piilib.index import build_index
from piilib.pii import compute_pii
from piilib.plan import load_plan
from piilib.report.notice import NOTICE_TEXT
from piilib.units import load_units

# --------------------------------------------------------------------------- a tiny index by hand

UNITS = ["A", "B", "C", "D", "E"]
REGIONS = {"A": "R1", "B": "R1", "C": "R1", "D": "R2", "E": "R2"}
STEPS = [{"step": "normalise", "method": "minmax", "lower": 0, "upper": 100},
         {"step": "aggregate", "method": "arithmetic"}]


def tiny_index(values: dict[str, list[float]] | None = None):
    values = values or {"up1": [1, 2, 3, 4, 5], "up2": [5, 4, 3, 2, 1], "down": [10, 20, 30, 40, 50]}
    idata = pd.DataFrame({"uCode": UNITS, "Region": [REGIONS[u] for u in UNITS], **values})
    imeta = pd.DataFrame({
        "Level": [1, 1, 1, 2], "iCode": ["up1", "up2", "down", "IDX"], "iName": ["u1", "u2", "d", "index"],
        "Direction": [1, 1, -1, 1], "Weight": [1.0, 1.0, 1.0, 1.0], "Unit": "", "Denominator": "",
        "Parent": ["IDX", "IDX", "IDX", ""], "Type": ["Indicator"] * 3 + ["Aggregate"],
    })
    return build_index(idata, imeta, STEPS), idata


def minmax(value, low, high, direction=1):
    share = (value - low) / (high - low)
    return 100 * (share if direction > 0 else 1 - share)


@pytest.fixture(scope="module")
def tiny():
    result, idata = tiny_index()
    return Recomputer(result, idata, "C", REGIONS)


def by_threshold(rows: pd.DataFrame, basis: str = CURRENT) -> pd.DataFrame:
    return rows[rows["basis"] == basis].set_index("threshold")


def test_thresholds_by_hand_higher_is_better():
    values = pd.Series([1, 2, 3, 4, 5], index=UNITS, dtype=float)
    table = thresholds(values, "C", 1, region_members=["A", "B"], peer_members=["D"], top=2).set_index("threshold")
    # C = 3 is third: D (4) and E (5) are ahead; the one just ahead is D.
    assert table.at[ONE_RANK_UP, "threshold_value"] == 4 and table.at[ONE_RANK_UP, "reference_unit"] == "D"
    assert table.at[NATIONAL_MEDIAN, "threshold_value"] == (2 + 4) / 2  # median of the others 1, 2, 4, 5
    assert table.at[NATIONAL_MEDIAN, "reached"]  # equal is enough
    assert table.at[NATIONAL_MEDIAN, "increment"] == 0
    assert table.at[NATIONAL_TOP, "threshold_value"] == 4  # 2nd best of the others
    assert table.at[REGION_LEAD, "reached"]  # A = 1 and B = 2 are behind C
    assert table.at[BEST_PEER, "threshold_value"] == 4
    assert table.at[ONE_RANK_UP, "increment"] == 1


def test_thresholds_inverse_mean_at_most():
    values = pd.Series([10, 20, 30, 40, 50], index=UNITS, dtype=float)
    table = thresholds(values, "C", -1, region_members=["A", "B"], top=2).set_index("threshold")
    assert table.at[ONE_RANK_UP, "threshold_value"] == 20 and table.at[ONE_RANK_UP, "reference_unit"] == "B"
    assert table.at[REGION_LEAD, "threshold_value"] == 10 and table.at[REGION_LEAD, "reference_unit"] == "A"
    assert table.at[ONE_RANK_UP, "increment"] == -10
    assert table.at[NATIONAL_MEDIAN, "reached"]  # median of 10, 20, 40, 50 is 30 = C
    assert np.isnan(table.at[BEST_PEER, "threshold_value"])  # no peers given


def test_first_province_has_nothing_to_reach_one_rank_up():
    values = pd.Series([1, 2, 3, 4, 5], index=UNITS, dtype=float)
    row = thresholds(values, "E", 1).set_index("threshold").loc[ONE_RANK_UP]
    assert row["reached"] and row["target_value"] == 5 and pd.isna(row["reference_unit"])


def test_needed_value_is_rounded_towards_better_at_the_data_precision():
    assert round_towards(3.21, 1, 1) == 3.3
    assert round_towards(3.21, 1, -1) == 3.2
    assert round_towards(3.2, 1, 1) == 3.2
    values = pd.Series([1.0, 2.0, 4.5, 5.0, 3.3], index=UNITS)  # median of others of E: (2 + 4.5) / 2
    row = thresholds(values, "E", 1).set_index("threshold").loc[NATIONAL_MEDIAN]
    assert row["threshold_value"] == 3.25 and row["needed_value"] == 3.3
    assert value_decimals([1.25, 2.5, 3.0]) == 2
    assert value_decimals([12345.678]) == 0  # five significant digits at most


def test_recomputed_score_pii_and_rank_by_hand(tiny):
    rows = by_threshold(indicator_targets(tiny, "up1", 1, ["A", "B"], ["D"], top=2))
    row = rows.loc[ONE_RANK_UP]
    # up1 becomes 1, 2, 4, 4, 5: C's score (4 − 1) / (5 − 1); up2 and down unchanged (50 each).
    score = minmax(4, 1, 5)
    assert row["score"] == pytest.approx(score)
    assert row["pii"] == pytest.approx((score + 50 + 50) / 3)
    assert row["pii_change"] == pytest.approx((score + 50 + 50) / 3 - 50)
    # B = (25 + 75 + 75) / 3 = C's new 175 / 3: a tie shares rank 2 (A is first with 200 / 3).
    assert row["pii_rank"] == 2 and row["current_pii_rank"] == 3 and row["pii_rank_gain"] == 1
    assert row["indicator_rank"] == 2  # tied with D
    assert row["pii_region_rank"] == 2  # A leads R1
    assert rows.loc[NATIONAL_MEDIAN, "pii_change"] == 0  # reached: nothing changes


def test_inverse_indicator_recomputed_by_hand(tiny):
    rows = by_threshold(indicator_targets(tiny, "down", -1, ["A", "B"], top=2))
    lead = rows.loc[REGION_LEAD]
    assert lead["target_value"] == 10 and lead["increment"] == -20
    # down becomes 10, 20, 10, 40, 50: C's score (50 − 10) / (50 − 10) = 100; PII (50 + 50 + 100) / 3.
    assert lead["score"] == pytest.approx(minmax(10, 10, 50, -1)) == pytest.approx(100)
    assert lead["pii"] == pytest.approx(200 / 3)
    assert lead["pii_rank"] == 1  # tied with A = (0 + 100 + 100) / 3
    up = rows.loc[ONE_RANK_UP]
    assert up["score"] == pytest.approx(minmax(20, 10, 50, -1))
    assert up["indicator_rank"] == 2


def test_projected_basis_ranks_against_the_others_projections_from_todays_rank(tiny):
    projected = pd.Series({"A": 1, "B": 2.5, "D": 6, "E": 7, "C": 99.0})  # C's own projection is ignored
    rows = indicator_targets(tiny, "up1", 1, ["A", "B"], ["D"], projected=projected, top=2)
    projected_rows = by_threshold(rows, PROJECTED)
    # Today C = 3 is third (D = 4 and E = 5 ahead). Next year D = 6 and E = 7: one rank up is
    # second place among the projections, i.e. 6, not the 4 of "the one just ahead today".
    up = projected_rows.loc[ONE_RANK_UP]
    assert up["today_rank"] == 3 and up["threshold_value"] == 6 and up["reference_unit"] == "D"
    assert up["indicator_rank"] == 2 <= up["today_rank"] - 1
    # Holding third place needs 2.5 (B), which C's 3 already beats.
    assert projected_rows.loc["hold_rank", "threshold_value"] == 2.5 and projected_rows.loc["hold_rank", "reached"]
    # The recomputation keeps the others at their current values: up1 = 1, 2, 6, 4, 5.
    assert up["score"] == pytest.approx(100)
    assert up["rank_map_units"] == 5 and up["rank_map_region_size"] == 3


def trend_evidence(median: float, ceiling: float, oos: float = 0.5, df: float = 10.0) -> dict:
    """A trend whose 80 % interval has the given median and upper end."""
    scale = (ceiling - median) / stats.t.ppf(0.9, df)
    return {"kind": "linear", "predictive": Predictive(loc=median, scale=scale, df=df, transform="none"),
            "oos_rmse": oos}


@pytest.mark.parametrize("ceiling, threshold, rule", [
    (4.5, ONE_RANK_UP, RULE_WITHIN),  # one up, top 2 and the peer all need 4: the first listed wins
    (3.5, EVIDENCE_CEILING, RULE_CEILING),
    (2.9, MAINTAIN, RULE_EVIDENCE_MAINTAIN),  # the evidence supports no step: maintain, one up is the breakthrough
])
def test_recommendation_rule(tiny, ceiling, threshold, rule):
    evidence = Evidence.choose(1, trend=trend_evidence(2.5, ceiling))
    assert evidence.ceiling == pytest.approx(ceiling)
    rows = indicator_targets(tiny, "up1", 1, ["A", "B"], ["D"], evidence=evidence, top=2, decimals=1)
    chosen = rows[rows["recommended"]]
    assert len(chosen) == 1
    assert chosen["threshold"].iloc[0] == threshold and chosen["rule"].iloc[0] == rule
    if threshold == EVIDENCE_CEILING:
        assert chosen["target_value"].iloc[0] == 3.5
        assert chosen["score"].iloc[0] == pytest.approx(minmax(3.5, 1, 5))
    if threshold == MAINTAIN:
        assert chosen["target_value"].iloc[0] == 3  # today's value: above the trend's 2.5
        assert rows.loc[rows["tier"] == TIER_BREAKTHROUGH, "threshold"].tolist() == [ONE_RANK_UP]
    assert bool(chosen["within_evidence"].iloc[0]) == (threshold != MAINTAIN)  # holding 3 exceeds 2.9
    assert chosen["tier"].iloc[0] == (TIER_MAINTAIN if threshold == MAINTAIN else TIER_FEASIBLE)
    # P(reach) from the predictive distribution, by hand.
    scale = (ceiling - 2.5) / stats.t.ppf(0.9, 10)
    expected = stats.t.sf((chosen["target_value"].iloc[0] - 2.5) / scale, 10)
    assert chosen["p_reach_trend"].iloc[0] == pytest.approx(expected)


def test_no_recommendation_below_the_business_as_usual_median(tiny):
    # The trend alone takes C from 3 to 4.3: one rank up (4), the top 2 (4) and the peer D (4)
    # are delivered by the trend; nothing below 4.3 is recommended.
    evidence = Evidence.choose(1, trend=trend_evidence(4.3, 4.8))
    rows = indicator_targets(tiny, "up1", 1, ["A", "B"], ["D"], evidence=evidence, top=2, decimals=1)
    current = by_threshold(rows)
    assert current.loc[ONE_RANK_UP, "delivered_by_trend"] and not current.loc[ONE_RANK_UP, "reached"]
    chosen = rows[rows["recommended"]].iloc[0]
    assert chosen["target_value"] >= 4.3
    assert not rows.loc[rows["delivered_by_trend"], "recommended"].any()
    maintain = rows[rows["tier"] == TIER_MAINTAIN].iloc[0]
    assert maintain["target_value"] == 4.3 and maintain["p_reach_trend"] == pytest.approx(0.5)


def test_no_evidence_maintains_and_first_place_maintains(tiny):
    rows = indicator_targets(tiny, "up2", 1, ["A", "B"], top=2)
    chosen = rows[rows["recommended"]].iloc[0]
    assert chosen["rule"] == RULE_NO_EVIDENCE and chosen["threshold"] == MAINTAIN and chosen["increment"] == 0
    assert np.isnan(chosen["p_reach_trend"])
    assert rows.loc[rows["tier"] == TIER_BREAKTHROUGH, "threshold"].tolist() == [ONE_RANK_UP]
    result, idata = tiny_index()
    leader = indicator_targets(Recomputer(result, idata, "E", REGIONS), "up1", 1, ["D"], top=2)
    chosen = leader[leader["recommended"]].iloc[0]
    assert chosen["threshold"] == MAINTAIN and chosen["increment"] == 0 and chosen["pii_change"] == 0
    assert chosen["leaves_pii_rank_unchanged"]


def test_constant_history_is_not_enough_evidence(tiny):
    history = pd.DataFrame({schema.YEAR: [2019, 2020, 2021, 2022] * 2, schema.UNIT: ["C"] * 4 + ["D"] * 4,
                            schema.INDICATOR: "up1", schema.VALUE: [3.0] * 4 + [3.0, 3.5, 4.1, 4.4]})
    projections = project_all(history, 2023)
    own = projections[projections[schema.UNIT] == "C"]
    evidence = Evidence.choose(1, trend={"kind": own["kind"].iloc[0], "predictive": Predictive.from_frame(own),
                                         "oos_rmse": 0.1})
    assert evidence.trend_status == "constant" and not evidence.usable and evidence.evidence_model is None
    assert np.isnan(evidence.p_reach(4.0, 1))
    rows = indicator_targets(tiny, "up1", 1, ["A", "B"], ["D"], evidence=evidence, top=2)
    chosen = rows[rows["recommended"]].iloc[0]
    assert chosen["rule"] == RULE_NO_EVIDENCE and chosen["threshold"] == MAINTAIN
    assert rows["p_reach_trend"].isna().all()
    # Too short a history: not enough evidence either.
    short = Evidence.choose(1, trend={"kind": "insufficient"})
    assert short.trend_status == "insufficient" and not short.usable


def test_evidence_is_chosen_by_out_of_sample_error_not_interval_width():
    rng = np.random.default_rng(3)
    n, years = 40, np.arange(2017, 2024)
    x = rng.uniform(0, 10, n)
    units = [f"p{i:02d}" for i in range(n)]
    covariates = pd.DataFrame({"x": x}, index=units)
    # Structure explains the cross-section almost exactly; the yearly series are noisy.
    cross_section = pd.Series(5 + 2 * x + rng.normal(0, 0.05, n), index=units)
    history = pd.DataFrame([(year, unit, 5 + 2 * xi + rng.normal(0, 1.0)) for unit, xi in zip(units, x)
                            for year in years], columns=[schema.YEAR, schema.UNIT, schema.VALUE])
    kinds = dict.fromkeys(units, "linear")
    trend_error = trend_loo_rmse(history, kinds)
    peer = fit_peer_model(cross_section, covariates).benchmark("p00")
    assert peer.loo_rmse < trend_error
    own = history[history[schema.UNIT] == "p00"]
    fit = fit_trend(own[[schema.YEAR, schema.VALUE]])
    trend = {"kind": "linear", "predictive": fit.predictive(2024), "oos_rmse": trend_error}
    assert Evidence.choose(1, trend=trend, peer=peer).evidence_model == PEER
    # The reverse world: smooth series, a cross-section structure does not explain.
    smooth = history.assign(**{schema.VALUE: [5 + 0.3 * (y - 2017) + 2 * xi + rng.normal(0, 0.01)
                                              for xi in x for y in years]})
    noise = pd.Series(rng.normal(0, 5, n), index=units)
    trend_error = trend_loo_rmse(smooth, kinds)
    peer = fit_peer_model(noise, covariates).benchmark("p00")
    assert trend_error < peer.loo_rmse
    trend = {"kind": "linear", "predictive": fit.predictive(2024), "oos_rmse": trend_error}
    assert Evidence.choose(1, trend=trend, peer=peer).evidence_model == TREND
    # Width does not decide: the model with the lower error wins even with the wider interval.
    wide_trend = trend_evidence(5.0, 9.0, oos=0.001)
    narrow_peer = fit_peer_model(cross_section, covariates).benchmark("p00")
    chosen = Evidence.choose(1, trend=wide_trend, peer=narrow_peer)
    assert chosen.trend_upper - chosen.trend_lower > chosen.peer_upper - chosen.peer_lower
    assert chosen.evidence_model == TREND and chosen.ceiling == pytest.approx(9.0)


def test_trend_loo_rmse_is_the_leave_one_year_out_error():
    history = pd.DataFrame({schema.YEAR: [2018, 2019, 2020, 2021, 2022], schema.UNIT: "A",
                            schema.VALUE: [1.0, 2.5, 2.9, 4.4, 5.2]})
    for kind in ("linear", "log-linear"):
        by_hand = []
        for left_out in range(5):
            kept = history.drop(index=left_out)
            fit = fit_trend(kept[[schema.YEAR, schema.VALUE]], kind=kind)
            by_hand.append(history[schema.VALUE][left_out] - fit.predict(years=[history[schema.YEAR][left_out]])
                           ["predicted"].iloc[0])
        assert trend_loo_rmse(history, {"A": kind}) == pytest.approx(np.sqrt(np.mean(np.square(by_hand))))


def test_reach_probability_from_the_predictive_distribution():
    plain = Predictive(loc=2.0, scale=0.5, df=6, transform="none")
    assert reach_probability(plain, 2.4, 1) == pytest.approx(stats.t.sf(0.8, 6))
    assert reach_probability(plain, 2.4, -1) == pytest.approx(stats.t.cdf(0.8, 6))
    logged = Predictive(loc=np.log(10.0), scale=0.2, df=8, transform="log")
    draws = logged.sample(200_000, np.random.default_rng(1))[:, 0]
    assert reach_probability(logged, 12.0, 1) == pytest.approx(np.mean(draws >= 12.0), abs=0.005)
    assert reach_probability(plain, -1.0, 1, bounds=(0, 100)) == 1.0  # at or below the floor: certain
    assert reach_probability(None, 1.0, 1) != reach_probability(None, 1.0, 1)  # NaN


def test_hand_made_merged_basis():
    """Two partners merge with the province (ratio_sum by population): its value on the merged
    map is (own·d_own + Σ v_i d_i) / Σ d, and the needed own value inverts that."""
    populations = {"can-tho": 1.2e6, "hau-giang": 0.7e6, "soc-trang": 1.2e6}
    values = {"can-tho": 2.0, "hau-giang": 1.0, "soc-trang": 4.0}
    total = sum(populations.values())
    intercept = (values["hau-giang"] * populations["hau-giang"] + values["soc-trang"] * populations["soc-trang"]) / total
    slope = populations["can-tho"] / total
    ranking = merged_ranking({"X": ("ratio_sum", "population", None)}, populations)
    wide = pd.DataFrame({"X": pd.Series(values)})
    affine = ranking.affine(wide).loc["X"]
    assert affine["intercept"] == pytest.approx(intercept) and affine["slope"] == pytest.approx(slope)
    assert ranking.unit == "can-tho" and ranking.n_units == 34 and ranking.region_size == 6
    # Others on the merged map: today 3.0 and 5.0 ahead of the merged city (2.55); one rank up
    # needs 3.0 on the merged map, i.e. own = (3.0 − intercept) / slope, rounded up at 2 decimals.
    own = pd.Series({"can-tho": 2.0, "x1": 0.0})
    merged_others = pd.Series({"m1": 3.0, "m2": 5.0, "m3": 1.0})
    mapped_today = intercept + slope * 2.0
    rows = thresholds(own, "can-tho", 1, comparison=merged_others, decimals=2, to_map=(intercept, slope),
                      today_rank=rank_among(merged_others, mapped_today, 1)).set_index("threshold")
    needed = np.ceil((3.0 - intercept) / slope * 100) / 100
    assert rows.at[ONE_RANK_UP, "today_rank"] == 3
    assert rows.at[ONE_RANK_UP, "needed_value"] == pytest.approx(needed)
    assert rank_among(merged_others, intercept + slope * needed, 1) == 2
    assert rank_among(merged_others, intercept + slope * (needed - 0.01), 1) == 3  # a step less falls short


def merged_ranking(rules: dict, populations: dict):
    """A RankingMap from 2024 to 2025 for can-tho with a hand-made framework and quantities."""
    from piilib.analysis.ranking_map import ranking_map
    from piilib.units import load_units

    framework = pd.DataFrame([{"code": code, "merge_rule": rule, "denominator": denominator or "none",
                               "merge_weight": weight} for code, (rule, denominator, weight) in rules.items()])
    units = load_units(2024)["unit"]
    quantities = pd.DataFrame({"unit": units, "quantity": "population",
                               "value": [populations.get(u, 1e6) for u in units]})
    return ranking_map(2024, "can-tho", framework, quantities)


def test_increments_in_words():
    assert count_unit("đơn/10.000 dân") == ("đơn", 10000.0)
    assert count_unit("đơn/xã") == ("đơn", 1.0)
    assert count_unit("%") is None and count_unit("tỷ đồng/doanh nghiệp") is None
    assert count_unit("điểm (0–10)") is None
    assert count_noun("Đơn đăng ký chỉ dẫn địa lý/Tổng số xã", "đơn") == "đơn đăng ký chỉ dẫn địa lý"
    assert count_noun("Chỉ số sản phẩm OCOP 4 sao trở lên/tổng số xã", "sản phẩm") == "sản phẩm OCOP 4 sao trở lên"
    # 0.021 applications per commune × 140 communes = 2.94 -> 3 whole applications.
    assert increment_count(0.021, "đơn/xã", 140) == 3
    assert increment_count(-0.5, "đơn/10.000 dân", 20_000) == -1
    text = increment_text(0.021, "đơn/xã", 3, 3, "đơn đăng ký chỉ dẫn địa lý")
    assert text == "+3 đơn đăng ký chỉ dẫn địa lý (+0,021 đơn/xã)"
    assert increment_text(-0.35, "%", 2) == "−0,35 điểm phần trăm"
    # A column of changes at one precision keeps its trailing zeros: "+0,01330" beside "+0,01386".
    assert increment_text(0.0133, "đơn/xã", 5) == "+0,01330 đơn/xã"
    assert increment_text(0, "%", 2) == "giữ nguyên (đã đạt)"
    # Below the shown precision: no "+0 điểm phần trăm" or "(+0 đơn/xã)".
    assert increment_text(0.003, "%", 2) == "gần như giữ nguyên"
    assert increment_text(0.00004, "đơn/xã", 3, 1, "đơn") == "+1 đơn"


# --------------------------------------------------------------------------- the PII tables


def synthetic_values(edition: int, provenance: str, seed: int = 7) -> pd.DataFrame:
    """Every province × indicator of an edition, drawn inside each indicator's typical range."""
    rng = np.random.default_rng(seed)
    units = load_units(edition)["unit"].tolist()
    rows = []
    for item in framework_indicators(edition).itertuples():
        low = item.assumed_typical_low if np.isfinite(item.assumed_typical_low) else 0.0
        high = item.assumed_typical_high if np.isfinite(item.assumed_typical_high) else low + 1
        draws = np.round(rng.uniform(low, high, len(units)), 4)
        rows += [(edition, u, item.code, v, provenance, "test") for u, v in zip(units, draws)]
    return pd.DataFrame(rows, columns=schema.LONG_COLUMNS)


@pytest.fixture(scope="module")
def synthetic_table():
    return target_table(synthetic_values(2024, schema.OFFICIAL), 2024, "can-tho")


@pytest.mark.parametrize("direction", [1, -1])
def test_whole_count_targets_are_whole_numbers_rounded_towards_better(direction):
    """1.1.1 counts policy fields (a whole count): with fractional values for the others (as
    projections or a careless file give), every needed value, target and increment is whole, and
    the needed value is the threshold rounded in the improving direction."""
    import dataclasses

    from piilib.framework import load_framework, whole_counts

    code = "1.1.1"
    assert whole_counts(2024)[code]
    framework = load_framework(2024)
    framework = framework.assign(direction=framework["direction"].where(framework["code"] != code, direction))
    values = synthetic_values(2024, schema.OFFICIAL)
    own = (values[schema.UNIT] == "can-tho") & (values[schema.INDICATOR] == code)
    values.loc[own, schema.VALUE] = 8.0
    plan = load_plan()
    plan = dataclasses.replace(plan, indicators=plan.indicators[plan.indicators["code"] == code])
    table = target_table(values, 2024, "can-tho", plan=plan, framework=framework)
    others = values.loc[(values[schema.INDICATOR] == code) & ~own, schema.VALUE]
    assert (others != others.round()).any()  # the thresholds themselves are fractional
    assert (table["decimals"] == 0).all()
    for column in ("needed_value", "target_value", "increment"):
        finite = table[column].dropna()
        assert len(finite) and (finite == np.round(finite)).all(), column
    found = table.dropna(subset=["threshold_value"])
    oriented_gap = direction * (found["needed_value"] - found["threshold_value"])
    assert ((oriented_gap >= 0) & (oriented_gap < 1)).all()


def test_one_row_per_plan_indicator_is_recommended(synthetic_table):
    plan = load_plan()
    chosen = recommended_targets(synthetic_table)
    assert chosen["indicator"].tolist() == plan.indicators["code"].tolist()
    lead = dict(zip(plan.indicators["code"], plan.indicators["lead_agency_key"]))
    assert all(lead[c] == k for c, k in zip(chosen["indicator"], chosen["lead_agency_key"]))
    # Without history or covariates: current basis only, no evidence.
    assert set(synthetic_table["basis"]) == {CURRENT}
    assert (chosen["threshold"] == MAINTAIN).all()
    assert chosen["rule"].isin([RULE_NO_EVIDENCE, RULE_REACHED]).all()
    assert chosen["evidence_model"].isna().all()


def _sheet_texts(sheet) -> list[str]:
    return [str(v) for row in sheet.iter_rows(values_only=True) for v in row if v is not None]


def test_workbook_structure(synthetic_table, tmp_path):
    plan = load_plan()
    path = write_workbook(synthetic_table, tmp_path / "targets.xlsx")
    book = load_workbook(path)
    agencies = list(dict.fromkeys(plan.indicators["lead_agency_key"]))
    assert book.sheetnames[:2] == [GUIDE_SHEET, SUMMARY_SHEET]
    assert len(book.sheetnames) == 2 + len(agencies)
    taken = {GUIDE_SHEET, SUMMARY_SHEET}
    for key, title in zip(agencies, book.sheetnames[2:]):
        expected = sheet_name(plan.agency_name(key), taken)
        taken.add(expected)
        assert title == expected and len(title) <= MAX_SHEET_NAME
        sheet = book[title]
        headers = [sheet.cell(HEADER_ROW, c).value for c in range(1, 11)]
        assert headers[:2] == ["Mã chỉ số", "Tên chỉ số"] and "Mục tiêu đề xuất" in headers
        assert sheet.freeze_panes == f"C{FIRST_DATA_ROW}"
        codes = [sheet.cell(r, 1).value for r in range(FIRST_DATA_ROW, FIRST_DATA_ROW + 20)]
        own = plan.indicators_led_by(key)["code"].tolist()
        assert codes[: len(own)] == own
        assert sheet.cell(FIRST_DATA_ROW, 2).alignment.wrap_text
        assert sheet.column_dimensions["B"].width >= 30
    assert book[SUMMARY_SHEET].freeze_panes == f"C{FIRST_DATA_ROW}"
    assert all(NOTICE_TEXT not in _sheet_texts(book[name]) for name in book.sheetnames)


def test_workbook_shows_the_notice_iff_illustrative(synthetic_table):
    illustrative = synthetic_table.assign(**{schema.PROVENANCE: schema.ILLUSTRATIVE})
    book = build_workbook(illustrative)
    assert all(NOTICE_TEXT in _sheet_texts(book[name]) for name in book.sheetnames)


def test_sheet_names_are_short_valid_and_unique():
    taken = set()
    first = sheet_name("Ngân hàng Nhà nước chi nhánh Khu vực 14 / Ngân hàng", taken)
    assert len(first) <= MAX_SHEET_NAME and "/" not in first and first.endswith("…")
    taken.add(first)
    second = sheet_name("Ngân hàng Nhà nước chi nhánh Khu vực 14 / Ngân hàng", taken)
    assert second != first and len(second) <= MAX_SHEET_NAME


# --------------------------------------------------------------------------- promises kept (bundled data)

needs_demo = pytest.mark.skipif(not (DEMO_DIR / "values.csv").is_file(), reason="data/demo not generated")


@pytest.fixture(scope="module")
def demo_table():
    values = load_demo_values(edition=2024)
    table = target_table(values, 2024, "can-tho", load_demo_history(), load_demo_covariates())
    return values, table


def _replaced(values: pd.DataFrame, unit: str, code: str, value: float) -> pd.DataFrame:
    rows = (values[schema.UNIT] == unit) & (values[schema.INDICATOR] == code)
    return values.assign(**{schema.VALUE: values[schema.VALUE].where(~rows, value)})


@needs_demo
def test_applying_targets_gives_the_promised_score_and_rank(demo_table):
    values, table = demo_table
    on_base_map = table[table["rank_map"] == "63"]
    checked = on_base_map[on_base_map["recommended"] | (on_base_map["indicator"].isin(["6.2.4", "4.1.2"])
                                                         & on_base_map["threshold"].isin([ONE_RANK_UP, NATIONAL_TOP]))]
    assert len(checked) >= 4
    index = "PII"
    for row in checked.itertuples():
        result = compute_pii(_replaced(values, "can-tho", row.indicator, row.target_value), 2024)
        assert result.scores.at["can-tho", row.indicator] == pytest.approx(row.score, abs=1e-9)
        assert result.scores.at["can-tho", index] == pytest.approx(row.pii, abs=1e-9)
        assert result.ranks.at["can-tho", index] == row.pii_rank
        others = values[(values[schema.INDICATOR] == row.indicator) & (values[schema.UNIT] != "can-tho")]
        better = (row.direction * (others[schema.VALUE] - row.target_value) > 0).sum()
        if row.basis == CURRENT:
            assert row.indicator_rank == 1 + better


def _quantities_of(year: int) -> pd.DataFrame:
    covariates = load_demo_covariates()
    rows = covariates[covariates[schema.YEAR] == year]
    return pd.DataFrame({"unit": rows[schema.UNIT], "quantity": rows[schema.COVARIATE], "value": rows[schema.VALUE]})


def _merged(values_2024: pd.DataFrame) -> pd.DataFrame:
    """2024 values on the map the 2025 edition ranks on, by the harmonisation itself: the base
    framework's rules and the former provinces' quantities of 2024, the 2025 edition's data year
    (the map's quantities, `ranking_map.map_quantities`)."""
    from piilib.harmonise import harmonise_to_merged

    return harmonise_to_merged(values_2024, framework_indicators(2024), _quantities_of(2024))


@needs_demo
def test_targets_on_the_merged_map_give_the_promised_pii_rank(demo_table):
    values, table = demo_table
    rows = table[(table["rank_map"] == "34") & table["recommended"] & table["indicator"].isin(["6.2.4", "4.1.2"])]
    assert len(rows) == 2
    for row in rows.itertuples():
        merged = _merged(_replaced(values, "can-tho", row.indicator, row.target_value))
        on_map = merged[schema.LONG_COLUMNS].assign(**{schema.EDITION: 2025})
        result = compute_pii(on_map, 2025, load_framework(2024))
        assert row.ranked_unit == "can-tho" and row.rank_map_units == 34 and row.rank_map_region_size == 6
        assert result.ranks.at["can-tho", "PII"] == row.pii_rank
        assert result.scores.at["can-tho", "PII"] == pytest.approx(row.pii, abs=1e-9)
        assert row.leaves_pii_rank_unchanged == (row.pii_rank == row.today_pii_rank)


def _check_one_rank_up_and_median(values: pd.DataFrame, table: pd.DataFrame, province: str) -> int:
    """Independently of the targets module: a row labelled one rank up gives a projected rank
    at most today's rank − 1 on its map; no recommendation lies below the trend's median."""
    history = load_demo_history()
    history = history[history[schema.YEAR] <= 2023]
    checked = 0
    rows = table[(table["threshold"] == ONE_RANK_UP) & (table["basis"] == PROJECTED) & ~table["reached"]]
    for row in rows.itertuples():
        series = history[history[schema.INDICATOR] == row.indicator]
        projections = project_all(series, 2024, multiplicative=[row.indicator]).set_index(schema.UNIT)["predicted"]
        current = values[values[schema.INDICATOR] == row.indicator].set_index(schema.UNIT)[schema.VALUE]
        projected = projections.reindex(current.index).fillna(current)
        if row.rank_map == "34":
            def merged_values(by_unit: pd.Series) -> pd.Series:
                frame = values[values[schema.INDICATOR] == row.indicator].assign(
                    **{schema.VALUE: lambda f: f[schema.UNIT].map(by_unit)})
                return _merged(frame).set_index(schema.UNIT)[schema.VALUE]
            walk_unit = row.ranked_unit
            today = merged_values(current)
            next_year = merged_values(projected.where(projected.index != province, row.target_value))
            today_rank = rank_among(today.drop(walk_unit), today[walk_unit], row.direction, 1e-9)
            new_rank = rank_among(next_year.drop(walk_unit), next_year[walk_unit], row.direction, 1e-9)
        else:
            today_rank = rank_among(current.drop(province), current[province], row.direction)
            new_rank = rank_among(projected.drop(province), row.target_value, row.direction)
        assert today_rank == row.today_rank, (province, row.indicator)
        assert new_rank <= today_rank - 1 and new_rank == row.indicator_rank, (province, row.indicator)
        checked += 1
    chosen = recommended_targets(table)
    with_trend = chosen[chosen["trend_predicted"].notna()]
    gap = with_trend["direction"] * (with_trend["target_value"] - with_trend["trend_predicted"])
    assert (gap >= -1e-12).all()
    assert not chosen["delivered_by_trend"].any()
    return checked


@needs_demo
def test_one_rank_up_improves_the_projected_rank_on_the_next_map(demo_table):
    values, table = demo_table
    assert _check_one_rank_up_and_median(values, table, "can-tho") >= 10
    assert set(table.loc[table["basis"] == PROJECTED, "rank_map"]) == {"34", "63"}  # 63: not combinable


@needs_demo
@pytest.mark.slow
@pytest.mark.parametrize("province", ["kien-giang", "ha-noi"])  # kien-giang: ranked as merged an-giang
def test_one_rank_up_property_over_provinces(province):
    values = load_demo_values(edition=2024)
    table = target_table(values, 2024, province, load_demo_history(), load_demo_covariates())
    assert _check_one_rank_up_and_median(values, table, province) >= 1
    projected = table[table["basis"] == PROJECTED]
    labelled = projected[(projected["threshold"] == ONE_RANK_UP) & ~projected["reached"]]
    assert (labelled["indicator_rank"] <= labelled["today_rank"] - 1).all()


@needs_demo
def test_thresholds_reached_when_applied(demo_table):
    values, table = demo_table
    current = table[table["basis"] == CURRENT]
    for row in current.itertuples():
        others = values[(values[schema.INDICATOR] == row.indicator) & (values[schema.UNIT] != "can-tho")]
        target = row.direction * row.target_value
        if row.threshold == ONE_RANK_UP and row.current_rank > 1:
            assert row.indicator_rank == row.current_rank - 1
        elif row.threshold == NATIONAL_TOP:
            assert row.indicator_rank <= 10
        elif row.threshold == NATIONAL_MEDIAN:
            assert target >= row.direction * np.median(others[schema.VALUE]) - 1e-12
    inverse = table[(table["indicator"] == "4.1.2") & ~table["reached"] & table["threshold"].isin(THRESHOLDS)]
    assert len(inverse) and (inverse["increment"] < 0).all() and (inverse["score_change"] > 0).all()
    assert table.groupby("indicator")["recommended"].sum().eq(1).all()


def test_structural_covariates_of_the_data_year_on_the_same_map():
    units = {"A", "B"}
    rows = [(year, unit, name, value) for year in (2022, 2023) for unit, scale in (("A", 1.0), ("B", 2.0))
            for name, value in (("grdp_per_capita", 50 * scale), ("population", 1e6 * scale),
                                ("urbanisation", 30 * scale))]
    covariates = pd.DataFrame(rows, columns=[schema.YEAR, schema.UNIT, schema.COVARIATE, schema.VALUE])
    wide = structural_covariates(covariates, 2023, units)
    assert list(wide.columns) == ["log_grdp_per_capita", "log_population", "urbanisation"]
    assert wide.at["B", "log_population"] == pytest.approx(np.log(2e6))
    assert structural_covariates(covariates, 2021, units) is None  # no row of that year
    assert structural_covariates(covariates, 2023, {"A"}) is None  # B is not on the edition's map


# --------------------------------------------------------------------------- one next-edition map


@needs_demo
def test_the_ranking_map_is_the_harmonisation_with_the_base_editions_rules():
    """The one map (analysis/ranking_map.py) carries values as harmonise_to_merged does with the
    2024 rules (the rules the 2024 values are defined with), and the province's affine merged
    value is the harmonisation evaluated at two own values; the bundle merges with the same rules."""
    from piilib.analysis.ranking_map import ranking_map
    from piilib.bundle import load_bundle
    from piilib.harmonise import harmonise_to_merged

    values = load_demo_values(edition=2024)
    quantities = _quantities_of(2024)  # the 2025 edition's data year
    rules = framework_indicators(2024)
    ranking = ranking_map(2024, "can-tho", rules, quantities)
    wide = values.pivot(index=schema.UNIT, columns=schema.INDICATOR, values=schema.VALUE)
    expected = _merged(values).pivot(index=schema.UNIT, columns=schema.INDICATOR, values=schema.VALUE)
    carried = ranking.carry(wide)
    np.testing.assert_allclose(carried.loc[expected.index, expected.columns], expected, rtol=1e-12)
    affine = ranking.affine(wide)
    for own in (0.0, 3.0):
        probe = values.assign(**{schema.VALUE: values[schema.VALUE].where(values[schema.UNIT] != "can-tho", own)})
        merged = harmonise_to_merged(probe, rules, quantities).set_index([schema.UNIT, schema.INDICATOR])[schema.VALUE]
        np.testing.assert_allclose((affine["intercept"] + affine["slope"] * own).to_numpy(),
                                   merged.loc["can-tho"].reindex(affine.index).to_numpy(), rtol=1e-12)
    assert affine.loc["6.2.4", "slope"] > 0 and np.isnan(affine["slope"]).any()  # not combinable: NaN
    # The bundle harmonises 2024 values with the same (2024) rules: 6.2.4 by communes, not population.
    bundle = load_bundle(DEMO_DIR, 2024)
    on_map, harmonised = bundle.values_on_map(2024, 2025)
    by_2024 = harmonise_to_merged(bundle.values_of(2024), rules, bundle._quantities(2023, 2024))
    by_2025 = harmonise_to_merged(bundle.values_of(2024), framework_indicators(2025), bundle._quantities(2023, 2024))
    pick = [schema.UNIT, schema.INDICATOR]
    got = on_map.set_index(pick)[schema.VALUE].loc[("can-tho", "6.2.4")]
    assert harmonised and got == pytest.approx(by_2024.set_index(pick)[schema.VALUE].loc[("can-tho", "6.2.4")])
    assert got != pytest.approx(by_2025.set_index(pick)[schema.VALUE].loc[("can-tho", "6.2.4")])


@needs_demo
def test_stacked_recomputation_equals_the_engine_replay():
    """Recomputer.prefetch (every value of an indicator on one stack, the PII's treat,
    normalise, aggregate) gives the outcome of build_index replayed value by value."""
    from piilib.analysis.levers import replay_with_values
    from piilib.pii import to_idata

    values = load_demo_values(edition=2024)
    result, idata = compute_pii(values, 2024), to_idata(values, 2024, load_framework(2024))
    regions = dict(zip(load_units(2024)["unit"], load_units(2024)["region"]))
    stacked = Recomputer(result, idata, "can-tho", regions)
    assert stacked._replay is not None
    code = "4.2.3"
    trials = [0.5, 1.7, 2.9, 6.0]
    stacked.prefetch(code, trials)
    for value in trials:
        replayed = replay_with_values(result, idata, "can-tho", {code: value})
        got = stacked.outcome(code, value)
        assert got["pii"] == pytest.approx(float(replayed.scores.at["can-tho", "PII"]), abs=1e-9)
        assert got["score"] == pytest.approx(float(replayed.scores.at["can-tho", code]), abs=1e-9)
        assert got["pii_rank"] == int(replayed.ranks.at["can-tho", "PII"])
        members = [u for u in replayed.scores.index if regions[u] == regions["can-tho"] and u != "can-tho"]
        assert got["pii_region_rank"] == 1 + int((replayed.scores.loc[members, "PII"] > got["pii"]).sum())


@needs_demo
@pytest.mark.parametrize("edition", [2024, 2025])  # 63 -> 34 merged; already on 34 (2025 -> 2026)
def test_targets_and_outlook_rank_the_base_edition_on_one_next_map(edition, demo_table):
    """Headline numbers agree: the base edition's PII of the province on the next edition's map
    is one number in the targets (today's PII on the row's map, every projected row ranked on
    the next map) and in the outlook (`base_index_on_map`, the combined scenario's 'before'),
    because both merge with the one map of the bundle (quantities of the next data year)."""
    from piilib.analysis.outlook import bundle_inputs, bundle_outlook
    from piilib.analysis.targets import bundle_targets
    from piilib.bundle import load_bundle
    from piilib.units import era

    bundle = load_bundle(DEMO_DIR, edition)
    table = bundle_targets(bundle, edition, "can-tho")
    on_next_map = table[(table["basis"] == PROJECTED) & (table["rank_map"] == era(edition + 1))]
    assert len(on_next_map) >= 10
    from_targets = on_next_map["pii"] - on_next_map["pii_change"]
    result = bundle_outlook(bundle, edition, "can-tho", draws=50, seed=1)
    assert result.unit == on_next_map["ranked_unit"].iloc[0] and result.n_units == on_next_map["rank_map_units"].iloc[0]
    np.testing.assert_allclose(from_targets.to_numpy(dtype=float), result.base_index_on_map, rtol=0, atol=1e-9)
    assert (on_next_map["today_pii_rank"] == result.base_rank_on_map).all()
    # One object: the outlook's map is the bundle's map (columns in the index's order).
    from piilib.analysis.ranking_map import bundle_unit_map

    unit_map = bundle_unit_map(bundle, edition)
    assert bundle_inputs(bundle, edition).unit_map.weights is unit_map.weights or not unit_map.merged
    if edition == 2024:
        # The map's quantities are those of 2024, the 2025 edition's data year (not 2023's): the
        # weights of a ratio by population are the former provinces' 2024 population shares.
        covariates = load_demo_covariates()
        population = covariates[(covariates[schema.YEAR] == 2024) & (covariates[schema.COVARIATE] == "population")]
        population = population.set_index(schema.UNIT)[schema.VALUE]
        formers = [u for u in unit_map.base_units if unit_map.unit_of(u) == "can-tho"]
        by_population = [c for c in unit_map.indicators
                         if framework_indicators(2024).set_index("code").at[c, "denominator"] == "population"]
        assert formers and by_population
        column = unit_map.columns_of(by_population[:1])[0]
        rows = [unit_map.base_units.index(u) for u in formers]
        np.testing.assert_allclose(unit_map.weights[rows, column], population[formers] / population[formers].sum(),
                                   rtol=1e-12)
        # target_table on tidy covariates of every year finds the same map (no bundle needed).
        _, direct = demo_table
        direct = direct[(direct["basis"] == PROJECTED) & (direct["rank_map"] == "34")]
        np.testing.assert_allclose((direct["pii"] - direct["pii_change"]).to_numpy(dtype=float),
                                   result.base_index_on_map, rtol=0, atol=1e-9)


def test_a_row_already_reached_ranks_as_todays_value_among_the_bases_values():
    """Two rankings the chapter tells apart (4.1.4: "hạng hiện nay 9" in the caption, rank 8 on
    the rows already reached): today's rank ranks every province's current value; a row ranks
    its value among the others' values of its basis, their forecasts on the projected basis.
    `kept_rank` is the second for today's value: the rank of every row already reached."""
    from piilib.report import agencies
    from piilib.report.editions import load_edition_bundle

    table = agencies.plan_targets(load_edition_bundle("data/demo", 2024), 2024, "can-tho")
    reached = table[table["reached"].astype(bool)]
    assert len(reached) and (reached["indicator_rank"] == reached["kept_rank"]).all()
    assert (reached["indicator_region_rank"] == reached["kept_region_rank"]).all()
    current = table[table["basis"] == CURRENT]
    assert (current["kept_rank"] == current["today_rank"]).all()  # the same values: one ranking
    projected = table[table["basis"] == PROJECTED]
    assert (projected["kept_rank"] != projected["today_rank"]).any()  # the case the caption explains


def test_a_threshold_already_reached_shows_the_chance_the_trend_keeps_it():
    """A reached threshold's target is today's value, which a flat trend reaches about half the
    time ("đã đạt", 50 %: a contradiction to a reader); its shown probability is the chance the
    trend keeps the province at or beyond the threshold, by hand from the same trend."""
    from piilib.analysis.targets import trend_probability_shown
    from piilib.report import agencies
    from piilib.report.editions import load_edition_bundle

    table = agencies.plan_targets(load_edition_bundle("data/demo", 2024), 2024, "can-tho")
    table = table[table["threshold"].isin(THRESHOLDS) & table["p_reach_trend"].notna()]
    reached = table[table["reached"].astype(bool) & np.isfinite(table["needed_value"].astype(float))]
    assert len(reached) > 10
    for _, row in reached.iterrows():
        # The needed value is no harder than today's value, so keeping it is at least as likely.
        assert row["p_hold_trend"] >= row["p_reach_trend"] - 1e-12
        assert trend_probability_shown(row) == (row["p_hold_trend"], True)
    # One trend per indicator: an easier threshold is at least as likely to be kept, and one at
    # or below the indicator's lower bound (a merged map can ask for less than zero) is certain.
    for _, rows in reached.groupby("indicator"):
        ordered = rows.assign(ease=-rows["direction"] * rows["needed_value"]).sort_values("ease")
        assert (np.diff(ordered["p_hold_trend"].to_numpy(dtype=float)) >= -1e-12).all()
    below = reached[(reached["direction"] > 0) & (reached["needed_value"] <= reached["lower_bound"])]
    assert len(below) and (below["p_hold_trend"] == 1.0).all()
    not_reached = table[~table["reached"].astype(bool)]
    assert all(trend_probability_shown(row) == (row["p_reach_trend"], False) for _, row in not_reached.iterrows())
    assert not_reached["p_hold_trend"].isna().all()
