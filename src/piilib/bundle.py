"""The data behind every command and every report chapter, loaded one way.

`load_bundle(data, edition=None)` reads `data`, which is one of:

- None: the bundled illustrative dataset, data/demo (`DEMO_DIR`);
- a directory laid out like data/demo. Every CSV file under it (searched recursively) is
  recognised by its header: the long layout of `piilib.schema` (edition, unit, indicator,
  value, provenance, source) holds indicator values per edition; the history layout (year
  instead of edition) holds data years for trends; (year, unit, covariate, value) holds
  structural covariates. Other CSV files are listed but not used;
- a CSV file in that long layout, with its own provenance column: values only;
- any other file: an official values file (CSV or .xlsx, e.g. the workbook of `pii template`
  filled in), read and checked by `piilib.io.read_values` (provenance "official"). Such a file
  holds one edition and no history and no covariates: it is added to the editions the project
  already holds (below), and history and covariates come from data/demo: they are
  illustrative, their files are listed with `supplement` True, and `uses_illustrative` /
  `parts` say so, so that the report shows the notice and says which parts are official.

The official folder. Staff keep the official files of several editions in one folder,
`data/official/` (git-ignored; `official_dir()`, or the folder named by the environment
variable PII_OFFICIAL_DIR). Every file in it that `pii validate` accepts (.xlsx or .csv, one
edition per file; README and hidden or Excel lock files `~$…` are skipped) is read with
provenance "official". The edition is the one the file states (its edition column or the
"Kỳ PII" title cell of the template); a file that states none is read as the edition its name
gives (`pii-2026.xlsx`, any 4-digit year 2000–2099 in the name); a file whose name gives one
year and whose content states another edition is refused, and a spreadsheet of another format
(.xls, .ods, ...) or a link that leads nowhere is named by the commands' checks, never skipped in
silence. When the default data
(data/demo) or an official file is used, the editions are layered, a later layer replacing an
edition of an earlier one whole: data/demo < the official folder < the official file of
--data. So `--data pii-2026.xlsx` keeps 2023–2025 (official where the folder has them,
illustrative otherwise), each value with its provenance. A --data directory or tidy CSV file
is a complete data set of its own and is read as it is.

`edition` helps only an official file that does not state its edition (no edition column,
no "Kỳ PII" title cell): it is then read as that edition.

Maps. A values row is on the map of its edition (`piilib.units.era`: 63 provinces before
`schema.FIRST_MERGED_EDITION`, 34 from it). A history or covariate row of a year after the
merger's data year (2024) is on the 34-province map; the years up to it exist on both maps (as
collected, or re-expressed on the 34 provinces, like data/demo/covariates_2025_map.csv), so
those rows of a file are on the map on which fewer of their units are unknown, and when even
(every unit a key of both maps) on the 34-province map if no year has more units than it, else
on the 63-province map (column `map`). Every row's unit must be a key of a province of its
map: a typo, a unit of the other map or an empty cell is a problem naming the file, line and
the closest keys (`DataFileError`), whichever edition is asked for. So is a number column cell
that is not a number (only an empty cell is missing data: "#N/A", "NaN", "n/a" are named, not
read as blanks), a provenance not in `schema.PROVENANCES`, a row repeating the key of an earlier
one (edition or year, unit, indicator or covariate), and a covariate below zero (population and
GRDP, taken in logs, above zero). An edition from
`schema.FIRST_MERGED_EDITION` on is computed on the 34 provinces: its earlier editions and
its history are re-expressed on that map with `piilib.harmonise` (quantities of the data year
from the covariates, or the unit table), so that trajectories and trends compare the same
territory.

Data years. Edition E is computed from the data of year `schema.data_year(E)`. The history
of an edition is its history files up to that year, with the years of its own map taken from
the values (edition e gives data year data_year(e)): the edition's own values are always the
last point of its trends, whatever year the history files end in (an official 2026 file on
top of a history ending in 2024 gives a history ending in 2025). Covariates of the data year
are used when present; otherwise those of the latest earlier year on the same map are
carried forward (structural covariates move slowly), which their `source` says.

Bundles are cached per path, modification times and sizes of the files read; a bundle caches
its harmonised histories.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from piilib import schema
from piilib.messages import Said, text
from piilib.paths import DATA_DIR, OFFICIAL_DIR_ENV, REPO_ROOT, official_dir
from piilib.units import closest_keys, crosswalk, era, unit_key, unit_keys, unit_quantities

DEMO_DIR = DATA_DIR / "demo"

# The help text of --data, shared by every command, is the catalogue's "arg.data" (piilib.messages).

COVARIATE_COLUMNS = [schema.YEAR, schema.UNIT, schema.COVARIATE, schema.VALUE]
MAP = "map"  # history and covariate rows: the map of their file ("63" or "34")
HARMONISED = "harmonised"  # history rows re-expressed on a later map

VALUES_KIND = "values"
HISTORY_KIND = "history"
COVARIATES_KIND = "covariates"
OTHER_KIND = "other"

# Where the data come from.
DIRECTORY = "directory"
TIDY_FILE = "tidy file"
OFFICIAL_FILE = "official file"

FILES_COLUMNS = ["file", "kind", "rows", *schema.PROVENANCES, "supplement"]
# Parts of what an edition uses (`DataBundle.parts`): its own values, the values of earlier
# editions (trajectories, over-time tables), history years and covariates.
EARLIER_KIND = "earlier editions"
PARTS = (VALUES_KIND, EARLIER_KIND, HISTORY_KIND, COVARIATES_KIND)

OFFICIAL_SUFFIXES = (".xlsx", ".csv")


def official_files(folder: str | Path | None = None) -> list[Path]:
    """The official values files of the folder (default `official_dir()`), sorted by name:
    .xlsx and .csv files, not hidden, not Excel lock files. Empty when the folder is absent."""
    folder = Path(official_dir() if folder is None else folder)
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir()
                  if p.is_file() and p.suffix.lower() in OFFICIAL_SUFFIXES
                  and not p.name.startswith((".", "~$")))


def edition_from_name(path: str | Path) -> int | None:
    """The edition a file name gives (`pii-2026.xlsx` -> 2026; a 4-digit 20xx year), or None."""
    import re

    found = re.findall(r"(?<!\d)(20\d\d)(?!\d)", Path(path).stem)
    return int(found[-1]) if found else None


def _only_year_in_name(path: Path) -> int | None:
    """The year a file name gives when it gives exactly one (`pii-2026.xlsx`); None otherwise
    (no year, or several, as in `pii-2026 (sửa 2027-03).xlsx`)."""
    import re

    found = set(re.findall(r"(?<!\d)(20\d\d)(?!\d)", Path(path).stem))
    return int(found.pop()) if len(found) == 1 else None


def _empty(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="float64" if c == schema.VALUE else "object") for c in columns})


def _file_kind(columns) -> str:
    columns = set(columns)
    if set(schema.LONG_COLUMNS) <= columns:
        return VALUES_KIND
    if set(schema.HISTORY_COLUMNS) <= columns:
        return HISTORY_KIND
    if set(COVARIATE_COLUMNS) <= columns:
        return COVARIATES_KIND
    return OTHER_KIND


# The maps, and an edition on each. Data of the years up to the merger's data year (2024) exist
# on both maps (as collected, or re-expressed on the 34 provinces); later years only on the 34.
BEFORE_MERGER, AFTER_MERGER = era(schema.FIRST_MERGED_EDITION - 1), era(schema.FIRST_MERGED_EDITION)
_EDITION_OF_MAP = {BEFORE_MERGER: schema.FIRST_MERGED_EDITION - 1, AFTER_MERGER: schema.FIRST_MERGED_EDITION}
LAST_YEAR_ON_BOTH_MAPS = schema.data_year(schema.FIRST_MERGED_EDITION)


def _map_keys(map_label: str) -> frozenset[str]:
    return unit_keys(_EDITION_OF_MAP[map_label])


def _file_map(frame: pd.DataFrame) -> str:
    """The map ("63" or "34") of the rows of a history or covariate file up to
    `LAST_YEAR_ON_BOTH_MAPS`: the map on which fewer of their units are unknown; when even
    (every unit a key of both maps), the 34-province map if no year has more units than it."""
    units = frame[schema.UNIT]
    unknown = {label: int((~units.isin(_map_keys(label))).sum()) for label in (BEFORE_MERGER, AFTER_MERGER)}
    if unknown[BEFORE_MERGER] != unknown[AFTER_MERGER]:
        return min(unknown, key=unknown.get)
    per_year = frame.groupby(schema.YEAR)[schema.UNIT].nunique()
    fits = unknown[AFTER_MERGER] == 0 and (per_year.empty or per_year.max() <= len(_map_keys(AFTER_MERGER)))
    return AFTER_MERGER if fits else BEFORE_MERGER


def _row_maps(frame: pd.DataFrame, kind: str) -> pd.Series:
    """The map each row's unit is on: a values row that of its edition; a history or
    covariate row of a year after `LAST_YEAR_ON_BOTH_MAPS` the 34-province map, of an earlier
    year its file's (`_file_map`)."""
    if kind == VALUES_KIND:
        editions = pd.to_numeric(frame[schema.EDITION], errors="coerce")
        after = editions >= schema.FIRST_MERGED_EDITION
        return pd.Series(AFTER_MERGER, index=frame.index).where(after, BEFORE_MERGER)
    late = pd.to_numeric(frame[schema.YEAR], errors="coerce") > LAST_YEAR_ON_BOTH_MAPS
    return pd.Series(AFTER_MERGER, index=frame.index).where(late, _file_map(frame[~late]))


