"""Which chapters the report has, in which order, from which template, with which parameters.

Every chapter is one papermill run of a template in `notebooks/`. All of them receive the
string parameters `edition`, `province` and `data_path`; indicator chapters also receive
`indicator` (the code, e.g. "6.2.4"). Parameters are passed as strings, like `papermill -r`,
so a code such as "1.0" is never turned into a number; notebooks convert what they need.

The order follows the report's outline: overview, one chapter per plan indicator (in the
order the plan gives, weak ones first), agencies, levers and robustness, methodology. The
overview template is required; the others join the book as soon as their template exists.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

OVERVIEW = "overview"
INDICATOR = "indicator"

# (template stem, chapter title) of the chapters that are not one-per-indicator.
CHAPTERS_BEFORE_INDICATORS = [(OVERVIEW, "Tổng quan")]
CHAPTERS_AFTER_INDICATORS = [
    ("agencies", "Các cơ quan chủ trì và chỉ tiêu"),
    ("levers", "Đòn bẩy và độ vững của kết quả"),
    ("methodology", "Phương pháp và nguồn gốc dữ liệu"),
]


@dataclass(frozen=True)
class Chapter:
    """One chapter of the book.

    key: the page name in the book (file stem), unique, e.g. "indicator-6-2-4".
    template: the template file name in the templates directory, e.g. "indicator.ipynb".
    title: the first heading of the generated page (Vietnamese).
    parameters: chapter-specific string parameters, added to the common ones.
    """

    key: str
    template: str
    title: str
    parameters: dict[str, str] = field(default_factory=dict)


def common_parameters(edition: int, province: str, data_path: Path) -> dict[str, str]:
    """The string parameters every chapter receives."""
    return {"edition": str(edition), "province": province, "data_path": str(data_path)}


def indicator_key(code: str) -> str:
    """Page name of an indicator chapter: "6.2.4" -> "indicator-6-2-4"."""
    return f"{INDICATOR}-" + re.sub(r"[^0-9A-Za-z]+", "-", code).strip("-")


def report_chapters(
    templates_dir: Path, indicators: Sequence[tuple[str, str]] = ()
) -> list[Chapter]:
    """The chapter list for the templates found in `templates_dir`.

    indicators: (code, name) of the plan's indicators in report order; each gets a chapter
    from `indicator.ipynb` titled "<code> <name>".
    Raises FileNotFoundError when the overview template is missing.
    """
    templates_dir = Path(templates_dir)
    overview = templates_dir / f"{OVERVIEW}.ipynb"
    if not overview.is_file():
        raise FileNotFoundError(
            f"the overview template {overview} is missing; every report starts with it"
        )
    present = {path.stem for path in templates_dir.glob("*.ipynb")}
    chapters = [
        Chapter(stem, f"{stem}.ipynb", title)
        for stem, title in CHAPTERS_BEFORE_INDICATORS
        if stem in present
    ]
    if INDICATOR in present:
        chapters += [
            Chapter(indicator_key(code), f"{INDICATOR}.ipynb", f"{code} {name}", {INDICATOR: code})
            for code, name in indicators
        ]
    chapters += [
        Chapter(stem, f"{stem}.ipynb", title)
        for stem, title in CHAPTERS_AFTER_INDICATORS
        if stem in present
    ]
    keys = [chapter.key for chapter in chapters]
    duplicates = sorted({key for key in keys if keys.count(key) > 1})
    if duplicates:
        raise ValueError(f"two chapters would share the page name(s) {duplicates}")
    return chapters
