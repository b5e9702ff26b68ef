"""The uncertainty analysis over imputation and the framework itself (leave-one-indicator-out,
moving indicators between aggregates), and bootstrap intervals of the sensitivity indices."""

import numpy as np
import pandas as pd
import pytest

from piilib.analysis.robustness import (
    Assumptions,
    bootstrap_sensitivity,
    framework_assumptions,
    leave_one_out,
    moves,
    nominal_assumptions,
    pii_uncertainty,
    saltelli_sample,
    sensitivity_estimates,
    sensitivity_indices,
    sensitivity_intervals,
    uncertainty_analysis,
)
from piilib.index import build_index

TREAT = {"skew_threshold": 2.0, "kurtosis_threshold": 3.5, "max_winsorised": 5}
STEPS = [{"step": "treat", **TREAT}, {"step": "normalise", "method": "minmax", "lower": 1, "upper": 100},
         {"step": "aggregate"}]
FIXED = {"normalisations": ({"method": "minmax", "lower": 1, "upper": 100},), "aggregations": ("arithmetic",),
         "treatments": (TREAT,)}


def tree_index(seed=0, gaps=False):
    """10 units, 5 indicators; pillar A = sub-pillars S1 (I1, I2) and S2 (I3 alone),
    pillar B = sub-pillar S3 (I4, I5); index IDX = A, B. I2 is inverse, I5 heavy-tailed."""
    rng = np.random.default_rng(seed)
    values = rng.uniform(10, 50, size=(10, 5))
    values[:, 4] = [1, 1.2, 1.1, 0.9, 1.3, 1.0, 1.05, 0.95, 1.15, 30.0]
    if gaps:
        values[[1, 6], 0] = np.nan
        values[[2, 3, 8], 3] = np.nan
    idata = pd.DataFrame(values, columns=["I1", "I2", "I3", "I4", "I5"])
    idata.insert(0, "uCode", [f"U{i}" for i in range(10)])
    idata["G"] = ["x", "x", "x", "y", "y", "y", "y", "z", "z", "z"]
    imeta = pd.DataFrame({
        "Level": [1, 1, 1, 1, 1, 2, 2, 2, 3, 3, 4],
        "iCode": ["I1", "I2", "I3", "I4", "I5", "S1", "S2", "S3", "A", "B", "IDX"],
        "Direction": [1, -1, 1, 1, 1, 1, 1, 1, 1, 1, 1],
        "Weight": [1, 2, 1, 1, 1, 1, 2, 1, 1, 1, 1],
        "Parent": ["S1", "S1", "S2", "S3", "S3", "A", "A", "B", "IDX", "IDX", None],
        "Type": ["Indicator"] * 5 + ["Aggregate"] * 6,
    })
    return idata, imeta


def edited_imeta(imeta, left_out=(), moved=None):
    """iMeta edited by hand: indicators removed or given another parent, then every aggregate
    left without children removed (repeatedly, up the tree)."""
    table = imeta[~imeta["iCode"].isin(left_out)].copy()
    for code, parent in (moved or {}).items():
        table.loc[table["iCode"] == code, "Parent"] = parent
    while True:
        childless = table[(table["Type"] == "Aggregate") & (table["Level"] > 1)
                          & ~table["iCode"].isin(table["Parent"]) & table["Parent"].notna()]
        if childless.empty:
            return table.reset_index(drop=True)
        table = table[~table["iCode"].isin(childless["iCode"])]


def by_hand(idata, imeta, steps, left_out=(), moved=None, weights=None):
    table = edited_imeta(imeta, left_out, moved)
    keep = ["uCode"] + [c for c in idata.columns if c in set(table["iCode"]) or c == "G"]
    last = {**steps[-1], "weights": {k: v for k, v in (weights or {}).items() if k in set(table["iCode"])}}
    return build_index(idata[keep], table, steps[:-1] + [last])


# --------------------------------------------------------------------------- the framework


def test_leave_one_out_lists_none_then_every_indicator():
    _, imeta = tree_index()
    assert leave_one_out(imeta) == (None, "I1", "I2", "I3", "I4", "I5")
    assert leave_one_out(imeta, ["I3"]) == (None, "I3")
    with pytest.raises(ValueError, match="S1 not indicators"):
        leave_one_out(imeta, ["S1"])


def test_moves_stay_within_the_pillar():
    _, imeta = tree_index()
    # I1's pillar A has sub-pillars S1 (its own) and S2; I4's pillar B has only S3
    assert moves(imeta, ["I1", "I3", "I4"]) == (None, {"I1": "S2"}, {"I3": "S1"})


