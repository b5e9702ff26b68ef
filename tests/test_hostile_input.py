"""The staff's input path under faulty and hostile input: template guards, value checks,
damaged files, resource blow-ups. One test (or parametrised family) per class of fault.

Every file is generated here, in a temporary folder. Expected locations are computed from
how the file is built (the template's layout constants, the grid positions), expected
ranges from the framework (`value_range`), never typed in.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from piilib import cli, schema
from piilib.bundle import DEMO_DIR, data_path_problems, load_bundle
from piilib.framework import indicators
from piilib.index.spec import read_method
from piilib.io import problems as P
from piilib.io import read as io_read
from piilib.io import template as T
from piilib.io import validate_file, write_template
from piilib.io.problems import Problem, capped_messages
from piilib.io.validate import ABSURD_MAGNITUDE, JUMP_FACTOR, implausible_jumps, value_range
from piilib.units import load_units

# These tests assert the English text of the messages (Vietnamese is the default).
pytestmark = pytest.mark.usefixtures("english")

EDITION = 2026
SRC = Path(__file__).resolve().parents[1] / "src"


# --- helpers -------------------------------------------------------------------------------

def run_cli(argv, monkeypatch, capsys, commands=("validate", "template", "scores", "index")):
    monkeypatch.setattr(cli, "COMMAND_MODULES", list(commands))
    code = cli.main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def error_lines(err: str) -> list[str]:
    """The problem lines (without the closing count line) of a CLI's stderr."""
    return [line for line in err.splitlines() if line.startswith("error: ")]


def assert_plain_failure(code: int, err: str, file_name: str) -> None:
    assert code == cli.EXIT_BAD_INPUT
    assert "Traceback" not in err
    lines = error_lines(err)
    assert len(lines) == 1 and file_name in lines[0], err


def bounded_values(edition: int, rng) -> pd.DataFrame:
    """A full province × indicator table inside every indicator's range (index: unit key)."""
    framework = indicators(edition).set_index("code")
    units = load_units(edition)["unit"]
    columns = {}
    for code, row in framework.iterrows():
        lower, upper = value_range(row)
        low, high = max(lower, 0.0), min(upper, 500.0)
        columns[code] = rng.uniform(low, high, size=len(units)).round(2)
    return pd.DataFrame(columns, index=units.to_numpy())


@pytest.fixture(scope="module")
def template_path(tmp_path_factory):
    return write_template(EDITION, tmp_path_factory.mktemp("template") / "mau-2026.xlsx")


def filled_template(template_path: Path, out: Path, table: pd.DataFrame, edits: dict | None = None) -> Path:
    """The template filled with `table`, then `edits` {(unit, code): cell value} on top."""
    workbook = openpyxl.load_workbook(template_path)
    sheet = workbook[T.DATA_SHEET]
    codes = [str(c) for c in indicators(EDITION)["code"]]
    rows = {unit: T.FIRST_DATA_ROW + i for i, unit in enumerate(load_units(EDITION)["unit"])}
    for unit, values in table.iterrows():
        for code, value in values.items():
            sheet.cell(rows[unit], T.FIRST_CODE_COLUMN + codes.index(code), value)
    for (unit, code), value in (edits or {}).items():
        sheet.cell(rows[unit], T.FIRST_CODE_COLUMN + codes.index(code), value)
    workbook.save(out)
    return out


def location(unit: str, code: str) -> tuple[int, int]:
    """(sheet row, 0-based column) of a value cell of the template."""
    row = T.FIRST_DATA_ROW + list(load_units(EDITION)["unit"]).index(unit)
    column = T.FIRST_CODE_COLUMN - 1 + [str(c) for c in indicators(EDITION)["code"]].index(code)
    return row, column


# --- 1. the template guards the entry ------------------------------------------------------

