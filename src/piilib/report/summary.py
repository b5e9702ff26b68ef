"""The leaders' summary (notebooks/summary.ipynb): why the PII changed since the previous
edition, and what every lead agency's target gives.

Heavy results come from the build's shared results (`piilib.report.shared`, through
`edition_result` and `plan_targets`); this module only reads them and splits the change
(`piilib.analysis.decomposition`). Functions return numbers; the notebook writes the prose.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from piilib import schema
from piilib.analysis.decomposition import pillar_contributions, unit_change
from piilib.bundle import DataBundle
from piilib.report.editions import edition_result, element


@dataclass(frozen=True)
class Change:
    """The province's PII between the previous edition and this one, on this edition's map.

    indicators: `decomposition.change_contributions` rows with `name` (the indicator's name);
    pillars: pillar, name, contribution (sum of its indicators'), in framework order.
    """

    previous: int
    edition: int
    score_before: float
    score_after: float
    rank_before: int
    rank_after: int
    n_units: int
    indicators: pd.DataFrame
    pillars: pd.DataFrame

    @property
    def change(self) -> float:
        return self.score_after - self.score_before


def previous_edition(bundle: DataBundle, edition) -> int | None:
    """The latest edition of the data before `edition`, or None."""
    earlier = [e for e in bundle.editions(int(edition)) if e < int(edition)]
    return max(earlier) if earlier else None


def change_since_previous(bundle: DataBundle, edition, province: str) -> Change | None:
    """How the province's PII changed since the previous edition (both on this edition's map,
    the earlier one harmonised after a merger), split by indicator and pillar; None without
    an earlier edition."""
    edition = int(edition)
    previous = previous_edition(bundle, edition)
    if previous is None:
        return None
    before, after = edition_result(bundle, previous, edition), edition_result(bundle, edition)
    contributions = unit_change(before.result, after.result, province)
    names = after.scores.drop_duplicates("element").set_index("element")["element_name"].astype(str)
    contributions["name"] = contributions["indicator"].map(names).to_numpy()
    pillars = pillar_contributions(contributions).rename_axis("pillar").reset_index()
    pillars["name"] = pillars["pillar"].map(names).to_numpy()
    own_before = element(before.scores, province, before.index_code)
    own_after = element(after.scores, province, after.index_code)
    return Change(previous, edition, float(own_before["score"]), float(own_after["score"]), int(own_before["rank"]),
                  int(own_after["rank"]), int(own_after["n_units"]), contributions, pillars)


def largest_contributions(change: Change, count: int = 3, negative: bool = True) -> pd.DataFrame:
    """The `count` indicators that pulled the PII down most (`negative`) or up most."""
    rows = change.indicators.sort_values("contribution", ascending=negative, kind="stable").head(count)
    keep = rows["contribution"] < 0 if negative else rows["contribution"] > 0
    return rows[keep].reset_index(drop=True)


def values_provenance(bundle: DataBundle, edition) -> str:
    """The provenance of a number computed from the edition's values
    (`provenance.derived_provenance`: illustrative when any value is)."""
    from piilib.pii import edition_values
    from piilib.report.provenance import derived_provenance

    return derived_provenance(edition_values(bundle.values, int(edition))[schema.PROVENANCE].astype(str).unique())
