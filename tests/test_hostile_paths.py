"""More hostile input on the staff's path (after tests/test_hostile_input.py): headers Excel
changed, links that lead nowhere, unusable data named on purpose, counts that would exhaust the
memory, a peer formula with a typo. Each must be one plain message naming what is wrong (exit 2,
no traceback), the input left as it was.

Files are generated here from the 2026 template filled with the 2025 demo values; expected
locations come from the template's layout constants, never typed in.
"""

from __future__ import annotations

import hashlib
import os
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from piilib import cli, schema
from piilib.analysis.peers import PeerFormulaError, fit_peer_model
from piilib.commands.common import MAX_DRAWS, MAX_REPLICATIONS
from piilib.framework import indicators
from piilib.io import problems as P
from piilib.io import template as T
from piilib.io import validate_file
from piilib.io.problems import column_letter
from piilib.units import load_units

from helpers import demo_values

# These tests assert the English text of the messages (Vietnamese is the default).
pytestmark = pytest.mark.usefixtures("english")

EDITION = 2026


def run_cli(argv, capsys) -> tuple[int, str, str]:
    code = cli.main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def filled(tmp_path_factory, fill_entry_workbook) -> Path:
    path = tmp_path_factory.mktemp("filled") / "pii-2026.xlsx"
    T.write_template(EDITION, path)
    values = demo_values(EDITION - 1).set_index([schema.UNIT, schema.INDICATOR])[schema.VALUE]
    fill_entry_workbook(path, EDITION, values)
    return path


def edited(filled: Path, out: Path, edit) -> Path:
    """A copy of the filled workbook with `edit(sheet)` applied, saved as `out`."""
    workbook = openpyxl.load_workbook(filled)
    edit(workbook[T.DATA_SHEET])
    workbook.save(out)
    return out


# --- headers and cells ---------------------------------------------------------------------

@pytest.mark.parametrize("header, kind, shown", [
    (datetime(2001, 1, 1), "a date", "2001-01-01"),  # "1.1.1" typed into a General cell
    (1.1, "a number", "1.1"),
])
def test_an_indicator_header_excel_changed_is_named_not_skipped(filled, tmp_path, capsys, header, kind, shown):
    path = edited(filled, tmp_path / "header.xlsx",
                  lambda sheet: setattr(sheet.cell(T.HEADER_ROW, T.FIRST_CODE_COLUMN), "value", header))
    result = validate_file(path)
    problems = [p for p in result.problems if p.kind == P.UNKNOWN_INDICATOR]
    assert [(p.row, p.column) for p in problems] == [(T.HEADER_ROW, T.FIRST_CODE_COLUMN - 1)]
    said = problems[0].message()
    assert f"column header is {kind}, not an indicator code" in said and f'Found "{shown}"' in said
    before = digest(path)
    code, out, err = run_cli(["validate", str(path)], capsys)
    assert code == cli.EXIT_BAD_INPUT and "Traceback" not in err
    assert f"row {T.HEADER_ROW}, column {column_letter(T.FIRST_CODE_COLUMN - 1)}" in err
    assert digest(path) == before


def test_full_width_digits_in_a_code_are_the_code(filled, tmp_path):
    full_width = str.maketrans("0123456789.", "０１２３４５６７８９．")

    def widen(sheet):
        cell = sheet.cell(T.HEADER_ROW, T.FIRST_CODE_COLUMN)
        cell.value = str(cell.value).translate(full_width)

    path = edited(filled, tmp_path / "full-width.xlsx", widen)
    result = validate_file(path)
    assert result.problems == []
    assert result.frame[schema.INDICATOR].nunique() == len(indicators(EDITION))


def test_a_huge_number_is_shown_short(filled, tmp_path):
    path = edited(filled, tmp_path / "huge.xlsx",
                  lambda sheet: setattr(sheet.cell(T.FIRST_DATA_ROW, T.FIRST_CODE_COLUMN), "value", 1e300))
    [problem] = validate_file(path).problems
    assert problem.found == "1e+300" and len(problem.message()) < 400


