"""COINr's behaviour on degenerate indicators and weight 0 (issue 11), case by case.

Each expected value is derived from COINr v1.1.14's R sources (bluefoxr/COINr, R/treat.R,
R/impute.R, R/normalise.R, R/aggregate.R); the derivation is in each test's docstring.
Expected numbers are computed in the test from the formula COINr applies, never typed in.
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from piilib.cli import EXIT_BAD_INPUT, main
from piilib.index import IndexInputError, build_index, impute, normalise, treat
from piilib.index.spec import complete_steps
from piilib.index.steps import TREAT_CONSTANT_AFTER_WINSORISING, TREAT_LOG, TREAT_NOT_CHECKABLE, log_ct
from piilib.index.structure import constant_columns, mean_as_r

# These tests assert the English text of the messages (Vietnamese is the default).
pytestmark = pytest.mark.usefixtures("english")

EXAMPLES = Path(__file__).resolve().parents[1] / "data" / "examples"


def wide(**columns):
    units = columns.pop("units")
    frame = pd.DataFrame(columns)
    frame.insert(0, "uCode", units)
    return frame


def flat_meta(codes, weights=None, directions=None):
    """Indicators `codes` under one aggregate (the index) T."""
    n = len(codes)
    return pd.DataFrame(
        {
            "Level": [1] * n + [2],
            "iCode": list(codes) + ["T"],
            "Direction": list(directions or [1] * n) + [1],
            "Weight": list(weights or [1] * n) + [1],
            "Parent": ["T"] * n + [None],
            "Type": ["Indicator"] * n + ["Aggregate"],
        }
    )


def units(n):
    return [f"u{i:02d}" for i in range(n)]


# A count that is 0 in 59 provinces and 12, 8, 1, 1 in four (issue 11).
ZERO_INFLATED = np.array([0.0] * 59 + [12.0, 8.0, 1.0, 1.0])


# --------------------------------------------------------------------------- treat


def test_winsorising_that_makes_the_indicator_constant_leaves_it_untreated():
    """COINr's winsorise (default winmax 5) on 0x59, 12, 8, 1, 1: skew > 0, so the maximum
    12 becomes 8 (nwin 1); the two 8s become 1 (nwin 2); the four 1s become 0 (nwin 4).
    Every value is now 0: skew and kurt are 0/0 = NaN, check_SkewKurt's Pass is NA, and
    Treat.numeric returns the original x ("f_pass has returned NA. Returning untreated
    vector."). (With nwin 4 < winmax R's `while (NA)` would stop with an error; the engine
    takes the same untreated outcome, see test below for the case exactly at winmax.)
    n_minmax then gives (x - 0) / (12 - 0) * 100: 100, 66.7, 8.3, 8.3 for the four."""
    data = wide(units=units(63), count=ZERO_INFLATED)
    treated, table = treat(data)
    np.testing.assert_array_equal(treated["count"].to_numpy(), ZERO_INFLATED)
    assert table.loc[0, "treatment"] == TREAT_CONSTANT_AFTER_WINSORISING
    assert table.loc[0, "n_winsorised"] == 0 and table.loc[0, "treated_units"] == ""
    assert pd.isna(table.loc[0, "passed_after_winsorising"])

    result = build_index(data, flat_meta(["count"]))
    expected = (ZERO_INFLATED - ZERO_INFLATED.min()) / (ZERO_INFLATED.max() - ZERO_INFLATED.min()) * 100
    np.testing.assert_allclose(result.scores["count"].to_numpy(), expected, rtol=1e-15)
    np.testing.assert_allclose(result.scores["count"].to_numpy()[-4:], [100, 200 / 3, 25 / 3, 25 / 3], rtol=1e-15)
    assert any("winsorising count would make all values equal" in note for note in result.warnings)


@pytest.mark.parametrize("max_winsorised", [3, 4])
def test_constant_reached_at_the_winsorising_limit_is_untreated_too(max_winsorised):
    """winmax 3: after the step that gives nwin 2 (< 3) the loop runs again and the four 1s
    become 0 (nwin 4). winmax 4: the loop stops after nwin 4 because 4 < 4 is FALSE. Either
    way the last check is NA and Treat.numeric returns the original values."""
    _, table = treat(wide(units=units(63), count=ZERO_INFLATED), max_winsorised=max_winsorised)
    assert table.loc[0, "treatment"] == TREAT_CONSTANT_AFTER_WINSORISING


def test_winsorising_limit_before_the_constant_still_goes_to_log():
    """winmax 2: the loop stops at nwin 2 with 0x59, 1, 1, 1, 1, which still fails the check
    (not NA), so Treat.numeric applies log_CT to the original x:
    log(x - min(x) + 0.01 * (max(x) - min(x)))."""
    treated, table = treat(wide(units=units(63), count=ZERO_INFLATED), max_winsorised=2)
    assert table.loc[0, "treatment"] == TREAT_LOG
    np.testing.assert_allclose(treated["count"].to_numpy(), np.log(ZERO_INFLATED + 0.01 * 12.0), rtol=1e-15)
    np.testing.assert_array_equal(treated["count"].to_numpy(), log_ct(ZERO_INFLATED[:, None])[:, 0])


def test_all_equal_indicator_is_not_checkable_whatever_its_value():
    """COINr's skew/kurt centre on R's mean(x), which is exactly 12.3 for 55 values 12.3, so
    x - mean(x) is 0 and both statistics are 0/0: not checkable (the engine used to report
    a skew near 1 from the 6-ulp error of sum / n)."""
    for value in (12.3, 0.1, 1e-7, 3.3e9, -4.7):
        _, table = treat(wide(units=units(55), same=[value] * 55))
        assert table.loc[0, "treatment"] == TREAT_NOT_CHECKABLE, value
        assert np.isnan(table.loc[0, "skew_before"]) and np.isnan(table.loc[0, "kurtosis_before"])


# --------------------------------------------------------------------------- means


def test_mean_of_equal_values_is_exactly_that_value():
    """R's mean: m = sum(x) / n, then m + sum(x - m) / n; for equal values the residual
    pass removes the rounding of the first, so the mean is the value itself."""
    rng = np.random.default_rng(11)
    for value in np.concatenate([[12.3, 0.1, 1 / 3], rng.uniform(-1e6, 1e6, 200)]):
        for n in (2, 3, 7, 55, 63, 1000):
            assert mean_as_r(np.full(n, value)) == value
    assert np.nanmean(np.full(55, 12.3)) != 12.3  # what the engine used before


def test_mean_imputation_of_equal_values_keeps_the_indicator_constant():
    """i_mean replaces NA by mean(x, na.rm = TRUE) = 12.3 exactly, so the imputed indicator
    is constant; n_minmax is then (x - min) / 0 = NaN for every unit, and a_amean drops
    NaN children, so the index is the other indicator's score alone."""
    same = [12.3] * 55 + [np.nan] * 8
    other = list(np.linspace(1.0, 9.0, 63))
    data = wide(units=units(63), same=same, other=other)
    imputed = impute(data)
    assert (imputed["same"] == 12.3).all()
    steps = [{"step": "impute"}, {"step": "normalise"}, {"step": "aggregate"}]
    result = build_index(data, flat_meta(["same", "other"]), steps)
    assert result.scores["same"].isna().all()
    np.testing.assert_array_equal(result.scores["T"].to_numpy(), result.scores["other"].to_numpy())


