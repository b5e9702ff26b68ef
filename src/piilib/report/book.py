"""Assemble the Jupyter Book source tree, run Jupyter Book, and check what it produced.

The source tree lives in the build cache (never in the published directory) and is kept
between builds, writing only files whose bytes changed, so Sphinx re-reads only changed pages.
"""

from __future__ import annotations

import copy
import os
import re
import shutil
import subprocess
import sys
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import yaml

from piilib.messages import text as message
from piilib.report import lean_start
from piilib.report.markup import latex_text
from piilib.report.notice import NOTICE_TEXT, latex_notice

BUILD_DIR = "_build"
EXTERNAL_URL = re.compile(r"^(?:https?:)?//", re.IGNORECASE)
CSS_URL = re.compile(r"(?:url\(\s*['\"]?|@import\s+['\"])((?:https?:)?//[^'\")\s]+)", re.IGNORECASE)
OUTPUT_TAIL_LINES = 40


class BookBuildFailed(Exception):
    """Jupyter Book or LaTeX failed, or the result breaks a rule of the report."""


# Who issues the report, under the province's People's Committee, on the cover.
ISSUER = "Sở Khoa học và Công nghệ"
COMMITTEE = "Ủy ban nhân dân {place}"
DEFAULT_WORKSHOP = "Hội thảo khoa học công bố kết quả PII {edition} và đề xuất giải pháp nâng cao chỉ số"
DRAFT_MARK = "BẢN THẢO"
# The published folder holds html/ and the PDF beside it.
PDF_FROM_HTML = "../{pdf_name}"
PDF_LABEL = "Báo cáo (PDF)"
WORKBOOK_LABEL = "Bảng tính {name}"


def place_name(name: str, central_city: bool) -> str:
    """How the cover names the province: "thành phố Cần Thơ" for a centrally-run city."""
    return f"{'thành phố' if central_city else 'tỉnh'} {name}"


def vietnamese_date(day: date) -> str:
    """"ngày 15 tháng 12 năm 2026", as dates are written in Vietnamese documents."""
    return f"ngày {day.day} tháng {day.month} năm {day.year}"


def cover_latex(*, title: str, issuer: str, place: str, city: str, workshop: str,
                workshop_date: date | None, draft: bool, built: date) -> str:
    """The PDF's title page: the People's Committee of `place` and the issuing body, the
    title, the workshop, and "<city>, <workshop date>". Never dated with the build date unless
    no workshop date is given; then it is a draft ("Bản thảo" + build date)."""
    if workshop_date is None:
        dated = f"Bản thảo, {vietnamese_date(built)}"
    else:
        dated = f"{city}, {vietnamese_date(workshop_date)}"
    lines = [
        "\\begin{titlepage}",
        "\\centering\\sffamily",
        f"{{\\large {latex_text(COMMITTEE.format(place=place).upper())}\\par}}\\smallskip",
        f"{{\\large\\bfseries {latex_text(issuer.upper())}\\par}}",
        "\\rule{0.3\\textwidth}{0.4pt}\\par",
        "\\vspace*{0.2\\textheight}",
        f"{{\\LARGE\\bfseries {latex_text(title)}\\par}}",
        "\\vspace{2.5em}",
        f"{{\\large Tài liệu phục vụ {latex_text(workshop[:1].lower() + workshop[1:])}\\par}}",
    ]
    if draft:
        lines.append("\\vspace{1.5em}"
                     f"{{\\Large\\bfseries\\color{{red!70!black}}{DRAFT_MARK}\\par}}")
    lines += ["\\vfill", f"{{\\large {latex_text(dated)}\\par}}", "\\end{titlepage}"]
    return "\n".join(lines) + "\n"


def draft_latex() -> str:
    """Preamble lines that print "BẢN THẢO" in red at the head of every PDF page (text, not a
    watermark drawn across the page, so the page's text still reads in order)."""
    return (
        "\\AddToHook{shipout/foreground}{%\n"
        "  \\put(0.5\\paperwidth,-9mm)"
        f"{{\\makebox[0pt]{{\\sffamily\\small\\bfseries\\color{{red!70!black}}{DRAFT_MARK}}}}}}}\n"
    )


