"""The command line speaks Vietnamese by default and English when the environment asks
(piilib.messages): both catalogues hold the same messages, the language follows LANG / LC_ALL /
LANGUAGE, and what staff see (--help, errors with file/row/column, summary lines) follows it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from piilib import cli, messages

SRC = Path(__file__).resolve().parents[1] / "src"


def test_both_catalogues_have_the_same_ids_and_fields():
    for message_id, texts in messages.CATALOGUE.items():
        assert set(texts) == set(messages.LANGUAGES), message_id
        vi, en = texts[messages.VI], texts[messages.EN]
        assert vi.strip() and en.strip(), message_id
        assert messages.fields_of(vi) == messages.fields_of(en), message_id


def test_every_message_is_used_by_the_code():
    """No catalogue entry is dead (an id that no code asks for would drift out of date);
    the commands' one-line helps are asked for as f"help.{name}"."""
    code = "\n".join(path.read_text(encoding="utf-8") for path in (SRC / "piilib").rglob("*.py")
                     if path.name != "messages.py")
    unused = [message_id for message_id in messages.CATALOGUE
              if f'"{message_id}"' not in code and not message_id.startswith("help.")]
    assert unused == []
    assert {f"help.{name}" for name in cli.COMMAND_MODULES} <= set(messages.CATALOGUE)


@pytest.mark.parametrize("environ, expected", [
    ({}, "vi"),
    ({"LANG": "C.UTF-8"}, "vi"),
    ({"LANG": "vi_VN.UTF-8"}, "vi"),
    ({"LANG": "en_US.UTF-8"}, "en"),
    ({"LANG": "en_GB"}, "en"),
    ({"LC_ALL": "en_US.UTF-8", "LANG": "vi_VN.UTF-8"}, "en"),   # LC_ALL before LANG
    ({"LC_ALL": "vi_VN.UTF-8", "LANG": "en_US.UTF-8"}, "vi"),
    ({"LC_ALL": "C", "LANG": "en_US.UTF-8"}, "en"),             # C names no language: LANG decides
    ({"LC_ALL": "C", "LANG": "C"}, "vi"),                       # an ASCII locale: the default
    ({"LANGUAGE": "en:vi", "LANG": "vi_VN.UTF-8"}, "en"),       # gettext's list, first wins
    ({"PII_LANG": "vi", "LANG": "en_US.UTF-8"}, "vi"),          # the project's own switch first
])
def test_language_from_the_environment(environ, expected):
    assert messages.language(environ) == expected


def test_a_message_in_both_languages(monkeypatch):
    fields = dict(code="1.1.2", unit="điểm (0–10)", range="from 0 to 10")
    monkeypatch.setenv("PII_LANG", "vi")
    assert messages.text("io.out_of_range", **fields) == (
        "chỉ số 1.1.2 (đơn vị: điểm (0–10)) nằm ngoài khoảng mà đơn vị của nó cho phép (from 0 to 10)")
    monkeypatch.setenv("PII_LANG", "en")
    assert messages.text("io.out_of_range", **fields) == (
        "indicator 1.1.2 (unit: điểm (0–10)) is outside the range its unit states (from 0 to 10)")


def _bad_file(tmp_path) -> Path:
    path = tmp_path / "so-lieu.csv"
    path.write_text("edition,province,indicator,value\n2025,Cần Thơ,1.1.2,150\n", encoding="utf-8")
    return path


def test_validate_speaks_vietnamese_by_default(tmp_path, vietnamese, capsys):
    path = _bad_file(tmp_path)
    assert cli.main(["validate", str(path)]) == cli.EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert err.splitlines()[0] == (
        'lỗi: so-lieu.csv, dòng 2, cột D ("value"): chỉ số 1.1.2 (đơn vị: điểm (0–10)) nằm ngoài khoảng mà '
        'đơn vị của nó cho phép (từ 0 đến 10). Giá trị ghi: "150". Yêu cầu: một giá trị từ 0 đến 10.')
    assert err.splitlines()[-1] == "Có 1 lỗi trong so-lieu.csv; không có gì bị thay đổi."


