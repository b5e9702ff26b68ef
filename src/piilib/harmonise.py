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
from collections import Counter
from dataclasses import dataclass

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
_SOURCE_PREFIX = "harmonised to the 2025 map from: "

def _framework_rules(framework: pd.DataFrame, codes: set[str]) -> dict[str, dict]:
    code_column = schema.INDICATOR if schema.INDICATOR in framework.columns else "code"
    found = framework[code_column].tolist()
    missing = sorted(codes - set(found))
    if missing:
        raise ValueError(f"indicators not in the framework: {', '.join(missing)}")
    repeated = sorted(code for code, count in Counter(found).items() if count > 1 and code in codes)
    if repeated:
        raise ValueError(f"framework: indicators listed more than once: {', '.join(map(str, repeated))}")
    position = {code: i for i, code in enumerate(found)}

    def column(name, default):
        return framework[name].tolist() if name in framework.columns else [default] * len(found)

    merge_rules = column("merge_rule", "")
    denominators = column("denominator", "")
    weight_names = column("merge_weight", None)
    rules, problems = {}, []
    for code in sorted(codes):
        i = position[code]
        rule = str(merge_rules[i]).strip()
        denominator = str(denominators[i]).strip() or NO_DENOMINATOR
        weight = weight_names[i]
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
    unknown = sorted(set(values[schema.UNIT].unique()) - known)
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
            quantities[schema.UNIT].tolist(), quantities[QUANTITY].tolist(), quantities[schema.VALUE].tolist(),
            provenance.tolist(),
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


def _former_weights(formers: list[str], rule: dict, quantity_table) -> list[float] | None:
    """The merged value is sum(weight_i * value_i): 1 each for totals, else the quantity's
    shares (None when they sum to zero). The one statement of the arithmetic of the rules,
    used for values (`harmonise_to_merged`) and Monte Carlo draws (`merge_weights`)."""
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
    groups = _unit_groups(crosswalk())
    quantity_table = _quantity_table(quantities)
    _check_quantities(rules, groups, quantity_table)
    records = _weight_rows(codes, rules, groups, quantity_table)
    return pd.DataFrame.from_records(records, columns=[schema.INDICATOR, "merged_unit", "former_unit", "weight"])


def _unit_groups(walk: pd.DataFrame) -> dict[str, list[str]]:
    """Merged unit -> its former units (sorted), merged units in the crosswalk's order."""
    groups: dict[str, list[str]] = {}
    for former, merged in zip(walk["former_unit"], walk["merged_unit"]):
        groups.setdefault(merged, []).append(former)
    return {merged: sorted(formers) for merged, formers in groups.items()}


