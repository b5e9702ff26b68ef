"""Provinces, regions, the 2025 crosswalk and province-name matching (piilib.units)."""

import csv
import re
import unicodedata
from pathlib import Path

import pandas as pd
import pytest

from piilib import schema
from piilib.units import (
    FormerProvinceError,
    UnitNameError,
    crosswalk,
    fold_name,
    load_units,
    regions,
    resolve_unit,
    unit_quantities,
)

# These tests assert the English text of the messages (Vietnamese is the default).
pytestmark = pytest.mark.usefixtures("english")

CROSSWALK_CSV = Path(__file__).resolve().parents[1] / "data" / "units" / "merger_crosswalk_2025.csv"
BEFORE, AFTER = schema.FIRST_MERGED_EDITION - 1, schema.FIRST_MERGED_EDITION
MEKONG = "dong-bang-song-cuu-long"


def slug(name_vi: str) -> str:
    """Independent slug: drop 'TP ', diacritics (đ -> d), lower case, hyphens between words."""
    text = re.sub(r"^(TP\.? |Thành phố |Tỉnh )", "", name_vi)
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn").lower()
    return "-".join(re.findall(r"[a-z0-9]+", text))


def raw_crosswalk_rows() -> list[dict]:
    with CROSSWALK_CSV.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


# ---------------------------------------------------------------- name matching

SPELLINGS = [
    # Cần Thơ, in both eras and every spelling
    ("Cần Thơ", BEFORE, "can-tho"), ("Cần Thơ", AFTER, "can-tho"),
    ("Can Tho", BEFORE, "can-tho"), ("Can Tho City", AFTER, "can-tho"),
    ("can tho", 2023, "can-tho"), ("CAN THO", 2026, "can-tho"),
    ("TP. Cần Thơ", BEFORE, "can-tho"), ("TP Cần Thơ", AFTER, "can-tho"),
    ("TP.Cần Thơ", AFTER, "can-tho"), ("Thành phố Cần Thơ", BEFORE, "can-tho"),
    ("thành phố   cần  thơ ", AFTER, "can-tho"), ("  Cần   Thơ", BEFORE, "can-tho"),
    ("Can Tho city", BEFORE, "can-tho"), ("can-tho", AFTER, "can-tho"),
    # Hồ Chí Minh City
    ("Ho Chi Minh City", BEFORE, "ho-chi-minh"), ("Ho Chi Minh City", AFTER, "ho-chi-minh"),
    ("HCMC", BEFORE, "ho-chi-minh"), ("HCMC", AFTER, "ho-chi-minh"),
    ("TP HCM", BEFORE, "ho-chi-minh"), ("TP.HCM", AFTER, "ho-chi-minh"),
    ("TPHCM", AFTER, "ho-chi-minh"), ("TP. Hồ Chí Minh", BEFORE, "ho-chi-minh"),
    ("Thành phố Hồ Chí Minh", AFTER, "ho-chi-minh"), ("Hồ Chí Minh", BEFORE, "ho-chi-minh"),
    # Huế: Thừa Thiên Huế before 2025, Huế city after
    ("Hue", BEFORE, "thua-thien-hue"), ("Huế", BEFORE, "thua-thien-hue"),
    ("Thua Thien Hue", BEFORE, "thua-thien-hue"), ("Tỉnh Thừa Thiên Huế", BEFORE, "thua-thien-hue"),
    ("Thừa Thiên - Huế", BEFORE, "thua-thien-hue"),
    ("Hue", AFTER, "hue"), ("Thành phố Huế", AFTER, "hue"),
    ("Thua Thien Hue", AFTER, "hue"), ("Hue City", AFTER, "hue"),
    # Đà Nẵng, Hà Nội: "Đ" folds to "d"; English spellings with or without a space
    ("Da Nang", BEFORE, "da-nang"), ("Danang", AFTER, "da-nang"), ("ĐÀ NẴNG", AFTER, "da-nang"),
    ("đà nẵng", BEFORE, "da-nang"), ("Hanoi", BEFORE, "ha-noi"), ("Ha Noi", AFTER, "ha-noi"),
    ("TP Hà Nội", AFTER, "ha-noi"), ("Hai Phong", BEFORE, "hai-phong"), ("Haiphong", AFTER, "hai-phong"),
    # Tỉnh prefix, composed and decomposed Unicode, old and new accent placement
    ("Tỉnh Sóc Trăng", BEFORE, "soc-trang"), ("tinh soc trang", BEFORE, "soc-trang"),
    (unicodedata.normalize("NFD", "Hậu Giang"), BEFORE, "hau-giang"),
    ("Hoà Bình", BEFORE, "hoa-binh"), ("Hòa Bình", BEFORE, "hoa-binh"),
    ("Khánh Hoà", AFTER, "khanh-hoa"), ("Thanh Hoá", AFTER, "thanh-hoa"),
    ("Đắk Lắk", BEFORE, "dak-lak"), ("Dak Lak", AFTER, "dak-lak"), ("Daklak", AFTER, "dak-lak"),
    ("Bà Rịa - Vũng Tàu", BEFORE, "ba-ria-vung-tau"), ("Ba Ria–Vung Tau", BEFORE, "ba-ria-vung-tau"),
    ("BRVT", BEFORE, "ba-ria-vung-tau"), ("Bắc Cạn", BEFORE, "bac-kan"),
    ("Tây Ninh", AFTER, "tay-ninh"), ("Tay Ninh province", BEFORE, "tay-ninh"),
]


