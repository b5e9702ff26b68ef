"""The report's chapter templates (notebooks/): stored clean, and reproducible under nbval.

The nbval test executes the real templates the way `pii build` does (papermill through
piilib.report.execute) on a copy of the bundled data — overview, profile, the plan's first indicator,
agencies, levers, methodology — then has nbval re-run every executed notebook and compare
each cell's outputs with the stored ones. The comparison is strict (`--nbval`): on the same
data a chapter must print the same tables, sentences and figures every time (seeded
randomness, stable ordering); tests/fixtures/nbval/sanitize.cfg masks only what legitimately
differs between two runs (memory addresses, temporary paths, timings). A small notebook whose
stored markdown output is wrong runs in the same nbval session and must fail, so a green run
means outputs were compared.
"""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import nbformat
import pytest
from nbval.plugin import get_sanitize_patterns

from piilib.report import chapters, execute, shared
from piilib.report.build import chapter_runs, plan_indicators

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "notebooks"
TOC = ROOT / "_toc.yml"
DEMO_DATA = ROOT / "data" / "demo"
SANITIZE = Path(__file__).parent / "fixtures" / "nbval" / "sanitize.cfg"
TEMPLATE_PATHS = sorted(TEMPLATES.glob("*.ipynb"))
WRONG = "wrong-output"
# Parameters a chapter declares for its own analysis (not passed by the build).
CHAPTER_OWN_PARAMETERS = {"indicator": {"peer_formula"}}


def sanitized(text: str) -> str:
    """`text` as nbval sees it when comparing: the sanitize file's regexes applied in order."""
    for regex, replacement in get_sanitize_patterns(SANITIZE.read_text(encoding="utf-8")):
        text = re.sub(regex, replacement, text)
    return text


# --- the templates as stored -------------------------------------------------------------

def report_book(indicators):
    """The project's book as `pii build` reads it from _toc.yml."""
    book, warnings = chapters.read_book(TOC, {chapters.PLAN_INDICATORS: indicators})
    return book, warnings


def test_there_are_templates_and_the_toc_lists_them_all():
    assert {path.stem for path in TEMPLATE_PATHS} >= {"overview", chapters.INDICATOR}
    book, warnings = report_book(plan_indicators()[:1])
    assert warnings == []
    assert {chapter.template for chapter in book.chapters} == {p.resolve() for p in TEMPLATE_PATHS}


@pytest.mark.parametrize("template", TEMPLATE_PATHS, ids=lambda path: path.name)
def test_template_is_stored_without_outputs(template):
    notebook = nbformat.read(template, as_version=4)
    dirty = [
        f"cell {index}: {len(cell.outputs)} output(s), execution_count {cell.execution_count}"
        for index, cell in enumerate(notebook.cells)
        if cell.cell_type == "code" and (cell.outputs or cell.execution_count is not None)
    ]
    assert not dirty, (
        f"{template.name} was saved with outputs (clear them before committing):\n"
        + "\n".join(dirty)
    )


@pytest.mark.parametrize("template", TEMPLATE_PATHS, ids=lambda path: path.name)
def test_template_parameters_cell_declares_what_the_build_passes(template):
    notebook = nbformat.read(template, as_version=4)
    tagged = [
        cell for cell in notebook.cells
        if "parameters" in cell.get("metadata", {}).get("tags", [])
    ]
    assert len(tagged) == 1, f"{template.name}: {len(tagged)} cells tagged 'parameters'"
    assert tagged[0].cell_type == "code"
    declared = {
        target.id
        for statement in ast.parse(tagged[0].source).body
        if isinstance(statement, ast.Assign)
        for target in statement.targets
        if isinstance(target, ast.Name)
    }
    # The report's chapters take everything the build offers them (a researcher's new chapter
    # may declare fewer: it receives only what it declares), plus parameters of their own
    # analysis (e.g. the indicator chapter's peer_formula) whose defaults the build keeps.
    book, _ = report_book(plan_indicators()[:1])
    chapter = next(chapter for chapter in book.chapters if chapter.template == template.resolve())
    offered = set(chapters.common_parameters(2024, "can-tho", DEMO_DATA)) | set(chapter.parameters)
    passed = offered
    assert passed <= declared, (
        f"{template.name}: the parameters cell declares {sorted(declared)}, "
        f"the build offers {sorted(offered)}"
    )
    assert declared - offered <= CHAPTER_OWN_PARAMETERS.get(template.stem, set()), (
        f"{template.name}: the parameters cell declares {sorted(declared - offered)}, which the build "
        "does not pass; list a chapter's own parameters in CHAPTER_OWN_PARAMETERS"
    )


