"""Writing output files safely: never over an input, whole or not at all, no live formulas.

Every file a command writes goes through this module:

- `output_file_problems` / `output_dir_problems`: checks made before any work, in plain words
  (the output is an input, is a folder, its folder is missing, read-only or a file ...).
- `atomic_write_bytes` / `atomic_write_text` / `write_csv` / `save_workbook`: the content is
  written to a temporary file in the target's folder, flushed to disk, then renamed over the
  target in one step (`os.replace`). A failure at any point (full disk, Ctrl+C) removes the
  temporary file and leaves an earlier file at the target byte for byte as it was.
- `neutralise_cell` / `neutralise_frame` / `neutralise_workbook`: text that a spreadsheet would
  run as a formula (starting with =, +, -, @, tab or carriage return; OWASP's CSV injection
  guidance) is made inert. Numbers stay numbers, and so does text that is just a number ("-1.5").
- `describe_os_error`: one plain line for an OSError (which file, what to do), used by the CLI.
"""

from __future__ import annotations

import errno
import io
import os
import re
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from piilib.messages import text
from piilib.paths import DATA_DIR, official_dir

# A spreadsheet treats a cell starting with one of these as a formula (or part of one).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Text that is only a number (sign, digits, separators, exponent) holds no formula.
_NUMBER_TEXT = re.compile(r"[+-]?(?:\d[\d.,]*|[.,]\d[\d.,]*)(?:[eE][+-]?\d+)?")
# Prefix that makes a CSV cell text for Excel/LibreOffice (OWASP).
TEXT_PREFIX = "'"
TEMP_SUFFIX = ".part"


class OutputWriteError(OSError):
    """An OSError while writing an output file; `filename` is the output (not a temporary file)."""


# --------------------------------------------------------------------------- paths


def same_file(first, second) -> bool:
    """True when two paths name the same file: same spelling once resolved (symlinks, "..",
    relative paths) or the same inode (hard links, case-insensitive file systems)."""
    try:
        if os.path.samefile(first, second):
            return True
    except OSError:  # one of them does not exist (yet)
        pass
    return Path(first).resolve() == Path(second).resolve()


def _inside(path: Path, folder: Path) -> bool:
    """True when `path` is `folder` or lies below it (both resolved)."""
    path, folder = Path(path).resolve(), Path(folder).resolve()
    return path == folder or folder in path.parents


def _inputs(inputs: Iterable) -> list[Path]:
    return [Path(p) for p in inputs if p is not None and str(p) != ""]


def output_file_problems(path, inputs: Iterable = (), label: str = "--out") -> list[str]:
    """Why `path` cannot take an output file, in plain words (empty when it can).

    inputs: the files and folders the command reads; the output must not be one of them nor
    an existing file inside an input folder. The project's data folder (framework, units,
    plan, reference, demo data) and the official folder (`official_dir`, wherever
    PII_OFFICIAL_DIR puts it) are always inputs."""
    out = Path(path)
    if _inside(out, official_dir()):  # every file there is read as official data, a new one too
        return [text("out.in_official_folder", label=label, out=out, folder=official_dir())]
    for source in [*_inputs(inputs), DATA_DIR, official_dir()]:
        if source.is_dir():
            if out.exists() and not out.is_dir() and _inside(out, source):
                return [text("out.input_in_folder", label=label, out=out, source=source)]
        elif same_file(out, source):
            return [text("out.is_input", label=label, out=out, source=source)]
    if out.is_dir():
        return [text("out.is_folder", label=label, out=out)]
    return _folder_problems(out.parent, out, label)


def _folder_problems(folder: Path, out: Path, label: str) -> list[str]:
    folder = folder if str(folder) else Path(".")
    if not folder.exists():
        # A parent that is a file shows as "does not exist" below it; name the file.
        for parent in [folder, *folder.parents]:
            if parent.exists() and not parent.is_dir():
                return [text("out.parent_is_file", label=label, out=out, parent=parent)]
        return [text("out.no_folder", label=label, out=out, folder=folder)]
    if not folder.is_dir():
        return [text("out.parent_is_file", label=label, out=out, parent=folder)]
    if not os.access(folder, os.W_OK | os.X_OK):
        return [text("out.folder_read_only", label=label, out=out, folder=folder)]
    if out.exists() and not out.is_dir() and not os.access(out, os.W_OK):
        return [text("out.file_read_only", label=label, out=out)]
    return []


def output_dir_problems(path, inputs: Iterable = (), label: str = "--out", replaced: bool = False) -> list[str]:
    """Why `path` cannot take an output folder (created when missing), in plain words.

    The folder must not be an input, hold an input, or lie inside an input folder; the official
    folder (`official_dir`) is always an input (every command reads each file in it). With
    `replaced` (the command replaces the whole folder), it must also not be the working
    directory or one of its parents."""
    out = Path(path)
    for source in [*_inputs(inputs), official_dir()]:
        if _inside(source, out):
            return [text("out.holds_input", label=label, out=out, source=source)]
        if source.is_dir() and _inside(out, source):
            return [text("out.inside_input", label=label, out=out, source=source)]
    if replaced and _inside(Path.cwd(), out):
        return [text("out.current_folder", label=label, out=out)]
    if out.exists() and not out.is_dir():
        return [text("out.file_not_folder", label=label, out=out)]
    if out.is_dir():
        return _folder_problems(out, out, label)
    existing = next((p for p in out.parents if p.exists()), Path("."))
    if not existing.is_dir():
        return [text("out.existing_is_file", label=label, out=out, existing=existing)]
    if not os.access(existing, os.W_OK | os.X_OK):
        return [text("out.folder_read_only", label=label, out=out, folder=existing)]
    return []


