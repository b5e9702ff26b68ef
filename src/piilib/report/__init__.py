"""The report book: chapter list, notebook execution, Jupyter Book HTML and PDF, publishing.

Entry point: `build_report(BuildOptions(edition=2024))`; the `pii build` command wraps it.
Notebooks use `show_table` / `markdown_table` for tables that render in HTML and PDF.
"""

from piilib.report.build import BuildOptions, BuildResult, DataProblems, build_report
from piilib.report.notice import NOTICE_TEXT
from piilib.report.tables import markdown_table, show_table

__all__ = [
    "BuildOptions",
    "BuildResult",
    "DataProblems",
    "NOTICE_TEXT",
    "build_report",
    "markdown_table",
    "show_table",
]