# --- paths -----------------------------------------------------------------------------------

@pytest.mark.parametrize("shape", ["loop", "dangling"])
def test_a_link_that_leads_nowhere_is_said_to_be_one(tmp_path, capsys, shape):
    link = tmp_path / "pii-2026.xlsx"
    if shape == "loop":
        os.symlink(tmp_path / "other.xlsx", link)
        os.symlink(link, tmp_path / "other.xlsx")
    else:
        os.symlink(tmp_path / "gone.xlsx", link)
    for argv in (["validate", str(link)], ["scores", "--edition", "2026", "--data", str(link)]):
        code, _, err = run_cli(argv, capsys)
        assert code == cli.EXIT_BAD_INPUT and "Traceback" not in err
        assert "link (symlink) that leads to no file" in err and link.name in err


def test_an_unreadable_workbook_read_twice_is_said_once(tmp_path, capsys):
    """An official file without an edition is read again with the one asked for: the second
    failure is reported alone, not wrapped around the first."""
    path = tmp_path / "pii-2026.xlsx"
    path.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 4)  # a zip package cut short
    code, _, err = run_cli(["scores", "--edition", "2026", "--data", str(path)], capsys)
    assert code == cli.EXIT_BAD_INPUT
    assert err.count("is not really an Excel file") == 1 and "OfficialFileError" not in err


def _html(folder: Path) -> Path:
    path = folder / "pii-2025.xlsx"
    path.write_text("<html></html>")
    return path


def _empty_csv(folder: Path) -> Path:
    path = folder / "pii-2025.csv"
    path.write_bytes(b"")
    return path


def _without_indicator(folder: Path) -> Path:
    path = folder / "partial"
    path.mkdir()
    return path


@pytest.mark.parametrize("previous", [_html, _empty_csv, _without_indicator], ids=lambda f: f.__name__[1:])
def test_previous_data_named_on_purpose_must_be_usable(filled, tmp_path, capsys, previous):
    """validate --previous with data that cannot be read is an error, never a silent check
    without the comparison."""
    data = previous(tmp_path)
    code, out, err = run_cli(["validate", str(filled), "--previous", str(data)], capsys)
    assert code == cli.EXIT_BAD_INPUT and "Traceback" not in err and "OK:" not in out
    assert f"--previous {data}" in err


# --- options ---------------------------------------------------------------------------------

@pytest.mark.parametrize("argv, said", [
    (["outlook", "--edition", "2024", "--province", "Cần Thơ", "--draws", str(MAX_DRAWS + 1)],
     f"--draws {MAX_DRAWS + 1}: expected a whole number from 1 to {MAX_DRAWS}"),
    (["robustness", "--edition", "2024", "--replications", "99999999999"],
     f"--replications 99999999999: expected a whole number from 3 to {MAX_REPLICATIONS}"),
    (["robustness", "--edition", "2024", "--bootstrap", str(MAX_REPLICATIONS + 1)],
     f"--bootstrap {MAX_REPLICATIONS + 1}: expected a whole number from 1 to {MAX_REPLICATIONS}"),
    (["outlook", "--edition", "2024", "--province", "Cần Thơ", "--top", "63"],
     f"--top 63: expected a whole number from 1 to {len(load_units(2025))} (the number of provinces of "
     "edition 2025)"),
    (["template", "--edition", "1990", "--out", "never-written.xlsx"],
     "--edition 1990: outside the editions the program can serve; expected an edition from 2023"),
])
def test_options_out_of_bounds_are_refused_before_any_work(tmp_path, monkeypatch, capsys, argv, said):
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli(argv, capsys)
    assert code == cli.EXIT_BAD_INPUT and out == "" and "Traceback" not in err
    assert said in err
    assert list(tmp_path.iterdir()) == []


