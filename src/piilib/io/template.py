"""The entry workbook for the 15 July data collection (`pii template`).

Sheets (Vietnamese, for the staff who fill them in):

- "Số liệu": one row per province, one column per indicator. Above the column of codes,
  rows with each indicator's name and unit; the code cells carry the definition as a
  comment. The header row (province, codes) is frozen with the province names.
- "Chỉ số": the framework of the edition: code, pillar, sub-pillar, names, unit, direction,
  denominator, definition, source and whether the code is official or provisional.
- "Nguồn": one row per indicator to record who supplied the value and on what document.

The workbook, once filled in, imports with `piilib.io.read_values` without any edit: the
data sheet is the wide layout that `piilib.io.read` recognises, and the edition is stated
in a labelled title cell ("Kỳ PII"). Next to it: the data year (edition − 1) and the
framework in use (its own file, or the newest earlier edition's carried over).

Guarding the entry. Each indicator's value cells carry Excel data validation: numbers only,
within the range the framework's unit states (`piilib.io.validate.value_range`, the rule
`pii validate` applies), blank allowed. The data and indicator sheets are protected with
no password (Review → Unprotect Sheet; `SHEET_PASSWORD` is None on purpose: protection
guards against slips, not people): codes, names, units, headers and province names are
locked, the value cells are not. Column widths can still be changed.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from piilib import schema
from piilib.framework import framework_path, load_framework
from piilib.framework import indicators as framework_indicators
from piilib.io.validate import ABSURD_MAGNITUDE, value_range
from piilib.messages import Said
from piilib.safe_write import save_workbook
from piilib.units import load_units

DATA_SHEET = "Số liệu"
INDICATORS_SHEET = "Chỉ số"
SOURCES_SHEET = "Nguồn"

# Layout of the data sheet (1-based rows): title, edition (with data year and framework), note,
# blank, names, units, header.
TITLE_ROW, EDITION_ROW, NOTE_ROW, NAME_ROW, UNIT_ROW, HEADER_ROW = 1, 2, 3, 5, 6, 7
DATA_YEAR_LABEL_COLUMN, FRAMEWORK_LABEL_COLUMN = 4, 7
SHEET_PASSWORD = None  # sheets are protected against slips, without a password (documented)
FIRST_DATA_ROW = HEADER_ROW + 1
NUMBER_COLUMN, PROVINCE_COLUMN, FIRST_CODE_COLUMN = 1, 2, 3

DENOMINATORS_VI = {
    "population": "Dân số",
    "communes": "Số xã (đơn vị hành chính cấp xã)",
    "enterprises": "Số doanh nghiệp",
    "manufacturing_enterprises": "Số doanh nghiệp chế biến, chế tạo",
    "grdp": "GRDP",
    "pupils": "Số học sinh",
    "none": "Không (giá trị trực tiếp)",
}
CODE_STATUS_VI = {"official": "Chính thức", "provisional": "Tạm xếp (mã chưa công bố)"}

_BOLD = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_NAME_FILL = PatternFill("solid", fgColor="F2F2F2")
_WRAP_TOP = Alignment(wrap_text=True, vertical="top")
_WRAP_CENTRE = Alignment(wrap_text=True, vertical="center", horizontal="center")


def direction_vi(direction) -> str:
    """'Thuận' when a higher value is better, 'Nghịch' when lower is better."""
    return "Nghịch (thấp hơn là tốt hơn)" if int(direction) < 0 else "Thuận (cao hơn là tốt hơn)"


def build_template(edition: int) -> Workbook:
    """The entry workbook for one edition, built from the framework and the province list."""
    indicators = framework_indicators(edition).reset_index(drop=True)
    units = load_units(edition).reset_index(drop=True)
    workbook = Workbook()
    _data_sheet(workbook.active, edition, indicators, units)
    _indicators_sheet(workbook.create_sheet(INDICATORS_SHEET), edition, indicators)
    _sources_sheet(workbook.create_sheet(SOURCES_SHEET), indicators)
    return workbook


def write_template(edition: int, out, overwrite: bool = False) -> Path:
    """Write the entry workbook to `out` (.xlsx); an existing file is kept unless `overwrite`.

    The file is written whole or not at all (temporary file and rename, `piilib.safe_write`),
    and no cell can run as a formula."""
    out = Path(out)
    if out.suffix.lower() != ".xlsx":
        raise ValueError(Said("template.not_xlsx", name=out.name))
    if out.exists() and not overwrite:
        raise FileExistsError(Said("template.exists", out=out))
    workbook = build_template(edition)
    out.parent.mkdir(parents=True, exist_ok=True)
    save_workbook(workbook, out)
    return out


def _text(value) -> str:
    return "" if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)) else str(value)


def framework_edition(edition: int) -> int:
    """The edition whose framework file describes `edition` (itself, or an earlier one carried over)."""
    return int(framework_path(edition).stem.rsplit("_", 1)[-1])


def _framework_label(edition: int) -> str:
    source = framework_edition(edition)
    if source == int(edition):
        return f"kỳ {edition}"
    return f"kỳ {source} (chưa có khung mới cho kỳ {edition}: dùng tiếp khung kỳ {source})"


def _range_vi(lower: float, upper: float) -> str:
    def number(value: float) -> str:
        return f"{value:g}".replace(".", ",")

    if pd.isna(lower) or lower == float("-inf"):
        return "một số" if upper == float("inf") else f"một số không lớn hơn {number(upper)}"
    if upper == float("inf"):
        return f"một số từ {number(lower)} trở lên"
    return f"một số từ {number(lower)} đến {number(upper)}"


def _value_validation(indicator: pd.Series, cells: str) -> DataValidation:
    """Numbers only, within the indicator's range (the one `pii validate` checks), blank allowed."""
    lower, upper = value_range(indicator)
    # Excel needs finite limits: an open end is the magnitude `pii validate` refuses anyway.
    low = -ABSURD_MAGNITUDE if lower == float("-inf") else lower
    high = ABSURD_MAGNITUDE if upper == float("inf") else upper
    expected = _range_vi(lower, upper)
    validation = DataValidation(
        type="decimal", operator="between", formula1=f"{low:.15g}", formula2=f"{high:.15g}", allow_blank=True,
        showErrorMessage=True, errorStyle="stop", errorTitle=f"Chỉ số {indicator['code']}",
        error=f"Giá trị phải là {expected} ({_text(indicator['unit_vi'])}).",
        showInputMessage=True, promptTitle=f"{indicator['code']}"[:32],
        prompt=f"Nhập {expected}; đơn vị: {_text(indicator['unit_vi'])}."[:255],
    )
    validation.add(cells)
    return validation


