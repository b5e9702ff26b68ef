"""The cheapest path: the smallest set of indicator improvements that reaches the goals."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
import pandas as pd

from piilib import schema
from piilib.analysis.trend import inverse_transform, t_tail
from piilib.analysis.outlook_parts.constants import (
    DEFAULT_DRAWS,
    DEFAULT_EFFORT_STEP,
    DEFAULT_GOAL,
    DEFAULT_MAX_EFFORT,
    DEFAULT_SEARCH_DRAWS,
    DEFAULT_TOP,
    SUMMARY_COLUMNS,
)
from piilib.analysis.outlook_parts.simulation import OutlookModel, _simulate, _summary


# --------------------------------------------------------------------------- cheapest path


@dataclass(frozen=True)
class CheapestPath:
    """The smallest set of the province's indicator improvements, within the evidence, that
    reaches the goals (greedy by gain per effort, `cheapest_path`).

    improvements: one row per improved indicator: indicator, effort_sd (standard deviations
        of its trend's predictive distribution), trend_median, target_value (the median the
        improvement gives, in the indicator's unit; on a 63 → 34 outlook the former
        province's value), p_on_trend (probability the trend alone reaches the target).
    steps: the greedy steps in order: indicator, effort_sd added, total_effort_sd, p_top,
        p_region_lead on the search draws after the step.
    check: SUMMARY_COLUMNS rows (trend, improved) on independent draws: the figures to quote
        (the search draws select the path, so their figures are optimistic).
    """

    improvements: pd.DataFrame
    steps: pd.DataFrame
    check: pd.DataFrame
    reached: bool
    goal: float
    max_effort: float
    total_effort_sd: float
    search_draws: int
    check_draws: int = 0


def _goal_shortfall(scores: np.ndarray, column: int, rival_columns: np.ndarray, top: int, goal: float):
    """(shortfall, p_top, p_lead) of a (draws, units) score array."""
    higher = scores > scores[:, column:column + 1]
    p_top = float(np.mean(np.count_nonzero(higher, axis=1) < top))
    p_lead = 1.0 - float(np.mean(higher[:, rival_columns].any(axis=1))) if len(rival_columns) else 1.0
    return max(0.0, goal - p_top) + max(0.0, goal - p_lead), p_top, p_lead


def cheapest_path(
    model: OutlookModel,
    top: int = DEFAULT_TOP,
    goal: float = DEFAULT_GOAL,
    max_effort: float = DEFAULT_MAX_EFFORT,
    effort_step: float = DEFAULT_EFFORT_STEP,
    draws: int = DEFAULT_SEARCH_DRAWS,
    check_draws: int = DEFAULT_DRAWS,
    seed: int | None = None,
    province_correlation: float = 0.0,
    indicator_correlation: float = 0.0,
    indicators: Sequence[str] | None = None,
) -> CheapestPath:
    """Greedy search for the cheapest improvements reaching P(top) >= goal and P(lead region)
    >= goal on the next edition's map.

    An improvement of k standard deviations on indicator j moves the province's predictive
    distribution of j by k of its scales in the better direction (on the model scale: a
    log-linear series moves by a factor); k runs over effort_step, 2·effort_step, ...,
    max_effort (the evidence: beyond ~2 SD a trend says nothing). Each greedy step takes the
    move (any indicator, any larger k) with the largest fall of the shortfall
    max(0, goal − p_top) + max(0, goal − p_lead) per SD of effort, on `draws` common random
    draws; it stops when the goals are reached or no move helps (`reached` False: unreachable
    within the evidence). Only the improved column is re-treated and re-normalised, so a move
    costs one column. `indicators`: the candidates (default every indicator with a fitted,
    non-degenerate trend for the province).
    """
    if model.unit_weights is None:
        raise ValueError("the cheapest path needs the arithmetic aggregation (the PII's)")
    if not 0 < goal <= 1:
        raise ValueError(f"goal must be a probability in (0, 1]; got {goal}")
    codes = list(model.replay.structure.indicator_codes)
    n_indicators = len(codes)
    grid = model.grid
    cells = model.row * n_indicators + np.arange(n_indicators)
    scale = grid.predictive.scale[cells]
    allowed = set(codes if indicators is None else [str(c) for c in indicators])
    candidates = [j for j in range(n_indicators) if scale[j] > 0 and codes[j] in allowed]
    levels = np.arange(1, int(round(max_effort / effort_step)) + 1) * effort_step

    rng = np.random.default_rng(seed)
    standard = grid.standard(draws, rng, province_correlation, indicator_correlation, model.directions)
    values = grid.values(standard)
    normalised = model.normalised(values)
    weights = model.unit_weights
    base_scores = np.einsum("dui,ui->du", np.where(np.isnan(normalised), 0.0, normalised), weights)
    deltas = {}
    for j in candidates:
        column = values[..., j:j + 1].copy()
        old = np.nan_to_num(normalised[..., j])
        own_standard = standard[:, cells[j]]
        for level_index, k in enumerate(levels, start=1):
            shifted = grid.predictive.loc[cells[j]] + scale[j] * (own_standard + model.directions[j] * k)
            shifted = inverse_transform(shifted, grid.predictive.transform[cells[j]])
            column[:, model.row, 0] = np.clip(shifted, grid.lower_bounds[j],
                                              np.inf if grid.upper_bounds is None else grid.upper_bounds[j])
            new = np.nan_to_num(model.normalised(column, np.array([j]))[..., 0])
            # Single precision: the search compares many candidates; the check uses doubles.
            deltas[(j, level_index)] = ((new - old) * weights[:, j]).astype(np.float32)

    level_of = {j: 0 for j in candidates}
    scores = base_scores.astype(np.float32)
    rival_columns = np.flatnonzero(model.rivals)
    shortfall, p_top, p_lead = _goal_shortfall(scores, model.column, rival_columns, top, goal)
    steps = []
    while shortfall > 0:
        best = None
        for j in candidates:
            current = deltas.get((j, level_of[j]), 0.0)
            for level_index in range(level_of[j] + 1, len(levels) + 1):
                trial = scores + deltas[(j, level_index)] - current
                trial_shortfall, t_top, t_lead = _goal_shortfall(trial, model.column, rival_columns, top, goal)
                gain = (shortfall - trial_shortfall) / ((level_index - level_of[j]) * effort_step)
                if gain > 0 and (best is None or gain > best[0]):
                    best = (gain, j, level_index, trial, trial_shortfall, t_top, t_lead)
        if best is None:
            break
        _, j, level_index, scores, shortfall, p_top, p_lead = best
        added = (level_index - level_of[j]) * effort_step
        level_of[j] = level_index
        steps.append({schema.INDICATOR: codes[j], "effort_sd": added, "total_effort_sd": float(levels[level_index - 1]),
                      "p_top": p_top, "p_region_lead": p_lead})
    reached = shortfall == 0

    chosen = {codes[j]: float(levels[level - 1]) for j, level in level_of.items() if level > 0}
    rows = []
    for code, k in chosen.items():
        j = codes.index(code)
        cell = cells[j]
        centre = grid.predictive.loc[cell]
        moved = inverse_transform(np.array([centre + model.directions[j] * k * scale[j]]),
                                  grid.predictive.transform[cell])[0]
        upper = np.inf if grid.upper_bounds is None else grid.upper_bounds[j]
        rows.append({
            schema.INDICATOR: code, "unit": model.province, "effort_sd": k,
            "trend_median": float(np.clip(inverse_transform(np.array([centre]), grid.predictive.transform[cell])[0],
                                          grid.lower_bounds[j], upper)),
            "target_value": float(np.clip(moved, grid.lower_bounds[j], upper)),
            "p_on_trend": float(t_tail(k, grid.predictive.df[cell])),
        })
    improvements = pd.DataFrame(rows, columns=[schema.INDICATOR, "unit", "effort_sd", "trend_median",
                                               "target_value", "p_on_trend"])
    check_seed = None if seed is None else int(seed) + 1
    checked = _simulate(model, check_draws, check_seed, [province_correlation], indicator_correlation,
                        shifts=chosen or None)
    check = pd.DataFrame([_summary(s, *arrays, top, province_correlation, indicator_correlation)
                          for (_, s), arrays in checked.items()], columns=SUMMARY_COLUMNS)
    return CheapestPath(
        improvements=improvements,
        steps=pd.DataFrame(steps, columns=[schema.INDICATOR, "effort_sd", "total_effort_sd", "p_top",
                                           "p_region_lead"]),
        check=check, reached=bool(reached), goal=float(goal), max_effort=float(max_effort),
        total_effort_sd=float(sum(chosen.values())), search_draws=int(draws), check_draws=int(check_draws),
    )
