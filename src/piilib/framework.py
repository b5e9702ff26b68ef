"""The PII framework per edition, as data (data/framework/pii_<edition>.csv).

One CSV per edition holds every node of the tree: the index (PII), its two sub-indices
(input, output), the 7 pillars, the 18 sub-pillars and the 52 indicators, each row naming
its parent. Indicator rows also say what the value is divided by (`denominator`), how the
value combines when provinces merge (`merge_rule`, `merge_weight`), where it comes from,
and whether its code is the official one (coded in plan 88) or our provisional placement.
data/framework/README.md documents every column.

`load_framework(edition)` reads and checks the file and raises `FrameworkError` listing
every problem (file, line, column, value found, what is expected). Nothing here knows a
particular indicator code: the files decide.
"""

from __future__ import annotations

import functools
import math
import re
from pathlib import Path

import pandas as pd

from piilib.messages import Said, text
from piilib.paths import DATA_DIR

FRAMEWORK_DIR = DATA_DIR / "framework"
FILE_PATTERN = "pii_{edition}.csv"

# Levels from the bottom of the tree to the top; COINr's Level is the position + 1.
LEVELS = ("indicator", "sub_pillar", "pillar", "sub_index", "index")
INDICATOR = "indicator"
INDEX = "index"

DENOMINATORS = (
    "population", "communes", "enterprises", "manufacturing_enterprises", "grdp", "pupils", "none",
)
RATIO_SUM = "ratio_sum"
WEIGHTED_MEAN = "weighted_mean"
NOT_COMBINABLE = "not_combinable"
MERGE_RULES = (RATIO_SUM, WEIGHTED_MEAN, NOT_COMBINABLE)
# Quantities a weighted mean may be weighted by: the denominators, plus a few quantities
# that are the exact weight of an indicator but are not one of its denominators.
MERGE_WEIGHTS = tuple(d for d in DENOMINATORS if d != "none") + (
    "new_enterprises", "labour_force", "industrial_zone_land",
)
CODE_STATUSES = ("official", "provisional")

REQUIRED_COLUMNS = (
    "edition", "code", "level", "parent", "name_vi", "name_en", "direction", "weight",
    "unit_vi", "unit_en", "denominator", "merge_rule", "merge_weight", "source",
    "code_status", "definition_vi", "assumed_typical_low", "assumed_typical_high", "note",
)
# Columns that only indicators carry: aggregates are recomputed by the engine.
INDICATOR_ONLY_COLUMNS = ("denominator", "merge_rule", "merge_weight")

IMETA_COLUMNS = ["Level", "iCode", "iName", "Direction", "Weight", "Unit", "Denominator", "Parent", "Type"]

_INTEGER = re.compile(r"^[+-]?\d+$")


class FrameworkError(ValueError):
    """A framework file that cannot be used; `problems` lists every problem found."""

    def __init__(self, problems: list[str] | str):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))


def framework_path(edition: int) -> Path:
    """Where the framework of an edition is stored: its own file or, for a new edition that
    has none yet, the newest earlier edition's (the framework carries over from year to
    year until the Ministry publishes a change; add a file for the edition when it does)."""
    own = FRAMEWORK_DIR / FILE_PATTERN.format(edition=int(edition))
    earlier = [e for e in available_editions() if e < int(edition)]
    if own.is_file() or not earlier:
        return own
    return FRAMEWORK_DIR / FILE_PATTERN.format(edition=max(earlier))


def available_editions() -> list[int]:
    """The editions that have a framework file, in order."""
    found = []
    for path in FRAMEWORK_DIR.glob(FILE_PATTERN.format(edition="*")):
        match = re.fullmatch(r"pii_(\d{4})\.csv", path.name)
        if match:
            found.append(int(match.group(1)))
    return sorted(found)


def load_framework(edition: int, path: str | Path | None = None) -> pd.DataFrame:
    """The checked framework of an edition: one row per node, in file order.

    `path` reads another file (e.g. a corrected copy) as that edition's framework.
    Text columns hold "" where the file is blank; `direction` is int, `weight` and the
    assumed typical values are float, `plan_footnote` is a nullable integer.
    """
    path = Path(path) if path is not None else framework_path(edition)
    if not path.is_file():
        editions = ", ".join(map(str, available_editions()))
        raise FrameworkError([Said("framework.none", path=path, edition=edition, editions=editions)])
    # Read and checked once per file version in a process (the targets, the map and the
    # outlook all ask); each caller gets its own copy.
    stat = path.stat()
    return _load_framework(int(edition), str(path), stat.st_mtime_ns, stat.st_size).copy()


