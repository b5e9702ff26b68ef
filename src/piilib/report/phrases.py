"""Short Vietnamese phrases whose wording depends on the data, for sentences in notebooks.

The sentence stays in the notebook's markdown, where a researcher rewrites it; a phrase such
as "tăng 7,1% mỗi năm" or "nằm ngoài khoảng dự báo (kém hơn)" is glued into it. Each helper
takes numbers and returns a few words; numbers are written the Vietnamese way
(`piilib.report.text`).
"""

from __future__ import annotations

import math

from piilib.analysis.trend import GROWTH_PERCENT, GROWTH_POINTS, LOG_LINEAR, MIN_YEARS
from piilib.report.text import MISSING, _missing, comparison_phrase, integer, number, percent, with_unit

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


def value_number(value, decimals: int | None = None) -> str:
    """An indicator's raw value with as many decimals as it needs: 4.5512 -> "4,55",
    0.004237 -> "0,0042", missing -> "–". decimals: the indicator's precision
    (`piilib.report.text.precision` of its values), which a chapter passes so that every
    value of one indicator is written alike."""
    if _missing(value):
        return MISSING
    return number(value, decimals_for(value) if decimals is None else decimals)


def value_with_unit(value, unit_label: str, decimals: int | None = None) -> str:
    """An indicator's value and its unit ("0,0042 đơn/xã", "4,49%"); "–" alone when missing."""
    return MISSING if _missing(value) else with_unit(value_number(value, decimals), unit_label)


def change_unit(unit_label: str) -> str:
    """The unit a change of the indicator is stated in: a change of a percentage is in
    percentage points."""
    return PERCENTAGE_POINTS if str(unit_label).strip() == "%" else str(unit_label or "").strip()


def growth_decimals(growth, growth_unit: str, decimals: int | None = None) -> int:
    """Decimals of a yearly change: 1 for relative growth (%/năm), else `decimals` (the
    precision of a rate of the indicator's values, `precision(values, rate=True)`) or what
    the value needs."""
    if growth_unit == GROWTH_PERCENT:
        return 1
    return decimals_for(growth) if decimals is None else decimals


def per_year_unit(growth_unit: str, unit_label: str) -> str:
    """The unit of a yearly change, with its leading space when it is a word: "%/năm",
    " điểm phần trăm/năm" (a share's linear change), " đơn/xã mỗi năm", " điểm/năm",
    " đơn vị/năm" (no unit)."""
    unit_text = str(unit_label or "").strip()
    if growth_unit == GROWTH_PERCENT:
        return "%/năm"
    if unit_text == "%":
        return f" {PERCENTAGE_POINTS}/năm"
    if not unit_text:
        return " đơn vị/năm"
    return f" {unit_text} mỗi năm" if "/" in unit_text else f" {unit_text}/năm"


def growth_phrase(growth, growth_unit: str, unit_label: str, decimals: int | None = None) -> str:
    """How a trend moves per year, in the unit of its model (`TrendFit.growth`,
    `growth_unit`): relative growth only for a log-linear fit ("tăng 7,1%/năm"; for an
    indicator in % it says it is not percentage points), else the indicator's own unit per
    year: "giảm 0,35 điểm phần trăm/năm" for a share, "tăng 0,000097 đơn/xã mỗi năm" (a unit
    with its own slash), "tăng 2 đơn vị/năm"; "gần như không đổi" when it rounds to zero;
    "–" without a growth."""
    if _missing(growth):
        return MISSING
    growth = float(growth)
    unit_text = str(unit_label or "").strip()
    decimals = growth_decimals(growth, growth_unit, decimals)
    per_year = per_year_unit(growth_unit, unit_label)
    if round(abs(growth), decimals) == 0:
        return "gần như không đổi"
    phrase = f"{'tăng' if growth > 0 else 'giảm'} {number(abs(growth), decimals)}{per_year}"
    if growth_unit == GROWTH_PERCENT and unit_text == "%":
        phrase += " (tốc độ tương đối, không phải điểm phần trăm)"
    return phrase


def trend_phrase(slope, kind: str, unit_label: str) -> str:
    """`growth_phrase` of a slope from a trend of `kind` (log-linear: % per year)."""
    return growth_phrase(slope, GROWTH_PERCENT if kind == LOG_LINEAR else GROWTH_POINTS, unit_label)


def not_enough_evidence_phrase(n_years: int, constant: bool = False) -> str:
    """Why a history gives no forecast: too short (fewer than MIN_YEARS years) or constant
    (no scatter to measure the uncertainty by)."""
    if constant:
        return (f"chưa đủ căn cứ để dự báo: {int(n_years)} năm số liệu có cùng một giá trị, "
                f"không ước lượng được mức dao động")
    return f"chưa đủ căn cứ để dự báo (cần ít nhất {MIN_YEARS} năm số liệu, hiện có {int(n_years)})"


def forecast_phrase(predicted, lower, upper, coverage: float, unit_label: str, decimals: int | None = None) -> str:
    """The forecast with its interval: "0,0050 đơn/xã (khoảng dự báo 80%: 0,0037 đến 0,0064)"."""
    if _missing(predicted):
        return MISSING
    return (f"{value_with_unit(predicted, unit_label, decimals)} (khoảng dự báo {percent(coverage)}: "
            f"{value_number(lower, decimals)} đến {value_number(upper, decimals)})")


