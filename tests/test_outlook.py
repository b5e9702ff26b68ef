"""Goal outlook by Monte Carlo (piilib.analysis.outlook)."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from piilib import schema
from piilib.analysis.outlook import (
    IndexReplay,
    outlook,
    simulate_outlook,
    standard_t,
)
from piilib.index import build_index

TREAT_STEPS = [{"step": "treat"}, {"step": "normalise"}, {"step": "aggregate"}]


def make_index(values: np.ndarray, directions=None, steps=TREAT_STEPS):
    """units U0.., indicators I0.. under two pillars of one index, all weights 1."""
    n_units, n_ind = values.shape
    directions = [1] * n_ind if directions is None else directions
    codes = [f"I{j}" for j in range(n_ind)]
    idata = pd.DataFrame(values, columns=codes)
    idata.insert(0, "uCode", [f"U{i}" for i in range(n_units)])
    half = n_ind // 2
    imeta = pd.DataFrame({
        "Level": [1] * n_ind + [2, 2, 3],
        "iCode": codes + ["P1", "P2", "IDX"],
        "Direction": list(directions) + [1, 1, 1],
        "Weight": [1] * n_ind + [1, 2, 1],
        "Parent": ["P1"] * half + ["P2"] * (n_ind - half) + ["IDX", "IDX", None],
        "Type": ["Indicator"] * n_ind + ["Aggregate"] * 3,
    })
    return idata, imeta, build_index(idata, imeta, steps)


def projections_for(values: np.ndarray, scale: float | np.ndarray, df: float = 4.0) -> pd.DataFrame:
    """project_all-like rows centred on `values` with the given scale."""
    n_units, n_ind = values.shape
    scale = np.broadcast_to(np.asarray(scale, dtype=float), values.shape)
    return pd.DataFrame({
        schema.UNIT: np.repeat([f"U{i}" for i in range(n_units)], n_ind),
        schema.INDICATOR: np.tile([f"I{j}" for j in range(n_ind)], n_units),
        "loc": values.ravel(),
        "scale": scale.ravel(),
        "df": df,
        "transform": "none",
    })


def base_values(seed=0, n_units=30, n_ind=6):
    rng = np.random.default_rng(seed)
    values = rng.uniform(10, 20, (n_units, n_ind))
    values[-1, 0] = 400.0  # an outlier: the treat step winsorises or logs indicator I0
    return values


def test_zero_variance_draw_equals_build_index():
    values = base_values()
    _, _, result = make_index(values, directions=[1, -1, 1, 1, 1, -1])
    assert (result.treatment["treatment"] != "none").any()  # the treatment path is exercised
    scores = IndexReplay(result).index_scores(values[np.newaxis])
    np.testing.assert_allclose(scores[0], result.scores["IDX"].to_numpy(), rtol=1e-12)


def test_every_draw_equals_build_index_on_that_draw_treatment_recomputed():
    values = base_values(seed=1)
    idata, imeta, result = make_index(values, directions=[1, -1, 1, 1, 1, -1])
    rng = np.random.default_rng(5)
    draws = values * rng.uniform(0.8, 1.2, (4,) + values.shape)
    draws[1, 3, 2] = 900.0  # a new outlier the base edition did not have
    draws[2, -1, 0] = 15.0  # the base edition's outlier gone
    scores = IndexReplay(result).index_scores(draws)
    for d in range(len(draws)):
        changed = idata.copy()
        changed[[f"I{j}" for j in range(6)]] = draws[d]
        expected = build_index(changed, imeta, result.log)
        np.testing.assert_allclose(scores[d], expected.scores["IDX"].to_numpy(), rtol=1e-11)
    new_outlier = build_index(idata.assign(I2=draws[1][:, 2]), imeta, result.log).treatment.set_index("iCode")
    assert new_outlier.at["I2", "treatment"] != "none"
    assert result.treatment.set_index("iCode").at["I2", "treatment"] == "none"


def test_geometric_method_replays_through_the_engine_aggregation():
    values = base_values(seed=2)
    steps = [{"step": "normalise", "lower": 1, "upper": 100}, {"step": "aggregate", "method": "geometric"}]
    _, _, result = make_index(values, steps=steps)
    scores = IndexReplay(result).index_scores(values[np.newaxis])
    np.testing.assert_allclose(scores[0], result.scores["IDX"].to_numpy(), rtol=1e-12)


def regions_for(n_units, province_region_members):
    regions = {f"U{i}": "A" for i in range(n_units)}
    for unit in province_region_members:
        regions[unit] = "B"
    return regions


def test_far_ahead_with_tiny_intervals_is_certain_and_far_behind_is_impossible():
    values = base_values(seed=3)
    values[0] = 100.0  # U0 best on every indicator by far
    values[1] = 1.0  # U1 worst on every indicator by far
    _, _, result = make_index(values)
    regions = regions_for(30, ["U0", "U1", "U2"])
    projections = projections_for(values, scale=0.01)
    ahead = simulate_outlook(result, projections, "U0", regions, draws=2000, seed=1)
    behind = simulate_outlook(result, projections, "U1", regions, draws=2000, seed=1)
    assert ahead.probability("trend", "top") == 1 and ahead.probability("trend", "region") == 1
    assert ahead.summary.at[0, "se_top"] == 0
    assert ahead.rank_distribution.at[1, "trend"] == 1
    assert behind.probability("trend", "top") == 0 and behind.probability("trend", "region") == 0
    assert behind.rank_distribution.at[30, "trend"] == 1


def test_a_coin_flip_against_one_rival_gives_one_half():
    # One indicator; U0 and U1 both centred on 50 with the same spread, the others far below:
    # U0 is first in half the draws (symmetry), and in the top 2 always.
    values = np.array([[50.0, 50.0], [50.0, 50.0]] + [[10.0 + i, 10.0 + i] for i in range(8)])
    steps = [{"step": "normalise"}, {"step": "aggregate"}]
    _, _, result = make_index(values, steps=steps)
    scale = np.zeros_like(values)
    scale[:2] = 1.0
    out = simulate_outlook(result, projections_for(values, scale), "U0", regions_for(10, ["U0", "U1"]),
                           draws=4000, seed=2, top=1)
    p = out.probability("trend", "top")
    assert abs(p - 0.5) < 4 * out.summary.at[0, "se_top"]
    assert out.probability("trend", "region") == pytest.approx(p)  # the rival is its region's other member
    assert out.rank_distribution.loc[[1, 2], "trend"].sum() == 1


def test_region_leader_logic_on_a_hand_made_example():
    # One indicator, values 100, 90, ..., 10 for U0..U9 (rank = position + 1); no noise.
    values = np.repeat(np.arange(100.0, 0.0, -10.0)[:, np.newaxis], 2, axis=1)
    steps = [{"step": "normalise"}, {"step": "aggregate"}]
    _, _, result = make_index(values, steps=steps)
    projections = projections_for(values, 0.0)
    # U4 (rank 5) with U6 and U8 in its region: it leads the region, is in the top 5 not the top 4.
    regions = regions_for(10, ["U4", "U6", "U8"])
    leader = simulate_outlook(result, projections, "U4", regions, draws=50, seed=0, top=5)
    assert leader.probability("trend", "region") == 1 and leader.probability("trend", "top") == 1
    assert leader.base_rank == 5 and leader.base_region_leader and leader.n_region == 3
    assert simulate_outlook(result, projections, "U4", regions, draws=50, seed=0, top=4).probability() == 0
    # U6 in the same region is behind U4: never the leader, though in the top 7.
    follower = simulate_outlook(result, projections, "U6", regions, draws=50, seed=0, top=7)
    assert follower.probability("trend", "region") == 0 and follower.probability("trend", "top") == 1
    assert not follower.base_region_leader
    # A tie with the region's best shares the lead (COINr's ties take the smallest rank).
    tied = values.copy()
    tied[6] = tied[4]
    _, _, tied_result = make_index(tied, steps=steps)
    shared = simulate_outlook(tied_result, projections_for(tied, 0.0), "U6", regions, draws=50, seed=0, top=5)
    assert shared.probability("trend", "region") == 1 and shared.rank_distribution.at[5, "trend"] == 1


def test_targets_met_are_direction_aware():
    # I0 higher is better, I1 lower is better; U0 is last on both until the targets.
    values = np.array([[1.0, 9.0], [5.0, 5.0], [4.0, 6.0], [3.0, 7.0]])
    steps = [{"step": "normalise"}, {"step": "aggregate"}]
    _, _, result = make_index(values, directions=[1, -1], steps=steps)
    regions = regions_for(4, [])
    projections = projections_for(values, 0.0)
    out = simulate_outlook(result, projections, "U0", regions, draws=20, seed=0, top=1,
                           targets={"I0": 6.0, "I1": 4.0})
    summary = out.summary.set_index("scenario")
    assert summary.at["trend", "p_top"] == 0 and summary.at["trend", "median_rank"] == 4
    assert summary.at["targets_met", "p_top"] == 1  # 6 > 5 and 4 < 5: first on both
    # A target below the current value is no constraint ("at least" the target).
    unchanged = simulate_outlook(result, projections, "U1", regions, draws=20, seed=0, top=1,
                                 targets={"I0": 0.0, "I1": 99.0})
    assert unchanged.rank_distribution["targets_met"].equals(unchanged.rank_distribution["trend"])


def test_same_seed_same_outlook_and_another_seed_differs():
    values = base_values(seed=4)
    _, _, result = make_index(values)
    regions = regions_for(30, ["U3", "U7"])
    projections = projections_for(values, scale=1.5)
    first = simulate_outlook(result, projections, "U3", regions, draws=600, seed=42, top=10)
    again = simulate_outlook(result, projections, "U3", regions, draws=600, seed=42, top=10)
    other = simulate_outlook(result, projections, "U3", regions, draws=600, seed=43, top=10)
    pd.testing.assert_frame_equal(first.summary, again.summary)
    pd.testing.assert_frame_equal(first.rank_distribution, again.rank_distribution)
    assert not first.rank_distribution.equals(other.rank_distribution)


@pytest.mark.parametrize("df", [4.0, 3.0, 6.0])
def test_standard_t_follows_the_t_distribution(df):
    draws = standard_t(np.array([df, np.inf]), 20000, np.random.default_rng(7))
    assert stats.kstest(draws[:, 0], stats.t(df).cdf).pvalue > 0.001
    assert stats.kstest(draws[:, 1], stats.norm.cdf).pvalue > 0.001


def test_outlook_on_a_perfect_linear_history_is_the_extrapolated_ranking():
    """Exact trends (zero residuals): every draw is the extrapolation, so the outlook is the
    rank of the province in the index built on the extrapolated values."""
    from piilib.framework import indicators
    from piilib.pii import compute_pii
    from piilib.units import load_units

    codes = indicators(2024)["code"].tolist()
    units = load_units(2024)
    keys = units["unit"].tolist()
    rng = np.random.default_rng(11)
    intercept = rng.uniform(5, 50, (len(keys), len(codes)))
    slope = rng.uniform(0.5, 3, (len(keys), len(codes)))
    history_rows, next_rows = [], []
    for year in range(2018, 2025):
        level = intercept + slope * (year - 2018)
        for i, unit in enumerate(keys):
            for j, code in enumerate(codes):
                row = (year, unit, code, float(level[i, j]), schema.ILLUSTRATIVE, "test")
                (history_rows if year <= 2023 else next_rows).append(row)
    history = pd.DataFrame(history_rows, columns=schema.HISTORY_COLUMNS)
    edition = history[history[schema.YEAR] == 2023].rename(columns={schema.YEAR: schema.EDITION})
    edition[schema.EDITION] = 2024
    extrapolated = pd.DataFrame(next_rows, columns=schema.HISTORY_COLUMNS).rename(
        columns={schema.YEAR: schema.EDITION}).assign(**{schema.EDITION: 2024})
    expected = compute_pii(extrapolated, 2024)
    ranks = expected.ranks["PII"]
    region_of = dict(zip(keys, units["region"]))
    province = ranks.index[12]
    out = outlook(edition, history, 2024, province, draws=200, seed=3)
    assert out.next_edition == 2025 and len(out.projections) == len(codes)
    assert out.rank_distribution.at[int(ranks[province]), "trend"] == 1
    assert out.probability("trend", "top") == float(ranks[province] <= 10)
    rivals = [u for u in keys if region_of[u] == region_of[province] and u != province]
    leads = not (expected.scores.loc[rivals, "PII"] > expected.scores.at[province, "PII"]).any()
    assert out.probability("trend", "region") == float(leads)
    # history on another map than the edition's is refused with a plain message
    with pytest.raises(ValueError, match="same map of provinces"):
        outlook(edition, history[history[schema.UNIT] != keys[0]], 2024, province, draws=10)


# --------------------------------------------------------------------------- the command


def _run(argv):
    import io
    from contextlib import redirect_stdout

    from piilib.cli import main

    buffer = io.StringIO()
    with redirect_stdout(buffer):
        code = main(argv)
    return code, buffer.getvalue()


def test_command_prints_the_library_outlook_for_can_tho():
    from piilib.commands.outlook import _percent
    from piilib.demo import load_demo_history, load_demo_values

    code, out = _run(["outlook", "--edition", "2024", "--province", "Cần Thơ", "--draws", "300",
                      "--seed", "5", "--no-targets"])
    assert code == 0
    expected = outlook(load_demo_values(), load_demo_history(), 2024, "can-tho", draws=300, seed=5)
    row = expected.summary.iloc[0]
    trend_line = next(line for line in out.splitlines() if line.startswith("| Theo xu hướng"))
    assert _percent(row["p_top"], row["se_top"]) in trend_line
    assert _percent(row["p_region_lead"], row["se_region_lead"]) in trend_line
    assert f"hạng {expected.base_rank}/63" in out and "số liệu minh họa" in out
    assert "Nếu đạt" not in out  # --no-targets


def test_command_bad_input_exits_2_with_every_problem(capsys):
    code, _ = _run(["outlook", "--edition", "2024", "--province", "Cần Thơ", "--draws", "0", "--top", "0"])
    assert code == 2
    errors = capsys.readouterr().err
    assert "--draws 0" in errors and "--top 0" in errors
    code, _ = _run(["outlook", "--edition", "2024", "--province", "Atlantis"])
    assert code == 2 and "--province" in capsys.readouterr().err


def test_grid_back_transforms_log_series_clips_at_bounds_and_keeps_unfitted_values():
    from piilib.analysis.outlook import ProjectionGrid

    base = pd.DataFrame({"I0": [7.0, 8.0], "I1": [3.0, 4.0]}, index=["U0", "U1"])
    projections = pd.DataFrame({
        schema.UNIT: ["U0", "U0", "U1"],
        schema.INDICATOR: ["I0", "I1", "I0"],
        "loc": [np.log(50.0), -5.0, np.nan],  # U1 / I0: no fit (too few years)
        "scale": [0.0, 0.0, np.nan],
        "df": [4.0, 4.0, np.nan],
        "transform": ["log", "none", "none"],
    })
    grid = ProjectionGrid.build(projections, base, lower_bounds={"I1": 0.0})
    draws = grid.sample(3, np.random.default_rng(0))
    assert grid.n_without_fit == 2  # U1 / I0 (NaN) and U1 / I1 (absent)
    np.testing.assert_allclose(draws[:, 0, 0], 50.0)
    assert (draws[:, 0, 1] == 0.0).all()  # -5 clipped at the bound
    assert (draws[:, 1, 0] == 8.0).all() and (draws[:, 1, 1] == 4.0).all()