def _same_map(edition: int, other: int) -> bool:
    return era(edition) == era(other)


def is_tidy_file(path: Path) -> bool:
    """A CSV file whose header is the long layout with provenance (read as it is)."""
    path = Path(path)
    if not (path.is_file() and path.suffix.lower() == ".csv"):
        return False
    try:
        header = pd.read_csv(path, nrows=0).columns
    except ValueError:  # not UTF-8, not comma-separated: the official reader copes with it
        return False
    return _file_kind(header) == VALUES_KIND


@dataclass(frozen=True, eq=False)
class DataBundle:
    """The data of one path. Frames are empty (with their columns) when absent.

    values: long frame, every edition; history: data years (with `map`); covariates: (year,
    unit, covariate, value, provenance, map) of every map; files: one row per file read
    (FILES_COLUMNS: kind, rows, rows per provenance, whether it supplements an official file).
    origin: DIRECTORY, TIDY_FILE or OFFICIAL_FILE; supplement: the directory the history and
    covariates of an official file come from (None otherwise).
    """

    path: Path
    origin: str
    values: pd.DataFrame
    history: pd.DataFrame
    covariates: pd.DataFrame
    files: pd.DataFrame
    supplement: Path | None = None
    _cache: dict = field(default_factory=dict, init=False, repr=False)

    # ----------------------------------------------------------------------- values

    def editions(self, up_to: int | None = None) -> list[int]:
        """Editions with values (up to and including `up_to`)."""
        editions = sorted(int(e) for e in self.values[schema.EDITION].dropna().astype(int).unique())
        return [e for e in editions if up_to is None or e <= int(up_to)]

    def values_of(self, edition: int) -> pd.DataFrame:
        """The values of one edition (long frame); ValueError naming the editions found."""
        rows = self.values[self.values[schema.EDITION].astype(int) == int(edition)]
        if rows.empty:
            raise ValueError(Said("data.no_edition", path=self.path, edition=edition,
                                  editions=", ".join(map(str, self.editions())) or "-"))
        return rows.reset_index(drop=True)

    def values_on_map(self, edition: int, map_edition: int) -> tuple[pd.DataFrame, bool]:
        """The values of `edition` on the map of `map_edition` (harmonised when the maps
        differ, the edition column unchanged) and whether they were harmonised."""
        values = self.values_of(edition)
        if _same_map(edition, map_edition):
            return values, False
        harmonised = self._harmonise(values, schema.data_year(edition), int(edition), int(map_edition))
        return harmonised[schema.LONG_COLUMNS].reset_index(drop=True), True

    def edition_index(self, edition: int):
        """(idata, IndexResult) of an edition, its own framework and the PII's method
        (`piilib.pii.compute_pii`), computed once per bundle: the targets and the outlook of
        one command share it (read, never modified)."""
        key = ("index", int(edition))
        if key not in self._cache:
            from piilib.framework import load_framework, to_imeta
            from piilib.index import build_index
            from piilib.pii import PII_STEPS, edition_values, to_idata

            framework = load_framework(edition)
            idata = to_idata(edition_values(self.values, edition), edition, framework)
            self._cache[key] = (idata, build_index(idata, to_imeta(framework), steps=PII_STEPS))
        return self._cache[key]

    # ----------------------------------------------------------------------- history

    def history_on_map(self, edition: int, indicator: str | None = None) -> pd.DataFrame:
        """Data years up to `data_year(edition)` on the edition's map (the history layout plus
        `harmonised`), built as the module docstring says; cached per edition."""
        edition = int(edition)
        key = ("history", edition, None if indicator is None else str(indicator))
        if key not in self._cache:
            full = self._cache.get(("history", edition, None))
            if full is not None:
                self._cache[key] = full[full[schema.INDICATOR] == str(indicator)].reset_index(drop=True)
            else:
                self._cache[key] = self._history_on_map(edition, indicator)
        return self._cache[key].copy()

    def _history_on_map(self, edition: int, indicator: str | None) -> pd.DataFrame:
        columns = schema.HISTORY_COLUMNS
        year_of_edition = schema.data_year(edition)
        history, values = self.history, self.values
        if indicator is not None:
            if not history.empty:
                history = history[history[schema.INDICATOR].astype(str) == str(indicator)]
            values = values[values[schema.INDICATOR].astype(str) == str(indicator)]
        from_values = {}
        for other in self.editions(edition):
            if _same_map(other, edition):
                rows = values[values[schema.EDITION].astype(int) == other]
                from_values[schema.data_year(other)] = rows.assign(**{schema.YEAR: schema.data_year(other)})[columns]
        parts = []
        if not history.empty:
            own_map = set(history.loc[history[MAP] == era(edition), schema.YEAR].astype(int))
            for (year, file_map), rows in history.groupby([schema.YEAR, MAP], sort=True):
                year = int(year)
                if year > year_of_edition or year in from_values:
                    continue
                if file_map == era(edition):
                    parts.append(rows[columns].assign(**{HARMONISED: False}))
                elif era(edition) == era(schema.FIRST_MERGED_EDITION) and year not in own_map:
                    former = schema.FIRST_MERGED_EDITION - 1
                    try:
                        merged = self._harmonise(rows.rename(columns={schema.YEAR: schema.EDITION}), year, former,
                                                 edition)
                    except ValueError:  # no quantities to combine with: the year is left out
                        continue
                    parts.append(merged.rename(columns={schema.EDITION: schema.YEAR})[columns]
                                 .assign(**{HARMONISED: True}))
        parts += [rows.assign(**{HARMONISED: False}) for rows in from_values.values()]
        if not parts:
            return pd.DataFrame(columns=columns + [HARMONISED])
        combined = pd.concat(parts, ignore_index=True)
        combined[schema.YEAR] = combined[schema.YEAR].astype(int)
        combined[schema.INDICATOR] = combined[schema.INDICATOR].astype(str)
        return combined.sort_values([schema.YEAR, schema.UNIT, schema.INDICATOR]).reset_index(drop=True)

    # ----------------------------------------------------------------------- covariates

    def _covariates_of_year(self, year: int, map_edition: int) -> pd.DataFrame:
        rows = self.covariates
        if rows.empty:
            return rows
        return rows[(rows[schema.YEAR].astype(int) == int(year)) & (rows[MAP] == era(map_edition))]

    def covariates_on_map(self, edition: int) -> pd.DataFrame:
        """The structural covariates of the edition's data year on its map; without any for
        that year, the latest earlier year's on that map, carried forward (year set to the
        data year, source noting it). Empty when the map has none up to that year."""
        year = schema.data_year(edition)
        rows = self._covariates_of_year(year, edition)
        if not rows.empty or self.covariates.empty:
            return rows.reset_index(drop=True)
        on_map = self.covariates[(self.covariates[MAP] == era(edition))
                                 & (self.covariates[schema.YEAR].astype(int) < year)]
        if on_map.empty:
            return on_map.reset_index(drop=True)
        latest = int(on_map[schema.YEAR].astype(int).max())
        carried = self._covariates_of_year(latest, edition)
        source = carried[schema.SOURCE].astype(str) if schema.SOURCE in carried.columns else ""
        return carried.assign(**{
            schema.YEAR: year,
            schema.SOURCE: source + f" (năm {latest}, dùng cho năm {year})",
        }).reset_index(drop=True)

    def _quantities(self, year: int, former_edition: int) -> pd.DataFrame:
        """Quantities (unit, quantity, value, provenance) of the former map for harmonisation:
        the covariates of the year, else the unit table's."""
        rows = self._covariates_of_year(year, former_edition)
        if not rows.empty:
            provenance = rows[schema.PROVENANCE] if schema.PROVENANCE in rows.columns else schema.OFFICIAL
            return pd.DataFrame({
                "unit": rows[schema.UNIT], "quantity": rows[schema.COVARIATE],
                "value": rows[schema.VALUE].astype(float), "provenance": provenance,
            })
        return unit_quantities(former_edition)

    def _harmonise(self, rows: pd.DataFrame, year: int, former_edition: int, map_edition: int) -> pd.DataFrame:
        """Rows (tidy, column `edition`) of the 63-province map on the 34-province map, merged
        with the rules of the edition the values are defined with (`former_edition`, the
        63-province edition; as `piilib.analysis.ranking_map` merges), not the map edition's."""
        from piilib.framework import indicators as framework_indicators
        from piilib.framework import load_framework
        from piilib.harmonise import harmonise_to_merged

        framework = framework_indicators(load_framework(former_edition))
        return harmonise_to_merged(rows, framework, self._quantities(year, former_edition))

    # ----------------------------------------------------------------------- provenance

    def _used(self, edition: int) -> dict[str, pd.DataFrame]:
        """The rows a report of `edition` can use, per part: values of it and earlier
        editions, history and covariates up to its data year."""
        year = schema.data_year(edition)
        editions = self.values[schema.EDITION].astype(int)
        used = {VALUES_KIND: self.values[editions == int(edition)],
                EARLIER_KIND: self.values[editions < int(edition)]}
        for part, frame in ((HISTORY_KIND, self.history), (COVARIATES_KIND, self.covariates)):
            used[part] = frame if frame.empty else frame[frame[schema.YEAR].astype(int) <= year]
        return used

    def parts(self, edition: int) -> dict[str, set[str]]:
        """Part (`PARTS`: its own values, earlier editions' values, history, covariates) -> the
        provenances of the rows the edition uses (parts with no row left out)."""
        found = {}
        for part, rows in self._used(edition).items():
            if not rows.empty and schema.PROVENANCE in rows.columns:
                found[part] = set(rows[schema.PROVENANCE].dropna().astype(str))
        return found

    def uses_illustrative(self, edition: int) -> bool:
        """True when any value, history year or covariate the edition uses is illustrative."""
        return any(schema.ILLUSTRATIVE in provenances for provenances in self.parts(edition).values())

    def illustrative_parts(self, edition: int) -> list[str]:
        """The parts (in `PARTS` order) of what the edition uses that hold illustrative rows."""
        parts = self.parts(edition)
        return [part for part in PARTS if schema.ILLUSTRATIVE in parts.get(part, set())]