ANALYSIS_CHAPTERS = ["summary", "overview", "profile", "agencies", "levers", "methodology"]
GLUE_REFERENCE = re.compile(r"\{glue:(?:text|md|figure|any)?\}`?\s*([A-Za-z_][\w]*)")


@pytest.mark.parametrize("stem", ANALYSIS_CHAPTERS)
def test_analysis_chapters_read_data_from_the_repository_and_write_nowhere_in_notebooks(stem):
    notebook = nbformat.read(TEMPLATES / f"{stem}.ipynb", as_version=4)
    parameters = next(c for c in notebook.cells if "parameters" in c.metadata.get("tags", []))
    assert 'data_path = "data/demo"' in parameters.source  # resolved by piilib.paths.repo_path
    code = "\n".join(c.source for c in notebook.cells if c.cell_type == "code")
    assert "load_edition_bundle(data_path" in code
    assert "show_figure(" not in code  # it writes PNG files into the working directory
    markdown = "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")
    if "{glue:figure}" in markdown:
        assert ":alt:" in markdown and ":name:" in markdown


def glued(notebook_path: Path) -> dict[str, dict]:
    """Glue key -> the glued MIME bundle (prefix removed) of an executed notebook."""
    values = {}
    for cell in nbformat.read(notebook_path, as_version=4).cells:
        for output in cell.get("outputs", []):
            scrapbook = output.get("metadata", {}).get("scrapbook")
            if scrapbook:
                prefix = scrapbook.get("mime_prefix", "")
                values[scrapbook["name"]] = {k[len(prefix):]: v for k, v in output["data"].items()}
    return values


def glued_text(values: dict[str, dict], key: str) -> str:
    return ast.literal_eval(values[key]["text/plain"])


# --- the sanitize file ---------------------------------------------------------------------

@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("<Foo object at 0x7f3a1c2b9d50>", "<Foo object at 0x55d0c0ffee00>"),
        (
            "/tmp/ipykernel_4242/1234567.py:3: UserWarning: x",
            "/tmp/ipykernel_77/99.py:3: UserWarning: x",
        ),
        (
            "đọc /tmp/pytest-of-root/pytest-7/test_a0/data/values.csv",
            "đọc /tmp/pytest-of-root/pytest-8/test_a0/data/values.csv",
        ),
        ("Wall time: 1.23 s", "Wall time: 870 ms"),
        (
            "100%|##########| 5/5 [00:01<00:00, 3.21it/s]",
            "100%|##########| 5/5 [00:03<00:00, 1.52it/s]",
        ),
        ("lúc 2026-11-26 07:47:45.123456", "lúc 2026-11-27 18:02:09.5"),
    ],
    ids=["address", "kernel-file", "temp-path", "timing", "progress-bar", "timestamp"],
)
def test_sanitize_masks_what_differs_between_runs(first, second):
    assert first != second
    assert sanitized(first) == sanitized(second)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("PII 2024: 45,98 điểm, hạng 7/63", "PII 2024: 45,99 điểm, hạng 7/63"),
        ("hạn gửi số liệu: 15/07/2025", "hạn gửi số liệu: 15/07/2026"),
        ("tệp data/demo/values.csv", "tệp data/demo/history.csv"),
        ("6.2.4 Đơn đăng ký chỉ dẫn địa lý", "6.2.3 Đơn đăng ký chỉ dẫn địa lý"),
    ],
    ids=["values", "plan-date", "project-path", "indicator-code"],
)
def test_sanitize_keeps_data_driven_text(first, second):
    assert sanitized(first) != sanitized(second)


# --- executed chapters under nbval -----------------------------------------------------------