def test_group_mean_imputation_of_equal_values_is_exact():
    """i_mean_grp applies i_mean within each group: each group's equal values impute exactly."""
    data = wide(units=units(8), x=[0.1, 0.1, 0.1, np.nan, 7.7, 7.7, np.nan, 7.7])
    out = impute(data, "group_mean", groups=list("aaaabbbb"))
    assert out["x"].tolist() == [0.1] * 4 + [7.7] * 4


# --------------------------------------------------------------------------- z-score


def test_zscore_of_a_constant_indicator_is_missing_for_every_unit():
    """n_zscore: (x - mean(x)) / sd(x) * sd + mean; for equal values x - mean(x) is 0 and
    sd(x) is 0, so 0/0 = NaN for every unit (not a finite number)."""
    data = wide(units=units(55), same=[12.3] * 55, varies=np.arange(55.0))
    out = normalise(data, flat_meta(["same", "varies"]), method="zscore", mean=10, sd=2)
    assert out["same"].isna().all()
    expected = (np.arange(55.0) - 27.0) / np.std(np.arange(55.0), ddof=1) * 2 + 10
    np.testing.assert_allclose(out["varies"].to_numpy(), expected, rtol=1e-14)


def test_zscore_of_imputed_equal_values_is_missing():
    data = wide(units=units(63), same=[12.3] * 55 + [np.nan] * 8, varies=np.arange(63.0))
    steps = [{"step": "impute"}, {"step": "normalise", "method": "zscore"}, {"step": "aggregate"}]
    result = build_index(data, flat_meta(["same", "varies"]), steps)
    assert result.scores["same"].isna().all()
    assert any("zscore is undefined" in note for note in result.warnings)


