"""The illustrative dataset: deterministic, seeded, calibrated to every published fact.

The official indicator data are not public, so the project ships a generated dataset whose
every value carries provenance "illustrative" and source "piilib.demo seed N". It is built
so that the real engine (`piilib.pii.compute_pii`), run on it, reproduces each published
fact that no source contradicts (data/reference, data/units/regions.csv, plan 88's ranks).

How the values are made
-----------------------
1. Targets. Every unit of an edition gets an overall score and a rank: published units sit
   at their published rank with their published score (nudged by at most
   `PUBLISHED_SCORE_SLACK` to keep a clear gap between neighbours); the other units fill the
   free ranks in order of a structural "strength" (region, centrally-run city, population,
   and, from 2024 on, the previous edition), and their scores are interpolated between the
   published neighbours; a small linear programme then moves the free scores (and the
   published ones within the slack) so that the 2023 regional averages come out as
   published. Input and output targets split the overall score around it (published where
   known), with the published sub-index ranks enforced.
2. Profiles. An indicator's latent value for a unit is
   `x = L[unit, input|output] + pillar effect + loading × structure + persistent noise +
   yearly noise`, in score points. It is mapped to the raw value by a monotone,
   direction-aware map into the indicator's typical range (`assumed_typical_low/high` of the
   framework): linear for scores and percentages, convex (right-skewed) for count-like
   ratios, and shares of a national total summing to 100.
3. Calibration. Per indicator one unit leads and one trails, held at the top and the bottom
   of the column's own values (units with a published number of first places lead exactly
   that many; the 2024 edition keeps the 2023 leaders and laggards), so that every other
   unit's score depends on its own level only; each unit's input and output levels are then
   solved by bisection. The engine runs on the raw values and the goals move by
   `DAMPING × (target − achieved)` until every target is met within `TOLERANCE`.
   Indicator ranks fixed by a fact (plan 88's 2024 ranks) are imposed by placing the unit's
   value between the units at the required positions; before that, the unit's persistent
   deviation on the indicator is anchored so that its own value already sits at that rank
   (twice: at the target levels, then at the calibrated ones), and in the other edition on
   the same map its rank is held within `PERSISTENT_RANK_BAND` places of the fact.
   Plan readings (`plan_rank_readings`, our reading of the plan, not published facts: the
   city ranks within the national top `PLAN_GOOD_SCORE_TOP` on each indicator of the plan's
   "maintain" group, which section III.3 says scored well in 2024) use the same machinery as
   bounds: the unit's own ranks are squeezed, in order, into the band when anchoring, its
   value is held in 2..`PLAN_GOOD_SCORE_TOP` in the plan's edition and within
   `PERSISTENT_RANK_BAND` more places in the other edition on the same map. calibration.csv
   and the README list them apart (`basis` "plan reading"). Whole counts
   (`piilib.framework.whole_counts`, e.g. 1.1.1, policy fields 0–13) get whole values: they
   are rounded from a first design and then fixed in the calibration (a rounded value would
   make the level solve jump), with the leader alone at the top (a tie would add first
   places) and pinned units moved into their band (ties take the smallest rank). The 2025
   edition is designed on the 34 units, spread over the 63 former provinces (each member
   keeps its own year-2024 value, scaled or shifted with its group) and harmonised back with
   `piilib.harmonise.harmonise_to_merged`; not-combinable indicators are generated on the
   merged unit.
4. History. Data year = `schema.data_year(edition)`; years 2018–2024 exist for every
   indicator on the 63 former provinces, with history[E − 1] equal to edition E
   (E = 2023, 2024) and year 2024 the pre-merger data of edition 2025. Other years come
   from the same profile along unit-specific trends, with the same leaders and laggards, so
   indicator ranks persist from year to year (tests/test_demo.py checks it).
5. Covariates (GRDP, GRDP per capita, population, urbanisation, enterprises, manufacturing
   enterprises, new enterprises, labour force, pupils, communes, industrial-zone land) are
   derived from the same values (GRDP from the GDP-share indicator, enterprises from the
   enterprise-density indicator, ...), so covariates and indicators agree.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.optimize import linprog

from piilib import schema
from piilib.framework import indicators, load_framework, to_imeta, whole_counts
from piilib.harmonise import harmonise_to_merged
from piilib.index import build_index
from piilib.safe_write import atomic_write_text
from piilib.units import crosswalk, load_units, regions

DEFAULT_SEED = 88
DEMO_DIR = Path(__file__).resolve().parents[2] / "data" / "demo"
HISTORY_YEARS = tuple(range(2018, 2025))
EDITIONS = (2023, 2024, 2025)
FILES = {
    "values": "values.csv",
    "history": "history.csv",
    "covariates": "covariates.csv",
    "covariates_merged": "covariates_2025_map.csv",
    "targets": "targets.csv",
    "facts": "calibration.csv",
}

TOLERANCE = 0.05          # score points, per unit and sub-index
DAMPING = 0.9
MAX_ROUNDS = 200
RANK_GAP = 0.25           # minimum designed gap between consecutive overall scores
PUBLISHED_SCORE_SLACK = 0.3
SCORE_CHECK_TOLERANCE = 0.5  # how close a published score must be reproduced
SUB_INDEX_SPLIT_SD = 3.5  # spread of (output − input) in points for unpublished splits

PLAN_SOURCE = "Kế hoạch 88/KH-UBND (Cần Thơ, 18/4/2025), Phụ lục (seed text)"
# Our reading of the plan, not a published fact: section III.3 ("Duy trì và tiếp tục nâng cao
# điểm số của các chỉ số thành phần có điểm số tốt năm 2024") and I.3 ("các chỉ số thành phần
# có vị trí cao") say the plan's "maintain" indicators scored well in its rank edition; we take
# "well" as the national top quarter, i.e. within the top PLAN_GOOD_SCORE_TOP of 63.
PLAN_GOOD_SCORE_GROUP = "maintain"
PLAN_GOOD_SCORE_TOP = 15
PLAN_READING_SOURCE = ("our reading of Kế hoạch 88/KH-UBND, mục III.3 (\"có điểm số tốt năm 2024\"): "
                       f"national top {PLAN_GOOD_SCORE_TOP}, not a published rank")
PUBLISHED = "published"
PLAN_READING = "plan reading"


def source_label(seed: int) -> str:
    return f"piilib.demo seed {seed}"


# ----------------------------------------------------------------------- facts

@dataclass(frozen=True)
class RankFact:
    """A published rank of a unit on one element (a sub-index or an indicator); with
    `at_most`, a bound instead (the unit ranks `rank` or better: a plan reading)."""

    edition: int
    unit: str
    element: str  # "input" / "output" for sub-indices, or an indicator code
    rank: int
    source: str
    at_most: bool = False


# Facts that the CSV of published results states in its notes, not in its columns.
SUB_INDEX_RANK_FACTS = (
    RankFact(2023, "can-tho", "output", 2,
             "https://vietnam.vn/cantho/wp-content/uploads/2024/07/PII-Dinh-vi-doi-moi-sang-tao-phat-trien.html"),
    RankFact(2023, "ha-noi", "input", 1,
             "https://en.nhandan.vn/vietnam-releases-provincial-innovation-index-for-first-time-post133909.html"),
    RankFact(2023, "ha-noi", "output", 1,
             "https://en.nhandan.vn/vietnam-releases-provincial-innovation-index-for-first-time-post133909.html"),
)


def indicator_rank_facts() -> list[RankFact]:
    """Plan 88's ranks of Cần Thơ on its weak indicators (data/plan), as rank facts."""
    from piilib.plan import load_plan

    plan = load_plan()
    table = plan.indicators.dropna(subset=["rank_2024"])
    unit = str(plan.document["city_unit"])
    return [RankFact(2024, unit, str(row["code"]), int(row["rank_2024"]), PLAN_SOURCE)
            for _, row in table.iterrows()]


def plan_rank_readings() -> list[RankFact]:
    """Our reading of the plan (`PLAN_GOOD_SCORE_TOP`), as rank bounds: its city ranks within
    the national top `PLAN_GOOD_SCORE_TOP` on every indicator of its "maintain" group, in the
    plan's rank edition. Not published facts: calibration.csv marks them "plan reading"."""
    from piilib.plan import load_plan

    plan = load_plan()
    edition = int(plan.document["rank_edition"])
    unit = str(plan.document["city_unit"])
    codes = plan.indicators.loc[plan.indicators["group"] == PLAN_GOOD_SCORE_GROUP, "code"]
    return [RankFact(edition, unit, str(code), PLAN_GOOD_SCORE_TOP, PLAN_READING_SOURCE, at_most=True)
            for code in codes]


def _indicator_rank_constraints() -> list[RankFact]:
    """Everything that places a unit on an indicator: published ranks, then plan readings."""
    return indicator_rank_facts() + plan_rank_readings()


