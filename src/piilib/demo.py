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
3. Calibration. The engine runs on the raw values; each unit's latent level moves by
   `DAMPING × (target − achieved)` separately for input and output until every target is met
   within `TOLERANCE`. Indicator ranks fixed by a fact (e.g. plan 88's 2024 ranks) are
   re-imposed each round by placing the unit's latent value between the units at the
   required positions. The 2025 edition is the year-2024 data of the 63 former provinces,
   harmonised to the 34 units with `piilib.harmonise.harmonise_to_merged`; its loop updates
   the members of a merged unit together and scores after harmonisation.
4. History. Data year = edition − 1; years 2018–2024 exist for every indicator on the 63
   former provinces, with history[E − 1] equal to edition E (E = 2023, 2024) and year 2024
   the pre-merger data of edition 2025. Earlier years follow unit-specific trends.
5. Covariates (GRDP, GRDP per capita, population, urbanisation, enterprises, manufacturing
   enterprises, new enterprises, labour force, pupils, communes, industrial-zone land) are
   derived from the same values, so that e.g. GRDP shares match indicator 4.2.3's role.
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
from piilib.framework import indicators, load_framework, to_imeta
from piilib.harmonise import harmonise_to_merged
from piilib.index import build_index
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


def source_label(seed: int) -> str:
    return f"piilib.demo seed {seed}"


# ----------------------------------------------------------------------- facts

@dataclass(frozen=True)
class RankFact:
    """A published rank of a unit on one element (a sub-index or an indicator)."""

    edition: int
    unit: str
    element: str  # "input" / "output" for sub-indices, or an indicator code
    rank: int
    source: str


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
    """Plan 88's 2024 ranks of Cần Thơ on its five weak indicators (data/plan when present)."""
    from_plan = _plan_weak_ranks()
    if from_plan is not None:
        return from_plan
    ranks = {"6.2.4": 57, "1.2.1": 60, "5.2.3": 58, "4.1.3": 51, "4.1.4": 60}
    return [RankFact(2024, "can-tho", code, rank, PLAN_SOURCE) for code, rank in ranks.items()]


def _plan_weak_ranks() -> list[RankFact] | None:
    try:
        from piilib import plan  # written by another engineer; optional here
    except ImportError:
        return None
    weak = getattr(plan, "weak_indicators", None)
    if weak is None:
        return None
    table = weak()
    code_column = "code" if "code" in table.columns else schema.INDICATOR
    rank_column = next(c for c in table.columns if "rank" in c)
    return [RankFact(2024, "can-tho", str(row[code_column]), int(row[rank_column]), PLAN_SOURCE)
            for _, row in table.iterrows()]


def published_facts() -> pd.DataFrame:
    """Published overall results no source contradicts: edition, unit, rank, score, input, output, source."""
    from piilib.reference import published_results

    table = published_results()
    table = table[~table["contradicted"].astype(bool)]
    out = pd.DataFrame({
        schema.EDITION: table["edition"].astype(int),
        schema.UNIT: table["unit"].astype(str),
        "rank": pd.to_numeric(table["rank"], errors="coerce"),
        "score": pd.to_numeric(table["score"], errors="coerce"),
        "input": pd.to_numeric(table["input_score"], errors="coerce"),
        "output": pd.to_numeric(table["output_score"], errors="coerce"),
        "source": table["source_url"].astype(str),
    })
    return out.reset_index(drop=True)


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
    "order_2024": 11, "order_2025": 12, "member_offset": 13,
}


def _rng(seed: int, stream: str, *extra: int) -> np.random.Generator:
    return np.random.default_rng([seed, STREAMS[stream], *extra])


# ----------------------------------------------------------------------- targets

def _interpolate(anchors: dict[int, float], n_units: int) -> np.ndarray:
    ranks = np.arange(1, n_units + 1)
    known = sorted(anchors)
    return np.interp(ranks, known, [anchors[r] for r in known])


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
    best = None
    for _ in range(60):
        adjusted = order + pd.Series(order.index.map(regions_of), index=order.index).map(offsets)
        ordered = _assign_slots(unit_list, fixed_rank, adjusted)
        interpolated = _interpolate(anchors, n_units)
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
COUNT_EXPONENT = 1.7      # convex map: count-like ratios are right-skewed
SHARE_STEEPNESS = 3.5     # shares of a national total: exponential in the latent value
NATIONAL_GDP_2022 = 9.5e6  # billion VND, order of magnitude of Viet Nam's GDP in 2022
GDP_GROWTH = 0.075
POPULATION_GROWTH = 0.009
POPULATION_YEAR = 2023    # the year of the population figures in data/units