# --------------------------------------------------------------------------- weight 0


def test_weight_zero_in_imeta_counts_for_nothing():
    """a_amean: w <- w / sum(w); sum(w * x). With weights (0, 1) the aggregate is the second
    child's score."""
    data = wide(units=units(4), a=[1.0, 5.0, 2.0, 9.0], b=[3.0, 1.0, 4.0, 2.0])
    result = build_index(data, flat_meta(["a", "b"], weights=[0, 1]))
    np.testing.assert_array_equal(result.scores["T"].to_numpy(), result.scores["b"].to_numpy())


def test_weight_zero_in_the_aggregate_step_counts_for_nothing():
    data = wide(units=units(4), a=[1.0, 5.0, 2.0, 9.0], b=[3.0, 1.0, 4.0, 2.0], c=[0.0, 2.0, 1.0, 3.0])
    steps = [{"step": "normalise"}, {"step": "aggregate", "weights": {"b": 0}}]
    result = build_index(data, flat_meta(["a", "b", "c"]), steps)
    expected = (result.scores["a"] + result.scores["c"]) / 2
    np.testing.assert_allclose(result.scores["T"].to_numpy(), expected.to_numpy(), rtol=1e-15)


def test_aggregate_whose_children_all_weigh_zero_is_refused():
    data = wide(units=units(4), a=[1.0, 5.0, 2.0, 9.0], b=[3.0, 1.0, 4.0, 2.0])
    with pytest.raises(IndexInputError) as error:
        build_index(data, flat_meta(["a", "b"], weights=[0, 0]))
    assert error.value.problems == [
        "iMeta line 4 (iCode 'T'): every child has Weight 0 (a, b); expected at least one with a Weight > 0"
    ]
    with pytest.raises(IndexInputError) as error:
        build_index(data, flat_meta(["a", "b"]), [{"step": "aggregate", "weights": {"a": 0, "b": 0}}])
    assert error.value.problems == [
        "step aggregate, weights: every child of 'T' weighs 0 (a, b); expected at least one with a weight > 0"
    ]


@pytest.mark.parametrize("weight", [-1, float("inf"), float("nan"), "heavy", None, True])
def test_aggregate_weights_must_be_finite_and_not_negative(weight):
    _, problems = complete_steps([{"step": "aggregate", "weights": {"a": weight}}])
    assert len(problems) == 1 and "expected a finite number >= 0" in problems[0]
    _, problems = complete_steps([{"step": "aggregate", "weights": {"a": 0}}])
    assert problems == []


# --------------------------------------------------------------------------- property


