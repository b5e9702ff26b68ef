"""`pii index`: build any index in COINr's layout from iData, iMeta and a method.yml."""

from __future__ import annotations

from pathlib import Path

from piilib.cli import InputError
from piilib.messages import text

SHOWN_UNITS = 10


def register(subparsers) -> None:
    parser = subparsers.add_parser("index", help=text("help.index"), description=text("index.description"))
    parser.add_argument("--idata", required=True, type=Path, help=text("index.arg.idata"))
    parser.add_argument("--imeta", required=True, type=Path, help=text("index.arg.imeta"))
    parser.add_argument("--spec", required=True, type=Path, metavar="METHOD.yml", help=text("index.arg.spec"))
    parser.add_argument("--out", required=True, type=Path, metavar="DIR", help=text("index.arg.out"))
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
    print(text("index.built" if result.has_index else "index.ran", code=index_code, units=n_units,
               indicators=result.structure.n_indicators, steps=", ".join(step["step"] for step in result.log)))
    for note in result.warnings:
        print(text("cli.note", text=note))
    if result.has_index:
        table = results_table(result)
        shown = table[["uCode", "Rank", index_code]].head(SHOWN_UNITS)
        print(shown.to_string(index=False, float_format=lambda v: f"{v:.2f}"))
        print(text("index.wrote", stages=len(result.stages), out=args.out))
    else:
        print(text("index.no_aggregate", code=index_code))
        print(text("index.wrote_stages", stages=len(result.stages), names=", ".join(result.stages), out=args.out))
    return 0
