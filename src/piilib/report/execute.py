"""Execute chapter templates with papermill, once per distinct input, and finish the pages.

A chapter's cache key is a hash of its template's bytes, its parameters, its title and a
fingerprint of everything else it reads (the data and the library). An executed chapter is
stored under `<cache_dir>/chapters/<key>/`: `notebook.ipynb` (the finished page) and
`files/`, the kernel's working directory, so anything the chapter writes there (e.g. an Excel
workbook offered for download) is published beside the page.

A failed run never reaches the cache: its notebook is kept under `<cache_dir>/failed/` for
inspection and `ChapterFailed` names the template, the cell and the error.

Chapters run in parallel (`execute_chapters`: one worker process per core, each driving one
kernel). Kernels that start at the same moment can pick the same free port (papermill #511);
a run that failed before any cell executed is therefore retried.

The cache keeps the entries of the last CACHE_BUILDS builds (`prune_cache`), so going back to
an earlier version of a chapter, the data or the library costs no execution.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import re
import resource
import shutil
import signal
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from pathlib import Path

from piilib.report import lean_start  # noqa: F401 - before nbformat: a faster start

import nbformat  # noqa: E402

from piilib.report.chapters import Chapter
from piilib.report.markup import escape_markdown

# Bump when the way finished notebooks are produced changes, so old cache entries are unused.
CACHE_FORMAT = 2
CELL_TIMEOUT_SECONDS = 600
CACHE_BUILDS = 5
BUILDS_FILE = "builds.json"
KERNEL_START_ATTEMPTS = 3
NOTEBOOK_NAME = "notebook.ipynb"
FILES_DIR = "files"
BEFORE_TIMING = "(shared results)"
PARAMETER_TAGS = ("parameters", "injected-parameters")
# A markdown cell with this tag is prose about results that may not exist for every province
# or data set (a plan's goals, an outlook): the page keeps it only when the notebook glued
# every value it refers to.
NEEDS_GLUE_TAG = "needs-glue"
GLUE_REFERENCE = re.compile(r"\{glue(?::[a-z]+)?\}`?\s*([A-Za-z_]\w*)")
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_HEADING = re.compile(r"^#\s+\S.*$", re.MULTILINE)
# A target name a markdown cell declares (`:name: fig-x` of a figure or table directive).
_NAME_OPTION = re.compile(r"^(:name:[ \t]+)(\S+)[ \t]*$", re.MULTILINE)


class ChapterFailed(Exception):
    """A chapter's notebook raised while executing."""

    def __init__(
        self,
        chapter: Chapter,
        template: Path,
        cell_index: int | None,
        first_line: str,
        error: str,
        traceback: str,
        kept_notebook: Path | None,
    ):
        self.chapter = chapter
        self.template = template
        self.cell_index = cell_index
        self.first_line = first_line
        self.error = error
        self.traceback = traceback
        self.kept_notebook = kept_notebook
        from piilib.messages import text

        where = (
            text("build.chapter_failed.cell", cell=cell_index, first_line=first_line)
            if cell_index is not None
            else text("build.chapter_failed.before")
        )
        super().__init__(
            text("build.chapter_failed", chapter=chapter.key, notebook=template, where=where, error=error)
        )

    def __reduce__(self):  # crosses the process boundary from a build worker
        return (type(self), (self.chapter, self.template, self.cell_index, self.first_line,
                             self.error, self.traceback, self.kept_notebook))


def cache_key(template: Path, chapter: Chapter, parameters: dict[str, str], inputs: str) -> str:
    """Hash of everything that decides a chapter's executed page."""
    payload = json.dumps(
        {
            "format": CACHE_FORMAT,
            "template": hashlib.sha256(Path(template).read_bytes()).hexdigest(),
            "parameters": parameters,
            "key": chapter.key,
            "title": chapter.title,
            "inputs": inputs,
        },
        sort_keys=True,
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode()).hexdigest()[:32]


def set_title(notebook: nbformat.NotebookNode, title: str) -> None:
    """Make `title` the page title: replace the first level-1 markdown heading, or add one.

    Pages generated from one template otherwise all carry the template's heading.
    """
    for cell in notebook.cells:
        if cell.cell_type == "markdown" and _HEADING.search(cell.source):
            cell.source = _HEADING.sub(lambda _: f"# {escape_markdown(title)}", cell.source, count=1)
            return
    notebook.cells.insert(0, nbformat.v4.new_markdown_cell(f"# {escape_markdown(title)}"))


