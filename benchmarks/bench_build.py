"""Speed of the report build (prints; no assertions).

    .venv/bin/python benchmarks/bench_build.py             # the report: _toc.yml, notebooks/, data/demo
    .venv/bin/python benchmarks/bench_build.py --fixture   # stand-in: the test fixture book
                                                           # with one chapter per plan indicator

On a copy of the book (table of contents and notebooks) and of the library:
1. clean build: empty cache, every chapter executed, HTML and PDF;
2. rebuild after editing one chapter's notebook (the overview): only that chapter runs;
3. rebuild after editing the notebook repeated per plan indicator: every indicator chapter
   runs again, the edition's shared results come from the cache.
Goal on the 2-core build machine: clean <= 60 s, one chapter <= 15 s, indicator template <= 45 s.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import tempfile
import time
from pathlib import Path

import nbformat

from piilib.report.build import BuildOptions, build_report, library_inputs

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "book"


def cpu_seconds() -> float:
    """CPU time of this process and of every finished descendant (workers, kernels, LaTeX)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed_build(options: BuildOptions):
    """(wall seconds, CPU seconds, result): the CPU time shows what the build costs when the
    machine is shared with other work (wall time then depends on the other load)."""
    start, cpu = time.perf_counter(), cpu_seconds()
    result = build_report(options)
    return time.perf_counter() - start, cpu_seconds() - cpu, result


def append_paragraph(notebook: Path, text: str) -> None:
    page = nbformat.read(notebook, as_version=4)
    page.cells.append(nbformat.v4.new_markdown_cell(text))
    nbformat.write(page, notebook)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fixture", action="store_true",
                        help="use the fixture book and data (stand-in for the report)")
    parser.add_argument("--edition", type=int, default=2024)
    parser.add_argument("--province", default="can-tho")
    parser.add_argument("--jobs", type=int, default=None,
                        help="chapters at once (default: one per available core)")
    args = parser.parse_args()
    book_dir = FIXTURE if args.fixture else ROOT
    data = FIXTURE / "data" / "illustrative.csv" if args.fixture else ROOT / "data" / "demo"
    if not data.exists():
        raise SystemExit(f"{data} does not exist; generate the bundled data or use --fixture")

    with tempfile.TemporaryDirectory(prefix="bench-build-") as work:
        work = Path(work)
        copy = work / "book"
        copy.mkdir()
        shutil.copy2(book_dir / "_toc.yml", copy / "_toc.yml")
        for folder in (["templates"] if args.fixture else ["notebooks", "book"]):
            shutil.copytree(book_dir / folder, copy / folder)
        if args.fixture:
            shutil.copy2(FIXTURE / "intro.md", copy / "intro.md")
        library_copy = work / "library"
        for source in library_inputs():
            target = library_copy / source.relative_to(ROOT)
            if source.is_dir():
                shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, target)
        notebooks = copy / ("templates" if args.fixture else "notebooks")

        def options() -> BuildOptions:
            # The cache key covers the library: hash a copy, so that edits made elsewhere in
            # the working tree while the benchmark runs do not invalidate every chapter.
            return BuildOptions(edition=args.edition, province=args.province, data_path=data,
                                toc=copy / "_toc.yml", out_dir=work / "out",
                                cache_dir=work / "cache", library=[library_copy],
                                progress=False, jobs=args.jobs,
                                share_results=not args.fixture)

        steps = [("clean build (HTML + PDF)", *timed_build(options()))]
        append_paragraph(notebooks / "overview.ipynb", "Một đoạn văn thêm vào để đo thời gian.")
        steps.append(("after editing one chapter", *timed_build(options())))
        append_paragraph(notebooks / "indicator.ipynb", "Một đoạn văn thêm vào mẫu chỉ số.")
        steps.append(("after editing the indicator template", *timed_build(options())))

    jobs = args.jobs or len(os.sched_getaffinity(0))
    print(f"book: {book_dir.relative_to(ROOT) if book_dir != ROOT else '.'}   "
          f"data: {data.relative_to(ROOT)}   chapters at once: {jobs}")
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    print(f"{'step':<40}{'seconds':>9}{'CPU s':>8}{'executed':>10}{'cached':>8}")
    for label, seconds, cpu, result in steps:
        print(f"{label:<40}{seconds:>9.1f}{cpu:>8.1f}{len(result.executed):>10}"
              f"{len(result.cached):>8}   "
              + ", ".join(f"{step} {value:.1f}" for step, value in result.timings.items()))
    print("\nper chapter executed: wall seconds / CPU seconds of its kernel (the shared results: of the "
          "worker computing them)")
    for label, _seconds, _cpu, result in steps:
        print(f"{label}: " + "; ".join(f"{key} {wall:.1f}/{cpu:.1f}"
                                        for key, (wall, cpu) in result.chapter_timings.items()))


if __name__ == "__main__":
    main()
