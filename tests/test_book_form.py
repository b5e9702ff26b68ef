"""The book's form, on a real build of the fixture book plus one chapter made for these tests
(long text, a named figure with alt text, a wide table, a workbook, a deliberate page break):
the PDF's cover, draft mark and page fill; the HTML's numbering, alt text, downloads, search
without diacritics and layout at phone width (headless Chromium).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

import nbformat
import pytest
import yaml

import piilib.report.tables
from piilib.report import book
from piilib.report.build import BuildOptions, build_report

pytestmark = pytest.mark.slow

FIXTURES = Path(__file__).parent / "fixtures" / "book"
BASE_CONFIG = Path(__file__).parents[1] / "_config.yml"
ARTEFACTS = Path(__file__).parents[1] / "build" / "test-artefacts"
INDICATORS = [("6.2.4", "Đơn đăng ký chỉ dẫn địa lý / Tổng số xã"),
              ("1.2.1", "Chi phí gia nhập thị trường")]
WORKSHOP = "Hội thảo công bố PII Cần Thơ"
WORKSHOP_DATE = date(2026, 12, 15)
LONE_PARAGRAPH = "Đoạn văn này đứng một mình trên trang của nó."
FIGURE_ALT = "Biểu đồ cột thử nghiệm: giá trị của năm địa phương"
WORKBOOK = "chi-tieu-thu-nghiem.xlsx"
LONG_TABLE = "Bảng dài ba mươi dòng"
PHONE_WIDTH = 390

SENTENCE = ("Chỉ số đổi mới sáng tạo của địa phương được tính từ các chỉ số thành phần, "
            "chuẩn hóa về thang điểm từ 0 đến 100 rồi tổng hợp theo trụ cột. ")


def require(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.fail(f"{tool} is not installed; run `make system-deps` (part of `make test`)")
    return path


def form_chapter(path: Path) -> None:
    """A chapter with everything whose form the tests check."""
    paragraph = SENTENCE * 6
    cells = [
        nbformat.v4.new_markdown_cell("# Hình thức của báo cáo"),
        nbformat.v4.new_code_cell(
            'edition = "2024"\nprovince = "can-tho"\ndata_path = ""\noutput_dir = ""',
            metadata={"tags": ["parameters"]}),
        # A forced page break in the PDF: the page before it is under half full on purpose.
        nbformat.v4.new_markdown_cell(f"{LONE_PARAGRAPH}\n\n```{{raw}} latex\n\\newpage\n```"),
        nbformat.v4.new_markdown_cell("## Phần mở đầu\n\n" + "\n\n".join([paragraph] * 5)),
        nbformat.v4.new_code_cell(
            "import matplotlib.pyplot as plt\n"
            "import pandas as pd\nfrom pathlib import Path\nfrom myst_nb import glue\n"
            "figure, axes = plt.subplots(figsize=(9, 4))\n"
            "axes.bar(['Cần Thơ', 'An Giang', 'Hậu Giang', 'Sóc Trăng', 'Vĩnh Long'], [5, 3, 4, 2, 6])\n"
            "glue('form_figure', figure, display=False)\n"
            f"pd.DataFrame({{'a': [1]}}).to_excel(Path(output_dir) / '{WORKBOOK}', index=False)"),
        nbformat.v4.new_markdown_cell(
            "## Hình và bảng\n\n{numref}`fig-form` cho thấy giá trị của năm địa phương.\n\n"
            f"```{{glue:figure}} form_figure\n:alt: {FIGURE_ALT}\n:name: fig-form\n\n"
            "Giá trị của năm địa phương\n```\n\n" + paragraph),
        nbformat.v4.new_code_cell(
            "from piilib.report import show_table\n"
            "wide = pd.DataFrame({f'Cột số {n} có tên dài': [f'giá trị dài số {n}'] * 3 for n in range(12)})\n"
            "show_table(wide, caption='Bảng rộng nhiều cột')"),
        nbformat.v4.new_markdown_cell("## Bảng dài\n\n" + "\n\n".join([paragraph] * 3)),
        nbformat.v4.new_code_cell(
            "long = pd.DataFrame({'Mã': [f'{n}.1.1' for n in range(30)],\n"
            "                     'Tên': [f'Tên chỉ số dài số {n} của bảng dài, cần xuống dòng trong ô' for n in range(30)],\n"
            "                     'Cơ quan': ['Sở Khoa học và Công nghệ'] * 30})\n"
            # Uncaptioned and long: numbered in neither HTML nor PDF.
            "show_table(pd.DataFrame({'Mã': range(12), 'Ghi chú': [f'Ghi chú {n}' for n in range(12)]}))\n"
            f"show_table(long, caption='{LONG_TABLE}')"),
        nbformat.v4.new_markdown_cell("## Phần kết\n\n" + "\n\n".join([paragraph] * 7)),
    ]
    notebook = nbformat.v4.new_notebook(cells=cells, metadata={
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"}})
    nbformat.write(notebook, path)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    require("xelatex")
    root = tmp_path_factory.mktemp("form")
    source = root / "book"
    shutil.copytree(FIXTURES, source, ignore=shutil.ignore_patterns("data"))
    form_chapter(source / "templates" / "form.ipynb")
    toc = yaml.safe_load((source / "_toc.yml").read_text(encoding="utf-8"))
    overview, indicators = toc.pop("chapters")
    # Parts as in the project's _toc.yml: the repeated indicator chapters have a part of
    # their own, whose chapters share their sections.
    toc["parts"] = [{"caption": "Kết quả chung", "chapters": [overview]},
                    {"caption": "Các chỉ số", "chapters": [indicators]},
                    {"caption": "Hình thức", "chapters": [{"file": "templates/form"}]}]
    (source / "_toc.yml").write_text(yaml.safe_dump(toc, allow_unicode=True), encoding="utf-8")
    return build_report(BuildOptions(
        base_config=BASE_CONFIG, edition=2024, province="can-tho",
        data_path=FIXTURES / "data" / "illustrative.csv", toc=source / "_toc.yml",
        share_results=False, out_dir=root / "out", cache_dir=root / "cache",
        indicators=INDICATORS, library=[Path(piilib.report.tables.__file__)], progress=False,
        workshop=WORKSHOP, workshop_date=WORKSHOP_DATE, draft=True,
    ))


def pdf_page_texts(pdf: Path) -> list[str]:
    require("pdftotext")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    return [" ".join(page.split()) for page in text.split("\f")[:-1]]


def html_pages(out: Path) -> list[Path]:
    return sorted(p for p in (out / "html").glob("*.html")
                  if p.name not in ("index.html", "search.html", "genindex.html"))


def test_the_cover_names_the_city_the_issuer_the_workshop_and_its_date(built):
    cover = pdf_page_texts(built.pdf)[0]
    assert "ỦY BAN NHÂN DÂN THÀNH PHỐ CẦN THƠ" in cover
    assert "SỞ KHOA HỌC VÀ CÔNG NGHỆ" in cover
    assert WORKSHOP[:1].lower() + WORKSHOP[1:] in cover
    assert "Cần Thơ, ngày 15 tháng 12 năm 2026" in cover
    today = date.today()
    assert f"ngày {today.day} tháng {today.month} năm {today.year}" not in cover or today == WORKSHOP_DATE


def test_every_pdf_page_carries_the_draft_mark(built):
    pages = pdf_page_texts(built.pdf)
    assert pages and all(book.DRAFT_MARK in page for page in pages)


def test_contents_list_chapters_and_first_level_sections_only(built):
    contents = next(page for page in pdf_page_texts(built.pdf) if "Mục lục" in page)
    assert "4.1 Phần mở đầu" in contents  # a first-level section of the form chapter
    assert "1.1 Giá trị của địa phương" in contents
    assert all(f"{code} {name}" in contents for code, name in INDICATORS)
    # The indicator chapters' sections are the same in every chapter: listed in none.
    assert "Giá trị theo địa phương" not in contents


def test_only_the_forced_break_leaves_a_page_under_half_full(built):
    require("pdftoppm")
    pages = pdf_page_texts(built.pdf)
    lone = [number for number, text in enumerate(pages, 1) if LONE_PARAGRAPH in text]
    assert len(lone) == 1
    underfilled = book.underfilled_pages(built.pdf)
    assert [page for page, _ in underfilled] == lone, underfilled


def test_a_long_table_breaks_across_pages_with_its_cells_wrapped(built):
    pages = pdf_page_texts(built.pdf)
    first = next(n for n, text in enumerate(pages) if LONE_PARAGRAPH not in text and LONG_TABLE in text
                 and "Mục lục" not in text)
    last = next(n for n, text in enumerate(pages) if "Tên chỉ số dài số 29 của bảng dài" in text)
    assert last == first + 1
    # Wrapped, not cut: every row's name reaches its last words ("trong ô", perhaps on the
    # next line, between the other columns).
    text = " ".join(pages[first:last + 1])
    rows = re.split(r"Tên chỉ số dài số \d+ của", text)[1:]
    assert len(rows) == 30
    assert all(re.search(r"\btrong\b.*\bô\b", row) for row in rows), rows


def test_figures_stay_in_their_section(built):
    """The figure follows the paragraph that cites it, before the next section's heading."""
    text = " ".join(pdf_page_texts(built.pdf))
    cited = text.index("cho thấy giá trị của năm địa phương")
    caption = text.index("Giá trị của năm địa phương", cited + 1)
    assert cited < caption < text.index("Phần kết", cited)


