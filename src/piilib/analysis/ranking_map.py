"""The map the next edition is ranked on: one concept for the targets and the outlook.

A base edition's values are on ITS map (63 provinces up to 2024); the next edition ranks the
units of its own map (34 from 2025). `UnitMap` is that passage for every unit and indicator:
identity on one map, otherwise each next unit's value of indicator j is

    sum over its former units f of weight[f, j] × value[f, j]

with the weights of `piilib.harmonise.merge_weights` (the framework's merge rules: a ratio of
sums, a sum of totals, a weighted mean) and the arithmetic of `piilib.harmonise.merge_array`;
an indicator the framework marks not combinable has no merged value (NaN weight).

The rules are those of the BASE edition's framework: the edition whose definitions the values
carry (6.2.4 and 7.1.2 are per commune in 2024 and per 10,000 people in 2025; a 2024 value is
merged as the per-commune ratio it is). `piilib.bundle` harmonises with the same rule.

The quantities (population, communes, GRDP ... of the former provinces) are those of the NEXT
edition's data year (`map_quantities`): the next edition ranks the values of its own data year,
and a merged unit's value in that year is the sum of its formers' numerators over the sum of
their denominators IN THAT YEAR. Without covariates of that year, the unit table's. The map
is one object per bundle and base edition (`bundle_unit_map`): the targets and the outlook
merge with the same weights, so the base index on the next map is one number in both.

Two uses:

* the outlook merges stacks of Monte Carlo draws (`UnitMap.apply`, arrays);
* the targets (`RankingMap`, one province) carry wide tables onto the map (`carry`) and need
  the province's merged value as an affine function of its own value,

      merged = intercept + slope · own        (slope = the province's weight > 0),

  the partners' values and the weights fixed (`affine`), inverted to give the value the
  province needs for a threshold on the map. On the same map the function is the identity.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from piilib import schema
from piilib.units import crosswalk, era, load_units


# --------------------------------------------------------------------------- every unit


@dataclass(frozen=True)
class UnitMap:
    """How the base edition's units become the units the next edition ranks.

    Identity when both editions are on one map; otherwise every next unit's value of
    indicator j is sum over its former units f of weight[f, j] × value[f, j] (the
    harmonisation rules, `piilib.harmonise.merge_weights`); NaN weight: no merged value.
    """

    base_units: tuple[str, ...]
    units: tuple[str, ...]
    unit_regions: tuple[str, ...]  # region of each unit (next map)
    next_of_base: np.ndarray  # (base units,) index of each base unit's next unit
    weights: np.ndarray | None  # (base units, indicators); None: identity
    next_edition: int | None = None
    region_names: Mapping[str, str] = field(default_factory=dict)
    # Indicators left without a merged value because a quantity their rule needs is missing.
    without_quantities: tuple[str, ...] = ()
    indicators: tuple[str, ...] = ()  # the columns of `weights`

    @property
    def merged(self) -> bool:
        return self.weights is not None

    @property
    def n_units(self) -> int:
        return len(self.units)

    def unit_of(self, base_unit: str) -> str:
        return self.units[int(self.next_of_base[self.base_units.index(base_unit)])]

    def region_of(self, unit: str) -> str:
        return self.unit_regions[self.units.index(unit)]

    def region_size(self, region: str) -> int:
        return sum(r == region for r in self.unit_regions)

    @classmethod
    def identity(cls, units: Sequence[str], regions: Mapping[str, str], next_edition: int | None = None,
                 region_names: Mapping[str, str] | None = None) -> "UnitMap":
        units = tuple(str(u) for u in units)
        missing = [u for u in units if u not in regions]
        if missing:
            raise ValueError(f"no region for unit(s) {missing[:5]}")
        return cls(units, units, tuple(regions[u] for u in units), np.arange(len(units)), None, next_edition,
                   dict(region_names or {}))

    @classmethod
    def from_weights(cls, base_units: Sequence[str], indicator_codes: Sequence[str], merge: pd.DataFrame,
                     regions: Mapping[str, str], next_edition: int | None = None,
                     region_names: Mapping[str, str] | None = None) -> "UnitMap":
        """merge: columns indicator, merged_unit, former_unit, weight (`merge_weights`), one row
        per indicator × base unit; regions: next unit -> region."""
        base_units = tuple(str(u) for u in base_units)
        codes = [str(c) for c in indicator_codes]
        merge = merge.assign(**{schema.INDICATOR: merge[schema.INDICATOR].astype(str)})
        merge = merge[merge[schema.INDICATOR].isin(codes)]
        next_units = tuple(dict.fromkeys(sorted(merge["merged_unit"].astype(str))))
        missing_region = [u for u in next_units if u not in regions]
        if missing_region:
            raise ValueError(f"no region for merged unit(s) {missing_region[:5]}")
        table = merge.pivot(index="former_unit", columns=schema.INDICATOR, values="weight")
        absent_units = [u for u in base_units if u not in table.index]
        absent_codes = [c for c in codes if c not in table.columns]
        if absent_units or absent_codes:
            raise ValueError(f"the merge weights miss base unit(s) {absent_units[:5]} / indicator(s) "
                             f"{absent_codes[:5]}")
        weights = table.loc[list(base_units), codes].to_numpy(dtype=float)
        unit_of = merge.drop_duplicates("former_unit").set_index("former_unit")["merged_unit"].astype(str)
        position = {u: i for i, u in enumerate(next_units)}
        next_of_base = np.array([position[unit_of[u]] for u in base_units])
        return cls(base_units, next_units, tuple(regions[u] for u in next_units), next_of_base, weights,
                   next_edition, dict(region_names or {}), (), tuple(codes))

    def apply(self, values: np.ndarray, columns: np.ndarray | None = None) -> np.ndarray:
        """(..., base units, k) → (..., next units, k); `columns`: the indicators of the k
        columns (all when None). NaN in a former value or weight gives NaN."""
        if self.weights is None:
            return values
        from piilib.harmonise import merge_array

        weights = self.weights if columns is None else self.weights[:, columns]
        return merge_array(values, weights, self.next_of_base, self.n_units)

    def columns_of(self, codes: Sequence[str]) -> np.ndarray:
        """Positions of indicator codes among the map's indicators (ValueError naming unknown ones)."""
        position = {c: j for j, c in enumerate(self.indicators)}
        unknown = [str(c) for c in codes if str(c) not in position]
        if unknown:
            raise ValueError(f"the map has no merge rule for indicator(s) {unknown[:5]}")
        return np.array([position[str(c)] for c in codes], dtype=int)

    def carry(self, values: pd.DataFrame) -> pd.DataFrame:
        """Wide values (base unit × indicator) on the next map (next unit × indicator); a base
        unit absent from `values` has no value (its merged unit gets none)."""
        if self.weights is None:
            return values.copy()
        columns = self.columns_of(values.columns)
        wide = values.reindex(list(self.base_units)).to_numpy(dtype=float)
        return pd.DataFrame(self.apply(wide, columns), index=pd.Index(self.units, name=values.index.name),
                            columns=values.columns)

    def for_indicators(self, codes: Sequence[str]) -> "UnitMap":
        """The same map with its weight columns in the order `codes` (a subset of the map's
        indicators; ValueError naming unknown ones)."""
        codes = tuple(str(c) for c in codes)
        if self.weights is None or codes == self.indicators:
            return self
        columns = self.columns_of(codes)
        return replace(self, weights=self.weights[:, columns], indicators=codes,
                       without_quantities=tuple(c for c in self.without_quantities if c in codes))

    def reordered(self, base_units: Sequence[str]) -> "UnitMap":
        """The same map with its base units in the order `base_units` (e.g. the index's)."""
        base_units = tuple(str(u) for u in base_units)
        if base_units == self.base_units:
            return self
        unknown = sorted(set(base_units) ^ set(self.base_units))
        if unknown:
            raise ValueError(f"the map's base units differ from the index's units: {unknown[:5]}")
        position = {u: i for i, u in enumerate(self.base_units)}
        order = np.array([position[u] for u in base_units])
        return replace(self, base_units=base_units, next_of_base=self.next_of_base[order],
                       weights=None if self.weights is None else self.weights[order])


