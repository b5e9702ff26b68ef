"""The speed shortcuts of the targets give the same answers as the full computation.

- `bundle_targets(..., outcomes=False)` (used by `pii outlook`, which needs only the
  recommendation) skips what each threshold buys: every other column, and so the recommended
  targets, must equal the full table's.
- `fit_peer_model(..., studentized=False)` (used by the targets, which need only the
  benchmark) skips the leave-one-out studentized residuals: the benchmark must be unchanged.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from piilib.analysis.outlook import recommended_target_values
from piilib.analysis.peers import fit_peer_model
from piilib.analysis.targets import ROW_OUTCOME_COLUMNS, TARGET_COLUMNS, bundle_targets
from piilib.bundle import load_bundle

MAP_ONLY = ["rank_map", "rank_map_units", "rank_map_region_size", "ranked_unit"]


@pytest.fixture(scope="module")
def bundle():
    return load_bundle(None, 2024)


@pytest.mark.parametrize("edition", [2024, 2025])
def test_targets_without_outcomes_keep_every_other_column(edition):
    data = load_bundle(None, edition)
    full = bundle_targets(data, edition, "can-tho")
    short = bundle_targets(data, edition, "can-tho", outcomes=False)
    assert list(short.columns) == list(full.columns) == TARGET_COLUMNS
    skipped = [c for c in ROW_OUTCOME_COLUMNS if c not in MAP_ONLY]
    assert short[skipped].isna().all().all()
    kept = [c for c in TARGET_COLUMNS if c not in skipped]
    pd.testing.assert_frame_equal(short[kept], full[kept])
    assert recommended_target_values(short) == recommended_target_values(full)


def test_peer_benchmark_without_studentized_residuals_is_unchanged(bundle):
    covariates = bundle.covariates_on_map(2024)
    covariates = covariates[covariates["year"] == 2023]
    values = bundle.values
    values = values[(values["edition"] == 2024) & (values["indicator"] == "6.2.4")]
    series = pd.Series(values["value"].to_numpy(dtype=float), index=values["unit"].to_numpy())
    formula = "value ~ np.log(grdp_per_capita) + np.log(population) + urbanisation"
    wide = covariates.pivot(index="unit", columns="covariate", values="value")
    full = fit_peer_model(series, wide, formula=formula, bounds=(0, np.inf))
    light = fit_peer_model(series, wide, formula=formula, bounds=(0, np.inf), studentized=False)
    assert light.table["studentized"].isna().all() and full.table["studentized"].notna().any()
    others = [c for c in full.table.columns if c not in ("studentized", "relative")]
    pd.testing.assert_frame_equal(light.table[others], full.table[others])
    a, b = full.benchmark("can-tho"), light.benchmark("can-tho")
    assert a.as_dict() == b.as_dict()
