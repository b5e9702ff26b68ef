"""Goal outlook: how likely the province is in the national top 10, and leads its region,
in the next edition, on the map of provinces that edition is ranked on, by Monte Carlo over
every province's indicator projections.

Model
-----
1. Projections. Every province × indicator series of the history, up to the data year of the
   base edition, is fitted with `piilib.analysis.trend.project_all` (linear or log-linear,
   chosen by its leave-one-out rule) and predicted for the next data year: a Student-t
   predictive distribution (statsmodels' obs interval), censored at the indicator's bounds
   (`piilib.analysis.bounds`, the framework's rule: 0–100 for shares, the range of a score). A series without a
   fit (fewer than `trend.MIN_YEARS` values) is centred on the base edition's value with the
   typical spread of the indicator's fitted series (median predictive sd and df): too short
   a history is not certainty (`ProjectionGrid.build`, borrow_spread).
2. Correlated draws. A draw of series (province p, indicator j) is
   loc + scale · T, T = Z / sqrt(chi2_df / df), with the Gaussian part
       Z = sqrt(1 − ρp − ρi) E_pj + sqrt(ρp) d_j F_p + sqrt(ρi) G_j,
   E, F, G independent standard normals: F_p a shock common to province p's indicators
   (d_j its direction, so a good year is good on every indicator), G_j a shock common to all
   provinces on indicator j (the year's national movement). ρp (`province_correlation`) and
   ρi (`indicator_correlation`) are the correlations of the Gaussian parts; each marginal
   stays exactly the trend's t distribution (the t variates' correlation is slightly lower
   than ρ for small df). Default (`outlook`): estimated from the studentised residuals of the
   trends (`estimate_correlation`), 0 when they cannot be estimated.
3. The map (`piilib.analysis.ranking_map`, shared with the targets). When the base edition is
   on the 63 provinces and the next on 34 (2024 → 2025), every draw of the 63 former
   provinces is merged with the base edition's harmonisation rules and the former provinces'
   quantities of the next data year (`piilib.harmonise.merge_weights`, the arithmetic of
   `harmonise_to_merged`: the merged value is a weighted sum of the former values;
   `ranking_map.map_quantities`) and the 34 units are ranked; an indicator
   the framework marks not combinable has no value for a merged unit and the index ignores
   it there, as the engine ignores a missing value. Regions are those of the next edition.
4. The index of every draw is recomputed with the base edition's method (`result.log`):
   treatment (recomputed per draw), normalisation and aggregation on arrays shaped
   (draws, units, indicators). With the arithmetic mean the index of a unit is the dot
   product with its effective weights (the engine's aggregation of unit vectors, given the
   unit's missing indicators); otherwise the engine's level-by-level aggregation runs.
5. Ranks, COINr's rule (ties share the smallest rank): rank = 1 + the number of units with a
   strictly higher index. "Top k": rank <= k. "Leads its region": no other unit of its
   region has a strictly higher index.
6. Scenarios on the same draws (common random numbers): the trends; the targets met (the
   province's values of the target indicators at least the target, at most for an inverse
   indicator; on a 63 → 34 outlook, the former province's values, then merged); and
   improvements by k standard deviations of a series' predictive distribution
   (`cheapest_path`).

Reading the summary: `p_top` and `p_region_lead` are shares of draws; `se_top` and
`se_region_lead` are their Monte Carlo standard errors sqrt(p (1 − p) / n): the error from
simulating a finite number of draws, NOT the uncertainty of the outlook. The uncertainty of
the outlook is the spread of the simulated rank: `rank_q05`–`rank_q95`, the 5–95 % interval
of the rank over the draws (SUMMARY_MEANING).
"""

# The code is split by concern into the modules of `piilib.analysis.outlook_parts`; every name
# stays importable from here: constants (draws, scenarios, summary columns), replay (the method on
# stacks of draws), draws (the sampler: predictive grid, correlated t variates), simulation (the
# model, the Monte Carlo, probabilities and rank bands, the correlation sweep), correlation
# (estimates from the trend residuals), cheapest (the cheapest path to the goals), inputs
# (projections and the next edition's map from the data, the outlook on a bundle).

from piilib import schema  # noqa: F401
from piilib.analysis.bounds import bounds_mapping  # noqa: F401
from piilib.analysis.ranking_map import UnitMap, merged_unit_map  # noqa: F401
from piilib.analysis.trend import (IDENTITY, Predictive, _inverse_transform_inplace, inverse_transform, project_all,
                                   t_tail, trend_residuals)  # noqa: F401
from piilib.index import IndexResult, IndexStructure, normalise_array  # noqa: F401
from piilib.index.steps import treat_values  # noqa: F401

from piilib.analysis.outlook_parts.constants import (  # noqa: F401
    CHUNK,
    DEFAULT_DRAWS,
    DEFAULT_EFFORT_STEP,
    DEFAULT_GOAL,
    DEFAULT_MAX_EFFORT,
    DEFAULT_SEARCH_DRAWS,
    DEFAULT_TOP,
    IMPROVED,
    MAX_CORRELATION,
    MAX_EXPONENTIAL_SUM,
    REPLAYED_STEPS,
    SCENARIO_LABELS,
    SUMMARY_COLUMNS,
    SUMMARY_MEANING,
    SWEEP_CORRELATIONS,
    TARGETS_MET,
    TREND,
)
from piilib.analysis.outlook_parts.replay import (  # noqa: F401
    IndexReplay,
)
from piilib.analysis.outlook_parts.draws import (  # noqa: F401
    ProjectionGrid,
    standard_normal_float32,
    standard_t,
    _check_correlations,
    _chi_over_df,
)
from piilib.analysis.outlook_parts.simulation import (  # noqa: F401
    OutlookModel,
    OutlookResult,
    correlation_sweep,
    simulate_outlook,
    _apply_targets,
    _base_position,
    base_outcome,
    _model,
    _reordered,
    _simulate,
    _summary,
)
from piilib.analysis.outlook_parts.correlation import (  # noqa: F401
    estimate_correlation,
)
from piilib.analysis.outlook_parts.cheapest import (  # noqa: F401
    CheapestPath,
    cheapest_path,
    _goal_shortfall,
)
from piilib.analysis.outlook_parts.inputs import (  # noqa: F401
    OutlookInputs,
    bundle_cheapest_path,
    bundle_correlation_sweep,
    bundle_inputs,
    bundle_outlook,
    nonnegative_indicators,
    outlook,
    prepare_outlook,
    project_for_next_edition,
    recommended_target_values,
    _bundle_inputs,
    _history_up_to,
)


__all__ = [
    "CheapestPath",
    "IndexReplay",
    "OutlookInputs",
    "OutlookModel",
    "OutlookResult",
    "ProjectionGrid",
    "base_outcome",
    "SUMMARY_MEANING",
    "UnitMap",
    "bundle_cheapest_path",
    "bundle_correlation_sweep",
    "bundle_inputs",
    "bundle_outlook",
    "cheapest_path",
    "correlation_sweep",
    "estimate_correlation",
    "merged_unit_map",
    "nonnegative_indicators",
    "outlook",
    "prepare_outlook",
    "project_for_next_edition",
    "recommended_target_values",
    "simulate_outlook",
]
