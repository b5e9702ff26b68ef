"""Execute chapter templates with papermill, once per distinct input, and finish the pages.

A chapter's cache key is a hash of its template's bytes, its parameters, its title and a
fingerprint of everything else it reads (the data and the library). An executed chapter is
stored under `<cache_dir>/chapters/<key>/`: `notebook.ipynb` (the finished page) and
`files/`, the kernel's working directory, so anything the chapter writes there (e.g. an Excel
workbook offered for download) is published beside the page.

A failed run never reaches the cache: its notebook is kept under `<cache_dir>/failed/` for
inspection and `ChapterFailed` names the template, the cell and the error.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import nbformat

from piilib.report.chapters import Chapter
from piilib.report.markup import escape_markdown

# Bump when the way finished notebooks are produced changes, so old cache entries are unused.
CACHE_FORMAT = 1
CELL_TIMEOUT_SECONDS = 600
NOTEBOOK_NAME = "notebook.ipynb"
FILES_DIR = "files"
PARAMETER_TAGS = ("parameters", "injected-parameters")
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_HEADING = re.compile(r"^#\s+\S.*$", re.MULTILINE)


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
        where = (
            f"cell {cell_index} (counting from 0), first line: {first_line}"
            if cell_index is not None
            else "before any cell ran"
        )
        super().__init__(
            f"chapter '{chapter.key}' failed in notebook {template}, {where}\n{error}"
        )


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

    Sets the title; removes the parameter cells from the page (papermill writes Vietnamese
    strings there as escapes); gives cells ids unique across the book (pages made from one
    template would otherwise share them).
    """
    set_title(notebook, chapter.title)
    for index, cell in enumerate(notebook.cells):
        tags = cell.setdefault("metadata", {}).setdefault("tags", [])
        if any(tag in tags for tag in PARAMETER_TAGS) and "remove-cell" not in tags:
            tags.append("remove-cell")
        cell["id"] = f"{chapter.key}-{index}"[-64:]


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


def execute_chapter(
    chapter: Chapter,
    template: Path,
    parameters: dict[str, str],
    cache_dir: Path,
    key: str,
) -> tuple[Path, bool]:
    """Executed page directory of `chapter` and whether it had to run (False: from cache).

    Raises ChapterFailed when a cell raises.
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    entry = Path(cache_dir) / "chapters" / key
    if (entry / NOTEBOOK_NAME).is_file():
        return entry, False

    running = entry.with_name(f".running-{key}-{os.getpid()}")
    shutil.rmtree(running, ignore_errors=True)
    (running / FILES_DIR).mkdir(parents=True)
    output = running / NOTEBOOK_NAME
    try:
        papermill.execute_notebook(
            str(template),
            str(output),
            parameters=parameters,
            cwd=str(running / FILES_DIR),
            progress_bar=False,
            log_output=False,
            execution_timeout=CELL_TIMEOUT_SECONDS,
            # The kernel logs to our stderr on every start and stop (plain-TCP warning, the
            # interrupt papermill sends at shutdown); cell errors still come through the notebook.
            extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
        )
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
    except Exception as error:  # kernel died, timeout, unreadable template ...
        kept = _keep_failed(output, cache_dir, chapter)
        shutil.rmtree(running, ignore_errors=True)
        raise ChapterFailed(
            chapter, template, None, "", f"{type(error).__name__}: {error}", "", kept
        ) from None

    notebook = nbformat.read(output, as_version=4)
    finish_notebook(notebook, chapter)
    nbformat.write(notebook, output)
    shutil.rmtree(entry, ignore_errors=True)
    running.rename(entry)
    return entry, True


def _keep_failed(output: Path, cache_dir: Path, chapter: Chapter) -> Path | None:
    if not output.is_file():
        return None
    failed = Path(cache_dir) / "failed"
    failed.mkdir(parents=True, exist_ok=True)
    kept = failed / f"{chapter.key}.ipynb"
    shutil.move(output, kept)
    return kept


def prune_cache(cache_dir: Path, keep: set[str]) -> None:
    """Remove cache entries not used by the latest successful build."""
    chapters = Path(cache_dir) / "chapters"
    if not chapters.is_dir():
        return
    for entry in chapters.iterdir():
        if entry.name not in keep:
            shutil.rmtree(entry, ignore_errors=True)
