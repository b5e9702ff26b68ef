"""The departments' workbook of targets (`pii targets --format xlsx`).

Built from the long frame of `piilib.analysis.targets.target_table`; written for staff who
never saw the code, in Vietnamese:

- "Hướng dẫn": what the workbook is, what every number means, how the recommended target
  is chosen, and — when any input value is illustrative — the line
  "Dữ liệu minh họa — không phải số liệu chính thức" in red, also repeated on every sheet;
  every sheet states under its title where its numbers come from (`provenance_line`);
- "Tổng hợp": one row per plan indicator with its recommended target and lead agency;
- one sheet per lead agency (in plan order; sheet names are the agency's name, cut at a word
  to Excel's 31 characters): its indicators' recommended targets, then every threshold.

Every table has a bold header row, frozen with the title rows above it and the code and name
columns, wrapped text and set column widths.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from piilib import schema
from piilib.analysis.targets import PEER, TREND, round_towards, trend_probability_shown
from piilib.report.notice import NOTICE_TEXT
from piilib.report.tables import format_number
from piilib.safe_write import save_workbook

GUIDE_SHEET = "Hướng dẫn"
SUMMARY_SHEET = "Tổng hợp"
MAX_SHEET_NAME = 31
_FORBIDDEN_IN_SHEET_NAMES = str.maketrans({c: " " for c in "[]:*?/\\"})

TITLE_ROW, NOTE_ROW, HEADER_ROW = 1, 2, 4
FIRST_DATA_ROW = HEADER_ROW + 1

GROUP_LABELS_VI = {"weak": "Cần cải thiện", "maintain": "Duy trì"}
DIRECTION_VI = {1: "Thuận (cao hơn là tốt hơn)", -1: "Nghịch (thấp hơn là tốt hơn)"}
MODEL_VI = {TREND: "xu hướng của địa phương", PEER: "mô hình theo đặc điểm cấu trúc"}

# (header, width) of the recommended rows; the cells come from `_main_cells`.
MAIN_COLUMNS = [
    ("Mã chỉ số", 9), ("Tên chỉ số", 40), ("Nhóm theo kế hoạch", 13), ("Đơn vị tính", 16), ("Chiều", 14),
    ("Giá trị hiện tại", 13), ("Hạng hiện tại (kỳ này)", 10), ("Mục tiêu đề xuất", 13), ("Mức độ", 11),
    ("Mức thay đổi cần đạt", 34), ("Ngưỡng tương ứng", 30), ("Bản đồ xếp hạng", 16),
    ("Hạng chỉ số hiện nay (cùng bản đồ)", 12), ("Hạng chỉ số khi đạt — cả nước", 12),
    ("Hạng chỉ số khi đạt — trong vùng", 12), ("Xác suất đạt theo xu hướng", 12),
    ("Điểm chỉ số khi đạt (0–100)", 12), ("PII tăng thêm (điểm)", 11), ("Hạng PII hiện nay (cùng bản đồ)", 11),
    ("Hạng PII khi đạt — cả nước", 11), ("Hạng PII khi đạt — trong vùng", 11), ("Hạng PII không đổi", 10),
    ("Căn cứ dùng và sai số ngoài mẫu", 56), ("Cơ quan phối hợp", 30),
]
SUMMARY_EXTRA = ("Cơ quan chủ trì", 28)  # inserted as the third column of the summary
# 1-based positions of raw-value cells (current value, target; threshold, needed value).
MAIN_VALUE_COLUMNS = (6, 8)
DETAIL_VALUE_COLUMNS = (5, 6)
DETAIL_COLUMNS = [
    ("Mã chỉ số", 9), ("Ngưỡng", 40), ("Mức độ", 11), ("Địa phương tham chiếu", 16), ("Giá trị ngưỡng", 13),
    ("Giá trị cần đạt", 13), ("Tình trạng", 14), ("Mức thay đổi cần đạt", 34), ("Bản đồ xếp hạng", 16),
    ("Hạng chỉ số khi đạt — cả nước", 12), ("Hạng chỉ số khi đạt — trong vùng", 12),
    ("Xác suất đạt theo xu hướng", 12), ("Điểm chỉ số khi đạt (0–100)", 12), ("PII tăng thêm (điểm)", 11),
    ("Hạng PII khi đạt — cả nước", 10), ("Hạng PII khi đạt — trong vùng", 10), ("Hạng PII không đổi", 10),
    ("Trong khoảng căn cứ", 12), ("Mục tiêu đề xuất", 12),
]

_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=14)
_NOTICE = Font(bold=True, color="C00000", size=12)
_NOTICE_FILL = PatternFill("solid", fgColor="FFF2CC")
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_CHOSEN_FILL = PatternFill("solid", fgColor="E2EFDA")
_WRAP_TOP = Alignment(wrap_text=True, vertical="top")
_WRAP_CENTRE = Alignment(wrap_text=True, vertical="center", horizontal="center")


def is_illustrative(table: pd.DataFrame) -> bool:
    """True when any input behind the table is illustrative (then the notice is shown)."""
    return bool((table[schema.PROVENANCE].astype(str) == schema.ILLUSTRATIVE).any())


def sheet_name(name: str, taken: set[str]) -> str:
    """A valid, unused Excel sheet name: forbidden characters blanked, cut at a word to 31."""
    text = " ".join(str(name).translate(_FORBIDDEN_IN_SHEET_NAMES).split())
    if len(text) > MAX_SHEET_NAME:
        cut = text[: MAX_SHEET_NAME - 1]
        text = (cut.rsplit(" ", 1)[0] if " " in cut else cut) + "…"
    candidate, number = text, 2
    while candidate.lower() in {t.lower() for t in taken}:
        suffix = f" ({number})"
        candidate = text[: MAX_SHEET_NAME - len(suffix)] + suffix
        number += 1
    return candidate


def _number(value, decimals: int | None = None) -> str:
    if value is None or pd.isna(value):
        return "–"
    return format_number(float(value), decimals)


def _rank(value, of) -> str | int:
    return "–" if pd.isna(value) else f"{int(value)}/{int(of)}"


def _probability(value) -> str:
    """'35%' (no decimals: the figure is an estimate); 'chưa đủ căn cứ' without a usable trend."""
    if value is None or pd.isna(value):
        return "chưa đủ căn cứ"
    return format_number(100 * float(value), 0) + "%"


def _map_text(row: pd.Series) -> str:
    return f"{int(row['rank_map_units'])} tỉnh, thành phố (vùng: {int(row['rank_map_region_size'])})"


def _status(row: pd.Series) -> str:
    if row["reached"]:
        return "Đã đạt"
    if bool(row["delivered_by_trend"]):
        return "Đạt theo xu hướng"
    return "Chưa đạt"


def _text(value) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def _yes_no(value) -> str:
    return "–" if value is None or pd.isna(value) else ("Có" if bool(value) else "Không")


def _evidence_text(row: pd.Series) -> str:
    decimals = int(row["decimals"])
    parts = []
    status = row["trend_status"]
    if status == "fitted":
        parts.append(f"Xu hướng: {_number(row['trend_lower'], decimals)} – {_number(row['trend_upper'], decimals)} "
                     f"(dự báo {_number(row['trend_predicted'], decimals)}); sai số ngoài mẫu (bỏ từng năm) "
                     f"{_number(row['trend_oos_rmse'], decimals)}")
    elif isinstance(status, str):
        parts.append("Xu hướng: chưa đủ căn cứ (chuỗi số liệu quá ngắn hoặc không thay đổi)")
    if pd.notna(row["peer_lower"]):
        little = "; cơ cấu giải thích ít, không dùng để kết luận" if bool(row["peer_explains_little"]) else ""
        parts.append(
            f"Theo đặc điểm cơ cấu (ước lượng không có chính địa phương): {_number(row['peer_lower'], decimals)} – "
            f"{_number(row['peer_upper'], decimals)} (kỳ vọng {_number(row['peer_expected'], decimals)}); "
            f"R² = {format_number(float(row['peer_r_squared']), 2)}{little}; đòn bẩy "
            f"{format_number(float(row['peer_leverage']), 2)}, khoảng cách Cook "
            f"{format_number(float(row['peer_cooks_distance']), 2)}; sai số ngoài mẫu (bỏ từng tỉnh) "
            f"{_number(row['peer_oos_rmse'], decimals)}")
    if pd.notna(row["evidence_model"]):
        parts.append(f"Dùng {MODEL_VI.get(row['evidence_model'], row['evidence_model'])} "
                     "(sai số dự báo ngoài mẫu thấp hơn).")
    else:
        parts.append("Chưa đủ căn cứ dự báo: mục tiêu là giữ vững.")
    return "\n".join(parts)


def _rank_cells(row: pd.Series) -> list:
    return [_rank(row["indicator_rank"], row["rank_map_units"]),
            _rank(row["indicator_region_rank"], row["rank_map_region_size"]),
            _probability(trend_probability_shown(row)[0])]


def _pii_cells(row: pd.Series) -> list:
    return [_rank(row["pii_rank"], row["rank_map_units"]), _rank(row["pii_region_rank"], row["rank_map_region_size"]),
            _yes_no(row["leaves_pii_rank_unchanged"])]


def _rounded(value, row: pd.Series):
    """A value of the row's indicator as the report writes it (`places` decimals); None when missing."""
    return None if pd.isna(value) else round(float(value), int(row["places"]))


