"""A new edition builds with no code change: `pii template --edition 2026` → the workbook
filled in with the 2025 values of the bundled data (openpyxl, as staff would type them) →
`pii build --edition 2026 --data filled.xlsx --no-pdf`.

The filled workbook is an official file: its values are official, while trends and peers
use the illustrative history and covariates of data/demo (piilib.bundle), and the earlier
editions are kept from data/demo, so the notice says exactly that.
The build goes through the real CLI; to keep the test near half a minute the book has the
plan's first and last indicators (one weak, one to maintain) instead of all of them: the
indicator chapters differ only by their parameter.
"""

from __future__ import annotations

import contextlib
import io
import math
import re
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from piilib import cli, schema
from piilib.report import build as report_build
from piilib.report import chapters
from piilib.report.build import plan_indicators
from piilib.bundle import OFFICIAL_DIR_ENV, load_bundle
from piilib.report.notice import NOTICE_TEXT, notice_for
from piilib.units import load_units

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
DEMO_VALUES = ROOT / "data" / "demo" / "values.csv"
NEW_EDITION = 2026
SOURCE_EDITION = 2025
PROVINCE_HEADER = "Tỉnh, thành phố"


class _Text(HTMLParser):
    """Visible text of an HTML page, whitespace collapsed."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("script", "style")

    def handle_endtag(self, tag):
        self._skip -= tag in ("script", "style")

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def page_text(path: Path) -> str:
    parser = _Text()
    parser.feed(path.read_text(encoding="utf-8"))
    return " ".join(" ".join(parser.parts).split())


def fill_workbook(template: Path, values: pd.DataFrame, target: Path) -> int:
    """Type `values` (unit, indicator, value) into the template's data sheet the way staff
    would: find the header row by its province column, the columns by indicator code, the
    rows by province name. Returns the number of cells filled."""
    workbook = openpyxl.load_workbook(template)
    sheet = workbook.worksheets[0]
    header_row, province_column = next(
        (cell.row, cell.column)
        for row in sheet.iter_rows()
        for cell in row
        if cell.value == PROVINCE_HEADER
    )
    columns = {
        str(sheet.cell(header_row, column).value): column
        for column in range(province_column + 1, sheet.max_column + 1)
        if sheet.cell(header_row, column).value
    }
    unit_by_name = dict(zip(load_units(NEW_EDITION)["name_vi"], load_units(NEW_EDITION)[schema.UNIT]))
    table = values.set_index([schema.UNIT, schema.INDICATOR])[schema.VALUE]
    filled = 0
    for row in range(header_row + 1, sheet.max_row + 1):
        name = sheet.cell(row, province_column).value
        if name is None:
            continue
        unit = unit_by_name[name]
        for code, column in columns.items():
            value = table.get((unit, code))
            if value is not None and not math.isnan(value):
                sheet.cell(row, column, float(value))
                filled += 1
    workbook.save(target)
    return filled


@pytest.fixture(scope="module")
def new_edition_book(tmp_path_factory):
    """The 2026 book built once for this module from a filled template: (tmp_path, out,
    indicators). Also the real book's HTML the provenance-mark test reads."""
    tmp_path = tmp_path_factory.mktemp("new-edition")
    every_indicator = plan_indicators()
    indicators = [every_indicator[0], every_indicator[-1]]
    template = tmp_path / "template.xlsx"
    output = io.StringIO()
    with pytest.MonkeyPatch.context() as monkeypatch, \
            contextlib.redirect_stdout(output), contextlib.redirect_stderr(output):
        # As conftest's autouse fixture does for each test (a module fixture runs before it).
        monkeypatch.setenv(OFFICIAL_DIR_ENV, str(tmp_path_factory.getbasetemp() / "no-official-folder"))
        monkeypatch.setattr(report_build, "plan_indicators", lambda province=None, edition=None: indicators)
        assert cli.main(["template", "--edition", str(NEW_EDITION), "--out", str(template)]) == 0

        demo = pd.read_csv(DEMO_VALUES, dtype={schema.INDICATOR: str, schema.UNIT: str})
        source_values = demo[demo[schema.EDITION] == SOURCE_EDITION]
        assert not source_values.empty, f"{DEMO_VALUES} has no edition {SOURCE_EDITION}"
        filled = fill_workbook(template, source_values, tmp_path / "filled.xlsx")
        assert filled == source_values[schema.VALUE].notna().sum()

        out = tmp_path / "out"
        code = cli.main([
            "build", "--edition", str(NEW_EDITION), "--data", str(tmp_path / "filled.xlsx"),
            "--no-pdf", "--out", str(out), "--cache-dir", str(tmp_path / "cache"), "--quiet",
        ])
    assert code == 0, output.getvalue()
    return tmp_path, out, indicators


