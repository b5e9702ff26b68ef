"""`piilib.bundle`: one way to load the data for every command and chapter, and the round trip
of a new edition through an official file (template → filled in → scores, targets, build check)."""

from __future__ import annotations

import io
import os

import numpy as np
import pandas as pd
import pytest

from piilib import schema
from piilib.analysis.targets import THRESHOLDS
from piilib.analysis.trend import project_all
from piilib.bundle import (
    COVARIATES_KIND,
    DEMO_DIR,
    EARLIER_KIND,
    HISTORY_KIND,
    MAP,
    OFFICIAL_FILE,
    OTHER_KIND,
    TIDY_FILE,
    VALUES_KIND,
    load_bundle,
)
from piilib.cli import EXIT_BAD_INPUT, main
from piilib.io import write_template
from piilib.pii import compute_pii
from piilib.units import load_units

from helpers import demo_values, run

NEW_EDITION = 2026
SOURCE_EDITION = 2025  # the demo values the new edition's workbook is filled with

pytestmark = pytest.mark.skipif(not (DEMO_DIR / "values.csv").is_file(), reason="bundled data not generated")


# --- directories and files -------------------------------------------------------------------

def test_bundle_recognises_the_files_by_their_columns():
    bundle = load_bundle(DEMO_DIR)
    kinds = dict(zip(bundle.files["file"], bundle.files["kind"]))
    assert kinds["values.csv"] == VALUES_KIND
    assert kinds["history.csv"] == HISTORY_KIND
    assert kinds["covariates.csv"] == COVARIATES_KIND
    assert kinds["targets.csv"] == OTHER_KIND
    assert set(bundle.covariates.loc[bundle.covariates[schema.UNIT] == "hue", MAP]) == {"34"}
    assert len(bundle.values) == len(pd.read_csv(DEMO_DIR / "values.csv"))
    assert load_bundle(None) is bundle  # None is data/demo, and bundles are cached


def test_a_changed_file_is_read_again(tmp_path):
    values = pd.read_csv(DEMO_DIR / "values.csv")
    values[values[schema.EDITION] == 2024].to_csv(tmp_path / "values.csv", index=False)
    first = load_bundle(tmp_path)
    assert first.editions() == [2024]
    values[values[schema.EDITION] == 2023].to_csv(tmp_path / "values.csv", index=False)
    later = os.stat(tmp_path / "values.csv").st_mtime_ns + 10**9
    os.utime(tmp_path / "values.csv", ns=(later, later))
    assert load_bundle(tmp_path).editions() == [2023]


def test_history_of_an_edition_ends_with_its_own_values():
    history = load_bundle(DEMO_DIR).history_on_map(2024, "6.2.4")
    assert history[schema.YEAR].max() == 2023
    values = pd.read_csv(DEMO_DIR / "values.csv", dtype={schema.INDICATOR: str})
    own = values[(values[schema.EDITION] == 2024) & (values[schema.INDICATOR] == "6.2.4")].set_index(schema.UNIT)
    last = history[history[schema.YEAR] == 2023].set_index(schema.UNIT)
    pd.testing.assert_series_equal(last[schema.VALUE].sort_index(), own[schema.VALUE].sort_index(), check_names=False)


def test_history_after_the_merger_is_on_the_34_units_and_harmonised():
    history = load_bundle(DEMO_DIR).history_on_map(2025, "6.2.4")
    assert set(history[schema.UNIT]) <= set(load_units(2025)[schema.UNIT])
    assert history.loc[history[schema.YEAR] < 2024, "harmonised"].all()
    assert not history.loc[history[schema.YEAR] == 2024, "harmonised"].any()


def test_illustrative_data_are_said_to_be_so(tmp_path):
    assert load_bundle(DEMO_DIR).uses_illustrative(2024)
    values = pd.read_csv(DEMO_DIR / "values.csv").assign(provenance=schema.OFFICIAL)
    values.to_csv(tmp_path / "values.csv", index=False)
    assert not load_bundle(tmp_path).uses_illustrative(2024)


def test_a_tidy_csv_file_keeps_its_provenance_and_has_no_history(tmp_path):
    rows = demo_values(2024).assign(provenance=schema.PUBLISHED)
    rows.to_csv(tmp_path / "published.csv", index=False)
    bundle = load_bundle(tmp_path / "published.csv")
    assert bundle.origin == TIDY_FILE and bundle.history.empty
    assert set(bundle.values_of(2024)[schema.PROVENANCE]) == {schema.PUBLISHED}
    assert bundle.parts(2024) == {VALUES_KIND: {schema.PUBLISHED}}


