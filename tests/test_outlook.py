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


@pytest.mark.parametrize("threads", [1, 3])
def test_a_seed_gives_the_same_outlook_on_any_number_of_threads(monkeypatch, threads):
    # 1,100 draws: five chunks, the last one short; 3 threads run them out of order.
    from piilib.analysis.outlook_parts import simulation

    values = base_values(seed=5)
    _, _, result = make_index(values)
    regions = regions_for(30, ["U2", "U9"])
    projections = projections_for(values, scale=1.0)
    monkeypatch.setattr(simulation, "MAX_THREADS", 1)
    serial = simulate_outlook(result, projections, "U2", regions, draws=1100, seed=9, top=10,
                              targets={"I1": float(values[2, 1]) + 1.0})
    monkeypatch.setattr(simulation, "MAX_THREADS", threads)
    monkeypatch.setattr(simulation.os, "sched_getaffinity", lambda pid: set(range(threads)), raising=False)
    threaded = simulate_outlook(result, projections, "U2", regions, draws=1100, seed=9, top=10,
                                targets={"I1": float(values[2, 1]) + 1.0})
    assert simulation.simulation_threads() == threads
    pd.testing.assert_frame_equal(serial.summary, threaded.summary)
    pd.testing.assert_frame_equal(serial.rank_distribution, threaded.rank_distribution)


@pytest.mark.parametrize("df", [4.0, 3.0, 6.0])
def test_standard_t_follows_the_t_distribution(df):
    draws = standard_t(np.array([df, np.inf]), 20000, np.random.default_rng(7))
    assert stats.kstest(draws[:, 0], stats.t(df).cdf).pvalue > 0.001
    assert stats.kstest(draws[:, 1], stats.norm.cdf).pvalue > 0.001


def demo_quantities():
    """The former provinces' quantities of data year 2024 (the bundled covariates)."""
    from piilib.bundle import load_bundle

    return load_bundle(None, 2024)._quantities(2024, 2024)


def merged_pii(values_long_2024: pd.DataFrame, quantities: pd.DataFrame):
    """The engine on the 34 units: harmonise the 63 provinces' values, then the 2024 method."""
    from piilib.framework import indicators, load_framework
    from piilib.harmonise import harmonise_to_merged
    from piilib.pii import compute_pii

    # The base edition's merge rules (the rules the 2024 values are defined with).
    merged = harmonise_to_merged(values_long_2024, indicators(load_framework(2024)), quantities)
    merged = merged[schema.LONG_COLUMNS].assign(**{schema.EDITION: 2025})
    return compute_pii(merged, 2025, load_framework(2024))