def finish_notebook(notebook: nbformat.NotebookNode, chapter: Chapter) -> None:
    """Turn an executed notebook into the chapter's page, in place.

    Sets the title (when the chapter has one); drops the markdown cells tagged NEEDS_GLUE_TAG
    that refer to a value the notebook did not glue (e.g. the goals of a province without a
    plan); removes the parameter cells from the page (papermill writes Vietnamese strings there
    as escapes); gives cells ids unique across the book (pages made from one template would
    otherwise share them); makes the target names of a page made from a repeated template unique
    (`unique_names`).
    """
    if chapter.title:
        set_title(notebook, chapter.title)
    unique_names(notebook, chapter)
    glued = glued_keys(notebook)
    notebook.cells = [cell for cell in notebook.cells
                      if not (NEEDS_GLUE_TAG in cell.get("metadata", {}).get("tags", [])
                              and not set(glue_references(cell.source)) <= glued)]
    for index, cell in enumerate(notebook.cells):
        tags = cell.setdefault("metadata", {}).setdefault("tags", [])
        if any(tag in tags for tag in PARAMETER_TAGS) and "remove-cell" not in tags:
            tags.append("remove-cell")
        cell["id"] = f"{chapter.key}-{index}"[-64:]


def unique_names(notebook: nbformat.NotebookNode, chapter: Chapter) -> None:
    """Suffix the target names a page declares (`:name: fig-indicator-trend`) with what
    distinguishes it from the other pages of its template (`fig-indicator-trend-6-2-4`), and
    the page's references to them ({numref}`...`, {ref}`...`), in place: pages repeated from
    one template would otherwise declare the same names, which Sphinx refuses. A page of its
    own keeps its names (other pages may refer to them)."""
    stem = Path(chapter.template).stem
    if chapter.key == stem:
        return
    suffix = chapter.key.removeprefix(stem + "-")
    markdown = [cell for cell in notebook.cells if cell.cell_type == "markdown"]
    names = {match.group(2) for cell in markdown for match in _NAME_OPTION.finditer(cell.source)}
    if not names:
        return
    alternatives = "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True))
    reference = re.compile(r"(\{(?:numref|ref)\}`(?:[^`<]*<)?)(" + alternatives + r")(>?`)")
    for cell in markdown:
        cell.source = _NAME_OPTION.sub(lambda m: f"{m.group(1)}{m.group(2)}-{suffix}", cell.source)
        cell.source = reference.sub(lambda m: f"{m.group(1)}{m.group(2)}-{suffix}{m.group(3)}", cell.source)


def glued_keys(notebook: nbformat.NotebookNode) -> set[str]:
    """The MyST-NB glue keys an executed notebook holds (outputs marked by `glue`)."""
    return {output["metadata"]["scrapbook"]["name"]
            for cell in notebook.cells if cell.cell_type == "code"
            for output in cell.get("outputs", [])
            if output.get("metadata", {}).get("scrapbook", {}).get("name")}


def glue_references(markdown: str) -> list[str]:
    """The glue keys a markdown cell refers to (`{glue:text}`key``, `{glue:figure} key`, ...)."""
    return GLUE_REFERENCE.findall(markdown)


def _template_cell_index(notebook_path: Path, executed_index: int) -> int:
    """Map a cell index of the executed notebook back to the template: papermill inserted
    the injected-parameters cell (and, on failure, error banners, which it adds after
    reporting the index)."""
    cells = [
        cell
        for cell in nbformat.read(notebook_path, as_version=4).cells
        if "papermill-error-cell-tag" not in cell.get("metadata", {}).get("tags", [])
    ]
    injected = [
        i
        for i, cell in enumerate(cells)
        if "injected-parameters" in cell.get("metadata", {}).get("tags", [])
    ]
    return executed_index - sum(1 for i in injected if i < executed_index)


def _first_line(source: str) -> str:
    return next((line.strip() for line in source.splitlines() if line.strip()), "")


def declared_parameters(template: Path) -> set[str]:
    """Names the notebook's `parameters` cell declares (papermill's own reading of it)."""
    from papermill import inspect_notebook

    return set(inspect_notebook(str(template)))


def _template_cell_of(template: Path, source: str) -> int | None:
    """The index in `template` of the code cell with `source` (None: papermill's own cell)."""
    try:
        cells = nbformat.read(template, as_version=4).cells
    except Exception:  # noqa: BLE001 - the error names the template anyway
        return None
    return next((index for index, cell in enumerate(cells)
                 if cell.cell_type == "code" and cell.source == source), None)


