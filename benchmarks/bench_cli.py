"""Start-up of the `pii` command line, whole processes (prints; no assertions).

    .venv/bin/python benchmarks/bench_cli.py

Each command is run as a fresh process, 5 times (plus one warm-up run so that the
operating system's file cache is not measured); the median and best wall-clock times (and
the median CPU time) are printed next to the goal of issue 11:

- `pii --help`                                           <= 0.3 s
- `pii index` on COINr's ASEM example (data/examples)   <= 0.5 s
- `pii validate` on a filled 34 x 52 workbook (2025)    <= 1.0 s

The workbook is written by `pii template --edition 2025` and filled with the illustrative
2025 values of data/demo (plausible numbers for every indicator), as staff would fill it.
The processes use this checkout's sources (PYTHONPATH=src first).
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "data" / "examples"
EDITION = 2025
RUNS = 5


def pii_command() -> list[str]:
    """The installed `pii` script next to this Python, else `python -m piilib.cli`."""
    script = Path(sys.executable).with_name("pii")
    return [str(script)] if script.exists() else [sys.executable, "-m", "piilib.cli"]


def environment() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src")] + [p for p in [env.get("PYTHONPATH")] if p])
    return env


def run(argv: list[str], expected_codes=(0,)) -> tuple[float, float]:
    """(wall-clock seconds, CPU seconds user + system) of one process running `pii argv`.

    The CPU time is printed too because it hardly moves when other jobs share the machine,
    while the wall-clock time does."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(pii_command() + argv, env=environment(), capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in expected_codes:
        raise SystemExit(f"pii {' '.join(argv)} exited {done.returncode}:\n{done.stderr}")
    return elapsed, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def filled_workbook(folder: Path) -> Path:
    """The 2025 entry template filled with data/demo's 2025 values."""
    import openpyxl
    import pandas as pd

    from piilib.units import load_units

    template = folder / "template.xlsx"
    run(["template", "--edition", str(EDITION), "--out", str(template)])
    values = pd.read_csv(ROOT / "data" / "demo" / "values.csv")
    values = values[values["edition"] == EDITION].pivot(index="unit", columns="indicator", values="value")
    units = load_units(EDITION)
    workbook = openpyxl.load_workbook(template)
    sheet = workbook.worksheets[0]
    header = next(row for row in range(1, sheet.max_row + 1) if sheet.cell(row, 2).value == "Tỉnh, thành phố")
    codes = []
    for column in range(3, sheet.max_column + 1):
        code = sheet.cell(header, column).value
        if code is None:
            break
        codes.append(code)
    for i, unit in enumerate(units["unit"]):
        for j, code in enumerate(codes):
            sheet.cell(header + 1 + i, 3 + j, float(values.at[unit, code]))
    filled = folder / "filled.xlsx"
    workbook.save(filled)
    print(f"workbook: {len(units)} provinces x {len(codes)} indicators ({filled.name})")
    return filled


def measure(label: str, argv: list[str], goal: float) -> None:
    run(argv)  # warm-up: file cache
    runs = [run(argv) for _ in range(RUNS)]
    wall = [w for w, _ in runs]
    median = statistics.median(wall)
    verdict = "ok" if median <= goal else "OVER GOAL"
    print(f"{label:<34} median {median:.3f} s, best {min(wall):.3f} s, CPU median "
          f"{statistics.median(c for _, c in runs):.3f} s ({RUNS} runs); goal <= {goal:.1f} s: {verdict}")


def load_average() -> str:
    try:
        return f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    except OSError:
        return "load average unknown"


def main() -> None:
    print(f"start: {load_average()} (wall-clock times grow with the load, CPU times much less)")
    with tempfile.TemporaryDirectory(prefix="bench-cli-") as tmp:
        folder = Path(tmp)
        workbook = filled_workbook(folder)
        measure("pii --help", ["--help"], 0.3)
        measure("pii index (ASEM example)", [
            "index", "--idata", str(EXAMPLES / "asem-iData.csv"), "--imeta", str(EXAMPLES / "asem-iMeta.csv"),
            "--spec", str(EXAMPLES / "asem-method.yml"), "--out", str(folder / "asem"),
        ], 0.5)
        measure(f"pii validate (34 x 52, {EDITION})", ["validate", str(workbook)], 1.0)
    print(f"end: {load_average()}")


if __name__ == "__main__":
    main()