def merged_unit_map(base_edition: int, indicator_codes: Sequence[str], quantities: pd.DataFrame | None = None,
                    framework: pd.DataFrame | None = None, map_edition: int | None = None) -> UnitMap:
    """The map of `map_edition` (default: the edition after `base_edition`) for values of the
    base edition: identity on one map, or the 63 → 34 merger with the merge rules of the BASE
    edition's framework (default; `framework`: indicator rows with code, merge_rule,
    denominator, merge_weight) and `quantities` (unit, quantity, value of the former
    provinces; default the unit table's). An indicator whose rule needs a quantity that is
    missing gets no merged value and is named in `without_quantities`."""
    from piilib.framework import indicators as framework_indicators
    from piilib.framework import load_framework
    from piilib.harmonise import merge_weights
    from piilib.units import regions as region_table
    from piilib.units import unit_quantities

    next_edition = int(base_edition) + 1 if map_edition is None else int(map_edition)
    next_units = load_units(next_edition)
    region_of = dict(zip(next_units["unit"], next_units["region"]))
    table = region_table(next_edition)
    names = dict(zip(table["region"], table["name_vi"]))
    if era(base_edition) == era(next_edition):
        return UnitMap.identity(next_units["unit"], region_of, next_edition, names)
    framework = framework_indicators(load_framework(base_edition)) if framework is None else framework
    quantities = unit_quantities(base_edition) if quantities is None else quantities
    codes = [str(c) for c in indicator_codes]
    try:
        merge = merge_weights(framework, quantities, codes)
        without = []
    except ValueError:
        # Some quantities are missing: those indicators get no merged value (NaN weights
        # for merged units), as harmonising that year's values would give none.
        parts, without = [], []
        for code in codes:
            try:
                parts.append(merge_weights(framework, quantities, [code]))
            except ValueError:
                without.append(code)
        if without:
            parts.append(merge_weights(framework.assign(merge_rule="not_combinable"), quantities, without))
        merge = pd.concat(parts, ignore_index=True)
    base_units = load_units(base_edition)["unit"]
    unit_map = UnitMap.from_weights(base_units, codes, merge, region_of, next_edition, names)
    return replace(unit_map, without_quantities=tuple(without))


