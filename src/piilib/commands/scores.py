"""`pii scores`: one row per province × element with raw value, score, rank and provenance."""

from __future__ import annotations

import sys
from pathlib import Path

from piilib.cli import InputError

FORMATS = ("table", "csv")
TABLE_COLUMNS = ["rank", "name", "element", "kind", "raw_value", "score", "provenance"]


def register(subparsers) -> None:
    from piilib.bundle import DATA_HELP  # here, not at the top: keeps `pii --help` fast

    parser = subparsers.add_parser(
        "scores",
        help="scores and ranks of every province on every indicator and aggregate",
        description="Compute the PII of an edition and print one row per province × element "
                    "(indicator, sub-pillar, pillar, input, output, PII) with the raw value, "
                    "score, rank and provenance.",
    )
    parser.add_argument("--edition", type=int, required=True, help="PII edition, e.g. 2024")
    parser.add_argument("--data", type=Path, help=DATA_HELP)
    parser.add_argument("--format", choices=FORMATS, default="table", help="output format (default: table)")
    parser.add_argument("--element", help="show only this element code (e.g. PII, 6.2.4)")
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
            raise InputError(f"--element {args.element}: not an element of the {args.edition} framework")
        table = table[table["element"] == args.element]
    if args.format == "csv":
        sys.stdout.write(csv_text(table, index=False, float_format="%.6g", lineterminator="\n"))
    else:
        print(table[["element"] + [c for c in TABLE_COLUMNS if c != "element"]].to_markdown(
            index=False, floatfmt=".2f"))
    return 0
