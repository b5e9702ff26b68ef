"""Mistakes department staff make on the workbook path (after tests/test_hostile_paths.py): an
edition typed wrong, a percentage typed as a fraction, a YAML file Excel-minded hands broke. Each
is one plain message, in Vietnamese and in English, naming what is wrong; the input left as it was.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from piilib import cli
from piilib.framework import available_editions


def run_cli(argv, capsys) -> tuple[int, str, str]:
    code = cli.main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# --- --edition -------------------------------------------------------------------------------

EDITION_COMMANDS = {
    "template": lambda e: ["template", "--edition", e, "--out", "pii.xlsx"],
    "validate": lambda e: ["validate", "pii.xlsx", "--edition", e],
    "scores": lambda e: ["scores", "--edition", e],
    "targets": lambda e: ["targets", "--edition", e, "--province", "Cần Thơ"],
    "outlook": lambda e: ["outlook", "--edition", e, "--province", "Cần Thơ"],
    "robustness": lambda e: ["robustness", "--edition", e],
    "build": lambda e: ["build", "--edition", e, "--no-pdf", "--out", "book"],
}


@pytest.mark.usefixtures("english", "official_folder")
@pytest.mark.parametrize("command", EDITION_COMMANDS)
@pytest.mark.parametrize("edition", ["0", "1900", "2200", "next but one"])
def test_every_command_refuses_an_edition_it_cannot_serve(tmp_path, monkeypatch, capsys, command, edition):
    """From the first edition with a framework to the one after the newest: the same rule and
    the same words for every command, before any work."""
    editions = available_editions()
    first, last = editions[0], editions[-1] + 1
    if edition == "next but one":
        edition = str(last + 1)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pii.xlsx").write_bytes(b"")  # validate's PATH: the edition is refused before it is read
    code, out, err = run_cli(EDITION_COMMANDS[command](edition), capsys)
    assert code == cli.EXIT_BAD_INPUT and out == "" and "Traceback" not in err
    assert (f"--edition {edition}: outside the editions the program can serve; "
            f"expected an edition from {first} to {last}") in err
    assert f"a later edition uses the {editions[-1]} framework" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["official", "pii.xlsx"]


@pytest.mark.usefixtures("vietnamese", "official_folder")
def test_the_edition_rule_is_said_in_vietnamese(tmp_path, capsys):
    editions = available_editions()
    code, _, err = run_cli(["template", "--edition", "2200", "--out", str(tmp_path / "pii.xlsx")], capsys)
    assert code == cli.EXIT_BAD_INPUT
    assert (f"--edition 2200: kỳ này nằm ngoài các kỳ chương trình làm được; "
            f"cần một kỳ từ {editions[0]} đến {editions[-1] + 1}") in err


@pytest.mark.usefixtures("english")
def test_the_edition_after_the_newest_collected_one_is_accepted(official_folder, tmp_path, capsys):
    """Once the official folder holds the edition just collected (no framework change), the
    template of the one after it can be made: the framework carries over."""
    newest = available_editions()[-1] + 1
    out = tmp_path / "out"
    out.mkdir()
    next_one = str(newest + 1)
    code, _, err = run_cli(["template", "--edition", next_one, "--out", str(out / "a.xlsx")], capsys)
    assert code == cli.EXIT_BAD_INPUT and f"--edition {next_one}:" in err
    (official_folder / f"pii-{newest}.csv").write_text("edition,unit,indicator,value\n", encoding="utf-8")
    code, _, err = run_cli(["template", "--edition", next_one, "--out", str(out / "b.xlsx")], capsys)
    assert code == 0, err
    assert (out / "b.xlsx").is_file()


# --- percentages typed as fractions ----------------------------------------------------------

def test_a_column_of_fractions_is_told_apart_from_a_small_percentage():
    from piilib.io.validate import percent_typed_as_fraction as typed

    fractions, percents, small = [0.45, 0.3, 0.6], [45.0, 30.0, 60.0], [0.4, 0.3, 0.5]
    assert typed(fractions, reference=percents) == "previous"
    assert typed(fractions, reference=small) is None  # a genuinely small percentage, as before
    assert typed([0.5, 0.6, 0.7], reference=[1.2, 1.1, 1.3]) is None  # times 100 would fit worse
    assert typed([0.45, 1.5, 0.6], reference=percents) is None  # not every value within [0, 1]
    assert typed([0.0, 0.0, 0.0], reference=percents) is None  # zeros say nothing of the typing
    assert typed(fractions[:2], reference=percents) is None  # too few values to say
    assert typed(fractions, typical_low=30.0) == "typical"  # no previous values: the framework's range
    assert typed(fractions, typical_low=0.01) is None
    assert typed(fractions, reference=percents[:2], typical_low=0.01) is None  # too few previous values


EDITION = 2026


def _percent_codes(edition: int) -> tuple[str, list[str]]:
    """A "%" indicator whose previous values and typical range are all above 1, and the "%"
    indicators whose previous values are all within [0, 1] (genuinely small percentages)."""
    from helpers import demo_values
    from piilib.framework import indicators
    from piilib.io.validate import is_percent_unit

    table = indicators(edition)
    percent = table[table["unit_en"].map(is_percent_unit)].set_index("code")
    before = demo_values(edition - 1).groupby("indicator")["value"]
    large = [c for c in percent.index if before.get_group(c).min() > 1 and percent.at[c, "assumed_typical_low"] >= 1]
    small = [c for c in percent.index if before.get_group(c).between(0, 1).all()]
    assert large and small
    return large[0], small


@pytest.fixture(scope="module")
def filled(tmp_path_factory, fill_entry_workbook) -> Path:
    """The 2026 template filled with the 2025 demo values: no jump from the previous edition."""
    from helpers import demo_values
    from piilib import schema
    from piilib.io import template as T

    path = tmp_path_factory.mktemp("filled") / "pii-2026.xlsx"
    T.write_template(EDITION, path)
    fill_entry_workbook(path, EDITION, demo_values(EDITION - 1).set_index([schema.UNIT, schema.INDICATOR])[schema.VALUE])
    return path


def _as_fractions(filled: Path, out: Path, code: str) -> tuple[Path, str]:
    """A copy of `filled` with the column of `code` divided by 100 (45 typed as 45 % in a cell
    formatted as %, which Excel stores as 0.45); returns the copy and the column's letter."""
    import openpyxl

    from piilib.io import template as T

    book = openpyxl.load_workbook(filled)
    sheet = book[T.DATA_SHEET]
    [column] = [c for c in range(T.FIRST_CODE_COLUMN, sheet.max_column + 1)
                if str(sheet.cell(T.HEADER_ROW, c).value) == code]
    for row in range(T.FIRST_DATA_ROW, sheet.max_row + 1):
        cell = sheet.cell(row, column)
        if isinstance(cell.value, float):
            cell.value /= 100
    book.save(out)
    return out, openpyxl.utils.get_column_letter(column)


