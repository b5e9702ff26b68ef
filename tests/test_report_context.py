"""Chapter contexts on the bundled data: facts consistent with the engine, the plan and the
framework computed independently; Vietnamese phrasing helpers checked by hand."""

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
from piilib.report import context, text

PROVINCE = "can-tho"
EDITION = 2024

pytestmark = pytest.mark.skipif(not (DEMO_DIR / "values.csv").is_file(), reason="bundled data not generated")


@pytest.fixture(scope="module")
def scores():
    return scores_for_edition(EDITION)  # the engine on the bundled data, without the context module


def _pii_row(scores_frame, unit=PROVINCE):
    return scores_frame[(scores_frame[schema.UNIT] == unit) & (scores_frame["kind"] == "index")].iloc[0]


@pytest.fixture(scope="module")
def overview():
    return context.overview_context(str(EDITION), PROVINCE, str(DEMO_DIR))


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


# --- data note ----------------------------------------------------------------------------

def test_data_note_says_which_data_are_illustrative(tmp_path):
    assert "minh họa" in context._data_note(load_bundle(DEMO_DIR), EDITION)
    values = pd.read_csv(DEMO_DIR / "values.csv").assign(provenance=schema.OFFICIAL)
    values.to_csv(tmp_path / "values.csv", index=False)
    assert context._data_note(load_bundle(tmp_path), EDITION) == ""
    # Official values with illustrative history: the note names the history, not the values.
    shutil.copy(DEMO_DIR / "history.csv", tmp_path / "history.csv")
    note = context._data_note(load_bundle(tmp_path), EDITION)
    assert "chuỗi số liệu theo năm là số liệu minh họa" in note and "giá trị các chỉ số" not in note


# --- overview ------------------------------------------------------------------------------

def test_overview_rank_and_score_are_the_engines(overview, scores):
    pii = _pii_row(scores)
    assert f"thứ {int(pii['rank'])}/{int(pii['n_units'])}" in overview.headline
    assert text.number(pii["score"], 2) in overview.headline
    computed = overview.published.set_index("Chỉ tiêu")["Tính toán trên bộ dữ liệu"]
    assert computed["Thứ hạng PII"] == str(int(pii["rank"]))


def test_overview_sets_the_published_rank_beside_the_computed_one(overview):
    from piilib.reference import trusted_facts

    facts = trusted_facts()
    fact = facts[(facts[schema.EDITION] == EDITION) & (facts[schema.UNIT] == PROVINCE)].iloc[0]
    published = overview.published.set_index("Chỉ tiêu")["Đã công bố"]
    assert published["Thứ hạng PII"] == str(int(fact["rank"]))


def test_trajectory_has_every_edition_with_the_engines_ranks(overview):
    for edition in (2023, 2024):
        pii = _pii_row(scores_for_edition(edition))
        row = overview.trajectory[overview.trajectory["Kỳ PII"] == str(edition)].iloc[0]
        assert row["Thứ hạng"] == f"{int(pii['rank'])}/{int(pii['n_units'])}"


def test_goals_are_judged_against_the_rank(overview, scores):
    rank = int(_pii_row(scores)["rank"])
    plan = load_plan()
    goals = overview.goals.set_index("Mục tiêu")
    top = plan.goals[(plan.goals["target_kind"] == "rank_at_most") & (plan.goals["target_scope"] == "national")].iloc[0]
    assert goals.at[top["text_vi"].rstrip(";. "), "Đánh giá"] == ("Đạt" if rank <= top["target_value"] else "Chưa đạt")
    assert f"Xác suất kỳ {EDITION + 1}: theo xu hướng" in goals.columns


def test_profile_has_every_pillar_and_the_national_median(overview, scores):
    pillars = scores[scores["kind"] == "pillar"]
    assert len(overview.profile) == pillars["element"].nunique()
    first = pillars["element"].iloc[0]
    median = pillars.loc[pillars["element"] == first, "score"].median()
    assert overview.profile["Trung vị cả nước"].iloc[0] == text.number(median, 1)


# --- agencies, levers, methodology ---------------------------------------------------------

def test_agencies_cover_every_plan_indicator_under_its_lead(tmp_path):
    ctx = context.agencies_context(str(EDITION), PROVINCE, str(DEMO_DIR), out_dir=tmp_path)
    plan = load_plan()
    blocks = ctx.sections.split("\n\n**")
    for item in plan.indicators.itertuples():
        block = next(b for b in blocks if b.lstrip("*").startswith(plan.agency_name(item.lead_agency_key)))
        assert f"| {item.code} |" in block
    assert sum(ctx.sections.count(f"| {code} |") for code in plan.indicators["code"]) == len(plan.indicators)
    workbook = tmp_path / context.WORKBOOK_NAME.format(edition=EDITION, province=PROVINCE)
    assert workbook.is_file() and workbook.name in ctx.workbook


def test_levers_cover_all_indicators():
    ctx = context.levers_context(str(EDITION), PROVINCE, str(DEMO_DIR))
    assert len(ctx.levers) == len(indicators(load_framework(EDITION)))
    assert "thứ" in ctx.robustness_sentence and ctx.robustness_figure is not None


def test_methodology_counts_official_and_provisional_codes():
    ctx = context.methodology_context(str(EDITION), PROVINCE, str(DEMO_DIR))
    framework = indicators(load_framework(EDITION))
    assert len(ctx.provisional) == int((framework["code_status"] == "provisional").sum())
    assert ctx.provisional_sentence.startswith(f"{len(framework) - len(ctx.provisional)}/{len(framework)} ")
    assert "values.csv" in set(ctx.files["Tệp"])
    assert ctx.provenance["Số giá trị"].sum() == len(context.edition_result(load_bundle(DEMO_DIR), EDITION).values)
    steps = [entry["step"] for entry in context.edition_result(load_bundle(DEMO_DIR), EDITION).result.log]
    assert list(ctx.method_log["Bước"]) == [context.STEP_LABELS[s] for s in steps]
