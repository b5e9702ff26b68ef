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
    assert text.signed(-1.5) == "-1,50"
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


def test_increment_is_a_whole_count_when_the_indicator_counts():
    row = pd.Series({"increment_count": 2, "count_noun": "đơn đăng ký", "increment_text": "+0,0002 đơn/xã"})
    assert agencies.increment_text(row) == "+2 đơn đăng ký"
    row["increment_count"] = pd.NA
    assert agencies.increment_text(row) == "+0,0002 đơn/xã"


def test_levers_cover_all_indicators_and_the_rank_band_holds_the_median(current, scores):
    table = levers.levers(current, PROVINCE)
    assert len(table) == len(indicators(load_framework(EDITION)))
    assert table["median_gain"].is_monotonic_decreasing
    assert set(table.loc[table["in_plan"], "indicator"]) == set(load_plan().indicators["code"])
    robust = levers.rank_robustness(current, PROVINCE, n=100)
    assert robust.nominal == int(_pii_row(scores)["rank"])
    assert robust.q05 <= robust.median <= robust.q95
    assert robust.shares.sum() == pytest.approx(1.0)


def test_methodology_counts_official_and_provisional_codes(bundle, current):
    framework = indicators(load_framework(EDITION))
    provisional = methodology.provisional_codes(EDITION)
    assert len(provisional) == int((framework["code_status"] == "provisional").sum())
    assert provisional.attrs["total"] == len(framework)
    assert "values.csv" in set(methodology.data_files(bundle)["file"])
    assert methodology.provenance_summary(current)["values"].sum() == len(current.values)
    assert list(methodology.method_log(current)["step"]) == [entry["step"] for entry in current.result.log]
    assert methodology.data_label(bundle) == "data/demo"
    assert methodology.harmonised_editions(bundle, EDITION) == []
    assert methodology.merge_rules(EDITION)["n"].sum() == len(framework)
