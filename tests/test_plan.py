"""The plan file: transcription checked against the seed text, structure, loader checks."""

import datetime
import re
import unicodedata
from pathlib import Path

import pandas as pd
import pytest
import yaml

from piilib.framework import indicators as framework_indicators
from piilib.plan import DEFAULT_PLAN, PlanError, load_plan

# These tests assert the English text of the messages (Vietnamese is the default).
pytestmark = pytest.mark.usefixtures("english")

SEED = (Path(__file__).parent / "fixtures" / "ke-hoach-88-KH-UBND-2025-can-tho.txt").read_text(encoding="utf-8")
APPENDIX = SEED.split("PHỤ LỤC", 1)[1]


def squash(text: str) -> str:
    """Ignore footnote markers, runs of spaces and spaces around slashes."""
    text = unicodedata.normalize("NFC", re.sub(r"\s*\[\d\]", "", text))
    return re.sub(r"\s*/\s*", "/", re.sub(r"\s+", " ", text)).strip()


SEED_SQUASHED = squash(SEED)


@pytest.fixture(scope="module")
def plan():
    return load_plan()


def test_groups_and_sizes(plan):
    counts = plan.indicators["group"].value_counts()
    assert counts["weak"] == 5 and counts["maintain"] == 13
    assert plan.indicators["code"].is_unique
    for _, rows in plan.indicators.groupby("group"):
        assert rows["order"].tolist() == list(range(1, len(rows) + 1))


def test_weak_ranks_match_the_text(plan):
    """Ranks read from the appendix rows and from section III, independently of the YAML."""
    in_appendix = {code: int(rank) for code, rank in
                   re.findall(r"^(\d\.\d\.\d)\.?[^\n]*\(năm 2024 xếp hạng (\d+)/63\)", APPENDIX, re.MULTILINE)}
    section_iii = SEED.split("III. GIẢI PHÁP", 1)[1].split("IV. TỔ CHỨC", 1)[0]
    in_section_iii = {code: int(rank) for code, rank in
                      re.findall(r"Chỉ số (\d\.\d\.\d)\.?[^\n]*?xếp hạng (\d+)/63", section_iii)}
    assert in_appendix == in_section_iii
    weak = plan.indicators[plan.indicators["group"] == "weak"]
    assert dict(zip(weak["code"], weak["rank_2024"].astype(int))) == in_appendix
    assert plan.indicators.loc[plan.indicators["group"] == "maintain", "rank_2024"].isna().all()


def test_codes_and_order_follow_the_appendix(plan):
    codes_in_text = re.findall(r"^(\d\.\d\.\d)\.?\s", APPENDIX, re.MULTILINE)
    assert plan.indicators["code"].tolist() == codes_in_text


def test_every_string_occurs_in_the_text(plan):
    strings = []
    strings += plan.indicators["name_vi"].tolist()
    strings += plan.indicators["lead_agency"].tolist()
    strings += [s for row in plan.indicators["cooperating"] for s in row]
    strings += [s for row in plan.indicators["solution_vi"] for s in row]
    strings += plan.indicators["qualifier_vi"].dropna().tolist()
    strings += plan.agencies["name_vi"].tolist() + [v for row in plan.agencies["variants_vi"] for v in row]
    strings += plan.goals["text_vi"].tolist() + plan.groups["label_vi"].tolist()
    strings += plan.solutions["assignment_vi"].tolist() + plan.solutions["heading_vi"].tolist()
    strings += [s for row in plan.solutions["actions_vi"] for s in row]
    strings += [s for row in plan.solutions["components_named_vi"] for s in row]
    strings += plan.footnotes["text_vi"].tolist()
    strings += [plan.deadline.text_vi, plan.deadline.what_vi, plan.deadline.from_vi]
    missing = [s for s in strings if squash(s) not in SEED_SQUASHED]
    assert not missing


def test_footnotes_belong_to_the_rows_that_carry_their_marker(plan):
    markers = {}
    for line in APPENDIX.splitlines():
        code = re.match(r"^(\d\.\d\.\d)", line)
        marker = re.search(r"\[(\d)\]", line)
        if code and marker:
            markers[int(marker.group(1))] = code.group(1)
    assert dict(zip(plan.footnotes["number"], plan.footnotes["indicator"])) == markers
    with_footnote = plan.indicators.dropna(subset=["footnote"])
    assert dict(zip(with_footnote["footnote"].astype(int), with_footnote["code"])) == markers
    assert len(markers) == 9


