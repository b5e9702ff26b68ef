"""Speed of the report build (prints; no assertions).

    .venv/bin/python benchmarks/bench_build.py             # the report: notebooks/, data/demo
    .venv/bin/python benchmarks/bench_build.py --fixture   # stand-in: the test fixture templates
                                                           # with one chapter per plan indicator

1. clean build: empty cache, every chapter executed, HTML and PDF;
2. rebuild after editing one chapter's template (the overview): only that chapter runs,
   HTML and PDF are rebuilt.
Goal on the 2-core build machine: clean <= 120 s, rebuild <= 25 s.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

import nbformat

from piilib.report.build import BuildOptions, build_report, library_inputs

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "book"


def timed_build(options: BuildOptions):
    start = time.perf_counter()
    result = build_report(options)
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fixture", action="store_true",
                        help="use the fixture templates and data (stand-in for the report)")
    parser.add_argument("--edition", type=int, default=2024)
    parser.add_argument("--province", default="can-tho")
    args = parser.parse_args()
    templates = FIXTURE / "templates" if args.fixture else ROOT / "notebooks"
    data = FIXTURE / "data" / "illustrative.csv" if args.fixture else ROOT / "data" / "demo"
    if not data.exists():
        raise SystemExit(f"{data} does not exist; generate the bundled data or use --fixture")

    with tempfile.TemporaryDirectory(prefix="bench-build-") as work:
        work = Path(work)
        copy = work / "templates"
        shutil.copytree(templates, copy)
        library_copy = work / "library"
        for source in library_inputs():
            shutil.copytree(source, library_copy / source.name,
                            ignore=shutil.ignore_patterns("__pycache__"))

        def options() -> BuildOptions:
            # The cache key covers the library: hash it once, so that edits made elsewhere in
            # the working tree while the benchmark runs do not invalidate every chapter.
            return BuildOptions(edition=args.edition, province=args.province, data_path=data,
                                templates_dir=copy, out_dir=work / "out",
                                cache_dir=work / "cache", library=[library_copy],
                                progress=False)

        clean_seconds, clean = timed_build(options())
        overview = copy / "overview.ipynb"
        page = nbformat.read(overview, as_version=4)
        page.cells.append(nbformat.v4.new_markdown_cell("Một đoạn văn thêm vào để đo thời gian."))
        nbformat.write(page, overview)
        rebuild_seconds, rebuild = timed_build(options())

    print(f"templates: {templates.relative_to(ROOT)}   data: {data.relative_to(ROOT)}")
    print(f"{'step':<36}{'seconds':>9}{'executed':>10}{'cached':>8}")
    print(f"{'clean build (HTML + PDF)':<36}{clean_seconds:>9.1f}"
          f"{len(clean.executed):>10}{len(clean.cached):>8}")
    print(f"{'rebuild after editing overview':<36}{rebuild_seconds:>9.1f}"
          f"{len(rebuild.executed):>10}{len(rebuild.cached):>8}")


if __name__ == "__main__":
    main()
