"""The index engine: COINr's pipeline (v1.1.14) over pandas frames.

    from piilib.index import build_index
    result = build_index(idata, imeta, steps)   # steps=None -> DEFAULT_STEPS

Step functions (pure, one per COINr verb): denominate, impute, screen, treat,
normalise, aggregate, rank_units, strengths_weaknesses. The array fast path for
repeated recomputation is `IndexStructure` with `normalise_array` and `rank_array`
(see `piilib.index.structure`). The method.yml schema is in `piilib.index.spec`.
"""

from .meta_checks import IndexInputError, check_idata, check_imeta, validate_inputs
from .pipeline import IndexResult, build_index
from .results import results_table, strengths_weaknesses
from .spec import DEFAULT_STEPS, STAGE_OF_STEP, complete_steps, method_document, read_method
from .steps import (
    TREATMENT_COLUMNS,
    UCODE,
    aggregate,
    data_availability,
    denominate,
    impute,
    kurtosis,
    normalise,
    rank_units,
    screen,
    skewness,
    treat,
)
from .structure import AggregationError, IndexStructure, constant_columns, mean_as_r, normalise_array, rank_array

__all__ = [
    "DEFAULT_STEPS",
    "STAGE_OF_STEP",
    "TREATMENT_COLUMNS",
    "UCODE",
    "AggregationError",
    "IndexInputError",
    "IndexResult",
    "IndexStructure",
    "aggregate",
    "build_index",
    "check_idata",
    "check_imeta",
    "complete_steps",
    "constant_columns",
    "data_availability",
    "denominate",
    "impute",
    "kurtosis",
    "mean_as_r",
    "method_document",
    "normalise",
    "normalise_array",
    "rank_array",
    "rank_units",
    "read_method",
    "results_table",
    "screen",
    "skewness",
    "strengths_weaknesses",
    "treat",
    "validate_inputs",
]