def test_merged_cells_are_filled_from_the_row_they_span(plan):
    table = plan.indicators.set_index(["group", "order"])
    column_of = {"lead_agency": "lead_agency", "cooperating": "cooperating", "solution": "solution_vi"}
    shared_rows = plan.indicators.dropna(subset=["cells_from_row"])
    assert sorted(shared_rows["code"]) == ["2.2.2", "2.2.4", "4.1.4", "5.2.1", "5.2.2", "6.3.2", "6.3.3"]
    for row in shared_rows.itertuples():
        source = table.loc[(row.group, int(row.cells_from_row))]
        for cell in row.shared_cells:
            assert getattr(row, column_of[cell]) == source[column_of[cell]], (row.code, cell)
    row_2_2_2 = plan.indicators.set_index("code").loc["2.2.2"]
    assert row_2_2_2["lead_agency_key"] == "so-tai-chinh"
    assert row_2_2_2["cooperating"] == ("Sở Khoa học và Công nghệ",)


def test_section_iii_assigns_weak_indicators_to_their_lead_agencies(plan):
    """The appendix's lead agency of each weak indicator is the one section III.2 gives it to."""
    leads = dict(zip(plan.indicators["code"], plan.indicators["lead_agency_key"]))
    cited = plan.solutions[plan.solutions["section"].str.startswith("III.2")]
    pairs = {(code, keys[0]) for codes, keys in zip(cited["indicators"], cited["agency_keys"]) for code in codes}
    weak = plan.indicators.loc[plan.indicators["group"] == "weak", "code"]
    assert pairs == {(code, leads[code]) for code in weak}


def test_solution_items_list_the_codes_their_text_cites(plan):
    for row in plan.solutions.itertuples():
        text = " ".join((row.assignment_vi, *row.actions_vi))
        assert set(row.indicators) == set(re.findall(r"Chỉ số (\d\.\d\.\d)", text)), row.section


def test_goals_and_deadline(plan):
    targets = plan.goals.dropna(subset=["target_kind"]).set_index("key")
    assert len(targets) == 3
    assert targets.at["national_top_10", "target_value"] == 10
    assert targets.at["lead_mekong_delta", "target_region"] == "dong-bang-song-cuu-long"
    assert targets.at["keep_or_raise_rank", "target_edition"] == plan.document["rank_edition"]
    assert "15 tháng 7" in plan.deadline.text_vi
    assert plan.deadline.date_for(2025) == datetime.date(2025, 7, 15)
    assert plan.agency_name(plan.deadline.recipient_key) == "Sở Khoa học và Công nghệ"


def test_plan_codes_are_official_codes_of_the_framework(plan):
    official = framework_indicators(plan.document["rank_edition"]).set_index("code")["code_status"]
    assert (official.reindex(plan.indicators["code"]) == "official").all()


def broken(tmp_path, edit):
    raw = yaml.safe_load(DEFAULT_PLAN.read_text(encoding="utf-8"))
    edit(raw)
    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(PlanError) as caught:
        load_plan(path)
    return caught.value.problems


def test_loader_lists_every_problem(tmp_path):
    def edit(raw):
        raw["indicators"][0]["lead_agency_key"] = "so-khong-co"
        raw["indicators"][1]["rank_2024"] = None
        raw["indicators"][2]["code"] = raw["indicators"][3]["code"]
        raw["deadline"]["day"] = 32
    problems = broken(tmp_path, edit)
    # Renaming 5.2.3 also orphans its footnote and the section III item that cites it.
    assert len(problems) == 6
    assert any("footnote 1: indicator '5.2.3' is not in the plan" in p for p in problems)
    assert any("solution III.2.c: indicator '5.2.3' is not in the plan" in p for p in problems)
    assert any("'so-khong-co' is not in agencies" in p for p in problems)
    assert any("code '1.2.1'" in p and "without rank_2024" in p for p in problems)
    assert any("'4.1.3' is listed more than once" in p for p in problems)
    assert any("found day 32" in p for p in problems)


def test_loader_reports_missing_sections_and_unreadable_files(tmp_path):
    assert broken(tmp_path, lambda raw: raw.pop("deadline")) == ["file plan.yaml: section 'deadline' is missing"]
    path = tmp_path / "bad.yaml"
    path.write_text("goals: [unclosed", encoding="utf-8")
    where = r"line \d+, column \d+ \(in the part that starts at line 1, column 8\)"  # the bracket opened
    with pytest.raises(PlanError, match=rf"file bad.yaml, {where}: is not valid YAML"):
        load_plan(path)


