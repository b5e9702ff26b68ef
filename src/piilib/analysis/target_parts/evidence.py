"""The province's evidence: its trend and the peer model, chosen by out-of-sample error."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Mapping

import numpy as np
import pandas as pd

from piilib import schema
from piilib.analysis.peers import PeerBenchmark
from piilib.analysis.trend import DEFAULT_COVERAGE, INSUFFICIENT, LOG, LOG1P, Predictive, t_tail
from piilib.analysis.target_parts.constants import (
    DEGENERATE_SCALE,
    EVIDENCE_COLUMNS,
    PEER,
    TREND,
    TREND_CONSTANT,
    TREND_FITTED,
)


# --------------------------------------------------------------------------- evidence


def trend_probability_shown(row) -> tuple[float, bool]:
    """(probability, held) to show for a row of the targets table: for a threshold already
    reached, the chance that the trend keeps the province at or beyond it (`p_hold_trend`,
    held=True); otherwise the chance that the trend reaches the row's target (`p_reach_trend`)."""
    hold = row["p_hold_trend"]
    if bool(row["reached"]) and hold == hold:  # not NaN
        return float(hold), True
    return float(row["p_reach_trend"]), False


def reach_probability(predictive: Predictive | None, value: float, direction: int,
                      bounds: tuple[float, float] = (-np.inf, np.inf)) -> float:
    """P(the predicted value is at least `value`; at most, for direction −1), from a
    one-element predictive distribution whose draws are clipped to `bounds`. NaN without one."""
    if predictive is None or not np.isfinite(value):
        return float("nan")
    low, high = bounds
    if direction > 0:
        if value <= low:
            return 1.0
        if value > high:
            return 0.0
    else:
        if value >= high:
            return 1.0
        if value < low:
            return 0.0
    loc, scale, df = float(predictive.loc[0]), float(predictive.scale[0]), float(predictive.df[0])
    transform = predictive.transform[0]
    if transform == LOG:
        if value <= 0:
            return 1.0 if direction > 0 else 0.0
        model_value = math.log(value)
    elif transform == LOG1P:
        if value <= -1:
            return 1.0 if direction > 0 else 0.0
        model_value = math.log1p(value)
    else:
        model_value = float(value)
    if not (np.isfinite(scale) and scale > 0):
        return float("nan")
    z = (model_value - loc) / scale
    return float(t_tail(z, df, upper=direction > 0))


def trend_loo_rmse(history: pd.DataFrame, kinds: Mapping[str, str]) -> float:
    """Leave-one-year-out RMSE of the trends of one indicator, pooled over the units, in the
    indicator's unit. history: columns year, unit, value; kinds: unit -> the kind its trend
    was fitted with (`project_all`'s `kind`; units without a fit are left out). The left-out
    prediction of a log-linear trend is exp(log y − PRESS residual), as `trend.fit_trend`
    compares kinds. Units observed in the same years share one hat matrix (one solve each)."""
    # The units × years table of the fitted units' values, as DataFrame.pivot lays it out
    # (units and years sorted), built with NumPy: a pivot per indicator costs more than the fits.
    units = history[schema.UNIT].to_numpy(dtype=object)
    values = history[schema.VALUE].to_numpy(dtype=float)
    fitted = {u for u in set(units) if kinds.get(u) in ("linear", "log-linear")}
    keep = ~np.isnan(values) & np.fromiter((u in fitted for u in units), dtype=bool, count=len(units))
    if not keep.any():
        return float("nan")
    unit_keys, unit_rows = np.unique(units[keep], return_inverse=True)
    year_keys, year_columns = np.unique(history[schema.YEAR].to_numpy()[keep], return_inverse=True)
    cells = unit_rows.ravel() * len(year_keys) + year_columns.ravel()
    if len(np.unique(cells)) < len(cells):
        raise ValueError("the history has more than one value for a unit and year")
    table = np.full((len(unit_keys), len(year_keys)), np.nan)
    table.flat[cells] = values[keep]
    years = year_keys.astype(float)
    is_log = np.asarray([kinds.get(u) == "log-linear" for u in unit_keys])
    patterns, group_of = np.unique(~np.isnan(table), axis=0, return_inverse=True)
    group_of = np.asarray(group_of).ravel()
    errors = []
    for g, pattern in enumerate(patterns):
        rows = np.flatnonzero(group_of == g)
        observed = table[np.ix_(rows, np.flatnonzero(pattern))].T  # (years, units)
        logs = is_log[rows][None, :]
        with np.errstate(divide="ignore", invalid="ignore"):
            response = np.where(logs, np.log(np.where(logs, observed, 1.0)), observed)
        offsets = years[pattern] - years[pattern][0]
        design = np.column_stack([np.ones(len(offsets)), offsets])
        hat = design @ np.linalg.pinv(design.T @ design) @ design.T
        with np.errstate(divide="ignore", invalid="ignore"):
            press = (response - hat @ response) / (1.0 - np.diag(hat))[:, None]
        left_out = response - press
        errors.append((observed - np.where(logs, np.exp(left_out), left_out)).ravel())
    pooled = np.concatenate(errors)
    return float(np.sqrt(np.mean(np.square(pooled))))


