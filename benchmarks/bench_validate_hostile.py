"""`pii validate` on the resource blow-up inputs of issue 10, whole processes (prints; no assertions).

    .venv/bin/python benchmarks/bench_validate_hostile.py

- a filled 2026 template (34 x 52) with one stray "." in A1048576 (the last row of a sheet);
- a long CSV of 100,000 rows whose values are all text (100,000 problems of one kind);
- a workbook whose sheet is an XML entity bomb ("billion laughs", 10 levels).

Printed per case: wall-clock and CPU seconds (user + system), peak memory of the process, exit
code and the number of lines written. On issue 10's main these took ~5 minutes and 13 GB (stray
cell) and printed 96,725 lines (bad rows). The files are generated in a temporary folder.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import numpy as np  # noqa: E402
import openpyxl  # noqa: E402

from piilib.framework import indicators  # noqa: E402
from piilib.io import template as T  # noqa: E402
from piilib.io.validate import value_range  # noqa: E402
from piilib.units import load_units  # noqa: E402

EDITION = 2026


def stray_cell_workbook(folder: Path) -> Path:
    path = T.write_template(EDITION, folder / "stray.xlsx")
    workbook = openpyxl.load_workbook(path)
    sheet = workbook[T.DATA_SHEET]
    rng = np.random.default_rng(0)
    for offset, row in indicators(EDITION).reset_index(drop=True).iterrows():
        lower, upper = value_range(row)
        for i in range(len(load_units(EDITION))):
            value = rng.uniform(max(lower, 0.0), min(upper, 500.0))
            sheet.cell(T.FIRST_DATA_ROW + i, T.FIRST_CODE_COLUMN + offset, round(float(value), 2))
    sheet["A1048576"] = "."
    workbook.save(path)
    return path


def bad_rows_csv(folder: Path, rows: int = 100_000) -> Path:
    names = load_units(2025)["name_vi"].tolist()
    path = folder / "bad-rows.csv"
    lines = ["edition,province,indicator,value"]
    lines += [f"2025,{names[i % len(names)]},1.1.1,abc{i}" for i in range(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def entity_bomb_workbook(folder: Path) -> Path:
    path = folder / "bomb.xlsx"
    openpyxl.Workbook().save(path)
    entities = ['<!ENTITY e0 "lollollollollollollollollollol">'] + [
        f'<!ENTITY e{i} "{("&e" + str(i - 1) + ";") * 10}">' for i in range(1, 10)]
    sheet = ('<?xml version="1.0"?><!DOCTYPE worksheet [' + "".join(entities) + ']>'
             '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
             '<row r="1"><c r="A1" t="inlineStr"><is><t>&e9;</t></is></c></row></sheetData></worksheet>')
    with zipfile.ZipFile(path) as source:
        items = [(info.filename, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in items:
            target.writestr(name, sheet.encode() if name == "xl/worksheets/sheet1.xml" else data)
    return path


def measure(path: Path) -> None:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT / "src")] + [p for p in [os.environ.get("PYTHONPATH")] if p]))
    script = Path(sys.executable).with_name("pii")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "piilib.cli"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command + ["validate", str(path)], env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    lines = len(done.stdout.splitlines()) + len(done.stderr.splitlines())
    print(f"{path.name}: {wall:.2f} s wall, {cpu:.2f} s CPU, peak memory {after.ru_maxrss / 1024:.0f} MB "
          f"(largest child so far), exit {done.returncode}, {lines} lines; load average "
          f"{os.getloadavg()[0]:.1f}")
    print("   " + (done.stderr or done.stdout).splitlines()[0][:200])


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        for build in (stray_cell_workbook, bad_rows_csv, entity_bomb_workbook):
            measure(build(folder))


if __name__ == "__main__":
    main()
