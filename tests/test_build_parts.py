"""The report build's parts, without a kernel, Jupyter Book or LaTeX (fast)."""

from __future__ import annotations

import json
import pickle
import re
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from piilib import schema
from piilib.bundle import load_bundle
from piilib.report import book, chapters, data, execute, notice, tables
from piilib.report.build import chapter_runs, publish

FIXTURES = Path(__file__).parent / "fixtures" / "book"
TEMPLATES = FIXTURES / "templates"


def long_frame(rows):
    return pd.DataFrame(rows, columns=schema.LONG_COLUMNS)


# --- table of contents ----------------------------------------------------------------------

def write_notebook(path: Path, parameters: str = 'edition = "2024"') -> Path:
    made = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell(parameters)
    cell.metadata["tags"] = ["parameters"]
    made.cells = [nbformat.v4.new_markdown_cell("# Heading"), cell]
    made.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                   "language": "python"}
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(made, path)
    return path


def write_toc(root: Path, text: str) -> Path:
    path = root / "_toc.yml"
    path.write_text(text, encoding="utf-8")
    (root / "book").mkdir(exist_ok=True)
    (root / "book" / "intro.md").write_text("# Lời nói đầu\n", encoding="utf-8")
    return path


HAND_MADE_TOC = """\
format: jb-book
root: book/intro
parts:
  - caption: Phần một
    chapters:
      - file: notebooks/overview
        title: Tổng quan
  - caption: Các chỉ số
    chapters:
      - file: notebooks/indicator
        repeat: plan_indicators
      - file: notebooks/extra
  - caption: Không có chỉ số nào
    chapters:
      - file: notebooks/other
        repeat: plan_indicators
"""
PLAN = [("6.2.4", "Đơn đăng ký"), ("1.2.1", "Chi phí")]


def test_toc_repeats_the_marked_entry_once_per_plan_indicator_in_plan_order(tmp_path):
    for stem in ("overview", "indicator", "extra", "other"):
        write_notebook(tmp_path / "notebooks" / f"{stem}.ipynb")
    toc = write_toc(tmp_path, HAND_MADE_TOC)
    book, warnings = chapters.read_book(toc, {chapters.PLAN_INDICATORS: PLAN})
    assert warnings == []
    assert [c.key for c in book.chapters] == [
        "overview", "indicator-6-2-4", "indicator-1-2-1", "extra", "other-6-2-4", "other-1-2-1"
    ]
    assert book.chapters[1].parameters == {"indicator": "6.2.4"}
    assert book.chapters[1].title == "6.2.4 Đơn đăng ký"
    assert book.chapters[2].template == (tmp_path / "notebooks" / "indicator.ipynb").resolve()
    assert book.chapters[0].title == "Tổng quan" and book.chapters[3].title is None
    # What Jupyter Book reads: page names, the marker gone, parts kept in order.
    assert book.toc["root"] == "intro"
    assert [part["caption"] for part in book.toc["parts"]] == [
        "Phần một", "Các chỉ số", "Không có chỉ số nào"]
    assert book.toc["parts"][1]["chapters"] == [
        {"file": "indicator-6-2-4"}, {"file": "indicator-1-2-1"}, {"file": "extra"}]
    assert "repeat" not in str(book.toc) and "title" not in str(book.toc)
    assert [p.key for p in book.pages] == ["intro"]


def test_toc_with_an_empty_plan_leaves_the_repeated_chapter_out(tmp_path):
    for stem in ("overview", "indicator", "extra", "other"):
        write_notebook(tmp_path / "notebooks" / f"{stem}.ipynb")
    book, _ = chapters.read_book(write_toc(tmp_path, HAND_MADE_TOC), {chapters.PLAN_INDICATORS: []})
    assert [c.key for c in book.chapters] == ["overview", "extra"]
    assert [part["caption"] for part in book.toc["parts"]] == ["Phần một", "Các chỉ số"]


