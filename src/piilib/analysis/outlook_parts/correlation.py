"""The correlations of the draws estimated from the trends' residuals."""

from __future__ import annotations

from typing import Mapping

import numpy as np
import pandas as pd

from piilib import schema
from piilib.analysis.outlook_parts.constants import MAX_CORRELATION


# --------------------------------------------------------------------------- correlation


def estimate_correlation(residuals: pd.DataFrame, directions: Mapping[str, float]) -> dict:
    """Equicorrelation estimates from studentised trend residuals (`trend.trend_residuals`).

    province: the average product of two different indicators' direction-adjusted residuals
    of one province in one year, over the average squared residual (a common "good year"
    of a province moves its indicators together); indicator: the same over two provinces'
    residuals on one indicator in one year. Both are clipped to [0, MAX_CORRELATION] (and
    scaled so that they sum below it). NaN when there is nothing to estimate from. Small-sample
    note: residuals of short series are shrunk towards their own line, so the estimates are
    approximate; they are a default, and `correlation_sweep` shows the sensitivity.
    """
    if residuals.empty:
        return {"province": float("nan"), "indicator": float("nan"), "n_residuals": 0}
    sign = residuals[schema.INDICATOR].astype(str).map(lambda c: float(directions.get(c, 1.0)))
    r = residuals["residual"].to_numpy(dtype=float) * sign.to_numpy(dtype=float)
    frame = pd.DataFrame({"year": residuals[schema.YEAR].to_numpy(), "unit": residuals[schema.UNIT].to_numpy(),
                          "indicator": residuals[schema.INDICATOR].astype(str).to_numpy(), "r": r, "r2": r * r})
    mean_square = float(frame["r2"].mean())

    def equicorrelation(keys: list[str]) -> float:
        sums = frame.groupby(keys).agg(s1=("r", "sum"), s2=("r2", "sum"), n=("r", "size"))
        pairs = float((sums["n"] * (sums["n"] - 1)).sum())
        if pairs == 0 or mean_square == 0:
            return float("nan")
        return float((sums["s1"] ** 2 - sums["s2"]).sum() / pairs / mean_square)

    province = equicorrelation(["year", "unit"])
    indicator = equicorrelation(["year", "indicator"])
    clipped = [min(max(v, 0.0), MAX_CORRELATION) if np.isfinite(v) else float("nan") for v in (province, indicator)]
    total = np.nansum(clipped)
    if total >= MAX_CORRELATION:
        clipped = [v * MAX_CORRELATION / total * 0.99 for v in clipped]
    return {"province": clipped[0], "indicator": clipped[1], "province_raw": province, "indicator_raw": indicator,
            "n_residuals": len(frame)}
