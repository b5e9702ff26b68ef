"""The levers chapter's analyses: which indicator moves the province's PII most, and how
firm its rank is under the methodological choices (COINr's uncertainty analysis).

Functions return numbers; notebooks/levers.ipynb writes the prose and draws the figures.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from piilib.analysis.levers import lever_table
from piilib.framework import indicators as framework_indicators
from piilib.framework import load_framework
from piilib.plan import load_plan
from piilib.report.editions import EditionResult

ROBUSTNESS_REPLICATIONS = 1000
ROBUSTNESS_SEED = 88
ASSUMPTION_LABELS = {"weights": "trọng số", "normalisation": "cách chuẩn hóa", "aggregation": "cách tổng hợp",
                     "treatment": "xử lý ngoại lai"}


def levers(current: EditionResult, province: str) -> pd.DataFrame:
    """Every indicator's lever for the province, recomputed with the whole index.

    Columns: indicator, name, in_plan, rank, n_units, points_per_score (PII points per +10
    indicator score), median_gain (PII gain from reaching the national median),
    region_best_gain (from reaching the best of the region). Largest median gain first.
    """
    table = lever_table(current.result, current.idata, province, "Region")
    names = framework_indicators(load_framework(current.edition)).set_index("code")["name_vi"]
    plan = load_plan(province=province)  # None: the province has no plan
    plan_codes = set() if plan is None else set(plan.indicators["code"])
    return pd.DataFrame({
        "indicator": table["indicator"].astype(str),
        "name": table["indicator"].map(names).astype(str),
        "in_plan": table["indicator"].isin(plan_codes),
        "rank": table["rank"].astype(float),
        "n_units": len(current.units),
        "points_per_score": table["points_per_score"].astype(float),
        "median_gain": table["median_gain"].astype(float),
        "region_best_gain": table["region_best_gain"].astype(float),
    }).reset_index(drop=True)


@dataclass(frozen=True)
class RankRobustness:
    """The province's PII rank when the method's choices vary at random.

    runs: replications that produced a rank; shares: rank -> share of those runs; nominal:
    the rank with the official method; median, q05, q95: of the replicated ranks;
    weight_noise: the ± fractions the weights vary by; varied: the assumptions that vary.
    """

    runs: int
    shares: pd.Series
    nominal: int
    median: int
    q05: int
    q95: int
    weight_noise: tuple[float, ...]
    varied: tuple[str, ...]


def rank_robustness(current: EditionResult, province: str, n: int = ROBUSTNESS_REPLICATIONS,
                    seed: int = ROBUSTNESS_SEED) -> RankRobustness:
    """`piilib.analysis.robustness.uncertainty_analysis` for the province (seeded)."""
    from piilib.analysis.robustness import uncertainty_analysis

    analysis = uncertainty_analysis(current.idata, current.result.imeta, current.result.log, n=n, seed=seed)
    own = analysis.rank_stats.set_index("uCode").loc[province]
    ranks = analysis.ranks[:, list(analysis.units).index(province)]
    ranks = ranks[~np.isnan(ranks)]
    shares = pd.Series(ranks).value_counts(normalize=True).sort_index()
    return RankRobustness(
        runs=len(ranks), shares=shares, nominal=int(own["nominal_rank"]), median=int(own["median_rank"]),
        q05=int(own["q05"]), q95=int(own["q95"]),
        weight_noise=tuple(sorted({float(f) for f in analysis.assumptions.weight_noise.values() if f})),
        varied=tuple(analysis.assumptions.varying()),
    )


ASSUMPTION_LABELS.update({"imputation": "cách ước tính số liệu thiếu", "exclusion": "bỏ một chỉ số",
                          "placement": "vị trí của các chỉ số tạm xếp"})
SENSITIVITY_REPLICATIONS = 500
# The imputations varied where the data have gaps: none (the aggregate re-weights over the
# present indicators, the engine's rule) or the median of the province's region.
IMPUTATION_ALTERNATIVES = (None, {"method": "group_median", "group": "Region"})


@dataclass(frozen=True)
class FrameworkRobustness:
    """The province's PII rank when the method varies (`method`) and when the framework
    varies too (`full`): one indicator left out, one provisional indicator moved to another
    sub-pillar of its pillar, and the imputation where the data have gaps.

    n_indicators, n_provisional: of the framework; n_missing: missing values of the edition
    (imputation varies only when there are some)."""

    method: RankRobustness
    full: RankRobustness
    n_indicators: int
    n_provisional: int
    n_missing: int


def _assumption_sets(current: EditionResult):
    from dataclasses import replace

    from piilib.analysis.robustness import default_assumptions, framework_assumptions
    from piilib.framework import to_imeta

    framework = load_framework(current.edition)
    codes = framework_indicators(framework)["code"].astype(str).tolist()
    present = [c for c in codes if c in current.idata.columns]
    n_missing = int(current.idata[present].isna().sum().sum())
    method = default_assumptions(to_imeta(framework))
    imputations = IMPUTATION_ALTERNATIVES if n_missing else None
    full = framework_assumptions(framework, replace(method, imputations=imputations), "all", "provisional")
    return framework, method, full, n_missing


def _robustness(analysis, province: str) -> RankRobustness:
    own = analysis.rank_stats.set_index("uCode").loc[province]
    ranks = analysis.ranks[:, list(analysis.units).index(province)]
    ranks = ranks[~np.isnan(ranks)]
    return RankRobustness(
        runs=len(ranks), shares=pd.Series(ranks).value_counts(normalize=True).sort_index(),
        nominal=int(own["nominal_rank"]), median=int(own["median_rank"]), q05=int(own["q05"]), q95=int(own["q95"]),
        weight_noise=tuple(sorted({float(f) for f in analysis.assumptions.weight_noise.values() if f})),
        varied=tuple(analysis.assumptions.varying()),
    )


def framework_robustness(current: EditionResult, province: str, n: int = ROBUSTNESS_REPLICATIONS,
                         seed: int = ROBUSTNESS_SEED) -> FrameworkRobustness:
    """`piilib.analysis.robustness.pii_uncertainty` twice on the same seed: the method's
    choices only, then with the framework's uncertainty (and imputation where data are missing)."""
    from piilib.analysis.robustness import pii_uncertainty, provisional_indicators

    framework, method, full, n_missing = _assumption_sets(current)
    method_only = pii_uncertainty(current.values, current.edition, n=n, seed=seed, assumptions=method,
                                  framework=framework)
    with_framework = pii_uncertainty(current.values, current.edition, n=n, seed=seed, assumptions=full,
                                     framework=framework)
    return FrameworkRobustness(_robustness(method_only, province), _robustness(with_framework, province),
                               len(framework_indicators(framework)), len(provisional_indicators(framework)), n_missing)


def sensitivity(current: EditionResult, province: str, n: int = SENSITIVITY_REPLICATIONS,
                seed: int = ROBUSTNESS_SEED) -> pd.DataFrame:
    """Which choices drive the uncertainty of the province's rank: first-order and total
    sensitivity indices with their bootstrap intervals (`sensitivity_intervals` of
    `pii_sensitivity`, every choice of `framework_robustness` varied). Columns: assumption,
    index ("first_order", "total"), estimate, ci_low, ci_high; attrs: runs, n_boot, ci_level."""
    from piilib.analysis.robustness import pii_sensitivity, sensitivity_intervals

    framework, _, full, _ = _assumption_sets(current)
    table = pii_sensitivity(current.values, current.edition, unit=province, n=n, seed=seed, assumptions=full,
                            framework=framework)
    return sensitivity_intervals(table)
