"""The report build: data check → _toc.yml → shared results → chapters (papermill, parallel,
cached) → book → HTML → PDF → publish.

Everything is built inside the cache directory; the published directory is replaced in one
step at the very end, so a build that fails anywhere leaves the last good report exactly as
it was. The staging folders beside --out are removed on every failure path (including
Ctrl+C); those of a build that was killed are removed by the next build.

Locks. A build holds two locks (`build_lock`): one on the output folder (a file
`.<out>.lock` beside it) and one on the cache (`.lock` inside it). A second build into the
same --out or cache refuses at once with `BuildLocked`, naming the holder (pid, host, start
time); it touches nothing. The locks are `flock` locks, which the system releases when the
holding process dies: the lock of a killed build is taken over by the next one.

--no-pdf keeps a previously published PDF (copied into the new report folder unchanged) and
the result says so (`BuildResult.kept_pdf`): the PDF was not rebuilt and is from its date.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import datetime
import difflib
import fcntl
import functools
import json
import os
import socket
import shutil
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml
from tqdm import tqdm

import piilib
from piilib.report import lean_start  # noqa: F401 - first: the build's processes start faster
from piilib import schema, units
from piilib.bundle import DEMO_DIR, load_bundle, official_files
from piilib.report import book, chapters, data, execute, shared
from piilib.messages import Said, text
from piilib.report.markup import escape_markdown
from piilib.report.notice import notice_for
from piilib.report.tables import provenance_legend

# The project's own files are found from the package (like piilib.units finds data/units);
# the published report and the cache go where the user runs the command.
PROJECT_ROOT = Path(piilib.__file__).resolve().parents[2]
DEFAULT_PROVINCE = "can-tho"
DEFAULT_DATA_PATH = DEMO_DIR
DEFAULT_TOC = PROJECT_ROOT / chapters.TOC_FILE
DEFAULT_STATIC_DIR = PROJECT_ROOT / "book"
DEFAULT_BASE_CONFIG = PROJECT_ROOT / "_config.yml"
HTML_DIR = "html"
BOOK_TITLE = "Báo cáo Chỉ số Đổi mới sáng tạo cấp địa phương (PII) năm {edition} — {province}"
RUNNING_TITLE = "PII {edition} — {province}"


class DataProblems(ValueError):
    """The input data cannot be used; `problems` lists them in plain words."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


class BuildLocked(RuntimeError):
    """Another build holds the output folder or the cache; `holder` describes it."""

    def __init__(self, what: str, path: Path, holder: str):
        self.what, self.path, self.holder = what, path, holder
        from piilib.messages import text

        output = what == "output folder"
        super().__init__(text("build.locked", what=text("build.locked.output" if output else "build.locked.cache"),
                              path=path, holder=holder, option="--out" if output else "--cache-dir"))


def _holder_text(lock_path: Path) -> str:
    from piilib.messages import text

    try:
        info = json.loads(lock_path.read_text(encoding="utf-8"))
        return text("build.holder", pid=info["pid"], host=info["host"], started=info["started"])
    except (OSError, ValueError, KeyError, TypeError):
        return text("build.holder.starting")


@contextlib.contextmanager
def build_lock(lock_path: Path, what: str, target: Path):
    """Hold an exclusive lock on `lock_path` for the block; BuildLocked (naming `what`
    `target` and the holder) when another process holds it. The lock file is removed when
    the block ends."""
    lock_path = Path(lock_path)
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    while True:
        handle = open(lock_path, "a+", encoding="utf-8")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            raise BuildLocked(what, target, _holder_text(lock_path)) from None
        # The file may have been removed by the holder that just released it: lock the live one.
        try:
            same = os.fstat(handle.fileno()).st_ino == lock_path.stat().st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        handle.close()
    try:
        handle.seek(0)
        handle.truncate()
        started = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
        handle.write(json.dumps({"pid": os.getpid(), "host": socket.gethostname(), "started": started}))
        handle.flush()
        yield
    finally:
        lock_path.unlink(missing_ok=True)
        handle.close()


LOCK_SUFFIX = ".lock"


def out_lock_path(out_dir: Path) -> Path:
    return Path(out_dir).parent / f".{Path(out_dir).name}{LOCK_SUFFIX}"