def test_a_notebook_the_toc_does_not_list_is_warned_about(tmp_path, english):
    for stem in ("overview", "indicator", "extra", "other", "forgotten"):
        write_notebook(tmp_path / "notebooks" / f"{stem}.ipynb")
    toc = write_toc(tmp_path, HAND_MADE_TOC)
    _, warnings = chapters.read_book(toc, {chapters.PLAN_INDICATORS: PLAN})
    assert len(warnings) == 1
    assert "forgotten.ipynb is not listed in" in warnings[0]
    assert "- file: notebooks/forgotten" in warnings[0]


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("- file: notebooks/missing", "'notebooks/missing' names no notebook or page"),
        ("- file: notebooks/overview\n    repeat: provinces", "repeat: provinces'; known: plan_indicators"),
        ("- file: book/intro\n    repeat: plan_indicators", "only a notebook can be repeated"),
        ("- file: notebooks/overview\n  - file: notebooks/overview", "share the name(s) ['overview']"),
    ],
    ids=["missing-file", "unknown-repeat", "repeated-page", "duplicate"],
)
def test_toc_mistakes_are_named(tmp_path, entry, message, english):
    write_notebook(tmp_path / "notebooks" / "overview.ipynb")
    toc = write_toc(tmp_path, f"format: jb-book\nroot: book/intro\nchapters:\n  {entry}\n")
    with pytest.raises(chapters.TocError, match=re.escape(message)):
        chapters.read_book(toc, {chapters.PLAN_INDICATORS: PLAN})


def test_codes_that_collide_as_page_names_are_refused(tmp_path, english):
    write_notebook(tmp_path / "notebooks" / "indicator.ipynb")
    toc = write_toc(tmp_path, "format: jb-book\nroot: book/intro\nchapters:\n"
                              "  - file: notebooks/indicator\n    repeat: plan_indicators\n")
    with pytest.raises(chapters.TocError, match="indicator-1-2"):
        chapters.read_book(toc, {chapters.PLAN_INDICATORS: [("1.2", "a"), ("1-2", "b")]})


def test_the_project_toc_lists_every_notebook_and_repeats_the_indicator_chapter():
    root = Path(__file__).parents[1]
    book, warnings = chapters.read_book(root / "_toc.yml", {chapters.PLAN_INDICATORS: PLAN})
    assert warnings == []
    assert [c.key for c in book.chapters if c.parameters] == ["indicator-6-2-4", "indicator-1-2-1"]


def test_each_notebook_receives_only_the_parameters_it_declares(tmp_path):
    write_notebook(tmp_path / "notebooks" / "small.ipynb",
                   'edition = "2024"\nprovince = "can-tho"')
    write_notebook(tmp_path / "notebooks" / "indicator.ipynb",
                   'edition = "2024"\ndata_path = ""\nindicator = "6.2.4"')
    toc = write_toc(tmp_path, "format: jb-book\nroot: book/intro\nchapters:\n"
                              "  - file: notebooks/small\n"
                              "  - file: notebooks/indicator\n    repeat: plan_indicators\n")
    book, _ = chapters.read_book(toc, {chapters.PLAN_INDICATORS: PLAN[:1]})
    common = chapters.common_parameters(2024, "can-tho", Path("/data/x.csv"))
    runs = chapter_runs(book.chapters, common, "inputs")
    assert [parameters for _, _, parameters, _ in runs] == [
        {"edition": "2024", "province": "can-tho"},
        {"edition": "2024", "data_path": "/data/x.csv", "indicator": "6.2.4"},
    ]


def test_a_repeated_notebook_must_declare_the_indicator(tmp_path, english):
    write_notebook(tmp_path / "notebooks" / "indicator.ipynb", 'edition = "2024"')
    toc = write_toc(tmp_path, "format: jb-book\nroot: book/intro\nchapters:\n"
                              "  - file: notebooks/indicator\n    repeat: plan_indicators\n")
    book, _ = chapters.read_book(toc, {chapters.PLAN_INDICATORS: PLAN})
    with pytest.raises(chapters.TocError, match="does not declare indicator"):
        chapter_runs(book.chapters, {"edition": "2024"}, "inputs")


def test_parameters_are_strings_like_papermill_r():
    parameters = chapters.common_parameters(2024, "can-tho", Path("/data/x.csv"))
    assert parameters == {"edition": "2024", "province": "can-tho", "data_path": "/data/x.csv",
                          "output_dir": "."}


# --- titles and finished pages --------------------------------------------------------------

def notebook(*cells):
    made = nbformat.v4.new_notebook()
    made.cells = list(cells)
    return made


def test_title_replaces_the_first_level_one_heading_only():
    page = notebook(
        nbformat.v4.new_markdown_cell("Intro text\n\n## Section"),
        nbformat.v4.new_markdown_cell("# Template title\n\nBody\n\n# Second"),
    )
    execute.set_title(page, "Chỉ số 6.2.4")
    assert page.cells[0].source == "Intro text\n\n## Section"
    assert page.cells[1].source == "# Chỉ số 6.2.4\n\nBody\n\n# Second"