def _weight_rows(codes, rules, groups, quantity_table) -> list[tuple]:
    """(indicator, merged unit, former unit, weight) for every code and former of `groups`:
    1 for an unchanged unit, NaN where no merged value exists (not_combinable, quantities
    summing to zero), else `_former_weights`."""
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
    return records


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
    rules = _framework_rules(framework, set(values[schema.INDICATOR].unique()))
    units = _MergedUnits.of(dict(sorted(_unit_groups(crosswalk()).items())))  # the result's order
    base_codes = units.base.get_indexer(values[schema.UNIT])  # every unit is known (_check_values)
    quantity_table = _quantity_table(quantities)
    merged_present = {units.merged[m] for m in np.unique(units.next_of_base[base_codes])}
    present = {merged: formers for merged, formers in units.groups.items() if merged in merged_present}
    _check_quantities(rules, present, quantity_table)

    groups = _Groups.of(values, base_codes, units)
    if groups is None:
        result = pd.DataFrame.from_records([], columns=HARMONISED_COLUMNS)
        result[schema.VALUE] = result[schema.VALUE].astype("float64")
        return result
    codes, multi = groups.codes, ~groups.single
    needed = [_weights_needed(rules[code]) for code in codes]

    # The values: one wide array (edition, former unit, indicator) merged by `merge_array`
    # with the weights of `merge_weights` (a missing former value gives NaN).
    numbers = values[schema.VALUE].to_numpy(dtype=float)
    wide = np.full((len(groups.editions), len(units.base), len(codes)), np.nan)
    wide[groups.row_edition, base_codes[groups.rows], groups.row_code] = numbers[groups.rows]
    weights = np.full((len(units.base), len(codes)), np.nan)
    weight_rows = _weight_rows(list(codes), rules, present, quantity_table)
    if weight_rows:
        code_of, _, former_of, weight_of = zip(*weight_rows)
        weights[units.base.get_indexer(former_of), codes.get_indexer(code_of)] = weight_of
    merged_values = merge_array(wide, weights, units.next_of_base, len(units.merged))

    # Why a merged unit has no value, in the order of the rules' statement.
    sizes = units.sizes[groups.merged]
    finite = np.add.reduceat(np.isfinite(numbers[groups.rows]).astype(int), groups.starts)
    not_combinable = multi & np.array([rules[c]["rule"] == NOT_COMBINABLE for c in codes])[groups.code]
    absent = multi & ~not_combinable & (finite < sizes)
    sums_to_zero = multi & ~not_combinable & ~absent & np.isnan(weights[units.first_base[groups.merged], groups.code])
    no_value = not_combinable | absent | sums_to_zero
    value = np.where(groups.single, numbers[groups.first_row],
                     np.where(no_value, np.nan, merged_values[groups.edition, groups.merged, groups.code]))

    notes = np.full(groups.count, "", dtype=object)
    for g in np.flatnonzero(no_value):
        e, m, k = groups.edition[g], groups.merged[g], groups.code[g]
        formers = units.groups[units.merged[m]]
        former_values = wide[e, units.first_base[m]:units.first_base[m] + len(formers), k]
        if not_combinable[g]:
            shown = ", ".join(f"{f} {v:g}" for f, v in zip(formers, former_values))
            notes[g] = f"the framework marks this indicator not combinable across provinces (former values: {shown})"
        elif absent[g]:
            missing = [f for f, v in zip(formers, former_values) if not math.isfinite(v)]
            notes[g] = f"no value for former province(s) {', '.join(missing)}, so no merged value"
        else:
            notes[g] = f"{needed[k]} of the former provinces sums to zero, so no merged value"

    method = np.array([_method_label(rules[c]) for c in codes], dtype=object)[groups.code]
    method[groups.single] = UNCHANGED
    result = pd.DataFrame({
        schema.EDITION: groups.editions.take(groups.edition).tolist(),
        schema.UNIT: np.array(units.merged, dtype=object)[groups.merged],
        schema.INDICATOR: codes.take(groups.code).tolist(),
        schema.VALUE: value.astype("float64"),
        schema.PROVENANCE: _group_provenance(values, groups, units, needed, present, quantity_table),
        schema.SOURCE: _group_sources(values, groups),
        METHOD: method,
        FORMER_UNITS: np.array([", ".join(formers) for formers in units.groups.values()], dtype=object)[groups.merged],
        NOTE: notes,
    }, columns=HARMONISED_COLUMNS)
    return result


@dataclass(frozen=True)
class _MergedUnits:
    """The merged units (in the order of `groups`) and all their former units as one array:
    the former units of merged unit m are base[first_base[m]:first_base[m] + sizes[m]]."""

    groups: dict[str, list[str]]  # merged unit -> its former units
    merged: list[str]
    sizes: np.ndarray
    base: pd.Index
    next_of_base: np.ndarray  # the merged unit (number) of each former unit
    first_base: np.ndarray

    @classmethod
    def of(cls, groups: dict[str, list[str]]) -> _MergedUnits:
        sizes = np.array([len(formers) for formers in groups.values()])
        return cls(groups=groups, merged=list(groups), sizes=sizes,
                   base=pd.Index([former for formers in groups.values() for former in formers]),
                   next_of_base=np.repeat(np.arange(len(groups)), sizes), first_base=np.cumsum(sizes) - sizes)