@functools.lru_cache(maxsize=16)
def _load_framework(edition: int, path_text: str, mtime_ns: int, size: int) -> pd.DataFrame:
    path = Path(path_text)
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as error:
        raise FrameworkError([Said("framework.unreadable", file=path.name, reason=error)]) from error
    file_edition = table["edition"].iloc[0] if "edition" in table and len(table) else str(edition)
    problems = check_framework(table, path.name, int(file_edition))
    if problems:
        raise FrameworkError(problems)
    # A framework carried over from an earlier edition describes this edition now.
    return _typed(table.assign(edition=str(int(edition))))


def check_framework(table: pd.DataFrame, file: str, edition: int | None = None) -> list[str]:
    """Every problem in a framework table read as text (empty list when it is good)."""
    missing = [c for c in REQUIRED_COLUMNS if c not in table.columns]
    if missing:
        return [Said("framework.missing_column", file=file, column=c, columns=", ".join(REQUIRED_COLUMNS))
                for c in missing]
    if table.empty:
        return [Said("framework.no_rows", file=file)]

    problems: list[str] = []

    def report(position: int, column: str, found: str, expected: str) -> None:
        # Line numbers count the header as line 1, as a spreadsheet or editor shows them.
        problems.append(Said("framework.cell", file=file, line=position + 2, column=column, found=repr(found),
                             expected=expected))

    table = table.apply(lambda column: column.str.strip())
    levels = dict(zip(table["code"], table["level"]))
    first_line = {}
    for position, row in enumerate(table.to_dict("records")):
        code = row["code"]
        if edition is not None and row["edition"] != str(edition):
            report(position, "edition", row["edition"], text("framework.expected.edition", edition=edition))
        if not code:
            report(position, "code", code, text("framework.expected.code"))
        elif code in first_line:
            report(position, "code", code, text("framework.expected.unique_code", line=first_line[code] + 2))
        else:
            first_line[code] = position
        level = row["level"]
        if level not in LEVELS:
            report(position, "level", level, _one_of(LEVELS))
        else:
            _check_parent(row, position, levels, report)
        if not row["name_vi"]:
            report(position, "name_vi", "", text("framework.expected.name_vi"))
        if not _INTEGER.match(row["direction"]) or int(row["direction"]) not in (1, -1):
            report(position, "direction", row["direction"], text("framework.expected.direction"))
        weight = _number(row["weight"])
        if weight is None or not weight > 0:
            report(position, "weight", row["weight"], text("framework.expected.weight"))
        if row["code_status"] not in CODE_STATUSES:
            report(position, "code_status", row["code_status"], _one_of(CODE_STATUSES))
        if level == INDICATOR:
            _check_indicator(row, position, report)
        elif level in LEVELS:
            for column in INDICATOR_ONLY_COLUMNS:
                if row[column]:
                    report(position, column, row[column], text("framework.expected.aggregate_blank"))
        _check_typical(row, position, report)

    problems.extend(_tree_problems(table, file, first_line))
    return problems


def _one_of(choices) -> str:
    return text("framework.expected.one_of", choices=", ".join(choices))


def _check_parent(row: dict, position: int, levels: dict, report) -> None:
    level, parent = row["level"], row["parent"]
    if level == INDEX:
        if parent:
            report(position, "parent", parent, text("framework.expected.index_parent"))
        return
    expected_level = LEVELS[LEVELS.index(level) + 1]
    if not parent:
        report(position, "parent", parent, text("framework.expected.parent", level=expected_level))
    elif parent not in levels:
        report(position, "parent", parent, text("framework.expected.parent_listed", level=expected_level))
    elif levels[parent] != expected_level:
        report(position, "parent", parent, text("framework.expected.parent_level", level=expected_level,
                                                child=level, parent=parent, actual=levels[parent]))


def _check_indicator(row: dict, position: int, report) -> None:
    if row["denominator"] not in DENOMINATORS:
        report(position, "denominator", row["denominator"], _one_of(DENOMINATORS))
    rule = row["merge_rule"]
    if rule not in MERGE_RULES:
        report(position, "merge_rule", rule, _one_of(MERGE_RULES))
    if rule == WEIGHTED_MEAN and row["merge_weight"] not in MERGE_WEIGHTS:
        report(position, "merge_weight", row["merge_weight"],
               text("framework.expected.merge_weight", choices=", ".join(MERGE_WEIGHTS)))
    if rule in (RATIO_SUM, NOT_COMBINABLE) and row["merge_weight"]:
        report(position, "merge_weight", row["merge_weight"], text("framework.expected.merge_weight_blank", rule=rule))
    if rule == NOT_COMBINABLE and not row["note"]:
        report(position, "note", "", text("framework.expected.note"))
    if not row["unit_vi"]:
        report(position, "unit_vi", "", text("framework.expected.unit"))


