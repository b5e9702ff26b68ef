"""The overview chapter's analyses: the province's position, the published figures beside the
computed ones, input/output/efficiency, the pillar profile, the trajectory over editions.

Each function returns numbers in a frame (or a small dataclass); the notebook
(notebooks/overview.ipynb) chooses what to show, formats it and writes the prose.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from piilib import schema
from piilib.bundle import DataBundle
from piilib.plan import empty_plan, load_plan
from piilib.reference import trusted_facts
from piilib.report.provenance import computed_from
from piilib.report.editions import (
    EditionResult,
    edition_result,
    element,
    map_size,
    merged_edition,
    region_rank,
    same_map,
    sub_index_codes,
    unit_row,
)

CURRENT_MAP = "current_map"
FORMER_MAP = "former_map"


@dataclass(frozen=True)
class Position:
    """Where the province stands on the edition's PII."""

    edition: int
    province: str
    name: str
    region: str
    region_name: str
    score: float
    rank: int
    n_units: int
    region_rank: int
    region_size: int


def position(current: EditionResult, province: str) -> Position:
    """The province's PII score and its national and regional rank."""
    unit = unit_row(current.units, province)
    own = element(current.scores, province, current.index_code)
    in_region, region_size = region_rank(current.scores, province, current.index_code, str(unit["region"]))
    return Position(current.edition, province, str(unit["name_vi"]), str(unit["region"]),
                    str(unit["region_name_vi"]), float(own["score"]), int(own["rank"]), int(own["n_units"]),
                    in_region, region_size)


def published_comparison(current: EditionResult, province: str) -> pd.DataFrame:
    """Computed and published PII rank, score and sub-index scores, one row each.

    Columns: measure ("rank", "score", then the sub-index codes), name (the element's name),
    computed, published (NaN when not published or not trusted). Published figures come from
    the project's checked reference facts (data/reference); `published_sources` lists where.
    """
    facts = trusted_facts()
    facts = facts[(facts[schema.EDITION] == current.edition) & (facts[schema.UNIT] == province)]
    fact = facts.iloc[0] if not facts.empty else pd.Series(dtype=object)
    own = element(current.scores, province, current.index_code)
    rows = [("rank", str(own["element_name"]), float(own["rank"]), fact.get("rank")),
            ("score", str(own["element_name"]), float(own["score"]), fact.get("score"))]
    for code, column in zip(sub_index_codes(current.scores), ("input_score", "output_score")):
        sub = element(current.scores, province, code)
        rows.append((code, str(sub["element_name"]), float(sub["score"]), fact.get(column)))
    table = pd.DataFrame(rows, columns=["measure", "name", "computed", "published"])
    table["published"] = pd.to_numeric(table["published"], errors="coerce")
    return table


def published_sources(edition: int, province: str) -> list[str]:
    """Addresses of the checked publications behind the published figures (none: empty)."""
    facts = trusted_facts()
    facts = facts[(facts[schema.EDITION] == int(edition)) & (facts[schema.UNIT] == province)]
    return sorted(set(facts["source_url"].dropna().astype(str)))


def sub_indices(current: EditionResult, province: str) -> pd.DataFrame:
    """Input and output sub-indices and efficiency (output score / input score) of the province.

    Columns: code ("efficiency" for the ratio), name, score, rank, n_units, national_median.
    """
    scores = current.scores
    codes = sub_index_codes(scores)
    wide = scores[scores["element"].isin(codes)].pivot(index=schema.UNIT, columns="element", values="score")
    efficiency = wide[codes[-1]] / wide[codes[0]]
    rows = []
    for code in codes:
        own = element(scores, province, code)
        rows.append({"code": code, "name": str(own["element_name"]), "score": float(own["score"]),
                     "rank": int(own["rank"]), "n_units": len(wide), "national_median": float(wide[code].median())})
    rows.append({"code": "efficiency", "name": "Hiệu quả (điểm đầu ra / điểm đầu vào)",
                 "score": float(efficiency[province]),
                 "rank": int(efficiency.rank(ascending=False, method="min")[province]),
                 "n_units": len(wide), "national_median": float(efficiency.median())})
    return pd.DataFrame(rows)


def pillar_profile(current: EditionResult, province: str) -> pd.DataFrame:
    """The province's pillar scores against the nation and its region.

    Columns: code, name, label ("code. name"), province (score), rank, n_units,
    national_median, region (median of the region's other units), region_best (best of the
    region's other units) and region_best_name.
    """
    scores = current.scores
    region = str(unit_row(current.units, province)["region"])
    rows = []
    for code, group in scores[scores["kind"] == "pillar"].groupby("element", sort=False):
        own = group[group[schema.UNIT] == province].iloc[0]
        others = group[(group["region"] == region) & (group[schema.UNIT] != province)]
        best = others.sort_values(["score", schema.UNIT], ascending=[False, True]).iloc[0]
        rows.append({
            "code": code, "name": str(own["element_name"]), "label": f"{code}. {own['element_name']}",
            "province": float(own["score"]), "rank": int(own["rank"]), "n_units": int(own["n_units"]),
            "national_median": float(group["score"].median()), "region": float(others["score"].median()),
            "region_best": float(best["score"]), "region_best_name": str(best["name"]),
        })
    return pd.DataFrame(rows)