def test_title_is_added_when_the_template_has_none():
    page = notebook(nbformat.v4.new_markdown_cell("## Only a section"))
    execute.set_title(page, "Tổng quan")
    assert page.cells[0].source == "# Tổng quan"
    assert len(page.cells) == 2


def test_finished_page_hides_parameters_and_has_unique_ids():
    parameters = nbformat.v4.new_code_cell("edition = '2024'")
    parameters.metadata["tags"] = ["parameters"]
    injected = nbformat.v4.new_code_cell("edition = '2025'")
    injected.metadata["tags"] = ["injected-parameters"]
    page = notebook(nbformat.v4.new_markdown_cell("# T"), parameters, injected,
                    nbformat.v4.new_code_cell("x = 1"))
    chapter = chapters.Chapter("indicator-6-2-4", Path("indicator.ipynb"), "6.2.4 X")
    execute.finish_notebook(page, chapter)
    assert [("remove-cell" in c.metadata.get("tags", [])) for c in page.cells] == [
        False, True, True, False
    ]
    ids = [c["id"] for c in page.cells]
    assert len(set(ids)) == 4 and all(i.startswith("indicator-6-2-4") for i in ids)


def test_prose_that_needs_glue_is_dropped_when_its_values_were_not_glued():
    """A province without a plan (or data without a history) glues no goal or outlook values:
    the page drops the prose tagged needs-glue that refers to them, and keeps the rest."""
    glued = nbformat.v4.new_code_cell("glue('a', 1)")
    glued.outputs = [nbformat.v4.new_output(
        "display_data", data={"text/plain": "1"}, metadata={"scrapbook": {"name": "a", "mime_prefix": ""}})]
    keeps = nbformat.v4.new_markdown_cell("Giá trị {glue:text}`a`.")
    drops = nbformat.v4.new_markdown_cell("## Mục tiêu\n\nGiá trị {glue:text}`a` và {glue:text}`b`.")
    figure = nbformat.v4.new_markdown_cell("```{glue:figure} fig_b\n:name: fig-b\n\nChú thích\n```")
    untagged = nbformat.v4.new_markdown_cell("Không gắn thẻ {glue:text}`c`.")
    for cell in (keeps, drops, figure):
        cell.metadata["tags"] = [execute.NEEDS_GLUE_TAG]
    page = notebook(nbformat.v4.new_markdown_cell("# T"), glued, keeps, drops, figure, untagged)
    execute.finish_notebook(page, chapters.Chapter("overview", Path("overview.ipynb")))
    assert [c.source for c in page.cells] == ["# T", "glue('a', 1)", keeps.source, untagged.source]
    assert len({c["id"] for c in page.cells}) == 4


def test_pages_of_a_repeated_template_name_their_figures_uniquely():
    """Every indicator page declares the template's figure names: the build suffixes them (and
    the page's references to them) with the indicator, so Sphinx numbers each figure once; a
    page of its own keeps its names, to which other pages may refer."""
    source = ("Xem {numref}`fig-trend` và {numref}`Hình %s <fig-trend>`, không phải {numref}`fig-trend-x`.\n\n"
              "```{glue:figure} trend_figure\n:name: fig-trend\n:width: 100%\n\nChú thích\n```")
    for key, template, expected in [("indicator-6-2-4", "indicator.ipynb", "fig-trend-6-2-4"),
                                    ("overview", "overview.ipynb", "fig-trend")]:
        page = notebook(nbformat.v4.new_markdown_cell("# T"), nbformat.v4.new_markdown_cell(source))
        execute.finish_notebook(page, chapters.Chapter(key, Path(template)))
        assert page.cells[1].source == (
            f"Xem {{numref}}`{expected}` và {{numref}}`Hình %s <{expected}>`, không phải {{numref}}`fig-trend-x`.\n\n"
            f"```{{glue:figure}} trend_figure\n:name: {expected}\n:width: 100%\n\nChú thích\n```")


def test_a_chapter_without_title_keeps_its_own_heading():
    page = notebook(nbformat.v4.new_markdown_cell("# Chương của nhà nghiên cứu"))
    execute.finish_notebook(page, chapters.Chapter("new", Path("new.ipynb")))
    assert page.cells[0].source == "# Chương của nhà nghiên cứu"


def test_a_chapter_failure_survives_the_trip_from_a_worker_process():
    failure = execute.ChapterFailed(chapters.Chapter("overview", Path("o.ipynb")), Path("o.ipynb"),
                                    3, "x = 1 / 0", "ZeroDivisionError: division by zero", "tb", None)
    copy = pickle.loads(pickle.dumps(failure))
    assert str(copy) == str(failure) and copy.cell_index == 3 and copy.chapter.key == "overview"