@pytest.mark.parametrize("method", ["arithmetic", "geometric"])
def test_leaving_one_indicator_out_equals_the_index_built_without_it(method):
    idata, imeta = tree_index(seed=1)
    assumptions = Assumptions(weight_noise={2: 0.3, 3: 0.3}, exclusions=leave_one_out(imeta),
                              **{**FIXED, "aggregations": (method,)})
    result = uncertainty_analysis(idata, imeta, STEPS, n=60, seed=2, assumptions=assumptions)
    assert set(result.parameters["exclusion"]) == {"none", "I1", "I2", "I3", "I4", "I5"}
    steps = STEPS[:-1] + [{"step": "aggregate", "method": method}]
    for row in range(60):
        left_out = result.parameters.at[row, "exclusion"]
        weights = dict(zip(result.codes, result.weights[row]))
        expected = by_hand(idata, imeta, steps, [] if left_out == "none" else [left_out], weights=weights)
        # I3 is S2's only indicator: without it S2 is gone and A is S1 alone
        np.testing.assert_allclose(result.scores[row], expected.scores["IDX"].reindex(result.units), rtol=1e-12)
        np.testing.assert_array_equal(result.ranks[row], expected.ranks["IDX"].reindex(result.units))


def test_moving_an_indicator_equals_the_index_built_with_the_edited_imeta():
    idata, imeta = tree_index(seed=3)
    placements = moves(imeta, ["I1", "I2", "I3"])
    assumptions = Assumptions(weight_noise={2: 0.3}, placements=placements, exclusions=leave_one_out(imeta),
                              **FIXED)
    assert assumptions.varying() == ["weights", "exclusion", "placement"]
    result = uncertainty_analysis(idata, imeta, STEPS, n=80, seed=4, assumptions=assumptions)
    assert set(result.parameters["placement"]) == {"none", "I1→S2", "I2→S2", "I3→S1"}
    assert {"I1@S2", "I2@S2", "I3@S1"} <= set(result.codes)
    for row in range(80):
        params = result.parameters.iloc[row]
        moved = dict(m.split("→") for m in [params["placement"]] if m != "none")
        left_out = [] if params["exclusion"] == "none" else [params["exclusion"]]
        weights = dict(zip(result.codes, result.weights[row]))
        expected = by_hand(idata, imeta, STEPS, left_out, moved, weights={k: weights[k] for k in ("S1", "S2", "S3")})
        np.testing.assert_allclose(result.scores[row], expected.scores["IDX"].reindex(result.units), rtol=1e-12)
        np.testing.assert_array_equal(result.ranks[row], expected.ranks["IDX"].reindex(result.units))


def test_a_move_to_the_same_parent_or_to_another_level_is_refused_or_ignored():
    idata, imeta = tree_index()
    same = uncertainty_analysis(idata, imeta, STEPS, n=5, seed=0,
                                assumptions=Assumptions(placements=({"I1": "S1"},), **FIXED))
    nominal = build_index(idata, imeta, STEPS).ranks["IDX"].reindex(same.units).to_numpy()
    assert (same.ranks == nominal).all()
    with pytest.raises(ValueError, match="'A' is not an aggregate of the level of 'I1'"):
        uncertainty_analysis(idata, imeta, STEPS, n=5, assumptions=Assumptions(placements=({"I1": "A"},), **FIXED))


# --------------------------------------------------------------------------- imputation


def test_each_imputation_alternative_equals_build_index_with_that_impute_step():
    idata, imeta = tree_index(seed=5, gaps=True)
    steps = [{"step": "impute", "method": "group_mean", "group": "G"}, *STEPS]
    alternatives = ({"method": "group_mean", "group": "G"}, {"method": "group_median", "group": "G"},
                    {"method": "median"}, None)
    assumptions = Assumptions(imputations=alternatives, **FIXED)
    assert assumptions.varying() == ["imputation"]
    result = uncertainty_analysis(idata, imeta, steps, n=40, seed=6, assumptions=assumptions)
    labels = {"group_mean by G": alternatives[0], "group_median by G": alternatives[1], "median": alternatives[2],
              "none": None}
    assert set(result.parameters["imputation"]) == set(labels)
    for row in range(40):
        impute = labels[result.parameters.at[row, "imputation"]]
        replay = ([{"step": "impute", **impute}] if impute else []) + STEPS
        expected = build_index(idata, imeta, replay)
        np.testing.assert_allclose(result.scores[row], expected.scores["IDX"].reindex(result.units), rtol=1e-12)
    # group median and group mean differ on these data, so the ranks depend on the choice
    assert result.ranks.std(axis=0).max() > 0


