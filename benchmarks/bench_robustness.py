"""Speed of the uncertainty / sensitivity analysis of ranks (prints; no assertions).

    .venv/bin/python benchmarks/bench_robustness.py

1. COINr's ASEM example (51 units × 49 indicators after screening), 1,000 replications:
   a. the default assumptions: weights of levels 2 and 3 within ±25 %, min–max 1–100 or
      z-score 10 ± 2, arithmetic or geometric mean, treatment on or off;
   b. exactly COINr's vignette set-up: the same but winsorising up to 1..5 points (winmax)
      instead of treatment on/off, and a pool of 100 noisy weight sets.
   COINr's get_sensitivity takes 10.3 s for 100 replications on this machine.
2. The PII (bundled illustrative data, edition 2024, 63 provinces × 52 indicators), the same
   assumptions, 1,000 replications.
3. The variance-based sensitivity analysis (N = 1,000: N(d + 2) = 6,000 replications) on both;
   on ASEM also with the imputation varied (group mean or group median, COINr's i_mean_grp /
   i_median_grp).
4. The PII's framework uncertainty added (leave one of the 52 indicators out, move one of the
   34 provisional indicators to another sub-pillar of its pillar): Cần Thơ's rank interval
   with and without it, and the sensitivity indices with their bootstrap 90 % intervals at
   N = 200 and N = 1,000 (how far apart the estimates are, and whether the intervals say so).
5. The default `pii robustness --edition 2024 --province "Cần Thơ"` as a whole process
   (1,000 replications with the framework varied, 1,000 without, and N = 1,000 for the
   sensitivity indices with 1,000 bootstrap replicates), and without --province.
Goal on the 2-core machine: 1,000 replications <= 10 s.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pandas as pd

from piilib.analysis.robustness import (
    Assumptions,
    default_assumptions,
    framework_assumptions,
    pii_sensitivity,
    pii_uncertainty,
    sensitivity_indices,
    uncertainty_analysis,
)
from piilib.demo import load_demo_values
from piilib.framework import load_framework, to_imeta
from piilib.index import read_method

from timing import report, timed

EXAMPLES = Path(__file__).resolve().parents[1] / "data" / "examples"
REPLICATIONS = 1000


def main() -> None:
    idata = pd.read_csv(EXAMPLES / "asem-iData.csv", dtype=str)
    imeta = pd.read_csv(EXAMPLES / "asem-iMeta.csv")
    steps, problems = read_method(EXAMPLES / "asem-method.yml")
    assert not problems, problems

    times, asem = timed(lambda: uncertainty_analysis(idata, imeta, steps, n=REPLICATIONS, seed=1))
    report(f"ASEM, uncertainty analysis, {REPLICATIONS:,} replications", times)
    print(f"  failed replications: {asem.n_failed}; COINr: 10.3 s per 100 -> ~103 s per {REPLICATIONS:,}")
    print(asem.rank_stats.sort_values("nominal_rank").head(5).to_string(index=False))
    vignette = Assumptions(
        weight_noise={2: 0.25, 3: 0.25},
        treatments=tuple({"max_winsorised": k} for k in range(1, 6)),
        n_weight_sets=100,
    )
    times, coinr = timed(lambda: uncertainty_analysis(idata, imeta, steps, n=REPLICATIONS, seed=1,
                                                      assumptions=vignette))
    report(f"ASEM, COINr's vignette set-up (winmax 1-5), {REPLICATIONS:,} replications", times)
    times, table = timed(lambda: sensitivity_indices(idata, imeta, steps, n=REPLICATIONS, seed=1))
    report(f"ASEM, sensitivity analysis, N = {REPLICATIONS:,} ({table.attrs['runs']:,} replications)", times)
    print(table.to_string(index=False))
    imputation = replace(default_assumptions(imeta, steps), imputations=tuple(
        {"method": m, "group": "EurAsia_group"} for m in ("group_mean", "group_median")))
    times, table = timed(lambda: sensitivity_indices(idata, imeta, steps, n=REPLICATIONS, seed=1,
                                                     assumptions=imputation))
    report(f"ASEM, imputation varied too (group mean / group median), sensitivity analysis, N = {REPLICATIONS:,} "
           f"({table.attrs['runs']:,} replications)", times)
    print(table.round(3).to_string(index=False))

    values = load_demo_values(edition=2024)
    times, pii = timed(lambda: pii_uncertainty(values, 2024, n=REPLICATIONS, seed=1))
    report(f"PII 2024, uncertainty analysis, {REPLICATIONS:,} replications", times)
    print(pii.rank_stats.set_index("uCode").loc[["can-tho"]].to_string())
    times, table = timed(lambda: pii_sensitivity(values, 2024, unit="can-tho", n=REPLICATIONS, seed=1))
    report(f"PII 2024, sensitivity of can-tho's rank, N = {REPLICATIONS:,} ({table.attrs['runs']:,} replications)",
           times)
    print(table.to_string(index=False))

    framework = load_framework(2024)
    method = default_assumptions(to_imeta(framework))
    full = framework_assumptions(framework, method)
    times, with_framework = timed(lambda: pii_uncertainty(values, 2024, n=REPLICATIONS, seed=88, assumptions=full))
    report(f"PII 2024, method and framework varied, {REPLICATIONS:,} replications", times)
    for label, result in (("method only", pii_uncertainty(values, 2024, n=REPLICATIONS, seed=88)),
                          ("method and framework", with_framework)):
        row = result.rank_stats.set_index("uCode").loc["can-tho"]
        print(f"  can-tho, {label}: nominal {row['nominal_rank']:g}, median {row['median_rank']:g}, "
              f"5-95 % {row['q05']:g}-{row['q95']:g}")
    for label, assumptions in (("method only", method), ("method and framework", full)):
        for n in (200, REPLICATIONS):
            times, table = timed(lambda: pii_sensitivity(values, 2024, unit="can-tho", n=n, seed=88,
                                                         assumptions=assumptions), repeats=1)
            report(f"PII 2024, {label}, sensitivity of can-tho's rank with 90 % bootstrap intervals, N = {n:,} "
                   f"({table.attrs['runs']:,} replications)", times)
            print(table.round(2).to_string(index=False))

    environment = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")}
    for arguments in (["--province", "Cần Thơ"], []):
        command = [sys.executable, "-m", "piilib.cli", "robustness", "--edition", "2024", *arguments]
        times, _ = timed(lambda: subprocess.run(command, check=True, capture_output=True, env=environment))
        report(f"`pii robustness --edition 2024 {' '.join(arguments)}` (default run), whole process", times)


if __name__ == "__main__":
    main()
