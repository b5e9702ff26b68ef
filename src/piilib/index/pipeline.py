"""`build_index`: run the method's steps on iData / iMeta and keep everything.

    result = build_index(idata, imeta, steps)      # steps=None -> DEFAULT_STEPS
    result.stages["Treated"]                       # every stage, COINr's layout
    build_index(new_idata, result.imeta, result.log)   # replay the same method
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from piilib.messages import Said

from . import steps as st
from .meta_checks import IndexInputError, validate_inputs
from .spec import STAGE_OF_STEP, complete_steps
from .structure import AggregationError, IndexStructure, constant_columns, normalise_array, rank_array

RAW = "Raw"


@dataclass
class IndexResult:
    """Everything one run of the method produced.

    Attributes:
        stages: stage name -> wide DataFrame (`uCode` + indicator columns; the
            "Aggregated" stage adds every aggregate). Keys in the order they were made,
            starting with "Raw".
        log: the steps that ran, each with all its parameters (defaults filled in);
            `build_index(idata, result.imeta, result.log)` replays the method.
        treatment: one row per indicator (see `steps.TREATMENT_COLUMNS`); empty when
            the method has no treat step.
        imeta: the iMeta used (a copy).
        idata: the iData used (as given; a copy-on-write copy).
        structure: the compiled tree (fast path for re-weighting; see `structure`).
        scores: the last stage (normally "Aggregated") indexed by uCode.
        ranks: ranks of `scores`, 1 = best, ties share the smallest rank (COINr),
            missing scores unranked.
        removed_units: units dropped by the screen step.
        warnings: plain-language notes about edge cases met (constant indicators...).
    """

    stages: dict[str, pd.DataFrame]
    log: list[dict]
    treatment: pd.DataFrame
    imeta: pd.DataFrame
    idata: pd.DataFrame
    structure: IndexStructure
    scores: pd.DataFrame
    ranks: pd.DataFrame
    removed_units: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def has_index(self) -> bool:
        """Whether the method aggregated up to the index (a method may stop earlier,
        e.g. at normalisation; then there are no index scores and no ranking)."""
        return self.structure.index_code in self.scores.columns


def _numeric_block(idata: pd.DataFrame, columns: list[str]) -> np.ndarray:
    """iData `columns` as a float array; text cells that are not numbers become NaN."""
    positions = idata.columns.get_indexer(columns)
    try:  # one conversion of the whole frame is much faster than column by column
        return idata.to_numpy()[:, positions].astype(float)
    except (TypeError, ValueError):
        return np.column_stack(
            [pd.to_numeric(idata[c], errors="coerce").to_numpy(dtype=float, na_value=np.nan) for c in columns]
        )


def build_index(
    idata: pd.DataFrame,
    imeta: pd.DataFrame,
    steps: list[dict] | None = None,
    validate: bool = True,
) -> IndexResult:
    """Build the index: run `steps` (default `DEFAULT_STEPS`) in order, keeping every stage.

    Args:
        idata: COINr iData, one row per unit (`uCode`, indicator columns, optional
            group / denominator columns). Text cells are parsed as numbers.
        imeta: COINr iMeta (Level, iCode, Direction, Weight, Parent, Type, ...).
        steps: list of step dicts (see `piilib.index.spec`); a previous `result.log`
            replays that method.
        validate: check iData / iMeta first (skip only for inputs already checked,
            e.g. inside a loop over perturbed copies of a validated input).

    Raises:
        IndexInputError: with one message per problem in the inputs or the steps.
    """
    completed, problems = complete_steps(steps)
    if problems:
        raise IndexInputError(problems)
    groups_needed = [s["group"] for s in completed
                     if s["step"] == "impute" and s["method"] in st.GROUPED_IMPUTE_METHODS]
    if validate:
        validate_inputs(idata, imeta, required_columns=groups_needed)

    # Shallow copies are independent under pandas copy-on-write and cost nothing.
    imeta = imeta.copy(deep=False)
    idata = idata.copy(deep=False)
    structure = IndexStructure.from_imeta(imeta)
    indicators = list(structure.indicator_codes)
    denominator_of = st.denominator_map(imeta)
    denominators = sorted(set(denominator_of.values()))
    numeric = _numeric_block(idata, indicators + denominators)
    denominator_values = dict(zip(denominators, numeric[:, len(indicators) :].T))

    rows = np.arange(len(idata))  # rows of iData still in the data set
    units = idata[st.UCODE].astype(str).str.strip().to_numpy()
    values = numeric[:, : len(indicators)]
    stages = {RAW: st.make_frame(units, indicators, values)}
    treatment = None
    columns = indicators
    removed: list[str] = []
    notes: list[str] = []

    for step in completed:
        name = step["step"]
        if name == "denominate":
            divisors = np.full(values.shape, np.nan)
            has_denominator = np.array([code in denominator_of for code in indicators], dtype=bool)
            for j in np.flatnonzero(has_denominator):
                divisors[:, j] = denominator_values[denominator_of[indicators[j]]][rows]
            values = st.denominate_values(values, divisors, has_denominator)
        elif name == "impute":
            labels = idata[step["group"]].to_numpy(dtype=object)[rows] if step["group"] else None
            values = st.impute_values(values, step["method"], labels)
        elif name == "screen":
            keep = st.availability_values(values) >= step["min_availability"]
            if not keep.any():
                raise IndexInputError([Said("index.step.screen_empty", share=step["min_availability"])])
            removed += list(units[~keep])
            rows, units, values = rows[keep], units[keep], values[keep]
        elif name == "treat":
            values, details = st.treat_values(
                values, step["skew_threshold"], step["kurtosis_threshold"], step["max_winsorised"]
            )
            treatment = st.treatment_table(units, indicators, details)
            notes += _treatment_notes(details, indicators)
        elif name == "normalise":
            notes += _normalise_notes(values, indicators, step["method"])
            values = normalise_array(
                values, structure.directions, step["method"], step["lower"], step["upper"], step["mean"], step["sd"]
            )
        elif name == "aggregate":
            try:
                weights = structure.weight_vector(step["weights"])
            except KeyError:
                unknown = next(str(code) for code in step["weights"] if code not in structure.codes)
                raise IndexInputError([Said("index.step.weight_code", code=unknown)]) from None
            unweighted = structure.unweighted_parents(weights)
            if unweighted:
                raise IndexInputError([Said("index.step.zero_weights", parent=parent, children=", ".join(children))
                                       for parent, children in unweighted])
            try:
                values = structure.aggregate(values, weights, step["method"])
            except AggregationError:  # the one it raises: the geometric mean of a value <= 0
                raise IndexInputError([Said("index.step.geometric", method=step["method"])]) from None
            columns = list(structure.codes)
        stages[STAGE_OF_STEP[name]] = st.make_frame(units, columns, values)

    index = pd.Index(units, name=st.UCODE)
    return IndexResult(
        stages=stages,
        scores=pd.DataFrame(values, index=index, columns=columns),
        ranks=pd.DataFrame(rank_array(values), index=index, columns=columns),
        log=copy.deepcopy(completed),
        treatment=pd.DataFrame(columns=st.TREATMENT_COLUMNS) if treatment is None else treatment,
        imeta=imeta,
        idata=idata,
        structure=structure,
        removed_units=removed,
        warnings=notes,
    )


def _treatment_notes(details: dict, indicators: list[str]) -> list[str]:
    notes = []
    codes = [code for code, checkable in zip(indicators, details["checkable"]) if not checkable]
    if codes:
        notes.append(Said("index.note.not_checkable", codes=", ".join(codes)))
    codes = [code for code, flat in zip(indicators, details["constant_after_winsorising"]) if flat]
    if codes:
        notes.append(Said("index.note.flat_after_winsorising", codes=", ".join(codes)))
    return notes


def _normalise_notes(values: np.ndarray, indicators: list[str], method: str) -> list[str]:
    notes = []
    present = ~np.isnan(values)
    empty = [c for c, n in zip(indicators, present.sum(axis=0)) if n == 0]
    if empty:
        notes.append(Said("index.note.no_values", codes=", ".join(empty)))
    constant = [c for c, flat in zip(indicators, constant_columns(values, axis=0)) if flat]
    if constant:
        notes.append(Said("index.note.constant", codes=", ".join(constant), method=method))
    return notes


__all__ = ["IndexResult", "build_index"]