def test_imputation_without_gaps_has_zero_sensitivity():
    idata, imeta = tree_index(seed=5, gaps=False)
    assumptions = Assumptions(imputations=({"method": "group_mean", "group": "G"},
                                           {"method": "group_median", "group": "G"}),
                              **{**FIXED, "aggregations": ("arithmetic", "geometric")})
    table = sensitivity_indices(idata, imeta, STEPS, n=100, seed=1, assumptions=assumptions).set_index("assumption")
    assert table.attrs["variance"] > 0
    assert table.at["imputation", "first_order"] == 0 and table.at["imputation", "total"] == 0
    assert table.at["aggregation", "total"] > 0


def test_an_imputation_that_changes_the_screened_units_is_refused(english):
    idata, imeta = tree_index(seed=5, gaps=True)
    idata.loc[[1, 6], "G"] = None  # these units have no group: group imputation leaves their gaps
    steps = [{"step": "impute", "method": "mean"}, {"step": "screen", "min_availability": 1.0}, *STEPS]
    assumptions = Assumptions(imputations=({"method": "mean"}, {"method": "group_median", "group": "G"}), **FIXED)
    with pytest.raises(ValueError, match="group_median by G changes the units the screen step keeps \\(U1, U6\\)"):
        uncertainty_analysis(idata, imeta, steps, n=5, assumptions=assumptions)


# --------------------------------------------------------------------------- bootstrap


def test_bootstrap_intervals_contain_the_estimate_and_narrow_as_n_grows():
    idata, imeta = tree_index(seed=7)
    assumptions = Assumptions(weight_noise={2: 0.3, 3: 0.3}, treatments=(TREAT, None),
                              exclusions=leave_one_out(imeta), aggregations=("arithmetic", "geometric"),
                              normalisations=FIXED["normalisations"])
    widths = {}
    for n in (100, 1600):
        table = sensitivity_indices(idata, imeta, STEPS, n=n, seed=3, assumptions=assumptions, n_boot=500)
        long = sensitivity_intervals(table)
        assert len(long) == 2 * len(table) and list(long.columns) == [
            "assumption", "index", "estimate", "ci_low", "ci_high"]
        assert ((long["ci_low"] <= long["estimate"]) & (long["estimate"] <= long["ci_high"])).all()
        widths[n] = (long["ci_high"] - long["ci_low"]).to_numpy()
    # 16 times the sample: intervals about 4 times narrower; every one at least twice
    assert (widths[1600] < widths[100] / 2).all()


def test_bootstrap_intervals_cover_the_true_indices_of_a_known_function():
    # y = x1 + 2 x2 + 3 x3 (x uniform): S_i = T_i = (1, 4, 9) / 14. 90 % intervals from 200
    # independent designs of N = 200 must cover the truth about 90 % of the time (binomial
    # sd ~2 %); e.g. 80 % intervals taken for 90 % ones cover ~80 % and fail.
    truth = np.array([1, 4, 9]) / 14
    rng = np.random.default_rng(11)
    covered_first, covered_total = np.zeros(3), np.zeros(3)
    for _ in range(200):
        sample = saltelli_sample(200, 3, rng)
        y = sample @ np.array([1.0, 2.0, 3.0])
        ci = bootstrap_sensitivity(y, 200, 3, n_boot=400, rng=rng)
        covered_first += (ci["first_low"] <= truth) & (truth <= ci["first_high"])
        covered_total += (ci["total_low"] <= truth) & (truth <= ci["total_high"])
    assert np.all((covered_first / 200 > 0.82) & (covered_first / 200 < 0.97))
    assert np.all((covered_total / 200 > 0.82) & (covered_total / 200 < 0.97))


def test_bootstrap_does_not_change_the_estimates():
    idata, imeta = tree_index(seed=7)
    assumptions = Assumptions(weight_noise={2: 0.3}, treatments=(TREAT, None), **{
        k: v for k, v in FIXED.items() if k != "treatments"})
    few = sensitivity_indices(idata, imeta, STEPS, n=50, seed=9, assumptions=assumptions, n_boot=10)
    many = sensitivity_indices(idata, imeta, STEPS, n=50, seed=9, assumptions=assumptions, n_boot=300)
    pd.testing.assert_series_equal(few["first_order"], many["first_order"])
    sample = saltelli_sample(50, 2, np.random.default_rng(0))
    first, total, _ = sensitivity_estimates(sample[:, 0], 50, 2)
    assert first[1] == 0 and total[1] == 0  # y ignores x2