@pytest.mark.usefixtures("english", "official_folder")
def test_a_percentage_column_typed_as_fractions_is_one_warning_naming_it(filled, tmp_path, capsys):
    from piilib.io import template as T

    code, small = _percent_codes(EDITION)
    path, letter = _as_fractions(filled, tmp_path / "pii-2026.xlsx", code)
    before = digest(path)
    status, out, err = run_cli(["validate", str(path), "--edition", str(EDITION)], capsys)
    assert status == 0 and "Traceback" not in err
    warnings = [line for line in out.splitlines() if line.startswith("warning: ")]
    [warning] = warnings  # one for the column, not one jump per province
    assert f'sheet "{T.DATA_SHEET}", column {letter} ("{code}")' in warning
    assert f"indicator {code} (" in warning and "the values look like fractions" in warning
    assert f"in edition {EDITION - 1} 100% of its values were above 1" in warning
    assert not any(f"indicator {c} " in out for c in small)  # genuinely small percentages: no warning
    assert digest(path) == before


@pytest.mark.usefixtures("vietnamese")
def test_the_fraction_warning_without_previous_values_uses_the_framework_range(filled, tmp_path):
    from piilib.framework import indicators
    from piilib.io import problems as P
    from piilib.io import validate_file

    code, small = _percent_codes(EDITION)
    path, _ = _as_fractions(filled, tmp_path / "pii-2026.xlsx", code)
    [warning] = validate_file(path, EDITION, previous={}).warnings
    assert warning.kind == P.PERCENT_AS_FRACTION and warning.row is None
    low = indicators(EDITION).set_index("code").at[code, "assumed_typical_low"]
    assert f"khung chỉ số ghi giá trị thường gặp từ {f'{low:.3g}'.replace('.', ',')}" in warning.message()
    assert "giá trị có vẻ là tỷ lệ 0," in warning.message()  # the Vietnamese decimal comma
    assert validate_file(filled, EDITION, previous={}).warnings == []  # the small ones stay silent