def probability_phrase(probability) -> str:
    """A probability as a percentage a reader can act on: 0.797 -> "80%", below 1% "dưới 1%",
    above 99% "trên 99%", missing "–"."""
    if _missing(probability):
        return MISSING
    probability = float(probability)
    if probability < 0.005:
        return "dưới 1%"
    if probability > 0.995:
        return "trên 99%"
    return percent(probability)


def map_phrase(n_units, region_size) -> str:
    """The map a rank is on: "trên 34 tỉnh, thành phố; vùng 6 tỉnh, thành phố"."""
    return f"trên {integer(n_units)} tỉnh, thành phố; vùng {integer(region_size)} tỉnh, thành phố"


def rank_pair(rank, region_rank) -> str:
    """A national and a regional rank for a table cell: "29 (vùng 5)"."""
    if _missing(rank):
        return MISSING
    return f"{integer(rank)} (vùng {integer(region_rank)})" if not _missing(region_rank) else integer(rank)


def rank_effect_phrase(today_rank, new_rank, n_units, subject: str = "PII") -> str:
    """What a target does to a rank on its map: "không làm thay đổi thứ hạng PII (vẫn thứ
    14/34)" or "đưa thứ hạng PII từ thứ 14 lên thứ 13/34" (down: "xuống"); `subject` names
    the ranking ("PII", "của chỉ số")."""
    if _missing(today_rank) or _missing(new_rank):
        return f"chưa tính được thứ hạng {subject}"
    today_rank, new_rank = int(today_rank), int(new_rank)
    if today_rank == new_rank:
        return f"không làm thay đổi thứ hạng {subject} (vẫn thứ {new_rank}/{integer(n_units)})"
    way = "lên" if new_rank < today_rank else "xuống"
    return f"đưa thứ hạng {subject} từ thứ {today_rank} {way} thứ {new_rank}/{integer(n_units)}"


def pii_rank_effect_phrase(today_rank, new_rank, n_units) -> str:
    """`rank_effect_phrase` of the PII rank."""
    return rank_effect_phrase(today_rank, new_rank, n_units, "PII")


EVIDENCE_NAMES = {"trend": "xu hướng của chính địa phương", "peer": "mô hình so sánh theo đặc điểm cơ cấu"}


def evidence_phrase(model, oos_rmse, other_oos_rmse, unit_label: str, decimals: int | None = None) -> str:
    """Which evidence the target rests on and how well it predicts out of sample: "xu hướng
    của chính địa phương (sai số dự báo ngoài mẫu 0,0016 đơn/xã, so với 0,0067 đơn/xã của mô
    hình so sánh)"; without a usable model "chưa đủ căn cứ (…)"."""
    if model not in EVIDENCE_NAMES:
        return "chưa đủ căn cứ (chuỗi số liệu quá ngắn hoặc không đổi, và không có mô hình so sánh dùng được)"
    phrase = f"{EVIDENCE_NAMES[model]} (sai số dự báo ngoài mẫu {value_with_unit(oos_rmse, unit_label, decimals)}"
    if not _missing(other_oos_rmse):
        other = "mô hình so sánh" if model == "trend" else "xu hướng"
        phrase += f", so với {value_with_unit(other_oos_rmse, unit_label, decimals)} của {other}"
    return phrase + ")"


def peer_conclusion_phrase(value, expected, lower, upper, direction: int, explains_little: bool,
                           decimals: int | None = None) -> str:
    """What the comparison with the structure supports: nothing when the structure explains
    little (R² below WEAK_FIT), else where the value stands against the expected value and
    its interval."""
    if explains_little:
        return (f"cơ cấu giải thích được quá ít sự khác biệt giữa các địa phương (R² dưới "
                f"{number(WEAK_FIT, 1)}), nên so sánh này không cho phép kết luận giá trị của địa phương "
                f"cao hay thấp so với cơ cấu")
    if _missing(value) or _missing(expected):
        return "chưa so sánh được"
    position = comparison_phrase(value, expected, direction, decimals_for(expected) if decimals is None else decimals)
    return f"{position} so với mức dự kiến, {interval_phrase(value, lower, upper, direction)}"


def influence_phrase(leverage, cooks_distance, n_obs, n_params) -> str:
    """The province's weight in the fit: "đòn bẩy 0,14, khoảng cách Cook 0,13", with
    "(cao)" beside a leverage above 2p/n or a Cook's distance above 4/n (the usual flags)."""
    if _missing(leverage) or _missing(cooks_distance):
        return MISSING
    high_leverage = float(leverage) > 2 * float(n_params) / float(n_obs)
    high_cook = float(cooks_distance) > 4 / float(n_obs)
    return (f"đòn bẩy {number(leverage, 2)}{' (cao)' if high_leverage else ''}, "
            f"khoảng cách Cook {number(cooks_distance, 2)}{' (cao)' if high_cook else ''}")


def trend_model_phrase(kind: str) -> str:
    """The trend model in words."""
    return "tăng trưởng theo tỷ lệ (log-tuyến tính)" if kind == LOG_LINEAR else "tuyến tính"


def gap_phrase(gap, behind: bool, decimals: int | None = None) -> str:
    """Where the province stands against a threshold: "còn thiếu 0,0042" / "đã vượt 1,20"."""
    if _missing(gap):
        return MISSING
    return ("còn thiếu " if behind else "đã vượt ") + value_number(abs(float(gap)), decimals)


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
