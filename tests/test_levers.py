"""Levers: effective weights, and gains recomputed with the engine."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from piilib.analysis.levers import (
    effective_weights,
    lever_table,
    points_per_score,
    replay_with_values,
    top_code,
    with_values,
)
from piilib.index import build_index, read_method

PLAIN_STEPS = [
    {"step": "normalise", "method": "minmax", "lower": 0, "upper": 100},
    {"step": "aggregate", "method": "arithmetic"},
]


def meta(rows):
    return pd.DataFrame(rows, columns=["Level", "iCode", "Direction", "Weight", "Parent", "Type"])


def two_level_meta():
    return meta(
        [
            (1, "x1", 1, 1.0, "In", "Indicator"),
            (1, "x2", 1, 3.0, "In", "Indicator"),
            (1, "x3", 1, 2.0, "Out", "Indicator"),
            (2, "In", 1, 1.0, "PII", "Aggregate"),
            (2, "Out", 1, 1.0, "PII", "Aggregate"),
            (3, "PII", 1, 1.0, None, "Aggregate"),
        ]
    )


def test_effective_weights_on_a_hand_made_tree():
    weights = effective_weights(two_level_meta())
    # x1: 1/(1+3) of In, In is 1/2 of PII; x3 is the only child of Out.
    assert weights["x1"] == pytest.approx(0.125)
    assert weights["x2"] == pytest.approx(0.375)
    assert weights["x3"] == pytest.approx(0.5)
    assert weights["In"] == pytest.approx(0.5) and weights["PII"] == 1.0
    assert weights[["x1", "x2", "x3"]].sum() == pytest.approx(1.0)
    assert points_per_score(two_level_meta()).to_dict() == pytest.approx({"x1": 1.25, "x2": 3.75, "x3": 5.0})
    assert top_code(two_level_meta()) == "PII"


def test_effective_weights_ignore_group_and_denominator_rows_and_sum_to_one():
    rows = two_level_meta()
    extra = pd.DataFrame(
        {"Level": [np.nan, np.nan], "iCode": ["Region", "Population"], "Type": ["Group", "Denominator"]}
    )
    with_extras = pd.concat([rows, extra], ignore_index=True)
    weights = effective_weights(with_extras)
    assert set(weights.index) == {"x1", "x2", "x3", "In", "Out", "PII"}
    assert weights[["x1", "x2", "x3"]].sum() == pytest.approx(1.0)


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda m: m.assign(Parent=m["Parent"].replace({"PII": None})), "exactly one top"),
        (lambda m: m.assign(Parent=m["Parent"].replace({"Out": "Outt"})), "Outt"),
        (lambda m: m.assign(Weight=m["Weight"].replace({3.0: 0.0})), "> 0"),
        (lambda m: m.assign(Parent=np.where(m["iCode"] == "In", "x1", m["Parent"])), "cycle"),
    ],
)
def test_broken_meta_is_refused(change, message):
    with pytest.raises(ValueError, match=message):
        effective_weights(change(two_level_meta()))


def random_idata(n_units=9, seed=4):
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(rng.normal(50, 10, size=(n_units, 3)), columns=["x1", "x2", "x3"])
    frame.insert(0, "uCode", [f"U{i}" for i in range(n_units)])
    return frame


def test_points_per_score_is_exact_when_recomputed_with_the_engine():
    imeta = two_level_meta()
    idata = random_idata()
    result = build_index(idata, imeta, PLAIN_STEPS)
    normalised = result.stages["Normalised"].set_index("uCode")
    gains = points_per_score(imeta, 10.0)
    for code in ["x1", "x2", "x3"]:
        # A unit strictly inside the range whose score can rise by 10 without becoming the max.
        interior = normalised[code][(normalised[code] > 0) & (normalised[code] < 85)].index[0]
        spread = idata[code].max() - idata[code].min()
        raw_step = 10.0 * spread / 100.0
        new_raw = float(idata.set_index("uCode").at[interior, code]) + raw_step
        replayed = replay_with_values(result, idata, interior, {code: new_raw})
        assert replayed.stages["Normalised"].set_index("uCode").at[interior, code] == pytest.approx(
            normalised.at[interior, code] + 10.0
        )
        gain = replayed.scores.loc[interior, "PII"] - result.scores.loc[interior, "PII"]
        assert gain == pytest.approx(gains[code], abs=1e-9)


def test_with_values_does_not_modify_the_input():
    idata = random_idata()
    before = idata.copy()
    changed = with_values(idata, "U2", {"x1": 1000.0})
    pd.testing.assert_frame_equal(idata, before)
    assert changed.set_index("uCode").at["U2", "x1"] == 1000.0


# --------------------------------------------------------------------------- lever table


def hand_index():
    """Five units; x2 is lower-is-better. A is worst on x1 and x2 and mid-table on x3."""
    imeta = meta(
        [
            (1, "x1", 1, 1.0, "In", "Indicator"),
            (1, "x2", -1, 1.0, "In", "Indicator"),
            (1, "x3", 1, 1.0, "Out", "Indicator"),
            (2, "In", 1, 1.0, "PII", "Aggregate"),
            (2, "Out", 1, 1.0, "PII", "Aggregate"),
            (3, "PII", 1, 1.0, None, "Aggregate"),
        ]
    )
    idata = pd.DataFrame(
        {
            "uCode": ["A", "B", "C", "D", "E"],
            "Region": ["delta", "delta", "delta", "north", "north"],
            "x1": [0.0, 10.0, 20.0, 30.0, 40.0],
            "x2": [50.0, 10.0, 20.0, 30.0, 40.0],
            "x3": [5.0, 0.0, 10.0, 15.0, 20.0],
        }
    )
    return idata, imeta


def test_lever_table_by_hand():
    idata, imeta = hand_index()
    result = build_index(idata, imeta, PLAIN_STEPS)
    # Scores of A now: x1 0, x2 0, x3 25 -> In 0, Out 25 -> PII 12.5 (5th of 5).
    assert result.scores.loc["A", "PII"] == pytest.approx(12.5)
    table = lever_table(result, idata, "A", "Region").set_index("indicator")
    assert table.loc["x3", "effective_weight"] == pytest.approx(0.5)

    # x1 to the median of the others (10, 20, 30, 40) = 25: min becomes B's 10, so A scores
    # (25 - 10) / 30 = 50, not the 62.5 the others' median score promised; gain 0.25 * 50.
    assert table.loc["x1", "median_target"] == 25.0
    assert table.loc["x1", "median_gain"] == pytest.approx(12.5)
    assert table.loc["x1", "median_gain_linear"] == pytest.approx(0.25 * 62.5)
    # x1 to the delta's best other than A: C's 20 -> (20 - 10) / 30.
    assert table.loc["x1", "region_best_unit"] == "C"
    assert table.loc["x1", "region_best_gain"] == pytest.approx(0.25 * 100 / 3)

    # x2 is lower-is-better: the median 25 scores (40 - 25) / 30 = 50; the delta's best is
    # B's 10, which becomes the minimum and scores 100.
    assert table.loc["x2", "median_target"] == 25.0
    assert table.loc["x2", "median_gain"] == pytest.approx(12.5)
    assert table.loc["x2", "region_best_unit"] == "B"
    assert table.loc["x2", "region_best_target"] == 10.0
    assert table.loc["x2", "region_best_gain"] == pytest.approx(25.0)
    # A's PII becomes 0.25 * 0 + 0.25 * 100 + 0.5 * 25 = 37.5, above B's 31.25: 4th.
    assert table.loc["x2", "region_best_index"] == pytest.approx(37.5)
    assert table.loc["x2", "region_best_rank"] == 4

    # x3: A is neither min nor max, so the linear approximation is exact.
    assert table.loc["x3", "median_target"] == 12.5
    assert table.loc["x3", "median_gain"] == pytest.approx(0.5 * (62.5 - 25))
    assert table.loc["x3", "median_gain_linear"] == pytest.approx(table.loc["x3", "median_gain"])

    # Ranked by the gain from the median: x3 (18.75) before x1 and x2 (12.5 each; x2 has the
    # larger regional gain).
    assert list(table.index) == ["x3", "x2", "x1"]


def test_lever_table_when_already_there():
    idata, imeta = hand_index()
    result = build_index(idata, imeta, PLAIN_STEPS)
    table = lever_table(result, idata, "E", {"A": "delta", "B": "delta", "C": "delta", "D": "north", "E": "north"})
    table = table.set_index("indicator")
    # E has the best x1 and x3 in the country: no target moves it.
    for code in ["x1", "x3"]:
        assert table.loc[code, "median_gain"] == 0.0
        assert table.loc[code, "median_target"] == idata.set_index("uCode").at["E", code]
        assert table.loc[code, "region_best_gain"] == 0.0
    # On x2 (lower is better) E's 40 is beaten by D's 30 in the north.
    assert table.loc["x2", "region_best_unit"] == "D"
    assert table.loc["x2", "region_best_gain"] > 0


def test_lever_gains_equal_direct_recomputation_with_default_steps():
    idata = random_idata(n_units=12, seed=9)
    idata["Region"] = ["r1"] * 6 + ["r2"] * 6
    imeta = two_level_meta()
    result = build_index(idata, imeta)
    table = lever_table(result, idata, "U3", "Region").set_index("indicator")
    for code in ["x1", "x2", "x3"]:
        target = table.loc[code, "median_target"]
        changed = idata.copy()
        changed.loc[changed["uCode"] == "U3", code] = target
        direct = build_index(changed, imeta)
        expected_gain = direct.scores.loc["U3", "PII"] - result.scores.loc["U3", "PII"]
        assert table.loc[code, "median_gain"] == pytest.approx(expected_gain)
        assert table.loc[code, "median_rank"] == direct.ranks.loc["U3", "PII"]


# --------------------------------------------------------------------------- COINr's example


EXAMPLES = Path(__file__).resolve().parents[1] / "data" / "examples"


def asem():
    idata = pd.read_csv(EXAMPLES / "asem-iData.csv")
    imeta = pd.read_csv(EXAMPLES / "asem-iMeta.csv")
    steps, problems = read_method(EXAMPLES / "asem-method.yml")
    assert not problems
    return idata, imeta, build_index(idata, imeta, steps)


def test_effective_weights_reproduce_the_asem_index():
    idata, imeta, result = asem()
    weights = effective_weights(imeta)
    codes = imeta.loc[imeta["Type"] == "Indicator", "iCode"].tolist()
    normalised = result.stages["Normalised"].set_index("uCode")[codes]
    assert not normalised.isna().any().any()  # imputed: the formula is exact here
    linear = normalised.to_numpy() @ weights[codes].to_numpy()
    np.testing.assert_allclose(linear, result.scores.loc[normalised.index, "Index"].to_numpy(), atol=1e-9)


def test_lever_target_on_a_denominated_indicator():
    idata, imeta, result = asem()
    # Flights are divided by Population: the target is a per-capita value, and the raw
    # value written into iData is that target times Viet Nam's population.
    table = lever_table(result, idata, "VNM", "EurAsia_group", indicators=["Flights"]).set_index("indicator")
    target = table.loc["Flights", "median_target"]
    denominated = result.stages["Denominated"].set_index("uCode")["Flights"]
    assert target == pytest.approx(float(np.median(denominated.drop("VNM").dropna())))
    changed = idata.copy()
    rows = changed["uCode"] == "VNM"
    changed.loc[rows, "Flights"] = target * changed.loc[rows, "Population"].iloc[0]
    direct = build_index(changed, imeta, result.log)
    assert direct.stages["Denominated"].set_index("uCode").at["VNM", "Flights"] == pytest.approx(target)
    expected_gain = direct.scores.loc["VNM", "Index"] - result.scores.loc["VNM", "Index"]
    assert table.loc["Flights", "median_gain"] == pytest.approx(expected_gain)
    assert expected_gain > 0