def _to_reach(value, row: pd.Series):
    """A value to reach as the report writes it: rounded towards improvement, never short of it."""
    return None if pd.isna(value) else round_towards(float(value), int(row["places"]), int(row["direction"]))


def _main_cells(row: pd.Series, groups: dict[str, str]) -> list:
    return [
        row[schema.INDICATOR], row["indicator_name"], groups.get(row["group"], row["group"]), row["unit_label"],
        DIRECTION_VI.get(int(row["direction"]), ""), _rounded(row["current_value"], row),
        _rank(row["current_rank"], row["n_units"]), _to_reach(row["target_value"], row), _text(row["tier_label"]),
        row["increment_text"], row["threshold_label"], _map_text(row),
        _rank(row["today_rank"], row["rank_map_units"]), *_rank_cells(row)[:2], _probability(row["p_reach_trend"]),
        round(float(row["score"]), 2), round(float(row["pii_change"]), 3),
        _rank(row["today_pii_rank"], row["rank_map_units"]), *_pii_cells(row), _evidence_text(row), row["cooperating"],
    ]


def _detail_cells(row: pd.Series, unit_names: dict[str, str]) -> list:
    reference = row["reference_unit"]
    return [
        row[schema.INDICATOR], row["threshold_label"], _text(row["tier_label"]),
        unit_names.get(reference, reference) if isinstance(reference, str) else "",
        _rounded(row["threshold_value"], row), _to_reach(row["needed_value"], row), _status(row), row["increment_text"],
        _map_text(row), *_rank_cells(row), round(float(row["score"]), 2), round(float(row["pii_change"]), 3),
        *_pii_cells(row), _yes_no(row["within_evidence"]), "✔ Đề xuất" if row["recommended"] else "",
    ]


