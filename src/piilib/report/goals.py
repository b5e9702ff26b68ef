"""The plan's goals, the recommended targets and the outlook for the next edition.

`plan_targets` (the threshold table of every plan indicator) and `province_outlook` (the
simulated next edition, with and without the recommended targets) are computed once per
bundle and shared by the overview, the agencies and the indicator chapters. The call to
`piilib.analysis.outlook` is made in `province_outlook` only.
"""

from __future__ import annotations

import dataclasses
import functools

import pandas as pd

from piilib.analysis import targets as targets_module
from piilib.analysis.trend import DEFAULT_COVERAGE
from piilib.bundle import DataBundle
from piilib.plan import load_plan
from piilib.report.editions import edition_result, element, region_rank

COVERAGE = DEFAULT_COVERAGE
TOP = targets_module.DEFAULT_TOP
OUTLOOK_DRAWS = 2000
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
    """`piilib.analysis.outlook.bundle_outlook` for the next edition, with the recommended
    targets as the second scenario (seeded, OUTLOOK_DRAWS draws), cached; None without a history."""
    from piilib.report import shared

    from_build = shared.build_results_for(bundle, edition, province)
    if from_build is not None:
        return from_build.outlook
    return _cached_outlook(bundle, int(edition), province)


@functools.lru_cache(maxsize=2)
def _cached_outlook(bundle: DataBundle, edition: int, province: str):
    from piilib.analysis.outlook import bundle_outlook, recommended_target_values

    if bundle.history_on_map(edition).empty or load_plan(province=province) is None:
        return None  # the outlook judges the plan's goals: none without a plan
    table = plan_targets(bundle, edition, province)
    return bundle_outlook(bundle, edition, province, draws=OUTLOOK_DRAWS, seed=OUTLOOK_SEED,
                          targets=recommended_target_values(table), top=national_goal_rank())


def outlook_summary(outlook) -> pd.DataFrame:
    """One row per scenario ("trend", "targets met"): p_top, p_region_lead, rank_q05, rank_q95,
    se_top, se_region_lead; empty without an outlook."""
    if outlook is None:
        return pd.DataFrame()
    return outlook.summary.set_index("scenario")


def goal_probabilities(outlook) -> dict[str, tuple[float, float]]:
    """Goal kind -> (probability on the trend, probability if the targets are met) of reaching
    it in the next edition; empty without an outlook."""
    if outlook is None:
        return {}
    from piilib.analysis.outlook import TARGETS_MET, TREND

    distribution = outlook.rank_distribution.cumsum()
    return {
        NOT_WORSE: (float(distribution.at[outlook.base_rank, TREND]),
                    float(distribution.at[outlook.base_rank, TARGETS_MET])),
        NATIONAL: (float(outlook.probability(TREND, "top")), float(outlook.probability(TARGETS_MET, "top"))),
        REGION: (float(outlook.probability(TREND, "region")), float(outlook.probability(TARGETS_MET, "region"))),
    }


def goal_table(bundle: DataBundle, edition, province: str, ranks_by_edition: pd.Series) -> pd.DataFrame:
    """The plan's goals judged on `edition`, with the outlook for the next one.

    ranks_by_edition: the province's PII rank per edition on the edition's map (for goals of
    the kind "not worse than edition E"). Columns: goal (the plan's text), kind, rank, of
    (units ranked: the nation or the region), base_edition, base_rank, reached (True/False,
    NA when the goal is qualitative or is the comparison's base), p_trend, p_targets (NaN
    without an outlook).
    """
    edition = int(edition)
    plan = load_plan(province=province)
    if plan is None:  # a province without a plan has no goals
        return pd.DataFrame(columns=["goal", "kind", "rank", "of", "base_edition", "base_rank", "reached",
                                     "p_trend", "p_targets"])
    current = edition_result(bundle, edition)
    index_row = element(current.scores, province, current.index_code)
    rank, n_units = int(index_row["rank"]), int(index_row["n_units"])
    probabilities = goal_probabilities(province_outlook(bundle, edition, province))
    rows = []
    for goal in plan.goals.itertuples():
        row = {"goal": str(goal.text_vi).rstrip(";. "), "kind": QUALITATIVE, "rank": pd.NA, "of": pd.NA,
               "base_edition": pd.NA, "base_rank": pd.NA, "reached": pd.NA}
        if goal.target_kind == "rank_not_worse_than_edition":
            base = int(goal.target_edition)
            row.update(kind=NOT_WORSE, rank=rank, of=n_units, base_edition=base)
            if base != edition and base in ranks_by_edition.index:
                row.update(base_rank=int(ranks_by_edition[base]), reached=rank <= int(ranks_by_edition[base]))
        elif goal.target_kind == "rank_at_most" and goal.target_scope == "national":
            row.update(kind=NATIONAL, rank=rank, of=n_units, reached=rank <= int(goal.target_value))
        elif goal.target_kind == "rank_at_most" and goal.target_scope == "region":
            in_region, region_size = region_rank(current.scores, province, current.index_code, goal.target_region)
            row.update(kind=REGION, rank=in_region, of=region_size, reached=in_region <= int(goal.target_value))
        p_trend, p_targets = probabilities.get(row["kind"], (float("nan"), float("nan")))
        rows.append({**row, "p_trend": p_trend, "p_targets": p_targets})
    return pd.DataFrame(rows)
