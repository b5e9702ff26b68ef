"""The departments' workbook of targets (`pii targets --format xlsx`).

Built from the long frame of `piilib.analysis.targets.target_table`; written for staff who
never saw the code, in Vietnamese:

- "Hướng dẫn": what the workbook is, what every number means, how the recommended target
  is chosen, and — when any input value is illustrative — the line
  "Dữ liệu minh họa — không phải số liệu chính thức" in red, also repeated on every sheet;
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
from piilib.analysis.targets import PEER, TREND
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

# (header, width, how to fill the cell from a recommended row)
MAIN_COLUMNS = [
    ("Mã chỉ số", 9), ("Tên chỉ số", 40), ("Nhóm theo kế hoạch", 13), ("Đơn vị tính", 16), ("Chiều", 14),
    ("Giá trị hiện tại", 13), ("Hạng hiện tại", 10), ("Mục tiêu đề xuất", 13), ("Mức thay đổi cần đạt", 34),
    ("Ngưỡng tương ứng", 30), ("Hạng chỉ số khi đạt mục tiêu (so với số liệu hiện tại)", 15),
    ("Hạng chỉ số khi đạt mục tiêu (so với dự báo năm tới)", 15), ("Điểm chỉ số hiện tại (0–100)", 12),
    ("Điểm chỉ số khi đạt (0–100)", 12), ("PII tăng thêm (điểm)", 11), ("Hạng PII hiện tại", 10),
    ("Hạng PII khi đạt mục tiêu", 11), ("Căn cứ (khoảng dự báo 80%)", 44), ("Cơ quan phối hợp", 30),
]
SUMMARY_EXTRA = ("Cơ quan chủ trì", 28)  # inserted as the third column of the summary
# 1-based positions of raw-value cells (current value, target; threshold, needed value).
MAIN_VALUE_COLUMNS = (6, 8)
DETAIL_VALUE_COLUMNS = (4, 5)
DETAIL_COLUMNS = [
    ("Mã chỉ số", 9), ("Ngưỡng", 40), ("Địa phương tham chiếu", 16), ("Giá trị ngưỡng", 13),
    ("Giá trị cần đạt", 13), ("Đã đạt", 10), ("Mức thay đổi cần đạt", 34),
    ("Hạng chỉ số khi đạt (so với số liệu hiện tại)", 15), ("Hạng chỉ số khi đạt (so với dự báo năm tới)", 15),
    ("Điểm chỉ số khi đạt (0–100)", 12), ("PII tăng thêm (điểm)", 11), ("Hạng PII khi đạt", 10),
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


def _evidence_text(row: pd.Series) -> str:
    decimals = int(row["decimals"])
    parts = []
    if pd.notna(row["trend_lower"]):
        parts.append(f"Xu hướng: {_number(row['trend_lower'], decimals)} – {_number(row['trend_upper'], decimals)} "
                     f"(dự báo {_number(row['trend_predicted'], decimals)})")
    if pd.notna(row["peer_lower"]):
        parts.append(f"Theo đặc điểm cấu trúc: {_number(row['peer_lower'], decimals)} – "
                     f"{_number(row['peer_upper'], decimals)} (kỳ vọng {_number(row['peer_expected'], decimals)})")
    if pd.notna(row["evidence_model"]):
        parts.append(f"Dùng {MODEL_VI.get(row['evidence_model'], row['evidence_model'])} (khoảng hẹp hơn).")
    else:
        parts.append("Không có căn cứ dự báo (thiếu chuỗi số liệu và biến cấu trúc).")
    return "\n".join(parts)


def _main_cells(row: pd.Series, groups: dict[str, str]) -> list:
    decimals = int(row["decimals"])
    rounded = lambda value: None if pd.isna(value) else round(float(value), decimals)  # noqa: E731
    return [
        row[schema.INDICATOR], row["indicator_name"], groups.get(row["group"], row["group"]), row["unit_label"],
        DIRECTION_VI.get(int(row["direction"]), ""), rounded(row["current_value"]),
        _rank(row["current_rank"], row["n_units"]), rounded(row["target_value"]), row["increment_text"],
        row["threshold_label"], _rank(row["indicator_rank"], row["n_units"]),
        _rank(row["indicator_rank_projected"], row["n_units"]), round(float(row["current_score"]), 2),
        round(float(row["score"]), 2), round(float(row["pii_change"]), 3), int(row["current_pii_rank"]),
        int(row["pii_rank"]), _evidence_text(row), row["cooperating"],
    ]


def _detail_cells(row: pd.Series, unit_names: dict[str, str]) -> list:
    decimals = int(row["decimals"])
    rounded = lambda value: None if pd.isna(value) else round(float(value), decimals)  # noqa: E731
    reference = row["reference_unit"]
    within = row["within_evidence"]
    return [
        row[schema.INDICATOR], row["threshold_label"],
        unit_names.get(reference, reference) if isinstance(reference, str) else "",
        rounded(row["threshold_value"]), rounded(row["needed_value"]), "Đã đạt" if row["reached"] else "Chưa",
        row["increment_text"], _rank(row["indicator_rank"], row["n_units"]),
        _rank(row["indicator_rank_projected"], row["n_units"]), round(float(row["score"]), 2),
        round(float(row["pii_change"]), 3), int(row["pii_rank"]),
        "–" if within is None or pd.isna(within) else ("Có" if within else "Không"),
        "✔ Đề xuất" if row["recommended"] else "",
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
        "Các ngưỡng, đều so với các địa phương khác: Lên 1 bậc xếp hạng = bằng địa phương đứng ngay trên; "
        f"Bằng trung vị cả nước; {top_text} = bằng địa phương đứng thứ 10 trong các địa phương còn lại; "
        "Dẫn đầu vùng = bằng địa phương tốt nhất trong vùng; Bằng địa phương tương đồng tốt nhất = "
        "tốt nhất trong 5 địa phương có đặc điểm cấu trúc gần nhất (GRDP bình quân đầu người, dân số, "
        "tỷ lệ đô thị hóa). Đạt bằng ngưỡng là đủ; giá trị cần đạt được làm tròn theo độ chính xác của số "
        "liệu về phía tốt hơn.",
        "Mỗi ngưỡng được tính hai lần: so với số liệu hiện tại của các địa phương khác, và so với giá trị dự "
        "báo năm tới của họ (theo xu hướng riêng của từng địa phương), vì các địa phương khác cũng tiến lên.",
        "Tác động tới PII: toàn bộ chỉ số PII được tính lại bằng đúng phương pháp của kỳ này (xử lý giá trị "
        "ngoại lai, chuẩn hóa min–max 0–100, trung bình cộng theo trụ cột), chỉ thay giá trị của địa phương "
        "ở chỉ số đó; các địa phương khác giữ số liệu hiện tại. \"PII tăng thêm\" và \"Hạng PII khi đạt mục "
        "tiêu\" là kết quả tính lại đó, không phải ước lượng.",
        "Mục tiêu đề xuất: ngưỡng cao nhất (so với dự báo năm tới) còn nằm trong khoảng dự báo 80% của mô "
        "hình có căn cứ chắc hơn (khoảng hẹp hơn) giữa xu hướng của chính địa phương và mô hình theo đặc "
        "điểm cấu trúc. Nếu không ngưỡng nào nằm trong khoảng đó: mục tiêu là đầu tốt của khoảng dự báo; "
        "nếu cả mức đó cũng không cải thiện được: bước nhỏ nhất (thường là lên 1 bậc). Nếu đã đạt mọi "
        "ngưỡng: giữ vững giá trị hiện tại.",
        "Mức thay đổi cần đạt: theo đơn vị của chỉ số; với chỉ số đếm trên mẫu số (ví dụ đơn/xã) còn ghi "
        "số lượng cần thêm, tính theo mẫu số của địa phương (làm tròn lên).",
        "Trên mỗi trang cơ quan, bảng thứ hai liệt kê mọi ngưỡng; dòng tô xanh là mục tiêu đề xuất.",
    ]


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
    chosen = table[table["recommended"].astype(bool)]

    workbook = Workbook()
    guide = workbook.active
    guide.title = GUIDE_SHEET
    _title(guide, f"Mục tiêu các chỉ số thành phần PII {edition} — {province_name}",
           f"Kế hoạch {plan.document.get('number', '')}: {plan.document.get('title_vi', '')}", notice)
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
                f"{int(first['n_units'])}")
    summary = workbook.create_sheet(SUMMARY_SHEET)
    _title(summary, f"Tổng hợp mục tiêu đề xuất — {province_name}, PII {edition}", subtitle, notice)
    columns = MAIN_COLUMNS[:2] + [SUMMARY_EXTRA] + MAIN_COLUMNS[2:]
    _style_header(summary, HEADER_ROW, columns)
    cells = [(_main_cells(r, groups)[:2] + [r["lead_agency"]] + _main_cells(r, groups)[2:]) for _, r in chosen.iterrows()]
    _write_rows(summary, FIRST_DATA_ROW, cells, chosen["decimals"].astype(int).tolist(),
                tuple(c + 1 for c in MAIN_VALUE_COLUMNS))
    summary.freeze_panes = summary.cell(FIRST_DATA_ROW, 3).coordinate

    for key, name, title in agency_sheets:
        sheet = workbook.create_sheet(title)
        _title(sheet, f"{name} — mục tiêu các chỉ số chủ trì", subtitle, notice)
        own = chosen[chosen["lead_agency_key"] == key]
        _style_header(sheet, HEADER_ROW, MAIN_COLUMNS)
        end = _write_rows(sheet, FIRST_DATA_ROW, [_main_cells(r, groups) for _, r in own.iterrows()],
                          own["decimals"].astype(int).tolist(), MAIN_VALUE_COLUMNS)
        sheet.freeze_panes = sheet.cell(FIRST_DATA_ROW, 3).coordinate
        detail = table[table["lead_agency_key"] == key]
        heading_row = end + 1
        sheet.cell(heading_row, 1, "Tất cả các ngưỡng (dòng tô xanh: mục tiêu đề xuất)").font = _BOLD
        _style_header(sheet, heading_row + 1, DETAIL_COLUMNS)
        _write_rows(sheet, heading_row + 2, [_detail_cells(r, unit_names) for _, r in detail.iterrows()],
                    detail["decimals"].astype(int).tolist(), DETAIL_VALUE_COLUMNS,
                    highlight=detail["recommended"].astype(bool).tolist())
    return workbook


def write_workbook(table: pd.DataFrame, path: str | Path, plan=None) -> Path:
    """Write the workbook to `path` (.xlsx) and return the path."""
    path = Path(path)
    save_workbook(build_workbook(table, plan), path)
    return path
