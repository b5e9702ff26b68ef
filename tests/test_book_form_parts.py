"""The book's form, piece by piece (no build): cover, draft mark, downloads, numbering, search
folding, the page-fill rule and the `pii build` flags."""

from __future__ import annotations

from datetime import date

import pytest

from piilib.cli import build_parser
from piilib.report import book
from piilib.report.notice import NOTICE_TEXT
from piilib.report.sphinx_pii import SearchVietnamese, download_links, fold_diacritics

COVER = dict(title="Báo cáo PII 2024", issuer=book.ISSUER, place="thành phố Cần Thơ",
             city="Cần Thơ", workshop="Hội thảo PII 2025", draft=False, built=date(2026, 11, 30))


def test_cover_is_dated_with_the_workshop_never_the_build():
    cover = book.cover_latex(workshop_date=date(2026, 12, 15), **COVER)
    assert "Cần Thơ, ngày 15 tháng 12 năm 2026" in cover
    assert "ngày 30 tháng 11 năm 2026" not in cover
    assert "Bản thảo" not in cover
    assert "ỦY BAN NHÂN DÂN THÀNH PHỐ CẦN THƠ" in cover
    assert "SỞ KHOA HỌC VÀ CÔNG NGHỆ" in cover
    assert "hội thảo PII 2025" in cover


def test_cover_without_a_workshop_date_is_a_draft_dated_with_the_build():
    cover = book.cover_latex(workshop_date=None, **COVER)
    assert "Bản thảo, ngày 30 tháng 11 năm 2026" in cover


def test_cover_text_is_literal_latex():
    cover = book.cover_latex(workshop_date=None, **{**COVER, "workshop": "50% & \\input{x}"})
    assert "50\\% \\& \\textbackslash{}input\\{x\\}" in cover


def test_place_name_says_city_or_province():
    assert book.place_name("Cần Thơ", True) == "thành phố Cần Thơ"
    assert book.place_name("An Giang", False) == "tỉnh An Giang"


BASE = {"sphinx": {"config": {"latex_elements": {"preamble": "% base\n"}}}}
COMMON = dict(title="T", running_title="R", pdf_stem="pii-2024-x", substitutions={})


def test_draft_marks_html_and_pdf_and_keeps_the_notice():
    config = book.book_config(BASE, notice=True, draft=True, **COMMON)
    assert config["html"]["announcement"] == f"{book.DRAFT_MARK} — {NOTICE_TEXT}"
    preamble = config["sphinx"]["config"]["latex_elements"]["preamble"]
    assert book.DRAFT_MARK in preamble and NOTICE_TEXT in preamble
    plain = book.book_config(BASE, notice=False, **COMMON)
    assert book.DRAFT_MARK not in plain["sphinx"]["config"]["latex_elements"]["preamble"]
    assert "announcement" not in plain["html"]


def test_the_cover_replaces_sphinx_title_page_when_an_issuer_is_given():
    config = book.book_config(BASE, notice=False, issuer=book.ISSUER, place="tỉnh An Giang",
                              city="An Giang", workshop="Hội thảo", workshop_date=date(2026, 1, 2),
                              **COMMON)
    title_page = config["sphinx"]["config"]["latex_elements"]["maketitle"]
    assert "\\begin{titlepage}" in title_page and "\\sphinxmaketitle" not in title_page
    assert "An Giang, ngày 2 tháng 1 năm 2026" in title_page


def test_downloads_link_the_pdf_beside_the_html_folder_and_the_workbooks_inside_it():
    config = book.with_workbooks(book.book_config(BASE, notice=False, **COMMON), ["w.xlsx"])
    sphinx_config = config["sphinx"]["config"]
    assert sphinx_config["pii_downloads"] == [[book.PDF_LABEL, "../pii-2024-x.pdf"],
                                              [book.WORKBOOK_LABEL.format(name="w.xlsx"), "w.xlsx"]]
    assert sphinx_config["html_extra_path"] == ["w.xlsx"]
    no_pdf = book.book_config(BASE, notice=False, pdf=False, **COMMON)
    assert no_pdf["sphinx"]["config"]["pii_downloads"] == []
    assert download_links("notebooks/overview", [["PDF", "../a.pdf"], ["W", "w.xlsx"]]) == [
        ("PDF", "../../a.pdf"), ("W", "../w.xlsx")]
    assert download_links("intro", [["PDF", "../a.pdf"]]) == [("PDF", "../a.pdf")]


