"""The bridge from the tidy long frame to the PII: framework + units -> COINr inputs -> engine.

`compute_pii` turns one edition of the long frame (edition, unit, indicator, value,
provenance, source) into COINr's `idata` (uCode = unit key, uName, Region) and `imeta`
(from the framework) and runs `piilib.index.build_index` with the PII's default method.
`scores_table` lays the result out as one row per unit × element of the tree, with the raw
value, the score, the rank and the provenance.
"""

from __future__ import annotations

import pandas as pd

from piilib import schema
from piilib.framework import load_framework, to_imeta
from piilib.index import IndexResult, build_index
from piilib.messages import Said, text
from piilib.units import load_units

# The PII's method is the engine's default (treat, min-max 0-100, arithmetic means).
PII_STEPS = None

UNIT_CODE = "uCode"
UNIT_NAME = "uName"
REGION = "Region"

# Element kinds, from the bottom of the tree to the top.
ELEMENT_KINDS = ("indicator", "sub_pillar", "pillar", "sub_index", "index")

SCORES_COLUMNS = [
    schema.EDITION, schema.UNIT, "name", "region", "element", "element_name", "kind", "level",
    "parent", "raw_value", "score", "rank", "n_units", schema.PROVENANCE, schema.SOURCE,
]

def edition_values(values_long: pd.DataFrame, edition: int) -> pd.DataFrame:
    """Rows of one edition; a frame without an edition column is taken as that edition."""
    if schema.EDITION not in values_long.columns:
        return values_long.assign(**{schema.EDITION: edition})
    rows = values_long[values_long[schema.EDITION].astype(int) == int(edition)]
    if rows.empty:
        found = sorted(values_long[schema.EDITION].dropna().astype(int).unique().tolist())
        raise ValueError(Said("data.edition_absent", edition=edition, editions=", ".join(map(str, found))))
    return rows


def to_idata(values_long: pd.DataFrame, edition: int, framework: pd.DataFrame) -> pd.DataFrame:
    """COINr's idata for one edition: uCode, uName, Region, one column per indicator."""
    rows = edition_values(values_long, edition)
    imeta = to_imeta(framework)
    codes = imeta.loc[imeta["Level"] == 1, "iCode"].astype(str).tolist()
    problems = _check_long(rows, codes, edition)
    if problems:
        raise ValueError("\n".join(problems))
    wide = rows.pivot(index=schema.UNIT, columns=schema.INDICATOR, values=schema.VALUE)
    wide = wide.reindex(columns=codes).astype(float)
    units = load_units(edition).set_index("unit")
    unit_keys = [u for u in units.index if u in wide.index]
    values = wide.loc[unit_keys, codes].to_numpy(dtype=float)
    # One frame built at once (inserting 52 columns one by one costs more than the rest).
    return pd.DataFrame({
        UNIT_CODE: unit_keys,
        UNIT_NAME: [units.at[u, "name_vi"] for u in unit_keys],
        REGION: [units.at[u, "region"] for u in unit_keys],
        **{code: values[:, j] for j, code in enumerate(codes)},
    })


SHOWN_MISSING = 8  # names listed before the rest are counted


def _listed(names: list[str]) -> str:
    shown = ", ".join(names[:SHOWN_MISSING])
    return shown if len(names) <= SHOWN_MISSING else shown + text("values.and_more", count=len(names) - SHOWN_MISSING)


def _check_long(rows: pd.DataFrame, codes: list[str], edition: int) -> list[str]:
    problems = []
    known_units = set(load_units(edition)["unit"])
    given_units = set(rows[schema.UNIT])
    given_codes = set(rows[schema.INDICATOR].astype(str))
    for unit in sorted(given_units - known_units):
        problems.append(Said("values.unknown_unit", edition=edition, unit=unit))
    for code in sorted(given_codes - set(codes)):
        problems.append(Said("values.unknown_indicator", edition=edition, code=code))
    # A province or an indicator with no row at all is a deleted block, not missing data (an empty
    # value is a row with no value): computing without it would rank the others as if complete.
    missing_units = sorted(known_units - given_units)
    if missing_units:
        problems.append(Said("values.missing_units", edition=edition, count=len(missing_units),
                             total=len(known_units), units=_listed(missing_units)))
    missing_codes = [code for code in codes if code not in given_codes]
    if missing_codes:
        problems.append(Said("values.missing_indicators", edition=edition, count=len(missing_codes),
                             total=len(codes), codes=_listed(missing_codes)))
    duplicated = rows[rows.duplicated([schema.UNIT, schema.INDICATOR], keep=False)]
    for (unit, code), _ in duplicated.groupby([schema.UNIT, schema.INDICATOR], sort=True):
        problems.append(Said("values.duplicate", edition=edition, unit=unit, code=code))
    return problems


