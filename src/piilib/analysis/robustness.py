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
    treatment      a list of alternative treat steps, `None` meaning no treatment;
    imputation     a list of alternative impute steps (e.g. group mean or group median, as
                   COINr's get_sensitivity varies `f_i`), `None` meaning no imputation;
    exclusion      the framework's membership: alternatives that leave out an indicator
                   (or a set of them), `None` meaning every indicator counts
                   (`leave_one_out` lists "none or one of these");
    placement      the framework's tree: alternatives that move indicators to another
                   aggregate of the parent's level (`moves` lists "none, or one of these
                   indicators to another sub-pillar of its pillar").
  A replication draws one uniform number per dimension and maps it onto the alternatives in
  equal-width bins (COINr's `sample_2_para`, discrete type), or onto a weight set of the pool.
- The steps before treatment (denominate, impute, screen) run once per imputation
  alternative (once when imputation does not vary). Each imputation × treatment pair is
  treated once (`treat_values`) and normalised once per normalisation, and the
  replications that share them and an aggregation are aggregated together with one weight
  vector each (`IndexStructure.aggregate` over a stack of weight sets). Results equal
  `build_index` run with the same steps and weights, replication by replication.
- The framework assumptions are weights too, so they cost no extra pass: a left-out
  indicator weighs 0 (a weighted mean over the others, exactly the index built without
  it; an aggregate left with no children is missing and ignored by its parent, as if it
  were deleted). A moved indicator has a copy under each aggregate it may move to
  ("code@parent" in `codes`); the copy in use carries the indicator's weight and the
  others 0. Treatment and normalisation are per indicator, so neither changes; a screen
  step still counts every indicator of the full framework, and the geometric mean still
  needs a left-out indicator's values to be > 0 (the engine checks every value).
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
(COINr's choice), or one unit's rank. Monte Carlo error is large at usual sizes (an index can
swing from 0.6 to 0.3 between N = 200 and N = 1,000), so every index comes with a bootstrap
interval (`bootstrap_sensitivity`; `sensitivity_intervals` gives them as a tidy frame).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field, replace
from typing import Mapping

import numpy as np
import pandas as pd

from piilib.index import (
    AggregationError,
    IndexInputError,
    IndexResult,
    IndexStructure,
    build_index,
    normalise_array,
    rank_array,
)
from piilib.index.spec import STAGE_OF_STEP, complete_steps
from piilib.index.steps import treat_values
from piilib.messages import Said, text

UNIT_CODE = "uCode"
UNIT_NAME = "uName"

WEIGHTS = "weights"
NORMALISATION = "normalisation"
AGGREGATION = "aggregation"
TREATMENT = "treatment"
IMPUTATION = "imputation"
EXCLUSION = "exclusion"
PLACEMENT = "placement"
# New assumptions come last: a sample that does not vary them is drawn exactly as before.
ASSUMPTION_ORDER = (WEIGHTS, NORMALISATION, AGGREGATION, TREATMENT, IMPUTATION, EXCLUSION, PLACEMENT)
# Separates an indicator's code from the aggregate a copy of it is placed under.
COPY_SEPARATOR = "@"
# COINr's bootstrap (SA_estimate with Nboot): 5th and 95th percentiles of the replicates.
DEFAULT_BOOTSTRAP = 1000
DEFAULT_CI_LEVEL = 0.90

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
# Replications aggregated in one call. Small batches keep the (runs, units, indicators)
# temporaries in cache: on the PII with its framework varied (107 indicator columns), 50 ran the
# N = 1,000 sensitivity analysis in ~1.7 s against ~2.6 s with 500, and ASEM no slower.
BATCH = 50

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
    imputations: alternative impute steps (parameters as in method.yml, e.g.
        {"method": "group_median", "group": "Region"}); None in the list means "no
        imputation". None (the default): the method's own impute step, not varied.
    exclusions: alternative sets of indicators left out: None (none), an indicator code,
        or a tuple of codes. See `leave_one_out`.
    placements: alternative trees: None (iMeta's), or a mapping indicator code -> the
        aggregate it moves to (an aggregate of its parent's level). See `moves`.
    """

    weight_noise: Mapping[int, float] = field(default_factory=dict)
    normalisations: tuple = DEFAULT_NORMALISATIONS
    aggregations: tuple = DEFAULT_AGGREGATIONS
    treatments: tuple = ({},)
    n_weight_sets: int | None = None
    imputations: tuple | None = None
    exclusions: tuple = (None,)
    placements: tuple = (None,)

    def varying(self) -> list[str]:
        """The assumptions with more than one alternative, in ASSUMPTION_ORDER."""
        counts = {
            WEIGHTS: 2 if any(f > 0 for f in self.weight_noise.values()) else 1,
            NORMALISATION: len(self.normalisations),
            AGGREGATION: len(self.aggregations),
            TREATMENT: len(self.treatments),
            IMPUTATION: 1 if self.imputations is None else len(self.imputations),
            EXCLUSION: len(self.exclusions),
            PLACEMENT: len(self.placements),
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


def leave_one_out(imeta: pd.DataFrame, codes=None) -> tuple:
    """Exclusion alternatives "none, or one of `codes`" (default: every indicator), each
    equally likely: the leave-one-indicator-out check of composite-indicator audits."""
    structure = IndexStructure.from_imeta(imeta)
    codes = list(structure.indicator_codes) if codes is None else [str(c) for c in codes]
    unknown = [c for c in codes if c not in structure.indicator_codes]
    if unknown:
        raise ValueError(f"leave-one-out: {', '.join(unknown)} not indicators of iMeta")
    return (None, *codes)


def moves(imeta: pd.DataFrame, codes) -> tuple:
    """Placement alternatives "none, or one of `codes` moved to another child of its
    grandparent" (another sub-pillar of its pillar), every such move equally likely."""
    structure = IndexStructure.from_imeta(imeta)
    parent_of = dict(zip(structure.codes, structure.parents))
    alternatives: list = [None]
    for code in (str(c) for c in codes):
        if code not in structure.indicator_codes:
            raise ValueError(f"moves: {code!r} is not an indicator of iMeta")
        parent = parent_of[code]
        grandparent = parent_of.get(parent, "")
        siblings = [c for c in structure.aggregate_codes
                    if parent_of[c] == grandparent and c != parent and grandparent]
        alternatives += [{code: destination} for destination in siblings]
    return tuple(alternatives)


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


def imputation_label(params: dict | None) -> str:
    if params is None:
        return "none"
    return params["method"] + (f" by {params['group']}" if params.get("group") else "")


def exclusion_label(codes: tuple[str, ...]) -> str:
    return ", ".join(codes) if codes else "none"


def placement_label(mapping: dict[str, str]) -> str:
    return "; ".join(f"{code}→{parent}" for code, parent in mapping.items()) if mapping else "none"


# --------------------------------------------------------------------------- the framework


@dataclass(frozen=True)
class _Framework:
    """The tree extended with a copy of each movable indicator under each aggregate it may
    move to, and, per alternative, which nodes count (1) or weigh nothing (0)."""

    structure: IndexStructure  # the extended tree (the original when nothing moves)
    indicator_source: np.ndarray  # extended indicator -> column of the original indicators
    node_source: np.ndarray  # extended node -> node of the original tree
    kept: np.ndarray  # (exclusion alternatives, extended nodes)
    placed: np.ndarray  # (placement alternatives, extended nodes)
    exclusions: list[tuple[str, ...]]
    placements: list[dict[str, str]]


def _framework(imeta: pd.DataFrame, structure: IndexStructure, exclusions, placements) -> _Framework:
    indicators = structure.indicator_codes
    parent_of = dict(zip(structure.codes, structure.parents))
    level_of = dict(zip(structure.codes, structure.levels.tolist()))

    excluded_sets = []
    for alternative in exclusions:
        codes = () if alternative is None else ((alternative,) if isinstance(alternative, str) else tuple(alternative))
        unknown = [c for c in codes if c not in indicators]
        if unknown:
            raise ValueError(f"exclusion alternative {alternative!r}: {', '.join(map(str, unknown))} "
                             "not indicators of iMeta")
        excluded_sets.append(tuple(str(c) for c in codes))

    placement_maps, copies = [], []
    for alternative in placements:
        mapping = {} if alternative is None else dict(alternative)
        for code, destination in mapping.items():
            if code not in indicators:
                raise ValueError(f"placement alternative {alternative!r}: {code!r} is not an indicator of iMeta")
            parent = parent_of[code]
            if level_of.get(destination) != level_of[parent] or destination not in structure.aggregate_codes:
                raise ValueError(f"placement alternative {alternative!r}: {destination!r} is not an aggregate "
                                 f"of the level of {code!r}'s parent {parent!r}")
        mapping = {c: d for c, d in mapping.items() if d != parent_of[c]}  # staying put is no move
        placement_maps.append(mapping)
        copies += [(c, d) for c, d in mapping.items() if (c, d) not in copies]

    copy_code = {(code, destination): f"{code}{COPY_SEPARATOR}{destination}" for code, destination in copies}
    original_of = {copy: code for (code, _), copy in copy_code.items()}
    clash = set(original_of) & set(structure.codes)
    if clash:
        raise ValueError(f"placement: the code(s) {', '.join(sorted(clash))} of a moved copy already exist in iMeta")
    extended = structure
    if copies:
        rows = imeta[imeta["Type"].isin(["Indicator", "Aggregate"])]
        by_code = rows.set_index(rows["iCode"].astype(str))
        # A copy's own iMeta weight is never used: weights_of gives it its original's.
        added = pd.DataFrame([{
            "Level": 1, "iCode": copy_code[code, destination], "Direction": by_code.at[code, "Direction"],
            "Weight": by_code.at[code, "Weight"], "Parent": destination, "Type": "Indicator",
        } for code, destination in copies])
        base = rows[["Level", "iCode", "Direction", "Weight", "Parent", "Type"]]
        extended = IndexStructure.from_imeta(pd.concat([base, added], ignore_index=True))
    position = {code: i for i, code in enumerate(structure.codes)}
    node_source = np.array([position[original_of.get(code, code)] for code in extended.codes])
    n_ext = extended.n_indicators
    ext_position = {code: i for i, code in enumerate(extended.codes)}
    copy_nodes = [ext_position[copy] for copy in copy_code.values()]

    kept = np.ones((len(excluded_sets), extended.n_nodes))
    for row, codes in enumerate(excluded_sets):
        out = np.isin(node_source, [position[c] for c in codes])
        out[n_ext:] = False  # only indicators (and their copies) are left out
        kept[row, out] = 0.0
    placed = np.ones((len(placement_maps), extended.n_nodes))
    placed[:, copy_nodes] = 0.0
    for row, mapping in enumerate(placement_maps):
        for code, destination in mapping.items():
            placed[row, ext_position[code]] = 0.0
            placed[row, ext_position[copy_code[code, destination]]] = 1.0
    return _Framework(extended, node_source[:n_ext], node_source, kept, placed, excluded_sets, placement_maps)


# --------------------------------------------------------------------------- the replicator


@dataclass
class _Context:
    """Everything computed once: the data before the varied steps, the alternatives."""

    original: IndexStructure  # iMeta's tree
    framework: _Framework  # the extended tree and the framework alternatives
    units: np.ndarray
    target: int  # position in framework.structure.codes
    nominal_weights: np.ndarray  # of the original tree's nodes
    treated: dict  # (imputation, treatment) -> (units, original indicators) array
    normalisations: list[dict]
    aggregations: list[str]
    treatments: list[dict | None]
    imputations: list[dict | None]
    weight_noise: dict[int, float]
    varying: list[str]
    _normalised: dict = field(default_factory=dict)

    @property
    def structure(self) -> IndexStructure:
        return self.framework.structure

    def normalised(self, i: int, t: int, m: int) -> np.ndarray:
        """Data of imputation i, treatment t, normalisation m, in the columns of the
        extended tree (a copy of a moved indicator repeats its original's column)."""
        key = (i, t, m)
        if key not in self._normalised:
            p = self.normalisations[m]
            values = normalise_array(self.treated[i, t], self.original.directions,
                                     p["method"], p["lower"], p["upper"], p["mean"], p["sd"])
            self._normalised[key] = values[:, self.framework.indicator_source]
        return self._normalised[key]

    def weight_pool(self, size: int, rng: np.random.Generator) -> np.ndarray:
        """(size, nodes of the original tree) noisy weight sets, COINr's get_noisy_weights
        (uniform ±f); just the nominal weights when the weights do not vary."""
        if WEIGHTS not in self.varying:
            return self.nominal_weights[np.newaxis, :]
        factor = np.zeros(self.original.n_nodes)
        for level, noise in self.weight_noise.items():
            factor[self.original.levels == int(level)] = float(noise)
        u = rng.random((size, self.original.n_nodes))
        return self.nominal_weights * (1.0 + (2.0 * u - 1.0) * factor)

    def choices(self, sample: np.ndarray, pool_size: int) -> dict[str, np.ndarray]:
        """The alternative (position) of each assumption in each run of a uniform sample
        (runs, len(varying)); COINr's sample_2_para: equal-width bins of [0, 1).
        A fixed assumption takes its only alternative; fixed weights are the nominal (-1)."""
        runs = sample.shape[0]
        counts = {WEIGHTS: pool_size, NORMALISATION: len(self.normalisations),
                  AGGREGATION: len(self.aggregations), TREATMENT: len(self.treatments),
                  IMPUTATION: len(self.imputations), EXCLUSION: len(self.framework.exclusions),
                  PLACEMENT: len(self.framework.placements)}
        picked = {}
        for name, count in counts.items():
            if name in self.varying:
                u = sample[:, self.varying.index(name)]
                picked[name] = np.minimum((u * count).astype(int), count - 1)
            else:
                picked[name] = np.full(runs, -1 if name == WEIGHTS else 0)
        return picked

    def weights_of(self, picked: dict[str, np.ndarray], pool: np.ndarray) -> np.ndarray:
        """(runs, nodes of the extended tree): the weight set of each run, with the
        indicators its framework leaves out, and the copies it does not use, at 0."""
        w = picked[WEIGHTS]
        base = np.where((w >= 0)[:, np.newaxis], pool[np.maximum(w, 0)], self.nominal_weights)
        framework = self.framework
        return (base[:, framework.node_source] * framework.kept[picked[EXCLUSION]]
                * framework.placed[picked[PLACEMENT]])

    def run(self, picked: dict[str, np.ndarray], pool: np.ndarray) -> np.ndarray:
        """Target scores (runs, units) of the runs described by `choices`."""
        i, t, m, a = picked[IMPUTATION], picked[TREATMENT], picked[NORMALISATION], picked[AGGREGATION]
        weights = self.weights_of(picked, pool)
        scores = np.full((len(t), len(self.units)), np.nan)
        for ii, ti, mi, ai in np.unique(np.column_stack([i, t, m, a]), axis=0):
            rows = np.flatnonzero((i == ii) & (t == ti) & (m == mi) & (a == ai))
            data = self.normalised(ii, ti, mi)
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

    units = stage[UNIT_CODE].astype(str).to_numpy()

    target = structure.index_code if target is None else str(target)
    if target not in structure.codes:
        raise ValueError(f"target {target!r} is not an indicator or aggregate of iMeta")
    if not (assumptions.normalisations and assumptions.aggregations and assumptions.treatments
            and assumptions.exclusions and assumptions.placements and assumptions.imputations != ()):
        raise ValueError("every assumption needs at least one alternative")
    normalisations = [_complete("normalise", dict(p), "normalisation alternative") for p in assumptions.normalisations]
    aggregations = [_complete("aggregate", {"method": a}, "aggregation alternative")["method"]
                    for a in assumptions.aggregations]
    treatments = [None if p is None else _complete("treat", dict(p), "treatment alternative")
                  for p in assumptions.treatments]
    for level, noise in assumptions.weight_noise.items():
        if not 0 <= float(noise) < 1:
            raise ValueError(f"weight noise of level {level} is {noise}; expected a fraction from 0 to below 1")

    before_varied = log[:first_varied]
    own_impute = next((_params(s) for s in before_varied if s["step"] == "impute"), None)
    if assumptions.imputations is None:
        imputations, imputed = [own_impute], [values]
    else:
        imputations = [None if p is None else _complete("impute", dict(p), "imputation alternative")
                       for p in assumptions.imputations]
        imputed = [values if p == own_impute else
                   _imputed_stage(idata, imeta, before_varied, p, nominal, units) for p in imputations]
    treated = {}
    for i, data in enumerate(imputed):
        for t, p in enumerate(treatments):
            treated[i, t] = (data if p is None else
                             treat_values(data, p["skew_threshold"], p["kurtosis_threshold"], p["max_winsorised"])[0])

    framework = _framework(nominal.imeta, structure, assumptions.exclusions, assumptions.placements)
    context = _Context(
        original=structure,
        framework=framework,
        units=units,
        target=framework.structure.codes.index(target),
        nominal_weights=structure.weight_vector(log[-1]["weights"]),
        treated=treated,
        normalisations=normalisations,
        aggregations=aggregations,
        treatments=treatments,
        imputations=imputations,
        weight_noise={int(k): float(v) for k, v in assumptions.weight_noise.items()},
        varying=assumptions.varying(),
    )
    return context, nominal


def _imputed_stage(idata, imeta, before_varied: list[dict], impute: dict | None, nominal: IndexResult,
                   units: np.ndarray) -> np.ndarray:
    """The data before treatment when the method imputes with `impute` (None: not at all),
    i.e. the steps before treatment with the impute step replaced, removed or added (after
    denominate). The units must stay those of the nominal method (a screen step after
    imputation could keep others: the ranks would not be comparable)."""
    steps = [s for s in before_varied if s["step"] != "impute"]
    if impute is not None:
        own = [k for k, s in enumerate(before_varied) if s["step"] == "impute"]
        position = own[0] if own else int(bool(steps) and steps[0]["step"] == "denominate")
        steps.insert(position, {"step": "impute", **impute})
    codes = list(nominal.structure.indicator_codes)
    if not steps:
        stage = nominal.stages["Raw"]
    else:
        try:
            stage = list(build_index(idata, imeta, steps).stages.values())[-1]
        except IndexInputError as error:
            label = imputation_label(impute)
            raise ValueError("\n".join(Said("robustness.imputation_failed", label=label, problem=line)
                                       for line in error.problems)) from None
    kept = stage[UNIT_CODE].astype(str).to_numpy()
    if not np.array_equal(kept, units):
        changed = sorted(set(kept) ^ set(units))
        raise ValueError(Said("robustness.imputation_units", label=imputation_label(impute), units=", ".join(changed)))
    return stage[codes].to_numpy(dtype=float, na_value=np.nan)


def _ranks(scores: np.ndarray) -> np.ndarray:
    """Ranks over units (last axis) of each run (first axis): 1 = best, ties "min"."""
    return rank_array(scores[..., np.newaxis])[..., 0]


# --------------------------------------------------------------------------- uncertainty


@dataclass(frozen=True)
class UncertaintyResult:
    """One uncertainty analysis.

    scores / ranks: (replications, units) of the target, units in `units` order; rows of
    failed replications are missing. parameters: one row per replication with the
    alternative used for each assumption (weight_set = position in the pool, -1 = nominal;
    exclusion = the indicators left out; placement = the moves, "code→parent").
    weights: (replications, nodes) the weights each replication used, columns `codes`
    (`IndexStructure.codes`, plus "code@parent" for each copy of a movable indicator; a
    left-out indicator and an unused copy weigh 0). rank_stats: per unit, see
    RANK_STATS_COLUMNS.
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
    labels_i = [imputation_label(p) for p in context.imputations]
    labels_e = [exclusion_label(codes) for codes in context.framework.exclusions]
    labels_p = [placement_label(mapping) for mapping in context.framework.placements]
    return pd.DataFrame({
        TREATMENT: [labels_t[i] for i in picked[TREATMENT]],
        NORMALISATION: [labels_m[i] for i in picked[NORMALISATION]],
        AGGREGATION: [context.aggregations[i] for i in picked[AGGREGATION]],
        "weight_set": picked[WEIGHTS],
        IMPUTATION: [labels_i[i] for i in picked[IMPUTATION]],
        EXCLUSION: [labels_e[i] for i in picked[EXCLUSION]],
        PLACEMENT: [labels_p[i] for i in picked[PLACEMENT]],
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


def bootstrap_sensitivity(y: np.ndarray, n: int, d: int, n_boot: int = DEFAULT_BOOTSTRAP,
                          rng: np.random.Generator | None = None,
                          level: float = DEFAULT_CI_LEVEL) -> dict[str, np.ndarray]:
    """Percentile bootstrap intervals of the `sensitivity_estimates` of a design's output y.

    Each replicate draws n of the N base rows with replacement, keeping a row's A, B and
    every AB_i output together, and recomputes the estimators, Var(y) included. COINr's
    SA_estimate (Nboot) resamples each index's terms separately and keeps Var(y) fixed;
    recomputing it also covers the error in Var(y), which drives much of the swing of the
    indices between sample sizes. (On a simulated three-factor design with interactions,
    N = 100 and 400, the 90 % intervals covered the true indices 86-94 % of the time.)
    Returns arrays of length d: first_low, first_high, total_low, total_high.
    """
    if n_boot < 1:
        raise ValueError(f"the number of bootstrap replicates must be at least 1; got {n_boot}")
    if not 0 < level < 1:
        raise ValueError(f"the interval level must be between 0 and 1; got {level}")
    rng = np.random.default_rng() if rng is None else rng
    y_a, y_b = y[:n], y[n:2 * n]
    y_ab = y[2 * n:].reshape(d, n)
    rows = rng.integers(0, n, size=(n_boot, n))
    a, b = y_a[rows], y_b[rows]
    with np.errstate(invalid="ignore", divide="ignore"):
        variance = np.var(np.concatenate([a, b], axis=1), axis=1, ddof=1)
        first = np.empty((d, n_boot))
        total = np.empty((d, n_boot))
        for i in range(d):
            ab = y_ab[i][rows]
            first[i] = np.mean(b * (ab - a), axis=1) / variance
            total[i] = np.sum((a - ab) ** 2, axis=1) / (2 * n * variance)
    tails = [(1 - level) / 2, (1 + level) / 2]
    first_low, first_high = np.nanquantile(first, tails, axis=1)
    total_low, total_high = np.nanquantile(total, tails, axis=1)
    return {"first_low": first_low, "first_high": first_high, "total_low": total_low, "total_high": total_high}


def sensitivity_intervals(table: pd.DataFrame) -> pd.DataFrame:
    """The indices of `sensitivity_indices` as a tidy frame: one row per assumption and
    index ("first_order", "total") with estimate, ci_low, ci_high."""
    frames = [pd.DataFrame({"assumption": table["assumption"], "index": name, "estimate": table[name],
                            "ci_low": table[f"{name}_ci_low"], "ci_high": table[f"{name}_ci_high"]})
              for name in ("first_order", "total")]
    long = pd.concat(frames, ignore_index=True)
    long.attrs.update(table.attrs)
    return long


def sensitivity_indices(
    idata: pd.DataFrame,
    imeta: pd.DataFrame,
    steps: list[dict] | None = None,
    n: int = 500,
    seed: int | None = None,
    assumptions: Assumptions | None = None,
    unit: str | None = None,
    target: str | None = None,
    n_boot: int = DEFAULT_BOOTSTRAP,
    ci_level: float = DEFAULT_CI_LEVEL,
) -> pd.DataFrame:
    """Which assumptions drive the rank uncertainty: COINr's variance-based sensitivity
    analysis with n(d + 2) replications (d = number of varying assumptions).

    Output of a replication: `unit`'s rank when given, else the mean absolute rank change of
    all units against their nominal ranks (COINr). Returns one row per varying assumption:
    assumption, first_order (S_i: share of the variance it explains alone), total (T_i:
    including its interactions), and their `ci_level` bootstrap intervals over `n_boot`
    replicates (first_order_ci_low / _ci_high, total_ci_low / _ci_high; see
    `bootstrap_sensitivity`), with the output variance, n_failed, runs, n_boot and ci_level
    in `attrs`. Failed replications (geometric mean of a value <= 0) take the mean output
    of the others.
    """
    assumptions = default_assumptions(imeta, steps) if assumptions is None else assumptions
    context, nominal = _context(idata, imeta, steps, assumptions, target)
    d = len(context.varying)
    if d < 2:
        raise ValueError(Said("robustness.too_few_varying", found=", ".join(context.varying) or text("index.none")))
    if unit is not None and unit not in set(context.units):
        raise ValueError(Said("robustness.unknown_unit", unit=unit))
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
    # Drawn after the sample, so the estimates do not depend on n_boot.
    intervals = bootstrap_sensitivity(y, n, d, n_boot, rng, ci_level)
    table = pd.DataFrame({
        "assumption": context.varying, "first_order": first, "total": total,
        "first_order_ci_low": intervals["first_low"], "first_order_ci_high": intervals["first_high"],
        "total_ci_low": intervals["total_low"], "total_ci_high": intervals["total_high"],
    })
    table.attrs.update(variance=variance, n_failed=int(failed.sum()), runs=len(sample), n_boot=n_boot,
                       ci_level=ci_level, output=f"rank of {unit}" if unit else "mean absolute rank change")
    return table


# --------------------------------------------------------------------------- the PII

LEAVE_OUT_CHOICES = ("all", "provisional", "none")
MOVE_CHOICES = ("provisional", "none")


def provisional_indicators(framework: pd.DataFrame) -> list[str]:
    """The indicators whose place in the tree is ours, not the plan's (code_status
    "provisional" in data/framework)."""
    from piilib.framework import indicators

    table = indicators(framework)
    return table.loc[table["code_status"] == "provisional", "code"].astype(str).tolist()


def framework_assumptions(framework: pd.DataFrame, assumptions: Assumptions,
                          leave_out: str = "all", move: str = "provisional") -> Assumptions:
    """`assumptions` with the PII framework's own uncertainty added: leave out none or one
    indicator (`leave_out`: "all" indicators, the "provisional" ones, or "none" = fixed)
    and move none or one provisional indicator to another sub-pillar of its pillar
    (`move`: "provisional" or "none")."""
    from piilib.framework import indicators, to_imeta

    if leave_out not in LEAVE_OUT_CHOICES:
        raise ValueError(f"leave_out is {leave_out!r}; expected one of {', '.join(LEAVE_OUT_CHOICES)}")
    if move not in MOVE_CHOICES:
        raise ValueError(f"move is {move!r}; expected one of {', '.join(MOVE_CHOICES)}")
    imeta = to_imeta(framework)
    provisional = provisional_indicators(framework)
    codes = {"all": indicators(framework)["code"].astype(str).tolist(), "provisional": provisional, "none": []}
    return replace(
        assumptions,
        exclusions=leave_one_out(imeta, codes[leave_out]) if codes[leave_out] else (None,),
        placements=moves(imeta, provisional) if move == "provisional" else (None,),
    )


def _pii_inputs(values_long: pd.DataFrame, edition: int, framework: pd.DataFrame | None):
    from piilib.framework import load_framework, to_imeta
    from piilib.pii import edition_values, to_idata

    framework = load_framework(edition) if framework is None else framework
    rows = edition_values(values_long, edition)
    return to_idata(rows, edition, framework), to_imeta(framework)


def pii_uncertainty(
    values_long: pd.DataFrame,
    edition: int,
    n: int = 1000,
    seed: int | None = None,
    assumptions: Assumptions | None = None,
    framework: pd.DataFrame | None = None,
) -> UncertaintyResult:
    """The uncertainty analysis of the PII of one edition (its own method as nominal)."""
    from piilib.pii import PII_STEPS

    idata, imeta = _pii_inputs(values_long, edition, framework)
    return uncertainty_analysis(idata, imeta, PII_STEPS, n=n, seed=seed, assumptions=assumptions)


def pii_sensitivity(
    values_long: pd.DataFrame,
    edition: int,
    unit: str | None = None,
    n: int = 500,
    seed: int | None = None,
    assumptions: Assumptions | None = None,
    framework: pd.DataFrame | None = None,
    n_boot: int = DEFAULT_BOOTSTRAP,
) -> pd.DataFrame:
    """`sensitivity_indices` of the PII of one edition (for `unit`'s rank when given)."""
    from piilib.pii import PII_STEPS

    idata, imeta = _pii_inputs(values_long, edition, framework)
    return sensitivity_indices(idata, imeta, PII_STEPS, n=n, seed=seed, assumptions=assumptions, unit=unit,
                               n_boot=n_boot)


__all__ = [
    "Assumptions",
    "UncertaintyResult",
    "bootstrap_sensitivity",
    "default_assumptions",
    "framework_assumptions",
    "leave_one_out",
    "moves",
    "nominal_assumptions",
    "pii_sensitivity",
    "pii_uncertainty",
    "provisional_indicators",
    "rank_intervals",
    "saltelli_sample",
    "sensitivity_estimates",
    "sensitivity_indices",
    "sensitivity_intervals",
    "uncertainty_analysis",
]
