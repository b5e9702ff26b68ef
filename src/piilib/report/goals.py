"""The plan's goals, the recommended targets and the outlook for the next edition.

`plan_targets` (the threshold table of every plan indicator), `province_outlook` (the
simulated next edition on the map it ranks, with and without the recommended targets),
`correlation_sweep` (the outlook under other assumed correlations) and `goal_path` (the
cheapest path to the goals) are computed once per bundle (cached, seeded) and shared by the
overview, the agencies, the methodology and the indicator chapters: the calls to
`piilib.analysis.outlook` are made here only.
"""

from __future__ import annotations

import dataclasses
import functools

import pandas as pd

from piilib.analysis import targets as targets_module
from piilib.analysis.trend import DEFAULT_COVERAGE
from piilib.bundle import DataBundle
from piilib.plan import load_plan
from piilib.report.editions import edition_result, element, region_rank, same_map

COVERAGE = DEFAULT_COVERAGE
TOP = targets_module.DEFAULT_TOP
OUTLOOK_DRAWS = 5000
OUTLOOK_SEED = 88

# Kinds of goal the table knows how to judge (piilib.plan goals' target_kind / target_scope).
NOT_WORSE = "not_worse"
NATIONAL = "national"
REGION = "region"
QUALITATIVE = "qualitative"


def plan_targets(bundle: DataBundle, edition, province: str, code: str | None = None) -> pd.DataFrame:
    """`piilib.analysis.targets.bundle_targets` for one plan indicator (or all with None), cached."""
    from piilib.report import shared

    # The build computes every plan indicator's targets once (piilib.report.shared); one
    # indicator's rows are the same as computing it alone.
    from_build = shared.build_results_for(bundle, edition, province)
    if from_build is not None and from_build.targets is not None:
        table = from_build.targets
        return table if code is None else table[table["indicator"] == code].reset_index(drop=True)
    return _cached_targets(bundle, int(edition), province, code)


@functools.lru_cache(maxsize=4)
def _cached_targets(bundle: DataBundle, edition: int, province: str, code: str | None) -> pd.DataFrame:
    plan = load_plan(province=province)
    if plan is None:  # a province without a plan: no rows (the columns of one indicator's table)
        default = load_plan()
        one = dataclasses.replace(default, indicators=default.indicators.head(1))
        return targets_module.bundle_targets(bundle, edition, province, plan=one, top=TOP, coverage=COVERAGE).iloc[0:0]
    if code is not None:
        plan = dataclasses.replace(plan, indicators=plan.indicators[plan.indicators["code"] == code])
    return targets_module.bundle_targets(bundle, edition, province, plan=plan, top=TOP, coverage=COVERAGE)


def national_goal_rank(plan=None) -> int:
    """The rank the plan's national goal asks for (default TOP)."""
    plan = plan or load_plan()
    goals = plan.goals[(plan.goals["target_kind"] == "rank_at_most") & (plan.goals["target_scope"] == "national")]
    return int(goals["target_value"].iloc[0]) if not goals.empty else TOP


def province_outlook(bundle: DataBundle, edition, province: str):
    """`piilib.analysis.outlook.bundle_outlook` for the next edition, on the map that edition
    ranks (34 units after the merger), with the recommended targets as the second scenario
    (seeded, OUTLOOK_DRAWS draws, estimated correlations), cached; None without a history."""
    from piilib.report import shared

    from_build = shared.build_results_for(bundle, edition, province)
    if from_build is not None:
        return from_build.outlook
    return _cached_outlook(bundle, int(edition), province)


def _has_history(bundle: DataBundle, edition: int) -> bool:
    return not bundle.history_on_map(edition).empty


@functools.lru_cache(maxsize=2)
def _cached_outlook(bundle: DataBundle, edition: int, province: str):
    from piilib.analysis.outlook import bundle_outlook, recommended_target_values

    if not _has_history(bundle, edition) or load_plan(province=province) is None:
        return None  # the outlook judges the plan's goals: none without a history or a plan
    table = plan_targets(bundle, edition, province)
    return bundle_outlook(bundle, edition, province, draws=OUTLOOK_DRAWS, seed=OUTLOOK_SEED,
                          targets=recommended_target_values(table), top=national_goal_rank())


def correlation_sweep(bundle: DataBundle, edition, province: str) -> pd.DataFrame:
    """How the outlook changes with the assumed correlation of a province's indicators:
    `bundle_correlation_sweep` at SWEEP_CORRELATIONS and the estimate (same seed and draws as
    `province_outlook`, both scenarios). Columns: SUMMARY_COLUMNS plus `estimated` (the row
    at the estimated correlation); empty without a history. Cached; the build computes it
    once with the shared results (`piilib.report.shared.OutlookVariants`)."""
    from piilib.report import shared

    from_build = shared.build_variants_for(bundle, edition, province)
    if from_build is not None:
        return from_build.sweep
    return _cached_sweep(bundle, int(edition), province)