# --------------------------------------------------------------------------- one province


@dataclass(frozen=True)
class RankingMap:
    """The map of `map_edition` seen from `base_edition` for one province.

    unit: the province's unit on the map; formers: the base units that form it (the
    province first); regions: unit -> region on the map; unit_map: the `UnitMap` of every
    unit (None on the same map).
    """

    base_edition: int
    map_edition: int
    province: str
    unit: str
    formers: tuple[str, ...]
    regions: dict
    unit_map: UnitMap | None = field(default=None, repr=False)

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
        known = set(self.unit_map.base_units)
        return list(dict.fromkeys(self.unit_map.unit_of(u) for u in base_units
                                  if u in known and self.unit_map.unit_of(u) != self.unit))

    def carry(self, values: pd.DataFrame) -> pd.DataFrame:
        """Wide values (base unit × indicator) on the map (map unit × indicator)."""
        if not self.merged:
            return values.copy()
        return self.unit_map.carry(values)

    def affine(self, values: pd.DataFrame) -> pd.DataFrame:
        """Per indicator (columns of `values`, base unit × indicator, the partners' values
        used): intercept and slope of the province's merged value in its own value; NaN
        for an indicator that cannot be merged."""
        if not self.merged:
            return pd.DataFrame({"intercept": 0.0, "slope": 1.0}, index=values.columns)
        unit_map = self.unit_map
        columns = unit_map.columns_of(values.columns)
        rows = [unit_map.base_units.index(f) for f in self.formers]
        weights = unit_map.weights[np.ix_(rows, columns)]  # (formers, indicators), the province first
        partners = values.reindex(list(self.formers[1:])).to_numpy(dtype=float)
        intercept = np.sum(weights[1:] * partners, axis=0) if len(rows) > 1 else np.zeros(len(columns))
        slope = weights[0]
        intercept = np.where(np.isnan(slope), np.nan, intercept)
        return pd.DataFrame({"intercept": intercept, "slope": slope}, index=values.columns)


