"""The index tree compiled once from iMeta, and the array fast path built on it.

`IndexStructure.from_imeta(imeta)` turns the iMeta tree into one 0/1 membership matrix
per aggregation level. Aggregating is then a pair of matrix products per level, which
works the same on one data set `(units, indicators)` and on a stack of replications
`(draws, units, indicators)` with one weight vector per draw `(draws, nodes)`. This is
what robustness / uncertainty analysis should call: compute the Treated (or Screened)
stage once with `build_index`, then vary normalisation, weights and aggregation on
NumPy arrays:

    structure = IndexStructure.from_imeta(result.imeta)
    treated = result.stages["Treated"][list(structure.indicator_codes)].to_numpy()
    normalised = normalise_array(treated, structure.directions)           # (units, indicators)
    weights = structure.weights * rng.uniform(0.75, 1.25, (1000, structure.n_nodes))
    scores = structure.aggregate(normalised, weights)                     # (1000, units, nodes)
    ranks = rank_array(scores)                                            # 1 = best, ties "min"

Node order is `structure.codes`: indicators in iMeta order, then aggregates level by
level (level 2 first), each level in iMeta order. The last code is the index.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

ARITHMETIC = "arithmetic"
GEOMETRIC = "geometric"
AGGREGATION_METHODS = (ARITHMETIC, GEOMETRIC)

MINMAX = "minmax"
ZSCORE = "zscore"
NORMALISATION_METHODS = (MINMAX, ZSCORE)


class AggregationError(ValueError):
    """Data that the chosen aggregation cannot handle (e.g. zero under a geometric mean)."""


def mean_as_r(values: np.ndarray, axis: int = 0, keepdims: bool = False) -> np.ndarray:
    """Mean of the non-missing values along `axis`, computed as R's `mean()` does.

    R adds the mean residual in a second pass (`m = sum(x)/n; m + sum(x - m)/n`), so the
    mean of equal values is exactly that value (fifty-five 12.3s give 12.3, where a plain
    sum / n gives 12.299999999999994). COINr decides "constant" on that exact mean (its
    skew, kurtosis, z-score and min-max are then 0/0); so must we. NaN where no value.
    """
    x = np.asarray(values, dtype=float)
    present = ~np.isnan(x)
    complete = present.all()  # the common case needs no masking (robustness stacks)
    n = x.shape[axis] if complete else present.sum(axis=axis, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        first = (x if complete else np.where(present, x, 0.0)).sum(axis=axis, keepdims=True) / n
        deviation = x - first
        residual = (deviation if complete else np.where(present, deviation, 0.0)).sum(axis=axis, keepdims=True) / n
        mean = first + residual
    return mean if keepdims else np.squeeze(mean, axis=axis)


def constant_columns(values: np.ndarray, axis: int = -2) -> np.ndarray:
    """True where every non-missing value along `axis` is the same (and there is one).

    This is COINr's "constant": with R's exact mean, `x - mean(x)` is then exactly 0, so
    skew / kurtosis are 0/0 (not checkable), the z-score is 0/0 and min-max is 0/0 (NaN).
    """
    x = np.asarray(values, dtype=float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-missing columns
        return np.nanmax(x, axis=axis) == np.nanmin(x, axis=axis)


@dataclass(frozen=True)
class _Level:
    child_index: np.ndarray  # positions in `codes` of the children aggregated at this level
    parent_index: np.ndarray  # positions in `codes` of the aggregates produced
    membership: np.ndarray  # (children, parents) 0/1


@dataclass(frozen=True)
class IndexStructure:
    """The aggregation tree of an index, compiled for fast repeated aggregation.

    Attributes:
        codes: every node, indicators first then aggregates level by level.
        indicator_codes: the level-1 codes (the columns aggregation starts from).
        aggregate_codes: the codes above level 1, in output order.
        levels: the level of each node, aligned with `codes`.
        parents: the parent code of each node ("" at the top), aligned with `codes`.
        weights: the iMeta weight of each node, aligned with `codes`.
        directions: the iMeta direction (+1/-1) of each indicator.
    """

    codes: tuple[str, ...]
    indicator_codes: tuple[str, ...]
    aggregate_codes: tuple[str, ...]
    levels: np.ndarray
    parents: tuple[str, ...]
    weights: np.ndarray
    directions: np.ndarray
    _levels: tuple[_Level, ...]

    @property
    def n_nodes(self) -> int:
        return len(self.codes)

    @property
    def n_indicators(self) -> int:
        return len(self.indicator_codes)

    @property
    def index_code(self) -> str:
        """The code at the top of the tree."""
        return self.codes[-1]

    @classmethod
    def from_imeta(cls, imeta: pd.DataFrame) -> "IndexStructure":
        """Compile a validated iMeta (see `check_imeta`) into aggregation matrices."""
        # Plain lists: this runs once per build and pandas filtering would dominate it.
        columns = {name: imeta[name].tolist() for name in ("iCode", "Type", "Level", "Parent", "Weight", "Direction")}
        rows = [
            {name: values[i] for name, values in columns.items()}
            for i, kind in enumerate(columns["Type"])
            if kind in ("Indicator", "Aggregate")
        ]
        for row in rows:
            row["Level"] = int(float(row["Level"]))
        rows.sort(key=lambda row: row["Level"])  # stable: iMeta order within a level
        codes = tuple(str(row["iCode"]) for row in rows)
        position = {code: i for i, code in enumerate(codes)}
        parents = tuple("" if pd.isna(row["Parent"]) else str(row["Parent"]) for row in rows)
        levels = np.array([row["Level"] for row in rows], dtype=int)
        weights = np.array([float(row["Weight"]) for row in rows])
        directions = np.array([float(row["Direction"]) for row in rows if row["Level"] == 1])
        max_level = int(levels.max())

        compiled = []
        for level in range(2, max_level + 1):
            child_index = np.flatnonzero(levels == level - 1)
            parent_index = np.flatnonzero(levels == level)
            membership = np.zeros((len(child_index), len(parent_index)))
            parent_column = {p: j for j, p in enumerate(parent_index)}
            for row, child in enumerate(child_index):
                membership[row, parent_column[position[parents[child]]]] = 1.0
            compiled.append(_Level(child_index, parent_index, membership))

        n_ind = int((levels == 1).sum())
        return cls(
            codes=codes,
            indicator_codes=codes[:n_ind],
            aggregate_codes=codes[n_ind:],
            levels=levels,
            parents=parents,
            weights=weights,
            directions=directions,
            _levels=tuple(compiled),
        )

    def weight_vector(self, overrides: dict[str, float] | None = None) -> np.ndarray:
        """The weights aligned with `codes`, with some replaced by `overrides` (code -> weight)."""
        weights = self.weights.copy()
        position = {code: i for i, code in enumerate(self.codes)}
        for code, weight in (overrides or {}).items():
            if code not in position:
                raise KeyError(f"'{code}' is not an indicator or aggregate code of this index")
            weights[position[code]] = float(weight)
        return weights

    def unweighted_parents(self, weights: np.ndarray | None = None) -> list[tuple[str, list[str]]]:
        """(aggregate code, its children) for every aggregate whose children all weigh 0.

        COINr accepts weight 0 (the child then counts for nothing), but such an aggregate
        would be 0/0 for every unit; the checks refuse it with this list."""
        w = self.weights if weights is None else np.asarray(weights, dtype=float)
        found = []
        for level in self._levels:
            totals = np.abs(w[level.child_index]) @ level.membership
            for column in np.flatnonzero(totals == 0):
                children = level.child_index[level.membership[:, column] == 1]
                found.append((self.codes[level.parent_index[column]], [self.codes[c] for c in children]))
        return found

    def aggregate(
        self,
        indicator_values: np.ndarray,
        weights: np.ndarray | None = None,
        method: str = ARITHMETIC,
    ) -> np.ndarray:
        """Aggregate level by level up the tree, ignoring missing values as COINr does.

        Args:
            indicator_values: `(..., units, indicators)`, columns in `indicator_codes` order.
            weights: `(nodes,)` or `(..., nodes)` aligned with `codes`; iMeta weights if None.
                Weights are relative within each parent (COINr rescales them to sum to 1).
            method: "arithmetic" (weighted mean) or "geometric" (weighted geometric mean,
                values must be > 0).

        Returns:
            `(..., units, nodes)`: the indicator values followed by every aggregate; the
            leading axes broadcast those of `indicator_values` and `weights`.
            An aggregate whose children are all missing is NaN.
        """
        if method not in AGGREGATION_METHODS:
            raise ValueError(f"aggregation method must be one of {AGGREGATION_METHODS}, got {method!r}")
        values = np.asarray(indicator_values, dtype=float)
        w_all = self.weights if weights is None else np.asarray(weights, dtype=float)
        batch = np.broadcast_shapes(values.shape[:-2], w_all.shape[:-1])
        out = np.empty(batch + values.shape[-2:-1] + (self.n_nodes,))
        out[..., : self.n_indicators] = values
        for level in self._levels:
            children = out[..., level.child_index]
            present = ~np.isnan(children)
            if method == GEOMETRIC:
                if np.any(children[present] <= 0):
                    raise AggregationError(
                        "the geometric mean needs values > 0, but some are zero or negative; "
                        "normalise to a range that starts above 0 (e.g. lower: 1) or use the "
                        "arithmetic mean"
                    )
                children = np.log(np.where(present, children, 1.0))
            else:
                children = np.where(present, children, 0.0)
            w = w_all[..., level.child_index][..., np.newaxis, :]
            numerator = (children * w) @ level.membership
            denominator = (present * w) @ level.membership
            with np.errstate(invalid="ignore", divide="ignore"):
                mean = numerator / denominator
            mean[denominator == 0] = np.nan
            out[..., level.parent_index] = np.exp(mean) if method == GEOMETRIC else mean
        return out


def normalise_array(
    values: np.ndarray,
    directions: np.ndarray,
    method: str = MINMAX,
    lower: float = 0.0,
    upper: float = 100.0,
    mean: float = 0.0,
    sd: float = 1.0,
) -> np.ndarray:
    """Normalise each indicator (last axis) over the units (second-to-last axis), as COINr.

    The values are multiplied by their direction (+1/-1) first. min-max maps onto
    [lower, upper]; an indicator whose values are all equal gives NaN (COINr's n_minmax
    divides by a zero range and returns NaN). z-score uses the sample standard deviation
    (n - 1) and maps onto mean `mean` and standard deviation `sd`; its mean is R's (see
    `mean_as_r`), so an indicator whose values are all equal gives NaN for every unit, as
    COINr's n_zscore (0/0). Missing values stay missing and are ignored in the statistics.
    """
    if method not in NORMALISATION_METHODS:
        raise ValueError(f"normalisation method must be one of {NORMALISATION_METHODS}, got {method!r}")
    x = np.asarray(values, dtype=float) * np.asarray(directions, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-missing columns
        if method == MINMAX:
            low = np.nanmin(x, axis=-2, keepdims=True)
            high = np.nanmax(x, axis=-2, keepdims=True)
            return (x - low) / (high - low) * (upper - lower) + lower
        deviation = x - mean_as_r(x, axis=-2, keepdims=True)
        squares = deviation * deviation
        missing = np.isnan(x)
        if missing.any():
            n = (~missing).sum(axis=-2, keepdims=True)
            squares[missing] = 0.0
        else:
            n = x.shape[-2]
        spread = np.sqrt(squares.sum(axis=-2, keepdims=True) / (n - 1))
        return deviation / spread * sd + mean


def rank_array(scores: np.ndarray) -> np.ndarray:
    """Rank units (second-to-last axis) within each column: 1 = highest score.

    Ties get the smallest rank of the tied group (R's `rank(-x, ties.method = "min")`,
    which COINr uses); missing scores get NaN.
    """
    x = np.asarray(scores, dtype=float)
    # Work with units on the last, contiguous axis: sorting along it is much faster.
    keys = np.ascontiguousarray(np.swapaxes(np.where(np.isnan(x), np.inf, -x), -1, -2))
    order = np.argsort(keys, axis=-1)  # order within a tie does not change the "min" rank
    sorted_keys = np.take_along_axis(keys, order, axis=-1)
    position = np.broadcast_to(np.arange(1, keys.shape[-1] + 1, dtype=float), keys.shape)
    starts_group = np.ones(keys.shape, dtype=bool)
    starts_group[..., 1:] = sorted_keys[..., 1:] != sorted_keys[..., :-1]
    group_rank = np.maximum.accumulate(np.where(starts_group, position, 0.0), axis=-1)
    ranks = np.empty_like(group_rank)
    np.put_along_axis(ranks, order, group_rank, axis=-1)
    ranks = np.swapaxes(ranks, -1, -2)
    ranks[np.isnan(x)] = np.nan
    return ranks