def data_year(edition: int) -> int:
    """The year of the data an edition is computed from."""
    return edition - 1


@dataclass
class _Model:
    """Everything about the generated values that does not depend on the calibration."""

    seed: int
    units: list[str]                 # the 63 former provinces
    codes: list[str]
    framework: pd.DataFrame          # indicator rows (same codes in every edition)
    block: np.ndarray                # (indicators,) 0 = input, 1 = output
    pillar: np.ndarray               # (indicators,) pillar index
    kind: list[str]                  # "linear" | "count" | "share"
    direction: np.ndarray
    low: np.ndarray
    high: np.ndarray
    growth: np.ndarray               # yearly growth of the range
    decimals: np.ndarray
    structure: np.ndarray            # (units,) standardised structural strength
    pillar_effect: np.ndarray        # (units, pillars)
    loading: np.ndarray              # (indicators,)
    noise: np.ndarray                # (units, indicators), persistent
    year_noise: dict = field(default_factory=dict)  # year -> (units, indicators)

    def latent(self, year: int, level: np.ndarray) -> np.ndarray:
        """x (units, indicators) for given latent levels `level` (units, 2)."""
        return (level[:, self.block] + self.pillar_effect[:, self.pillar]
                + self.loading[None, :] * self.structure[:, None] + self.noise + self.year_noise[year])

    def raw(self, year: int, x: np.ndarray, reference: np.ndarray | None = None) -> np.ndarray:
        """Raw values from latent values; min-max taken over `reference` (default: x)."""
        reference = x if reference is None else reference
        lo_x, hi_x = reference.min(axis=0), reference.max(axis=0)
        v = np.clip((x - lo_x) / (hi_x - lo_x), 0.0, 1.0)
        scale = (1.0 + self.growth) ** (year - data_year(2023))
        low, high = self.low * scale, self.high * scale
        out = np.empty_like(v)
        for j, kind in enumerate(self.kind):
            good = v[:, j]
            if kind == "count":
                good = good ** COUNT_EXPONENT
            if kind == "share":
                weight = np.exp(SHARE_STEEPNESS * v[:, j])
                ref_weight = np.exp(SHARE_STEEPNESS * np.clip((reference[:, j] - lo_x[j]) / (hi_x[j] - lo_x[j]), 0, 1))
                out[:, j] = 100.0 * weight / ref_weight.sum()
                continue
            if self.direction[j] < 0:
                good = 1.0 - good
            out[:, j] = low[j] + (high[j] - low[j]) * good
        return self.rounded(out)

    def rounded(self, values: np.ndarray) -> np.ndarray:
        return np.stack([np.round(values[:, j], int(d)) for j, d in enumerate(self.decimals)], axis=1)


def _decimals(high: float) -> int:
    """Enough decimals for about five significant digits at the top of the range."""
    return int(max(2, 4 - math.floor(math.log10(abs(high))))) if high else 2


def _build_model(seed: int, targets_2023: pd.DataFrame) -> _Model:
    framework = indicators(2024)
    full = load_framework(2024)
    parents = dict(zip(full["code"].astype(str), full["parent"].astype(str)))
    levels = dict(zip(full["code"].astype(str), full["level"]))
    codes = framework["code"].astype(str).tolist()

    def ancestor(code, level):
        while levels[code] != level:
            code = parents[code]
        return code

    sub_indices = full.loc[full["level"] == "sub_index", ["code", "name_en"]]
    output_code = sub_indices.loc[sub_indices["name_en"].str.lower().str.startswith("output"), "code"].iloc[0]
    pillars = sorted({ancestor(c, "pillar") for c in codes})
    units = load_units(data_year(2024) + 1)["unit"].tolist()  # the 63 former provinces
    kind = []
    for _, row in framework.iterrows():
        denominator = str(row["denominator"])
        if denominator == "none" and row["merge_rule"] == "ratio_sum":
            kind.append("share")
        elif denominator in COUNT_DENOMINATORS:
            kind.append("count")
        else:
            kind.append("linear")
    bounded = framework["unit_en"].astype(str).str.contains("score|index|%|percentage", case=False)
    rng_growth = _rng(seed, "growth")
    growth = np.where(bounded | (np.array(kind) == "share"), 0.0, rng_growth.uniform(0.02, 0.08, len(codes)))
    order = targets_2023.set_index(schema.UNIT)["overall"].reindex(units).to_numpy()
    structure = (order - order.mean()) / order.std() + _rng(seed, "structure").normal(0.0, 0.4, len(units))
    high = framework["assumed_typical_high"].astype(float).to_numpy()
    model = _Model(
        seed=seed, units=units, codes=codes, framework=framework,
        block=np.array([1 if ancestor(c, "sub_index") == output_code else 0 for c in codes]),
        pillar=np.array([pillars.index(ancestor(c, "pillar")) for c in codes]),
        kind=kind,
        direction=framework["direction"].astype(int).to_numpy(),
        low=framework["assumed_typical_low"].astype(float).to_numpy(),
        high=high,
        growth=growth,
        decimals=np.array([_decimals(h) for h in high]),
        structure=structure,
        pillar_effect=_rng(seed, "pillar_effect").normal(0.0, 5.0, (len(units), len(pillars))),
        loading=_rng(seed, "loading").uniform(1.0, 7.0, len(codes)),
        noise=_rng(seed, "noise").normal(0.0, 9.0, (len(units), len(codes))),
    )
    for year in HISTORY_YEARS:
        model.year_noise[year] = _rng(seed, "year_noise", year).normal(0.0, 2.0, (len(units), len(codes)))
    return model


