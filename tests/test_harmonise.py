"""Re-expressing a 63-province edition on the 34-province map (piilib.harmonise)."""

import math

import numpy as np
import pandas as pd
import pytest

from piilib import schema
from piilib.harmonise import HARMONISED_COLUMNS, harmonise_to_merged
from piilib.schema import weakest_provenance
from piilib.units import crosswalk, load_units

EDITION = 2024

# Hand-made framework: one indicator per rule.
FRAMEWORK = pd.DataFrame({
    "code": ["R.POP", "R.TOT", "W.ENT", "N.SURV"],
    "denominator": ["population", "none", "enterprises", "none"],
    "merge_rule": ["ratio_sum", "ratio_sum", "weighted_mean", "not_combinable"],
    "merge_weight": [None, None, "enterprises", None],
})


def long_rows(rows):
    """rows: (unit, indicator, value, provenance) -> tidy long frame of EDITION."""
    frame = pd.DataFrame(rows, columns=[schema.UNIT, schema.INDICATOR, schema.VALUE, schema.PROVENANCE])
    frame.insert(0, schema.EDITION, EDITION)
    frame[schema.SOURCE] = "file-" + frame[schema.UNIT]
    return frame[schema.LONG_COLUMNS]


def quantity_rows(rows, provenance=None):
    frame = pd.DataFrame(rows, columns=[schema.UNIT, "quantity", schema.VALUE])
    if provenance is not None:
        frame[schema.PROVENANCE] = provenance
    return frame


# Cà Mau (2025) = Cà Mau + Bạc Liêu: the two-province merger.
QUANTITIES = quantity_rows([
    ("ca-mau", "population", 1_000_000), ("bac-lieu", "population", 500_000),
    ("ca-mau", "enterprises", 3_000), ("bac-lieu", "enterprises", 1_000),
])
VALUES = long_rows([
    ("ca-mau", "R.POP", 2.0, "official"), ("bac-lieu", "R.POP", 5.0, "official"),
    ("ca-mau", "R.TOT", 1.5, "official"), ("bac-lieu", "R.TOT", 0.5, "published"),
    ("ca-mau", "W.ENT", 60.0, "official"), ("bac-lieu", "W.ENT", 40.0, "official"),
    ("ca-mau", "N.SURV", 70.0, "official"), ("bac-lieu", "N.SURV", 65.0, "official"),
    ("cao-bang", "R.POP", 7.25, "published"), ("thua-thien-hue", "N.SURV", 55.5, "illustrative"),
])


@pytest.fixture(scope="module")
def result():
    return harmonise_to_merged(VALUES, FRAMEWORK, QUANTITIES).set_index([schema.UNIT, schema.INDICATOR])


def test_ratio_sum_adds_numerators_and_denominators(result):
    # R.POP per 10,000 people: Cà Mau 2.0 × 100 = 200 and Bạc Liêu 5.0 × 50 = 250 (numerators)
    # over 100 + 50 ten-thousands of people -> 450 / 150
    row = result.loc[("ca-mau", "R.POP")]
    assert row[schema.VALUE] == pytest.approx(450 / 150)
    assert row["method"] == "ratio_sum by population"
    assert row["former_units"] == "bac-lieu, ca-mau"
    assert row[schema.PROVENANCE] == "official"


def test_ratio_sum_without_denominator_adds_the_totals(result):
    row = result.loc[("ca-mau", "R.TOT")]
    assert row[schema.VALUE] == pytest.approx(1.5 + 0.5)
    assert row["method"] == "ratio_sum of totals"


def test_weighted_mean_uses_the_named_quantity(result):
    # (60 × 3,000 + 40 × 1,000) / 4,000 enterprises
    row = result.loc[("ca-mau", "W.ENT")]
    assert row[schema.VALUE] == pytest.approx((180_000 + 40_000) / 4_000)
    assert row["method"] == "weighted_mean by enterprises"


def test_not_combinable_gives_nan_with_the_reason(result):
    row = result.loc[("ca-mau", "N.SURV")]
    assert math.isnan(row[schema.VALUE])
    assert row["method"] == "not_combinable"
    assert "not combinable" in row["note"] and "ca-mau 70" in row["note"] and "bac-lieu 65" in row["note"]


