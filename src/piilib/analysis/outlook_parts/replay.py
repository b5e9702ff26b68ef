"""The base edition's method (treat, normalise, aggregate) replayed on stacks of draws."""

from __future__ import annotations

import numpy as np

from piilib.index import IndexResult, IndexStructure, normalise_array
from piilib.index.steps import treat_values
from piilib.analysis.outlook_parts.constants import REPLAYED_STEPS


# --------------------------------------------------------------------------- the replay


class IndexReplay:
    """The base edition's method applied to stacks of raw data `(draws, units, indicators)`.

    Built from an `IndexResult` whose log holds only treat, normalise and aggregate (the
    PII's method); `index_scores` returns the index `(draws, units)`.
    """

    def __init__(self, result: IndexResult):
        other = [s["step"] for s in result.log if s["step"] not in REPLAYED_STEPS]
        if other:
            raise ValueError(
                f"the outlook replays treat, normalise and aggregate only; the method also runs {', '.join(other)}"
            )
        steps = {s["step"]: s for s in result.log}
        if "normalise" not in steps or "aggregate" not in steps:
            raise ValueError("the method needs a normalise and an aggregate step")
        self.structure: IndexStructure = result.structure
        self.treat = steps.get("treat")
        self.normalise = steps["normalise"]
        self.method = steps["aggregate"]["method"]
        self.weights = self.structure.weight_vector(steps["aggregate"]["weights"])
        if self.method == "arithmetic":
            # The index of a unit with 1 in indicator j and 0 elsewhere: j's effective weight.
            unit_vectors = np.eye(self.structure.n_indicators)
            self.effective_weights = self.structure.aggregate(unit_vectors, self.weights)[:, -1]
        else:
            self.effective_weights = None

    def treated(self, raw: np.ndarray) -> np.ndarray:
        """Treat every draw as `build_index` would: (draws, units, indicators)."""
        if self.treat is None:
            return raw
        draws, units, indicators = raw.shape
        side_by_side = raw.transpose(1, 0, 2).reshape(units, draws * indicators)
        treated, _ = treat_values(side_by_side, self.treat["skew_threshold"], self.treat["kurtosis_threshold"],
                                  self.treat["max_winsorised"])
        return treated.reshape(units, draws, indicators).transpose(1, 0, 2)

    def normalised(self, raw: np.ndarray, columns: np.ndarray | None = None) -> np.ndarray:
        """Treated and normalised draws. `raw` may hold only the indicators at `columns`:
        treatment and normalisation work indicator by indicator, so a subset is exact."""
        directions = self.structure.directions if columns is None else self.structure.directions[columns]
        p = self.normalise
        return normalise_array(self.treated(np.asarray(raw, dtype=float)), directions, p["method"], p["lower"],
                               p["upper"], p["mean"], p["sd"])

    def index_from_normalised(self, normalised: np.ndarray) -> np.ndarray:
        """(draws, units) index from (draws, units, indicators) normalised scores."""
        if self.effective_weights is not None and not np.isnan(normalised).any():
            return normalised @ self.effective_weights
        return self.structure.aggregate(normalised, self.weights, self.method)[..., -1]

    def index_scores(self, raw: np.ndarray) -> np.ndarray:
        """The index of each unit in each draw: (draws, units)."""
        return self.index_from_normalised(self.normalised(raw))


    def unit_weights(self, missing: np.ndarray) -> np.ndarray | None:
        """(units, indicators) effective weights given each unit's missing indicators
        (`missing`, same shape): the index of unit u is sum_j w[u, j] x[u, j] over its present
        indicators (the engine's aggregation of unit vectors with those indicators missing;
        exact for the arithmetic mean, which re-weights over the present children). None for
        another aggregation method."""
        if self.effective_weights is None:
            return None
        missing = np.asarray(missing, dtype=bool)
        weights = np.empty(missing.shape)
        patterns, inverse = np.unique(missing, axis=0, return_inverse=True)
        for p, pattern in enumerate(patterns):
            if not pattern.any():
                row = self.effective_weights
            else:
                probes = np.eye(self.structure.n_indicators)
                probes[:, pattern] = np.nan
                row = self.structure.aggregate(probes, self.weights)[:, -1]
                row = np.where(pattern | np.isnan(row), 0.0, row)
            weights[np.asarray(inverse).ravel() == p] = row
        return weights
