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
from piilib.bundle import load_bundle
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


def test_new_edition_builds_from_a_filled_template_with_no_code_change(
    tmp_path, capsys, monkeypatch
):
    every_indicator = plan_indicators()
    indicators = [every_indicator[0], every_indicator[-1]]
    monkeypatch.setattr(report_build, "plan_indicators", lambda province=None: indicators)
    template = tmp_path / "template.xlsx"
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
    captured = capsys.readouterr()
    assert code == 0, captured.out + captured.err

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