def test_outlook_on_a_perfect_linear_history_is_the_extrapolated_ranking_on_the_34_units():
    """Exact trends (zero residuals): every draw is the extrapolation, so the outlook is the
    rank, among the 34 units of 2025, of the merged unit in the index of the merged extrapolation.
    (Changed deliberately: the 2024-based outlook was on the 63 provinces.)"""
    from piilib.analysis.bounds import indicator_bounds
    from piilib.framework import indicators
    from piilib.units import load_units

    codes = indicators(2024)["code"].tolist()
    keys = load_units(2024)["unit"].tolist()
    rng = np.random.default_rng(11)
    # Inside every indicator's bounds (from its unit text), so censoring plays no part.
    bounds = indicator_bounds(indicators(2024)).loc[codes]
    low = np.where(np.isfinite(bounds["lower"]), bounds["lower"], 0.0)
    span = np.minimum(np.where(np.isfinite(bounds["upper"]), bounds["upper"], np.inf) - low, 10.0)
    intercept = rng.uniform(0.1, 0.4, (len(keys), len(codes)))
    slope = rng.uniform(0.01, 0.05, (len(keys), len(codes)))
    history_rows, next_rows = [], []
    for year in range(2018, 2025):
        level = low + span * (intercept + slope * (year - 2018))
        for i, unit in enumerate(keys):
            for j, code in enumerate(codes):
                row = (year, unit, code, float(level[i, j]), schema.ILLUSTRATIVE, "test")
                (history_rows if year <= 2023 else next_rows).append(row)
    history = pd.DataFrame(history_rows, columns=schema.HISTORY_COLUMNS)
    edition = history[history[schema.YEAR] == 2023].rename(columns={schema.YEAR: schema.EDITION})
    edition[schema.EDITION] = 2024
    extrapolated = pd.DataFrame(next_rows, columns=schema.HISTORY_COLUMNS).rename(
        columns={schema.YEAR: schema.EDITION}).assign(**{schema.EDITION: 2024})
    quantities = demo_quantities()
    expected = merged_pii(extrapolated, quantities)
    ranks = expected.ranks["PII"]
    units_34 = load_units(2025)
    region_of = dict(zip(units_34["unit"], units_34["region"]))
    out = outlook(edition, history, 2024, "can-tho", draws=200, seed=3, quantities=quantities)
    assert out.next_edition == 2025 and len(out.projections) == len(codes)
    assert out.n_units == 34 and out.merged and out.unit == "can-tho"
    assert out.n_region == sum(r == region_of["can-tho"] for r in region_of.values()) == 6
    assert out.region_name == "Đồng bằng sông Cửu Long"
    assert out.rank_distribution.at[int(ranks["can-tho"]), "trend"] == 1
    assert out.probability("trend", "top") == float(ranks["can-tho"] <= 10)
    rivals = [u for u in region_of if region_of[u] == region_of["can-tho"] and u != "can-tho"]
    leads = not (expected.scores.loc[rivals, "PII"] > expected.scores.at["can-tho", "PII"]).any()
    assert out.probability("trend", "region") == float(leads)
    assert out.summary.at[0, "index_median"] == pytest.approx(expected.scores.at["can-tho", "PII"], rel=1e-9)
    # history on another map than the edition's is refused with a plain message
    with pytest.raises(ValueError, match="same map of provinces"):
        outlook(edition, history[history[schema.UNIT] != keys[0]], 2024, "can-tho", draws=10)


# --------------------------------------------------------------------------- the map


def test_two_provinces_merge_and_the_merged_draw_is_the_merge_of_the_draws():
    from piilib.analysis.outlook import ProjectionGrid, UnitMap

    values = base_values(seed=4, n_units=6, n_ind=2)
    _, _, result = make_index(values, steps=[{"step": "normalise"}, {"step": "aggregate"}])
    # U0 and U1 merge into M0: I0 a weighted mean (weights 0.25 / 0.75), I1 a total (sum).
    merge = pd.DataFrame(
        [("I0", "M0", "U0", 0.25), ("I0", "M0", "U1", 0.75), ("I1", "M0", "U0", 1.0), ("I1", "M0", "U1", 1.0)]
        + [(code, f"M{i - 1}", f"U{i}", 1.0) for i in range(2, 6) for code in ("I0", "I1")],
        columns=["indicator", "merged_unit", "former_unit", "weight"])
    regions = {"M0": "B", "M1": "B", "M2": "A", "M3": "A", "M4": "A"}
    unit_map = UnitMap.from_weights([f"U{i}" for i in range(6)], ["I0", "I1"], merge, regions, 2025)
    raw = pd.DataFrame(values, index=[f"U{i}" for i in range(6)], columns=["I0", "I1"])
    grid = ProjectionGrid.build(projections_for(values, 2.0), raw)
    draws = grid.sample(50, np.random.default_rng(0))
    merged = unit_map.apply(draws)
    assert merged.shape == (50, 5, 2)
    np.testing.assert_allclose(merged[:, 0, 0], 0.25 * draws[:, 0, 0] + 0.75 * draws[:, 1, 0])
    np.testing.assert_allclose(merged[:, 0, 1], draws[:, 0, 1] + draws[:, 1, 1])
    np.testing.assert_allclose(merged[:, 1:], draws[:, 2:])
    # The outlook ranks the 5 units: a merged unit that is certain to be first is first.
    values_ahead = values.copy()
    values_ahead[:2] = 1000.0
    _, _, ahead = make_index(values_ahead, steps=[{"step": "normalise"}, {"step": "aggregate"}])
    out = simulate_outlook(ahead, projections_for(values_ahead, 0.0), "U1", draws=20, seed=1, unit_map=unit_map,
                           top=1)
    assert out.unit == "M0" and out.n_units == 5 and out.n_region == 2 and out.base_n_units == 6
    assert out.probability("trend", "top") == 1 and out.rank_distribution.index.max() == 5


