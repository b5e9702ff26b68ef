"""Outputs never overwrite an input, are written whole or not at all, and a refused or failed
write is one plain line (exit 2), never a traceback."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest

from piilib import cli, safe_write
from piilib.io import write_template
from piilib.paths import DATA_DIR
from piilib.safe_write import (
    OutputWriteError,
    atomic_write_bytes,
    atomic_write_text,
    output_dir_problems,
    output_file_problems,
    same_file,
)

# These tests assert the English text of the messages (Vietnamese is the default).
pytestmark = pytest.mark.usefixtures("english")

IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def run(argv, capsys) -> tuple[int, list[str]]:
    """Exit code and the error lines of `pii argv` (stderr, without the problem count)."""
    code = cli.main([str(a) for a in argv])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return code, [line for line in err.splitlines() if not line.endswith("problem(s) found.")]


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def official(tmp_path_factory) -> Path:
    """An entry workbook standing for a staff member's official file."""
    return write_template(2024, tmp_path_factory.mktemp("official") / "so-lieu-2024.xlsx")


# --------------------------------------------------------------------------- never over an input


def _spellings(path: Path, tmp_path: Path) -> dict[str, Path]:
    (tmp_path / "sub").mkdir(exist_ok=True)
    link = tmp_path / "link.xlsx"
    link.symlink_to(path)
    hard = path.parent / "hard-link.xlsx"
    if not hard.exists():
        os.link(path, hard)
    return {"same": path, "dotted": path.parent / "." / ".." / path.parent.name / path.name,
            "symlink": link, "hard link": hard}


@pytest.mark.parametrize("spelling", ["same", "dotted", "symlink", "hard link"])
def test_targets_refuses_to_write_over_its_data_file(official, tmp_path, capsys, spelling):
    out = _spellings(official, tmp_path)[spelling]
    before = official.read_bytes()
    code, errors = run(["targets", "--edition", 2024, "--province", "can-tho", "--data", official,
                        "--format", "xlsx", "--out", out], capsys)
    assert code == cli.EXIT_BAD_INPUT and len(errors) == 1
    assert str(out) in errors[0] and str(official) in errors[0] and "never overwritten" in errors[0]
    assert official.read_bytes() == before


def test_same_file_sees_through_spellings_and_links(official, tmp_path):
    for spelling, path in _spellings(official, tmp_path).items():
        assert same_file(path, official), spelling
    assert not same_file(tmp_path / "other.xlsx", official)
    assert output_file_problems(tmp_path / "other.xlsx", inputs=[official]) == []


def test_an_existing_file_inside_an_input_folder_is_an_input(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "values.csv").write_text("x\n")
    assert "input folder" in output_file_problems(data / "values.csv", inputs=[data])[0]
    assert output_file_problems(data / "new.csv", inputs=[data]) == []


def test_index_refuses_to_replace_its_method_file(tmp_path, capsys):
    examples = Path(__file__).resolve().parents[1] / "data" / "examples"
    out = tmp_path / "run"
    out.mkdir()
    spec = out / "method_log.yml"
    spec.write_bytes((examples / "asem-method.yml").read_bytes())
    before = snapshot(out)
    code, errors = run(["index", "--idata", examples / "asem-iData.csv", "--imeta", examples / "asem-iMeta.csv",
                        "--spec", spec, "--out", out], capsys)
    assert code == cli.EXIT_BAD_INPUT and len(errors) == 1 and str(spec) in errors[0]
    assert snapshot(out) == before


@pytest.fixture
def no_build(monkeypatch):
    """`pii build` up to the call of the build itself, which is recorded instead."""
    from piilib.commands import build as build_command

    calls = []

    class Done:
        def summary(self):
            return "built"

    monkeypatch.setattr(build_command.report_build, "build_report", lambda options: calls.append(options) or Done())
    return calls


def test_build_never_replaces_a_folder_holding_inputs_or_other_files(tmp_path, capsys, no_build, monkeypatch):
    data = tmp_path / "data"
    data.mkdir()
    (data / "values.csv").write_text("x\n")
    busy = tmp_path / "documents"
    busy.mkdir()
    (busy / "thesis.docx").write_text("years of work")
    monkeypatch.chdir(tmp_path)
    for out, expected in [(tmp_path, "holds the input"), (data, "holds the input"), (data / "report", "inside"),
                          (busy, "thesis.docx"), (Path("."), "holds the input")]:
        code, errors = run(["build", "--edition", 2024, "--data", data, "--out", out], capsys)
        assert code == cli.EXIT_BAD_INPUT and expected in errors[0], (out, errors)
    assert (busy / "thesis.docx").read_text() == "years of work" and no_build == []
    previous = tmp_path / "report"
    (previous / "html").mkdir(parents=True)
    (previous / "pii-2024-can-tho.pdf").write_bytes(b"%PDF")
    assert run(["build", "--edition", 2024, "--data", data, "--out", previous], capsys)[0] == 0
    assert len(no_build) == 1