def published_facts() -> pd.DataFrame:
    """Trusted published overall results: edition, unit, rank, score, input, output, source."""
    from piilib.reference import trusted_facts

    table = trusted_facts()
    trusted_score = table["use_score"].astype(bool)
    return pd.DataFrame({
        schema.EDITION: table[schema.EDITION].astype(int),
        schema.UNIT: table[schema.UNIT].astype(str),
        "rank": pd.to_numeric(table["rank"], errors="coerce").astype(float),
        "score": pd.to_numeric(table["score"], errors="coerce").astype(float),
        "input": pd.to_numeric(table["input_score"], errors="coerce").where(trusted_score).astype(float),
        "output": pd.to_numeric(table["output_score"], errors="coerce").where(trusted_score).astype(float),
        "source": table["source_url"].astype(str),
    }).reset_index(drop=True)


def regional_mean_facts(edition: int) -> pd.DataFrame:
    """Published regional averages of the overall score (only 2023 has them)."""
    table = regions(edition)
    if edition != 2023:
        return table.iloc[0:0][["region", "pii_2023_mean", "pii_2023_mean_source"]]
    return table.loc[table["pii_2023_mean"].notna(), ["region", "pii_2023_mean", "pii_2023_mean_source"]]


# ----------------------------------------------------------------------- randomness

STREAMS = {
    "strength": 1, "split": 2, "structure": 3, "pillar_effect": 4, "noise": 5,
    "year_noise": 6, "loading": 7, "growth": 8, "trend": 9, "covariates": 10,
    "order_2024": 11, "order_2025": 12, "spacing": 13,
}


def _rng(seed: int, stream: str, *extra: int) -> np.random.Generator:
    return np.random.default_rng([seed, STREAMS[stream], *extra])


# ----------------------------------------------------------------------- targets

def _interpolate(anchors: dict[int, float], n_units: int,
                 rng: np.random.Generator | None = None) -> np.ndarray:
    """Scores per rank through the anchors (rank -> published score).

    Linear without `rng`; with it, the scores between two anchors are sorted uniform draws,
    because evenly spaced scores would look manufactured.
    """
    ranks = np.arange(1, n_units + 1)
    known = sorted(anchors)
    scores = np.interp(ranks, known, [anchors[r] for r in known])
    if rng is None:
        return scores
    for upper, lower in zip(known, known[1:]):
        inside = lower - upper - 1
        if inside > 0:
            share = np.sort(rng.uniform(0.0, 1.0, inside))[::-1]
            scores[upper:lower - 1] = anchors[lower] + share * (anchors[upper] - anchors[lower])
    return scores


def _strength(units: pd.DataFrame, seed: int) -> pd.Series:
    """A structural ordering for units without a published rank (2023 and the fallback)."""
    means = regions(2023).set_index("region")["pii_2023_mean"]
    noise = _rng(seed, "strength").normal(0.0, 2.5, len(units))
    population = units["population"].fillna(units["population"].median()).to_numpy()
    value = (units["region"].map(means).fillna(means.mean()).to_numpy()
             + 5.0 * units["is_central_city"].to_numpy()
             + 2.0 * np.log(population / 1.2e6) + noise)
    return pd.Series(value, index=units["unit"].to_numpy())


def _assign_slots(units: list[str], fixed_rank: dict[str, int], order: pd.Series) -> list[str]:
    """Units in rank order: fixed units at their rank, the others by `order` (descending)."""
    n_units = len(units)
    slots: list[str | None] = [None] * n_units
    for unit, rank in fixed_rank.items():
        slots[rank - 1] = unit
    free = [u for u in order.sort_values(ascending=False, kind="stable").index
            if u in units and u not in fixed_rank]
    free_iter = iter(free)
    return [slot if slot is not None else next(free_iter) for slot in slots]


def _place_score_only(fixed_rank, scores_only, anchors, n_units):
    """Units with a published score but no rank: the free rank whose interpolated score is closest."""
    interpolated = _interpolate(anchors, n_units)
    taken = set(fixed_rank.values())
    placed = {}
    for unit, score in scores_only.items():
        free = [r for r in range(1, n_units + 1) if r not in taken]
        rank = min(free, key=lambda r: (abs(interpolated[r - 1] - score), r))
        placed[unit] = rank
        taken.add(rank)
    return placed


def _solve_slot_scores(ordered_units, regions_of, interpolated, published, exact, region_targets):
    """Scores per rank: close to `interpolated`, strictly decreasing, published within slack,
    regional means as published. A linear programme (HiGHS); returns scores and the
    remaining regional deviations."""
    n = len(ordered_units)
    region_names = sorted(region_targets)
    n_reg = len(region_names)
    # variables: s (n), dev+ (n), dev- (n), reg+ (n_reg), reg- (n_reg)
    n_var = 3 * n + 2 * n_reg
    cost = np.concatenate([np.zeros(n), np.ones(2 * n), np.full(2 * n_reg, 1000.0)])
    a_ub, b_ub = [], []
    for r in range(n - 1):  # s[r+1] - s[r] <= -gap
        row = np.zeros(n_var)
        row[r + 1], row[r] = 1.0, -1.0
        a_ub.append(row)
        b_ub.append(-RANK_GAP)
    a_eq, b_eq = [], []
    for r in range(n):  # s - dev+ + dev- = interpolated
        row = np.zeros(n_var)
        row[r], row[n + r], row[2 * n + r] = 1.0, -1.0, 1.0
        a_eq.append(row)
        b_eq.append(interpolated[r])
    for k, region in enumerate(region_names):
        members = [r for r, u in enumerate(ordered_units) if regions_of[u] == region]
        row = np.zeros(n_var)
        row[members] = 1.0 / len(members)
        row[3 * n + k], row[3 * n + n_reg + k] = -1.0, 1.0
        a_eq.append(row)
        b_eq.append(region_targets[region])
    bounds = []
    for r, unit in enumerate(ordered_units):
        if unit in exact:
            bounds.append((exact[unit], exact[unit]))
        elif unit in published:
            bounds.append((published[unit] - PUBLISHED_SCORE_SLACK, published[unit] + PUBLISHED_SCORE_SLACK))
        else:
            bounds.append((5.0, 95.0))
    bounds += [(0, None)] * (2 * n + 2 * n_reg)
    solution = linprog(cost, A_ub=np.array(a_ub), b_ub=np.array(b_ub), A_eq=np.array(a_eq),
                       b_eq=np.array(b_eq), bounds=bounds, method="highs")
    if not solution.success:
        raise RuntimeError(f"target scores: the linear programme failed ({solution.message})")
    scores = solution.x[:n]
    deviation = {region: solution.x[3 * n + k] - solution.x[3 * n + n_reg + k]
                 for k, region in enumerate(region_names)}
    return scores, deviation


def design_targets(edition: int, seed: int, facts: pd.DataFrame,
                   previous: pd.DataFrame | None = None) -> pd.DataFrame:
    """Target rank, overall, input and output score per unit of one edition.

    `previous`: targets of the edition before (orders the unpublished units; for the
    first merged edition, its members' population-weighted scores do).
    Columns: unit, region, rank, overall, input, output, overall_basis.
    """
    units = load_units(edition)
    unit_list = units["unit"].tolist()
    n_units = len(unit_list)
    regions_of = dict(zip(units["unit"], units["region"]))
    rows = facts[facts[schema.EDITION] == edition]
    fixed_rank = {u: int(r) for u, r in zip(rows[schema.UNIT], rows["rank"]) if pd.notna(r)}
    published = {u: float(s) for u, s in zip(rows[schema.UNIT], rows["score"]) if pd.notna(s)}
    # A published input/output split fixes the overall score exactly (their mean).
    exact = {u: (float(i) + float(o)) / 2 for u, i, o in zip(rows[schema.UNIT], rows["input"], rows["output"])
             if pd.notna(i) and pd.notna(o)}
    anchors = {fixed_rank[u]: s for u, s in published.items() if u in fixed_rank}
    if n_units not in anchors:
        # No published bottom score: keep the bottom at the previous edition's floor.
        floor = 24.0 if previous is None else float(previous["overall"].min()) + 1.5
        anchors[n_units] = min(floor, min(anchors.values()) - RANK_GAP * (n_units - max(anchors)))
    scores_only = {u: s for u, s in published.items() if u not in fixed_rank}
    fixed_rank.update(_place_score_only(fixed_rank, scores_only, anchors, n_units))
    anchors.update({fixed_rank[u]: s for u, s in scores_only.items()})

    order = _unit_order(edition, seed, units, previous)
    region_means = regional_mean_facts(edition)
    region_targets = dict(zip(region_means["region"], region_means["pii_2023_mean"].astype(float)))
    offsets = {region: 0.0 for region in set(regions_of.values())}
    interpolated = _interpolate(anchors, n_units, _rng(seed, "spacing", edition))
    best = None
    for _ in range(60):
        adjusted = order + pd.Series(order.index.map(regions_of), index=order.index).map(offsets)
        ordered = _assign_slots(unit_list, fixed_rank, adjusted)
        scores, deviation = _solve_slot_scores(ordered, regions_of, interpolated, published, exact,
                                               region_targets)
        worst = max((abs(v) for v in deviation.values()), default=0.0)
        if best is None or worst < best[0]:
            best = (worst, ordered, scores)
        if worst < 1e-6:
            break
        for region, value in deviation.items():
            offsets[region] -= 1.5 * value  # a region whose mean came out high moves down
    _, ordered, scores = best
    table = pd.DataFrame({
        schema.UNIT: ordered,
        "region": [regions_of[u] for u in ordered],
        "rank": np.arange(1, n_units + 1),
        "overall": scores,
        "overall_basis": ["published" if u in published else "published rank" if u in fixed_rank
                          else "designed" for u in ordered],
    })
    return _split_sub_indices(table, edition, seed, rows)