def book_config(
    base: dict,
    *,
    title: str,
    running_title: str,
    notice: bool | str | None,
    pdf_stem: str,
    substitutions: dict[str, str],
    issuer: str = "",
    place: str = "",
    city: str = "",
    workshop: str = "",
    workshop_date: date | None = None,
    draft: bool = False,
    pdf: bool = True,
    built: date | None = None,
) -> dict:
    """The book's _config.yml: the base configuration plus this edition's settings.

    running_title: the PDF's page-header title (the full title is too long for a header).
    notice: put the illustrative-data notice on every HTML page (announcement bar) and every
    PDF page (LaTeX shipout hook).
    issuer, place, city, workshop, workshop_date: the cover's issuing body, province ("thành phố
    Cần Thơ"), its short name ("Cần Thơ"), the workshop and its date; without a workshop date the cover says "Bản thảo" and the
    build date (`built`, default today).
    draft: a "BẢN THẢO" watermark on every PDF page and in every HTML page's announcement bar.
    pdf: the PDF is published beside the HTML, so every HTML page links to it.
    """
    config = copy.deepcopy(base)
    config["title"] = title
    parse = config.setdefault("parse", {})
    parse["myst_substitutions"] = {**parse.get("myst_substitutions", {}), **substitutions}
    html = config.setdefault("html", {})
    html.pop("announcement", None)
    latex = config.setdefault("latex", {})
    latex.setdefault("latex_documents", {})["targetname"] = f"{pdf_stem}.tex"
    sphinx = config.setdefault("sphinx", {})
    sphinx_config = sphinx.setdefault("config", {})
    elements = sphinx_config.setdefault("latex_elements", {})
    cover = cover_latex(
        title=title, issuer=issuer, place=place, city=city or place, workshop=workshop or title,
        workshop_date=workshop_date, draft=draft, built=built or date.today(),
    ) if issuer else "\\sphinxmaketitle\n"
    # Sphinx's page headers print \@title; shorten it once the title page is out.
    elements["maketitle"] = (
        cover + "\\makeatletter\\def\\@title{" + latex_text(running_title) + "}\\makeatother\n"
    )
    announcements = []
    if draft:
        announcements.append(DRAFT_MARK)
        elements["preamble"] = elements.get("preamble", "") + draft_latex()
    if notice:
        text = notice if isinstance(notice, str) else NOTICE_TEXT  # a str: the notice to show
        announcements.append(text)
        elements["preamble"] = elements.get("preamble", "") + latex_notice(text)
    if announcements:
        html["announcement"] = " — ".join(announcements)
    downloads = list(sphinx_config.get("pii_downloads", []))
    if pdf:
        downloads.insert(0, [PDF_LABEL, PDF_FROM_HTML.format(pdf_name=f"{pdf_stem}.pdf")])
    sphinx_config["pii_downloads"] = downloads
    return config


def with_workbooks(config: dict, names: list[str]) -> dict:
    """`config` that publishes the workbooks `names` (files at the book's root) in the HTML
    folder and links them from every page."""
    if not names:
        return config
    config = copy.deepcopy(config)
    sphinx_config = config.setdefault("sphinx", {}).setdefault("config", {})
    sphinx_config["html_extra_path"] = [*sphinx_config.get("html_extra_path", []), *names]
    sphinx_config["pii_downloads"] = [
        *sphinx_config.get("pii_downloads", []),
        *([WORKBOOK_LABEL.format(name=name), name] for name in names),
    ]
    return config


def section_headings(notebook: Path) -> list[str]:
    """The first-level section headings ("## ...") of a notebook's Markdown cells."""
    import nbformat

    page = nbformat.read(str(notebook), as_version=4)
    return [line[3:].strip() for cell in page.cells if cell.cell_type == "markdown"
            for line in cell.source.splitlines() if line.startswith("## ")]


