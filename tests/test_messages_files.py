"""The files staff hand the tools (CSV files of a --data folder, the framework and plan files)
and a build that fails are described in Vietnamese by default and in English with LANG=en:
file, line, column, the value found and what is expected in both, the facts kept on the
message (`piilib.messages.Said`), and a plain line (no traceback) from the command line.

Line numbers are computed from how each file is built here (header = line 1)."""

from __future__ import annotations

import pickle
from pathlib import Path

import pandas as pd
import pytest
import yaml

from piilib import cli, framework, messages, plan, schema, units
from piilib.bundle import DEMO_DIR, DataFileError, data_path_problems, load_bundle
from piilib.framework import FrameworkError, framework_path, load_framework
from piilib.plan import DEFAULT_PLAN, PlanError, load_plan
from piilib.report import data as report_data
from piilib.report.chapters import Chapter
from piilib.report.execute import ChapterFailed


def speak(monkeypatch, language: str) -> None:
    monkeypatch.setenv("PII_LANG", language)  # the project's own switch, before LANG


def both(monkeypatch, produce) -> dict[str, list[str]]:
    """What `produce()` says in Vietnamese and in English."""
    said = {}
    for language in (messages.VI, messages.EN):
        speak(monkeypatch, language)
        said[language] = [str(line) for line in produce()]
    return said


# --- CSV files of a --data folder -------------------------------------------------------------

def data_folder(tmp_path: Path, fault: str) -> tuple[Path, int | None]:
    """A copy of data/demo with one faulty file; the line the fault is on (None: the whole file)."""
    folder = tmp_path / fault
    folder.mkdir()
    for file in DEMO_DIR.glob("*.csv"):
        (folder / file.name).write_bytes(file.read_bytes())
    values = folder / "values.csv"
    if fault == "empty":
        values.write_bytes(b"")
        return folder, None
    if fault == "latin1":
        (folder / "covariates.csv").write_bytes("year,unit,covariate,value\n2023,cà-mau,x,1\n".encode("latin-1"))
        return folder, 2
    frame = pd.read_csv(values, dtype=str)
    frame.loc[7, schema.VALUE] = "12,5 tỷ"
    frame.to_csv(values, index=False)
    return folder, 7 + 2


def test_an_empty_csv_in_a_data_folder(tmp_path, monkeypatch):
    folder, _ = data_folder(tmp_path, "empty")
    said = both(monkeypatch, lambda: data_path_problems(folder))
    assert said[messages.VI] == [
        f"--data {folder}: values.csv: tệp rỗng; cần một tệp CSV có dòng tiêu đề (với tệp giá trị: "
        f"{','.join(schema.LONG_COLUMNS)}), hoặc hãy xóa tệp này"]
    assert said[messages.EN] == [
        f"--data {folder}: values.csv: the file is empty; expected a CSV file with a header row (for values: "
        f"{','.join(schema.LONG_COLUMNS)}), or remove the file"]


def test_a_csv_that_is_not_utf8_in_a_data_folder(tmp_path, monkeypatch):
    folder, line = data_folder(tmp_path, "latin1")
    said = both(monkeypatch, lambda: data_path_problems(folder))
    assert said[messages.VI] == [
        f'--data {folder}: covariates.csv, dòng {line}: tệp không phải văn bản UTF-8 (byte 0xe0); hãy lưu lại từ '
        'Excel bằng "CSV UTF-8 (Comma delimited)", hoặc chuyển tệp sang UTF-8']
    assert said[messages.EN] == [
        f'--data {folder}: covariates.csv, line {line}: the file is not UTF-8 text (byte 0xe0); save it from Excel '
        'as "CSV UTF-8 (Comma delimited)", or convert it to UTF-8']


def test_text_in_a_number_column_keeps_its_facts(tmp_path, monkeypatch):
    folder, line = data_folder(tmp_path, "text_value")
    said = both(monkeypatch, lambda: data_path_problems(folder))
    assert said[messages.VI] == [
        f"--data {folder}: values.csv, dòng {line}, cột 'value': giá trị ghi '12,5 tỷ'; cần một số viết với dấu "
        "chấm thập phân và không có dấu phân cách hàng nghìn, ví dụ 1234.5, hoặc ô trống khi thiếu giá trị"]
    assert said[messages.EN][0].startswith(
        f"--data {folder}: values.csv, line {line}, column 'value': found '12,5 tỷ'; expected a number")
    speak(monkeypatch, messages.VI)
    with pytest.raises(DataFileError) as caught:
        load_bundle(folder)
    (problem,) = caught.value.problems
    assert problem.message_id == "csv.bad_cell"
    assert (problem.fields["name"], problem.fields["line"], problem.fields["column"]) == ("values.csv", line, "value")


