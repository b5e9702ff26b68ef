"""The `pii` command line: one sub-command per module in `piilib.commands`.

Each command module exposes `register(subparsers)`, which adds its sub-parser and sets
`func`, a callable taking the parsed arguments and returning an exit code. Commands only
parse arguments and call library functions; all logic lives in the library.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

# Order here is the order shown in `pii --help`.
COMMAND_MODULES = [
    "index",
    "build",
    "validate",
    "template",
    "scores",
    "demo",
    "targets",
    "outlook",
    "robustness",
]

EXIT_OK = 0
EXIT_BAD_INPUT = 2


class InputError(Exception):
    """Problems with user input; `problems` is a list of plain-language messages."""

    def __init__(self, problems: list[str] | str):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pii",
        description="Provincial Innovation Index (PII): compute, check and report.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    subparsers.required = True
    for name in COMMAND_MODULES:
        module = importlib.import_module(f"piilib.commands.{name}")
        module.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or EXIT_OK)
    except BrokenPipeError:
        # Output piped into a reader that stopped early (e.g. `pii scores | head`): not an error.
        sys.stderr = open(os.devnull, "w")
        return EXIT_OK
    except InputError as error:
        for problem in error.problems:
            print(f"error: {problem}", file=sys.stderr)
        print(f"{len(error.problems)} problem(s) found.", file=sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as error:  # a file the system refused (full disk, read-only folder ...): one plain line
        from piilib.safe_write import describe_os_error

        print(f"error: {describe_os_error(error)}", file=sys.stderr)
        return EXIT_BAD_INPUT


if __name__ == "__main__":
    sys.exit(main())
