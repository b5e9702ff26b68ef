"""Reading an indicator file into located raw entries (structure only, no checks of meaning).

A file is CSV or Excel (.xlsx). Each sheet is a grid of cells. The header row is found
by its content, so title rows above it (as a ministry spreadsheet has) are skipped:

- long layout: a row with a province column, an indicator column and a value column
  (English or Vietnamese names, see the *_ALIASES below), and optionally an edition column;
- wide layout: a row with indicator codes ("1.1.1", or "1.1.1 Tên chỉ số") as column
  headers and a province column (named, or else the text column left of the codes).

In the wide layout, rows between the header and the first row holding a number are taken
as sub-header rows (names, units) and skipped; rows whose province cell says "Cả nước",
"Trung bình", … are national or average rows and skipped too. The edition comes from an
edition column, or from a title cell ("Kỳ PII: 2024", "… PII 2024 …").

Workbooks are streamed (openpyxl's read-only parser): only the cells stored in the file are
visited and only non-blank ones kept, so a stray "." in row 1,048,576 costs one row, not a
sheet-sized grid. A non-blank cell more than `STRAY_GAP_ROWS` blank rows below the table is
reported as a stray cell (problem kind "stray-cell") and not read. Cells showing an Excel error
are read as `ExcelError`, formula cells saved without a result as `FormulaWithoutValue`, so
that the checks report them by cell instead of taking them for blanks. Merged cells over value
cells are reported too (Excel stores a merged value in the first cell only), and so is a header
cell Excel turned into a date or a number where an indicator code was typed; full-width digits
in a code are read as the code. A file named .xlsx that is not a zip package is said to be what
it is (password-protected, a web page, text, a LibreOffice .ods). The XML inside the
package is parsed with defusedxml (openpyxl uses it when installed): entity declarations (an
"XML bomb") are refused, never expanded. A damaged package (bad compressed stream, truncated
zip, malformed XML) or a file this account may not read is one problem naming the file.

`read_raw` never raises for a bad file: it returns every structural problem it finds.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import unicodedata
import zipfile
import zlib
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import openpyxl
from defusedxml import DefusedXmlException
from openpyxl.styles.numbers import BUILTIN_FORMATS, BUILTIN_FORMATS_MAX_SIZE
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser

from piilib.io import problems as P
from piilib.io.numbers import COMMA, parse_number
from piilib.io.problems import Problem
from piilib.messages import text

EXCEL_SUFFIXES = (".xlsx", ".xlsm")
CSV_SUFFIXES = (".csv", ".txt")

# Header names, compared after `normalise` (lower case, no diacritics, no punctuation).
EDITION_ALIASES = frozenset({"edition", "nam", "ky", "ky pii", "nam pii", "pii edition", "ky danh gia"})
PROVINCE_ALIASES = frozenset({
    "province", "unit", "tinh", "tinh thanh pho", "tinh thanh", "tinh tp", "dia phuong",
    "ten tinh", "ten tinh thanh pho", "ten dia phuong", "tinh thanh pho truc thuoc trung uong",
})
INDICATOR_ALIASES = frozenset({"indicator", "indicator code", "code", "ma chi so", "chi so", "ma"})
VALUE_ALIASES = frozenset({"value", "gia tri", "so lieu", "gia tri chi so"})
# Province cells of rows that summarise the country or a group, not a province.
SUMMARY_ROW_LABELS = frozenset({
    "ca nuoc", "toan quoc", "trung binh", "trung binh ca nuoc", "binh quan", "tong", "tong cong",
    "national", "average", "total", "vietnam", "viet nam",
})

INDICATOR_CODE = re.compile(r"^\s*(\d{1,2}\.\d{1,2}\.\d{1,2})\.?(?:\s|$)")
TITLE_EDITION = re.compile(r"PII\D{0,12}?((?:19|20)\d{2})", re.IGNORECASE)
YEAR = re.compile(r"^\s*((?:19|20)\d{2})(?:\.0+)?\s*$")
HEADER_SEARCH_ROWS = 50
# A non-blank cell more than this many blank rows below the table is a stray keystroke, not data.
STRAY_GAP_ROWS = 20

LONG = "long"
WIDE = "wide"



def normalise(text) -> str:
    """Lower case, without diacritics or punctuation: "Tỉnh, thành phố" -> "tinh thanh pho"."""
    if text is None:
        return ""
    decomposed = unicodedata.normalize("NFD", str(text).replace("đ", "d").replace("Đ", "D"))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    return " ".join(re.sub(r"[^0-9a-z]+", " ", bare).split())


def cell_text(value) -> str:
    """A cell as the user reads it (integers without ".0")."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, float):
        return repr(value)  # 1e+300, not its 301 digits
    if isinstance(value, datetime.datetime) and value.time() == datetime.time():
        return value.date().isoformat()
    return str(value)


