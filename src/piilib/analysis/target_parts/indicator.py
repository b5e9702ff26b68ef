"""One indicator: every threshold on both bases, recomputed, with the tiers and the recommendation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

import numpy as np
import pandas as pd

from piilib.analysis.target_parts.constants import (
    AMBITIONS,
    CURRENT,
    DEFAULT_TOP,
    EVIDENCE_CEILING,
    HOLD_RANK,
    MAINTAIN,
    PROJECTED,
    RANK_TOLERANCE,
    ROW_OUTCOME_COLUMNS,
    RULE_CEILING,
    RULE_EVIDENCE_MAINTAIN,
    RULE_NO_EVIDENCE,
    RULE_REACHED,
    RULE_WITHIN,
    THRESHOLDS,
    TIER_BREAKTHROUGH,
    TIER_FEASIBLE,
    TIER_LABELS,
    TIER_MAINTAIN,
    TREND,
)
from piilib.analysis.target_parts.evidence import Evidence
from piilib.analysis.target_parts.recompute import Recomputer
from piilib.analysis.target_parts.thresholds import _without, rank_among, round_towards, thresholds, value_decimals


# --------------------------------------------------------------------------- one indicator


@dataclass(frozen=True)
class Basis:
    """One basis of comparison on one map (module docstring).

    others: the other units' values on the map (the province's unit left out); today_others:
    their values today; to_map / today_to_map: (intercept, slope) of the province's value on
    the map as a function of its own, with the partners' compared / today's values;
    recomputer: the index of today on that map (province = the ranked unit).
    """

    name: str
    others: pd.Series
    today_others: pd.Series
    recomputer: "Recomputer"
    map_label: str
    n_units: int
    region_size: int
    region_members: tuple = ()
    peer_members: tuple = ()
    to_map: tuple[float, float] = (0.0, 1.0)
    today_to_map: tuple[float, float] = (0.0, 1.0)

    def mapped(self, own: float, today: bool = False) -> float:
        intercept, slope = self.today_to_map if today else self.to_map
        return float(intercept + slope * own)


def _same_map_basis(name: str, recomputer: Recomputer, indicator: str, others: pd.Series,
                    region_members: Iterable[str], peer_members: Iterable[str], map_label: str | None) -> Basis:
    raw = recomputer.raw_values(indicator)
    today_others = _without(raw, recomputer.province)
    members = tuple(region_members)
    return Basis(name=name, others=others, today_others=today_others, recomputer=recomputer,
                 map_label=map_label or "", n_units=len(raw.dropna()), region_size=len(members) + 1,
                 region_members=members, peer_members=tuple(peer_members))


def _tiers(rows: pd.DataFrame, basis: str, own: float, direction: int, evidence: Evidence, decimals: int) -> list[dict]:
    """Mark the tiers and the recommendation in `rows` (in place); return the extra rows.
    On NumPy arrays of the few rows (pandas filtering and sorting cost more than the rule)."""
    threshold = rows["threshold"].to_numpy(dtype=object)
    in_basis = rows["basis"].to_numpy(dtype=object) == basis
    needed = rows["needed_value"].to_numpy(dtype=float)
    hold = np.flatnonzero(in_basis & (threshold == HOLD_RANK))
    maintain = own
    for candidate in (evidence.business_as_usual, needed[hold[0]] if len(hold) == 1 else np.nan):
        if np.isfinite(candidate) and direction * (candidate - maintain) > 0:
            maintain = float(candidate)
    maintain = round_towards(maintain, decimals, direction)
    extra = [{"threshold": MAINTAIN, "basis": basis, "target_value": maintain, "tier": TIER_MAINTAIN}]
    ambition = direction * needed
    order = np.array([THRESHOLDS.index(t) if t in THRESHOLDS else len(THRESHOLDS) for t in threshold])
    with np.errstate(invalid="ignore"):
        candidates = np.flatnonzero(in_basis & np.isin(threshold, AMBITIONS) & ~rows["reached"].to_numpy(dtype=bool)
                                    & ~rows["delivered_by_trend"].to_numpy(dtype=bool)
                                    & (ambition > direction * maintain))
    feasible_value, rule = None, None
    if not evidence.usable:
        rule = RULE_NO_EVIDENCE if len(candidates) else RULE_REACHED
    else:
        within = [i for i in candidates if ambition[i] <= direction * evidence.ceiling]
        if within:  # the most ambitious; ties: the first threshold in THRESHOLDS order
            best = rows.index[max(within, key=lambda i: (ambition[i], -order[i]))]
            rows.at[best, "tier"], rows.at[best, "recommended"], rows.at[best, "rule"] = \
                TIER_FEASIBLE, True, RULE_WITHIN
            feasible_value = float(rows.at[best, "needed_value"])
        else:
            ceiling = round_towards(evidence.ceiling, decimals, -direction)
            if direction * (ceiling - maintain) > 0:
                extra.append({"threshold": EVIDENCE_CEILING, "basis": basis, "target_value": ceiling,
                              "tier": TIER_FEASIBLE, "recommended": True, "rule": RULE_CEILING})
                feasible_value = ceiling
            else:
                rule = RULE_EVIDENCE_MAINTAIN if len(candidates) else RULE_REACHED
    if feasible_value is None:
        extra[0].update(recommended=True, rule=rule)
    floor = direction * (maintain if feasible_value is None else feasible_value)
    beyond = [i for i in candidates if ambition[i] > floor]
    if beyond:  # the least ambitious; ties: the first threshold in THRESHOLDS order
        rows.at[rows.index[min(beyond, key=lambda i: (ambition[i], order[i]))], "tier"] = TIER_BREAKTHROUGH
    return extra


def indicator_targets(
    recomputer: Recomputer,
    indicator: str,
    direction: int,
    region_members: Iterable[str] = (),
    peer_members: Iterable[str] = (),
    projected: pd.Series | None = None,
    evidence: Evidence | None = None,
    top: int = DEFAULT_TOP,
    decimals: int | None = None,
    projection: Basis | None = None,
    map_label: str | None = None,
    outcomes: bool = True,
) -> pd.DataFrame:
    """Every threshold of one indicator on both bases, recomputed, with the tiers and the
    recommended row (module docstring). outcomes=False leaves what each row buys (the ranks
    on the map, OUTCOME_COLUMNS, p_reach_*) NaN and skips the recomputations: the thresholds,
    tiers and recommendation do not depend on them.

    The current values are the raw stage of `recomputer.result` (its map: `map_label`).
    projection: the projected basis (`Basis`, e.g. on the next edition's map); or, on the same
    map, `projected`: the other units' projected values (unit -> value; a unit without one
    keeps its current value). Without either only the current basis is given.
    Columns: THRESHOLD_COLUMNS, OUTCOME_COLUMNS, p_reach_trend, p_reach_evidence, tier,
    within_evidence, recommended, rule, EVIDENCE_COLUMNS, plus current_value, current_rank,
    n_units, current_score, current_pii, current_pii_rank, current_pii_region_rank, decimals
    and direction.
    """
    province = recomputer.province
    evidence = evidence or Evidence()
    raw = recomputer.raw_values(indicator)
    decimals = value_decimals(raw.to_numpy()) if decimals is None else decimals
    own = float(raw[province])
    others_current = _without(raw, province)
    bases = {CURRENT: _same_map_basis(CURRENT, recomputer, indicator, others_current, region_members, peer_members,
                                      map_label)}
    if projection is None and projected is not None:
        comparison = _without(projected.astype(float), province).reindex(others_current.index)
        if comparison.notna().any():
            projection = _same_map_basis(PROJECTED, recomputer, indicator, comparison.fillna(others_current),
                                         region_members, peer_members, map_label)
    if projection is not None:
        bases[PROJECTED] = projection

    parts = []
    for name, basis in bases.items():
        today = rank_among(basis.today_others, basis.mapped(own, today=True), direction, RANK_TOLERANCE)
        part = thresholds(raw, province, direction, basis.region_members, basis.peer_members, top, decimals,
                          basis.others, today_rank=today, to_map=basis.to_map)
        parts.append(part.assign(basis=name))
    rows = pd.concat(parts, ignore_index=True).drop(columns="today_rank")
    bau = evidence.business_as_usual
    rows["delivered_by_trend"] = (~rows["reached"]) & np.isfinite(bau) & \
        (direction * (bau - rows["needed_value"]) >= 0)
    rows = rows.assign(rule=None, recommended=False, tier=None, within_evidence=pd.NA)
    tier_basis = PROJECTED if PROJECTED in bases else CURRENT
    extra = _tiers(rows, tier_basis, own, direction, evidence, decimals)
    extra_rows = pd.DataFrame([{"reference_unit": None, "threshold_value": np.nan, "needed_value": e["target_value"],
                                "reached": e["target_value"] == own, "delivered_by_trend": False,
                                "increment": e["target_value"] - own, "recommended": False, "rule": None, **e}
                               for e in extra])
    rows = pd.concat([rows, extra_rows], ignore_index=True)
    rows["recommended"] = rows["recommended"].fillna(False).astype(bool)
    if np.isfinite(evidence.ceiling):
        rows["within_evidence"] = (direction * (rows["target_value"] - evidence.ceiling) <= 0).astype(object)

    if not outcomes:
        outcome_frame = pd.DataFrame(np.nan, index=rows.index, columns=ROW_OUTCOME_COLUMNS)
        for column, attribute in (("rank_map", "map_label"), ("rank_map_units", "n_units"),
                                  ("rank_map_region_size", "region_size")):  # the map: no recomputation
            outcome_frame[column] = [getattr(bases[b], attribute) for b in rows["basis"]]
        outcome_frame["ranked_unit"] = [bases[b].recomputer.province for b in rows["basis"]]
        return _with_indicator_columns(rows, outcome_frame, recomputer, indicator, own, others_current, raw,
                                       direction, decimals, evidence)
    for name, basis in bases.items():  # every value of a basis recomputed at once
        targets_of = rows.loc[rows["basis"] == name, "target_value"]
        basis.recomputer.prefetch(indicator, [basis.mapped(v, today=True) for v in targets_of])
    # Per basis, once: today's ranks and the region's values (the same for every row).
    fixed = {}
    for name, basis in bases.items():
        region = [u for u in basis.region_members if u in basis.others.index]
        today_raw = basis.mapped(own, today=True)
        region_others = basis.others.reindex(region)
        kept = basis.mapped(own)
        fixed[name] = (region_others, {
            "today_rank": rank_among(basis.today_others, today_raw, direction, RANK_TOLERANCE),
            "today_region_rank": rank_among(basis.today_others.reindex(region), today_raw, direction,
                                            RANK_TOLERANCE),
            "kept_rank": rank_among(basis.others, kept, direction, RANK_TOLERANCE),
            "kept_region_rank": rank_among(region_others, kept, direction, RANK_TOLERANCE)})
    outcome_rows = []
    for row in rows.itertuples():
        basis = bases[row.basis]
        solver = basis.recomputer
        region_others, today = fixed[row.basis]
        mapped = basis.mapped(row.target_value)
        outcome = solver.outcome(indicator, basis.mapped(row.target_value, today=True))
        outcome_rows.append({
            "rank_map": basis.map_label, "rank_map_units": basis.n_units,
            "rank_map_region_size": basis.region_size, "ranked_unit": solver.province,
            **today,
            "today_pii_rank": solver.current["pii_rank"], "today_pii_region_rank": solver.current["pii_region_rank"],
            "indicator_rank": rank_among(basis.others, mapped, direction, RANK_TOLERANCE),
            "indicator_region_rank": rank_among(region_others, mapped, direction, RANK_TOLERANCE),
            "score": outcome["score"], "score_change": outcome["score"] - solver.score(indicator),
            "pii": outcome["pii"], "pii_change": outcome["pii"] - solver.current["pii"],
            "pii_rank": outcome["pii_rank"], "pii_rank_gain": solver.current["pii_rank"] - outcome["pii_rank"],
            "pii_region_rank": outcome["pii_region_rank"],
            "leaves_pii_rank_unchanged": outcome["pii_rank"] == solver.current["pii_rank"],
            "p_reach_trend": evidence.p_reach(row.target_value, direction, TREND),
            "p_reach_evidence": (evidence.p_reach(row.target_value, direction, evidence.evidence_model)
                                 if evidence.usable else np.nan),
            # A threshold already reached: the chance the trend keeps the province at or beyond it
            # (its target, today's value, the trend reaches about half the time on a flat trend).
            "p_hold_trend": (evidence.p_reach(row.needed_value, direction, TREND)
                             if row.reached and np.isfinite(row.needed_value) else np.nan),
        })
    outcome_frame = pd.DataFrame(outcome_rows, index=rows.index)
    return _with_indicator_columns(rows, outcome_frame, recomputer, indicator, own, others_current, raw, direction,
                                   decimals, evidence)


def _with_indicator_columns(rows, outcomes, recomputer, indicator, own, others_current, raw, direction, decimals,
                            evidence) -> pd.DataFrame:
    current = recomputer.current
    # One frame of the added columns, joined once (DataFrame.assign inserts column by column).
    added = pd.DataFrame(dict(
        tier_label=[TIER_LABELS.get(t) for t in rows["tier"]],
        current_value=own,
        current_rank=rank_among(others_current, own, direction),
        n_units=len(raw.dropna()),
        current_score=recomputer.score(indicator),
        current_pii=current["pii"],
        current_pii_rank=current["pii_rank"],
        current_pii_region_rank=current["pii_region_rank"],
        decimals=decimals,
        direction=direction,
        lower_bound=evidence.bounds[0],
        upper_bound=evidence.bounds[1],
        **evidence.as_dict(),
    ), index=rows.index)
    return pd.concat([rows, outcomes, added], axis=1)
