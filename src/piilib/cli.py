"""The `pii` command line: one sub-command per module in `piilib.commands`.

Each command module exposes `register(subparsers)`, which adds its sub-parser and sets
`func`, a callable taking the parsed arguments and returning an exit code. Commands only
parse arguments and call library functions; all logic lives in the library.

Start-up is kept short: `main` imports only the module of the command being run (the
others are listed in `pii --help` with `command_help`), and command modules import the
library inside their `run` function. Check with `python -X importtime -m piilib.cli --help`.
"""

from __future__ import annotations

import argparse
import contextlib
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

# The one-line help of each command is the catalogue's "help.<command>" (`piilib.messages`), which
# its module registers too (a test checks they agree), so that `pii --help` lists every command
# without importing any of them.
def command_help(name: str) -> str:
    from piilib.messages import text

    return text(f"help.{name}")


# Commands whose linear algebra is many small solves (peer regressions, batched trends, the
# outlook's draws): OpenBLAS's worker threads spin while waiting for work that never pays them
# off, ~0.2 s of CPU per process on 2 cores, and the results are the same with one thread.
SINGLE_THREADED_BLAS = ("targets", "outlook")
BLAS_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS", "OMP_NUM_THREADS")

EXIT_OK = 0
EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report Ctrl+C


class InputError(Exception):
    """Problems with user input; `problems` is a list of plain-language messages."""

    def __init__(self, problems: list[str] | str):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))


# argparse's own words (usage, required arguments, invalid choices ...) in Vietnamese; argparse
# looks them up through its module's `_` (gettext) at the moment it prints them.
ARGPARSE_VI = {
    "usage: ": "cách dùng: ",
    "positional arguments": "tham số vị trí",
    "options": "tùy chọn",
    "show this help message and exit": "hiện hướng dẫn này rồi thoát",
    "argument %(argument_name)s: %(message)s": "tham số %(argument_name)s: %(message)s",
    "unrecognized arguments: %s": "tham số không nhận ra: %s",
    "the following arguments are required: %s": "thiếu các tham số bắt buộc: %s",
    "one of the arguments %s is required": "cần một trong các tham số %s",
    "expected one argument": "cần một giá trị",
    "expected at most one argument": "cần nhiều nhất một giá trị",
    "expected at least one argument": "cần ít nhất một giá trị",
    "ambiguous option: %(option)s could match %(matches)s": "tùy chọn không rõ: %(option)s có thể là %(matches)s",
    "invalid %(type)s value: %(value)r": "giá trị %(type)s không hợp lệ: %(value)r",
    "invalid choice: %(value)r (choose from %(choices)s)": "lựa chọn không hợp lệ: %(value)r (chọn trong %(choices)s)",
    "%(prog)s: error: %(message)s\n": "%(prog)s: lỗi: %(message)s\n",
    "not allowed with argument %s": "không dùng được cùng tham số %s",
    "ignored explicit argument %r": "bỏ qua giá trị %r",
}


@contextlib.contextmanager
def argparse_language():
    """argparse speaks the messages' language (`piilib.messages.language`) while inside."""
    from piilib.messages import VI, language

    if language() != VI:
        yield
        return
    english = argparse._
    argparse._ = lambda words: ARGPARSE_VI.get(words, english(words))
    try:
        yield
    finally:
        argparse._ = english


def build_parser(commands: list[str] | None = None) -> argparse.ArgumentParser:
    """The `pii` parser. Commands in `commands` (default: all) are registered by their
    module, with every option; the others are listed by name and help only, so that
    their modules (and the libraries they use) are not imported."""
    from piilib.messages import text

    parser = argparse.ArgumentParser(prog="pii", description=text("cli.description"))
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    subparsers.required = True
    for name in COMMAND_MODULES:
        if commands is None or name in commands:
            importlib.import_module(f"piilib.commands.{name}").register(subparsers)
        else:
            subparsers.add_parser(name, help=command_help(name), add_help=False)
    return parser


def _command_in(argv: list[str]) -> str | None:
    """The sub-command named in `argv`: the first word that is not an option."""
    return next((word for word in argv if not word.startswith("-")), None)


