"""Checks that iData and iMeta describe one consistent index, before anything is computed.

Every problem found is reported (not just the first), each in one plain sentence naming
the file, the line or column, the value found and what is expected. Line numbers are
those of the CSV file (line 1 is the header), so a user can open the file and go there.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from piilib.messages import Said, text

from .steps import UCODE

IMETA_REQUIRED = ["Level", "iCode", "Direction", "Weight", "Parent", "Type"]
NODE_TYPES = ("Indicator", "Aggregate")


class IndexInputError(ValueError):
    """iData / iMeta / method problems; `problems` lists one message per problem."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


def _line(position: int) -> int:
    """CSV line of the row at 0-based `position` (the header is line 1)."""
    return position + 2


def _blank(value) -> bool:
    """Missing: None, NaN / NA, or text of spaces only."""
    if value is None or value is pd.NA:
        return True
    if isinstance(value, str):
        return not value.strip()
    return value != value  # NaN


def _number(value) -> float | None:
    if _blank(value):
        return None
    try:
        return float(str(value).strip())
    except ValueError:
        return None


def check_imeta(imeta: pd.DataFrame, imeta_name: str = "iMeta") -> list[str]:
    """Problems in iMeta on its own: columns, codes, levels, weights, directions, tree."""
    missing = [c for c in IMETA_REQUIRED if c not in imeta.columns]
    if missing:
        return [Said("index.meta.missing_columns", file=imeta_name, missing=", ".join(missing),
                     required=", ".join(IMETA_REQUIRED))]
    problems: list[str] = []
    wanted = IMETA_REQUIRED
    columns = {name: imeta[name].tolist() for name in wanted}
    rows = [dict(zip(wanted, values)) for values in zip(*columns.values())]
    node_rows = []
    for pos, row in enumerate(rows):
        kind = "" if _blank(row["Type"]) else str(row["Type"]).strip()
        if kind in NODE_TYPES:
            node_rows.append(pos)
    if not node_rows:
        return [Said("index.meta.no_nodes", file=imeta_name)]

    level_of: dict[str, int] = {}
    line_of: dict[str, int] = {}
    parent_of: dict[str, str] = {}
    weight_of: dict[str, float] = {}
    for pos in node_rows:
        row = rows[pos]
        line = _line(pos)
        code = "" if _blank(row["iCode"]) else str(row["iCode"]).strip()
        where = _where(imeta_name, line, code)
        if not code:
            problems.append(Said("index.meta.empty_code", where=where))
            continue
        if code in line_of:
            problems.append(Said("index.meta.code_again", where=where, code=code, first=line_of[code]))
            continue
        line_of[code] = line
        kind = str(row["Type"]).strip()

        level = _number(row["Level"])
        if level is None or level != int(level) or level < 1:
            problems.append(Said("index.meta.level", where=where, value=_shown(row["Level"])))
        else:
            level_of[code] = int(level)
            if kind == "Indicator" and level != 1:
                problems.append(Said("index.meta.indicator_level", where=where, level=int(level)))
            if kind == "Aggregate" and level < 2:
                problems.append(Said("index.meta.aggregate_level", where=where, level=int(level)))

        weight = _number(row["Weight"])
        if weight is None or not math.isfinite(weight) or weight < 0:
            problems.append(Said("index.meta.weight", where=where, value=_shown(row["Weight"])))
        else:
            weight_of[code] = weight  # 0 is allowed: the element counts for nothing (as in COINr)

        direction = _number(row["Direction"])
        if kind == "Indicator" and direction not in (1.0, -1.0):
            problems.append(Said("index.meta.direction_indicator", where=where, value=_shown(row["Direction"])))
        elif kind == "Aggregate" and not _blank(row["Direction"]) and direction not in (1.0, -1.0):
            problems.append(Said("index.meta.direction_aggregate", where=where, value=_shown(row["Direction"])))

        parent_of[code] = "" if _blank(row["Parent"]) else str(row["Parent"]).strip()

    problems += _check_tree(level_of, line_of, parent_of, imeta_name)
    problems += _check_unweighted_parents(weight_of, line_of, parent_of, imeta_name)
    return problems


def _check_unweighted_parents(weight_of, line_of, parent_of, imeta_name) -> list[str]:
    """An aggregate whose children all weigh 0 would be 0/0 for every unit."""
    children_of: dict[str, list[str]] = {}
    for code, parent in parent_of.items():
        if parent in line_of:
            children_of.setdefault(parent, []).append(code)
    problems = []
    for parent, children in children_of.items():
        if all(weight_of.get(child) == 0 for child in children):
            problems.append(Said("index.meta.zero_weights", where=_where(imeta_name, line_of[parent], parent),
                                 children=", ".join(children)))
    return problems


def _shown(value) -> str:
    return "" if _blank(value) else str(value).strip()


def _where(file: str, line: int, code: str = "") -> str:
    """Where a row is: "iMeta.csv line 4 (iCode 'x')" (its code when it has one)."""
    return text("index.meta.where_code", file=file, line=line, code=code) if code else \
        text("index.meta.where", file=file, line=line)


