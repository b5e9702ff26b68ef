"""`pii` starts fast: `pii --help` imports no command module and no heavy library, and
every command is still listed with the help its module registers (issue 11)."""

import subprocess
import sys
from pathlib import Path

import pytest

from piilib import cli

SRC = Path(__file__).resolve().parents[1] / "src"


def imported_modules_after(code: str) -> set[str]:
    """The modules a fresh interpreter has imported after running `code`."""
    script = (
        f"import sys; sys.path.insert(0, {str(SRC)!r})\n"
        f"{code}\n"
        "print('\\n'.join(sorted(sys.modules)))"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    return set(done.stdout.split())


def test_help_imports_no_command_module_and_no_heavy_library():
    modules = imported_modules_after(
        "from piilib.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass"
    )
    heavy = {"numpy", "pandas", "scipy", "statsmodels", "openpyxl", "yaml", "matplotlib"}
    assert not heavy & modules
    assert not {m for m in modules if m.startswith("piilib.commands.")}


@pytest.mark.parametrize("command", ["index", "build", "validate", "template", "scores", "demo"])
def test_importing_a_command_module_imports_no_heavy_library(command):
    """The library is imported by the command's run function, not when the module loads."""
    modules = imported_modules_after(f"import piilib.commands.{command}")
    assert not {"numpy", "pandas", "scipy", "statsmodels", "openpyxl"} & modules


def test_help_lists_every_command_with_the_help_its_module_registers(capsys):
    full = cli.build_parser()  # every module registers itself
    registered = {action.dest: action.help for action in full._subparsers._group_actions[0]._choices_actions}
    expected = {name: cli.command_help(name) for name in cli.COMMAND_MODULES}
    assert registered == expected
    assert list(registered) == cli.COMMAND_MODULES
    with pytest.raises(SystemExit) as stop:
        cli.main(["--help"])
    assert stop.value.code == 0
    shown = " ".join(capsys.readouterr().out.split())
    for name, text in expected.items():
        assert f"{name} {' '.join(text.split())}" in shown


def test_a_command_gets_its_full_parser(capsys):
    with pytest.raises(SystemExit) as stop:
        cli.main(["index", "--help"])
    assert stop.value.code == 0
    assert "--idata" in capsys.readouterr().out


@pytest.mark.parametrize("language, said", [
    ("vietnamese", "lựa chọn không hợp lệ: 'sort'"),
    ("english", "invalid choice: 'sort'"),
])
def test_unknown_command_is_an_error_listing_the_commands(language, said, request, capsys):
    request.getfixturevalue(language)
    with pytest.raises(SystemExit) as stop:
        cli.main(["sort"])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert said in err and "'validate'" in err


def pii_process(argv: list[str], **kwargs) -> subprocess.CompletedProcess:
    """`pii argv` as the installed command runs it: `piilib.cli.run` in a fresh interpreter."""
    script = f"import sys; sys.path.insert(0, {str(SRC)!r}); sys.argv[1:] = {argv!r}\nfrom piilib.cli import run\nrun()"
    return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, **kwargs)


def test_the_command_exits_at_once_with_mains_code_and_all_its_output(capsys):
    # What `main` prints in this process is what the command prints, to the last line, and
    # the exit code is main's: run() skips the interpreter's teardown, not the output.
    argv = ["scores", "--edition", "2024"]
    assert cli.main(list(argv)) == 0
    expected = capsys.readouterr().out
    done = pii_process(argv)
    assert done.returncode == 0 and done.stdout == expected and len(expected.splitlines()) > 60
    bad = pii_process(["outlook", "--edition", "2024", "--province", "can-tho", "--draws", "0"])
    assert bad.returncode == cli.EXIT_BAD_INPUT and "--draws" in bad.stderr and bad.stdout == ""


def test_a_reader_that_stops_early_gets_no_traceback():
    script = (f"import sys; sys.path.insert(0, {str(SRC)!r}); sys.argv[1:] = ['scores', '--edition', '2024']\n"
              "from piilib.cli import run\nrun()")
    shell = f"{sys.executable} -c \"{script}\" | head -1"
    done = subprocess.run(["bash", "-c", shell], capture_output=True, text=True)
    assert len(done.stdout.splitlines()) == 1 and "Traceback" not in done.stderr and "Error" not in done.stderr