@dataclass(frozen=True)
class _Groups:
    """The rows of `values` grouped by edition × merged unit × indicator, groups in the
    result's order (each key sorted), rows of a group in row order. A row whose edition or
    indicator is missing belongs to no group (as in a groupby)."""

    editions: pd.Index  # the sorted distinct editions and indicators the codes index
    codes: pd.Index
    rows: np.ndarray  # positions in `values`, group by group
    row_edition: np.ndarray  # the edition and indicator of each of `rows`
    row_code: np.ndarray
    starts: np.ndarray  # group g is rows[starts[g]:ends[g]]
    ends: np.ndarray
    edition: np.ndarray  # per group: edition, merged unit and indicator numbers
    merged: np.ndarray
    code: np.ndarray
    single: np.ndarray  # the merged unit is a former unit unchanged

    @property
    def count(self) -> int:
        return len(self.starts)

    @property
    def first_row(self) -> np.ndarray:
        return self.rows[self.starts]

    @classmethod
    def of(cls, values: pd.DataFrame, base_codes: np.ndarray, units: _MergedUnits) -> _Groups | None:
        edition_codes, editions = pd.factorize(values[schema.EDITION], sort=True)
        code_codes, codes = pd.factorize(values[schema.INDICATOR], sort=True)
        rows = np.flatnonzero((edition_codes >= 0) & (code_codes >= 0))
        if rows.size == 0:
            return None
        n_merged, n_codes = len(units.merged), len(codes)
        group = (edition_codes[rows] * n_merged + units.next_of_base[base_codes[rows]]) * n_codes + code_codes[rows]
        order = np.argsort(group, kind="stable")  # by group, then in row order
        rows, group = rows[order], group[order]
        starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
        edition, rest = np.divmod(group[starts], n_merged * n_codes)
        merged, code = np.divmod(rest, n_codes)
        return cls(editions=editions, codes=codes, rows=rows, row_edition=edition_codes[rows],
                   row_code=code_codes[rows], starts=starts, ends=np.r_[starts[1:], len(rows)],
                   edition=edition, merged=merged, code=code, single=units.sizes[merged] == 1)


def _group_provenance(values, groups: _Groups, units: _MergedUnits, needed: list, present: dict,
                      quantity_table) -> np.ndarray:
    """The provenance of each group: an unchanged unit's own; else the weakest of its rows' and
    of the quantity it is combined with (those of the former units that state one)."""
    provenance = values[schema.PROVENANCE].to_numpy(dtype=object)
    rank_of = {level: rank for rank, level in enumerate(schema.PROVENANCE_ORDER)}
    none_stated = len(rank_of)
    row_rank = pd.Series(provenance[groups.rows]).map(rank_of).fillna(-1).to_numpy(dtype=int)  # -1: unknown
    quantity_rank = np.full((len(units.merged), len(groups.codes)), none_stated)
    for quantity in set(needed) - {None}:
        ranks = np.full(len(units.merged), none_stated)
        for m, (merged, formers) in enumerate(units.groups.items()):
            if merged in present and len(formers) > 1:
                levels = [quantity_table[(f, quantity)][1] for f in formers]
                ranks[m] = min([rank_of.get(level, -1) for level in levels if level is not None], default=none_stated)
        quantity_rank[:, [k for k, n in enumerate(needed) if n == quantity]] = ranks[:, None]
    rank = np.minimum(np.minimum.reduceat(row_rank, groups.starts), quantity_rank[groups.merged, groups.code])
    unknown = ~groups.single & (rank < 0)
    if unknown.any():  # the error of the first such group in (edition, indicator, merged unit) order
        g = min(np.flatnonzero(unknown), key=lambda i: (groups.edition[i], groups.code[i], groups.merged[i]))
        quantity = needed[groups.code[g]]
        formers = units.groups[units.merged[groups.merged[g]]]
        stated = [] if quantity is None else [quantity_table[(f, quantity)][1] for f in formers]
        schema.weakest_provenance([provenance[r] for r in groups.rows[groups.starts[g]:groups.ends[g]]]
                                  + [level for level in stated if level is not None])  # raises, naming it
    result = provenance[groups.first_row]
    multi = ~groups.single
    result[multi] = np.array(schema.PROVENANCE_ORDER, dtype=object)[rank[multi]]
    return result


def _group_sources(values, groups: _Groups) -> np.ndarray:
    """The source of each group: an unchanged unit's own; else the distinct sources of its rows
    in row order (usually one: a lookup; joined only where there are several)."""
    source = values[schema.SOURCE].to_numpy(dtype=object)
    source_codes, distinct = pd.factorize(values[schema.SOURCE], use_na_sentinel=False)
    row_source = source_codes[groups.rows]
    first = row_source[groups.starts]
    one_text = ((np.minimum.reduceat(row_source, groups.starts) == np.maximum.reduceat(row_source, groups.starts))
                & np.array([isinstance(s, str) for s in distinct])[first])
    harmonised_from = np.array([_SOURCE_PREFIX + s if isinstance(s, str) else "" for s in distinct], dtype=object)
    result = source[groups.first_row]
    multi = ~groups.single
    result[multi] = harmonised_from[first[multi]]
    for g in np.flatnonzero(multi & ~one_text):  # several sources, or one that is not text
        found = dict.fromkeys(str(source[r]) for r in groups.rows[groups.starts[g]:groups.ends[g]])
        result[g] = _SOURCE_PREFIX + " | ".join(found)
    return result
