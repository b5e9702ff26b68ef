"""Small Vietnamese phrasing helpers for report sentences built from computed values.

Numbers are written the Vietnamese way ("1.234,5": "." between thousands, "," before
decimals); a missing value is an en dash. Phrases are short and composable, so a notebook
can write f"{province} xếp {rank_phrase(7, 63)}" without any logic of its own.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import pandas as pd

from piilib.report.markup import MarkdownText, escape_markdown
from piilib.report.tables import format_number

MISSING = "–"


def _missing(value) -> bool:
    if value is None:
        return True
    try:
        return math.isnan(float(value))
    except (TypeError, ValueError):
        return False


def number(value, decimals: int = 1) -> str:
    """1234.5 -> "1.234,5"; 0.25 with 2 decimals -> "0,25"; missing -> "–"."""
    if _missing(value):
        return MISSING
    # round first: "-0,0" would read as a loss where there is none.
    rounded = round(float(value), decimals) + 0.0
    return format_number(rounded, decimals)


def integer(value) -> str:
    """8718000 -> "8.718.000"."""
    if _missing(value):
        return MISSING
    return format_number(int(round(float(value))))


def signed(value, decimals: int = 2) -> str:
    """A change with its sign: 0.31 -> "+0,31", -1.5 -> "−1,50" (U+2212), 0 -> "0,00"."""
    if _missing(value):
        return MISSING
    rounded = round(float(value), decimals)
    return f"+{number(rounded, decimals)}" if rounded > 0 else number(rounded, decimals)


def percent(fraction, decimals: int = 0) -> str:
    """A share given as a fraction: 0.853 -> "85%"; 0.8534 with 1 decimal -> "85,3%"."""
    if _missing(fraction):
        return MISSING
    return f"{number(100 * float(fraction), decimals)}%"


def rank_phrase(rank, n_units) -> str:
    """"thứ 7/63" (the rank among n units); missing rank -> "chưa xếp hạng"."""
    if _missing(rank):
        return "chưa xếp hạng"
    return f"thứ {int(rank)}/{int(n_units)}"


def rank_fraction(rank, n_units) -> str:
    """"7/63" for a table cell whose header already says "Thứ hạng"; missing rank -> "–"."""
    if _missing(rank):
        return MISSING
    return f"{int(rank)}/{int(n_units)}"


def rank_change_phrase(before, after) -> str:
    """How a rank moves (1 is best): 9 -> 7 "tăng 2 bậc (từ thứ 9 lên thứ 7)",
    7 -> 8 "giảm 1 bậc (từ thứ 7 xuống thứ 8)", 7 -> 7 "giữ nguyên thứ 7"."""
    if _missing(before) or _missing(after):
        return "chưa so sánh được thứ hạng"
    before, after = int(before), int(after)
    if after < before:
        return f"tăng {before - after} bậc (từ thứ {before} lên thứ {after})"
    if after > before:
        return f"giảm {after - before} bậc (từ thứ {before} xuống thứ {after})"
    return f"giữ nguyên thứ {after}"


def change_phrase(delta, decimals: int = 2, unit: str = "điểm") -> str:
    """A change in words: 1.234 -> "tăng 1,23 điểm", -3.41 -> "giảm 3,41 điểm"; "không đổi"
    when it rounds to zero at the shown precision."""
    if _missing(delta):
        return "chưa so sánh được"
    amount = number(abs(float(delta)), decimals)
    if amount == number(0, decimals):
        return "không đổi"
    return f"{'tăng' if float(delta) > 0 else 'giảm'} {amount} {unit}".strip()


def verdict_label(reached) -> str:
    """A goal's status for a table cell: True -> "Đạt", False -> "Chưa đạt", missing -> "–"."""
    if reached is None or pd.isna(reached):
        return MISSING
    return "Đạt" if bool(reached) else "Chưa đạt"


def rank_band_sentence(low, high, narrow: int = 4) -> str:
    """What a rank interval under methodological choices says: a band of at most `narrow`
    places is "khá vững", a wider one is to be read as an interval."""
    if int(high) - int(low) <= narrow:
        return "Thứ hạng vì vậy khá vững với cách tính."
    return "Khoảng này rộng: nên đọc thứ hạng như một khoảng, không phải một con số chính xác."