def test_new_edition_builds_from_a_filled_template_with_no_code_change(new_edition_book):
    tmp_path, out, indicators = new_edition_book
    html = out / "html"
    assert not list(out.glob("*.pdf"))
    book, _ = chapters.read_book(ROOT / "_toc.yml", {chapters.PLAN_INDICATORS: indicators})
    keys = [chapter.key for chapter in book.chapters]
    missing = [key for key in keys if not (html / f"{key}.html").is_file()]
    assert not missing, f"chapter pages missing from the 2026 book: {missing}"

    overview = page_text(html / "overview.html")
    assert re.search(rf"\bPII {NEW_EDITION}\b", overview), "the overview is not about PII 2026"
    for code, name in indicators:
        assert f"{code} {name}" in page_text(html / f"{chapters.indicator_key(code)}.html")

    methodology = page_text(html / "methodology.html")
    assert "filled.xlsx" in methodology, "the methodology does not name the official file"
    assert "chính thức" in methodology
    # Earlier editions, history and covariates still come from the illustrative dataset: the
    # notice says so (not that the values are illustrative).
    notice = notice_for(load_bundle(tmp_path / "filled.xlsx"), NEW_EDITION)
    assert notice in overview and NOTICE_TEXT not in overview


# --------------------------------------------------------------------------- provenance marks

# The rule that tells a number cell from a label cell, on the cell's visible text without its
# mark. A cell holds a number when its text *begins* with one (an optional sign, then a digit):
# "52,8", "7/63", "29 (vùng 5)", "+0,31", "−2 đơn", "0,12 (0,05 đến 0,30)". Text that merely
# mentions numbers inside words ("Top 10 trên 34 tỉnh", "giả định 0,20", "năm 2027") is a label.
# Among cells that begin with a digit, these are labels, not numbers:
LABEL_CELL = re.compile(
    r"^(?:\d{1,2}(?:\.\d{1,2}){1,2}†?(?:\s|$|,)"  # an indicator or sub-pillar code: 6.2.4, 1.3, 1.1.2† (a
                                                    # Vietnamese number never has a 1- or 2-digit group after a dot)
    r"|\d{1,2}†?\.\s+\D"                          # a pillar label: "1. Thể chế"
    r"|(?:19|20)\d{2}(?:\s|$|–))"                    # a year: "2024", "2023 (hài hòa)" (a count of 2024 is "2.024")
)
NUMBER_CELL = re.compile(r"^[+\-−±]?\d")


# A column headed "Mã" (code) holds labels: a pillar's code is a bare "1".."7".
CODE_HEADERS = {"Mã"}


