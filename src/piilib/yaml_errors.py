"""Where a YAML file is broken, in the catalogue's words (`piilib.messages`).

PyYAML's own message ("while scanning a quoted scalar in "<unicode string>", line 2, column 10
found unexpected end of stream ...") is English and names no file people know; the plan files
and the method files of `pii index` say instead the line and column where the parser stopped (and
where the unclosed part began), keeping PyYAML's reason only as a short quoted detail.
"""

from __future__ import annotations

from piilib.messages import text


def yaml_where(error) -> str:
    """"line 4, column 1" (1-based) where the parser stopped, with the line and column where the
    part it was reading began when that is elsewhere (an unclosed quote or bracket); "" when
    the error carries no position."""
    mark = getattr(error, "problem_mark", None)
    if mark is None:
        return ""
    where = text("yaml.at", line=mark.line + 1, column=mark.column + 1)
    start = getattr(error, "context_mark", None)
    if start is not None and (start.line, start.column) != (mark.line, mark.column):
        where += text("yaml.started_at", line=start.line + 1, column=start.column + 1)
    return where


def yaml_detail(error) -> str:
    """PyYAML's reason in one short line, quoted as its words ("found unexpected end of stream")."""
    reason = " ".join(str(getattr(error, "problem", None) or error).split())
    return text("yaml.detail", reason=reason)
