"""Importing official indicator files: good layouts, and a corpus of malformed files.

Every file is generated at run time in a temporary folder (nothing is stored in the repo).
Expected values and locations are computed from how each file is built, independently of
the importer: the sheet row of a grid line is its 0-based position + 1, its column letter
is the Excel letter of its position.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from piilib import cli, schema
from piilib.framework import indicators
from piilib.io import OfficialFileError, read_values, validate_file
from piilib.io import problems as P
from piilib.analysis.bounds import unit_bounds
from piilib.io.validate import cannot_be_negative
from piilib.units import load_units

# These tests assert the English text of the messages (Vietnamese is the default).
pytestmark = pytest.mark.usefixtures("english")

EDITION = 2024
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def letter(index: int) -> str:
    return LETTERS[index] if index < 26 else LETTERS[index // 26 - 1] + LETTERS[index % 26]


# --- building files ------------------------------------------------------------------------

def codes_of(edition: int) -> list[str]:
    return indicators(edition)["code"].tolist()


def units_of(edition: int) -> pd.DataFrame:
    return load_units(edition)[["unit", "name_vi", "name_en"]].reset_index(drop=True)


def true_values(edition: int) -> pd.DataFrame:
    """A full province × indicator table of positive values with 3 decimals (index: unit key),
    inside each indicator's range (bounded units: within the bounds; others: up to 5000)."""
    units, codes = units_of(edition), codes_of(edition)
    rng = np.random.default_rng(edition)
    framework = indicators(edition).set_index("code")
    columns = {}
    for code in codes:
        lower, upper = unit_bounds(framework.at[code, "unit_en"], framework.at[code, "denominator"])
        high = upper if np.isfinite(upper) else 5000.0
        columns[code] = rng.uniform(max(lower, 0.0), high, size=len(units)).round(3)
    return pd.DataFrame(columns, index=units["unit"])


def expected_frame(table: pd.DataFrame, edition: int, source: str) -> pd.DataFrame:
    long = table.stack().dropna().rename(schema.VALUE).reset_index()
    long.columns = [schema.UNIT, schema.INDICATOR, schema.VALUE]
    long[schema.EDITION] = edition
    long[schema.PROVENANCE] = schema.OFFICIAL
    long[schema.SOURCE] = source
    return _sorted(long[schema.LONG_COLUMNS])


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.astype({schema.UNIT: str, schema.INDICATOR: str, schema.PROVENANCE: str, schema.SOURCE: str})
    return frame.sort_values([schema.EDITION, schema.UNIT, schema.INDICATOR]).reset_index(drop=True)


def vn_text(value: float) -> str:
    """Vietnamese formatting: dot between thousands, comma before decimals (1.234,567)."""
    english = f"{value:,.3f}"
    return english.replace(",", "_").replace(".", ",").replace("_", ".")


def wide_grid(table: pd.DataFrame, edition: int, names: dict[str, str] | None = None,
              title: bool = True, cell=lambda v: v, province_header="Tỉnh/Thành phố") -> list[list]:
    """A ministry-style sheet: title rows, a header with codes, one row per province."""
    names = names or dict(zip(units_of(edition)["unit"], units_of(edition)["name_vi"]))
    grid = []
    if title:
        grid += [
            [f"BẢNG SỐ LIỆU CHỈ SỐ ĐỔI MỚI SÁNG TẠO CẤP ĐỊA PHƯƠNG (PII) {edition}"],
            ["Đơn vị: theo từng chỉ số", None, None],
            [],
        ]
    grid.append(["STT", province_header] + list(table.columns))
    for number, (unit, row) in enumerate(table.iterrows(), start=1):
        grid.append([number, names[unit]] + [None if pd.isna(v) else cell(v) for v in row])
    return grid


def long_grid(table: pd.DataFrame, edition: int, header=("edition", "province", "indicator", "value"),
              names: dict[str, str] | None = None, cell=lambda v: v) -> list[list]:
    names = names or dict(zip(units_of(edition)["unit"], units_of(edition)["name_vi"]))
    grid = [list(header)]
    for unit, row in table.iterrows():
        for code, value in row.items():
            grid.append([edition, names[unit], code, cell(value)])
    return grid