def test_which_indicators_are_constant_does_not_depend_on_unit_order_or_scale():
    """Seeded loop (hypothesis is not a dependency): random indicators, some all-equal with
    gaps, some varying; shuffling the units or scaling an indicator by any positive or
    negative factor never changes which are constant, after imputation (mean and group
    mean), in the treatment table ("not checkable") or in min-max / z-score (all NaN)."""
    rng = np.random.default_rng(20261130)
    for trial in range(60):
        n_units, n_ind = int(rng.integers(5, 64)), int(rng.integers(2, 7))
        values = rng.integers(0, 40, size=(n_units, n_ind)) * 0.1 + rng.uniform(-50, 50, n_ind)
        flat = rng.random(n_ind) < 0.5
        values[:, flat] = rng.uniform(-1e4, 1e4, flat.sum()) * np.ones((n_units, 1))
        values[rng.random(values.shape) < 0.15] = np.nan
        values[0] = np.where(np.isnan(values[0]), values[1], values[0])  # at least two units with values
        values[1] = np.where(np.isnan(values[1]), values[0], values[1])
        groups = rng.choice(["g1", "g2"], n_units)
        codes = [f"i{j}" for j in range(n_ind)]

        def constant_sets(matrix, group_labels):
            data = wide(units=units(n_units), **dict(zip(codes, matrix.T)))
            found = []
            for method, labels in (("mean", None), ("group_mean", group_labels)):
                imputed = impute(data, method, groups=labels)
                found.append(tuple(constant_columns(imputed[codes].to_numpy())))
                _, table = treat(imputed)
                found.append(tuple((table["treatment"] == TREAT_NOT_CHECKABLE) & imputed[codes].notna().sum().gt(3).to_numpy()))
                for how in ("minmax", "zscore"):
                    normalised = normalise(imputed, flat_meta(codes), method=how)
                    found.append(tuple(normalised[codes].isna().all().to_numpy()))
            return found

        reference = constant_sets(values, groups)
        order = rng.permutation(n_units)
        assert constant_sets(values[order], groups[order]) == reference, trial
        scale = rng.choice([-1.0, 1.0]) * 10 ** rng.uniform(-3, 3, n_ind)
        assert constant_sets(values * scale, groups) == reference, trial
        assert reference[0] == tuple(flat), trial
        # One notion of "constant" everywhere: treat's "not checkable", min-max and z-score NaN.
        for first in (0, 4):
            assert len(set(reference[first:first + 4])) == 1, trial


# --------------------------------------------------------------------------- pii index (issue 10)


def run_index(spec, out):
    return main(["index", "--idata", str(EXAMPLES / "asem-iData.csv"), "--imeta", str(EXAMPLES / "asem-iMeta.csv"),
                 "--spec", str(spec), "--out", str(out)])


@pytest.mark.parametrize("weight", [".inf", ".nan", "-.inf", "-1"])
def test_pii_index_refuses_infinite_or_missing_weights_naming_file_line_and_key(tmp_path, capsys, weight):
    spec = tmp_path / "method.yml"
    spec.write_text(f"steps:\n  - step: normalise\n  - step: aggregate\n    weights:\n      Gas: {weight}\n",
                    encoding="utf-8")
    out = tmp_path / "out"
    assert run_index(spec, out) == EXIT_BAD_INPUT
    errors = capsys.readouterr().err.splitlines()
    assert errors[0] == (f"error: {spec} line 3, step 2 (aggregate), weights: weight of 'Gas' is '{weight}'; "
                         "expected a finite number >= 0")
    assert not out.exists()


def test_pii_index_without_an_aggregate_step_writes_the_stages_it_has(tmp_path, capsys):
    """The README allows leaving aggregate out: the user gets every stage up to the last
    step and the method log, no results.csv (there is no index to rank), exit 0; a stale
    results.csv from an earlier run in the same folder is removed, not left to mislead."""
    out = tmp_path / "out"
    assert run_index(EXAMPLES / "asem-method.yml", out) == 0
    assert (out / "results.csv").exists() and (out / "stage_Aggregated.csv").exists()
    spec = tmp_path / "method.yml"
    spec.write_text("steps:\n  - step: treat\n  - step: normalise\n", encoding="utf-8")
    capsys.readouterr()
    assert run_index(spec, out) == 0
    written = sorted(path.name for path in out.iterdir())
    assert written == ["method_log.yml", "stage_Normalised.csv", "stage_Raw.csv", "stage_Treated.csv",
                       "treat_details.csv"]
    printed = capsys.readouterr().out
    assert "no aggregate step" in printed
    replay = tmp_path / "replay"
    assert run_index(out / "method_log.yml", replay) == 0
    pd.testing.assert_frame_equal(pd.read_csv(replay / "stage_Normalised.csv"),
                                  pd.read_csv(out / "stage_Normalised.csv"))
