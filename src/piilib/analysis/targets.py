"""Targets: the raw value each plan indicator needs to reach a threshold, and what it buys.

Thresholds. For one province and one indicator, over the OTHER units (so a threshold does not
move when the province's own value changes), on a ranking map:

    hold_rank        the value that keeps today's rank r (the r-th best of the others);
    one_rank_up      one place better than today: the (r − 1)-th best of the others; none
                     when the province is first;
    national_median  the median of the others' values;
    national_top     the value at national rank `top` (default 10) among the others;
    region_lead      the best value among the other units of its region;
    best_peer        the best value among its structural peers (`piilib.analysis.peers`: the k
                     nearest provinces in standardised covariates; the centrally-run cities when
                     no covariates are given).

"Best" follows the indicator's direction: for an inverse indicator (direction −1, e.g. 4.1.2
microfinance loans / GRDP) a lower value is better and "needed" means AT MOST that value.

Two bases, each on its own map:

- `current`: the others' values in the base edition, on the base edition's map; r is the
  province's rank there. "What this value would give in the edition at hand."
- `projected`: the ranking the NEXT edition will produce: the others' values predicted for
  the next data year by their own trends (`piilib.analysis.trend.project_all`, the median; a
  series without a fit keeps its current value), on the next edition's map
  (`piilib.analysis.ranking_map`). For base 2024 (63 provinces) the 2025 edition ranks 34
  units: the 63 projections are merged with the base edition's merge rules and the former
  provinces' quantities of the next data year (`ranking_map.map_quantities`; the map the
  outlook ranks its draws on: one map for both, `bundle_unit_map`), and the province's
  value counts as part of its merged unit with its partners' projections, an affine function
  of its own value that is inverted to give the value it needs. Today's rank r is the merged
  unit's rank among today's values carried onto that map. An indicator that cannot be merged
  (`not_combinable`, or without the quantities its rule needs) is ranked on the base map,
  and the row says so (`rank_map`). So a target
  labelled one_rank_up gives a projected indicator rank ≤ r − 1 on the stated map.

Tie rule (COINr ranks ties with the smallest rank): a value EQUAL to a threshold reaches it.
The needed value is the threshold carried back to the province's own value and rounded to the
indicator's precision in the direction of improvement (so the rounded figure never falls
short; a whole count, `piilib.framework.whole_counts`, has precision 0). A threshold the
province already meets is `reached` (target = current value). A threshold the province's own
business-as-usual median forecast already meets is `delivered_by_trend` ("đạt theo xu hướng"):
shown, never recommended.

What a target buys is recomputed, never approximated: the whole index is rebuilt with the
engine's replay (`build_index(new_idata, result.imeta, result.log)`) with only the province's
value of that indicator changed, every other value as in the base edition (carried onto the
ranking map for the projected basis: the merged unit's value is the merge of the target with
its partners' current values). Reported per row, on the row's map (`rank_map`, with
`rank_map_units` units and `rank_map_region_size` in the province's region): the indicator's
rank and regional rank by raw value, the indicator score, the PII, its national and regional
rank, today's ranks on that map, and `leaves_pii_rank_unchanged` (the PII rank with the target
equals today's PII rank on that map: the target alone does not move the province).

Evidence (`Evidence.choose`): the province's own trend (its predictive distribution,
`trend.Predictive`) and the peer model (`peers.fit_peer_model`, the province LEFT OUT,
heteroskedastic interval within the indicator's bounds). The model used is the one with the
lower out-of-sample error on the same scale (RMSE in the indicator's unit over the provinces:
leave-one-year-out for the trends, `trend_loo_rmse`; leave-one-province-out for the peer
model), not the narrower interval. A trend of fewer than `trend.MIN_YEARS` years, or of a
constant history (zero residual scale), is "not enough evidence", never certainty. The
`ceiling` is the favourable end of the chosen model's 80 % interval. Every row carries
`p_reach_trend`, the probability that the trend alone reaches the target value (from the
predictive distribution; NaN without a usable trend), and `p_reach_evidence` under the chosen
model. A threshold already reached has today's value as its target; its `p_hold_trend` is the
probability that the trend keeps the province at or beyond the threshold (NaN on other rows).

Tiers (one row each, `tier`):

    maintain      (giữ vững) the better of today's value, the business-as-usual median and
                  the value that holds today's rank on the projected basis;
    feasible      (khả thi) the most ambitious projected threshold beyond `maintain` within
                  the evidence ceiling; else the ceiling itself when it goes beyond `maintain`;
    breakthrough  (bứt phá) the least ambitious projected threshold beyond `feasible` (beyond
                  `maintain` when there is no feasible tier): beyond the evidence.

The recommended target is `feasible` when there is one, else `maintain` (the evidence supports
no more, or there is not enough evidence). So no recommendation lies below the business-as-usual
median. `target_table` returns ONE long frame: a row per plan indicator × threshold × basis,
plus the tier rows that are not thresholds (`maintain`, `evidence_ceiling`); exactly one row per
indicator has `recommended` True. `recommended_targets(table)` selects those rows.
"""

