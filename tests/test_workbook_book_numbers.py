"""The agencies' workbook and the book write each target, value to reach and change of every
plan indicator as the same number: one rounding of one value, at the decimals the indicator's
chapter writes its values with (a reader who finds "−0,55" in the workbook and "−0,56" in the
book cannot tell which is right)."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from piilib.analysis.targets import round_towards
from piilib.analysis.workbook import FIRST_DATA_ROW, SUMMARY_SHEET, build_workbook
from piilib.report import agencies
from piilib.report.editions import edition_result, load_edition_bundle
from piilib.report.tables import format_number
from piilib.report.text import number

# A signed number in a change text: "−0,56 điểm phần trăm", "+3 đơn đăng ký … (+0,0231 đơn/xã)".
SIGNED = re.compile(r"[+−]\d[\d.]*(?:,\d+)?")


@pytest.fixture(scope="module")
def book_and_workbook():
    bundle = load_edition_bundle("data/demo", 2024)
    table = agencies.plan_targets(bundle, 2024, "can-tho")
    # The decimals each indicator's chapter writes its values with (its notebook's `places`).
    places = agencies.value_places(edition_result(bundle, 2024), table["indicator"].unique())
    return table, places, build_workbook(table)


def _in_unit(text: str) -> str | None:
    """The change in the indicator's unit: the number in brackets after a count, else the first."""
    found = SIGNED.findall(str(text))
    return found[-1] if found else None


def _shown_difference(row: pd.Series, places: int) -> str:
    """The change a reader computes from the two values the book shows: the value to reach
    (rounded towards improvement) less the current value, both at `places`."""
    direction = int(row["direction"])
    target = float(number(round_towards(float(row["target_value"]), places, direction), places).replace(".", "")
                   .replace(",", "."))
    current = float(number(float(row["current_value"]), places).replace(".", "").replace(",", "."))
    difference = round(target - current, places)
    return ("+" if difference > 0 else "−") + number(abs(difference), places)


def _detail_rows(workbook) -> list[tuple]:
    """(code, threshold value, value to reach, change text, number format) of every detail row of the agency sheets."""
    rows = []
    for sheet in workbook.worksheets:
        header = next((r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 6).value == "Giá trị cần đạt"), None)
        if header is None:
            continue
        for r in range(header + 1, sheet.max_row + 1):
            code, text = sheet.cell(r, 1).value, sheet.cell(r, 8).value
            if not code or not isinstance(text, str) or sheet.cell(r, 2).value is None:
                break
            rows.append((str(code), sheet.cell(r, 5).value, sheet.cell(r, 6).value, text,
                         sheet.cell(r, 6).number_format))
    return rows


def test_every_change_is_the_difference_of_the_values_as_shown(book_and_workbook):
    table, places, _ = book_and_workbook
    checked = 0
    for _, row in table[~table["reached"].astype(bool)].iterrows():
        p = places[row["indicator"]]
        shown = _in_unit(row["increment_text"])  # the indicator chapter's tables and the workbook
        if shown is None:  # below the shown precision: "gần như giữ nguyên"
            assert row["shown_change"] == 0, row["increment_text"]
            continue
        assert shown == _shown_difference(row, p), (row["indicator"], row["threshold"], row["increment_text"])
        checked += 1
    assert checked > 10


def test_the_workbook_writes_the_books_numbers_for_every_plan_indicator(book_and_workbook):
    table, places, workbook = book_and_workbook
    assert set(table["indicator"]) == set(places)
    detail = _detail_rows(workbook)
    assert len(detail) == len(table)  # every threshold of every indicator once
    for (code, threshold, needed, text, number_format), (_, row) in zip(
            sorted(detail, key=lambda d: d[0]), table.sort_values("indicator", kind="stable").iterrows()):
        assert code == row["indicator"]
        p = places[code]
        assert number_format == "#,##0" + ("." + "0" * p if p else "")
        # The value to reach as the chapter's thresholds table writes it (towards improvement).
        book_needed = number(round_towards(float(row["needed_value"]), p, int(row["direction"])), p)
        assert format_number(needed, p) == book_needed, (code, row["threshold"])
        assert round(needed, p) == needed  # the cell holds the number shown, not a finer one
        if pd.notna(row["threshold_value"]):
            assert round(threshold, p) == threshold
        assert text == row["increment_text"]  # the chapter's "Thay đổi cần có" column

    summary = workbook[SUMMARY_SHEET]
    chosen = table[table["recommended"].astype(bool)].reset_index(drop=True)
    for offset, row in chosen.iterrows():
        r = FIRST_DATA_ROW + offset
        code, p = row["indicator"], places[row["indicator"]]
        assert summary.cell(r, 1).value == code
        # The agencies chapter's table: the target and the change it writes for the indicator.
        assert format_number(summary.cell(r, 9).value, p) == number(agencies.shown_target(row, p), p)
        assert format_number(summary.cell(r, 7).value, p) == number(float(row["current_value"]), p)
        # Its first number (the count for a counted indicator, else the change in the unit).
        book_change, workbook_change = agencies.change_text(row, p), summary.cell(r, 11).value
        assert SIGNED.findall(book_change)[:1] == SIGNED.findall(workbook_change)[:1], (code, workbook_change,
                                                                                        book_change)