def map_phrase(n_units) -> str:
    """The map a probability is computed on: "trên 34 tỉnh, thành phố"."""
    return f"trên {integer(n_units)} tỉnh, thành phố"


def region_phrase(region_name, n_region) -> str:
    """A region and its size on the map: "vùng Đồng bằng sông Cửu Long gồm 6 tỉnh, thành phố"."""
    return f"vùng {region_name} gồm {integer(n_region)} tỉnh, thành phố"


def rank_band(low, high) -> str:
    """A rank interval: "từ thứ 9 đến thứ 18" ("thứ 9" when both ends agree)."""
    low, high = int(low), int(high)
    return f"thứ {low}" if low == high else f"từ thứ {low} đến thứ {high}"


def monte_carlo_error(se) -> str:
    """The Monte Carlo error of a simulated probability, in percentage points ("±0,5 điểm
    phần trăm"): the noise from simulating a finite number of draws, not the uncertainty."""
    return f"±{number(100 * float(se), 1)} điểm phần trăm"


def map_change_sentence(merged, base_edition, next_edition, n_units, base_n_units, name, partners,
                        base_rank_on_map) -> str:
    """What map the next edition is ranked on, and where the base edition's values put the
    province there. merged: the base edition is on the former provinces (63) and the next on
    the merged units (34); partners: the former provinces merged into it."""
    if bool(merged):
        with_whom = f" (hợp nhất với {join_phrases(partners)})" if partners else ""
        return (f"Kỳ PII {next_edition} xếp hạng {integer(n_units)} tỉnh, thành phố sau sáp nhập, không phải "
                f"{integer(base_n_units)} tỉnh, thành phố như kỳ {base_edition}: {name}{with_whom} được tính như "
                f"một đơn vị, và các xác suất dưới đây đều trên {integer(n_units)} đơn vị đó. Với chính số liệu "
                f"kỳ {base_edition}, đơn vị sau sáp nhập đứng thứ {integer(base_rank_on_map)}/{integer(n_units)}.")
    return (f"Kỳ PII {next_edition} xếp hạng trên cùng {integer(n_units)} tỉnh, thành phố như kỳ {base_edition}; "
            f"với số liệu kỳ {base_edition}, {name} đứng thứ {integer(base_rank_on_map)}/{integer(n_units)}.")


def goal_path_verdict(reached, confirmed) -> str:
    """How the cheapest path ends: confirmed on independent draws, reached on the search draws
    only (at the edge), or out of reach within the evidence."""
    if bool(confirmed):
        return "đạt cả hai mục tiêu, và lần mô phỏng kiểm tra độc lập xác nhận điều đó"
    if bool(reached):
        return ("vừa chạm ngưỡng trên các lần mô phỏng dùng để tìm, nhưng lần mô phỏng kiểm tra độc lập cho "
                "kết quả sát dưới ngưỡng: đây là mức tối thiểu, không phải mức an toàn")
    return ("không đạt được: ngay cả khi cải thiện mọi chỉ số có xu hướng đến giới hạn của bằng chứng, "
            "mục tiêu vẫn nằm ngoài tầm với")


def interval_width_sentence(widest, wide: float = 0.3) -> str:
    """What bootstrap intervals of sensitivity indices say: the widest interval at least
    `wide` means the order of the influences is uncertain."""
    if _missing(widest):
        return ""
    if float(widest) >= wide:
        return ("Các khoảng tin cậy rộng: thứ tự ảnh hưởng giữa các lựa chọn chưa chắc chắn, chỉ nên đọc "
                "những khác biệt lớn hơn độ rộng khoảng.")
    return "Các khoảng tin cậy hẹp: thứ tự ảnh hưởng giữa các lựa chọn khá chắc chắn."


def sentence_case(text) -> str:
    """`text` with its first letter a capital, for a table cell that quotes a clause of a list
    ("duy trì trong top 10 …" -> "Duy trì trong top 10 …"); the rest as written."""
    text = str(text)
    return text[:1].upper() + text[1:]


def lower_first(text) -> str:
    """`text` with its first letter small, for a sentence that continues a clause
    ("Các khoảng tin cậy hẹp…" after "Với chỉ số tổng, "); the rest as written."""
    text = str(text)
    return text[:1].lower() + text[1:]


