"""Speed of the index engine on COINr's ASEM example (prints; no assertions).

    .venv/bin/python benchmarks/bench_index.py

1. one full pipeline run (denominate -> impute -> screen -> treat -> normalise ->
   aggregate), with and without the iData/iMeta checks;
2. 1,000 full recomputations with perturbed weights (every weight x U(0.75, 1.25)):
   a. `build_index` 1,000 times, the whole pipeline each time;
   b. the fast path: one `IndexStructure.aggregate` over a (1000, units, indicators)
      stack plus `rank_array`, what robustness analysis uses.
COINr rebuilds the same example in about 0.10 s per run on this machine.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import numpy as np
import pandas as pd

from piilib.index import build_index, rank_array, read_method

EXAMPLES = Path(__file__).resolve().parents[1] / "data" / "examples"
DRAWS = 1000
REPEATS = 50


def timed(function, repeats: int) -> list[float]:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    idata = pd.read_csv(EXAMPLES / "asem-iData.csv")
    imeta = pd.read_csv(EXAMPLES / "asem-iMeta.csv")
    steps, problems = read_method(EXAMPLES / "asem-method.yml")
    assert not problems, problems
    result = build_index(idata, imeta, steps)  # warm-up

    for label, validate in (("with input checks", True), ("without input checks", False)):
        times = timed(lambda: build_index(idata, imeta, steps, validate=validate), REPEATS)
        print(f"one full ASEM run, {label}: median {statistics.median(times) * 1e3:.2f} ms, "
              f"best {min(times) * 1e3:.2f} ms ({REPEATS} runs)")

    structure = result.structure
    rng = np.random.default_rng(2024)
    factors = rng.uniform(0.75, 1.25, size=(DRAWS, structure.n_nodes))
    weights = structure.weights * factors

    node_rows = [imeta.index[imeta["iCode"] == code][0] for code in structure.codes]
    perturbed_metas = []
    for draw in range(DRAWS):
        perturbed = imeta.copy()
        perturbed.loc[node_rows, "Weight"] = weights[draw]
        perturbed_metas.append(perturbed)
    start = time.perf_counter()
    index_ranks = np.empty((DRAWS, len(result.scores)))
    for draw, perturbed in enumerate(perturbed_metas):
        index_ranks[draw] = build_index(idata, perturbed, steps, validate=False).ranks[structure.index_code].to_numpy()
    full_loop = time.perf_counter() - start
    print(f"{DRAWS} full recomputations (build_index, perturbed iMeta weights): {full_loop:.2f} s "
          f"({full_loop / DRAWS * 1e3:.2f} ms each)")

    normalised = result.stages["Normalised"][list(structure.indicator_codes)].to_numpy()
    start = time.perf_counter()
    scores = structure.aggregate(normalised, weights)
    ranks = rank_array(scores)
    fast = time.perf_counter() - start
    print(f"{DRAWS} recomputations on the fast path (batched aggregate + ranks): {fast * 1e3:.1f} ms")

    same = np.array_equal(ranks[..., -1], index_ranks)
    print(f"fast path and full loop give the same index ranks: {same}")
    spread = ranks[..., -1]
    print(f"index rank range over draws, first 5 units: "
          f"{[(u, int(spread[:, i].min()), int(spread[:, i].max())) for i, u in enumerate(result.scores.index[:5])]}")


if __name__ == "__main__":
    main()
