"""`pii targets`: the value each plan indicator needs, what it buys, and the recommended target."""

from __future__ import annotations

import sys
from pathlib import Path

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
            "the departments' workbook (.xlsx, one sheet per lead agency). Without --data it uses "
            "the bundled illustrative dataset (data/demo, with its history and covariates)."
        ),
    )
    parser.add_argument("--edition", type=int, required=True, help="PII edition, e.g. 2024")
    parser.add_argument("--province", required=True, help="province name in any spelling, e.g. 'Cần Thơ'")
    parser.add_argument("--data", type=Path,
                        help="official values file (CSV or .xlsx), or a directory laid out like data/demo")
    parser.add_argument("--history", type=Path,
                        help="history CSV (year, unit, indicator, value, provenance) for trends and projections")
    parser.add_argument("--covariates", type=Path,
                        help="covariates CSV (year, unit, covariate, value, provenance) for the peer model")
    parser.add_argument("--format", choices=FORMATS, default="csv", help="output format (default: csv)")
    parser.add_argument("--out", type=Path,
                        help="output file (csv: default stdout; xlsx: default muc-tieu-pii-<edition>-<province>.xlsx)")
    parser.set_defaults(func=run)


def run(args) -> int:
    from piilib.analysis.targets import inputs_from_path, target_table
    from piilib.analysis.workbook import write_workbook
    from piilib.framework import available_editions
    from piilib.units import UnitNameError, resolve_unit

    if args.edition not in available_editions():
        raise InputError(f"--edition {args.edition}: no framework for this edition; "
                         f"expected one of {available_editions()}")
    try:
        province = resolve_unit(args.province, args.edition)
    except UnitNameError as error:
        raise InputError(f"--province: {error}") from None
    for option in ("data", "history", "covariates"):
        path = getattr(args, option)
        if path is not None and not path.exists():
            raise InputError(f"--{option} {path}: no such file or directory")
    out = args.out
    if args.format == "xlsx":
        out = out or Path(f"muc-tieu-pii-{args.edition}-{province}.xlsx")
        if out.suffix.lower() != ".xlsx":
            raise InputError(f"--out {out}: an .xlsx file name is expected with --format xlsx")
    try:
        values, history, covariates = inputs_from_path(args.edition, args.data, args.history, args.covariates)
        table = target_table(values, args.edition, province, history, covariates)
    except ValueError as error:  # importer, bridge and analysis list every problem in plain words
        raise InputError(str(error).splitlines()) from None

    if args.format == "xlsx":
        write_workbook(table, out)
        print(f"Wrote {out}: {table['lead_agency_key'].nunique()} agency sheets, "
              f"{table[['indicator']].drop_duplicates().shape[0]} indicators")
        return 0
    if out is None:
        table.to_csv(sys.stdout, index=False, float_format="%.10g", lineterminator="\n")
    else:
        table.to_csv(out, index=False, float_format="%.10g", lineterminator="\n")
        print(f"Wrote {out}: {len(table)} rows")
    return 0