def test_build_output_cannot_be_the_working_folder(tmp_path, monkeypatch):
    inner = tmp_path / "project"
    inner.mkdir()
    monkeypatch.chdir(inner)
    assert "current folder" in output_dir_problems(tmp_path, replaced=True)[0]
    assert output_dir_problems(tmp_path / "elsewhere", replaced=True) == []


def test_demo_refuses_the_folders_it_reads(tmp_path, capsys, monkeypatch):
    import piilib.demo as demo

    monkeypatch.setattr(demo, "write_demo", lambda *args: pytest.fail("the demo would have been written"))
    monkeypatch.setattr(demo, "generate_demo", lambda **kwargs: None)
    for out in (DATA_DIR, DATA_DIR / "reference", DATA_DIR / "reference" / "x"):
        code, errors = run(["demo", "--out", out], capsys)
        assert code == cli.EXIT_BAD_INPUT and len(errors) == 1, (out, errors)


# --------------------------------------------------------------------------- whole or not at all


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(safe_write.TEMP_SUFFIX))


def _failing_write(monkeypatch, error: BaseException, after_bytes: int = 10):
    """os.write writes `after_bytes` bytes, then raises `error` (a full disk, Ctrl+C ...)."""
    real_write = os.write
    written = {"n": 0}

    def write(descriptor, data):
        if written["n"] >= after_bytes:
            raise error
        chunk = bytes(data[: after_bytes - written["n"]])
        written["n"] += len(chunk)
        return real_write(descriptor, chunk)

    monkeypatch.setattr(os, "write", write)


@pytest.mark.parametrize("error", [OSError(errno.ENOSPC, "No space left on device"), KeyboardInterrupt()],
                         ids=["disk full", "ctrl-c"])
def test_a_failed_write_keeps_the_previous_file_and_leaves_nothing(tmp_path, monkeypatch, error):
    target = tmp_path / "scores.csv"
    target.write_bytes(b"previous,content\n1,2\n")
    before = snapshot(tmp_path)
    _failing_write(monkeypatch, error)
    with pytest.raises((OutputWriteError, KeyboardInterrupt)) as raised:
        atomic_write_text(target, "new,content\n" * 1000)
    if isinstance(error, OSError):
        assert raised.value.errno == errno.ENOSPC and raised.value.filename == str(target)
    assert snapshot(tmp_path) == before and _leftovers(tmp_path) == []


def test_a_failed_rename_leaves_nothing(tmp_path, monkeypatch):
    target = tmp_path / "a.txt"
    target.write_text("old")
    monkeypatch.setattr(os, "replace", lambda *args: (_ for _ in ()).throw(OSError(errno.EXDEV, "cross-device")))
    with pytest.raises(OutputWriteError):
        atomic_write_text(target, "new")
    assert target.read_text() == "old" and sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]


def test_template_on_a_full_disk_is_one_plain_line_and_keeps_the_old_file(tmp_path, monkeypatch, capsys):
    out = write_template(2024, tmp_path / "template.xlsx")
    before = snapshot(tmp_path)
    _failing_write(monkeypatch, OSError(errno.ENOSPC, "No space left on device"), after_bytes=1000)
    code, errors = run(["template", "--edition", 2024, "--out", out, "--force"], capsys)
    assert code == cli.EXIT_BAD_INPUT and len(errors) == 1
    assert str(out) in errors[0] and "disk is full" in errors[0]
    assert snapshot(tmp_path) == before


def test_a_rewritten_file_keeps_its_permissions_and_links(tmp_path):
    kept = tmp_path / "kept.txt"
    kept.write_text("old")
    kept.chmod(0o640)
    atomic_write_text(kept, "new")
    assert kept.read_text() == "new" and stat.S_IMODE(kept.stat().st_mode) == 0o640
    mask = os.umask(0o022)
    os.umask(mask)
    fresh = atomic_write_text(tmp_path / "fresh.txt", "x")
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o666 & ~mask
    link = tmp_path / "link.txt"
    link.symlink_to(kept)
    atomic_write_bytes(link, b"through the link")
    assert link.is_symlink() and kept.read_bytes() == b"through the link"


