"""The notice at the foot of every PDF page fits the page: the partial notice (official values,
illustrative earlier editions, history and covariates) is longer than one line and is wrapped,
not cut at the page's edges (it was, on A4, before)."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from piilib.report.notice import NOTICE_TEXT, latex_notice, notice_text

# The book's paper, point size and fonts (_config.yml, latex_elements).
DOCUMENT = r"""\documentclass[a4paper,11pt]{article}
\usepackage{fontspec}
\setmainfont{DejaVu Serif}
\setsansfont{DejaVu Sans}
\usepackage{xcolor}
%s
\begin{document}
Trang một.
\newpage
Trang hai.
\end{document}
"""


@pytest.mark.skipif(not (shutil.which("xelatex") and shutil.which("pdftotext")),
                    reason="needs xelatex and pdftotext")
@pytest.mark.parametrize("notice", [
    NOTICE_TEXT,
    notice_text(2026, ["earlier editions", "history", "covariates"]),
])
def test_the_whole_notice_is_on_every_pdf_page(notice, tmp_path):
    (tmp_path / "notice.tex").write_text(DOCUMENT % latex_notice(notice), encoding="utf-8")
    subprocess.run(["xelatex", "-interaction=nonstopmode", "-halt-on-error", "notice.tex"], cwd=tmp_path,
                   capture_output=True, check=True, timeout=300)
    # Only what lies on the A4 page (595 x 842 points): text running off its edges is not read.
    text = subprocess.run(["pdftotext", "-x", "0", "-y", "0", "-W", "595", "-H", "842", str(tmp_path / "notice.pdf"),
                           "-"], capture_output=True, text=True, check=True).stdout
    pages = [" ".join(page.split()) for page in text.split("\f")[:-1]]
    assert len(pages) == 2
    assert all(notice in page for page in pages), pages