@functools.lru_cache(maxsize=2)
def _cached_sweep(bundle: DataBundle, edition: int, province: str) -> pd.DataFrame:
    from piilib.analysis.outlook import SWEEP_CORRELATIONS, bundle_correlation_sweep

    outlook = province_outlook(bundle, edition, province)
    if outlook is None:
        return pd.DataFrame()
    estimate = float(outlook.province_correlation)
    correlations = sorted(set(SWEEP_CORRELATIONS) | {estimate})
    sweep = bundle_correlation_sweep(bundle, edition, province, correlations=correlations, draws=OUTLOOK_DRAWS,
                                     seed=OUTLOOK_SEED, targets=outlook.targets.to_dict(), top=outlook.top,
                                     indicator_correlation=outlook.indicator_correlation)
    sweep["estimated"] = sweep["province_correlation"] == estimate
    return sweep.sort_values(["scenario", "province_correlation"], kind="stable").reset_index(drop=True)


@dataclasses.dataclass(frozen=True)
class GoalPath:
    """The cheapest path to the goals (`piilib.analysis.outlook.cheapest_path`) as the report
    reads it. improvements: one row per improved indicator (indicator, name, effort_sd,
    trend_median, target_value, p_on_trend, in_plan, lead_agency: the plan's lead agency or
    "" outside the plan); check: summary rows (trend, improved) on independent draws;
    reached: the search reached both goals; confirmed: the independent check too."""

    improvements: pd.DataFrame
    check: pd.DataFrame
    reached: bool
    confirmed: bool
    goal: float
    max_effort: float
    total_effort_sd: float


def goal_path(bundle: DataBundle, edition, province: str) -> GoalPath | None:
    """The smallest set of indicator improvements (in SDs of their trends, within the
    evidence: at most DEFAULT_MAX_EFFORT each) reaching P(top) >= DEFAULT_GOAL and P(lead
    region) >= DEFAULT_GOAL on the next edition's map; None without a history. Cached; the
    build computes it once with the shared results (`piilib.report.shared.OutlookVariants`)."""
    from piilib.report import shared

    from_build = shared.build_variants_for(bundle, edition, province)
    if from_build is not None:
        return from_build.path
    return _cached_path(bundle, int(edition), province)


@functools.lru_cache(maxsize=2)
def _cached_path(bundle: DataBundle, edition: int, province: str) -> GoalPath | None:
    from piilib.analysis.outlook import IMPROVED, bundle_cheapest_path
    from piilib.framework import indicators as framework_indicators
    from piilib.framework import load_framework

    if not _has_history(bundle, edition):
        return None
    path = bundle_cheapest_path(bundle, edition, province, top=national_goal_rank(), seed=OUTLOOK_SEED,
                                check_draws=OUTLOOK_DRAWS)
    plan = load_plan()
    lead = plan.indicators.set_index("code")["lead_agency_key"].map(plan.agency_name)
    names = framework_indicators(load_framework(edition)).set_index("code")["name_vi"].astype(str)
    improvements = path.improvements.copy()
    codes = improvements["indicator"].astype(str)
    improvements["name"] = codes.map(names).fillna("").to_numpy()
    improvements["in_plan"] = codes.isin(lead.index).to_numpy()
    improvements["lead_agency"] = codes.map(lead).fillna("").to_numpy()
    improvements = improvements.sort_values(["in_plan", "effort_sd", "indicator"], ascending=[False, True, True],
                                            kind="stable").reset_index(drop=True)
    check = path.check.set_index("scenario")
    confirmed = bool(path.reached and check.at[IMPROVED, "p_top"] >= path.goal
                     and check.at[IMPROVED, "p_region_lead"] >= path.goal)
    return GoalPath(improvements, check, bool(path.reached), confirmed, path.goal, path.max_effort,
                    path.total_effort_sd)


def outlook_summary(outlook) -> pd.DataFrame:
    """One row per scenario ("trend", "targets_met"): p_top, p_region_lead, rank_q05, rank_q95,
    se_top, se_region_lead, index_median; empty without an outlook."""
    if outlook is None:
        return pd.DataFrame()
    return outlook.summary.set_index("scenario")


def reference_rank_on_next_map(bundle: DataBundle, edition: int, reference_edition: int, outlook) -> int:
    """The rank of `reference_edition` on the map the next edition is ranked on (the goal
    "not worse than edition E" compares on one map): the base edition's own values ranked
    there (`base_rank_on_map`) when E is the base, else E's index harmonised onto that map."""
    if int(reference_edition) == int(edition):
        return int(outlook.base_rank_on_map)
    map_edition = int(edition) if same_map(int(edition), int(outlook.next_edition)) else int(outlook.next_edition)
    computed = edition_result(bundle, int(reference_edition), map_edition)
    return int(element(computed.scores, outlook.unit, computed.index_code)["rank"])


