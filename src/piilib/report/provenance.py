"""Provenance marks: where every number in a report table comes from, visible in the cell.

Each number carries a short superscript mark, explained once in the book's legend
(`legend_rows`, shown in the introduction and the methodology chapter):

- CT  official (chính thức): from the official data file staff supplied;
- CB  published (đã công bố): published by the Ministry or the plan, with its source;
- MH  illustrative (minh họa): generated illustrative data, or computed from any;
- TT  computed (tính toán): computed by the engine from official or published values only.

A computed number inherits the weakest provenance of what it was computed from
(`derived_provenance`): a PII score computed from illustrative values is illustrative, from
official values it is "computed". Provisional indicator codes (not yet matched to the Ministry's
list, `code_status == "provisional"` in the framework) carry a dagger (`PROVISIONAL_MARK`).
"""

from __future__ import annotations

from collections.abc import Iterable

from piilib import schema
from piilib.report.markup import MarkdownText, escape_markdown

COMPUTED = "computed"

# Mark shown in the cell; Vietnamese abbreviations of the provenance's name.
MARKS = {
    schema.OFFICIAL: "CT",
    schema.PUBLISHED: "CB",
    schema.ILLUSTRATIVE: "MH",
    COMPUTED: "TT",
}
NAMES_VI = {
    schema.OFFICIAL: "số liệu chính thức (tệp dữ liệu chính thức do Sở cung cấp)",
    schema.PUBLISHED: "số liệu đã công bố (Bộ Khoa học và Công nghệ hoặc kế hoạch; có nguồn)",
    schema.ILLUSTRATIVE: "số liệu minh họa, hoặc tính từ số liệu có phần minh họa",
    COMPUTED: "tính toán từ số liệu chính thức hoặc đã công bố",
}
PROVISIONAL_MARK = "†"
PROVISIONAL_NAME_VI = "mã chỉ số tạm (chưa đối chiếu với danh mục chính thức của Bộ)"


def check_provenance(provenance: str) -> str:
    """`provenance` if it has a mark, else ValueError naming the known ones."""
    if provenance not in MARKS:
        raise ValueError(f"unknown provenance {provenance!r}; expected one of {', '.join(MARKS)}")
    return provenance


def derived_provenance(inputs: Iterable[str]) -> str:
    """The provenance of a number computed from values of provenances `inputs`: illustrative
    when any input is illustrative (or nothing is known), otherwise computed."""
    found = {check_provenance(str(value)) for value in inputs}
    if not found or schema.ILLUSTRATIVE in found:
        return schema.ILLUSTRATIVE
    return COMPUTED


def computed_from(provenances: Iterable[str]) -> str:
    """The mark of a number computed from values of `provenances`, missing ones ignored (a
    frame's provenance column, say): `derived_provenance` of the known values."""
    return derived_provenance(str(value) for value in provenances
                              if value is not None and str(value) not in ("", "nan", "None"))


def as_computed(provenance: str) -> str:
    """The mark of a number computed by the engine from inputs whose weakest provenance is
    `provenance` (e.g. the `provenance` column of `piilib.analysis.targets`): illustrative
    stays illustrative, anything else is computed."""
    return derived_provenance([provenance])


def mark(provenance: str) -> MarkdownText:
    """The superscript mark of `provenance`, as Markdown (a MyST `sup` role)."""
    return MarkdownText(f"{{sup}}`{MARKS[check_provenance(provenance)]}`")


def marked(text, provenance: str) -> MarkdownText:
    """`text` (shown literally) followed by the mark of `provenance`."""
    return MarkdownText(f"{escape_markdown(text)}{mark(provenance)}")


def code_label(code: str, provisional: bool) -> MarkdownText:
    """An indicator code as shown in a table: with the dagger when the code is provisional."""
    return MarkdownText(f"{escape_markdown(code)}{PROVISIONAL_MARK if provisional else ''}")


def legend_rows() -> list[tuple[str, str]]:
    """(mark, meaning) for every mark, provisional codes last: the legend the book shows once."""
    rows = [(MARKS[key], NAMES_VI[key]) for key in (schema.OFFICIAL, schema.PUBLISHED, COMPUTED,
                                                    schema.ILLUSTRATIVE)]
    return rows + [(PROVISIONAL_MARK, PROVISIONAL_NAME_VI)]
