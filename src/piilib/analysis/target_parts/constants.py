"""Names of the targets: bases, thresholds, tiers, rules, evidence and the table's columns."""

from __future__ import annotations

from piilib import schema


CURRENT = "current"
PROJECTED = "projected"
BASES = (CURRENT, PROJECTED)

HOLD_RANK = "hold_rank"
ONE_RANK_UP = "one_rank_up"
NATIONAL_MEDIAN = "national_median"
NATIONAL_TOP = "national_top"
REGION_LEAD = "region_lead"
BEST_PEER = "best_peer"
THRESHOLDS = (HOLD_RANK, ONE_RANK_UP, NATIONAL_MEDIAN, NATIONAL_TOP, REGION_LEAD, BEST_PEER)
AMBITIONS = (ONE_RANK_UP, NATIONAL_MEDIAN, NATIONAL_TOP, REGION_LEAD, BEST_PEER)  # may be recommended
# Tier rows that are not thresholds.
EVIDENCE_CEILING = "evidence_ceiling"
MAINTAIN = "maintain"

TIER_MAINTAIN = "maintain"
TIER_FEASIBLE = "feasible"
TIER_BREAKTHROUGH = "breakthrough"
TIERS = (TIER_MAINTAIN, TIER_FEASIBLE, TIER_BREAKTHROUGH)
TIER_LABELS = {TIER_MAINTAIN: "Giữ vững", TIER_FEASIBLE: "Khả thi", TIER_BREAKTHROUGH: "Bứt phá"}

RULE_WITHIN = "most ambitious threshold within the evidence"
RULE_CEILING = "no threshold within the evidence: the evidence ceiling"
RULE_EVIDENCE_MAINTAIN = "the evidence supports no step beyond maintaining"
RULE_NO_EVIDENCE = "not enough evidence: maintain"
RULE_MAINTAIN = "every threshold already reached or delivered by the trend: maintain"
RULE_REACHED = RULE_MAINTAIN
# No longer produced (a step beyond the evidence is now the breakthrough tier, not a
# recommendation); kept so that callers' label tables still import.
RULE_BEYOND = "no threshold within the evidence: the smallest step, beyond the evidence"

TREND = "trend"
PEER = "peer"
NOT_ENOUGH_EVIDENCE = "not enough evidence"
TREND_FITTED = "fitted"
TREND_CONSTANT = "constant"

DEFAULT_TOP = 10
DEFAULT_PEERS = 5
DEFAULT_PEER_FORMULA = "value ~ np.log(grdp_per_capita) + np.log(population) + urbanisation"
MAX_DECIMALS = 8
SIGNIFICANT_DIGITS = 5
UNIT_CODE = "uCode"
DEGENERATE_SCALE = 1e-9  # relative: a trend's predictive scale below this is a constant history
RANK_TOLERANCE = 1e-9  # relative: a merged value equal to a threshold up to rounding error ties with it

# today_rank: the province's rank today (every unit's current value, on the row's map);
# kept_rank: the rank its current value would have among the others' values of the row's basis
# (their projected values on the projected basis), the rank of a row already reached.
MAP_COLUMNS = ["rank_map", "rank_map_units", "rank_map_region_size", "ranked_unit", "today_rank",
               "today_region_rank", "kept_rank", "kept_region_rank", "today_pii_rank", "today_pii_region_rank"]
THRESHOLD_COLUMNS = ["threshold", "basis", *MAP_COLUMNS, "reference_unit", "threshold_value", "needed_value",
                     "reached", "delivered_by_trend", "target_value", "increment", "indicator_rank",
                     "indicator_region_rank"]
OUTCOME_COLUMNS = ["score", "score_change", "pii", "pii_change", "pii_rank", "pii_rank_gain", "pii_region_rank",
                   "leaves_pii_rank_unchanged"]
EVIDENCE_COLUMNS = ["trend_kind", "trend_status", "trend_predicted", "trend_lower", "trend_upper", "trend_oos_rmse",
                    "peer_expected", "peer_lower", "peer_upper", "peer_r_squared", "peer_explains_little",
                    "peer_leverage", "peer_cooks_distance", "peer_oos_rmse", "peer_n_obs", "peer_formula",
                    "evidence_model", "evidence_oos_rmse", "ceiling"]
# What one row buys (`indicator_targets`): NaN with outcomes=False.
ROW_OUTCOME_COLUMNS = MAP_COLUMNS + ["indicator_rank", "indicator_region_rank"] + OUTCOME_COLUMNS + [
    "p_reach_trend", "p_reach_evidence", "p_hold_trend"]
TARGET_COLUMNS = (
    [schema.EDITION, schema.UNIT, schema.INDICATOR, "indicator_name", "group", "lead_agency_key", "lead_agency",
     "cooperating", "unit_label", "direction", "decimals", "places", "lower_bound", "upper_bound", "current_value",
     "current_rank", "n_units", "current_score", "current_pii", "current_pii_rank", "current_pii_region_rank"]
    + THRESHOLD_COLUMNS + ["threshold_label", "shown_change", "increment_count", "count_noun", "increment_text"]
    + OUTCOME_COLUMNS + ["p_reach_trend", "p_reach_evidence", "p_hold_trend", "tier", "tier_label", "within_evidence",
                         "recommended", "rule"] + EVIDENCE_COLUMNS + [schema.PROVENANCE]
)