@pytest.fixture(scope="module")
def executed_chapters(tmp_path_factory) -> dict[str, Path]:
    """Chapter key -> notebook executed by papermill, as `pii build` executes it, on a copy of
    the bundled data (the executions and nbval's re-runs must read the same bytes)."""
    work = tmp_path_factory.mktemp("chapters")
    data = work / "data"
    shutil.copytree(DEMO_DATA, data)
    book, _ = report_book(plan_indicators()[:1])
    common = chapters.common_parameters(2024, "can-tho", data)
    runs = chapter_runs(book.chapters, common, "nbval")
    # As the build does: the edition's heavy results computed once and read by every kernel.
    # nbval's re-runs compute them in the kernel instead, so a green run also means the
    # shared results are the ones a chapter computes itself.
    results = work / "shared" / "results.pickle"
    assert shared.prepare_results(2024, "can-tho", data, results)
    done = execute.execute_chapters(runs, work / "cache",
                                    environment={shared.ENV_VAR: str(results)})
    return {key: entry / execute.NOTEBOOK_NAME for key, (entry, _) in done.items()}


def wrong_output_notebook(target: Path) -> None:
    """A notebook whose stored output differs from what its code displays (nbval must fail)."""
    cell = nbformat.v4.new_code_cell(
        'from IPython.display import Markdown, display\ndisplay(Markdown("PII: 45,98 điểm"))'
    )
    cell.outputs = [nbformat.v4.new_output(
        "display_data", data={"text/markdown": "PII: 45,99 điểm", "text/plain": "<Markdown>"}
    )]
    notebook = nbformat.v4.new_notebook(cells=[cell])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    nbformat.write(notebook, target)


def nbval_results(report: Path) -> dict[tuple[str, int], str]:
    """(notebook stem, code cell number) -> 'passed' | 'failed' | 'skipped' from nbval's JUnit
    report (nbval numbers a notebook's code cells from 0: "Cell 3" is the fourth)."""
    results = {}
    for case in ElementTree.parse(report).getroot().iter("testcase"):
        stem = case.get("classname", "").removesuffix(".ipynb")
        cell = re.search(r"Cell (\d+)", case.get("name", ""))
        assert cell, f"unexpected nbval test name {case.get('name')!r}"
        outcome = "passed"
        if case.find("failure") is not None or case.find("error") is not None:
            outcome = "failed"
        elif case.find("skipped") is not None:
            outcome = "skipped"
        results[(stem, int(cell.group(1)))] = outcome
    return results


@pytest.mark.slow
def test_executed_chapters_reproduce_under_nbval(executed_chapters, tmp_path):
    expected_keys = {"summary", "overview", "profile", chapters.indicator_key(plan_indicators()[0][0]),
                     "agencies", "levers", "methodology"}
    assert set(executed_chapters) == expected_keys

    # nbval runs in its own directory: no project pytest configuration, its own rootdir.
    (tmp_path / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    code_cells = {}
    for key, notebook in executed_chapters.items():
        shutil.copy2(notebook, tmp_path / f"{key}.ipynb")
        cells = nbformat.read(notebook, as_version=4).cells
        code_cells[key] = range(sum(cell.cell_type == "code" for cell in cells))
    wrong_output_notebook(tmp_path / f"{WRONG}.ipynb")

    completed = subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval", "--nbval-current-env",
         f"--nbval-sanitize-with={SANITIZE}", "-p", "no:cacheprovider", "-q",
         f"--junitxml={tmp_path / 'nbval.xml'}", *sorted(p.name for p in tmp_path.glob("*.ipynb"))],
        cwd=tmp_path, capture_output=True, text=True, check=False,
    )
    log = (completed.stdout + completed.stderr)[-6000:]
    assert (tmp_path / "nbval.xml").is_file(), f"nbval did not run:\n{log}"
    results = nbval_results(tmp_path / "nbval.xml")

    for key, cells in code_cells.items():
        checked = {cell: results.get((key, cell)) for cell in cells}
        assert all(outcome == "passed" for outcome in checked.values()), (
            f"chapter '{key}' did not reproduce its outputs under nbval "
            f"(cell -> outcome: {checked}):\n{log}"
        )
    assert results.get((WRONG, 0)) == "failed", (
        f"nbval accepted a wrong stored output; outputs were not compared:\n{log}"
    )