def uniform_chapters(toc: dict, headings: dict[str, list[str]]) -> list[int]:
    """Numbers of the chapters (1-based, in contents order) of every part of two or more
    chapters that all have the same sections (one template repeated per indicator): the PDF's
    contents lists them without their sections, since the same sections listed under every
    chapter would fill pages and tell the reader nothing."""
    uniform, number = [], 0
    for part in toc.get("parts", []):
        keys = [entry.get("file") for entry in part.get("chapters", [])]
        numbers = list(range(number + 1, number + len(keys) + 1))
        number += len(keys)
        sections = [tuple(headings.get(key, ())) for key in keys]
        if len(keys) >= 2 and sections[0] and len(set(sections)) == 1:
            uniform += numbers
    return uniform


def brief_contents_latex(chapters: list[int]) -> str:
    """Preamble lines that list the numbered `chapters` in the PDF's contents without their
    sections (tocdepth 0 from those chapters' entries, 1 from the others')."""
    if not chapters:
        return ""
    marks = "".join(f"\\expandafter\\def\\csname pii@brief@{number}\\endcsname{{}}"
                    for number in chapters)
    return (
        "\\makeatletter\n" + marks + "\n"
        # The chapter's entry prints its number with \\numberline (hyperref puts the number
        # inside the link, so the entry cannot be parsed): that \\numberline sets the depth.
        "\\let\\pii@numberline\\numberline\n"
        "\\def\\pii@chapternumber#1{\\ifcsname pii@brief@#1\\endcsname"
        "\\setcounter{tocdepth}{0}\\fi\\pii@numberline{#1}}\n"
        "\\let\\pii@l@chapter\\l@chapter\n"
        "\\renewcommand*{\\l@chapter}[2]{\\setcounter{tocdepth}{1}"
        "\\pii@l@chapter{\\let\\numberline\\pii@chapternumber#1}{#2}}\n\\makeatother\n"
    )


def numbered_toc(toc: dict) -> dict:
    """`toc` with numbered chapters in every part, so the HTML numbers chapters, sections,
    figures and tables ("Hình 2.1") as the PDF does."""
    toc = copy.deepcopy(toc)
    toc["defaults"] = {**toc.get("defaults", {}), "numbered": True}
    return toc


