"""The Monte Carlo on the next edition's map: the model, the scenarios, probabilities and rank bands."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from piilib import schema
from piilib.analysis.ranking_map import UnitMap
from piilib.index import IndexResult
from piilib.analysis.outlook_parts.constants import (
    CHUNK,
    DEFAULT_DRAWS,
    DEFAULT_TOP,
    IMPROVED,
    MAX_THREADS,
    SCENARIO_LABELS,
    SUMMARY_COLUMNS,
    SWEEP_CORRELATIONS,
    TARGETS_MET,
    TREND,
)
from piilib.analysis.outlook_parts.draws import ProjectionGrid
from piilib.analysis.outlook_parts.replay import IndexReplay


# --------------------------------------------------------------------------- the map


# The map of the next edition (`UnitMap`, `merged_unit_map`) is `piilib.analysis.ranking_map`'s,
# shared with the targets.


def _reordered(unit_map: UnitMap, base_units: Sequence[str]) -> UnitMap:
    """The same map with its base units in the order `base_units` (the index's)."""
    return unit_map.reordered(base_units)


# --------------------------------------------------------------------------- the model


@dataclass(frozen=True)
class OutlookModel:
    """Everything a simulation needs, prepared once: the replay of the method, the grid of
    predictive distributions (base map), the map, the province's row and unit."""

    replay: IndexReplay
    grid: ProjectionGrid
    unit_map: UnitMap
    province: str  # on the base map
    row: int  # province's row on the base map
    unit: str  # the province's unit on the next map
    column: int  # its position among the next map's units
    region: str
    rivals: np.ndarray  # (next units,) other units of its region
    directions: np.ndarray  # (indicators,)
    unit_weights: np.ndarray | None  # (next units, indicators), see IndexReplay.unit_weights
    missing: np.ndarray  # (next units, indicators) structurally missing after the merge

    @classmethod
    def build(cls, result: IndexResult, projections: pd.DataFrame, province: str,
              unit_map: UnitMap, lower_bounds: Mapping[str, float] | None = None,
              upper_bounds: Mapping[str, float] | None = None) -> "OutlookModel":
        replay = IndexReplay(result)
        structure = replay.structure
        raw = result.stages["Raw"].set_index("uCode")[list(structure.indicator_codes)].astype(float)
        units = [str(u) for u in raw.index]
        if province not in units:
            raise ValueError(f"unit {province!r} is not among the units of the index")
        unit_map = _reordered(unit_map, units)
        grid = ProjectionGrid.build(projections, raw, lower_bounds, upper_bounds)
        row = units.index(province)
        unit = unit_map.unit_of(province)
        column = unit_map.units.index(unit)
        region = unit_map.unit_regions[column]
        rivals = np.array([r == region for r in unit_map.unit_regions])
        rivals[column] = False
        centre = grid.values(np.zeros((1, len(grid.predictive))))
        missing = np.isnan(unit_map.apply(centre))[0]
        return cls(replay, grid, unit_map, province, row, unit, column, region, rivals,
                   structure.directions.astype(float), replay.unit_weights(missing), missing)

    def scores(self, normalised: np.ndarray) -> np.ndarray:
        """(draws, next units) index from normalised scores on the next map."""
        if self.unit_weights is not None and np.array_equal(np.isnan(normalised).any(axis=0), self.missing):
            return np.einsum("dui,ui->du", np.where(self.missing, 0.0, normalised), self.unit_weights)
        return self.replay.index_from_normalised(normalised)

    def normalised(self, values: np.ndarray, columns: np.ndarray | None = None) -> np.ndarray:
        """Base-map raw values → next map (merged) → treated and normalised."""
        return self.replay.normalised(self.unit_map.apply(values, columns), columns)

    def ranks(self, scores: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        own = scores[:, self.column:self.column + 1]
        higher = scores > own
        return 1 + higher.sum(axis=1), ~np.any(higher & self.rivals, axis=1), own[:, 0]

    def target_arrays(self, targets: Mapping[str, float] | None):
        targets = {str(k): float(v) for k, v in (targets or {}).items() if np.isfinite(v)}
        codes = list(self.replay.structure.indicator_codes)
        unknown = sorted(set(targets) - set(codes))
        if unknown:
            raise ValueError(f"target indicator(s) {unknown} are not indicators of the index")
        columns = np.array([codes.index(c) for c in targets], dtype=int)
        return targets, columns, np.array(list(targets.values()), dtype=float)

    def shift_vector(self, shifts: Mapping[str, float] | None) -> np.ndarray | None:
        """Improvements (indicator -> SDs) as a standardised shift of the province's row."""
        if not shifts:
            return None
        codes = list(self.replay.structure.indicator_codes)
        shift = np.zeros(self.grid.shape)
        for code, k in shifts.items():
            if str(code) not in codes:
                raise ValueError(f"improvement indicator {code!r} is not an indicator of the index")
            j = codes.index(str(code))
            shift[self.row, j] = self.directions[j] * float(k)
        return shift.ravel()


def _apply_targets(values: np.ndarray, row: int, columns: np.ndarray, targets: np.ndarray,
                   directions: np.ndarray, copy: bool = True) -> np.ndarray:
    """The province's values raised to at least the target (lowered to at most, direction −1);
    copy=False changes `values` itself."""
    changed = values.copy() if copy else values
    current = changed[:, row, columns]
    changed[:, row, columns] = np.where(directions > 0, np.maximum(current, targets), np.minimum(current, targets))
    return changed


def _summary(scenario: str, ranks: np.ndarray, leads: np.ndarray, own: np.ndarray, top: int,
             province_correlation: float, indicator_correlation: float) -> dict:
    n = len(ranks)
    p_top = float(np.mean(ranks <= top))
    p_lead = float(np.mean(leads))
    q05, median, q95 = np.quantile(ranks, [0.05, 0.5, 0.95])
    i05, i50, i95 = np.nanquantile(own, [0.05, 0.5, 0.95]) if np.isfinite(own).any() else (np.nan,) * 3
    return {
        "scenario": scenario,
        "label": SCENARIO_LABELS[scenario],
        "p_top": p_top,
        "se_top": float(np.sqrt(p_top * (1 - p_top) / n)),
        "p_region_lead": p_lead,
        "se_region_lead": float(np.sqrt(p_lead * (1 - p_lead) / n)),
        "mean_rank": float(ranks.mean()),
        "median_rank": float(median),
        "rank_q05": float(q05),
        "rank_q95": float(q95),
        "index_median": float(i50),
        "index_q05": float(i05),
        "index_q95": float(i95),
        "province_correlation": float(province_correlation),
        "indicator_correlation": float(indicator_correlation),
    }


def simulation_threads() -> int:
    """Threads for the Monte Carlo: the cores this process may use, at most MAX_THREADS."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, MAX_THREADS))


def _simulate(model: OutlookModel, draws: int, seed, province_correlations: Sequence[float],
              indicator_correlation: float, targets: Mapping[str, float] | None = None,
              shifts: Mapping[str, float] | None = None) -> dict:
    """(rho, scenario) -> (ranks, leads, own index) over `draws` draws, common random numbers."""
    if draws < 1:
        raise ValueError(f"the number of draws must be at least 1; got {draws}")
    targets, target_columns, target_values = model.target_arrays(targets)
    shift = model.shift_vector(shifts)
    scenarios = [TREND] + ([TARGETS_MET] if targets else []) + ([IMPROVED] if shift is not None else [])
    rhos = [float(r) for r in province_correlations]
    out = {(r, s): (np.empty(draws, dtype=int), np.empty(draws, dtype=bool), np.empty(draws))
           for r in rhos for s in scenarios}
    # One random stream per chunk, spawned from the seed: the draws do not depend on the
    # order the chunks run in, so chunks run on threads (NumPy releases the GIL in its
    # array operations) and a seed gives the same result on any number of cores.
    starts = range(0, draws, CHUNK)
    streams = np.random.default_rng(seed).spawn(len(starts))

    def run_chunk(start: int, rng: np.random.Generator) -> None:
        size = min(CHUNK, draws - start)
        standards = model.grid.standard(size, rng, rhos, indicator_correlation, model.directions)
        for rho, standard in zip(rhos, standards):
            values = model.grid.values(standard)
            normalised = model.normalised(values)
            for scenario in scenarios:
                if scenario == TREND:
                    scenario_normalised = normalised
                elif scenario == TARGETS_MET:
                    # Only the target indicators change: re-treat and re-normalise just those.
                    # The target columns only (a copy), the province's row raised to its targets.
                    changed = _apply_targets(values[..., target_columns], model.row,
                                             np.arange(len(target_columns)), target_values,
                                             model.directions[target_columns], copy=False)
                    scenario_normalised = normalised.copy()
                    scenario_normalised[..., target_columns] = model.normalised(changed, target_columns)
                else:
                    scenario_normalised = model.normalised(model.grid.values(standard, shift))
                ranks, leads, own = model.ranks(model.scores(scenario_normalised))
                target = out[(rho, scenario)]  # each chunk writes its own slice
                target[0][start:start + size] = ranks
                target[1][start:start + size] = leads
                target[2][start:start + size] = own

    workers = min(len(starts), simulation_threads())
    if workers > 1:
        with ThreadPoolExecutor(workers) as pool:
            list(pool.map(run_chunk, starts, streams))  # re-raises a chunk's exception
    else:
        for start, rng in zip(starts, streams):
            run_chunk(start, rng)
    return out


# --------------------------------------------------------------------------- the outlook


@dataclass(frozen=True)
class OutlookResult:
    """The outlook of one province on the map the next edition is ranked on.

    summary: one row per scenario (SUMMARY_COLUMNS, meaning in SUMMARY_MEANING).
    rank_distribution: index = rank 1..n_units (next map), one column per scenario: share of draws.
    targets: indicator -> the target value applied (empty: no targets scenario).
    projections: the province's projections (project_all rows) when computed by `outlook`.
    Map: `unit` (the province's unit on the next map, e.g. the merged city), `n_units` (units
    ranked in the next edition, 34 from 2025), `region`, `region_name`, `n_region` (units of
    the region on that map, the province included), `merged` (the base was on another map).
    Base: `base_rank` of `base_n_units` (the base edition as published), `base_rank_on_map`
    (the base edition's values on the next map, ranked there), `base_region_leader` (on the
    next map).
    """

    province: str
    region: str
    edition: int | None
    next_edition: int | None
    draws: int
    seed: int | None
    top: int
    n_units: int
    n_region: int
    base_rank: int
    base_region_leader: bool
    summary: pd.DataFrame
    rank_distribution: pd.DataFrame
    targets: pd.Series
    n_series_without_fit: int
    projections: pd.DataFrame = field(default_factory=pd.DataFrame)
    unit: str = ""
    region_name: str = ""
    base_n_units: int = 0
    base_rank_on_map: int = 0
    merged: bool = False
    province_correlation: float = 0.0
    indicator_correlation: float = 0.0
    # Indicators given no merged value for lack of the quantities their merge rule needs.
    not_merged: tuple[str, ...] = ()
    # The base edition's own values on the next map, without and with every target met at
    # once (no draws: the index recomputed once; `base_outcome`): index, rank, regional rank.
    base_index_on_map: float = float("nan")
    base_region_rank_on_map: int = 0
    targets_met_index_on_map: float = float("nan")
    targets_met_rank_on_map: int = 0
    targets_met_region_rank_on_map: int = 0

    def probability(self, scenario: str = TREND, event: str = "top") -> float:
        """P(rank <= top) for event "top", P(leading the region) for event "region"."""
        columns = {"top": "p_top", "region": "p_region_lead"}
        if event not in columns:
            raise ValueError(f"event must be 'top' or 'region'; got {event!r}")
        return float(self.summary.set_index("scenario").at[scenario, columns[event]])

    @property
    def map_summary(self) -> dict:
        """The map of the probabilities: next edition, units ranked, region and its size."""
        return {"next_edition": self.next_edition, "n_units": self.n_units, "unit": self.unit,
                "region": self.region, "region_name": self.region_name, "n_region": self.n_region,
                "merged": self.merged}


def base_outcome(model: OutlookModel, result: IndexResult, targets: Mapping[str, float] | None = None) -> dict:
    """The base edition's own values ranked on the next map, with the province's values of
    `targets` (indicator -> raw value) set to at least the target (at most, direction −1) all
    at once: the combined scenario "every target met", every other value as in the base
    edition. index, rank, region_rank (1 + the region's other units strictly higher), leader."""
    raw = result.stages["Raw"].set_index("uCode")[list(model.replay.structure.indicator_codes)].astype(float)
    values = raw.to_numpy(dtype=float)[None]
    targets, columns, target_values = model.target_arrays(targets)
    if targets:
        values = _apply_targets(values, model.row, columns, target_values, model.directions[columns])
    scores = model.scores(model.normalised(values))
    ranks, leads, own = model.ranks(scores)
    region_rank = 1 + int(np.sum(scores[0] > scores[0, model.column], where=model.rivals))
    return {"index": float(own[0]), "rank": int(ranks[0]), "region_rank": region_rank, "leader": bool(leads[0])}


def _base_position(model: OutlookModel, result: IndexResult) -> tuple[int, bool]:
    """The base edition's own values on the next map: rank and region leadership there."""
    base = base_outcome(model, result)
    return base["rank"], base["leader"]


def simulate_outlook(
    result: IndexResult,
    projections: pd.DataFrame,
    province: str,
    regions: Mapping[str, str] | None = None,
    draws: int = DEFAULT_DRAWS,
    seed: int | None = None,
    targets: Mapping[str, float] | None = None,
    top: int = DEFAULT_TOP,
    lower_bounds: Mapping[str, float] | None = None,
    edition: int | None = None,
    unit_map: UnitMap | None = None,
    province_correlation: float = 0.0,
    indicator_correlation: float = 0.0,
    upper_bounds: Mapping[str, float] | None = None,
    shifts: Mapping[str, float] | None = None,
) -> OutlookResult:
    """The Monte Carlo of the outlook on an index already built (see the module docstring).

    result: the base edition (`build_index` / `compute_pii`); its Raw stage gives the units,
    the indicators and the values of series without a projection. projections: project_all
    rows (unit, indicator, loc, scale, df, transform). unit_map: the next edition's map
    (`merged_unit_map`); without one, the base units with `regions` (unit -> region).
    targets: indicator -> raw value for the targets scenario; shifts: indicator -> SDs of
    improvement of the province's predictive distributions (the IMPROVED scenario).
    """
    model = _model(result, projections, province, regions, unit_map, lower_bounds, upper_bounds, edition)
    simulated = _simulate(model, draws, seed, [province_correlation], indicator_correlation, targets, shifts)
    scenarios = [s for (_, s) in simulated]
    summary = pd.DataFrame([_summary(s, *simulated[(float(province_correlation), s)], top, province_correlation,
                                     indicator_correlation) for s in scenarios], columns=SUMMARY_COLUMNS)
    n_units = model.unit_map.n_units
    distribution = pd.DataFrame(
        {s: np.bincount(simulated[(float(province_correlation), s)][0], minlength=n_units + 1)[1:n_units + 1] / draws
         for s in scenarios},
        index=pd.RangeIndex(1, n_units + 1, name="rank"),
    )
    base = base_outcome(model, result)  # the base edition on the next map, computed once
    base_rank_on_map, base_leader = base["rank"], base["leader"]
    combined = base_outcome(model, result, targets) if targets else None
    targets, _, _ = model.target_arrays(targets)
    index_code = model.replay.structure.index_code
    return OutlookResult(
        province=province,
        region=model.region,
        edition=None if edition is None else int(edition),
        next_edition=model.unit_map.next_edition if model.unit_map.next_edition is not None
        else (None if edition is None else int(edition) + 1),
        draws=int(draws),
        seed=seed,
        top=int(top),
        n_units=n_units,
        n_region=int(model.rivals.sum()) + 1,
        base_rank=int(result.ranks.at[province, index_code]),
        base_region_leader=base_leader,
        summary=summary,
        rank_distribution=distribution,
        targets=pd.Series(targets, name="target", dtype=float).rename_axis(schema.INDICATOR),
        n_series_without_fit=model.grid.n_without_fit,
        unit=model.unit,
        region_name=str(model.unit_map.region_names.get(model.region, model.region)),
        base_n_units=len(model.unit_map.base_units),
        base_rank_on_map=base_rank_on_map,
        merged=model.unit_map.merged,
        province_correlation=float(province_correlation),
        indicator_correlation=float(indicator_correlation),
        not_merged=tuple(model.unit_map.without_quantities),
        base_index_on_map=base["index"],
        base_region_rank_on_map=base["region_rank"],
        targets_met_index_on_map=float("nan") if combined is None else combined["index"],
        targets_met_rank_on_map=0 if combined is None else combined["rank"],
        targets_met_region_rank_on_map=0 if combined is None else combined["region_rank"],
    )


def _model(result, projections, province, regions, unit_map, lower_bounds, upper_bounds, edition) -> OutlookModel:
    if unit_map is None:
        if regions is None:
            raise ValueError("give the regions (unit -> region) or a unit_map")
        units = result.stages["Raw"]["uCode"].astype(str).tolist()
        unit_map = UnitMap.identity(units, regions, None if edition is None else int(edition) + 1)
    return OutlookModel.build(result, projections, province, unit_map, lower_bounds, upper_bounds)


def correlation_sweep(
    result: IndexResult,
    projections: pd.DataFrame,
    province: str,
    unit_map: UnitMap,
    correlations: Sequence[float] = SWEEP_CORRELATIONS,
    draws: int = DEFAULT_DRAWS,
    seed: int | None = None,
    targets: Mapping[str, float] | None = None,
    top: int = DEFAULT_TOP,
    indicator_correlation: float = 0.0,
    lower_bounds: Mapping[str, float] | None = None,
    upper_bounds: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """The outlook's probabilities and rank band as a function of the assumed province
    correlation, on common random numbers: SUMMARY_COLUMNS, one row per correlation × scenario."""
    model = OutlookModel.build(result, projections, province, unit_map, lower_bounds, upper_bounds)
    simulated = _simulate(model, draws, seed, correlations, indicator_correlation, targets)
    rows = [_summary(s, *arrays, top, rho, indicator_correlation) for (rho, s), arrays in simulated.items()]
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)
