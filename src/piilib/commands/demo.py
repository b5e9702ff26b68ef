"""`pii demo --out DIR`: regenerate the calibrated illustrative dataset (deterministic)."""

from __future__ import annotations

from pathlib import Path


def register(subparsers) -> None:
    from piilib.demo import DEFAULT_SEED, DEMO_DIR

    from piilib.messages import text

    parser = subparsers.add_parser("demo", help=text("help.demo"), description=text("demo.description"))
    parser.add_argument("--out", default=str(DEMO_DIR), help=text("demo.arg.out", default=DEMO_DIR))
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=text("arg.seed", default=DEFAULT_SEED))
    parser.set_defaults(func=run)


def run(args) -> int:
    from piilib.cli import InputError
    from piilib.demo import generate_demo, write_demo
    from piilib.messages import text
    from piilib.paths import DATA_DIR
    from piilib.safe_write import output_dir_problems

    # The demo is generated from the project's framework, units, plan and reference data.
    inputs = [DATA_DIR / name for name in ("framework", "units", "plan", "reference")]
    problems = output_dir_problems(args.out, inputs=inputs)
    if problems:
        raise InputError(problems)

    demo = generate_demo(seed=args.seed)
    paths = write_demo(demo, Path(args.out))
    published = demo.facts["basis"] == "published"
    readings = demo.facts.loc[~published]
    print(text("demo.written", files=len(paths), out=args.out,
               facts=int(demo.facts.loc[published, "ok"].sum()), facts_total=int(published.sum()),
               readings=int(readings["ok"].sum()), readings_total=len(readings)))
    return 0 if demo.facts["ok"].all() else 1
