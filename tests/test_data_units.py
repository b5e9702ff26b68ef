"""Every row of a --data folder names a province of its map (`piilib.bundle`): a typo, a unit of
the other map or an empty unit cell in values.csv, a history or a covariates file is refused by
every command reading the folder, whatever edition it asks for, with the file, line, column,
the value found and what is expected, in Vietnamese by default and in English with PII_LANG=en.

Line numbers are computed from the row changed here (header = line 1, row i = line i + 2)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from piilib import cli, messages, schema
from piilib.bundle import (
    AFTER_MERGER,
    BEFORE_MERGER,
    DEMO_DIR,
    MAP,
    SHOWN_BAD_CELLS,
    DataFileError,
    data_path_problems,
    load_bundle,
)
from piilib.units import load_units

pytestmark = pytest.mark.skipif(not (DEMO_DIR / "values.csv").is_file(), reason="bundled data not generated")


def speak(monkeypatch, language: str) -> None:
    monkeypatch.setenv("PII_LANG", language)


def copy_of_demo(tmp_path: Path, name: str = "data") -> Path:
    folder = tmp_path / name
    folder.mkdir()
    for file in DEMO_DIR.glob("*.csv"):
        (folder / file.name).write_bytes(file.read_bytes())
    return folder


def set_unit(folder: Path, file: str, rows, unit) -> list[int]:
    """Write `unit` into the unit cell of `rows` (a boolean mask builder or index list) of a
    file of the folder; the file lines changed."""
    frame = pd.read_csv(folder / file, dtype=str, keep_default_na=False)
    index = list(frame.index[rows(frame)]) if callable(rows) else list(rows)
    frame.loc[index, schema.UNIT] = unit
    frame.to_csv(folder / file, index=False)
    return [i + 2 for i in index]


def first_row(column: str, when: int, unit: str = "can-tho"):
    """The first row of `unit` in the edition or year `when`."""
    def rows(frame):
        mask = (frame[column].astype(int) == when) & (frame[schema.UNIT] == unit)
        return mask & (mask.cumsum() == 1)
    return rows


def problems_in(monkeypatch, folder: Path, language: str) -> list[str]:
    speak(monkeypatch, language)
    return data_path_problems(folder)


# --- one typo per kind of file, both languages ------------------------------------------------

def test_a_typo_in_values_in_both_languages(tmp_path, monkeypatch):
    folder = copy_of_demo(tmp_path)
    (line,) = set_unit(folder, "values.csv", first_row(schema.EDITION, 2024), "can-th0")
    count = len(load_units(2024))
    assert problems_in(monkeypatch, folder, messages.VI) == [
        f"--data {folder}: values.csv, dòng {line}, cột 'unit': giá trị ghi 'can-th0'; cần mã một trong {count} "
        "tỉnh, thành phố của kỳ 2024 (ví dụ can-tho); gần nhất: can-tho"]
    assert problems_in(monkeypatch, folder, messages.EN) == [
        f"--data {folder}: values.csv, line {line}, column 'unit': found 'can-th0'; expected the key of one of "
        f"the {count} provinces of edition 2024 (e.g. can-tho); closest: can-tho"]


def test_a_typo_in_history_in_both_languages(tmp_path, monkeypatch):
    folder = copy_of_demo(tmp_path)
    (line,) = set_unit(folder, "history.csv", first_row(schema.YEAR, 2020), "can-th0")
    count = len(load_units(2024))  # history.csv is on the 63-province map
    assert problems_in(monkeypatch, folder, messages.VI) == [
        f"--data {folder}: history.csv, dòng {line}, cột 'unit': giá trị ghi 'can-th0'; cần mã một tỉnh, thành "
        f"phố của bản đồ {count} tỉnh, thành phố mà tệp này dùng cho năm 2020 (ví dụ can-tho); gần nhất: can-tho"]
    assert problems_in(monkeypatch, folder, messages.EN) == [
        f"--data {folder}: history.csv, line {line}, column 'unit': found 'can-th0'; expected the key of a "
        f"province of the {count}-province map this file uses for 2020 (e.g. can-tho); closest: can-tho"]


def test_a_typo_in_covariates_in_both_languages(tmp_path, monkeypatch):
    folder = copy_of_demo(tmp_path)
    (line,) = set_unit(folder, "covariates_2025_map.csv", first_row(schema.YEAR, 2024), "can-th0")
    count = len(load_units(2025))  # this file is on the 34-province map
    assert problems_in(monkeypatch, folder, messages.VI) == [
        f"--data {folder}: covariates_2025_map.csv, dòng {line}, cột 'unit': giá trị ghi 'can-th0'; cần mã một "
        f"tỉnh, thành phố của bản đồ {count} tỉnh, thành phố mà tệp này dùng cho năm 2024 (ví dụ can-tho); gần "
        "nhất: can-tho"]
    assert problems_in(monkeypatch, folder, messages.EN) == [
        f"--data {folder}: covariates_2025_map.csv, line {line}, column 'unit': found 'can-th0'; expected the key "
        f"of a province of the {count}-province map this file uses for 2024 (e.g. can-tho); closest: can-tho"]


# --- the other map, an empty cell, a name, many rows ------------------------------------------

def test_a_province_before_the_merger_in_an_edition_after_it(tmp_path, monkeypatch):
    folder = copy_of_demo(tmp_path)
    (line,) = set_unit(folder, "values.csv", first_row(schema.EDITION, 2025), "hau-giang")
    speak(monkeypatch, messages.EN)
    with pytest.raises(DataFileError) as caught:
        load_bundle(folder)
    (problem,) = caught.value.problems
    assert problem.message_id == "csv.bad_cell"
    assert (problem.fields["name"], problem.fields["line"], problem.fields["column"], problem.fields["found"]) == (
        "values.csv", line, schema.UNIT, "'hau-giang'")
    assert problem.endswith("hau-giang is a province before the merger of 1 July 2025, on this map part of can-tho")


def test_a_unit_of_the_34_province_map_in_a_file_on_the_63(tmp_path, monkeypatch):
    folder = copy_of_demo(tmp_path)
    lines = set_unit(folder, "history.csv", first_row(schema.YEAR, 2019, "thua-thien-hue"), "hue")
    speak(monkeypatch, messages.EN)
    (problem,) = data_path_problems(folder)
    assert f"history.csv, line {lines[0]}, column 'unit': found 'hue'" in problem
    assert "thua-thien-hue" in problem


def test_a_year_after_the_merger_is_on_the_34_province_map(tmp_path, monkeypatch):
    """A history row of 2025 names a unit of the 34 provinces, even in a file whose earlier
    years are on the 63; such rows are read on the 34-province map."""
    folder = copy_of_demo(tmp_path)
    history = pd.read_csv(folder / "history.csv", dtype=str)
    rows = pd.DataFrame([["2025", "can-tho", "1.1.1", "3", schema.ILLUSTRATIVE, "test"],
                         ["2025", "soc-trang", "1.1.1", "3", schema.ILLUSTRATIVE, "test"]], columns=history.columns)
    pd.concat([history, rows], ignore_index=True).to_csv(folder / "history.csv", index=False)
    speak(monkeypatch, messages.EN)
    (problem,) = data_path_problems(folder)
    assert problem.endswith(f"history.csv, line {len(history) + 3}, column 'unit': found 'soc-trang'; expected "
                            f"the key of a province of the {len(load_units(2025))}-province map this file uses for "
                            "2025 (e.g. can-tho); soc-trang is a province before the merger of 1 July 2025, on "
                            "this map part of can-tho")
    pd.concat([history, rows.iloc[:1]], ignore_index=True).to_csv(folder / "history.csv", index=False)
    bundle = load_bundle(folder)
    maps = bundle.history.groupby(schema.YEAR)[MAP].unique()
    assert list(maps[2025]) == [AFTER_MERGER] and list(maps[2024]) == [BEFORE_MERGER]


def test_an_empty_unit_and_a_province_name(tmp_path, monkeypatch):
    folder = copy_of_demo(tmp_path)
    (empty,) = set_unit(folder, "covariates.csv", first_row(schema.YEAR, 2018), "")
    (named,) = set_unit(folder, "values.csv", first_row(schema.EDITION, 2023), "Cần Thơ")
    speak(monkeypatch, messages.VI)
    problems = data_path_problems(folder)
    assert len(problems) == 2
    assert f"covariates.csv, dòng {empty}, cột 'unit': giá trị ghi (trống); cần mã" in problems[0]
    assert problems[1].endswith(f"values.csv, dòng {named}, cột 'unit': giá trị ghi 'Cần Thơ'; cần mã một trong "
                                f"{len(load_units(2023))} tỉnh, thành phố của kỳ 2023 (ví dụ can-tho); gần nhất: "
                                "can-tho")


def test_many_unknown_units_are_counted_not_listed(tmp_path, monkeypatch):
    folder = copy_of_demo(tmp_path)
    changed = 5 * SHOWN_BAD_CELLS + 3
    lines = set_unit(folder, "values.csv", range(changed), "xyz")
    speak(monkeypatch, messages.EN)
    problems = data_path_problems(folder)
    assert len(problems) == SHOWN_BAD_CELLS + 1
    assert [p.split(", ")[1] for p in problems[:-1]] == [f"line {line}" for line in lines[:SHOWN_BAD_CELLS]]
    assert problems[-1] == (f"--data {folder}: values.csv: … and {changed - SHOWN_BAD_CELLS} more cells of column "
                            f"'unit' that are not province keys (lines {lines[SHOWN_BAD_CELLS]}–{lines[-1]})")


def test_an_empty_edition_is_named_too(tmp_path, monkeypatch):
    folder = copy_of_demo(tmp_path)
    frame = pd.read_csv(folder / "values.csv", dtype=str)
    frame.loc[4, schema.EDITION] = None
    frame.to_csv(folder / "values.csv", index=False)
    speak(monkeypatch, messages.EN)
    (problem,) = data_path_problems(folder)
    assert "values.csv, line 6, column 'edition': found (empty); expected a whole number" in problem


# --- no false alarm on the bundled data -------------------------------------------------------

def test_the_bundled_data_passes_and_keeps_its_maps():
    assert data_path_problems(DEMO_DIR) == []
    bundle = load_bundle(DEMO_DIR)
    assert set(bundle.history[MAP]) == {BEFORE_MERGER}
    per_year = bundle.covariates.groupby(schema.YEAR)[MAP].unique().map(set)
    assert per_year[2024] == {BEFORE_MERGER, AFTER_MERGER}  # covariates.csv and covariates_2025_map.csv
    assert all(maps == {BEFORE_MERGER} for year, maps in per_year.items() if year < 2024)


# --- every command reading the folder refuses it ----------------------------------------------

@pytest.mark.parametrize("argv", [
    ["scores", "--edition", "2025"],
    ["targets", "--edition", "2025", "--province", "Cần Thơ"],
    ["outlook", "--edition", "2025", "--province", "Cần Thơ"],
    ["build", "--edition", "2025", "--no-pdf"],
])
def test_every_command_exits_2_naming_the_line(argv, tmp_path, monkeypatch, capsys, vietnamese):
    folder = copy_of_demo(tmp_path)
    (line,) = set_unit(folder, "values.csv", first_row(schema.EDITION, 2024), "can-th0")  # not the edition asked
    extra = ["--out", str(tmp_path / "out")] if argv[0] == "build" else []
    monkeypatch.setattr(cli, "COMMAND_MODULES", [argv[0]])
    assert cli.main([*argv, "--data", str(folder), *extra]) == cli.EXIT_BAD_INPUT
    err = capsys.readouterr().err
    lines = [text for text in err.splitlines() if text.startswith("lỗi: ")]
    assert "Traceback" not in err and len(lines) == 1, err
    assert f"values.csv, dòng {line}, cột 'unit': giá trị ghi 'can-th0'" in lines[0]
    assert not (tmp_path / "out").exists()


def test_the_official_folder_is_checked_for_every_edition(tmp_path, monkeypatch, capsys, vietnamese):
    values = pd.read_csv(DEMO_DIR / "values.csv")
    official = values[values[schema.EDITION] == 2025][[schema.EDITION, schema.UNIT, schema.INDICATOR, schema.VALUE]]
    official = official.reset_index(drop=True)
    official.loc[40, schema.UNIT] = "can-th0"
    folder = tmp_path / "official"
    folder.mkdir()
    official.to_csv(folder / "pii-2025.csv", index=False)
    monkeypatch.setenv("PII_OFFICIAL_DIR", str(folder))
    monkeypatch.setattr(cli, "COMMAND_MODULES", ["scores"])
    assert cli.main(["scores", "--edition", "2024"]) == cli.EXIT_BAD_INPUT
    err = capsys.readouterr().err
    lines = [text for text in err.splitlines() if text.startswith("lỗi: ")]
    assert "Traceback" not in err and len(lines) == 1, err
    assert "pii-2025.csv" in lines[0] and f"{40 + 2}" in lines[0] and "can-th0" in lines[0]


def test_validate_refuses_previous_data_it_cannot_use(tmp_path, monkeypatch, capsys, english):
    """`pii validate --previous DATA` names what is wrong with DATA instead of silently leaving
    out the comparison with the previous edition."""
    folder = copy_of_demo(tmp_path)
    (line,) = set_unit(folder, "values.csv", first_row(schema.EDITION, 2024), "can-th0")
    values = pd.read_csv(DEMO_DIR / "values.csv")
    path = tmp_path / "pii-2025.csv"
    values[values[schema.EDITION] == 2025][[schema.EDITION, schema.UNIT, schema.INDICATOR, schema.VALUE]].to_csv(
        path, index=False)
    monkeypatch.setattr(cli, "COMMAND_MODULES", ["validate"])
    missing = tmp_path / "none"
    for previous, said in ((folder, f"--previous {folder}: values.csv, line {line}, column 'unit': found 'can-th0'"),
                           (missing, f"--previous {missing}: file not found")):
        assert cli.main(["validate", str(path), "--previous", str(previous)]) == cli.EXIT_BAD_INPUT
        err = capsys.readouterr().err
        lines = [text for text in err.splitlines() if text.startswith("error: ")]
        assert "Traceback" not in err and len(lines) == 1 and said in lines[0], err