def write_xlsx(path: Path, grid: list[list], sheet: str = "Dữ liệu", formats: dict | None = None) -> Path:
    workbook = openpyxl.Workbook()
    worksheet = workbook.active
    worksheet.title = sheet
    for row in grid:
        worksheet.append(row)
    for (row, column), number_format in (formats or {}).items():
        worksheet.cell(row, column).number_format = number_format
    workbook.save(path)
    return path


def write_csv(path: Path, grid: list[list], delimiter: str = ",") -> Path:
    width = max((len(row) for row in grid), default=0)
    frame = pd.DataFrame([list(row) + [None] * (width - len(row)) for row in grid])
    frame.to_csv(path, sep=delimiter, header=False, index=False)
    return path


def grid_position(grid: list[list], predicate) -> tuple[int, int]:
    """1-based row and 0-based column of the first cell satisfying `predicate`."""
    for r, row in enumerate(grid):
        for c, value in enumerate(row):
            if predicate(value):
                return r + 1, c
    raise AssertionError("cell not in grid")


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run_cli(argv, monkeypatch, capsys):
    # Only this part's commands: the test does not depend on other commands being importable.
    monkeypatch.setattr(cli, "COMMAND_MODULES", ["validate", "template"])
    code = cli.main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# --- good files ----------------------------------------------------------------------------

def test_long_csv_with_english_headers(tmp_path):
    table = true_values(EDITION)
    path = write_csv(tmp_path / "long.csv", long_grid(table, EDITION))
    frame = read_values(path)
    assert list(frame.columns) == schema.LONG_COLUMNS
    pd.testing.assert_frame_equal(_sorted(frame), expected_frame(table, EDITION, "long.csv"), check_dtype=False)
    assert frame[schema.EDITION].dtype == "int64"


def test_long_csv_with_vietnamese_headers_numbers_and_name_spellings(tmp_path):
    table = true_values(EDITION)
    units = units_of(EDITION)
    names = dict(zip(units["unit"], units["name_en"]))  # English spellings everywhere …
    names["can-tho"] = "TP. Cần Thơ"  # … and the usual Vietnamese variants for a few
    names["ho-chi-minh"] = "Thành phố Hồ Chí Minh"
    names["an-giang"] = "tỉnh an giang"
    grid = long_grid(table, EDITION, header=("Năm", "Tỉnh, thành phố", "Mã chỉ số", "Giá trị"),
                     names=names, cell=vn_text)
    name_624 = indicators(EDITION).set_index("code").at["6.2.4", "name_vi"]
    for row in grid:
        if row[2] == "6.2.4" and row[1] == "TP. Cần Thơ":
            row[2] = name_624  # the indicator's Vietnamese name instead of its code
    path = write_csv(tmp_path / "so-lieu.csv", grid, delimiter=";")
    frame = read_values(path)
    pd.testing.assert_frame_equal(_sorted(frame), expected_frame(table, EDITION, "so-lieu.csv"), check_dtype=False)


def test_wide_workbook_with_title_rows_percent_cells_and_a_national_row(tmp_path):
    table = true_values(EDITION)
    grid = wide_grid(table, EDITION)
    grid.append([None, "Cả nước"] + [1.0] * len(table.columns))  # a summary row, not a province
    grid.append([None, "Ghi chú: số liệu do các sở, ngành cung cấp."])  # a note under the table
    # A percentage cell holds 0.125 and shows 12,5 %: the user's value is 12.5.
    share = table.columns.get_loc("2.1.3")  # a share in % (0–100)
    row, column = grid_position(grid, lambda v: v == table.iloc[4, share])
    grid[row - 1][column] = 0.125
    table.iloc[4, share] = 12.5
    # A format that only prints a % sign after the number does not scale it.
    literal_row, literal_column = grid_position(grid, lambda v: v == table.iloc[5, 3])
    formats = {(row, column + 1): "0.0%", (literal_row, literal_column + 1): '0.00"%"'}
    path = write_xlsx(tmp_path / "bo-khcn.xlsx", grid, formats=formats)
    frame = read_values(path)  # the edition comes from the title "… (PII) 2024"
    pd.testing.assert_frame_equal(_sorted(frame), expected_frame(table, EDITION, "bo-khcn.xlsx"), check_dtype=False)