# --- cache keys -----------------------------------------------------------------------------

def test_cache_key_changes_with_each_input_and_only_then(tmp_path):
    template = tmp_path / "overview.ipynb"
    template.write_text('{"cells": []}')
    chapter = chapters.Chapter("overview", template, "Tổng quan")
    parameters = {"edition": "2024"}
    base = execute.cache_key(template, chapter, parameters, "inputs-a")
    assert execute.cache_key(template, chapter, dict(parameters), "inputs-a") == base
    assert execute.cache_key(template, chapter, {"edition": "2025"}, "inputs-a") != base
    assert execute.cache_key(template, chapter, parameters, "inputs-b") != base
    renamed = chapters.Chapter("overview", template, "Khác")
    assert execute.cache_key(template, renamed, parameters, "inputs-a") != base
    template.write_text('{"cells": [1]}')
    assert execute.cache_key(template, chapter, parameters, "inputs-a") != base


def test_cache_keeps_the_entries_of_the_last_builds(tmp_path):
    entries = tmp_path / "chapters"
    builds = [{f"b{n}-shared", f"b{n}-own"} for n in range(7)]
    for keys in builds:
        for key in keys:
            (entries / key).mkdir(parents=True, exist_ok=True)
        (entries / "never-used").mkdir(exist_ok=True)
        execute.prune_cache(tmp_path, keys, builds=3)
    kept = {path.name for path in entries.iterdir()}
    assert kept == builds[4] | builds[5] | builds[6]


def test_fingerprint_follows_contents_not_times(tmp_path):
    (tmp_path / "a.csv").write_text("x\n1\n")
    first = data.fingerprint_paths([tmp_path])
    (tmp_path / "a.csv").write_text("x\n1\n")  # rewritten, same bytes
    assert data.fingerprint_paths([tmp_path]) == first
    (tmp_path / "a.csv").write_text("x\n2\n")
    assert data.fingerprint_paths([tmp_path]) != first


# --- data check and notice ------------------------------------------------------------------

def test_validate_data_accepts_the_fixtures():
    for name in ("illustrative.csv", "official.csv"):
        assert data.validate_data(FIXTURES / "data" / name, 2024) == []


def test_validate_data_names_file_line_and_value(tmp_path, english):
    frame = long_frame([
        (2024, "can-tho", "6.2.4", 1.0, "official", "f"),
        (2024, "ha-noi", "6.2.4", 2.0, "guessed", "f"),
    ])
    frame.to_csv(tmp_path / "values.csv", index=False)
    problems = data.validate_data(tmp_path, 2024)
    assert problems == [
        "values.csv, line 3, column 'provenance': found 'guessed', expected one of "
        "official, published, illustrative"
    ]
    assert any("edition 2026" in p for p in data.validate_data(tmp_path, 2026))
    assert "does not exist" in data.validate_data(tmp_path / "nope", 2024)[0]


def test_validate_data_requires_provenance(tmp_path):
    pd.DataFrame({"unit": ["can-tho"], "value": [1.0]}).to_csv(tmp_path / "v.csv", index=False)
    assert "provenance" in data.validate_data(tmp_path, 2024)[0]


def test_notice_when_any_used_value_is_illustrative(tmp_path):
    long_frame([
        (2024, "can-tho", "6.2.4", 1.0, "official", "f"),
        (2024, "ha-noi", "6.2.4", 2.0, "published", "f"),
        (2025, "ha-noi", "6.2.4", 2.0, "illustrative", "f"),
    ]).to_csv(tmp_path / "values.csv", index=False)
    bundle = load_bundle(tmp_path)
    assert not bundle.uses_illustrative(2024)  # the 2025 row is not used by 2024
    assert bundle.uses_illustrative(2025)


def test_notice_when_the_history_an_edition_uses_is_illustrative(tmp_path):
    long_frame([(2024, "can-tho", "6.2.4", 1.0, "official", "f")]).to_csv(
        tmp_path / "values.csv", index=False)
    pd.DataFrame({"year": [2023], "unit": ["can-tho"], "indicator": ["6.2.4"], "value": [1.0],
                  "provenance": ["illustrative"], "source": ["g"]}).to_csv(
        tmp_path / "history.csv", index=False)
    assert load_bundle(tmp_path).uses_illustrative(2024)


