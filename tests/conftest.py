"""Every test sees no official folder unless it sets one: the staff's data/official/ (git-
ignored, possibly full of real files) must not change what a test computes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from piilib.bundle import OFFICIAL_DIR_ENV


@pytest.fixture(autouse=True)
def _no_official_folder(monkeypatch, tmp_path_factory):
    monkeypatch.setenv(OFFICIAL_DIR_ENV, str(tmp_path_factory.getbasetemp() / "no-official-folder"))


@pytest.fixture(scope="module")
def pii_values():
    """For the robustness tests: a random but complete 2024 edition (63 provinces × 52 indicators)."""
    from piilib import schema
    from piilib.framework import indicators
    from piilib.units import load_units

    codes = indicators(2024)["code"].tolist()
    units = load_units(2024)["unit"].tolist()
    rng = np.random.default_rng(2024)
    rows = [(2024, u, c, float(rng.lognormal(1, 0.6)), schema.ILLUSTRATIVE, "test")
            for u in units for c in codes]
    return pd.DataFrame(rows, columns=schema.LONG_COLUMNS)