def _unit_order(edition, seed, units, previous) -> pd.Series:
    if previous is None:
        return _strength(units, seed)
    prev = previous.set_index(schema.UNIT)["overall"]
    if set(units["unit"]) <= set(prev.index) and len(prev) == len(units):
        noise = _rng(seed, "order_2024", edition).normal(0.0, 1.5, len(units))
        return prev.reindex(units["unit"]) + noise
    walk = crosswalk()
    population = load_units(edition - 1).set_index("unit")["population"]
    walk = walk.assign(score=walk["former_unit"].map(prev), weight=walk["former_unit"].map(population))
    merged = walk.groupby("merged_unit").apply(
        lambda g: float(np.average(g["score"], weights=g["weight"])), include_groups=False)
    noise = _rng(seed, "order_2025", edition).normal(0.0, 1.0, len(units))
    return merged.reindex(units["unit"]) + noise


def _split_sub_indices(table, edition, seed, published_rows) -> pd.DataFrame:
    """Input/output targets around the overall score; published splits and ranks kept."""
    rng = _rng(seed, "split")
    base = pd.Series(rng.normal(0.0, SUB_INDEX_SPLIT_SD, len(table)),
                     index=sorted(table[schema.UNIT]))  # per-unit, stable across editions
    jitter = _rng(seed, "split", edition).normal(0.0, 1.0, len(table))
    split = np.clip(base.reindex(table[schema.UNIT]).to_numpy() + jitter, -8.0, 8.0)
    table = table.assign(input=table["overall"] - split / 2, output=table["overall"] + split / 2)
    known = published_rows.dropna(subset=["input", "output"]).set_index(schema.UNIT)
    fixed = set()
    for unit in known.index.intersection(table[schema.UNIT]):
        mask = table[schema.UNIT] == unit
        table.loc[mask, "input"] = float(known.at[unit, "input"])
        table.loc[mask, "output"] = float(known.at[unit, "output"])
        table.loc[mask, "overall"] = (float(known.at[unit, "input"]) + float(known.at[unit, "output"])) / 2
        fixed.add(unit)
    facts = sorted((f for f in SUB_INDEX_RANK_FACTS if f.edition == edition), key=lambda f: f.rank)
    table = _lean_towards_facts(table, facts, fixed)
    for _ in range(5):
        for fact in facts:
            table = _impose_sub_index_rank(table, fact, facts, fixed)
    return table


def _lean_towards_facts(table, facts, fixed) -> pd.DataFrame:
    """A unit with a published sub-index rank leans its split that way (both ranked: even)."""
    table = table.set_index(schema.UNIT)
    for unit in {f.unit for f in facts} - fixed:
        elements = {f.element for f in facts if f.unit == unit}
        split = 0.0 if elements == {"input", "output"} else (8.0 if elements == {"output"} else -8.0)
        table.loc[unit, "input"] = table.at[unit, "overall"] - split / 2
        table.loc[unit, "output"] = table.at[unit, "overall"] + split / 2
    return table.reset_index()


def _impose_sub_index_rank(table, fact, facts, fixed) -> pd.DataFrame:
    """Shift (output − input) of the other units so that exactly rank − 1 units are above."""
    other = "input" if fact.element == "output" else "output"
    above = {f.unit for f in facts if f.element == fact.element and f.rank < fact.rank}
    values = table.set_index(schema.UNIT)
    ceiling = values.at[fact.unit, fact.element] - RANK_GAP
    for unit in values.index:
        if unit == fact.unit or unit in above or unit in fixed:
            continue
        excess = values.at[unit, fact.element] - ceiling
        if excess > 0:
            values.at[unit, fact.element] -= excess
            values.at[unit, other] += excess  # overall unchanged
    return values.reset_index()


# ----------------------------------------------------------------------- the value model

COUNT_DENOMINATORS = ("population", "communes", "enterprises", "manufacturing_enterprises")
COUNT_EXPONENT = 1.7      # count-like ratios are right-skewed: raw ∝ score^1.7
SHARE_STEEPNESS = 3.0     # shares of a national total grow exponentially with the score
SQUASH_WIDTH = 16.0       # latent points -> designed score (logistic), keeps scores inside (0, 100)
NATIONAL_GDP_2022 = 9.5e6  # billion VND, order of magnitude of Viet Nam's GDP in 2022
GDP_GROWTH = 0.075
POPULATION_GROWTH = 0.009
POPULATION_YEAR = 2023    # the year of the population figures in data/units
TREND_SD = 0.8            # score points per year, unit-specific, for the history
# A unit with an indicator rank fact in one edition stays within this many places of it in
# the other edition on the same map: year-to-year rank correlations of real indicators are
# about 0.8–0.95, so a province's place moves by a few ranks, not by tens.
PERSISTENT_RANK_BAND = 5
BAND_EDGE_INSET = 0.25    # where inside the gap to its neighbour a band-pinned value is put
EXTREME_MARGIN = 0.01     # share of a column's range kept free below its leader and above its laggard


@dataclass(frozen=True)
class LeaderFact:
    """A published count of indicators on which a unit ranks first."""

    edition: int
    unit: str
    n_indicators: int
    source: str


LEADER_FACTS = (
    LeaderFact(2023, "ha-noi", 14, "https://en.nhandan.vn/vietnam-releases-provincial-innovation-index-for-first-time-post133909.html"),
    LeaderFact(2023, "ho-chi-minh", 12, "https://english.thesaigontimes.vn (cited in data/reference/published_pii_results.csv)"),
    LeaderFact(2025, "ha-noi", 18, "https://vnexpress.net/ha-noi-tiep-tuc-dan-dau-ca-nuoc-ve-doi-moi-sang-tao-4945881.html"),
    LeaderFact(2025, "ho-chi-minh", 13, "https://cafef.vn/ha-noi-tp-ho-chi-minh-quang-ninh-hai-phong-va-thanh-pho-hue-co-tin-vui-188251001164357559.chn"),
    LeaderFact(2025, "quang-ninh", 7, "https://cafef.vn/ha-noi-tp-ho-chi-minh-quang-ninh-hai-phong-va-thanh-pho-hue-co-tin-vui-188251001164357559.chn"),
)


def _decimals(high: float) -> int:
    """Enough decimals for about five significant digits at the top of the range."""
    return int(max(2, 4 - math.floor(math.log10(abs(high))))) if high else 2


