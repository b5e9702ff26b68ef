"""The change of a unit's index split into indicator and pillar contributions (hand-computed)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from piilib.analysis.levers import top_code
from piilib.analysis.decomposition import (change_contributions, check_arithmetic, pillar_contributions,
                                           unit_change, weight_paths)


def tiny_imeta() -> pd.DataFrame:
    # I <- P1 (weight 1: a 1, b 1), P2 (weight 1: c 1, d 3)
    rows = [("a", "P1", 1, "Indicator", 1), ("b", "P1", 1, "Indicator", 1), ("c", "P2", 1, "Indicator", 1),
            ("d", "P2", 3, "Indicator", 1), ("P1", "I", 1, "Aggregate", 2), ("P2", "I", 1, "Aggregate", 2),
            ("I", None, 1, "Aggregate", 3)]
    return pd.DataFrame(rows, columns=["iCode", "Parent", "Weight", "Type", "Level"])


BEFORE = {"a": 40.0, "b": 60.0, "c": 20.0, "d": 80.0, "P1": 50.0, "P2": 65.0, "I": 57.5}
AFTER = {"a": 50.0, "b": 60.0, "c": 40.0, "d": 60.0, "P1": 55.0, "P2": 55.0, "I": 55.0}


def test_weight_paths_by_hand():
    paths = weight_paths(tiny_imeta(), BEFORE)
    assert paths.to_dict() == pytest.approx({"a": 0.25, "b": 0.25, "c": 0.125, "d": 0.375})


def test_contributions_by_hand_sum_to_the_change():
    table = change_contributions(tiny_imeta(), BEFORE, AFTER, level=2).set_index("indicator")
    # weight path × score change: a 0.25 × 10, b 0, c 0.125 × 20, d 0.375 × (−20)
    assert table["contribution"].to_dict() == pytest.approx({"a": 2.5, "b": 0.0, "c": 2.5, "d": -7.5})
    assert table["contribution"].sum() == pytest.approx(AFTER["I"] - BEFORE["I"])  # −2.5
    assert pillar_contributions(table.reset_index()).to_dict() == pytest.approx({"P1": 2.5, "P2": -5.0})


def test_a_missing_indicator_drops_out_and_its_siblings_take_its_weight():
    # d missing after: P2 = c = 40, I = (55 + 40) / 2 = 47.5; c's path becomes 0.5, d's 0
    after = {**AFTER, "d": np.nan, "P2": 40.0, "I": 47.5}
    table = change_contributions(tiny_imeta(), BEFORE, after, level=2).set_index("indicator")
    assert table["weight_after"].to_dict() == pytest.approx({"a": 0.25, "b": 0.25, "c": 0.5, "d": 0.0})
    # c: 0.5 × 40 − 0.125 × 20 = 17.5; d: 0 − 0.375 × 80 = −30
    assert table["contribution"].to_dict() == pytest.approx({"a": 2.5, "b": 0.0, "c": 17.5, "d": -30.0})
    assert table["contribution"].sum() == pytest.approx(-10.0)


def test_on_the_engine_the_contributions_sum_to_the_index_change(pii_values):
    from piilib import schema
    from piilib.pii import compute_pii

    before = compute_pii(pii_values, 2024)
    changed = pii_values.copy()
    rng = np.random.default_rng(7)
    changed[schema.VALUE] = changed[schema.VALUE] * rng.uniform(0.7, 1.3, len(changed))
    changed.loc[changed.index[:5], schema.VALUE] = np.nan  # some missing values too
    after = compute_pii(changed, 2024)
    top = top_code(after.imeta)
    for unit in after.scores.index[:10]:
        table = unit_change(before, after, unit)
        change = after.scores.at[unit, top] - before.scores.at[unit, top]
        assert table["contribution"].sum() == pytest.approx(change, abs=1e-9)
        assert pillar_contributions(table).sum() == pytest.approx(change, abs=1e-9)


def test_geometric_aggregation_is_refused():
    with pytest.raises(ValueError, match="geometric"):
        check_arithmetic([{"step": "aggregate", "method": "geometric"}])
