"""Published PII results (data/reference/published_pii_results.csv), with conflict flags.

The overall score and rank (and sub-indices where published) of the provinces the press
reported, each row with its source URL. Where sources contradict each other, or a row is
inconsistent with another, the row is flagged (`contradicted`) and `use_rank` / `use_score`
say which of its figures we trust; `flag_reason` says why. Calibration and comparison
should use only the trusted figures (`trusted_facts`).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from piilib import schema
from piilib.paths import DATA_DIR
from piilib.units import resolve_unit

REFERENCE_DIR = DATA_DIR / "reference"
PUBLISHED_RESULTS = REFERENCE_DIR / "published_pii_results.csv"

_FLAG_COLUMNS = ("contradicted", "use_rank", "use_score")


def published_results(path: str | Path | None = None) -> pd.DataFrame:
    """Every published row, with `edition` (= the file's `year`) and the `unit` key.

    Columns: edition, unit, province, rank, score, input_score, output_score, source_url,
    note, contradicted, use_rank, use_score, flag_reason, provenance ("published").
    """
    path = Path(path) if path is not None else PUBLISHED_RESULTS
    table = pd.read_csv(path, dtype={"province": "str", "source_url": "str", "note": "str",
                                     "flag_reason": "str"}, keep_default_na=True, encoding="utf-8")
    problems = []
    for column in _FLAG_COLUMNS:
        values = table[column].astype(str).str.lower()
        bad = ~values.isin(["true", "false"])
        for position in bad[bad].index:
            problems.append(f"file {path.name}, line {position + 2}, column {column!r}: "
                            f"found {table.at[position, column]!r}; expected true or false")
        table[column] = values == "true"
    if problems:
        raise ValueError("\n".join(problems))
    table = table.rename(columns={"year": schema.EDITION})
    table[schema.EDITION] = table[schema.EDITION].astype(int)
    table["rank"] = table["rank"].astype("Int64")
    table[schema.UNIT] = [resolve_unit(name, edition)
                          for name, edition in zip(table["province"], table[schema.EDITION])]
    table[schema.PROVENANCE] = schema.PUBLISHED
    table["flag_reason"] = table["flag_reason"].fillna("")
    table["note"] = table["note"].fillna("")
    first = [schema.EDITION, schema.UNIT, "province"]
    return table[first + [c for c in table.columns if c not in first]]


def trusted_facts(results: pd.DataFrame | None = None) -> pd.DataFrame:
    """The published rows with untrusted figures blanked; rows with nothing trusted dropped."""
    results = published_results() if results is None else results
    facts = results.assign(
        rank=results["rank"].where(results["use_rank"]),
        score=results["score"].where(results["use_score"]),
    )
    return facts[facts["rank"].notna() | facts["score"].notna()].reset_index(drop=True)
