"""Analysis on top of the index: trends, peer regressions, levers, targets, outlook, robustness.

- `trend`: OLS trends of raw values and of thresholds (rank k, median, region leader), gap
  outlooks, and `Predictive` t distributions that Monte Carlo code samples in bulk.
- `peers`: cross-sectional regressions on structural covariates (HC3), peer groups, best peers.
- `levers`: effective weights, index points per score point, gains recomputed with the engine.
- `targets`: the value each plan indicator needs per threshold, recomputed, and a recommended target.
- `outlook`: the probability of the national top k and of leading the region next edition
  (Monte Carlo over every province's trend projections).
- `robustness`: rank intervals and sensitivity under methodological uncertainty (COINr's UA).

`bundle_targets` and `bundle_outlook` run on the data of `piilib.bundle.load_bundle`.
"""

from piilib.analysis.levers import (
    effective_weights,
    lever_table,
    points_per_score,
    replay_with_values,
    top_code,
    with_values,
)
from piilib.analysis.outlook import (
    IndexReplay,
    OutlookResult,
    ProjectionGrid,
    bundle_outlook,
    nonnegative_indicators,
    outlook,
    project_for_next_edition,
    recommended_target_values,
    simulate_outlook,
)
from piilib.analysis.peers import (
    PeerModel,
    best_peers,
    choose_transform,
    covariates_wide,
    fit_peer_model,
    nearest_peers,
    peer_groups,
)
from piilib.analysis.robustness import (
    Assumptions,
    UncertaintyResult,
    default_assumptions,
    nominal_assumptions,
    pii_sensitivity,
    pii_uncertainty,
    rank_intervals,
    saltelli_sample,
    sensitivity_estimates,
    sensitivity_indices,
    uncertainty_analysis,
)
from piilib.analysis.targets import (
    bundle_targets,
    recommended_targets,
    structural_covariates,
    target_table,
    thresholds,
)
from piilib.analysis.trend import (
    GapOutlook,
    Predictive,
    ThresholdAnalysis,
    TrendFit,
    analyse_thresholds,
    fit_trend,
    gap_outlook,
    project_all,
    threshold_series,
)

__all__ = [
    "Assumptions",
    "GapOutlook",
    "IndexReplay",
    "OutlookResult",
    "PeerModel",
    "Predictive",
    "ProjectionGrid",
    "ThresholdAnalysis",
    "TrendFit",
    "UncertaintyResult",
    "analyse_thresholds",
    "best_peers",
    "bundle_outlook",
    "bundle_targets",
    "choose_transform",
    "covariates_wide",
    "default_assumptions",
    "effective_weights",
    "fit_peer_model",
    "fit_trend",
    "gap_outlook",
    "lever_table",
    "nearest_peers",
    "nominal_assumptions",
    "nonnegative_indicators",
    "outlook",
    "peer_groups",
    "pii_sensitivity",
    "pii_uncertainty",
    "points_per_score",
    "project_all",
    "project_for_next_edition",
    "rank_intervals",
    "recommended_target_values",
    "recommended_targets",
    "replay_with_values",
    "saltelli_sample",
    "sensitivity_estimates",
    "sensitivity_indices",
    "simulate_outlook",
    "structural_covariates",
    "target_table",
    "threshold_series",
    "thresholds",
    "top_code",
    "uncertainty_analysis",
    "with_values",
]
