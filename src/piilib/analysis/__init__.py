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

# Names are imported from their module when first used (PEP 562): importing one module of the
# package (e.g. `piilib.analysis.targets`) does not load the others (the outlook's sampler, the
# uncertainty analysis) nor the libraries only they need.
import importlib

_EXPORTS = {
    "Assumptions": "robustness",
    "GapOutlook": "trend",
    "IndexReplay": "outlook",
    "OutlookResult": "outlook",
    "PeerModel": "peers",
    "Predictive": "trend",
    "ProjectionGrid": "outlook",
    "ThresholdAnalysis": "trend",
    "TrendFit": "trend",
    "UncertaintyResult": "robustness",
    "analyse_thresholds": "trend",
    "best_peers": "peers",
    "bundle_outlook": "outlook",
    "bundle_targets": "targets",
    "choose_transform": "peers",
    "covariates_wide": "peers",
    "default_assumptions": "robustness",
    "effective_weights": "levers",
    "fit_peer_model": "peers",
    "fit_trend": "trend",
    "gap_outlook": "trend",
    "lever_table": "levers",
    "nearest_peers": "peers",
    "nominal_assumptions": "robustness",
    "nonnegative_indicators": "outlook",
    "outlook": "outlook",
    "peer_groups": "peers",
    "pii_sensitivity": "robustness",
    "pii_uncertainty": "robustness",
    "points_per_score": "levers",
    "project_all": "trend",
    "project_for_next_edition": "outlook",
    "rank_intervals": "robustness",
    "recommended_target_values": "outlook",
    "recommended_targets": "targets",
    "replay_with_values": "levers",
    "saltelli_sample": "robustness",
    "sensitivity_estimates": "robustness",
    "sensitivity_indices": "robustness",
    "simulate_outlook": "outlook",
    "structural_covariates": "targets",
    "target_table": "targets",
    "threshold_series": "trend",
    "thresholds": "targets",
    "top_code": "levers",
    "uncertainty_analysis": "robustness",
    "with_values": "levers",
}


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_EXPORTS))


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