def test_a_failed_report_copy_leaves_no_staging_folder(tmp_path, monkeypatch):
    from piilib.report import build as report_build

    html = tmp_path / "cache" / "html"
    html.mkdir(parents=True)
    (html / "index.html").write_text("<html></html>")
    out = tmp_path / "out" / "2024-can-tho"

    def copy2(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(report_build.shutil, "copy2", copy2)
    with pytest.raises(OSError):
        report_build._stage(out, html, tmp_path / "cache" / "book.pdf")
    assert list(out.parent.iterdir()) == []


# --------------------------------------------------------------------------- output path problems


def _bad_outputs(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    (tmp_path / "a-folder").mkdir()
    (tmp_path / "a-file.txt").write_text("x")
    return {
        "missing folder": (tmp_path / "missing" / "out.xlsx", "does not exist"),
        "output is a folder": (tmp_path / "a-folder", "is a folder"),
        "parent is a file": (tmp_path / "a-file.txt" / "out.xlsx", "is a file, not a folder"),
    }


@pytest.mark.parametrize("case", ["missing folder", "output is a folder", "parent is a file"])
@pytest.mark.parametrize("command", ["template", "targets"])
def test_bad_output_paths_are_one_plain_line(tmp_path, capsys, case, command):
    out, expected = _bad_outputs(tmp_path)[case]
    before = snapshot(tmp_path)
    argv = (["template", "--edition", 2024, "--out", out] if command == "template" else
            ["targets", "--edition", 2024, "--province", "can-tho", "--format", "xlsx", "--out", out])
    if command == "targets" and case == "output is a folder":
        argv[-1] = out.with_suffix(".xlsx")
        out.rename(argv[-1])
        before, out = snapshot(tmp_path), argv[-1]
    code, errors = run(argv, capsys)
    assert code == cli.EXIT_BAD_INPUT and len(errors) == 1, errors
    assert str(out) in errors[0] and expected in errors[0]
    assert snapshot(tmp_path) == before


def test_a_read_only_folder_is_one_plain_line(tmp_path, capsys, monkeypatch):
    # As root every folder is writable: simulate the refusal at both places it can come from.
    out = tmp_path / "template.xlsx"
    real_access = safe_write.os.access
    monkeypatch.setattr(safe_write.os, "access", lambda *args, **kwargs: False)
    code, errors = run(["template", "--edition", 2024, "--out", out], capsys)
    assert code == cli.EXIT_BAD_INPUT and len(errors) == 1
    assert str(tmp_path) in errors[0] and "read-only" in errors[0]
    monkeypatch.setattr(safe_write.os, "access", real_access)  # not undo(): that would drop LANG=en too

    def refuse(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", str(tmp_path / ".x.part"))

    monkeypatch.setattr(safe_write.tempfile, "mkstemp", refuse)
    code, errors = run(["template", "--edition", 2024, "--out", out], capsys)
    assert code == cli.EXIT_BAD_INPUT and len(errors) == 1
    assert errors[0] == f"error: cannot write {out}: no permission to write in {tmp_path}; " \
                        "choose a folder you can write to"
    assert not out.exists()


@pytest.mark.skipif(IS_ROOT, reason="root may write into a read-only folder")
def test_a_really_read_only_folder_is_one_plain_line(tmp_path, capsys):
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        code, errors = run(["template", "--edition", 2024, "--out", folder / "t.xlsx"], capsys)
    finally:
        folder.chmod(0o755)
    assert code == cli.EXIT_BAD_INPUT and len(errors) == 1 and "read-only" in errors[0]


def test_os_errors_read_as_one_plain_line():
    error = OutputWriteError(errno.ENOSPC, "No space left on device", "out/x.csv")
    assert safe_write.describe_os_error(error) == (
        "cannot write out/x.csv: the disk is full; free some space and run again "
        "(an earlier file of that name is unchanged)")
    plain = PermissionError(errno.EACCES, "Permission denied", "data/x.csv")
    assert safe_write.describe_os_error(plain) == "data/x.csv: permission denied; check that you may read (or write) it"


def test_the_projects_data_files_are_always_inputs(tmp_path, capsys):
    framework = sorted((DATA_DIR / "framework").iterdir())[0]
    before = framework.read_bytes()
    code, errors = run(["template", "--edition", 2024, "--out", framework, "--force"], capsys)
    assert code == cli.EXIT_BAD_INPUT and len(errors) == 1 and "input folder" in errors[0]
    assert framework.read_bytes() == before


@pytest.mark.parametrize("command", ["index", "demo", "build"])
def test_an_output_folder_that_is_a_file_is_one_plain_line(tmp_path, capsys, command, no_build):
    examples = Path(__file__).resolve().parents[1] / "data" / "examples"
    out = tmp_path / "a-file"
    out.write_text("keep me")
    argv = {
        "index": ["index", "--idata", examples / "asem-iData.csv", "--imeta", examples / "asem-iMeta.csv",
                  "--spec", examples / "asem-method.yml", "--out", out],
        "demo": ["demo", "--out", out],
        "build": ["build", "--edition", 2024, "--out", out],
    }[command]
    code, errors = run(argv, capsys)
    assert code == cli.EXIT_BAD_INPUT and len(errors) == 1 and f"{out} is a file, not a folder" in errors[0]
    assert out.read_text() == "keep me" and no_build == []