def test_merged_unit_map_is_harmonise_to_merged_on_every_indicator():
    from piilib.analysis.outlook import merged_unit_map
    from piilib.framework import indicators, load_framework
    from piilib.harmonise import harmonise_to_merged
    from piilib.units import load_units

    codes = indicators(2024)["code"].tolist()
    keys = load_units(2024)["unit"].tolist()
    quantities = demo_quantities()
    unit_map = merged_unit_map(2024, codes, quantities)
    draw = np.random.default_rng(3).uniform(1, 50, (1, len(keys), len(codes)))
    long = pd.DataFrame({
        schema.EDITION: 2024, schema.UNIT: np.repeat(keys, len(codes)), schema.INDICATOR: np.tile(codes, len(keys)),
        schema.VALUE: draw[0].ravel(), schema.PROVENANCE: schema.ILLUSTRATIVE, schema.SOURCE: "test"})
    # The base edition's merge rules (changed deliberately from 2025's: one rule, the
    # edition the values are defined with; 6.2.4 and 7.1.2 are per commune in 2024).
    expected = harmonise_to_merged(long, indicators(load_framework(2024)), quantities)
    expected = expected.pivot(index=schema.UNIT, columns=schema.INDICATOR, values=schema.VALUE)
    expected = expected.loc[list(unit_map.units), codes].to_numpy()
    merged = unit_map.apply(draw)[0]
    np.testing.assert_allclose(merged, expected, rtol=1e-12)
    assert np.isnan(expected).sum() == np.isnan(merged).sum() > 0  # not_combinable indicators


# --------------------------------------------------------------------------- correlation


def equal_weight_index(values: np.ndarray, directions=None, steps=({"step": "normalise"}, {"step": "aggregate"})):
    n_units, n_ind = values.shape
    codes = [f"I{j}" for j in range(n_ind)]
    idata = pd.DataFrame(values, columns=codes)
    idata.insert(0, "uCode", [f"U{i}" for i in range(n_units)])
    imeta = pd.DataFrame({
        "Level": [1] * n_ind + [2],
        "iCode": codes + ["IDX"],
        "Direction": list(directions or [1] * n_ind) + [1],
        "Weight": [1] * (n_ind + 1),
        "Parent": ["IDX"] * n_ind + [None],
        "Type": ["Indicator"] * n_ind + ["Aggregate"],
    })
    return build_index(idata, imeta, list(steps))


@pytest.mark.parametrize("rho", [0.0, 0.5])
def test_province_correlation_gives_the_orthant_probability(rho):
    """Two units, two equally weighted indicators: U0 (normal around U1's values) is behind only
    when it is worse on both, P = 1/4 + arcsin(rho) / (2 pi); independent draws give 3/4 first."""
    values = np.array([[0.0, 0.0], [0.0, 0.0]])
    result = equal_weight_index(np.array([[1.0, 0.0], [0.0, 1.0]]))
    scale = np.array([[1.0, 1.0], [0.0, 0.0]])
    projections = projections_for(values, scale, df=np.inf)
    out = simulate_outlook(result, projections, "U0", {"U0": "A", "U1": "A"}, draws=20000, seed=4, top=1,
                           province_correlation=rho)
    expected = 0.75 - np.arcsin(rho) / (2 * np.pi)
    assert abs(out.probability("trend", "top") - expected) < 4 * out.summary.at[0, "se_top"]
    assert out.summary.at[0, "province_correlation"] == rho