def _protect(sheet) -> None:
    sheet.protection.sheet = True
    if SHEET_PASSWORD:
        sheet.protection.password = SHEET_PASSWORD
    # Still allowed on the protected sheet: widening columns and rows, selecting any cell.
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False


def _data_sheet(sheet, edition: int, indicators: pd.DataFrame, units: pd.DataFrame) -> None:
    sheet.title = DATA_SHEET
    last_column = FIRST_CODE_COLUMN + len(indicators) - 1
    sheet.cell(TITLE_ROW, 1, f"SỐ LIỆU CÁC CHỈ SỐ THÀNH PHẦN — CHỈ SỐ ĐỔI MỚI SÁNG TẠO CẤP ĐỊA PHƯƠNG (PII) {edition}").font = Font(bold=True, size=14)
    sheet.cell(EDITION_ROW, 1, "Kỳ PII").font = _BOLD
    sheet.cell(EDITION_ROW, 2, edition).alignment = Alignment(horizontal="left")
    sheet.cell(EDITION_ROW, DATA_YEAR_LABEL_COLUMN, "Năm số liệu").font = _BOLD
    sheet.cell(EDITION_ROW, DATA_YEAR_LABEL_COLUMN + 1, schema.data_year(edition)).alignment = Alignment(
        horizontal="left")
    sheet.cell(EDITION_ROW, FRAMEWORK_LABEL_COLUMN, "Khung chỉ số").font = _BOLD
    sheet.cell(EDITION_ROW, FRAMEWORK_LABEL_COLUMN + 1, _framework_label(edition))
    sheet.cell(NOTE_ROW, 1, (
        f"Nhập giá trị thô năm {schema.data_year(edition)} của mỗi chỉ số theo đơn vị tính ở hàng {UNIT_ROW}, "
        f"dạng số (ô chỉ nhận số trong khoảng hợp lệ của chỉ số). Ô để trống là chưa có số liệu. Hàng mã chỉ số "
        f"(hàng {HEADER_ROW}) và cột tên tỉnh, thành phố được khóa (Review → Unprotect Sheet, không mật khẩu, nếu "
        f"thật cần sửa). Định nghĩa từng chỉ số: di chuột vào ô mã hoặc xem trang \"{INDICATORS_SHEET}\"; "
        f"nguồn số liệu ghi ở trang \"{SOURCES_SHEET}\"."
    )).alignment = Alignment(wrap_text=False)

    sheet.cell(NAME_ROW, PROVINCE_COLUMN, "Tên chỉ số").font = _BOLD
    sheet.cell(UNIT_ROW, PROVINCE_COLUMN, "Đơn vị tính").font = _BOLD
    sheet.cell(HEADER_ROW, NUMBER_COLUMN, "STT")
    sheet.cell(HEADER_ROW, PROVINCE_COLUMN, "Tỉnh, thành phố")
    for offset, row in indicators.iterrows():
        column = FIRST_CODE_COLUMN + offset
        name = sheet.cell(NAME_ROW, column, _text(row["name_vi"]))
        name.alignment, name.fill = _WRAP_TOP, _NAME_FILL
        unit = sheet.cell(UNIT_ROW, column, _text(row["unit_vi"]))
        unit.alignment, unit.fill = _WRAP_CENTRE, _NAME_FILL
        code = sheet.cell(HEADER_ROW, column, str(row["code"]))
        note = f"{row['code']} — {_text(row['name_vi'])}\n{direction_vi(row['direction'])}\n\n{_text(row['definition_vi'])}"
        code.comment = Comment(note.strip(), "pii template", width=360, height=220)
        sheet.column_dimensions[get_column_letter(column)].width = 16
    for column in range(NUMBER_COLUMN, last_column + 1):
        header = sheet.cell(HEADER_ROW, column)
        header.font, header.fill, header.alignment = _BOLD, _HEADER_FILL, _WRAP_CENTRE
    for offset, unit in units.iterrows():
        sheet.cell(FIRST_DATA_ROW + offset, NUMBER_COLUMN, offset + 1)
        sheet.cell(FIRST_DATA_ROW + offset, PROVINCE_COLUMN, unit["name_vi"])
    last_row = FIRST_DATA_ROW + len(units) - 1
    for offset, row in indicators.iterrows():
        column = FIRST_CODE_COLUMN + offset
        letter = get_column_letter(column)
        sheet.add_data_validation(_value_validation(row, f"{letter}{FIRST_DATA_ROW}:{letter}{last_row}"))
        for data_row in range(FIRST_DATA_ROW, last_row + 1):
            sheet.cell(data_row, column).protection = Protection(locked=False)
    _protect(sheet)
    sheet.row_dimensions[NAME_ROW].height = 120
    sheet.row_dimensions[UNIT_ROW].height = 45
    sheet.column_dimensions[get_column_letter(NUMBER_COLUMN)].width = 6
    sheet.column_dimensions[get_column_letter(PROVINCE_COLUMN)].width = 24
    sheet.freeze_panes = sheet.cell(FIRST_DATA_ROW, FIRST_CODE_COLUMN)


