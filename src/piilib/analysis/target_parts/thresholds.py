"""Precision of the needed values, ranks among the others, and the value each threshold needs."""

from __future__ import annotations

import math
from typing import Iterable

import numpy as np
import pandas as pd

from piilib.analysis.trend import best_value, value_at_rank
from piilib.analysis.target_parts.constants import (
    BEST_PEER,
    DEFAULT_TOP,
    HOLD_RANK,
    MAX_DECIMALS,
    NATIONAL_MEDIAN,
    NATIONAL_TOP,
    ONE_RANK_UP,
    RANK_TOLERANCE,
    REGION_LEAD,
    SIGNIFICANT_DIGITS,
    THRESHOLDS,
)


# --------------------------------------------------------------------------- precision

def value_decimals(values: Iterable[float], significant: int = SIGNIFICANT_DIGITS) -> int:
    """The precision of the data: the fewest decimals that write every value exactly, but no
    more than `significant` significant digits at the median magnitude (computed values, e.g.
    harmonised after the merger, carry meaningless decimals)."""
    finite = np.asarray([v for v in values if v is not None and np.isfinite(v)], dtype=float)
    nonzero = np.abs(finite[finite != 0])
    cap = MAX_DECIMALS
    if len(nonzero):
        cap = int(np.clip(significant - 1 - math.floor(math.log10(np.median(nonzero))), 0, MAX_DECIMALS))
    for decimals in range(cap + 1):
        error = np.abs(np.round(finite, decimals) - finite)
        if np.all(error <= 1e-9 * np.maximum(1.0, np.abs(finite))):
            return decimals
    return cap


def round_towards(value: float, decimals: int, direction: int) -> float:
    """`value` at `decimals`, rounded up (direction +1) or down (−1) unless already exact."""
    if not np.isfinite(value):
        return float("nan")
    rounded = round(float(value), decimals)
    if direction * (rounded - value) >= -1e-9 * max(1.0, abs(value)):
        return rounded
    return round(rounded + direction * 10.0 ** -decimals, decimals)


def shown_change(current: float, target: float, places: int, direction: int) -> float:
    """The change a target asks for as the report writes it: the target at `places` decimals
    rounded towards improvement (never short of it) less the current value at `places`, so
    that it is the difference of the two values as shown (3,15 − 3,71 = −0,56, where the
    unrounded change −0,553 would read −0,55 beside them). NaN when either is missing."""
    if not (np.isfinite(current) and np.isfinite(target)):
        return float("nan")
    return round(round_towards(float(target), places, direction) - round(float(current), places), places)


def _without(values: pd.Series, unit: str) -> pd.Series:
    """`values` without `unit` (absent: unchanged); a mask, cheaper than Series.drop."""
    return values[values.index != unit]


def rank_among(others: pd.Series, value: float, direction: int, tolerance: float = 0.0) -> int:
    """Rank `value` would have among `others` (1 + number strictly better; COINr's min ties).

    tolerance (relative): an other better by no more than tolerance × max(1, |value|) ties
    (for values carried onto another map, equal up to rounding error)."""
    others = np.asarray(others.to_numpy() if isinstance(others, pd.Series) else list(others), dtype=float)
    others = others[~np.isnan(others)]
    slack = tolerance * max(1.0, abs(float(value)))
    return int(1 + np.sum(direction * (others - value) > slack))


# --------------------------------------------------------------------------- thresholds