@dataclass
class _Indicators:
    """What the generator needs to know about the indicators (from the framework)."""

    codes: list[str]
    framework: pd.DataFrame
    block: np.ndarray          # 0 = input, 1 = output
    weight: np.ndarray         # effective weight of each indicator in its sub-index
    kind: np.ndarray           # "linear" | "count" | "share"
    direction: np.ndarray
    low: np.ndarray
    high: np.ndarray
    growth: np.ndarray
    decimals: np.ndarray
    pillar: np.ndarray
    whole: np.ndarray          # whole counts (`piilib.framework.whole_counts`): no decimals

    @classmethod
    def from_framework(cls, edition: int, seed: int) -> "_Indicators":
        full = load_framework(edition)
        table = indicators(edition)
        codes = table["code"].astype(str).tolist()
        parent = dict(zip(full["code"].astype(str), full["parent"].astype(str)))
        level = dict(zip(full["code"].astype(str), full["level"]))
        weight_of = dict(zip(full["code"].astype(str), full["weight"].astype(float)))
        siblings_weight = full.groupby(full["parent"].astype(str))["weight"].sum().to_dict()

        def path(code):
            chain = [code]
            while level[chain[-1]] != "sub_index":
                chain.append(parent[chain[-1]])
            return chain

        sub_index_rows = full[full["level"] == "sub_index"]
        output_code = str(sub_index_rows.loc[sub_index_rows["name_en"].str.lower().str.startswith("output"), "code"].iloc[0])
        block, weight, pillar = [], [], []
        pillars = sorted({path(c)[-2] for c in codes})
        for code in codes:
            chain = path(code)
            block.append(1 if chain[-1] == output_code else 0)
            pillar.append(pillars.index(chain[-2]))
            weight.append(math.prod(weight_of[c] / siblings_weight[parent[c]] for c in chain[:-1]))
        kind = np.where((table["denominator"].astype(str) == "none") & (table["merge_rule"] == "ratio_sum"), "share",
                        np.where(table["denominator"].astype(str).isin(COUNT_DENOMINATORS), "count", "linear"))
        # A unit that states its scale, e.g. "policy fields covered (0–13)", is bounded too.
        bounded = table["unit_en"].astype(str).str.contains(r"score|index|%|percentage|\(\d+\s*[–-]\s*\d+\)",
                                                            case=False).to_numpy()
        growth = np.where(bounded | (kind == "share"), 0.0, _rng(seed, "growth").uniform(0.02, 0.08, len(codes)))
        high = table["assumed_typical_high"].astype(float).to_numpy()
        whole = whole_counts(table).reindex(codes).to_numpy(dtype=bool)
        return cls(codes=codes, framework=table, block=np.array(block), weight=np.array(weight), kind=kind,
                   direction=table["direction"].astype(int).to_numpy(),
                   low=table["assumed_typical_low"].astype(float).to_numpy(), high=high, growth=growth,
                   decimals=np.where(whole, 0, [_decimals(h) for h in high]), pillar=np.array(pillar), whole=whole)

    def normalised(self, designed: np.ndarray) -> np.ndarray:
        """The engine's min-max score of each value when the designed scores span 0..100."""
        unit = designed / 100.0
        share = (np.exp(SHARE_STEEPNESS * unit) - 1.0) / (np.exp(SHARE_STEEPNESS) - 1.0)
        return 100.0 * np.where(self.kind == "count", unit ** COUNT_EXPONENT,
                                np.where(self.kind == "share", share, unit))

    def engine_scores(self, designed: np.ndarray, bottom: np.ndarray, top: np.ndarray) -> np.ndarray:
        """The engine's min-max score of each value when the column's designed scores run
        from `bottom` to `top`."""
        low, high = self.normalised(bottom[None, :]), self.normalised(top[None, :])
        return 100.0 * (self.normalised(designed) - low) / (high - low)

    def raw(self, designed: np.ndarray, year: int) -> np.ndarray:
        """Raw values in the indicator's typical range (direction-aware), rounded."""
        good = self.normalised(designed) / 100.0
        scale = (1.0 + self.growth) ** (year - schema.data_year(2023))
        low, high = self.low * scale, self.high * scale
        linear = np.where(self.direction < 0, high - (high - low) * good, low + (high - low) * good)
        # Shares of a national total: the same shape, rescaled (min-max is scale-free) to sum to 100.
        share = low + (high - low) * good
        share = 100.0 * share / share.sum(axis=0, keepdims=True)
        return self.rounded(np.where(self.kind == "share", share, linear))

    def rounded(self, raw: np.ndarray) -> np.ndarray:
        return np.stack([np.round(raw[:, j], int(d)) for j, d in enumerate(self.decimals)], axis=1)

    def designed_from_raw(self, column: int, raw: np.ndarray, year: int) -> np.ndarray:
        """The designed scores whose `raw` (not for shares) in `year` is `raw`: the inverse map."""
        scale = (1.0 + self.growth[column]) ** (year - schema.data_year(2023))
        low, high = self.low[column] * scale, self.high[column] * scale
        good = (high - raw) / (high - low) if self.direction[column] < 0 else (raw - low) / (high - low)
        good = np.clip(good, 0.0, 1.0)
        return 100.0 * (good ** (1.0 / COUNT_EXPONENT) if self.kind[column] == "count" else good)


@dataclass
class _Profile:
    """Latent deviations of a set of units from their level, per indicator and year."""

    units: list[str]
    deviation: np.ndarray                 # (units, indicators), persistent
    year_noise: dict[int, np.ndarray]     # year -> (units, indicators)

    def latent(self, year: int, level: np.ndarray, block: np.ndarray) -> np.ndarray:
        return level[:, block] + self.deviation + self.year_noise[year]


def _former_profile(seed: int, units: pd.DataFrame, targets_2023: pd.DataFrame, ind: _Indicators) -> tuple[_Profile, np.ndarray]:
    """Deviations for the 63 former provinces: pillar strengths, structure, noise."""
    n_units, n_codes = len(units), len(ind.codes)
    order = targets_2023.set_index(schema.UNIT)["overall"].reindex(units["unit"]).to_numpy()
    structure = (order - order.mean()) / order.std() + _rng(seed, "structure").normal(0.0, 0.4, n_units)
    pillar_effect = _rng(seed, "pillar_effect").normal(0.0, 5.0, (n_units, ind.pillar.max() + 1))
    loading = _rng(seed, "loading").uniform(3.0, 10.0, n_codes)
    noise = _rng(seed, "noise").normal(0.0, 8.0, (n_units, n_codes))
    deviation = pillar_effect[:, ind.pillar] + loading[None, :] * structure[:, None] + noise
    deviation -= deviation.mean(axis=1, keepdims=True)  # the level carries the unit's mean
    year_noise = {year: _rng(seed, "year_noise", year).normal(0.0, 2.0, (n_units, n_codes)) for year in HISTORY_YEARS}
    return _Profile(units["unit"].tolist(), deviation, year_noise), structure


def _merged_profile(former: _Profile, walk: pd.DataFrame, population: pd.Series, merged_units: list[str]) -> _Profile:
    """A merged unit's deviations: its members' population-weighted mean."""
    groups = walk.set_index("former_unit")["merged_unit"].reindex(former.units).to_numpy()
    weights = population.reindex(former.units).to_numpy()

    def combine(array):
        return np.stack([np.average(array[groups == m], axis=0, weights=weights[groups == m]) for m in merged_units])

    return _Profile(merged_units, combine(former.deviation),
                    {year: combine(noise) for year, noise in former.year_noise.items()})


def _squash(latent: np.ndarray) -> np.ndarray:
    return 100.0 / (1.0 + np.exp(-(latent - 50.0) / SQUASH_WIDTH))