@pytest.mark.parametrize("fault, named", [("empty", "values.csv"), ("latin1", "covariates.csv"),
                                          ("text_value", "values.csv")])
def test_the_command_line_says_one_plain_line_in_vietnamese(fault, named, tmp_path, monkeypatch, vietnamese,
                                                              capsys):
    folder, _ = data_folder(tmp_path, fault)
    monkeypatch.setattr(cli, "COMMAND_MODULES", ["scores"])
    assert cli.main(["scores", "--edition", "2025", "--data", str(folder)]) == cli.EXIT_BAD_INPUT
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.startswith("lỗi: ")]
    assert "Traceback" not in err and len(lines) == 1 and named in lines[0]
    assert err.splitlines()[-1] == "Có 1 lỗi."


def test_the_builds_data_check_in_both_languages(tmp_path, monkeypatch):
    pd.DataFrame({
        schema.EDITION: [2024, 2024], schema.UNIT: ["can-tho", "ha-noi"], schema.INDICATOR: ["6.2.4", "6.2.4"],
        schema.VALUE: [1.0, 2.0], schema.PROVENANCE: ["official", "guessed"], schema.SOURCE: ["f", "f"],
    }).to_csv(tmp_path / "values.csv", index=False)
    said = both(monkeypatch, lambda: report_data.validate_data(tmp_path, 2024))
    choices = ", ".join(schema.PROVENANCES)
    assert said[messages.VI] == [f"values.csv, dòng 3, cột 'provenance': giá trị ghi 'guessed'; cần một trong {choices}"]
    assert said[messages.EN] == [f"values.csv, line 3, column 'provenance': found 'guessed', expected one of {choices}"]
    missing = both(monkeypatch, lambda: report_data.validate_data(tmp_path / "khong-co", 2024))
    assert missing[messages.VI][0].startswith(f"không có đường dẫn dữ liệu {tmp_path / 'khong-co'}; cần")
    assert missing[messages.EN][0].startswith(f"data path {tmp_path / 'khong-co'} does not exist; expected")


# --- framework files ----------------------------------------------------------------------------

def broken_framework(folder: Path, code: str, column: str, value: str) -> tuple[Path, int]:
    """A copy of the 2024 framework with one cell changed, and that cell's line."""
    frame = pd.read_csv(framework_path(2024), dtype=str, keep_default_na=False)
    frame.loc[frame["code"] == code, column] = value
    folder.mkdir(exist_ok=True)
    path = folder / "pii_2024.csv"
    frame.to_csv(path, index=False)
    return path, int(frame.index[frame["code"] == code][0]) + 2


def test_a_framework_cell_in_both_languages(tmp_path, monkeypatch):
    path, line = broken_framework(tmp_path, "6.2.4", "weight", "hai")

    def problems():
        with pytest.raises(FrameworkError) as caught:
            load_framework(2024, path=path)
        return caught.value.problems

    said = both(monkeypatch, problems)
    assert said[messages.VI] == [f"tệp pii_2024.csv, dòng {line}, cột 'weight': giá trị ghi 'hai'; cần một số lớn hơn 0"]
    assert said[messages.EN] == [
        f"file pii_2024.csv, line {line}, column 'weight': found 'hai'; expected a number greater than 0"]
    (problem,) = problems()
    assert problem.fields | {"expected": None} == {"file": "pii_2024.csv", "line": line, "column": "weight",
                                                  "found": "'hai'", "expected": None}


def test_a_framework_parent_of_the_wrong_level_in_vietnamese(tmp_path, monkeypatch):
    path, line = broken_framework(tmp_path, "6.2.4", "parent", "6")
    speak(monkeypatch, messages.VI)
    with pytest.raises(FrameworkError) as caught:
        load_framework(2024, path=path)
    assert (f"tệp pii_2024.csv, dòng {line}, cột 'parent': giá trị ghi '6'; cần mã của một sub_pillar (cấp cha "
            "của một indicator); '6' là một 'pillar'") in caught.value.problems


def test_a_broken_framework_is_a_plain_line_from_the_command_line(tmp_path, monkeypatch, vietnamese, capsys):
    path, line = broken_framework(tmp_path / "framework", "6.2.4", "weight", "hai")
    monkeypatch.setattr(framework, "FRAMEWORK_DIR", path.parent)
    monkeypatch.setattr(cli, "COMMAND_MODULES", ["template"])
    code = cli.main(["template", "--edition", "2024", "--out", str(tmp_path / "mau.xlsx")])
    err = capsys.readouterr().err
    assert code == cli.EXIT_BAD_INPUT and "Traceback" not in err
    assert err.splitlines() == [
        f"lỗi: tệp pii_2024.csv, dòng {line}, cột 'weight': giá trị ghi 'hai'; cần một số lớn hơn 0", "Có 1 lỗi."]
    assert not (tmp_path / "mau.xlsx").exists()


