"""Reading COINr-layout inputs from files and writing a run's outputs to a directory."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pandas as pd
import yaml

from piilib.messages import Said
from piilib.safe_write import OutputWriteError, atomic_write_text, write_csv

from .meta_checks import IndexInputError, check_idata, check_imeta
from .pipeline import IndexResult, build_index
from .results import results_table
from .spec import method_document, read_method
from .steps import GROUPED_IMPUTE_METHODS

TREAT_DETAILS_FILE = "treat_details.csv"
RESULTS_FILE = "results.csv"
METHOD_LOG_FILE = "method_log.yml"


EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls")


def _read_csv(path: Path, problems: list[str]) -> pd.DataFrame | None:
    """Read a CSV as text (numbers are parsed later, so bad cells can be named)."""
    if path.suffix.lower() in EXCEL_SUFFIXES and path.is_file():
        problems.append(Said("index.excel_not_csv", path=path))
        return None
    try:
        frame = pd.read_csv(path, dtype=str, skipinitialspace=True, encoding="utf-8-sig")
        separator = ","
        if len(frame.columns) == 1 and ";" in str(frame.columns[0]):  # saved by Excel with a Vietnamese locale
            separator = ";"
            frame = pd.read_csv(path, dtype=str, skipinitialspace=True, encoding="utf-8-sig", sep=separator)
        repeated = _repeated_columns(path, separator)
        if repeated:  # pandas would rename the second "LPI" to "LPI.1" and use the first without a word
            problems += repeated
            return None
        return frame
    except FileNotFoundError:
        problems.append(Said("index.file_not_found", path=path))
    except UnicodeDecodeError:
        problems.append(Said("index.csv_not_utf8", path=path))
    except IsADirectoryError:
        problems.append(Said("index.folder", path=path))
    except PermissionError:
        problems.append(Said("index.no_permission", path=path))
    except OSError as error:  # a drive gone, an I/O error
        problems.append(Said("index.cannot_read", path=path, reason=error.strerror or type(error).__name__))
    except pd.errors.EmptyDataError:
        problems.append(Said("index.empty_csv", path=path))
    except pd.errors.ParserError as error:
        reason = " ".join(str(error).split())
        problems.append(Said("index.not_csv", path=path, reason=reason))
    return None


def _repeated_columns(path: Path, separator: str) -> list[str]:
    """A problem per column name the header row holds more than once."""
    import csv

    with open(path, encoding="utf-8-sig", newline="") as handle:
        header = [name.strip() for name in next(csv.reader(handle, delimiter=separator), [])]
    positions: dict[str, list[int]] = {}
    for number, name in enumerate(header, start=1):
        positions.setdefault(name, []).append(number)
    return [Said("index.repeated_column", path=path, column=name, positions=", ".join(map(str, where)))
            for name, where in positions.items() if len(where) > 1]


def read_index_inputs(idata_path, imeta_path, spec_path) -> tuple[pd.DataFrame, pd.DataFrame, list[dict], str | None]:
    """Read and check iData, iMeta and method.yml together.

    Raises `IndexInputError` listing every problem found in the three files.
    Returns (idata, imeta, steps, method name).
    """
    problems: list[str] = []
    idata = _read_csv(Path(idata_path), problems)
    imeta = _read_csv(Path(imeta_path), problems)
    steps, spec_problems = read_method(spec_path)
    problems += spec_problems
    idata_name, imeta_name = Path(idata_path).name, Path(imeta_path).name
    if imeta is not None:
        problems += check_imeta(imeta, imeta_name)
    if idata is not None and imeta is not None:
        groups = [s["group"] for s in steps if s["step"] == "impute" and s["method"] in GROUPED_IMPUTE_METHODS]
        problems += check_idata(idata, imeta, idata_name, imeta_name, groups)
    if problems:
        raise IndexInputError(problems)
    name = None
    with open(spec_path, encoding="utf-8") as handle:
        name = (yaml.safe_load(handle) or {}).get("name")
    return idata, imeta, steps, name


def run_index_files(idata_path, imeta_path, spec_path, out_dir) -> IndexResult:
    """Read, check, build and write everything to `out_dir`.

    Nothing is written unless the inputs are valid and the build succeeds: files are
    written to a temporary directory next to `out_dir` and moved in at the end.
    """
    idata, imeta, steps, name = read_index_inputs(idata_path, imeta_path, spec_path)
    result = build_index(idata, imeta, steps, validate=False)
    inputs = {"idata": str(idata_path), "imeta": str(imeta_path), "spec": str(spec_path)}
    write_outputs(result, out_dir, name, inputs)
    return result


def write_outputs(result: IndexResult, out_dir, name: str | None = None, inputs: dict | None = None) -> list[Path]:
    """Write stage_<Stage>.csv for every stage, treat_details.csv (if treated),
    results.csv (if the method aggregated up to the index: it ranks units by it) and
    method_log.yml (a method.yml that replays the run) to `out_dir`. An OSError names
    `out_dir` (`OutputWriteError`), never the temporary folder the user did not choose."""
    out_dir = Path(out_dir)
    try:
        return _write_outputs(result, out_dir, name, inputs)
    except OutputWriteError:
        raise
    except OSError as error:
        raise OutputWriteError(error.errno, error.strerror, str(out_dir)) from None


def _write_outputs(result: IndexResult, out_dir: Path, name: str | None, inputs: dict | None) -> list[Path]:
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".pii-index-", dir=out_dir.parent))
    try:
        for stage, frame in result.stages.items():
            write_csv(frame, staging / f"stage_{stage}.csv", index=False)
        if any(step["step"] == "treat" for step in result.log):
            write_csv(result.treatment, staging / TREAT_DETAILS_FILE, index=False)
        if result.has_index:
            write_csv(results_table(result), staging / RESULTS_FILE, index=False)
        atomic_write_text(staging / METHOD_LOG_FILE, _method_log_text(result, name, inputs))
        out_dir.mkdir(exist_ok=True)
        written = []
        for path in sorted(staging.iterdir()):
            target = out_dir / path.name
            os.replace(path, target)
            written.append(target)
        # Outputs of an earlier run that this method does not make (e.g. results.csv after
        # a method without aggregate) would be read as this run's: remove them.
        for path in out_dir.iterdir():
            if _is_run_output(path.name) and path not in written and path.is_file():
                path.unlink()
        return written
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _is_run_output(name: str) -> bool:
    return name in (TREAT_DETAILS_FILE, RESULTS_FILE, METHOD_LOG_FILE) or (
        name.startswith("stage_") and name.endswith(".csv")
    )


def _method_log_text(result: IndexResult, name: str | None, inputs: dict | None) -> str:
    lines = ["# Method log of a `pii index` run; use it as --spec to replay the same method."]
    for key, value in (inputs or {}).items():
        lines.append(f"# {key}: {value}")
    if result.removed_units:
        lines.append(f"# screened out: {', '.join(result.removed_units)}")
    for note in result.warnings:
        lines.append(f"# note: {note}")
    document = yaml.safe_dump(method_document(result.log, name), sort_keys=False, allow_unicode=True)
    return "\n".join(lines) + "\n" + document
