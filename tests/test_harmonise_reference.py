"""`harmonise_to_merged` (arrays) against a plain per-group reference written here.

The reference combines one (edition, indicator, merged unit) group at a time, the way the
module docstring states the rules: a ratio of sums, a sum of totals, a weighted mean, or no
value (not combinable, a former province without a value, quantities summing to zero); the
provenance is the weakest of the rows' and of the quantities' used; the source lists the
rows' distinct sources in row order. Values may differ by rounding only (the reference
divides sums, the library sums weighted values); every other column must be equal.
"""

import math

import numpy as np
import pandas as pd
import pytest

from piilib import schema
from piilib.bundle import load_bundle
from piilib.framework import indicators as framework_indicators
from piilib.framework import load_framework
from piilib.harmonise import HARMONISED_COLUMNS, harmonise_to_merged
from piilib.units import crosswalk

DEMO = "data/demo"


# --------------------------------------------------------------------------- the reference

def _method(rule: str, denominator: str, weight) -> str:
    if rule == "ratio_sum":
        return "ratio_sum of totals" if denominator == "none" else f"ratio_sum by {denominator}"
    if rule == "weighted_mean":
        return f"weighted_mean by {weight}"
    return "not_combinable"


def _combine_group(rows: dict, formers: list[str], spec: dict, quantity: dict) -> dict:
    """rows: former unit -> (value, provenance, source) in row order."""
    rule = str(spec["merge_rule"]).strip()
    denominator = str(spec["denominator"]).strip() or "none"
    weight = spec.get("merge_weight")
    weight = weight.strip() if isinstance(weight, str) and weight.strip() else None
    needed = {"ratio_sum": None if denominator == "none" else denominator, "weighted_mean": weight}.get(rule)
    provenances = [provenance for _, provenance, _ in rows.values()]
    if needed is not None:
        provenances += [quantity[(f, needed)][1] for f in formers if quantity[(f, needed)][1] is not None]
    sources = []
    for _, _, source in rows.values():
        if str(source) not in sources:
            sources.append(str(source))
    out = {
        schema.VALUE: math.nan,
        schema.PROVENANCE: schema.weakest_provenance(provenances),
        schema.SOURCE: "harmonised to the 2025 map from: " + " | ".join(sources),
        "method": _method(rule, denominator, weight),
        "former_units": ", ".join(formers),
        "note": "",
    }
    former_values = [rows[f][0] if f in rows else math.nan for f in formers]
    if rule == "not_combinable":
        shown = ", ".join(f"{f} {v:g}" for f, v in zip(formers, former_values))
        out["note"] = f"the framework marks this indicator not combinable across provinces (former values: {shown})"
    elif not all(math.isfinite(v) for v in former_values):
        absent = [f for f, v in zip(formers, former_values) if not math.isfinite(v)]
        out["note"] = f"no value for former province(s) {', '.join(absent)}, so no merged value"
    elif needed is None:  # totals add up
        out[schema.VALUE] = math.fsum(former_values)
    else:
        amounts = [quantity[(f, needed)][0] for f in formers]
        if math.fsum(amounts) == 0:
            out["note"] = f"{needed} of the former provinces sums to zero, so no merged value"
        else:
            out[schema.VALUE] = math.fsum(v * a for v, a in zip(former_values, amounts)) / math.fsum(amounts)
    return out


