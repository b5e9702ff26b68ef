"""Provinces, regions and the 2025 merger (data in data/units/).

Two maps of Viet Nam's provinces are in use:

* era "63": the 63 provinces and centrally-run cities of PII editions up to 2024;
* era "34": the 34 units that exist from 1 July 2025 (Resolution 202/2025/QH15),
  used from edition `schema.FIRST_MERGED_EDITION` (2025) on.

Every unit has a stable ASCII key: the slug of its Vietnamese name without diacritics
and without "Tỉnh"/"Thành phố" ("can-tho", "ho-chi-minh", "ha-noi"). A merged unit
keeps the key of the province whose name it took, so "can-tho" names the old city in
editions up to 2024 and the merged city (old Cần Thơ + Hậu Giang + Sóc Trăng) from
2025. The two are told apart by the edition (the era), never by the key alone: a
tidy frame always carries `edition` beside `unit`, and `crosswalk()` links the eras.
The one renamed unit has two keys: "thua-thien-hue" (era 63) became "hue" (era 34).

Names are matched after folding: case, diacritics ("Đ" -> "d"), punctuation and
spaces are ignored, and a leading "Tỉnh", "Thành phố", "TP"/"TP." or a trailing
"City"/"Province" is dropped; data/units/aliases.csv adds English and short forms.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from functools import lru_cache

import pandas as pd

from piilib.paths import DATA_DIR as BUNDLED_DATA_DIR
from piilib.messages import text
from piilib.schema import FIRST_MERGED_EDITION

DATA_DIR = BUNDLED_DATA_DIR / "units"

ERA_BEFORE_MERGER = "63"
ERA_AFTER_MERGER = "34"
MERGER_DATE = "1 July 2025"
MERGER_ACT = "Resolution 202/2025/QH15"

UNIT_COLUMNS = [
    "unit", "name_vi", "name_en", "region", "region_name_vi", "is_central_city",
    "population", "area_km2", "communes", "provenance", "source", "region_note",
]

_PREFIX_TOKENS = (("thanh", "pho"), ("tp",), ("tinh",))
_SUFFIX_TOKENS = (("city",), ("province",))


class UnitNameError(ValueError):
    """A province name that cannot be matched to exactly one unit of an edition."""


class FormerProvinceError(UnitNameError):
    """A province that merged away on 1 July 2025, named in an edition from 2025 on."""

    def __init__(self, message: str, former_unit: str, merged_unit: str):
        super().__init__(message)
        self.former_unit = former_unit
        self.merged_unit = merged_unit


def era(edition: int) -> str:
    """The map an edition uses: "63" (editions before 2025) or "34"."""
    return ERA_AFTER_MERGER if int(edition) >= FIRST_MERGED_EDITION else ERA_BEFORE_MERGER


def fold_name(name: str) -> str:
    """Comparable form of a province name: ASCII, lower case, no prefix, no spaces."""
    text = unicodedata.normalize("NFD", str(name)).replace("đ", "d").replace("Đ", "D")
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    tokens = re.sub(r"[^a-z0-9]+", " ", text).split()
    for prefix in _PREFIX_TOKENS:
        if tuple(tokens[: len(prefix)]) == prefix and len(tokens) > len(prefix):
            tokens = tokens[len(prefix):]
            break
    for suffix in _SUFFIX_TOKENS:
        if tuple(tokens[-len(suffix):]) == suffix and len(tokens) > len(suffix):
            tokens = tokens[: -len(suffix)]
            break
    return "".join(tokens)


def _parse_vn_number(text: str) -> float:
    """'3.359,80' -> 3359.8; '8.718.000' -> 8718000; '126 (51 phường, 75 xã)' -> 126."""
    head = str(text).strip().split("(")[0].strip()
    return float(head.replace(".", "").replace(",", "."))


@lru_cache(maxsize=None)
def _regions_table() -> pd.DataFrame:
    return pd.read_csv(DATA_DIR / "regions.csv")


@lru_cache(maxsize=None)
def _raw_units(era_label: str) -> pd.DataFrame:
    if era_label == ERA_BEFORE_MERGER:
        return pd.read_csv(DATA_DIR / "provinces_63.csv")
    return pd.read_csv(DATA_DIR / "provinces_34.csv")


@lru_cache(maxsize=None)
def _exact_lookup(era_label: str) -> dict[str, frozenset[str]]:
    """Folded name -> unit keys, from names (both languages), keys and aliases of an era."""
    lookup: dict[str, set[str]] = {}
    units = _raw_units(era_label)
    aliases = pd.read_csv(DATA_DIR / "aliases.csv", dtype=str)
    aliases = aliases[aliases["era"] == era_label]
    pairs = [
        (row.unit, spelling)
        for row in units.itertuples()
        for spelling in (row.unit, row.name_vi, row.name_en)
    ] + list(zip(aliases["unit"], aliases["alias"]))
    for unit, spelling in pairs:
        lookup.setdefault(fold_name(spelling), set()).add(unit)
    return {folded: frozenset(keys) for folded, keys in lookup.items()}


def _match(name: str, era_label: str) -> frozenset[str]:
    return _exact_lookup(era_label).get(fold_name(name), frozenset())


def _display_name(unit: str, era_label: str) -> str:
    units = _raw_units(era_label)
    return units.loc[units["unit"] == unit, "name_vi"].iloc[0]


def _units_containing(name: str, era_label: str) -> list[str]:
    """Vietnamese names of the units one of whose spellings contains `name` ("Quảng")."""
    folded = fold_name(name)
    if len(folded) < 3:
        return []
    units = {unit for spelling, keys in _exact_lookup(era_label).items() if folded in spelling for unit in keys}
    return sorted(_display_name(unit, era_label) for unit in units)


def _closest_names(name: str, era_label: str) -> list[str]:
    """Vietnamese names of the units whose spellings are closest to `name`."""
    lookup = _exact_lookup(era_label)
    spellings = difflib.get_close_matches(fold_name(name), list(lookup), n=10, cutoff=0.6)
    names: list[str] = []
    for spelling in spellings:
        for unit in sorted(lookup[spelling]):
            display = _display_name(unit, era_label)
            if display not in names:
                names.append(display)
    return names[:6]


def resolve_unit(name: str, edition: int) -> str:
    """The key of the unit called `name` in `edition`; UnitNameError if none or several."""
    era_label = era(edition)
    matches = _match(name, era_label)
    if len(matches) == 1:
        return next(iter(matches))
    if len(matches) > 1:
        names = ", ".join(sorted(_display_name(u, era_label) for u in matches))
        raise UnitNameError(text("unit.ambiguous", name=name, edition=edition, names=names))
    if era_label == ERA_AFTER_MERGER:
        former = _match(name, ERA_BEFORE_MERGER)
        if len(former) == 1:
            former_unit = next(iter(former))
            merged_unit = _merged_unit_of(former_unit)
            raise FormerProvinceError(
                _merged_message(name, former_unit, merged_unit, edition), former_unit, merged_unit
            )
    containing = _units_containing(name, era_label)
    if len(containing) > 1:
        raise UnitNameError(text("unit.ambiguous_part", name=name, edition=edition, names=", ".join(containing)))
    closest = _closest_names(name, era_label)
    count = len(_raw_units(era_label))
    hint = text("unit.unknown.hint", names=", ".join(closest)) if closest else ""
    raise UnitNameError(text("unit.unknown", name=name, edition=edition, count=count, hint=hint))


def _merged_unit_of(former_unit: str) -> str:
    walk = _crosswalk_table()
    return walk.loc[walk["former_unit"] == former_unit, "merged_unit"].iloc[0]


def _merged_message(name: str, former_unit: str, merged_unit: str, edition: int) -> str:
    walk = _crosswalk_table()
    merged_name = _display_name(merged_unit, ERA_AFTER_MERGER)
    former_name = _display_name(former_unit, ERA_BEFORE_MERGER)
    partners = walk.loc[walk["merged_unit"] == merged_unit, "former_name_vi"].tolist()
    typed = "" if fold_name(name) == fold_name(former_name) else text("unit.merged.typed", name=name,
                                                                           former=former_name)
    return text("unit.merged", typed=typed, former=former_name, merged=merged_name, edition=edition,
                count=len(_raw_units(ERA_AFTER_MERGER)), partners=", ".join(partners))


@lru_cache(maxsize=None)
def _crosswalk_table() -> pd.DataFrame:
    raw = pd.read_csv(DATA_DIR / "merger_crosswalk_2025.csv", dtype=str)
    problems = []

    def key(name: str, era_label: str, row: int, column: str) -> str | None:
        matches = _match(name, era_label)
        if len(matches) != 1:
            problems.append(f"row {row}, column {column}: '{name}' is not one {era_label}-province name")
            return None
        return next(iter(matches))

    records = []
    for row, item in enumerate(raw.itertuples(index=False), start=2):
        former = key(item.old_province, ERA_BEFORE_MERGER, row, "old_province")
        merged = key(item.new_province, ERA_AFTER_MERGER, row, "new_province")
        centre_text = item.new_admin_centre_per_bando
        if centre_text.strip() == "giữ nguyên":
            centre = former
        else:
            centre = key(centre_text.replace("(cũ)", ""), ERA_BEFORE_MERGER, row,
                         "new_admin_centre_per_bando")
        records.append({
            "former_unit": former,
            "former_name_vi": item.old_province,
            "merged_unit": merged,
            "merged_name_vi": _display_name(merged, ERA_AFTER_MERGER) if merged else None,
            "merged": item.merged.strip() == "yes",
            "admin_centre_unit": centre,
            "merged_area_km2": _parse_vn_number(item.new_area_km2),
            "merged_population": _parse_vn_number(item.new_population),
            "merged_communes": _parse_vn_number(item.new_commune_level_units),
            "merged_communes_detail": item.new_commune_level_units,
            "source": item.source_url,
            "corroborating_sources": item.corroborating_sources,
        })
    if problems:
        raise ValueError(
            f"{DATA_DIR / 'merger_crosswalk_2025.csv'}: " + "; ".join(problems)
        )
    return pd.DataFrame.from_records(records)


def crosswalk() -> pd.DataFrame:
    """One row per former (era 63) province: former_unit -> merged_unit (era 34).

    Columns: former_unit, former_name_vi, merged_unit, merged_name_vi, merged (False
    when the territory did not change), admin_centre_unit (former unit hosting the new
    seat), merged_area_km2, merged_population, merged_communes, merged_communes_detail,
    source, corroborating_sources.
    """
    return _crosswalk_table().copy()


@lru_cache(maxsize=None)
def _units_table(era_label: str) -> pd.DataFrame:
    units = _raw_units(era_label).copy()
    if era_label == ERA_AFTER_MERGER:
        figures = (
            _crosswalk_table()
            .drop_duplicates("merged_unit")
            .set_index("merged_unit")
        )
        units["population"] = units["unit"].map(figures["merged_population"])
        units["area_km2"] = units["unit"].map(figures["merged_area_km2"])
        units["communes"] = units["unit"].map(figures["merged_communes"])
        units["provenance"] = "published"
        units["source"] = units["unit"].map(figures["source"])
    else:
        units["region_note"] = pd.Series(pd.NA, index=units.index, dtype="str")
    names = _regions_table().set_index("region")["name_vi"]
    units["region_name_vi"] = units["region"].map(names)
    units["is_central_city"] = units["is_central_city"].astype(bool)
    for column in ("population", "area_km2", "communes"):
        units[column] = units[column].astype("float64")
    return units[UNIT_COLUMNS]


def unit_keys(edition: int) -> frozenset[str]:
    """The keys of an edition's units (the `unit` column of `load_units`, without building it)."""
    return _unit_keys(era(edition))


