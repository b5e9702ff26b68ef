"""A problem found in an input file, located the way a person finds it in Excel."""

from __future__ import annotations

from dataclasses import dataclass

from piilib.messages import text

# Kinds of problem (stable identifiers for code and tests; messages are for people).
UNREADABLE = "unreadable"
EMPTY = "empty"
CORRUPT_WORKBOOK = "corrupt-workbook"
NO_HEADER = "no-header"
EDITION = "edition"
UNKNOWN_PROVINCE = "unknown-province"
FORMER_PROVINCE = "former-province"
NO_PROVINCE_NAME = "no-province-name"
UNKNOWN_INDICATOR = "unknown-indicator"
DUPLICATE = "duplicate"
NOT_A_NUMBER = "not-a-number"
INFINITE = "infinite"
NEGATIVE = "negative"
MISSING_PROVINCE = "missing-province"
MISSING_INDICATOR = "missing-indicator"
OUT_OF_RANGE = "out-of-range"  # outside the range the framework's unit states, or an absurd magnitude
AMBIGUOUS_NUMBER = "ambiguous-number"  # "1.234": thousands or decimals, nothing in the file tells
EXCEL_ERROR = "excel-error"  # #N/A, #DIV/0!, … in a value cell
FORMULA_WITHOUT_VALUE = "formula-without-value"  # a formula saved without its result
MERGED_CELLS = "merged-cells"  # merged cells over values: only the first holds the value
STRAY_CELL = "stray-cell"  # a non-blank cell far below the table
IMPLAUSIBLE_JUMP = "implausible-jump"  # a warning: a large change from the previous edition
PERCENT_AS_FRACTION = "percent-as-fraction"  # a warning: a "%" column typed as fractions (0.45 for 45 %)
WARNING_KINDS = (IMPLAUSIBLE_JUMP, PERCENT_AS_FRACTION)


def column_letter(index: int) -> str:
    """Excel column letter of a 0-based column index (0 -> A, 26 -> AA)."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file. `row` is the 1-based sheet row; `column` a 0-based index."""

    kind: str
    file: str
    what: str
    expected: str
    sheet: str | None = None
    row: int | None = None
    column: int | None = None
    header: str | None = None
    found: str | None = None

    def location(self) -> str:
        parts = [self.file]
        if self.sheet is not None:
            parts.append(text("io.sheet", sheet=self.sheet))
        if self.row is not None:
            parts.append(text("io.row", row=self.row))
        if self.column is not None:
            label = text("io.column", column=column_letter(self.column))
            if self.header:
                label += f' ("{self.header}")'
            parts.append(label)
        return ", ".join(parts)

    def message(self) -> str:
        said = text("io.problem", where=self.location(), what=self.what)
        if self.found is not None:
            said += text("io.found", found=self.found)
        return said + text("io.expected", expected=self.expected)

    def __str__(self) -> str:
        return self.message()


SHOWN_PER_KIND = 10  # messages shown of each kind of problem before the rest are counted


def capped_messages(problems: list[Problem], shown_per_kind: int = SHOWN_PER_KIND) -> list[str]:
    """The messages of `problems` in order, at most `shown_per_kind` of each kind (per file); the
    rest of a kind are counted in one line after its last shown message, with their columns and
    rows, so that 100,000 bad rows give a screenful, not 100,000 lines."""
    groups: dict[tuple[str, str], list[Problem]] = {}
    for problem in problems:
        groups.setdefault((problem.kind, problem.file), []).append(problem)
    lines = []
    shown: dict[tuple[str, str], int] = {}
    for problem in problems:
        key = (problem.kind, problem.file)
        count = shown.get(key, 0)
        if count >= shown_per_kind:
            continue
        shown[key] = count + 1
        lines.append(problem.message())
        rest = groups[key][shown_per_kind:]
        if count + 1 == shown_per_kind and rest:
            lines.append(_more_line(rest))
    return lines


def _more_line(rest: list[Problem]) -> str:
    columns = list(dict.fromkeys(
        column_letter(p.column) + (f' ("{p.header}")' if p.header else "") for p in rest if p.column is not None))
    rows = [p.row for p in rest if p.row is not None]
    where = ""
    if columns:
        listed = ", ".join(columns[:5])
        if len(columns) > 5:
            listed = text("io.more.and", listed=listed, count=f"{len(columns) - 5:,}")
        where += text("io.more.columns" if len(columns) > 1 else "io.more.column", listed=listed)
    if rows:
        where += (text("io.more.rows", first=f"{min(rows):,}", last=f"{max(rows):,}") if max(rows) > min(rows)
                  else text("io.more.row", row=f"{rows[0]:,}"))
    noun = text("io.more.warnings" if rest[0].kind in WARNING_KINDS else "io.more.problems")
    return text("io.more", file=rest[0].file, count=f"{len(rest):,}", noun=noun, kind=rest[0].kind, where=where)


class OfficialFileError(ValueError):
    """A file that cannot be imported; `problems` lists everything wrong with it (the message
    shows them capped per kind, `capped_messages`)."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(capped_messages(self.problems)))