def _check_typical(row: dict, position: int, report) -> None:
    bounds = {}
    for column in ("assumed_typical_low", "assumed_typical_high"):
        cell = row[column]
        if cell:
            value = _number(cell)
            if value is None:
                report(position, column, cell, text("framework.expected.number_or_blank"))
            bounds[column] = value
    low, high = bounds.get("assumed_typical_low"), bounds.get("assumed_typical_high")
    if low is not None and high is not None and low > high:
        report(position, "assumed_typical_high", row["assumed_typical_high"],
               text("framework.expected.not_below", low=row["assumed_typical_low"]))


def _tree_problems(table: pd.DataFrame, file: str, first_line: dict[str, int]) -> list[str]:
    problems = []
    roots = table.loc[table["level"] == INDEX, "code"].tolist()
    if len(roots) != 1:
        problems.append(Said("framework.roots", file=file, count=len(roots),
                             codes=", ".join(roots) or text("framework.roots.none")))
    parent_of = dict(zip(table["code"], table["parent"]))
    with_children = set(table["parent"])
    for code, position in first_line.items():
        seen = [code]
        node = parent_of[code]
        while node and node in parent_of:
            if node in seen:
                problems.append(Said("framework.cycle", file=file, line=position + 2,
                                     chain=" -> ".join(seen + [node])))
                break
            seen.append(node)
            node = parent_of[node]
        level = table["level"].iloc[position]
        if level in LEVELS and level != INDICATOR and code not in with_children:
            problems.append(Said("framework.no_children", file=file, line=position + 2, level=level, code=code))
    return problems


def _number(cell: str) -> float | None:
    try:
        value = float(cell)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _typed(table: pd.DataFrame) -> pd.DataFrame:
    table = table.apply(lambda column: column.str.strip())
    return table.assign(
        edition=table["edition"].astype(int),
        direction=table["direction"].astype(int),
        weight=table["weight"].astype(float),
        assumed_typical_low=pd.to_numeric(table["assumed_typical_low"].replace("", None)).astype(float),
        assumed_typical_high=pd.to_numeric(table["assumed_typical_high"].replace("", None)).astype(float),
        **({"plan_footnote": pd.to_numeric(table["plan_footnote"].replace("", None)).astype("Int64")}
           if "plan_footnote" in table.columns else {}),
    )


def indicators(edition_or_framework: int | pd.DataFrame) -> pd.DataFrame:
    """The indicator rows of an edition's framework (or of a loaded framework), in order."""
    framework = (edition_or_framework if isinstance(edition_or_framework, pd.DataFrame)
                 else load_framework(edition_or_framework))
    return framework[framework["level"] == INDICATOR].reset_index(drop=True)


# A unit that names a measurement scale (a score, an index, points, a percentage), not a count.
_SCALE_UNIT = re.compile(r"score|index|point|%|percent", re.IGNORECASE)


def whole_counts(edition_or_framework: int | pd.DataFrame) -> pd.Series:
    """Per indicator code, whether its values are whole numbers: a count with no denominator
    (`denominator` none) whose `unit_en` is not a score, an index, points or a percentage,
    e.g. 1.1.1 "policy fields covered (0–13)". Ratios to a denominator are fractional."""
    table = indicators(edition_or_framework)
    whole = (table["denominator"].astype(str) == "none") & ~table["unit_en"].astype(str).str.contains(_SCALE_UNIT)
    return pd.Series(whole.to_numpy(dtype=bool), index=table["code"].astype(str).to_numpy(), name="whole_count")


def to_imeta(framework: pd.DataFrame, language: str = "vi") -> pd.DataFrame:
    """COINr's iMeta for the engine: indicators (Level 1) first, then aggregates up to the PII.

    iName and Unit come from `name_<language>` and `unit_<language>` ("vi" or "en").
    Denominator is empty: PII indicator values are already ratios, so the engine's
    denominate step has nothing to divide by. Parent is "" at the top.
    """
    level_number = {level: position + 1 for position, level in enumerate(LEVELS)}
    rows = framework.assign(_level=framework["level"].map(level_number))
    rows = rows.sort_values("_level", kind="stable")
    imeta = pd.DataFrame({
        "Level": rows["_level"].astype(int).to_numpy(),
        "iCode": rows["code"].astype(str).to_numpy(),
        "iName": rows[f"name_{language}"].astype(str).to_numpy(),
        "Direction": rows["direction"].astype(int).to_numpy(),
        "Weight": rows["weight"].astype(float).to_numpy(),
        "Unit": rows[f"unit_{language}"].astype(str).to_numpy(),
        "Denominator": "",
        "Parent": rows["parent"].astype(str).to_numpy(),
        "Type": ["Indicator" if level == INDICATOR else "Aggregate" for level in rows["level"]],
    })
    return imeta[IMETA_COLUMNS]