def test_unmerged_provinces_pass_through_unchanged(result):
    row = result.loc[("cao-bang", "R.POP")]
    assert row[schema.VALUE] == 7.25
    assert row["method"] == "unchanged"
    assert row[schema.PROVENANCE] == "published" and row[schema.SOURCE] == "file-cao-bang"


def test_renamed_unit_passes_through_under_its_new_key(result):
    # not_combinable does not matter when the territory did not change
    row = result.loc[("hue", "N.SURV")]
    assert row[schema.VALUE] == 55.5 and row["method"] == "unchanged"
    assert row[schema.PROVENANCE] == "illustrative"
    assert "thua-thien-hue" not in set(result.index.get_level_values(schema.UNIT))


def test_merged_value_takes_the_weakest_provenance_of_its_inputs(result):
    assert result.loc[("ca-mau", "R.TOT")][schema.PROVENANCE] == "published"
    assert "file-ca-mau" in result.loc[("ca-mau", "R.TOT")][schema.SOURCE]
    assert "file-bac-lieu" in result.loc[("ca-mau", "R.TOT")][schema.SOURCE]


def test_illustrative_quantities_make_the_merged_value_illustrative():
    quantities = QUANTITIES.assign(provenance="illustrative")
    out = harmonise_to_merged(VALUES, FRAMEWORK, quantities).set_index([schema.UNIT, schema.INDICATOR])
    assert out.loc[("ca-mau", "R.POP"), schema.PROVENANCE] == "illustrative"
    assert out.loc[("ca-mau", "W.ENT"), schema.PROVENANCE] == "illustrative"
    # a total uses no quantity, so its provenance is that of its values
    assert out.loc[("ca-mau", "R.TOT"), schema.PROVENANCE] == "published"
    assert out.loc[("cao-bang", "R.POP"), schema.PROVENANCE] == "published"


def test_quantities_with_partly_stated_provenance():
    quantities = QUANTITIES.assign(provenance=["illustrative", None, None, None])
    out = harmonise_to_merged(VALUES, FRAMEWORK, quantities).set_index([schema.UNIT, schema.INDICATOR])
    assert out.loc[("ca-mau", "R.POP"), schema.PROVENANCE] == "illustrative"
    assert out.loc[("ca-mau", "W.ENT"), schema.PROVENANCE] == "official"


def test_weakest_provenance_order():
    assert weakest_provenance(["official", "published"]) == "published"
    assert weakest_provenance(["official", "illustrative", "published"]) == "illustrative"
    assert weakest_provenance(["official"]) == "official"
    with pytest.raises(ValueError, match="unknown provenance"):
        weakest_provenance(["official", "guessed"])


def test_result_layout(result):
    frame = result.reset_index()
    assert list(frame.columns) == [schema.UNIT, schema.INDICATOR] + [
        c for c in HARMONISED_COLUMNS if c not in (schema.UNIT, schema.INDICATOR)]
    assert (frame[schema.EDITION] == EDITION).all()
    assert set(frame[schema.UNIT]) <= set(load_units(2025)["unit"])
    assert len(frame) == 4 + 1 + 1


def test_three_province_merger_of_can_tho():
    values = long_rows([
        ("can-tho", "R.POP", 4.0, "official"), ("hau-giang", "R.POP", 1.0, "official"),
        ("soc-trang", "R.POP", 2.0, "official"),
    ])
    quantities = quantity_rows([("can-tho", "population", 1_250_000),
                                ("hau-giang", "population", 750_000),
                                ("soc-trang", "population", 1_200_000)])
    out = harmonise_to_merged(values, FRAMEWORK, quantities)
    assert len(out) == 1 and out.at[0, schema.UNIT] == "can-tho"
    # numerators 4×125 + 1×75 + 2×120 = 815 over 320 ten-thousands of people
    assert out.at[0, schema.VALUE] == pytest.approx(815 / 320)