@pytest.mark.slow
def test_overview_glues_the_engines_score_and_rank(executed_chapters, tmp_path):
    from piilib.pii import scores_for_edition
    from piilib.report.text import number, rank_phrase

    overview = executed_chapters["overview"]
    data = next(parent / "data" for parent in overview.parents if (parent / "data").is_dir())
    scores = scores_for_edition(2024, data)  # the engine, without the report layer
    pii = scores[(scores["unit"] == "can-tho") & (scores["kind"] == "index")].iloc[0]
    values = glued(overview)
    assert glued_text(values, "pii_score") == number(pii["score"], 2)
    assert glued_text(values, "pii_rank") == rank_phrase(pii["rank"], pii["n_units"])
    region = scores[(scores["kind"] == "index") & (scores["region"] == pii["region"])]
    assert glued_text(values, "region_rank") == rank_phrase((region["score"] > pii["score"]).sum() + 1, len(region))


@pytest.mark.slow
@pytest.mark.parametrize("stem", ANALYSIS_CHAPTERS)
def test_every_glue_reference_in_the_prose_is_glued(executed_chapters, stem):
    notebook = nbformat.read(executed_chapters[stem], as_version=4)
    markdown = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "markdown")
    referenced = set(GLUE_REFERENCE.findall(markdown))
    values = glued(executed_chapters[stem])
    assert referenced, f"{stem}: no glued values in the prose"
    assert referenced <= set(values), f"{stem}: prose refers to keys never glued: {sorted(referenced - set(values))}"
    figures = re.findall(r"\{glue:figure\}\s+(\w+)", markdown)
    assert all("image/png" in values[key] for key in figures), stem


def test_a_chapter_runs_from_any_working_directory_with_its_defaults(tmp_path):
    import papermill

    before = sorted(path.name for path in TEMPLATES.iterdir())
    papermill.execute_notebook(
        str(TEMPLATES / "methodology.ipynb"), str(tmp_path / "out.ipynb"), parameters={},
        cwd=str(tmp_path), progress_bar=False, log_output=False,
        extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
    )
    values = glued(tmp_path / "out.ipynb")
    assert glued_text(values, "data_name").endswith("thư mục data/demo")  # read from the repository
    assert sorted(path.name for path in TEMPLATES.iterdir()) == before
    assert sorted(path.name for path in tmp_path.iterdir()) == ["out.ipynb"]


@pytest.mark.slow
def test_overview_glues_the_outlooks_probability_map_and_region(executed_chapters):
    """The overview's P(top 10), map size and region size are bundle_outlook's on the same
    data and seed (called here directly, not through the report layer)."""
    from piilib.analysis.outlook import TREND, bundle_outlook, recommended_target_values
    from piilib.analysis.targets import bundle_targets
    from piilib.bundle import load_bundle
    from piilib.report.goals import COVERAGE, OUTLOOK_DRAWS, OUTLOOK_SEED, TOP
    from piilib.report.text import map_phrase, percent, region_phrase

    overview = executed_chapters["overview"]
    data = next(parent / "data" for parent in overview.parents if (parent / "data").is_dir())
    bundle = load_bundle(data, 2024)
    targets = recommended_target_values(bundle_targets(bundle, 2024, "can-tho", top=TOP, coverage=COVERAGE))
    result = bundle_outlook(bundle, 2024, "can-tho", draws=OUTLOOK_DRAWS, seed=OUTLOOK_SEED, targets=targets, top=TOP)
    values = glued(executed_chapters["overview"])
    assert glued_text(values, "p_top_trend") == percent(result.probability(TREND, "top"))
    assert glued_text(values, "outlook_map") == map_phrase(result.n_units)
    assert glued_text(values, "outlook_region") == region_phrase(result.region_name, result.n_region)
    # The map the 2025 edition ranks: the units table of 2025, not the 63 provinces of 2024.
    from piilib.units import load_units

    units = load_units(2025)
    assert result.n_units == len(units)
    assert result.n_region == int((units["region"] == units.set_index("unit").at["can-tho", "region"]).sum())


