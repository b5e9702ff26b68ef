"""Why the index changed: the change of one unit's top index between two editions, split
exactly into the contributions of its indicators and of its pillars.

With arithmetic aggregation at every level (the PII's method), a unit's top index is

    index = Σ_i  w_i × s_i,

s_i the indicator's normalised score and w_i its weight path: the product, from the
indicator up to the top, of weight / (sum of the weights of its siblings present for that
unit). A missing indicator drops out and its siblings' shares grow, as the engine's
aggregation ignores missing values. So the change between two editions is exactly

    Δindex = Σ_i  (w_i,after × s_i,after − w_i,before × s_i,before),

and when the weight paths are the same in both editions (same framework, nothing missing)
each term is w_i × Δs_i: "contribution = weight path × score change". A pillar's
contribution is the sum of its indicators'. The sum over all indicators equals the change
of the index to rounding error (tested); with geometric aggregation there is no such split
(`check_arithmetic`).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from piilib.analysis.levers import _hierarchy, indicator_codes, top_code

CONTRIBUTION_COLUMNS = ["indicator", "pillar", "weight_before", "weight_after", "score_before", "score_after",
                        "score_change", "contribution"]


def check_arithmetic(log: list[dict]) -> None:
    """ValueError unless the method log aggregates with the arithmetic mean (the split is exact
    only then)."""
    for entry in log:
        if entry.get("step") == "aggregate" and entry.get("method", "arithmetic") != "arithmetic":
            raise ValueError(f"the index aggregates with the {entry.get('method')} mean; the change of the "
                             "index splits exactly into indicator contributions only for the arithmetic mean")


def weight_paths(imeta: pd.DataFrame, scores: Mapping[str, float]) -> pd.Series:
    """Indicator -> its weight path in the top index for a unit whose scores (indicators and
    aggregates; NaN = missing) are `scores`: the product of weight / (sum of the present
    siblings' weights) up to the top. A missing indicator has weight 0."""
    nodes = _hierarchy(imeta)
    top = top_code(imeta)

    def present(code: str) -> bool:
        value = scores.get(code, np.nan)
        return value is not None and bool(np.isfinite(float(value)))

    present_weight = {}
    for parent, children in nodes.groupby("Parent"):
        present_weight[parent] = float(sum(w for c, w in children["Weight"].items() if present(c)))
    paths = {}
    for code in indicator_codes(imeta):
        if not present(code):
            paths[code] = 0.0
            continue
        product, node = 1.0, code
        while node != top:
            parent = nodes.at[node, "Parent"]
            product *= float(nodes.at[node, "Weight"]) / present_weight[parent]
            node = parent
        paths[code] = product
    return pd.Series(paths, name="weight_path", dtype=float)


def pillar_of(imeta: pd.DataFrame, level: int = 3) -> pd.Series:
    """Indicator -> its ancestor at `level` of iMeta (the PII: 1 indicator, 2 sub-pillar,
    3 pillar, 4 sub-index, 5 index)."""
    nodes = _hierarchy(imeta)
    levels = imeta.set_index(imeta["iCode"].astype(str))["Level"]
    result = {}
    for code in indicator_codes(imeta):
        node = code
        while node is not None and int(levels[node]) < level:
            node = nodes.at[node, "Parent"]
        result[code] = node
    return pd.Series(result, name="pillar")


def change_contributions(imeta: pd.DataFrame, before: Mapping[str, float], after: Mapping[str, float],
                         level: int = 3, imeta_before: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per indicator: how much of the unit's change of the top index it accounts for.

    before, after: the unit's scores in the two editions (code -> score, indicators and
    aggregates; the engine's `result.scores` row). imeta: the framework of `after` (also of
    `before` unless `imeta_before` is given). Columns CONTRIBUTION_COLUMNS: weight_before /
    weight_after (the weight paths, `weight_paths`), score_before / score_after (NaN when
    missing), score_change, contribution = weight_after × score_after − weight_before ×
    score_before (missing scores count 0); pillar: the indicator's ancestor at `level`.
    The contributions sum to after[top] − before[top].
    """
    imeta_before = imeta if imeta_before is None else imeta_before
    weights_before = weight_paths(imeta_before, before)
    weights_after = weight_paths(imeta, after)
    codes = indicator_codes(imeta)
    codes += [c for c in indicator_codes(imeta_before) if c not in codes]
    pillars = pd.concat([pillar_of(imeta_before, level), pillar_of(imeta, level)])
    pillars = pillars[~pillars.index.duplicated(keep="last")]
    rows = []
    for code in codes:
        s_before, s_after = float(before.get(code, np.nan)), float(after.get(code, np.nan))
        w_before, w_after = float(weights_before.get(code, 0.0)), float(weights_after.get(code, 0.0))
        contribution = (w_after * s_after if w_after else 0.0) - (w_before * s_before if w_before else 0.0)
        rows.append({"indicator": code, "pillar": pillars.get(code), "weight_before": w_before,
                     "weight_after": w_after, "score_before": s_before, "score_after": s_after,
                     "score_change": s_after - s_before, "contribution": contribution})
    return pd.DataFrame(rows, columns=CONTRIBUTION_COLUMNS)


def pillar_contributions(contributions: pd.DataFrame) -> pd.Series:
    """Pillar -> the sum of its indicators' contributions (pillars in first-seen order)."""
    return contributions.groupby("pillar", sort=False)["contribution"].sum().rename("contribution")


def unit_change(result_before, result_after, unit: str, level: int = 3) -> pd.DataFrame:
    """`change_contributions` of `unit` between two `IndexResult`s (the same unit key in both,
    e.g. both editions on one map); checks both aggregate arithmetically."""
    check_arithmetic(result_before.log)
    check_arithmetic(result_after.log)
    return change_contributions(result_after.imeta, result_before.scores.loc[unit].to_dict(),
                                result_after.scores.loc[unit].to_dict(), level,
                                imeta_before=result_before.imeta)