def test_numbered_toc_numbers_every_part_without_changing_the_input():
    toc = {"format": "jb-book", "root": "intro", "parts": [{"caption": "A", "chapters": []}]}
    numbered = book.numbered_toc(toc)
    assert numbered["defaults"] == {"numbered": True}
    assert "defaults" not in toc


@pytest.mark.parametrize("typed, folded", [
    ("chỉ dẫn địa lý", "chi dan dia ly"), ("ĐỊA", "dia"), ("Đổi mới", "doi moi"),
    ("chi dan", "chi dan"), ("Nghệ", "nghe"), ("ưu", "uu"),
])
def test_search_folds_diacritics_in_the_index(typed, folded):
    assert " ".join(fold_diacritics(word) for word in typed.split()) == folded
    assert SearchVietnamese(None).stem(typed.split()[0]) == folded.split()[0]


def test_sparse_pages_spares_covers_part_pages_and_chapter_ends():
    fills = [0.1, 0.9, 0.2, 0.3, 0.95, 0.4, 0.45, 0.1]
    # Chapters start on pages 2 and 5, a part title on page 7, the book ends on page 8.
    assert book.sparse_pages(fills, starts={2, 5, 7}, parts={7}) == [3]
    assert book.sparse_pages(fills, starts={2, 5, 7}, parts={7}, minimum=0.2) == []
    assert book.sparse_pages(fills, starts={2, 4, 5, 7}, parts={7}) == []


def test_build_flags_reach_the_build_options():
    args = build_parser().parse_args(["build", "--edition", "2024", "--workshop", "Hội thảo X",
                                      "--workshop-date", "2026-12-15", "--draft"])
    assert (args.workshop, args.workshop_date, args.draft) == ("Hội thảo X", date(2026, 12, 15), True)
    defaults = build_parser().parse_args(["build", "--edition", "2024"])
    assert (defaults.workshop, defaults.workshop_date, defaults.draft) == (None, None, False)
    with pytest.raises(SystemExit):
        build_parser().parse_args(["build", "--edition", "2024", "--workshop-date", "15/12/2026"])


def test_chapters_of_one_repeated_template_are_listed_without_sections():
    toc = {"parts": [{"chapters": [{"file": "overview"}]},
                     {"chapters": [{"file": "indicator-1"}, {"file": "indicator-2"}]},
                     {"chapters": [{"file": "levers"}, {"file": "methodology"}]}]}
    headings = {"overview": ["A"], "indicator-1": ["Định nghĩa", "Xu hướng"],
                "indicator-2": ["Định nghĩa", "Xu hướng"], "levers": ["X"], "methodology": ["Y"]}
    assert book.uniform_chapters(toc, headings) == [2, 3]
    assert book.uniform_chapters(toc, {**headings, "indicator-2": ["Định nghĩa"]}) == []
    assert book.uniform_chapters({"chapters": [{"file": "a"}]}, {"a": ["A"]}) == []
    latex = book.brief_contents_latex([2, 3])
    assert "\\csname pii@brief@2\\endcsname" in latex and "pii@brief@3" in latex
    assert book.brief_contents_latex([]) == ""


def test_column_weights_follow_the_longest_cell_within_bounds():
    from piilib.report.sphinx_pii import MAX_COLUMN_CHARS, MIN_COLUMN_CHARS, column_weights

    rows = [["Mã", "Tên chỉ số", "x" * 100], ["1", "Đơn đăng ký chỉ dẫn địa lý", ""]]
    assert column_weights(rows) == [MIN_COLUMN_CHARS, len("Đơn đăng ký chỉ dẫn địa lý"),
                                    MAX_COLUMN_CHARS]


def test_a_wide_tables_columns_hold_their_longest_words():
    """The thresholds table of an indicator chapter (8 columns): tabulary's minimum width
    squeezed every column to the same width, and "0,00959ᴹᴴ" or "(+0,00004" ran into the next
    column. Each column now gets at least its longest word, the rest goes to wrapping text."""
    from piilib.report.sphinx_pii import LINE_CHARS, WORD_PADDING, column_weights

    rows = [["Ngưỡng", "Cần đạt (đơn/xã)", "Thay đổi cần có", "Xác suất đạt", "Hạng chỉ số (vùng)",
             "PII tăng", "Hạng PII (vùng)", "Có căn cứ"],
            ["Lên 1 bậc xếp hạng", "0,00428 (đạt theo xu hướng)MH",
             "+1 đơn đăng ký chỉ dẫn địa lý (+0,00004 đơn/xã)MH", "79%MH", "56 (vùng 10)MH", "0,00MH",
             "7 (vùng 1)MH", "có"],
            ["Dẫn đầu vùng Đồng bằng sông Cửu Long", "0,01754MH",
             "+3 đơn đăng ký chỉ dẫn địa lý (+0,01330 đơn/xã)MH", "dưới 1%MH", "11 (vùng 1)MH",
             "+0,88MH", "6 (vùng 1)MH", "không"]]
    weights = column_weights(rows)
    for column, weight in enumerate(weights):
        longest_word = max(len(word) for row in rows for word in row[column].split())
        assert weight / sum(weights) * LINE_CHARS >= longest_word + WORD_PADDING - 0.05, column
    # the wrapping text columns get more than the short ones
    assert weights[2] > weights[5] and weights[0] > weights[6]