# ----------------------------------------------------------------------- covariates

COVARIATES = (
    "population", "grdp", "grdp_per_capita", "urbanisation", "enterprises",
    "manufacturing_enterprises", "new_enterprises", "labour_force", "pupils", "communes",
    "industrial_zone_land",
)
# Indicators the covariates are derived from, found by their denominator/unit in the framework.
_SHARE_OF_GDP = ("none", "ratio_sum", "%")


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


def _static_covariates(model: _Model) -> _StaticCovariates:
    units = load_units(data_year(2024) + 1).set_index("unit").reindex(model.units)
    rng = _rng(model.seed, "covariates")
    n = len(model.units)
    population = units["population"].to_numpy(dtype=float)
    area = units["area_km2"].to_numpy(dtype=float)
    estimated_communes = np.round(60 + area / 60 + population / 15000)
    communes = np.where(np.isfinite(units["communes"].to_numpy(dtype=float)),
                        units["communes"].to_numpy(dtype=float), estimated_communes)
    central = units["is_central_city"].to_numpy(dtype=float)
    return _StaticCovariates(
        population_base=population,
        communes=communes,
        manufacturing_share=np.clip(0.15 + 0.02 * model.structure + rng.normal(0, 0.02, n), 0.08, 0.3),
        pupil_share=np.clip(0.085 + rng.normal(0, 0.008, n), 0.06, 0.11),
        urbanisation=np.clip(33 + 9 * model.structure + 30 * central + rng.normal(0, 5, n), 14, 92),
        industrial_land=np.round(np.clip(900 + 700 * model.structure + rng.normal(0, 400, n), 80, None), 1),
    )


def _covariates(model: _Model, static: _StaticCovariates, year: int, raw: np.ndarray) -> pd.DataFrame:
    """Covariates of one year (63 units, wide) consistent with that year's raw values."""
    fw = model.framework
    column = {c: j for j, c in enumerate(model.codes)}
    population = np.round(static.population_base * (1 + POPULATION_GROWTH) ** (year - POPULATION_YEAR))
    gdp = NATIONAL_GDP_2022 * (1 + GDP_GROWTH) ** (year - data_year(2023))
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
    }, index=pd.Index(model.units, name=schema.UNIT))


def _quantities(covariates: pd.DataFrame) -> pd.DataFrame:
    long = covariates.reset_index().melt(id_vars=schema.UNIT, var_name="quantity", value_name=schema.VALUE)
    return long.assign(**{schema.PROVENANCE: schema.ILLUSTRATIVE})


# ----------------------------------------------------------------------- calibration

def _long(edition: int, units: list[str], codes: list[str], raw: np.ndarray, source: str) -> pd.DataFrame:
    return pd.DataFrame({
        schema.EDITION: edition,
        schema.UNIT: np.repeat(units, len(codes)),
        schema.INDICATOR: np.tile(codes, len(units)),
        schema.VALUE: raw.reshape(-1),
        schema.PROVENANCE: schema.ILLUSTRATIVE,
        schema.SOURCE: source,
    })


def _pin_ranks(x: np.ndarray, pins: list[tuple[int, int, int]]) -> np.ndarray:
    """Place each pinned unit's latent value between the units at the required positions."""
    x = x.copy()
    for unit, column, rank in pins:
        others = np.sort(np.delete(x[:, column], unit))[::-1]
        if rank == 1:
            x[unit, column] = others[0] + 1.0
        elif rank > len(others):
            x[unit, column] = others[-1] - 1.0
        else:
            x[unit, column] = (others[rank - 2] + others[rank - 1]) / 2
    return x


def _sub_index_codes(edition: int) -> tuple[str, str]:
    full = load_framework(edition)
    rows = full[full["level"] == "sub_index"]
    names = rows["name_en"].str.lower()
    return (str(rows.loc[names.str.startswith("input"), "code"].iloc[0]),
            str(rows.loc[names.str.startswith("output"), "code"].iloc[0]))