def test_provenance_is_read_from_every_file_that_has_it(tmp_path):
    long_frame([(2024, "can-tho", "6.2.4", 1.0, "official", "f")]).to_csv(
        tmp_path / "values.csv", index=False)
    (tmp_path / "history").mkdir()
    pd.DataFrame({"year": [2023], "unit": ["can-tho"], "provenance": ["illustrative"]}).to_csv(
        tmp_path / "history" / "h.csv", index=False)
    pd.DataFrame({"note": ["no provenance here"]}).to_csv(tmp_path / "readme.csv", index=False)
    rows = data.read_provenance(tmp_path)
    assert sorted(rows["file"]) == ["h.csv", "values.csv"]
    assert (rows["provenance"] == "illustrative").any()


def test_book_config_carries_the_notice_only_when_needed():
    base = {"html": {"announcement": "stale"}, "sphinx": {"config": {"latex_elements": {
        "preamble": "% base\n"}}}}
    common = dict(title="T", running_title="R", pdf_stem="pii-2024-x", substitutions={})
    with_notice = book.book_config(base, notice=True, **common)
    without = book.book_config(base, notice=False, **common)
    assert with_notice["html"]["announcement"] == notice.NOTICE_TEXT
    assert notice.NOTICE_TEXT in with_notice["sphinx"]["config"]["latex_elements"]["preamble"]
    assert "announcement" not in without["html"]
    assert without["sphinx"]["config"]["latex_elements"]["preamble"] == "% base\n"
    assert base["html"]["announcement"] == "stale"  # the caller's config is not modified
    assert with_notice["latex"]["latex_documents"]["targetname"] == "pii-2024-x.tex"


# --- offline and glyph checks ---------------------------------------------------------------

def test_external_resources_finds_loaded_urls_not_links(tmp_path):
    (tmp_path / "page.html").write_text(
        '<html><head><link rel="stylesheet" href="_static/a.css">'
        '<script src="https://cdn.example.org/mathjax.js"></script></head><body>'
        '<a href="https://example.org/">a link is fine</a>'
        '<img src="//images.example.org/x.png"><img src="_images/local.png"></body></html>'
    )
    (tmp_path / "_static").mkdir()
    (tmp_path / "_static" / "a.css").write_text(
        "@import url('https://fonts.example.org/css');\nbody{background:url(x.png)}"
    )
    found = book.external_resources(tmp_path)
    assert found == [
        "page.html: https://cdn.example.org/mathjax.js",
        "page.html: //images.example.org/x.png",
        "_static/a.css: https://fonts.example.org/css",
    ]


def test_missing_characters_are_found_in_the_latex_log(tmp_path):
    log = tmp_path / "book.log"
    log.write_text("ok\nMissing character: There is no ấ (U+1EA5) in font DejaVu Sans Mono!\nok\n")
    assert book.missing_characters(log) == [
        "Missing character: There is no ấ (U+1EA5) in font DejaVu Sans Mono!"
    ]


# --- book tree and publishing ---------------------------------------------------------------

def test_write_tree_keeps_unchanged_files_and_removes_stale_ones(tmp_path):
    target = tmp_path / "src"
    book.write_tree(target, {"a.md": b"A", "sub/b.md": b"B"})
    (target / "_build").mkdir()
    (target / "_build" / "keep").write_text("build output")
    stamp = (target / "a.md").stat().st_mtime_ns
    book.write_tree(target, {"a.md": b"A", "c.md": b"C"})
    assert sorted(p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file()) == [
        "_build/keep", "a.md", "c.md"
    ]
    assert (target / "a.md").stat().st_mtime_ns == stamp


def test_chapters_cannot_overwrite_each_others_files(tmp_path, english):
    for key in ("one", "two"):
        (tmp_path / key).mkdir()
        (tmp_path / key / "table.xlsx").write_bytes(b"x")
        (tmp_path / f"{key}.ipynb").write_text("{}")
    static = tmp_path / "static"
    static.mkdir()
    pages = [(k, tmp_path / f"{k}.ipynb", tmp_path / k) for k in ("one", "two")]
    with pytest.raises(book.BookBuildFailed, match="chapter 'two' wrote table.xlsx, which "
                       "chapter 'one' also wrote"):
        book.book_files(static, {}, {}, pages)


def test_publish_swaps_the_whole_directory(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "old.txt").write_text("old")
    staged = tmp_path / ".out.new"
    staged.mkdir()
    (staged / "new.txt").write_text("new")
    publish(staged, out)
    assert [p.name for p in out.iterdir()] == ["new.txt"]
    assert not staged.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


