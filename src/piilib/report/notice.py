"""The illustrative-data notice: when it is needed, and how it appears in HTML and PDF.

The notice is decided from the provenance column of the data (see `piilib.schema`): one
illustrative value used by the edition is enough. HTML pages carry it in the theme's
announcement bar (on every page, printed too); PDF pages carry it at the foot of every page
through LaTeX's shipout hook, which also reaches the title page and the table of contents.
"""

from __future__ import annotations

import pandas as pd

from piilib import schema

NOTICE_TEXT = "Dữ liệu minh họa — không phải số liệu chính thức"

# How the report names each provenance (piilib.schema.PROVENANCES) to its readers.
PROVENANCE_VI = {
    schema.OFFICIAL: "chính thức",
    schema.PUBLISHED: "đã công bố",
    schema.ILLUSTRATIVE: "minh họa",
}


def used_by_edition(rows: pd.DataFrame, edition: int) -> pd.Series:
    """Which rows an edition can use: its own and earlier editions, and data years up to it.

    Later editions' rows in the same data files are not part of this report.
    """
    used = pd.Series(True, index=rows.index)
    for column in (schema.EDITION, schema.YEAR):
        if column in rows.columns:
            used &= rows[column].isna() | (rows[column] <= edition)
    return used


def needs_notice(rows: pd.DataFrame, edition: int) -> bool:
    """True when any value the edition uses has provenance 'illustrative'."""
    used = rows[used_by_edition(rows, edition)]
    return bool((used[schema.PROVENANCE] == schema.ILLUSTRATIVE).any())


def latex_notice(text: str = NOTICE_TEXT) -> str:
    """Preamble lines that print `text` in red at the foot of every PDF page."""
    return (
        "\\AddToHook{shipout/foreground}{%\n"
        "  \\put(0.5\\paperwidth,-\\dimexpr\\paperheight-9mm\\relax)"
        f"{{\\makebox[0pt]{{\\sffamily\\small\\bfseries\\color{{red!70!black}}{text}}}}}}}\n"
    )