def _style_header(sheet, row: int, columns: list[tuple[str, int]]) -> None:
    for position, (header, width) in enumerate(columns, start=1):
        cell = sheet.cell(row, position, header)
        cell.font, cell.fill, cell.alignment = _BOLD, _HEADER_FILL, _WRAP_CENTRE
        letter = get_column_letter(position)
        sheet.column_dimensions[letter].width = max(sheet.column_dimensions[letter].width or 0, width)


def _write_rows(sheet, first_row: int, rows: list[list], decimals: list[int], value_columns: tuple[int, ...],
                highlight: list[bool] | None = None) -> int:
    """Write `rows`; the raw-value columns get the number format of each row's indicator."""
    for offset, values in enumerate(rows):
        for position, value in enumerate(values, start=1):
            cell = sheet.cell(first_row + offset, position, value)
            cell.alignment = _WRAP_TOP
            if position in value_columns and isinstance(value, float):
                cell.number_format = _value_format(decimals[offset])
            if highlight and highlight[offset]:
                cell.fill = _CHOSEN_FILL
    return first_row + len(rows)


def _value_format(decimals: int) -> str:
    return "#,##0" + ("." + "0" * decimals if decimals else "")


def provenance_line(table: pd.DataFrame) -> str:
    """Where a sheet's numbers come from, in the words of the book's legend
    (`piilib.report.provenance`): the current values have the weakest provenance of the inputs
    (the table's provenance column); everything computed from them carries its derived one."""
    from piilib.report.provenance import NAMES_VI, as_computed

    found = set(table[schema.PROVENANCE].dropna().astype(str))
    weakest = schema.weakest_provenance(found) if found else schema.ILLUSTRATIVE  # unknown: not official
    return (f"Nguồn gốc số liệu: giá trị hiện tại — {NAMES_VI[weakest]}; mục tiêu, mức thay đổi, thứ hạng, "
            f"điểm và xác suất — {NAMES_VI[as_computed(weakest)]}.")