def test_zero_correlation_draws_are_independent_t_and_correlation_keeps_the_marginals():
    from piilib.analysis.outlook import ProjectionGrid

    values = np.zeros((3, 4))
    raw = pd.DataFrame(values, index=["U0", "U1", "U2"], columns=[f"I{j}" for j in range(4)])
    grid = ProjectionGrid.build(projections_for(values, 1.0, df=6.0), raw)
    independent = grid.sample(20000, np.random.default_rng(1))
    correlated = grid.sample(20000, np.random.default_rng(1), province_correlation=0.6)
    for draws in (independent, correlated):
        assert stats.kstest(draws[:, 0, 1], stats.t(6).cdf).pvalue > 1e-3
    within_independent = np.corrcoef(independent[:, 0, 0], independent[:, 0, 1])[0, 1]
    within_correlated = np.corrcoef(correlated[:, 0, 0], correlated[:, 0, 1])[0, 1]
    across = np.corrcoef(correlated[:, 0, 0], correlated[:, 1, 0])[0, 1]
    assert abs(within_independent) < 0.03 and abs(across) < 0.03
    assert 0.45 < within_correlated < 0.6  # rho of the normal parts, a little less for t(6)


def test_rank_band_widens_with_the_assumed_correlation():
    from piilib.analysis.outlook import UnitMap, correlation_sweep

    rng = np.random.default_rng(8)
    values = rng.normal(50, 3, (20, 8))
    result = equal_weight_index(values)
    unit_map = UnitMap.identity([f"U{i}" for i in range(20)], {f"U{i}": "A" if i < 5 else "B" for i in range(20)})
    sweep = correlation_sweep(result, projections_for(values, 3.0), "U0", unit_map, correlations=(0.0, 0.3, 0.6),
                              draws=3000, seed=2)
    width = (sweep["rank_q95"] - sweep["rank_q05"]).to_numpy()
    assert (np.diff(width) >= 0).all() and width[-1] > width[0]
    assert list(sweep["province_correlation"]) == [0.0, 0.3, 0.6]


def test_correlation_estimate_recovers_a_common_factor():
    from piilib.analysis.outlook import estimate_correlation
    from piilib.analysis.trend import trend_residuals

    rng = np.random.default_rng(0)
    years, units, codes = np.arange(2010, 2024), [f"U{i}" for i in range(40)], ["a", "b", "c", "d"]
    rows = []
    for unit in units:
        common = rng.normal(size=len(years))
        for code in codes:
            noise = np.sqrt(0.3) * common + np.sqrt(0.7) * rng.normal(size=len(years))
            rows += [{"year": y, "unit": unit, "indicator": code, "value": 5 + 0.1 * (y - 2010) + e}
                     for y, e in zip(years, noise)]
    estimate = estimate_correlation(trend_residuals(pd.DataFrame(rows)), {c: 1 for c in codes})
    assert estimate["province"] == pytest.approx(0.3, abs=0.06)
    assert abs(estimate["indicator"]) < 0.05


# --------------------------------------------------------------------------- scenarios


def test_combined_scenario_equals_the_engine_on_the_merged_data_with_the_targets_set():
    from piilib.analysis.outlook import merged_unit_map
    from piilib.bundle import load_bundle
    from piilib.pii import compute_pii, edition_values

    bundle = load_bundle(None, 2024)
    values = edition_values(bundle.values, 2024)
    result = compute_pii(values, 2024)
    codes = list(result.structure.indicator_codes)
    raw = result.stages["Raw"].set_index("uCode")[codes]
    own = raw.loc["can-tho"]
    directions = dict(zip(codes, result.structure.directions))
    targets = {code: float(own[code]) * (1.3 if directions[code] > 0 else 0.7) for code in codes[3:12]}
    quantities = demo_quantities()
    projections = projections_for(raw.to_numpy(), 0.0).assign(
        unit=np.repeat(raw.index.to_numpy(), len(codes)), indicator=np.tile(codes, len(raw)))
    out = simulate_outlook(result, projections, "can-tho", draws=5, seed=0, targets=targets,
                           unit_map=merged_unit_map(2024, codes, quantities), edition=2024)
    changed = values.copy()
    for code, target in targets.items():
        changed.loc[(changed[schema.UNIT] == "can-tho") & (changed[schema.INDICATOR] == code), schema.VALUE] = target
    direct = merged_pii(changed, quantities)
    met = out.summary.set_index("scenario").loc["targets_met"]
    assert met["index_median"] == pytest.approx(direct.scores.at["can-tho", "PII"], rel=1e-9)
    assert met["median_rank"] == direct.ranks.at["can-tho", "PII"]
    trend = out.summary.set_index("scenario").loc["trend"]
    assert trend["index_median"] == pytest.approx(merged_pii(values, quantities).scores.at["can-tho", "PII"])
    assert out.base_rank_on_map == merged_pii(values, quantities).ranks.at["can-tho", "PII"]