def test_template_validates_value_cells_by_range_and_protects_the_rest(template_path):
    workbook = openpyxl.load_workbook(template_path)
    sheet = workbook[T.DATA_SHEET]
    framework = indicators(EDITION).reset_index(drop=True)
    n_units = len(load_units(EDITION))
    last_row = T.FIRST_DATA_ROW + n_units - 1
    validations = {str(v.sqref): v for v in sheet.data_validations.dataValidation}
    assert len(validations) == len(framework)
    for offset, row in framework.iterrows():
        letter = openpyxl.utils.get_column_letter(T.FIRST_CODE_COLUMN + offset)
        validation = validations[f"{letter}{T.FIRST_DATA_ROW}:{letter}{last_row}"]
        lower, upper = value_range(row)
        assert validation.type == "decimal" and validation.operator == "between"
        assert float(validation.formula1) == (lower if np.isfinite(lower) else -ABSURD_MAGNITUDE)
        assert float(validation.formula2) == (upper if np.isfinite(upper) else ABSURD_MAGNITUDE)
        assert validation.showErrorMessage and validation.allow_blank
    assert sheet.protection.sheet and not sheet.protection.password
    assert workbook[T.INDICATORS_SHEET].protection.sheet
    assert not sheet.cell(T.FIRST_DATA_ROW, T.FIRST_CODE_COLUMN).protection.locked
    assert not sheet.cell(last_row, T.FIRST_CODE_COLUMN + len(framework) - 1).protection.locked
    for locked in [(T.HEADER_ROW, T.FIRST_CODE_COLUMN), (T.NAME_ROW, T.FIRST_CODE_COLUMN),
                   (T.UNIT_ROW, T.FIRST_CODE_COLUMN), (T.FIRST_DATA_ROW, T.PROVINCE_COLUMN),
                   (T.EDITION_ROW, 2)]:
        assert sheet.cell(*locked).protection.locked
    # The data year and the framework in use are on the sheet.
    assert sheet.cell(T.EDITION_ROW, T.DATA_YEAR_LABEL_COLUMN + 1).value == schema.data_year(EDITION)
    framework_text = sheet.cell(T.EDITION_ROW, T.FRAMEWORK_LABEL_COLUMN + 1).value
    assert str(T.framework_edition(EDITION)) in framework_text


# --- 2. values outside the framework's ranges ----------------------------------------------

def _bounded_codes():
    """One indicator for each kind of stated range: a % share, (0–13), (0–10), % of GRDP."""
    framework = indicators(EDITION)
    by_unit = {}
    for _, row in framework.iterrows():
        key = (str(row["unit_en"]), str(row["denominator"]) == "grdp")
        by_unit.setdefault(key, str(row["code"]))
    return framework.set_index("code"), by_unit


def test_values_outside_the_stated_range_are_refused_by_cell(template_path, tmp_path):
    framework, by_unit = _bounded_codes()
    share = by_unit[("%", False)]
    policy = next(c for (u, _), c in by_unit.items() if "(0–13)" in u)
    score = next(c for (u, _), c in by_unit.items() if "(0–10)" in u)
    grdp = by_unit[("%", True)]
    growth = next(c for c, row in framework.iterrows() if value_range(row)[0] == -np.inf)
    table = bounded_values(EDITION, np.random.default_rng(1))
    units = list(table.index)
    wrong = {  # (unit, code) -> value outside its range
        (units[0], share): 150, (units[1], policy): 40, (units[2], score): 50,
        (units[3], grdp): -1, (units[4], grdp): 1e308, (units[5], share): "1e308",
    }
    edits = dict(wrong)
    edits[(units[6], grdp)] = 250.0  # % of GRDP may exceed 100
    edits[(units[7], growth)] = -3.5  # a change may be negative
    path = filled_template(template_path, tmp_path / "sai.xlsx", table, edits)
    result = validate_file(path)
    where = {(p.row, p.column) for p in result.problems if p.kind in (P.OUT_OF_RANGE, P.NEGATIVE)}
    assert where == {location(*key) for key in wrong}
    assert len(result.problems) == len(wrong)
    for lower, upper in [value_range(framework.loc[c]) for c in (share, policy, score)]:
        assert any(f"from {lower:g} to {upper:g}" in p.message() for p in result.problems)


