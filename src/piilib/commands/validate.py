"""`pii validate PATH [--edition N] [--previous DATA]`: check an official indicator file, listing
every problem (capped per kind) and warning of implausible jumps from the previous edition.
DATA named with --previous that cannot be used (`piilib.bundle.data_path_problems`) is an error;
without --previous, data that cannot be used only leaves the comparison out."""

from __future__ import annotations

import sys
from pathlib import Path

from piilib.cli import EXIT_BAD_INPUT
from piilib.messages import text


def register(subparsers) -> None:
    parser = subparsers.add_parser("validate", help=text("help.validate"), description=text("validate.description"))
    parser.add_argument("path", metavar="PATH", help=text("validate.arg.path"))
    parser.add_argument("--edition", type=int, default=None, help=text("validate.arg.edition"))
    parser.add_argument("--previous", type=Path, default=None, metavar="DATA", help=text("validate.arg.previous"))
    parser.set_defaults(func=run)


def run(args) -> int:
    # Imported here, not at the top: keeps `pii --help` fast.
    from piilib.io.problems import capped_messages
    from piilib.io.validate import validate_file

    from piilib.cli import InputError

    if not str(args.path).strip():  # Path("") is the working folder: say what was given instead
        raise InputError(text("validate.empty_path"))
    if args.edition is not None:  # the same editions as every other command's --edition
        from piilib.bundle import edition_problems

        if problems := edition_problems(args.edition, args.path):
            raise InputError(problems)
    if args.previous is not None:  # named on purpose: unusable data is an error, not a silent "no comparison"
        from piilib.bundle import data_path_problems
        from piilib.cli import InputError

        if problems := data_path_problems(args.previous, "--previous"):
            raise InputError(problems)
    previous = _PreviousValues(args.previous)
    if args.previous is not None:  # an official file is only read here: its problems are errors too
        previous.bundle(strict=True)
    result = validate_file(args.path, args.edition, previous=previous)
    if result.problems:
        for line in capped_messages(result.problems):
            print(text("cli.error", text=line), file=sys.stderr)
        print(text("validate.problems", count=f"{len(result.problems):,}", file=result.file), file=sys.stderr)
        return EXIT_BAD_INPUT
    for line in capped_messages(result.warnings):
        print(text("cli.warning", text=line))
    if result.warnings:
        print(text("validate.warnings", count=f"{len(result.warnings):,}", previous=previous.description()))
    print(result.summary())
    return 0


class _PreviousValues:
    """edition -> the previous edition's values on the edition's map, from `data` (None: the
    bundled data/demo); None when that data has no previous edition or cannot be read."""

    def __init__(self, data):
        self.data = data
        self._bundle = None

    def bundle(self, strict: bool = False):
        """The previous data (False when unusable). strict: raise InputError naming what is
        wrong with them instead (data named with --previous)."""
        from piilib.bundle import load_bundle
        from piilib.cli import InputError

        if self._bundle is None:
            try:
                self._bundle = load_bundle(self.data)
            except (OSError, ValueError) as error:  # no usable previous data: nothing to compare with
                if strict:
                    lines = str(error).splitlines() or [str(error)]
                    raise InputError([f"--previous {self.data}: {line}" for line in lines]) from None
                self._bundle = False
        return self._bundle

    def __call__(self, edition: int):
        bundle = self.bundle()
        if not bundle or edition - 1 not in bundle.editions():
            return None
        return bundle.values_on_map(edition - 1, edition)[0]

    def description(self) -> str:
        from piilib import schema
        from piilib.bundle import DEMO_DIR

        where = str(DEMO_DIR if self.data is None else self.data)
        bundle = self.bundle()
        if bundle and schema.ILLUSTRATIVE in set(bundle.values[schema.PROVENANCE].astype(str)):
            where += text("validate.illustrative")
        return where