def test_running_out_of_memory_is_one_plain_line(monkeypatch, capsys):
    from piilib.commands import scores

    def exhausted(args):
        raise MemoryError

    monkeypatch.setattr(scores, "run", exhausted)
    code, _, err = run_cli(["scores", "--edition", "2024"], capsys)
    assert code == cli.EXIT_BAD_INPUT
    assert err.strip().splitlines() == [err.strip()] and "not enough memory" in err


def test_editions_are_listed_as_words_not_a_python_list(filled, capsys):
    code, _, err = run_cli(["scores", "--edition", "2027", "--data", str(filled)], capsys)
    assert code == cli.EXIT_BAD_INPUT
    assert "editions found: 2023, 2024, 2025, 2026" in err and "[" not in err


# --- the peer formula ------------------------------------------------------------------------

@pytest.mark.parametrize("formula, said", [
    ("x ~ population", "the left-hand side must be 'value'"),
    ("population", "has no '~'"),
    ("value ~ np.log(population", "cannot be read (unclosed bracket"),
])
def test_a_peer_formula_that_cannot_be_used_is_an_error(formula, said):
    from piilib.analysis.target_parts.table import _peer_benchmark

    values = demo_values(2024).query("indicator == '6.2.4'").set_index(schema.UNIT)[schema.VALUE]
    from piilib.bundle import load_bundle

    covariates = load_bundle(None).covariates_on_map(2024)
    with pytest.raises(PeerFormulaError, match=said.replace("(", r"\(")):
        fit_peer_model(values, covariates, formula=formula)
    # The target table's peer evidence does not swallow it as "no peer evidence".
    with pytest.raises(PeerFormulaError):
        _peer_benchmark(values, covariates, "can-tho", 1, 0.8, formula, (0.0, float("inf")))


def test_targets_with_a_mistyped_peer_formula_stops_with_one_line(capsys):
    code, out, err = run_cli(["targets", "--edition", "2025", "--province", "Cần Thơ",
                              "--peer-formula", "valeu ~ population"], capsys)
    assert code == cli.EXIT_BAD_INPUT and out == "" and "Traceback" not in err
    assert "peer formula 'valeu ~ population': the left-hand side must be 'value'" in err


def test_codes_without_a_province_column_name_the_header_row(filled, tmp_path):
    path = edited(filled, tmp_path / "no-names.xlsx", lambda sheet: sheet.delete_cols(T.PROVINCE_COLUMN))
    [problem] = validate_file(path).problems
    assert problem.kind == P.NO_HEADER and problem.row == T.HEADER_ROW
    assert "indicator codes as column headers but no column of province names" in problem.message()


def test_an_index_output_folder_that_cannot_be_made_is_named_not_its_temporary_folder(tmp_path, capsys,
                                                                                      monkeypatch):
    import errno
    import shutil

    from piilib.index import files

    asem = Path(__file__).resolve().parent / "fixtures" / "coinr-asem"
    for name in ("iData.csv", "iMeta.csv"):
        shutil.copy(asem / name, tmp_path / name)
    (tmp_path / "m.yml").write_text("steps:\n  - step: normalise\n  - step: aggregate\n")

    def full(*args, dir=None, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(Path(dir) / ".pii-index-x"))

    monkeypatch.setattr(files.tempfile, "mkdtemp", full)
    out = tmp_path / "out"
    code, _, err = run_cli(["index", "--idata", str(tmp_path / "iData.csv"), "--imeta", str(tmp_path / "iMeta.csv"),
                            "--spec", str(tmp_path / "m.yml"), "--out", str(out)], capsys)
    assert code == cli.EXIT_BAD_INPUT and "Traceback" not in err
    assert f"cannot write {out}" in err and ".pii-index" not in err and "disk" in err
    assert not out.exists()


# --- a --data folder laid out like data/demo ----------------------------------------------------

