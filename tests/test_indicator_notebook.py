"""The indicator chapter (notebooks/indicator.ipynb) as a researcher uses it: the peer model's
formula is a parameter of the notebook, and changing it changes what the page says and the
targets' peer evidence; the page's probabilities, ranks and forecast are the targets table's;
a formula naming a covariate the data lack stops the chapter with an error naming it; the
chapter runs from any working directory and writes nothing there.

Each case is one papermill run of the real template (a few seconds each)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
import pytest

from piilib.analysis.targets import trend_probability_shown

pytest.importorskip("papermill")
import papermill  # noqa: E402
from papermill.exceptions import PapermillExecutionError  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "notebooks" / "indicator.ipynb"
OTHER_FORMULA = "value ~ np.log(population)"
EDITION, PROVINCE, INDICATOR = "2024", "can-tho", "6.2.4"  # the template's defaults

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


@pytest.fixture(scope="module")
def chapter():
    from piilib.report.indicator import load_indicator

    return load_indicator(EDITION, PROVINCE, "data/demo", INDICATOR)


def estimate_places(chapter) -> int:
    """The decimals the chapter writes a model's estimates with (the report's precision rule)."""
    from piilib.report.text import precision

    return precision(chapter.scores["raw_value"], rate=True)


def markdown_tables(notebook: nbformat.NotebookNode) -> dict[str, list[dict[str, str]]]:
    """Caption -> rows (header -> cell) of every table the chapter shows."""
    tables = {}
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            text = output.get("data", {}).get("text/markdown", "")
            match = re.match(r"```\{table\} (.+)\n(.+)\n.+\n((?:\|.*\n?)*)```", text)
            if not match:
                continue
            header = [h.strip() for h in match.group(2).strip("|").split("|")]
            # A cell's text without its provenance mark ({sup}`MH`), which tests/test_provenance_marks.py checks.
            rows = [[re.sub(r"\{sup\}`[^`]*`", "", c).strip().replace("\\", "") for c in line.strip().strip("|").split("|")]
                    for line in match.group(3).strip().splitlines()]
            tables[match.group(1)] = [dict(zip(header, row)) for row in rows]
    return tables


def test_glued_probability_and_ranks_are_the_target_tables(default_run, chapter):
    from piilib.analysis.targets import PROJECTED, THRESHOLDS, recommended_targets
    from piilib.report import phrases

    values = glued(default_run)
    target = recommended_targets(chapter.targets).iloc[0]
    assert target["p_reach_trend"] == target["p_reach_trend"]  # the default indicator has a usable trend
    assert values["target_p_reach"] == phrases.probability_phrase(target["p_reach_trend"])
    assert values["target_indicator_effect"] == phrases.rank_effect_phrase(
        target["today_rank"], target["indicator_rank"], target["rank_map_units"], "của chỉ số")
    assert values["target_region_rank"] == f"{target['indicator_region_rank']}/{target['rank_map_region_size']}"
    assert values["target_pii_effect"] == phrases.pii_rank_effect_phrase(target["today_pii_rank"], target["pii_rank"],
                                                                         target["rank_map_units"])
    assert values["target_map"] == f"trên {target['rank_map_units']} tỉnh, thành phố; vùng " \
                                   f"{target['rank_map_region_size']} tỉnh, thành phố"
    assert bool(values["target_pii_note"]) == bool(target["leaves_pii_rank_unchanged"])
    assert str(target["evidence_model"]) in ("trend", "peer")
    assert phrases.value_with_unit(target["evidence_oos_rmse"], chapter.unit_label, estimate_places(chapter)) \
        in values["target_evidence"]
    # Every projected threshold row: P(reach) and the ranks it gives, in the table's order.
    projected = chapter.targets[chapter.targets["threshold"].isin(THRESHOLDS)
                                & (chapter.targets["basis"] == PROJECTED)]
    caption = next(c for c in markdown_tables(default_run) if "so với giá trị dự báo" in c)
    shown = markdown_tables(default_run)[caption]
    assert f"trên {projected['rank_map_units'].iloc[0]} tỉnh, thành phố; vùng" in caption
    # A threshold already reached shows the chance the trend keeps it ("giữ"), the others the
    # chance it reaches them.
    assert [row["Xác suất đạt"] for row in shown] == [
        ("giữ: " if held else "") + phrases.probability_phrase(p)
        for p, held in (trend_probability_shown(row) for _, row in projected.iterrows())]
    assert [row["Hạng PII (vùng)"] for row in shown] == [
        phrases.rank_pair(a, b) for a, b in zip(projected["pii_rank"], projected["pii_region_rank"])]
    # Among the other provinces' forecasts, as the column says (today's rank is in the caption).
    assert [row["Hạng chỉ số so với dự báo (vùng)"] for row in shown] == [
        phrases.rank_pair(a, b) for a, b in zip(projected["indicator_rank"], projected["indicator_region_rank"])]
    assert "hạng hiện nay (theo giá trị hiện nay): chỉ số " \
        f"{phrases.rank_pair(projected['today_rank'].iloc[0], projected['today_region_rank'].iloc[0])}" in caption
    delivered = ["đạt theo xu hướng" in row[next(k for k in row if k.startswith("Cần đạt"))] for row in shown]
    assert delivered == list(projected["delivered_by_trend"].astype(bool))


def test_forecast_and_peer_benchmark_are_the_targets_evidence(default_run, chapter):
    from piilib.report import phrases

    values = glued(default_run)
    row = chapter.targets.iloc[0]
    if row["trend_status"] == "fitted":
        assert values["trend_forecast"] == phrases.forecast_phrase(row["trend_predicted"], row["trend_lower"],
                                                                   row["trend_upper"], 0.8, chapter.unit_label,
                                                                   estimate_places(chapter))
    else:
        assert values["trend_forecast"].startswith("chưa đủ căn cứ")
    assert values["peer_expected"] == phrases.value_with_unit(row["peer_expected"], chapter.unit_label,
                                                              estimate_places(chapter))
    assert values["peer_r2"] == phrases.number(row["peer_r_squared"], 2)
    assert phrases.number(row["peer_leverage"], 2) in values["peer_influence"]
    assert phrases.number(row["peer_cooks_distance"], 2) in values["peer_influence"]


def test_changing_the_formula_changes_the_targets_peer_evidence(default_run, chapter, tmp_path):
    from piilib.report import phrases
    from piilib.report.indicator import chapter_targets

    other_run = run(tmp_path, "other_targets", peer_formula=OTHER_FORMULA)
    other, default = glued(other_run), glued(default_run)
    row = chapter_targets(chapter, OTHER_FORMULA).iloc[0]
    assert row["peer_formula"].endswith(OTHER_FORMULA.split("~")[1].strip())
    assert other["peer_expected"] == phrases.value_with_unit(row["peer_expected"], chapter.unit_label,
                                                             estimate_places(chapter))
    other_rmse = (row["peer_oos_rmse"] if row["evidence_model"] == "trend" else
                  row["trend_oos_rmse"] if row["trend_status"] == "fitted" else float("nan"))
    assert other["target_evidence"] == phrases.evidence_phrase(row["evidence_model"], row["evidence_oos_rmse"],
                                                               other_rmse, chapter.unit_label, estimate_places(chapter))
    assert other["target_evidence"] != default["target_evidence"]
    # Where the structure explains little the page draws no conclusion from it.
    if row["peer_explains_little"]:
        assert "không cho phép kết luận" in other["peer_conclusion"] and "kém hơn" not in other["peer_conclusion"]