def test_wide_csv_with_vietnamese_number_text_blank_cells_and_negative_growth(tmp_path):
    table = true_values(EDITION)
    table.iloc[0, 0] = np.nan  # blank cells are missing data, not errors
    table.iloc[5, 7] = np.nan
    growth = "7.1.4"  # labour-productivity growth can be negative
    table.loc["can-tho", growth] = -1.25
    grid = wide_grid(table, EDITION, title=False, cell=vn_text, province_header="Địa phương")
    path = write_csv(tmp_path / "wide.csv", grid)
    frame = read_values(path, edition=EDITION)  # no title: the edition is given
    pd.testing.assert_frame_equal(_sorted(frame), expected_frame(table, EDITION, "wide.csv"), check_dtype=False)
    assert len(frame) == table.size - 2
    summary = validate_file(path, edition=EDITION).summary()
    assert summary.startswith(f"OK: {len(table)} provinces × {len(table.columns)} indicators, edition {EDITION} (2 blank")


def test_edition_2025_on_34_provinces(tmp_path):
    table = true_values(2025)
    assert len(table) == 34
    path = write_xlsx(tmp_path / "pii2025.xlsx", wide_grid(table, 2025))
    frame = read_values(path)
    assert set(frame[schema.EDITION]) == {2025}
    pd.testing.assert_frame_equal(_sorted(frame), expected_frame(table, 2025, "pii2025.xlsx"), check_dtype=False)


def test_validate_good_file_prints_one_line_summary_and_exits_0(tmp_path, monkeypatch, capsys):
    path = write_csv(tmp_path / "good.csv", long_grid(true_values(EDITION), EDITION))
    before = sha256(path)
    code, out, err = run_cli(["validate", str(path)], monkeypatch, capsys)
    assert code == 0, err
    n_units, n_codes = len(units_of(EDITION)), len(codes_of(EDITION))
    # Random values jump against the bundled 2023 values: warnings may come first, the summary last.
    summary = out.strip().splitlines()[-1]
    assert summary.startswith("OK") and summary.endswith(
        f": {n_units} provinces × {n_codes} indicators, edition {EDITION}, file good.csv")
    assert sha256(path) == before


# --- the malformed corpus ------------------------------------------------------------------
# Each case builds a file and returns (path, argv extras, expected kinds, phrases in the output).

def case_unknown_province(tmp_path):
    table = true_values(EDITION)
    units = units_of(EDITION)
    names = dict(zip(units["unit"], units["name_vi"]))
    names["can-tho"] = "Cần Thơơ"
    grid = wide_grid(table, EDITION, names=names)
    row, column = grid_position(grid, lambda v: v == "Cần Thơơ")
    path = write_xlsx(tmp_path / "unknown-province.xlsx", grid)
    return path, [], {P.UNKNOWN_PROVINCE, P.MISSING_PROVINCE}, [
        f'unknown-province.xlsx, sheet "Dữ liệu", row {row}, column {letter(column)}',
        'Found "Cần Thơơ"', "Closest matches: Cần Thơ",
        "1 of the 63 provinces of edition 2024 has no value: Cần Thơ",
    ]


def case_unknown_indicator(tmp_path):
    table = true_values(EDITION).rename(columns={"6.2.4": "6.2.9"})
    grid = wide_grid(table, EDITION)
    row, column = grid_position(grid, lambda v: v == "6.2.9")
    path = write_xlsx(tmp_path / "unknown-indicator.xlsx", grid)
    return path, [], {P.UNKNOWN_INDICATOR, P.MISSING_INDICATOR}, [
        f"row {row}, column {letter(column)}", 'Found "6.2.9"', "unknown indicator for edition 2024",
        "closest: 6.2.", "has no value: 6.2.4",
    ]


def case_duplicate_rows(tmp_path):
    grid = long_grid(true_values(EDITION), EDITION)
    first = next(i for i, row in enumerate(grid) if row[1] == "Cần Thơ" and row[2] == "1.2.1")
    copy = list(grid[first])
    copy[1] = "Can Tho"  # another spelling of the same province is still a duplicate
    grid.append(copy)
    path = write_csv(tmp_path / "duplicate.csv", grid)
    return path, [], {P.DUPLICATE}, [
        f"row {len(grid)}, column B (\"province\")", 'Found "Can Tho"',
        f"Cần Thơ already has a value for indicator 1.2.1 in row {first + 1}",
    ]