def execute_chapter(
    chapter: Chapter,
    template: Path,
    parameters: dict[str, str],
    cache_dir: Path,
    key: str,
    environment: dict[str, str] | None = None,
) -> tuple[Path, bool]:
    """Executed page directory of `chapter` and whether it had to run (False: from cache).

    environment: variables set for the kernel (e.g. where the shared results are).
    Raises ChapterFailed when a cell raises.
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    entry = Path(cache_dir) / "chapters" / key
    if (entry / NOTEBOOK_NAME).is_file():
        return entry, False

    os.environ.update(environment or {})
    running = entry.with_name(f".running-{key}-{os.getpid()}")
    output = running / NOTEBOOK_NAME
    for attempt in range(1, KERNEL_START_ATTEMPTS + 1):
        shutil.rmtree(running, ignore_errors=True)
        (running / FILES_DIR).mkdir(parents=True)
        started: list[str] = []  # the sources of the code cells the kernel was given, in order
        try:
            papermill.execute_notebook(
                str(template),
                str(output),
                parameters=parameters,
                cwd=str(running / FILES_DIR),
                progress_bar=False,
                log_output=False,
                execution_timeout=CELL_TIMEOUT_SECONDS,
                # The page is complete when the last cell has run: stop the kernel at once
                # rather than wait for it to shut down (half a second per chapter).
                shutdown_kernel="immediate",
                # The page is written once, at the end (with papermill's error banner when a cell
                # raises), not twice per cell (0.4 CPU s a chapter); a failure of another kind
                # names the cell it stopped in from `started`.
                request_save_on_cell_execute=False,
                on_cell_execute=lambda cell, cell_index: started.append(cell.source),
                # The kernel logs to our stderr on every start and stop (plain-TCP warning, the
                # interrupt papermill sends at shutdown); cell errors still come through the
                # notebook.
                extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
            )
            break
        except PapermillExecutionError as error:
            kept = _keep_failed(output, cache_dir, chapter)
            cell_index = _template_cell_index(kept, error.cell_index) if kept else error.cell_index
            shutil.rmtree(running, ignore_errors=True)
            raise ChapterFailed(
                chapter,
                template,
                cell_index,
                _first_line(error.source),
                f"{error.ename}: {error.evalue}",
                _ANSI.sub("", "\n".join(error.traceback)),
                kept,
            ) from None
        except Exception as error:  # kernel died or did not start, timeout, bad template ...
            if attempt < KERNEL_START_ATTEMPTS and template.is_file() and not started:
                continue
            kept = _keep_failed(output, cache_dir, chapter)
            shutil.rmtree(running, ignore_errors=True)
            cell_index = _template_cell_of(template, started[-1]) if started else None
            raise ChapterFailed(
                chapter, template, cell_index, _first_line(started[-1]) if started else "",
                f"{type(error).__name__}: {error}", "", kept
            ) from None

    notebook = nbformat.read(output, as_version=4)
    finish_notebook(notebook, chapter)
    nbformat.write(notebook, output)
    shutil.rmtree(entry, ignore_errors=True)
    running.rename(entry)
    return entry, True


def _children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _execute_timed(*arguments) -> tuple[Path, bool, tuple[float, float]]:
    """`execute_chapter` in a build worker, with (wall seconds, CPU seconds of the kernel)."""
    started, cpu = time.perf_counter(), _children_cpu_seconds()
    entry, ran = execute_chapter(*arguments)
    return entry, ran, (time.perf_counter() - started, _children_cpu_seconds() - cpu)


def _timed_call(function: Callable[[], object]) -> tuple[object, tuple[float, float]]:
    """`function()` in a build worker, with (wall seconds, CPU seconds of the worker)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    started, cpu = time.perf_counter(), own.ru_utime + own.ru_stime
    value = function()
    own = resource.getrusage(resource.RUSAGE_SELF)
    return value, (time.perf_counter() - started, own.ru_utime + own.ru_stime - cpu)


