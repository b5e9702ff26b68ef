"""`pii targets` on the bundled data for Cần Thơ, edition 2024, and its input errors."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from openpyxl import load_workbook

from piilib import cli
from piilib.analysis.targets import TARGET_COLUMNS
from piilib.analysis.workbook import GUIDE_SHEET, SUMMARY_SHEET
from piilib.demo import DEMO_DIR
from piilib.plan import load_plan
from piilib.report.notice import NOTICE_TEXT

# These tests assert the English text of the messages (Vietnamese is the default).
pytestmark = pytest.mark.usefixtures("english")

needs_demo = pytest.mark.skipif(not (DEMO_DIR / "values.csv").is_file(), reason="data/demo not generated")


@needs_demo
def test_csv_for_can_tho_2024(capsys):
    assert cli.main(["targets", "--edition", "2024", "--province", "TP. Cần Thơ"]) == 0
    table = pd.read_csv(io.StringIO(capsys.readouterr().out), dtype={"indicator": str})
    assert list(table.columns) == TARGET_COLUMNS
    plan = load_plan()
    chosen = table[table["recommended"]]
    assert chosen["indicator"].tolist() == plan.indicators["code"].tolist()
    assert set(table["unit"]) == {"can-tho"} and set(table["provenance"]) == {"illustrative"}
    assert set(table["basis"]) == {"current", "projected"}  # the bundled history gives projections
    # The next edition (2025) ranks 34 units; indicators that cannot be merged stay on the 63.
    projected = table[table["basis"] == "projected"]
    assert set(projected["rank_map_units"]) == {34, 63} and set(table.loc[table["basis"] == "current", "rank_map_units"]) == {63}
    # The peer model's formula is in the result (its left side names the transform when one is used).
    assert chosen["peer_formula"].str.endswith("~ np.log(grdp_per_capita) + np.log(population) + urbanisation").all()
    # Plan 88's 2024 ranks of the weak indicators are what the bundled data reproduce.
    weak = plan.indicators[plan.indicators["group"] == "weak"]
    ranks = chosen.set_index("indicator")["current_rank"]
    assert all(ranks[row.code] == row.rank_2024 for row in weak.itertuples())


@needs_demo
def test_xlsx_workbook_for_can_tho_2024(tmp_path, capsys):
    out = tmp_path / "muc-tieu.xlsx"
    assert cli.main(["targets", "--edition", "2024", "--province", "can tho", "--format", "xlsx",
                     "--out", str(out)]) == 0
    assert "Wrote" in capsys.readouterr().out
    book = load_workbook(out)
    agencies = load_plan().indicators["lead_agency_key"].nunique()
    assert book.sheetnames[:2] == [GUIDE_SHEET, SUMMARY_SHEET] and len(book.sheetnames) == 2 + agencies
    guide = [str(v) for row in book[GUIDE_SHEET].iter_rows(values_only=True) for v in row if v]
    assert NOTICE_TEXT in guide


@pytest.mark.parametrize("argv, message", [
    (["--edition", "2024", "--province", "Can Thoo"], "Closest matches: Cần Thơ"),
    (["--edition", "2025", "--province", "Hậu Giang"], "merged into Cần Thơ"),
    (["--edition", "1999", "--province", "Cần Thơ"], "outside the editions the program can serve"),
    (["--edition", "2024", "--province", "Cần Thơ", "--data", "no/such/file.csv"], "no such file"),
    (["--edition", "2024", "--province", "Cần Thơ", "--format", "xlsx", "--out", "t.csv"], "an .xlsx file"),
    (["--edition", "2024", "--province", "Cần Thơ", "--peer-formula", "value ~ np.log(grdp_per_capita) + urban_share"],
     "urban_share"),
])
def test_bad_input_exits_2_with_a_plain_message(argv, message, capsys):
    assert cli.main(["targets", *argv]) == cli.EXIT_BAD_INPUT
    assert message in capsys.readouterr().err


def test_directory_without_values_is_refused(tmp_path, capsys):
    assert cli.main(["targets", "--edition", "2024", "--province", "Cần Thơ", "--data", str(tmp_path)]) == 2
    assert "values.csv" in capsys.readouterr().err
