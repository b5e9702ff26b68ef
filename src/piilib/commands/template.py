"""`pii template --edition N --out FILE.xlsx`: the entry workbook for the 15 July collection."""

from __future__ import annotations

from piilib.cli import InputError
from piilib.messages import text


def register(subparsers) -> None:
    parser = subparsers.add_parser("template", help=text("help.template"), description=text("template.description"))
    parser.add_argument("--edition", type=int, required=True, help=text("template.arg.edition"))
    parser.add_argument("--out", required=True, metavar="FILE.xlsx", help=text("template.arg.out"))
    parser.add_argument("--force", action="store_true", help=text("template.arg.force"))
    parser.set_defaults(func=run)


def run(args) -> int:
    from piilib.io.template import write_template  # here, not at the top: keeps `pii --help` fast
    from piilib.safe_write import output_file_problems

    from piilib.bundle import edition_problems

    problems = edition_problems(args.edition) + output_file_problems(args.out)
    if problems:
        raise InputError(problems)
    try:
        out = write_template(args.edition, args.out, overwrite=args.force)
    except (ValueError, KeyError, LookupError, FileExistsError) as error:
        raise InputError(str(error).splitlines() or [str(error)]) from None
    from piilib.io.template import framework_edition
    from piilib.schema import data_year

    print(text("template.written", edition=args.edition, year=data_year(args.edition),
               framework=framework_edition(args.edition), out=out))
    return 0
