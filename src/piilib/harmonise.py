"""Re-expressing an edition on the 63 provinces on the 34-province map of 2025.

Each indicator combines across the former provinces of a merged unit by the rule the
framework gives it (columns `merge_rule`, `denominator`, `merge_weight`):

* ratio_sum: the indicator is numerator / denominator, so the merged value is the sum
  of numerators over the sum of denominators, sum(v_i * d_i) / sum(d_i), with d the
  quantity named by `denominator` (any constant scale, "per 10,000 people", cancels).
  With denominator "none" the values are totals or shares of a national total and add up.
* weighted_mean: the mean of the former values weighted by the quantity `merge_weight`.
* not_combinable: no honest merged value exists (e.g. a survey score); the value is NaN
  and the note says why.

Units whose territory did not change pass through with their value, provenance and
source (only the key changes where the name did: thua-thien-hue -> hue).

The `method` column of the result says how each value was obtained: "unchanged",
"ratio_sum by <denominator>", "ratio_sum of totals", "weighted_mean by <quantity>" or
"not_combinable"; `former_units` lists the inputs and `note` explains missing values.
A merged value's provenance is the weakest of its inputs (values and the quantities
used): illustrative < published < official.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from piilib import schema
from piilib.units import crosswalk, load_units

RATIO_SUM = "ratio_sum"
WEIGHTED_MEAN = "weighted_mean"
NOT_COMBINABLE = "not_combinable"
MERGE_RULES = (RATIO_SUM, WEIGHTED_MEAN, NOT_COMBINABLE)
UNCHANGED = "unchanged"
NO_DENOMINATOR = "none"

METHOD = "method"
FORMER_UNITS = "former_units"
NOTE = "note"
HARMONISED_COLUMNS = schema.LONG_COLUMNS + [METHOD, FORMER_UNITS, NOTE]

QUANTITY = "quantity"

def _framework_rules(framework: pd.DataFrame, codes: set[str]) -> dict[str, dict]:
    code_column = schema.INDICATOR if schema.INDICATOR in framework.columns else "code"
    table = framework.set_index(code_column)
    missing = sorted(codes - set(table.index))
    if missing:
        raise ValueError(f"indicators not in the framework: {', '.join(missing)}")
    rules, problems = {}, []
    for code in sorted(codes):
        row = table.loc[code]
        rule = str(row.get("merge_rule", "")).strip()
        denominator = str(row.get("denominator", "")).strip() or NO_DENOMINATOR
        weight = row.get("merge_weight")
        weight = str(weight).strip() if isinstance(weight, str) and weight.strip() else None
        if rule not in MERGE_RULES:
            problems.append(f"indicator {code}: merge_rule '{rule}' (expected one of {', '.join(MERGE_RULES)})")
        elif rule == WEIGHTED_MEAN and weight is None:
            problems.append(f"indicator {code}: merge_rule weighted_mean needs merge_weight (a quantity name)")
        rules[code] = {"rule": rule, "denominator": denominator, "weight": weight}
    if problems:
        raise ValueError("framework: " + "; ".join(problems))
    return rules


def _check_values(values: pd.DataFrame) -> None:
    missing_columns = [c for c in schema.LONG_COLUMNS if c not in values.columns]
    if missing_columns:
        raise ValueError(f"values: missing columns {missing_columns}; expected {schema.LONG_COLUMNS}")
    merged_editions = sorted(e for e in values[schema.EDITION].unique() if e >= schema.FIRST_MERGED_EDITION)
    if merged_editions:
        raise ValueError(
            f"values: editions {merged_editions} are already on the 34-province map; "
            f"only editions before {schema.FIRST_MERGED_EDITION} can be harmonised"
        )
    known = set(load_units(schema.FIRST_MERGED_EDITION - 1)["unit"])
    unknown = sorted(set(values[schema.UNIT]) - known)
    if unknown:
        raise ValueError(f"values: units not among the 63 provinces before the merger: {', '.join(unknown)}")
    keys = [schema.EDITION, schema.UNIT, schema.INDICATOR]
    duplicated = values[values.duplicated(keys, keep=False)]
    if not duplicated.empty:
        first = duplicated.iloc[0]
        raise ValueError(
            f"values: {len(duplicated)} rows repeat an edition × unit × indicator, "
            f"e.g. {first[schema.EDITION]} {first[schema.UNIT]} {first[schema.INDICATOR]}"
        )


def _quantity_table(quantities: pd.DataFrame) -> dict[tuple[str, str], tuple[float, str | None]]:
    """(unit, quantity) -> (value, provenance or None)."""
    duplicated = quantities[quantities.duplicated([schema.UNIT, QUANTITY], keep=False)]
    if not duplicated.empty:
        first = duplicated.iloc[0]
        raise ValueError(f"quantities: more than one value of {first[QUANTITY]} for {first[schema.UNIT]}")
    # A quantity without a stated provenance does not weaken the values it weights.
    provenance = (
        quantities[schema.PROVENANCE] if schema.PROVENANCE in quantities.columns
        else pd.Series(None, index=quantities.index, dtype=object)
    )
    return {
        (unit, quantity): (float(value), level if isinstance(level, str) and level else None)
        for unit, quantity, value, level in zip(
            quantities[schema.UNIT], quantities[QUANTITY], quantities[schema.VALUE], provenance
        )
    }


def _weights_needed(rule: dict) -> str | None:
    if rule["rule"] == RATIO_SUM and rule["denominator"] != NO_DENOMINATOR:
        return rule["denominator"]
    if rule["rule"] == WEIGHTED_MEAN:
        return rule["weight"]
    return None


def _method_label(rule: dict) -> str:
    if rule["rule"] == RATIO_SUM:
        if rule["denominator"] == NO_DENOMINATOR:
            return "ratio_sum of totals"
        return f"ratio_sum by {rule['denominator']}"
    if rule["rule"] == WEIGHTED_MEAN:
        return f"weighted_mean by {rule['weight']}"
    return NOT_COMBINABLE


def _check_quantities(rules, groups, quantity_table) -> None:
    """Every quantity a merged unit needs must be a number ≥ 0 for each of its formers."""
    bad_units: dict[str, dict[str, float | str]] = {}
    needed_by: dict[str, list[str]] = {}
    for code, rule in rules.items():
        needed = _weights_needed(rule)
        if needed is None:
            continue
        if needed in needed_by:  # each quantity checked once
            needed_by[needed].append(code)
            continue
        needed_by[needed] = [code]
        for formers in groups.values():
            if len(formers) < 2:
                continue
            for former in formers:
                if (former, needed) not in quantity_table:
                    bad_units.setdefault(needed, {})[former] = "absent"
                    continue
                value = quantity_table[(former, needed)][0]
                if not math.isfinite(value) or value < 0:
                    bad_units.setdefault(needed, {})[former] = value
    if bad_units:
        problems = [
            f"{quantity} (needed by indicators {', '.join(needed_by[quantity])}) is missing or "
            f"not a number ≥ 0 for {len(found)} former province(s): "
            + ", ".join(f"{unit} ({value})" for unit, value in sorted(found.items()))
            for quantity, found in bad_units.items()
        ]
        raise ValueError("quantities: " + "; ".join(problems))


def _combine(rows: dict, formers: list[str], rule: dict, quantity_table) -> dict:
    """The merged value of one indicator for one merged unit, with method and note.

    rows: former unit -> (value, provenance, source) of the rows present, in row order."""
    method = _method_label(rule)
    sources = " | ".join(dict.fromkeys(str(source) for _, _, source in rows.values()))
    provenances = [provenance for _, provenance, _ in rows.values()]
    needed = _weights_needed(rule)
    if needed is not None:
        provenances += [
            quantity_table[(former, needed)][1]
            for former in formers
            if quantity_table[(former, needed)][1] is not None
        ]
    result = {
        schema.PROVENANCE: schema.weakest_provenance(provenances),
        schema.SOURCE: f"harmonised to the 2025 map from: {sources}",
        METHOD: method,
        FORMER_UNITS: ", ".join(formers),
        schema.VALUE: math.nan,
        NOTE: "",
    }
    if rule["rule"] == NOT_COMBINABLE:
        shown = ", ".join(f"{f} {rows[f][0] if f in rows else math.nan:g}" for f in formers)
        result[NOTE] = f"the framework marks this indicator not combinable across provinces (former values: {shown})"
        return result
    absent = [f for f in formers if f not in rows or not math.isfinite(rows[f][0])]
    if absent:
        result[NOTE] = f"no value for former province(s) {', '.join(absent)}, so no merged value"
        return result
    values = [float(rows[f][0]) for f in formers]
    weights = _former_weights(formers, rule, quantity_table)
    if weights is None:
        result[NOTE] = f"{needed} of the former provinces sums to zero, so no merged value"
        return result
    result[schema.VALUE] = math.fsum(v * w for v, w in zip(values, weights))
    return result


def _former_weights(formers: list[str], rule: dict, quantity_table) -> list[float] | None:
    """The merged value is sum(weight_i * value_i): 1 each for totals, else the quantity's
    shares (None when they sum to zero). The one statement of the arithmetic of the rules,
    used for values (`_combine`) and for Monte Carlo draws (`merge_weights`)."""
    needed = _weights_needed(rule)
    if needed is None:
        return [1.0] * len(formers)
    quantities = [quantity_table[(f, needed)][0] for f in formers]
    total = math.fsum(quantities)
    if total == 0:
        return None
    return [q / total for q in quantities]


def merge_weights(framework: pd.DataFrame, quantities: pd.DataFrame, codes) -> pd.DataFrame:
    """The merge of every indicator in `codes` as weights: merged value = sum over the former
    provinces of weight × former value (the rules of `harmonise_to_merged`, which are linear).

    Returns columns indicator, merged_unit, former_unit, weight; one row per indicator ×
    former province (all 63), weight NaN where no merged value exists (not_combinable, or
    quantities summing to zero). Lets Monte Carlo code merge many draws with one product.
    """
    codes = [str(c) for c in codes]
    rules = _framework_rules(framework, set(codes))
    walk = crosswalk()
    groups = {
        merged: sorted(walk.loc[walk["merged_unit"] == merged, "former_unit"])
        for merged in walk["merged_unit"].unique()
    }
    quantity_table = _quantity_table(quantities)
    _check_quantities(rules, groups, quantity_table)
    # Indicators with the same rule and quantity have the same weights: computed once.
    by_signature: dict[tuple, list[tuple]] = {}
    records = []
    for code in codes:
        rule = rules[code]
        signature = (rule["rule"] == NOT_COMBINABLE, _weights_needed(rule))
        if signature not in by_signature:
            rows = []
            for merged, formers in groups.items():
                if len(formers) == 1:
                    weights = [1.0]
                elif rule["rule"] == NOT_COMBINABLE:
                    weights = [math.nan] * len(formers)
                else:
                    weights = _former_weights(formers, rule, quantity_table) or [math.nan] * len(formers)
                rows += [(merged, former, weight) for former, weight in zip(formers, weights)]
            by_signature[signature] = rows
        records += [(code, *row) for row in by_signature[signature]]
    return pd.DataFrame.from_records(records, columns=[schema.INDICATOR, "merged_unit", "former_unit", "weight"])


def merge_array(values, weights, next_of_base, n_units: int):
    """Arrays of former values merged: (..., base units, k) × weights (base units, k) →
    (..., n_units, k), unit u = sum over its formers f (next_of_base[f] == u) of
    weight[f] × value[f] (the rules of `harmonise_to_merged` as `merge_weights` gives them).
    A NaN former value or weight gives NaN. The one statement of the merge arithmetic on
    arrays (Monte Carlo draws, wide tables of values)."""
    next_of_base = np.asarray(next_of_base)
    weighted = np.asarray(values, dtype=float) * weights
    # Each unit is the sum of its members: gather the k-th member of every unit that has one,
    # k = 0, 1, ... (units have 1 to 4 members); a NaN member gives NaN.
    order = np.argsort(next_of_base, kind="stable")
    sorted_next = next_of_base[order]
    first = np.searchsorted(sorted_next, np.arange(n_units))
    sizes = np.bincount(sorted_next, minlength=n_units)
    out = weighted[..., order[first], :]
    for k in range(1, int(sizes.max())):
        has = np.flatnonzero(sizes > k)
        out[..., has, :] += weighted[..., order[first[has] + k], :]
    return out


def harmonise_to_merged(
    values: pd.DataFrame, framework: pd.DataFrame, quantities: pd.DataFrame
) -> pd.DataFrame:
    """`values` (editions before 2025, 63 units) re-expressed on the 34 units of 2025.

    values: tidy long frame (schema.LONG_COLUMNS). framework: one row per indicator
    with `code` (or `indicator`), `merge_rule`, `denominator`, `merge_weight`.
    quantities: long frame (unit, quantity, value[, provenance]) of the 63 units, e.g.
    quantity "population", "communes", "enterprises". Returns HARMONISED_COLUMNS,
    sorted by edition, unit, indicator. Inputs are not modified.
    """
    _check_values(values)
    rules = _framework_rules(framework, set(values[schema.INDICATOR]))
    walk = crosswalk()
    groups = {
        merged: sorted(walk.loc[walk["merged_unit"] == merged, "former_unit"])
        for merged in walk["merged_unit"].unique()
    }
    former_to_merged = dict(zip(walk["former_unit"], walk["merged_unit"]))
    tagged = values.assign(_merged=values[schema.UNIT].map(former_to_merged))
    quantity_table = _quantity_table(quantities)
    present = set(tagged["_merged"])
    _check_quantities(rules, {m: f for m, f in groups.items() if m in present}, quantity_table)

    # Plain arrays and one grouping pass (no frame per group): the same values, notes and
    # provenance as combining each group's rows, at a fraction of the cost.
    units = tagged[schema.UNIT].to_numpy(dtype=object)
    numbers = tagged[schema.VALUE].to_numpy(dtype=float)
    provenance = tagged[schema.PROVENANCE].to_numpy(dtype=object)
    source = tagged[schema.SOURCE].to_numpy(dtype=object)
    records = []
    groups_of_rows = tagged.groupby([schema.EDITION, schema.INDICATOR, "_merged"], sort=True).indices
    for (edition, code, merged), positions in groups_of_rows.items():
        formers = groups[merged]
        positions = np.sort(positions)  # row order, as the rows appear in `values`
        if len(formers) == 1:
            first = positions[0]
            records.append({
                schema.EDITION: edition, schema.UNIT: merged, schema.INDICATOR: code,
                schema.VALUE: numbers[first], schema.PROVENANCE: provenance[first],
                schema.SOURCE: source[first], METHOD: UNCHANGED,
                FORMER_UNITS: formers[0], NOTE: "",
            })
            continue
        rows = {units[i]: (numbers[i], provenance[i], source[i]) for i in positions}
        combined = _combine(rows, formers, rules[code], quantity_table)
        records.append({schema.EDITION: edition, schema.UNIT: merged, schema.INDICATOR: code, **combined})
    result = pd.DataFrame.from_records(records, columns=HARMONISED_COLUMNS)
    result[schema.VALUE] = result[schema.VALUE].astype("float64")
    return result.sort_values([schema.EDITION, schema.UNIT, schema.INDICATOR]).reset_index(drop=True)

