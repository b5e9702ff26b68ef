"""`pii template --edition N --out FILE.xlsx`: the entry workbook for the 15 July collection."""

from __future__ import annotations

from piilib.cli import InputError


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "template",
        help="write the .xlsx entry workbook (provinces × indicators) for one edition",
        description=(
            "Write the workbook in which staff enter the official indicator values: one row per "
            "province, one column per indicator with its name, unit and definition, a sheet "
            "listing the indicators and a sheet for sources. Once filled in, it passes "
            "`pii validate` with no edits."
        ),
    )
    parser.add_argument("--edition", type=int, required=True, help="PII edition, e.g. 2025")
    parser.add_argument("--out", required=True, metavar="FILE.xlsx", help="where to write the workbook")
    parser.add_argument("--force", action="store_true", help="replace FILE.xlsx if it already exists")
    parser.set_defaults(func=run)


def run(args) -> int:
    from piilib.io.template import write_template  # here, not at the top: keeps `pii --help` fast
    from piilib.safe_write import output_file_problems

    problems = output_file_problems(args.out)
    if problems:
        raise InputError(problems)
    try:
        out = write_template(args.edition, args.out, overwrite=args.force)
    except (ValueError, KeyError, LookupError, FileExistsError) as error:
        raise InputError(str(error)) from None
    from piilib.io.template import framework_edition
    from piilib.schema import data_year

    print(f"Template for PII {args.edition} (data year {data_year(args.edition)}, framework of edition "
          f"{framework_edition(args.edition)}) written to {out}")
    return 0
