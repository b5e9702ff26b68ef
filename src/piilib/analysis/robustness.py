"""Robustness of the ranks to the method: COINr's uncertainty analysis, vectorised.

COINr (`get_sensitivity`, v1.1.14, R/sensitivity.R) regenerates the whole index once per
replication, each time with a random combination of methodological assumptions, and
summarises every unit's rank over the replications by its median and its 5th and 95th
percentiles. This module does the same, with the same sampling, but on NumPy arrays:

- Assumptions (`Assumptions`), each one a dimension of the sample when it varies:
    weights        noise on the weights of some aggregation levels: weight × (1 + f·(2U − 1)),
                   U uniform, i.e. uniform within ±f of the nominal weight (COINr's
                   `get_noisy_weights`); as in COINr, a pool of noisy weight sets is drawn
                   first and each replication picks one of them;
    normalisation  a list of alternative normalise steps (e.g. min–max 1–100, z-score 10 ± 2);
    aggregation    a list of alternative methods ("arithmetic", "geometric");
    treatment      a list of alternative treat steps, `None` meaning no treatment.
  A replication draws one uniform number per dimension and maps it onto the alternatives in
  equal-width bins (COINr's `sample_2_para`, discrete type), or onto a weight set of the pool.
- The steps before treatment (denominate, impute, screen) are not varied: they run once.
  Each treatment alternative is applied once (`treat_values`), each treatment ×
  normalisation pair is normalised once, and the replications that share a treatment,
  normalisation and aggregation are aggregated together with one weight vector each
  (`IndexStructure.aggregate` over a stack of weight sets). Results equal `build_index` run
  with the same steps and weights, replication by replication.
- A replication whose aggregation fails (the geometric mean meets a value <= 0) gives
  missing scores and ranks, as COINr's failed regeneration does; it is counted in
  `n_failed` and left out of the statistics.
- Rank statistics per unit (COINr's RankStats): nominal rank (the method as given), mean,
  median, 5th and 95th percentiles (R's default quantile type 7, NumPy's "linear").

Which assumptions matter most (`sensitivity_indices`): COINr's variance-based sensitivity
analysis (SA_type "SA"): the N(d + 2) design of `SA_sample` (matrices A, B and A with column
i taken from B) and the estimators of `SA_estimate`, first order
S_i = mean(y_B (y_ABi − y_A)) / Var(y) and total T_i = Σ (y_A − y_ABi)² / (2 N Var(y)). The
output y of a replication is the mean absolute rank change against the nominal ranks
(COINr's choice), or one unit's rank.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Mapping

import numpy as np
import pandas as pd

from piilib.index import AggregationError, IndexResult, IndexStructure, build_index, normalise_array, rank_array
from piilib.index.spec import STAGE_OF_STEP, complete_steps
from piilib.index.steps import treat_values

UNIT_CODE = "uCode"
UNIT_NAME = "uName"

WEIGHTS = "weights"
NORMALISATION = "normalisation"
AGGREGATION = "aggregation"
TREATMENT = "treatment"
ASSUMPTION_ORDER = (WEIGHTS, NORMALISATION, AGGREGATION, TREATMENT)

# COINr's sensitivity vignette: noise ±25 %, min–max onto 1–100 (so that the geometric mean
# is defined), z-score with mean 10 and sd 2, arithmetic or geometric mean.
DEFAULT_NOISE = 0.25
DEFAULT_NORMALISATIONS = (
    {"method": "minmax", "lower": 1.0, "upper": 100.0},
    {"method": "zscore", "mean": 10.0, "sd": 2.0},
)
DEFAULT_AGGREGATIONS = ("arithmetic", "geometric")

# Steps that the analysis varies; every other step runs once, before them.
VARIED_STEPS = ("treat", "normalise", "aggregate")
# Replications aggregated in one call (bounds memory: runs × units × nodes floats).
BATCH = 500

RANK_STATS_COLUMNS = ["nominal_score", "nominal_rank", "mean_rank", "median_rank", "q05", "q95"]


@dataclass(frozen=True)
class Assumptions:
    """The uncertain assumptions and their alternatives.

    weight_noise: aggregation level -> noise factor f (weights vary uniformly within ±f of
        their nominal value); empty or all zero: weights fixed.
    normalisations: alternative normalise steps (parameters as in method.yml, without "step").
    aggregations: alternative aggregation methods.
    treatments: alternative treat steps (parameters as in method.yml, without "step"); None
        in the list means "no treatment".
    n_weight_sets: size of the pool of noisy weight sets (COINr's `Nrep`); None: as many as
        the base sample size `n`.
    """

    weight_noise: Mapping[int, float] = field(default_factory=dict)
    normalisations: tuple = DEFAULT_NORMALISATIONS
    aggregations: tuple = DEFAULT_AGGREGATIONS
    treatments: tuple = ({},)
    n_weight_sets: int | None = None

    def varying(self) -> list[str]:
        """The assumptions with more than one alternative, in ASSUMPTION_ORDER."""
        counts = {
            WEIGHTS: 2 if any(f > 0 for f in self.weight_noise.values()) else 1,
            NORMALISATION: len(self.normalisations),
            AGGREGATION: len(self.aggregations),
            TREATMENT: len(self.treatments),
        }
        return [name for name in ASSUMPTION_ORDER if counts[name] > 1]


def default_assumptions(imeta: pd.DataFrame, steps: list[dict] | None = None,
                        noise: float = DEFAULT_NOISE) -> Assumptions:
    """COINr's vignette set-up adapted to any tree and method.

    Weights: ±`noise` on every level between the indicators and the index (the aggregates'
    weights; COINr's example perturbs levels 2 and 3 of its 4-level tree). Normalisation:
    min–max 1–100 or z-score 10 ± 2. Aggregation: arithmetic or geometric mean. Treatment:
    the method's own treat step (COINr's defaults when it has none) or none.
    """
    structure = IndexStructure.from_imeta(imeta)
    completed, problems = complete_steps(steps)
    if problems:
        raise ValueError("; ".join(problems))
    treat = next((_params(s) for s in completed if s["step"] == "treat"), {})
    top = int(structure.levels.max())
    return Assumptions(
        weight_noise={level: noise for level in range(2, top)},
        normalisations=DEFAULT_NORMALISATIONS,
        aggregations=DEFAULT_AGGREGATIONS,
        treatments=(treat, None),
    )


def nominal_assumptions(steps: list[dict] | None) -> Assumptions:
    """The method itself as the only alternative of each assumption (no uncertainty)."""
    completed, problems = complete_steps(steps)
    if problems:
        raise ValueError("; ".join(problems))
    by_name = {s["step"]: _params(s) for s in completed}
    aggregate = by_name.get("aggregate", {"method": "arithmetic"})
    return Assumptions(
        weight_noise={},
        normalisations=(by_name.get("normalise", {}),),
        aggregations=(aggregate["method"],),
        treatments=(by_name["treat"] if "treat" in by_name else None,),
    )


def _params(step: dict) -> dict:
    return {k: copy.deepcopy(v) for k, v in step.items() if k != "step"}


def _complete(name: str, params: dict, where: str) -> dict:
    completed, problems = complete_steps([{"step": name, **params}], where)
    if problems:
        raise ValueError("; ".join(problems))
    return _params(completed[0])


def normalisation_label(params: dict) -> str:
    if params["method"] == "minmax":
        return f"minmax {params['lower']:g}-{params['upper']:g}"
    return f"zscore {params['mean']:g}±{params['sd']:g}"


def treatment_label(params: dict | None) -> str:
    if params is None:
        return "none"
    return (f"treat (skew {params['skew_threshold']:g}, kurtosis {params['kurtosis_threshold']:g}, "
            f"max winsorised {params['max_winsorised']})")


# --------------------------------------------------------------------------- the replicator


@dataclass
class _Context:
    """Everything computed once: the data before the varied steps, the alternatives."""

    structure: IndexStructure
    units: np.ndarray
    target: int  # position in structure.codes
    nominal_weights: np.ndarray
    treated: list[np.ndarray]  # one (units, indicators) array per treatment alternative
    normalisations: list[dict]
    aggregations: list[str]
    treatments: list[dict | None]
    weight_noise: dict[int, float]
    varying: list[str]
    _normalised: dict = field(default_factory=dict)

    def normalised(self, t: int, m: int) -> np.ndarray:
        key = (t, m)
        if key not in self._normalised:
            p = self.normalisations[m]
            self._normalised[key] = normalise_array(
                self.treated[t], self.structure.directions, p["method"], p["lower"], p["upper"], p["mean"], p["sd"]
            )
        return self._normalised[key]

    def weight_pool(self, size: int, rng: np.random.Generator) -> np.ndarray:
        """(size, nodes) noisy weight sets, COINr's get_noisy_weights (uniform ±f); just
        the nominal weights when the weights do not vary."""
        if WEIGHTS not in self.varying:
            return self.nominal_weights[np.newaxis, :]
        factor = np.zeros(self.structure.n_nodes)
        for level, noise in self.weight_noise.items():
            factor[self.structure.levels == int(level)] = float(noise)
        u = rng.random((size, self.structure.n_nodes))
        return self.nominal_weights * (1.0 + (2.0 * u - 1.0) * factor)

    def choices(self, sample: np.ndarray, pool_size: int) -> dict[str, np.ndarray]:
        """The alternative (position) of each assumption in each run of a uniform sample
        (runs, len(varying)); COINr's sample_2_para: equal-width bins of [0, 1).
        A fixed assumption takes its only alternative; fixed weights are the nominal (-1)."""
        runs = sample.shape[0]
        counts = {WEIGHTS: pool_size, NORMALISATION: len(self.normalisations),
                  AGGREGATION: len(self.aggregations), TREATMENT: len(self.treatments)}
        picked = {}
        for name, count in counts.items():
            if name in self.varying:
                u = sample[:, self.varying.index(name)]
                picked[name] = np.minimum((u * count).astype(int), count - 1)
            else:
                picked[name] = np.full(runs, -1 if name == WEIGHTS else 0)
        return picked

    def weights_of(self, picked: dict[str, np.ndarray], pool: np.ndarray) -> np.ndarray:
        """(runs, nodes): the weight set of each run."""
        w = picked[WEIGHTS]
        return np.where((w >= 0)[:, np.newaxis], pool[np.maximum(w, 0)], self.nominal_weights)

    def run(self, picked: dict[str, np.ndarray], pool: np.ndarray) -> np.ndarray:
        """Target scores (runs, units) of the runs described by `choices`."""
        t, m, a = picked[TREATMENT], picked[NORMALISATION], picked[AGGREGATION]
        weights = self.weights_of(picked, pool)
        scores = np.full((len(t), len(self.units)), np.nan)
        for ti, mi, ai in np.unique(np.column_stack([t, m, a]), axis=0):
            rows = np.flatnonzero((t == ti) & (m == mi) & (a == ai))
            data = self.normalised(ti, mi)
            for start in range(0, len(rows), BATCH):
                batch = rows[start:start + BATCH]
                try:
                    out = self.structure.aggregate(data, weights[batch], self.aggregations[ai])
                except AggregationError:
                    continue  # a failed regeneration: missing scores, as COINr
                scores[batch] = out[..., self.target]
        return scores


def _context(idata: pd.DataFrame, imeta: pd.DataFrame, steps: list[dict] | None,
             assumptions: Assumptions, target: str | None) -> tuple[_Context, IndexResult]:
    nominal = build_index(idata, imeta, steps)
    log = nominal.log
    first_varied = next((i for i, s in enumerate(log) if s["step"] in VARIED_STEPS), len(log))
    later = [s["step"] for s in log[first_varied:]]
    if any(name not in VARIED_STEPS for name in later):
        raise ValueError(
            f"the method runs {', '.join(later)} in this order; the uncertainty analysis needs "
            "denominate / impute / screen (if any) before treat, normalise and aggregate"
        )
    if "normalise" not in later or later[-1] != "aggregate":
        raise ValueError("the method needs a normalise and an aggregate step: the analysis varies them")
    before = "Raw" if first_varied == 0 else STAGE_OF_STEP[log[first_varied - 1]["step"]]
    structure = nominal.structure
    stage = nominal.stages[before]
    values = stage[list(structure.indicator_codes)].to_numpy(dtype=float, na_value=np.nan)

    target = structure.index_code if target is None else str(target)
    if target not in structure.codes:
        raise ValueError(f"target {target!r} is not an indicator or aggregate of iMeta")
    if not assumptions.normalisations or not assumptions.aggregations or not assumptions.treatments:
        raise ValueError("every assumption needs at least one alternative")
    normalisations = [_complete("normalise", dict(p), "normalisation alternative") for p in assumptions.normalisations]
    aggregations = [_complete("aggregate", {"method": a}, "aggregation alternative")["method"]
                    for a in assumptions.aggregations]
    treatments = [None if p is None else _complete("treat", dict(p), "treatment alternative")
                  for p in assumptions.treatments]
    for level, noise in assumptions.weight_noise.items():
        if not 0 <= float(noise) < 1:
            raise ValueError(f"weight noise of level {level} is {noise}; expected a fraction from 0 to below 1")
    treated = [values if p is None else
               treat_values(values, p["skew_threshold"], p["kurtosis_threshold"], p["max_winsorised"])[0]
               for p in treatments]
    context = _Context(
        structure=structure,
        units=stage[UNIT_CODE].astype(str).to_numpy(),
        target=structure.codes.index(target),
        nominal_weights=structure.weight_vector(log[-1]["weights"]),
        treated=treated,
        normalisations=normalisations,
        aggregations=aggregations,
        treatments=treatments,
        weight_noise={int(k): float(v) for k, v in assumptions.weight_noise.items()},
        varying=assumptions.varying(),
    )
    return context, nominal


def _ranks(scores: np.ndarray) -> np.ndarray:
    """Ranks over units (last axis) of each run (first axis): 1 = best, ties "min"."""
    return rank_array(scores[..., np.newaxis])[..., 0]


# --------------------------------------------------------------------------- uncertainty


@dataclass(frozen=True)
class UncertaintyResult:
    """One uncertainty analysis.

    scores / ranks: (replications, units) of the target, units in `units` order; rows of
    failed replications are missing. parameters: one row per replication with the
    alternative used for each assumption (weight_set = position in the pool, -1 = nominal).
    weights: (replications, nodes) the weights each replication used, columns `codes`
    (`IndexStructure.codes`). rank_stats: per unit, see RANK_STATS_COLUMNS.
    """

    target: str
    units: tuple[str, ...]
    scores: np.ndarray
    ranks: np.ndarray
    parameters: pd.DataFrame
    weights: np.ndarray
    codes: tuple[str, ...]
    rank_stats: pd.DataFrame
    n_failed: int
    assumptions: Assumptions


def uncertainty_analysis(
    idata: pd.DataFrame,
    imeta: pd.DataFrame,
    steps: list[dict] | None = None,
    n: int = 1000,
    seed: int | None = None,
    assumptions: Assumptions | None = None,
    target: str | None = None,
) -> UncertaintyResult:
    """COINr's uncertainty analysis (get_sensitivity with SA_type = "UA") of `target`
    (default: the index) under `assumptions` (default: `default_assumptions`)."""
    if n < 1:
        raise ValueError(f"the number of replications must be at least 1; got {n}")
    assumptions = default_assumptions(imeta, steps) if assumptions is None else assumptions
    context, nominal = _context(idata, imeta, steps, assumptions, target)
    rng = np.random.default_rng(seed)
    pool = context.weight_pool(assumptions.n_weight_sets or n, rng)
    picked = context.choices(rng.random((n, len(context.varying))), len(pool))
    scores = context.run(picked, pool)
    ranks = _ranks(scores)
    failed = np.all(np.isnan(scores), axis=1)
    code = context.structure.codes[context.target]
    stats = _rank_stats(context.units, nominal, code, ranks[~failed], idata)
    return UncertaintyResult(
        target=code,
        units=tuple(context.units),
        scores=scores,
        ranks=ranks,
        parameters=_parameters(context, picked),
        weights=context.weights_of(picked, pool),
        codes=context.structure.codes,
        rank_stats=stats,
        n_failed=int(failed.sum()),
        assumptions=assumptions,
    )


def rank_intervals(
    idata: pd.DataFrame,
    imeta: pd.DataFrame,
    steps: list[dict] | None = None,
    n: int = 1000,
    seed: int | None = None,
    assumptions: Assumptions | None = None,
    target: str | None = None,
) -> pd.DataFrame:
    """Per unit: nominal score and rank, mean and median rank, 5th and 95th percentile rank
    over `n` replications (see `uncertainty_analysis`)."""
    return uncertainty_analysis(idata, imeta, steps, n, seed, assumptions, target).rank_stats


def _rank_stats(units, nominal: IndexResult, code: str, ranks: np.ndarray, idata: pd.DataFrame) -> pd.DataFrame:
    frame = pd.DataFrame({UNIT_CODE: units})
    if UNIT_NAME in idata.columns:
        names = dict(zip(idata[UNIT_CODE].astype(str).str.strip(), idata[UNIT_NAME]))
        frame[UNIT_NAME] = [names.get(u) for u in units]
    frame["nominal_score"] = nominal.scores[code].reindex(units).to_numpy()
    frame["nominal_rank"] = nominal.ranks[code].reindex(units).to_numpy()
    statistics = {"mean_rank": np.nan, "median_rank": np.nan, "q05": np.nan, "q95": np.nan}
    if len(ranks):
        q05, median, q95 = np.nanquantile(ranks, [0.05, 0.5, 0.95], axis=0)
        statistics = {"mean_rank": np.nanmean(ranks, axis=0), "median_rank": median, "q05": q05, "q95": q95}
    frame = frame.assign(**statistics)
    return frame[[c for c in (UNIT_CODE, UNIT_NAME) if c in frame.columns] + RANK_STATS_COLUMNS]


def _parameters(context: _Context, picked: dict[str, np.ndarray]) -> pd.DataFrame:
    labels_t = [treatment_label(p) for p in context.treatments]
    labels_m = [normalisation_label(p) for p in context.normalisations]
    return pd.DataFrame({
        TREATMENT: [labels_t[i] for i in picked[TREATMENT]],
        NORMALISATION: [labels_m[i] for i in picked[NORMALISATION]],
        AGGREGATION: [context.aggregations[i] for i in picked[AGGREGATION]],
        "weight_set": picked[WEIGHTS],
    })


# --------------------------------------------------------------------------- sensitivity


def saltelli_sample(n: int, d: int, rng: np.random.Generator) -> np.ndarray:
    """COINr's SA_sample: rows A (n), B (n), then for each i, A with column i from B."""
    base = rng.random((n, 2 * d))
    a, b = base[:, :d], base[:, d:]
    blocks = [a, b]
    for i in range(d):
        mixed = a.copy()
        mixed[:, i] = b[:, i]
        blocks.append(mixed)
    return np.vstack(blocks)


def sensitivity_estimates(y: np.ndarray, n: int, d: int) -> tuple[np.ndarray, np.ndarray, float]:
    """COINr's SA_estimate: first-order and total indices, and Var(y) over A and B."""
    y_a, y_b = y[:n], y[n:2 * n]
    y_ab = y[2 * n:].reshape(d, n)
    variance = float(np.var(np.concatenate([y_a, y_b]), ddof=1))
    first = np.mean(y_b * (y_ab - y_a), axis=1) / variance
    total = np.sum((y_a - y_ab) ** 2, axis=1) / (2 * n * variance)
    return first, total, variance


def sensitivity_indices(
    idata: pd.DataFrame,
    imeta: pd.DataFrame,
    steps: list[dict] | None = None,
    n: int = 500,
    seed: int | None = None,
    assumptions: Assumptions | None = None,
    unit: str | None = None,
    target: str | None = None,
) -> pd.DataFrame:
    """Which assumptions drive the rank uncertainty: COINr's variance-based sensitivity
    analysis with n(d + 2) replications (d = number of varying assumptions).

    Output of a replication: `unit`'s rank when given, else the mean absolute rank change of
    all units against their nominal ranks (COINr). Returns one row per varying assumption:
    assumption, first_order (S_i: share of the variance it explains alone), total (T_i:
    including its interactions), with the output variance and n_failed in `attrs`.
    Failed replications (geometric mean of a value <= 0) take the mean output of the others.
    """
    assumptions = default_assumptions(imeta, steps) if assumptions is None else assumptions
    context, nominal = _context(idata, imeta, steps, assumptions, target)
    d = len(context.varying)
    if d < 2:
        raise ValueError(f"a sensitivity analysis needs at least two varying assumptions; found {context.varying}")
    if unit is not None and unit not in set(context.units):
        raise ValueError(f"unit {unit!r} is not among the units of the index")
    rng = np.random.default_rng(seed)
    pool = context.weight_pool(assumptions.n_weight_sets or n, rng)
    sample = saltelli_sample(n, d, rng)
    ranks = _ranks(context.run(context.choices(sample, len(pool)), pool))
    code = context.structure.codes[context.target]
    if unit is None:
        nominal_ranks = nominal.ranks[code].reindex(context.units).to_numpy()
        y = np.nanmean(np.abs(ranks - nominal_ranks), axis=1)
    else:
        y = ranks[:, list(context.units).index(unit)]
    failed = np.isnan(y)
    y = np.where(failed, np.nanmean(y) if (~failed).any() else 0.0, y)
    first, total, variance = sensitivity_estimates(y, n, d)
    table = pd.DataFrame({"assumption": context.varying, "first_order": first, "total": total})
    table.attrs.update(variance=variance, n_failed=int(failed.sum()), runs=len(sample),
                       output=f"rank of {unit}" if unit else "mean absolute rank change")
    return table


# --------------------------------------------------------------------------- the PII


def pii_uncertainty(
    values_long: pd.DataFrame,
    edition: int,
    n: int = 1000,
    seed: int | None = None,
    assumptions: Assumptions | None = None,
    framework: pd.DataFrame | None = None,
) -> UncertaintyResult:
    """The uncertainty analysis of the PII of one edition (its own method as nominal)."""
    from piilib.framework import load_framework, to_imeta
    from piilib.pii import PII_STEPS, edition_values, to_idata

    framework = load_framework(edition) if framework is None else framework
    rows = edition_values(values_long, edition)
    idata = to_idata(rows, edition, framework)
    imeta = to_imeta(framework)
    return uncertainty_analysis(idata, imeta, PII_STEPS, n=n, seed=seed, assumptions=assumptions)


def pii_sensitivity(
    values_long: pd.DataFrame,
    edition: int,
    unit: str | None = None,
    n: int = 500,
    seed: int | None = None,
    assumptions: Assumptions | None = None,
    framework: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """`sensitivity_indices` of the PII of one edition (for `unit`'s rank when given)."""
    from piilib.framework import load_framework, to_imeta
    from piilib.pii import PII_STEPS, edition_values, to_idata

    framework = load_framework(edition) if framework is None else framework
    rows = edition_values(values_long, edition)
    idata = to_idata(rows, edition, framework)
    imeta = to_imeta(framework)
    return sensitivity_indices(idata, imeta, PII_STEPS, n=n, seed=seed, assumptions=assumptions, unit=unit)


__all__ = [
    "Assumptions",
    "UncertaintyResult",
    "default_assumptions",
    "nominal_assumptions",
    "pii_sensitivity",
    "pii_uncertainty",
    "rank_intervals",
    "saltelli_sample",
    "sensitivity_estimates",
    "sensitivity_indices",
    "uncertainty_analysis",
]