def caption_numbers(text: str, *, pdf: bool = False) -> list[str]:
    """"Hình 4.1", "Bảng 1.1" ... in order; in the PDF only captions ("Hình 4.1: ..."), not
    references to them in the text."""
    return re.findall(r"((?:Hình|Bảng) \d+\.\d+)" + (":" if pdf else ""), text)


class _Captions(HTMLParser):
    """Text of figure and table captions' numbers ("Hình 4.1") and every <img>'s alt."""

    def __init__(self):
        super().__init__()
        self.depth = 0
        self.numbers: list[str] = []
        self.alts: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "img":
            self.alts.append(values.get("alt") or "")
        if tag == "span" and "caption-number" in (values.get("class") or ""):
            self.depth = 1
            self.numbers.append("")

    def handle_endtag(self, tag):
        if tag == "span" and self.depth:
            self.depth = 0

    def handle_data(self, data):
        if self.depth:
            self.numbers[-1] += data


def test_html_numbers_figures_and_tables_as_the_pdf_does(built):
    html_numbers, order = [], ["intro", "overview", "indicator-6-2-4", "indicator-1-2-1", "form"]
    for name in order:
        parser = _Captions()
        parser.feed((built.out_dir / "html" / f"{name}.html").read_text(encoding="utf-8"))
        html_numbers += [" ".join(number.split()) for number in parser.numbers]
    pdf_numbers = caption_numbers(" ".join(pdf_page_texts(built.pdf)), pdf=True)
    assert "Hình 4.1" in pdf_numbers and "Bảng 4.2" in pdf_numbers
    assert caption_numbers(" ".join(html_numbers)) == pdf_numbers