def cache_lock_path(cache_dir: Path) -> Path:
    return Path(cache_dir) / LOCK_SUFFIX


def _remove_stale_staging(out_dir: Path) -> None:
    """Staging folders of earlier builds into `out_dir` that were killed (only the holder of
    the output lock stages, so any left while it is held are stale)."""
    if out_dir.parent.is_dir():
        for stale in out_dir.parent.glob(f".{out_dir.name}.*-*"):
            if stale.is_dir() and (".new-" in stale.name or ".old-" in stale.name):
                shutil.rmtree(stale, ignore_errors=True)


@dataclass
class BuildOptions:
    """What to build and where. Relative paths are relative to the working directory; the
    defaults for templates, static pages, configuration and data are the project's own.

    toc: the book's table of contents (`_toc.yml`); the files it lists are relative to it.
    indicators: (code, name) of the plan's indicators in report order, over which the entry
    with `repeat: plan_indicators` is repeated. None: the plan's (`piilib.plan`).
    jobs: chapters executed at once; None: one per available core.
    share_results: compute the edition's heavy results once for all chapters
    (`piilib.report.shared`); off for books whose chapters do not use them.
    library: the library's code and data files, part of every chapter's cache key; None: all
    of piilib and the project's data/ directory (`library_inputs()`).
    extra_inputs: further files or directories the chapters read; their contents are part of
    every chapter's cache key too, as is the data.
    data_path: anything `piilib.bundle.load_bundle` reads; None: the bundled data/demo.
    """

    edition: int
    province: str = DEFAULT_PROVINCE
    data_path: Path | None = None
    out_dir: Path | None = None
    pdf: bool = True
    toc: Path = DEFAULT_TOC
    static_dir: Path = DEFAULT_STATIC_DIR
    base_config: Path = DEFAULT_BASE_CONFIG
    cache_dir: Path | None = None
    indicators: Sequence[tuple[str, str]] | None = None
    province_name: str | None = None  # default: the unit's Vietnamese name (piilib.units)
    library: Sequence[Path] | None = None
    extra_inputs: Sequence[Path] = ()
    progress: bool = True
    jobs: int | None = None
    share_results: bool = True
    # The PDF cover: the workshop the report serves and its date (None: a draft dated with the
    # build date); draft: "BẢN THẢO" on every page.
    workshop: str | None = None
    workshop_date: date | None = None
    draft: bool = False

    def __post_init__(self):
        slug = f"{self.edition}-{self.province}"
        self.data_path = Path(DEFAULT_DATA_PATH if self.data_path is None else self.data_path)
        self.out_dir = Path(self.out_dir or Path("out") / slug)
        self.cache_dir = Path(self.cache_dir or Path("build") / "report" / slug)


@dataclass
class BuildResult:
    out_dir: Path
    html_index: Path
    pdf: Path | None
    notice: str | None  # the notice shown on every page (None: all data official)
    executed: list[str] = field(default_factory=list)
    cached: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # Wall seconds of each step ("chapters", "html", "pdf"), for the benchmark.
    timings: dict[str, float] = field(default_factory=dict)
    # Chapter key (and execute.BEFORE_TIMING) -> (wall seconds, CPU seconds) of every chapter
    # executed and of the shared results' computation.
    chapter_timings: dict[str, tuple[float, float]] = field(default_factory=dict)
    # --no-pdf: the previously published PDF kept unchanged, and its modification time.
    kept_pdf: Path | None = None
    kept_pdf_time: datetime.datetime | None = None

    def summary(self) -> str:
        from piilib.messages import text

        if self.pdf:
            pdf = str(self.pdf)
        elif self.kept_pdf:
            pdf = text("build.summary.pdf_kept", path=self.kept_pdf, time=f"{self.kept_pdf_time:%Y-%m-%d %H:%M}")
        else:
            pdf = text("build.summary.no_pdf")
        data_kind = (text("build.summary.notice", notice=self.notice) if self.notice
                     else text("build.summary.official"))
        warnings = text("build.summary.warnings", count=len(self.warnings)) if self.warnings else ""
        return text("build.summary", html=self.html_index, pdf=pdf, executed=len(self.executed),
                    cached=len(self.cached), data=data_kind, warnings=warnings)


