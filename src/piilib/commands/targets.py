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
            "For every indicator of the plan: the raw value the province needs to hold its rank, go one "
            "rank up, reach the national median, the national top 10, the lead of its region and its best "
            "structural peer, against the other provinces' current values and against their projected "
            "values on the map the next edition ranks (for base 2024: the 34 units after the merger, the "
            "province's value merged with its partners' by the framework's merge rules); the indicator "
            "rank (national and regional), score, PII and PII rank each gives on that map (the whole index "
            "recomputed); the probability of reaching it on the trend; and tiers (maintain / feasible / "
            "breakthrough) with the recommended target, chosen with the evidence (trend or peer model) of "
            "lower out-of-sample error and never below the trend's median forecast. CSV (one row per "
            "indicator x threshold) to stdout or --out, or the departments' workbook (.xlsx, one sheet per "
            "lead agency)."
        ),
    )
    parser.add_argument("--edition", type=int, required=True, help="PII edition, e.g. 2024")
    parser.add_argument("--province", required=True, help="province name in any spelling, e.g. 'Cần Thơ'")
    parser.add_argument("--data", type=Path, help=DATA_HELP)
    parser.add_argument("--peer-formula", default=None,
                        help="the peer model as a formula over the covariates' names (default: "
                             "'value ~ np.log(grdp_per_capita) + np.log(population) + urbanisation')")
    parser.add_argument("--format", choices=FORMATS, default="csv", help="output format (default: csv)")
    parser.add_argument("--out", type=Path,
                        help="output file (csv: default stdout; xlsx: default muc-tieu-pii-<edition>-<province>.xlsx)")
    parser.set_defaults(func=run)


def run(args) -> int:
    from piilib.analysis.targets import DEFAULT_PEER_FORMULA, bundle_targets
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
        table = bundle_targets(load_bundle(args.data, args.edition), args.edition, province,
                               peer_formula=args.peer_formula or DEFAULT_PEER_FORMULA)
    except ValueError as error:  # importer, bridge and analysis list every problem in plain words
        raise InputError(str(error).splitlines()) from None

    if args.format == "xlsx":
        from piilib.analysis.workbook import write_workbook  # openpyxl: imported only for a workbook

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
