"""`pii index` and `pii robustness` say every problem through the messages catalogue: each
problem the index's checks return is a `Said` (a message id with its facts), and the command
line prints it in Vietnamese by default and in English with LANG=en. Files are the ASEM
fixtures (tests/fixtures/coinr-asem) broken one way each."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from piilib import cli
from piilib.index import IndexInputError, build_index
from piilib.index.files import read_index_inputs
from piilib.index.spec import read_method
from piilib.messages import Said

ASEM = Path(__file__).resolve().parent / "fixtures" / "coinr-asem"
GOOD_METHOD = "steps:\n  - step: normalise\n  - step: aggregate\n"


def _write(folder: Path, idata: pd.DataFrame, imeta: pd.DataFrame, method: str) -> tuple[Path, Path, Path]:
    paths = folder / "iData.csv", folder / "iMeta.csv", folder / "method.yml"
    idata.to_csv(paths[0], index=False)
    imeta.to_csv(paths[1], index=False)
    paths[2].write_text(method, encoding="utf-8")
    return paths


def _asem():
    return pd.read_csv(ASEM / "iData.csv", dtype=str), pd.read_csv(ASEM / "iMeta.csv", dtype=str)


def broken_meta(idata, imeta):
    imeta.loc[imeta.index[0], "Weight"] = "nặng"
    imeta.loc[imeta.index[1], "Direction"] = "0"
    imeta.loc[imeta.index[2], "Parent"] = "Harbour"
    imeta.loc[imeta.index[3], "iCode"] = imeta.loc[imeta.index[4], "iCode"]
    return idata, imeta, GOOD_METHOD


def broken_data(idata, imeta):
    idata.loc[idata.index[0], "LPI"] = "abc"
    idata.loc[idata.index[1], "LPI"] = "inf"
    idata.loc[idata.index[2], "uCode"] = idata.loc[idata.index[3], "uCode"]
    return idata.drop(columns=["Ship"]), imeta, GOOD_METHOD


def broken_method(idata, imeta):
    method = ("name: x\ncolour: red\nsteps:\n  - step: normalise\n    method: zz\n    sd: -1\n"
              "  - step: aggregate\n  - step: treat\n    bogus: 1\n  - step: screen\n    min_availability: 2\n"
              "  - step: fly\n")
    return idata, imeta, method


def missing_columns(idata, imeta):
    return idata.drop(columns=["uCode"]), imeta.drop(columns=["Weight", "Parent"]), GOOD_METHOD


@pytest.mark.parametrize("breakage", [broken_meta, broken_data, broken_method, missing_columns],
                         ids=lambda f: f.__name__)
def test_every_problem_of_the_inputs_is_a_catalogue_message(tmp_path, breakage):
    paths = _write(tmp_path, *breakage(*_asem()))
    with pytest.raises(IndexInputError) as raised:
        read_index_inputs(*paths)
    problems = raised.value.problems
    assert len(problems) >= 2
    assert all(isinstance(problem, Said) for problem in problems), [p for p in problems if not isinstance(p, Said)]


@pytest.mark.parametrize("content, message_id", [
    (b"steps: [\n", "index.spec.not_yaml"),
    (b"steps:\n  - step: normalise\n    method: z\xe9\n", "index.spec.not_utf8"),
    (b"a: &x [1]\nb: *x\n", "index.spec.not_yaml"),
    (b"- 1\n- 2\n", "index.spec.no_steps"),
])
def test_a_method_file_that_cannot_be_read_is_a_catalogue_message(tmp_path, content, message_id):
    path = tmp_path / "method.yml"
    path.write_bytes(content)
    _, [problem] = read_method(path)
    assert isinstance(problem, Said) and problem.message_id == message_id


@pytest.mark.parametrize("steps, message_id", [
    ([{"step": "aggregate", "weights": {"NOPE": 1.0}}], "index.step.weight_code"),
    ([{"step": "normalise", "lower": -10, "upper": 10}, {"step": "aggregate", "method": "geometric"}],
     "index.step.geometric"),
])
def test_a_step_that_fails_is_a_catalogue_message(steps, message_id):
    idata, imeta = _asem()
    with pytest.raises(IndexInputError) as raised:
        build_index(idata, imeta, steps)
    [problem] = raised.value.problems
    assert isinstance(problem, Said) and problem.message_id == message_id


def _printed_problems(argv, capsys, monkeypatch, lang: str | None) -> list[str]:
    from piilib.messages import LANGUAGE_VARIABLES

    for name in LANGUAGE_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    if lang:
        monkeypatch.setenv("PII_LANG", lang)
    assert cli.main(argv) == cli.EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return err.splitlines()


def _bad_files(tmp_path: Path) -> list[str]:
    idata, imeta, _ = broken_data(*_asem())
    idata, imeta, _ = broken_meta(idata, imeta)
    idata_path, imeta_path, spec = _write(tmp_path, idata, imeta, broken_method(idata, imeta)[2])
    return ["index", "--idata", str(idata_path), "--imeta", str(imeta_path), "--spec", str(spec),
            "--out", str(tmp_path / "out")]


@pytest.mark.parametrize("make_argv", [
    _bad_files,
    lambda tmp: ["index", "--idata", str(tmp), "--imeta", str(tmp / "none.csv"), "--spec", str(tmp / "m.yml"),
                 "--out", str(tmp / "out")],
    lambda tmp: ["robustness", "--edition", "2024", "--replications", "2", "--bootstrap", "0",
                 "--imputation", "mean"],
], ids=["broken files", "missing files", "robustness options"])
def test_the_command_line_says_each_problem_in_both_languages(tmp_path, capsys, monkeypatch, make_argv):
    """Every line differs between the Vietnamese and the English run: none was left untranslated."""
    argv = make_argv(tmp_path)
    vietnamese = _printed_problems(argv, capsys, monkeypatch, None)
    english = _printed_problems(argv, capsys, monkeypatch, "en")
    assert len(vietnamese) == len(english) >= 3
    assert all(line.startswith("lỗi: ") for line in vietnamese[:-1])
    assert all(line.startswith("error: ") for line in english[:-1])
    untranslated = [vi for vi, en in zip(vietnamese[:-1], english[:-1]) if vi.split(": ", 1)[1] == en.split(": ", 1)[1]]
    assert untranslated == []
    assert not (tmp_path / "out").exists()


def test_an_excel_workbook_or_a_semicolon_csv_given_to_index(tmp_path, capsys, english):
    idata, imeta = _asem()
    idata.to_csv(tmp_path / "iData.csv", index=False, sep=";", encoding="utf-8-sig")  # Excel, Vietnamese locale
    imeta.to_csv(tmp_path / "iMeta.csv", index=False)
    (tmp_path / "m.yml").write_text(GOOD_METHOD)
    argv = ["index", "--idata", str(tmp_path / "iData.csv"), "--imeta", str(tmp_path / "iMeta.csv"),
            "--spec", str(tmp_path / "m.yml"), "--out", str(tmp_path / "out")]
    assert cli.main(argv) == 0
    capsys.readouterr()
    (tmp_path / "iData.xlsx").write_bytes(b"PK\x03\x04")
    argv[2] = str(tmp_path / "iData.xlsx")
    argv[-1] = str(tmp_path / "out2")
    assert cli.main(argv) == cli.EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert "iData.xlsx: is an Excel workbook, not a CSV file; in Excel use File → Save As → CSV UTF-8" in err


def test_a_column_named_twice_is_named_not_renamed(tmp_path, english):
    """pandas reads a second "LPI" as "LPI.1": the index would use the first without a word."""
    idata, imeta = _asem()
    paths = _write(tmp_path, idata, imeta, GOOD_METHOD)
    lines = paths[0].read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    header[header.index("LPI") + 1] = "LPI"
    paths[0].write_text("\n".join([",".join(header)] + lines[1:]) + "\n", encoding="utf-8")
    with pytest.raises(IndexInputError) as raised:
        read_index_inputs(*paths)
    [problem] = raised.value.problems
    position = header.index("LPI") + 1
    assert problem.message_id == "index.repeated_column"
    assert f"column 'LPI' appears more than once in the header row (columns {position}, {position + 1})" in problem


def test_idata_without_units_or_a_screen_that_keeps_none_is_a_message_not_a_traceback(tmp_path, capsys, english):
    idata, imeta = _asem()
    paths = _write(tmp_path, idata.iloc[:0], imeta, GOOD_METHOD)
    with pytest.raises(IndexInputError) as raised:
        read_index_inputs(*paths)
    assert [p.message_id for p in raised.value.problems] == ["index.data.no_units"]

    sparse = idata.copy()
    sparse[sparse.columns[11:20]] = None  # every unit misses some indicators
    with pytest.raises(IndexInputError) as raised:
        build_index(sparse, imeta, [{"step": "screen", "min_availability": 1.0}, {"step": "normalise"},
                                    {"step": "aggregate"}])
    assert [p.message_id for p in raised.value.problems] == ["index.step.screen_empty"]
    argv = ["index", "--idata", str(paths[0]), "--imeta", str(paths[1]), "--spec", str(paths[2]),
            "--out", str(tmp_path / "out")]
    assert cli.main(argv) == cli.EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert "Traceback" not in err and "no unit rows under the header row" in err