def default_jobs() -> int:
    """Chapters run at once: the cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def execute_chapters(
    runs: Sequence[tuple[Chapter, Path, dict[str, str], str]],
    cache_dir: Path,
    *,
    jobs: int | None = None,
    environment: dict[str, str] | None = None,
    before: Callable[[], None] | None = None,
    on_done: Callable[[Chapter, bool], None] | None = None,
    timings: dict[str, tuple[float, float]] | None = None,
) -> dict[str, tuple[Path, bool]]:
    """Execute (chapter, template, parameters, cache key) runs, `jobs` at a time, in worker
    processes; cached chapters are not run. Returns chapter key -> (entry, ran).

    before: run in a worker of its own while the first chapters start (the build computes the
    shared results there). On a failed chapter the chapters not yet started are cancelled,
    the running ones finish (and are cached), and the ChapterFailed of the first failed chapter
    in book order is raised.

    timings: filled with chapter key -> (wall seconds, CPU seconds of its kernel) of every
    chapter executed, and BEFORE_TIMING -> (wall, CPU seconds) of `before`.
    """
    timings = {} if timings is None else timings
    done: dict[str, tuple[Path, bool]] = {}
    pending = []
    for chapter, template, parameters, key in runs:
        entry = Path(cache_dir) / "chapters" / key
        if (entry / NOTEBOOK_NAME).is_file():
            done[chapter.key] = (entry, False)
            if on_done:
                on_done(chapter, False)
        else:
            pending.append((chapter, template, parameters, key))
    if not pending:
        return done
    jobs = max(1, jobs or default_jobs())
    workers = min(jobs, len(pending)) + (1 if before else 0)
    # Fresh interpreters (not forks of a process that may hold threads and open kernels).
    context = multiprocessing.get_context("spawn")
    failures: dict[int, ChapterFailed] = {}
    order = {chapter.key: index for index, (chapter, *_rest) in enumerate(runs)}
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_leave_interrupts_to_parent)
    try:
        preparing = pool.submit(_timed_call, before) if before else None
        futures: dict[Future, Chapter] = {
            pool.submit(_execute_timed, chapter, template, parameters, cache_dir, key,
                        environment): chapter
            for chapter, template, parameters, key in pending
        }
        remaining = set(futures)
        while remaining:
            finished, remaining = wait(remaining, return_when=FIRST_COMPLETED)
            for future in finished:
                chapter = futures[future]
                if future.cancelled():
                    continue
                try:
                    entry, ran, timings[chapter.key] = future.result()
                    done[chapter.key] = (entry, ran)
                except ChapterFailed as failure:
                    failures[order[chapter.key]] = failure
                    for other in remaining:
                        other.cancel()
                    continue
                if on_done:
                    on_done(chapter, True)
        if preparing is not None:
            _, timings[BEFORE_TIMING] = preparing.result()
    except KeyboardInterrupt:
        _stop_workers(pool)
        raise
    finally:
        pool.shutdown(wait=True)  # at once after _stop_workers
    if failures:
        raise failures[min(failures)]
    return done


def _leave_interrupts_to_parent() -> None:
    """Build workers ignore Ctrl+C: the build stops them itself (`_stop_workers`) rather than
    have each one print the traceback of its interrupted kernel client."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """Cancel the chapters not started and end the workers now (Ctrl+C). A chapter enters the
    cache only when complete (a rename), so nothing half-written is kept; a worker's kernel
    exits when it sees its parent gone."""
    pool.shutdown(wait=False, cancel_futures=True)
    for worker in multiprocessing.active_children():
        worker.terminate()
    for worker in multiprocessing.active_children():
        worker.join(timeout=5)


def _keep_failed(output: Path, cache_dir: Path, chapter: Chapter) -> Path | None:
    if not output.is_file():
        return None
    failed = Path(cache_dir) / "failed"
    failed.mkdir(parents=True, exist_ok=True)
    kept = failed / f"{chapter.key}.ipynb"
    shutil.move(output, kept)
    return kept


def prune_cache(cache_dir: Path, keep: set[str], builds: int = CACHE_BUILDS) -> None:
    """Record `keep` (the chapter keys of the build that just succeeded) and remove the cache
    entries that none of the last `builds` builds used."""
    cache_dir = Path(cache_dir)
    record = cache_dir / BUILDS_FILE
    history: list[list[str]] = []
    if record.is_file():
        try:
            history = [list(keys) for keys in json.loads(record.read_text(encoding="utf-8"))]
        except (ValueError, TypeError):
            history = []
    history = (history + [sorted(keep)])[-builds:]
    cache_dir.mkdir(parents=True, exist_ok=True)
    record.write_text(json.dumps(history, indent=0), encoding="utf-8")
    used = {key for keys in history for key in keys}
    chapters = cache_dir / "chapters"
    if not chapters.is_dir():
        return
    for entry in chapters.iterdir():
        if entry.name not in used:
            shutil.rmtree(entry, ignore_errors=True)
