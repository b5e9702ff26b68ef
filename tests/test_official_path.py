"""The staff's path with official files: template → fill → validate → official folder → every
command sees the earlier editions too, each value with its provenance; the notice says what
is true. The folder is a temporary one named by PII_OFFICIAL_DIR, never data/official."""

from __future__ import annotations

import io
import shutil

import pandas as pd
import pytest

from piilib import schema
from piilib.bundle import (
    COVARIATES_KIND,
    DEMO_DIR,
    EARLIER_KIND,
    HISTORY_KIND,
    VALUES_KIND,
    data_path_problems,
    edition_from_name,
    load_bundle,
    official_files,
)
from piilib.cli import main
from piilib.pii import compute_pii
from piilib.report import book
from piilib.report.notice import NOTICE_TEXT, PART_NAMES_VI, notice_for, notice_text

from helpers import demo_values, run

# These tests assert the English text of the messages (Vietnamese is the default).
pytestmark = pytest.mark.usefixtures("english")

NEW = 2026
FILLED_FROM = 2025  # the demo values typed into the 2026 template (within the framework's ranges)
HELD = [2023, 2024, 2025]  # the editions of data/demo


@pytest.fixture(scope="module")
def filled(tmp_path_factory, fill_entry_workbook):
    """`pii template --edition 2026`, filled in with openpyxl as staff would."""
    path = tmp_path_factory.mktemp("staff") / "nhap-lieu.xlsx"
    assert run(["template", "--edition", str(NEW), "--out", str(path)])[0] == 0
    values = demo_values(FILLED_FROM).set_index([schema.UNIT, schema.INDICATOR])[schema.VALUE]
    fill_entry_workbook(path, NEW, values)
    return path


def test_staff_path_template_fill_validate_folder_then_every_command_sees_every_edition(filled, official_folder):
    code, out = run(["validate", str(filled)])
    assert code == 0, out
    shutil.copy2(filled, official_folder / "pii-2026.xlsx")
    (official_folder / "README.md").write_text("notes", encoding="utf-8")  # not a data file
    assert official_files() == [official_folder / "pii-2026.xlsx"]

    bundle = load_bundle(None, NEW)  # what every command reads without --data
    assert bundle.editions() == HELD + [NEW]
    assert set(bundle.values_of(NEW)[schema.PROVENANCE]) == {schema.OFFICIAL}
    for edition in HELD:  # kept from data/demo with their own provenance
        pd.testing.assert_frame_equal(bundle.values_of(edition), load_bundle(DEMO_DIR).values_of(edition))
    # Trends of 2026: the data years of 2023–2026 (2022–2025), the last from the official file.
    history = bundle.history_on_map(NEW, "6.2.4")
    years = sorted(set(history[schema.YEAR]))
    assert {schema.data_year(e) for e in HELD + [NEW]} <= set(years)
    last = history[history[schema.YEAR] == schema.data_year(NEW)]
    assert set(last[schema.PROVENANCE]) == {schema.OFFICIAL}

    code, out = run(["scores", "--edition", str(NEW), "--format", "csv"])
    assert code == 0
    table = pd.read_csv(io.StringIO(out), dtype={"element": str})
    assert (table[schema.PROVENANCE] == schema.OFFICIAL).all()
    pii = table[table["element"] == "PII"].set_index(schema.UNIT)["score"].sort_index()
    expected = compute_pii(demo_values(FILLED_FROM), FILLED_FROM).scores["PII"].sort_index()
    pd.testing.assert_series_equal(pii, expected, rtol=1e-5, check_names=False)

    code, out = run(["targets", "--edition", str(NEW), "--province", "Cần Thơ"])
    assert code == 0
    targets = pd.read_csv(io.StringIO(out), dtype={"indicator": str})
    row = targets[(targets["indicator"] == "6.2.4") & targets["recommended"]].iloc[0]
    own = last[last[schema.UNIT] == "can-tho"]
    assert row["current_value"] == pytest.approx(float(own[schema.VALUE].iloc[0]))
    # The earlier editions are there too: the previous edition's value is the demo's 2025 one.
    assert bundle.values_of(FILLED_FROM).equals(load_bundle(DEMO_DIR).values_of(FILLED_FROM))


