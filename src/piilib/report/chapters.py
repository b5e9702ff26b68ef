"""The book's structure, read from the `_toc.yml` a researcher edits.

`_toc.yml` at the top of the repository is a Jupyter Book 1 table of contents
(`format: jb-book`): a `root` page, then `chapters`, or `parts` each with a `caption` and
`chapters`. Every `file:` is a path relative to the `_toc.yml`, without extension: a notebook
(`notebooks/overview` -> notebooks/overview.ipynb), executed by papermill before the book is
built, or a Markdown page (`.md`), copied as it is.

One convention is added, which the build expands and removes before Jupyter Book reads the
table of contents:

    - file: notebooks/indicator
      repeat: plan_indicators

is one chapter per plan indicator, in the plan's order, each an execution of the same
notebook with the parameter `indicator` set to the indicator's code (e.g. "6.2.4"), titled
"<code> <name>" and named `indicator-6-2-4` in the book. An entry may also carry `title:`, which
replaces the page's first heading (otherwise the notebook's own heading is the title).

    - file: notebooks/agencies
      only_with: plan_indicators

is a chapter that exists only when that list has items (a province without a plan has no
plan indicators, so its book leaves the chapter out); `only_with:` is removed too.

A `title:` may name values of the book in braces, which the build fills in (`TITLE_VALUES`):

    - file: notebooks/profile
      title: Hồ sơ {province_name}

is titled with the province's name from the units table ("Hồ sơ Cần Thơ"); `{edition}` is the
edition. A title without braces is used as it is.

Parameters: every notebook chapter is offered `edition`, `province`, `data_path`, `output_dir`
and, when repeated, `indicator`, all as strings (like `papermill -r`, so a code such as "1.0"
never becomes a number); it receives only those its `parameters` cell declares.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from piilib.messages import text as message

TOC_FILE = "_toc.yml"
REPEAT = "repeat"
ONLY_WITH = "only_with"
PLAN_INDICATORS = "plan_indicators"
INDICATOR = "indicator"
# Keys Jupyter Book 1 accepts in a chapter entry that the build handles itself.
TITLE = "title"
# Values a `title:` may name in braces ("Hồ sơ {province_name}"), filled in by the build.
TITLE_VALUES = ("province_name", "edition")
_TITLE_FIELD = re.compile(r"\{(\w*)\}")
NOTEBOOK_SUFFIX = ".ipynb"
PAGE_SUFFIXES = (".md",)
# Parameters the build can give a chapter (a notebook receives those it declares).
COMMON_PARAMETERS = ("edition", "province", "data_path", "output_dir")
# The directory a chapter writes its files into, as the build passes it: the kernel's working
# directory, which is published beside the page.
BUILD_OUTPUT_DIR = "."


class TocError(ValueError):
    """The table of contents cannot be read or expanded; the message names file and entry."""


@dataclass(frozen=True)
class Chapter:
    """One page of the book made by executing a notebook.

    key: the page name in the book (file stem), unique, e.g. "indicator-6-2-4".
    template: the notebook executed (absolute path).
    title: replaces the page's first heading; None keeps the notebook's heading.
    parameters: chapter-specific string parameters, added to the common ones.
    """

    key: str
    template: Path
    title: str | None = None
    parameters: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Page:
    """A Markdown page of the book, copied as it is (the root page, for instance)."""

    key: str
    source: Path


@dataclass
class Book:
    """The expanded table of contents.

    toc: the table of contents handed to Jupyter Book (files are page keys, `repeat` expanded).
    root: the root page; chapters: the notebook pages in book order; pages: the Markdown
    pages in book order (root first); listed: every notebook the table of contents names.
    """

    toc: dict
    root: Page
    chapters: list[Chapter]
    pages: list[Page]
    listed: set[Path]


def common_parameters(edition: int, province: str, data_path: Path) -> dict[str, str]:
    """The string parameters every chapter is offered."""
    return {
        "edition": str(edition),
        "province": province,
        "data_path": str(data_path),
        "output_dir": BUILD_OUTPUT_DIR,
    }


def page_slug(text: str) -> str:
    return re.sub(r"[^0-9A-Za-z]+", "-", text).strip("-")


def repeated_key(stem: str, code: str) -> str:
    """Page name of a repeated chapter: ("indicator", "6.2.4") -> "indicator-6-2-4"."""
    return f"{stem}-{page_slug(code)}"


def indicator_key(code: str) -> str:
    """Page name of an indicator chapter: "6.2.4" -> "indicator-6-2-4"."""
    return repeated_key(INDICATOR, code)


def fill_title(title: str, values: Mapping[str, str] | None, where: str) -> str:
    """`title` with each {name} replaced by values[name]; TocError naming `where` for a name
    that is not one of TITLE_VALUES. Without values (a table of contents read outside a
    build) the title is kept as written."""
    names = _TITLE_FIELD.findall(title)
    unknown = sorted(set(names) - set(TITLE_VALUES))
    if unknown:
        raise TocError(message("toc.title_names", where=where, title=repr(title),
                               names=", ".join("{" + n + "}" for n in unknown),
                               allowed=", ".join("{" + n + "}" for n in TITLE_VALUES)))
    if not values or not names:
        return title
    return _TITLE_FIELD.sub(lambda match: str(values[match.group(1)]), title)


def read_toc(path: Path) -> dict:
    """The table of contents in `path`; TocError when it is missing or not a jb-book toc."""
    path = Path(path)
    if not path.is_file():
        raise TocError(message("toc.missing", path=path))
    try:
        toc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise TocError(message("toc.not_yaml", path=path, error=error)) from None
    if not isinstance(toc, dict) or toc.get("format") != "jb-book":
        raise TocError(message("toc.not_jb_book", path=path))
    if not toc.get("root"):
        raise TocError(message("toc.no_root", path=path))
    return toc


def expand_toc(
    toc: Mapping,
    toc_dir: Path,
    repeats: Mapping[str, Sequence[tuple[str, str]]],
    toc_name: str = TOC_FILE,
    title_values: Mapping[str, str] | None = None,
) -> Book:
    """Resolve every `file:` of `toc` against `toc_dir` and expand repeated entries.

    repeats: for each `repeat:` value, the (code, name) items in order, e.g.
    {"plan_indicators": [("6.2.4", "Đơn đăng ký ..."), ...]}.
    title_values: what a `title:` may name in braces (`fill_title`), e.g.
    {"province_name": "Cần Thơ", "edition": "2024"}; None keeps titles as written.
    Raises TocError naming the entry for a missing file, an unknown `repeat:` value, a
    repeated entry that is not a notebook, an unknown name in a title, or two pages with one
    name.
    """
    toc_dir = Path(toc_dir).resolve()
    out = {key: copy.deepcopy(value) for key, value in toc.items()
           if key not in ("root", "parts", "chapters")}
    chapters: list[Chapter] = []
    pages: list[Page] = []
    listed: set[Path] = set()

    def resolve(entry_file: str) -> Path:
        base = toc_dir / str(entry_file)
        for candidate in (base, *(base.with_name(base.name + s)
                                  for s in (NOTEBOOK_SUFFIX, *PAGE_SUFFIXES))):
            if candidate.is_file() and candidate.suffix in (NOTEBOOK_SUFFIX, *PAGE_SUFFIXES):
                return candidate
        raise TocError(message("toc.no_file", toc=toc_name, entry=entry_file, notebook=f"{base}{NOTEBOOK_SUFFIX}",
                               page=f"{base}.md"))

    def expand_entry(entry) -> list[dict]:
        if not isinstance(entry, dict) or "file" not in entry:
            raise TocError(message("toc.entry_without_file", toc=toc_name, entry=repr(entry)))
        source = resolve(entry["file"])
        rest = {k: copy.deepcopy(v) for k, v in entry.items()
                if k not in ("file", REPEAT, TITLE, "sections", ONLY_WITH)}
        if ONLY_WITH in entry:
            if entry[ONLY_WITH] not in repeats:
                raise TocError(message("toc.unknown_list", toc=toc_name, entry=entry["file"], key=ONLY_WITH,
                                       value=entry[ONLY_WITH], known=", ".join(sorted(repeats))))
            if not repeats[entry[ONLY_WITH]]:
                listed.add(source)  # listed, not unlisted: left out for this book only
                return []
        if "sections" in entry:
            raise TocError(message("toc.sections", toc=toc_name, entry=entry["file"]))
        if REPEAT in entry:
            name = entry[REPEAT]
            if name not in repeats:
                raise TocError(message("toc.unknown_list", toc=toc_name, entry=entry["file"], key=REPEAT, value=name,
                                       known=", ".join(sorted(repeats))))
            if source.suffix != NOTEBOOK_SUFFIX:
                raise TocError(message("toc.repeat_page", toc=toc_name, entry=entry["file"]))
            listed.add(source)
            made = []
            for code, item_name in repeats[name]:
                chapter = Chapter(repeated_key(source.stem, str(code)), source,
                                  f"{code} {item_name}", {INDICATOR: str(code)})
                chapters.append(chapter)
                made.append({"file": chapter.key, **rest})
            return made
        if source.suffix == NOTEBOOK_SUFFIX:
            listed.add(source)
            title = entry.get(TITLE)
            if title is not None:
                title = fill_title(str(title), title_values, f"{toc_name}: '{entry['file']}'")
            chapter = Chapter(source.stem, source, title)
            chapters.append(chapter)
            return [{"file": chapter.key, **rest}]
        page = Page(source.stem, source)
        pages.append(page)
        return [{"file": page.key, **rest}]

    def expand_list(entries, where: str) -> list[dict]:
        if not isinstance(entries, list):
            raise TocError(message("toc.not_a_list", toc=toc_name, where=where))
        return [made for entry in entries for made in expand_entry(entry)]

    root_source = resolve(toc["root"])
    if root_source.suffix == NOTEBOOK_SUFFIX:
        raise TocError(message("toc.root_notebook", toc=toc_name))
    root = Page(root_source.stem, root_source)
    pages.insert(0, root)
    out["root"] = root.key
    if "parts" in toc:
        out["parts"] = []
        for part in toc["parts"]:
            if not isinstance(part, dict) or "chapters" not in part:
                raise TocError(message("toc.part_without_chapters", toc=toc_name, part=repr(part)))
            made = {k: copy.deepcopy(v) for k, v in part.items() if k != "chapters"}
            made["chapters"] = expand_list(part["chapters"], f"part {part.get('caption', '')}")
            if made["chapters"]:  # a part whose entries all came out empty is left out
                out["parts"].append(made)
    if "chapters" in toc:
        out["chapters"] = expand_list(toc["chapters"], "chapters")

    keys = [c.key for c in chapters] + [p.key for p in pages]
    duplicates = sorted({key for key in keys if keys.count(key) > 1})
    if duplicates:
        raise TocError(message("toc.same_name", toc=toc_name, names=duplicates))
    return Book(out, root, chapters, pages, listed)


def unlisted_notebooks(book: Book, directories: Sequence[Path]) -> list[Path]:
    """Notebooks in `directories` (not in subdirectories) that the table of contents does not
    list: they are left out of the book, which is worth a warning."""
    found = set()
    for directory in directories:
        directory = Path(directory)
        if directory.is_dir():
            found |= {p.resolve() for p in directory.glob(f"*{NOTEBOOK_SUFFIX}")}
    return sorted(found - {p.resolve() for p in book.listed})


def unlisted_warning(notebook: Path, toc_path: Path) -> str:
    toc_path = Path(toc_path).resolve()
    try:
        entry = notebook.resolve().relative_to(toc_path.parent).with_suffix("").as_posix()
    except ValueError:
        entry = notebook.with_suffix("").as_posix()
    return message("toc.unlisted", notebook=notebook, toc=toc_path, entry=entry)


def read_book(
    toc_path: Path, repeats: Mapping[str, Sequence[tuple[str, str]]],
    title_values: Mapping[str, str] | None = None,
) -> tuple[Book, list[str]]:
    """The expanded table of contents in `toc_path` and the warnings about notebooks it
    leaves out (those beside the chapters it lists and in notebooks/ beside it).
    title_values: see `expand_toc`."""
    toc_path = Path(toc_path)
    book = expand_toc(read_toc(toc_path), toc_path.parent, repeats, toc_path.name, title_values)
    directories = {p.parent for p in book.listed} | {toc_path.parent.resolve() / "notebooks"}
    warnings = [unlisted_warning(p, toc_path) for p in unlisted_notebooks(book, sorted(directories))]
    return book, warnings