def _demo_copy(tmp_path: Path) -> Path:
    import shutil

    from piilib.bundle import DEMO_DIR

    folder = tmp_path / "data"
    shutil.copytree(DEMO_DIR, folder)
    return folder


def _edit_csv(path: Path, edit) -> None:
    import pandas as pd

    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    edit(frame).to_csv(path, index=False)


@pytest.mark.parametrize("column, keep, said", [
    ("unit", "ha-noi", "edition 2024: 1 of the 63 provinces have no row at all (ha-noi)"),
    ("indicator", "1.1.1", "edition 2024: 1 of the 52 indicators have no row at all (1.1.1)"),
])
def test_a_province_or_indicator_deleted_from_a_data_folder_is_an_error(tmp_path, capsys, column, keep, said):
    """Scores without a province would rank the others as if the table were complete."""
    folder = _demo_copy(tmp_path)
    _edit_csv(folder / "values.csv", lambda f: f[~((f[column] == keep) & (f["edition"] == "2024"))])
    code, out, err = run_cli(["scores", "--edition", "2024", "--data", str(folder)], capsys)
    assert code == cli.EXIT_BAD_INPUT and out == "" and said in err


@pytest.mark.parametrize("file, column, cell, expected", [
    ("values.csv", "value", "#N/A", "or an empty cell for a missing value"),
    ("values.csv", "value", "NaN", "or an empty cell for a missing value"),
    ("history.csv", "value", "n/a", "or an empty cell for a missing value"),
    ("values.csv", "provenance", "", "expected one of official, published, illustrative"),
    ("values.csv", "provenance", "offical", "expected one of official, published, illustrative"),
])
def test_a_data_folder_cell_that_only_looks_missing_is_named(tmp_path, capsys, file, column, cell, expected):
    """Only an empty value cell is missing data: an Excel error or a typed word is reported, and
    every value must say where it comes from."""
    folder = _demo_copy(tmp_path)

    def put(frame):
        frame.loc[4, column] = cell
        return frame

    _edit_csv(folder / file, put)
    code, _, err = run_cli(["scores", "--edition", "2024", "--data", str(folder)], capsys)
    assert code == cli.EXIT_BAD_INPUT and "Traceback" not in err
    assert f"{file}, line 6, column '{column}'" in err and expected in err


def test_a_covariate_below_zero_is_named_not_a_warning_and_an_english_line(tmp_path, capsys):
    folder = _demo_copy(tmp_path)

    def negative(frame):
        frame.loc[frame["covariate"] == "population", "value"] = "-5"
        return frame

    _edit_csv(folder / "covariates.csv", negative)
    code, _, err = run_cli(["targets", "--edition", "2024", "--province", "Cần Thơ", "--data", str(folder)], capsys)
    assert code == cli.EXIT_BAD_INPUT and "RuntimeWarning" not in err
    assert "covariates.csv, line" in err and "expected a number above 0 (population cannot be zero or negative)" in err


def test_files_of_the_official_folder_that_are_not_read_are_named(filled, tmp_path, monkeypatch, capsys):
    """An edition saved as .xls, or a link whose target is gone, would leave the edition
    illustrative without a word."""
    import shutil

    from piilib.bundle import OFFICIAL_DIR_ENV

    folder = tmp_path / "official"
    folder.mkdir()
    shutil.copy(filled, folder / "pii-2026.xls")
    os.symlink(tmp_path / "gone.xlsx", folder / "pii-2027.xlsx")
    (folder / "README.md").write_text("notes")
    (folder / "~$pii-2026.xlsx").write_bytes(b"lock")
    monkeypatch.setenv(OFFICIAL_DIR_ENV, str(folder))
    code, out, err = run_cli(["scores", "--edition", "2025"], capsys)
    assert code == cli.EXIT_BAD_INPUT and out == ""
    lines = [line for line in err.splitlines() if line.startswith("error: ")]
    assert len(lines) == 2
    assert "official folder file pii-2026.xls: this is the old Excel format (.xls)" in lines[0]
    assert "official folder file pii-2027.xlsx:" in lines[1] and "leads to no file" in lines[1]