def compute_pii(values_long: pd.DataFrame, edition: int,
                framework: pd.DataFrame | None = None) -> IndexResult:
    """Run the engine with the PII method on one edition of the tidy long frame."""
    framework = load_framework(edition) if framework is None else framework
    idata = to_idata(values_long, edition, framework)
    return build_index(idata, to_imeta(framework), steps=PII_STEPS)


def element_kinds(imeta: pd.DataFrame) -> dict[str, str]:
    """iCode -> element kind, counted from the top of the tree (index, sub-index, pillar...)."""
    top = int(imeta["Level"].max())
    kinds = {}
    for code, level in zip(imeta["iCode"].astype(str), imeta["Level"].astype(int)):
        if level == 1:
            kinds[code] = "indicator"
        else:
            depth_from_top = top - level  # 0 = index
            kinds[code] = ELEMENT_KINDS[max(len(ELEMENT_KINDS) - 1 - depth_from_top, 1)]
    return kinds


def scores_table(result: IndexResult, values_long: pd.DataFrame,
                 units: pd.DataFrame) -> pd.DataFrame:
    """One row per unit × element: raw value (indicators), score, rank, provenance.

    Elements come in framework order, index first; units in rank order of the index within
    each element. Aggregates take the weakest provenance of the indicators under them and
    the sources joined.
    """
    imeta = result.imeta
    kinds = element_kinds(imeta)
    scores = result.scores
    ranks = result.ranks
    unit_names = units.set_index("unit")
    editions = values_long[schema.EDITION].dropna().astype(int).unique() \
        if schema.EDITION in values_long.columns else []
    edition = int(editions[0]) if len(editions) == 1 else None
    if len(editions) > 1:
        raise ValueError(f"scores_table needs one edition; the values hold {sorted(editions)}")
    values = values_long.assign(**{schema.INDICATOR: values_long[schema.INDICATOR].astype(str)})
    indexed = values.set_index([schema.UNIT, schema.INDICATOR])
    unit_provenance = values.groupby(schema.UNIT)[schema.PROVENANCE].agg(schema.weakest_provenance)
    unit_sources = values.groupby(schema.UNIT)[schema.SOURCE].agg(
        lambda s: "; ".join(sorted(set(s.dropna().astype(str)))))

    ordered = imeta.sort_values("Level", ascending=False, kind="stable")
    index_code = str(ordered["iCode"].iloc[0])
    unit_order = ranks[index_code].sort_values(kind="stable").index.tolist()
    names = dict(zip(imeta["iCode"].astype(str), imeta["iName"]))
    parents = dict(zip(imeta["iCode"].astype(str), imeta["Parent"]))
    levels = dict(zip(imeta["iCode"].astype(str), imeta["Level"].astype(int)))
    n_units = len(unit_order)

    records = []
    for code in ordered["iCode"].astype(str):
        for unit in unit_order:
            is_indicator = kinds[code] == "indicator"
            if is_indicator and (unit, code) in indexed.index:
                row = indexed.loc[(unit, code)]
                raw, provenance, source = float(row[schema.VALUE]), row[schema.PROVENANCE], row[schema.SOURCE]
            else:
                raw = float("nan")
                provenance, source = unit_provenance.get(unit), unit_sources.get(unit)
            parent = parents.get(code)
            records.append({
                schema.EDITION: edition,
                schema.UNIT: unit,
                "name": unit_names.at[unit, "name_vi"] if unit in unit_names.index else unit,
                "region": unit_names.at[unit, "region"] if unit in unit_names.index else None,
                "element": code,
                "element_name": names.get(code),
                "kind": kinds[code],
                "level": levels[code],
                "parent": None if parent is None or pd.isna(parent) or str(parent) in ("", "nan") else str(parent),
                "raw_value": raw,
                "score": float(scores.at[unit, code]),
                "rank": int(ranks.at[unit, code]) if pd.notna(ranks.at[unit, code]) else None,
                "n_units": n_units,
                schema.PROVENANCE: provenance,
                schema.SOURCE: source,
            })
    return pd.DataFrame.from_records(records, columns=SCORES_COLUMNS)


def scores_for_edition(edition: int, data=None) -> pd.DataFrame:
    """`scores_table` of an edition of the data at `data` (`piilib.bundle.load_bundle`;
    None: the bundled illustrative dataset)."""
    from piilib.bundle import load_bundle

    values = load_bundle(data, edition).values_of(edition)
    result = compute_pii(values, edition)
    return scores_table(result, values, load_units(edition))