def goal_probabilities(outlook, not_worse_rank: int | None = None) -> dict[str, tuple[float, float]]:
    """Goal kind -> (probability on the trend, probability if the targets are met) of reaching
    it in the next edition, on that edition's map; NOT_WORSE needs the reference rank on that
    map (`reference_rank_on_next_map`). Empty without an outlook."""
    if outlook is None:
        return {}
    from piilib.analysis.outlook import TARGETS_MET, TREND

    result = {
        NATIONAL: (float(outlook.probability(TREND, "top")), float(outlook.probability(TARGETS_MET, "top"))),
        REGION: (float(outlook.probability(TREND, "region")), float(outlook.probability(TARGETS_MET, "region"))),
    }
    if not_worse_rank is not None:
        distribution = outlook.rank_distribution.cumsum()
        result[NOT_WORSE] = (float(distribution.at[not_worse_rank, TREND]),
                             float(distribution.at[not_worse_rank, TARGETS_MET]))
    return result


def goal_table(bundle: DataBundle, edition, province: str, ranks_by_edition: pd.Series) -> pd.DataFrame:
    """The plan's goals judged on `edition`, with the outlook for the next one.

    ranks_by_edition: the province's PII rank per edition on the edition's map (for goals of
    the kind "not worse than edition E"). Columns: goal (the plan's text), kind, rank, of
    (units ranked: the nation or the region), base_edition, base_rank, reached (True/False,
    NA when the goal is qualitative or is the comparison's base), next_reference_rank (the
    rank to keep on the next edition's map, for "not worse"), next_of (units or region units
    on that map), p_trend, p_targets (NaN without an outlook).
    """
    edition = int(edition)
    plan = load_plan(province=province)
    if plan is None:  # a province without a plan has no goals
        return pd.DataFrame(columns=["goal", "kind", "rank", "of", "base_edition", "base_rank", "reached",
                                     "next_reference_rank", "next_of", "p_trend", "p_targets"])
    current = edition_result(bundle, edition)
    index_row = element(current.scores, province, current.index_code)
    rank, n_units = int(index_row["rank"]), int(index_row["n_units"])
    outlook = province_outlook(bundle, edition, province)
    rows = []
    for goal in plan.goals.itertuples():
        row = {"goal": str(goal.text_vi).rstrip(";. "), "kind": QUALITATIVE, "rank": pd.NA, "of": pd.NA,
               "base_edition": pd.NA, "base_rank": pd.NA, "reached": pd.NA, "next_reference_rank": pd.NA,
               "next_of": pd.NA}
        probabilities = goal_probabilities(outlook)
        if goal.target_kind == "rank_not_worse_than_edition":
            base = int(goal.target_edition)
            row.update(kind=NOT_WORSE, rank=rank, of=n_units, base_edition=base)
            if base != edition and base in ranks_by_edition.index:
                row.update(base_rank=int(ranks_by_edition[base]), reached=rank <= int(ranks_by_edition[base]))
            # The reference edition must be in the data (or be this one) to be ranked on the next map.
            if outlook is not None and (base == edition or base in bundle.editions(edition)):
                reference = reference_rank_on_next_map(bundle, edition, base, outlook)
                row.update(next_reference_rank=reference, next_of=outlook.n_units)
                probabilities = goal_probabilities(outlook, reference)
        elif goal.target_kind == "rank_at_most" and goal.target_scope == "national":
            row.update(kind=NATIONAL, rank=rank, of=n_units, reached=rank <= int(goal.target_value))
            if outlook is not None:
                row.update(next_of=outlook.n_units)
        elif goal.target_kind == "rank_at_most" and goal.target_scope == "region":
            in_region, region_size = region_rank(current.scores, province, current.index_code, goal.target_region)
            row.update(kind=REGION, rank=in_region, of=region_size, reached=in_region <= int(goal.target_value))
            if outlook is not None:
                row.update(next_of=outlook.n_region)
        p_trend, p_targets = probabilities.get(row["kind"], (float("nan"), float("nan")))
        rows.append({**row, "p_trend": p_trend, "p_targets": p_targets})
    return pd.DataFrame(rows)


def merger_partners(unit: str) -> list[str]:
    """Names of the former provinces merged into `unit` other than itself (empty when it
    merged with none), from the crosswalk of the 2025 merger."""
    from piilib.units import crosswalk

    table = crosswalk()
    rows = table[(table["merged_unit"] == unit) & (table["former_unit"] != unit)]
    return rows["former_name_vi"].astype(str).tolist()