def _utf8_output() -> None:
    """Write stdout and stderr as UTF-8 whatever the locale (LC_ALL=C with PYTHONUTF8=0 gives
    ASCII streams, and Vietnamese names would raise UnicodeEncodeError); a character a stream
    still cannot take is written as an escape, never an error."""
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "").replace("_", "")
        if encoding != "utf8" and hasattr(stream, "reconfigure"):
            try:
                stream.reconfigure(encoding="utf-8", errors="backslashreplace")
            except (ValueError, OSError):  # a stream that cannot change now: keep it, but never fail
                stream.reconfigure(errors="backslashreplace")


def _single_threaded_blas() -> None:
    """One OpenBLAS thread for this process, unless the user chose a number of threads or NumPy
    is already loaded (the setting is read when NumPy loads; a caller's process is left alone)."""
    if "numpy" not in sys.modules and not any(name in os.environ for name in BLAS_THREAD_VARIABLES):
        os.environ["OPENBLAS_NUM_THREADS"] = "1"


def _data_error_lines(error: ValueError) -> list[str] | None:
    """The plain lines of a data error (a --data file's problems, a framework or plan file's), or
    None when `error` is some other ValueError (a bug, shown as a traceback)."""
    from piilib.bundle import DataFileError
    from piilib.framework import FrameworkError
    from piilib.io.problems import OfficialFileError
    from piilib.plan import PlanError

    if isinstance(error, (DataFileError, OfficialFileError, FrameworkError, PlanError)):
        return str(error).splitlines()
    return None


def run() -> None:
    """The `pii` command: `main`, then end the process without Python's teardown.

    When `main` returns, the command's work is complete (files written and closed, workers
    joined). Tearing down pandas, SciPy and statsmodels then takes another 0.2-0.4 s, a
    fifth of `pii targets` (benchmarks/bench_outlook.py), so the process exits at once
    after flushing its output, as a normal exit would."""
    code = main()
    for stream in (sys.stdout, sys.stderr):
        # The reader may have gone away (`pii outlook | head`): nothing left to tell it.
        with contextlib.suppress(BrokenPipeError, ValueError, OSError):
            stream.flush()
    logging_module = sys.modules.get("logging")
    if logging_module is not None:
        logging_module.shutdown()
    os._exit(code)


def main(argv: list[str] | None = None) -> int:
    _utf8_output()
    try:
        return _main(argv)
    except KeyboardInterrupt:
        from piilib.messages import text

        print("\n" + text("cli.interrupted"), file=sys.stderr)
        return EXIT_INTERRUPTED
    except MemoryError:  # e.g. a count of draws this computer cannot hold: one plain line
        from piilib.messages import text

        print(text("cli.out_of_memory"), file=sys.stderr)
        return EXIT_BAD_INPUT


def _main(argv: list[str] | None) -> int:
    from piilib.messages import text as message

    argv = sys.argv[1:] if argv is None else list(argv)
    command = _command_in(argv)
    if command in SINGLE_THREADED_BLAS:
        _single_threaded_blas()
    with argparse_language():
        parser = build_parser([command] if command in COMMAND_MODULES else [])
        args = parser.parse_args(argv)
    try:
        return int(args.func(args) or EXIT_OK)
    except BrokenPipeError:
        # Output piped into a reader that stopped early (e.g. `pii scores | head`): not an error.
        sys.stderr = open(os.devnull, "w")
        return EXIT_OK
    except InputError as error:
        for problem in error.problems:
            print(message("cli.error", text=problem), file=sys.stderr)
        print(message("cli.problems_found", count=len(error.problems)), file=sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as error:  # a file the system refused (full disk, read-only folder ...): one plain line
        from piilib.safe_write import describe_os_error

        print(message("cli.error", text=describe_os_error(error)), file=sys.stderr)
        return EXIT_BAD_INPUT
    except ValueError as error:  # only a data file's problems (loading --data); anything else is a bug
        lines = _data_error_lines(error)
        if lines is None:
            raise
        for line in lines:
            print(message("cli.error", text=line), file=sys.stderr)
        return EXIT_BAD_INPUT


if __name__ == "__main__":
    # Run the imported module's main: command modules raise `piilib.cli.InputError`, which
    # is not this `__main__` module's class of the same name.
    from piilib.cli import run as cli_run

    cli_run()
