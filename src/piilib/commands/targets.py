"""`pii targets`: the value each plan indicator needs, what it buys, and the recommended target."""

from __future__ import annotations

import sys
from pathlib import Path

from piilib.bundle import DATA_HELP
from piilib.cli import InputError

FORMATS = ("csv", "xlsx")


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "targets",
        help="targets for the plan's indicators: value needed per threshold, PII recomputed",
        description=(
            "For every indicator of the plan: the raw value the province needs to go one rank up, "
            "reach the national median, the national top 10, the lead of its region and its best "
            "structural peer (against the other provinces' current and projected values), the "
            "indicator score, PII and rank each would give (the whole index recomputed), and a "
            "recommended target. CSV (one row per indicator x threshold) to stdout or --out, or "
            "the departments' workbook (.xlsx, one sheet per lead agency). Projections and peers "
            "use the history and covariates of the data on the edition's map (harmonised after "
            "the merger)."
        ),
    )
    parser.add_argument("--edition", type=int, required=True, help="PII edition, e.g. 2024")
    parser.add_argument("--province", required=True, help="province name in any spelling, e.g. 'Cần Thơ'")
    parser.add_argument("--data", type=Path, help=DATA_HELP)
    parser.add_argument("--format", choices=FORMATS, default="csv", help="output format (default: csv)")
    parser.add_argument("--out", type=Path,
                        help="output file (csv: default stdout; xlsx: default muc-tieu-pii-<edition>-<province>.xlsx)")
    parser.set_defaults(func=run)


def run(args) -> int:
    from piilib.analysis.targets import bundle_targets
    from piilib.analysis.workbook import write_workbook
    from piilib.bundle import load_bundle
    from piilib.commands.common import checked_request
    from piilib.safe_write import csv_text, output_file_problems, write_csv

    province = checked_request(args.edition, args.data, args.province)
    out = args.out
    if args.format == "xlsx":
        out = out or Path(f"muc-tieu-pii-{args.edition}-{province}.xlsx")
        if out.suffix.lower() != ".xlsx":
            raise InputError(f"--out {out}: an .xlsx file name is expected with --format xlsx")
    if out is not None and (problems := output_file_problems(out, inputs=[args.data])):
        raise InputError(problems)
    try:
        table = bundle_targets(load_bundle(args.data, args.edition), args.edition, province)
    except ValueError as error:  # importer, bridge and analysis list every problem in plain words
        raise InputError(str(error).splitlines()) from None

    if args.format == "xlsx":
        write_workbook(table, out)
        print(f"Wrote {out}: {table['lead_agency_key'].nunique()} agency sheets, "
              f"{table[['indicator']].drop_duplicates().shape[0]} indicators")
        return 0
    if out is None:
        sys.stdout.write(csv_text(table, index=False, float_format="%.10g", lineterminator="\n"))
    else:
        write_csv(table, out, index=False, float_format="%.10g", lineterminator="\n")
        print(f"Wrote {out}: {len(table)} rows")
    return 0