# --------------------------------------------------------------------------- atomic writes


def _new_file_mode() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def atomic_write_bytes(path, data: bytes) -> Path:
    """Write `data` to `path` through a temporary file in the same folder and one rename.

    A symlink at `path` is followed (its target is replaced). An existing file keeps its
    permissions; a new one gets the usual ones (umask). On any failure the temporary file is
    removed, an existing file is left as it was, and the error (an `OutputWriteError` naming
    `path` when the system refused) is raised."""
    target = Path(os.path.realpath(path))
    try:
        mode = stat.S_IMODE(target.stat().st_mode)
    except OSError:
        mode = _new_file_mode()
    descriptor, temporary = None, None
    try:
        if target.is_dir():
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
        descriptor, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=TEMP_SUFFIX,
                                                 dir=target.parent)
        view = memoryview(data)
        while view:
            written = os.write(descriptor, view)
            view = view[written:]
        os.fchmod(descriptor, mode)
        os.fsync(descriptor)
        os.close(descriptor)
        descriptor = None
        os.replace(temporary, target)
        temporary = None
    except OSError as error:
        raise OutputWriteError(error.errno, error.strerror or str(error), str(path)) from error
    finally:
        if descriptor is not None:
            os.close(descriptor)
        if temporary is not None:
            try:
                os.unlink(temporary)
            except OSError:
                pass
    _sync_folder(target.parent)
    return Path(path)


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (where the system allows opening a folder)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def atomic_write_text(path, text: str, encoding: str = "utf-8") -> Path:
    """`atomic_write_bytes` for text."""
    return atomic_write_bytes(path, text.encode(encoding))


# --------------------------------------------------------------------------- formulas


def neutralise_cell(value):
    """Text a spreadsheet would run as a formula, prefixed with "'" so it stays text; anything
    else (numbers, missing values, ordinary text, text that is only a number) unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES) and not _NUMBER_TEXT.fullmatch(value):
        return TEXT_PREFIX + value
    return value


def _is_text_column(column: pd.Series) -> bool:
    return not (pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column)
                or pd.api.types.is_datetime64_any_dtype(column))


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` whose text cells and column names cannot run as formulas
    (`neutralise_cell`); numeric columns are untouched."""
    result = frame.copy()
    for position, column in enumerate(frame.columns):
        values = frame.iloc[:, position]
        if _is_text_column(values):
            result.isetitem(position, values.astype(object).map(neutralise_cell))
    result.columns = [neutralise_cell(column) for column in frame.columns]
    return result


def csv_text(frame: pd.DataFrame, **to_csv_options) -> str:
    """`frame.to_csv(**to_csv_options)` as text, formula-leading cells neutralised."""
    buffer = io.StringIO()
    neutralise_frame(frame).to_csv(buffer, **to_csv_options)
    return buffer.getvalue()


def write_csv(frame: pd.DataFrame, path, encoding: str = "utf-8", **to_csv_options) -> Path:
    """Write `frame` as CSV to `path` atomically, formula-leading cells neutralised."""
    return atomic_write_text(path, csv_text(frame, **to_csv_options), encoding=encoding)


def neutralise_workbook(workbook) -> None:
    """Make every text cell of an openpyxl workbook inert: text starting with "=" is stored as
    text, not as a formula, and text starting with =, +, -, @, tab or CR gets Excel's quote
    prefix (shown as typed, stays text when edited). The value itself is unchanged; numbers
    are untouched. The project writes no formulas, so none is lost."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                value = cell.value
                if not isinstance(value, str):
                    continue
                if cell.data_type == "f":
                    cell.data_type = "s"
                if neutralise_cell(value) is not value:
                    cell.quotePrefix = True


def workbook_bytes(workbook) -> bytes:
    """The .xlsx file of an openpyxl workbook, formula-leading text neutralised."""
    neutralise_workbook(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def save_workbook(workbook, path) -> Path:
    """Save an openpyxl workbook to `path` atomically, formula-leading text neutralised."""
    return atomic_write_bytes(path, workbook_bytes(workbook))


# --------------------------------------------------------------------------- messages


def describe_os_error(error: OSError) -> str:
    """One plain line for a file the system refused: which file and what to do."""
    name = error.filename or text("os.a_file")
    other = (error.strerror or str(error)).lower()
    if isinstance(error, OutputWriteError):
        folder = Path(str(name)).parent
        hints = {
            errno.ENOSPC: "os.write.disk_full", errno.EDQUOT: "os.write.quota", errno.ENOENT: "os.write.no_folder",
            errno.EACCES: "os.write.no_permission", errno.EPERM: "os.write.no_permission",
            errno.EROFS: "os.write.read_only_disk", errno.EISDIR: "os.write.is_folder", errno.ENOTDIR: "os.write.not_dir",
        }
        hint = text(hints[error.errno], folder=folder) if error.errno in hints else other
        return text("os.cannot_write", name=name, hint=hint)
    hints = {
        errno.ENOSPC: "os.disk_full", errno.EDQUOT: "os.quota", errno.EACCES: "os.no_permission",
        errno.EPERM: "os.no_permission", errno.EROFS: "os.read_only_disk", errno.ENOENT: "os.not_found",
        errno.EISDIR: "os.is_folder", errno.ENOTDIR: "os.not_dir",
    }
    return text("os.file", name=name, hint=text(hints[error.errno]) if error.errno in hints else other)
