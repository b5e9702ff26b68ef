"""The indicator chapter (notebooks/indicator.ipynb) as a researcher uses it: the peer model's
formula is a parameter of the notebook, and changing it changes what the page says; a formula
naming a covariate the data lack stops the chapter with an error naming it; the chapter runs
from any working directory and writes nothing there.

Each case is one papermill run of the real template (a few seconds each)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
import pytest

pytest.importorskip("papermill")
import papermill  # noqa: E402
from papermill.exceptions import PapermillExecutionError  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "notebooks" / "indicator.ipynb"
OTHER_FORMULA = "value ~ np.log(population)"

pytestmark = pytest.mark.slow


def run(tmp_path: Path, name: str, **parameters) -> nbformat.NotebookNode:
    """Execute the template with the default parameters but `parameters`, in an empty
    working directory under tmp_path (never the repository)."""
    work = tmp_path / name
    work.mkdir()
    output = tmp_path / f"{name}.ipynb"
    papermill.execute_notebook(str(TEMPLATE), str(output), parameters=parameters, cwd=str(work),
                               progress_bar=False, log_output=False, kernel_name="python3")
    assert not any(work.iterdir()), f"the chapter wrote {sorted(p.name for p in work.iterdir())} into its cwd"
    return nbformat.read(output, as_version=4)


def glued(notebook: nbformat.NotebookNode) -> dict[str, object]:
    """Glue key -> its text value (the text/plain as MyST-NB pastes it) or its mime types."""
    values = {}
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            scrap = output.get("metadata", {}).get("scrapbook")
            if not scrap:
                continue
            prefix = scrap.get("mime_prefix", "")
            data = {key[len(prefix):]: value for key, value in output["data"].items()}
            if "text/markdown" in data:
                values[scrap["name"]] = data["text/markdown"]
            elif "image/png" in data:
                values[scrap["name"]] = "image/png"
            else:
                values[scrap["name"]] = ast.literal_eval(data["text/plain"])
    return values


@pytest.fixture(scope="module")
def default_run(tmp_path_factory):
    return run(tmp_path_factory.mktemp("indicator"), "default")


def template_default_formula() -> str:
    notebook = nbformat.read(TEMPLATE, as_version=4)
    cell = next(c for c in notebook.cells if "parameters" in c.metadata.get("tags", []))
    assignments = {target.id: statement.value.value for statement in ast.parse(cell.source).body
                   if isinstance(statement, ast.Assign) for target in statement.targets}
    return assignments["peer_formula"]


def test_the_page_shows_the_formula_and_its_fit(default_run):
    values = glued(default_run)
    assert template_default_formula() in values["peer_formula_md"]
    for figure in ("distribution_figure", "trend_figure", "peer_regression_figure", "peer_figure"):
        assert values[figure] == "image/png"
    # Every {glue:...} key the markdown names is glued by the notebook (the book would warn).
    wanted = set()
    for cell in default_run.cells:
        if cell.cell_type == "markdown":
            wanted |= set(re.findall(r"\{glue:(?:text|md)\}`([^`]+)`", cell.source))
            wanted |= set(re.findall(r"```\{glue:figure\} (\S+)", cell.source))
    assert wanted <= set(values), f"glue keys used but never glued: {sorted(wanted - set(values))}"


def test_changing_the_formula_changes_the_page(default_run, tmp_path):
    other = glued(run(tmp_path, "other", peer_formula=OTHER_FORMULA))
    default = glued(default_run)
    assert OTHER_FORMULA in other["peer_formula_md"] and OTHER_FORMULA not in default["peer_formula_md"]
    assert other["peer_r2"] != default["peer_r2"]
    assert other["peer_expected"] != default["peer_expected"]
    assert other["peer_x_label"] == "log dân số" != default["peer_x_label"]


def test_a_missing_covariate_stops_the_chapter_naming_it(tmp_path):
    with pytest.raises(PapermillExecutionError, match="nonexistent_covariate"):
        run(tmp_path, "missing", peer_formula="value ~ np.log(nonexistent_covariate) + urbanisation")