# --- tables ---------------------------------------------------------------------------------

def test_markdown_table_writes_numbers_the_vietnamese_way():
    frame = pd.DataFrame({
        "Mã": ["6.2.4", "a|b"], "Giá trị": [3359.8, None], "Số xã": [8718000, 12],
    })
    assert tables.markdown_table(frame, decimals=2).splitlines() == [
        "| Mã | Giá trị | Số xã |",
        "|:--|--:|--:|",
        "| 6.2.4 | 3.359,80 | 8.718.000 |",
        "| a\\|b | – | 12 |",
    ]


def test_markdown_table_caption_makes_a_numbered_table():
    text = tables.markdown_table(pd.DataFrame({"a": ["x"]}), caption="Bảng thử")
    assert text.splitlines()[0] == "```{table} Bảng thử"
    assert text.splitlines()[-1] == "```"


def test_markdown_table_rejects_a_wrong_alignment():
    with pytest.raises(ValueError, match="2 letters for 1 columns"):
        tables.markdown_table(pd.DataFrame({"a": [1]}), align="lr")


def test_fixture_templates_have_a_parameters_cell():
    for path in TEMPLATES.glob("*.ipynb"):
        cells = json.loads(path.read_text())["cells"]
        assert any("parameters" in c["metadata"].get("tags", []) for c in cells), path.name


def test_report_templates_are_clean_and_take_the_common_parameters():
    templates = sorted((Path(__file__).parents[1] / "notebooks").glob("*.ipynb"))
    assert templates, "notebooks/ has no template"
    for path in templates:
        page = nbformat.read(path, as_version=4)
        code_cells = [c for c in page.cells if c.cell_type == "code"]
        assert all(not c.outputs and c.execution_count is None for c in code_cells), path.name
        tagged = [c for c in code_cells if "parameters" in c.metadata.get("tags", [])]
        assert len(tagged) == 1, path.name
        for name in chapters.common_parameters(2024, "p", Path("d")):
            assert f"\n{name} = " in "\n" + tagged[0].source, (path.name, name)


def test_every_provenance_has_a_vietnamese_name():
    assert set(notice.PROVENANCE_VI) == set(schema.PROVENANCES)


# --- shared results -------------------------------------------------------------------------

@pytest.fixture
def fresh_shared(monkeypatch):
    """piilib.report.shared with empty per-process memories and a counting compute."""
    from piilib.report import shared

    monkeypatch.setattr(shared, "_FROM_BUILD", {})
    monkeypatch.setattr(shared, "_IN_PROCESS", {})
    monkeypatch.delenv(shared.ENV_VAR, raising=False)
    calls = []

    def counting_compute(edition, province, data_path):
        calls.append((int(edition), province))
        return shared.SharedResults(int(edition), province,
                                    str(shared.project_path(data_path).resolve()),
                                    editions={(int(edition), int(edition)): f"index {edition}"})

    monkeypatch.setattr(shared, "compute_results", counting_compute)
    return shared, calls


def test_shared_results_are_computed_once_per_process(fresh_shared, tmp_path):
    shared, calls = fresh_shared
    first = shared.shared_results("2024", "can-tho", tmp_path)
    assert shared.shared_results(2024, "can-tho", str(tmp_path)) is first
    assert calls == [(2024, "can-tho")]
    shared.shared_results(2024, "ha-noi", tmp_path)
    assert calls == [(2024, "can-tho"), (2024, "ha-noi")]


def test_a_kernel_uses_the_build_results_and_computes_nothing(fresh_shared, tmp_path, monkeypatch):
    shared, calls = fresh_shared
    built = shared.SharedResults(2024, "can-tho", str(tmp_path.resolve()),
                                 editions={(2023, 2024): "index 2023 on the 2024 map"})
    path = tmp_path / "shared" / "key.pickle"
    shared.write_results(built, path)
    monkeypatch.setenv(shared.ENV_VAR, str(path))
    results = shared.shared_results("2024", "can-tho", tmp_path)
    assert calls == []
    assert results.edition_result(2023) == "index 2023 on the 2024 map"
    # Results for other arguments are not taken for these.
    shared.shared_results("2024", "ha-noi", tmp_path)
    assert calls == [(2024, "ha-noi")]


