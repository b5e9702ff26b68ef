"""The report book: chapter list, notebook execution, Jupyter Book HTML and PDF, publishing.

Notebooks use `piilib.report.tables` (`show_table`, `markdown_table`) for tables that render
in HTML and PDF. The build lives in `piilib.report.build` (`build_report(BuildOptions(...))`),
wrapped by `pii build`; it is not imported here so that notebooks load quickly.
"""

from piilib.report.notice import NOTICE_TEXT
from piilib.report.tables import markdown_table, show_table

__all__ = ["NOTICE_TEXT", "markdown_table", "show_table"]