@dataclass(frozen=True)
class Cell:
    """A cell and where it is: 1-based sheet row, 0-based column, and its column's header."""

    sheet: str | None
    row: int
    column: int
    header: str | None
    value: object

    def problem(self, kind: str, file: str, what: str, expected: str, show_value: bool = True) -> Problem:
        return Problem(
            kind=kind, file=file, what=what, expected=expected, sheet=self.sheet, row=self.row,
            column=self.column, header=self.header,
            found=cell_text(self.value) if show_value else None,
        )


@dataclass(frozen=True)
class RawEntry:
    """One value of the file with the cells that say which province, indicator and edition."""

    province: Cell
    indicator: Cell  # the row's indicator cell (long) or the column's header cell (wide)
    value: Cell
    edition: Cell | None  # edition cell of the row, or the title cell; None when not stated


@dataclass
class RawFile:
    name: str
    entries: list[RawEntry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    layouts: list[str] = field(default_factory=list)


Row = tuple[int, dict[int, object]]  # 1-based sheet row, {0-based column: non-blank value}


@dataclass(frozen=True)
class _Sheet:
    """A sheet as its non-blank rows, in order (blank rows and cells are not stored)."""

    name: str | None
    rows: list[Row]
    merged: tuple[str, ...] = ()  # merged ranges ("C8:C9") of a workbook sheet


class _FileUnusable(Exception):
    def __init__(self, problem: Problem):
        self.problem = problem


def read_raw(path, edition: int | None = None) -> RawFile:
    """Every value of the file with its location, and the structural problems found.

    `edition`, when given, only picks among several editions named in a sheet's title rows.
    """
    path = Path(path)
    raw = RawFile(name=path.name)
    try:
        sheets = _load_sheets(path)
    except _FileUnusable as unusable:
        raw.problems.append(unusable.problem)
        return raw
    if not any(sheet.rows for sheet in sheets):
        raw.problems.append(Problem(P.EMPTY, raw.name, text("io.empty"),
                                    text("io.empty.expected", layout=text("io.layout"))))
        return raw
    found_header = False
    for sheet in sheets:
        layout = _read_sheet(sheet, raw, edition)
        if layout:
            found_header = True
            raw.layouts.append(layout)
    codes_without_province = None if found_header else _codes_without_province(sheets, raw.name)
    if codes_without_province is not None:
        raw.problems.append(codes_without_province)
    elif not found_header:
        where = text("io.no_header.any_sheet" if len(sheets) > 1 or sheets[0].name else "io.no_header.file")
        raw.problems.append(Problem(P.NO_HEADER, raw.name,
                                    text("io.no_header", where=where, rows=HEADER_SEARCH_ROWS), text("io.layout")))
    return raw


# --- loading files -------------------------------------------------------------------------

def _load_sheets(path: Path) -> list[_Sheet]:
    try:
        return _load_sheets_unchecked(path)
    except PermissionError:
        raise _FileUnusable(Problem(
            P.UNREADABLE, path.name, text("io.no_permission", path=path),
            text("io.no_permission.expected"))) from None
    except OSError as error:  # e.g. a network drive gone, an I/O error
        raise _FileUnusable(Problem(
            P.UNREADABLE, path.name, text("io.cannot_read", reason=error.strerror or type(error).__name__),
            text("io.cannot_read.expected"))) from None


def _load_sheets_unchecked(path: Path) -> list[_Sheet]:
    if not path.exists():
        missing = "io.broken_link" if path.is_symlink() else "io.missing_file"  # a loop, or a target gone
        raise _FileUnusable(Problem(P.UNREADABLE, path.name, text(missing, path=path),
                                    text("io.missing_file.expected")))
    if not path.is_file():
        raise _FileUnusable(Problem(P.UNREADABLE, path.name, text("io.folder"), text("io.csv_or_xlsx_path")))
    suffix = path.suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        return _load_workbook(path)
    if suffix in CSV_SUFFIXES:
        return [_Sheet(None, _load_csv(path))]
    if suffix == ".ods":
        raise _FileUnusable(Problem(P.UNREADABLE, path.name, text("io.ods", named=""), text("io.ods.expected")))
    if suffix == ".xls":
        raise _FileUnusable(Problem(
            P.UNREADABLE, path.name, text("io.xls"), text("io.xls.expected"),
        ))
    raise _FileUnusable(Problem(
        P.UNREADABLE, path.name, text("io.file_type", suffix=path.suffix or text("io.no_extension")),
        text("io.csv_or_xlsx"),
    ))


# An .xlsx file is a zip package; these are what staff's files named .xlsx turn out to be otherwise.
ZIP_SIGNATURE = b"PK"
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # a password-protected workbook, or an .xls renamed


def _not_a_package(path: Path) -> Problem | None:
    """What a file named .xlsx is when it is not a zip package (None when it is one)."""
    with open(path, "rb") as handle:
        head = handle.read(2048)
    if head.startswith(ZIP_SIGNATURE):
        if b"mimetypeapplication/vnd.oasis.opendocument" in head:  # the first entry of every OpenDocument file
            named = text("io.ods.named", suffix=path.suffix)
            return Problem(P.CORRUPT_WORKBOOK, path.name, text("io.ods", named=named), text("io.ods.expected"))
        return None
    if head.startswith(OLE_SIGNATURE):
        what, expected = "io.encrypted", "io.encrypted.expected"
    elif head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        what, expected = "io.html_named_xlsx", "io.damaged.expected"
    elif b"\x00" not in head:
        what, expected = "io.text_named_xlsx", "io.text_named_xlsx.expected"
    else:
        return None  # something else: openpyxl's reason is the one to give
    return Problem(P.CORRUPT_WORKBOOK, path.name, text(what, suffix=path.suffix), text(expected))


def _load_workbook(path: Path) -> list[_Sheet]:
    if path.stat().st_size == 0:
        return [_Sheet(None, [])]
    if (problem := _not_a_package(path)) is not None:
        raise _FileUnusable(problem)
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            return [_Sheet(sheet.title, *_worksheet_rows(workbook, sheet)) for sheet in workbook.worksheets]
        finally:
            workbook.close()
    except PermissionError:
        raise
    except (DefusedXmlException, zipfile.BadZipFile, zlib.error, EOFError, InvalidFileException, KeyError,
            ValueError, TypeError, IndexError, AttributeError, SyntaxError, OSError) as error:
        # SyntaxError covers xml.etree's ParseError (malformed XML inside the package); zlib.error
        # and EOFError a damaged or truncated compressed part. openpyxl wraps some of them: the
        # message names the first cause.
        cause = _root_cause(error)
        if isinstance(cause, DefusedXmlException):
            raise _FileUnusable(Problem(
                P.CORRUPT_WORKBOOK, path.name,
                text("io.entities", cause=type(cause).__name__), text("io.entities.expected"),
            )) from None
        raise _FileUnusable(Problem(
            P.CORRUPT_WORKBOOK, path.name,
            text("io.damaged", cause=f"{type(cause).__name__}: {_short(cause)}"), text("io.damaged.expected"),
        )) from None


def _root_cause(error: BaseException) -> BaseException:
    seen = {id(error)}
    while True:
        cause = error.__cause__ or error.__context__
        if cause is None or id(cause) in seen:
            return error
        seen.add(id(cause))
        error = cause


def _short(error: BaseException, limit: int = 160) -> str:
    said = " ".join(str(error).split())
    return said if len(said) <= limit else said[:limit] + " …"


@dataclass(frozen=True)
class ExcelError:
    """A cell showing an Excel error value (#N/A, #DIV/0!, …) instead of a number."""

    code: str

    def __str__(self) -> str:
        return self.code


@dataclass(frozen=True)
class FormulaWithoutValue:
    """A formula cell saved without its result (written by a program that does not calculate)."""

    formula: str

    def __str__(self) -> str:
        return f"={self.formula}" if self.formula else "(a formula)"


class _CellParser(WorkSheetParser):
    """openpyxl's streaming sheet parser, also telling formula cells with no saved result apart
    from blank cells (in data-only mode both read as None)."""

    def parse_cell(self, element):
        cell = super().parse_cell(element)
        if cell["value"] is None and element.find(FORMULA_TAG) is not None:
            cell["value"] = FormulaWithoutValue((element.findtext(FORMULA_TAG) or "").strip())
        elif cell["data_type"] == "e" and cell["value"] is not None:
            cell["value"] = ExcelError(str(cell["value"]))
        return cell


def _worksheet_rows(workbook, sheet) -> tuple[list[Row], tuple[str, ...]]:
    """(1-based row number, {0-based column: value}) of every row holding a non-blank cell, and
    the sheet's merged ranges ("C8:C9"; the parser reads them after the cells).

    Only the cells stored in the file are visited: a lone cell in row 1,048,576 costs one row,
    not a million (the sheet's dimension is not used to size anything)."""
    source = sheet._get_source()
    rows = []
    try:
        parser = _CellParser(source, sheet._shared_strings, data_only=True, epoch=workbook.epoch,
                             date_formats=workbook._date_formats, timedelta_formats=workbook._timedelta_formats)
        for number, cells in parser.parse():
            values = {}
            for cell in cells:
                value = _excel_value(workbook, cell)
                if not _is_blank(value):
                    values[cell["column"] - 1] = value
            if values:
                rows.append((number, values))
    finally:
        source.close()
    merged = getattr(parser, "merged_cells", None)
    return rows, tuple(str(cell.ref) for cell in (merged.mergeCell if merged else ()))


def _report_merged_values(sheet: _Sheet, header_row: int, value_columns, raw: RawFile) -> None:
    """Merged cells over value cells: Excel shows the value across them all but stores it in
    the first cell only, so the others would read as blank (missing data) without a word."""
    from openpyxl.utils.cell import range_boundaries

    columns = set(value_columns)
    for ref in sheet.merged:
        first_column, first_row, last_column, last_row = range_boundaries(ref)
        spans = range(first_column - 1, last_column)
        if last_row <= header_row or not columns.intersection(spans) or (first_row, first_column) == (
                last_row, last_column):
            continue
        top = Cell(sheet.name, max(first_row, header_row + 1), first_column - 1, None, None)
        raw.problems.append(top.problem(P.MERGED_CELLS, raw.name, text("io.merged", cells=ref),
                                        text("io.merged.expected"), show_value=False))


def _excel_value(workbook, cell: dict):
    """The value the user sees: a number formatted as a percentage shows value × 100."""
    value = cell["value"]
    if isinstance(value, str):
        return value if value.strip() else None
    if (isinstance(value, (int, float)) and not isinstance(value, bool)
            and _is_percent_format(_number_format(workbook, cell["style_id"]))):
        return float(Decimal(repr(value)) * 100)
    return value


def _number_format(workbook, style_id) -> str | None:
    if not style_id:
        return None
    try:
        format_id = workbook._cell_styles[style_id].numFmtId
        if format_id < BUILTIN_FORMATS_MAX_SIZE:
            return BUILTIN_FORMATS.get(format_id)
        return workbook._number_formats[format_id - BUILTIN_FORMATS_MAX_SIZE]
    except (IndexError, AttributeError):
        return None


def _is_percent_format(number_format: str | None) -> bool:
    """A number format that multiplies by 100 (0.0%), not one that only prints a % sign (0.0"%")."""
    literal_free = re.sub(r'"[^"]*"|\\.', "", number_format or "")
    return "%" in literal_free


def _load_csv(path: Path) -> list[Row]:
    data = path.read_bytes()
    if not data.strip():
        return []
    decoded = _decode(data, path.name)
    delimiter = _guess_delimiter(decoded)
    rows = []
    try:
        for number, record in enumerate(csv.reader(io.StringIO(decoded, newline=""), delimiter=delimiter), start=1):
            values = {column: value for column, value in enumerate(record) if value.strip()}
            if values:
                rows.append((number, values))
    except csv.Error as error:
        raise _FileUnusable(Problem(P.UNREADABLE, path.name, text("io.csv_split", reason=error),
                                    text("io.csv_saved"))) from None
    return rows


def _decode(data: bytes, name: str) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if b"\x00" in data:
        raise _FileUnusable(Problem(
            P.UNREADABLE, name, text("io.binary"), text("io.binary.expected"),
        ))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Older Vietnamese Windows software writes Windows-1258.
        return data.decode("cp1258", errors="replace")


def _guess_delimiter(text: str) -> str:
    """The delimiter that splits the most lines into the same number (>1) of fields.

    On a tie the one giving more fields wins: "1.234,5" splits on a comma too.
    """
    sample = [line for line in text.splitlines()[:HEADER_SEARCH_ROWS + 20] if line.strip()]
    best, best_score = ",", (0, 0)
    for delimiter in (",", ";", "\t"):
        widths = Counter(len(record) for record in csv.reader(sample, delimiter=delimiter))
        score = max(((count, width) for width, count in widths.items() if width > 1), default=(0, 0))
        if score > best_score:
            best, best_score = delimiter, score
    return best


# --- layouts -------------------------------------------------------------------------------

def _is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _looks_numeric(value) -> bool:
    """A value cell's content: a number (either decimal convention), or an Excel error or a formula
    that stands where a number should be."""
    if isinstance(value, (ExcelError, FormulaWithoutValue)):
        return True
    return parse_number(value, COMMA).value is not None


def _at(row: Row, column: int):
    return row[1].get(column)


def _table_and_stray_rows(rows: list[Row], header_position: int) -> tuple[list[Row], list[Row]]:
    """The rows under the header that belong to the table, and the stray rows: those after the
    first run of more than `STRAY_GAP_ROWS` blank rows (a key pressed far down the sheet)."""
    below = rows[header_position + 1:]
    previous = rows[header_position][0]
    for position, (number, _) in enumerate(below):
        if number - previous - 1 > STRAY_GAP_ROWS:
            return below[:position], below[position:]
        previous = number
    return below, []


def _report_stray(sheet: _Sheet, stray: list[Row], raw: RawFile) -> None:
    for number, cells in stray:
        for column, value in cells.items():
            raw.problems.append(Cell(sheet.name, number, column, None, value).problem(
                P.STRAY_CELL, raw.name,
                text("io.stray", rows=STRAY_GAP_ROWS), text("io.stray.expected"),
            ))


def _read_sheet(sheet: _Sheet, raw: RawFile, edition: int | None) -> str | None:
    for position, (number, row) in enumerate(sheet.rows):
        if number > HEADER_SEARCH_ROWS:
            break
        names = {column: normalise(value) for column, value in row.items()}
        long_columns = _long_columns(names)
        codes = {column: match.group(1) for column, value in row.items()
                 if isinstance(value, str) and (match := INDICATOR_CODE.match(_code_text(value)))}
        province_column = next((c for c, name in names.items() if name in PROVINCE_ALIASES), None)
        if not (long_columns or codes):
            continue
        table, stray = _table_and_stray_rows(sheet.rows, position)
        if long_columns:
            _report_merged_values(sheet, number, [long_columns["value"]], raw)
            _read_long(sheet, position, table, long_columns, raw, edition)
            _report_stray(sheet, stray, raw)
            return LONG
        if codes and province_column is None and len(codes) >= 2:
            province_column = _guess_province_column(table, codes)
        if codes and province_column is not None:
            _report_merged_values(sheet, number, codes, raw)
            _read_wide(sheet, position, table, province_column, codes, raw, edition)
            _report_stray(sheet, stray, raw)
            return WIDE
    return None


def _code_text(value: str) -> str:
    """A header cell as a code: full-width digits and dots (an East Asian keyboard) as ASCII."""
    return unicodedata.normalize("NFKC", value)


def _report_codes_not_text(sheet: _Sheet, header: Row, table: list[Row], province_column: int,
                           codes: dict[int, str], raw: RawFile) -> None:
    """A header cell right of the province column that Excel turned into a date or a number
    ("1.1.1" typed into a General cell) over a column of numbers: its values would be skipped
    without a word, so it is a problem naming the cell."""
    for column, value in sorted(header[1].items()):
        if column in codes or column <= province_column or isinstance(value, str):
            continue
        if not any(_looks_numeric(_at(row, column)) for row in table):
            continue
        kind = text("io.code_not_text.date" if isinstance(value, (datetime.date, datetime.time))
                    else "io.code_not_text.number")
        raw.problems.append(Cell(sheet.name, header[0], column, None, value).problem(
            P.UNKNOWN_INDICATOR, raw.name, text("io.code_not_text", kind=kind), text("io.code_not_text.expected"),
        ))


def _codes_without_province(sheets: list[_Sheet], file: str) -> Problem | None:
    """When no table was found: the first row with indicator codes (a wide header) whose
    province column is missing, as a problem naming that row; None when there is none."""
    for sheet in sheets:
        for number, row in sheet.rows:
            if number > HEADER_SEARCH_ROWS:
                break
            codes = sorted(column for column, value in row.items()
                           if isinstance(value, str) and INDICATOR_CODE.match(_code_text(value)))
            if len(codes) >= 2:
                cell = Cell(sheet.name, number, codes[0], None, None)
                return cell.problem(P.NO_HEADER, file, text("io.no_province_column"),
                                    text("io.no_province_column.expected"), show_value=False)
    return None


def _long_columns(names: dict[int, str]) -> dict[str, int] | None:
    def first(aliases):
        return next((column for column, name in sorted(names.items()) if name in aliases), None)

    columns = {
        "province": first(PROVINCE_ALIASES),
        "indicator": first(INDICATOR_ALIASES),
        "value": first(VALUE_ALIASES),
        "edition": first(EDITION_ALIASES),
    }
    if columns["province"] is None or columns["indicator"] is None or columns["value"] is None:
        return None
    return columns


def _guess_province_column(table: list[Row], codes: dict[int, str]) -> int | None:
    """Without a named province column: the column left of the codes holding the most text."""
    candidates = range(min(codes))
    text_counts = {
        column: sum(
            isinstance(_at(row, column), str) and not _looks_numeric(_at(row, column))
            for row in table
        )
        for column in candidates
    }
    best = max(text_counts, key=lambda column: (text_counts[column], column), default=None)
    return best if best is not None and text_counts[best] > 0 else None


def _title_edition(sheet: _Sheet, header_position: int, raw: RawFile, requested: int | None) -> Cell | None:
    """The edition stated above the header: a labelled cell ("Kỳ PII" | 2024) or "PII 2024" in a title.

    When the title rows name several editions, `requested` (the edition asked for) picks one.
    """
    found: list[Cell] = []
    for number, row in sheet.rows[:header_position]:
        for column, value in sorted(row.items()):
            if normalise(value) in EDITION_ALIASES:
                following = next((row[c] for c in sorted(row) if c > column), None)
                match = YEAR.match(cell_text(following))
            else:
                match = TITLE_EDITION.search(value) if isinstance(value, str) else None
            if match:
                found.append(Cell(sheet.name, number, column, None, int(match.group(1))))
    years = sorted({cell.value for cell in found})
    if len(years) > 1:
        if requested in years:
            return next(cell for cell in found if cell.value == requested)
        raw.problems.append(found[0].problem(
            P.EDITION, raw.name, text("io.title_editions", years=", ".join(map(str, years))),
            text("io.title_editions.expected"),
            show_value=False,
        ))
        return None
    return found[0] if found else None


def _read_long(sheet: _Sheet, header_position: int, table: list[Row], columns: dict[str, int], raw: RawFile,
               requested: int | None) -> None:
    header = sheet.rows[header_position]
    title_edition = None if columns["edition"] is not None else _title_edition(sheet, header_position, raw,
                                                                              requested)

    def cell(row, role):
        column = columns[role]
        return Cell(sheet.name, row[0], column, cell_text(_at(header, column)), _at(row, column))

    for row in table:
        province, indicator, value = (cell(row, role) for role in ("province", "indicator", "value"))
        if all(_is_blank(c.value) for c in (province, indicator, value)):
            continue
        edition = cell(row, "edition") if columns["edition"] is not None else title_edition
        raw.entries.append(RawEntry(province=province, indicator=indicator, value=value, edition=edition))


def _read_wide(sheet: _Sheet, header_position: int, table: list[Row], province_column: int,
               codes: dict[int, str], raw: RawFile, requested: int | None) -> None:
    header = sheet.rows[header_position]
    _report_codes_not_text(sheet, header, table, province_column, codes, raw)
    edition = _title_edition(sheet, header_position, raw, requested)
    province_header = cell_text(_at(header, province_column)) or None
    code_cells = {
        column: Cell(sheet.name, header[0], column, None, code) for column, code in codes.items()
    }
    seen_numbers = False
    for row in table:
        row_number = row[0]
        province = Cell(sheet.name, row_number, province_column, province_header, _at(row, province_column))
        values = [
            Cell(sheet.name, row_number, column, codes[column], _at(row, column)) for column in codes
        ]
        has_number = any(_looks_numeric(c.value) for c in values)
        if not seen_numbers and not has_number:
            continue  # sub-header rows (names, units) or rows not filled in yet
        seen_numbers = seen_numbers or has_number
        if normalise(province.value) in SUMMARY_ROW_LABELS or all(_is_blank(c.value) for c in values):
            continue  # national/average rows, notes under the table, provinces with no data
        for value in values:
            raw.entries.append(RawEntry(
                province=province, indicator=code_cells[value.column], value=value, edition=edition,
            ))
