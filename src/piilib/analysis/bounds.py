"""Where an indicator's values must lie: the project's ONE rule, read from the framework.

The bound follows from what the indicator is (its unit text, English then Vietnamese, and
its denominator), never from the data:

    "(a–b)" in the unit (a score 0–10, a count of fields 0–13)   [a, b]
    "out of N" / "thang N"                                        [0, N]
    "%" of a part of a whole (pupils, communes, enterprises,
        population, or a share with no denominator)               [0, 100]
    "%" of GRDP (credit, exports: may exceed 100), "% (previous
        year = 100)", and every count, amount or ratio            [0, ∞)
    "percentage points" (a difference)                            (−∞, ∞)

A value outside its bound (e.g. a "%" share of pupils above 100 in a history file) is a data
problem to correct at the source, not evidence of a different bound: `outside_bounds` lists
such rows. Trend projections are censored at these bounds (`trend.project_all`), targets and
peer intervals are kept inside them.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

_RANGE = re.compile(r"\(\s*(-?\d+(?:[.,]\d+)?)\s*[–-]\s*(-?\d+(?:[.,]\d+)?)\s*\)")
_OUT_OF = re.compile(r"(?:out of|thang)\s+(\d+(?:[.,]\d+)?)", re.IGNORECASE)
UNBOUNDED_DENOMINATORS = ("grdp",)  # a ratio to GRDP can exceed 100 %
SHARE_UNIT = "%"


def _number(text: str) -> float:
    return float(text.replace(",", "."))


def unit_bounds(unit_en: str, denominator: str = "none", unit_vi: str = "") -> tuple[float, float]:
    """(lower, upper) for an indicator with this unit text (English, optionally Vietnamese)
    and denominator (module docstring)."""
    texts = [str(t).strip() for t in (unit_en, unit_vi) if isinstance(t, str) and t.strip()]
    if any("percentage point" in t.lower() or "điểm phần trăm" in t.lower() for t in texts):
        return -np.inf, np.inf
    for text in texts:
        found = _RANGE.search(text)
        if found:
            return _number(found.group(1)), _number(found.group(2))
        found = _OUT_OF.search(text)
        if found:
            return 0.0, _number(found.group(1))
    denominator = str(denominator).strip().lower() if isinstance(denominator, str) else "none"
    if texts and texts[0] == SHARE_UNIT and denominator not in UNBOUNDED_DENOMINATORS:
        return 0.0, 100.0
    return 0.0, np.inf


def indicator_bounds(framework: pd.DataFrame) -> pd.DataFrame:
    """Per indicator code (index `code`): lower, upper. framework: indicator rows with `code`
    (or `indicator`), `unit_en` (or `unit_vi`) and optionally `unit_vi`, `denominator`."""
    rows = framework[framework["level"] == "indicator"] if "level" in framework.columns else framework
    code_column = "code" if "code" in rows.columns else "indicator"
    if code_column not in rows.columns or not ({"unit_en", "unit_vi"} & set(rows.columns)):
        raise ValueError("framework: indicator bounds need columns code (or indicator) and unit_en (or unit_vi); "
                         f"found {list(rows.columns)}")
    blank = pd.Series("", index=rows.index)
    units_en = rows["unit_en"] if "unit_en" in rows.columns else blank
    units_vi = rows["unit_vi"] if "unit_vi" in rows.columns else blank
    denominators = rows["denominator"] if "denominator" in rows.columns else pd.Series("none", index=rows.index)
    bounds = [unit_bounds(u, d, v) for u, d, v in zip(units_en, denominators, units_vi)]
    return pd.DataFrame(bounds, columns=["lower", "upper"],
                        index=pd.Index(rows[code_column].astype(str), name="code"))


def bounds_mapping(framework: pd.DataFrame) -> dict[str, tuple[float, float]]:
    """indicator code -> (lower, upper), as `trend.project_all` and the outlook take them."""
    table = indicator_bounds(framework)
    return {code: (float(lo), float(hi)) for code, lo, hi in zip(table.index, table["lower"], table["upper"])}


def outside_bounds(values: pd.DataFrame, framework: pd.DataFrame) -> pd.DataFrame:
    """The rows of a tidy frame (indicator, value, ...) whose value lies outside its
    indicator's bounds, with columns lower and upper added: data problems to correct."""
    table = indicator_bounds(framework)
    codes = values["indicator"].astype(str)
    lower = codes.map(table["lower"]).astype(float)
    upper = codes.map(table["upper"]).astype(float)
    value = values["value"].astype(float)
    outside = (value < lower) | (value > upper)
    return values[outside.to_numpy()].assign(lower=lower[outside], upper=upper[outside])
