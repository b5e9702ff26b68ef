"""The illustrative-data notice: when it is needed, what it says, how it appears in HTML and PDF.

`notice_for(bundle, edition)` says what is true of the data the edition uses
(`piilib.bundle.DataBundle.illustrative_parts`): nothing illustrative -> no notice (None);
the edition's own values illustrative -> `NOTICE_TEXT`; official values with illustrative
earlier editions, history or covariates -> `PARTIAL_NOTICE` naming those parts. HTML pages carry it in the theme's
announcement bar (on every page, printed too); PDF pages carry it at the foot of every page
through LaTeX's shipout hook, which also reaches the title page and the table of contents.
"""

from __future__ import annotations

from piilib import schema

NOTICE_TEXT = "Dữ liệu minh họa — không phải số liệu chính thức"
PARTIAL_NOTICE = "Giá trị các chỉ số kỳ {edition} là số liệu chính thức; {parts} là số liệu minh họa"

# How the notice names each part of the data (piilib.bundle.PARTS).
PART_NAMES_VI = {
    "values": "giá trị các chỉ số",
    "earlier editions": "các kỳ trước",
    "history": "chuỗi số liệu theo năm",
    "covariates": "biến cơ cấu",
}

# How the report names each provenance (piilib.schema.PROVENANCES) to its readers.
PROVENANCE_VI = {
    schema.OFFICIAL: "chính thức",
    schema.PUBLISHED: "đã công bố",
    schema.ILLUSTRATIVE: "minh họa",
}


def latex_notice(text: str = NOTICE_TEXT) -> str:
    """Preamble lines that print `text` in red at the foot of every PDF page, centred and
    wrapped within the page (the partial notice is longer than one line)."""
    return (
        "\\AddToHook{shipout/foreground}{%\n"
        "  \\put(0.5\\paperwidth,-\\dimexpr\\paperheight-9mm\\relax)"
        "{\\makebox[0pt]{\\parbox[b]{0.86\\paperwidth}{\\centering\\sffamily\\small\\bfseries"
        f"\\color{{red!70!black}}{text}}}}}}}}}\n"
    )


def notice_text(edition: int, illustrative_parts) -> str | None:
    """The notice for the parts of the data that are illustrative (`piilib.bundle.PARTS`
    names), or None when none is."""
    parts = list(illustrative_parts)
    if not parts:
        return None
    if "values" in parts:
        return NOTICE_TEXT
    names = [PART_NAMES_VI[part] for part in parts]
    joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " và " + names[-1]
    return PARTIAL_NOTICE.format(edition=int(edition), parts=joined)


def notice_for(bundle, edition: int) -> str | None:
    """The notice the report of `edition` on `bundle` shows on every page (None: no notice)."""
    return notice_text(edition, bundle.illustrative_parts(edition))