def reference_harmonise(values: pd.DataFrame, framework: pd.DataFrame, quantities: pd.DataFrame) -> pd.DataFrame:
    code_column = schema.INDICATOR if schema.INDICATOR in framework.columns else "code"
    specs = {row[code_column]: row for row in framework.to_dict("records")}
    walk = crosswalk()
    merged_of = dict(zip(walk["former_unit"], walk["merged_unit"]))
    formers_of = {m: sorted(walk.loc[walk["merged_unit"] == m, "former_unit"]) for m in set(walk["merged_unit"])}
    stated = quantities[schema.PROVENANCE] if schema.PROVENANCE in quantities.columns else [None] * len(quantities)
    quantity = {
        (u, q): (float(v), p if isinstance(p, str) and p else None)
        for u, q, v, p in zip(quantities[schema.UNIT], quantities["quantity"], quantities[schema.VALUE], stated)
    }
    records = []
    tagged = values.assign(_merged=values[schema.UNIT].map(merged_of))
    for (edition, code, merged), group in tagged.groupby([schema.EDITION, schema.INDICATOR, "_merged"]):
        formers = formers_of[merged]
        key = {schema.EDITION: edition, schema.UNIT: merged, schema.INDICATOR: code}
        if len(formers) == 1:  # unchanged territory: the row as it is
            row = group.iloc[0]
            records.append({**key, schema.VALUE: row[schema.VALUE], schema.PROVENANCE: row[schema.PROVENANCE],
                            schema.SOURCE: row[schema.SOURCE], "method": "unchanged",
                            "former_units": formers[0], "note": ""})
            continue
        rows = {
            unit: (float(value), provenance, source)
            for unit, value, provenance, source in zip(group[schema.UNIT], group[schema.VALUE],
                                                       group[schema.PROVENANCE], group[schema.SOURCE])
        }
        records.append({**key, **_combine_group(rows, formers, specs[code], quantity)})
    frame = pd.DataFrame.from_records(records, columns=HARMONISED_COLUMNS)
    frame[schema.VALUE] = frame[schema.VALUE].astype("float64")
    return frame.sort_values([schema.EDITION, schema.UNIT, schema.INDICATOR]).reset_index(drop=True)


def assert_same_as_reference(values, framework, quantities) -> pd.DataFrame:
    expected = reference_harmonise(values, framework, quantities)
    got = harmonise_to_merged(values, framework, quantities)
    pd.testing.assert_frame_equal(got, expected, check_exact=False, rtol=1e-12, atol=0)
    return got


# --------------------------------------------------------------------------- the demo history

@pytest.fixture(scope="module")
def demo():
    bundle = load_bundle(DEMO)
    return bundle.history, bundle.covariates, framework_indicators(load_framework(2024))


def _demo_quantities(covariates: pd.DataFrame, year: int) -> pd.DataFrame:
    rows = covariates[(covariates[schema.YEAR] == year) & (covariates["map"] == "63")]
    return pd.DataFrame({"unit": rows[schema.UNIT], "quantity": rows["covariate"],
                         "value": rows[schema.VALUE].astype(float), "provenance": rows[schema.PROVENANCE]})


def test_the_demo_history_every_year_and_indicator(demo):
    history, covariates, framework = demo
    on_63 = history[history["map"] == "63"].rename(columns={schema.YEAR: schema.EDITION})[schema.LONG_COLUMNS]
    years = sorted(on_63[schema.EDITION].unique())
    assert len(years) >= 6 and on_63[schema.INDICATOR].nunique() == len(framework)
    notes = 0
    for year in years:
        got = assert_same_as_reference(on_63[on_63[schema.EDITION] == year], framework,
                                       _demo_quantities(covariates, year))
        notes += (got["note"] != "").sum()
    assert notes > 0  # the demo has indicators without a merged value: the notes were compared too


def test_several_editions_in_one_call_shuffled(demo):
    history, covariates, framework = demo
    on_63 = history[history["map"] == "63"].rename(columns={schema.YEAR: schema.EDITION})[schema.LONG_COLUMNS]
    shuffled = on_63.sample(frac=1, random_state=3)
    assert_same_as_reference(shuffled, framework, _demo_quantities(covariates, 2023))


# --------------------------------------------------------------------------- hand-made cases

FRAMEWORK = pd.DataFrame({
    "code": ["R.POP", "R.TOT", "W.ENT", "N.SURV"],
    "denominator": ["population", "none", "enterprises", "none"],
    "merge_rule": ["ratio_sum", "ratio_sum", "weighted_mean", "not_combinable"],
    "merge_weight": [None, None, "enterprises", None],
})
# Cà Mau = Cà Mau + Bạc Liêu; Cần Thơ = Cần Thơ + Hậu Giang + Sóc Trăng; Cao Bằng unchanged.
QUANTITIES = pd.DataFrame(
    [("ca-mau", "population", 1_000_000, "official"), ("bac-lieu", "population", 500_000, "official"),
     ("ca-mau", "enterprises", 3_000, "published"), ("bac-lieu", "enterprises", 1_000, None),
     ("can-tho", "population", 1_250_000, "official"), ("hau-giang", "population", 750_000, "illustrative"),
     ("soc-trang", "population", 1_200_000, None),
     ("can-tho", "enterprises", 0, "official"), ("hau-giang", "enterprises", 0, "official"),
     ("soc-trang", "enterprises", 0, "official")],
    columns=["unit", "quantity", "value", "provenance"],
)