def case_non_numeric_value(tmp_path):
    grid = long_grid(true_values(EDITION), EDITION, cell=vn_text)
    grid[10][3] = "không rõ"
    grid[20][3] = "12,5 tỷ"
    path = write_csv(tmp_path / "text-values.csv", grid)
    return path, [], {P.NOT_A_NUMBER}, [
        'row 11, column D ("value"): the value is text that is not a number. Found "không rõ"',
        'row 21, column D ("value")', 'Found "12,5 tỷ"', "Expected a finite number, e.g. 12,5",
    ]


def case_infinite_value(tmp_path):
    grid = long_grid(true_values(EDITION), EDITION)
    grid[3][3] = "inf"
    path = write_csv(tmp_path / "infinite.csv", grid)
    return path, [], {P.INFINITE}, ['row 4, column D ("value"): the value is infinite. Found "inf"']


def case_province_missing(tmp_path):
    table = true_values(EDITION).drop(index=["ha-giang", "bac-lieu"])
    path = write_xlsx(tmp_path / "missing.xlsx", wide_grid(table, EDITION))
    return path, [], {P.MISSING_PROVINCE}, ["2 of the 63 provinces of edition 2024 have no value: Hà Giang, Bạc Liêu"]


def case_negative_count(tmp_path):
    table = true_values(EDITION)
    table.loc["can-tho", "6.2.4"] = -3.0  # applications per commune: a count
    grid = wide_grid(table, EDITION)
    row, _ = grid_position(grid, lambda v: v == "Cần Thơ")
    column = grid[3].index("6.2.4")
    path = write_xlsx(tmp_path / "negative.xlsx", grid)
    return path, [], {P.NEGATIVE}, [
        f'row {row}, column {letter(column)} ("6.2.4"): indicator 6.2.4 (unit: đơn/xã) cannot be below zero',
        'Found "-3"',
    ]


def case_former_province_after_merger(tmp_path):
    table = true_values(2025)
    units = units_of(2025)
    names = dict(zip(units["unit"], units["name_vi"]))
    names["can-tho"] = "Sóc Trăng"
    grid = wide_grid(table, 2025, names=names)
    row, column = grid_position(grid, lambda v: v == "Sóc Trăng")
    path = write_xlsx(tmp_path / "former.xlsx", grid)
    return path, [], {P.FORMER_PROVINCE, P.MISSING_PROVINCE}, [
        f"row {row}, column {letter(column)}", "no longer exists in edition 2025", "merged into Cần Thơ",
    ]


def case_values_without_province_name(tmp_path):
    grid = wide_grid(true_values(EDITION), EDITION)
    grid[10][1] = None
    erased = true_values(EDITION).index[10 - 4]  # grid line 10 is the 7th province (4 title/header lines)
    name = units_of(EDITION).set_index("unit").at[erased, "name_vi"]
    path = write_xlsx(tmp_path / "no-name.xlsx", grid)
    return path, [], {P.NO_PROVINCE_NAME, P.MISSING_PROVINCE}, [
        'row 11, column B ("Tỉnh/Thành phố"): this row has values but no province name', f"has no value: {name}",
    ]


