"""The province profile ("Hồ sơ <tỉnh>"): every indicator of the edition's framework with its
value, score and national rank, strengths and weaknesses marked, the sub-pillar and pillar
scores and ranks over editions, and the medians they are compared with; in the manner of
WIPO's GII economy profiles and the Ministry's PII provincial profiles.

Strengths and weaknesses follow the GII's rule (Global Innovation Index 2023, appendix on
the economy profiles), relative to the province's own profile:

- each element's percentile rank is the share of the other units whose score is strictly
  lower than the province's (1 = best of the map, 0 = worst; ties share a percentile rank);
- a strength is an indicator whose percentile rank is at least the `STRENGTH_COUNT`-th highest
  among the province's indicators (ties can make more than ten), or whose national rank is
  `AUTOMATIC_STRENGTH_RANK` or better; a weakness, one whose percentile rank is at most the
  `STRENGTH_COUNT`-th lowest (a rank of 3 or better is never a weakness);
- the same two cut-offs, computed on indicators only, mark the sub-pillars and pillars.

Flags. "missing": the data hold no value of the indicator for the province (the engine
imputed one; its score and rank are the imputed value's). "unchanged": the value equals, to
every digit, the province's value of the previous edition on the same map, for an indicator
that is not a whole count (a count such as 1.1.1 may repeat; a ratio that repeats exactly was
most likely not updated), so it may be old data.

Every function returns a frame; the chapter (notebooks/profile.ipynb) formats and writes.
"""

from __future__ import annotations

import pandas as pd

from piilib import schema
from piilib.framework import load_framework, whole_counts
from piilib.report.editions import EditionResult, unit_row
from piilib.report.provenance import derived_provenance

STRENGTH = "strength"
WEAKNESS = "weakness"
# The GII marks an economy's ten best and ten worst indicators, and any ranked third or better.
STRENGTH_COUNT = 10
AUTOMATIC_STRENGTH_RANK = 3
INDICATOR = "indicator"
AGGREGATE_KINDS = ("pillar", "sub_pillar")


def percentile_ranks(scores: pd.DataFrame, province: str) -> pd.Series:
    """Per element of `scores` (the engine's scores table): the share of the other units whose
    score is strictly lower than the province's; NaN where the province has no score."""
    _check_province(scores, province)
    ranks = {}
    for code, rows in scores.groupby("element", sort=False):
        own = rows.loc[rows[schema.UNIT] == province, "score"]
        others = rows.loc[rows[schema.UNIT] != province, "score"].dropna()
        if own.empty or pd.isna(own.iloc[0]) or others.empty:
            ranks[code] = float("nan")
            continue
        ranks[code] = float((others < float(own.iloc[0])).sum()) / len(others)
    return pd.Series(ranks, name="percentile", dtype=float)


def strength_cutoffs(indicator_percentiles: pd.Series, count: int = STRENGTH_COUNT) -> tuple[float, float]:
    """(strength cut-off, weakness cut-off): the `count`-th highest and the `count`-th lowest
    percentile rank among the province's indicators (all of them when there are fewer)."""
    known = indicator_percentiles.dropna().sort_values(ascending=False).to_numpy()
    if len(known) == 0:
        raise ValueError("no indicator has a percentile rank: the province has no indicator scores")
    if count < 1:
        raise ValueError(f"count must be at least 1; got {count}")
    position = min(count, len(known)) - 1
    return float(known[position]), float(known[::-1][position])


def assessment(percentile: float, rank, cutoffs: tuple[float, float],
               automatic_rank: int = AUTOMATIC_STRENGTH_RANK) -> str:
    """STRENGTH, WEAKNESS or "" for an element with this percentile rank and national rank."""
    if pd.isna(percentile):
        return ""
    high, low = cutoffs
    if percentile >= high or (pd.notna(rank) and int(rank) <= automatic_rank):
        return STRENGTH
    if percentile <= low:
        return WEAKNESS
    return ""


