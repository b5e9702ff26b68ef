"""The report's view of its input data: which files, their fingerprint, their provenance.

`--data PATH` is anything `piilib.bundle.load_bundle` reads: a directory laid out like
data/demo or a CSV file in the long layout of `piilib.schema` (their CSV files, searched
recursively, are checked here when they carry a `provenance` column), or an official values
file (CSV or .xlsx), which `piilib.io.read_values` checks in full. `validate_data` here only
checks what the build itself relies on.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd

from piilib import schema
from piilib.bundle import is_tidy_file, load_bundle
from piilib.messages import Said


def data_files(path: Path) -> list[Path]:
    """The CSV files behind `path`, in a stable order."""
    path = Path(path)
    if path.is_file():
        return [path]
    return sorted(p for p in path.rglob("*.csv") if p.is_file())


def fingerprint_paths(paths: list[Path]) -> str:
    """SHA-256 over the relative names and contents of every file under `paths`.

    Contents, not modification times: touching a file does not invalidate the chapter cache.
    """
    digest = hashlib.sha256()
    for root in paths:
        root = Path(root)
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
        for file in files:
            if "__pycache__" in file.parts:
                continue
            name = file.name if file == root else file.relative_to(root).as_posix()
            digest.update(name.encode())
            digest.update(b"\0")
            digest.update(hashlib.sha256(file.read_bytes()).digest())
    return digest.hexdigest()


def read_provenance(path: Path) -> pd.DataFrame:
    """Rows of every data file that has a provenance column, with the columns needed to
    decide which values a given edition uses: `edition` or `year` (when present) and
    `provenance`, plus `file` and `line` (the line number in that file, header = 1)."""
    frames = []
    for file in data_files(path):
        header = pd.read_csv(file, nrows=0).columns
        if schema.PROVENANCE not in header:
            continue
        wanted = [c for c in (schema.EDITION, schema.YEAR, schema.PROVENANCE) if c in header]
        frame = pd.read_csv(file, usecols=wanted, dtype={schema.PROVENANCE: "string"})
        frames.append(frame.assign(file=file.name, line=frame.index + 2))
    if not frames:
        return pd.DataFrame(
            {schema.PROVENANCE: pd.Series(dtype="string"), "file": pd.Series(dtype="string")}
        )
    return pd.concat(frames, ignore_index=True)


def validate_data(path: Path, edition: int) -> list[str]:
    """Problems that stop the build, in plain words; an empty list means the data can be used.

    Checks: the path exists; an official values file reads without problems and holds the
    edition; otherwise at least one CSV file carries a provenance column, every provenance is
    one of `schema.PROVENANCES`, some row belongs to `edition` and a directory has a values file.
    """
    path = Path(path)
    if not path.exists():
        return [Said("data.path_missing", path=path)]
    if path.is_file() and not is_tidy_file(path):
        return _official_file_problems(path, edition)
    files = data_files(path)
    if not files:
        return [Said("data.no_csv", path=path)]
    rows = read_provenance(path)
    if rows.empty:
        return [Said("data.no_provenance_column", path=path, column=schema.PROVENANCE,
                     choices=", ".join(schema.PROVENANCES))]
    problems = []
    unknown = rows[~rows[schema.PROVENANCE].isin(schema.PROVENANCES)]
    for _, row in unknown.head(10).iterrows():
        problems.append(Said("data.unknown_provenance", file=row["file"], line=row["line"], column=schema.PROVENANCE,
                             found=repr(row[schema.PROVENANCE]), choices=", ".join(schema.PROVENANCES)))
    if len(unknown) > 10:
        problems.append(Said("data.more_unknown_provenance", count=len(unknown) - 10))
    if (schema.EDITION in rows.columns and not (rows[schema.EDITION] == edition).any()
            and edition not in _held_editions(path)):
        found = sorted(rows[schema.EDITION].dropna().astype(int).unique().tolist())
        problems.append(Said("data.no_edition", path=path, edition=edition, editions=found))
    if path.is_dir() and not problems and not _has_values_file(path):
        problems.append(Said("data.no_values_file", path=path, columns=", ".join(schema.LONG_COLUMNS)))
    return problems


def _held_editions(path: Path) -> list[int]:
    """The editions the data at `path` give with the official folder on top (piilib.bundle)."""
    try:
        return load_bundle(path).editions()
    except ValueError:  # unusable data: reported by the checks here and by the bundle
        return []


def _has_values_file(path: Path) -> bool:
    return any(is_tidy_file(file) for file in data_files(path))


def _official_file_problems(path: Path, edition: int) -> list[str]:
    """Every problem `piilib.io.read_values` finds, or the edition missing from the file."""
    try:
        load_bundle(path, edition).values_of(edition)
    except ValueError as error:
        return str(error).splitlines()
    return []
