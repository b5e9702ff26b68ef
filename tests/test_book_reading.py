"""The real book read as its readers read it (the session's `project_book`): what a reviewer
turning the pages would flag, checked on the text of every HTML page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def visible_text(page: Path) -> str:
    """The text a reader sees on an HTML page: no scripts, styles or tags, spaces collapsed."""
    html = page.read_text(encoding="utf-8")
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S | re.I)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def pages(book) -> dict[str, str]:
    html = Path(book.out_dir) / "html"
    return {page.stem: visible_text(page) for page in sorted(html.glob("*.html"))
            if page.stem not in ("genindex", "search")}


def test_negative_numbers_carry_the_minus_sign_everywhere(project_book):
    """"(-2,88 điểm)" beside "−0,56 điểm phần trăm": the book writes every negative with U+2212."""
    hyphenated = {name: re.findall(r"(?:^|[\s(\[:;=→])-\d[\d.,]*", text) for name, text in pages(project_book).items()}
    assert not {name: found for name, found in hyphenated.items() if found}
    assert any("−" in text for text in pages(project_book).values())  # negatives were shown


def test_ranks_on_the_former_map_are_named_in_the_agencies_chapter(project_book):
    """The agencies' tables rank most targets on the next edition's map; one ranked on the
    63-province map of the base edition is named, with the reason, as the summary does."""
    text = pages(project_book)["agencies"]
    summary = pages(project_book)["summary"]
    if "/63" not in text.split("Chỉ tiêu theo cơ quan chủ trì", 1)[-1]:
        pytest.skip("every target of this plan is ranked on the next edition's map")
    assert "không gộp được sang bản đồ" in summary
    assert text.count("không gộp được sang bản đồ") >= 2  # the introduction and under the table


def test_the_html_frame_around_the_chapters_speaks_vietnamese(project_book):
    """The theme's own words (page navigation, back to top, the search box) were English."""
    html = (Path(project_book.out_dir) / "html" / "summary.html").read_text(encoding="utf-8")
    for english in ("previous page", "next page", "Back to top", "Search this book", "Link to this heading"):
        assert english not in html, english
    assert "trang sau" in html and "Tìm trong báo cáo" in html


def test_the_thresholds_tables_say_which_ranking_each_rank_is(project_book):
    """Today's rank (every province's current value) in a caption beside a row's rank among
    the other provinces' forecasts read as a contradiction (4.1.4: "hạng 9" over rows already
    reached at rank 8): the caption says today's rank is by today's values, and the projected
    table's rank column says it ranks among the forecasts."""
    chapters = {name: text for name, text in pages(project_book).items() if "Các ngưỡng: cần đạt bao nhiêu" in text}
    assert chapters
    for name, text in chapters.items():
        assert "hạng hiện nay (theo giá trị hiện nay): chỉ số" in text, name
        if "so với giá trị dự báo năm" in text:
            assert "Hạng chỉ số so với dự báo (vùng)" in text, name