def test_a_kernel_waits_while_the_build_computes_the_results(fresh_shared, tmp_path, monkeypatch):
    import threading

    shared, calls = fresh_shared
    path = tmp_path / "key.pickle"
    shared.mark_pending(path)
    monkeypatch.setenv(shared.ENV_VAR, str(path))
    built = shared.SharedResults(2024, "can-tho", str(tmp_path.resolve()))

    def build_finishes():
        shared.write_results(built, path)
        shared.pending_marker(path).unlink()

    threading.Timer(0.3, build_finishes).start()
    results = shared.shared_results(2024, "can-tho", tmp_path)
    assert calls == [] and results.province == "can-tho"


def test_the_library_takes_the_index_from_the_build_results(fresh_shared, tmp_path, monkeypatch):
    from types import SimpleNamespace

    from piilib.report import editions

    shared, _ = fresh_shared
    path = tmp_path / "key.pickle"
    shared.write_results(shared.SharedResults(
        2024, "can-tho", str(tmp_path.resolve()), editions={(2023, 2024): "from the build"}), path)
    monkeypatch.setenv(shared.ENV_VAR, str(path))
    bundle = SimpleNamespace(path=tmp_path)  # no data: computing would fail
    assert editions.edition_result(bundle, "2023", 2024) == "from the build"


def test_result_files_keep_the_most_recently_used(tmp_path):
    import os

    from piilib.report import shared

    for n in range(5):
        (tmp_path / f"{n}.pickle").write_bytes(b"x")
        os.utime(tmp_path / f"{n}.pickle", (n, n))
    shared.prune_results(tmp_path, tmp_path / "0.pickle", keep=3)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["0.pickle", "3.pickle", "4.pickle"]


def test_chapter_paths_do_not_depend_on_the_working_directory(tmp_path, monkeypatch):
    from piilib import paths

    monkeypatch.chdir(tmp_path)
    assert paths.project_path("data/demo") == paths.REPO_ROOT / "data" / "demo"
    assert paths.project_path(tmp_path / "x.csv") == tmp_path / "x.csv"
    monkeypatch.setattr(paths, "INTERACTIVE_OUTPUT_DIR", tmp_path / "_build" / "interactive")
    assert paths.output_directory("") == (tmp_path / "_build" / "interactive").resolve()
    assert paths.output_directory(".") == tmp_path.resolve()


def test_the_chapter_cache_key_ignores_build_only_modules():
    import piilib
    from piilib.report.build import library_inputs

    package = Path(piilib.__file__).resolve().parent
    names = {p.relative_to(package).as_posix() for p in library_inputs() if package in p.parents}
    assert {"report/editions.py", "report/shared.py", "analysis/targets.py", "pii.py"} <= names
    assert not names & {"report/build.py", "report/execute.py", "cli.py", "commands/build.py"}


def test_one_indicator_of_the_shared_targets_is_that_indicator_computed_alone():
    """The build shares the targets of every plan indicator; an indicator chapter takes its
    rows, where on its own it computes its indicator alone: both must give the same table."""
    from piilib.bundle import DEMO_DIR
    from piilib.report import goals

    bundle = load_bundle(DEMO_DIR, 2024)
    every = goals._cached_targets(bundle, 2024, "can-tho", None)
    for code in every["indicator"].unique()[:2]:
        alone = goals._cached_targets(bundle, 2024, "can-tho", code)
        taken = every[every["indicator"] == code].reset_index(drop=True)
        pd.testing.assert_frame_equal(alone, taken, check_exact=True, check_dtype=False)


def test_a_chapter_only_with_the_plan_is_left_out_without_one(tmp_path):
    """A province without a plan: no indicator chapters, no `only_with: plan_indicators` chapter."""
    write_notebook(tmp_path / "overview.ipynb")
    write_notebook(tmp_path / "agencies.ipynb")
    write_notebook(tmp_path / "indicator.ipynb", 'edition = "2024"\nindicator = "1.1.1"')
    toc = write_toc(tmp_path, "format: jb-book\nroot: book/intro\nparts:\n  - caption: A\n    chapters:\n      - file: overview\n"
                              "  - caption: B\n    chapters:\n      - file: indicator\n        repeat: plan_indicators\n"
                              "      - file: agencies\n        only_with: plan_indicators\n")
    with_plan, _ = chapters.read_book(toc, {chapters.PLAN_INDICATORS: [("6.2.4", "X")]})
    assert [c.key for c in with_plan.chapters] == ["overview", "indicator-6-2-4", "agencies"]
    assert "only_with" not in str(with_plan.toc)
    without, warnings = chapters.read_book(toc, {chapters.PLAN_INDICATORS: []})
    assert [c.key for c in without.chapters] == ["overview"] and warnings == []
    assert [part["caption"] for part in without.toc["parts"]] == ["A"]