# Modules that run only in the build process, never in a chapter's kernel: editing them
# (the build driver, the CLI) does not change any chapter, so they are not in its cache key.
BUILD_ONLY = ("cli.py", "commands", "report/build.py", "report/book.py", "report/execute.py",
              "report/chapters.py", "report/sphinx_pii.py", "report/lean_start.py")


def library_inputs() -> list[Path]:
    """The library's code the chapters run (not the build-only modules) and the data files it
    reads (framework, units, plan ...)."""
    package = Path(piilib.__file__).resolve().parent
    code = sorted(
        path for path in package.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
        and not any(path.relative_to(package).as_posix() == excluded
                    or path.relative_to(package).as_posix().startswith(excluded + "/")
                    for excluded in BUILD_ONLY)
    )
    bundled = PROJECT_ROOT / "data"
    return code + ([bundled] if bundled.is_dir() else [])


def plan_indicators(province: str = DEFAULT_PROVINCE, edition: int | None = None) -> list[tuple[str, str]]:
    """(code, name) of the province's plan indicators, in the plan's order (weak ones first);
    empty for a province without a plan (its book has no indicator chapters). With `edition`,
    the name is the edition's framework's (what the indicator measures in that edition: 5.2.3
    is a number of projects per 1,000 firms, which the plan calls "Tỷ lệ các dự án…"); the
    plan's own wording otherwise, and for a code the framework lacks."""
    from piilib.framework import indicators as framework_indicators, load_framework
    from piilib.plan import load_plan

    plan = load_plan(province=province)
    if plan is None:
        return []
    indicators = plan.indicators
    names = dict(zip(indicators["code"].astype(str), indicators["name_vi"].astype(str)))
    if edition is not None:
        framework = framework_indicators(load_framework(int(edition)))
        names.update({code: name for code, name in zip(framework["code"].astype(str), framework["name_vi"].astype(str))
                      if code in names})
    return [(code, names[code]) for code in indicators["code"].astype(str)]


def _province_problems(province: str, edition: int) -> list[str]:
    known = units.load_units(edition)[schema.UNIT]
    if (known == province).any():
        return []
    close = difflib.get_close_matches(province, known.tolist(), n=3)
    hint = text("build.unknown_province.hint", names=", ".join(close)) if close else ""
    return [Said("build.unknown_province", province=province, edition=edition, map=units.era(edition), hint=hint)]


def _place(province: str, edition: int, name: str) -> str:
    """"thành phố Cần Thơ" / "tỉnh An Giang": the province as the cover names it."""
    table = units.load_units(edition).set_index(schema.UNIT)
    central = bool(table.loc[province, "is_central_city"]) if province in table.index else False
    return book.place_name(name, central)


def _province_name(province: str, edition: int) -> str:
    table = units.load_units(edition).set_index(schema.UNIT)
    return str(table.loc[province, "name_vi"])


def build_report(options: BuildOptions) -> BuildResult:
    """Build the report described by `options` and publish it into `options.out_dir`.

    Raises DataProblems (unusable data), chapters.TocError (a table of contents that cannot
    be read or expanded), execute.ChapterFailed (a chapter raised), book.BookBuildFailed
    (Jupyter Book / LaTeX / offline / glyph check). On any of them nothing is published.

    Chapters run in worker processes started afresh ("spawn"): a script that calls this
    function must do so under `if __name__ == "__main__":`.
    """
    data_path = Path(options.data_path).resolve()
    problems = data.validate_data(data_path, options.edition)
    if options.province_name is None:
        problems += _province_problems(options.province, options.edition)
    if problems:
        raise DataProblems(problems)
    out_dir = Path(options.out_dir)
    cache_dir = Path(options.cache_dir)
    with build_lock(out_lock_path(out_dir), "output folder", out_dir), \
            build_lock(cache_lock_path(cache_dir), "cache", cache_dir):
        _remove_stale_staging(out_dir)
        return _build_locked(options, data_path)