def test_cheapest_path_reaches_the_goal_with_the_smallest_effort_and_says_when_it_cannot():
    from piilib.analysis.outlook import OutlookModel, UnitMap, cheapest_path

    # U0 is just behind U1 (its only regional rival) on two indicators; a third is hopeless noise.
    values = np.array([[49.0, 49.0, 50.0], [50.0, 50.0, 50.0]] + [[30.0 + i, 30.0 + i, 50.0] for i in range(8)])
    result = equal_weight_index(values)
    regions = {f"U{i}": "A" if i < 2 else "B" for i in range(10)}
    scale = np.zeros_like(values)
    scale[0] = [1.0, 1.0, 0.0]
    unit_map = UnitMap.identity([f"U{i}" for i in range(10)], regions)
    model = OutlookModel.build(result, projections_for(values, scale), "U0", unit_map)
    path = cheapest_path(model, top=1, goal=0.8, draws=2000, check_draws=4000, seed=3)
    assert path.reached
    # One indicator at +1 SD is not enough (P(U0 > 50) = P(T > 0) = 1/2 on one, 0 on the other);
    # the search stops as soon as both goals hold on its draws.
    assert set(path.improvements["indicator"]) <= {"I0", "I1"}
    assert path.steps["p_top"].iloc[-1] >= 0.8 and path.steps["p_region_lead"].iloc[-1] >= 0.8
    check = path.check.set_index("scenario").loc["improved"]
    assert check["p_top"] > 0.7
    for _, row in path.improvements.iterrows():
        assert row["target_value"] == pytest.approx(49.0 + row["effort_sd"])
        assert row["p_on_trend"] == pytest.approx(stats.t.sf(row["effort_sd"], 4.0))
    # Far behind with tiny spreads: unreachable within 2 SD.
    far = values.copy()
    far[0, :2] = 10.0
    far_model = OutlookModel.build(equal_weight_index(far), projections_for(far, scale * 0.01), "U0", unit_map)
    hopeless = cheapest_path(far_model, top=1, goal=0.8, draws=500, check_draws=500, seed=3)
    assert not hopeless.reached and hopeless.check.set_index("scenario").at["trend", "p_top"] == 0


def test_summary_names_what_the_plus_minus_is():
    from piilib.analysis.outlook import SUMMARY_COLUMNS, SUMMARY_MEANING

    assert "Monte Carlo standard error" in SUMMARY_MEANING["se_top"]
    assert "rank band" in SUMMARY_MEANING["rank_q05"]
    assert set(SUMMARY_MEANING) <= set(SUMMARY_COLUMNS)


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
    from piilib.analysis.outlook import bundle_outlook
    from piilib.bundle import load_bundle
    from piilib.commands.outlook import _percent

    code, out = _run(["outlook", "--edition", "2024", "--province", "Cần Thơ", "--draws", "300",
                      "--seed", "5", "--no-targets"])
    assert code == 0
    expected = bundle_outlook(load_bundle(None, 2024), 2024, "can-tho", draws=300, seed=5)
    row = expected.summary.iloc[0]
    trend_line = next(line for line in out.splitlines() if line.startswith("| Theo xu hướng"))
    assert _percent(row["p_top"], row["se_top"]) in trend_line
    assert _percent(row["p_region_lead"], row["se_region_lead"]) in trend_line
    assert f"hạng {expected.base_rank}/63" in out and "số liệu minh họa" in out
    assert "trên 34 tỉnh, thành phố" in out and f"có {expected.n_region} địa phương" in out
    assert "sai số chuẩn Monte Carlo" in out
    assert "Nếu đạt" not in out  # --no-targets


