"""Real builds of a tiny fixture book: papermill, Jupyter Book HTML, XeLaTeX PDF, Chromium.

Slow (a kernel per chapter, LaTeX, a browser), but part of the default run: `make test`
installs the Debian packages they need (`make system-deps`).
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

import nbformat
import pytest

import piilib.report.tables
from piilib.cli import main
from piilib.report.book import BookBuildFailed, build_pdf
from piilib.report.build import BuildOptions, build_report
from piilib.report.notice import NOTICE_TEXT

pytestmark = pytest.mark.slow

FIXTURES = Path(__file__).parent / "fixtures" / "book"
BASE_CONFIG = Path(__file__).parents[1] / "_config.yml"
ARTEFACTS = Path(__file__).parents[1] / "build" / "test-artefacts"  # kept for people to look at
INDICATORS = [
    ("6.2.4", "Đơn đăng ký chỉ dẫn địa lý / Tổng số xã"),
    ("1.2.1", "Chi phí gia nhập thị trường"),
]
CHAPTER_TITLES = ["Tổng quan"] + [f"{code} {name}" for code, name in INDICATORS]
CHAPTER_KEYS = ["overview", "indicator-6-2-4", "indicator-1-2-1"]


def require(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.fail(f"{tool} is not installed; run `make system-deps` (part of `make test`)")
    return path


def build(root: Path, data_name: str, *, toc: Path | None = None, pdf: bool = True,
          out: str | None = None, cache: str | None = None, indicators=INDICATORS):
    stem = data_name.removesuffix(".csv")
    return build_report(BuildOptions(
        base_config=BASE_CONFIG,
        edition=2024,
        province="can-tho",
        data_path=FIXTURES / "data" / data_name,
        toc=toc or FIXTURES / "_toc.yml",
        share_results=False,  # the fixture chapters read the data file themselves
        out_dir=root / (out or f"out-{stem}"),
        cache_dir=root / (cache or f"cache-{stem}"),
        indicators=indicators,
        # The fixture templates use only piilib.report.tables; keying them on the whole library
        # would make the cache test depend on unrelated edits made while it runs.
        library=[Path(piilib.report.tables.__file__)],
        pdf=pdf,
        progress=False,
    ))


def copy_book(root: Path, name: str) -> Path:
    """A copy of the fixture book (table of contents, root page, templates); its _toc.yml."""
    target = root / name
    shutil.copytree(FIXTURES, target, ignore=shutil.ignore_patterns("data"))
    return target / "_toc.yml"


def pdf_pages(pdf: Path) -> list[str]:
    require("pdftotext")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    return [" ".join(page.split()) for page in text.split("\f")[:-1]]


def pdf_info(pdf: Path) -> dict[str, str]:
    require("pdfinfo")
    lines = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True,
                           check=True).stdout.splitlines()
    return {key.strip(): value.strip() for key, _, value in (line.partition(":") for line in lines)}


def html_pages(out: Path) -> list[Path]:
    """The book's pages (index.html only redirects to the first page)."""
    return sorted(p for p in (out / "html").glob("*.html") if p.name != "index.html")


