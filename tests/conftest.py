"""Every test sees no official folder unless it sets one: the staff's data/official/ (git-
ignored, possibly full of real files) must not change what a test computes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from piilib.bundle import OFFICIAL_DIR_ENV


@pytest.fixture(autouse=True)
def _no_official_folder(monkeypatch, tmp_path_factory):
    monkeypatch.setenv(OFFICIAL_DIR_ENV, str(tmp_path_factory.getbasetemp() / "no-official-folder"))


def _set_language(monkeypatch, lang: str | None) -> None:
    from piilib.messages import LANGUAGE_VARIABLES

    for name in LANGUAGE_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    if lang is not None:
        monkeypatch.setenv("LANG", lang)


@pytest.fixture
def english(monkeypatch):
    """The command line's messages in English (LANG=en_US.UTF-8), for tests that assert their
    English text (`pytestmark = pytest.mark.usefixtures("english")`)."""
    _set_language(monkeypatch, "en_US.UTF-8")


@pytest.fixture
def vietnamese(monkeypatch):
    """No language in the environment: the messages' default, Vietnamese."""
    _set_language(monkeypatch, None)


@pytest.fixture(scope="module")
def pii_values():
    """For the robustness tests: a random but complete 2024 edition (63 provinces × 52 indicators)."""
    from piilib import schema
    from piilib.framework import indicators
    from piilib.units import load_units

    codes = indicators(2024)["code"].tolist()
    units = load_units(2024)["unit"].tolist()
    rng = np.random.default_rng(2024)
    rows = [(2024, u, c, float(rng.lognormal(1, 0.6)), schema.ILLUSTRATIVE, "test")
            for u in units for c in codes]
    return pd.DataFrame(rows, columns=schema.LONG_COLUMNS)


def _fill_entry_workbook(path, edition: int, values: pd.Series) -> None:
    """Fill the entry workbook at `path` (from `pii template --edition edition`) as staff
    would, in openpyxl: every province row, every indicator column, from `values` indexed by
    (unit, indicator)."""
    from openpyxl import load_workbook

    from piilib.io.template import DATA_SHEET, FIRST_CODE_COLUMN, FIRST_DATA_ROW, HEADER_ROW, PROVINCE_COLUMN
    from piilib.units import resolve_unit

    book = load_workbook(path)
    sheet = book[DATA_SHEET]
    codes = {column: str(sheet.cell(HEADER_ROW, column).value)
             for column in range(FIRST_CODE_COLUMN, sheet.max_column + 1)}
    for row in range(FIRST_DATA_ROW, sheet.max_row + 1):
        name = sheet.cell(row, PROVINCE_COLUMN).value
        if name:
            unit = resolve_unit(name, edition)
            for column, code in codes.items():
                sheet.cell(row, column).value = float(values[(unit, code)])
    book.save(path)


@pytest.fixture(scope="session")
def fill_entry_workbook():
    """The function that fills an entry workbook with given values, as staff would."""
    return _fill_entry_workbook


@pytest.fixture(scope="session")
def project_book(tmp_path_factory):
    """The project's own book (its _toc.yml and notebooks) built once per session, HTML and
    PDF, for edition 2024 and Cần Thơ on a copy of the bundled data, with the plan's first
    indicator chapter only (the other indicator chapters are the same notebook). Tests of
    the real chapters' pages read it (`project_book.out_dir`); nothing may write into it."""
    import shutil
    from pathlib import Path

    from piilib.report.build import BuildOptions, build_report, plan_indicators

    root = tmp_path_factory.mktemp("project-book")
    data = root / "data"
    shutil.copytree(Path(__file__).resolve().parents[1] / "data" / "demo", data)
    with pytest.MonkeyPatch.context() as patch:  # no staff data/official/ (see above)
        patch.setenv(OFFICIAL_DIR_ENV, str(root / "no-official-folder"))
        return build_report(BuildOptions(
            edition=2024, province="can-tho", data_path=data, out_dir=root / "out",
            cache_dir=root / "cache", indicators=plan_indicators("can-tho")[:1], progress=False,
        ))


@pytest.fixture
def official_folder(tmp_path, monkeypatch):
    """An empty official folder of this test's own (PII_OFFICIAL_DIR): the editions known are
    the framework's alone until the test puts files there."""
    folder = tmp_path / "official"
    folder.mkdir()
    monkeypatch.setenv(OFFICIAL_DIR_ENV, str(folder))
    return folder
