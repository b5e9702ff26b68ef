"""Settings and names of the goal outlook: draws, scenarios, the summary's columns and their meaning."""

from __future__ import annotations




DEFAULT_DRAWS = 10_000
DEFAULT_TOP = 10
DEFAULT_GOAL = 0.8
DEFAULT_MAX_EFFORT = 2.0
DEFAULT_EFFORT_STEP = 0.5
DEFAULT_SEARCH_DRAWS = 2_000
SWEEP_CORRELATIONS = (0.0, 0.1, 0.2, 0.3)
# Draws handled at once: small enough to stay in cache, large enough for NumPy to pay off.
CHUNK = 250
# Chunks simulated at once on threads (each holds a few tens of MB).
MAX_THREADS = 4
# Even dfs up to this have their chi-square drawn from uniforms (see `_chi_over_df`).
MAX_EXPONENTIAL_SUM = 4
# Largest estimated correlation used as a default (keeps every series its own noise).
MAX_CORRELATION = 0.9

TREND = "trend"
TARGETS_MET = "targets_met"
IMPROVED = "improved"
SCENARIO_LABELS = {TREND: "Theo xu hướng", TARGETS_MET: "Nếu đạt các mục tiêu đề xuất",
                   IMPROVED: "Nếu cải thiện theo lộ trình"}

SUMMARY_COLUMNS = ["scenario", "label", "p_top", "se_top", "p_region_lead", "se_region_lead",
                   "mean_rank", "median_rank", "rank_q05", "rank_q95", "index_median", "index_q05",
                   "index_q95", "province_correlation", "indicator_correlation"]
SUMMARY_MEANING = {
    "p_top": "share of draws with rank <= top on the next edition's map",
    "se_top": "Monte Carlo standard error of p_top: simulation noise only, not the outlook's uncertainty",
    "p_region_lead": "share of draws in which no other unit of the region has a higher index",
    "se_region_lead": "Monte Carlo standard error of p_region_lead: simulation noise only",
    "rank_q05": "5 % quantile of the simulated rank (lower end of the outlook's 90 % rank band)",
    "rank_q95": "95 % quantile of the simulated rank (upper end of the outlook's 90 % rank band)",
    "index_median": "median of the province's simulated index (PII) score",
    "province_correlation": "assumed correlation of a province's indicators' deviations from trend",
    "indicator_correlation": "assumed correlation of the provinces' deviations from trend on an indicator",
}

REPLAYED_STEPS = ("treat", "normalise", "aggregate")