def test_an_official_csv_gets_the_illustrative_history_and_says_so(tmp_path):
    path = tmp_path / "official.csv"
    demo_values(2024)[[schema.EDITION, schema.UNIT, schema.INDICATOR, schema.VALUE]].to_csv(path, index=False)
    bundle = load_bundle(path)
    assert bundle.origin == OFFICIAL_FILE and bundle.supplement == DEMO_DIR
    assert set(bundle.values_of(2024)[schema.PROVENANCE]) == {schema.OFFICIAL}
    # The earlier edition (2023) is kept from data/demo, illustrative, not dropped.
    assert bundle.parts(2024) == {VALUES_KIND: {schema.OFFICIAL}, EARLIER_KIND: {schema.ILLUSTRATIVE},
                                  HISTORY_KIND: {schema.ILLUSTRATIVE}, COVARIATES_KIND: {schema.ILLUSTRATIVE}}
    assert bundle.uses_illustrative(2024)
    supplement = bundle.files[bundle.files["supplement"]]
    assert set(supplement["file"]) == {"data/demo/values.csv", "data/demo/history.csv", "data/demo/covariates.csv",
                                       "data/demo/covariates_2025_map.csv"}
    pd.testing.assert_frame_equal(bundle.values_of(2023), load_bundle(DEMO_DIR).values_of(2023))


def test_directory_and_official_file_give_the_same_scores(tmp_path):
    """`pii scores --data` takes a directory as well as a file; the scores are the engine's."""
    official = demo_values(2024).assign(provenance=schema.OFFICIAL)
    official.to_csv(tmp_path / "values.csv", index=False)
    code, out = run(["scores", "--edition", "2024", "--data", str(tmp_path), "--format", "csv"])
    assert code == 0
    table = pd.read_csv(io.StringIO(out), dtype={"element": str})
    pii = table[table["element"] == "PII"].set_index(schema.UNIT)["score"]
    expected = compute_pii(official, 2024).scores["PII"]
    np.testing.assert_allclose(pii.sort_index(), expected.sort_index(), rtol=1e-5)  # CSV: %.6g
    assert (table[schema.PROVENANCE] == schema.OFFICIAL).all()


# --- after the merger: the history harmonised onto the 34 units --------------------------------

def test_targets_2025_project_on_the_harmonised_history(capsys):
    assert main(["targets", "--edition", "2025", "--province", "Cần Thơ"]) == 0
    table = pd.read_csv(io.StringIO(capsys.readouterr().out), dtype={"indicator": str})
    projected = table[table["basis"] == "projected"]
    assert set(projected["indicator"]) == set(table["indicator"])  # every plan indicator has projections
    history = load_bundle(DEMO_DIR).history_on_map(2025)
    own = history[(history[schema.UNIT] == "can-tho") & (history[schema.INDICATOR] == "6.2.4")]
    expected = project_all(own, 2025, multiplicative=["6.2.4"]).iloc[0]
    row = table[(table["indicator"] == "6.2.4") & table["recommended"]].iloc[0]
    assert row["trend_predicted"] == pytest.approx(expected["predicted"], rel=1e-8)


def test_outlook_2025_runs_on_the_34_units(capsys):
    code, out = run(["outlook", "--edition", "2025", "--province", "Cần Thơ", "--draws", "200", "--no-targets"])
    assert code == 0
    scores = compute_pii(load_bundle(DEMO_DIR).values_of(2025), 2025)
    rank = int(scores.ranks.at["can-tho", "PII"])
    assert f"hạng {rank}/34" in out and "Triển vọng PII 2026" in out


# --- a new edition from an official workbook ------------------------------------------------------

@pytest.fixture(scope="module")
def workbook(tmp_path_factory, fill_entry_workbook):
    """The 2026 entry workbook filled in with the 2025 demo values."""
    path = tmp_path_factory.mktemp("official") / "pii-2026.xlsx"
    write_template(NEW_EDITION, path)
    values = demo_values(SOURCE_EDITION).set_index([schema.UNIT, schema.INDICATOR])[schema.VALUE]
    fill_entry_workbook(path, NEW_EDITION, values)
    return path


