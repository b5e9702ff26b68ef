"""Sphinx extension of the report book (loaded by Jupyter Book through `sphinx.extra_extensions`).

- Search without diacritics: the HTML search index stores every word folded to plain Latin
  letters ("chỉ dẫn địa lý" -> "chi dan dia ly"), and the browser folds the query the same
  way, so a reader who types without diacritics (or with them) finds the same pages.
- Long PDF tables break across pages, their columns wrapped to widths from their contents.
- Alt text: an image without its own takes its figure's caption (never its file path).
- Downloads on every page: the published report's PDF and workbooks (`pii_downloads`, paths
  from the HTML folder) replace the theme's download menu (which offered the page's .md/.ipynb
  source) and are repeated in the page footer, linked relative to each page.
- PDF build speed: Sphinx's LaTeX writer makes a Jinja environment for every table and compiles
  the table template anew each time (half a CPU second for the report's 150 tables); one
  renderer per LaTeX engine renders the same text (`_reuse_latex_renderer`).
"""

from __future__ import annotations

import html
import math
import os
import unicodedata

from docutils import nodes
from sphinx.search import SearchLanguage

# Folds a word in the browser exactly as `fold_diacritics` does in Python.
_JS_STEMMER = r"""
var Stemmer = function() {
  this.stemWord = function(word) {
    return word.toLowerCase().replace(/\u0111/g, "d").normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "");
  };
};
"""


# The search's scorer, loaded with the stemmer (language_data.js); it replaces Sphinx's default
# Scorer, whichever of the two scripts the page loads first.
_JS_SCORER = r"""
// Sphinx scores a page by its best-matching word only, so a page whose title holds every
// word of the query ("chỉ dẫn địa lý" -> the 6.2.4 chapter) tied with any page that has one
// of the words in a section title. Such a page comes first here, whether the query was typed
// with or without diacritics (both are folded as the search index is).
var Scorer = {
  score: (result) => {
    const [docname, title, anchor, descr, score, filename] = result;
    const fold = (text) => text.toLowerCase().replace(/\u0111/g, "d").normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "");
    const query = new URLSearchParams(window.location.search).get("q") || "";
    const words = fold(query).split(/[^\p{Letter}\p{Number}_]+/u).filter((word) => word);
    const titleWords = new Set(fold(title || "").split(/[^\p{Letter}\p{Number}_]+/u));
    const inTitle = words.length > 0 && words.every((word) => titleWords.has(word));
    return inTitle ? score + 30 : score;
  },
  objNameMatch: 11,
  objPartialMatch: 6,
  objPrio: { 0: 15, 1: 5, 2: -5 },
  objPrioDefault: 0,
  title: 15,
  partialTitle: 7,
  term: 5,
  partialTerm: 2,
};
"""


def fold_diacritics(word: str) -> str:
    """Lower case, without accents or tone marks, "đ" as "d": the form the search index keeps."""
    decomposed = unicodedata.normalize("NFD", word.lower().replace("đ", "d"))
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")


class SearchVietnamese(SearchLanguage):
    """Sphinx has no Vietnamese search language; this one indexes folded words (no stemming:
    Vietnamese words do not inflect)."""

    lang = "vi"
    language_name = "Vietnamese"
    js_stemmer_rawcode = None
    js_stemmer_code = _JS_STEMMER + _JS_SCORER
    stopwords: set[str] = set()

    def stem(self, word: str) -> str:
        return fold_diacritics(word)


def download_links(pagename: str, downloads: list) -> list[tuple[str, str]]:
    """(label, href relative to the page) of each (label, path from the HTML folder)."""
    up = "../" * pagename.count("/")
    return [(label, up + path) for label, path in downloads]


def _add_downloads(app, pagename, templatename, context, doctree):
    downloads = app.config.pii_downloads
    if not downloads:
        return
    links = download_links(pagename, downloads)
    buttons = [
        {"type": "link", "url": href, "text": label, "tooltip": label,
         "icon": "fas fa-file-pdf" if href.endswith(".pdf") else "fas fa-file-excel",
         "label": f"pii-download-{number}"}
        for number, (label, href) in enumerate(links)
    ]
    group = {"type": "group", "tooltip": "Tải về", "icon": "fas fa-download",
             "buttons": buttons, "label": "download-buttons"}
    header = context.get("header_buttons")
    if header is not None:
        context["header_buttons"] = [
            button for button in header if button.get("label") != "download-buttons"
        ]
        context["header_buttons"].insert(0, group)
    footer = " · ".join(
        f'<a class="pii-download" href="{html.escape(href)}">{html.escape(label)}</a>'
        for label, href in links
    )
    context["theme_extra_footer"] = f'<p class="pii-downloads">Tải về: {footer}</p>'


# Alt text of an image that has none and no caption (the HTML writer would use its file path).
FALLBACK_ALT = "Hình minh họa"