def name_with_unit(name, unit, limit: int = 60) -> str:
    """An indicator's name cut to `limit` characters with its unit in brackets ("Số tổ chức
    KH&CN/10.000 dân [tổ chức/10.000 dân]"); a name that ends with its unit already
    ("Vay tài chính vi mô/GRDP (%)") keeps it once, not "(%) [%]"."""
    name, unit = str(name).strip(), str(unit or "").strip()
    shown = shorten(name, limit)
    if not unit or (shown == name and name.endswith(f"({unit})")):
        return shown
    return f"{shown} [{unit}]"


def shorten(text, limit: int = 40) -> str:
    """`text` cut to `limit` characters with an ellipsis ("Tỷ lệ doanh nghiệp…")."""
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# The precision rule of the report: a whole count is shown whole; any other value with
# SIGNIFICANT_DIGITS significant digits at the typical magnitude of the values it is measured
# with (its indicator's values across provinces, say), never more decimals than the data carry.
# A change, a gap or a slope is shown with the decimals of the values it is a change of, so a
# tiny difference reads "0,00" (or "không đổi"), not "0,000000" or "+0,00281".
SIGNIFICANT_DIGITS = 3
MAX_DECIMALS = 6


def _finite(values) -> list[float]:
    if values is None or isinstance(values, (int, float)):
        values = [values]
    return [float(v) for v in values if not _missing(v) and math.isfinite(float(v))]


def whole_counts(values) -> bool:
    """True when every known value is a whole number (a count, a number of fields, a rank)."""
    finite = _finite(values)
    return bool(finite) and all(abs(v - round(v)) <= 1e-9 * max(1.0, abs(v)) for v in finite)