def test_the_plan_is_per_province(tmp_path):
    from piilib.plan import DEFAULT_PLAN, plan_path

    assert plan_path("can-tho") == DEFAULT_PLAN  # by document.city_unit
    assert load_plan(province="can-tho").document == load_plan().document
    assert plan_path("ha-noi") is None and load_plan(province="ha-noi") is None
    # A province's own file: by name, or by the city_unit its document gives.
    text = DEFAULT_PLAN.read_text(encoding="utf-8").replace("city_unit: can-tho", "city_unit: an-giang")
    (tmp_path / "an-giang.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "other-name.yaml").write_text(text.replace("city_unit: an-giang", "city_unit: da-nang"),
                                              encoding="utf-8")
    assert plan_path("an-giang", tmp_path) == tmp_path / "an-giang.yaml"
    assert plan_path("da-nang", tmp_path) == tmp_path / "other-name.yaml"
    assert plan_path("can-tho", tmp_path) is None


def test_report_plan_sections_are_empty_without_a_plan():
    from piilib.bundle import load_bundle
    from piilib.report import agencies, goals, overview
    from piilib.report.editions import edition_result

    bundle = load_bundle(None, 2024)
    assert goals.goal_table(bundle, 2024, "ha-noi", pd.Series(dtype=float)).empty
    ranks = overview.plan_indicator_ranks(edition_result(bundle, 2024), "ha-noi")
    assert ranks.empty and list(ranks.columns) == list(
        overview.plan_indicator_ranks(edition_result(bundle, 2024), "can-tho").columns)
    assert agencies.lead_agencies("ha-noi") == [] and agencies.lead_agencies("can-tho")
    assert goals.province_outlook(bundle, 2024, "ha-noi") is None
    assert agencies.deadline_date(2024, "ha-noi") is None
    assert agencies.deadline_date(2024, "can-tho") == agencies.deadline_date(2024) == load_plan().deadline.date_for(2025)
    key = agencies.lead_agencies("can-tho")[0]
    assert agencies.agency_name(key, "can-tho") == load_plan().agency_name(key)
    assert agencies.cooperating_agencies(key, "can-tho") == agencies.cooperating_agencies(key)


def test_typos_of_the_plan_are_in_its_text_and_marked_sic_where_quoted():
    plan = load_plan()
    text = " ".join(SEED.split())
    assert plan.typos, "plan88.yaml lists the plan's typos"
    strings = " ".join(" ".join(map(str, plan.solutions["actions_vi"].sum())).split() +
                       [" ".join(map(str, item)) for item in plan.indicators["solution_vi"]] +
                       list(plan.solutions["assignment_vi"]))
    for typo, note in plan.typos:
        assert typo in text, f"typo {typo!r} is not in the plan's text"
        assert note, f"typo {typo!r} says what was meant"
    assert plan.sic("Tham mưu các giải pháp phát hỗ trợ tổ chức") == "Tham mưu các giải pháp phát hỗ trợ [sic] tổ chức"
    assert plan.sic(plan.sic("phục vụ phát triển - xã hội.")) == "phục vụ phát triển - xã hội [sic]."
    assert plan.sic("phục vụ phát triển kinh tế - xã hội.") == "phục vụ phát triển kinh tế - xã hội."
    assert any(typo in strings for typo, _ in plan.typos)


def test_control_notes_are_data_checked_against_the_plan(plan, tmp_path):
    notes = plan.control_notes.set_index("indicator")
    # The statistics office is given the share of national GDP: outside its control, with the reason.
    assert notes.at["4.2.3", "agency_key"] == "chi-cuc-thong-ke" and notes.at["4.2.3", "extent"] == "outside"
    assert "GDP cả nước" in notes.at["4.2.3", "reason_vi"]
    leads = plan.indicators.set_index("code")["lead_agency_key"]
    assert all(leads[code] == key for code, key in notes["agency_key"].items())

    def edit(raw):
        raw["control_notes"][0]["agency_key"] = "so-khcn"
        raw["control_notes"][1]["indicator"] = "9.9.9"
        raw["control_notes"][2]["extent"] = "somewhat"
        raw["control_notes"][3]["reason_vi"] = ""
    problems = broken(tmp_path, edit)
    assert len(problems) == 4
    assert any("entry 1 (indicator '4.2.3'): agency_key 'so-khcn'; expected the indicator's lead agency "
               "'chi-cuc-thong-ke'" in p for p in problems)
    assert any("entry 2 (indicator '9.9.9'): the indicator is not in the plan" in p for p in problems)
    assert any("extent 'somewhat'" in p for p in problems)
    assert any("entry 4" in p and "no reason_vi" in p for p in problems)
    assert broken(tmp_path, lambda raw: raw.update(control_notes="4.2.3")) == [
        "file plan.yaml, control_notes: expected a list of entries with indicator, agency_key, extent and reason_vi"]
    raw = yaml.safe_load(DEFAULT_PLAN.read_text(encoding="utf-8"))
    raw.pop("control_notes")
    path = tmp_path / "without-notes.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    assert load_plan(path).control_notes.empty  # optional: a plan without notes is valid
