"""Each step on small hand-computed cases, and the decided edge cases."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from piilib.index import (
    AggregationError,
    IndexInputError,
    aggregate,
    build_index,
    data_availability,
    denominate,
    impute,
    kurtosis,
    normalise,
    rank_units,
    screen,
    skewness,
    treat,
)


def wide(**columns):
    units = columns.pop("units")
    frame = pd.DataFrame(columns)
    frame.insert(0, "uCode", units)
    return frame


def small_meta(directions=(1, 1), weights=(1, 1)):
    """Two indicators a, b under one aggregate (the index) T."""
    return pd.DataFrame(
        {
            "Level": [1, 1, 2],
            "iCode": ["a", "b", "T"],
            "iName": ["A", "B", "Total"],
            "Direction": [directions[0], directions[1], 1],
            "Weight": [weights[0], weights[1], 1],
            "Unit": ["x", "y", "score"],
            "Denominator": ["pop", None, None],
            "Parent": ["T", "T", None],
            "Type": ["Indicator", "Indicator", "Aggregate"],
        }
    )


# --------------------------------------------------------------------------- statistics


def test_skewness_and_kurtosis_are_the_bias_corrected_sample_statistics():
    x = np.array([1.0, 2.0, 2.5, 4.0, 7.0, 11.0, 30.0, np.nan])
    kept = x[~np.isnan(x)]
    assert skewness(x) == pytest.approx(stats.skew(kept, bias=False), rel=1e-12)
    assert kurtosis(x) == pytest.approx(stats.kurtosis(kept, bias=False), rel=1e-12)


def test_skewness_undefined_for_constant_or_too_short():
    assert np.isnan(skewness([5.0, 5.0, 5.0, 5.0]))
    assert np.isnan(kurtosis([1.0, 2.0, 4.0]))  # kurtosis needs 4 values


# --------------------------------------------------------------------------- denominate


def test_denominate_divides_only_indicators_with_a_denominator():
    data = wide(units=["u1", "u2"], a=[10.0, 9.0], b=[3.0, 4.0])
    denominators = wide(units=["u2", "u1"], pop=[3.0, 4.0])  # other row order: matched on uCode
    out = denominate(data, denominators, small_meta())
    assert out["a"].tolist() == [2.5, 3.0]
    assert out["b"].tolist() == [3.0, 4.0]
    assert data["a"].tolist() == [10.0, 9.0]  # input untouched


def test_denominate_missing_denominator_gives_missing_value():
    data = wide(units=["u1"], a=[10.0], b=[1.0])
    out = denominate(data, wide(units=["u1"], pop=[np.nan]), small_meta())
    assert np.isnan(out.loc[0, "a"])


# --------------------------------------------------------------------------- impute


def test_group_mean_imputation():
    data = wide(units=list("pqrst"), a=[1.0, np.nan, 3.0, 10.0, np.nan], b=[np.nan, np.nan, np.nan, 1.0, 2.0])
    out = impute(data, "group_mean", groups=["A", "A", "A", "B", "B"])
    assert out["a"].tolist() == [1.0, 2.0, 3.0, 10.0, 10.0]
    # group A has no value of b: stays missing
    assert out["b"].isna().tolist() == [True, True, True, False, False]


def test_overall_mean_imputation():
    data = wide(units=list("pqr"), a=[1.0, np.nan, 4.0], b=[2.0, 2.0, 2.0])
    assert impute(data, "mean")["a"].tolist() == [1.0, 2.5, 4.0]


def test_unit_without_group_is_not_imputed():
    data = wide(units=list("pqr"), a=[1.0, 3.0, np.nan], b=[1.0, 1.0, 1.0])
    out = impute(data, "group_mean", groups=["A", "A", None])
    assert np.isnan(out.loc[2, "a"])


# --------------------------------------------------------------------------- screen


def test_screen_keeps_units_at_or_above_threshold():
    data = wide(units=list("pqr"), a=[1.0, np.nan, np.nan], b=[1.0, 2.0, np.nan], c=[1.0, 2.0, 5.0])
    assert data_availability(data).round(12).tolist() == [1.0, round(2 / 3, 12), round(1 / 3, 12)]
    assert screen(data, 2 / 3)["uCode"].tolist() == ["p", "q"]
    assert screen(data, 1 / 3)["uCode"].tolist() == ["p", "q", "r"]


# --------------------------------------------------------------------------- treat


def column(values):
    return wide(units=[f"u{i}" for i in range(len(values))], x=values)


def test_winsorises_a_high_outlier_to_the_next_value():
    values = list(range(1, 21)) + [1000]
    treated, table = treat(column(values))
    expected = list(range(1, 21)) + [20]
    assert treated["x"].tolist() == expected
    row = table.iloc[0]
    assert row["treatment"] == "winsorised"
    assert row["n_winsorised"] == 1 and row["winsorised_side"] == "high"
    assert row["treated_units"] == "u20"
    assert row["skew_after_winsorising"] == pytest.approx(stats.skew(expected, bias=False))


def test_winsorises_a_low_outlier_when_skew_is_negative():
    values = [-1000] + list(range(1, 21))
    treated, table = treat(column(values))
    assert treated["x"].tolist() == [1] + list(range(1, 21))
    assert table.loc[0, "winsorised_side"] == "low"
    assert table.loc[0, "treated_units"] == "u0"


def test_tied_outliers_are_winsorised_together_and_both_counted():
    values = list(range(1, 31)) + [1000, 1000]
    treated, table = treat(column(values))
    assert treated["x"].tolist()[-2:] == [30, 30]
    assert table.loc[0, "n_winsorised"] == 2
    assert table.loc[0, "treated_units"] == "u30;u31"


def test_an_indicator_that_passes_is_left_alone():
    values = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
    treated, table = treat(column(values))
    assert treated["x"].tolist() == values
    assert table.loc[0, "treatment"] == "none" and table.loc[0, "n_winsorised"] == 0


def heavy_tail():
    """Fails skew/kurtosis even after its 5 largest values are winsorised."""
    values = np.concatenate([np.zeros(40), 10.0 ** np.arange(1, 11)])
    top_cut = np.sort(values)
    top_cut[-5:] = top_cut[-6]
    assert abs(stats.skew(top_cut, bias=False)) >= 2 and stats.kurtosis(top_cut, bias=False) >= 3.5
    return values


def test_log_transform_when_winsorising_fails():
    values = heavy_tail()
    treated, table = treat(column(values.tolist()))
    expected = np.log(values - values.min() + 0.01 * (values.max() - values.min()))
    np.testing.assert_allclose(treated["x"].to_numpy(), expected, rtol=1e-13)
    row = table.iloc[0]
    assert row["treatment"] == "log" and row["treated_units"] == "all"
    assert row["n_winsorised"] == 5  # tried, then undone


def test_log_transform_copes_with_zero_and_negative_values():
    values = heavy_tail() - 1e6  # all negative, minimum far below zero
    treated, table = treat(column(values.tolist()))
    out = treated["x"].to_numpy()
    assert table.loc[0, "treatment"] == "log"
    assert np.isfinite(out).all()
    assert (np.diff(out[np.argsort(values, kind="stable")]) >= 0).all()  # order kept
    assert out.min() == pytest.approx(np.log(0.01 * (values.max() - values.min())))


def test_max_winsorised_zero_goes_straight_to_log():
    values = list(range(1, 21)) + [1000]
    _, table = treat(column(values), max_winsorised=0)
    assert table.loc[0, "treatment"] == "log" and table.loc[0, "n_winsorised"] == 0


def test_constant_all_missing_or_short_indicators_are_not_checkable():
    data = wide(units=list("pqrs"), same=[2.0] * 4, empty=[np.nan] * 4, short=[1.0, 500.0, np.nan, np.nan])
    treated, table = treat(data)
    assert table["treatment"].tolist() == ["not checkable"] * 3
    pd.testing.assert_frame_equal(treated, data)


# --------------------------------------------------------------------------- normalise


def test_minmax_with_directions():
    data = wide(units=list("pqr"), a=[1.0, 2.0, 3.0], b=[10.0, 30.0, 20.0])
    out = normalise(data, small_meta(directions=(-1, 1)))
    assert out["a"].tolist() == [100.0, 50.0, 0.0]
    assert out["b"].tolist() == [0.0, 100.0, 50.0]
    out = normalise(data, small_meta(), lower=1, upper=10)
    assert out["a"].tolist() == [1.0, 5.5, 10.0]


def test_zscore():
    data = wide(units=list("pqr"), a=[1.0, 2.0, 3.0], b=[2.0, 4.0, 9.0])
    out = normalise(data, small_meta(), method="zscore", mean=10, sd=2)
    assert out["a"].tolist() == [8.0, 10.0, 12.0]  # sample sd of 1,2,3 is 1


def test_minmax_of_constant_or_empty_indicator_is_missing_as_in_coinr():
    data = wide(units=list("pqr"), a=[5.0, 5.0, 5.0], b=[np.nan, np.nan, np.nan])
    out = normalise(data, small_meta())
    assert out[["a", "b"]].isna().all().all()


# --------------------------------------------------------------------------- aggregate


def test_weighted_arithmetic_mean_ignores_missing():
    data = wide(units=list("pq"), a=[10.0, np.nan], b=[20.0, 40.0])
    out = aggregate(data, small_meta(weights=(1, 3)))
    assert out["T"].tolist() == [17.5, 40.0]
    assert list(out.columns) == ["uCode", "a", "b", "T"]


def test_weight_overrides():
    data = wide(units=["p"], a=[10.0], b=[20.0])
    assert aggregate(data, small_meta(), weights={"b": 4})["T"].tolist() == [18.0]


def test_weighted_geometric_mean():
    data = wide(units=["p"], a=[4.0], b=[32.0])
    # (4^1 * 32^3)^(1/4) = (2^2 * 2^15)^(1/4) = 2^(17/4)
    assert aggregate(data, small_meta(weights=(1, 3)), method="geometric")["T"].iloc[0] == pytest.approx(2 ** 4.25)


def test_geometric_mean_refuses_zero():
    data = wide(units=["p"], a=[0.0], b=[3.0])
    with pytest.raises(AggregationError, match="greater|> 0"):
        aggregate(data, small_meta(), method="geometric")


def test_all_children_missing_gives_missing_aggregate():
    data = wide(units=["p"], a=[np.nan], b=[np.nan])
    assert np.isnan(aggregate(data, small_meta())["T"].iloc[0])


# --------------------------------------------------------------------------- rank


def test_rank_ties_take_the_smallest_rank_and_missing_is_unranked():
    scores = wide(units=list("pqrst"), s=[3.0, 1.0, 3.0, np.nan, 2.0])
    ranks = rank_units(scores)["s"].tolist()
    assert ranks[:3] == [1.0, 4.0, 1.0] and np.isnan(ranks[3]) and ranks[4] == 3.0


# --------------------------------------------------------------------------- build_index


def meta3():
    """Three indicators under T; weights 1."""
    return pd.DataFrame(
        {
            "Level": [1, 1, 1, 2],
            "iCode": ["a", "b", "c", "T"],
            "Direction": [1, 1, -1, 1],
            "Weight": [1, 1, 1, 1],
            "Parent": ["T", "T", "T", None],
            "Type": ["Indicator"] * 3 + ["Aggregate"],
        }
    )


def test_default_steps_treat_normalise_aggregate():
    idata = wide(units=list("pqrs"), a=[1.0, 2.0, 3.0, 4.0], b=[0.0, 10.0, 10.0, 20.0], c=[4.0, 3.0, 2.0, 1.0])
    result = build_index(idata, meta3())
    assert list(result.stages) == ["Raw", "Treated", "Normalised", "Aggregated"]
    # a: 0,33.3,66.7,100; b: 0,50,50,100; c (direction -1): 0,33.3,66.7,100
    expected = [0.0, (100 / 3 * 2 + 50) / 3, (200 / 3 * 2 + 50) / 3, 100.0]
    np.testing.assert_allclose(result.scores["T"].to_numpy(), expected, rtol=1e-12)
    assert result.ranks["T"].tolist() == [4.0, 3.0, 2.0, 1.0]


def test_constant_indicator_drops_out_of_its_aggregate_with_a_warning(english):
    idata = wide(units=list("pqr"), a=[1.0, 2.0, 3.0], b=[7.0, 7.0, 7.0], c=[3.0, 2.0, 1.0])
    result = build_index(idata, meta3())
    assert result.scores["b"].isna().all()
    np.testing.assert_allclose(result.scores["T"].to_numpy(), [0.0, 50.0, 100.0])
    assert any("same value" in note and "b" in note for note in result.warnings)


def test_all_missing_indicator_is_ignored_with_a_warning(english):
    idata = wide(units=list("pqr"), a=[1.0, 2.0, 3.0], b=[np.nan] * 3, c=[3.0, 2.0, 1.0])
    result = build_index(idata, meta3())
    assert result.treatment.set_index("iCode").loc["b", "treatment"] == "not checkable"
    np.testing.assert_allclose(result.scores["T"].to_numpy(), [0.0, 50.0, 100.0])
    assert any("no values" in note for note in result.warnings)


def test_single_unit_gives_missing_scores_not_an_error():
    idata = wide(units=["p"], a=[1.0], b=[2.0], c=[3.0])
    result = build_index(idata, meta3())
    assert result.scores.isna().all().all()
    assert result.ranks.isna().all().all()
    assert result.warnings  # the user is told why


def test_build_index_does_not_modify_its_inputs():
    idata = wide(units=list("pqr"), a=["1", "2", "3"], b=[1.0, np.nan, 3.0], c=[3.0, 2.0, 1.0])
    imeta = meta3()
    idata_before, imeta_before = idata.copy(), imeta.copy()
    build_index(idata, imeta, [{"step": "impute"}, {"step": "normalise"}, {"step": "aggregate"}])
    pd.testing.assert_frame_equal(idata, idata_before)
    pd.testing.assert_frame_equal(imeta, imeta_before)


def test_log_is_complete_and_replayable():
    idata = wide(units=list("pqrs"), a=[1.0, 2.0, 3.0, 40.0], b=[1.0, 3.0, 2.0, 5.0], c=[3.0, 2.0, 1.0, 0.0])
    result = build_index(idata, meta3(), [{"step": "normalise", "method": "zscore"}, {"step": "aggregate"}])
    assert result.log == [
        {"step": "normalise", "method": "zscore", "lower": 0.0, "upper": 100.0, "mean": 0.0, "sd": 1.0},
        {"step": "aggregate", "method": "arithmetic", "weights": {}},
    ]
    replay = build_index(idata, result.imeta, result.log)
    pd.testing.assert_frame_equal(replay.scores, result.scores)


def test_geometric_on_minmax_zero_is_an_input_error():
    idata = wide(units=list("pqr"), a=[1.0, 2.0, 3.0], b=[1.0, 3.0, 2.0], c=[3.0, 2.0, 1.0])
    with pytest.raises(IndexInputError, match="geometric"):
        build_index(idata, meta3(), [{"step": "normalise"}, {"step": "aggregate", "method": "geometric"}])
    result = build_index(idata, meta3(), [{"step": "normalise", "lower": 1}, {"step": "aggregate", "method": "geometric"}])
    assert result.scores["T"].notna().all()


def test_bad_steps_are_all_reported():
    idata = wide(units=list("pqr"), a=[1.0, 2.0, 3.0], b=[1.0, 3.0, 2.0], c=[3.0, 2.0, 1.0])
    with pytest.raises(IndexInputError) as caught:
        build_index(idata, meta3(), [{"step": "sort"}, {"step": "treat", "skew": 2}, {"step": "normalise", "method": "rank"}])
    assert len(caught.value.problems) == 3