def scorecard(current: EditionResult, province: str, previous: EditionResult | None = None,
              framework: pd.DataFrame | None = None, count: int = STRENGTH_COUNT) -> pd.DataFrame:
    """Every indicator of `current`'s framework for the province, in framework order.

    previous: the previous edition's index on the same map (for the "unchanged" flag; None:
    no flag). framework: the framework the edition was computed with (default: the edition's).
    Columns: code, name, pillar, sub_pillar, unit_label, provisional, direction, whole_count
    (a count shown without decimals, `piilib.framework.whole_counts`), value (NaN when missing), value_provenance, score, rank, n_units, percentile, assessment,
    missing, unchanged, score_provenance (a score and rank inherit the weakest provenance of
    every unit's value of the indicator).
    """
    framework = load_framework(current.edition) if framework is None else framework
    scores = current.scores
    _check_province(scores, province)
    percentiles = percentile_ranks(scores, province)
    table = framework.assign(code=framework["code"].astype(str)).set_index("code")
    own = scores[(scores[schema.UNIT] == province) & (scores["kind"] == INDICATOR)].set_index("element")
    values = current.values.assign(**{schema.INDICATOR: current.values[schema.INDICATOR].astype(str)})
    own_values = (values[values[schema.UNIT] == province].dropna(subset=[schema.VALUE])
                  .drop_duplicates(schema.INDICATOR).set_index(schema.INDICATOR))
    provenance_by_indicator = values.groupby(schema.INDICATOR)[schema.PROVENANCE].agg(list)
    earlier = _values_of(previous, province)
    whole = whole_counts(framework)
    codes = [code for code in own.index.astype(str) if code in table.index]
    cutoffs = strength_cutoffs(percentiles.reindex(codes), count)
    rows = []
    for code in codes:
        node = table.loc[code]
        missing = code not in own_values.index
        value = float("nan") if missing else float(own_values.at[code, schema.VALUE])
        before = earlier.get(code)
        unchanged = bool(not missing and before is not None and not bool(whole.get(code, False))
                         and value == before)
        sub_pillar = _parent(node)
        rows.append({
            "code": code, "name": str(node["name_vi"]),
            "pillar": _parent(table.loc[sub_pillar]) if sub_pillar in table.index else None,
            "sub_pillar": sub_pillar,
            "unit_label": "" if pd.isna(node.get("unit_vi")) else str(node["unit_vi"]),
            "provisional": str(node.get("code_status")) == "provisional",
            "direction": int(node["direction"]), "whole_count": bool(whole.get(code, False)),
            "value": value,
            "value_provenance": None if missing else str(own_values.at[code, schema.PROVENANCE]),
            "score": float(own.at[code, "score"]),
            "rank": _int_or_none(own.at[code, "rank"]), "n_units": int(own.at[code, "n_units"]),
            "percentile": float(percentiles.get(code, float("nan"))),
            "assessment": assessment(percentiles.get(code, float("nan")), own.at[code, "rank"], cutoffs),
            "missing": missing, "unchanged": unchanged,
            "score_provenance": derived_provenance(provenance_by_indicator.get(code, [])),
        })
    return pd.DataFrame(rows)


def aggregates(current: EditionResult, province: str, framework: pd.DataFrame | None = None,
               count: int = STRENGTH_COUNT, kinds=AGGREGATE_KINDS) -> pd.DataFrame:
    """The province's pillars and sub-pillars (framework order, each pillar before its
    sub-pillars), marked with the indicators' cut-offs.

    Columns: code, name, kind, parent, provisional, score, rank, n_units, percentile,
    assessment, provenance (weakest of every unit's value of the indicators under it).
    """
    framework = load_framework(current.edition) if framework is None else framework
    scores = current.scores
    percentiles = percentile_ranks(scores, province)
    own = scores[scores[schema.UNIT] == province].set_index("element")
    indicator_codes = own.index[own["kind"] == INDICATOR].astype(str)
    cutoffs = strength_cutoffs(percentiles.reindex(indicator_codes), count)
    table = framework.assign(code=framework["code"].astype(str))
    children = table.groupby(table["parent"].astype(str))["code"].agg(list).to_dict()
    provenances = current.values.assign(**{schema.INDICATOR: current.values[schema.INDICATOR].astype(str)}) \
        .groupby(schema.INDICATOR)[schema.PROVENANCE].agg(list)
    order = _tree_order(table, kinds)
    rows = []
    for code in order:
        if code not in own.index:
            continue
        node = table.set_index("code").loc[code]
        under = _leaves(code, children, set(indicator_codes))
        rows.append({
            "code": code, "name": str(node["name_vi"]), "kind": str(own.at[code, "kind"]),
            "parent": _parent(node), "provisional": str(node.get("code_status")) == "provisional",
            "score": float(own.at[code, "score"]), "rank": _int_or_none(own.at[code, "rank"]),
            "n_units": int(own.at[code, "n_units"]), "percentile": float(percentiles[code]),
            "assessment": assessment(percentiles[code], own.at[code, "rank"], cutoffs),
            "provenance": derived_provenance([p for leaf in under for p in provenances.get(leaf, [])]),
        })
    return pd.DataFrame(rows, columns=["code", "name", "kind", "parent", "provisional", "score", "rank",
                                       "n_units", "percentile", "assessment", "provenance"])