def pillar_scores(current: EditionResult) -> pd.DataFrame:
    """Every unit's pillar scores (long: unit, name, region, code, label, score), for
    distributions across provinces."""
    pillars = current.scores[current.scores["kind"] == "pillar"]
    return pd.DataFrame({
        schema.UNIT: pillars[schema.UNIT], "name": pillars["name"], "region": pillars["region"],
        "code": pillars["element"], "label": pillars["element"] + ". " + pillars["element_name"].astype(str),
        "score": pillars["score"].astype(float),
    }).reset_index(drop=True)


def trajectory(bundle: DataBundle, edition, province: str) -> pd.DataFrame:
    """The province's PII score and rank over editions.

    Rows on the edition's map (series CURRENT_MAP; earlier editions harmonised after a merger)
    and, for an edition after the merger, the former province on the old map (FORMER_MAP).
    Columns: edition, series, score, rank, n_units, harmonised, provenance (the mark of numbers
    computed from that edition's values, `piilib.report.provenance.computed_from`).
    """
    edition = int(edition)
    rows = []
    for other in bundle.editions(edition):
        computed = edition_result(bundle, other, edition)
        if province in set(computed.scores[schema.UNIT]):
            rows.append(_trajectory_row(computed, province, CURRENT_MAP))
    if merged_edition(edition):
        for other in bundle.editions(edition):
            if same_map(other, edition):
                continue
            computed = edition_result(bundle, other)
            if province in set(computed.scores[schema.UNIT]):
                rows.append(_trajectory_row(computed, province, FORMER_MAP))
    return pd.DataFrame(rows, columns=["edition", "series", "score", "rank", "n_units", "harmonised",
                                       schema.PROVENANCE])


def _trajectory_row(computed: EditionResult, province: str, series: str) -> dict:
    own = element(computed.scores, province, computed.index_code)
    return {"edition": computed.edition, "series": series, "score": float(own["score"]), "rank": int(own["rank"]),
            "n_units": int(own["n_units"]), "harmonised": bool(computed.harmonised),
            schema.PROVENANCE: computed_from(computed.values[schema.PROVENANCE])}


def pillar_rank_history(bundle: DataBundle, edition, province: str) -> pd.DataFrame:
    """The province's pillar ranks per edition on the edition's map: index label ("code. name"),
    one column per edition (harmonised where needed)."""
    edition = int(edition)
    columns = {}
    for other in bundle.editions(edition):
        computed = edition_result(bundle, other, edition)
        pillars = computed.scores[(computed.scores["kind"] == "pillar") & (computed.scores[schema.UNIT] == province)]
        if not pillars.empty:
            labels = pillars["element"] + ". " + pillars["element_name"].astype(str)
            columns[other] = pd.Series(pillars["rank"].astype(float).to_numpy(), index=labels.to_numpy())
    return pd.DataFrame(columns)


def plan_indicator_ranks(current: EditionResult, province: str) -> pd.DataFrame:
    """The plan's indicators with the province's rank on each, in the plan's groups and order.

    Columns: group, group_label, section, code, name, rank, n_units, lead_agency,
    published_rank (the rank the plan publishes for this edition, NaN when it publishes none:
    plan 88 gives the 2024 ranks of its weak indicators).
    """
    plan = load_plan(province=province)
    if plan is None:  # a province without a plan: no rows
        plan = empty_plan()
    scores = current.scores
    own = scores[scores[schema.UNIT] == province].set_index("element")
    groups = plan.groups.set_index("key")
    indicators = plan.indicators
    return pd.DataFrame({
        "group": indicators["group"].to_numpy(),
        "group_label": indicators["group"].map(groups["label_vi"]).to_numpy(),
        "section": indicators["group"].map(groups["section"]).to_numpy(),
        "code": indicators["code"].to_numpy(),
        "name": indicators["name_vi"].to_numpy(),
        "rank": [float(own.at[c, "rank"]) if c in own.index else float("nan") for c in indicators["code"]],
        "n_units": [float(own.at[c, "n_units"]) if c in own.index else float("nan") for c in indicators["code"]],
        "lead_agency": indicators["lead_agency_key"].map(plan.agency_name).to_numpy(),
        "published_rank": _published_ranks(plan, indicators, current.edition),
    })


def _published_ranks(plan, indicators: pd.DataFrame, edition: int) -> list[float]:
    """The plan's ranks (`rank_2024`) when they are of `edition`, else NaN."""
    if "rank_2024" not in indicators or int(plan.document.get("rank_edition") or 0) != int(edition):
        return [float("nan")] * len(indicators)
    return [float(rank) if pd.notna(rank) else float("nan") for rank in indicators["rank_2024"]]


def provenance_counts(current: EditionResult, province: str) -> pd.Series:
    """How many of the province's values have each provenance (official, published, illustrative)."""
    own = current.values[current.values[schema.UNIT] == province]
    return own[schema.PROVENANCE].astype(str).value_counts().rename("indicators")


def map_sizes(trajectory_frame: pd.DataFrame) -> dict[str, int]:
    """Units ranked by each series of a trajectory (e.g. {"current_map": 34, "former_map": 63})."""
    return {series: int(rows["n_units"].iloc[0]) for series, rows in trajectory_frame.groupby("series", sort=False)}


__all__ = ["CURRENT_MAP", "FORMER_MAP", "Position", "map_size", "map_sizes", "pillar_profile", "pillar_rank_history",
           "pillar_scores", "plan_indicator_ranks", "position", "provenance_counts", "published_comparison",
           "published_sources",
           "sub_indices", "trajectory"]
