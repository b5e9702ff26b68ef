"""`pii scores`: one row per province × element with raw value, score, rank and provenance."""

from __future__ import annotations

import sys
from pathlib import Path

from piilib.cli import InputError
from piilib.messages import text

FORMATS = ("table", "csv")
TABLE_COLUMNS = ["rank", "name", "element", "kind", "raw_value", "score", "provenance"]


def register(subparsers) -> None:
    parser = subparsers.add_parser("scores", help=text("help.scores"), description=text("scores.description"))
    parser.add_argument("--edition", type=int, required=True, help=text("arg.edition"))
    parser.add_argument("--data", type=Path, help=text("arg.data"))
    parser.add_argument("--format", choices=FORMATS, default="table", help=text("scores.arg.format"))
    parser.add_argument("--element", help=text("scores.arg.element"))
    parser.set_defaults(func=run)


def run(args) -> int:
    from piilib.commands.common import checked_request
    from piilib.pii import scores_for_edition
    from piilib.safe_write import csv_text

    checked_request(args.edition, args.data)
    try:
        table = scores_for_edition(args.edition, args.data)
    except ValueError as error:  # the importer and the bridge list every problem
        raise InputError(str(error).splitlines()) from error
    if args.element is not None:
        if args.element not in set(table["element"]):
            raise InputError(text("scores.unknown_element", element=args.element, edition=args.edition))
        table = table[table["element"] == args.element]
    if args.format == "csv":
        sys.stdout.write(csv_text(table, index=False, float_format="%.6g", lineterminator="\n"))
    else:
        print(table[["element"] + [c for c in TABLE_COLUMNS if c != "element"]].to_markdown(
            index=False, floatfmt=".2f"))
    return 0