@dataclass
class _Calibrated:
    edition: int
    level: np.ndarray         # latent levels (units of the data, 2)
    x: np.ndarray             # latent values of the 63 former provinces for the data year
    raw63: np.ndarray         # raw values of the 63 former provinces for the data year
    values: pd.DataFrame      # the edition's long frame
    rounds: int
    max_error: float


def _calibrate_edition(model: _Model, edition: int, targets: pd.DataFrame, pins, source: str) -> _Calibrated:
    from piilib.pii import compute_pii

    year = data_year(edition)
    input_code, output_code = _sub_index_codes(edition)
    target = targets.set_index(schema.UNIT).reindex(model.units)[["input", "output"]].to_numpy()
    level = target.copy()
    for rounds in range(1, MAX_ROUNDS + 1):
        x = _pin_ranks(model.latent(year, level), pins)
        raw = model.raw(year, x)
        values = _long(edition, model.units, model.codes, raw, source)
        scores = compute_pii(values, edition).scores
        achieved = scores.loc[model.units, [input_code, output_code]].to_numpy()
        error = target - achieved
        if np.abs(error).max() < TOLERANCE:
            break
        level = level + DAMPING * error
    return _Calibrated(edition, level, x, raw, values, rounds, float(np.abs(error).max()))


def _merged_values(model, edition, x, raw, quantities, source) -> pd.DataFrame:
    """Year data of the 63 former provinces on the 34-unit map (harmonised; the framework's
    not-combinable indicators generated on the merged unit from its members' latent mean)."""
    framework = indicators(edition)
    long = _long(edition - 1, model.units, model.codes, raw, source)
    merged = harmonise_to_merged(long, framework, quantities)
    walk = crosswalk().set_index("former_unit").reindex(model.units)
    weights = quantities[quantities["quantity"] == "population"].set_index(schema.UNIT)[schema.VALUE]
    missing = merged[merged[schema.VALUE].isna()]
    if not missing.empty:
        merged_units = sorted(set(missing[schema.UNIT]))
        groups = walk["merged_unit"].to_numpy()
        xm = np.stack([np.average(x[groups == m], axis=0, weights=weights.reindex(np.array(model.units)[groups == m]))
                       for m in merged_units])
        raw_m = model.raw(edition - 1, xm, reference=x)
        lookup = {(m, c): raw_m[i, j] for i, m in enumerate(merged_units) for j, c in enumerate(model.codes)}
        fill = [lookup[(u, c)] for u, c in zip(missing[schema.UNIT], missing[schema.INDICATOR])]
        merged.loc[missing.index, schema.VALUE] = fill
        merged.loc[missing.index, schema.SOURCE] = (
            f"{source} (generated on the 2025 map: the framework marks this indicator not combinable)")
    merged[schema.EDITION] = edition
    merged[schema.PROVENANCE] = schema.ILLUSTRATIVE
    return merged[schema.LONG_COLUMNS].reset_index(drop=True)


def _calibrate_merged(model, edition, targets, previous: _Calibrated, static, source) -> tuple[_Calibrated, pd.DataFrame]:
    from piilib.pii import compute_pii

    year = data_year(edition)
    input_code, output_code = _sub_index_codes(edition)
    merged_units = load_units(edition)["unit"].tolist()
    walk = crosswalk().set_index("former_unit").reindex(model.units)
    group = np.array([merged_units.index(m) for m in walk["merged_unit"]])
    population = static.population_base
    # Members keep their differences of the previous year around the merged unit's level.
    offset = np.zeros_like(previous.level)
    for g in range(len(merged_units)):
        members = group == g
        offset[members] = previous.level[members] - np.average(previous.level[members], axis=0,
                                                               weights=population[members])
    target = targets.set_index(schema.UNIT).reindex(merged_units)[["input", "output"]].to_numpy()
    level = target.copy()
    for rounds in range(1, MAX_ROUNDS + 1):
        x = model.latent(year, level[group] + offset)
        raw = model.raw(year, x)
        covariates = _covariates(model, static, year, raw)
        values = _merged_values(model, edition, x, raw, _quantities(covariates), source)
        scores = compute_pii(values, edition).scores
        achieved = scores.loc[merged_units, [input_code, output_code]].to_numpy()
        error = target - achieved
        if np.abs(error).max() < TOLERANCE:
            break
        level = level + DAMPING * error
    calibrated = _Calibrated(edition, level[group] + offset, x, raw, values, rounds, float(np.abs(error).max()))
    return calibrated, covariates