# --- 3. implausible jumps are warnings ------------------------------------------------------

def test_jumps_against_the_previous_edition_are_warnings_not_errors(template_path, tmp_path):
    bundle = load_bundle(None)
    previous = bundle.values_on_map(EDITION - 1, EDITION)[0]
    table = previous.pivot(index=schema.UNIT, columns=schema.INDICATOR, values=schema.VALUE)
    table = table.reindex(index=load_units(EDITION)["unit"], columns=[str(c) for c in indicators(EDITION)["code"]])
    framework = indicators(EDITION).set_index("code")
    unbounded = [c for c in table.columns if value_range(framework.loc[c])[1] == np.inf
                 and value_range(framework.loc[c])[0] == 0]
    code, unit = unbounded[0], table.index[3]
    edits = {(unit, code): float(table.at[unit, code]) * JUMP_FACTOR * 1.5}  # a lost decimal mark
    path = filled_template(template_path, tmp_path / "nhay.xlsx", table, edits)
    result = validate_file(path, previous={EDITION: previous})
    assert result.ok, result.problems
    expected = implausible_jumps(result.frame, previous)
    assert {(w.row, w.column) for w in result.warnings} == {location(u, c) for u, c in
                                                            zip(expected[schema.UNIT], expected[schema.INDICATOR])}
    assert location(unit, code) in {(w.row, w.column) for w in result.warnings}
    assert all(w.kind == P.IMPLAUSIBLE_JUMP for w in result.warnings)
    assert validate_file(path).warnings == []  # nothing to compare with: no warning


def test_jump_rule_spread_and_factor():
    previous = pd.DataFrame({schema.UNIT: list("abcde"), schema.INDICATOR: "x",
                             schema.VALUE: [1.0, 2.0, 3.0, 4.0, 5.0]})
    iqr = 2.0  # of 1..5: 4 - 2
    current = previous.assign(**{schema.VALUE: [1.0 + 3 * iqr + 0.01, 2.0 + 3 * iqr - 0.01, 30.0, 4.0, 0.0]})
    flagged = implausible_jumps(current, previous)
    assert dict(zip(flagged[schema.UNIT], flagged["rule"])) == {"a": "spread", "c": "factor"}


# --- 4. formulas without a value and Excel error values -------------------------------------

