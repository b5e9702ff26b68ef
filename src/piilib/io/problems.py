"""A problem found in an input file, located the way a person finds it in Excel."""

from __future__ import annotations

from dataclasses import dataclass

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
            parts.append(f'sheet "{self.sheet}"')
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column is not None:
            label = f"column {column_letter(self.column)}"
            if self.header:
                label += f' ("{self.header}")'
            parts.append(label)
        return ", ".join(parts)

    def message(self) -> str:
        text = f"{self.location()}: {self.what}."
        if self.found is not None:
            text += f' Found "{self.found}".'
        return f"{text} Expected {self.expected}."

    def __str__(self) -> str:
        return self.message()


class OfficialFileError(ValueError):
    """A file that cannot be imported; `problems` lists everything wrong with it."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(problem.message() for problem in self.problems))
