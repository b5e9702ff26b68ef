"""The steps of COINr's pipeline as pure functions over wide frames.

A *data set* here is a wide DataFrame as COINr keeps them: a `uCode` column and one
numeric column per indicator (or aggregate). Every function returns a new frame and
never modifies its inputs. The numerical kernels (`*_values`) work on NumPy arrays
`(units, indicators)` and are shared with `build_index`.

Conventions copied from COINr v1.1.14 (R sources in bluefoxr/COINr):
- skewness and kurtosis are e1071's type 2 (Excel's SKEW / KURT), missing values dropped;
- an indicator fails when |skew| >= skew_threshold AND kurtosis >= kurtosis_threshold;
- winsorising replaces the current maximum (positive skew) or minimum (negative skew),
  including ties, by the next value, one step at a time, until the indicator passes or
  `max_winsorised` points have been changed; the count is the number of points now
  sitting at the replaced value (COINr's `nwin`);
- if winsorising does not make it pass, the winsorising is undone and COINr's `log_CT`
  is applied to the original values: log(x - min(x) + 0.01 * (max(x) - min(x)));
- if winsorising makes every value equal, skew and kurtosis are 0/0 and COINr's pass
  check is NA: `Treat.numeric` warns "f_pass has returned NA. Returning untreated
  vector." and returns the original values. We do the same, with a note, whether this
  happens when the winsorising limit is reached or before it (there R's
  `while (NA)` in `winsorise` stops with an error; untreated is the non-error side);
- means are R's (`mean_as_r`): the mean of equal values is exactly that value, so an
  indicator is "constant" exactly when all its values are equal (`constant_columns`);
- min-max and z-score use the indicator's Direction; ranks are R's
  `rank(-x, ties.method = "min")`.

Decided edge cases (COINr stops with an error or returns NaN; we do the NaN side):
- an indicator with fewer than 4 values, or with all values equal, cannot have its
  skew/kurtosis computed: it is left untreated and marked "not checkable";
- z-score of an indicator with all values equal is NaN for every unit (COINr's n_zscore
  divides 0 by a zero standard deviation);
- min-max of an indicator with all values equal, or all missing, is NaN for every unit
  (COINr's n_minmax returns NaN); aggregation then ignores it like any missing value;
- a single unit therefore gets NaN normalised values and NaN aggregates;
- log_CT shifts by the minimum, so zero and negative values are fine before the log.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from .structure import (
    ARITHMETIC,
    MINMAX,
    IndexStructure,
    mean_as_r,
    normalise_array,
    rank_array,
)

UCODE = "uCode"

TREAT_NONE = "none"
TREAT_WINSORISED = "winsorised"
TREAT_LOG = "log"
TREAT_NOT_CHECKABLE = "not checkable"
TREAT_CONSTANT_AFTER_WINSORISING = "not checkable after winsorising"

TREATMENT_COLUMNS = [
    "iCode",
    "treatment",
    "skew_before",
    "kurtosis_before",
    "passed_before",
    "n_winsorised",
    "winsorised_side",
    "skew_after_winsorising",
    "kurtosis_after_winsorising",
    "passed_after_winsorising",
    "skew_after_log",
    "kurtosis_after_log",
    "passed_after_log",
    "treated_units",
]


# --------------------------------------------------------------------------- helpers


def split_frame(data: pd.DataFrame) -> tuple[np.ndarray, list[str], np.ndarray]:
    """(unit codes, value column names, float values) of a wide data set."""
    columns = [c for c in data.columns if c != UCODE]
    units = data[UCODE].astype(str).to_numpy()
    values = data[columns].to_numpy(dtype=float, na_value=np.nan)
    return units, columns, values


def make_frame(units, columns, values) -> pd.DataFrame:
    """A wide data set from unit codes, column names and a 2-D array (copied)."""
    frame = pd.DataFrame(np.array(values, dtype=float), columns=list(columns))
    frame.insert(0, UCODE, pd.array(list(units), dtype="str"))
    return frame


def skew_kurtosis(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Skewness and kurtosis of each column, missing values dropped (e1071 type 2).

    NaN where a column has too few values (fewer than 3 for skew, 4 for kurtosis) or
    all its values equal (COINr: 0/0 with R's exact mean). Equal to scipy.stats.skew /
    kurtosis with bias=False (the tests check it); written out because scipy's
    nan_policy="omit" costs ~7 ms on 49 columns, more than a whole index run is allowed.
    """
    x = np.asarray(values, dtype=float)
    if x.ndim == 1:
        skew, kurt = skew_kurtosis(x[:, np.newaxis])
        return skew[0], kurt[0]
    present = ~np.isnan(x)
    complete = present.all()
    n = present.sum(axis=0).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        # R's exact mean: equal values give deviations of exactly 0, so s2 == 0 below
        # is COINr's "constant" (the tests check it against `constant_columns`).
        mean = mean_as_r(x, axis=0)
        dev = x - mean if complete else np.where(present, x - mean, 0.0)
        dev2 = dev * dev
        s2 = dev2.sum(axis=0)
        s3 = (dev2 * dev).sum(axis=0)
        s4 = (dev2 * dev2).sum(axis=0)
        skew = np.sqrt(n) * s3 / s2**1.5 * np.sqrt(n * (n - 1)) / (n - 2)
        ratio = n * s4 / s2**2
        kurt = ((n + 1) * (ratio - 3) + 6) * (n - 1) / ((n - 2) * (n - 3))
    skew = np.where((n >= 3) & (s2 > 0), skew, np.nan)
    kurt = np.where((n >= 4) & (s2 > 0), kurt, np.nan)
    return skew, kurt


