"""`pii index`: build any index in COINr's layout from iData, iMeta and a method.yml."""

from __future__ import annotations

from pathlib import Path

from piilib.cli import InputError

SHOWN_UNITS = 10


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "index",
        help="build an index (COINr layout) step by step and write every stage",
        description=(
            "Run the steps named in METHOD.yml on iData / iMeta (COINr's layout) and write "
            "stage_<Stage>.csv for every stage, treat_details.csv, results.csv (when the method "
            "aggregates up to the index) and method_log.yml to DIR. Nothing is written if the "
            "inputs have problems."
        ),
    )
    parser.add_argument("--idata", required=True, type=Path, help="iData CSV: uCode, groups, denominators, indicators")
    parser.add_argument("--imeta", required=True, type=Path, help="iMeta CSV: Level, iCode, Direction, Weight, Parent, Type")
    parser.add_argument("--spec", required=True, type=Path, metavar="METHOD.yml", help="the steps and their parameters")
    parser.add_argument("--out", required=True, type=Path, metavar="DIR", help="output directory (created if missing)")
    parser.set_defaults(func=run)


def run(args) -> int:
    # The library is imported here, not at the top, so that `pii --help` stays fast.
    from piilib.index import IndexInputError, results_table
    from piilib.index.files import METHOD_LOG_FILE, RESULTS_FILE, TREAT_DETAILS_FILE, run_index_files
    from piilib.safe_write import output_dir_problems, output_file_problems

    output_files = (METHOD_LOG_FILE, RESULTS_FILE, TREAT_DETAILS_FILE)
    problems = output_dir_problems(args.out)
    for source in (args.idata, args.imeta, args.spec):  # a file the run would write must not be an input
        written = source.name in output_files or (source.name.startswith("stage_") and source.suffix == ".csv")
        if not problems and written and source.exists() and source.resolve().parent == args.out.resolve():
            problems = output_file_problems(args.out / source.name, inputs=[source])
    if problems:
        raise InputError(problems)
    try:
        result = run_index_files(args.idata, args.imeta, args.spec, args.out)
    except IndexInputError as error:
        raise InputError(error.problems) from None
    index_code = result.structure.index_code
    n_units = len(result.stages[list(result.stages)[-1]])
    what = f"Built {index_code}" if result.has_index else "Ran the method"
    print(f"{what}: {n_units} units, {result.structure.n_indicators} indicators; "
          f"steps: {', '.join(step['step'] for step in result.log)}")
    for note in result.warnings:
        print(f"note: {note}")
    if result.has_index:
        table = results_table(result)
        shown = table[["uCode", "Rank", index_code]].head(SHOWN_UNITS)
        print(shown.to_string(index=False, float_format=lambda v: f"{v:.2f}"))
        print(f"Wrote {len(result.stages)} stages, results and method log to {args.out}")
    else:
        print(f"The method has no aggregate step, so there is no {index_code} score and no ranking.")
        print(f"Wrote {len(result.stages)} stages ({', '.join(result.stages)}) and method log to {args.out}")
    return 0
