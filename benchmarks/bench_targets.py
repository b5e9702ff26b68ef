"""Speed of the targets (prints; no assertions).

    .venv/bin/python benchmarks/bench_targets.py [--edition 2024] [--province can-tho]

On the bundled illustrative data (data/demo), for the base edition:
  * `target_table` in the library (the plan's 18 indicators, both bases, the projected basis
    on the next edition's map: 34 units after 2024), first call and repeated calls;
  * `pii targets --edition E --province "Cần Thơ"` as a whole process (start-up included),
    wall-clock and CPU time.
Goal on the 2-core machine (issue 8): `pii targets` <= 1.5 s as a whole process. The machine
is shared: the load average and the CPU time are printed beside the wall-clock time.
"""

from __future__ import annotations

import argparse
import os
import time

from piilib.analysis.targets import target_table
from piilib.bundle import load_bundle

from timing import pii_process, report, report_process, timed

GOAL_PROCESS = 1.5


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edition", type=int, default=2024)
    parser.add_argument("--province", default="can-tho")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"load average: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")

    bundle = load_bundle(None, args.edition)
    history = bundle.history_on_map(args.edition)
    covariates = bundle.covariates_on_map(args.edition)
    cpu = time.process_time()
    times, table = timed(lambda: target_table(bundle.values, args.edition, args.province, history, covariates),
                         args.runs)
    cpu = (time.process_time() - cpu) / args.runs
    report(f"target_table, {table['indicator'].nunique()} indicators, {len(table)} rows (library)", times)
    print(f"  CPU per call: {cpu:.2f} s")

    walls, cpus = pii_process(["targets", "--edition", str(args.edition), "--province", "Cần Thơ"], args.runs)
    report_process(f"pii targets --edition {args.edition} (whole process)", walls, cpus, GOAL_PROCESS)


if __name__ == "__main__":
    main()