class _TableCells(HTMLParser):
    """Every body cell of every table: (visible text without marks, marks found), and per cell
    the header of its column (`headers`, in the same order)."""

    def __init__(self, marks: set[str]):
        super().__init__()
        self.marks, self.cells, self.headers = marks, [], []
        self._cell = None  # [text parts, marks] of the open <td>
        self._sup = None
        self._header_row, self._header, self._column = [], None, 0

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self._header_row = []
        elif tag == "tr":
            self._column = 0
        elif tag == "th":
            self._header = []
        elif tag == "td":
            self._cell = [[], []]
        elif tag == "sup" and self._cell is not None:
            self._sup = []

    def handle_endtag(self, tag):
        if tag == "sup" and self._sup is not None:
            text = "".join(self._sup).strip()
            (self._cell[1] if text in self.marks else self._cell[0]).append(text)
            self._sup = None
        elif tag == "th" and self._header is not None:
            self._header_row.append(" ".join("".join(self._header).split()))
            self._header = None
        elif tag == "td" and self._cell is not None:
            self.cells.append((" ".join("".join(self._cell[0]).split()), self._cell[1]))
            column = self._column
            self.headers.append(self._header_row[column] if column < len(self._header_row) else "")
            self._column += 1
            self._cell = None

    def handle_data(self, data):
        if self._sup is not None:
            self._sup.append(data)
        elif self._header is not None:
            self._header.append(data)
        elif self._cell is not None:
            self._cell[0].append(data)


def number_cells_without_mark(path: Path, marks: set[str]) -> list[str]:
    parser = _TableCells(marks)
    parser.feed(path.read_text(encoding="utf-8"))
    return [text for (text, found), header in zip(parser.cells, parser.headers)
            if NUMBER_CELL.match(text) and not LABEL_CELL.match(text) and not found
            and header not in CODE_HEADERS]


def test_the_cell_rule_tells_numbers_from_labels():
    numbers = ["52,8", "7/63", "29 (vùng 5)", "+0,31", "−2 đơn", "0,12 (0,05 đến 0,30)", "8.718.000", "1.234,5"]
    labels = ["6.2.4", "1.1.2†", "1.1.1, 3.1.1†, 5.2.1", "6.2.4 Đơn đăng ký", "1. Thể chế", "2024", "2023 (hài hòa)", "giả định 0,20",
              "Top 10 trên 34 tỉnh", "–", "CT"]
    assert all(NUMBER_CELL.match(t) and not LABEL_CELL.match(t) for t in numbers)
    assert not any(NUMBER_CELL.match(t) and not LABEL_CELL.match(t) for t in labels)


def test_every_number_in_a_table_carries_its_provenance_mark(new_edition_book):
    from piilib.report.provenance import MARKS

    _, out, _ = new_edition_book
    pages = [p for p in (out / "html").glob("*.html")
             if p.name not in ("index.html", "search.html", "genindex.html")]
    assert any(p.stem == "overview" for p in pages) and any(p.stem.startswith("indicator-") for p in pages)
    assert any(p.stem == "agencies" for p in pages)
    unmarked = {p.stem: cells for p in pages if (cells := number_cells_without_mark(p, set(MARKS.values())))}
    assert not unmarked, f"table cells with a number and no provenance mark: {unmarked}"
    # The legend (an example number with each mark), in the introduction and in the methodology.
    for page in ("intro", "methodology"):
        parser = _TableCells(set(MARKS.values()))
        parser.feed((out / "html" / f"{page}.html").read_text(encoding="utf-8"))
        shown = {mark for text, found in parser.cells if text == "52,8" for mark in found}
        assert shown == set(MARKS.values()), f"{page}: the legend shows the marks {sorted(shown)}"


def test_the_agencies_page_follows_the_books_wording_and_quotes_the_plan_with_sic(new_edition_book):
    _, out, _ = new_edition_book
    agencies_page = page_text(out / "html" / "agencies.html")
    assert "Thay đổi cần có" in agencies_page and "Mức tăng" not in agencies_page  # some targets are decreases
    assert "0,000000" not in agencies_page
    assert not re.search(r"\b\d+,0+ số ", agencies_page), "a count written with decimals or as 'N số …'"
    assert "góp phần lãng tỉ lệ [sic]" in agencies_page  # the plan's typo, quoted as the plan has it