def rows(records, edition=2024):
    """(unit, indicator, value, provenance, source) -> a tidy long frame."""
    frame = pd.DataFrame(records, columns=[schema.UNIT, schema.INDICATOR, schema.VALUE, schema.PROVENANCE,
                                           schema.SOURCE])
    frame.insert(0, schema.EDITION, edition)
    return frame[schema.LONG_COLUMNS]


def by_key(frame):
    return frame.set_index([schema.UNIT, schema.INDICATOR])


def test_a_missing_former_value():
    values = rows([("can-tho", "R.POP", 4.0, "official", "A"), ("soc-trang", "R.POP", 2.0, "official", "A")])
    got = by_key(assert_same_as_reference(values, FRAMEWORK, QUANTITIES))
    assert math.isnan(got.at[("can-tho", "R.POP"), schema.VALUE])
    assert got.at[("can-tho", "R.POP"), "note"] == "no value for former province(s) hau-giang, so no merged value"


def test_nan_and_infinite_former_values_count_as_missing_but_pass_through_unchanged_units():
    values = rows([("ca-mau", "R.POP", np.nan, "official", "A"), ("bac-lieu", "R.POP", 5.0, "official", "A"),
                   ("ca-mau", "R.TOT", np.inf, "official", "A"), ("bac-lieu", "R.TOT", 1.0, "official", "A"),
                   ("cao-bang", "R.POP", np.nan, "published", "B"), ("cao-bang", "R.TOT", np.inf, "published", "B")])
    got = by_key(assert_same_as_reference(values, FRAMEWORK, QUANTITIES))
    assert got.at[("ca-mau", "R.TOT"), "note"] == "no value for former province(s) ca-mau, so no merged value"
    assert got.at[("cao-bang", "R.TOT"), schema.VALUE] == np.inf
    assert math.isnan(got.at[("cao-bang", "R.POP"), schema.VALUE])


def test_a_not_combinable_indicator_shows_the_former_values():
    values = rows([("ca-mau", "N.SURV", 70.0, "official", "A"), ("bac-lieu", "N.SURV", 65.5, "official", "A"),
                   ("soc-trang", "N.SURV", 61.0, "official", "A")])
    got = by_key(assert_same_as_reference(values, FRAMEWORK, QUANTITIES))
    assert got.at[("ca-mau", "N.SURV"), "note"] == ("the framework marks this indicator not combinable across "
                                                    "provinces (former values: bac-lieu 65.5, ca-mau 70)")
    assert "can-tho nan, hau-giang nan, soc-trang 61" in got.at[("can-tho", "N.SURV"), "note"]


def test_quantities_summing_to_zero():
    values = rows([(u, "W.ENT", v, "official", "A") for u, v in [("can-tho", 1.0), ("hau-giang", 2.0),
                                                                  ("soc-trang", 3.0)]])
    got = by_key(assert_same_as_reference(values, FRAMEWORK, QUANTITIES))
    assert got.at[("can-tho", "W.ENT"), "note"] == ("enterprises of the former provinces sums to zero, "
                                                   "so no merged value")


def test_mixed_provenances_of_rows_and_quantities():
    values = rows([("ca-mau", "R.POP", 2.0, "official", "A"), ("bac-lieu", "R.POP", 5.0, "published", "A"),
                   ("ca-mau", "W.ENT", 60.0, "official", "A"), ("bac-lieu", "W.ENT", 40.0, "official", "A"),
                   ("can-tho", "R.POP", 4.0, "official", "A"), ("hau-giang", "R.POP", 1.0, "official", "A"),
                   ("soc-trang", "R.POP", 2.0, "official", "A"),
                   ("can-tho", "R.TOT", 4.0, "official", "A"), ("hau-giang", "R.TOT", 1.0, "illustrative", "A"),
                   ("soc-trang", "R.TOT", 2.0, "published", "A")])
    got = by_key(assert_same_as_reference(values, FRAMEWORK, QUANTITIES))
    assert got.at[("ca-mau", "R.POP"), schema.PROVENANCE] == "published"  # a row
    assert got.at[("ca-mau", "W.ENT"), schema.PROVENANCE] == "published"  # a quantity (None does not count)
    assert got.at[("can-tho", "R.POP"), schema.PROVENANCE] == "illustrative"  # a quantity
    assert got.at[("can-tho", "R.TOT"), schema.PROVENANCE] == "illustrative"  # a row; totals use no quantity
    assert got.at[("can-tho", "R.POP"), schema.VALUE] == pytest.approx((4 * 125 + 1 * 75 + 2 * 120) / 320)