def _title(sheet, title: str, subtitle: str, notice: bool) -> None:
    sheet.cell(TITLE_ROW, 1, title).font = _TITLE
    if notice:
        cell = sheet.cell(NOTE_ROW, 1, NOTICE_TEXT)
        cell.font, cell.fill = _NOTICE, _NOTICE_FILL
        sheet.cell(NOTE_ROW + 1, 1, subtitle)
    else:
        sheet.cell(NOTE_ROW, 1, subtitle)


def _guide_lines(table: pd.DataFrame, province_name: str, plan_number: str) -> list[str]:
    first = table.iloc[0]
    edition, n_units = int(first[schema.EDITION]), int(first["n_units"])
    top_label = table.loc[table["threshold"] == "national_top", "threshold_label"]
    top_text = top_label.iloc[0].split(" (")[0] if len(top_label) else "Vào top 10 cả nước"
    return [
        f"Sổ tay này giao cho mỗi cơ quan chủ trì một mục tiêu cụ thể cho từng chỉ số thành phần PII mà "
        f"Kế hoạch {plan_number} giao cơ quan đó chủ trì. Mỗi cơ quan có một trang tính riêng; trang "
        f"\"{SUMMARY_SHEET}\" liệt kê tất cả các chỉ số.",
        f"Giá trị hiện tại và Hạng hiện tại: số liệu kỳ PII {edition} của {province_name}; hạng xếp theo giá trị "
        f"chỉ số trong {n_units} tỉnh, thành phố (1 = tốt nhất; các địa phương có giá trị bằng nhau cùng nhận "
        "hạng cao nhất, như quy tắc của COINr).",
        "Chỉ số nghịch (ví dụ 4.1.2 Vay tài chính vi mô/GRDP): giá trị thấp hơn là tốt hơn; mục tiêu là mức "
        "tối đa, mức thay đổi mang dấu trừ.",
        "Các ngưỡng, đều so với các địa phương khác: Giữ thứ hạng hiện nay; Lên 1 bậc xếp hạng = hơn thứ hạng "
        f"hiện nay một bậc; Bằng trung vị cả nước; {top_text} = bằng địa phương đứng thứ 10 trong các địa phương "
        "còn lại; Dẫn đầu vùng = bằng địa phương tốt nhất trong vùng; Bằng địa phương tương đồng tốt nhất = "
        "tốt nhất trong 5 địa phương có đặc điểm cơ cấu gần nhất (GRDP bình quân đầu người, dân số, "
        "tỷ lệ đô thị hóa). Đạt bằng ngưỡng là đủ; giá trị cần đạt được làm tròn theo độ chính xác của số "
        "liệu về phía tốt hơn.",
        "Mỗi ngưỡng được tính hai lần: so với số liệu hiện tại của các địa phương khác (trên bản đồ của kỳ này), "
        "và so với giá trị dự báo năm tới của họ theo xu hướng riêng, trên bản đồ mà kỳ PII tới sẽ xếp hạng "
        "(cột \"Bản đồ xếp hạng\"; ví dụ kỳ 2025 xếp hạng 34 tỉnh, thành phố sau sáp nhập: giá trị của địa "
        "phương được gộp với các tỉnh cùng sáp nhập theo quy tắc gộp của chỉ số). \"Lên 1 bậc\" là hơn thứ "
        "hạng hiện nay trên chính bản đồ đó một bậc.",
        "Tác động tới PII: toàn bộ chỉ số PII được tính lại bằng đúng phương pháp của kỳ này (xử lý giá trị "
        "ngoại lai, chuẩn hóa min–max 0–100, trung bình cộng theo trụ cột), chỉ thay giá trị của địa phương "
        "ở chỉ số đó; các địa phương khác giữ số liệu hiện tại (trên bản đồ xếp hạng). \"PII tăng thêm\" và "
        "\"Hạng PII khi đạt\" là kết quả tính lại đó, không phải ước lượng. \"Hạng PII không đổi\" = Có: "
        "riêng mục tiêu này chưa làm thay đổi thứ hạng PII.",
        "Xác suất đạt theo xu hướng: khả năng giá trị năm tới đạt mục tiêu nếu địa phương giữ xu hướng hiện nay "
        "(phân phối dự báo của xu hướng); với ngưỡng đã đạt: khả năng xu hướng vẫn giữ địa phương ở ngưỡng đó. Chuỗi số liệu quá ngắn hoặc không thay đổi: \"chưa đủ căn cứ\", "
        "không phải chắc chắn. \"Đạt theo xu hướng\": xu hướng hiện nay đã đạt ngưỡng, không cần đặt mục tiêu.",
        "Căn cứ: xu hướng của chính địa phương, hoặc mô hình theo đặc điểm cơ cấu (ước lượng không có chính "
        "địa phương; R² cho biết cơ cấu giải thích được bao nhiêu; R² dưới 0,2 là giải thích ít). Dùng mô hình "
        "có sai số dự báo ngoài mẫu thấp hơn (bỏ từng năm với xu hướng, bỏ từng tỉnh với mô hình cơ cấu).",
        "Ba mức: Giữ vững = không thấp hơn hiện nay, không thấp hơn dự báo theo xu hướng và giữ thứ hạng; Khả "
        "thi = ngưỡng cao nhất còn nằm trong khoảng dự báo 80% của căn cứ (hoặc đầu tốt của khoảng đó); Bứt phá "
        "= ngưỡng kế tiếp, vượt quá căn cứ. Mục tiêu đề xuất là mức Khả thi; nếu căn cứ không cho phép hơn, "
        "là mức Giữ vững. Không mục tiêu đề xuất nào thấp hơn dự báo theo xu hướng.",
        "Mức thay đổi cần đạt: theo đơn vị của chỉ số; với chỉ số đếm trên mẫu số (ví dụ đơn/xã) còn ghi "
        "số lượng cần thêm, tính theo mẫu số của địa phương (làm tròn lên).",
        "Trên mỗi trang cơ quan, bảng thứ hai liệt kê mọi ngưỡng; dòng tô xanh là mục tiêu đề xuất.",
    ]


