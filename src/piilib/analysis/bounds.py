"""Where an indicator's values must lie, read from the framework's unit text.

    "(a–b)" in the unit (a score 0–10, a count of fields 0–13)   [a, b]
    "out of 10"                                                   [0, 10]
    "%" of a part of a whole (pupils, communes, enterprises,
        population, or a share with no denominator)               [0, 100]
    "%" of GRDP (credit, exports: may exceed 100), "% (previous
        year = 100)", and every count, amount or ratio            [0, ∞)
    "percentage points" (a difference)                            (−∞, ∞)
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

_RANGE = re.compile(r"\(\s*(-?\d+(?:[.,]\d+)?)\s*[–-]\s*(-?\d+(?:[.,]\d+)?)\s*\)")
_OUT_OF = re.compile(r"out of\s+(\d+(?:[.,]\d+)?)", re.IGNORECASE)
UNBOUNDED_DENOMINATORS = ("grdp",)  # a ratio to GRDP can exceed 100 %


def _number(text: str) -> float:
    return float(text.replace(",", "."))


def unit_bounds(unit_en: str, denominator: str = "none") -> tuple[float, float]:
    """(lower, upper) for an indicator with this English unit text and denominator."""
    text = str(unit_en).strip()
    if "percentage point" in text.lower():
        return -np.inf, np.inf
    found = _RANGE.search(text)
    if found:
        return _number(found.group(1)), _number(found.group(2))
    found = _OUT_OF.search(text)
    if found:
        return 0.0, _number(found.group(1))
    if text == "%" and str(denominator).strip() not in UNBOUNDED_DENOMINATORS:
        return 0.0, 100.0
    return 0.0, np.inf


def indicator_bounds(framework: pd.DataFrame) -> pd.DataFrame:
    """Per indicator code (index): lower, upper (framework indicator rows: code, unit_en, denominator)."""
    rows = framework[framework["level"] == "indicator"] if "level" in framework.columns else framework
    bounds = [unit_bounds(u, d) for u, d in zip(rows["unit_en"], rows["denominator"])]
    return pd.DataFrame(bounds, columns=["lower", "upper"], index=pd.Index(rows["code"].astype(str), name="code"))