def write_tree(target: Path, files: dict[str, bytes | Path]) -> None:
    """Make `target` hold exactly `files` (relative path -> bytes or a file to copy), apart
    from the build output; unchanged files keep their modification time."""
    target.mkdir(parents=True, exist_ok=True)
    for existing in sorted(target.rglob("*"), reverse=True):
        relative = existing.relative_to(target)
        if relative.parts[0] == BUILD_DIR:
            continue
        if existing.is_file() and relative.as_posix() not in files:
            existing.unlink()
        elif existing.is_dir() and not any(existing.iterdir()):
            existing.rmdir()
    for relative, content in files.items():
        data = content.read_bytes() if isinstance(content, Path) else content
        path = target / relative
        if path.is_file() and path.read_bytes() == data:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def book_files(
    static_dir: Path,
    config: dict,
    toc: dict,
    pages: list[tuple[str, Path, Path]],
    markdown_pages: list = (),
) -> dict[str, bytes | Path]:
    """Every file of the book source: config, table of contents, static pages and assets from
    `static_dir`, the Markdown pages and the chapter pages.

    toc: the expanded table of contents (`piilib.report.chapters.Book.toc`), files by page key.
    pages: (key, finished notebook, directory of files the chapter wrote) per chapter; those
    files are placed beside the pages, so a page links to them by name.
    markdown_pages: `piilib.report.chapters.Page`s (key, source), copied as `<key>.md`.
    """
    files: dict[str, bytes | Path] = {}
    for path in sorted(Path(static_dir).rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            files[path.relative_to(static_dir).as_posix()] = path
    for page in markdown_pages:
        files[f"{page.key}{Path(page.source).suffix}"] = Path(page.source)
    owner: dict[str, str] = {}
    for key, notebook, written in pages:
        files[f"{key}.ipynb"] = notebook
        for path in sorted(Path(written).rglob("*")):
            if not path.is_file():
                continue
            relative = path.relative_to(written).as_posix()
            if relative in files:
                raise BookBuildFailed(
                    message("book.same_file.chapter", key=key, file=relative, other=owner[relative])
                    if relative in owner else message("book.same_file.page", key=key, file=relative)
                )
            files[relative] = path
            owner[relative] = key
    # Workbooks the chapters wrote (the agencies' targets) are offered on every HTML page.
    workbooks = sorted(name for name in owner if name.endswith(".xlsx") and "/" not in name)
    config = with_workbooks(config, workbooks)
    brief = uniform_chapters(toc, {key: section_headings(notebook) for key, notebook, _ in pages})
    if brief:
        config = copy.deepcopy(config)
        elements = config.setdefault("sphinx", {}).setdefault("config", {}).setdefault(
            "latex_elements", {})
        elements["preamble"] = elements.get("preamble", "") + brief_contents_latex(brief)
    files["_config.yml"] = yaml.safe_dump(config, allow_unicode=True, sort_keys=False).encode()
    files["_toc.yml"] = yaml.safe_dump(numbered_toc(toc), allow_unicode=True,
                                       sort_keys=False).encode()
    return files


def run_jupyter_book(source: Path, builder: str) -> None:
    """`jupyter-book build` with warnings as errors; raises BookBuildFailed with the tail
    of its output."""
    command = [
        sys.executable,
        "-c",
        f"{lean_start.STARTUP_CODE}; from jupyter_book.cli.main import main; sys.exit(main())",
        "build",
        str(source),
        "--builder",
        builder,
        "--warningiserror",
        "--keep-going",
    ]
    environment = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    completed = subprocess.run(
        command, capture_output=True, text=True, env=environment, check=False
    )
    if completed.returncode != 0:
        output = (completed.stdout + completed.stderr).splitlines()
        tail = "\n".join(output[-OUTPUT_TAIL_LINES:])
        raise BookBuildFailed(message("book.jupyter_book_failed", builder=builder, tail=tail))


def missing_characters(log: Path) -> list[str]:
    """Lines of a LaTeX log that report a glyph missing from a font (silently dropped text)."""
    text = Path(log).read_text(encoding="utf-8", errors="replace")
    return [line for line in text.splitlines() if "Missing character" in line]


class _ResourceCollector(HTMLParser):
    """URLs a browser loads while showing the page (not links the reader may follow)."""

    LOADING = {
        "script": ("src",),
        "img": ("src", "srcset"),
        "iframe": ("src",),
        "source": ("src", "srcset"),
        "video": ("src", "poster"),
        "audio": ("src",),
        "embed": ("src",),
        "object": ("data",),
    }

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "link":
            self.urls.append(values.get("href") or "")
        for attribute in self.LOADING.get(tag, ()):
            if values.get(attribute):
                self.urls.extend(part.split()[0] for part in values[attribute].split(","))
        style = values.get("style") or ""
        self.urls.extend(match.group(1) for match in CSS_URL.finditer(style))


def external_resources(html_dir: Path) -> list[str]:
    """'file: url' for every resource of the built HTML that would be fetched from another
    machine (scripts, stylesheets, images, fonts ...); empty when the book opens offline."""
    found = []
    html_dir = Path(html_dir)
    for page in sorted(html_dir.rglob("*.html")):
        collector = _ResourceCollector()
        collector.feed(page.read_text(encoding="utf-8", errors="replace"))
        name = page.relative_to(html_dir)
        found += [f"{name}: {url}" for url in collector.urls if EXTERNAL_URL.match(url)]
    for sheet in sorted(html_dir.rglob("*.css")):
        text = sheet.read_text(encoding="utf-8", errors="replace")
        found += [f"{sheet.relative_to(html_dir)}: {m.group(1)}" for m in CSS_URL.finditer(text)]
    return found


def build_html(source: Path) -> Path:
    """Build the HTML pages from scratch output-wise (pages are re-read only when changed)
    and check they open offline; returns the HTML directory."""
    html_dir = source / BUILD_DIR / "html"
    shutil.rmtree(html_dir, ignore_errors=True)
    run_jupyter_book(source, "html")
    external = external_resources(html_dir)
    if external:
        raise BookBuildFailed(message("book.not_offline", resources="\n".join(external[:20])))
    return html_dir


def build_pdf(source: Path, pdf_stem: str) -> Path:
    """Build the PDF with XeLaTeX; fail on any glyph missing from the fonts.

    The LaTeX directory is kept between builds: with the previous run's auxiliary files
    (contents, references) one XeLaTeX pass usually suffices where a fresh directory needs
    three. The previous PDF and log are removed first, so a failed run leaves neither.
    """
    latex_dir = source / BUILD_DIR / "latex"
    pdf = latex_dir / f"{pdf_stem}.pdf"
    log = latex_dir / f"{pdf_stem}.log"
    pdf.unlink(missing_ok=True)
    log.unlink(missing_ok=True)
    run_jupyter_book(source, "pdflatex")
    if not pdf.is_file():
        raise BookBuildFailed(message("book.no_pdf", pdf=pdf.name, log=log))
    missing = missing_characters(log)
    if missing:
        raise BookBuildFailed(message("book.missing_glyphs", count=len(missing), log=log,
                                   lines="\n".join(sorted(set(missing))[:20])))
    return pdf


# PDF layout check. Sphinx's page geometry: 1 inch margins around the text area; the running
# header and footer (and the draft and notice lines) lie outside it.
_MARGIN_PT = 72.0
_LAYOUT_DPI = 36
_INK = 200  # grey level (0 black, 255 white) darker than which a pixel counts as printed
_CHAPTER_DEST = re.compile(r'^\s*(\d+)\s+\[.*\]\s+"(chapter\*?|part\*?)\.[^"]*"\s*$')
_PART_DEST = re.compile(r'"part\*?\.')


def page_fill(pdf: Path) -> list[float]:
    """How far down its text area each page of `pdf` is printed (0 empty, 1 full), measured on
    the rendered page (text, tables and figures alike). Needs poppler's pdftoppm."""
    import tempfile

    from PIL import Image  # matplotlib's dependency; only this check needs it

    fills = []
    with tempfile.TemporaryDirectory() as scratch:
        subprocess.run(["pdftoppm", "-r", str(_LAYOUT_DPI), "-gray", str(pdf),
                        str(Path(scratch) / "page")], check=True, capture_output=True)
        for image_path in sorted(Path(scratch).glob("page-*.pgm"),
                                 key=lambda p: int(p.stem.rsplit("-", 1)[1])):
            image = Image.open(image_path)
            # A4 is 842 pt high.
            margin = round(_MARGIN_PT * image.height / 842.0)
            top, bottom = margin, image.height - margin
            body = image.crop((0, top, image.width, bottom)).point(lambda g: 255 if g < _INK else 0)
            box = body.getbbox()
            fills.append(0.0 if box is None else box[3] / (bottom - top))
    return fills


def chapter_pages(pdf: Path) -> tuple[set[int], set[int]]:
    """(pages on which a chapter or part starts, pages of part titles), 1-based, from the
    PDF's named destinations (hyperref's "chapter.N", "chapter*.N", "part.N")."""
    listing = subprocess.run(["pdfinfo", "-dests", str(pdf)], capture_output=True, text=True,
                             check=True).stdout
    starts, parts = set(), set()
    for line in listing.splitlines():
        match = _CHAPTER_DEST.match(line)
        if match:
            starts.add(int(match.group(1)))
            if _PART_DEST.search(line):
                parts.add(int(match.group(1)))
    return starts, parts


def sparse_pages(fills: list[float], starts: set[int], parts: set[int],
                 minimum: float = 0.5) -> list[int]:
    """Pages (1-based) printed less than `minimum` of the way down, other than the cover, a
    part's title page, the last page of a chapter (the page before a chapter or part starts)
    and the last page."""
    count = len(fills)
    exempt = {1, count} | parts | {start - 1 for start in starts}
    return [page for page in range(1, count + 1)
            if page not in exempt and fills[page - 1] < minimum]


def underfilled_pages(pdf: Path, minimum: float = 0.5) -> list[tuple[int, float]]:
    """(page, fill) of every page of `pdf` printed less than `minimum` of the way down its
    text area outside a chapter's end (see `sparse_pages`)."""
    fills = page_fill(pdf)
    starts, parts = chapter_pages(pdf)
    return [(page, round(fills[page - 1], 2)) for page in sparse_pages(fills, starts, parts, minimum)]