@dataclass(frozen=True)
class Evidence:
    """The province's trend and peer evidence, and which one is used (module docstring)."""

    trend_kind: str | None = None
    trend_status: str | None = None
    trend_predicted: float = np.nan
    trend_lower: float = np.nan
    trend_upper: float = np.nan
    trend_oos_rmse: float = np.nan
    peer_expected: float = np.nan
    peer_lower: float = np.nan
    peer_upper: float = np.nan
    peer_r_squared: float = np.nan
    peer_explains_little: object = None
    peer_leverage: float = np.nan
    peer_cooks_distance: float = np.nan
    peer_oos_rmse: float = np.nan
    peer_n_obs: float = np.nan
    peer_formula: str | None = None
    evidence_model: str | None = None
    evidence_oos_rmse: float = np.nan
    ceiling: float = np.nan
    bounds: tuple[float, float] = (-np.inf, np.inf)
    trend_predictive: Predictive | None = field(default=None, repr=False, compare=False)
    peer_predictive: Predictive | None = field(default=None, repr=False, compare=False)

    @classmethod
    def choose(
        cls,
        direction: int,
        trend: Mapping | None = None,
        peer: PeerBenchmark | None = None,
        coverage: float = DEFAULT_COVERAGE,
        bounds: tuple[float, float] = (-np.inf, np.inf),
    ) -> Evidence:
        """trend: {"kind", "predictive" (one-element `Predictive`), "oos_rmse"} or None (no
        history); peer: the province's `PeerBenchmark` or None. The model used is the usable
        one with the lower out-of-sample RMSE (ties: the trend, the province's own history);
        a trend of kind INSUFFICIENT or with zero scale is not usable."""
        low, high = (float(b) for b in bounds)
        fields: dict = {"bounds": (low, high)}
        errors = {}
        if trend is not None:
            predictive = trend.get("predictive")
            kind = trend.get("kind")
            fields["trend_kind"] = kind
            if kind == INSUFFICIENT or predictive is None:
                fields["trend_status"] = INSUFFICIENT
            else:
                median = float(np.clip(predictive.median[0], low, high))
                fields.update(trend_predicted=median, trend_oos_rmse=float(trend.get("oos_rmse", np.nan)))
                scale = float(predictive.scale[0])
                # A constant (or exactly linear) history fits with zero scale up to rounding
                # error: that is no evidence of certainty.
                if not (np.isfinite(scale) and scale > DEGENERATE_SCALE * max(1.0, abs(float(predictive.loc[0])))):
                    fields["trend_status"] = TREND_CONSTANT
                else:
                    lower, upper = predictive.interval(coverage)
                    fields.update(trend_status=TREND_FITTED, trend_predictive=predictive,
                                  trend_lower=float(np.clip(lower[0], low, high)),
                                  trend_upper=float(np.clip(upper[0], low, high)))
                    if np.isfinite(fields["trend_oos_rmse"]):
                        errors[TREND] = fields["trend_oos_rmse"]
        if peer is not None:
            fields.update(peer.as_dict())
            fields["peer_oos_rmse"] = fields.pop("peer_loo_rmse")
            fields["peer_predictive"] = peer.predictive
            if np.isfinite(peer.loo_rmse):
                errors[PEER] = float(peer.loo_rmse)
        if errors:
            model = min(errors, key=lambda k: (errors[k], k != TREND))
            lower, upper = ((fields["trend_lower"], fields["trend_upper"]) if model == TREND
                            else (fields["peer_lower"], fields["peer_upper"]))
            fields.update(evidence_model=model, evidence_oos_rmse=errors[model],
                          ceiling=float(upper if direction > 0 else lower))
        return cls(**fields)

    @property
    def usable(self) -> bool:
        return self.evidence_model is not None

    @property
    def business_as_usual(self) -> float:
        """The trend's median forecast (a constant history's constant); NaN without a trend."""
        return float(self.trend_predicted)

    def p_reach(self, value: float, direction: int, model: str = TREND) -> float:
        """P(reach `value`) under the trend (default) or the evidence model; NaN without it."""
        if model == TREND:
            predictive = self.trend_predictive
        elif model == PEER:
            predictive = self.peer_predictive
        else:
            predictive = None
        return reach_probability(predictive, value, direction, self.bounds)

    def as_dict(self) -> dict:
        return {name: getattr(self, name) for name in EVIDENCE_COLUMNS}
