"""From the data: projections for the next edition, its map, the shared inputs and the outlook on a bundle."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from piilib import schema
from piilib.analysis.bounds import bounds_mapping
from piilib.analysis.ranking_map import UnitMap, bundle_unit_map, merged_unit_map
from piilib.analysis.trend import project_all, trend_residuals
from piilib.index import IndexResult
from piilib.analysis.outlook_parts.cheapest import CheapestPath, cheapest_path
from piilib.analysis.outlook_parts.constants import (
    DEFAULT_DRAWS,
    DEFAULT_GOAL,
    DEFAULT_MAX_EFFORT,
    DEFAULT_SEARCH_DRAWS,
    DEFAULT_TOP,
    SWEEP_CORRELATIONS,
)
from piilib.analysis.outlook_parts.correlation import estimate_correlation
from piilib.analysis.outlook_parts.simulation import OutlookModel, OutlookResult, correlation_sweep, simulate_outlook


# --------------------------------------------------------------------------- from the data


def nonnegative_indicators(*frames: pd.DataFrame) -> dict[str, float]:
    """Indicator -> 0 for every indicator whose observed values (all frames) are all >= 0."""
    values = pd.concat([f[[schema.INDICATOR, schema.VALUE]] for f in frames if f is not None], ignore_index=True)
    values = values.dropna(subset=[schema.VALUE])
    minimum = values.groupby(values[schema.INDICATOR].astype(str))[schema.VALUE].min()
    return {code: 0.0 for code, low in minimum.items() if low >= 0}


def _history_up_to(history: pd.DataFrame, edition: int, indicator_codes: Sequence[str]) -> pd.DataFrame:
    year = schema.data_year(edition)
    rows = history[history[schema.YEAR].astype(int) <= year]
    rows = rows[rows[schema.INDICATOR].astype(str).isin([str(c) for c in indicator_codes])]
    return rows.assign(**{schema.INDICATOR: rows[schema.INDICATOR].astype(str)})


def project_for_next_edition(history: pd.DataFrame, edition: int, units: list[str],
                             indicator_codes: list[str],
                             bounds: Mapping[str, tuple[float, float]] | None = None) -> pd.DataFrame:
    """project_all on the history up to the base edition's data year, for the next data year.

    Raises ValueError when the history has no series for some units of the edition (e.g. a
    history on the 63 former provinces against the 34 units of 2025).
    """
    year = schema.data_year(edition)
    rows = _history_up_to(history, edition, indicator_codes)
    if rows.empty:
        raise ValueError(f"the history has no values up to data year {year} (edition {edition})")
    found = set(rows[schema.UNIT].unique())  # unique first: iterating a string column is slow
    foreign = sorted(found - set(units))
    if foreign:
        raise ValueError(
            f"the history is on another map of provinces than edition {edition}: {len(foreign)} of its "
            f"{len(found)} units are not provinces of that edition (e.g. {', '.join(foreign[:3])}); "
            "it must be on the same map of provinces as the edition (harmonise it first)"
        )
    absent = sorted(set(units) - found)
    if absent:
        raise ValueError(
            f"the history has no series for {len(absent)} of the {len(units)} units of edition {edition} "
            f"(e.g. {', '.join(absent[:3])}); it must be on the same map of provinces as the edition"
        )
    return project_all(rows, year + 1, multiplicative=indicator_codes, bounds=bounds)


@dataclass(frozen=True)
class OutlookInputs:
    """What every outlook of one base edition shares: the base index, the projections of every
    series, the next edition's map, the bounds and the estimated correlations."""

    edition: int
    result: IndexResult
    projections: pd.DataFrame
    unit_map: UnitMap
    lower_bounds: dict
    upper_bounds: dict
    correlation: dict  # estimate_correlation

    def model(self, province: str) -> OutlookModel:
        units = self.result.stages["Raw"]["uCode"].astype(str).tolist()
        if province not in units:
            raise ValueError(f"unit {province!r} is not a province of edition {self.edition}")
        return OutlookModel.build(self.result, self.projections, province, self.unit_map, self.lower_bounds,
                                  self.upper_bounds)

    def correlations(self, province_correlation: float | None, indicator_correlation: float | None):
        """The given correlations, or the estimated ones (0 where not estimable)."""
        def pick(given, key):
            if given is not None:
                return float(given)
            value = self.correlation.get(key, float("nan"))
            return float(value) if np.isfinite(value) else 0.0
        return pick(province_correlation, "province"), pick(indicator_correlation, "indicator")


