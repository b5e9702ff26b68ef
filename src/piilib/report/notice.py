"""The illustrative-data notice: when it is needed, and how it appears in HTML and PDF.

The notice is needed when any value the edition uses is illustrative
(`piilib.bundle.DataBundle.uses_illustrative`). HTML pages carry it in the theme's
announcement bar (on every page, printed too); PDF pages carry it at the foot of every page
through LaTeX's shipout hook, which also reaches the title page and the table of contents.
"""

from __future__ import annotations

from piilib import schema

NOTICE_TEXT = "Dữ liệu minh họa — không phải số liệu chính thức"

# How the report names each provenance (piilib.schema.PROVENANCES) to its readers.
PROVENANCE_VI = {
    schema.OFFICIAL: "chính thức",
    schema.PUBLISHED: "đã công bố",
    schema.ILLUSTRATIVE: "minh họa",
}


def latex_notice(text: str = NOTICE_TEXT) -> str:
    """Preamble lines that print `text` in red at the foot of every PDF page."""
    return (
        "\\AddToHook{shipout/foreground}{%\n"
        "  \\put(0.5\\paperwidth,-\\dimexpr\\paperheight-9mm\\relax)"
        f"{{\\makebox[0pt]{{\\sffamily\\small\\bfseries\\color{{red!70!black}}{text}}}}}}}\n"
    )