def _build_locked(options: BuildOptions, data_path: Path) -> BuildResult:
    # The notice follows what the chapters use: values, history and covariates of the edition.
    try:
        bundle = load_bundle(data_path, options.edition)
    except ValueError as error:  # e.g. a file of the official folder that cannot be used
        raise DataProblems(str(error).splitlines()) from None
    show_notice = notice_for(bundle, options.edition)
    indicators = (plan_indicators(options.province, options.edition) if options.indicators is None
                  else options.indicators)
    province_name = options.province_name or _province_name(options.province, options.edition)
    contents, warnings = chapters.read_book(
        Path(options.toc), {chapters.PLAN_INDICATORS: list(indicators)},
        title_values={"province_name": province_name, "edition": str(options.edition)},
    )
    for warning in warnings:
        print(text("cli.warning", text=warning), file=sys.stderr)
    library = library_inputs() if options.library is None else options.library
    # The official folder (piilib.bundle.official_files) is data too, wherever it is.
    inputs = data.fingerprint_paths(
        [data_path, *official_files(), *map(Path, library), *map(Path, options.extra_inputs)]
    )
    common = chapters.common_parameters(options.edition, options.province, data_path)
    runs = chapter_runs(contents.chapters, common, inputs)

    # Absolute: kernels run in their own working directories and find the results by path.
    cache_dir = Path(options.cache_dir).resolve()
    result = BuildResult(
        options.out_dir, options.out_dir / HTML_DIR / "index.html", None, show_notice,
        warnings=list(warnings),
    )
    results_dir = cache_dir / "shared"
    results_path = results_dir / f"{shared.results_key(options.edition, options.province, inputs)}.pickle"
    to_run = [run for run in runs
              if not (cache_dir / "chapters" / run[3] / execute.NOTEBOOK_NAME).is_file()]
    prepare = None
    if options.share_results and to_run and not (results_path.is_file()
                                                  and shared.variants_path(results_path).is_file()):
        shared.mark_pending(results_path)
        prepare = functools.partial(shared.prepare_results, options.edition, options.province,
                                    data_path, results_path)
    started = time.perf_counter()
    with tqdm(total=len(runs), desc=text("build.progress"), unit=text("build.progress.unit"),
              disable=not options.progress) as progress:
        def on_done(chapter, ran):
            (result.executed if ran else result.cached).append(chapter.key)
            progress.set_postfix_str(chapter.key)
            progress.update()

        try:
            done = execute.execute_chapters(
                runs, cache_dir, jobs=options.jobs, before=prepare, on_done=on_done,
                environment={shared.ENV_VAR: str(results_path)}, timings=result.chapter_timings,
            )
        finally:
            shared.clear_pending(results_path)
    result.timings["chapters"] = time.perf_counter() - started
    order = [chapter.key for chapter in contents.chapters]
    result.executed.sort(key=order.index)
    result.cached.sort(key=order.index)
    pages = [(chapter.key, done[chapter.key][0] / execute.NOTEBOOK_NAME,
              done[chapter.key][0] / execute.FILES_DIR) for chapter in contents.chapters]
    keys = {run[3] for run in runs}

    pdf_stem = f"pii-{options.edition}-{options.province}"
    base = yaml.safe_load(Path(options.base_config).read_text(encoding="utf-8"))
    config = book.book_config(
        base,
        title=BOOK_TITLE.format(edition=options.edition, province=province_name),
        running_title=RUNNING_TITLE.format(edition=options.edition, province=province_name),
        notice=show_notice,
        pdf_stem=pdf_stem,
        # Substitution values are read as Markdown: the name is shown literally.
        # The legend of the provenance marks is a table of its own (book/intro.md shows it).
        substitutions={"edition": str(options.edition), "province_name": str(escape_markdown(province_name)),
                       "provenance_legend": provenance_legend()},
        issuer=book.ISSUER,
        place=_place(options.province, options.edition, province_name),
        city=province_name,
        workshop=options.workshop or book.DEFAULT_WORKSHOP.format(edition=options.edition),
        workshop_date=options.workshop_date,
        draft=options.draft,
        pdf=options.pdf,
    )
    # HTML and PDF are built at the same time from two copies of the source (Sphinx keeps
    # its state beside the source; two builders on one tree would share it).
    files = book.book_files(Path(options.static_dir), config, contents.toc, pages, contents.pages)
    source, pdf_source = cache_dir / "book", cache_dir / "book-pdf"
    book.write_tree(source, files)
    if options.pdf:
        book.write_tree(pdf_source, files)

    def timed(step, function, *arguments):
        started = time.perf_counter()
        value = function(*arguments)
        result.timings[step] = time.perf_counter() - started
        return value

    jobs = options.jobs or execute.default_jobs()
    with ThreadPoolExecutor(max_workers=2 if jobs > 1 else 1) as pool:
        html_future = pool.submit(timed, "html", book.build_html, source)
        pdf_future = (pool.submit(timed, "pdf", book.build_pdf, pdf_source, pdf_stem)
                      if options.pdf else None)
        html_dir = html_future.result()
        pdf = pdf_future.result() if pdf_future else None

    kept = [] if pdf else _published_pdfs(Path(options.out_dir))
    staged = _stage(options.out_dir, html_dir, pdf, kept)
    try:
        publish(staged, options.out_dir)
    finally:
        shutil.rmtree(staged, ignore_errors=True)
    if kept:
        result.kept_pdf = Path(options.out_dir) / kept[0].name
        result.kept_pdf_time = datetime.datetime.fromtimestamp(result.kept_pdf.stat().st_mtime)
    execute.prune_cache(cache_dir, keys)
    shared.prune_results(results_dir, results_path, execute.CACHE_BUILDS)
    if pdf:
        result.pdf = options.out_dir / pdf.name
    return result