# The code is split by concern into the modules of `piilib.analysis.target_parts`; every name
# stays importable from here: constants (thresholds, tiers, rules, columns), thresholds
# (precision, ranks, the value each threshold needs), recompute (the index rebuilt with a value
# changed), evidence (trend and peer evidence, reach probabilities), indicator (one indicator on
# both bases, tiers, recommendation), increments (increments in words), table (the plan's table on
# a bundle).

from piilib import schema  # noqa: F401
from piilib.analysis.bounds import indicator_bounds  # noqa: F401
from piilib.analysis.levers import replay_with_values, top_code  # noqa: F401
from piilib.analysis.peers import CENTRALLY_RUN, NEAREST, PeerBenchmark, covariates_wide, fit_peer_model, peer_groups  # noqa: F401
from piilib.analysis.ranking_map import RankingMap, bundle_unit_map, map_quantities, quantities_from_covariates, ranking_map  # noqa: F401
from piilib.analysis.trend import (
    DEFAULT_COVERAGE,
    INSUFFICIENT,
    LOG,
    LOG1P,
    Predictive,
    best_value,
    project_all,
    t_tail,
    value_at_rank,
)  # noqa: F401
from piilib.report.tables import format_number  # noqa: F401

from piilib.analysis.target_parts.constants import (  # noqa: F401
    AMBITIONS,
    BASES,
    BEST_PEER,
    CURRENT,
    DEFAULT_PEERS,
    DEFAULT_PEER_FORMULA,
    DEFAULT_TOP,
    DEGENERATE_SCALE,
    EVIDENCE_CEILING,
    EVIDENCE_COLUMNS,
    HOLD_RANK,
    MAINTAIN,
    MAP_COLUMNS,
    MAX_DECIMALS,
    NATIONAL_MEDIAN,
    NATIONAL_TOP,
    NOT_ENOUGH_EVIDENCE,
    ONE_RANK_UP,
    OUTCOME_COLUMNS,
    PEER,
    PROJECTED,
    RANK_TOLERANCE,
    REGION_LEAD,
    ROW_OUTCOME_COLUMNS,
    RULE_BEYOND,
    RULE_CEILING,
    RULE_EVIDENCE_MAINTAIN,
    RULE_MAINTAIN,
    RULE_NO_EVIDENCE,
    RULE_REACHED,
    RULE_WITHIN,
    SIGNIFICANT_DIGITS,
    TARGET_COLUMNS,
    THRESHOLDS,
    THRESHOLD_COLUMNS,
    TIERS,
    TIER_BREAKTHROUGH,
    TIER_FEASIBLE,
    TIER_LABELS,
    TIER_MAINTAIN,
    TREND,
    TREND_CONSTANT,
    TREND_FITTED,
    UNIT_CODE,
)
from piilib.analysis.target_parts.thresholds import (  # noqa: F401
    rank_among,
    round_towards,
    shown_change,
    thresholds,
    value_decimals,
    _needed_value,
    _without,
)
from piilib.analysis.target_parts.recompute import (  # noqa: F401
    Recomputer,
)
from piilib.analysis.target_parts.evidence import (  # noqa: F401
    Evidence,
    reach_probability,
    trend_loo_rmse,
    trend_probability_shown,
)
from piilib.analysis.target_parts.indicator import (  # noqa: F401
    Basis,
    indicator_targets,
    _same_map_basis,
    _tiers,
    _with_indicator_columns,
)
from piilib.analysis.target_parts.increments import (  # noqa: F401
    count_noun,
    count_unit,
    increment_count,
    increment_text,
    _scale,
    _signed,
)
from piilib.analysis.target_parts.table import (  # noqa: F401
    bundle_targets,
    recommended_targets,
    structural_covariates,
    target_table,
    _MapIndex,
    _covariates_of_year,
    _for_year,
    _index_of,
    _map_index,
    _peer_benchmark,
    _predicted,
    _provenance,
    _threshold_label,
    _trend_evidence,
)
