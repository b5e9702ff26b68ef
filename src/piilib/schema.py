"""Column names and vocabularies shared by every stage (the data contract).

The tidy long frame that flows from import to the index has one row per
edition × unit × indicator:

    edition     int   PII edition (publication year), e.g. 2024
    unit        str   stable province key (see `piilib.units`), e.g. "can-tho"
    indicator   str   indicator code from the framework, e.g. "6.2.4"
    value       float raw value in the indicator's own unit
    provenance  str   one of PROVENANCES
    source      str   file name, URL or generator that produced the value

History frames (for trends) use `year` (the data year) instead of `edition`.
Structural covariates use the same layout with `covariate` instead of `indicator`.
"""

EDITION = "edition"
YEAR = "year"
UNIT = "unit"
INDICATOR = "indicator"
COVARIATE = "covariate"
VALUE = "value"
PROVENANCE = "provenance"
SOURCE = "source"

LONG_COLUMNS = [EDITION, UNIT, INDICATOR, VALUE, PROVENANCE, SOURCE]
HISTORY_COLUMNS = [YEAR, UNIT, INDICATOR, VALUE, PROVENANCE, SOURCE]

OFFICIAL = "official"
PUBLISHED = "published"
ILLUSTRATIVE = "illustrative"
PROVENANCES = (OFFICIAL, PUBLISHED, ILLUSTRATIVE)
# Weakest first: a value is no stronger than the weakest thing it was computed from.
PROVENANCE_ORDER = (ILLUSTRATIVE, PUBLISHED, OFFICIAL)

# First edition computed on the 34 provinces that exist from 1 July 2025.
FIRST_MERGED_EDITION = 2025

# An edition is computed from the data of the year before (PII 2024 uses 2023 data).
DATA_YEAR_LAG = 1


def data_year(edition: int) -> int:
    """The data year behind an edition."""
    return int(edition) - DATA_YEAR_LAG


def weakest_provenance(provenances) -> str:
    """The weakest of several provenances (illustrative < published < official)."""
    found = set(provenances)
    unknown = found - set(PROVENANCE_ORDER)
    if unknown:
        raise ValueError(
            f"unknown provenance {sorted(unknown)}; expected one of {list(PROVENANCE_ORDER)}"
        )
    return next(level for level in PROVENANCE_ORDER if level in found)