def test_formulas_without_value_and_every_excel_error_are_reported_by_cell(template_path, tmp_path):
    table = bounded_values(EDITION, np.random.default_rng(2))
    units, codes = list(table.index), [c for c in table.columns if value_range(
        indicators(EDITION).set_index("code").loc[c])[1] == np.inf]
    errors = ["#N/A", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!"]
    edits = {(units[i], codes[0]): code for i, code in enumerate(errors)}
    edits[(units[len(errors)], codes[1])] = "=SUM(C8:C9)"  # openpyxl saves no result
    edits[(units[len(errors) + 1], codes[1])] = "#N/A"
    path = filled_template(template_path, tmp_path / "loi.xlsx", table, edits)
    result = validate_file(path)
    found = {(p.row, p.column): p for p in result.problems}
    assert set(found) == {location(*key) for key in edits}
    for key, text in edits.items():
        problem = found[location(*key)]
        if text.startswith("="):
            assert problem.kind == P.FORMULA_WITHOUT_VALUE
        else:
            assert problem.kind == P.EXCEL_ERROR and text in problem.message()
    # A CSV exported from Excel writes the error as text: still an error, never a blank.
    csv_path = tmp_path / "loi.csv"
    long = table.stack().reset_index()
    long.columns = ["province", "indicator", "value"]
    long = long.astype({"value": object})
    long.loc[4, "value"] = "#N/A"
    long.assign(edition=EDITION).to_csv(csv_path, index=False)
    kinds = [p.kind for p in validate_file(csv_path).problems]
    assert kinds.count(P.EXCEL_ERROR) == 1


# --- 5. a lone ambiguous number -------------------------------------------------------------

def test_a_lone_ambiguous_number_is_reported_not_read_as_thousands(template_path, tmp_path):
    table = bounded_values(EDITION, np.random.default_rng(3))
    unit, code = table.index[2], next(c for c in table.columns if value_range(
        indicators(EDITION).set_index("code").loc[c])[1] == np.inf)
    path = filled_template(template_path, tmp_path / "mo-ho.xlsx", table, {(unit, code): "1.234"})
    problems = validate_file(path).problems
    assert [(p.kind, p.row, p.column) for p in problems] == [(P.AMBIGUOUS_NUMBER, *location(unit, code))]
    # The same token in a file that proves its convention elsewhere ("12,5") follows it.
    other = table.index[5]
    path = filled_template(template_path, tmp_path / "ro.xlsx", table, {(unit, code): "1.234", (other, code): "12,5"})
    frame = validate_file(path).frame.set_index([schema.UNIT, schema.INDICATOR])[schema.VALUE]
    assert frame[(unit, code)] == 1234.0 and frame[(other, code)] == 12.5


# --- 6. damaged and hostile workbooks --------------------------------------------------------

def _good_workbook(path: Path) -> Path:
    workbook = openpyxl.Workbook()
    workbook.active.append(["edition", "province", "indicator", "value"])
    workbook.active.append([2025, "Cần Thơ", "1.1.1", "văn bản"])  # a shared string
    workbook.save(path)
    return path


def _rewrite_member(path: Path, member: str, data: bytes) -> None:
    with zipfile.ZipFile(path) as source:
        items = [(info, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, content in items:
            target.writestr(info.filename, data if info.filename == member else content)


def damaged_compressed_stream(path):
    _good_workbook(path)
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    raw = bytearray(path.read_bytes())
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    for offset in range(start + 2, start + info.compress_size - 2):
        raw[offset] ^= 0x5A  # garbage inside the deflate stream
    path.write_bytes(bytes(raw))


def truncated_zip(path):
    _good_workbook(path)
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def malformed_xml(path):
    _good_workbook(path)
    _rewrite_member(path, "xl/worksheets/sheet1.xml", b"<worksheet><sheetData><row r='1'><c r='A1'")


def entity_bomb(path):
    """A "billion laughs" sheet: 10 levels of entities, each ten of the one below (10^10 × 30 bytes)."""
    _good_workbook(path)
    entities = ['<!ENTITY e0 "lollollollollollollollollollol">'] + [
        f'<!ENTITY e{i} "{("&e" + str(i - 1) + ";") * 10}">' for i in range(1, 10)]
    bomb = ('<?xml version="1.0"?><!DOCTYPE worksheet [' + "".join(entities) + ']>'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            '<row r="1"><c r="A1" t="inlineStr"><is><t>&e9;</t></is></c></row></sheetData></worksheet>')
    _rewrite_member(path, "xl/worksheets/sheet1.xml", bomb.encode())


@pytest.mark.parametrize("damage", [damaged_compressed_stream, truncated_zip, malformed_xml, entity_bomb],
                         ids=lambda f: f.__name__)
def test_damaged_workbooks_give_one_plain_line(damage, tmp_path, monkeypatch, capsys):
    path = tmp_path / "hong.xlsx"
    damage(path)
    problems = validate_file(path).problems
    assert [p.kind for p in problems] == [P.CORRUPT_WORKBOOK]
    if damage is entity_bomb:
        assert openpyxl.DEFUSEDXML  # openpyxl parses with defusedxml: entities are never expanded
        assert "entity" in problems[0].what
    code, _, err = run_cli(["validate", str(path)], monkeypatch, capsys)
    assert_plain_failure(code, err, "hong.xlsx")


def test_a_file_in_an_unreadable_folder(tmp_path, monkeypatch, capsys):
    path = _good_workbook(tmp_path / "so-lieu.xlsx")
    csv_path = tmp_path / "so-lieu.csv"
    csv_path.write_text("edition,province,indicator,value\n2025,Cần Thơ,1.1.1,3\n", encoding="utf-8")

    def refused(*args, **kwargs):
        raise PermissionError(13, "Permission denied", str(path))

    # As root chmod does not bite: the system's refusal is simulated where the file is opened.
    monkeypatch.setattr(io_read.openpyxl, "load_workbook", refused)
    monkeypatch.setattr(Path, "read_bytes", refused)
    for target in (path, csv_path):
        problems = validate_file(target).problems
        assert [p.kind for p in problems] == [P.UNREADABLE] and "may not read" in problems[0].what
        code, _, err = run_cli(["validate", str(target)], monkeypatch, capsys)
        assert_plain_failure(code, err, target.name)
    monkeypatch.undo()
    monkeypatch.setenv("PII_LANG", "en")  # undo() dropped the module's LANG=en as well
    monkeypatch.setattr(os, "access", lambda *args, **kwargs: False)
    problems = data_path_problems(DEMO_DIR)
    assert len(problems) == 1 and "no permission" in problems[0]


# --- 7. method.yml in Latin-1, and a YAML alias bomb ----------------------------------------

def test_method_file_in_latin1_or_with_an_alias_bomb(tmp_path):
    latin = tmp_path / "method.yml"
    latin.write_bytes("name: phương pháp\nsteps:\n  - step: treat\n".encode("utf-8")[:0]
                      + b"# m\xe9thode\nsteps:\n  - step: treat\n")
    steps, problems = read_method(latin)
    assert steps == [] and len(problems) == 1 and "line 1" in problems[0] and "UTF-8" in problems[0]

    layers = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x"]'] + [
        f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    bomb = tmp_path / "bomb.yml"
    bomb.write_text("\n".join(layers) + "\nsteps: *a9\n", encoding="utf-8")
    assert bomb.stat().st_size < 1200
    steps, problems = read_method(bomb)
    assert steps == [] and len(problems) == 1 and "aliases" in problems[0] and "\n" not in problems[0]


# --- 8. --data folders with unusable CSV files ---------------------------------------------

def _data_folder(tmp_path: Path, name: str) -> Path:
    folder = tmp_path / name
    folder.mkdir()
    for file in DEMO_DIR.glob("*.csv"):
        (folder / file.name).write_bytes(file.read_bytes())
    return folder


@pytest.mark.parametrize("fault", ["empty", "latin1", "text_value"])
def test_data_folder_with_an_unusable_csv(fault, tmp_path, monkeypatch, capsys):
    folder = _data_folder(tmp_path, fault)
    values = folder / "values.csv"
    if fault == "empty":
        values.write_bytes(b"")
    elif fault == "latin1":
        (folder / "covariates.csv").write_bytes("year,unit,covariate,value\n2023,cà-mau,x,1\n".encode("latin-1"))
    else:
        frame = pd.read_csv(values, dtype=str)
        frame.loc[7, schema.VALUE] = "12,5 tỷ"
        frame.to_csv(values, index=False)
    problems = data_path_problems(folder)
    assert len(problems) == 1
    named = "covariates.csv" if fault == "latin1" else "values.csv"
    assert named in problems[0]
    if fault == "text_value":
        assert "line 9" in problems[0] and "12,5 tỷ" in problems[0]  # header is line 1, row 7 is line 9
    with pytest.raises(ValueError):
        load_bundle(folder)
    code, _, err = run_cli(["scores", "--edition", "2025", "--data", str(folder)], monkeypatch, capsys)
    assert_plain_failure(code, err, named)


# --- 9. ASCII locale and Ctrl+C ------------------------------------------------------------

def test_ascii_locale_prints_vietnamese(tmp_path):
    path = tmp_path / "sai.csv"
    path.write_text("edition,province,indicator,value\n2025,Cần Thơ,1.1.2,50\n", encoding="utf-8")
    env = dict(os.environ, LC_ALL="C", LANG="C", PYTHONUTF8="0", PYTHONPATH=str(SRC))
    env.pop("PYTHONIOENCODING", None)
    done = subprocess.run([sys.executable, "-m", "piilib.cli", "validate", str(path)], env=env,
                          capture_output=True, timeout=120)
    err = done.stderr.decode("utf-8")
    assert done.returncode == cli.EXIT_BAD_INPUT and "Traceback" not in err
    unit = indicators(2025).set_index("code").at["1.1.2", "unit_vi"]
    assert unit in err  # the Vietnamese unit text arrives as UTF-8


def test_ctrl_c_exits_130_with_one_line(tmp_path, monkeypatch, capsys):
    import piilib.io.validate as validate_module

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(validate_module, "validate_file", interrupted)
    code, out, err = run_cli(["validate", str(tmp_path / "x.csv")], monkeypatch, capsys)
    assert code == cli.EXIT_INTERRUPTED == 130
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


# --- 10. resource blow-up: a stray cell at the bottom, 100,000 bad rows --------------------

def test_a_stray_cell_in_the_last_row_is_named_and_costs_one_row(template_path, tmp_path, monkeypatch, capsys):
    table = bounded_values(EDITION, np.random.default_rng(4))
    path = filled_template(template_path, tmp_path / "la.xlsx", table, {})
    workbook = openpyxl.load_workbook(path)
    workbook[T.DATA_SHEET]["A1048576"] = "."
    workbook.save(path)
    sheets = io_read._load_sheets(path)
    data = next(s for s in sheets if s.name == T.DATA_SHEET)
    stored = len(data.rows)
    assert stored == T.FIRST_DATA_ROW - 1 - 1 + len(table) + 1  # rows 1-3, 5-7, provinces, the stray row
    problems = validate_file(path).problems
    assert [(p.kind, p.row, p.column) for p in problems] == [(P.STRAY_CELL, 1048576, 0)]
    code, _, err = run_cli(["validate", str(path)], monkeypatch, capsys)
    assert_plain_failure(code, err, "la.xlsx")
    assert "row 1048576, column A" in err


def test_many_bad_rows_give_a_capped_list_with_a_count(tmp_path, monkeypatch, capsys):
    n_bad = 100_000
    units = load_units(2025)["name_vi"].tolist()
    path = tmp_path / "nhieu.csv"
    lines = ["edition,province,indicator,value"]
    lines += [f"2025,{units[i % len(units)]},1.1.1,abc{i}" for i in range(n_bad)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    problems = validate_file(path).problems
    bad = [p for p in problems if p.kind == P.NOT_A_NUMBER]
    assert len(bad) == n_bad
    messages = capped_messages(problems)
    assert len(messages) < 2 * len({p.kind for p in problems}) * P.SHOWN_PER_KIND
    more = [m for m in messages if "more problems of the same kind (not-a-number)" in m]
    assert len(more) == 1 and f"{n_bad - P.SHOWN_PER_KIND:,} more" in more[0]
    assert f"rows {bad[P.SHOWN_PER_KIND].row:,}–{bad[-1].row:,}" in more[0]
    code, _, err = run_cli(["validate", str(path)], monkeypatch, capsys)
    assert code == cli.EXIT_BAD_INPUT and len(err.splitlines()) == len(messages) + 1


def test_capped_messages_keep_every_kind_and_order():
    problems = [Problem("a", "f.csv", "bad", "good", row=i, column=2) for i in range(1, 14)]
    problems.insert(3, Problem("b", "f.csv", "other", "good", row=99, column=0))
    lines = capped_messages(problems, shown_per_kind=2)
    assert len(lines) == 4
    assert "row 1," in lines[0] and "row 2," in lines[1]
    assert "… and 11 more problems of the same kind (a) in column C, rows 3–13" in lines[2]
    assert "row 99" in lines[3]