def thresholds(
    values: pd.Series,
    province: str,
    direction: int,
    region_members: Iterable[str] = (),
    peer_members: Iterable[str] = (),
    top: int = DEFAULT_TOP,
    decimals: int | None = None,
    comparison: pd.Series | None = None,
    today_rank: int | None = None,
    to_map: tuple[float, float] = (0.0, 1.0),
) -> pd.DataFrame:
    """The value the province needs for each threshold (rule in the module docstring).

    values: one indicator, unit -> current raw value (the province included). comparison:
    the other units' values on the ranking map (default: the others' current values); pass
    their projections for the projected basis. today_rank: the province's rank today on the
    ranking map (default: its current value's rank among `comparison`). to_map: (intercept,
    slope) of the province's value on the ranking map as a function of its own value
    (identity on the same map). decimals: precision of the needed values (default: that of
    `values`). Columns: threshold, reference_unit (who holds the threshold value, when one
    unit does), threshold_value (on the ranking map), needed_value (the province's own value
    that reaches it), reached, target_value (needed, or the current value when reached),
    increment.
    """
    if direction not in (1, -1):
        raise ValueError(f"direction must be +1 or -1; got {direction!r}")
    intercept, slope = (float(v) for v in to_map)
    if not slope > 0:
        raise ValueError(f"to_map slope must be > 0 (a merged value grows with the province's own); got {slope!r}")
    values = values.astype(float)
    if province not in values.index or not np.isfinite(values[province]):
        raise ValueError(f"province {province!r} has no value for this indicator")
    own = float(values[province])
    decimals = value_decimals(values.to_numpy()) if decimals is None else decimals
    others = _without(values if comparison is None else comparison.astype(float), province).dropna()
    mapped_own = intercept + slope * own
    rank = rank_among(others, mapped_own, direction, RANK_TOLERANCE) if today_rank is None else int(today_rank)

    other_values = others.to_numpy(dtype=float)
    other_units = others.index

    def holder(value: float) -> str | None:
        """Who holds `value` (the first by name when several do)."""
        return min(other_units[other_values == value]) if np.isfinite(value) else None

    def best_of(members: Iterable[str]) -> tuple[str | None, float]:
        present = set(members)
        return best_value(others[other_units.isin(present)], direction) if present else (None, float("nan"))

    found = {}
    hold = value_at_rank(other_values, rank, direction)
    found[HOLD_RANK] = (holder(hold), hold)
    ahead = value_at_rank(other_values, rank - 1, direction) if rank > 1 else float("nan")
    found[ONE_RANK_UP] = (holder(ahead), ahead)
    found[NATIONAL_MEDIAN] = (None, float(np.median(other_values)) if len(others) else float("nan"))
    top_value = value_at_rank(other_values, top, direction)
    found[NATIONAL_TOP] = (holder(top_value), top_value)
    found[REGION_LEAD] = best_of(region_members)
    found[BEST_PEER] = best_of(peer_members)

    rows = []
    for name in THRESHOLDS:
        reference, threshold_value = found[name]
        needed = _needed_value(threshold_value, intercept, slope, decimals, direction)
        # No unit ahead: the province is first, nothing to reach.
        reached = (not np.isfinite(needed)) or direction * (own - needed) >= 0 or \
            direction * (mapped_own - threshold_value) >= -RANK_TOLERANCE * max(1.0, abs(threshold_value))
        target = own if reached else needed
        rows.append({
            "threshold": name,
            "reference_unit": reference,
            "threshold_value": threshold_value,
            "needed_value": needed,
            "reached": bool(reached),
            "target_value": target,
            "increment": target - own,
            "today_rank": rank,
        })
    return pd.DataFrame(rows)


def _needed_value(threshold: float, intercept: float, slope: float, decimals: int, direction: int) -> float:
    """The province's own value, at the data's precision, whose value on the ranking map
    reaches `threshold` (the affine map inverted, rounded towards better, checked)."""
    if not np.isfinite(threshold):
        return float("nan")
    needed = round_towards((threshold - intercept) / slope, decimals, direction)
    slack = RANK_TOLERANCE * max(1.0, abs(threshold))
    for _ in range(3):  # rounding error of the inversion: at most a step or two
        if direction * (intercept + slope * needed - threshold) >= -slack:
            break
        needed = round(needed + direction * 10.0 ** -decimals, decimals)
    return needed
