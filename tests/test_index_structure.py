"""The array fast path: batched aggregation, normalisation and ranking against plain loops."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from piilib.index import IndexStructure, build_index, normalise_array, rank_array, read_method

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures" / "coinr-asem"


@pytest.fixture(scope="module")
def asem():
    steps, _ = read_method(ROOT / "data" / "examples" / "asem-method.yml")
    return build_index(pd.read_csv(FIXTURES / "iData.csv"), pd.read_csv(FIXTURES / "iMeta.csv"), steps)


def tree_mean(imeta: pd.DataFrame, values: dict, weights: dict) -> dict:
    """Weighted arithmetic means up the tree by walking iMeta row by row (reference)."""
    out = dict(values)
    nodes = imeta[imeta["Type"].isin(["Indicator", "Aggregate"])]
    for level in sorted(nodes["Level"].unique())[1:]:
        for parent in nodes.loc[nodes["Level"] == level, "iCode"]:
            children = nodes.loc[nodes["Parent"] == parent, "iCode"]
            pairs = [(out[c], weights[c]) for c in children if not np.isnan(out[c])]
            out[parent] = sum(v * w for v, w in pairs) / sum(w for _, w in pairs) if pairs else np.nan
    return out


def test_structure_orders_codes_indicators_first_index_last(asem):
    s = asem.structure
    assert s.codes[: s.n_indicators] == s.indicator_codes
    assert s.index_code == "Index" and s.codes[-1] == "Index"
    assert list(s.levels) == sorted(s.levels)


def test_batched_reweighting_equals_tree_walk(asem):
    s = asem.structure
    normalised = asem.stages["Normalised"][list(s.indicator_codes)].to_numpy(copy=True)
    normalised[3, :5] = np.nan  # some missing values to ignore
    rng = np.random.default_rng(7)
    weights = s.weights * rng.uniform(0.5, 1.5, size=(20, s.n_nodes))
    scores = s.aggregate(normalised, weights)
    assert scores.shape == (20, normalised.shape[0], s.n_nodes)
    for draw in (0, 19):
        for unit in (0, 3):
            expected = tree_mean(
                asem.imeta,
                dict(zip(s.indicator_codes, normalised[unit])),
                dict(zip(s.codes, weights[draw])),
            )
            np.testing.assert_allclose(scores[draw, unit], [expected[c] for c in s.codes], rtol=1e-12)


def test_reweighting_through_imeta_equals_fast_path(asem):
    s = asem.structure
    rng = np.random.default_rng(1)
    weights = s.weights * rng.uniform(0.5, 1.5, size=s.n_nodes)
    imeta = asem.imeta.copy()
    for code, weight in zip(s.codes, weights):
        imeta.loc[imeta["iCode"] == code, "Weight"] = weight
    rebuilt = build_index(asem.idata, imeta, asem.log, validate=False)
    normalised = asem.stages["Normalised"][list(s.indicator_codes)].to_numpy()
    np.testing.assert_allclose(rebuilt.scores[list(s.codes)].to_numpy(), s.aggregate(normalised, weights), rtol=1e-12)


def test_geometric_fast_path_matches_log_mean():
    imeta = pd.DataFrame(
        {"Level": [1, 1, 2], "iCode": ["a", "b", "T"], "Direction": [1, 1, 1], "Weight": [1.0, 2.0, 1.0],
         "Parent": ["T", "T", None], "Type": ["Indicator", "Indicator", "Aggregate"]}
    )
    s = IndexStructure.from_imeta(imeta)
    values = np.array([[[2.0, 8.0]], [[1.0, np.nan]]])  # (draws, units, indicators)
    out = s.aggregate(values, method="geometric")
    assert out[0, 0, 2] == pytest.approx((2.0 * 8.0**2) ** (1 / 3))
    assert out[1, 0, 2] == pytest.approx(1.0)


def test_rank_array_equals_scipy_min_ranks_per_column():
    rng = np.random.default_rng(3)
    scores = rng.integers(0, 6, size=(4, 30, 5)).astype(float)  # many ties
    scores[0, 2, 1] = np.nan
    ranks = rank_array(scores)
    for d in range(4):
        for j in range(5):
            col = scores[d, :, j]
            present = ~np.isnan(col)
            expected = stats.rankdata(-col[present], method="min")
            np.testing.assert_array_equal(ranks[d, present, j], expected)
            assert np.isnan(ranks[d, ~present, j]).all()


def test_batched_normalisation_equals_one_at_a_time():
    rng = np.random.default_rng(5)
    stack = rng.normal(size=(3, 12, 4))
    directions = np.array([1, -1, 1, -1])
    for method in ("minmax", "zscore"):
        batched = normalise_array(stack, directions, method)
        for d in range(3):
            np.testing.assert_allclose(batched[d], normalise_array(stack[d], directions, method))
    single = normalise_array(stack[0], directions)
    assert single.min() == 0 and single.max() == 100
    np.testing.assert_allclose(single[:, 1], 100 * (stack[0, :, 1].max() - stack[0, :, 1]) / np.ptp(stack[0, :, 1]))