def prepare_outlook(values_long: pd.DataFrame, history: pd.DataFrame, edition: int,
                    framework: pd.DataFrame | None = None, quantities: pd.DataFrame | None = None,
                    unit_map: UnitMap | None = None, result: IndexResult | None = None) -> OutlookInputs:
    """The base index, projections (bounded), next map (merged after 2024) and correlations.

    quantities: the former provinces' quantities for the merge (unit, quantity, value;
    default the unit table's; `piilib.analysis.ranking_map.map_quantities`); unit_map: the
    next edition's map already built (e.g. `bundle_unit_map`, the targets' map; quantities
    then unused); result: the base edition's index already computed with `framework`
    (`DataBundle.edition_index`)."""
    from piilib.framework import indicators as framework_indicators
    from piilib.framework import load_framework
    from piilib.pii import compute_pii, edition_values

    framework = load_framework(edition) if framework is None else framework
    if result is None:
        result = compute_pii(edition_values(values_long, edition), edition, framework)
    unit_keys = result.stages["Raw"]["uCode"].astype(str).tolist()
    codes = list(result.structure.indicator_codes)
    used = _history_up_to(history, edition, codes)
    bounds = bounds_mapping(framework_indicators(framework))
    projections = project_for_next_edition(history, edition, unit_keys, codes, bounds)
    if unit_map is None:
        unit_map = merged_unit_map(edition, codes, quantities, framework_indicators(framework))
    unit_map = unit_map.for_indicators(codes)
    directions = dict(zip(codes, result.structure.directions))
    correlation = estimate_correlation(trend_residuals(used, multiplicative=codes), directions)
    return OutlookInputs(int(edition), result, projections, unit_map,
                         {c: lo for c, (lo, _) in bounds.items()}, {c: hi for c, (_, hi) in bounds.items()},
                         correlation)


def outlook(
    values_long: pd.DataFrame,
    history: pd.DataFrame,
    edition: int,
    province: str,
    draws: int = DEFAULT_DRAWS,
    seed: int | None = None,
    targets: Mapping[str, float] | None = None,
    top: int = DEFAULT_TOP,
    framework: pd.DataFrame | None = None,
    province_correlation: float | None = None,
    indicator_correlation: float | None = None,
    quantities: pd.DataFrame | None = None,
    inputs: OutlookInputs | None = None,
) -> OutlookResult:
    """P(top `top`) and P(leading its region) of `province` in the edition after `edition`, on
    that edition's map (34 units after the 2025 merger).

    values_long: the tidy long frame (the base edition is taken from it); history: tidy
    history (year, unit, indicator, value) on the base edition's map; targets: indicator ->
    raw value (e.g. `recommended_target_values`) for the targets scenario. Correlations: None
    uses the estimates from the trend residuals (`estimate_correlation`). `inputs`: a
    `prepare_outlook` already computed (values_long, history, framework, quantities unused).
    """
    inputs = prepare_outlook(values_long, history, edition, framework, quantities) if inputs is None else inputs
    rho_province, rho_indicator = inputs.correlations(province_correlation, indicator_correlation)
    units = inputs.result.stages["Raw"]["uCode"].astype(str).tolist()
    if province not in units:
        raise ValueError(f"unit {province!r} is not a province of edition {edition}")
    simulated = simulate_outlook(inputs.result, inputs.projections, province, draws=draws, seed=seed,
                                 targets=targets, top=top, lower_bounds=inputs.lower_bounds, edition=edition,
                                 unit_map=inputs.unit_map, province_correlation=rho_province,
                                 indicator_correlation=rho_indicator, upper_bounds=inputs.upper_bounds)
    own = inputs.projections[inputs.projections[schema.UNIT] == province].reset_index(drop=True)
    return replace(simulated, projections=own)