def test_scores_of_a_new_edition_from_the_workbook(workbook):
    code, out = run(["scores", "--edition", str(NEW_EDITION), "--data", str(workbook), "--format", "csv"])
    assert code == 0
    table = pd.read_csv(io.StringIO(out), dtype={"element": str})
    assert (table[schema.PROVENANCE] == schema.OFFICIAL).all() and table["n_units"].eq(34).all()
    pii = table[table["element"] == "PII"].set_index(schema.UNIT)["score"]
    expected = compute_pii(demo_values(SOURCE_EDITION), SOURCE_EDITION).scores["PII"]  # same framework, same map
    np.testing.assert_allclose(pii.sort_index(), expected.sort_index(), rtol=1e-5)  # CSV: %.6g


def test_history_of_a_new_edition_ends_with_its_official_values(workbook):
    bundle = load_bundle(workbook)
    history = bundle.history_on_map(NEW_EDITION, "6.2.4")
    assert history[schema.YEAR].max() == schema.data_year(NEW_EDITION)
    last = history[history[schema.YEAR] == schema.data_year(NEW_EDITION)]
    assert set(last[schema.PROVENANCE]) == {schema.OFFICIAL} and len(last) == 34
    earlier = history[history[schema.YEAR] < schema.data_year(NEW_EDITION)]
    assert set(earlier[schema.PROVENANCE]) == {schema.ILLUSTRATIVE} and earlier[schema.YEAR].max() == 2024
    assert bundle.uses_illustrative(NEW_EDITION)


def test_covariates_of_a_new_edition_are_carried_forward(workbook):
    bundle = load_bundle(workbook)
    covariates = bundle.covariates_on_map(NEW_EDITION)
    latest = pd.read_csv(DEMO_DIR / "covariates_2025_map.csv")
    assert set(covariates[schema.YEAR]) == {schema.data_year(NEW_EDITION)}
    assert sorted(covariates[schema.VALUE]) == sorted(latest[schema.VALUE])
    assert covariates[schema.SOURCE].str.contains(f"năm {latest[schema.YEAR].max()}").all()


def test_targets_of_a_new_edition_project_one_year_past_the_official_values(workbook, capsys):
    assert main(["targets", "--edition", str(NEW_EDITION), "--province", "Cần Thơ", "--data", str(workbook)]) == 0
    table = pd.read_csv(io.StringIO(capsys.readouterr().out), dtype={"indicator": str})
    assert set(table[schema.PROVENANCE]) == {schema.ILLUSTRATIVE}  # trends built on illustrative history
    year = schema.data_year(NEW_EDITION) + 1
    projected = table[(table["basis"] == "projected") & table["threshold"].isin(THRESHOLDS)]
    assert projected["threshold_label"].str.contains(f"số liệu năm {year}, kỳ PII {NEW_EDITION + 1}").all()
    history = load_bundle(workbook).history_on_map(NEW_EDITION, "6.2.4")
    own = history[history[schema.UNIT] == "can-tho"]
    expected = project_all(own, year, multiplicative=["6.2.4"]).iloc[0]
    row = table[(table["indicator"] == "6.2.4") & table["recommended"]].iloc[0]
    assert row["trend_predicted"] == pytest.approx(expected["predicted"], rel=1e-8)
    assert row["current_value"] == pytest.approx(own.loc[own[schema.YEAR] == year - 1, schema.VALUE].iloc[0])


def test_build_accepts_the_workbook_and_shows_the_notice(workbook):
    from piilib.report import data

    assert data.validate_data(workbook, NEW_EDITION) == []
    # The earlier edition is still there (from the data the project holds), illustrative.
    assert data.validate_data(workbook, SOURCE_EDITION) == []
    assert load_bundle(workbook).parts(SOURCE_EDITION)[VALUES_KIND] == {schema.ILLUSTRATIVE}


def test_build_command_resolves_the_province_and_defaults_to_the_demo(monkeypatch, tmp_path):
    from piilib.commands import build as build_command

    seen = []

    class Done:
        def summary(self):
            return "built"

    monkeypatch.setattr(build_command.report_build, "build_report", lambda options: seen.append(options) or Done())
    toc = tmp_path / "_toc.yml"
    toc.write_text("format: jb-book\nroot: intro\n")
    assert main(["build", "--edition", "2025", "--province", "TP. Cần Thơ", "--toc", str(toc)]) == 0
    assert seen[0].province == "can-tho" and seen[0].data_path == DEMO_DIR
    assert main(["build", "--edition", "2025", "--province", "Hậu Giang", "--toc", str(toc)]) \
        == EXIT_BAD_INPUT
    assert main(["build", "--edition", "1999", "--toc", str(toc)]) == EXIT_BAD_INPUT
    assert len(seen) == 1