# --------------------------------------------------------------------------- loading


def _csv_files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    return sorted(p for p in path.rglob("*.csv") if p.is_file())


def _signature(paths: list[Path]) -> tuple:
    """What identifies the contents for the cache: names, modification times and sizes."""
    signature = []
    for path in paths:
        for file in _csv_files(path) if path.is_dir() else [path]:
            stat = file.stat()
            signature.append((str(file), stat.st_mtime_ns, stat.st_size))
    return tuple(signature)


def load_bundle(data: str | Path | None = None, edition: int | None = None,
                official: str | Path | None = None) -> DataBundle:
    """The data at `data` (None: data/demo), as the module docstring says; cached.

    official: the official folder layered on data/demo and on an official file (default
    `official_dir()`); ignored for a --data directory or tidy file.
    Raises FileNotFoundError for a path that does not exist, ValueError (e.g.
    `piilib.io.OfficialFileError`, listing every problem) for data that cannot be used.
    """
    path = Path(DEMO_DIR if data is None else data).resolve()
    if not path.exists():
        raise FileNotFoundError(Said("data.path_missing", path=path))
    if path.is_dir():
        origin = DIRECTORY
    else:
        origin = TIDY_FILE if is_tidy_file(path) else OFFICIAL_FILE
    layered = origin == OFFICIAL_FILE or path == DEMO_DIR.resolve()
    folder_files = official_files(official) if layered else []
    watched = [path] + ([DEMO_DIR] if origin == OFFICIAL_FILE else []) + folder_files
    hint = int(edition) if origin == OFFICIAL_FILE and edition is not None else None
    return _load(str(path), origin, _signature(watched), hint, tuple(map(str, folder_files)))