@lru_cache(maxsize=None)
def _unit_keys(era_label: str) -> frozenset[str]:
    return frozenset(_raw_units(era_label)["unit"])


def unit_key(name: str, edition: int) -> str | None:
    """The key of the one unit of the edition that `name` spells (a key, a name in either
    language or an alias, as `resolve_unit` accepts them: "Cần Thơ" -> can-tho), else None."""
    matches = _match(name, era(edition))
    return next(iter(matches)) if len(matches) == 1 else None


def closest_keys(name: str, edition: int, n: int = 3) -> list[str]:
    """Up to `n` keys of the edition's units that difflib finds close to `name` ("can-th0" ->
    can-tho), closest first; empty when none is close."""
    return difflib.get_close_matches(str(name).strip().lower(), sorted(unit_keys(edition)), n=n, cutoff=0.6)


def load_units(edition: int) -> pd.DataFrame:
    """The provinces of an edition: 63 before 2025, 34 from 2025 (see UNIT_COLUMNS).

    `provenance`/`source` qualify population, area_km2 and communes: era-34 figures are
    published (the crosswalk's source); era-63 figures are illustrative approximations.
    """
    return _units_table(era(edition)).copy()


def regions(edition: int) -> pd.DataFrame:
    """The six socio-economic regions with the number of units each has in `edition`.

    Columns: region, name_vi, name_en, n_units, pii_2023_mean (published regional
    average of PII 2023, on the 63-province map; empty for era 34), pii_2023_mean_source.
    """
    table = _regions_table().copy()
    counts = load_units(edition)["region"].value_counts()
    table["n_units"] = table["region"].map(counts).fillna(0).astype(int)
    if era(edition) == ERA_AFTER_MERGER:
        table["pii_2023_mean"] = float("nan")
        table["pii_2023_mean_source"] = pd.NA
    return table[["region", "name_vi", "name_en", "n_units", "pii_2023_mean",
                  "pii_2023_mean_source"]]


def unit_quantities(edition: int) -> pd.DataFrame:
    """Population, area_km2 and communes of an edition's units as a long frame.

    Columns: unit, quantity, value, provenance, source (the layout
    `piilib.harmonise.harmonise_to_merged` takes); quantities not known are left out.
    """
    units = load_units(edition)
    long = units.melt(
        id_vars=["unit", "provenance", "source"],
        value_vars=["population", "area_km2", "communes"],
        var_name="quantity",
        value_name="value",
    )
    long = long[long["value"].notna()]
    return long[["unit", "quantity", "value", "provenance", "source"]].reset_index(drop=True)
