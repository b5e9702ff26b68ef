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