@functools.lru_cache(maxsize=8)
def _load(path_text: str, origin: str, signature: tuple, edition: int | None,
          folder_files: tuple[str, ...] = ()) -> DataBundle:
    path = Path(path_text)
    if origin == OFFICIAL_FILE:
        return _official(path, edition, [Path(f) for f in folder_files])
    if folder_files:
        return _layered(_load(path_text, origin, signature, edition), [Path(f) for f in folder_files])
    frames, files = _read_csv_files(path)
    if origin == DIRECTORY and not frames[VALUES_KIND]:
        workbooks = sorted(p.name for p in path.iterdir()
                           if p.suffix.lower() == ".xlsx" and not p.name.startswith("~$"))
        hint = text("data.no_values_file.workbooks", files=", ".join(workbooks[:3]), first=path / workbooks[0],
                    variable=OFFICIAL_DIR_ENV, path=path) if workbooks else ""
        raise ValueError(Said("data.no_values_file", path=path, columns=", ".join(schema.LONG_COLUMNS), hint=hint))
    return DataBundle(
        path=path, origin=origin,
        values=_combined(frames[VALUES_KIND], schema.LONG_COLUMNS),
        history=_combined(frames[HISTORY_KIND], schema.HISTORY_COLUMNS + [MAP]),
        covariates=_combined(frames[COVARIATES_KIND], COVARIATE_COLUMNS + [schema.PROVENANCE, MAP]),
        files=files,
    )


