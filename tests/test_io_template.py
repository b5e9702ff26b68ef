"""The entry workbook: its content, and the round trip template -> filled in -> read_values."""

from __future__ import annotations

import hashlib

import numpy as np
import openpyxl
import pandas as pd
import pytest

from piilib import cli, schema
from piilib.analysis.bounds import unit_bounds
from piilib.framework import indicators
from piilib.io import read_values, validate_file, write_template
from piilib.io import problems as P
from piilib.units import load_units

DATA_SHEET, INDICATORS_SHEET, SOURCES_SHEET = "Số liệu", "Chỉ số", "Nguồn"


def run_cli(argv, monkeypatch, capsys):
    monkeypatch.setattr(cli, "COMMAND_MODULES", ["validate", "template"])
    code = cli.main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def find_row(sheet, column: int, predicate) -> int:
    for row in range(1, sheet.max_row + 1):
        if predicate(sheet.cell(row, column).value):
            return row
    raise AssertionError("row not found")


@pytest.fixture(scope="module")
def template_2024(tmp_path_factory):
    return write_template(2024, tmp_path_factory.mktemp("template") / "pii-2024.xlsx")


def test_sheets_list_every_province_and_indicator_with_names_units_and_definitions(template_2024):
    workbook = openpyxl.load_workbook(template_2024)
    assert workbook.sheetnames == [DATA_SHEET, INDICATORS_SHEET, SOURCES_SHEET]
    framework = indicators(2024)
    units = load_units(2024)

    data = workbook[DATA_SHEET]
    header = find_row(data, 2, lambda v: v == "Tỉnh, thành phố")
    codes = [data.cell(header, c).value for c in range(3, 3 + len(framework))]
    assert codes == framework["code"].tolist()
    names = [data.cell(header - 2, c).value for c in range(3, 3 + len(framework))]
    unit_labels = [data.cell(header - 1, c).value for c in range(3, 3 + len(framework))]
    assert names == framework["name_vi"].tolist()
    assert unit_labels == framework["unit_vi"].tolist()
    provinces = [data.cell(r, 2).value for r in range(header + 1, header + 1 + len(units))]
    assert provinces == units["name_vi"].tolist()
    assert data.cell(header + len(units) + 1, 2).value is None
    assert data.freeze_panes == f"C{header + 1}"  # codes and province names stay in view
    definition = framework.set_index("code").at["6.2.4", "definition_vi"]
    assert definition in data.cell(header, 3 + codes.index("6.2.4")).comment.text
    assert data.column_dimensions["B"].width >= 20

    listing = workbook[INDICATORS_SHEET]
    rows = list(listing.iter_rows(min_row=2, values_only=True))
    assert [row[0] for row in rows] == framework["code"].tolist()
    inverse = {row[0] for row in rows if row[6].startswith("Nghịch")}
    assert inverse == set(framework.loc[framework["direction"] < 0, "code"])
    assert "4.1.2" in inverse  # footnote 9 of plan 88
    assert [row[8] or "" for row in rows] == framework["definition_vi"].fillna("").tolist()

    sources = workbook[SOURCES_SHEET]
    assert [row[0] for row in sources.iter_rows(min_row=2, values_only=True)] == framework["code"].tolist()


@pytest.mark.parametrize("edition", [2024, 2025])
def test_filled_template_imports_without_edits(edition, tmp_path):
    template = write_template(edition, tmp_path / "template.xlsx")
    workbook = openpyxl.load_workbook(template)
    sheet = workbook[DATA_SHEET]
    header = find_row(sheet, 2, lambda v: v == "Tỉnh, thành phố")
    codes = indicators(edition)["code"].tolist()
    units = load_units(edition)
    rng = np.random.default_rng(7)
    framework = indicators(edition).set_index("code")
    bounds = [unit_bounds(framework.at[c, "unit_en"], framework.at[c, "denominator"]) for c in codes]
    lows, highs = np.array([max(b[0], -50) for b in bounds]), np.array([min(b[1], 2000) for b in bounds])
    values = (lows + rng.uniform(0, 1, size=(len(units), len(codes))) * (highs - lows)).round(2)
    for i in range(len(units)):
        for j in range(len(codes)):
            # Staff type numbers, or paste Vietnamese-formatted text: both must import.
            typed = values[i, j] if (i + j) % 3 else f"{values[i, j]:.2f}".replace(".", ",")
            sheet.cell(header + 1 + i, 3 + j, typed)
    filled = tmp_path / "filled.xlsx"
    workbook.save(filled)

    frame = read_values(filled)  # no --edition: the workbook states it
    expected = pd.DataFrame(values, index=units["unit"], columns=codes).stack().rename(schema.VALUE).reset_index()
    expected.columns = [schema.UNIT, schema.INDICATOR, schema.VALUE]
    got = frame.set_index([schema.UNIT, schema.INDICATOR])[schema.VALUE]
    want = expected.set_index([schema.UNIT, schema.INDICATOR])[schema.VALUE]
    assert len(frame) == len(units) * len(codes)
    pd.testing.assert_series_equal(got.sort_index(), want.sort_index(), check_names=False)
    assert set(frame[schema.EDITION]) == {edition}
    assert set(frame[schema.PROVENANCE]) == {schema.OFFICIAL}
    assert set(frame[schema.SOURCE]) == {"filled.xlsx"}


def test_unfilled_template_is_reported_as_having_no_values(template_2024):
    problems = validate_file(template_2024).problems
    assert [p.kind for p in problems] == [P.EMPTY]


def test_template_command_writes_and_refuses_to_overwrite(tmp_path, monkeypatch, capsys, vietnamese):
    out = tmp_path / "nhap-lieu.xlsx"
    code, stdout, _ = run_cli(["template", "--edition", "2025", "--out", str(out)], monkeypatch, capsys)
    assert code == 0 and out.exists() and str(out) in stdout
    digest = hashlib.sha256(out.read_bytes()).hexdigest()

    code, _, err = run_cli(["template", "--edition", "2025", "--out", str(out)], monkeypatch, capsys)
    assert code == cli.EXIT_BAD_INPUT and f"lỗi: {out} đã có và có thể chứa số liệu đã nhập; hãy chọn tên khác" in err
    assert hashlib.sha256(out.read_bytes()).hexdigest() == digest  # entered data are never lost

    code, _, _ = run_cli(["template", "--edition", "2024", "--out", str(out), "--force"], monkeypatch, capsys)
    assert code == 0
    sheet = openpyxl.load_workbook(out)[DATA_SHEET]
    header = find_row(sheet, 2, lambda v: v == "Tỉnh, thành phố")
    assert sheet.max_row - header == len(load_units(2024))  # now the 63-province edition


@pytest.mark.parametrize(
    ("argv", "phrase"),
    [
        (["template", "--edition", "2019", "--out", "x.xlsx"],
         "--edition 2019: outside the editions the program can serve; expected an edition from 2023"),
        (["template", "--edition", "2024", "--out", "x.csv"], "must be saved as an .xlsx file"),
    ],
)
def test_template_command_bad_input(argv, phrase, tmp_path, monkeypatch, capsys, english):
    monkeypatch.chdir(tmp_path)
    code, _, err = run_cli(argv, monkeypatch, capsys)
    assert code == cli.EXIT_BAD_INPUT and phrase in err
    assert not any(tmp_path.iterdir())


def test_commands_are_registered_in_the_dispatcher():
    assert {"validate", "template"} <= set(cli.COMMAND_MODULES)
