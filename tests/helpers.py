"""Plain helpers several test modules share (fixtures live in conftest.py)."""

from __future__ import annotations

import io
from contextlib import redirect_stdout

import pandas as pd

from piilib import schema
from piilib.bundle import DEMO_DIR
from piilib.cli import main


def run(argv) -> tuple[int, str]:
    """`pii argv` in this process: its exit code and what it printed on stdout."""
    buffer = io.StringIO()
    with redirect_stdout(buffer):
        code = main(argv)
    return code, buffer.getvalue()


def demo_values(edition: int) -> pd.DataFrame:
    """The bundled illustrative values of `edition`, as staff would type them into a workbook.

    Harmonised demo values carry rounding residue below zero (e.g. -4e-06 on a share), which
    the official importer rightly refuses: staff would type 0."""
    values = pd.read_csv(DEMO_DIR / "values.csv", dtype={schema.INDICATOR: str})
    values = values[values[schema.EDITION] == edition].reset_index(drop=True)
    return values.assign(**{schema.VALUE: values[schema.VALUE].clip(lower=0)})
