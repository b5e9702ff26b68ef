"""`pii build`: execute the report's chapters and publish the HTML and PDF book."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from piilib.cli import InputError

EXIT_BUILD_FAILED = 1


def __getattr__(name: str):
    # `report_build` is imported lazily (it pulls in the whole report stack); tests and
    # callers may still reach it as an attribute of this module.
    if name == "report_build":
        from piilib.report import build as report_build

        return report_build
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _iso_date(text: str):
    from datetime import date

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date written YYYY-MM-DD") from None


def register(subparsers) -> None:
    # Imported here, not at the top: `pii --help` and the other commands do not need them.
    from piilib.bundle import DATA_HELP
    from piilib.report import build as report_build

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
    parser.add_argument(
        "--workshop", default=None,
        help="the workshop the report serves, printed on the PDF cover (default: 'Hội thảo khoa "
             "học công bố kết quả PII <edition> và đề xuất giải pháp nâng cao chỉ số')",
    )
    parser.add_argument(
        "--workshop-date", type=_iso_date, default=None, metavar="YYYY-MM-DD",
        help="the workshop's date, printed on the cover (default: none; the cover then says "
             "'Bản thảo' and the build date)",
    )
    parser.add_argument("--draft", action="store_true",
                        help="mark every PDF and HTML page 'BẢN THẢO' (draft)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from piilib.commands.common import checked_request
    from piilib.report import build as report_build
    from piilib.report.book import BookBuildFailed
    from piilib.report.chapters import TocError
    from piilib.report.execute import ChapterFailed

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
        workshop=args.workshop,
        workshop_date=args.workshop_date,
        draft=args.draft,
    )
    problems = output_problems(options)
    if problems:
        raise InputError(problems)
    try:
        result = report_build.build_report(options)
    except report_build.DataProblems as problems:
        raise InputError(problems.problems) from None
    except TocError as problem:
        raise InputError([str(problem)]) from None
    except report_build.BuildLocked as locked:  # another build into the same --out or cache
        raise InputError([str(locked)]) from None
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


def output_problems(options) -> list[str]:
    """Why the report cannot be published into --out or built in --cache-dir: either holds or
    lies inside an input (data, templates, the project's files), or --out already holds files
    that are not a published report (publishing replaces the whole folder)."""
    from piilib.report import build as report_build
    from piilib.safe_write import output_dir_problems

    # What a published report folder holds; the build replaces the whole folder.
    published_entries = (report_build.HTML_DIR, "*.pdf")
    inputs = [options.data_path, options.toc, options.toc.parent / "notebooks", options.static_dir, options.base_config,
              *report_build.library_inputs()]
    out = Path(options.out_dir)
    problems = output_dir_problems(out, inputs, "--out", replaced=True)
    if not problems and out.is_dir():
        foreign = sorted(p.name for p in out.iterdir()
                         if not any(p.match(pattern) for pattern in published_entries))
        if foreign:
            shown = ", ".join(foreign[:3]) + (f" and {len(foreign) - 3} more" if len(foreign) > 3 else "")
            problems.append(f"--out {out} holds files that are not a published report ({shown}); publishing "
                            "replaces the whole folder, so choose a new or empty folder")
    return problems + output_dir_problems(options.cache_dir, inputs, "--cache-dir")
