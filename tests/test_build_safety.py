"""Build safety: faults at several points leave the previous report byte-identical and nothing
behind; two builds at once: the second refuses naming the holder; --no-pdf keeps the old PDF.

The fixture book's chapters run for real (papermill, cached after the first build); the HTML
and PDF steps are replaced by fakes that write a few files, so each build takes a moment.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import piilib.report.tables
from piilib.cli import main
from piilib.report import book, execute
from piilib.report import build as report_build
from piilib.report.build import BuildLocked, BuildOptions, build_report

FIXTURES = Path(__file__).parent / "fixtures" / "book"
BASE_CONFIG = Path(__file__).parents[1] / "_config.yml"
DATA = FIXTURES / "data" / "official.csv"


@pytest.fixture
def fake_book(monkeypatch):
    """HTML and PDF steps that write small files (a counter makes each build's output differ)."""
    calls = {"n": 0}

    def build_html(source: Path) -> Path:
        calls["n"] += 1
        html = source / book.BUILD_DIR / "html"
        shutil.rmtree(html, ignore_errors=True)
        (html / "sub").mkdir(parents=True)
        (html / "index.html").write_text(f"<p>build {calls['n']}</p>", encoding="utf-8")
        (html / "sub" / "page.html").write_text("page", encoding="utf-8")
        return html

    def build_pdf(source: Path, stem: str) -> Path:
        pdf = source / book.BUILD_DIR / f"{stem}.pdf"
        pdf.parent.mkdir(parents=True, exist_ok=True)
        pdf.write_bytes(b"%PDF-fake " + str(calls["n"]).encode())
        return pdf

    monkeypatch.setattr(book, "build_html", build_html)
    monkeypatch.setattr(book, "build_pdf", build_pdf)
    return calls


def options(root: Path, pdf: bool = True) -> BuildOptions:
    return BuildOptions(
        base_config=BASE_CONFIG, edition=2024, province="can-tho", data_path=DATA,
        toc=FIXTURES / "_toc.yml", share_results=False, out_dir=root / "site" / "out",
        cache_dir=root / "cache", indicators=[("6.2.4", "Đơn đăng ký")],
        library=[Path(piilib.report.tables.__file__)], pdf=pdf, progress=False, jobs=1,
    )


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def leftovers(root: Path) -> list[str]:
    """Anything a build leaves that is not the published folder or the cache's own entries:
    staging folders, lock files, pending markers."""
    found = [p.name for p in (root / "site").iterdir() if p.name != "out"]
    found += [p.relative_to(root).as_posix() for p in (root / "cache").rglob("*")
              if p.name == report_build.LOCK_SUFFIX or p.name.endswith(".pending")]
    return found


def boom(*args, **kwargs):
    raise OSError(28, "No space left on device")


def interrupt(*args, **kwargs):
    raise KeyboardInterrupt


def copy_then_fail(source, target, *args, **kwargs):
    """Copy one file, then fail: a disk that fills up in the middle of staging."""
    shutil.copyfile(source, target)
    raise OSError(28, "No space left on device")


# (what to replace, by what): the chapters, the book tree, the HTML build, the copy into the
# staging folder (disk full half-way), the swap into place (Ctrl+C), the PDF build.
FAULTS = [
    ("execute_chapters", interrupt),
    ("write_tree", boom),
    ("build_html", interrupt),
    ("build_pdf", boom),
    ("copy2", copy_then_fail),
    ("_exchange", interrupt),
]


@pytest.mark.parametrize("target, fault", FAULTS, ids=[name for name, _ in FAULTS])
def test_a_fault_anywhere_leaves_the_previous_report_and_nothing_else(tmp_path, fake_book, monkeypatch,
                                                                      target, fault):
    first = build_report(options(tmp_path))
    before = snapshot(first.out_dir)
    assert "index.html" in "".join(before) and any(name.endswith(".pdf") for name in before)
    owner = {"execute_chapters": execute, "write_tree": book, "build_html": book, "build_pdf": book,
             "copy2": shutil, "_exchange": report_build}[target]
    monkeypatch.setattr(owner, target, fault)
    with pytest.raises((OSError, KeyboardInterrupt)):
        build_report(options(tmp_path))
    monkeypatch.undo()
    assert snapshot(first.out_dir) == before
    assert leftovers(tmp_path) == []


def test_staging_left_by_a_killed_build_is_removed_by_the_next(tmp_path, fake_book):
    build_report(options(tmp_path))
    stale = tmp_path / "site" / ".out.new-999999"
    (stale / "html").mkdir(parents=True)
    build_report(options(tmp_path))
    assert not stale.exists() and leftovers(tmp_path) == []


HOLD = """
import sys, time
from pathlib import Path
from piilib.report.build import build_lock, out_lock_path
out = Path(sys.argv[1])
with build_lock(out_lock_path(out), "output folder", out):
    print("held", flush=True)
    time.sleep(120)
"""


@pytest.mark.usefixtures("english")  # asserts the English message
def test_a_second_build_into_the_same_folder_refuses_and_names_the_holder(tmp_path, fake_book, capsys):
    build_report(options(tmp_path))
    before = snapshot(tmp_path / "site" / "out")
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(tmp_path / "site" / "out")],
                              stdout=subprocess.PIPE, text=True, env={**os.environ})
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(BuildLocked) as refused:
            build_report(options(tmp_path))
        assert f"pid {holder.pid}" in str(refused.value) and "started" in str(refused.value)
        # The command line: exit 2, one plain message, no traceback.
        code = main(["build", "--edition", "2024", "--province", "Cần Thơ", "--data", str(DATA),
                     "--toc", str(FIXTURES / "_toc.yml"), "--out", str(tmp_path / "site" / "out"),
                     "--cache-dir", str(tmp_path / "cache"), "--quiet", "--no-pdf"])
        err = capsys.readouterr().err
        assert code == 2 and f"pid {holder.pid}" in err and "Traceback" not in err
        assert snapshot(tmp_path / "site" / "out") == before
    finally:
        os.kill(holder.pid, signal.SIGKILL)  # dies holding the lock: its lock file stays behind
        holder.wait()
    assert (tmp_path / "site" / ".out.lock").exists()
    result = build_report(options(tmp_path))  # the dead holder's lock is taken over
    assert result.out_dir.is_dir() and leftovers(tmp_path) == []