def test_command_sweep_shows_one_row_per_assumed_correlation():
    code, out = _run(["outlook", "--edition", "2025", "--province", "Cần Thơ", "--draws", "200", "--no-targets",
                      "--sweep", "--correlation", "0.2"])
    assert code == 0
    assert "tương quan giả định giữa các chỉ số của một tỉnh 0,20" in out
    sweep_rows = [line for line in out.splitlines() if line.startswith("| 0,")]
    assert [row.split("|")[1].strip() for row in sweep_rows] == ["0,00", "0,10", "0,20", "0,30"]
    # the sweep's 0.20 row is the main outlook (same seed, same draws)
    main_row = next(line for line in out.splitlines() if line.startswith("| Theo xu hướng"))
    assert main_row.split("|")[2:] == sweep_rows[2].split("|")[2:]


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
    grid = ProjectionGrid.build(projections, base, lower_bounds={"I1": 0.0}, borrow_spread=False)
    draws = grid.sample(3, np.random.default_rng(0))
    assert grid.n_without_fit == 2  # U1 / I0 (NaN) and U1 / I1 (absent)
    np.testing.assert_allclose(draws[:, 0, 0], 50.0)
    assert (draws[:, 0, 1] == 0.0).all()  # -5 clipped at the bound
    assert (draws[:, 1, 0] == 8.0).all() and (draws[:, 1, 1] == 4.0).all()


def test_a_series_too_short_for_a_trend_borrows_the_indicators_typical_spread():
    from piilib.analysis.outlook import ProjectionGrid

    base = pd.DataFrame({"I0": [7.0, 8.0, 9.0, 10.0]}, index=["U0", "U1", "U2", "U3"])
    projections = pd.DataFrame({
        schema.UNIT: ["U0", "U1", "U2"], schema.INDICATOR: "I0",
        "loc": [7.0, 8.0, np.log(9.0)], "scale": [1.0, 3.0, 0.5], "df": [2.0, 4.0, 6.0],
        "transform": ["none", "none", "log"],
    })
    grid = ProjectionGrid.build(projections, base)
    # U3 has no fit: centred on its value, sd = median of 1, 3 and 0.5 × 9 = 4.5 → 3, df median 4.
    assert grid.predictive.loc[3] == 10.0
    assert grid.predictive.scale[3] == pytest.approx(3.0)
    assert grid.predictive.df[3] == 4.0


def test_every_target_met_at_once_is_the_index_rebuilt_with_all_of_them():
    from piilib.analysis.levers import replay_with_values
    from piilib.analysis.outlook import OutlookModel, UnitMap, base_outcome

    values = base_values(seed=3, n_units=12, n_ind=4)
    idata, imeta, result = make_index(values, directions=[1, -1, 1, 1])
    regions = {f"U{i}": "A" if i < 4 else "B" for i in range(12)}
    model = OutlookModel.build(result, projections_for(values, 1.0), "U2",
                               UnitMap.identity([f"U{i}" for i in range(12)], regions))
    base = base_outcome(model, result)
    assert base["index"] == pytest.approx(result.scores.at["U2", "IDX"], rel=1e-12)
    assert base["rank"] == result.ranks.at["U2", "IDX"]
    # Two targets at once (I1 is inverse: "at least" means at most); I3's target is below
    # today's value, which a target never lowers.
    targets = {"I0": 19.5, "I1": 10.5, "I3": values[2, 3] - 1.0}
    combined = base_outcome(model, result, targets)
    rebuilt = replay_with_values(result, idata, "U2", {"I0": 19.5, "I1": 10.5})
    assert combined["index"] == pytest.approx(rebuilt.scores.at["U2", "IDX"], rel=1e-11)
    assert combined["rank"] == rebuilt.ranks.at["U2", "IDX"]
    region_scores = rebuilt.scores["IDX"][[f"U{i}" for i in range(4)]]
    assert combined["region_rank"] == 1 + int((region_scores > region_scores["U2"]).sum())
    assert combined["leader"] == (combined["region_rank"] == 1)
