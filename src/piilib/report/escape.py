"""Text from files and names (file names, unit and agency names, plan text) made safe to put
inline into Markdown that MyST renders: characters that would start emphasis, a role, a
link, a heading or HTML are backslash-escaped, so the text shows as written.

Pipes are left alone: `piilib.report.tables.markdown_table` escapes them in table cells, and
outside a table they are plain text.
"""

from __future__ import annotations

import re

_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#~$])")


def escape_markdown(text) -> str:
    """`text` with inline Markdown/MyST syntax characters escaped ("a_b*c" -> "a\\_b\\*c");
    newlines become spaces (a bold label or a sentence must stay one paragraph)."""
    return _SPECIAL.sub(r"\\\1", str(text)).replace("\r", " ").replace("\n", " ")