CONTROL_LABELS_VI = {"outside": "Ngoài tầm của cơ quan", "partial": "Một phần trong tầm của cơ quan"}


def work_lines(plan, key: str, edition: int) -> list[tuple[str, bool]]:
    """What the agency `key` must do, as (line, bold) for its sheet: the deadline and the data
    and evidence to send per indicator, the notes on targets outside its control (the plan
    file's control_notes, with the reason), and the plan's section III items assigned to it,
    quoted as the plan has them ("[sic]" after a typo, `Plan.sic`)."""
    from piilib.framework import indicators as framework_indicators

    framework = framework_indicators(int(edition)).set_index("code")
    led = plan.indicators_led_by(key)
    deadline = plan.deadline
    lines: list[tuple[str, bool]] = [("Việc cần làm", True)]
    if deadline is not None:
        lines.append((f"Hạn gửi: {deadline.date_for(int(edition) + 1).strftime('%d/%m/%Y')} (kế hoạch, mục "
                      f"{deadline.section}: {deadline.text_vi}), gửi về {plan.agency_name(deadline.recipient_key)}: "
                      "số liệu và tài liệu minh chứng của từng chỉ số dưới đây.", False))
    for code, name in zip(led["code"], led["name_vi"]):
        source = str(framework.at[code, "source"]) if code in framework.index else ""
        lines.append((f"• {code} {plan.sic(name)}: số liệu năm {schema.data_year(int(edition) + 1)}"
                      + (f"; Bộ đối chiếu với {source}." if source else "."), False))
    notes = plan.control_notes[plan.control_notes["agency_key"] == key]
    if not notes.empty:
        lines.append(("Mục tiêu ngoài tầm của cơ quan", True))
        for row in notes.itertuples():
            lines.append((f"• {row.indicator} — {CONTROL_LABELS_VI.get(row.extent, row.extent)}: {row.reason_vi}", False))
    items = plan.solutions[[key in keys for keys in plan.solutions["agency_keys"]]]
    if not items.empty:
        lines.append((f"Kế hoạch {plan.document.get('number', '')} giao (nguyên văn)", True))
        for item in items.itertuples():
            lines.append((f"Mục {item.section}: {plan.sic(item.assignment_vi)}", False))
            lines += [(f"   {plan.sic(action)}" if str(action).startswith("+ ") else f"• {plan.sic(action)}", False)
                      for action in item.actions_vi]
    return lines