def _fill_missing_alt(app, doctree, docname):
    """Every image gets Vietnamese alt text: its own, else its figure's caption, else a label;
    never the file path."""
    for image in doctree.findall(nodes.image):
        if image.get("alt"):
            continue
        figure = image.parent if isinstance(image.parent, nodes.figure) else None
        captions = list(figure.findall(nodes.caption)) if figure is not None else []
        image["alt"] = captions[0].astext().strip() if captions else FALLBACK_ALT


# PDF tables longer than this (body rows) may break across pages (longtable), so a long table
# never leaves the rest of a page empty; shorter ones stay whole (tabulary sizes their columns).
BREAKABLE_ROWS = 8
# ... and so may a shorter one whose wrapped cells make it taller than this many lines (six
# thresholds with their changes and ranks in words filled a page): a table that stays whole
# and does not fit moves to the next page and leaves at most this much of a page empty. A
# breakable table never breaks after its first row nor before its last (_config.yml).
BREAKABLE_LINES = 16
# Fewer body rows than this never break: a header and a row alone are not worth a break.
MIN_BREAKABLE_ROWS = 3
# Sphinx's own rule: a table of more rows than this is a longtable.
LATEX_LONGTABLE_ROWS = 30
# Column weights of a breakable table: its longest cell's characters, within these bounds
# (a column of codes stays narrow, a column of long names does not take the whole width).
MIN_COLUMN_CHARS, MAX_COLUMN_CHARS = 5, 40
# Characters of a table's font across the text width (6.27 in): \small DejaVu Serif (about
# 6 pt a character) in a table that stays whole, \footnotesize in a longtable (_config.yml).
# A table whose longest cells add up to more must wrap them.
LINE_CHARS, LONGTABLE_LINE_CHARS = 75, 85
# What a column needs beside its longest word: the cell padding (\tabcolsep on both sides).
WORD_PADDING = 2


def longest_cells(rows: list[list[str]]) -> list[int]:
    """Per column, the characters of its longest cell, within MIN/MAX_COLUMN_CHARS."""
    return [min(max(max((len(row[c]) for row in rows), default=0), MIN_COLUMN_CHARS), MAX_COLUMN_CHARS)
            for c in range(len(rows[0]))]


def column_weights(rows: list[list[str]], line_chars: int = LINE_CHARS) -> list[int]:
    """Relative widths of a table's columns from its cells' text (rows of equal length).

    Their longest cells' lengths, within bounds, when that gives every column room for its
    longest word (a word does not wrap: in a narrower column it runs into the next one).
    Otherwise every column first gets its longest word, and what is left of the line goes to
    the columns whose cells wrap, in proportion to how much longer than that word their
    longest cell is (its whole length)."""
    columns = range(len(rows[0]))
    cells = longest_cells(rows)
    # (A word longer than a column may be is cut by LaTeX anyway: it counts as that long.)
    words = [min(max(max((len(word) for row in rows for word in row[c].split()), default=0) + WORD_PADDING,
                     MIN_COLUMN_CHARS), MAX_COLUMN_CHARS) for c in columns]
    # The proportional widths (the table spans the line) hold the words, give or take half the
    # padding (the slack of LaTeX's spacing).
    if all(cell / sum(cells) * line_chars >= word - WORD_PADDING / 2 for cell, word in zip(cells, words)):
        return cells
    spare = line_chars - sum(words)
    # Here the whole length counts: a column of 200-character goals needs more than one of
    # 50-character phrases, though both are longer than MAX_COLUMN_CHARS.
    lengths = [max((len(row[c]) for row in rows), default=0) for c in columns]
    wrapping = [max(length - word, 0) for length, word in zip(lengths, words)]
    if spare <= 0 or not sum(wrapping):
        return words
    # In tenths of a character: Sphinx takes whole numbers as widths.
    return [round(10 * (word + spare * extra / sum(wrapping))) for word, extra in zip(words, wrapping)]


def estimated_lines(rows: list[list[str]], line_chars: int = LINE_CHARS) -> int:
    """The lines a table's rows (header included) take with the columns `column_weights` gives
    them: per row its most wrapped cell (a cell's characters over its column's, rounded up;
    words wrap a little worse, hence the 10% more)."""
    weights = column_weights(rows, line_chars)
    widths = [max(weight / sum(weights) * line_chars - WORD_PADDING, 1) for weight in weights]
    return sum(max((math.ceil(1.1 * len(cell) / width) for cell, width in zip(row, widths)), default=1) or 1
               for row in rows)


def breakable(rows: list[list[str]], body_rows: int) -> bool:
    """Whether a table may break across pages in the PDF (BREAKABLE_ROWS, BREAKABLE_LINES)."""
    return body_rows > BREAKABLE_ROWS or (body_rows >= MIN_BREAKABLE_ROWS
                                          and estimated_lines(rows) > BREAKABLE_LINES)


