"""The province profile in the real book (the session's `project_book`): the page exists in
HTML and PDF, titled with the province's name from the units table, and its numbers are the
engine's (piilib.pii, without the report layer)."""

from __future__ import annotations

import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from piilib.pii import scores_for_edition
from piilib.report.text import number, precision, rank_fraction
from piilib.units import load_units

pytestmark = pytest.mark.slow

PROVINCE = "can-tho"
EDITION = 2024


class TableRows(HTMLParser):
    """The text of every table row's cells, per row, in page order."""

    def __init__(self):
        super().__init__()
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def engine_scores(book):
    data = next(Path(book.out_dir).parent.glob("data"))
    scores = scores_for_edition(EDITION, data)
    return scores[scores["unit"] == PROVINCE]


def profile_html(book) -> str:
    page = Path(book.out_dir) / "html" / "profile.html"
    assert page.is_file(), "the book has no profile page"
    return page.read_text(encoding="utf-8")


def test_profile_page_is_titled_with_the_provinces_name(project_book):
    name = load_units(EDITION).set_index("unit").at[PROVINCE, "name_vi"]
    assert f"Hồ sơ {name}" in re.sub(r"<[^>]+>", "", profile_html(project_book))


def test_every_indicator_shows_the_engines_value_score_and_rank_with_its_mark(project_book):
    parser = TableRows()
    parser.feed(profile_html(project_book))
    rows: dict[str, list[list[str]]] = {}
    for row in parser.rows:
        if row:
            rows.setdefault(row[0].rstrip("†"), []).append(row)
    own = engine_scores(project_book)
    indicators = own[own["kind"] == "indicator"]
    assert len(indicators) == 52
    every_unit = scores_for_edition(EDITION, next(Path(project_book.out_dir).parent.glob("data")))
    for _, indicator in indicators.iterrows():
        assert len(rows.get(indicator["element"], [])) == 1, f"indicator {indicator['element']}: not once in the page"
        row = rows[indicator["element"]][0]
        # Columns: code, name [unit], value, score, rank, notes; illustrative data: MH marks.
        assert row[3] == f"{number(indicator['score'], 1)}MH", (indicator["element"], row)
        assert row[4] == f"{rank_fraction(indicator['rank'], indicator['n_units'])}MH", (indicator["element"], row)
        assert row[2].endswith("MH") and row[2] != "–MH"
        # The value at the precision rule of its indicator's values (as every chapter writes it:
        # "0,00424", not "0,0042" here and "0,00424" in the summary).
        values = every_unit.loc[every_unit["element"] == indicator["element"], "raw_value"]
        assert row[2] == f"{number(indicator['raw_value'], precision(values))}MH", (indicator["element"], row)
    # Pillars and sub-pillars carry the engine's score and rank too (the history tables).
    for _, aggregate in own[own["kind"].isin(["pillar", "sub_pillar"])].iterrows():
        shown = f"{number(aggregate['score'], 1)} ({rank_fraction(aggregate['rank'], aggregate['n_units'])})MH"
        assert any(shown in row for row in rows[aggregate["element"]]), (aggregate["element"], shown)


def test_the_pdf_has_the_profile_with_the_engines_numbers(project_book):
    name = load_units(EDITION).set_index("unit").at[PROVINCE, "name_vi"]
    text = subprocess.run(["pdftotext", "-layout", str(project_book.pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    pages = [" ".join(page.split()) for page in text.split("\f")]
    # The chapter's opening page (not the table of contents), then the pages up to the next chapter.
    opening = re.compile(rf"CHƯƠNG \d+ Hồ sơ {re.escape(name)}")
    starts = [number for number, page in enumerate(pages) if opening.search(page)]
    assert starts, "the PDF has no chapter titled with the province's profile"
    end = next((number for number in range(starts[0] + 1, len(pages)) if re.search(r"CHƯƠNG \d+", pages[number])),
               len(pages))
    body = " ".join(pages[starts[0]:end])
    own = engine_scores(project_book)
    pii = own[own["kind"] == "index"].iloc[0]
    assert f"{number(pii['score'], 2)} điểm" in body
    indicators = own[own["kind"] == "indicator"]
    # The text layer may put a superscript mark on a line of its own: count the marks (value,
    # score and rank of every indicator), then read the numbers without them.
    assert body.count("MH") >= 3 * len(indicators)
    plain = " ".join(body.replace("MH", " ").split())
    for _, indicator in indicators.iterrows():
        assert f"{number(indicator['score'], 1)} {rank_fraction(indicator['rank'], indicator['n_units'])}" in plain, \
            indicator["element"]
