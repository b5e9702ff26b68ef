"""`pii targets`: the value each plan indicator needs, what it buys, and the recommended target."""

from __future__ import annotations

import sys
from pathlib import Path

from piilib.cli import InputError
from piilib.messages import text

FORMATS = ("csv", "xlsx")


def register(subparsers) -> None:
    parser = subparsers.add_parser("targets", help=text("help.targets"), description=text("targets.description"))
    parser.add_argument("--edition", type=int, required=True, help=text("arg.edition"))
    parser.add_argument("--province", required=True, help=text("arg.province"))
    parser.add_argument("--data", type=Path, help=text("arg.data"))
    parser.add_argument("--peer-formula", default=None, help=text("targets.arg.peer_formula"))
    parser.add_argument("--format", choices=FORMATS, default="csv", help=text("targets.arg.format"))
    parser.add_argument("--out", type=Path, help=text("targets.arg.out"))
    parser.set_defaults(func=run)


def province_plan(province: str, edition: int):
    """The province's own plan (`piilib.plan.load_plan`); InputError when it has none: targets
    are computed for a plan's indicators, and another province's plan is not this one's."""
    from piilib import plan as plan_module
    from piilib.units import load_units

    plan = plan_module.load_plan(province=province)
    if plan is None:
        name = load_units(edition).set_index("unit").at[province, "name_vi"]
        raise InputError(text("targets.no_plan", name=name, key=province,
                              plan_dir=_shown_path(plan_module.PLAN_DIR)))
    return plan


def _shown_path(path: Path) -> str:
    """`path` relative to the working directory when it lies inside it (data/plan), else whole."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def run(args) -> int:
    from piilib.analysis.targets import DEFAULT_PEER_FORMULA, bundle_targets
    from piilib.bundle import load_bundle
    from piilib.commands.common import checked_request
    from piilib.safe_write import csv_text, output_file_problems, write_csv

    province = checked_request(args.edition, args.data, args.province)
    plan = province_plan(province, args.edition)
    out = args.out
    if args.format == "xlsx":
        out = out or Path(f"muc-tieu-pii-{args.edition}-{province}.xlsx")
        if out.suffix.lower() != ".xlsx":
            raise InputError(text("targets.xlsx_expected", out=out))
    if out is not None and (problems := output_file_problems(out, inputs=[args.data])):
        raise InputError(problems)
    try:
        table = bundle_targets(load_bundle(args.data, args.edition), args.edition, province, plan=plan,
                               peer_formula=args.peer_formula or DEFAULT_PEER_FORMULA)
    except ValueError as error:  # importer, bridge and analysis list every problem in plain words
        raise InputError(str(error).splitlines()) from None

    if args.format == "xlsx":
        from piilib.analysis.workbook import write_workbook  # openpyxl: imported only for a workbook

        write_workbook(table, out, plan=plan)
        print(text("targets.wrote_workbook", out=out, agencies=table["lead_agency_key"].nunique(),
                   indicators=table[["indicator"]].drop_duplicates().shape[0]))
        return 0
    if out is None:
        sys.stdout.write(csv_text(table, index=False, float_format="%.10g", lineterminator="\n"))
    else:
        write_csv(table, out, index=False, float_format="%.10g", lineterminator="\n")
        print(text("targets.wrote_csv", out=out, rows=len(table)))
    return 0
