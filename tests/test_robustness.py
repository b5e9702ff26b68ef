"""Uncertainty and sensitivity analysis of ranks (piilib.analysis.robustness)."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from piilib.analysis.robustness import (
    Assumptions,
    default_assumptions,
    nominal_assumptions,
    pii_uncertainty,
    rank_intervals,
    saltelli_sample,
    sensitivity_estimates,
    sensitivity_indices,
    uncertainty_analysis,
)
from piilib.index import build_index, read_method

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "data" / "examples"

TREAT = {"skew_threshold": 2.0, "kurtosis_threshold": 3.5, "max_winsorised": 5}


def small_index(seed=0, dominant=False):
    """8 units, 6 indicators (one inverse, one heavy-tailed), 2 pillars, 1 index."""
    rng = np.random.default_rng(seed)
    units = [f"U{i}" for i in range(8)]
    values = rng.uniform(10, 50, size=(8, 6))
    values[:, 5] = [1, 1.2, 1.1, 0.9, 1.3, 1.0, 1.05, 40.0]  # an outlier: treatment matters
    if dominant:
        values[0, :] = [1000, 1000, 1000, 1000, 1000, 1000]
        values[0, 2] = -1000  # indicator I3 is inverse: lower is better
    idata = pd.DataFrame(values, columns=[f"I{j + 1}" for j in range(6)])
    idata.insert(0, "uCode", units)
    imeta = pd.DataFrame({
        "Level": [1, 1, 1, 1, 1, 1, 2, 2, 3],
        "iCode": ["I1", "I2", "I3", "I4", "I5", "I6", "P1", "P2", "IDX"],
        "iName": ["I1", "I2", "I3", "I4", "I5", "I6", "P1", "P2", "IDX"],
        "Direction": [1, 1, -1, 1, 1, 1, 1, 1, 1],
        "Weight": [1, 2, 1, 1, 1, 1, 1, 1, 1],
        "Parent": ["P1", "P1", "P1", "P2", "P2", "P2", "IDX", "IDX", None],
        "Type": ["Indicator"] * 6 + ["Aggregate"] * 3,
    })
    return idata, imeta


STEPS = [{"step": "treat", **TREAT}, {"step": "normalise", "method": "minmax"}, {"step": "aggregate"}]


def asem():
    idata = pd.read_csv(EXAMPLES / "asem-iData.csv", dtype=str)
    imeta = pd.read_csv(EXAMPLES / "asem-iMeta.csv")
    steps, problems = read_method(EXAMPLES / "asem-method.yml")
    assert not problems
    return idata, imeta, steps


def test_no_noise_single_choice_every_replication_is_nominal():
    idata, imeta, steps = asem()
    result = uncertainty_analysis(idata, imeta, steps, n=50, seed=3, assumptions=nominal_assumptions(steps))
    nominal = build_index(idata, imeta, steps).ranks["Index"].reindex(result.units).to_numpy()
    assert result.n_failed == 0
    assert (result.ranks == nominal).all()
    stats = result.rank_stats
    assert (stats["median_rank"] == stats["nominal_rank"]).all()
    assert (stats["q05"] == stats["nominal_rank"]).all() and (stats["q95"] == stats["nominal_rank"]).all()


def test_dominant_unit_keeps_rank_one_under_every_assumption():
    idata, imeta = small_index(dominant=True)
    varied = Assumptions(weight_noise={1: 0.5, 2: 0.5}, treatments=(TREAT, None))
    assert varied.varying() == ["weights", "normalisation", "aggregation", "treatment"]
    table = rank_intervals(idata, imeta, STEPS, n=400, seed=1, assumptions=varied).set_index("uCode")
    assert table.at["U0", "nominal_rank"] == 1
    assert table.at["U0", "q95"] == 1 and table.at["U0", "q05"] == 1 and table.at["U0", "mean_rank"] == 1


def test_seed_reproduces_and_another_seed_differs():
    idata, imeta = small_index()
    first = uncertainty_analysis(idata, imeta, STEPS, n=200, seed=11)
    again = uncertainty_analysis(idata, imeta, STEPS, n=200, seed=11)
    other = uncertainty_analysis(idata, imeta, STEPS, n=200, seed=12)
    np.testing.assert_array_equal(first.ranks, again.ranks)
    np.testing.assert_array_equal(first.weights, again.weights)
    pd.testing.assert_frame_equal(first.rank_stats, again.rank_stats)
    assert not np.array_equal(first.weights, other.weights)


@pytest.mark.parametrize("normalise, method", [
    ({"method": "zscore", "mean": 10.0, "sd": 2.0}, "geometric"),
    ({"method": "zscore", "mean": 0.0, "sd": 1.0}, "arithmetic"),
    ({"method": "minmax", "lower": 1.0, "upper": 100.0}, "geometric"),
])
@pytest.mark.parametrize("treatment", [TREAT, None])
def test_single_variant_equals_build_index_with_those_steps(normalise, method, treatment):
    idata, imeta = small_index(seed=4)
    variant = Assumptions(normalisations=(normalise,), aggregations=(method,), treatments=(treatment,))
    result = uncertainty_analysis(idata, imeta, STEPS, n=5, seed=0, assumptions=variant)
    steps = ([{"step": "treat", **treatment}] if treatment else []) + [
        {"step": "normalise", **normalise}, {"step": "aggregate", "method": method}]
    expected = build_index(idata, imeta, steps)
    for row in range(5):
        np.testing.assert_allclose(result.scores[row], expected.scores["IDX"].to_numpy(), rtol=1e-12)
        np.testing.assert_array_equal(result.ranks[row], expected.ranks["IDX"].to_numpy())


def test_each_replication_equals_build_index_with_its_assumptions_and_weights():
    idata, imeta, steps = asem()
    result = uncertainty_analysis(idata, imeta, steps, n=40, seed=5)
    pre = [s for s in steps if s["step"] not in ("treat", "normalise", "aggregate")]
    normalisations = {"minmax 1-100": {"method": "minmax", "lower": 1.0, "upper": 100.0},
                      "zscore 10±2": {"method": "zscore", "mean": 10.0, "sd": 2.0}}
    for row in (0, 7, 19, 33):
        params = result.parameters.iloc[row]
        treat = [] if params["treatment"] == "none" else [{"step": "treat", **TREAT}]
        weights = dict(zip(result.codes, result.weights[row]))
        replay = pre + treat + [{"step": "normalise", **normalisations[params["normalisation"]]},
                                {"step": "aggregate", "method": params["aggregation"], "weights": weights}]
        expected = build_index(idata, imeta, replay)
        np.testing.assert_allclose(result.scores[row], expected.scores["Index"].reindex(result.units), rtol=1e-11)
        np.testing.assert_array_equal(result.ranks[row], expected.ranks["Index"].reindex(result.units))


def test_weights_vary_within_the_noise_band_on_the_chosen_levels_only():
    idata, imeta = small_index()
    result = uncertainty_analysis(idata, imeta, STEPS, n=300, seed=2,
                                  assumptions=Assumptions(weight_noise={2: 0.25}, normalisations=({},),
                                                          aggregations=("arithmetic",), treatments=(TREAT,)))
    codes = list(result.codes)
    pillars = result.weights[:, [codes.index("P1"), codes.index("P2")]]
    assert pillars.min() >= 0.75 and pillars.max() <= 1.25
    assert pillars.min() < 0.8 and pillars.max() > 1.2  # the band is used
    indicator_weights = result.weights[:, : 6]
    assert (indicator_weights == np.array([1, 2, 1, 1, 1, 1])).all()


def test_rank_percentiles_with_two_equally_likely_alternatives():
    # Min-max 1-100 over 4 units, equal weights. By hand:
    #   U1 (10, 10) -> (100, 100): arithmetic 100, geometric 100
    #   U2 (10, 0)  -> (100, 1):   arithmetic 50.5, geometric 10
    #   U3 (4, 4)   -> (40.6, 40.6): both 40.6
    #   U4 (0, 0)   -> (1, 1):     both 1
    # so U2 is 2nd under the arithmetic mean and 3rd under the geometric mean.
    idata = pd.DataFrame({"uCode": ["U1", "U2", "U3", "U4"],
                          "A": [10.0, 10.0, 4.0, 0.0], "B": [10.0, 0.0, 4.0, 0.0]})
    imeta = pd.DataFrame({"Level": [1, 1, 2], "iCode": ["A", "B", "IDX"], "Direction": [1, 1, 1],
                          "Weight": [1, 1, 1], "Parent": ["IDX", "IDX", None],
                          "Type": ["Indicator", "Indicator", "Aggregate"]})
    steps = [{"step": "normalise", "lower": 1, "upper": 100}, {"step": "aggregate"}]
    assert build_index(idata, imeta, steps).ranks["IDX"].tolist() == [1, 2, 3, 4]
    both = Assumptions(normalisations=({"lower": 1, "upper": 100},), aggregations=("arithmetic", "geometric"),
                       treatments=(None,))
    result = uncertainty_analysis(idata, imeta, steps, n=1000, seed=8, assumptions=both)
    table = result.rank_stats.set_index("uCode")
    assert table.at["U2", "q05"] == 2 and table.at["U2", "q95"] == 3
    assert table.at["U3", "q05"] == 2 and table.at["U3", "q95"] == 3
    assert table.at["U1", "q95"] == 1 and table.at["U4", "q05"] == 4
    geometric_share = (result.parameters["aggregation"] == "geometric").mean()
    assert table.at["U2", "mean_rank"] == pytest.approx(2 + geometric_share)
    assert abs(geometric_share - 0.5) < 0.05  # equal-width bins: half the runs each (±3 SE)


def test_geometric_mean_of_zero_scores_fails_like_coinr():
    idata, imeta = small_index()
    zeros = Assumptions(normalisations=({"method": "minmax", "lower": 0, "upper": 100},),
                        aggregations=("geometric",), treatments=(None,))
    result = uncertainty_analysis(idata, imeta, STEPS, n=10, seed=0, assumptions=zeros)
    assert result.n_failed == 10
    assert np.isnan(result.ranks).all() and result.rank_stats["median_rank"].isna().all()


def test_default_assumptions_follow_the_coinr_vignette_on_asem():
    _, imeta, steps = asem()
    assumptions = default_assumptions(imeta, steps)
    assert assumptions.weight_noise == {2: 0.25, 3: 0.25}  # ASEM has 4 levels
    assert assumptions.treatments == (TREAT, None)
    assert assumptions.aggregations == ("arithmetic", "geometric")


def test_method_with_a_step_after_normalise_is_refused():
    idata, imeta = small_index()
    with pytest.raises(ValueError, match="before treat, normalise and aggregate"):
        uncertainty_analysis(idata, imeta, [{"step": "normalise"}, {"step": "impute"}, {"step": "aggregate"}], n=5)


# --------------------------------------------------------------------------- sensitivity


def test_saltelli_design_matches_coinr_layout():
    sample = saltelli_sample(4, 3, np.random.default_rng(0))
    a, b = sample[:4], sample[4:8]
    assert sample.shape == (4 * 5, 3)
    for i in range(3):
        block = sample[8 + 4 * i: 12 + 4 * i]
        expected = a.copy()
        expected[:, i] = b[:, i]
        np.testing.assert_array_equal(block, expected)


def test_estimators_on_an_additive_function():
    # y = x1 + 2 x2 + 3 x3, x ~ U(0, 1): variance shares 1:4:9 of 14, no interactions.
    n, d = 20000, 3
    sample = saltelli_sample(n, d, np.random.default_rng(1))
    y = sample @ np.array([1.0, 2.0, 3.0])
    first, total, variance = sensitivity_estimates(y, n, d)
    expected = np.array([1, 4, 9]) / 14
    np.testing.assert_allclose(first, expected, atol=0.03)
    np.testing.assert_allclose(total, expected, atol=0.03)
    assert variance == pytest.approx(14 / 12, rel=0.03)


def test_an_assumption_whose_alternatives_are_the_same_has_zero_sensitivity():
    # COINr's own test: two identical normalisations -> S_i = T_i = 0 exactly.
    idata, imeta = small_index()
    same = Assumptions(weight_noise={2: 0.3}, normalisations=({}, {}), aggregations=("arithmetic",),
                       treatments=(TREAT, None))
    table = sensitivity_indices(idata, imeta, STEPS, n=100, seed=4, assumptions=same).set_index("assumption")
    assert table.at["normalisation", "first_order"] == 0 and table.at["normalisation", "total"] == 0
    assert table.at["treatment", "total"] > 0


def test_pii_with_its_own_method_reproduces_compute_pii(pii_values):
    from piilib.pii import PII_STEPS, compute_pii

    result = pii_uncertainty(pii_values, 2024, n=20, seed=1, assumptions=nominal_assumptions(PII_STEPS))
    expected = compute_pii(pii_values, 2024).ranks["PII"].reindex(result.units).to_numpy()
    assert (result.ranks == expected).all()
    assert len(result.units) == 63


def test_command_prints_the_library_rank_interval_for_can_tho():
    import io
    from contextlib import redirect_stdout

    from piilib.analysis.robustness import framework_assumptions
    from piilib.cli import main
    from piilib.demo import load_demo_values
    from piilib.framework import load_framework, to_imeta

    buffer = io.StringIO()
    with redirect_stdout(buffer):
        code = main(["robustness", "--edition", "2024", "--province", "Cần Thơ", "--replications", "60",
                     "--seed", "9"])
    out = buffer.getvalue()
    assert code == 0
    # The command varies the framework too (every indicator may be left out, every provisional
    # one moved), and prints the interval with the method alone beside it.
    framework = load_framework(2024)
    method = default_assumptions(to_imeta(framework))
    with_framework = framework_assumptions(framework, method)
    for assumptions, text in ((with_framework, "Cần Thơ: hạng danh nghĩa {nominal_rank:g}, hạng trung vị "
                                               "{median_rank:g}, khoảng 5%–95%: {q05:g}–{q95:g}."),
                              (method, "chỉ thay đổi phương pháp tính): hạng trung vị {median_rank:g}, "
                                       "khoảng 5%–95%: {q05:g}–{q95:g}.")):
        row = pii_uncertainty(load_demo_values(), 2024, n=60, seed=9, assumptions=assumptions)
        assert text.format(**row.rank_stats.set_index("uCode").loc["can-tho"]) in out
    assert sum(line.startswith("|") for line in out.splitlines()) == 2 + 63 + 2 + 6  # two tables