def test_a_column_of_long_text_gets_the_room_of_a_wide_table():
    """The plan's goals (sentences of 200 characters) beside short cells: the goals' column
    is the widest, not squeezed to the width of a 50-character phrase."""
    from piilib.report.sphinx_pii import column_weights

    goal = ("Thực hiện hiệu quả, thực chất cơ cấu lại nền kinh tế gắn với đổi mới mô hình tăng trưởng; "
            "thúc đẩy phát triển mạnh mẽ khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số")
    rows = [["Mục tiêu", "Kỳ 2024", "Đánh giá", "Kỳ 2025: mục tiêu trên bản đồ 34 đơn vị", "Xác suất: theo xu hướng",
             "Xác suất: nếu đạt mục tiêu khuyến nghị"],
            [goal, "–", "Định tính", "–", "–", "–"],
            ["Tiếp tục duy trì thứ hạng", "7/63MH", "Mốc so sánh", "Không thấp hơn thứ 14/34 (kỳ 2024 trên bản đồ này)",
             "71%MH", "89%MH"]]
    weights = column_weights(rows)
    assert weights[0] == max(weights) and weights[0] > 2 * weights[3]



def test_a_short_table_of_long_wrapped_cells_may_break_but_a_small_one_stays_whole():
    """Six thresholds with their changes in words fill a page: in the PDF such a table breaks
    (a longtable) instead of moving whole to the next page and leaving the rest of this one
    empty; a few short rows, or a header and two rows, stay together."""
    from piilib.report.sphinx_pii import BREAKABLE_LINES, breakable, estimated_lines

    header = ["Ngưỡng", "Cần đạt", "Thay đổi cần có", "Xác suất đạt", "Hạng chỉ số (vùng)", "PII tăng"]
    wordy = ["Dẫn đầu vùng Đồng bằng sông Cửu Long", "113,5",
             "+45 dự án đầu tư đang hoạt động trong các cụm công nghiệp (+101,3 dự án/1.000 DN chế biến, chế tạo)",
             "dưới 1%", "2 (vùng 1)", "+1,00"]
    terse = ["Giữ thứ hạng", "12,9", "+0,7", "47%", "57 (vùng 13)", "+0,01"]
    assert estimated_lines([header] + [wordy] * 6) > BREAKABLE_LINES and breakable([header] + [wordy] * 6, 6)
    assert estimated_lines([header] + [terse] * 6) <= BREAKABLE_LINES and not breakable([header] + [terse] * 6, 6)
    assert not breakable([header] + [wordy] * 2, 2)  # a header and two rows: never split
    assert breakable([header] + [terse] * 9, 9)  # more than BREAKABLE_ROWS rows: always


def test_a_breakable_table_keeps_its_first_two_rows_and_its_last_two_together():
    """The first body row and the one before the last are marked: no page break after them."""
    from docutils import nodes

    from piilib.report.sphinx_pii import KEEP_ROW, keep_rows_together

    def row(text):
        return nodes.row("", nodes.entry("", nodes.paragraph(text=text)), nodes.entry("", nodes.paragraph(text="x")))

    rows = [row(str(n)) for n in range(5)]
    keep_rows_together(rows)
    marked = [n for n, r in enumerate(rows) if any(raw.astext() == KEEP_ROW for raw in r.findall(nodes.raw))]
    assert marked == [0, 3]
    # In the last cell's paragraph, not a paragraph of its own (which made the row taller).
    assert isinstance(next(rows[0].findall(nodes.raw)).parent, nodes.paragraph)
    two = [row("a"), row("b")]
    keep_rows_together(two)  # one row marked once
    assert len(list(two[0].findall(nodes.raw))) == 1
