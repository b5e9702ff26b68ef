"""Parity with COINr v1.1.14 on its own example (ASEM): every stage, the treatment and
strengths / weaknesses. Reference outputs were produced by COINr (tests/fixtures/coinr-asem)."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from piilib.index import build_index, read_method, results_table, strengths_weaknesses

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures" / "coinr-asem"
SPEC = ROOT / "data" / "examples" / "asem-method.yml"
STAGES = ["Raw", "Denominated", "Imputed", "Screened", "Treated", "Normalised", "Aggregated"]
MAX_RELATIVE_DIFFERENCE = 1e-9


@pytest.fixture(scope="module")
def asem():
    idata = pd.read_csv(FIXTURES / "iData.csv")
    imeta = pd.read_csv(FIXTURES / "iMeta.csv")
    steps, problems = read_method(SPEC)
    assert problems == []
    return build_index(idata, imeta, steps)


def relative_difference(ours: np.ndarray, theirs: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        diff = np.abs(ours - theirs) / np.abs(theirs)
    diff[ours == theirs] = 0.0  # exact matches, zeros included
    return diff


@pytest.mark.parametrize("stage", STAGES)
def test_stage_equals_coinr(asem, stage):
    reference = pd.read_csv(FIXTURES / f"stage_{stage}.csv").set_index("uCode")
    ours = asem.stages[stage].set_index("uCode")
    assert sorted(ours.index) == sorted(reference.index)
    assert sorted(ours.columns) == sorted(reference.columns)
    a = ours.loc[reference.index, reference.columns].to_numpy(dtype=float)
    b = reference.to_numpy(dtype=float)
    np.testing.assert_array_equal(np.isnan(a), np.isnan(b))
    both = ~np.isnan(b)
    assert relative_difference(a[both], b[both]).max() <= MAX_RELATIVE_DIFFERENCE


def test_aggregated_columns_are_indicators_then_aggregates_upward(asem):
    columns = list(asem.stages["Aggregated"].columns)
    meta = pd.read_csv(FIXTURES / "iMeta.csv")
    indicators = meta.loc[meta["Type"] == "Indicator", "iCode"].tolist()
    assert columns[: len(indicators) + 1] == ["uCode"] + indicators
    assert columns[-1] == "Index"


def test_treatment_equals_coinr(asem):
    reference = pd.read_csv(FIXTURES / "treat_details.csv").set_index("iCode")
    ours = asem.treatment.set_index("iCode").loc[reference.index]
    np.testing.assert_array_equal(ours["passed_before"].to_numpy(bool), reference["check_SkewKurt0.Pass"].to_numpy(bool))
    for mine, theirs in [("skew_before", "check_SkewKurt0.Skew"), ("kurtosis_before", "check_SkewKurt0.Kurt")]:
        assert relative_difference(ours[mine].to_numpy(float), reference[theirs].to_numpy(float)).max() <= 1e-9

    failed = ~reference["check_SkewKurt0.Pass"].to_numpy(bool)
    np.testing.assert_array_equal(
        ours["n_winsorised"].to_numpy()[failed], reference["winsorise.nwin"].to_numpy()[failed].astype(int)
    )
    for mine, theirs in [("skew_after_winsorising", "check_SkewKurt1.Skew"), ("kurtosis_after_winsorising", "check_SkewKurt1.Kurt")]:
        a = ours[mine].to_numpy(float)[failed]
        b = reference[theirs].to_numpy(float)[failed]
        assert relative_difference(a, b).max() <= 1e-9

    # COINr logs an indicator only when winsorising did not make it pass.
    passed_after = reference["check_SkewKurt1.Pass"].fillna(False).astype(bool).to_numpy()
    expected_kind = np.where(~failed, "none", np.where(passed_after, "winsorised", "log"))
    np.testing.assert_array_equal(ours["treatment"].to_numpy(str), expected_kind)


def test_winsorised_points_are_the_extremes_of_the_screened_data(asem):
    """Units named in the treatment are exactly those whose value changed."""
    screened = asem.stages["Screened"].set_index("uCode")
    treated = asem.stages["Treated"].set_index("uCode")
    for row in asem.treatment.itertuples():
        changed = sorted(screened.index[screened[row.iCode] != treated[row.iCode]])
        named = sorted(row.treated_units.split(";")) if row.treatment == "winsorised" else []
        assert changed == named, row.iCode


def test_strengths_and_weaknesses_equal_coinr(asem):
    reference = pd.read_csv(FIXTURES / "str_weak_ESP_CHN_VNM.csv")
    ours = pd.concat([strengths_weaknesses(asem, unit, n=5) for unit in ["ESP", "CHN", "VNM"]], ignore_index=True)
    assert ours["Code"].tolist() == reference["Code"].tolist()
    assert ours["Rank"].tolist() == reference["Rank"].tolist()
    assert ours["kind"].tolist() == reference["kind"].tolist()
    assert ours["uCode"].tolist() == reference["uCode"].tolist()
    assert ours["Parent"].tolist() == reference["Pillar"].tolist()
    assert ours["Name"].tolist() == reference["Name"].tolist()
    # COINr rounds to 3 significant figures; the CSV shows them exactly.
    np.testing.assert_array_equal(ours["Value"].to_numpy(float), reference["Value"].to_numpy(float))


def test_results_table_ranks_equal_coinr(asem):
    reference = pd.read_csv(FIXTURES / "results_full.csv")
    ours = results_table(asem)
    assert ours["uCode"].tolist() == reference["uCode"].tolist()
    assert ours["Rank"].tolist() == reference["Rank"].tolist()
    np.testing.assert_allclose(ours["Index"].round(2), reference["Index"], atol=1e-9)


def test_replaying_the_log_gives_the_same_stages(asem):
    idata = pd.read_csv(FIXTURES / "iData.csv")
    replay = build_index(idata, asem.imeta, asem.log)
    assert replay.log == asem.log
    for stage, frame in asem.stages.items():
        pd.testing.assert_frame_equal(replay.stages[stage], frame)
