"""The leaders' summary in the real book (the session's `project_book`): the page exists in
HTML and PDF, before the overview, on at most two PDF pages, and its headline numbers are the
engine's (piilib.pii, without the report layer)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from piilib.pii import scores_for_edition
from piilib.report.text import number, rank_fraction, signed

pytestmark = pytest.mark.slow

PROVINCE = "can-tho"
EDITION = 2024
TITLE = "Tóm tắt cho lãnh đạo"


def engine_index(book, edition):
    """The province's PII row (score, rank, n_units) computed by the engine alone."""
    data = Path(book.out_dir).parent / "data"
    scores = scores_for_edition(edition, data)
    own = scores[(scores["unit"] == PROVINCE) & (scores["kind"] == "index")]
    assert len(own) == 1
    return own.iloc[0]


def headline_numbers(book) -> list[str]:
    now, before = engine_index(book, EDITION), engine_index(book, EDITION - 1)
    return [number(now["score"], 2), rank_fraction(now["rank"], now["n_units"]),
            number(abs(now["score"] - before["score"]), 2), number(before["score"], 2)]


def pdf_pages(book) -> list[str]:
    pdf = next(Path(book.out_dir).glob("*.pdf"))
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    return text.split("\f")


def test_summary_page_carries_the_engines_position_and_change(project_book):
    page = Path(project_book.out_dir) / "html" / "summary.html"
    assert page.is_file(), "the book has no summary page"
    text = " ".join(re.sub(r"<[^>]+>", " ", page.read_text(encoding="utf-8")).split())
    assert TITLE in text
    for shown in headline_numbers(project_book):
        assert shown in text, f"the summary does not show the engine's {shown}"
    # The change's sign is the engine's: a fall reads "giảm", a rise "tăng".
    now, before = engine_index(project_book, EDITION), engine_index(project_book, EDITION - 1)
    assert ("giảm" if now["score"] < before["score"] else "tăng") in text
    assert signed(now["score"] - before["score"], 2) in text  # the total of the pillar table


def test_summary_comes_first_and_fits_two_pdf_pages(project_book):
    pages = pdf_pages(project_book)
    chapter_starts = [i for i, page in enumerate(pages) if re.search(r"CHƯƠNG\s+\d+", page)]
    first, second = chapter_starts[0], chapter_starts[1]
    assert TITLE in pages[first], "the first chapter is the leaders' summary"
    assert "Tổng quan" in pages[second]
    assert second - first <= 2, f"the summary takes {second - first} PDF pages"
    summary = " ".join(" ".join(pages[first:second]).split())
    for shown in headline_numbers(project_book):
        assert shown in summary, f"the PDF summary does not show the engine's {shown}"