def test_distinct_sources_in_row_order():
    values = rows([("soc-trang", "R.TOT", 1.0, "official", "B"), ("can-tho", "R.TOT", 2.0, "official", "A"),
                   ("hau-giang", "R.TOT", 3.0, "official", "B"),
                   ("ca-mau", "R.TOT", 1.0, "official", None), ("bac-lieu", "R.TOT", 2.0, "official", np.nan),
                   ("ca-mau", "R.POP", 1.0, "official", 7), ("bac-lieu", "R.POP", 2.0, "official", "7")])
    got = by_key(assert_same_as_reference(values, FRAMEWORK, QUANTITIES))
    assert got.at[("can-tho", "R.TOT"), schema.SOURCE] == "harmonised to the 2025 map from: B | A"
    assert got.at[("can-tho", "R.TOT"), schema.VALUE] == 6.0
    assert got.at[("ca-mau", "R.POP"), schema.SOURCE] == "harmonised to the 2025 map from: 7"


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_rows_in_any_order_and_several_editions(seed):
    rng = np.random.default_rng(seed)
    units = ["ca-mau", "bac-lieu", "can-tho", "hau-giang", "soc-trang", "cao-bang", "thua-thien-hue"]
    records = []
    for edition in (2022, 2024, 2023):
        for unit in units:
            for code in FRAMEWORK["code"]:
                if rng.random() < 0.85:  # some rows absent
                    value = np.nan if rng.random() < 0.1 else float(rng.uniform(0, 100))
                    provenance = rng.choice(["official", "published", "illustrative"])
                    records.append((edition, unit, code, value, provenance, rng.choice(["A", "B", "C"])))
    values = pd.DataFrame(records, columns=schema.LONG_COLUMNS).sample(frac=1, random_state=seed)
    got = assert_same_as_reference(values, FRAMEWORK, QUANTITIES)
    assert list(got[schema.EDITION].unique()) == [2022, 2023, 2024]


def test_an_unknown_provenance_is_refused_where_it_is_combined_and_kept_where_it_passes_through():
    values = rows([("ca-mau", "R.TOT", 1.0, "official", "A"), ("bac-lieu", "R.TOT", 2.0, "guessed", "A")])
    with pytest.raises(ValueError, match=r"unknown provenance \['guessed'\]"):
        harmonise_to_merged(values, FRAMEWORK, QUANTITIES)
    with pytest.raises(ValueError, match=r"unknown provenance \['guessed'\]"):
        reference_harmonise(values, FRAMEWORK, QUANTITIES)
    quantities = QUANTITIES.assign(provenance=QUANTITIES["provenance"].where(QUANTITIES["unit"] != "bac-lieu",
                                                                             "estimated"))
    values = rows([("ca-mau", "R.POP", 1.0, "official", "A"), ("bac-lieu", "R.POP", 2.0, "official", "A")])
    with pytest.raises(ValueError, match=r"unknown provenance \['estimated'\]"):
        harmonise_to_merged(values, FRAMEWORK, quantities)
    values = rows([("cao-bang", "R.TOT", 1.0, "guessed", "A")])
    assert assert_same_as_reference(values, FRAMEWORK, QUANTITIES).at[0, schema.PROVENANCE] == "guessed"


def test_no_rows():
    values = rows([])
    assert_same_as_reference(values, FRAMEWORK, QUANTITIES)


def test_an_indicator_listed_twice_in_the_framework_is_refused():
    framework = pd.concat([FRAMEWORK, FRAMEWORK.iloc[[1]]], ignore_index=True)
    values = rows([("ca-mau", "R.TOT", 1.0, "official", "A"), ("bac-lieu", "R.TOT", 2.0, "official", "A")])
    with pytest.raises(ValueError, match="indicators listed more than once: R.TOT"):
        harmonise_to_merged(values, framework, QUANTITIES)