def test_a_one_off_file_adds_its_edition_on_top_of_the_folder(filled, official_folder):
    official_2025 = demo_values(FILLED_FROM)[[schema.EDITION, schema.UNIT, schema.INDICATOR, schema.VALUE]]
    official_2025.to_csv(official_folder / "pii-2025.csv", index=False)
    bundle = load_bundle(filled)  # --data nhap-lieu.xlsx (2026)
    assert bundle.editions() == HELD + [NEW]
    provenance = bundle.values.groupby(schema.EDITION)[schema.PROVENANCE].unique().map(set).to_dict()
    assert provenance == {2023: {schema.ILLUSTRATIVE}, 2024: {schema.ILLUSTRATIVE},
                          2025: {schema.OFFICIAL}, 2026: {schema.OFFICIAL}}
    listed = dict(zip(bundle.files["file"], bundle.files["supplement"]))
    assert not listed[filled.name]  # its own file, not a supplement
    assert any(name.endswith("pii-2025.csv") for name in listed)


def test_folder_problems_name_the_file_and_two_files_of_one_edition_are_refused(filled, official_folder):
    (official_folder / "pii-2024.csv").write_text("edition,unit,indicator,value\n2024,can-tho,6.2.4,abc\n",
                                                  encoding="utf-8")
    problems = data_path_problems(None)
    assert problems and "pii-2024.csv" in problems[0] and str(official_folder) in problems[0]
    code = main(["scores", "--edition", "2024"])
    assert code == 2
    (official_folder / "pii-2024.csv").unlink()
    shutil.copy2(filled, official_folder / "pii-2026.xlsx")
    shutil.copy2(filled, official_folder / "copy-2026.xlsx")
    problems = data_path_problems(None)
    assert any("both hold edition 2026" in problem for problem in problems)


def test_the_edition_comes_from_the_file_name_when_the_file_does_not_state_it():
    assert edition_from_name("pii-2026.xlsx") == 2026
    assert edition_from_name("so-lieu_PII_2025_ban-cuoi.csv") == 2025
    assert edition_from_name("notes.xlsx") is None and edition_from_name("x12026.csv") is None


# --- the notice ---------------------------------------------------------------------------------

def test_the_notice_says_what_is_true(filled, tmp_path):
    # Illustrative values: today's notice.
    assert notice_for(load_bundle(DEMO_DIR), 2024) == NOTICE_TEXT
    # Official values of the edition, illustrative earlier editions, history and covariates.
    partial = notice_for(load_bundle(filled), NEW)
    assert partial != NOTICE_TEXT and str(NEW) in partial and "chính thức" in partial
    for part in (EARLIER_KIND, HISTORY_KIND, COVARIATES_KIND):
        assert PART_NAMES_VI[part] in partial
    assert PART_NAMES_VI[VALUES_KIND] not in partial.split("chính thức")[1]
    # Everything official (a data set of its own): no notice at all.
    for file in DEMO_DIR.glob("*.csv"):
        frame = pd.read_csv(file)
        if schema.PROVENANCE in frame.columns:
            frame.assign(**{schema.PROVENANCE: schema.OFFICIAL}).to_csv(tmp_path / file.name, index=False)
    assert notice_for(load_bundle(tmp_path), 2024) is None
    # Only the history illustrative: the notice names only it.
    assert notice_text(2024, [HISTORY_KIND]) == f"Giá trị các chỉ số kỳ 2024 là số liệu chính thức; " \
                                                f"{PART_NAMES_VI[HISTORY_KIND]} là số liệu minh họa"


def test_the_partial_notice_is_on_every_html_and_pdf_page(filled):
    text = notice_for(load_bundle(filled), NEW)
    config = book.book_config({}, title="T", running_title="R", notice=text, pdf_stem="p", substitutions={})
    assert config["html"]["announcement"] == text
    assert text in config["sphinx"]["config"]["latex_elements"]["preamble"]
    without = book.book_config({}, title="T", running_title="R", notice=None, pdf_stem="p", substitutions={})
    assert "announcement" not in without["html"]


def test_the_build_accepts_an_edition_that_only_the_official_folder_holds(filled, official_folder):
    from piilib.report import data

    assert data.validate_data(DEMO_DIR, NEW) != []  # data/demo alone has no 2026
    shutil.copy2(filled, official_folder / "pii-2026.xlsx")
    assert data.validate_data(DEMO_DIR, NEW) == []
