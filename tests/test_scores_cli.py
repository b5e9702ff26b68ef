"""`pii scores` through the CLI's main function."""

import io
from contextlib import redirect_stdout

import pandas as pd
import pytest

from piilib.cli import main
from piilib.demo import load_demo_values
from piilib.plan import load_plan


def _run(argv):
    buffer = io.StringIO()
    with redirect_stdout(buffer):
        code = main(argv)
    return code, buffer.getvalue()


def test_scores_2024_shows_can_tho_seventh_and_the_weak_ranks():
    code, out = _run(["scores", "--edition", "2024", "--format", "csv"])
    assert code == 0
    table = pd.read_csv(io.StringIO(out), dtype={"element": "str"})
    city = table[table["unit"] == "can-tho"].set_index("element")
    assert city.at["PII", "rank"] == 7
    weak = load_plan().indicators.dropna(subset=["rank_2024"])
    for _, row in weak.iterrows():
        assert city.at[row["code"], "rank"] == row["rank_2024"], row["code"]
    assert (table["provenance"] == "illustrative").all()
    assert table["n_units"].eq(63).all()


def test_scores_table_format_lists_units(capsys):
    code, out = _run(["scores", "--edition", "2023", "--element", "PII"])
    assert code == 0
    assert "Cần Thơ" in out and "| PII" in out
    assert len([line for line in out.splitlines() if line.startswith("| PII")]) == 63


@pytest.mark.usefixtures("english")  # asserts the English message
def test_unknown_edition_and_missing_file_exit_2(capsys, tmp_path):
    assert main(["scores", "--edition", "1999"]) == 2
    assert "1999" in capsys.readouterr().err
    missing = tmp_path / "none.csv"
    assert main(["scores", "--edition", "2024", "--data", str(missing)]) == 2
    assert "file not found" in capsys.readouterr().err


def test_scores_from_an_official_file(tmp_path):
    """--data reads the file through piilib.io.read_values (provenance official)."""
    values = load_demo_values()
    rows = values[values["edition"] == 2024][["edition", "unit", "indicator", "value"]]
    path = tmp_path / "official.csv"
    rows.to_csv(path, index=False)
    code, out = _run(["scores", "--edition", "2024", "--data", str(path), "--format", "csv"])
    assert code == 0
    table = pd.read_csv(io.StringIO(out), dtype={"element": "str"})
    assert (table["provenance"] == "official").all()
    assert table[(table["unit"] == "can-tho") & (table["element"] == "PII")]["rank"].iloc[0] == 7
