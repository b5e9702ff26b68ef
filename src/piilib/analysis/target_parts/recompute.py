"""What a value buys: the index rebuilt with one unit's value of one indicator changed."""

from __future__ import annotations

from typing import Mapping

import numpy as np
import pandas as pd

from piilib.analysis.levers import replay_with_values, top_code
from piilib.analysis.target_parts.constants import UNIT_CODE
from piilib.analysis.target_parts.thresholds import rank_among


# --------------------------------------------------------------------------- recomputation


class Recomputer:
    """The index rebuilt with one unit's value of one indicator changed (cached per value).

    result: the `IndexResult` of `idata`; regions: unit -> region (for the regional rank).
    When the method is the PII's (treat, normalise, aggregate) many values are recomputed at
    once (`prefetch`): the engine's own array steps on a stack (value, units, indicators), each
    layer the base data with one value changed (as `outlook.IndexReplay` replays draws);
    otherwise each value is one `build_index` replay.
    """

    def __init__(self, result, idata: pd.DataFrame, province: str, regions: Mapping[str, str] | None = None):
        self.result, self.idata, self.province = result, idata, province
        self.top = top_code(result.imeta)
        self.regions = dict(regions or {})
        self._cache: dict[tuple[str, float], dict] = {}
        self.current = self._outcome(result, None)
        raw = result.stages["Raw"].set_index(UNIT_CODE)
        self._raw_of = raw
        self._replay = self._stacked_replay(result)
        if self._replay is not None:
            self._codes = list(self._replay.structure.codes)
            self._indicators = list(self._replay.structure.indicator_codes)
            self._units = [str(u) for u in raw.index]
            self._raw = raw[self._indicators].to_numpy(dtype=float)
            self._row = self._units.index(province)
            members = [u for u in self._units if self.regions.get(u) == self.regions.get(province) and u != province]
            self._region_rows = np.array([self._units.index(u) for u in members], dtype=int) \
                if province in self.regions else None

    @staticmethod
    def _stacked_replay(result):
        # The replay alone (not the outlook facade, which loads the sampler and the simulation).
        from piilib.analysis.outlook_parts.replay import IndexReplay

        try:
            return IndexReplay(result)  # the PII's method; another method is replayed value by value
        except ValueError:
            return None

    def _outcome(self, result, indicator: str | None) -> dict:
        pii = result.scores[self.top]
        outcome = {
            "pii": float(pii[self.province]),
            "pii_rank": int(result.ranks.at[self.province, self.top]),
            "pii_region_rank": np.nan,
        }
        if self.province in self.regions:
            region = self.regions[self.province]
            members = [u for u in pii.index if self.regions.get(u) == region and u != self.province]
            outcome["pii_region_rank"] = rank_among(pii.reindex(members), outcome["pii"], 1)
        if indicator is not None:
            outcome["score"] = float(result.scores.at[self.province, indicator])
        return outcome

    def raw_values(self, indicator: str) -> pd.Series:
        """The raw values of `indicator` by unit (float)."""
        return self._raw_of[indicator].astype(float)

    def score(self, indicator: str) -> float:
        return float(self.result.scores.at[self.province, indicator])

    def prefetch(self, indicator: str, values) -> None:
        """Recompute the outcomes of several values of `indicator` at once (into the cache)."""
        current_value = float(self._raw_of.at[self.province, indicator])
        wanted = [v for v in dict.fromkeys(float(v) for v in values)
                  if np.isfinite(v) and v != current_value and (indicator, v) not in self._cache]
        if not wanted or self._replay is None:
            return
        from piilib.index.structure import rank_array

        j = self._indicators.index(indicator)
        stack = np.repeat(self._raw[None], len(wanted), axis=0)
        stack[:, self._row, j] = wanted
        replay = self._replay
        scores = replay.structure.aggregate(replay.normalised(stack), replay.weights, replay.method)
        top = self._codes.index(self.top)
        index = scores[..., top]
        ranks = rank_array(index[..., None])[..., 0]
        for layer, value in enumerate(wanted):
            own = float(index[layer, self._row])
            outcome = {"pii": own, "pii_rank": int(ranks[layer, self._row]), "pii_region_rank": np.nan,
                       "score": float(scores[layer, self._row, self._codes.index(indicator)])}
            if self._region_rows is not None:
                outcome["pii_region_rank"] = rank_among(pd.Series(index[layer, self._region_rows]), own, 1)
            self._cache[(indicator, value)] = outcome

    def outcome(self, indicator: str, value: float) -> dict:
        """score, pii, pii_rank, pii_region_rank with the province's `indicator` at `value`."""
        key = (indicator, float(value))
        if key not in self._cache:
            current_value = float(self._raw_of.at[self.province, indicator])
            if value == current_value:
                replayed = self.result
            else:
                self.prefetch(indicator, [value])
                if key in self._cache:
                    return dict(self._cache[key])
                replayed = replay_with_values(self.result, self.idata, self.province, {indicator: value})
            self._cache[key] = self._outcome(replayed, indicator)
        return dict(self._cache[key])
