"""`pii build`: execute the report's chapters and publish the HTML and PDF book."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from piilib.cli import InputError
from piilib.messages import text

EXIT_BUILD_FAILED = 1


def __getattr__(name: str):
    # `report_build` is imported lazily (it pulls in the whole report stack); tests and
    # callers may still reach it as an attribute of this module.
    if name == "report_build":
        from piilib.report import build as report_build

        return report_build
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _iso_date(given: str):
    from datetime import date

    try:
        return date.fromisoformat(given)
    except ValueError:
        raise argparse.ArgumentTypeError(text("build.bad_date", value=given)) from None


def register(subparsers) -> None:
    # Imported here, not at the top: `pii --help` and the other commands do not need it.
    from piilib.report import build as report_build

    parser = subparsers.add_parser("build", help=text("help.build"), description=text("build.description"))
    parser.add_argument("--edition", type=int, required=True, help=text("arg.edition"))
    parser.add_argument("--province", default=report_build.DEFAULT_PROVINCE,
                        help=text("build.arg.province", default=report_build.DEFAULT_PROVINCE))
    parser.add_argument("--data", type=Path, help=text("arg.data"))
    parser.add_argument("--no-pdf", dest="pdf", action="store_false", help=text("build.arg.no_pdf"))
    parser.add_argument("--out", type=Path, default=None, help=text("build.arg.out"))
    parser.add_argument("--cache-dir", type=Path, default=None, help=text("build.arg.cache_dir"))
    parser.add_argument("--toc", type=Path, default=report_build.DEFAULT_TOC, help=text("build.arg.toc"))
    parser.add_argument("--jobs", type=int, default=None, help=text("build.arg.jobs"))
    parser.add_argument("--workshop", default=None, help=text("build.arg.workshop"))
    parser.add_argument("--workshop-date", type=_iso_date, default=None, metavar="YYYY-MM-DD",
                        help=text("build.arg.workshop_date"))
    parser.add_argument("--draft", action="store_true", help=text("build.arg.draft"))
    parser.add_argument("--quiet", action="store_true", help=text("build.arg.quiet"))
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from piilib.commands.common import checked_request
    from piilib.report import build as report_build
    from piilib.report.book import BookBuildFailed
    from piilib.report.chapters import TocError
    from piilib.report.execute import ChapterFailed

    problems = [] if args.toc.is_file() else [text("build.no_toc", path=args.toc)]
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
        print(text("cli.error", text=failure), file=sys.stderr)
        if failure.traceback:
            print(text("build.chapter_failed.traceback"), failure.traceback, sep="\n", file=sys.stderr)
        if failure.kept_notebook:
            print(text("build.kept_notebook", path=failure.kept_notebook), file=sys.stderr)
        print(text("build.nothing_published", out=options.out_dir), file=sys.stderr)
        return EXIT_BUILD_FAILED
    except BookBuildFailed as failure:
        print(text("cli.error", text=failure), file=sys.stderr)
        print(text("build.nothing_published", out=options.out_dir), file=sys.stderr)
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
            shown = ", ".join(foreign[:3])
            if len(foreign) > 3:
                shown = text("build.and_more", shown=shown, count=len(foreign) - 3)
            problems.append(text("build.foreign_files", out=out, shown=shown))
    return problems + output_dir_problems(options.cache_dir, inputs, "--cache-dir")