def _check_tree(level_of, line_of, parent_of, imeta_name) -> list[str]:
    problems = []
    aggregates_with_children = set()
    for code, parent in parent_of.items():
        where = _where(imeta_name, line_of[code], code)
        if not parent:
            continue
        if parent not in line_of:
            problems.append(Said("index.meta.unknown_parent", where=where, parent=parent))
            continue
        aggregates_with_children.add(parent)
        if code in level_of and parent in level_of and level_of[parent] != level_of[code] + 1:
            problems.append(Said("index.meta.parent_level", where=where, level=level_of[code], parent=parent,
                                 parent_level=level_of[parent], expected=level_of[code] + 1))

    reported_cycles = set()
    for start in parent_of:
        seen = []
        code = start
        while code and code in parent_of and code not in seen:
            seen.append(code)
            code = parent_of[code]
        if code and code in seen:
            cycle = seen[seen.index(code):]
            key = frozenset(cycle)
            if key not in reported_cycles:
                reported_cycles.add(key)
                path = " -> ".join(cycle + [code])
                problems.append(Said("index.meta.cycle", file=imeta_name, path=path))

    roots = [c for c, p in parent_of.items() if not p]
    if len(roots) != 1:
        listed = ", ".join(text("index.meta.root_listed", code=c, line=line_of[c]) for c in roots) \
            or text("index.none")
        problems.append(Said("index.meta.roots", file=imeta_name, count=len(roots), listed=listed))
    elif level_of and roots[0] in level_of and level_of[roots[0]] != max(level_of.values()):
        problems.append(Said("index.meta.root_level", where=_where(imeta_name, line_of[roots[0]], roots[0]),
                             level=level_of[roots[0]], highest=max(level_of.values())))
    for code, level in level_of.items():
        if level >= 2 and code not in aggregates_with_children:
            problems.append(Said("index.meta.no_children", where=_where(imeta_name, line_of[code], code)))
    return problems


def indicator_codes(imeta: pd.DataFrame) -> list[str]:
    return [str(code) for code, kind in zip(imeta["iCode"].tolist(), imeta["Type"].tolist()) if kind == "Indicator"]


def check_idata(
    idata: pd.DataFrame,
    imeta: pd.DataFrame,
    idata_name: str = "iData",
    imeta_name: str = "iMeta",
    required_columns: list[str] | None = None,
) -> list[str]:
    """Problems in iData and between iData and iMeta.

    `idata` may hold text (as read with dtype=str) or numbers. `required_columns` are
    further columns the method needs (e.g. an imputation group).
    """
    problems: list[str] = []
    if UCODE not in idata.columns:
        return [Said("index.data.no_ucode", file=idata_name, column=UCODE)]
    if idata.empty:
        return [Said("index.data.no_units", file=idata_name)]
    seen: dict[str, int] = {}
    for pos, code in enumerate(idata[UCODE].tolist()):
        line = _line(pos)
        where = text("index.data.where", file=idata_name, line=line)
        if _blank(code):
            problems.append(Said("index.data.empty_ucode", where=where))
            continue
        code = str(code).strip()
        if code in seen:
            problems.append(Said("index.data.ucode_again", where=where, code=code, first=seen[code]))
        else:
            seen[code] = line

    if "Type" not in imeta.columns or "iCode" not in imeta.columns:
        return problems
    indicators = indicator_codes(imeta)
    numeric_columns = []
    for code in indicators:
        if code not in idata.columns:
            problems.append(Said("index.data.no_column", meta=imeta_name, code=code, data=idata_name))
        else:
            numeric_columns.append(code)
    if "Denominator" in imeta.columns:
        rows = zip(imeta["iCode"].tolist(), imeta["Type"].tolist(), imeta["Denominator"].tolist())
        for pos, (code, kind, den) in enumerate(rows):
            if kind != "Indicator" or _blank(den):
                continue
            den = str(den).strip()
            if den not in idata.columns:
                problems.append(Said("index.data.denominator", where=_where(imeta_name, _line(pos), str(code)),
                                     denominator=den, data=idata_name))
            elif den not in numeric_columns:
                numeric_columns.append(den)
    for column in required_columns or []:
        if column not in idata.columns:
            problems.append(Said("index.data.method_column", file=idata_name, column=column))

    problems += _non_numeric_cells(idata, numeric_columns, idata_name)
    return problems


def _non_numeric_cells(idata: pd.DataFrame, columns: list[str], idata_name: str) -> list[str]:
    """A message per cell of `columns` that is text but not a number, or infinite."""
    if not columns:
        return []
    positions = idata.columns.get_indexer(columns)
    raw = idata.to_numpy()[:, positions]
    try:  # the common case: every cell converts, so only infinities can be wrong
        parsed = raw.astype(float)
        bad = np.zeros(parsed.shape, dtype=bool)
    except (TypeError, ValueError):
        parsed = np.column_stack(
            [pd.to_numeric(idata[c], errors="coerce").to_numpy(dtype=float, na_value=np.nan) for c in columns]
        )
        bad = np.isnan(parsed) & ~pd.isna(raw) & np.array([[str(v).strip() != "" for v in row] for row in raw])
    messages = []
    units = idata[UCODE].to_numpy()
    for pos, col in zip(*np.nonzero(bad | np.isinf(parsed))):
        where = text("index.data.where_unit", file=idata_name, line=_line(pos), unit=units[pos], column=columns[col])
        message_id = "index.data.infinite" if np.isinf(parsed[pos, col]) else "index.data.not_number"
        messages.append(Said(message_id, where=where, value=raw[pos, col]))
    return messages


def validate_inputs(idata, imeta, idata_name="iData", imeta_name="iMeta", required_columns=None) -> None:
    """Raise `IndexInputError` listing every problem in iData / iMeta, if any."""
    problems = check_imeta(imeta, imeta_name)
    problems += check_idata(idata, imeta, idata_name, imeta_name, required_columns)
    if problems:
        raise IndexInputError(problems)
