"""`pii index` on the ASEM example, and bad input: every problem named, exit 2, nothing written."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from piilib.cli import EXIT_BAD_INPUT, main

# These tests assert the English text of the messages (Vietnamese is the default).
pytestmark = pytest.mark.usefixtures("english")

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "data" / "examples"
FIXTURES = Path(__file__).parent / "fixtures" / "coinr-asem"
IDATA = EXAMPLES / "asem-iData.csv"
IMETA = EXAMPLES / "asem-iMeta.csv"
SPEC = EXAMPLES / "asem-method.yml"


def run_index(idata, imeta, spec, out):
    return main(["index", "--idata", str(idata), "--imeta", str(imeta), "--spec", str(spec), "--out", str(out)])


@pytest.fixture(scope="module")
def asem_out(tmp_path_factory):
    out = tmp_path_factory.mktemp("asem") / "out"
    assert run_index(IDATA, IMETA, SPEC, out) == 0
    return out


def test_writes_every_stage_with_coinr_values(asem_out):
    names = sorted(p.name for p in asem_out.iterdir())
    stages = ["Aggregated", "Denominated", "Imputed", "Normalised", "Raw", "Screened", "Treated"]
    assert names == sorted([f"stage_{s}.csv" for s in stages] + ["treat_details.csv", "results.csv", "method_log.yml"])
    for stage in stages:
        ours = pd.read_csv(asem_out / f"stage_{stage}.csv").set_index("uCode").sort_index()
        theirs = pd.read_csv(FIXTURES / f"stage_{stage}.csv").set_index("uCode").sort_index()
        assert set(ours.columns) == set(theirs.columns)
        np.testing.assert_allclose(ours[theirs.columns].to_numpy(), theirs.to_numpy(), rtol=1e-9, atol=0)


def test_results_table_is_ranked(asem_out):
    results = pd.read_csv(asem_out / "results.csv")
    assert results["Rank"].tolist() == sorted(results["Rank"].tolist())
    assert results.loc[0, "uCode"] == "CHE"
    assert list(results.columns[:4]) == ["uCode", "uName", "Rank", "Index"]


def test_method_log_replays_to_the_same_output(asem_out, tmp_path):
    replay = tmp_path / "replay"
    assert run_index(IDATA, IMETA, asem_out / "method_log.yml", replay) == 0
    for path in asem_out.glob("stage_*.csv"):
        assert (replay / path.name).read_text() == path.read_text()


def test_prints_the_top_units(asem_out, tmp_path, capsys):
    assert run_index(IDATA, IMETA, SPEC, tmp_path / "again") == 0
    printed = capsys.readouterr().out
    assert "CHE" in printed and "51 units" in printed


# --------------------------------------------------------------------------- bad input


@pytest.fixture
def inputs(tmp_path):
    """Editable copies of the ASEM inputs as text frames."""
    idata = pd.read_csv(IDATA, dtype=str)
    imeta = pd.read_csv(IMETA, dtype=str)
    return tmp_path, idata, imeta


def run_bad(tmp_path, idata, imeta, capsys, spec=SPEC):
    idata_path, imeta_path = tmp_path / "bad-iData.csv", tmp_path / "bad-iMeta.csv"
    idata.to_csv(idata_path, index=False)
    imeta.to_csv(imeta_path, index=False)
    out = tmp_path / "out"
    code = run_index(idata_path, imeta_path, spec, out)
    errors = [line for line in capsys.readouterr().err.splitlines() if line.startswith("error: ")]
    assert code == EXIT_BAD_INPUT
    assert not out.exists(), "nothing may be written on bad input"
    assert not list(tmp_path.glob(".pii-index-*")), "no temporary directory left behind"
    return errors


def set_meta(imeta, code, column, value):
    imeta.loc[imeta["iCode"] == code, column] = value


def test_indicator_in_meta_missing_from_data(inputs, capsys):
    tmp_path, idata, imeta = inputs
    errors = run_bad(tmp_path, idata.drop(columns=["LPI"]), imeta, capsys)
    assert errors == ["error: bad-iMeta.csv: indicator 'LPI' has no column in bad-iData.csv; expected a column named 'LPI'"]


def test_parent_that_does_not_exist(inputs, capsys):
    tmp_path, idata, imeta = inputs
    set_meta(imeta, "Ship", "Parent", "Harbour")
    errors = run_bad(tmp_path, idata, imeta, capsys)
    assert errors == [
        "error: bad-iMeta.csv line 4 (iCode 'Ship'): Parent 'Harbour' is not an iCode of any Indicator or Aggregate row"
    ]


def test_cycle_in_the_tree(inputs, capsys):
    tmp_path, idata, imeta = inputs
    set_meta(imeta, "Index", "Parent", "Conn")
    set_meta(imeta, "Index", "Level", "2")
    set_meta(imeta, "Conn", "Parent", "Index")
    errors = run_bad(tmp_path, idata, imeta, capsys)
    assert "error: bad-iMeta.csv: the Parent links form a cycle (Conn -> Index -> Conn); the tree must end at one top aggregate" in errors
    assert any("expected exactly one, the index at the top" in e for e in errors)


@pytest.mark.parametrize("weight", ["-1", "heavy", None, "inf", "-inf"])
def test_weight_negative_missing_or_not_finite(inputs, capsys, weight):
    # Weight 0 is accepted since COINr accepts it (issue 11); see test_index_degenerate.py.
    tmp_path, idata, imeta = inputs
    set_meta(imeta, "Gas", "Weight", weight)
    errors = run_bad(tmp_path, idata, imeta, capsys)
    shown = weight or ""
    assert errors == [f"error: bad-iMeta.csv line 7 (iCode 'Gas'): Weight is '{shown}'; expected a finite number >= 0"]


@pytest.mark.parametrize("direction", ["0", "2", "up"])
def test_direction_not_plus_or_minus_one(inputs, capsys, direction):
    tmp_path, idata, imeta = inputs
    set_meta(imeta, "Tariff", "Direction", direction)
    errors = run_bad(tmp_path, idata, imeta, capsys)
    assert errors == [
        f"error: bad-iMeta.csv line 19 (iCode 'Tariff'): Direction is '{direction}'; "
        "expected 1 (higher is better) or -1 (lower is better)"
    ]


def test_non_numeric_value(inputs, capsys):
    tmp_path, idata, imeta = inputs
    idata.loc[idata["uCode"] == "VNM", "Goods"] = "n/a*"
    errors = run_bad(tmp_path, idata, imeta, capsys)
    line = int(np.flatnonzero(idata["uCode"] == "VNM")[0]) + 2
    assert errors == [
        f"error: bad-iData.csv line {line} (uCode 'VNM'), column 'Goods': value 'n/a*' is not a number; "
        "expected a number, or an empty cell for a missing value"
    ]


def test_duplicate_unit_code(inputs, capsys):
    tmp_path, idata, imeta = inputs
    idata.loc[idata["uCode"] == "BEL", "uCode"] = "AUT"
    errors = run_bad(tmp_path, idata, imeta, capsys)
    assert errors == ["error: bad-iData.csv line 3: uCode 'AUT' appears again (first on line 2); unit codes must be unique"]


def test_every_problem_is_reported_in_one_run(inputs, capsys):
    tmp_path, idata, imeta = inputs
    idata = idata.drop(columns=["LPI"])
    idata.loc[idata["uCode"] == "BEL", "uCode"] = "AUT"
    idata.loc[idata["uCode"] == "VNM", "Goods"] = "abc"
    set_meta(imeta, "Ship", "Parent", "Harbour")
    set_meta(imeta, "Gas", "Weight", "-1")
    set_meta(imeta, "Tariff", "Direction", "2")
    errors = run_bad(tmp_path, idata, imeta, capsys)
    for fragment in ["'LPI'", "'AUT' appears again", "'abc' is not a number", "'Harbour'", "Weight is '-1'", "Direction is '2'"]:
        assert sum(fragment in e for e in errors) == 1, fragment
    assert len(errors) == 6


def test_bad_method_file_is_reported_with_the_data_problems(inputs, capsys):
    tmp_path, idata, imeta = inputs
    spec = tmp_path / "method.yml"
    spec.write_text("steps:\n  - step: sort\n  - step: impute\n    method: group_mean\n    group: Continent\n")
    errors = run_bad(tmp_path, idata, imeta, capsys, spec=spec)
    assert any("step 1: unknown step 'sort'" in e for e in errors)
    assert any("column 'Continent' needed by the method is missing" in e for e in errors)


def test_missing_files_are_named(tmp_path, capsys):
    out = tmp_path / "out"
    code = run_index(tmp_path / "no-iData.csv", tmp_path / "no-iMeta.csv", tmp_path / "no.yml", out)
    err = capsys.readouterr().err
    assert code == EXIT_BAD_INPUT and not out.exists()
    for name in ["no-iData.csv", "no-iMeta.csv", "no.yml"]:
        assert name in err


def test_existing_output_directory_is_left_untouched_on_bad_input(inputs, capsys):
    tmp_path, idata, imeta = inputs
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("previous run")
    set_meta(imeta, "Gas", "Weight", "-1")
    idata.to_csv(tmp_path / "i.csv", index=False)
    imeta.to_csv(tmp_path / "m.csv", index=False)
    assert run_index(tmp_path / "i.csv", tmp_path / "m.csv", SPEC, out) == EXIT_BAD_INPUT
    assert [p.name for p in out.iterdir()] == ["keep.txt"]