@pytest.mark.slow
def test_the_summary_carries_the_engines_numbers(executed_chapters):
    """The leaders' summary: position, change since 2023 and its split by pillar, the combined
    scenario and the deadline, each equal to the engine's (called here, not through the report)."""
    from piilib.analysis.decomposition import pillar_contributions, unit_change
    from piilib.analysis.outlook import base_outcome, bundle_inputs, recommended_target_values
    from piilib.analysis.targets import bundle_targets
    from piilib.bundle import load_bundle
    from piilib.pii import compute_pii, edition_values, scores_for_edition
    from piilib.report.goals import COVERAGE, TOP
    from piilib.report.text import change_phrase, number, rank_change_phrase, rank_phrase, signed

    summary = executed_chapters["summary"]
    data = next(parent / "data" for parent in summary.parents if (parent / "data").is_dir())
    values = glued(summary)
    scores = scores_for_edition(2024, data)
    pii = scores[(scores["unit"] == "can-tho") & (scores["kind"] == "index")].iloc[0]
    assert glued_text(values, "pii_score") == number(pii["score"], 2)
    assert glued_text(values, "pii_rank") == rank_phrase(pii["rank"], pii["n_units"])

    bundle = load_bundle(data, 2024)
    before, after = (compute_pii(edition_values(bundle.values, e), e) for e in (2023, 2024))
    change = after.scores.at["can-tho", "PII"] - before.scores.at["can-tho", "PII"]
    assert glued_text(values, "pii_change") == change_phrase(change, 2, "điểm")
    assert glued_text(values, "rank_change") == rank_change_phrase(before.ranks.at["can-tho", "PII"],
                                                                   after.ranks.at["can-tho", "PII"])
    # The pillar table: every pillar's contribution and their sum, the change of the PII.
    tables = [output["data"]["text/markdown"] for cell in nbformat.read(summary, as_version=4).cells
              if cell.cell_type == "code" for output in cell.get("outputs", [])
              if "{table} Thay đổi PII" in output.get("data", {}).get("text/markdown", "")]
    assert len(tables) == 1
    pillars = pillar_contributions(unit_change(before, after, "can-tho"))
    for pillar, contribution in pillars.items():
        assert re.search(rf"\| {re.escape(str(pillar))}\\. [^|]+ \| \\?{re.escape(signed(contribution, 2))}\{{sup}}`MH`",
                         tables[0]), pillar
    # A leading "+" is escaped (it could start a list); the minus sign U+2212 needs no escape.
    assert re.search(rf"\| Cộng: thay đổi của PII \| \\?{re.escape(signed(change, 2))}\{{sup}}`MH`", tables[0])

    inputs = bundle_inputs(bundle, 2024)
    targets = recommended_target_values(bundle_targets(bundle, 2024, "can-tho", top=TOP, coverage=COVERAGE))
    combined = base_outcome(inputs.model("can-tho"), inputs.result, targets)
    base = base_outcome(inputs.model("can-tho"), inputs.result)
    assert glued_text(values, "combined_after") == number(combined["index"], 2)
    assert glued_text(values, "combined_rank") == rank_change_phrase(base["rank"], combined["rank"])
    assert glued_text(values, "deadline_date") == "15/07/2025"


@pytest.mark.slow
def test_a_province_without_a_plan_gets_a_summary_without_the_plan_parts(tmp_path):
    """Chosen: a province without a plan keeps the summary's position and the change since
    the previous edition; the outlook, the combined scenario and the agencies' targets (all
    the plan's) are left out of the page, as the build finishes it."""
    import papermill

    from piilib.report.execute import finish_notebook

    papermill.execute_notebook(
        str(TEMPLATES / "summary.ipynb"), str(tmp_path / "out.ipynb"), parameters={"province": "ha-noi"},
        cwd=str(tmp_path), progress_bar=False, log_output=False,
        extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
    )
    values = glued(tmp_path / "out.ipynb")
    assert {"pii_score", "pii_rank", "region_rank", "pii_change", "down_pillars"} <= set(values)
    assert not {"p_top_trend", "combined_after", "deadline_date"} & set(values)
    page = nbformat.read(tmp_path / "out.ipynb", as_version=4)
    finish_notebook(page, chapters.Chapter("summary", TEMPLATES / "summary.ipynb", "Tóm tắt cho lãnh đạo"))
    text = "\n".join(cell.source for cell in page.cells if cell.cell_type == "markdown")
    assert "Thay đổi so với kỳ" in text
    assert "Triển vọng kỳ" not in text and "Việc của từng cơ quan" not in text
    outputs = "\n".join(output.get("data", {}).get("text/markdown", "") for cell in page.cells
                        if cell.cell_type == "code" for output in cell.get("outputs", []))
    assert "{table} Thay đổi PII" in outputs and "Mục tiêu của các cơ quan" not in outputs
