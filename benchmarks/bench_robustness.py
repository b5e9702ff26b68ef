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
3. The variance-based sensitivity analysis (N = 1,000: N(d + 2) = 6,000 replications) on both.
Goal on the 2-core machine: 1,000 replications <= 10 s.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from piilib.analysis.robustness import (
    Assumptions,
    pii_sensitivity,
    pii_uncertainty,
    sensitivity_indices,
    uncertainty_analysis,
)
from piilib.demo import load_demo_values
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

    values = load_demo_values(edition=2024)
    times, pii = timed(lambda: pii_uncertainty(values, 2024, n=REPLICATIONS, seed=1))
    report(f"PII 2024, uncertainty analysis, {REPLICATIONS:,} replications", times)
    print(pii.rank_stats.set_index("uCode").loc[["can-tho"]].to_string())
    times, table = timed(lambda: pii_sensitivity(values, 2024, unit="can-tho", n=REPLICATIONS, seed=1))
    report(f"PII 2024, sensitivity of can-tho's rank, N = {REPLICATIONS:,} ({table.attrs['runs']:,} replications)",
           times)
    print(table.to_string(index=False))


if __name__ == "__main__":
    main()