def _names_by_code(edition: int) -> tuple[dict[str, str], dict[str, str]]:
    framework = load_framework(edition)
    return dict(zip(framework["code"], framework["name_vi"])), dict(zip(framework["code"], framework["parent"]))


def _indicators_sheet(sheet, edition: int, indicators: pd.DataFrame) -> None:
    names, parents = _names_by_code(edition)
    header = ["Mã chỉ số", "Trụ cột", "Nhóm chỉ số", "Tên chỉ số", "Tên tiếng Anh", "Đơn vị tính",
              "Chỉ số thuận/nghịch", "Mẫu số", "Định nghĩa", "Nguồn số liệu", "Mã"]
    widths = [11, 28, 28, 45, 40, 16, 22, 24, 70, 30, 22]
    sheet.append(header)
    for _, row in indicators.iterrows():
        sub_pillar = parents.get(row["code"])
        pillar = parents.get(sub_pillar)
        denominator = _text(row["denominator"])
        status = _text(row["code_status"])
        sheet.append([
            str(row["code"]),
            f"{pillar}. {names.get(pillar, '')}" if pillar else "",
            f"{sub_pillar}. {names.get(sub_pillar, '')}" if sub_pillar else "",
            _text(row["name_vi"]), _text(row["name_en"]), _text(row["unit_vi"]),
            direction_vi(row["direction"]), DENOMINATORS_VI.get(denominator, denominator),
            _text(row["definition_vi"]), _text(row["source"]), CODE_STATUS_VI.get(status, status),
        ])
    _table_style(sheet, widths)
    _protect(sheet)


def _sources_sheet(sheet, indicators: pd.DataFrame) -> None:
    header = ["Mã chỉ số", "Tên chỉ số", "Nguồn theo khung chỉ số", "Cơ quan cung cấp số liệu",
              "Văn bản, tài liệu kèm theo", "Ngày nhận", "Người nhập", "Ghi chú"]
    widths = [11, 45, 30, 30, 36, 12, 18, 30]
    sheet.append(header)
    for _, row in indicators.iterrows():
        sheet.append([str(row["code"]), _text(row["name_vi"]), _text(row["source"])])
    _table_style(sheet, widths)


def _table_style(sheet, widths: list[int]) -> None:
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
        header = sheet.cell(1, column)
        header.font, header.fill, header.alignment = _BOLD, _HEADER_FILL, _WRAP_CENTRE
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = _WRAP_TOP
    sheet.freeze_panes = "B2"
    sheet.auto_filter.ref = sheet.dimensions
