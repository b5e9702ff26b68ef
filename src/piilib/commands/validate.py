"""`pii validate PATH [--edition N] [--previous DATA]`: check an official indicator file, listing
every problem (capped per kind) and warning of implausible jumps from the previous edition."""

from __future__ import annotations

import sys
from pathlib import Path

from piilib.cli import EXIT_BAD_INPUT


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "validate",
        help="check an official indicator file (CSV or .xlsx) and list every problem",
        description=(
            "Check an indicator file (CSV or .xlsx; long layout edition/province/indicator/value, "
            "or wide layout with provinces as rows and indicator codes as columns). Every problem "
            "is listed with its file, sheet, row and column (at most 10 of each kind, the rest "
            "counted); values outside the range the framework's unit states are refused. Values "
            "that changed implausibly since the previous edition are warnings. The file is never "
            "changed. Exit 0 when the file is good (warnings or not), 2 when anything is wrong."
        ),
    )
    parser.add_argument("path", metavar="PATH", help="the .csv or .xlsx file to check")
    parser.add_argument("--edition", type=int, default=None,
                        help="PII edition (e.g. 2024) when the file does not say it, or to insist on it")
    parser.add_argument("--previous", type=Path, default=None, metavar="DATA",
                        help="data holding the previous edition, to warn of implausible jumps (a directory "
                             "like data/demo or a values file; default: the bundled data, data/demo)")
    parser.set_defaults(func=run)


def run(args) -> int:
    # Imported here, not at the top: keeps `pii --help` fast.
    from piilib.io.problems import capped_messages
    from piilib.io.validate import validate_file

    previous = _PreviousValues(args.previous)
    result = validate_file(args.path, args.edition, previous=previous)
    if result.problems:
        for line in capped_messages(result.problems):
            print(f"error: {line}", file=sys.stderr)
        print(f"{len(result.problems):,} problem(s) found in {result.file}; nothing was changed.", file=sys.stderr)
        return EXIT_BAD_INPUT
    for line in capped_messages(result.warnings):
        print(f"warning: {line}")
    if result.warnings:
        print(f"{len(result.warnings):,} warning(s): values that moved a lot since the previous edition "
              f"of {previous.description()}; check them against their source.")
    print(result.summary())
    return 0


class _PreviousValues:
    """edition -> the previous edition's values on the edition's map, from `data` (None: the
    bundled data/demo); None when that data has no previous edition or cannot be read."""

    def __init__(self, data):
        self.data = data
        self._bundle = None

    def bundle(self):
        from piilib.bundle import load_bundle

        if self._bundle is None:
            try:
                self._bundle = load_bundle(self.data)
            except (OSError, ValueError):  # no usable previous data: nothing to compare with
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
            where += " (illustrative values)"
        return where