def _extremes(latent: np.ndarray, units: list[str], leaders: dict[str, int], blocked: np.ndarray,
              block: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per indicator, the unit scored 100 (leader) and the one scored 0 (laggard).

    Units with a published number of first places lead exactly that many indicators, shared
    between input and output in proportion to their sizes, where they are strongest;
    elsewhere the strongest other unit leads. `blocked` (units, indicators) marks values fixed
    by a rank fact, never leader or laggard. Chosen once, then held fixed (stable calibration)."""
    n_units, n_codes = latent.shape
    leader = np.full(n_codes, -1)
    quota_units = [units.index(u) for u in leaders if u in units]
    for unit in sorted(quota_units, key=lambda u: -leaders[units[u]]):
        quota = leaders[units[unit]]
        per_block = {b: int(round(quota * (block == b).sum() / n_codes)) for b in (0, 1)}
        per_block[1] = quota - per_block[0]
        others = np.delete(latent, unit, axis=0).max(axis=0)
        for b, count in per_block.items():
            margin = np.where((leader < 0) & ~blocked[unit] & (block == b), latent[unit] - others, -np.inf)
            chosen = np.argsort(-margin, kind="stable")[:count]
            leader[chosen] = unit
    free = np.where(blocked, -np.inf, latent)
    free[quota_units] = -np.inf
    leader = np.where(leader < 0, free.argmax(axis=0), leader)
    lowest = np.where(blocked, np.inf, latent)
    lowest[leader, np.arange(n_codes)] = np.inf
    return leader, lowest.argmin(axis=0)


@dataclass(frozen=True)
class _Pin:
    """A unit's rank on one indicator held between `best` and `worst` (equal: a rank fact).

    Both lie in 2..n−1: the leader and the laggard are other units."""

    unit: int
    column: int
    best: int
    worst: int

    def place(self, column_scores: np.ndarray) -> float:
        """The unit's designed score: between the units at the required rank (a fact), or its
        own score moved just inside the nearer edge of the band when outside (continuous, so
        the level solve converges)."""
        others = np.sort(np.delete(column_scores, self.unit))[::-1]
        if self.best == self.worst:
            return float((others[self.best - 2] + others[self.best - 1]) / 2)
        ceiling = others[self.best - 2] - BAND_EDGE_INSET * (others[self.best - 2] - others[self.best - 1])
        floor = others[self.worst - 1] + BAND_EDGE_INSET * (others[self.worst - 2] - others[self.worst - 1])
        return float(np.clip(column_scores[self.unit], floor, ceiling))


def _rank_pins(edition: int, units: list[str], codes: list[str]) -> list[_Pin]:
    """Indicator rank facts of `edition` as exact pins; a fact of another edition on the same
    map becomes a band pin (`PERSISTENT_RANK_BAND` either side of its rank), because a real
    indicator rank moves little from one year to the next. A plan reading ("rank at most R")
    is a band pin 2..R in its edition and 2..R + `PERSISTENT_RANK_BAND` in the other."""
    pins = []
    for fact in _indicator_rank_constraints():
        if fact.unit not in units or fact.element not in codes:
            continue
        if fact.edition == edition:
            best, worst = (2, fact.rank) if fact.at_most else (fact.rank, fact.rank)
        elif _same_map(fact.edition, edition):
            best = 2 if fact.at_most else max(2, fact.rank - PERSISTENT_RANK_BAND)
            worst = min(len(units) - 1, fact.rank + PERSISTENT_RANK_BAND)
        else:
            continue
        pins.append(_Pin(units.index(fact.unit), codes.index(fact.element), best, worst))
    return pins


def _same_map(edition: int, other: int) -> bool:
    return (edition < schema.FIRST_MERGED_EDITION) == (other < schema.FIRST_MERGED_EDITION)


def _anchor_deviations(profile: "_Profile", ind: "_Indicators", levels: dict[int, np.ndarray]) -> "_Profile":
    """The profile with each rank-fact cell's persistent deviation set so that the unit's own
    latent value (at `levels[edition]`, in the fact's data year) already sits at the published
    rank: every year then starts near it, and the pins only fine-tune. For a plan reading
    ("rank at most R") the unit's own rank is squeezed, in order, into 2..R (its strongest
    indicators stay its strongest), and raised further where needed so that in the other
    editions of `levels` it sits within `PERSISTENT_RANK_BAND` places of that rank."""
    deviation = profile.deviation.copy()

    def latent_and_others(edition, unit, column):
        latent = (levels[edition][:, ind.block[column]] + deviation[:, column]
                  + profile.year_noise[schema.data_year(edition)][:, column])
        return latent[unit], np.sort(np.delete(latent, unit))[::-1]

    for fact in _indicator_rank_constraints():
        if not _same_map(fact.edition, 2024) or fact.unit not in profile.units:
            continue
        unit, column = profile.units.index(fact.unit), ind.codes.index(fact.element)
        own, others = latent_and_others(fact.edition, unit, column)
        rank = fact.rank
        if fact.at_most:
            own_place = int((others > own).sum()) / len(others)  # 0 = first, 1 = last
            rank = 2 + int(round(own_place * (fact.rank - 2)))
        shift = (others[rank - 2] + others[rank - 1]) / 2 - own
        if fact.at_most:
            for edition in levels:
                if edition != fact.edition and _same_map(edition, fact.edition):
                    own_other, others_other = latent_and_others(edition, unit, column)
                    worst = min(len(others_other), rank + PERSISTENT_RANK_BAND)
                    shift = max(shift, (others_other[worst - 2] + others_other[worst - 1]) / 2 - own_other)
        deviation[unit, column] += shift
    return _Profile(profile.units, deviation, profile.year_noise)


@dataclass
class _Design:
    """Fixed choices of a calibration: leaders, laggards, their designed scores, rank pins.

    The leader takes the top of its column's designed scores and the laggard the bottom, at
    the units' own values (not at 100 and 0, which would make them jump from year to year);
    the engine's min-max score of a value then depends on the unit's own level and these two
    numbers only. `top`/`bottom` None: taken from the year's own values (history years)."""

    leader: np.ndarray
    laggard: np.ndarray
    pins: list[_Pin]
    exogenous: dict[int, np.ndarray] = field(default_factory=dict)  # column -> designed scores
    top: np.ndarray | None = None
    bottom: np.ndarray | None = None

    @classmethod
    def choose(cls, latent, units, leaders, pins, block, exogenous=None, previous=None) -> "_Design":
        """`previous`: a design of the year before whose leaders and laggards are kept where
        allowed (the same unit leads from one year to the next)."""
        blocked = np.zeros(latent.shape, dtype=bool)
        for pin in pins:
            blocked[pin.unit, pin.column] = True
        exogenous = dict(exogenous or {})
        leaders = dict(leaders)
        for column, designed in exogenous.items():
            blocked[:, column] = True
            first = units[int(np.argmax(designed))]
            if first in leaders:  # a first place the unit already has counts towards its quota
                leaders[first] -= 1
        leader, laggard = _extremes(latent, units, leaders, blocked, block)
        if previous is not None:
            columns = np.arange(latent.shape[1])
            leader = np.where(blocked[previous.leader, columns], leader, previous.leader)
            keep = ~blocked[previous.laggard, columns] & (previous.laggard != leader)
            laggard = np.where(keep, previous.laggard, laggard)
        for column, designed in exogenous.items():
            leader[column], laggard[column] = np.argmax(designed), np.argmin(designed)
        design = cls(leader, laggard, list(pins), exogenous)
        design.bottom, design.top = design.bounds(latent)
        return design

    def dynamic(self) -> "_Design":
        """The same leaders and laggards, no pins, no exogenous columns (a history year has its
        own shares and whole counts), extremes from each year's own values."""
        return _Design(self.leader, self.laggard, [])

    def bounds(self, latent: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Designed scores of the laggard and the leader per column."""
        natural = _squash(latent)
        bottom = natural.min(axis=0) if self.bottom is None else self.bottom.copy()
        top = natural.max(axis=0) if self.top is None else self.top.copy()
        for column, designed in self.exogenous.items():
            bottom[column], top[column] = designed.min(), designed.max()
        return bottom, top

    def free(self, latent: np.ndarray, bottom: np.ndarray, top: np.ndarray) -> np.ndarray:
        """Squashed latent values, kept strictly between the laggard and the leader."""
        margin = EXTREME_MARGIN * (top - bottom)
        return np.clip(_squash(latent), bottom + margin, top - margin)

    def fixed(self, shape, bottom, top) -> tuple[np.ndarray, np.ndarray]:
        """Mask and values of the designed scores that do not follow the unit's own level."""
        mask = np.zeros(shape, dtype=bool)
        values = np.zeros(shape)
        columns = np.arange(shape[1])
        mask[self.leader, columns], values[self.leader, columns] = True, top
        mask[self.laggard, columns], values[self.laggard, columns] = True, bottom
        for column, designed in self.exogenous.items():
            mask[:, column], values[:, column] = True, designed
        return mask, values

    def scores(self, latent: np.ndarray) -> np.ndarray:
        """Own values between the extremes, leader at the top, laggard at the bottom, pinned
        values where their pins put them."""
        bottom, top = self.bounds(latent)
        mask, values = self.fixed(latent.shape, bottom, top)
        scores = np.where(mask, values, self.free(latent, bottom, top))
        for pin in self.pins:
            scores[pin.unit, pin.column] = pin.place(scores[:, pin.column])
        return scores


def _solve_levels(profile, year, ind, target, design: _Design, level=None, sweeps=8) -> np.ndarray:
    """Latent levels (units, 2) whose designed sub-index scores equal `target` (bisection;
    a few sweeps because a pinned value depends on the other units)."""
    level = target.copy() if level is None else level.copy()
    bottom, top = design.bounds(profile.latent(year, level, ind.block))
    mask, _ = design.fixed((len(profile.units), len(ind.codes)), bottom, top)
    for pin in design.pins:
        mask[pin.unit, pin.column] = True
    for _ in range(sweeps):
        fixed = np.where(mask, design.scores(profile.latent(year, level, ind.block)), 0.0)
        low = np.full(level.shape, -150.0)
        high = np.full(level.shape, 250.0)
        for _ in range(45):
            middle = (low + high) / 2
            designed = np.where(mask, fixed, design.free(profile.latent(year, middle, ind.block), bottom, top))
            scores = ind.engine_scores(designed, bottom, top) * ind.weight
            achieved = np.stack([scores[:, ind.block == b].sum(axis=1) for b in (0, 1)], axis=1)
            high = np.where(achieved > target, middle, high)
            low = np.where(achieved > target, low, middle)
        new_level = (low + high) / 2
        if np.abs(new_level - level).max() < 1e-6:
            return new_level
        level = new_level
    return level


# ----------------------------------------------------------------------- covariates

COVARIATES = (
    "population", "grdp", "grdp_per_capita", "urbanisation", "enterprises",
    "manufacturing_enterprises", "new_enterprises", "labour_force", "pupils", "communes",
    "industrial_zone_land",
)


def _find_code(framework: pd.DataFrame, unit_en_contains: str, denominator: str) -> str:
    rows = framework[framework["unit_en"].astype(str).str.contains(unit_en_contains, case=False, regex=False)
                     & (framework["denominator"].astype(str) == denominator)]
    return str(rows["code"].iloc[0])


@dataclass
class _StaticCovariates:
    population_base: np.ndarray
    communes: np.ndarray
    manufacturing_share: np.ndarray
    pupil_share: np.ndarray
    urbanisation: np.ndarray
    industrial_land: np.ndarray


def _static_covariates(seed: int, unit_keys: list[str], structure: np.ndarray) -> _StaticCovariates:
    units = load_units(schema.data_year(2024) + 1).set_index("unit").reindex(unit_keys)
    rng = _rng(seed, "covariates")
    n = len(unit_keys)
    population = units["population"].to_numpy(dtype=float)
    area = units["area_km2"].to_numpy(dtype=float)
    estimated_communes = np.round(60 + area / 60 + population / 15000)
    communes = np.where(np.isfinite(units["communes"].to_numpy(dtype=float)),
                        units["communes"].to_numpy(dtype=float), estimated_communes)
    central = units["is_central_city"].to_numpy(dtype=float)
    return _StaticCovariates(
        population_base=population,
        communes=communes,
        manufacturing_share=np.clip(0.15 + 0.02 * structure + rng.normal(0, 0.02, n), 0.08, 0.3),
        pupil_share=np.clip(0.085 + rng.normal(0, 0.008, n), 0.06, 0.11),
        urbanisation=np.clip(33 + 9 * structure + 30 * central + rng.normal(0, 5, n), 14, 92),
        industrial_land=np.round(np.clip(900 + 700 * structure + rng.normal(0, 400, n), 80, None), 1),
    )


def _covariates(ind: "_Indicators", unit_keys: list[str], static: _StaticCovariates, year: int, raw: np.ndarray) -> pd.DataFrame:
    """Covariates of one year (63 units, wide) consistent with that year's raw values."""
    fw = ind.framework
    column = {c: j for j, c in enumerate(ind.codes)}
    population = np.round(static.population_base * (1 + POPULATION_GROWTH) ** (year - POPULATION_YEAR))
    gdp = NATIONAL_GDP_2022 * (1 + GDP_GROWTH) ** (year - schema.data_year(2023))
    share = raw[:, column[str(fw.loc[(fw["denominator"] == "none") & (fw["merge_rule"] == "ratio_sum"), "code"].iloc[0])]]
    grdp = np.round(share / 100.0 * gdp, 0)
    enterprises = np.round(raw[:, column[_find_code(fw, "enterprises per 1,000 people", "population")]] * population / 1000)
    new = np.round(raw[:, column[_find_code(fw, "enterprises per 10,000 people", "population")]] * population / 10000)
    employed = raw[:, column[_find_code(fw, "%", "population")]]
    return pd.DataFrame({
        "population": population,
        "grdp": grdp,
        "grdp_per_capita": np.round(grdp * 1000 / population, 2),  # million VND per person
        "urbanisation": np.round(static.urbanisation + 0.4 * (year - POPULATION_YEAR), 2),
        "enterprises": enterprises,
        "manufacturing_enterprises": np.round(enterprises * static.manufacturing_share),
        "new_enterprises": new,
        "labour_force": np.round(employed / 100 * population / 0.98),
        "pupils": np.round(population * static.pupil_share),
        "communes": static.communes,
        "industrial_zone_land": static.industrial_land,
    }, index=pd.Index(unit_keys, name=schema.UNIT))


def _quantities(covariates: pd.DataFrame) -> pd.DataFrame:
    long = covariates.reset_index().melt(id_vars=schema.UNIT, var_name="quantity", value_name=schema.VALUE)
    return long.assign(**{schema.PROVENANCE: schema.ILLUSTRATIVE})


# ----------------------------------------------------------------------- calibration

def _long(edition: int, units: list[str], codes: list[str], raw: np.ndarray, source: str,
          year_column: str = schema.EDITION) -> pd.DataFrame:
    return pd.DataFrame({
        year_column: edition,
        schema.UNIT: np.repeat(units, len(codes)),
        schema.INDICATOR: np.tile(codes, len(units)),
        schema.VALUE: raw.reshape(-1),
        schema.PROVENANCE: schema.ILLUSTRATIVE,
        schema.SOURCE: source,
    })


def _sub_index_codes(edition: int) -> tuple[str, str]:
    full = load_framework(edition)
    rows = full[full["level"] == "sub_index"]
    names = rows["name_en"].str.lower()
    return (str(rows.loc[names.str.startswith("input"), "code"].iloc[0]),
            str(rows.loc[names.str.startswith("output"), "code"].iloc[0]))


@dataclass
class _Calibrated:
    edition: int
    level: np.ndarray
    designed: np.ndarray
    raw: np.ndarray
    values: pd.DataFrame
    rounds: int
    max_error: float
    design: _Design


def _share_column(ind: _Indicators) -> int:
    return int(np.flatnonzero(ind.kind == "share")[0])


def _designed_from_shares(shares: np.ndarray) -> np.ndarray:
    """Designed scores whose `_Indicators.normalised` is the min-max of the given shares."""
    minmax = (shares - shares.min()) / (shares.max() - shares.min())
    return 100.0 * np.log1p(minmax * np.expm1(SHARE_STEEPNESS)) / SHARE_STEEPNESS


def _gdp_shares(seed: int, structure: np.ndarray, population: np.ndarray, central: np.ndarray, year: int) -> np.ndarray:
    """Shares of national GDP (%): population × a GRDP per capita that rises with structure."""
    per_capita = np.exp(0.28 * structure + 0.12 * central + _rng(seed, "covariates", year).normal(0, 0.08, len(structure)))
    size = population * per_capita
    return 100.0 * size / size.sum()


def _calibrate(profile, edition, ind, targets, leaders, pins, to_values, max_rounds=MAX_ROUNDS,
               shares=None, previous: _Design | None = None) -> _Calibrated:
    """Solve the designed scores, then correct with the real engine until every target holds."""
    from piilib.pii import compute_pii

    year = schema.data_year(edition)
    input_code, output_code = _sub_index_codes(edition)
    target = targets.set_index(schema.UNIT).reindex(profile.units)[["input", "output"]].to_numpy()
    goal = target.copy()
    share_column = _share_column(ind)
    shares = ind.rounded(np.tile(shares[:, None], (1, len(ind.codes))))[:, share_column]
    latent = profile.latent(year, target, ind.block)
    exogenous = {share_column: _designed_from_shares(shares)}
    design = _Design.choose(latent, profile.units, leaders, pins, ind.block, exogenous, previous)
    if ind.whole.any():
        # Whole counts are fixed from this first design: rounding would make the level solve jump.
        exogenous.update(_whole_count_columns(design, latent, ind, year, pins))
        pins = [pin for pin in pins if not ind.whole[pin.column]]
        design = _Design.choose(latent, profile.units, leaders, pins, ind.block, exogenous, previous)
    level = None
    for rounds in range(1, max_rounds + 1):
        level = _solve_levels(profile, year, ind, goal, design, level)
        designed = design.scores(profile.latent(year, level, ind.block))
        raw = ind.raw(designed, year)
        raw[:, share_column] = shares
        values = to_values(raw)
        achieved = compute_pii(values, edition).scores.loc[profile.units, [input_code, output_code]].to_numpy()
        error = target - achieved
        if np.abs(error).max() < TOLERANCE:
            break
        goal = goal + DAMPING * error
    return _Calibrated(edition, level, designed, raw, values, rounds, float(np.abs(error).max()), design)


def _whole_count_columns(design: _Design, latent: np.ndarray, ind: _Indicators, year: int,
                         pins: list[_Pin]) -> dict[int, np.ndarray]:
    """Designed scores of the whole-count columns: the design's values rounded to whole
    numbers, the leader alone at the top (a tie would give another unit a first place), and
    a pinned unit moved into its band; COINr ranks ties with the smallest rank, so rank
    = 1 + the number of units strictly better."""
    raw = ind.raw(design.scores(latent), year)
    columns = {}
    for column in np.flatnonzero(ind.whole):
        oriented = raw[:, column] * ind.direction[column]
        leader = design.leader[column]
        others = np.arange(len(oriented)) != leader
        oriented[others] = np.minimum(oriented[others], oriented[leader] - 1.0)
        for pin in (p for p in pins if p.column == column):
            rest = np.sort(np.delete(oriented, pin.unit))[::-1]
            lowest, highest = rest[pin.worst - 1], rest[pin.best - 2] - 1.0
            if lowest > highest:
                raise RuntimeError(f"whole-count indicator {ind.codes[column]}: no whole value puts unit "
                                   f"{pin.unit} between ranks {pin.best} and {pin.worst}")
            oriented[pin.unit] = np.clip(oriented[pin.unit], lowest, highest)
        columns[int(column)] = ind.designed_from_raw(column, oriented * ind.direction[column], year)
    return columns


def _disaggregate(ind, raw_merged, merged_units, former_units, walk, own_raw, quantities_of,
                 member_shares) -> np.ndarray:
    """Values of the former provinces whose merge (the framework's rule) gives back `raw_merged`.

    Each member keeps its own value of the year (`own_raw`, from its own profile), moved as a
    group: scaled for open-ended quantities, shifted for bounded ones (scores, %), so that the
    members' year-to-year movement is their own and their differences persist."""
    groups = walk.set_index("former_unit")["merged_unit"].reindex(former_units).to_numpy()
    position = {m: i for i, m in enumerate(merged_units)}
    rows = np.array([position[g] for g in groups])
    bounded = ind.growth == 0
    out = np.empty((len(former_units), len(ind.codes)))
    table = ind.framework.reset_index(drop=True)
    for j, code in enumerate(ind.codes):
        rule = table.at[j, "merge_rule"]
        weight_name = table.at[j, "merge_weight"] if rule == "weighted_mean" else table.at[j, "denominator"]
        weights = quantities_of(weight_name) if weight_name not in ("none", None) and isinstance(weight_name, str) \
            else np.ones(len(former_units))
        for m in range(len(merged_units)):
            members = rows == m
            own = own_raw[members, j]
            merged = raw_merged[m, j]
            own_mean = np.average(own, weights=weights[members])
            if ind.kind[j] == "share":
                out[members, j] = member_shares[members]
            elif bounded[j] or own_mean <= 0:
                out[members, j] = own + (merged - own_mean)
            else:
                out[members, j] = own * (merged / own_mean)
    return ind.rounded(out)


@dataclass
class DemoData:
    """The generated dataset (see FILES for the file each frame is written to)."""

    seed: int
    values: pd.DataFrame
    history: pd.DataFrame
    covariates: pd.DataFrame
    covariates_merged: pd.DataFrame
    targets: pd.DataFrame
    facts: pd.DataFrame
    rounds: dict[int, int]


def generate_demo(seed: int = DEFAULT_SEED, facts: pd.DataFrame | None = None,
                  max_rounds: int = MAX_ROUNDS) -> DemoData:
    """Generate and calibrate the illustrative dataset (pure: writes nothing)."""
    facts = published_facts() if facts is None else facts
    source = source_label(seed)
    targets = {}
    previous = None
    for edition in EDITIONS:
        targets[edition] = design_targets(edition, seed, facts, previous)
        previous = targets[edition]

    units63 = load_units(2024)
    former = units63["unit"].tolist()
    ind = _Indicators.from_framework(2024, seed)
    profile, structure = _former_profile(seed, units63, targets[2023], ind)
    static = _static_covariates(seed, former, structure)
    merged_units = load_units(schema.FIRST_MERGED_EDITION)["unit"].tolist()
    pins = {e: _rank_pins(e, merged_units if e >= schema.FIRST_MERGED_EDITION else former, ind.codes)
            for e in EDITIONS}
    trend = _rng(seed, "trend").normal(TREND_SD, TREND_SD, (len(former), 1))
    leaders = {e: {f.unit: f.n_indicators for f in LEADER_FACTS if f.edition == e} for e in EDITIONS}

    central = units63["is_central_city"].to_numpy(dtype=float)
    shares = {year: _gdp_shares(seed, structure, static.population_base, central, year) for year in HISTORY_YEARS}
    # Rank-fact cells are anchored twice: at the target levels, then at the levels the
    # calibration settled on (a unit low on a few indicators sits higher on the others).
    levels = {e: targets[e].set_index(schema.UNIT).reindex(former)[["input", "output"]].to_numpy() for e in (2023, 2024)}
    base_profile = profile
    for _ in range(2):
        profile = _anchor_deviations(base_profile, ind, levels)
        calibrated, rounds = {}, {}
        previous = None
        for edition in (2023, 2024):
            calibrated[edition] = _calibrate(
                profile, edition, ind, targets[edition], leaders[edition], pins[edition],
                lambda raw, e=edition: _long(e, former, ind.codes, raw, source), max_rounds,
                shares[schema.data_year(edition)], previous)
            rounds[edition] = calibrated[edition].rounds
            previous = calibrated[edition].design
        levels = {e: calibrated[e].level for e in (2023, 2024)}

    # 2025: designed on the 34 units, spread over the former provinces, harmonised back.
    merged_edition = schema.FIRST_MERGED_EDITION
    year = schema.data_year(merged_edition)
    walk = crosswalk()
    population = pd.Series(static.population_base, index=former)
    merged_profile = _merged_profile(profile, walk, population, merged_units)
    group_of = walk.set_index("former_unit")["merged_unit"].reindex(former)
    own_raw = _own_values(profile, ind, calibrated[2024], trend, year, shares[year])
    state = {"covariates": None, "former_raw": None}

    def merged_values(raw_merged):
        covariates = state["covariates"]
        if covariates is None:  # first pass: weights from the year before
            covariates = _covariates(ind, former, static, year - 1, calibrated[2024].raw)
        former_raw = _disaggregate(ind, raw_merged, merged_units, former, walk, own_raw,
                                   lambda name: covariates[name].to_numpy(dtype=float), shares[year])
        covariates = _covariates(ind, former, static, year, former_raw)
        state["covariates"], state["former_raw"] = covariates, former_raw
        harmonised = harmonise_to_merged(_long(year, former, ind.codes, former_raw, source),
                                         indicators(merged_edition), _quantities(covariates))
        lookup = pd.DataFrame(raw_merged, index=merged_units, columns=ind.codes)
        missing = harmonised[schema.VALUE].isna()
        harmonised.loc[missing, schema.VALUE] = [
            lookup.at[u, c] for u, c in zip(harmonised.loc[missing, schema.UNIT], harmonised.loc[missing, schema.INDICATOR])]
        harmonised.loc[missing, schema.SOURCE] = f"{source} (generated on the 2025 map: not combinable across provinces)"
        harmonised[schema.EDITION] = merged_edition
        harmonised[schema.PROVENANCE] = schema.ILLUSTRATIVE
        harmonised.loc[~missing, schema.SOURCE] = f"{source} (year-{year} data of the former provinces, harmonised)"
        return harmonised[schema.LONG_COLUMNS].reset_index(drop=True)

    merged_shares = pd.Series(shares[year], index=former).groupby(group_of.to_numpy()).sum().reindex(merged_units)
    calibrated[merged_edition] = _calibrate(merged_profile, merged_edition, ind, targets[merged_edition],
                                            leaders[merged_edition], pins[merged_edition], merged_values, max_rounds,
                                            merged_shares.to_numpy())
    rounds[merged_edition] = calibrated[merged_edition].rounds
    year_2024_raw = state["former_raw"]

    history, covariates = _history(profile, ind, calibrated, former, static, year_2024_raw, source, shares, trend)
    covariates_merged = _merge_covariates(covariates[covariates[schema.YEAR] == year], walk)
    values = pd.concat([calibrated[e].values for e in EDITIONS], ignore_index=True)
    target_table = pd.concat([targets[e].assign(**{schema.EDITION: e}) for e in EDITIONS], ignore_index=True)
    demo = DemoData(seed, values, history, covariates, covariates_merged, target_table, pd.DataFrame(), rounds)
    demo.facts = check_facts(values, facts)
    return demo


def _own_values(profile, ind, calibrated: _Calibrated, trend, year, shares) -> np.ndarray:
    """Raw values of the former provinces in `year`, from their own profile: the level of the
    calibrated edition moved by each unit's trend, the same leaders and laggards, no pins
    (the anchored deviations keep fact units near their ranks)."""
    level = calibrated.level + trend * (year - schema.data_year(calibrated.edition))
    latent = profile.latent(year, level, ind.block)
    raw = ind.raw(calibrated.design.dynamic().scores(latent), year)
    raw[:, _share_column(ind)] = ind.rounded(np.tile(shares[:, None], (1, len(ind.codes))))[:, _share_column(ind)]
    return raw


def _history(profile, ind, calibrated, former, static, year_2024_raw, source, shares, trend):
    """Years 2018–2024 on the 63 former provinces; 2022 and 2023 are editions 2023 and 2024;
    earlier years go backwards from edition 2023 along each unit's trend."""
    raw_by_year = {schema.data_year(2023): calibrated[2023].raw, schema.data_year(2024): calibrated[2024].raw,
                   schema.data_year(2025): year_2024_raw}
    for year in HISTORY_YEARS:
        if year not in raw_by_year:
            raw_by_year[year] = _own_values(profile, ind, calibrated[2023], trend, year, shares[year])
    history = pd.concat([_long(y, former, ind.codes, raw_by_year[y], source, schema.YEAR) for y in HISTORY_YEARS],
                        ignore_index=True)
    covariates = []
    for year in HISTORY_YEARS:
        wide = _covariates(ind, former, static, year, raw_by_year[year])
        long = wide.reset_index().melt(id_vars=schema.UNIT, var_name=schema.COVARIATE, value_name=schema.VALUE)
        covariates.append(long.assign(**{schema.YEAR: year}))
    covariates = pd.concat(covariates, ignore_index=True).assign(
        **{schema.PROVENANCE: schema.ILLUSTRATIVE, schema.SOURCE: source})
    covariates = covariates[[schema.YEAR, schema.UNIT, schema.COVARIATE, schema.VALUE, schema.PROVENANCE, schema.SOURCE]]
    return history, covariates.sort_values([schema.YEAR, schema.UNIT, schema.COVARIATE], kind="stable").reset_index(drop=True)


def _merge_covariates(year_rows: pd.DataFrame, walk: pd.DataFrame) -> pd.DataFrame:
    """A year's covariates on the 34-unit map: counts add up, ratios are recomputed."""
    wide = year_rows.pivot(index=schema.UNIT, columns=schema.COVARIATE, values=schema.VALUE)
    group = walk.set_index("former_unit")["merged_unit"]
    wide = wide.assign(urban_population=wide["urbanisation"] * wide["population"] / 100)
    summed = wide.drop(columns=["urbanisation", "grdp_per_capita"]).groupby(group.reindex(wide.index).to_numpy()).sum()
    summed["grdp_per_capita"] = (summed["grdp"] * 1000 / summed["population"]).round(2)
    summed["urbanisation"] = (100 * summed["urban_population"] / summed["population"]).round(2)
    summed = summed.drop(columns="urban_population")
    summed.index.name = schema.UNIT
    long = summed.reset_index().melt(id_vars=schema.UNIT, var_name=schema.COVARIATE, value_name=schema.VALUE)
    year = int(year_rows[schema.YEAR].iloc[0])
    long = long.assign(**{schema.YEAR: year, schema.PROVENANCE: schema.ILLUSTRATIVE,
                          schema.SOURCE: str(year_rows[schema.SOURCE].iloc[0]) + " (summed over merged provinces)"})
    long = long[[schema.YEAR, schema.UNIT, schema.COVARIATE, schema.VALUE, schema.PROVENANCE, schema.SOURCE]]
    return long.sort_values([schema.UNIT, schema.COVARIATE], kind="stable").reset_index(drop=True)


# ----------------------------------------------------------------------- facts check

FACT_COLUMNS = [schema.EDITION, schema.UNIT, "fact", "basis", "element", "expected", "achieved", "tolerance", "ok",
                "source"]
RANK_AT_MOST = "rank by raw value at most"


def raw_ranks(values: pd.DataFrame, edition: int) -> pd.DataFrame:
    """Rank of each unit on each indicator by raw value with direction (COINr: ties get the min)."""
    rows = values[values[schema.EDITION] == edition]
    wide = rows.pivot(index=schema.UNIT, columns=schema.INDICATOR, values=schema.VALUE)
    direction = indicators(edition).set_index("code")["direction"].astype(int)
    oriented = wide * direction.reindex(wide.columns).to_numpy()
    return oriented.rank(ascending=False, method="min")


def check_facts(values: pd.DataFrame, facts: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every calibrated fact, with what the engine gives on `values` and whether it holds;
    `basis` says "published" or "plan reading" (`plan_rank_readings`: a bound, not a fact)."""
    from piilib.pii import compute_pii

    facts = published_facts() if facts is None else facts
    records = []

    def add(edition, unit, fact, element, expected, achieved, tolerance, source, basis=PUBLISHED):
        if fact == RANK_AT_MOST:
            ok = achieved <= expected
        else:
            ok = abs(achieved - expected) <= tolerance if tolerance else achieved == expected
        records.append([edition, unit, fact, basis, element, float(expected), float(achieved), tolerance, bool(ok),
                        source])

    for edition in sorted(values[schema.EDITION].unique()):
        edition = int(edition)
        result = compute_pii(values, edition)
        input_code, output_code = _sub_index_codes(edition)
        index_code = str(load_framework(edition).query("level == 'index'")["code"].iloc[0])
        scores, ranks = result.scores, result.ranks
        for _, row in facts[facts[schema.EDITION] == edition].iterrows():
            unit = row[schema.UNIT]
            if pd.notna(row["rank"]):
                add(edition, unit, "rank", index_code, row["rank"], ranks.at[unit, index_code], 0, row["source"])
            for column, code in (("score", index_code), ("input", input_code), ("output", output_code)):
                if pd.notna(row[column]):
                    add(edition, unit, "score", code, row[column], scores.at[unit, code], SCORE_CHECK_TOLERANCE,
                        row["source"])
        for fact in SUB_INDEX_RANK_FACTS:
            if fact.edition == edition:
                code = input_code if fact.element == "input" else output_code
                add(edition, fact.unit, "rank", code, fact.rank, ranks.at[fact.unit, code], 0, fact.source)
        by_raw = raw_ranks(values, edition)
        for fact in indicator_rank_facts():
            if fact.edition == edition:
                add(edition, fact.unit, "rank by raw value", fact.element, fact.rank,
                    by_raw.at[fact.unit, fact.element], 0, fact.source)
        for fact in plan_rank_readings():
            if fact.edition == edition:
                add(edition, fact.unit, RANK_AT_MOST, fact.element, fact.rank, by_raw.at[fact.unit, fact.element], 0,
                    fact.source, PLAN_READING)
        for fact in LEADER_FACTS:
            if fact.edition == edition:
                add(edition, fact.unit, "indicators ranked first", "", fact.n_indicators,
                    int((by_raw.loc[fact.unit] == 1).sum()), 0, fact.source)
        region_means = regional_mean_facts(edition)
        if not region_means.empty:
            region_of = load_units(edition).set_index("unit")["region"]
            achieved = scores[index_code].groupby(region_of.reindex(scores.index).to_numpy()).mean()
            for _, row in region_means.iterrows():
                add(edition, row["region"], "regional mean", index_code, row["pii_2023_mean"],
                    achieved[row["region"]], SCORE_CHECK_TOLERANCE, row["pii_2023_mean_source"])
    return pd.DataFrame.from_records(records, columns=FACT_COLUMNS)


# ----------------------------------------------------------------------- files

VALUE_FORMAT = "%.10g"   # fixed formatting: regenerating gives byte-identical files


def _csv_text(frame: pd.DataFrame) -> str:
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, float_format=VALUE_FORMAT, lineterminator="\n")
    return buffer.getvalue()


def write_demo(demo: DemoData, out_dir: str | Path = DEMO_DIR) -> list[Path]:
    """Write the dataset's CSV files and README.md into `out_dir`; returns the paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    frames = {
        "values": demo.values.sort_values([schema.EDITION, schema.UNIT, schema.INDICATOR], kind="stable"),
        "history": demo.history.sort_values([schema.YEAR, schema.UNIT, schema.INDICATOR], kind="stable"),
        "covariates": demo.covariates,
        "covariates_merged": demo.covariates_merged,
        "targets": demo.targets,
        "facts": demo.facts,
    }
    written = []
    for key, frame in frames.items():
        path = out_dir / FILES[key]
        atomic_write_text(path, _csv_text(frame))
        written.append(path)
    readme = out_dir / "README.md"
    atomic_write_text(readme, _readme(demo))
    return written + [readme]


def load_demo_values(path: str | Path = DEMO_DIR, edition: int | None = None) -> pd.DataFrame:
    """The bundled illustrative values (long frame), optionally one edition."""
    values = pd.read_csv(Path(path) / FILES["values"], dtype={schema.INDICATOR: "str"})
    if edition is not None:
        values = values[values[schema.EDITION] == int(edition)].reset_index(drop=True)
    return values


def load_demo_history(path: str | Path = DEMO_DIR) -> pd.DataFrame:
    return pd.read_csv(Path(path) / FILES["history"], dtype={schema.INDICATOR: "str"})


def load_demo_covariates(path: str | Path = DEMO_DIR, merged_map: bool = False) -> pd.DataFrame:
    return pd.read_csv(Path(path) / FILES["covariates_merged" if merged_map else "covariates"])


def _fact_rows(facts: pd.DataFrame) -> list[str]:
    return [f"| {row[schema.EDITION]} | {row[schema.UNIT]} | {row['fact']} | {row['element']} | "
            f"{row['expected']:g} | {row['achieved']:.2f} | {row['tolerance']:g} | "
            f"{'yes' if row['ok'] else 'NO'} | {row['source']} |" for _, row in facts.iterrows()]


def _readme(demo: DemoData) -> str:
    facts = demo.facts[demo.facts["basis"] == PUBLISHED]
    readings = demo.facts[demo.facts["basis"] == PLAN_READING]
    held = int(facts["ok"].sum())
    lines = [
        "# Illustrative PII dataset (generated — do not edit)",
        "",
        f"Generated by `pii demo --out data/demo` (`piilib.demo.generate_demo(seed={demo.seed})`).",
        "**Every value here is illustrative**: the official PII indicator data are not public.",
        "The values are built so that the engine, run on them, reproduces every published fact",
        "that no source contradicts; everything else is invented to look plausible.",
        "",
        "| file | contents |",
        "|---|---|",
        f"| `{FILES['values']}` | raw indicator values, editions 2023 and 2024 (63 provinces) and 2025 (34 units) |",
        f"| `{FILES['history']}` | data years {HISTORY_YEARS[0]}–{HISTORY_YEARS[-1]} on the 63 former provinces; "
        "year E−1 equals edition E; year 2024 harmonised is edition 2025 |",
        f"| `{FILES['covariates']}` | structural covariates per former province and year |",
        f"| `{FILES['covariates_merged']}` | the same for year 2024 on the 34-unit map |",
        f"| `{FILES['targets']}` | the designed overall / input / output score and rank per unit and edition |",
        f"| `{FILES['facts']}` | every calibrated fact and plan reading (`basis`): expected, achieved by the engine, source |",
        "",
        f"Calibration rounds with the engine: " + ", ".join(f"{e}: {n}" for e, n in sorted(demo.rounds.items())) + ".",
        f"Published facts reproduced: {held} of {len(facts)}.",
        f"Plan readings held (not published facts): {int(readings['ok'].sum())} of {len(readings)}.",
        "Whole counts (`piilib.framework.whole_counts`) have whole-number values.",
        "",
        "## Calibrated facts (published)",
        "",
        "| edition | unit | fact | element | published | achieved | tolerance | holds | source |",
        "|---|---|---|---|---|---|---|---|---|",
        *_fact_rows(facts),
        "",
        "## Plan readings (our reading of the plan, not published facts)",
        "",
        f"Plan 88 (mục III.3) asks to keep up the indicators that scored well in 2024 (its",
        f"\"{PLAN_GOOD_SCORE_GROUP}\" group). We read \"scored well\" as a national rank within the top",
        f"{PLAN_GOOD_SCORE_TOP} of 63 (`PLAN_GOOD_SCORE_TOP` in `piilib/demo.py`): the data hold its city there",
        f"on each of them, and within {PLAN_GOOD_SCORE_TOP} + {PERSISTENT_RANK_BAND} in the other edition on the same map.",
        "No rank of these indicators is published; the bound is a choice, not a fact.",
        "",
        "| edition | unit | fact | element | bound | achieved | tolerance | holds | source |",
        "|---|---|---|---|---|---|---|---|---|",
        *_fact_rows(readings),
        "",
        "Not calibrated (no trusted published figure): the scores and ranks of every other unit,",
        "Cần Thơ's 2024 score and its 2025 rank; these come from the design described in",
        "`piilib/demo.py` and must not be quoted as results.",
        "",
    ]
    return "\n".join(lines)
