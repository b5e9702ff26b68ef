"""Mistakes department staff make on the workbook path (after tests/test_hostile_paths.py): an
edition typed wrong, a percentage typed as a fraction, a YAML file Excel-minded hands broke. Each
is one plain message, in Vietnamese and in English, naming what is wrong; the input left as it was.
"""

from __future__ import annotations

import pytest

from piilib import cli
from piilib.bundle import OFFICIAL_DIR_ENV
from piilib.framework import available_editions


def run_cli(argv, capsys) -> tuple[int, str, str]:
    code = cli.main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def no_official_files(tmp_path, monkeypatch):
    """An empty official folder: the editions known are the framework's alone."""
    folder = tmp_path / "official"
    folder.mkdir()
    monkeypatch.setenv(OFFICIAL_DIR_ENV, str(folder))
    return folder


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


@pytest.mark.usefixtures("english", "no_official_files")
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


@pytest.mark.usefixtures("vietnamese", "no_official_files")
def test_the_edition_rule_is_said_in_vietnamese(tmp_path, capsys):
    editions = available_editions()
    code, _, err = run_cli(["template", "--edition", "2200", "--out", str(tmp_path / "pii.xlsx")], capsys)
    assert code == cli.EXIT_BAD_INPUT
    assert (f"--edition 2200: kỳ này nằm ngoài các kỳ chương trình làm được; "
            f"cần một kỳ từ {editions[0]} đến {editions[-1] + 1}") in err


@pytest.mark.usefixtures("english")
def test_the_edition_after_the_newest_collected_one_is_accepted(no_official_files, tmp_path, capsys):
    """Once the official folder holds the edition just collected (no framework change), the
    template of the one after it can be made: the framework carries over."""
    newest = available_editions()[-1] + 1
    out = tmp_path / "out"
    out.mkdir()
    next_one = str(newest + 1)
    code, _, err = run_cli(["template", "--edition", next_one, "--out", str(out / "a.xlsx")], capsys)
    assert code == cli.EXIT_BAD_INPUT and f"--edition {next_one}:" in err
    (no_official_files / f"pii-{newest}.csv").write_text("edition,unit,indicator,value\n", encoding="utf-8")
    code, _, err = run_cli(["template", "--edition", next_one, "--out", str(out / "b.xlsx")], capsys)
    assert code == 0, err
    assert (out / "b.xlsx").is_file()