def skewness(values) -> float:
    """Skewness of one indicator (COINr `skew`, e1071 type 2), missing values dropped."""
    return float(skew_kurtosis(np.asarray(values, dtype=float))[0])


def kurtosis(values) -> float:
    """Excess kurtosis of one indicator (COINr `kurt`, e1071 type 2), missing values dropped."""
    return float(skew_kurtosis(np.asarray(values, dtype=float))[1])


def _passes(skew, kurt, skew_threshold, kurtosis_threshold):
    return (np.abs(skew) < skew_threshold) | (kurt < kurtosis_threshold)


def log_ct(values: np.ndarray) -> np.ndarray:
    """COINr's log_CT of each column: log(x - min + 0.01 * (max - min)), NaN kept."""
    x = np.asarray(values, dtype=float)
    with warnings.catch_warnings(), np.errstate(divide="ignore", invalid="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        low = np.nanmin(x, axis=0)
        high = np.nanmax(x, axis=0)
        return np.log(x - low + 0.01 * (high - low))


# --------------------------------------------------------------------------- denominate


def denominate_values(values, denominators, has_denominator) -> np.ndarray:
    """Divide the columns flagged in `has_denominator` by their denominator column.

    A missing denominator gives a missing value (as R's x / NA)."""
    values = np.array(values, dtype=float)
    values[:, has_denominator] = values[:, has_denominator] / denominators[:, has_denominator]
    return values


def denominate(data: pd.DataFrame, denominators: pd.DataFrame, imeta: pd.DataFrame) -> pd.DataFrame:
    """Divide each indicator that has a `Denominator` in iMeta by that column.

    `denominators` holds `uCode` and the denominator columns (usually iData itself);
    rows are matched on `uCode`.
    """
    units, columns, values = split_frame(data)
    denominator_of = denominator_map(imeta)
    matched = denominators.set_index(denominators[UCODE].astype(str)).reindex(units)
    divisors = np.full(values.shape, np.nan)
    has_denominator = np.array([code in denominator_of for code in columns], dtype=bool)
    for j in np.flatnonzero(has_denominator):
        divisors[:, j] = pd.to_numeric(matched[denominator_of[columns[j]]]).to_numpy(dtype=float)
    return make_frame(units, columns, denominate_values(values, divisors, has_denominator))


def denominator_map(imeta: pd.DataFrame) -> dict[str, str]:
    """Indicator code -> its iMeta Denominator column, for indicators that have one."""
    if "Denominator" not in imeta.columns:
        return {}
    return {
        str(code): str(den).strip()
        for code, kind, den in zip(imeta["iCode"].tolist(), imeta["Type"].tolist(), imeta["Denominator"].tolist())
        if kind == "Indicator" and not pd.isna(den) and str(den).strip()
    }


# --------------------------------------------------------------------------- impute

IMPUTE_MEAN = "mean"
IMPUTE_GROUP_MEAN = "group_mean"
IMPUTE_MEDIAN = "median"
IMPUTE_GROUP_MEDIAN = "group_median"
IMPUTE_METHODS = (IMPUTE_MEAN, IMPUTE_GROUP_MEAN, IMPUTE_MEDIAN, IMPUTE_GROUP_MEDIAN)
# Methods that need one group label per unit (iData column named by the step's `group`).
GROUPED_IMPUTE_METHODS = (IMPUTE_GROUP_MEAN, IMPUTE_GROUP_MEDIAN)


def impute_values(values, method: str = IMPUTE_MEAN, groups=None) -> np.ndarray:
    """Replace missing values by the indicator's mean (COINr i_mean) or its group mean
    (COINr i_mean_grp). A unit without a group, or a group with no values, stays missing.
    Means are R's (`mean_as_r`): equal values impute exactly that value."""
    if method not in IMPUTE_METHODS:
        raise ValueError(f"imputation method must be one of {IMPUTE_METHODS}, got {method!r}")
    if method in (IMPUTE_MEDIAN, IMPUTE_GROUP_MEDIAN):
        return impute_median_values(values, groups if method == IMPUTE_GROUP_MEDIAN else None)
    values = np.array(values, dtype=float)
    if method == IMPUTE_MEAN:
        blocks = [np.ones(values.shape[0], dtype=bool)]
    else:
        labels = pd.Series(groups)
        blocks = [(labels == g).to_numpy() for g in labels.dropna().unique()]
    for rows in blocks:
        block = values[rows]
        means = mean_as_r(block, axis=0)  # NaN for a group with no values
        missing = np.isnan(block)
        block[missing] = np.broadcast_to(means, block.shape)[missing]
        values[rows] = block
    return values


def impute(data: pd.DataFrame, method: str = IMPUTE_MEAN, groups=None) -> pd.DataFrame:
    """Impute missing values column by column.

    Args:
        method: "mean" (overall mean of the indicator), "group_mean", "median" or
            "group_median" (COINr's i_mean, i_mean_grp, i_median, i_median_grp).
        groups: for the group methods, one group label per row of `data` (same order).
    """
    if method in GROUPED_IMPUTE_METHODS and groups is None:
        raise ValueError(f"{method} imputation needs `groups`, one label per unit")
    units, columns, values = split_frame(data)
    labels = None if groups is None else np.asarray(groups, dtype=object)
    return make_frame(units, columns, impute_values(values, method, labels))


def impute_median_values(values, groups=None) -> np.ndarray:
    """Replace missing values by the indicator's median (COINr i_median) or, with `groups`
    (one label per row), by the median of the unit's group (COINr i_median_grp).

    As R's `stats::median(x, na.rm = TRUE)`: the middle value of the present values, or
    the mean of the two middle values when their number is even (R computes that mean in
    long double and rounds once; (a + b) / 2 in double rounds the same way, since halving
    is exact); ties need no rule, and equal values give exactly that value. A column (or
    a group's column) with no value at all stays missing (R's median of no values is NA;
    COINr's Impute stops on an all-missing column: we take the missing side, as `treat`).
    A unit without a group keeps its values and its gaps: COINr's i_median_grp has no
    `skip_f_na` (unlike i_mean_grp) and its `unsplit` would erase that unit's values, which
    COINr's Impute then refuses with an error; we leave the unit alone, as group_mean does.
    """
    values = np.array(values, dtype=float)
    if groups is None:
        blocks = [np.ones(values.shape[0], dtype=bool)]
    else:
        labels = pd.Series(np.asarray(groups, dtype=object))
        if len(labels) != values.shape[0]:
            raise ValueError(f"groups has {len(labels)} labels for {values.shape[0]} units; expected one per unit")
        blocks = [(labels == g).to_numpy() for g in labels.dropna().unique()]
    for rows in blocks:
        block = values[rows]
        missing = np.isnan(block)
        if not missing.any():
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # columns with no values: NaN
            medians = np.nanmedian(block, axis=0)
        block[missing] = np.broadcast_to(medians, block.shape)[missing]
        values[rows] = block
    return values


# --------------------------------------------------------------------------- screen


def availability_values(values) -> np.ndarray:
    """Share of non-missing values per unit (row)."""
    return 1.0 - np.isnan(values).sum(axis=1) / values.shape[1]


def data_availability(data: pd.DataFrame) -> pd.Series:
    """Share of indicators with a value, per unit (COINr `Dat_Avail`), indexed by uCode."""
    units, _, values = split_frame(data)
    return pd.Series(availability_values(values), index=pd.Index(units, name=UCODE), name="availability")


def screen(data: pd.DataFrame, min_availability: float = 2 / 3) -> pd.DataFrame:
    """Keep the units whose data availability is >= `min_availability` (COINr "byNA";
    COINr's default threshold is 2/3)."""
    keep = availability_values(split_frame(data)[2]) >= min_availability
    return data.loc[keep].reset_index(drop=True)


# --------------------------------------------------------------------------- treat


def treat_values(
    values,
    skew_threshold: float = 2.0,
    kurtosis_threshold: float = 3.5,
    max_winsorised: int = 5,
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """COINr's default Treat on every column at once (see module docstring).

    Returns the treated array and per-column arrays: skew/kurtosis before, after
    winsorising and after the log; passes at each check (NaN when not checked);
    n_winsorised; `constant_after_winsorising` (left untreated); and boolean masks
    `winsorised_high` / `winsorised_low` `(units, indicators)` of the points COINr
    reports as "winhi" / "winlo". Columns are treated independently of each other.
    """
    x = np.asarray(values, dtype=float)
    n_cols = x.shape[1]
    skew0, kurt0 = skew_kurtosis(x)
    checkable = np.isfinite(skew0) & np.isfinite(kurt0)
    pass0 = checkable & _passes(skew0, kurt0, skew_threshold, kurtosis_threshold)
    failed = checkable & ~pass0

    winsorised = x.copy()
    high_mask = np.zeros(x.shape, dtype=bool)
    low_mask = np.zeros(x.shape, dtype=bool)
    n_winsorised = np.zeros(n_cols, dtype=int)
    skew1 = np.full(n_cols, np.nan)
    kurt1 = np.full(n_cols, np.nan)
    pass1 = np.zeros(n_cols, dtype=bool)
    became_constant = np.zeros(n_cols, dtype=bool)
    current_skew = skew0.copy()
    active = failed & (max_winsorised > 0)
    while active.any():
        cols = np.flatnonzero(active)
        block = winsorised[:, cols]
        present = ~np.isnan(block)
        high_side = current_skew[cols] >= 0
        target = np.where(
            high_side,
            np.where(present, block, -np.inf).max(axis=0),
            np.where(present, block, np.inf).min(axis=0),
        )
        at_target = block == target
        others = present & ~at_target
        replacement = np.where(
            high_side,
            np.where(others, block, -np.inf).max(axis=0),
            np.where(others, block, np.inf).min(axis=0),
        )
        winsorised[:, cols] = np.where(at_target, replacement, block)
        # COINr keeps the last set of replaced positions on each side (earlier ones are
        # tied with them by then) and counts both sides.
        high_mask[:, cols] = np.where(high_side, at_target, high_mask[:, cols])
        low_mask[:, cols] = np.where(high_side, low_mask[:, cols], at_target)
        n_winsorised[cols] = high_mask[:, cols].sum(axis=0) + low_mask[:, cols].sum(axis=0)
        skew_c, kurt_c = skew_kurtosis(winsorised[:, cols])
        skew1[cols], kurt1[cols] = skew_c, kurt_c
        current_skew[cols] = skew_c
        checkable_now = np.isfinite(skew_c) & np.isfinite(kurt_c)
        became_constant[cols] = ~checkable_now
        pass1[cols] = checkable_now & _passes(skew_c, kurt_c, skew_threshold, kurtosis_threshold)
        active[cols] = ~pass1[cols] & checkable_now & (n_winsorised[cols] < max_winsorised)
    if max_winsorised <= 0:
        skew1[failed], kurt1[failed] = skew0[failed], kurt0[failed]
    # COINr's pass check is NA there: the original values come back (see module docstring).
    high_mask[:, became_constant] = False
    low_mask[:, became_constant] = False
    n_winsorised[became_constant] = 0

    logged = failed & ~pass1 & ~became_constant
    treated = np.where(failed & pass1, winsorised, x)
    skew2 = np.full(n_cols, np.nan)
    kurt2 = np.full(n_cols, np.nan)
    pass2 = np.zeros(n_cols, dtype=bool)
    if logged.any():
        cols = np.flatnonzero(logged)
        treated[:, cols] = log_ct(x[:, cols])
        skew2[cols], kurt2[cols] = skew_kurtosis(treated[:, cols])
        pass2[cols] = _passes(skew2[cols], kurt2[cols], skew_threshold, kurtosis_threshold)

    details = {
        "checkable": checkable,
        "skew_before": skew0,
        "kurtosis_before": kurt0,
        "passed_before": pass0,
        "failed": failed,
        "n_winsorised": n_winsorised,
        "winsorised_high": high_mask & failed,
        "winsorised_low": low_mask & failed,
        "skew_after_winsorising": skew1,
        "kurtosis_after_winsorising": kurt1,
        "passed_after_winsorising": pass1,
        "constant_after_winsorising": became_constant,
        "logged": logged,
        "skew_after_log": skew2,
        "kurtosis_after_log": kurt2,
        "passed_after_log": pass2,
    }
    return treated, details


def treatment_table(units, columns, details) -> pd.DataFrame:
    """One row per indicator describing what `treat_values` did, and to which units.

    `treatment` is "none" (passed), "winsorised", "log", "not checkable" (fewer than 4
    values or all equal: left untreated) or "not checkable after winsorising" (winsorising
    would make all values equal: left untreated, as COINr)."""
    checkable, failed, logged = details["checkable"], details["failed"], details["logged"]
    constant = details["constant_after_winsorising"]
    kind = np.select(
        [~checkable, ~failed, constant, logged],
        [TREAT_NOT_CHECKABLE, TREAT_NONE, TREAT_CONSTANT_AFTER_WINSORISING, TREAT_LOG],
        TREAT_WINSORISED,
    )
    high, low = details["winsorised_high"], details["winsorised_low"]
    side = [""] * len(columns)
    treated_units = [""] * len(columns)
    units = np.asarray(units)
    for j in np.flatnonzero(failed):
        side[j] = "/".join(name for name, mask in (("high", high[:, j]), ("low", low[:, j])) if mask.any())
        treated_units[j] = "all" if logged[j] else ";".join(units[high[:, j] | low[:, j]])

    def where(values, done):
        return np.where(done, values, np.nan)

    def flags(values, done):
        return pd.arrays.BooleanArray(np.asarray(values, dtype=bool) & done, ~done)

    table = {
        "iCode": list(columns),
        "treatment": kind,
        "skew_before": details["skew_before"],
        "kurtosis_before": details["kurtosis_before"],
        "passed_before": flags(details["passed_before"], checkable),
        "n_winsorised": details["n_winsorised"].astype(int),
        "winsorised_side": side,
        "skew_after_winsorising": where(details["skew_after_winsorising"], failed),
        "kurtosis_after_winsorising": where(details["kurtosis_after_winsorising"], failed),
        "passed_after_winsorising": flags(details["passed_after_winsorising"], failed & ~constant),
        "skew_after_log": where(details["skew_after_log"], logged),
        "kurtosis_after_log": where(details["kurtosis_after_log"], logged),
        "passed_after_log": flags(details["passed_after_log"], logged),
        "treated_units": treated_units,
    }
    return pd.DataFrame(table, columns=TREATMENT_COLUMNS)


def treat(
    data: pd.DataFrame,
    skew_threshold: float = 2.0,
    kurtosis_threshold: float = 3.5,
    max_winsorised: int = 5,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Treat outliers as COINr's default Treat. Returns (treated data, treatment table)."""
    units, columns, values = split_frame(data)
    treated, details = treat_values(values, skew_threshold, kurtosis_threshold, max_winsorised)
    return make_frame(units, columns, treated), treatment_table(units, columns, details)


# --------------------------------------------------------------------------- normalise


def directions_for(imeta: pd.DataFrame, columns) -> np.ndarray:
    """The iMeta Direction of each column (indicator code)."""
    direction = dict(zip(imeta["iCode"].astype(str), pd.to_numeric(imeta["Direction"], errors="coerce")))
    return np.array([direction[c] for c in columns], dtype=float)


def normalise(
    data: pd.DataFrame,
    imeta: pd.DataFrame,
    method: str = MINMAX,
    lower: float = 0.0,
    upper: float = 100.0,
    mean: float = 0.0,
    sd: float = 1.0,
) -> pd.DataFrame:
    """Normalise every indicator with its iMeta Direction: min-max onto [lower, upper]
    (COINr default 0-100) or z-score with the given mean and sd. See `normalise_array`."""
    units, columns, values = split_frame(data)
    normalised = normalise_array(values, directions_for(imeta, columns), method, lower, upper, mean, sd)
    return make_frame(units, columns, normalised)


# --------------------------------------------------------------------------- aggregate


def aggregate(
    data: pd.DataFrame,
    imeta: pd.DataFrame,
    method: str = ARITHMETIC,
    weights: dict[str, float] | None = None,
) -> pd.DataFrame:
    """Aggregate level by level up the iMeta tree (weighted arithmetic or geometric mean,
    missing values ignored). Returns the indicator columns followed by every aggregate.

    `weights` optionally replaces iMeta weights for some codes (code -> weight).
    """
    structure = IndexStructure.from_imeta(imeta)
    units = data[UCODE].astype(str).to_numpy()
    values = data[list(structure.indicator_codes)].to_numpy(dtype=float, na_value=np.nan)
    scores = structure.aggregate(values, structure.weight_vector(weights), method)
    return make_frame(units, structure.codes, scores)


# --------------------------------------------------------------------------- rank


def rank_units(scores: pd.DataFrame) -> pd.DataFrame:
    """Ranks of every numeric column (1 = highest), ties as COINr (`ties.method = "min"`),
    missing scores unranked. Accepts a wide data set (with `uCode`) or a frame indexed by
    unit; returns the same layout."""
    if UCODE in scores.columns:
        units, columns, values = split_frame(scores)
        return make_frame(units, columns, rank_array(values))
    values = scores.to_numpy(dtype=float, na_value=np.nan)
    return pd.DataFrame(rank_array(values), index=scores.index, columns=scores.columns)