def aggregate_history(results: dict[int, EditionResult], province: str,
                      kinds=AGGREGATE_KINDS) -> pd.DataFrame:
    """The province's pillar and sub-pillar scores and ranks in each edition of `results`
    (edition -> index on the report's map, earlier editions harmonised where needed).

    Long: edition, code, kind, score, rank, n_units, harmonised, provenance. An edition whose
    map lacks the province gives no rows.
    """
    rows = []
    for edition, computed in sorted(results.items()):
        scores = computed.scores
        if not (scores[schema.UNIT] == province).any():
            continue
        provenance = derived_provenance(computed.values[schema.PROVENANCE].astype(str))
        own = scores[(scores[schema.UNIT] == province) & scores["kind"].isin(kinds)]
        for row in own.itertuples(index=False):
            rows.append({"edition": int(edition), "code": str(row.element), "kind": str(row.kind),
                         "score": float(row.score), "rank": _int_or_none(row.rank), "n_units": int(row.n_units),
                         "harmonised": bool(computed.harmonised), "provenance": provenance})
    return pd.DataFrame(rows, columns=["edition", "code", "kind", "score", "rank", "n_units", "harmonised",
                                       "provenance"])


def medians(current: EditionResult, province: str, kind: str = "sub_pillar") -> pd.DataFrame:
    """The province's scores of one kind of element against the nation and its region.

    Columns: code, name, label ("code name"), province (score), rank, n_units, national_median
    (every unit, the province included, as the Ministry's medians), region (median of the
    region's other units), region_size (those other units).
    """
    scores = current.scores
    _check_province(scores, province)
    region = str(unit_row(current.units, province)["region"])
    rows = []
    for code, group in scores[scores["kind"] == kind].groupby("element", sort=False):
        own = group[group[schema.UNIT] == province].iloc[0]
        others = group[(group["region"] == region) & (group[schema.UNIT] != province)]
        rows.append({"code": str(code), "name": str(own["element_name"]), "label": f"{code} {own['element_name']}",
                     "province": float(own["score"]), "rank": _int_or_none(own["rank"]),
                     "n_units": int(own["n_units"]), "national_median": float(group["score"].median()),
                     "region": float(others["score"].median()) if not others.empty else float("nan"),
                     "region_size": len(others)})
    return pd.DataFrame(rows, columns=["code", "name", "label", "province", "rank", "n_units", "national_median",
                                       "region", "region_size"])


def counts(card: pd.DataFrame) -> dict[str, int]:
    """How many indicators of a scorecard are strengths, weaknesses, missing and unchanged."""
    return {"indicators": len(card), "strengths": int((card["assessment"] == STRENGTH).sum()),
            "weaknesses": int((card["assessment"] == WEAKNESS).sum()), "missing": int(card["missing"].sum()),
            "unchanged": int(card["unchanged"].sum()), "provisional": int(card["provisional"].sum())}


def _check_province(scores: pd.DataFrame, province: str) -> None:
    if not (scores[schema.UNIT] == province).any():
        raise ValueError(f"province {province!r} has no scores in this edition's results "
                         f"({scores[schema.UNIT].nunique()} units); check the unit key")


def _values_of(result: EditionResult | None, province: str) -> dict[str, float]:
    if result is None:
        return {}
    values = result.values
    own = values[(values[schema.UNIT] == province)].dropna(subset=[schema.VALUE])
    return dict(zip(own[schema.INDICATOR].astype(str), own[schema.VALUE].astype(float)))


def _parent(node: pd.Series) -> str | None:
    parent = node.get("parent")
    return None if parent is None or pd.isna(parent) or str(parent) in ("", "nan") else str(parent)


def _int_or_none(value):
    return None if value is None or pd.isna(value) else int(value)


def _tree_order(table: pd.DataFrame, kinds) -> list[str]:
    """Codes of `kinds` in depth-first framework order (a pillar, then its sub-pillars)."""
    kept = table[table["level"].isin(kinds)]
    children = {}
    for row in kept.itertuples(index=False):
        children.setdefault(str(row.parent), []).append(str(row.code))
    roots = [str(row.code) for row in kept.itertuples(index=False) if str(row.parent) not in set(kept["code"])]
    order: list[str] = []

    def visit(code):
        order.append(code)
        for child in children.get(code, []):
            visit(child)

    for root in roots:
        visit(root)
    return order


def _leaves(code: str, children: dict[str, list[str]], indicators: set[str]) -> list[str]:
    if code in indicators:
        return [code]
    return [leaf for child in children.get(code, []) for leaf in _leaves(child, children, indicators)]


__all__ = ["AUTOMATIC_STRENGTH_RANK", "STRENGTH", "STRENGTH_COUNT", "WEAKNESS", "aggregate_history", "aggregates",
           "assessment", "counts", "medians", "percentile_ranks", "scorecard", "strength_cutoffs"]