@pytest.mark.parametrize("file", ["values.csv", "history.csv", "covariates.csv"])
def test_a_row_repeated_in_a_data_folder_file_is_named_with_its_first_line(tmp_path, capsys, file):
    """Two values for one key: which one a trend or an index would use is not for the program to guess."""
    import pandas as pd

    folder = _demo_copy(tmp_path)
    _edit_csv(folder / file, lambda f: pd.concat([f, f.iloc[[3]].assign(value="1")], ignore_index=True))
    rows = len(pd.read_csv(folder / file))
    code, _, err = run_cli(["scores", "--edition", "2024", "--data", str(folder)], capsys)
    assert code == cli.EXIT_BAD_INPUT
    assert f"{file}, line {rows + 1}: (" in err and "is already in line 5" in err


def _ods(path: Path) -> None:
    import zipfile

    with zipfile.ZipFile(path, "w") as package:
        package.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        package.writestr("content.xml", "<office:document-content/>")


@pytest.mark.parametrize("name, make, said", [
    ("pii-2026.xlsx", lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)),
     "protected with a password (encrypted), or is an old .xls file renamed to .xlsx"),
    ("pii-2026.xlsx", lambda p: p.write_text("\ufeff<html><table><tr><td>1</td></tr></table></html>"),
     "is a web page (HTML) or XML named .xlsx"),
    ("pii-2026.xlsx", lambda p: p.write_text("Kỳ;Tỉnh;Mã chỉ số;Giá trị\n2026;Cần Thơ;1.1.1;5\n"),
     "is text (e.g. CSV) named .xlsx"),
    ("pii-2026.xlsx", _ods, "LibreOffice (OpenDocument, .ods) spreadsheet named .xlsx"),
    ("pii-2026.ods", _ods, "Save As with file type Excel 2007-365 (.xlsx)"),
])
def test_a_file_that_is_not_an_excel_workbook_says_what_it_is(tmp_path, capsys, name, make, said):
    path = tmp_path / name
    make(path)
    before = digest(path)
    code, out, err = run_cli(["validate", str(path)], capsys)
    assert code == cli.EXIT_BAD_INPUT and out == "" and "Traceback" not in err
    [line] = [line for line in err.splitlines() if line.startswith("error: ")]
    assert line.startswith(f"error: {name}: ") and said in line
    assert digest(path) == before


@pytest.mark.parametrize("name, refused", [("pii-2025.xlsx", True), ("pii-2026 (sửa 2027-03).xlsx", False)])
def test_an_official_file_whose_name_and_content_disagree_is_refused(filled, tmp_path, monkeypatch, capsys,
                                                                    name, refused):
    """pii-2025.xlsx holding the 2026 workbook: which edition staff meant is not for the program to guess."""
    import shutil

    from piilib.bundle import OFFICIAL_DIR_ENV

    folder = tmp_path / "official"
    folder.mkdir()
    shutil.copy(filled, folder / name)
    monkeypatch.setenv(OFFICIAL_DIR_ENV, str(folder))
    code, _, err = run_cli(["scores", "--edition", "2026", "--format", "csv"], capsys)
    if refused:
        assert code == cli.EXIT_BAD_INPUT
        assert f"the name {name} says edition 2025 but the file states edition 2026" in err
    else:  # several years in the name: the name says nothing certain
        assert code == 0, err


def test_an_empty_path_to_validate_is_said_to_be_empty(capsys):
    code, _, err = run_cli(["validate", " "], capsys)
    assert code == cli.EXIT_BAD_INPUT and "PATH is empty" in err and "folder" not in err


