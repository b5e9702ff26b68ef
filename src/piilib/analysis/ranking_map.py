"""The map a ranking is made on, and a province's value carried onto it.

A target is set for the province as it is in the base edition, but the next edition ranks
the units of ITS map: for base 2024 (63 provinces) the 2025 edition ranks the 34 units of the
merger, so Cần Thơ's value counts as one part of merged Cần Thơ (with Hậu Giang and Sóc
Trăng). `RankingMap` carries values of the base map onto the ranking map with the framework's
merge rules (`piilib.harmonise.harmonise_to_merged`, no rule of its own) and, for the
province, gives the merged value as an affine function of its own value,

    merged = intercept + slope · own        (slope > 0),

which holds for every merge rule (a ratio of sums, a sum of totals, a weighted mean): the
partners' values and the weights are fixed. The function is obtained from two evaluations of
`harmonise_to_merged` (own value 0 and 1), so it is the harmonisation itself, and its inverse
turns a threshold on the ranking map into the value the province needs. On the same map
(base 2025 → 2026) the function is the identity. An indicator the framework marks
`not_combinable` has no merged value: it cannot be ranked on the merged map.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from piilib import schema
from piilib.units import crosswalk, era, load_units

MERGE_PROVENANCE = schema.ILLUSTRATIVE  # provenance is irrelevant to the arithmetic of a merge


@dataclass(frozen=True)
class RankingMap:
    """The map of `map_edition` seen from `base_edition` for one province.

    unit: the province's unit on the map; formers: the base units that form it (the
    province first); regions: unit -> region on the map. framework and quantities: what
    `harmonise_to_merged` needs (None on the same map).
    """

    base_edition: int
    map_edition: int
    province: str
    unit: str
    formers: tuple[str, ...]
    regions: dict
    framework: pd.DataFrame | None = field(default=None, repr=False)
    quantities: pd.DataFrame | None = field(default=None, repr=False)

    @property
    def label(self) -> str:
        """The map's name: "63" or "34" (`piilib.units.era`)."""
        return era(self.map_edition)

    @property
    def merged(self) -> bool:
        return era(self.base_edition) != era(self.map_edition)

    @property
    def n_units(self) -> int:
        return len(self.regions)

    @property
    def region_size(self) -> int:
        """Units of the province's region on this map, the province included."""
        region = self.regions[self.unit]
        return sum(1 for r in self.regions.values() if r == region)

    def region_members(self) -> list[str]:
        """The other units of the province's region on this map."""
        region = self.regions[self.unit]
        return sorted(u for u, r in self.regions.items() if r == region and u != self.unit)

    def units_of(self, base_units) -> list[str]:
        """The map units that contain the given base units (the province's own unit left out)."""
        if not self.merged:
            return [u for u in base_units if u != self.unit]
        walk = crosswalk().set_index("former_unit")["merged_unit"]
        return list(dict.fromkeys(walk[u] for u in base_units if u in walk.index and walk[u] != self.unit))

    def carry(self, values: pd.DataFrame) -> pd.DataFrame:
        """Wide values (base unit × indicator) on the map (map unit × indicator)."""
        if not self.merged:
            return values.copy()
        from piilib.harmonise import harmonise_to_merged

        long = values.rename_axis(schema.UNIT).reset_index().melt(
            id_vars=schema.UNIT, var_name=schema.INDICATOR, value_name=schema.VALUE)
        long = long.assign(**{schema.EDITION: int(self.base_edition), schema.PROVENANCE: MERGE_PROVENANCE,
                              schema.SOURCE: ""})
        merged = harmonise_to_merged(long[schema.LONG_COLUMNS], self.framework, self.quantities)
        wide = merged.pivot(index=schema.UNIT, columns=schema.INDICATOR, values=schema.VALUE)
        return wide.reindex(columns=values.columns)

    def affine(self, values: pd.DataFrame) -> pd.DataFrame:
        """Per indicator (columns of `values`, base unit × indicator, the partners' values
        used): intercept and slope of the province's merged value in its own value; NaN
        for an indicator that cannot be merged."""
        if not self.merged:
            return pd.DataFrame({"intercept": 0.0, "slope": 1.0}, index=values.columns)
        formers = list(self.formers)
        probes = []
        for own in (0.0, 1.0):
            probe = values.reindex(formers).copy()
            probe.loc[self.province] = own
            probes.append(self.carry(probe).loc[self.unit])
        return pd.DataFrame({"intercept": probes[0], "slope": probes[1] - probes[0]})


def ranking_map(base_edition: int, province: str, framework: pd.DataFrame | None = None,
                quantities: pd.DataFrame | None = None, map_edition: int | None = None) -> RankingMap:
    """The map the next edition (default base + 1) ranks on, for `province` of the base map.

    framework: indicator rows with the merge rules of the BASE edition (the rules its values
    are defined with); quantities: (unit, quantity, value[, provenance]) of the base map's
    units, as `harmonise_to_merged` takes them. Both are needed only when the maps differ.
    """
    map_edition = int(base_edition) + 1 if map_edition is None else int(map_edition)
    units = load_units(map_edition)
    regions = dict(zip(units["unit"], units["region"]))
    if era(base_edition) == era(map_edition):
        if province not in regions:
            raise ValueError(f"unit {province!r} is not a unit of edition {map_edition}")
        return RankingMap(int(base_edition), map_edition, province, province, (province,), regions)
    if framework is None or quantities is None:
        raise ValueError(f"carrying edition {base_edition} onto the map of {map_edition} needs the framework's "
                         "merge rules and the quantities of the former provinces")
    walk = crosswalk()
    row = walk[walk["former_unit"] == province]
    if row.empty:
        raise ValueError(f"unit {province!r} is not a province of the map before the merger")
    unit = str(row["merged_unit"].iloc[0])
    others = sorted(u for u in walk.loc[walk["merged_unit"] == unit, "former_unit"] if u != province)
    return RankingMap(int(base_edition), map_edition, province, unit, (province, *others), regions,
                      framework, quantities)


def quantities_from_covariates(covariates: pd.DataFrame | None, edition: int) -> pd.DataFrame:
    """The quantities `harmonise_to_merged` weights with: the covariates of the data year
    (tidy: unit, covariate, value), else the unit table's (population, area, communes)."""
    from piilib.units import unit_quantities

    if covariates is None or covariates.empty:
        return unit_quantities(edition)
    provenance = covariates[schema.PROVENANCE] if schema.PROVENANCE in covariates.columns else schema.OFFICIAL
    return pd.DataFrame({"unit": covariates[schema.UNIT].to_numpy(), "quantity": covariates[schema.COVARIATE].to_numpy(),
                         "value": covariates[schema.VALUE].to_numpy(dtype=float),
                         "provenance": np.asarray(provenance)})