def test_plan_indicators_follow_the_province_plan():
    from piilib.plan import load_plan
    from piilib.report.build import plan_indicators

    plan = load_plan()
    assert plan_indicators("can-tho") == list(zip(plan.indicators["code"], plan.indicators["name_vi"]))
    assert plan_indicators("ha-noi") == []


def test_indicator_chapters_are_titled_with_the_editions_framework_names():
    from piilib.framework import indicators, load_framework
    from piilib.report.build import plan_indicators

    names = dict(plan_indicators("can-tho", 2024))
    framework = indicators(load_framework(2024)).set_index("code")["name_vi"]
    assert all(names[code] == framework[code] for code in names)
    # The plan calls 5.2.3 a "Tỷ lệ" (a share); the framework defines it as a number per 1,000 firms.
    assert not names["5.2.3"].startswith("Tỷ lệ") and names["5.2.3"].startswith("Số dự án")


def test_the_outlook_variants_come_from_the_build(fresh_shared, tmp_path, monkeypatch):
    """The correlation sweep and the cheapest path are computed once by the build (a second
    file beside the shared results); the overview's kernel reads them and computes nothing."""
    from types import SimpleNamespace

    from piilib.report import goals

    shared, _ = fresh_shared
    path = tmp_path / "key.pickle"
    shared.write_results(shared.SharedResults(2024, "can-tho", str(tmp_path.resolve())), path)
    sweep = pd.DataFrame({"province_correlation": [0.0, 0.5]})
    shared.write_results(shared.OutlookVariants(sweep, "the path"), shared.variants_path(path))
    monkeypatch.setenv(shared.ENV_VAR, str(path))
    bundle = SimpleNamespace(path=tmp_path)  # no data: computing would fail
    pd.testing.assert_frame_equal(goals.correlation_sweep(bundle, "2024", "can-tho"), sweep)
    assert goals.goal_path(bundle, 2024, "can-tho") == "the path"
    # Variants of another province's results are not taken.
    assert shared.build_variants_for(bundle, 2024, "ha-noi") is None


def test_result_files_are_kept_with_their_variants(tmp_path):
    import os

    from piilib.report import shared

    for n in range(4):
        for path in (tmp_path / f"{n}.pickle", shared.variants_path(tmp_path / f"{n}.pickle")):
            path.write_bytes(b"x")
            os.utime(path, (n, n))
    shared.prune_results(tmp_path, tmp_path / "0.pickle", keep=2)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "0.pickle", "0.variants.pickle", "3.pickle", "3.variants.pickle"]


@pytest.mark.parametrize("value", ["45,98 điểm", "markdown", "figure"])
def test_the_light_glue_writes_what_myst_nb_glue_writes(value, monkeypatch):
    """piilib.report.glued.glue stands for myst_nb.glue without its imports: same outputs."""
    import IPython.display
    from IPython.display import Markdown
    from myst_nb.ext import glue as myst_glue

    from piilib.report import glued

    class Figure:
        def _repr_png_(self):
            return b"\x89PNG fake"

    variable = {"markdown": Markdown("**đậm**"), "figure": Figure()}.get(value, value)
    shown = {"myst": [], "piilib": []}
    monkeypatch.setattr(myst_glue, "ipy_display", lambda *a, **k: shown["myst"].append((a, k)))
    monkeypatch.setattr(IPython.display, "display", lambda *a, **k: shown["piilib"].append((a, k)))
    for display in (True, False):
        myst_glue.glue("key", variable, display=display)
        glued.glue("key", variable, display=display)
    assert shown["piilib"] == shown["myst"] and len(shown["myst"]) == 2


def test_a_kernel_that_dies_in_a_cell_is_named_and_not_retried(tmp_path):
    """The page is written once at the end; a kernel that dies mid-chapter is reported with
    the cell it died in (not as a failed start, which would be retried)."""
    page = notebook(nbformat.v4.new_markdown_cell("# T"), nbformat.v4.new_code_cell("x = 1"),
                    nbformat.v4.new_code_cell("import os\nos._exit(3)"))
    page.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    template = tmp_path / "dies.ipynb"
    nbformat.write(page, template)
    chapter = chapters.Chapter("dies", template)
    with pytest.raises(execute.ChapterFailed) as failed:
        execute.execute_chapter(chapter, template, {}, tmp_path / "cache", "key")
    assert failed.value.cell_index == 2 and failed.value.first_line == "import os"
    assert "DeadKernelError" in failed.value.error
    assert not (tmp_path / "cache" / "chapters" / "key").exists()
