"""Numbers as people type them in Vietnamese spreadsheets.

Vietnamese writing uses a comma for the decimal mark and a dot between thousands
("1.234,5"); files written by software often use the English convention ("1234.5").
A token like "1.234" is ambiguous: 1234 in Vietnamese, 1.234 in English. The file
decides: `infer_decimal_mark` looks at the tokens that are unambiguous and picks the
convention they use. When nothing in the file tells (a lone "1.234"), the token is not
guessed: `parse_number` reports it as ambiguous, so the user types it unambiguously.

Excel error values (#N/A, #DIV/0!, …) are errors, never blanks: a #N/A is a broken formula
or lookup, not a statement that there are no data.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from piilib.messages import text as message

COMMA = ","
DOT = "."

# Cells that say "no data" on purpose; they are read as missing values, not as errors.
NO_DATA_MARKERS = frozenset({"-", "–", "—", "..", "...", "…", "n/a", "na", "nan"})
EXCEL_ERROR_VALUES = ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A",
                      "#GETTING_DATA", "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!",
                      "#UNKNOWN!")
INFINITY_WORDS = frozenset({"inf", "+inf", "-inf", "infinity", "+infinity", "-infinity", "∞", "+∞", "-∞"})

_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]+")
_PLAIN = re.compile(r"^[+-]?\d+$")
_SCIENTIFIC = re.compile(r"^[+-]?\d+(?:[.,]\d+)?[eE][+-]?\d+$")
_WITH_SEPARATORS = re.compile(r"^[+-]?\d[\d.,]*\d$")



def expected_number() -> str:
    """What a value cell should hold (in the messages' language)."""
    return message("number.expected")


def expected_unambiguous() -> str:
    """What an ambiguous number should be typed as."""
    return message("number.unambiguous")


@dataclass(frozen=True)
class ParsedNumber:
    """The outcome of reading one cell: a value, nothing (blank), or a reason it is not a number."""

    value: float | None
    error: str | None = None  # plain-language reason when the cell is not a usable number
    infinite: bool = False
    ambiguous: bool = False  # "1.234" in a file that does not say which mark is decimal
    excel_error: bool = False  # #N/A, #DIV/0!, … typed or exported as text


def _clean(text: str) -> str:
    cleaned = _SPACES.sub("", text.strip())
    if cleaned.endswith("%"):
        cleaned = cleaned[:-1]
    return cleaned


def _decimal_evidence(token: str) -> str | None:
    """The decimal mark a token proves (COMMA, DOT), or None when it proves nothing."""
    if not _WITH_SEPARATORS.match(token):
        return None
    digits = token.lstrip("+-")
    has_dot, has_comma = DOT in digits, COMMA in digits
    if has_dot and has_comma:
        return COMMA if digits.rfind(COMMA) > digits.rfind(DOT) else DOT
    mark = DOT if has_dot else COMMA if has_comma else None
    if mark is None:
        return None
    groups = digits.split(mark)
    if len(groups) > 2:
        # "1.234.567": the repeated mark separates thousands, so the other one is decimal.
        return COMMA if mark == DOT else DOT
    if _is_thousands_grouping(groups):
        return None  # "1.234" or "1,234": could be either
    return mark


def _is_thousands_grouping(groups: list[str]) -> bool:
    head, *rest = groups
    return 1 <= len(head) <= 3 and not (head == "0") and all(len(g) == 3 for g in rest) and bool(rest)


def infer_decimal_mark(texts) -> tuple[str | None, bool]:
    """Decimal mark of a file from its number-like texts.

    Returns (mark, conflicting): mark is COMMA or DOT when the unambiguous tokens all use it,
    None when no token tells (or they disagree); `conflicting` is True when some tokens prove a
    comma and others a dot. Either way, with mark None ambiguous tokens cannot be read safely.
    """
    seen = set()
    for text in texts:
        evidence = _decimal_evidence(_clean(text))
        if evidence:
            seen.add(evidence)
    if len(seen) == 1:
        return next(iter(seen)), False
    return None, len(seen) == 2


def parse_number(cell, decimal_mark: str | None = None, conflicting: bool = False) -> ParsedNumber:
    """Read one spreadsheet cell as a number.

    Excel numbers are taken as they are; text is read with `decimal_mark` for tokens whose
    convention is ambiguous (None: such a token is reported as ambiguous). Blank cells and
    explicit no-data markers give value None.
    """
    if cell is None:
        return ParsedNumber(None)
    if isinstance(cell, bool):
        return ParsedNumber(None, message("number.boolean", cell=cell))
    if isinstance(cell, (datetime, date, time)):
        return ParsedNumber(
            None,
            message("number.date"),
        )
    if isinstance(cell, (int, float)):
        value = float(cell)
        if math.isnan(value):
            return ParsedNumber(None)
        if math.isinf(value):
            return ParsedNumber(None, message("number.infinite"), infinite=True)
        return ParsedNumber(value)
    text = str(cell)
    if not text.strip():
        return ParsedNumber(None)
    token = _clean(text)
    if token.lower() in NO_DATA_MARKERS:
        return ParsedNumber(None)
    if token.lower() in INFINITY_WORDS:
        return ParsedNumber(None, message("number.infinite"), infinite=True)
    if token.upper() in EXCEL_ERROR_VALUES:
        return ParsedNumber(None, message("number.excel_error", code=token.upper()), excel_error=True)
    if token.startswith("#"):
        return ParsedNumber(None, message("number.hash"))
    if _PLAIN.match(token):
        return ParsedNumber(float(token))
    if _SCIENTIFIC.match(token):
        return ParsedNumber(float(token.replace(COMMA, DOT)))
    if not _WITH_SEPARATORS.match(token):
        return ParsedNumber(None, message("number.text"))
    evidence = _decimal_evidence(token)
    if evidence is None:
        if conflicting:
            return ParsedNumber(
                None,
                message("number.mixed"), ambiguous=True,
            )
        if decimal_mark is None:
            return ParsedNumber(
                None,
                message("number.two_ways"), ambiguous=True,
            )
        evidence = decimal_mark
    value = _read_with_mark(token, evidence)
    if value is None:
        return ParsedNumber(None, message("number.separators"))
    return ParsedNumber(value)


def _read_with_mark(token: str, decimal_mark: str) -> float | None:
    thousands = DOT if decimal_mark == COMMA else COMMA
    sign = "-" if token.startswith("-") else ""
    digits = token.lstrip("+-")
    if digits.count(decimal_mark) > 1:
        return None
    integer_part, _, fraction = digits.partition(decimal_mark)
    if thousands in fraction:
        return None
    if thousands in integer_part:
        groups = integer_part.split(thousands)
        if not (1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])):
            return None
        integer_part = "".join(groups)
    return float(Decimal(f"{sign}{integer_part}.{fraction or '0'}"))