def precision(values, significant: int = SIGNIFICANT_DIGITS, rate: bool = False) -> int:
    """Decimals to show numbers measured like `values` with (the precision rule above):
    0 for whole counts ([4, 10, 11] -> 0); else `significant` significant digits at the median
    magnitude of the non-zero values ([52.83, 49.2] -> 1, [0.0093, 0.0042] -> 5), capped by
    the decimals the values themselves carry ([0.5, 0.25] -> 2) and by MAX_DECIMALS.
    rate: for a rate of change of such values (a slope per year, a forecast's spread): the
    significant digits at the values' scale, even for counts ([4, 10, 11] -> 2)."""
    finite = _finite(values)
    if not finite or (whole_counts(finite) and not (rate and any(finite))):
        return 0
    nonzero = sorted(abs(v) for v in finite if v != 0)
    median = nonzero[len(nonzero) // 2] if len(nonzero) % 2 else (nonzero[len(nonzero) // 2 - 1]
                                                                     + nonzero[len(nonzero) // 2]) / 2
    wanted = max(0, min(MAX_DECIMALS, significant - 1 - math.floor(math.log10(median))))
    if rate:
        return wanted
    for carried in range(wanted + 1):  # the data's own decimals, when fewer
        if all(abs(round(v, carried) - v) <= 1e-9 * max(1.0, abs(v)) for v in finite):
            return carried
    return wanted


def precise(value, values=None, significant: int = SIGNIFICANT_DIGITS) -> str:
    """`value` with the decimals of the precision rule for numbers measured like `values`
    (default: the value alone): precise(10.0, [4, 10]) -> "10", precise(52.8346) -> "52,8",
    precise(0.00281, [0.16, 0.10]) -> "0,003"; missing -> "–"."""
    if _missing(value):
        return MISSING
    return number(value, precision(value if values is None else values, significant))


def precise_change(delta, values, significant: int = SIGNIFICANT_DIGITS) -> str:
    """A change with its sign at the precision of the values it changes: +2, "+0,003", and
    "0" (no sign) when it rounds to zero at that precision."""
    if _missing(delta):
        return MISSING
    decimals = precision(values, significant)
    return "0" if round(float(delta), decimals) == 0 else signed(delta, decimals)


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def significant(value, digits: int = SIGNIFICANT_DIGITS) -> str:
    """A model estimate (a coefficient, a standard error) with `digits` significant digits of
    its own: 0.01234 -> "0,0123", 2.5 -> "2,50", a very small or large one in powers of ten
    (1.234e-8 -> "1,23 × 10⁻⁸", never "0,000000"; a negative with U+2212); 0 -> "0"; missing -> "–"."""
    if _missing(value):
        return MISSING
    value = float(value)
    if value == 0:
        return "0"
    exponent = math.floor(math.log10(abs(value)))
    if -4 <= exponent < 6:
        return number(value, max(0, digits - 1 - exponent))
    mantissa = value / 10 ** exponent
    if abs(round(mantissa, digits - 1)) >= 10:  # 9.996e-8 -> 1,00 × 10⁻⁷
        mantissa, exponent = mantissa / 10, exponent + 1
    return f"{number(mantissa, digits - 1)} × 10{str(exponent).translate(_SUPERSCRIPT)}"


def measured(value) -> str:
    """A raw indicator value with the decimals it needs to be read: 2 from 1 up, at least two
    significant digits below (0,0064), at most 6; missing -> "–"."""
    if _missing(value):
        return MISSING
    magnitude = abs(float(value))
    decimals = 2 if magnitude >= 1 or magnitude == 0 else min(6, 1 - int(math.floor(math.log10(magnitude))))
    return number(value, decimals)


def date_vi(day) -> str:
    """A date the Vietnamese way: 15/07/2025."""
    return day.strftime("%d/%m/%Y")


def join_phrases(items: Iterable[str]) -> str:
    """["A", "B", "C"] -> "A, B và C"; one item is itself; none is ""."""
    items = [str(item) for item in items if str(item)]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " và " + items[-1]


def direction_phrase(direction: int) -> str:
    """What a better value is, for an indicator's direction (+1 or -1)."""
    if int(direction) not in (1, -1):
        raise ValueError(f"direction must be 1 or -1; got {direction!r}")
    return "giá trị càng cao càng tốt" if int(direction) == 1 else "giá trị càng thấp càng tốt (chỉ số nghịch)"


def comparison_phrase(value, reference, direction: int = 1, decimals: int = 1, unit: str = "",
                      qualify: bool = True) -> str:
    """Where `value` stands against `reference`, in the indicator's sense of better:
    "cao hơn 2,5 điểm (tốt hơn)" / "thấp hơn 2,5 điểm (kém hơn)"; "bằng" when equal at the
    shown precision. The qualifier says which side is better for a lower-is-better indicator;
    qualify=False leaves it out where higher is always better and the phrase already stands
    in parentheses (a pillar's score: "(thứ 30/63, cao hơn 0,4 điểm so với trung vị)")."""
    if _missing(value) or _missing(reference):
        return "chưa so sánh được"
    difference = float(value) - float(reference)
    if number(abs(difference), decimals) == number(0, decimals):
        return "bằng"
    side = "cao hơn" if difference > 0 else "thấp hơn"
    better = difference * int(direction) > 0
    amount = f"{number(abs(difference), decimals)} {unit}".strip()
    return f"{side} {amount} ({'tốt hơn' if better else 'kém hơn'})" if qualify else f"{side} {amount}"


def with_unit(value_text: str, unit: str) -> str:
    """A formatted value and its unit: "4,55%" (no space before %), "0,0064 đơn/xã"; a unit
    that names a count ("số lĩnh vực có văn bản") reads as the counted thing after its number
    ("10 lĩnh vực có văn bản", not "10 số lĩnh vực")."""
    unit = str(unit or "").strip()
    if not unit:
        return value_text
    if unit.lower().startswith("số "):
        unit = unit[3:]
    return f"{value_text}{unit}" if unit.startswith("%") else f"{value_text} {unit}"


def bullet_list(items: Iterable[str]) -> str:
    """Markdown bullets, one item per line ("" when there is none). Items written as
    sub-items ("+ ...", as in the plan's text) become nested bullets. Items are text (from the
    plan's files), shown literally (`escape_markdown`) unless they are `MarkdownText`."""
    lines = []
    for item in items:
        keep = MarkdownText if isinstance(item, MarkdownText) else str  # str methods drop the mark
        item = str(item).strip()
        if item.startswith("+ "):
            lines.append(f"  - {escape_markdown(keep(item[2:].strip()))}")
        else:
            lines.append(f"- {escape_markdown(keep(item))}")
    return "\n".join(lines)


def show_text(*paragraphs: str) -> None:
    """Display each non-empty paragraph as Markdown in a notebook.

    An empty Markdown output would reach the book as its plain-text fallback
    ("<IPython.core.display.Markdown object>"), so empty paragraphs are skipped.
    """
    from IPython.display import Markdown, display

    for paragraph in paragraphs:
        if paragraph and str(paragraph).strip():
            display(Markdown(str(paragraph)))
