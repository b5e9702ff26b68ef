"""Tables for report pages: markdown, so they become real tables in both HTML and PDF.

A DataFrame displayed as-is prints as monospace text in the PDF; markdown output rendered with
`nb_render_markdown_format: myst` (see _config.yml) becomes a LaTeX/HTML table.
"""

from __future__ import annotations

import re

import pandas as pd

from piilib.report.markup import MarkdownText, escape_markdown
from piilib.report.provenance import mark

MISSING_TEXT = "–"  # how a missing value is shown (an en dash)


MINUS = "\u2212"  # the minus sign of the report: a hyphen reads as a dash and breaks lines in the PDF


def format_number(value: float, decimals: int | None = None) -> str:
    """A number the Vietnamese way: "." between thousands, "," before decimals, a minus sign
    (U+2212) before a negative (8718000 -> "8.718.000", 3359.8 with 2 decimals -> "3.359,80",
    -1.5 with 1 decimal -> "−1,5")."""
    text = f"{value:,.{decimals}f}" if decimals is not None else f"{value:,}"
    text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return MINUS + text[1:] if text.startswith("-") else text


def _cell(value, decimals: int | None) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "–"
    if pd.api.types.is_bool(value):
        value = str(value)
    elif pd.api.types.is_integer(value):
        value = format_number(int(value))
    elif pd.api.types.is_float(value):
        value = format_number(float(value), decimals)
    if isinstance(value, MarkdownText):  # Markdown on purpose; a bare pipe would still end the cell
        return re.sub(r"(?<!\\)((?:\\\\)*)\|", r"\1\\|", str(value)).replace("\n", " ")
    # Text from files and names is shown literally: no HTML, link or emphasis, no pipe ending
    # the cell, no newline ending the row.
    return escape_markdown(value)


def _is_number(value) -> bool:
    return (not isinstance(value, (str, bool)) and pd.api.types.is_number(value)
            and not pd.isna(value))


def _is_missing(value) -> bool:
    """No value: None, NaN, or the text of a missing value ("–", empty), which carries no mark."""
    if value is None:
        return True
    if isinstance(value, str):
        return str(value).strip() in ("", MISSING_TEXT)
    return bool(pd.api.types.is_scalar(value) and pd.isna(value))


def _provenance_per_cell(frame: pd.DataFrame, provenance) -> list[list[str | None]]:
    """Per row, per column: the provenance whose mark the cell gets, or None."""
    rows, columns = len(frame), list(frame.columns)
    marks: list[list[str | None]] = [[None] * len(columns) for _ in range(rows)]
    if provenance is None:
        return marks
    if isinstance(provenance, str):  # every number in the table
        for i, row in enumerate(frame.itertuples(index=False)):
            for j, value in enumerate(row):
                if _is_number(value):
                    marks[i][j] = provenance
        return marks
    for column, given in provenance.items():
        if column not in frame.columns:
            raise ValueError(f"provenance given for {column!r}, which is not a column of the table")
        j = columns.index(column)
        per_row = [given] * rows if isinstance(given, str) else list(given)
        if len(per_row) != rows:
            raise ValueError(f"provenance of {column!r} has {len(per_row)} values for {rows} rows")
        for i in range(rows):
            value = frame.iat[i, j]
            if not _is_missing(value):
                marks[i][j] = per_row[i] if isinstance(per_row[i], str) else None
    return marks


def markdown_table(
    frame: pd.DataFrame,
    decimals: int | None = None,
    align: str | None = None,
    caption: str | None = None,
    provenance=None,
) -> str:
    """`frame` as a GitHub/MyST pipe table, without its index.

    decimals: digits after the decimal comma for float cells (numbers are written the
    Vietnamese way, see `format_number`); missing values show as an en dash.
    align: one letter per column, l / r / c; default: numbers right, text left.
    caption: when given, the table is numbered and captioned ("Bảng 2.1: ..."); shown literally.
    provenance: the mark each number carries (`piilib.report.provenance`): one provenance for
    every number of the table (a str), or {column: provenance} for a whole column, or
    {column: one provenance per row} (None for no mark); a column named in the mapping is
    marked in every non-missing cell, text ("7/63") included, but not in a cell showing a
    missing value ("–").
    Text cells, headers and the caption are escaped (`piilib.report.markup.escape_markdown`):
    names from files show as they are; a cell that is Markdown on purpose is a `MarkdownText`.
    """
    columns = [str(column) for column in frame.columns]
    if align is None:
        align = "".join(
            "r" if pd.api.types.is_numeric_dtype(frame[column]) else "l" for column in frame.columns
        )
    if len(align) != len(columns):
        raise ValueError(f"align has {len(align)} letters for {len(columns)} columns")
    rule = {"l": ":--", "r": "--:", "c": ":-:"}
    lines = [
        "| " + " | ".join(_cell(column, None) for column in columns) + " |",
        "|" + "|".join(rule[letter] for letter in align) + "|",
    ]
    marks = _provenance_per_cell(frame, provenance)
    for row, row_marks in zip(frame.itertuples(index=False), marks):
        cells = [_cell(value, decimals) + (mark(given) if given else "")
                 for value, given in zip(row, row_marks)]
        lines.append("| " + " | ".join(cells) + " |")
    if caption:
        # A backtick fence's caption cannot hold a backtick; a tilde fence's can.
        fence = "~~~" if "`" in str(caption) else "```"
        lines = [f"{fence}{{table}} {escape_markdown(caption)}"] + lines + [fence]
    return "\n".join(lines)


def show_table(
    frame: pd.DataFrame,
    decimals: int | None = None,
    align: str | None = None,
    caption: str | None = None,
    provenance=None,
) -> None:
    """Display `frame` in a notebook as a markdown table (see `markdown_table`)."""
    from IPython.display import Markdown, display

    display(Markdown(markdown_table(frame, decimals=decimals, align=align, caption=caption,
                                    provenance=provenance)))


def provenance_legend(caption: str | None = None) -> str:
    """The legend of the provenance marks (`piilib.report.provenance.legend_rows`) as a markdown
    table: each mark as it appears beside a number (or after a code), and what it means."""
    from piilib.report.provenance import MARKS, PROVISIONAL_MARK, legend_rows

    by_mark = {shown: key for key, shown in MARKS.items()}
    examples = [MarkdownText(f"52,8{mark(by_mark[shown])}") if shown in by_mark else
                MarkdownText(f"1.1.2{PROVISIONAL_MARK}") for shown, _ in legend_rows()]
    return markdown_table(pd.DataFrame({
        "Ký hiệu": [shown for shown, _ in legend_rows()],
        "Ví dụ": examples,
        "Ý nghĩa": [meaning for _, meaning in legend_rows()],
    }), align="lll", caption=caption)