def test_figures_carry_vietnamese_alt_text(built):
    alts = {}
    for page in html_pages(built.out_dir):
        parser = _Captions()
        parser.feed(page.read_text(encoding="utf-8"))
        alts[page.stem] = parser.alts
    assert FIGURE_ALT in alts["form"]
    # The form chapter's figure is also shown, uncaptioned, by the kernel: it gets a label.
    assert len(alts["form"]) == 2
    for page, page_alts in alts.items():
        assert all(alt and not alt.endswith(".png") for alt in page_alts), (page, page_alts)


def test_every_page_links_the_pdf_and_the_workbook(built):
    html_dir = built.out_dir / "html"
    assert (html_dir / WORKBOOK).is_file()
    for page in html_pages(built.out_dir):
        links = re.findall(r'class="pii-download" href="([^"]+)"', page.read_text(encoding="utf-8"))
        targets = {(page.parent / link).resolve() for link in links}
        assert targets == {built.pdf.resolve(), (html_dir / WORKBOOK).resolve()}, page.name


def chromium(profile: Path, *arguments: str, timeout: int = 120) -> str:
    command = [
        require("chromium"), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run", f"--user-data-dir={profile}", "--host-resolver-rules=MAP * ~NOTFOUND",
        *arguments,
    ]
    completed = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    assert completed.returncode == 0, completed.stderr[-2000:]
    return completed.stdout


