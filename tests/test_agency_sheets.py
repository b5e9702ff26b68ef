"""Agency sheets that say what to do: the plan's actions per agency, the evidence to send and
by when, and the notes on targets outside an agency's control (chapter and workbook)."""

from __future__ import annotations

from piilib.analysis.workbook import work_lines
from piilib.plan import load_plan
from piilib.report import agencies


def test_actions_are_the_plan_items_assigned_to_the_agency_quoted():
    plan = load_plan()
    statistics = agencies.agency_actions("chi-cuc-thong-ke", "can-tho")
    assert statistics["section"].tolist() == ["III.2.b"]
    assert statistics.at[0, "assignment_vi"] == "Giao Chi cục trưởng Chi cục Thống kê thành phố"
    finance = agencies.agency_actions("so-tai-chinh", "can-tho")
    assert finance["section"].tolist() == ["III.2.a", "III.3.c"]
    item = plan.solutions.set_index("section").loc["III.3.c"]
    assert finance.at[1, "actions_vi"] == item["actions_vi"]  # as the plan has them
    assert agencies.agency_actions("so-tai-chinh", "ha-noi").empty  # a province without a plan


def test_evidence_is_the_next_editions_data_year_per_led_indicator():
    evidence = agencies.evidence_items(2024, "can-tho", "chi-cuc-thong-ke")
    assert evidence["indicator"].tolist() == ["4.1.3", "4.1.4", "4.2.3"]
    assert set(evidence["data_year"]) == {2024}  # PII 2025 reads the data of 2024
    assert (evidence["source"].str.len() > 0).all()


def test_the_statistics_office_is_told_gdp_share_is_outside_its_control():
    notes = agencies.control_notes("can-tho").set_index("indicator")
    assert notes.at["4.2.3", "extent"] == "outside"
    assert agencies.control_notes("ha-noi").empty


def test_the_workbook_sheet_lists_deadline_evidence_notes_and_plan_actions():
    plan = load_plan()
    lines = [text for text, _ in work_lines(plan, "chi-cuc-thong-ke", 2024)]
    assert any(line.startswith("Hạn gửi: 15/07/2025") for line in lines)
    assert any(line.startswith("• 4.2.3 ") and "số liệu năm 2024" in line for line in lines)
    reason = plan.control_notes.set_index("indicator").at["4.2.3", "reason_vi"]
    assert any(line.startswith("• 4.2.3 — Ngoài tầm của cơ quan") and reason in line for line in lines)
    assert "Mục III.2.b: Giao Chi cục trưởng Chi cục Thống kê thành phố" in lines
    actions = plan.solutions.set_index("section").at["III.2.b", "actions_vi"]
    assert all(any(action in line for line in lines) for action in actions)
    # An agency without notes gets no notes heading.
    assert "Mục tiêu ngoài tầm của cơ quan" not in [t for t, _ in work_lines(plan, "so-gddt", 2024)]


def test_the_written_workbook_carries_the_work_on_the_agency_sheet(tmp_path):
    from openpyxl import load_workbook

    from piilib.report.editions import load_edition_bundle

    bundle = load_edition_bundle("data/demo", 2024)
    path = agencies.write_agency_workbook(bundle, 2024, "can-tho", tmp_path)
    book = load_workbook(path)
    sheet = next(book[name] for name in book.sheetnames if name.startswith("Chi cục Thống kê"))
    texts = [str(v) for row in sheet.iter_rows(values_only=True) for v in row if v is not None]
    assert "Việc cần làm" in texts and any(t.startswith("• 4.2.3 — Ngoài tầm") for t in texts)


def test_the_plan_is_quoted_with_sic_after_its_typos_on_the_sheet():
    plan = load_plan()
    typo = "góp phần lãng tỉ lệ"
    assert typo in plan.solutions.set_index("section").at["III.3.e", "assignment_vi"]  # the plan's own words
    lines = [text for text, _ in work_lines(plan, "so-cong-thuong", 2024)]
    quoted = next(line for line in lines if line.startswith("Mục III.3.e: "))
    assert f"{typo} [sic] " in quoted and quoted.count("[sic]") == 1


def test_every_sheet_says_where_its_numbers_come_from(tmp_path):
    import pandas as pd
    from openpyxl import load_workbook

    from piilib import schema
    from piilib.analysis.workbook import provenance_line
    from piilib.report.editions import load_edition_bundle
    from piilib.report.provenance import NAMES_VI

    bundle = load_edition_bundle("data/demo", 2024)
    book = load_workbook(agencies.write_agency_workbook(bundle, 2024, "can-tho", tmp_path))
    for sheet in book.worksheets:
        head = " ".join(str(sheet.cell(row, 1).value or "") for row in (1, 2, 3))
        assert "Nguồn gốc số liệu: " in head, sheet.title
    # Any illustrative input: the values and everything computed from them are illustrative.
    line = provenance_line(pd.DataFrame({schema.PROVENANCE: [schema.OFFICIAL, schema.ILLUSTRATIVE]}))
    assert line.count(NAMES_VI[schema.ILLUSTRATIVE]) == 2
    official = provenance_line(pd.DataFrame({schema.PROVENANCE: [schema.OFFICIAL]}))
    assert NAMES_VI[schema.OFFICIAL] in official and NAMES_VI["computed"] in official


def test_the_workbooks_changes_are_written_at_the_books_precision():
    """The change column of the workbook (and the chapter's table) has the decimals the
    indicator's chapter writes its values with, not the data's: "+0,00215", not "+0,002146"."""
    import re

    from piilib.report.editions import edition_result, load_edition_bundle

    bundle = load_edition_bundle("data/demo", 2024)
    table = agencies.plan_targets(bundle, 2024, "can-tho")
    places = agencies.value_places(edition_result(bundle, 2024), table["indicator"].unique())
    finer = [(code, text) for code, text in zip(table["indicator"], table["increment_text"])
             for decimals in re.findall(r"[+−][\d.]+(?:,(\d+))?", str(text)) if len(decimals) > places[code]]
    assert not finer
    assert any("," in str(text) for text in table["increment_text"])  # the check saw decimals
