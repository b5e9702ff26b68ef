"""Speed of the goal outlook (prints; no assertions).

    .venv/bin/python benchmarks/bench_outlook.py [--edition 2024] [--province can-tho]

On the bundled illustrative data (data/demo): the PII of the base edition and the trend
projections of every province × indicator (done once per outlook), then the Monte Carlo of
10,000 draws — every draw's index recomputed (treatment per draw, min-max, aggregation) and
ranked — following the trends only, and with the recommended targets met as well.
Goal on the 2-core machine: 10,000 draws <= 2 s.
"""

from __future__ import annotations

import argparse
import statistics

from piilib.analysis.outlook import project_for_next_edition, recommended_target_values, simulate_outlook
from piilib.analysis.targets import target_table
from piilib.bundle import load_bundle
from piilib.pii import compute_pii, edition_values
from piilib.units import load_units

from timing import report, timed

DRAWS = 10_000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edition", type=int, default=2024)
    parser.add_argument("--province", default="can-tho")
    args = parser.parse_args()

    bundle = load_bundle(None, args.edition)
    values = bundle.values
    history, covariates = bundle.history_on_map(args.edition), bundle.covariates_on_map(args.edition)
    units = load_units(args.edition)
    regions = dict(zip(units["unit"], units["region"]))

    times, result = timed(lambda: compute_pii(edition_values(values, args.edition), args.edition))
    report("PII of the base edition (compute_pii)", times)
    unit_keys = result.stages["Raw"]["uCode"].tolist()
    codes = list(result.structure.indicator_codes)
    times, projections = timed(lambda: project_for_next_edition(history, args.edition, unit_keys, codes), 1)
    report(f"trend projections, {len(projections)} series (project_all, once)", times)
    times, table = timed(lambda: target_table(values, args.edition, args.province, history, covariates), 1)
    targets = recommended_target_values(table)
    report(f"recommended targets, {len(targets)} indicators (target_table, once)", times)

    times, trend = timed(lambda: simulate_outlook(result, projections, args.province, regions,
                                                  draws=DRAWS, seed=1))
    report(f"Monte Carlo, {DRAWS:,} draws, trends only", times)
    times, both = timed(lambda: simulate_outlook(result, projections, args.province, regions,
                                                 draws=DRAWS, seed=1, targets=targets))
    report(f"Monte Carlo, {DRAWS:,} draws, trends + targets-met scenario (same draws)", times)
    print(both.summary[["scenario", "p_top", "se_top", "p_region_lead", "se_region_lead",
                        "median_rank", "rank_q05", "rank_q95"]].to_string(index=False))
    print(f"goal: {DRAWS:,} draws <= 2 s: "
          f"{'met' if statistics.median(times) <= 2 else 'NOT met'} (median of the targets run)")


if __name__ == "__main__":
    main()