def tree_digest(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    return tmp_path_factory.mktemp("book")


@pytest.fixture(scope="module")
def illustrative(root):
    require("xelatex")
    return build(root, "illustrative.csv")


@pytest.fixture(scope="module")
def official(root):
    require("xelatex")
    return build(root, "official.csv", indicators=INDICATORS[:1])


def test_pdf_has_titles_captions_and_the_notice_on_every_page(illustrative):
    assert illustrative.pdf == illustrative.out_dir / "pii-2024-can-tho.pdf"
    info = pdf_info(illustrative.pdf)
    assert info["Page size"].startswith("595.28 x 841.89")  # A4 in points
    pages = pdf_pages(illustrative.pdf)
    assert len(pages) == int(info["Pages"])
    text = " ".join(pages)
    for title in CHAPTER_TITLES + ["Lời nói đầu", "Mục lục"]:
        assert title in text, title
    for code, _ in INDICATORS:
        assert code in text
    assert "Cần Thơ" in text  # the province name, read from piilib.units
    assert "Bảng 1.1" in text and "Hình 2.1" in text  # Vietnamese captions
    assert "Fig." not in text and "Contents" not in text
    assert [i for i, page in enumerate(pages, 1) if NOTICE_TEXT not in page] == []
    assert illustrative.notice


def test_html_has_every_chapter_and_the_notice_on_every_page(illustrative):
    pages = html_pages(illustrative.out_dir)
    assert {p.stem for p in pages} >= set(CHAPTER_KEYS) | {"intro"}
    for page in pages:
        assert NOTICE_TEXT in page.read_text(encoding="utf-8"), page.name
    for key, title in zip(CHAPTER_KEYS, CHAPTER_TITLES):
        head = (illustrative.out_dir / "html" / f"{key}.html").read_text(encoding="utf-8")
        # Chapters are numbered in HTML as in the PDF ("1. Tổng quan").
        assert re.search(rf"<title>(?:\d+\. )?{re.escape(title)}", head), key
    overview = (illustrative.out_dir / "html" / "overview.html").read_text(encoding="utf-8")
    assert "<table" in overview and "0,35" in overview  # a real table, Vietnamese decimals
    assert "edition = " not in overview  # parameter cells are not shown


def test_all_official_data_carries_no_notice(official):
    assert not official.notice
    text = " ".join(pdf_pages(official.pdf))
    assert NOTICE_TEXT not in text
    for title in CHAPTER_TITLES[:2]:
        assert title in text
    for page in html_pages(official.out_dir):
        assert NOTICE_TEXT not in page.read_text(encoding="utf-8"), page.name


def test_unchanged_chapters_are_not_executed_again(root, illustrative):
    toc = copy_book(root, "book-cache")
    templates = toc.parent / "templates"
    again = build(root, "illustrative.csv", toc=toc, pdf=False, out="out-cache",
                  cache="cache-illustrative")
    assert again.executed == []
    assert again.cached == CHAPTER_KEYS

    overview = templates / "overview.ipynb"
    page = nbformat.read(overview, as_version=4)
    page.cells.append(nbformat.v4.new_markdown_cell("Đoạn văn mới thêm vào mẫu."))
    nbformat.write(page, overview)
    edited = build(root, "illustrative.csv", toc=toc, pdf=False, out="out-cache",
                   cache="cache-illustrative")
    assert edited.executed == ["overview"]
    assert edited.cached == CHAPTER_KEYS[1:]
    html = (edited.out_dir / "html" / "overview.html").read_text(encoding="utf-8")
    assert "Đoạn văn mới thêm vào mẫu." in html


def researcher_notebook(path: Path, heading: str, code: str) -> None:
    """A notebook as a researcher writes it: a heading, a parameters cell with only
    `edition` and `province`, one cell that uses them."""
    parameters = nbformat.v4.new_code_cell('edition = "2023"\nprovince = "ha-noi"')
    parameters.metadata["tags"] = ["parameters"]
    page = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell(f"# {heading}"), parameters, nbformat.v4.new_code_cell(code)])
    page.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                   "language": "python"}
    nbformat.write(page, path)


def test_a_chapter_added_by_a_notebook_and_one_toc_line_is_in_the_book(root, illustrative, capsys, english):
    toc = copy_book(root, "book-new-chapter")
    researcher_notebook(
        toc.parent / "templates" / "nhan-luc.ipynb", "Nhân lực khoa học và công nghệ",
        "from IPython.display import Markdown, display\n"
        "display(Markdown(f'Chương mới cho **{province}**, kỳ PII **{edition}**.'))")
    researcher_notebook(toc.parent / "templates" / "nhap.ipynb", "Bản nháp", "print('nháp')")
    text = toc.read_text(encoding="utf-8")
    toc.write_text(text.replace("  - file: templates/indicator\n",
                                "  - file: templates/nhan-luc\n  - file: templates/indicator\n"),
                   encoding="utf-8")

    result = build(root, "illustrative.csv", toc=toc, pdf=False, out="out-new-chapter",
                   cache="cache-illustrative")
    assert result.executed == ["nhan-luc"]
    assert result.cached == CHAPTER_KEYS
    page = (result.out_dir / "html" / "nhan-luc.html").read_text(encoding="utf-8")
    assert re.search(r"<title>(?:\d+\. )?Nhân lực khoa học và công nghệ", page)
    # The build's parameters, not the notebook's defaults (ha-noi, 2023).
    assert "Chương mới cho <strong>can-tho</strong>, kỳ PII <strong>2024</strong>." in page
    assert NOTICE_TEXT in page
    # In the book's order: after the overview, before the indicator chapters.
    overview = (result.out_dir / "html" / "overview.html").read_text(encoding="utf-8")
    assert re.search(r'rel="next"[^>]*href="nhan-luc.html"|href="nhan-luc.html"[^>]*rel="next"',
                     overview) or overview.index("nhan-luc.html") < overview.index("indicator-6-2-4.html")
    # The notebook left out of _toc.yml is named, on stderr and in the result.
    assert len(result.warnings) == 1 and "nhap.ipynb is not listed" in result.warnings[0]
    assert "- file: templates/nhap" in result.warnings[0]
    assert result.warnings[0] in capsys.readouterr().err
    assert not (result.out_dir / "html" / "nhap.html").exists()