def search_results(html_dir: Path, query: str, profile: Path) -> list[str]:
    dom = chromium(profile, "--virtual-time-budget=10000", "--dump-dom",
                   (html_dir / "search.html").as_uri() + "?q=" + quote(query))
    listing = re.search(r'<ul class="search">(.*?)</ul>', dom, re.S)
    return re.findall(r'<a href="([^"#?]+)', listing.group(1)) if listing else []


@pytest.mark.parametrize("query", ["chi dan dia ly", "chỉ dẫn địa lý", "CHI DAN DIA LY"])
def test_search_finds_words_typed_with_or_without_diacritics(built, tmp_path, query):
    results = search_results(built.out_dir / "html", query, tmp_path / "profile")
    assert results and results[0] == "indicator-6-2-4.html", results


# Reports, into the page, every image, figure or table wider than the screen that is not
# inside a box the reader can scroll, and whether the page itself scrolls sideways.
_OVERFLOW_PROBE = """
<script>
window.addEventListener("load", () => {
  const width = document.documentElement.clientWidth;
  const scrollable = (element) => {
    for (let box = element.parentElement; box; box = box.parentElement) {
      const style = getComputedStyle(box);
      if (["auto", "scroll"].includes(style.overflowX) && box.getBoundingClientRect().right <= width + 1)
        return true;
    }
    return false;
  };
  const clipped = [];
  for (const element of document.querySelectorAll(".bd-article img, .bd-article figure, .bd-article table")) {
    const box = element.getBoundingClientRect();
    const fits = box.right <= width + 1;
    const tableScrolls = element.tagName === "TABLE" && ["auto", "scroll"].includes(getComputedStyle(element).overflowX)
      && box.right <= width + 1;
    if (!fits && !scrollable(element) && !tableScrolls) clipped.push(element.tagName + " " + Math.round(box.right));
  }
  parent.postMessage(JSON.stringify({width, pageWidth: document.documentElement.scrollWidth, clipped}), "*");
});
</script>
"""

# Headless Chromium's window is at least 500 px wide: the page is shown in a frame as wide as
# a phone, and the probe inside it posts its report to this page.
_PHONE_FRAME = """<!DOCTYPE html><html><body style="margin:0">
<iframe src="{page}" style="width:{width}px;height:1600px;border:0"></iframe>
<script>
addEventListener("message", (event) => {{
  const report = document.createElement("pre");
  report.id = "pii-overflow";
  report.textContent = event.data;
  document.body.appendChild(report);
}});
</script></body></html>
"""


def test_at_phone_width_figures_scale_and_wide_tables_scroll(built, tmp_path):
    html_dir = built.out_dir / "html"
    for page in html_pages(built.out_dir):
        probe = page.with_name(f"probe-{page.name}")
        probe.write_text(page.read_text(encoding="utf-8").replace("</body>", _OVERFLOW_PROBE + "</body>"),
                         encoding="utf-8")
        frame = page.with_name(f"frame-{page.name}")
        frame.write_text(_PHONE_FRAME.format(page=probe.name, width=PHONE_WIDTH), encoding="utf-8")
        try:
            dom = chromium(tmp_path / f"profile-{page.stem}", "--window-size=800,1700",
                           "--virtual-time-budget=8000", "--dump-dom", frame.as_uri())
        finally:
            probe.unlink()
            frame.unlink()
        found = re.search(r'<pre id="pii-overflow"[^>]*>(.*?)</pre>', dom, re.S)
        assert found, page.name
        report = json.loads(found.group(1).replace("&quot;", '"'))
        assert report["width"] <= PHONE_WIDTH, report
        assert report["clipped"] == [], (page.name, report)
        assert report["pageWidth"] <= report["width"], (page.name, report)
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    frame = html_dir / "frame-shot.html"
    frame.write_text(_PHONE_FRAME.format(page="form.html", width=PHONE_WIDTH), encoding="utf-8")
    try:
        chromium(tmp_path / "profile-shot", f"--screenshot={ARTEFACTS / 'form-phone.png'}",
                 "--window-size=800,1600", "--virtual-time-budget=5000", frame.as_uri())
    finally:
        frame.unlink()
