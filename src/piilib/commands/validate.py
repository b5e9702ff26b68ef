"""`pii validate PATH [--edition N]`: check an official indicator file, listing every problem."""

from __future__ import annotations

from piilib.cli import InputError


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "validate",
        help="check an official indicator file (CSV or .xlsx) and list every problem",
        description=(
            "Check an indicator file (CSV or .xlsx; long layout edition/province/indicator/value, "
            "or wide layout with provinces as rows and indicator codes as columns). Every problem "
            "is listed with its file, sheet, row and column; the file is never changed. "
            "Exit 0 when the file is good, 2 when anything is wrong."
        ),
    )
    parser.add_argument("path", metavar="PATH", help="the .csv or .xlsx file to check")
    parser.add_argument("--edition", type=int, default=None,
                        help="PII edition (e.g. 2024) when the file does not say it, or to insist on it")
    parser.set_defaults(func=run)


def run(args) -> int:
    from piilib.io.validate import validate_file  # here, not at the top: keeps `pii --help` fast

    result = validate_file(args.path, args.edition)
    if result.problems:
        raise InputError([problem.message() for problem in result.problems])
    print(result.summary())
    return 0
