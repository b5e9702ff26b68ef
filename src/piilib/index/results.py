"""Reading results: the ranked table and a unit's strengths and weaknesses."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .pipeline import IndexResult
from .steps import UCODE
from .structure import rank_array

STRENGTH = "strength"
WEAKNESS = "weakness"


def _top_down_codes(result: IndexResult) -> list[str]:
    """Aggregates then indicators, highest level first, grouped by parent (COINr's table order)."""
    s = result.structure
    table = pd.DataFrame({"code": s.codes, "level": s.levels, "parent": s.parents, "order": range(s.n_nodes)})
    parent_rank = {}
    for level in sorted(set(s.levels), reverse=True):
        block = table[table["level"] == level].copy()
        block["parent_rank"] = [parent_rank.get(p, -1) for p in block["parent"]]
        block = block.sort_values(["parent_rank", "order"], kind="stable")
        parent_rank.update({c: i for i, c in enumerate(block["code"])})
        table.loc[block.index, "sort_key"] = range(len(block))
    table["neg_level"] = -table["level"]
    return table.sort_values(["neg_level", "sort_key"], kind="stable")["code"].tolist()


def results_table(result: IndexResult) -> pd.DataFrame:
    """The ranked results: uCode, uName (if in iData), Rank (by the index), then every
    aggregate and indicator score from the top of the tree down; best unit first.
    Ties share the smallest rank; a unit with no index score is last, unranked. For a
    method without an aggregate step (`result.has_index` False) Rank is empty and the
    scores are those of the last stage."""
    index_code = result.structure.index_code
    scores = result.scores
    ordered = [c for c in _top_down_codes(result) if c in scores.columns]
    table = scores[ordered].reset_index()
    table.insert(1, "Rank", result.ranks[index_code].to_numpy() if index_code in scores.columns else np.nan)
    if "uName" in result.idata.columns:
        names = result.idata.set_index(UCODE)["uName"]
        table.insert(1, "uName", names.reindex(table[UCODE]).to_numpy())
    table["Rank"] = table["Rank"].astype("Int64")
    return table.sort_values(["Rank", UCODE], kind="stable", na_position="last").reset_index(drop=True)


def _signif(value: float, digits: int | None) -> float:
    if digits is None or not math.isfinite(value) or value == 0:
        return value
    return float(f"{value:.{digits}g}")


def _ancestor_at(result: IndexResult, code: str, level: int) -> str:
    s = result.structure
    position = {c: i for i, c in enumerate(s.codes)}
    while code and s.levels[position[code]] < level:
        code = s.parents[position[code]]
    return code


def strengths_weaknesses(
    result: IndexResult,
    unit: str,
    n: int = 5,
    stage: str = "Raw",
    adjust_direction: bool | None = None,
    min_discard: bool = True,
    report_level: int = 2,
    sig_figs: int | None = 3,
) -> pd.DataFrame:
    """A unit's top-`n` and bottom-`n` indicators by its rank among units (COINr get_str_weak).

    Ranks are computed on `stage` (COINr default "Raw"); with `adjust_direction`
    (default: True for "Raw", where values still carry their direction) values are
    multiplied by Direction first, so rank 1 is always the best. Indicators where the
    unit has no value are skipped; with `min_discard`, so are indicators where the unit
    holds the worst rank. Equal ranks keep COINr's order: iMeta sorted by parent code
    (case-insensitive), then iMeta order.

    Returns columns Code, Name, Parent (ancestor at `report_level`), Rank, Value (the
    unit's value on `stage`, rounded to `sig_figs` significant figures; None keeps it),
    Unit, kind ("strength"/"weakness"), uCode; strengths first, each by ascending rank.
    """
    data = result.stages[stage]
    if unit not in set(data[UCODE]):
        raise ValueError(f"unit '{unit}' is not in stage '{stage}'")
    codes = list(result.structure.indicator_codes)
    values = data[codes].to_numpy(dtype=float, na_value=np.nan)
    if adjust_direction is None:
        adjust_direction = stage == "Raw"
    ranked = values * result.structure.directions if adjust_direction else values
    ranks = rank_array(ranked)
    row = int(np.flatnonzero(data[UCODE].to_numpy() == unit)[0])
    unit_ranks = ranks[row]
    keep = ~np.isnan(unit_ranks)
    if min_discard:
        keep &= unit_ranks != np.nanmax(ranks, axis=0)
    # Ties keep COINr's indicator order: new_coin sorts iMeta by (Level, Parent), stable.
    parent_of = dict(zip(result.structure.codes, result.structure.parents))
    coinr_order = sorted(range(len(codes)), key=lambda j: (parent_of[codes[j]].casefold(), parent_of[codes[j]], j))
    candidates = np.array([j for j in coinr_order if keep[j]], dtype=int)
    candidates = candidates[np.argsort(unit_ranks[candidates], kind="stable")]
    n = min(n, len(candidates))
    picks = [(STRENGTH, candidates[:n]), (WEAKNESS, candidates[len(candidates) - n :])]

    meta = result.imeta.set_index(result.imeta["iCode"].astype(str))
    rows = []
    for kind, chosen in picks:
        for j in chosen:
            code = codes[j]
            rows.append(
                {
                    "Code": code,
                    "Name": meta.at[code, "iName"] if "iName" in meta.columns else code,
                    "Parent": _ancestor_at(result, code, report_level),
                    "Rank": int(unit_ranks[j]),
                    "Value": _signif(float(values[row, j]), sig_figs),
                    "Unit": meta.at[code, "Unit"] if "Unit" in meta.columns else "",
                    "kind": kind,
                    UCODE: unit,
                }
            )
    return pd.DataFrame(rows, columns=["Code", "Name", "Parent", "Rank", "Value", "Unit", "kind", UCODE])