def ranking_map(base_edition: int, province: str, framework: pd.DataFrame | None = None,
                quantities: pd.DataFrame | None = None, map_edition: int | None = None,
                unit_map: UnitMap | None = None) -> RankingMap:
    """The map the next edition (default base + 1) ranks on, for `province` of the base map.

    framework: indicator rows with the merge rules of the BASE edition (the rules its values
    are defined with); quantities: (unit, quantity, value[, provenance]) of the base map's
    units, as `harmonise_to_merged` takes them (`map_quantities`). Both are needed only when
    the maps differ and no `unit_map` (the `UnitMap` of every unit, e.g. `bundle_unit_map`'s,
    used as it is) is given.
    """
    if unit_map is not None and unit_map.next_edition is not None:
        map_edition = unit_map.next_edition if map_edition is None else int(map_edition)
        if int(map_edition) != unit_map.next_edition:
            raise ValueError(f"the unit map is the map of {unit_map.next_edition}, not of {map_edition}")
    map_edition = int(base_edition) + 1 if map_edition is None else int(map_edition)
    units = load_units(map_edition)
    regions = dict(zip(units["unit"], units["region"]))
    if era(base_edition) == era(map_edition):
        if province not in regions:
            raise ValueError(f"unit {province!r} is not a unit of edition {map_edition}")
        return RankingMap(int(base_edition), map_edition, province, province, (province,), regions)
    if unit_map is None and (framework is None or quantities is None):
        raise ValueError(f"carrying edition {base_edition} onto the map of {map_edition} needs the framework's "
                         "merge rules and the quantities of the former provinces")
    walk = crosswalk()
    row = walk[walk["former_unit"] == province]
    if row.empty:
        raise ValueError(f"unit {province!r} is not a province of the map before the merger")
    unit = str(row["merged_unit"].iloc[0])
    others = sorted(u for u in walk.loc[walk["merged_unit"] == unit, "former_unit"] if u != province)
    if unit_map is None:
        code_column = schema.INDICATOR if schema.INDICATOR in framework.columns else "code"
        unit_map = merged_unit_map(base_edition, framework[code_column].astype(str).tolist(), quantities, framework,
                                   map_edition)
    return RankingMap(int(base_edition), map_edition, province, unit, (province, *others), regions, unit_map)


def map_quantities(covariates: pd.DataFrame | None, base_edition: int,
                   map_edition: int | None = None) -> pd.DataFrame:
    """The quantities the map of `map_edition` (default: the next edition) merges the base
    edition's units with: the covariates (tidy: year, unit, covariate, value[, provenance][, map])
    of the map edition's DATA YEAR on the base edition's map (the year whose values that
    edition ranks), else the unit table's of the base edition. Rows of another map (a `map`
    column naming another, or a unit that is not a unit of the base edition) are not used."""
    from piilib.units import unit_quantities

    map_edition = int(base_edition) + 1 if map_edition is None else int(map_edition)
    if covariates is None or covariates.empty:
        return unit_quantities(base_edition)
    rows = covariates[covariates[schema.YEAR].astype(int) == schema.data_year(map_edition)]
    if "map" in rows.columns:
        rows = rows[rows["map"] == era(base_edition)]
    if rows.empty or not set(rows[schema.UNIT].unique()) <= set(load_units(base_edition)["unit"]):
        return unit_quantities(base_edition)
    return quantities_from_covariates(rows, base_edition)


def bundle_unit_map(bundle, edition: int) -> UnitMap:
    """The one map the edition after `edition` ranks on, for a `piilib.bundle.DataBundle`: every
    indicator of the base framework, merged (when the maps differ) with the quantities of the
    next data year (`map_quantities`). Computed once per bundle and edition in a process; the
    targets and the outlook both take it (read, never modified)."""
    from piilib.framework import indicators as framework_indicators
    from piilib.framework import load_framework

    cache = getattr(bundle, "_cache", None)
    key = ("next_map", int(edition))
    if cache is not None and key in cache:
        return cache[key]
    rows = framework_indicators(load_framework(edition))
    quantities = None
    if era(edition) != era(int(edition) + 1):
        quantities = map_quantities(bundle.covariates, edition)
    unit_map = merged_unit_map(edition, rows["code"].astype(str).tolist(), quantities, rows)
    if cache is not None:
        cache[key] = unit_map
    return unit_map


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


__all__ = ["RankingMap", "UnitMap", "bundle_unit_map", "map_quantities", "merged_unit_map",
           "quantities_from_covariates", "ranking_map"]