@pytest.mark.parametrize(("name", "edition", "expected"), SPELLINGS)
def test_every_spelling_resolves(name, edition, expected):
    assert resolve_unit(name, edition) == expected


def test_every_unit_resolves_by_its_own_names_in_its_era():
    for edition in (BEFORE, AFTER):
        for row in load_units(edition).itertuples():
            for spelling in (row.unit, row.name_vi, row.name_en, row.name_en.upper()):
                assert resolve_unit(spelling, edition) == row.unit, (spelling, edition)


def test_no_spelling_is_shared_by_two_units():
    for edition in (BEFORE, AFTER):
        folded = [fold_name(n) for n in load_units(edition)["name_vi"]]
        assert len(folded) == len(set(folded))


def test_fold_name_removes_diacritics_prefix_spaces_and_case():
    assert fold_name("Thành phố  Đà Nẵng") == "danang"
    assert fold_name("đ Đ") == "dd"
    assert fold_name("TP.HCM") == "hcm"
    # a prefix is only dropped when a name is left after it
    assert fold_name("Tỉnh") == "tinh"


def test_unknown_name_lists_closest_matches():
    with pytest.raises(UnitNameError) as caught:
        resolve_unit("Can Thoo", BEFORE)
    message = str(caught.value)
    assert "unknown province name 'Can Thoo'" in message
    assert "edition 2024" in message
    assert "Closest matches: Cần Thơ" in message


def test_unknown_name_without_any_close_match_says_so_plainly():
    with pytest.raises(UnitNameError) as caught:
        resolve_unit("Atlantis", AFTER)
    assert "unknown province name 'Atlantis'" in str(caught.value)
    assert "34 provinces" in str(caught.value)


def test_ambiguous_name_lists_the_candidates():
    with pytest.raises(UnitNameError) as caught:
        resolve_unit("Quảng", BEFORE)
    message = str(caught.value)
    assert "ambiguous" in message
    for candidate in ("Quảng Bình", "Quảng Nam", "Quảng Ngãi", "Quảng Ninh", "Quảng Trị"):
        assert candidate in message


def test_unit_name_error_is_a_value_error():
    assert issubclass(UnitNameError, ValueError)
    assert issubclass(FormerProvinceError, UnitNameError)


def test_unknown_names_are_not_reported_as_former_provinces():
    with pytest.raises(UnitNameError) as caught:
        resolve_unit("Atlantis", AFTER)
    assert not isinstance(caught.value, FormerProvinceError)
    # a former province is an ordinary name before the merger
    assert resolve_unit("Sóc Trăng", BEFORE) == "soc-trang"


@pytest.mark.parametrize(("name", "merged_name"), [
    ("Sóc Trăng", "Cần Thơ"), ("Hau Giang", "Cần Thơ"), ("Long An", "Tây Ninh"),
    ("Bình Dương", "TP Hồ Chí Minh"), ("Ba Ria - Vung Tau", "TP Hồ Chí Minh"), ("Bạc Liêu", "Cà Mau"),
])
def test_former_province_after_merger_says_what_it_merged_into(name, merged_name):
    with pytest.raises(UnitNameError) as caught:
        resolve_unit(name, AFTER)
    assert f"merged into {merged_name} on 1 July 2025" in str(caught.value)
    assert f"write '{merged_name}'" in str(caught.value)