# --------------------------------------------------------------------------- the PII


def test_pii_framework_assumptions_follow_the_provisional_marker():
    from piilib.framework import indicators, load_framework

    framework = load_framework(2024)
    table = indicators(framework)
    provisional = set(table.loc[table["code_status"] == "provisional", "code"])
    assumptions = framework_assumptions(framework, nominal_assumptions(None))
    assert len(assumptions.exclusions) == 1 + len(table)
    moved = [next(iter(m.items())) for m in assumptions.placements[1:]]
    assert {code for code, _ in moved} == provisional
    pillar_of = dict(zip(framework["code"], framework["parent"]))
    parent_of = dict(zip(table["code"], table["parent"]))
    assert all(pillar_of[dest] == pillar_of[parent_of[code]] and dest != parent_of[code] for code, dest in moved)
    only_provisional = framework_assumptions(framework, nominal_assumptions(None), "provisional", "none")
    assert set(only_provisional.exclusions[1:]) == provisional and only_provisional.placements == (None,)


def test_pii_replication_equals_the_pii_of_the_edited_framework(pii_values):
    from piilib.framework import load_framework, to_imeta
    from piilib.pii import to_idata

    framework = load_framework(2024)
    assumptions = framework_assumptions(framework, nominal_assumptions(None))
    result = pii_uncertainty(pii_values, 2024, n=30, seed=5, assumptions=assumptions)
    idata, imeta = to_idata(pii_values, 2024, framework), to_imeta(framework)
    for row in range(0, 30, 3):
        params = result.parameters.iloc[row]
        moved = dict(m.split("→") for m in [params["placement"]] if m != "none")
        left_out = [] if params["exclusion"] == "none" else [params["exclusion"]]
        table = edited_imeta(imeta, left_out, moved)
        codes = list(table.loc[table["Level"] == 1, "iCode"])
        expected = build_index(idata[["uCode", *codes]], table)
        np.testing.assert_allclose(result.scores[row], expected.scores["PII"].reindex(result.units), rtol=1e-12)


def test_command_prints_the_sensitivity_intervals_of_the_library():
    import io
    from contextlib import redirect_stdout

    from piilib.analysis.robustness import default_assumptions, pii_sensitivity
    from piilib.cli import main
    from piilib.demo import load_demo_values
    from piilib.framework import load_framework, to_imeta
    from piilib.report.tables import format_number

    buffer = io.StringIO()
    with redirect_stdout(buffer):
        code = main(["robustness", "--edition", "2024", "--province", "Cần Thơ", "--replications", "30",
                     "--seed", "4", "--leave-out", "provisional", "--move", "none", "--bootstrap", "200"])
    assert code == 0
    framework = load_framework(2024)
    assumptions = framework_assumptions(framework, default_assumptions(to_imeta(framework)), "provisional", "none")
    table = pii_sensitivity(load_demo_values(), 2024, unit="can-tho", n=30, seed=4, assumptions=assumptions,
                            n_boot=200).set_index("assumption")
    row = table.loc["exclusion"]
    shown = [line for line in buffer.getvalue().splitlines() if line.startswith("| Bỏ một chỉ số")]
    assert len(shown) == 1
    for name in ("first_order", "total"):
        text = (f"{format_number(row[name], 2)} ({format_number(row[name + '_ci_low'], 2)} đến "
                f"{format_number(row[name + '_ci_high'], 2)})")
        assert text in shown[0]


@pytest.mark.parametrize("option, message", [
    ("mean", "--imputation mean: expected two or more different methods"),
    ("group_mean,mode", "--imputation group_mean,mode: expected two or more different methods"),
])
@pytest.mark.usefixtures("english")  # asserts the English message
def test_command_refuses_a_bad_imputation_list(option, message, capsys):
    from piilib.cli import main

    code = main(["robustness", "--edition", "2024", "--replications", "5", "--imputation", option])
    assert code == 2
    assert message in capsys.readouterr().err


def test_command_choices_are_the_library_choices():
    # The command keeps its own copy so that `pii --help` does not import the analysis.
    from piilib.analysis import robustness as library
    from piilib.commands import robustness as command

    assert command.LEAVE_OUT_CHOICES == library.LEAVE_OUT_CHOICES
    assert command.MOVE_CHOICES == library.MOVE_CHOICES
    assert command.DEFAULT_BOOTSTRAP == library.DEFAULT_BOOTSTRAP
    from piilib.index.steps import IMPUTE_METHODS
    assert set(command.IMPUTATION_CHOICES) == {"none", *IMPUTE_METHODS}