def case_empty_csv(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    return path, [], {P.EMPTY}, ["empty.csv: the file is empty"]


def case_empty_workbook(tmp_path):
    path = write_xlsx(tmp_path / "empty.xlsx", [])
    return path, [], {P.EMPTY}, ["empty.xlsx: the file is empty"]


def case_header_without_values(tmp_path):
    path = write_csv(tmp_path / "header-only.csv", [["edition", "province", "indicator", "value"]])
    return path, [], {P.EMPTY}, ["header row but no values"]


def case_binary_file_named_csv(tmp_path):
    path = tmp_path / "photo.csv"
    path.write_bytes(bytes(range(256)) * 4)
    return path, [], {P.UNREADABLE}, ["photo.csv: the file is not text"]


def case_old_excel_format(tmp_path):
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    return path, [], {P.UNREADABLE}, ["old.xls: this is the old Excel format (.xls)", "Save As"]


def case_unknown_file_type(tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(b"%PDF-1.4")
    return path, [], {P.UNREADABLE}, ['files of type ".pdf" cannot be read', "a .csv or .xlsx file"]


def case_truncated_workbook(tmp_path):
    good = write_xlsx(tmp_path / "good.xlsx", wide_grid(true_values(EDITION), EDITION))
    path = tmp_path / "truncated.xlsx"
    path.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    return path, [], {P.CORRUPT_WORKBOOK}, ["truncated.xlsx: the workbook is damaged"]


def case_csv_renamed_xlsx(tmp_path):
    path = tmp_path / "renamed.xlsx"
    write_csv(path, long_grid(true_values(EDITION), EDITION))
    return path, [], {P.CORRUPT_WORKBOOK}, ['renamed.xlsx: the file is text (e.g. CSV) named .xlsx, not an Excel '
                                            'workbook', "the file renamed to .csv"]


def case_no_header_row(tmp_path):
    grid = [["Báo cáo"], ["Cần Thơ", 1, 2], ["An Giang", 3, 4]]
    path = write_csv(tmp_path / "no-header.csv", grid)
    return path, [], {P.NO_HEADER}, ["no header row was found", "mã chỉ số"]


def case_edition_not_stated(tmp_path):
    path = write_xlsx(tmp_path / "no-edition.xlsx", wide_grid(true_values(EDITION), EDITION, title=False))
    return path, [], {P.EDITION}, ["does not say which PII edition", "--edition 2024"]


def case_edition_mismatch(tmp_path):
    path = write_csv(tmp_path / "mismatch.csv", long_grid(true_values(EDITION), EDITION))
    n_rows = len(codes_of(EDITION)) * len(units_of(EDITION))
    return path, ["--edition", "2023"], {P.EDITION}, [
        'row 2, column A ("edition")', f"the file says edition 2024 (in {n_rows} rows) but edition 2023 was asked for",
    ]


def case_title_names_two_editions(tmp_path):
    grid = wide_grid(true_values(EDITION), EDITION)
    grid[1] = ["So sánh với PII 2023"]
    path = write_xlsx(tmp_path / "two-editions.xlsx", grid)
    return path, [], {P.EDITION}, ["row 1, column A: the title rows name more than one PII edition (2023, 2024)"]


def test_edition_asked_for_picks_among_editions_in_the_title(tmp_path):
    path, _, _, _ = case_title_names_two_editions(tmp_path)
    frame = read_values(path, edition=EDITION)
    assert set(frame[schema.EDITION]) == {EDITION} and len(frame) == true_values(EDITION).size


def case_date_in_a_value_cell(tmp_path):
    from datetime import datetime

    grid = wide_grid(true_values(EDITION), EDITION)
    grid[6][4] = datetime(2024, 3, 12)
    path = write_xlsx(tmp_path / "date.xlsx", grid)
    return path, [], {P.NOT_A_NUMBER}, [f"row 7, column {letter(4)}", "a date or time"]


def case_many_problems_at_once(tmp_path):
    table = true_values(EDITION).drop(index="ha-giang").rename(columns={"1.1.1": "1.1.9"})
    units = units_of(EDITION)
    names = dict(zip(units["unit"], units["name_vi"]))
    names["hau-giang"] = "Hậu Gaing"
    grid = wide_grid(table, EDITION, names=names)
    grid[8][5] = "abc"
    grid.append(list(grid[9]))  # a repeated province row
    path = write_xlsx(tmp_path / "many.xlsx", grid)
    return path, [], {P.UNKNOWN_INDICATOR, P.UNKNOWN_PROVINCE, P.NOT_A_NUMBER, P.DUPLICATE,
                      P.MISSING_PROVINCE, P.MISSING_INDICATOR}, ['"Hậu Gaing"', '"abc"', '"1.1.9"', "Hà Giang"]


CASES = [
    case_unknown_province, case_unknown_indicator, case_duplicate_rows, case_non_numeric_value,
    case_infinite_value, case_province_missing, case_negative_count, case_former_province_after_merger,
    case_values_without_province_name,
    case_empty_csv, case_empty_workbook, case_header_without_values, case_binary_file_named_csv,
    case_old_excel_format, case_unknown_file_type, case_truncated_workbook, case_csv_renamed_xlsx,
    case_no_header_row, case_edition_not_stated, case_edition_mismatch, case_title_names_two_editions,
    case_date_in_a_value_cell,
    case_many_problems_at_once,
]


@pytest.mark.parametrize("build", CASES, ids=lambda build: build.__name__[5:])
def test_malformed_file(build, tmp_path, monkeypatch, capsys):
    path, extra, kinds, phrases = build(tmp_path)
    before = sha256(path)
    code, out, err = run_cli(["validate", str(path), *extra], monkeypatch, capsys)
    assert code == cli.EXIT_BAD_INPUT
    assert out == ""
    for phrase in phrases:
        assert phrase in err, f"{phrase!r} not in:\n{err}"
    assert sha256(path) == before

    edition = int(extra[1]) if extra else None
    result = validate_file(path, edition)
    assert {problem.kind for problem in result.problems} == kinds
    with pytest.raises(OfficialFileError) as raised:
        read_values(path, edition)
    assert raised.value.problems == result.problems
    assert sha256(path) == before


def test_every_problem_in_one_run(tmp_path):
    path, _, _, _ = case_many_problems_at_once(tmp_path)
    result = validate_file(path)
    by_kind = {}
    for problem in result.problems:
        by_kind.setdefault(problem.kind, []).append(problem)
    # The duplicate row repeats a whole province: one problem for the row, not one per indicator.
    assert len(by_kind[P.DUPLICATE]) == 1
    assert "and 46 more" in by_kind[P.DUPLICATE][0].what  # 52 indicators less the renamed one: 5 listed
    assert len(by_kind[P.UNKNOWN_INDICATOR]) == 1
    assert [p.row for p in by_kind[P.NOT_A_NUMBER]] == [9]


def test_missing_path_is_reported(tmp_path, monkeypatch, capsys):
    code, _, err = run_cli(["validate", str(tmp_path / "nowhere.csv")], monkeypatch, capsys)
    assert code == cli.EXIT_BAD_INPUT
    assert "nowhere.csv: the file does not exist" in err


def test_unknown_edition_is_reported(tmp_path):
    path = write_csv(tmp_path / "no-title.csv", wide_grid(true_values(EDITION), EDITION, title=False))
    problems = validate_file(path, 2019).problems
    assert any(p.kind == P.EDITION and "no PII framework for edition 2019" in p.message() for p in problems)


def test_reading_leaves_no_files_behind(tmp_path):
    folder = tmp_path / "official"
    folder.mkdir()
    path = write_xlsx(folder / "data.xlsx", wide_grid(true_values(EDITION), EDITION))
    listing = sorted(p.name for p in folder.iterdir())
    read_values(path)
    assert sorted(p.name for p in folder.iterdir()) == listing  # no lock or temp files left behind


@pytest.mark.parametrize(
    ("denominator", "unit", "name", "non_negative"),
    [
        ("communes", "đơn/xã", "Đơn đăng ký chỉ dẫn địa lý/Tổng số xã", True),
        ("population", "%", "Tỷ lệ lao động có việc làm trong nền kinh tế trên tổng dân số", True),
        ("none", "điểm (0–10)", "Chi phí gia nhập thị trường", True),
        ("none", "% (năm trước = 100)", "Chỉ số sản xuất công nghiệp", True),
        ("none", "%", "Tốc độ tăng năng suất lao động", False),
        ("none", "điểm phần trăm", "Tỷ lệ giảm nghèo", False),
    ],
)
def test_which_indicators_cannot_be_negative(denominator, unit, name, non_negative):
    row = pd.Series({"denominator": denominator, "unit_vi": unit, "name_vi": name, "name_en": ""})
    assert cannot_be_negative(row) is non_negative


def test_the_plans_weak_indicators_are_checked_for_negative_values(tmp_path):
    table = true_values(EDITION)
    weak = ["6.2.4", "1.2.1", "5.2.3", "4.1.3", "4.1.4"]  # plan 88, five weak indicators
    table.loc["can-tho", weak] = -1.0
    path = write_xlsx(tmp_path / "weak.xlsx", wide_grid(table, EDITION))
    flagged = [p.header for p in validate_file(path).problems if p.kind == P.NEGATIVE]
    assert sorted(flagged) == sorted(weak)