def test_validate_speaks_english_with_lang_en(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("PII_LANG", raising=False)
    monkeypatch.delenv("LANGUAGE", raising=False)
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    path = _bad_file(tmp_path)
    assert cli.main(["validate", str(path)]) == cli.EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert err.splitlines()[0] == (
        'error: so-lieu.csv, row 2, column D ("value"): indicator 1.1.2 (unit: điểm (0–10)) is outside the '
        'range its unit states (from 0 to 10). Found "150". Expected a value from 0 to 10.')
    assert err.splitlines()[-1] == "1 problem(s) found in so-lieu.csv; nothing was changed."


def test_a_good_file_summary_in_vietnamese(tmp_path, vietnamese, capsys):
    path = tmp_path / "tot.csv"
    path.write_text("edition,province,indicator,value\n2025,Cần Thơ,1.1.2,5\n", encoding="utf-8")
    cli.main(["validate", str(path)])
    err = capsys.readouterr().err
    # Incomplete file: the two completeness problems, counted per kind, in Vietnamese.
    assert "33 trong 34 tỉnh, thành phố của kỳ 2025 không có giá trị" in err
    assert "51 trong 52 chỉ số của kỳ 2025 không có giá trị" in err


def _run(argv, env_changes) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in messages.LANGUAGE_VARIABLES}
    env.update(env_changes, PYTHONPATH=str(SRC))
    env.pop("PYTHONIOENCODING", None)
    return subprocess.run([sys.executable, "-m", "piilib.cli", *argv], env=env, capture_output=True, timeout=120)


def test_help_in_vietnamese_on_an_ascii_locale_and_in_english_with_lang_en():
    ascii_locale = _run(["validate", "--help"], {"LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0"})
    assert ascii_locale.returncode == 0 and not ascii_locale.stderr
    shown = ascii_locale.stdout.decode("utf-8")  # Vietnamese arrives as UTF-8 whatever the locale
    assert shown.startswith("cách dùng: pii validate") and "tùy chọn:" in shown
    assert "tệp .csv hoặc .xlsx cần kiểm tra" in shown
    english = _run(["validate", "--help"], {"LANG": "en_US.UTF-8"})
    shown = english.stdout.decode("utf-8")
    assert english.returncode == 0 and shown.startswith("usage: pii validate") and "options:" in shown
    assert "the .csv or .xlsx file to check" in shown


def test_errors_in_vietnamese_on_an_ascii_locale(tmp_path):
    done = _run(["validate", str(_bad_file(tmp_path))], {"LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0"})
    err = done.stderr.decode("utf-8")
    assert done.returncode == cli.EXIT_BAD_INPUT and "Traceback" not in err
    assert err.startswith("lỗi: so-lieu.csv, dòng 2, cột D") and "Yêu cầu: một giá trị từ 0 đến 10." in err


def test_every_command_help_is_vietnamese_by_default(vietnamese, capsys):
    for name in cli.COMMAND_MODULES:
        with pytest.raises(SystemExit) as stop:
            cli.main([name, "--help"])
        assert stop.value.code == 0
        shown = capsys.readouterr().out
        assert shown.startswith(f"cách dùng: pii {name}") and "hiện hướng dẫn này rồi thoát" in shown, name
        # No English sentence left in an option's help (a few English words: code names, COINr's terms).
        assert not re.search(r"\b(the|default|expected)\b", shown), name


def test_province_name_problems_in_vietnamese(vietnamese, capsys):
    assert cli.main(["targets", "--edition", "2025", "--province", "Sóc Trăng"]) == cli.EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert err.startswith("lỗi: --province: Sóc Trăng đã sáp nhập vào Cần Thơ từ ngày 1/7/2025")
    assert cli.main(["scores", "--edition", "2024", "--data", "khong/co/tep.csv"]) == cli.EXIT_BAD_INPUT
    assert capsys.readouterr().err.startswith("lỗi: --data khong/co/tep.csv: không tìm thấy tệp")