def test_sóc_trăng_message_reads_as_documented():
    with pytest.raises(FormerProvinceError) as caught:
        resolve_unit("Sóc Trăng", 2026)
    assert (caught.value.former_unit, caught.value.merged_unit) == ("soc-trang", "can-tho")
    assert str(caught.value).startswith("Sóc Trăng merged into Cần Thơ on 1 July 2025")
    assert "Hậu Giang" in str(caught.value)


def test_every_absorbed_province_is_refused_after_the_merger():
    for row in raw_crosswalk_rows():
        if slug(row["old_province"]) == slug(row["new_province"]) or row["merged"] == "no":
            continue
        with pytest.raises(UnitNameError, match=f"merged into {row['new_province']}"):
            resolve_unit(row["old_province"], AFTER)


# ---------------------------------------------------------------- units and regions

def test_counts_of_units():
    assert len(load_units(2023)) == 63
    assert len(load_units(BEFORE)) == 63
    assert len(load_units(AFTER)) == 34
    assert len(load_units(2027)) == 34


def test_columns_and_keys():
    expected = ["unit", "name_vi", "name_en", "region", "region_name_vi", "is_central_city",
                "population", "area_km2", "communes", "provenance", "source"]
    for edition in (BEFORE, AFTER):
        units = load_units(edition)
        assert list(units.columns[: len(expected)]) == expected
        assert units["unit"].is_unique
        assert units["unit"].str.fullmatch(r"[a-z]+(-[a-z]+)*").all()
        # key = slug of the Vietnamese name without "TP"/"Tỉnh"/"Thành phố"
        assert (units["unit"] == units["name_vi"].map(slug)).all()
        assert units["provenance"].isin(schema.PROVENANCES).all()
        assert units["source"].str.len().gt(0).all()
        assert (units["population"] > 0).all() and (units["area_km2"] > 0).all()


def test_mekong_delta_has_13_then_6_provinces():
    before = load_units(BEFORE)
    after = load_units(AFTER)
    assert (before["region"] == MEKONG).sum() == 13
    assert set(after.loc[after["region"] == MEKONG, "unit"]) == {
        "can-tho", "vinh-long", "dong-thap", "an-giang", "ca-mau", "tay-ninh"}


def test_regions_before_the_merger_follow_the_statistical_office_split():
    counts = load_units(BEFORE)["region"].value_counts().to_dict()
    assert counts == {
        "trung-du-mien-nui-phia-bac": 14, "dong-bang-song-hong": 11,
        "bac-trung-bo-duyen-hai-mien-trung": 14, "tay-nguyen": 5,
        "dong-nam-bo": 6, "dong-bang-song-cuu-long": 13,
    }


def test_regions_cover_every_unit_exactly_once():
    for edition in (BEFORE, AFTER):
        table = regions(edition)
        units = load_units(edition)
        assert len(table) == 6 and table["region"].is_unique
        assert units["region"].isin(table["region"]).all()
        assert table["n_units"].sum() == len(units)
        assert (table["n_units"] > 0).all()
        assert units["region_name_vi"].notna().all()


def test_each_merged_unit_lies_in_the_region_of_one_of_its_former_provinces():
    before = load_units(BEFORE).set_index("unit")["region"]
    after = load_units(AFTER).set_index("unit")["region"]
    for merged, group in crosswalk().groupby("merged_unit"):
        assert after[merged] in set(before[group["former_unit"]]), merged


def test_published_regional_averages_of_2023():
    table = regions(BEFORE).set_index("region")["pii_2023_mean"]
    assert table["dong-bang-song-cuu-long"] == 36.36
    assert table["dong-bang-song-hong"] == 45.17
    assert regions(AFTER)["pii_2023_mean"].isna().all()


def test_centrally_run_cities():
    def cities(edition):
        units = load_units(edition)
        return set(units.loc[units["is_central_city"], "unit"])

    assert cities(BEFORE) == {"ha-noi", "ho-chi-minh", "hai-phong", "da-nang", "can-tho"}
    assert cities(AFTER) == {"ha-noi", "ho-chi-minh", "hai-phong", "da-nang", "can-tho", "hue"}