# --- plan files ---------------------------------------------------------------------------------

def broken_plan(folder: Path, group: str) -> tuple[Path, str]:
    """A copy of the plan whose first indicator is in group `group`; that indicator's code."""
    raw = yaml.safe_load(DEFAULT_PLAN.read_text(encoding="utf-8"))
    raw["indicators"][0]["group"] = group
    folder.mkdir(exist_ok=True)
    path = folder / DEFAULT_PLAN.name
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path, str(raw["indicators"][0]["code"])


def test_a_plan_problem_in_both_languages(tmp_path, monkeypatch):
    path, code = broken_plan(tmp_path, "yeu")

    def problems():
        with pytest.raises(PlanError) as caught:
            load_plan(path)
        return caught.value.problems

    said = both(monkeypatch, problems)
    groups = ", ".join(plan.GROUPS)
    assert said[messages.VI] == [f"tệp {path.name}, indicators, mã '{code}': nhóm 'yeu'; cần một trong {groups}"]
    assert said[messages.EN] == [f"file {path.name}, indicators, code '{code}': group 'yeu'; expected one of {groups}"]
    assert problems()[0].fields["code"] == code


def test_a_plan_that_is_not_yaml_in_vietnamese(tmp_path, monkeypatch):
    path = tmp_path / "plan.yaml"
    path.write_bytes("document: {city: Cà Mau}\n".encode("latin-1"))  # not UTF-8
    speak(monkeypatch, messages.VI)
    with pytest.raises(PlanError) as caught:
        load_plan(path)
    assert caught.value.problems[0].startswith("tệp plan.yaml: không đọc được dưới dạng kế hoạch YAML UTF-8 (")


def test_a_broken_plan_is_a_plain_line_from_targets(tmp_path, monkeypatch, vietnamese, capsys):
    path, code = broken_plan(tmp_path / "plan", "yeu")
    monkeypatch.setattr(plan, "PLAN_DIR", path.parent)
    monkeypatch.setattr(cli, "COMMAND_MODULES", ["targets"])
    status = cli.main(["targets", "--edition", "2024", "--province", "Cần Thơ"])
    err = capsys.readouterr().err
    assert status == cli.EXIT_BAD_INPUT and "Traceback" not in err
    assert err.splitlines()[0] == (
        f"lỗi: tệp {path.name}, indicators, mã '{code}': nhóm 'yeu'; cần một trong {', '.join(plan.GROUPS)}")


# --- a chapter that fails -----------------------------------------------------------------------

def failed_chapter(cell_index) -> ChapterFailed:
    chapter = Chapter(key="overview", template=Path("/sach/overview.ipynb"))
    return ChapterFailed(chapter, chapter.template, cell_index, "ratio = 1 / 0",
                         "ZeroDivisionError: division by zero", "", None)


def test_a_failed_chapter_in_both_languages(monkeypatch):
    said = both(monkeypatch, lambda: [failed_chapter(3), failed_chapter(None)])
    assert said[messages.VI] == [
        "chương 'overview' bị lỗi trong notebook /sach/overview.ipynb, ô 3 (đếm từ 0), dòng đầu: ratio = 1 / 0\n"
        "ZeroDivisionError: division by zero",
        "chương 'overview' bị lỗi trong notebook /sach/overview.ipynb, trước khi ô nào được chạy\n"
        "ZeroDivisionError: division by zero",
    ]
    assert said[messages.EN][0] == (
        "chapter 'overview' failed in notebook /sach/overview.ipynb, cell 3 (counting from 0), first line: "
        "ratio = 1 / 0\nZeroDivisionError: division by zero")
    # The facts stay on the exception, and it crosses from a build worker intact.
    speak(monkeypatch, messages.VI)
    again = pickle.loads(pickle.dumps(failed_chapter(3)))
    assert (again.chapter.key, again.cell_index, again.first_line) == ("overview", 3, "ratio = 1 / 0")
    assert str(again) == said[messages.VI][0]


def test_an_unknown_province_for_the_build_in_both_languages(monkeypatch):
    from piilib.report.build import _province_problems

    said = both(monkeypatch, lambda: _province_problems("can-thoo", 2024))
    map_size = units.era(2024)  # the map's number of provinces
    assert said[messages.VI] == [
        f"tỉnh 'can-thoo' không phải một tỉnh, thành phố của kỳ 2024 (bản đồ {map_size} tỉnh, thành phố); tên gần "
        "nhất: can-tho"]
    assert said[messages.EN] == [
        f"province 'can-thoo' is not a unit of edition 2024 ({map_size}-province map); closest: can-tho"]


# --- the message that keeps its facts -----------------------------------------------------------