@pytest.mark.usefixtures("english")  # asserts the English summary line
def test_no_pdf_keeps_the_previous_pdf_and_says_so(tmp_path, fake_book):
    first = build_report(options(tmp_path))
    pdf_before = first.pdf.read_bytes()
    second = build_report(options(tmp_path, pdf=False))
    assert second.pdf is None and second.kept_pdf == first.pdf
    assert second.kept_pdf.read_bytes() == pdf_before
    assert (second.out_dir / "html" / "index.html").read_text(encoding="utf-8") == "<p>build 2</p>"
    assert "previous PDF" in second.summary() and f"{second.kept_pdf_time:%Y-%m-%d}" in second.summary()


# A parent running two chapters whose kernels sleep; it prints READY when the workers start.
SLEEPING_BUILD = r"""
import sys
import time
from pathlib import Path
import nbformat
from piilib.cli import main as _unused  # the CLI's imports, as a build has them
from piilib.report.chapters import Chapter
from piilib.report.execute import execute_chapters

work = Path(sys.argv[1])
template = work / "sleep.ipynb"
notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import time\ntime.sleep(60)")])
notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
nbformat.write(notebook, template)
runs = [(Chapter(key, template), template, {}, key) for key in ("one", "two", "three")]
print("READY", flush=True)
try:
    execute_chapters(runs, work / "cache", jobs=2, before=None)
except KeyboardInterrupt:
    print("INTERRUPTED", flush=True)
    sys.exit(130)
"""


@pytest.mark.slow
def test_ctrl_c_stops_the_chapter_workers_at_once_without_tracebacks(tmp_path):
    parent = subprocess.Popen([sys.executable, "-c", SLEEPING_BUILD, str(tmp_path)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, start_new_session=True)
    assert parent.stdout.readline().strip() == "READY"
    # Until the kernels run their cell (a running directory per chapter), then Ctrl+C.
    deadline = time.monotonic() + 60
    while len(list((tmp_path / "cache" / "chapters").glob(".running-*"))) < 2:
        assert time.monotonic() < deadline, "the chapter workers never started"
        time.sleep(0.2)
    time.sleep(3)  # the kernels are in their sleep
    interrupted = time.monotonic()
    os.killpg(parent.pid, signal.SIGINT)  # what the terminal sends to the whole process group
    out, err = parent.communicate(timeout=30)
    assert parent.returncode == 130 and out.strip() == "INTERRUPTED"
    assert time.monotonic() - interrupted < 15, "the build waited for the running chapters"
    assert "Traceback" not in err and "Task exception" not in err, err
    assert not (tmp_path / "cache" / "chapters").exists() or not [
        p for p in (tmp_path / "cache" / "chapters").iterdir() if not p.name.startswith(".running-")
    ], "an interrupted chapter entered the cache"