def bundle_inputs(bundle, edition: int) -> OutlookInputs:
    """`prepare_outlook` on a `piilib.bundle.DataBundle` (its history on the edition's map, its
    next-edition map `bundle_unit_map`); ValueError without a history. Computed
    once per bundle and edition in a process (the outlook, the sweep and the cheapest path
    share it; the inputs are read, never modified)."""
    cache = getattr(bundle, "_cache", None)
    key = ("outlook_inputs", int(edition))
    if cache is not None and key in cache:
        return cache[key]
    inputs = _bundle_inputs(bundle, edition)
    if cache is not None:
        cache[key] = inputs
    return inputs


def _bundle_inputs(bundle, edition: int) -> OutlookInputs:
    history = bundle.history_on_map(edition)
    if history.empty:
        raise ValueError(f"{bundle.path}: no history, and the outlook projects every province's trend; "
                         "give a data directory with a history file (like data/demo/history.csv)")
    # The one next-edition map of the bundle (the targets' too): merged with the quantities of
    # the next data year.
    return prepare_outlook(bundle.values, history, edition, unit_map=bundle_unit_map(bundle, edition),
                           result=bundle.edition_index(edition)[1])


def bundle_outlook(
    bundle,
    edition: int,
    province: str,
    draws: int = DEFAULT_DRAWS,
    seed: int | None = None,
    targets: Mapping[str, float] | None = None,
    top: int = DEFAULT_TOP,
    province_correlation: float | None = None,
    indicator_correlation: float | None = None,
) -> OutlookResult:
    """`outlook` on a `piilib.bundle.DataBundle`: its values and its history on the edition's
    map (harmonised after the merger). ValueError when the bundle has no history."""
    return outlook(bundle.values, None, edition, province, draws=draws, seed=seed, targets=targets, top=top,
                   province_correlation=province_correlation, indicator_correlation=indicator_correlation,
                   inputs=bundle_inputs(bundle, edition))


def bundle_cheapest_path(bundle, edition: int, province: str, top: int = DEFAULT_TOP, goal: float = DEFAULT_GOAL,
                         max_effort: float = DEFAULT_MAX_EFFORT, draws: int = DEFAULT_SEARCH_DRAWS,
                         check_draws: int = DEFAULT_DRAWS, seed: int | None = None,
                         province_correlation: float | None = None,
                         indicator_correlation: float | None = None) -> CheapestPath:
    """`cheapest_path` for a province of a bundle (correlations default to the estimates)."""
    inputs = bundle_inputs(bundle, edition)
    rho_province, rho_indicator = inputs.correlations(province_correlation, indicator_correlation)
    return cheapest_path(inputs.model(province), top=top, goal=goal, max_effort=max_effort, draws=draws,
                         check_draws=check_draws, seed=seed, province_correlation=rho_province,
                         indicator_correlation=rho_indicator)


def bundle_correlation_sweep(bundle, edition: int, province: str, correlations: Sequence[float] = SWEEP_CORRELATIONS,
                             draws: int = DEFAULT_DRAWS, seed: int | None = None,
                             targets: Mapping[str, float] | None = None, top: int = DEFAULT_TOP,
                             indicator_correlation: float | None = None) -> pd.DataFrame:
    """`correlation_sweep` for a province of a bundle."""
    inputs = bundle_inputs(bundle, edition)
    _, rho_indicator = inputs.correlations(0.0, indicator_correlation)
    return correlation_sweep(inputs.result, inputs.projections, province, inputs.unit_map, correlations,
                             draws=draws, seed=seed, targets=targets, top=top,
                             indicator_correlation=rho_indicator, lower_bounds=inputs.lower_bounds,
                             upper_bounds=inputs.upper_bounds)


def recommended_target_values(target_table: pd.DataFrame) -> dict[str, float]:
    """Indicator -> recommended target value, from `piilib.analysis.targets.target_table`."""
    from piilib.analysis.targets import recommended_targets

    chosen = recommended_targets(target_table)
    chosen = chosen[np.isfinite(chosen["target_value"].astype(float))]
    return dict(zip(chosen[schema.INDICATOR].astype(str), chosen["target_value"].astype(float)))