# Marks a row of a breakable table that must stay on the page of the next one (_config.yml's
# preamble turns it into a \nobreak after the row).
KEEP_ROW = "\\piikeeprow"


def keep_rows_together(body_rows: list) -> None:
    """No page break after the first body row nor before the last: a page never holds a table's
    header with a single row, nor a continuation with only its last one."""
    for row in {id(r): r for r in (body_rows[0], body_rows[-2])}.values() if len(body_rows) >= 2 else ():
        entries = [child for child in row.children if isinstance(child, nodes.entry)]
        if not entries:
            continue
        # Inside the cell's last paragraph: a paragraph of its own after it made the row a
        # little taller (the cell's closing strut no longer on its last line).
        last = entries[-1].children[-1] if entries[-1].children else None
        target = last if isinstance(last, nodes.paragraph) else entries[-1]
        target.append(nodes.raw("", KEEP_ROW, format="latex"))


def _breakable_tables(app, doctree, docname):
    """In the PDF, a table of more than BREAKABLE_ROWS rows becomes a longtable whose columns
    wrap (widths from their contents), instead of an unbreakable block that moves whole to the
    next page; a shorter table too wide for one line per row gets its widths from its contents
    as well (tabulary, with its minimum column width, squeezed the columns of a wide table below
    their longest words)."""
    if app.builder.format != "latex":
        return
    for table in doctree.findall(nodes.table):
        groups = [child for child in table.children if isinstance(child, nodes.tgroup)]
        if len(groups) != 1:
            continue
        group = groups[0]
        bodies = [child for child in group.children if isinstance(child, nodes.tbody)]
        body_rows = [row for body in bodies for row in body.children if isinstance(row, nodes.row)]
        colspecs = [child for child in group.children if isinstance(child, nodes.colspec)]
        rows = [[entry.astext() for entry in row.children if isinstance(entry, nodes.entry)]
                for row in group.findall(nodes.row)]
        unmerged = bool(colspecs) and all(len(row) == len(colspecs) for row in rows)
        breaks = unmerged and breakable(rows, len(body_rows))
        if unmerged and (breaks or sum(longest_cells(rows)) > LINE_CHARS):
            line_chars = LONGTABLE_LINE_CHARS if breaks else LINE_CHARS
            for colspec, weight in zip(colspecs, column_weights(rows, line_chars)):
                colspec["colwidth"] = weight
            table["classes"] += ["longtable", "colwidths-given"] if breaks else ["colwidths-given"]
        if breaks:
            keep_rows_together(body_rows)
        # longtable counts every table, captioned or not; HTML (and tabulary) count only
        # captioned ones: give the number back, so "Bảng 1.7" is the same table in both.
        all_rows = list(group.findall(nodes.row))
        is_long = "longtable" in table["classes"] or len(all_rows) > LATEX_LONGTABLE_ROWS
        if is_long and not any(isinstance(child, nodes.title) for child in table.children):
            table.parent.insert(table.parent.index(table) + 1,
                                nodes.raw("", "\\addtocounter{table}{-1}\n", format="latex"))


def _reuse_latex_renderer() -> None:
    """Make `LaTeXTranslator.render` keep one Jinja renderer per engine (templates compiled
    once) for Sphinx's own templates; a template of the project's `templates_path` still goes
    through Sphinx's own code."""
    from sphinx.util.template import LaTeXRenderer
    from sphinx.writers.latex import LaTeXTranslator

    original = LaTeXTranslator.render
    if getattr(original, "pii_reuses_renderer", False):
        return
    renderers: dict[str, LaTeXRenderer] = {}

    def render(self, template_name, variables):
        overridden = any(os.path.exists(os.path.join(self.builder.confdir, folder, template_name))
                         for folder in self.config.templates_path)
        if overridden:
            return original(self, template_name, variables)
        engine = self.config.latex_engine
        if engine not in renderers:
            renderers[engine] = LaTeXRenderer(latex_engine=engine)
        return renderers[engine].render(template_name, variables)

    render.pii_reuses_renderer = True
    LaTeXTranslator.render = render


# Jupyter Book's default search placeholder is English ("Search this book...").
SEARCH_BAR_TEXT = "Tìm trong báo cáo…"


def _vietnamese_search_bar(app, config):
    """The search box's placeholder in Vietnamese, unless the book sets its own."""
    options = dict(config.html_theme_options or {})
    if options.get("search_bar_text") in (None, "Search this book..."):
        options["search_bar_text"] = SEARCH_BAR_TEXT
    config.html_theme_options = options


def setup(app):
    _reuse_latex_renderer()
    app.connect("config-inited", _vietnamese_search_bar)
    app.add_config_value("pii_downloads", [], "html")
    app.add_search_language(SearchVietnamese)
    app.connect("doctree-resolved", _fill_missing_alt)
    app.connect("doctree-resolved", _breakable_tables)
    # After the book theme fills its header buttons (priority 501).
    app.connect("html-page-context", _add_downloads, priority=600)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