def digest(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- YAML files --------------------------------------------------------------------------------

UNCLOSED_QUOTE = 'document:\n  title: "Kế hoạch 88\n  city_unit: can-tho\n'  # the quote opened on line 2


@pytest.mark.parametrize("lang, said", [
    ("vi", 'tệp plan.yaml, dòng 4, cột 1 (phần đang đọc bắt đầu ở dòng 2, cột 10): không phải YAML hợp lệ '
           '(PyYAML báo: "found unexpected end of stream"); cần một kế hoạch theo mẫu plan88.yaml'),
    ("en", 'file plan.yaml, line 4, column 1 (in the part that starts at line 2, column 10): is not valid YAML '
           '(PyYAML says: "found unexpected end of stream"); expected a plan in the layout of plan88.yaml'),
])
def test_a_broken_plan_file_says_line_and_column_in_the_catalogue_words(tmp_path, monkeypatch, lang, said):
    from piilib.plan import PlanError, load_plan

    monkeypatch.setenv("PII_LANG", lang)
    path = tmp_path / "plan.yaml"
    path.write_text(UNCLOSED_QUOTE, encoding="utf-8")
    with pytest.raises(PlanError) as caught:
        load_plan(path)
    [problem] = caught.value.problems
    assert problem.startswith(said) and "\n" not in problem
    assert "<unicode string>" not in problem and "while scanning" not in problem
    assert path.read_text(encoding="utf-8") == UNCLOSED_QUOTE


@pytest.mark.parametrize("lang, said", [
    ("vi", 'm.yml, dòng 3, cột 4 (phần đang đọc bắt đầu ở dòng 2, cột 3): không phải YAML hợp lệ (PyYAML báo: "'),
    ("en", 'm.yml, line 3, column 4 (in the part that starts at line 2, column 3): is not valid YAML (PyYAML says: "'),
])
def test_a_broken_method_file_of_pii_index_says_line_and_column(tmp_path, monkeypatch, capsys, lang, said):
    fixtures = Path(__file__).parent / "fixtures" / "coinr-asem"
    method = tmp_path / "m.yml"
    method.write_text("steps:\n  - step: normalise\n   - step: aggregate\n", encoding="utf-8")  # one space off
    monkeypatch.setenv("PII_LANG", lang)
    code, out, err = run_cli(["index", "--idata", str(fixtures / "iData.csv"), "--imeta", str(fixtures / "iMeta.csv"),
                              "--spec", str(method), "--out", str(tmp_path / "index")], capsys)
    assert code == cli.EXIT_BAD_INPUT and out == "" and "Traceback" not in err
    [line] = [line for line in err.splitlines() if "YAML" in line]
    assert said in line and "<unicode string>" not in line
    assert not (tmp_path / "index").exists()
