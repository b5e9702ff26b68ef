"""Hostile text from files and names: literal in the report's Markdown/HTML, inert in CSV/XLSX.

The Markdown is rendered with MyST (the parser the book uses, with the book's extensions) to
HTML, and the HTML is checked: no tag, link, emphasis or substitution may come out of a name.
"""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from html.parser import HTMLParser

import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook

from piilib import cli, schema
from piilib.demo import DEMO_DIR
from piilib.report import execute
from piilib.report.book import book_config
from piilib.report.chapters import Chapter
from piilib.report.markup import MarkdownText, bold, code_span, escape_markdown, latex_text
from piilib.report.tables import markdown_table
from piilib.report.text import bullet_list
from piilib.safe_write import csv_text, neutralise_cell, neutralise_frame, save_workbook, write_csv

needs_demo = pytest.mark.skipif(not (DEMO_DIR / "values.csv").is_file(), reason="data/demo not generated")

HOSTILE_NAME = "x`<img src=x onerror=alert(1)>`{{ secret }}*em*_u_[link](javascript:alert(1))&lt;|# h"
SUBSTITUTIONS = {"secret": "SUBSTITUTED"}
FORMULAS = ["=1+2", "=HYPERLINK(\"http://x\",\"y\")", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A2)",
            "\t=1", "\r=1"]


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.attributes, self.text = [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes += [name for name, _ in attrs]

    def handle_data(self, data):
        self.text.append(data)


def render(markdown: str) -> _Tags:
    """`markdown` rendered to HTML by MyST with the book's extensions; the HTML's tags and text."""
    from docutils.core import publish_string
    from myst_parser.parsers.docutils_ import Parser

    html = publish_string(markdown, parser=Parser(), writer_name="html5", settings_overrides={
        "myst_enable_extensions": ["colon_fence", "deflist", "substitution"],
        "myst_substitutions": SUBSTITUTIONS, "report_level": 4, "halt_level": 5,
    }).decode()
    body = html[html.index("<main>"):html.index("</main>")]
    parser = _Tags()
    parser.feed(body)
    return parser


def assert_literal(markdown: str, *texts: str, bold_count: int = 0) -> None:
    """Rendered, `markdown` has no tag a name could bring (and `bold_count` bold spans, the
    page's own) and shows each of `texts` as typed."""
    page = render(markdown)
    assert not {"img", "a", "em", "script", "h1", "h2", "ol", "ul"} & set(page.tags), page.tags
    assert page.tags.count("strong") == bold_count
    assert "onerror" not in page.attributes
    shown = re.sub(r"\s+", " ", "".join(page.text))
    assert "SUBSTITUTED" not in shown
    for text in texts:
        assert text in shown, (text, shown)


# --------------------------------------------------------------------------- the helpers


@pytest.mark.parametrize("text", [HOSTILE_NAME, "<b>bold</b>", "# heading", "- item", "1. item", "+ item",
                                  "(target)=", ":::{note}", "% comment", "a\nb\r\nc", "\\*not em\\*"])
def test_escaped_text_renders_as_itself(text):
    shown = " ".join(text.split())
    assert_literal(f"Tên: {escape_markdown(text)}.", shown)
    assert_literal(escape_markdown(text), shown)  # also at the start of a paragraph


def test_escaping_keeps_ordinary_text_and_marked_markdown():
    assert escape_markdown("TP. Cần Thơ (2024), 6.2.4") == "TP. Cần Thơ (2024), 6.2.4"
    marked = MarkdownText("**6.2.4**")
    assert escape_markdown(marked) is marked
    page = render(f"{bold('a<b>')} and {code_span('x`y')}")
    assert page.tags.count("strong") == 1 and "a<b>" in "".join(page.text)


def test_code_span_holds_any_backticks():
    page = render(f"Tệp {code_span(HOSTILE_NAME)}")
    assert "img" not in page.tags and HOSTILE_NAME in "".join(page.text)


def test_table_cells_headers_and_caption_are_literal():
    frame = pd.DataFrame({HOSTILE_NAME: [HOSTILE_NAME, "= 1 | 2"], "Mã": [bold("6.2.4"), "6.2.5"],
                          "Giá trị": [-1.5, 2.0]})
    table = markdown_table(frame, caption=f"Bảng của {HOSTILE_NAME}")
    page = render(table)
    assert "caption" in page.tags
    assert_literal(table, HOSTILE_NAME, f"Bảng của {HOSTILE_NAME}", "= 1 | 2", "−1,5",
                   bold_count=1)  # the marked bold code only


def test_bullets_of_plan_text_are_literal():
    text = bullet_list(["<img src=x onerror=alert(1)>", "+ [a](javascript:x)"])
    page = render(text)
    assert page.tags.count("ul") == 2 and "img" not in page.tags and "a" not in page.tags


def test_page_title_and_pdf_running_title_are_literal():
    import nbformat

    page = nbformat.v4.new_notebook()
    execute.set_title(page, f"6.2.4 {HOSTILE_NAME}")
    assert_literal(page.cells[0].source.removeprefix("# "), HOSTILE_NAME)
    config = book_config({}, title="T", running_title="A}\\input{/etc/passwd}%", notice=False,
                         pdf_stem="p", substitutions={})
    header = config["sphinx"]["config"]["latex_elements"]["maketitle"]
    assert "\\input" not in header.replace("\\textbackslash{}input", "")
    assert latex_text("50% & $x_1$ {a} ~ ^ \\") == (
        "50\\% \\& \\$x\\_1\\$ \\{a\\} \\textasciitilde{} \\textasciicircum{} \\textbackslash{}")


# --------------------------------------------------------------------------- the report's text


@needs_demo
def test_methodology_chapter_shows_a_hostile_data_file_name_literally(tmp_path):
    """The chapter as `pii build` runs it (papermill) on a data file with a hostile name: the
    Markdown it displays renders without any tag the name could bring, and the glued name is the
    name as typed (MyST renders `{glue:text}` as plain text)."""
    import json

    import papermill

    from piilib.paths import REPO_ROOT

    hostile = tmp_path / "x`<img src=x onerror=alert(1)>`{{ secret }}.csv"
    shutil.copy(DEMO_DIR / "values.csv", hostile)
    executed = tmp_path / "methodology.ipynb"
    papermill.execute_notebook(
        str(REPO_ROOT / "notebooks" / "methodology.ipynb"), str(executed),
        parameters={"edition": "2024", "province": "can-tho", "data_path": str(hostile)},
        cwd=str(tmp_path), progress_bar=False, log_output=False,
        extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
    )
    notebook = json.loads(executed.read_text(encoding="utf-8"))
    shown, glued = [], {}
    for cell in notebook["cells"]:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            scrapbook = output.get("metadata", {}).get("scrapbook")
            if scrapbook:
                prefix = scrapbook.get("mime_prefix", "")
                glued[scrapbook["name"]] = "".join(data.get(prefix + "text/plain", ""))
            elif "text/markdown" in data:
                shown.append("".join(data["text/markdown"]))
    markdown = "\n\n".join(shown)
    assert hostile.name.split("`")[1] in markdown.replace("\\", "")  # the name is shown ...
    page = render(markdown)  # ... and brings no tag
    assert "img" not in page.tags and "onerror" not in page.attributes
    assert "SUBSTITUTED" not in "".join(page.text)
    assert any(hostile.name in value for value in glued.values()), glued


# --------------------------------------------------------------------------- CSV and XLSX


def test_formula_cells_are_neutralised_and_numbers_stay_numbers():
    for text in FORMULAS:
        assert neutralise_cell(text) == "'" + text
    for value in ["-1.5", "+3", "-1,234.5", "-2e-3", "Cần Thơ", "", -1.5, -3, None, "– (missing)"]:
        assert neutralise_cell(value) == value
    frame = pd.DataFrame({"=name": FORMULAS, "value": [-1.5, -2.0, 0.0, 3.25, -4.0, 5.0, -6.5],
                          "count": [-1, 2, -3, 4, -5, 6, -7]})
    safe = neutralise_frame(frame)
    assert list(safe.columns) == ["'=name", "value", "count"]
    assert safe["=name" if False else "'=name"].tolist() == ["'" + t for t in FORMULAS]
    assert safe["value"].dtype == frame["value"].dtype and safe["count"].dtype == frame["count"].dtype
    assert frame["=name"].tolist() == FORMULAS  # the caller's frame is not changed

    # (A carriage return inside a cell would need CSV quoting with a "\r\n" line end; not kept here.)
    frame = frame[frame["=name"] != "\r=1"]
    back = pd.read_csv(io.StringIO(csv_text(frame, index=False)))
    assert back["value"].tolist() == frame["value"].tolist()
    assert back["count"].tolist() == frame["count"].tolist()
    assert all(not str(cell).startswith(("=", "+", "-", "@", "\t", "\r")) for cell in back["'=name"])


def _formula_elements(path) -> int:
    with zipfile.ZipFile(path) as archive:
        return sum(archive.read(name).count(b"<f>") + archive.read(name).count(b"<f ")
                   for name in archive.namelist() if name.startswith("xl/worksheets/"))


def test_xlsx_text_never_becomes_a_formula(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    for row, text in enumerate(FORMULAS, start=1):
        sheet.cell(row, 1, text)
        sheet.cell(row, 2, -row - 0.5)
    path = save_workbook(workbook, tmp_path / "book.xlsx")
    assert _formula_elements(path) == 0
    cells = load_workbook(path).active
    for row, text in enumerate(FORMULAS, start=1):
        cell = cells.cell(row, 1)
        assert cell.data_type == "s" and cell.quotePrefix
        assert cell.value.strip() == text.strip()  # the text itself is kept (Excel shows it as typed)
        assert cells.cell(row, 2).value == -row - 0.5 and cells.cell(row, 2).data_type == "n"


@needs_demo
def test_targets_csv_neutralises_text_and_keeps_negative_numbers(monkeypatch, tmp_path, capsys):
    import piilib.analysis.targets as targets

    table = pd.DataFrame({"indicator": ["6.2.4", "=1+1"], "threshold_label": ["@SUM(A1)", "-x"],
                          "needed_value": [-1.25, 3.5], "pii_change": [-0.5, 0.25]})
    monkeypatch.setattr(targets, "bundle_targets", lambda *args, **kwargs: table)
    out = tmp_path / "targets.csv"
    assert cli.main(["targets", "--edition", "2024", "--province", "can-tho", "--out", str(out)]) == 0
    assert cli.main(["targets", "--edition", "2024", "--province", "can-tho"]) == 0
    for text in (out.read_text(encoding="utf-8"), capsys.readouterr().out.split("\n", 1)[1]):
        back = pd.read_csv(io.StringIO(text[text.index("indicator"):]), dtype={"indicator": str})
        assert back["indicator"].tolist() == ["6.2.4", "'=1+1"]
        assert back["threshold_label"].tolist() == ["'@SUM(A1)", "'-x"]
        assert back["needed_value"].tolist() == [-1.25, 3.5] and back["pii_change"].tolist() == [-0.5, 0.25]


def test_scores_csv_neutralises_text(monkeypatch, capsys):
    import piilib.pii as pii

    table = pd.DataFrame({"rank": [1, 2], "name": ["=cmd()", "Hà Nội"], "element": ["PII", "PII"],
                          "kind": ["index", "index"], "raw_value": [-3.5, 2.0], "score": [60.0, -1.0],
                          "provenance": ["+official", "official"]})
    monkeypatch.setattr(pii, "scores_for_edition", lambda *args, **kwargs: table)
    assert cli.main(["scores", "--edition", "2024", "--format", "csv"]) == 0
    back = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert back["name"].tolist() == ["'=cmd()", "Hà Nội"] and back["provenance"].tolist() == ["'+official", "official"]
    assert back["raw_value"].tolist() == [-3.5, 2.0] and back["score"].tolist() == [60.0, -1.0]


def test_template_with_a_formula_like_province_name_has_no_formula(monkeypatch, tmp_path):
    import piilib.io.template as template

    original = template.load_units

    def load_units(edition):
        units = original(edition).copy()
        units.loc[units.index[0], "name_vi"] = "=HYPERLINK(\"http://x\",\"An Giang\")"
        return units

    monkeypatch.setattr(template, "load_units", load_units)
    path = template.write_template(2024, tmp_path / "template.xlsx")
    assert _formula_elements(path) == 0
    sheet = load_workbook(path)[template.DATA_SHEET]
    cell = sheet.cell(template.FIRST_DATA_ROW, template.PROVINCE_COLUMN)
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")


def test_index_stage_files_neutralise_unit_names(tmp_path):
    from pathlib import Path

    examples = Path(__file__).resolve().parents[1] / "data" / "examples"
    idata = pd.read_csv(examples / "asem-iData.csv", dtype=str)
    idata.loc[0, "uName"] = "=1+1"
    idata.to_csv(tmp_path / "i.csv", index=False)
    out = tmp_path / "out"
    assert cli.main(["index", "--idata", str(tmp_path / "i.csv"), "--imeta", str(examples / "asem-iMeta.csv"),
                     "--spec", str(examples / "asem-method.yml"), "--out", str(out)]) == 0
    for path in [out / "results.csv", *out.glob("stage_*.csv")]:
        text = path.read_text(encoding="utf-8")
        assert "'=1+1" in text or "uName" not in text.splitlines()[0], path
        assert ",=1+1" not in text and "\n=1+1" not in text


def test_write_csv_round_trips_negative_numbers(tmp_path):
    frame = pd.DataFrame({"a": [-1.0, -0.001, 2.5], "b": ["-1.5", "-x", "ok"]})
    back = pd.read_csv(write_csv(frame, tmp_path / "a.csv", index=False))
    assert back["a"].tolist() == frame["a"].tolist()
    assert back["b"].tolist() == ["-1.5", "'-x", "ok"]


def test_figure_caption_is_literal_and_a_dollar_in_a_name_is_no_formula(tmp_path):
    from piilib.report import plots

    title = f"Thứ hạng của {HOSTILE_NAME} $\\frac$"  # "$\frac$" is an error as a matplotlib formula
    figure = plots.rank_distribution_chart(pd.Series({5: 0.5, 6: 0.5}), current_rank=5, interval=(5.0, 6.0),
                                           title=title)
    markdown = plots.figure_markdown(figure, tmp_path)
    # A name drawn in the chart (a pillar label, the legend) is drawn as text.
    profile = pd.DataFrame({"label": ["1. $\\frac$ trụ cột"], "province": [40.0], "national_median": [35.0],
                            "region": [38.0]})
    drawn = plots.profile_chart(profile, province_label="$\\frac$", national_label="Trung vị",
                                region_label="Vùng", title="t")
    assert plots.figure_markdown(drawn, tmp_path).startswith("```{figure} hinh-")
    page = render(markdown)
    assert "img" in page.tags and page.tags.count("img") == 1  # the chart itself, nothing else
    assert "onerror" not in page.attributes and "SUBSTITUTED" not in "".join(page.text)
    assert title in re.sub(r"\s+", " ", "".join(page.text))


def test_keep_with_next_is_a_raw_latex_block_html_ignores():
    from piilib.report.markup import keep_with_next

    assert keep_with_next(12) == "```{raw} latex\n\\piikeepwithnext{12}\n```"
    assert keep_with_next("7") == "```{raw} latex\n\\piikeepwithnext{7}\n```"  # a whole number, nothing else
