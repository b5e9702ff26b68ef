"""Analysis on top of the index: trends, peer regressions, levers (targets, outlook and
robustness build on these).

- `trend`: OLS trends of raw values and of thresholds (rank k, median, region leader), gap
  outlooks, and `Predictive` t distributions that Monte Carlo code samples in bulk.
- `peers`: cross-sectional regressions on structural covariates (HC3), peer groups, best peers.
- `levers`: effective weights, index points per score point, gains recomputed with the engine.
- `targets`: the value each plan indicator needs per threshold, recomputed, and a recommended target.
"""

from piilib.analysis.levers import (
    effective_weights,
    lever_table,
    points_per_score,
    replay_with_values,
    top_code,
    with_values,
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
from piilib.analysis.targets import inputs_from_path, recommended_targets, target_table, thresholds
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
    "GapOutlook",
    "PeerModel",
    "Predictive",
    "ThresholdAnalysis",
    "TrendFit",
    "analyse_thresholds",
    "best_peers",
    "choose_transform",
    "covariates_wide",
    "effective_weights",
    "fit_peer_model",
    "fit_trend",
    "gap_outlook",
    "lever_table",
    "nearest_peers",
    "peer_groups",
    "points_per_score",
    "inputs_from_path",
    "project_all",
    "recommended_targets",
    "replay_with_values",
    "target_table",
    "threshold_series",
    "thresholds",
    "top_code",
    "with_values",
]