def test_a_said_message_is_a_string_with_its_facts(monkeypatch):
    speak(monkeypatch, messages.VI)
    said = messages.Said("csv.bad_cell", name="values.csv", line=9, column="value", found="'x'", expected="một số")
    assert said == "values.csv, dòng 9, cột 'value': giá trị ghi 'x'; cần một số"
    assert isinstance(said, str) and said.message_id == "csv.bad_cell" and said.fields["line"] == 9
    again = pickle.loads(pickle.dumps(said))
    assert again == said and again.fields == said.fields and again.message_id == said.message_id


# --- the peer formula staff may give `pii targets` ------------------------------------------------

def test_a_peer_formula_with_an_unknown_covariate_in_both_languages(monkeypatch, capsys):
    monkeypatch.setattr(cli, "COMMAND_MODULES", ["targets"])
    argv = ["targets", "--edition", "2024", "--province", "Cần Thơ", "--peer-formula", "value ~ np.log(dan_so)"]
    said = {}
    for language in (messages.VI, messages.EN):
        speak(monkeypatch, language)
        assert cli.main(argv) == cli.EXIT_BAD_INPUT
        said[language] = capsys.readouterr().err.splitlines()[0]
    assert said[messages.VI].startswith(
        "lỗi: công thức tỉnh tương đồng 'value ~ np.log(dan_so)' dùng biến cấu trúc dan_so không có trong dữ liệu; "
        "các biến cấu trúc có: ")
    assert said[messages.EN].startswith(
        "error: peer formula 'value ~ np.log(dan_so)' uses covariate(s) dan_so not in the data; covariates available: ")


def test_a_book_rule_broken_in_both_languages(tmp_path, monkeypatch):
    from piilib.report import book

    for key in ("mot", "hai"):
        (tmp_path / key).mkdir()
        (tmp_path / key / "bang.xlsx").write_bytes(b"x")
        (tmp_path / f"{key}.ipynb").write_text("{}")
    (tmp_path / "static").mkdir()
    pages = [(key, tmp_path / f"{key}.ipynb", tmp_path / key) for key in ("mot", "hai")]

    def failure():
        with pytest.raises(book.BookBuildFailed) as caught:
            book.book_files(tmp_path / "static", {}, {}, pages)
        return [caught.value]

    said = both(monkeypatch, failure)
    assert said[messages.VI] == ["chương 'hai' ghi tệp bang.xlsx, tệp mà chương 'mot' cũng ghi; hãy đặt cho tệp "
                                 "một tên riêng của chương"]
    assert said[messages.EN] == ["chapter 'hai' wrote bang.xlsx, which chapter 'mot' also wrote; give the file a "
                                 "name unique to the chapter"]


def test_a_table_of_contents_problem_in_both_languages(tmp_path, monkeypatch):
    from piilib.report import chapters

    toc = tmp_path / "_toc.yml"
    toc.write_text("format: jb-book\n", encoding="utf-8")

    def failure():
        with pytest.raises(chapters.TocError) as caught:
            chapters.read_toc(toc)
        return [caught.value]

    said = both(monkeypatch, failure)
    assert said[messages.VI] == [f"{toc}: thiếu 'root' (trang đầu tiên, ví dụ book/intro)"]
    assert said[messages.EN] == [f"{toc}: 'root' (the first page, e.g. book/intro) is missing"]


def test_a_unit_that_is_not_a_province_in_both_languages(monkeypatch):
    from piilib.pii import compute_pii

    values = pd.DataFrame({schema.EDITION: [2024], schema.UNIT: ["xyz"], schema.INDICATOR: ["6.2.4"],
                           schema.VALUE: [1.0], schema.PROVENANCE: ["illustrative"], schema.SOURCE: ["t"]})

    def failure():
        with pytest.raises(ValueError) as caught:
            compute_pii(values, 2024)
        return str(caught.value).splitlines()

    said = both(monkeypatch, failure)  # then the provinces and indicators with no row (the frame has one row)
    assert said[messages.VI][0] == ("kỳ 2024: 'xyz' không phải mã một tỉnh, thành phố của kỳ này "
                                    "(cột unit, ví dụ can-tho)")
    assert said[messages.EN][0] == "edition 2024: unit 'xyz' is not a province of this edition"


def test_a_template_name_that_is_not_xlsx_in_vietnamese(tmp_path, monkeypatch, vietnamese, capsys):
    monkeypatch.setattr(cli, "COMMAND_MODULES", ["template"])
    out = tmp_path / "mau.csv"
    assert cli.main(["template", "--edition", "2024", "--out", str(out)]) == cli.EXIT_BAD_INPUT
    assert capsys.readouterr().err.splitlines()[0] == 'lỗi: biểu mẫu phải được lưu thành tệp .xlsx, không phải "mau.csv"'
    assert not out.exists()