def build_workbook(table: pd.DataFrame, plan=None, unit_names: dict[str, str] | None = None) -> Workbook:
    """The workbook for the rows of `target_table` (one province, one edition)."""
    from piilib.plan import load_plan
    from piilib.units import load_units

    if table.empty:
        raise ValueError("the targets table is empty; nothing to write")
    plan = load_plan() if plan is None else plan
    first = table.iloc[0]
    edition, province = int(first[schema.EDITION]), str(first[schema.UNIT])
    if unit_names is None:
        units = load_units(edition)
        unit_names = dict(zip(units["unit"], units["name_vi"]))
    province_name = unit_names.get(province, province)
    groups = {key: GROUP_LABELS_VI.get(key, label) for key, label in zip(plan.groups["key"], plan.groups["label_vi"])}
    notice = is_illustrative(table)
    sources = provenance_line(table)
    chosen = table[table["recommended"].astype(bool)]

    workbook = Workbook()
    guide = workbook.active
    guide.title = GUIDE_SHEET
    _title(guide, f"Mục tiêu các chỉ số thành phần PII {edition} — {province_name}",
           f"Kế hoạch {plan.document.get('number', '')}: {plan.document.get('title_vi', '')}. {sources}", notice)
    guide.column_dimensions["A"].width = 120
    row = HEADER_ROW
    for line in _guide_lines(table, province_name, str(plan.document.get("number", ""))):
        guide.cell(row, 1, line).alignment = _WRAP_TOP
        row += 1
    row += 1
    guide.cell(row, 1, "Các trang tính:").font = _BOLD
    taken = {GUIDE_SHEET, SUMMARY_SHEET}
    agency_sheets = []
    for key in dict.fromkeys(chosen["lead_agency_key"]):
        name = str(chosen.loc[chosen["lead_agency_key"] == key, "lead_agency"].iloc[0])
        title = sheet_name(name, taken)
        taken.add(title)
        agency_sheets.append((key, name, title))
    for title, text in [(SUMMARY_SHEET, "tất cả các chỉ số của kế hoạch")] + \
            [(title, name) for _, name, title in agency_sheets]:
        row += 1
        guide.cell(row, 1, f"• {title}: {text}").alignment = _WRAP_TOP

    subtitle = (f"PII {edition} — {province_name}; hạng PII hiện tại: {int(first['current_pii_rank'])}/"
                f"{int(first['n_units'])}. {sources}")
    summary = workbook.create_sheet(SUMMARY_SHEET)
    _title(summary, f"Tổng hợp mục tiêu đề xuất — {province_name}, PII {edition}", subtitle, notice)
    columns = MAIN_COLUMNS[:2] + [SUMMARY_EXTRA] + MAIN_COLUMNS[2:]
    _style_header(summary, HEADER_ROW, columns)
    cells = [(_main_cells(r, groups)[:2] + [r["lead_agency"]] + _main_cells(r, groups)[2:]) for _, r in chosen.iterrows()]
    _write_rows(summary, FIRST_DATA_ROW, cells, chosen["places"].astype(int).tolist(),
                tuple(c + 1 for c in MAIN_VALUE_COLUMNS))
    summary.freeze_panes = summary.cell(FIRST_DATA_ROW, 3).coordinate

    for key, name, title in agency_sheets:
        sheet = workbook.create_sheet(title)
        _title(sheet, f"{name} — mục tiêu các chỉ số chủ trì", subtitle, notice)
        own = chosen[chosen["lead_agency_key"] == key]
        _style_header(sheet, HEADER_ROW, MAIN_COLUMNS)
        end = _write_rows(sheet, FIRST_DATA_ROW, [_main_cells(r, groups) for _, r in own.iterrows()],
                          own["places"].astype(int).tolist(), MAIN_VALUE_COLUMNS)
        sheet.freeze_panes = sheet.cell(FIRST_DATA_ROW, 3).coordinate
        detail = table[table["lead_agency_key"] == key]
        heading_row = end + 1
        sheet.cell(heading_row, 1, "Tất cả các ngưỡng (dòng tô xanh: mục tiêu đề xuất)").font = _BOLD
        _style_header(sheet, heading_row + 1, DETAIL_COLUMNS)
        end = _write_rows(sheet, heading_row + 2, [_detail_cells(r, unit_names) for _, r in detail.iterrows()],
                          detail["places"].astype(int).tolist(), DETAIL_VALUE_COLUMNS,
                          highlight=detail["recommended"].astype(bool).tolist())
        row = end + 1
        for line, bold in work_lines(plan, key, edition):
            cell = sheet.cell(row, 1, line)
            if bold:
                cell.font = _BOLD
            row += 1
    return workbook


def write_workbook(table: pd.DataFrame, path: str | Path, plan=None) -> Path:
    """Write the workbook to `path` (.xlsx) and return the path."""
    path = Path(path)
    save_workbook(build_workbook(table, plan), path)
    return path
