"""`pii build`: execute the report's chapters and publish the HTML and PDF book."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from piilib.bundle import DATA_HELP
from piilib.cli import InputError
from piilib.report import build as report_build
from piilib.report.book import BookBuildFailed
from piilib.report.chapters import TocError
from piilib.report.execute import ChapterFailed

EXIT_BUILD_FAILED = 1


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "build",
        help="build the report book (HTML and PDF) for one edition",
        description=(
            "Execute every chapter notebook for the edition (unchanged chapters come from the "
            "cache), build the HTML and PDF with Jupyter Book, and publish them into --out. "
            "A failed build publishes nothing and leaves the previous report untouched."
        ),
    )
    parser.add_argument("--edition", type=int, required=True, help="PII edition, e.g. 2024")
    parser.add_argument(
        "--province", default=report_build.DEFAULT_PROVINCE,
        help=f"province name in any spelling, e.g. 'Cần Thơ' (default: {report_build.DEFAULT_PROVINCE})",
    )
    parser.add_argument("--data", type=Path, help=DATA_HELP)
    parser.add_argument("--no-pdf", dest="pdf", action="store_false", help="build the HTML only")
    parser.add_argument(
        "--out", type=Path, default=None, help="publish here (default: out/<edition>-<province>)"
    )
    parser.add_argument(
        "--cache-dir", type=Path, default=None,
        help="build and cache directory (default: build/report/<edition>-<province>)",
    )
    parser.add_argument(
        "--toc", type=Path, default=report_build.DEFAULT_TOC,
        help="the book's table of contents; the notebooks and pages it lists are read from "
             "its directory (default: the project's _toc.yml)",
    )
    parser.add_argument(
        "--jobs", type=int, default=None,
        help="chapters executed at once (default: one per available core)",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from piilib.commands.common import checked_request

    problems = [] if args.toc.is_file() else [f"table of contents {args.toc} does not exist"]
    province = checked_request(args.edition, args.data, args.province, problems)
    options = report_build.BuildOptions(
        edition=args.edition,
        province=province,
        data_path=args.data,
        out_dir=args.out,
        pdf=args.pdf,
        toc=args.toc,
        jobs=args.jobs,
        cache_dir=args.cache_dir,
        progress=not args.quiet,
    )
    try:
        result = report_build.build_report(options)
    except report_build.DataProblems as problems:
        raise InputError(problems.problems) from None
    except TocError as problem:
        raise InputError([str(problem)]) from None
    except ChapterFailed as failure:
        print(f"error: {failure}", file=sys.stderr)
        if failure.traceback:
            print(failure.traceback, file=sys.stderr)
        if failure.kept_notebook:
            print(f"The failed notebook is kept at {failure.kept_notebook}.", file=sys.stderr)
        print(f"Nothing was published; {options.out_dir} is unchanged.", file=sys.stderr)
        return EXIT_BUILD_FAILED
    except BookBuildFailed as failure:
        print(f"error: {failure}", file=sys.stderr)
        print(f"Nothing was published; {options.out_dir} is unchanged.", file=sys.stderr)
        return EXIT_BUILD_FAILED
    print(result.summary())
    return 0
