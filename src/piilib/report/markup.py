"""Text from files and names made safe to put into the report's Markdown.

A province or agency name, an indicator's name, a data file's name, a plan's free text: any of
them can hold characters that Markdown (MyST) or HTML would read as markup: `<img onerror=…>`
would run in the HTML book, `{{ … }}` would be a MyST substitution, `*`, `_`, `[`, `|` would
change emphasis, links or table cells. `escape_markdown` makes such text literal; the page
shows it exactly as it was. Escape where the text enters Markdown (a sentence, a table cell, a
caption), once: `markdown_table` escapes every text cell and its caption itself.

Text that is already Markdown on purpose (a bold code in a table cell) is marked with
`MarkdownText`, which `escape_markdown` and `markdown_table` leave as it is.
"""

from __future__ import annotations

import re

# Characters with a meaning anywhere in a line (CommonMark, MyST roles and substitutions,
# raw HTML and entities, tables, strikethrough, dollar math). Backslash-escaping any ASCII
# punctuation is plain CommonMark: the character is shown as itself.
_INLINE_SPECIAL = re.compile(r"([\\`*_{}\[\]<>&|$~])")
# At the start of a line a few more open a block: heading, list, quote, setext rule, MyST
# colon fence, comment (%), target "(label)=", block break (+++).
_LINE_START_SPECIAL = "#+-=:%("
_ORDERED_LIST = re.compile(r"^(\d{1,9})([.)])(?=\s|$)")
_LINE_BREAKS = re.compile(r"[\r\n\t\v\f]+")


class MarkdownText(str):
    """Text that is Markdown on purpose; `escape_markdown` returns it unchanged."""


def escape_markdown(text) -> MarkdownText:
    """`text` (any value; None is "") as Markdown that shows it literally, on one line.

    Safe in a sentence, a table cell and a table caption, in the HTML and the PDF book:
    no HTML, link, emphasis, role, substitution or block can come out of it."""
    if isinstance(text, MarkdownText):
        return text
    value = "" if text is None else str(text)
    value = _LINE_BREAKS.sub(" ", value)
    value = _INLINE_SPECIAL.sub(r"\\\1", value)
    if value and value[0] in _LINE_START_SPECIAL:
        value = "\\" + value
    value = _ORDERED_LIST.sub(r"\1\\\2", value)
    return MarkdownText(value)


def code_span(text) -> MarkdownText:
    """`text` as an inline code span (shown literally in a monospace font), whatever backticks
    it holds: the fence is one backtick longer than the longest run inside."""
    value = _LINE_BREAKS.sub(" ", "" if text is None else str(text))
    longest = max((len(run) for run in re.findall(r"`+", value)), default=0)
    fence = "`" * (longest + 1)
    return MarkdownText(f"{fence} {value} {fence}")


def bold(text) -> MarkdownText:
    """`text` escaped and in bold."""
    return MarkdownText(f"**{escape_markdown(text)}**")


_LATEX_SPECIAL = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "#": r"\#",
    "^": r"\textasciicircum{}", "_": r"\_", "%": r"\%", "~": r"\textasciitilde{}",
}


def latex_text(text) -> str:
    """`text` as literal LaTeX text (for the few places that write LaTeX directly, such as the
    PDF's running title): no command, group or comment can come out of it."""
    value = _LINE_BREAKS.sub(" ", "" if text is None else str(text))
    return "".join(_LATEX_SPECIAL.get(character, character) for character in value)


def keep_with_next(lines: int) -> MarkdownText:
    """A PDF-only mark (a raw LaTeX block; HTML ignores it) that moves what follows to the next
    page unless `lines` lines fit on this one: put before a paragraph that introduces a table,
    so that the paragraph is never left alone at the foot of a page."""
    return MarkdownText(f"```{{raw}} latex\n\\piikeepwithnext{{{int(lines)}}}\n```")
