"""Increments in words, and as a count of things where the indicator's unit is a count per population or per commune."""

from __future__ import annotations

import math
import re

import numpy as np

from piilib.report.tables import format_number


# --------------------------------------------------------------------------- increments in words


def _scale(text: str) -> float:
    """'10.000' -> 10000 (Vietnamese thousands separators)."""
    return float(text.replace(".", "").replace(",", "."))


def count_unit(unit_label: str) -> tuple[str, float] | None:
    """(count noun, per how many) for units like 'đơn/10.000 dân' or 'đơn/xã'; None otherwise.

    Only counts qualify: a unit with '%', money ('đồng') or a score has no count behind it.
    """
    match = re.fullmatch(r"\s*([^/\d%]+?)\s*/\s*(\d[\d.]*)?\s*(.+)", str(unit_label))
    if not match or "đồng" in match.group(1) or "điểm" in match.group(1) or "chỉ số" in match.group(1):
        return None
    return match.group(1).strip(), _scale(match.group(2)) if match.group(2) else 1.0


def count_noun(indicator_name: str, noun: str) -> str:
    """The counted thing named from the indicator, e.g. 'đơn đăng ký chỉ dẫn địa lý'."""
    head = str(indicator_name).split("/")[0]
    position = head.lower().find(noun.lower())
    phrase = head[position:].strip() if position >= 0 else noun
    # Lower-case a capital that only starts the sentence ("Đơn đăng ký"), not an acronym ("OCOP").
    if len(phrase) > 1 and phrase[0].isupper() and phrase[1].islower():
        phrase = phrase[0].lower() + phrase[1:]
    return phrase


def increment_count(increment: float, unit_label: str, denominator: float) -> int | None:
    """The increment as a whole count (rounded away from zero), or None when not a count."""
    counted = count_unit(unit_label)
    if counted is None or not np.isfinite(denominator) or not np.isfinite(increment):
        return None
    amount = increment * denominator / counted[1]
    return int(math.copysign(math.ceil(abs(amount) - 1e-9), amount)) if amount else 0


def _signed(value: float, decimals: int | None = None) -> str:
    # All `decimals` kept ("+0,01330" beside "+0,01386"): callers pass the precision the
    # indicator's values are written with, where a trailing zero is a digit like any other.
    sign = "+" if value > 0 else "−" if value < 0 else ""
    return sign + format_number(abs(value), decimals)


def increment_text(increment: float, unit_label: str, decimals: int, count: int | None = None,
                   noun: str | None = None, reached: bool | None = None) -> str:
    """The increment in Vietnamese at `decimals`: '+3 đơn đăng ký chỉ dẫn địa lý (+0,0231 đơn/xã)';
    one below that precision is "gần như giữ nguyên" (or the count alone), never '+0 đơn/xã'.
    reached: whether the target is already reached (None: when the increment is exactly 0; a
    shown change can be 0 for a target not yet reached, which is "gần như giữ nguyên")."""
    if not np.isfinite(increment):
        return ""
    if reached if reached is not None else increment == 0:
        return "giữ nguyên (đã đạt)"
    unit = re.sub(r"\s*\(.*?\)", "", str(unit_label)).strip()
    if unit == "%":
        unit = "điểm phần trăm"
    shown = round(float(increment), decimals) != 0
    in_unit = f"{_signed(increment, decimals)} {unit}".strip()
    if count is not None and noun:
        return f"{_signed(count)} {noun} ({in_unit})" if shown else f"{_signed(count)} {noun}"
    return in_unit if shown else "gần như giữ nguyên"
