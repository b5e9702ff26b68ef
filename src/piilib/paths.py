"""Where the project's bundled data live, and how chapter paths are resolved.

The data files (framework, units, plan, reference, demo) sit in `data/` at the repository
root, beside `src/`, so that staff and researchers can read and edit them; the package is
installed in editable mode by the Makefile, so this path is found from the source tree.

A chapter notebook runs from any working directory (Jupyter opened anywhere, papermill in the
build directory): relative paths in its parameters are read from the repository root
(`project_path`), and what it writes goes to `output_directory(output_dir)`, by default
`_build/interactive/` at the repository root, never beside the notebooks.
"""

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = REPO_ROOT / "data"
INTERACTIVE_OUTPUT_DIR = REPO_ROOT / "_build" / "interactive"
OFFICIAL_DIR_ENV = "PII_OFFICIAL_DIR"


def official_dir() -> Path:
    """The folder of official files every command reads: $PII_OFFICIAL_DIR, else data/official
    (`piilib.bundle` reads it; `piilib.safe_write` never writes into it)."""
    configured = os.environ.get(OFFICIAL_DIR_ENV)
    return Path(configured) if configured else DATA_DIR / "official"


def project_path(path: str | Path) -> Path:
    """`path` itself when absolute; otherwise from the repository root (not the working
    directory), e.g. "data/demo" -> <repository>/data/demo."""
    path = Path(path).expanduser()
    return path if path.is_absolute() else REPO_ROOT / path


def output_directory(output_dir: str | Path = "") -> Path:
    """The directory a chapter writes its files (figures, workbooks) into, created if needed:
    `output_dir` as given (the build passes "." — the kernel's working directory, published
    beside the page); "" for the interactive default, `_build/interactive/` at the root."""
    directory = Path(output_dir).expanduser() if str(output_dir) else INTERACTIVE_OUTPUT_DIR
    directory.mkdir(parents=True, exist_ok=True)
    return directory.resolve()


# Names the chapter modules use for the same two ideas.
repo_path = project_path
INTERACTIVE_DIR = INTERACTIVE_OUTPUT_DIR
