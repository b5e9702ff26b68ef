"""The report's chapter analyses on the bundled data (piilib.report.overview, .goals, .agencies,
.levers, .methodology and the indicator context): facts consistent with the engine, the plan and
the framework computed independently; Vietnamese phrasing helpers and escaping checked by hand."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from piilib import schema
from piilib.bundle import load_bundle
from piilib.demo import DEMO_DIR
from piilib.framework import indicators, load_framework
from piilib.pii import scores_for_edition
from piilib.plan import load_plan
from piilib.units import load_units
import datetime

from piilib import paths
from piilib.report import agencies, editions, goals, levers, methodology, overview, text
from piilib.report.markup import escape_markdown

PROVINCE = "can-tho"
EDITION = 2024

pytestmark = pytest.mark.skipif(not (DEMO_DIR / "values.csv").is_file(), reason="bundled data not generated")


@pytest.fixture(scope="module")
def scores():
    return scores_for_edition(EDITION)  # the engine on the bundled data, without the context module


def _pii_row(scores_frame, unit=PROVINCE):
    return scores_frame[(scores_frame[schema.UNIT] == unit) & (scores_frame["kind"] == "index")].iloc[0]


@pytest.fixture(scope="module")
def bundle():
    return editions.load_edition_bundle(str(DEMO_DIR), str(EDITION))


@pytest.fixture(scope="module")
def current(bundle):
    return editions.edition_result(bundle, EDITION)


# --- text helpers --------------------------------------------------------------------------

def test_numbers_are_written_the_vietnamese_way():
    assert text.number(1234.5) == "1.234,5"
    assert text.number(0.25, 2) == "0,25"
    assert text.number(-0.001, 1) == "0,0"  # no "-0,0"
    assert text.number(float("nan")) == "–"
    assert text.integer(8718000) == "8.718.000"
    assert text.signed(0.31) == "+0,31"
    assert text.signed(-1.5) == "−1,50"  # U+2212, as in every table and sentence
    assert text.signed(0.001) == "0,00"
    assert text.percent(0.853) == "85%"
    assert text.percent(0.8534, 1) == "85,3%"
    assert text.with_unit("4,55", "%") == "4,55%"
    assert text.with_unit("0,0064", "đơn/xã") == "0,0064 đơn/xã"


def test_vietnamese_phrases():
    assert text.rank_phrase(7, 63) == "thứ 7/63"
    assert text.rank_phrase(None, 63) == "chưa xếp hạng"
    assert text.rank_fraction(7, 63) == "7/63"
    assert text.rank_change_phrase(9, 7) == "tăng 2 bậc (từ thứ 9 lên thứ 7)"
    assert text.rank_change_phrase(7, 8) == "giảm 1 bậc (từ thứ 7 xuống thứ 8)"
    assert text.rank_change_phrase(7, 7) == "giữ nguyên thứ 7"
    assert text.join_phrases(["A", "B", "C"]) == "A, B và C"
    assert text.join_phrases(["A"]) == "A"
    # An inverse indicator: a higher value is worse.
    assert text.comparison_phrase(5.0, 4.0, direction=-1, decimals=1, unit="%") == "cao hơn 1,0 % (kém hơn)"
    assert text.comparison_phrase(3.0, 4.0, direction=1) == "thấp hơn 1,0 (kém hơn)"
    assert text.direction_phrase(-1).startswith("giá trị càng thấp càng tốt")
    assert text.bullet_list(["Làm A", "+ chi tiết"]) == "- Làm A\n  - chi tiết"


def test_change_and_verdict_phrases():
    assert text.change_phrase(1.234) == "tăng 1,23 điểm"
    assert text.change_phrase(-3.41) == "giảm 3,41 điểm"
    assert text.change_phrase(0.004) == "không đổi"  # rounds to zero at the shown precision
    assert text.change_phrase(-0.5, 1, "điểm phần trăm") == "giảm 0,5 điểm phần trăm"
    assert text.change_phrase(float("nan")) == "chưa so sánh được"
    assert text.verdict_label(True) == "Đạt"
    assert text.verdict_label(False) == "Chưa đạt"
    assert text.verdict_label(pd.NA) == "–"


def test_rank_band_sentence_turns_wide_at_five_places():
    assert "khá vững" in text.rank_band_sentence(6, 10)
    assert "rộng" in text.rank_band_sentence(6, 11)


def test_outlook_phrases_state_the_map_region_and_error():
    assert text.map_phrase(34) == "trên 34 tỉnh, thành phố"
    assert text.region_phrase("Đồng bằng sông Cửu Long", 6) == "vùng Đồng bằng sông Cửu Long gồm 6 tỉnh, thành phố"
    assert text.rank_band(9, 18) == "từ thứ 9 đến thứ 18"
    assert text.rank_band(7, 7) == "thứ 7"
    assert text.monte_carlo_error(0.00531) == "±0,5 điểm phần trăm"
    merged = text.map_change_sentence(True, 2024, 2025, 34, 63, "Cần Thơ", ["Sóc Trăng", "Hậu Giang"], 14)
    assert "34 tỉnh, thành phố sau sáp nhập" in merged and "không phải 63" in merged
    assert "hợp nhất với Sóc Trăng và Hậu Giang" in merged and "thứ 14/34" in merged
    same = text.map_change_sentence(False, 2025, 2026, 34, 34, "Cần Thơ", [], 15)
    assert "sáp nhập" not in same and "thứ 15/34" in same
    assert "xác nhận" in text.goal_path_verdict(True, True)
    assert "sát dưới ngưỡng" in text.goal_path_verdict(True, False)
    assert "ngoài tầm với" in text.goal_path_verdict(False, False)
    assert "chưa chắc chắn" in text.interval_width_sentence(0.3)
    assert "khá chắc chắn" in text.interval_width_sentence(0.29)
    assert text.interval_width_sentence(float("nan")) == ""


def test_measured_values_shorten_and_dates():
    assert text.measured(27.4712) == "27,47"
    assert text.measured(0.00423) == "0,0042"  # two significant digits below 1
    assert text.measured(0) == "0,00"
    assert text.measured(None) == "–"
    assert text.shorten("abcdef", 4) == "abc…"
    assert text.shorten("abc", 4) == "abc"
    assert text.date_vi(datetime.date(2025, 7, 15)) == "15/07/2025"


def test_paths_resolve_against_the_repository(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert paths.repo_path("data/demo") == paths.REPO_ROOT / "data" / "demo"
    assert paths.repo_path(tmp_path / "x") == tmp_path / "x"
    # A build passes "." and runs the chapter in its own directory: artefacts go there.
    assert paths.output_directory(".") == tmp_path
    # The default, wherever Jupyter runs (notebooks/ included): never into notebooks/.
    assert paths.output_directory("") == paths.INTERACTIVE_DIR
    monkeypatch.chdir(paths.REPO_ROOT / "notebooks")
    assert paths.output_directory("") == paths.INTERACTIVE_DIR
    assert paths.output_directory(tmp_path / "out") == tmp_path / "out" and (tmp_path / "out").is_dir()


# --- data note ----------------------------------------------------------------------------

def test_data_note_says_which_data_are_illustrative(tmp_path):
    assert "minh họa" in editions.data_note(load_bundle(DEMO_DIR), EDITION)
    values = pd.read_csv(DEMO_DIR / "values.csv").assign(provenance=schema.OFFICIAL)
    values.to_csv(tmp_path / "values.csv", index=False)
    assert editions.data_note(load_bundle(tmp_path), EDITION) == ""
    # Official values with illustrative history: the note names the history, not the values.
    shutil.copy(DEMO_DIR / "history.csv", tmp_path / "history.csv")
    note = editions.data_note(load_bundle(tmp_path), EDITION)
    assert "chuỗi số liệu theo năm là số liệu minh họa" in note and "giá trị các chỉ số" not in note


# --- overview ------------------------------------------------------------------------------

def test_position_is_the_engines_score_and_rank(current, scores):
    pii = _pii_row(scores)
    place = overview.position(current, PROVINCE)
    assert (place.score, place.rank, place.n_units) == (pytest.approx(pii["score"]), int(pii["rank"]), int(pii["n_units"]))
    region = scores[(scores["kind"] == "index") & (scores["region"] == pii["region"])]
    assert place.region_rank == int((region["score"] > pii["score"]).sum()) + 1
    assert place.region_size == len(region)


def test_published_rank_is_set_beside_the_computed_one(current, scores):
    from piilib.reference import trusted_facts

    facts = trusted_facts()
    fact = facts[(facts[schema.EDITION] == EDITION) & (facts[schema.UNIT] == PROVINCE)].iloc[0]
    table = overview.published_comparison(current, PROVINCE).set_index("measure")
    assert table.at["rank", "published"] == fact["rank"]
    assert table.at["rank", "computed"] == _pii_row(scores)["rank"]
    assert fact["source_url"] in overview.published_sources(EDITION, PROVINCE)
    assert overview.published_sources(2019, PROVINCE) == []


def test_efficiency_is_output_over_input(current, scores):
    subs = overview.sub_indices(current, PROVINCE).set_index("code")
    own = scores[(scores[schema.UNIT] == PROVINCE) & (scores["kind"] == "sub_index")].set_index("element")["score"]
    input_code, output_code = list(own.index)[0], list(own.index)[-1]
    assert subs.at["efficiency", "score"] == pytest.approx(own[output_code] / own[input_code])


def test_trajectory_has_every_edition_with_the_engines_ranks(bundle):
    trajectory = overview.trajectory(bundle, EDITION, PROVINCE).set_index("edition")
    for edition in (2023, 2024):
        pii = _pii_row(scores_for_edition(edition))
        assert trajectory.at[edition, "rank"] == int(pii["rank"])
        assert trajectory.at[edition, "score"] == pytest.approx(pii["score"])
    assert set(trajectory["series"]) == {overview.CURRENT_MAP}  # no merger before 2025


def test_pillar_profile_and_rank_history_are_the_engines(bundle, current, scores):
    profile = overview.pillar_profile(current, PROVINCE)
    pillars = scores[scores["kind"] == "pillar"]
    assert len(profile) == pillars["element"].nunique()
    first = profile.iloc[0]
    assert first["national_median"] == pytest.approx(pillars.loc[pillars["element"] == first["code"], "score"].median())
    history = overview.pillar_rank_history(bundle, EDITION, PROVINCE)
    own = pillars[pillars[schema.UNIT] == PROVINCE]
    assert list(history[EDITION]) == list(own["rank"].astype(float))
    assert list(history.columns) == [2023, 2024]


def test_goals_are_judged_against_the_rank(bundle, scores):
    rank = int(_pii_row(scores)["rank"])
    table = goals.goal_table(bundle, EDITION, PROVINCE, pd.Series({2023: 5, 2024: rank}))
    plan = load_plan()
    top = plan.goals[(plan.goals["target_kind"] == "rank_at_most") & (plan.goals["target_scope"] == "national")].iloc[0]
    national = table[table["kind"] == goals.NATIONAL].iloc[0]
    assert national["goal"] == top["text_vi"].rstrip(";. ")
    assert bool(national["reached"]) == (rank <= top["target_value"])
    assert 0 <= national["p_trend"] <= 1 and 0 <= national["p_targets"] <= 1
    assert table.loc[table["kind"] == goals.QUALITATIVE, "reached"].isna().all()


def test_goals_of_the_next_edition_are_on_its_map(bundle):
    """2024 -> 2025: the probabilities are on the merged map, and "not worse than 2024" compares
    with 2024's own values ranked on that map (the outlook's base_rank_on_map)."""
    from piilib.analysis.outlook import TREND

    outlook = goals.province_outlook(bundle, EDITION, PROVINCE)
    assert outlook.merged and outlook.n_units == len(load_units(EDITION + 1))
    table = goals.goal_table(bundle, EDITION, PROVINCE, pd.Series({EDITION: 7}))
    not_worse = table[table["kind"] == goals.NOT_WORSE].iloc[0]
    assert not_worse["next_reference_rank"] == outlook.base_rank_on_map
    assert not_worse["next_of"] == outlook.n_units
    expected = outlook.rank_distribution.loc[:outlook.base_rank_on_map, TREND].sum()
    assert not_worse["p_trend"] == pytest.approx(expected)
    region = table[table["kind"] == goals.REGION].iloc[0]
    assert region["next_of"] == outlook.n_region
    assert region["p_trend"] == pytest.approx(outlook.probability(TREND, "region"))
    assert goals.merger_partners(PROVINCE) and PROVINCE not in goals.merger_partners(PROVINCE)


def test_correlation_sweep_includes_the_estimate_and_matches_the_outlook(bundle):
    from piilib.analysis.outlook import SWEEP_CORRELATIONS, TREND

    outlook = goals.province_outlook(bundle, EDITION, PROVINCE)
    sweep = goals.correlation_sweep(bundle, EDITION, PROVINCE)
    on_trend = sweep[sweep["scenario"] == TREND]
    assert set(SWEEP_CORRELATIONS) <= set(on_trend["province_correlation"])
    estimate = on_trend[on_trend["estimated"]].iloc[0]
    assert estimate["province_correlation"] == outlook.province_correlation
    # Same seed, draws and correlations as the outlook: the same simulated probability.
    assert estimate["p_top"] == pytest.approx(outlook.probability(TREND, "top"))


def test_goal_path_names_the_plans_lead_agency(bundle):
    path = goals.goal_path(bundle, EDITION, PROVINCE)
    plan = load_plan()
    lead = dict(zip(plan.indicators["code"], plan.indicators["lead_agency_key"].map(plan.agency_name)))
    for row in path.improvements.itertuples():
        assert row.lead_agency == lead.get(row.indicator, "")
        assert 0 < row.effort_sd <= path.max_effort
    assert path.confirmed <= path.reached


def test_plan_indicator_ranks_follow_the_plan(current, scores):
    ranks = overview.plan_indicator_ranks(current, PROVINCE)
    plan = load_plan()
    assert list(ranks["code"]) == list(plan.indicators["code"])
    own = scores[scores[schema.UNIT] == PROVINCE].set_index("element")
    assert list(ranks["rank"]) == [float(own.at[c, "rank"]) for c in ranks["code"]]


# --- agencies, levers, methodology ---------------------------------------------------------

def test_agencies_cover_every_plan_indicator_under_its_lead(bundle, tmp_path):
    plan = load_plan()
    chosen = agencies.recommended_targets(bundle, EDITION, PROVINCE)
    assert sorted(chosen["indicator"]) == sorted(plan.indicators["code"])
    leads = dict(zip(plan.indicators["code"], plan.indicators["lead_agency_key"]))
    assert all(leads[code] == key for code, key in zip(chosen["indicator"], chosen["lead_agency_key"]))
    assert set(agencies.lead_agencies()) == set(plan.indicators["lead_agency_key"])
    workbook = agencies.write_agency_workbook(bundle, EDITION, PROVINCE, tmp_path)
    assert workbook == tmp_path / agencies.WORKBOOK_NAME.format(edition=EDITION, province=PROVINCE)
    assert workbook.is_file()
    assert agencies.deadline_date(EDITION) == plan.deadline.date_for(EDITION + 1)


def test_the_change_a_target_asks_is_at_the_indicators_precision_with_its_sign():
    def row(current, target, direction=1, count=None, noun=None, unit="%", reached=False):
        return pd.Series({"current_value": current, "target_value": target, "direction": direction,
                          "increment_count": pd.NA if count is None else count, "count_noun": noun,
                          "unit_label": unit, "reached": reached})

    # 39,69 -> 42,2768 at one decimal: the target is rounded up to 42,3, the change 42,3 − 39,7.
    assert agencies.change_text(row(39.69, 42.2768), 1) == "+2,6 điểm phần trăm"
    # Lower is better: the target is rounded down (never short), the change is a decrease.
    assert agencies.change_text(row(0.8, 0.7349, direction=-1, unit="%GRDP"), 2) == "−0,07 %GRDP"
    # A count is whole, with its sign; a decrease of a count reads as one.
    assert agencies.change_text(row(0.0042, 0.0064, count=2, noun="đơn đăng ký", unit="đơn/xã"), 4) == "+2 đơn đăng ký"
    assert agencies.change_text(row(5.0, 3.0, direction=-1, count=-2, noun="vụ", unit="vụ"), 0) == "−2 vụ"
    # Nothing to change once reached; a change below the indicator's precision says so.
    assert agencies.change_text(row(10.0, 10.0, unit="số lĩnh vực", reached=True), 0) == "giữ nguyên"
    assert agencies.change_text(row(0.158, 0.16), 2) == "gần như giữ nguyên"
    # Never short of the target: 0,16281 is shown as 0,17, the change as +0,01 (not +0,00281).
    assert agencies.shown_target(row(0.16, 0.16281), 2) == 0.17
    assert agencies.change_text(row(0.16, 0.16281), 2) == "+0,01 điểm phần trăm"


def test_levers_cover_all_indicators_and_the_rank_band_holds_the_median(current, scores):
    table = levers.levers(current, PROVINCE)
    assert len(table) == len(indicators(load_framework(EDITION)))
    assert table["median_gain"].is_monotonic_decreasing
    assert set(table.loc[table["in_plan"], "indicator"]) == set(load_plan().indicators["code"])
    robust = levers.rank_robustness(current, PROVINCE, n=100)
    assert robust.nominal == int(_pii_row(scores)["rank"])
    assert robust.q05 <= robust.median <= robust.q95
    assert robust.shares.sum() == pytest.approx(1.0)


def test_framework_uncertainty_widens_the_rank_band_and_sensitivity_has_intervals(current):
    robust = levers.framework_robustness(current, PROVINCE, n=200)
    assert robust.method.nominal == robust.full.nominal
    assert {"exclusion", "placement"} <= set(robust.full.varied)
    assert not {"exclusion", "placement"} & set(robust.method.varied)
    assert robust.n_provisional == len(methodology.provisional_codes(EDITION))
    rows = levers.sensitivity(current, PROVINCE, n=100)
    assert set(rows["assumption"]) == set(robust.full.varied)
    assert (rows["ci_low"] <= rows["ci_high"]).all()


def test_methodology_counts_official_and_provisional_codes(bundle, current):
    framework = indicators(load_framework(EDITION))
    provisional = methodology.provisional_codes(EDITION)
    assert len(provisional) == int((framework["code_status"] == "provisional").sum())
    assert provisional.attrs["total"] == len(framework)
    assert "values.csv" in set(methodology.data_files(bundle)["file"])
    assert methodology.provenance_summary(current)["values"].sum() == len(current.values)
    log = methodology.method_log(current)
    assert list(log["step"]) == [entry["step"] for entry in current.result.log]
    # Every parameter and method has a label for the reader; min–max shows no mean and sd.
    parameters = {k: v for entry in log["parameters"] for k, v in entry.items()}
    assert set(parameters) <= set(methodology.PARAMETER_LABELS)
    assert parameters["method"] in methodology.METHOD_LABELS
    normalise = log.loc[log["step"] == "normalise", "parameters"].iloc[0]
    assert normalise["method"] == "minmax" and not {"mean", "sd"} & set(normalise)
    assert methodology.data_label(bundle) == "data/demo"
    assert methodology.harmonised_editions(bundle, EDITION) == []
    assert methodology.merge_rules(EDITION)["n"].sum() == len(framework)
