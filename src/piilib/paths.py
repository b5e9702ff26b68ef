"""Where the project's bundled data live.

The data files (framework, units, plan, reference, demo) sit in `data/` at the repository
root, beside `src/`, so that staff and researchers can read and edit them; the package is
installed in editable mode by the Makefile, so this path is found from the source tree.
"""

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = REPO_ROOT / "data"

# Where a chapter run interactively (Jupyter, papermill from the repository) writes its artefacts:
# never notebooks/, which holds only the templates.
INTERACTIVE_DIR = REPO_ROOT / "_build" / "interactive"


def repo_path(path: str | Path) -> Path:
    """`path` as given when absolute, else relative to the repository root (not the working
    directory), so a notebook's default `data_path = "data/demo"` works wherever it runs."""
    path = Path(path).expanduser()
    return path if path.is_absolute() else REPO_ROOT / path


def output_directory(output_dir: str | Path = "") -> Path:
    """The directory a chapter writes its artefacts (e.g. a workbook) into, created if needed.

    An explicit `output_dir` is used as given (relative: to the repository root). Empty: the
    working directory, where `pii build` runs each chapter (its files are published beside
    the page), unless that is the repository root or notebooks/ (an interactive session),
    in which case INTERACTIVE_DIR.
    """
    if str(output_dir):
        target = repo_path(output_dir)
    else:
        cwd = Path.cwd().resolve()
        interactive = cwd == REPO_ROOT or cwd == REPO_ROOT / "notebooks" or (REPO_ROOT / "notebooks") in cwd.parents
        target = INTERACTIVE_DIR if interactive else cwd
    target.mkdir(parents=True, exist_ok=True)
    return target