def test_merged_units_carry_the_published_figures_parsed_from_vietnamese_format():
    after = load_units(AFTER).set_index("unit")
    # "3.359,80", "8.718.000", "126 (51 phường, 75 xã)" in the crosswalk
    assert after.at["ha-noi", "area_km2"] == pytest.approx(3359.80)
    assert after.at["ha-noi", "population"] == 8_718_000
    assert after.at["ha-noi", "communes"] == 126
    # "6.360,83", "4.199.824", "103 (31 phường, 72 xã)"
    assert after.at["can-tho", "area_km2"] == pytest.approx(6360.83)
    assert after.at["can-tho", "population"] == 4_199_824
    assert after.at["can-tho", "communes"] == 103
    assert (after["provenance"] == schema.PUBLISHED).all()
    assert after["source"].str.startswith("https://").all()


def test_illustrative_areas_of_former_provinces_add_up_to_the_published_merged_areas():
    areas = load_units(BEFORE).set_index("unit")["area_km2"]
    published = load_units(AFTER).set_index("unit")["area_km2"]
    summed = crosswalk().assign(area=lambda t: t["former_unit"].map(areas)).groupby("merged_unit")["area"].sum()
    relative_gap = (summed / published[summed.index] - 1).abs()
    assert relative_gap.max() < 0.01, relative_gap.sort_values().tail()


def test_load_units_returns_a_copy():
    first = load_units(AFTER)
    first.loc[:, "population"] = 0
    assert (load_units(AFTER)["population"] > 0).all()


# ---------------------------------------------------------------- crosswalk

def test_crosswalk_maps_every_former_province_to_exactly_one_merged_unit():
    walk = crosswalk()
    assert len(walk) == 63
    assert walk["former_unit"].is_unique
    assert set(walk["former_unit"]) == set(load_units(BEFORE)["unit"])
    assert set(walk["merged_unit"]) == set(load_units(AFTER)["unit"])


def test_crosswalk_agrees_with_the_source_file_row_by_row():
    walk = crosswalk()
    for row, item in zip(raw_crosswalk_rows(), walk.itertuples()):
        assert item.former_unit == slug(row["old_province"])
        assert item.merged_unit == slug(row["new_province"])
        assert item.source == row["source_url"]


def test_crosswalk_groups():
    walk = crosswalk()
    groups = walk.groupby("merged_unit")["former_unit"].apply(set)
    assert groups["can-tho"] == {"can-tho", "hau-giang", "soc-trang"}
    assert groups["ho-chi-minh"] == {"ho-chi-minh", "ba-ria-vung-tau", "binh-duong"}
    assert groups["hue"] == {"thua-thien-hue"}
    sizes = walk["merged_unit"].map(walk["merged_unit"].value_counts())
    # "merged = no" exactly for the units whose territory did not change
    assert ((sizes == 1) == ~walk["merged"]).all()
    assert (~walk["merged"]).sum() == 11


def test_crosswalk_seat_is_one_of_the_former_provinces():
    walk = crosswalk()
    for merged, group in walk.groupby("merged_unit"):
        assert set(group["admin_centre_unit"]) <= set(group["former_unit"]), merged
        assert group["admin_centre_unit"].nunique() == 1
    seat = walk.set_index("former_unit")["admin_centre_unit"]
    assert seat["long-an"] == "long-an" and seat["tay-ninh"] == "long-an"


def test_merged_figures_are_constant_within_a_merged_unit():
    walk = crosswalk()
    per_unit = walk.groupby("merged_unit")[["merged_area_km2", "merged_population", "merged_communes"]].nunique()
    assert (per_unit == 1).all().all()
    # Viet Nam's area is about 331,000 km²; the 34 published areas add up to it
    total = walk.drop_duplicates("merged_unit")["merged_area_km2"].sum()
    assert 325_000 < total < 335_000


def test_crosswalk_is_a_copy():
    walk = crosswalk()
    walk.loc[:, "merged_unit"] = "x"
    assert pd.Series(crosswalk()["merged_unit"]).ne("x").all()


def test_unit_quantities_long_frame():
    before = unit_quantities(BEFORE)
    assert set(before["quantity"]) == {"population", "area_km2"}  # communes not known before 2025
    assert len(before) == 2 * 63
    after = unit_quantities(AFTER).set_index(["unit", "quantity"])
    assert len(after) == 3 * 34
    assert after.at[("can-tho", "communes"), "value"] == 103
    assert (after["provenance"] == schema.PUBLISHED).all()


def test_every_alias_resolves_to_its_own_unit_in_its_era():
    aliases = pd.read_csv(CROSSWALK_CSV.with_name("aliases.csv"), dtype=str)
    edition_of_era = {"63": BEFORE, "34": AFTER}
    for row in aliases.itertuples():
        assert resolve_unit(row.alias, edition_of_era[row.era]) == row.unit, row