def chapter_runs(
    chapter_list: list[chapters.Chapter], common: dict[str, str], inputs: str
) -> list[tuple[chapters.Chapter, Path, dict[str, str], str]]:
    """(chapter, template, parameters, cache key) of every chapter: each notebook receives
    the parameters its `parameters` cell declares, of those the build offers."""
    declared: dict[Path, set[str]] = {}
    runs = []
    for chapter in chapter_list:
        template = chapter.template
        if template not in declared:
            declared[template] = execute.declared_parameters(template)
        missing = sorted(set(chapter.parameters) - declared[template])
        if missing:
            raise chapters.TocError(text("toc.undeclared_parameters", template=template, names=", ".join(missing)))
        offered = {**common, **chapter.parameters}
        parameters = {name: value for name, value in offered.items() if name in declared[template]}
        runs.append((chapter, template, parameters,
                     execute.cache_key(template, chapter, parameters, inputs)))
    return runs


def _published_pdfs(out_dir: Path) -> list[Path]:
    """The PDF files of the report published in `out_dir` (none when there is none)."""
    return sorted(out_dir.glob("*.pdf")) if out_dir.is_dir() else []


def _stage(out_dir: Path, html_dir: Path, pdf: Path | None, kept: Sequence[Path] = ()) -> Path:
    """Copy the finished report next to `out_dir` (same file system, so the swap is a rename);
    `kept`: earlier files (the previous PDF under --no-pdf) copied with their times."""
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staged = out_dir.parent / f".{out_dir.name}.new-{os.getpid()}"
    shutil.rmtree(staged, ignore_errors=True)
    try:
        shutil.copytree(html_dir, staged / HTML_DIR)
        if pdf:
            shutil.copy2(pdf, staged / pdf.name)
        for previous in kept:
            shutil.copy2(previous, staged / previous.name)
    except BaseException:  # full disk, Ctrl+C ...: leave no partial copy beside out_dir
        shutil.rmtree(staged, ignore_errors=True)
        raise
    return staged


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths atomically (Linux renameat2); False where the system cannot."""
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    status = renameat2(
        _AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE
    )
    return status == 0


def publish(staged: Path, out_dir: Path) -> None:
    """Replace `out_dir` by `staged`: one atomic exchange where the system supports it, two
    renames otherwise; readers never see a half-written report."""
    if not out_dir.exists():
        staged.rename(out_dir)
        return
    if _exchange(staged, out_dir):
        shutil.rmtree(staged)
        return
    previous = out_dir.parent / f".{out_dir.name}.old-{os.getpid()}"
    out_dir.rename(previous)
    try:
        staged.rename(out_dir)
    except BaseException:
        previous.rename(out_dir)
        raise
    finally:
        if out_dir.exists():
            shutil.rmtree(previous, ignore_errors=True)
