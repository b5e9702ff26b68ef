"""Timing helpers shared by the benchmark scripts (run as `python benchmarks/bench_*.py`)."""

from __future__ import annotations

import statistics
import time


def timed(function, repeats: int = 3):
    """Run `function` `repeats` times; return (seconds per run, the last result)."""
    times, value = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        value = function()
        times.append(time.perf_counter() - start)
    return times, value


def report(label: str, times: list[float], digits: int = 3) -> None:
    """Print the median and best of `times` in seconds."""
    print(f"{label}: median {statistics.median(times):.{digits}f} s, "
          f"best {min(times):.{digits}f} s ({len(times)} runs)")


def pii_process(argv: list[str], runs: int = 3) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU (user + system) seconds of `runs` fresh `pii argv` processes, with
    this checkout's sources first on the path; one warm-up run first (file cache). The CPU
    time hardly moves when other jobs share the machine, the wall-clock time does; it exceeds
    the wall-clock time when the process works on both cores (the outlook's Monte Carlo).
    `make setup` compiles src/ first: where PYTHONDONTWRITEBYTECODE is set, an uncompiled
    source tree adds ~0.1 s of compilation to every process."""
    import os
    import resource
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    script = Path(sys.executable).with_name("pii")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "piilib.cli"]
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(root / "src")] + [p for p in [env.get("PYTHONPATH")] if p])
    walls, cpus = [], []
    for attempt in range(runs + 1):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        done = subprocess.run(command + argv, env=env, capture_output=True, text=True)
        elapsed = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if done.returncode != 0:
            raise SystemExit(f"pii {' '.join(argv)} exited {done.returncode}:\n{done.stderr}")
        if attempt:
            walls.append(elapsed)
            cpus.append((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
    return walls, cpus


def report_process(label: str, walls: list[float], cpus: list[float], goal: float | None = None) -> None:
    """Print a whole process's median wall-clock and CPU time, the load average, and whether
    the median wall-clock time meets the goal (the goals are the time a user waits)."""
    import os

    wall, cpu = statistics.median(walls), statistics.median(cpus)
    verdict = ""
    if goal is not None:
        verdict = f"; goal <= {goal:g} s wall-clock: {'met' if wall <= goal else 'NOT met'}"
    print(f"{label}: median wall-clock {wall:.2f} s (best {min(walls):.2f}), median CPU {cpu:.2f} s "
          f"({len(walls)} runs, load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores){verdict}")