def test_merged_value_cells_are_named_not_read_as_blank(filled, tmp_path):
    """Excel shows a merged cell's value across the range but stores it in the first cell only."""
    first = T.FIRST_DATA_ROW + 2
    letter = column_letter(T.FIRST_CODE_COLUMN - 1)  # the letter helper takes a 0-based column
    ref = f"{letter}{first}:{letter}{first + 1}"

    def merge(sheet):
        sheet.merge_cells(ref)
        sheet.merge_cells("A1:F1")  # the title: not a value cell

    path = edited(filled, tmp_path / "merged.xlsx", merge)
    [problem] = validate_file(path).problems
    assert problem.kind == P.MERGED_CELLS and (problem.row, problem.column) == (first, T.FIRST_CODE_COLUMN - 1)
    assert f"cells {ref} are merged" in problem.message()


def test_a_folder_of_workbooks_given_as_data_says_how_to_use_them(filled, tmp_path, capsys):
    import shutil

    folder = tmp_path / "so-lieu"
    folder.mkdir()
    shutil.copy(filled, folder / "pii-2026.xlsx")
    code, _, err = run_cli(["scores", "--edition", "2026", "--data", str(folder)], capsys)
    assert code == cli.EXIT_BAD_INPUT
    assert f"give one file as --data (e.g. --data {folder / 'pii-2026.xlsx'})" in err
    assert f"export PII_OFFICIAL_DIR={folder}" in err


def test_a_data_folder_file_with_a_column_named_twice_is_named(tmp_path, capsys):
    folder = _demo_copy(tmp_path)
    lines = (folder / "values.csv").read_text(encoding="utf-8").splitlines()
    (folder / "values.csv").write_text("\n".join([lines[0] + ",value"] + [line + ",0" for line in lines[1:]]) + "\n",
                                       encoding="utf-8")
    code, _, err = run_cli(["scores", "--edition", "2024", "--data", str(folder)], capsys)
    assert code == cli.EXIT_BAD_INPUT and "values.csv: the header row names a column more than once (value)" in err


@pytest.mark.parametrize("argv_of", [
    lambda folder: ["targets", "--edition", "2026", "--province", "Cần Thơ", "--format", "xlsx",
                    "--out", str(folder / "pii-2026.xlsx")],
    lambda folder: ["template", "--edition", "2027", "--out", str(folder / "pii-2026.xlsx"), "--force"],
    lambda folder: ["template", "--edition", "2027", "--out", str(folder / "pii-2027.xlsx")],
    lambda folder: ["index", "--idata", str(Path(__file__).parent / "fixtures" / "coinr-asem" / "iData.csv"),
                    "--imeta", str(Path(__file__).parent / "fixtures" / "coinr-asem" / "iMeta.csv"),
                    "--spec", str(folder.parent / "m.yml"), "--out", str(folder / "index")],
], ids=["targets over an official file", "template --force over one", "a new file there", "index into it"])
def test_no_command_writes_into_the_official_folder(filled, tmp_path, monkeypatch, capsys, argv_of):
    """Every file of the official folder is read as official data (PII_OFFICIAL_DIR may put it
    anywhere): an output there would replace one or be read as one."""
    import shutil

    from piilib.bundle import OFFICIAL_DIR_ENV

    folder = tmp_path / "official"
    folder.mkdir()
    shutil.copy(filled, folder / "pii-2026.xlsx")
    (tmp_path / "m.yml").write_text("steps:\n  - step: normalise\n  - step: aggregate\n")
    monkeypatch.setenv(OFFICIAL_DIR_ENV, str(folder))
    before = {p.name: digest(p) for p in folder.iterdir()}
    code, _, err = run_cli(argv_of(folder), capsys)
    assert code == cli.EXIT_BAD_INPUT and "Traceback" not in err
    assert str(folder) in err and ("inside the official folder" in err or "inside the input folder" in err)
    assert {p.name: digest(p) for p in folder.iterdir()} == before
