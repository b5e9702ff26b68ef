"""Where the project's bundled data live.

The data files (framework, units, plan, reference, demo) sit in `data/` at the repository
root, beside `src/`, so that staff and researchers can read and edit them; the package is
installed in editable mode by the Makefile, so this path is found from the source tree.
"""

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = REPO_ROOT / "data"
