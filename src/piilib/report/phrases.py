"""Short Vietnamese phrases whose wording depends on the data, for sentences in notebooks.

The sentence stays in the notebook's markdown, where a researcher rewrites it; a phrase such
as "tăng 7,1% mỗi năm" or "nằm ngoài khoảng dự báo (kém hơn)" is glued into it. Each helper
takes numbers and returns a few words; numbers are written the Vietnamese way
(`piilib.report.text`).
"""

from __future__ import annotations

import math

from piilib.analysis.trend import LOG_LINEAR
from piilib.report.text import MISSING, _missing, number, with_unit

PERCENTAGE_POINTS = "điểm phần trăm"
# Below this R² the structure explains little of how provinces differ (issue 8: say so
# instead of concluding); from STRONG_FIT on, most of it.
WEAK_FIT = 0.2
STRONG_FIT = 0.5


def decimals_for(value) -> int:
    """Decimals that show at least two significant digits of a small value (2 from 1 up)."""
    if _missing(value):
        return 2
    magnitude = abs(float(value))
    if magnitude >= 1 or magnitude == 0:
        return 2
    return min(6, 1 - int(math.floor(math.log10(magnitude))))


def value_number(value) -> str:
    """An indicator's raw value with as many decimals as it needs: 4.5512 -> "4,55",
    0.004237 -> "0,0042", missing -> "–"."""
    if _missing(value):
        return MISSING
    return number(value, decimals_for(value))


def value_with_unit(value, unit_label: str) -> str:
    """An indicator's value and its unit ("0,0042 đơn/xã", "4,49%"); "–" alone when missing."""
    return MISSING if _missing(value) else with_unit(value_number(value), unit_label)


def change_unit(unit_label: str) -> str:
    """The unit a change of the indicator is stated in: a change of a percentage is in
    percentage points."""
    return PERCENTAGE_POINTS if str(unit_label).strip() == "%" else str(unit_label or "").strip()


def trend_phrase(slope, kind: str, unit_label: str) -> str:
    """How a trend moves per year: "tăng 7,1% mỗi năm" (log-linear: relative growth; for an
    indicator in % it says so, since "%" alone would read as percentage points), "giảm 0,35
    điểm phần trăm mỗi năm" (linear, indicator in %), "tăng 0,0021 đơn/xã mỗi năm"; "gần như
    không đổi" when the slope rounds to zero; "–" without a slope."""
    if _missing(slope):
        return MISSING
    slope = float(slope)
    if kind == LOG_LINEAR:
        decimals, text_unit = 1, "%"
    else:
        decimals, text_unit = decimals_for(slope), change_unit(unit_label)
    if round(abs(slope), decimals) == 0:
        return "gần như không đổi"
    verb = "tăng" if slope > 0 else "giảm"
    phrase = f"{verb} {with_unit(number(abs(slope), decimals), text_unit)} mỗi năm"
    if kind == LOG_LINEAR and str(unit_label).strip() == "%":
        phrase += " (tốc độ tương đối, không phải điểm phần trăm)"
    return phrase


def trend_model_phrase(kind: str) -> str:
    """The trend model in words."""
    return "tăng trưởng theo tỷ lệ (log-tuyến tính)" if kind == LOG_LINEAR else "tuyến tính"


def gap_phrase(gap, behind: bool) -> str:
    """Where the province stands against a threshold: "còn thiếu 0,0042" / "đã vượt 1,20"."""
    if _missing(gap):
        return MISSING
    return ("còn thiếu " if behind else "đã vượt ") + value_number(abs(float(gap)))


def gap_trend_phrase(closing: bool, eroding: bool, behind: bool, significant: bool) -> str:
    """Which way the gap to a threshold moves: "đang thu hẹp", "đang nới rộng", "lợi thế
    đang tăng", "lợi thế đang giảm", with "(chưa rõ ràng về thống kê)" when the slope of the
    gap is not significant."""
    if closing:
        phrase = "đang thu hẹp"
    elif eroding:
        phrase = "lợi thế đang giảm"
    elif behind:
        phrase = "đang nới rộng"
    else:
        phrase = "lợi thế đang tăng"
    return phrase if significant else phrase + " (chưa rõ ràng về thống kê)"


def interval_phrase(value, lower, upper, direction: int) -> str:
    """Where a value stands against a prediction interval, in the indicator's sense of better:
    "nằm trong khoảng dự báo", "cao hơn khoảng dự báo (tốt hơn)", "thấp hơn khoảng dự báo
    (kém hơn)" (better and worse swap for a lower-is-better indicator)."""
    if _missing(value) or _missing(lower) or _missing(upper):
        return "chưa so sánh được"
    value = float(value)
    if float(lower) <= value <= float(upper):
        return "nằm trong khoảng dự báo"
    above = value > float(upper)
    better = above if int(direction) == 1 else not above
    return f"{'cao hơn' if above else 'thấp hơn'} khoảng dự báo ({'tốt hơn' if better else 'kém hơn'})"


def explained_phrase(r_squared) -> str:
    """How much of the differences between provinces a model explains, from its R²."""
    if _missing(r_squared):
        return MISSING
    if float(r_squared) < WEAK_FIT:
        return "giải thích được rất ít"
    if float(r_squared) < STRONG_FIT:
        return "giải thích được một phần"
    return "giải thích được phần lớn"


def increment_phrase(increment_count, count_noun, increment_text) -> str:
    """A target's increment: a whole count when the indicator counts something ("+2 đơn
    đăng ký chỉ dẫn địa lý"), else the targets table's text in the indicator's unit."""
    if not _missing(increment_count) and count_noun:
        return f"{int(increment_count):+d} {count_noun}"
    return str(increment_text)