def test_a_failed_chapter_is_named_and_publishes_nothing(root, illustrative, capsys, english):
    before = tree_digest(illustrative.out_dir)
    toc = copy_book(root, "book-broken")
    overview = toc.parent / "templates" / "overview.ipynb"
    page = nbformat.read(overview, as_version=4)
    broken_index = 3
    page.cells.insert(broken_index, nbformat.v4.new_code_cell(
        "ratio = 1 / 0  # a chapter that breaks\nprint(ratio)"))
    nbformat.write(page, overview)

    status = main([
        "build", "--edition", "2024", "--data", str(FIXTURES / "data" / "illustrative.csv"),
        "--toc", str(toc), "--out", str(illustrative.out_dir),
        "--cache-dir", str(root / "cache-broken"), "--quiet",
    ])
    errors = capsys.readouterr().err
    assert status == 1
    assert f"chapter 'overview' failed in notebook {overview}" in errors
    assert f"cell {broken_index} (counting from 0), first line: ratio = 1 / 0" in errors
    assert "ZeroDivisionError: division by zero" in errors
    assert tree_digest(illustrative.out_dir) == before
    leftovers = [p.name for p in illustrative.out_dir.parent.iterdir() if p.name.startswith(".")]
    assert leftovers == []
    assert (root / "cache-broken" / "failed" / "overview.ipynb").is_file()
    # Chapters run in parallel: those that succeeded are cached, the failed one is not.
    cached = list((root / "cache-broken" / "chapters").glob("*/notebook.ipynb"))
    assert all("1 / 0" not in page.read_text(encoding="utf-8") for page in cached)


def test_a_font_without_vietnamese_letters_fails_the_pdf(root, illustrative):
    """DejaVu Sans Mono lacks precomposed Vietnamese letters: XeLaTeX drops them silently
    (only its log says so); the PDF step must refuse such a PDF."""
    source = root / "book-bad-mono"
    shutil.copytree(root / "cache-illustrative" / "book", source)
    config = source / "_config.yml"
    text = config.read_text(encoding="utf-8")
    assert "\\setmonofont{FreeMono}" in text
    config.write_text(text.replace("\\setmonofont{FreeMono}", "\\setmonofont{DejaVu Sans Mono}"),
                      encoding="utf-8")
    with pytest.raises(BookBuildFailed, match=r"Missing character: There is no ố \(U\+1ED1\)"):
        build_pdf(source, "pii-2024-can-tho")


class _Resources(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag in ("script", "img", "iframe") and values.get("src"):
            self.urls.append(values["src"])
        if tag == "link" and values.get("href"):
            self.urls.append(values["href"])


def chromium_flags(profile: Path) -> list[str]:
    return [
        require("chromium"), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run", f"--user-data-dir={profile}",
        # Nothing can reach another machine during the test, whatever asks for it.
        "--host-resolver-rules=MAP * ~NOTFOUND",
    ]


def page_network_requests(net_log: Path) -> list[str]:
    """URLs of network requests a page made (file:// loads never enter the network log;
    the browser's own background requests carry the initiator 'not an origin')."""
    log = json.loads(net_log.read_text())
    names = {number: name for name, number in log["constants"]["logEventTypes"].items()}
    return [
        event["params"]["url"]
        for event in log["events"]
        if names[event["type"]] == "URL_REQUEST_START_JOB"
        and "url" in event.get("params", {})
        and event["params"].get("initiator") != "not an origin"
    ]


def test_every_page_opens_in_chromium_without_the_network(illustrative, tmp_path):
    pages = html_pages(illustrative.out_dir)
    # One browser per page, all at once (each mostly waits on its own start-up).
    running = {
        page: subprocess.Popen(
            chromium_flags(tmp_path / f"profile-{page.stem}")
            + [f"--log-net-log={tmp_path / f'{page.stem}.netlog.json'}", "--dump-dom",
               page.as_uri()],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for page in pages
    }
    for page, browser in running.items():
        dom, errors = browser.communicate(timeout=120)
        assert browser.returncode == 0, errors[-2000:]
        assert page_network_requests(tmp_path / f"{page.stem}.netlog.json") == [], page.name
        assert NOTICE_TEXT in dom, page.name  # the notice is in the rendered page
        resources = _Resources()
        resources.feed(dom)
        assert resources.urls, page.name
        for url in resources.urls:
            target = urlparse(urljoin(page.as_uri(), url))
            assert target.scheme in ("file", "data"), (page.name, url)
            if target.scheme == "file":
                assert Path(unquote(target.path)).exists(), (page.name, url)

    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    screenshot = ARTEFACTS / "overview.png"
    screenshot.unlink(missing_ok=True)
    subprocess.run(
        chromium_flags(tmp_path / "profile-screenshot")
        + [f"--screenshot={screenshot}", "--window-size=1280,1600",
           (illustrative.out_dir / "html" / "overview.html").as_uri()],
        capture_output=True, timeout=60, check=True,
    )
    assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