def _combined(frames: list[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
    return pd.concat(frames, ignore_index=True) if frames else _empty(columns)


def _read_csv_files(path: Path) -> tuple[dict[str, list[pd.DataFrame]], pd.DataFrame]:
    """The recognised frames under `path` by kind, and the listing of every CSV file.

    Raises DataFileError naming every file that cannot be used (`csv_file_problems`)."""
    frames = {VALUES_KIND: [], HISTORY_KIND: [], COVARIATES_KIND: []}
    listing = []
    problems = []
    for file in _csv_files(path):
        name = file.name if file == path else file.relative_to(path).as_posix()
        kind, frame, file_problems = _read_data_csv(file, name)
        problems += file_problems
        row = {"file": name, "kind": kind, "rows": None, "supplement": False}  # files not used are not read
        if frame is not None:
            if kind != VALUES_KIND:
                frame = frame.assign(**{MAP: _row_maps(frame, kind)})
            frames[kind].append(frame)
            row["rows"] = len(frame)
            row.update(_provenance_counts(frame))
        listing.append(row)
    if problems:
        raise DataFileError(problems)
    return frames, _files_table(listing)


class DataFileError(ValueError):
    """CSV files of a --data folder (or a tidy values file) that cannot be used; `problems`
    lists them in plain words, each naming the file, line and column and what to do (each a
    `piilib.messages.Said`: its `fields` hold the file, line, column, value found)."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


SHOWN_BAD_CELLS = 5  # bad cells listed per file and column before the rest are counted
# Columns that must hold numbers, per kind of file: (column, whole numbers only).
_NUMBER_COLUMNS = {
    VALUES_KIND: [(schema.EDITION, True), (schema.VALUE, False)],
    HISTORY_KIND: [(schema.YEAR, True), (schema.VALUE, False)],
    COVARIATES_KIND: [(schema.YEAR, True), (schema.VALUE, False)],
}


def _read_data_csv(file: Path, name: str) -> tuple[str, pd.DataFrame | None, list[str]]:
    """(kind, frame or None when not used or unusable, problems) of one CSV file of the data."""
    import csv
    import io

    try:
        data = file.read_bytes()
    except PermissionError:
        return OTHER_KIND, None, [Said("csv.no_permission", name=name)]
    except OSError as error:
        return OTHER_KIND, None, [Said("csv.unreadable", name=name, reason=error.strerror or error)]
    if not data.strip():
        return OTHER_KIND, None, [Said("csv.empty", name=name, columns=",".join(schema.LONG_COLUMNS))]
    try:
        content = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        return OTHER_KIND, None, [Said("csv.not_utf8", name=name, line=line, byte=f"{data[error.start]:02x}",
                                       save_as=text("csv.save_as"))]
    try:
        header = pd.read_csv(io.StringIO(content), nrows=0).columns
        kind = _file_kind(header)
        if kind == OTHER_KIND:
            return kind, None, []
        named = next(csv.reader(io.StringIO(content)), [])
        repeated = sorted({column for column in named if named.count(column) > 1})
        if repeated:  # pandas reads a second "value" as "value.1" and would use the first without a word
            return kind, None, [Said("csv.repeated_column", name=name, columns=", ".join(repeated))]
        # Only an empty cell is missing: "#N/A", "NaN", "n/a" (pandas' default missing marks) are
        # Excel errors or typed words, reported by cell rather than read as no data.
        frame = pd.read_csv(io.StringIO(content), dtype={schema.INDICATOR: "str", schema.UNIT: "str"},
                            keep_default_na=False, na_values=[""])
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as error:
        detail = " ".join(str(error).split())[:160]
        return OTHER_KIND, None, [Said("csv.not_csv", name=name, detail=detail, save_as=text("csv.save_as"))]
    problems = (_number_column_problems(frame, kind, name) + _unit_problems(frame, kind, name)
                + _provenance_problems(frame, name) + _duplicate_problems(frame, kind, name))
    if kind == COVARIATES_KIND and not problems:
        problems = _covariate_value_problems(frame, name)
    return kind, (None if problems else frame), problems


# The columns that identify a row, per kind of file: a second row with the same key is a copy
# pasted twice or a value typed again (which one to use is not for the program to guess).
_KEY_COLUMNS = {
    VALUES_KIND: [schema.EDITION, schema.UNIT, schema.INDICATOR],
    HISTORY_KIND: [schema.YEAR, schema.UNIT, schema.INDICATOR],
    COVARIATES_KIND: [schema.YEAR, schema.UNIT, schema.COVARIATE],
}


def _duplicate_problems(frame: pd.DataFrame, kind: str, name: str) -> list[str]:
    """Rows whose key (`_KEY_COLUMNS`) an earlier row of the file already has."""
    columns = _KEY_COLUMNS[kind]
    keys = frame[columns].astype(str)
    repeated = keys.duplicated(keep="first")
    if not repeated.any():
        return []
    first_line = {}
    for index, key in zip(keys.index, map(tuple, keys.to_numpy())):
        first_line.setdefault(key, index + 2)
    lines = list(frame.index[repeated])
    problems = []
    for index in lines[:SHOWN_BAD_CELLS]:
        key = tuple(keys.loc[index])
        problems.append(Said("csv.duplicate", name=name, line=index + 2, key=", ".join(key),
                             columns=", ".join(columns), first=first_line[key]))
    if len(lines) > SHOWN_BAD_CELLS:
        problems.append(Said("csv.more_duplicates", name=name, count=f"{len(lines) - SHOWN_BAD_CELLS:,}"))
    return problems


# Covariates are counts and levels (never below zero); these are also taken in logs (peers).
POSITIVE_COVARIATES = frozenset({"population", "grdp", "grdp_per_capita"})


def _covariate_value_problems(frame: pd.DataFrame, name: str) -> list[str]:
    """Covariate values below zero, or not above zero where the covariate is taken in logs."""
    values = pd.to_numeric(frame[schema.VALUE], errors="coerce")
    positive = frame[schema.COVARIATE].isin(POSITIVE_COVARIATES)
    bad = (values < 0) | (positive & (values <= 0))
    lines = list(frame.index[bad.fillna(False)])
    problems = []
    for index in lines[:SHOWN_BAD_CELLS]:
        expected = text("csv.expected_positive" if positive[index] else "csv.expected_non_negative",
                        covariate=frame.at[index, schema.COVARIATE])
        problems.append(Said("csv.bad_cell", name=name, line=index + 2, column=schema.VALUE,
                             found=_found(frame.at[index, schema.VALUE]), expected=expected))
    if len(lines) > SHOWN_BAD_CELLS:
        problems.append(Said("csv.more_below_zero", name=name, count=f"{len(lines) - SHOWN_BAD_CELLS:,}",
                             column=schema.VALUE, first=f"{lines[SHOWN_BAD_CELLS] + 2:,}", last=f"{lines[-1] + 2:,}"))
    return problems


def _provenance_problems(frame: pd.DataFrame, name: str) -> list[str]:
    """Rows whose provenance is not one of `schema.PROVENANCES` (empty, a typo): every value must
    say where it comes from, or the report could call an illustrative number official."""
    if schema.PROVENANCE not in frame.columns:
        return []
    lines = list(frame.index[~frame[schema.PROVENANCE].isin(schema.PROVENANCES)])
    expected = text("csv.expected_provenance", choices=", ".join(schema.PROVENANCES))
    problems = [Said("csv.bad_cell", name=name, line=index + 2, column=schema.PROVENANCE,
                     found=_found(frame.at[index, schema.PROVENANCE]), expected=expected)
                for index in lines[:SHOWN_BAD_CELLS]]
    if len(lines) > SHOWN_BAD_CELLS:
        problems.append(Said("data.more_unknown_provenance", count=len(lines) - SHOWN_BAD_CELLS))
    return problems


def _number_column_problems(frame: pd.DataFrame, kind: str, name: str) -> list[str]:
    """Cells of the number columns that hold text (or a fraction where a year is expected)."""
    problems = []
    for column, whole in _NUMBER_COLUMNS[kind]:
        raw = frame[column]
        numbers = pd.to_numeric(raw, errors="coerce")
        bad = raw.notna() & numbers.isna()
        if whole:  # an edition or a year: never missing
            bad = numbers.isna() | (numbers % 1 != 0)
        expected = text("csv.expected_year" if whole else "csv.expected_number")
        if not whole:
            finite = numbers.isna() | numbers.abs().lt(float("inf"))
            bad |= ~finite
        lines = list(frame.index[bad])
        for index in lines[:SHOWN_BAD_CELLS]:
            problems.append(Said("csv.bad_cell", name=name, line=index + 2, column=column,
                                 found=_found(raw[index]), expected=expected))
        if len(lines) > SHOWN_BAD_CELLS:
            problems.append(Said("csv.more_not_whole" if whole else "csv.more_not_numbers", name=name,
                                 count=f"{len(lines) - SHOWN_BAD_CELLS:,}", column=column,
                                 first=f"{lines[SHOWN_BAD_CELLS] + 2:,}", last=f"{lines[-1] + 2:,}"))
    return problems


def _found(cell) -> str:
    """A cell as a message shows it: quoted, or "(empty)"."""
    return text("csv.empty_cell") if pd.isna(cell) else repr(str(cell))


def _unit_problems(frame: pd.DataFrame, kind: str, name: str) -> list[str]:
    """Rows whose unit is not a key of a province of their map (`_row_maps`: a values row's
    edition, a history or covariate row's year): a typo, a unit of the other map, an empty
    cell. Rows without a number for the edition or year are left to `_number_column_problems`."""
    when_column = schema.EDITION if kind == VALUES_KIND else schema.YEAR
    when = pd.to_numeric(frame[when_column], errors="coerce")
    units, maps = frame[schema.UNIT], _row_maps(frame, kind)
    known = when.isna() | (when % 1 != 0)
    for label in maps.unique():
        known |= (maps == label) & units.isin(_map_keys(label))
    lines = list(frame.index[~known])
    problems = []
    for index in lines[:SHOWN_BAD_CELLS]:
        found, label = units[index], maps[index]
        hint = "" if pd.isna(found) else _unit_hint(str(found), label)
        count = len(_map_keys(label))
        expected = (text("csv.expected_unit.edition", count=count, edition=int(when[index]), hint=hint)
                    if kind == VALUES_KIND else
                    text("csv.expected_unit.year", count=count, year=int(when[index]), hint=hint))
        problems.append(Said("csv.bad_cell", name=name, line=index + 2, column=schema.UNIT, found=_found(found),
                             expected=expected))
    if len(lines) > SHOWN_BAD_CELLS:
        problems.append(Said("csv.more_unknown_units", name=name, count=f"{len(lines) - SHOWN_BAD_CELLS:,}",
                             column=schema.UNIT, first=f"{lines[SHOWN_BAD_CELLS] + 2:,}", last=f"{lines[-1] + 2:,}"))
    return problems


def _unit_hint(found: str, map_label: str) -> str:
    """What to write instead of `found` on the map `map_label`: the key of the unit it spells
    (a name, spaces), the merged unit a former province belongs to, the former province a
    unit of the 34-province map was, or the closest keys (empty when nothing is close)."""
    edition = _EDITION_OF_MAP[map_label]
    key = unit_key(found, edition)
    if key is not None:
        return text("csv.unit_hint.closest", units=key)
    other = AFTER_MERGER if map_label == BEFORE_MERGER else BEFORE_MERGER
    other_key = unit_key(found, _EDITION_OF_MAP[other])
    if other_key is not None:
        walk = crosswalk()
        if map_label == AFTER_MERGER:
            merged = walk.loc[walk["former_unit"] == other_key, "merged_unit"].iloc[0]
            return text("csv.unit_hint.merged", unit=other_key, merged=merged)
        formers = walk.loc[walk["merged_unit"] == other_key, "former_unit"]
        return text("csv.unit_hint.later_map", unit=other_key, formers=", ".join(formers))
    closest = closest_keys(found, edition)
    return text("csv.unit_hint.closest", units=", ".join(closest)) if closest else ""


def _provenance_counts(frame: pd.DataFrame) -> dict[str, int]:
    if schema.PROVENANCE not in frame.columns:
        return {}
    return frame[schema.PROVENANCE].astype(str).value_counts().to_dict()


def _files_table(listing: list[dict]) -> pd.DataFrame:
    files = pd.DataFrame(listing, columns=FILES_COLUMNS)
    files[list(schema.PROVENANCES)] = files[list(schema.PROVENANCES)].fillna(0).astype(int)
    files["supplement"] = files["supplement"].astype(bool)
    return files


def _read_official(path: Path, edition: int | None) -> pd.DataFrame:
    """An official values file as the long frame; `edition` is used only when the file does
    not state its own. Raises OfficialFileError (ValueError) naming the file."""
    from piilib.io import OfficialFileError, read_values

    try:
        return read_values(path)
    except OfficialFileError:
        if edition is None:
            raise
    # A file that does not state its edition. Read again outside the handler: a second failure
    # must not carry the first as its context (the workbook reader names a root cause).
    return read_values(path, edition)


def _shown_name(path: Path) -> str:
    path = path.resolve()
    return path.relative_to(REPO_ROOT).as_posix() if REPO_ROOT in path.parents else path.name


def _with_editions(base: pd.DataFrame, layer: pd.DataFrame) -> pd.DataFrame:
    """`base` with the editions of `layer` replaced whole by the layer's rows."""
    replaced = set(layer[schema.EDITION].astype(int))
    kept = base[~base[schema.EDITION].astype(int).isin(replaced)]
    return pd.concat([kept, layer], ignore_index=True)


def _folder_values(folder_files: list[Path]) -> tuple[pd.DataFrame, list[dict]]:
    """The values of the official folder's files and their listing rows; ValueError naming
    every file that cannot be used or two files of one edition."""
    frames, listing, problems, seen = [], [], [], {}
    for file in folder_files:
        try:
            values = _read_official(file, edition_from_name(file))
        except ValueError as error:
            problems.append(Said("data.official_file", file=_shown_name(file),
                                 problems="; ".join(str(error).splitlines()[:5])))
            continue
        stated = sorted(set(values[schema.EDITION].astype(int)))
        named = _only_year_in_name(file)
        if named is not None and stated != [named]:
            problems.append(Said("data.official_name_edition", file=file.name, named=named,
                                 stated=", ".join(map(str, stated))))
            continue
        for edition in stated:
            if edition in seen:
                problems.append(Said("data.official_same_edition", first=seen[edition], second=file.name,
                                     edition=edition))
            seen[edition] = file.name
        frames.append(values)
        listing.append({"file": _shown_name(file), "kind": VALUES_KIND, "rows": len(values), "supplement": False,
                        **_provenance_counts(values)})
    if problems:
        raise DataFileError(problems)
    return _combined(frames, schema.LONG_COLUMNS), listing


def _layered(base: DataBundle, folder_files: list[Path]) -> DataBundle:
    """The default data (data/demo) with the editions of the official folder on top."""
    folder, listing = _folder_values(folder_files)
    if folder.empty:
        return base
    files = base.files[base.files["kind"] != OTHER_KIND].assign(supplement=True)
    return DataBundle(path=base.path, origin=base.origin, values=_with_editions(base.values, folder),
                      history=base.history, covariates=base.covariates,
                      files=_files_table([*listing, *files.to_dict("records")]), supplement=DEMO_DIR)


def _official(path: Path, edition: int | None, folder_files: list[Path] = ()) -> DataBundle:
    """An official values file on top of the editions the project holds (data/demo and the
    official folder), with the history and covariates of data/demo."""
    values = _read_official(path, edition if edition is not None else edition_from_name(path))
    demo_dir = DEMO_DIR.resolve()
    demo = _load(str(demo_dir), DIRECTORY, _signature([demo_dir]), None)  # without the official folder
    folder, listing = _folder_values(list(folder_files))
    held = _with_editions(demo.values, folder) if not folder.empty else demo.values
    used = demo.files[demo.files["kind"].isin([VALUES_KIND, HISTORY_KIND, COVARIATES_KIND])]
    supplement = used.assign(
        file=lambda f: [(DEMO_DIR / name).relative_to(REPO_ROOT).as_posix() for name in f["file"]],
        supplement=True,
    )
    own = {"file": path.name, "kind": VALUES_KIND, "rows": len(values), "supplement": False,
           **_provenance_counts(values)}
    files = _files_table([own, *listing, *supplement.to_dict("records")])
    return DataBundle(path=path, origin=OFFICIAL_FILE, values=_with_editions(held, values).reset_index(drop=True),
                      history=demo.history, covariates=demo.covariates, files=files, supplement=DEMO_DIR)


def data_path_problems(data: str | Path | None, option: str = "--data") -> list[str]:
    """The plain-language problems with a --data path (`option`: the option that named it, e.g.
    validate's --previous) (empty when fine): a path that does not
    exist or cannot be reached, and, for a folder or a tidy values file, every CSV file that
    cannot be used (empty, not UTF-8, text in a number column, a unit that is not a province of
    its row's map: `DataFileError`). An official
    values file is checked when it is read (`piilib.io`). With the default data or an official
    file, every file of the official folder that cannot be used is named too."""
    if data is None:
        return _official_folder_problems()
    problems = _data_problems(data, option)
    if not problems and Path(data).is_file() and not is_tidy_file(data):
        problems = _official_folder_problems()
    return problems


# Files of the official folder that staff meant as data but that are not read: a spreadsheet in
# another format, or a link that leads nowhere. Said, not skipped in silence (the edition would
# quietly stay illustrative). Other files (notes, PDFs) are left alone.
SPREADSHEET_SUFFIXES = (".xls", ".xlsm", ".xlsb", ".ods", ".numbers", ".txt", ".tsv")


def _skipped_official_files(folder: Path) -> list[str]:
    problems = []
    for path in sorted(folder.iterdir()) if folder.is_dir() else []:
        if path.name.startswith((".", "~$")):
            continue
        if path.is_symlink() and not path.exists():
            problems.append(Said("data.official_file", file=path.name, problems=text("io.broken_link", path=path)))
        elif path.is_file() and path.suffix.lower() in SPREADSHEET_SUFFIXES:
            reason = text("io.xls") if path.suffix.lower() == ".xls" else text("io.file_type", suffix=path.suffix)
            problems.append(Said("data.official_file", file=path.name,
                                 problems=text("data.official_not_read", reason=reason)))
    return problems


def _official_folder_problems() -> list[str]:
    """Every file of the official folder that cannot be used or is not read (empty when fine
    or absent)."""
    problems = _skipped_official_files(official_dir())
    files = official_files()
    if files:
        try:
            _folder_values(files)
        except DataFileError as error:
            problems += error.problems
    return [text("data.official_folder", problem=problem, folder=official_dir(), variable=OFFICIAL_DIR_ENV)
            for problem in problems]


def _data_problems(data: str | Path, option: str) -> list[str]:
    path = Path(data)
    try:
        exists = path.exists()
    except OSError:  # e.g. a folder on the way that this account may not enter
        exists = None
    if exists is None or (exists and not os.access(path, os.R_OK | (os.X_OK if path.is_dir() else 0))):
        return [text("data.no_permission", option=option, data=data)]
    if not exists:
        return [text("data.broken_link" if path.is_symlink() else "data.not_found", option=option, data=data)]
    if path.is_dir() or is_tidy_file(path):
        try:
            _read_csv_files(path)
        except DataFileError as error:
            return [f"{option} {data}: {problem}" for problem in error.problems]
    return []


def newest_known_edition(data: str | Path | None = None) -> int:
    """The newest edition the program knows of: the newest framework file, or a newer edition
    that an official folder file or the --data file names (`pii-2026.xlsx`): the edition just
    collected, whose successor is the one staff prepare next."""
    from piilib.framework import available_editions

    named = [edition_from_name(path) for path in official_files()]
    if data is not None and Path(data).suffix.lower() in OFFICIAL_SUFFIXES:
        named.append(edition_from_name(data))
    return max([*available_editions(), *(e for e in named if e is not None)])


def edition_problems(edition: int, data: str | Path | None = None) -> list[str]:
    """The plain-language problem with an --edition outside what the program can serve (empty
    when fine): from the first edition that has a framework file to the edition after the
    newest one known (`newest_known_edition`): that one, with no framework file of its own yet,
    carries over the newest framework. Every command's --edition is checked here."""
    from piilib.framework import available_editions

    editions = available_editions()
    last = newest_known_edition(data) + 1
    if editions[0] <= edition <= last:
        return []
    return [text("data.edition_out_of_range", edition=edition, first=editions[0], last=last,
                 editions=", ".join(map(str, editions)), framework=editions[-1])]