def test_a_missing_former_value_gives_nan_and_says_which():
    values = VALUES[~((VALUES[schema.UNIT] == "bac-lieu") & (VALUES[schema.INDICATOR] == "W.ENT"))]
    out = harmonise_to_merged(values, FRAMEWORK, QUANTITIES).set_index([schema.UNIT, schema.INDICATOR])
    row = out.loc[("ca-mau", "W.ENT")]
    assert math.isnan(row[schema.VALUE]) and "bac-lieu" in row["note"]

    blank = VALUES.copy()
    blank.loc[(blank[schema.UNIT] == "ca-mau") & (blank[schema.INDICATOR] == "R.POP"), schema.VALUE] = np.nan
    out = harmonise_to_merged(blank, FRAMEWORK, QUANTITIES).set_index([schema.UNIT, schema.INDICATOR])
    assert math.isnan(out.loc[("ca-mau", "R.POP"), schema.VALUE])
    assert "ca-mau" in out.loc[("ca-mau", "R.POP"), "note"]


def test_inputs_are_not_modified():
    values, framework, quantities = VALUES.copy(), FRAMEWORK.copy(), QUANTITIES.copy()
    harmonise_to_merged(values, framework, quantities)
    pd.testing.assert_frame_equal(values, VALUES)
    pd.testing.assert_frame_equal(framework, FRAMEWORK)
    pd.testing.assert_frame_equal(quantities, QUANTITIES)


def test_whole_edition_on_63_units_becomes_34_units():
    rng = np.random.default_rng(7)
    units63 = load_units(2024)
    values = pd.DataFrame({
        schema.EDITION: EDITION, schema.UNIT: units63["unit"], schema.INDICATOR: "R.POP",
        schema.VALUE: rng.uniform(1, 10, len(units63)), schema.PROVENANCE: "illustrative",
        schema.SOURCE: "generator",
    })
    quantities = quantity_rows(list(zip(units63["unit"], ["population"] * 63, units63["population"])))
    out = harmonise_to_merged(values, FRAMEWORK, quantities).set_index(schema.UNIT)
    assert len(out) == 34
    # Property: the national total of numerators is unchanged by re-drawing the map.
    population = units63.set_index("unit")["population"]
    merged_population = crosswalk().assign(p=lambda t: t["former_unit"].map(population)).groupby("merged_unit")["p"].sum()
    before = (values.set_index(schema.UNIT)[schema.VALUE] * population).sum()
    after = (out[schema.VALUE] * merged_population[out.index]).sum()
    assert after == pytest.approx(before)
    # Property: a merged rate lies between the rates of its former provinces.
    by_former = values.set_index(schema.UNIT)[schema.VALUE]
    for merged, group in crosswalk().groupby("merged_unit"):
        former_values = by_former[group["former_unit"]]
        assert former_values.min() - 1e-12 <= out.at[merged, schema.VALUE] <= former_values.max() + 1e-12
    assert (out.loc[out["method"] == "unchanged"].index.size == 11)


@pytest.mark.parametrize(("change", "message"), [
    (lambda v, f, q: (v.assign(edition=2025), f, q), "already on the 34-province map"),
    (lambda v, f, q: (v.replace({"cao-bang": "atlantis"}), f, q), "atlantis"),
    (lambda v, f, q: (v, f[f["code"] != "W.ENT"], q), "not in the framework: W.ENT"),
    (lambda v, f, q: (v, f.assign(merge_rule="average"), q), "merge_rule 'average'"),
    (lambda v, f, q: (v, f.assign(merge_weight=None), q), "needs merge_weight"),
    (lambda v, f, q: (v, f, q[q["unit"] != "bac-lieu"]), r"population .* for 1 former province\(s\): bac-lieu \(absent\)"),
    (lambda v, f, q: (v, f, q.assign(value=-q["value"])), r"enterprises .* for 2 former province\(s\): bac-lieu \(-1000.0\)"),
    (lambda v, f, q: (pd.concat([v, v.head(1)]), f, q), "repeat an edition × unit × indicator"),
])
def test_bad_inputs_are_refused_with_a_plain_message(change, message):
    values, framework, quantities = change(VALUES, FRAMEWORK, QUANTITIES)
    with pytest.raises(ValueError, match=message):
        harmonise_to_merged(values, framework, quantities)
