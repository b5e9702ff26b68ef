"""Tables for report pages: markdown, so they become real tables in both HTML and PDF.

A DataFrame displayed as-is prints as monospace text in the PDF; markdown output rendered with
`nb_render_markdown_format: myst` (see _config.yml) becomes a LaTeX/HTML table.
"""

from __future__ import annotations

import re

import pandas as pd

from piilib.report.markup import MarkdownText, escape_markdown


def format_number(value: float, decimals: int | None = None) -> str:
    """A number the Vietnamese way: "." between thousands, "," before decimals
    (8718000 -> "8.718.000", 3359.8 with 2 decimals -> "3.359,80")."""
    text = f"{value:,.{decimals}f}" if decimals is not None else f"{value:,}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


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


def markdown_table(
    frame: pd.DataFrame,
    decimals: int | None = None,
    align: str | None = None,
    caption: str | None = None,
) -> str:
    """`frame` as a GitHub/MyST pipe table, without its index.

    decimals: digits after the decimal comma for float cells (numbers are written the
    Vietnamese way, see `format_number`); missing values show as an en dash.
    align: one letter per column, l / r / c; default: numbers right, text left.
    caption: when given, the table is numbered and captioned ("Bảng 2.1: ..."); shown literally.
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
    for row in frame.itertuples(index=False):
        lines.append("| " + " | ".join(_cell(value, decimals) for value in row) + " |")
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
) -> None:
    """Display `frame` in a notebook as a markdown table (see `markdown_table`)."""
    from IPython.display import Markdown, display

    display(Markdown(markdown_table(frame, decimals=decimals, align=align, caption=caption)))
