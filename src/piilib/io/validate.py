"""Checking an official indicator file and turning it into the tidy long frame.

`validate_file` reads the file (`piilib.io.read`) and checks every value against the
framework and the provinces of its edition, collecting every problem in one pass:
unknown or former provinces, unknown indicators, duplicates, values that are not finite
numbers, negative values where the indicator cannot be negative, provinces and indicators
with no value at all. `read_values` returns the frame, or raises `OfficialFileError`
carrying all the problems.

Blank cells (and explicit no-data marks such as "-") are missing data, not errors: the index
engine imputes them. A province or indicator with no value at all is an error.

Which indicators cannot be negative is read from the framework (`cannot_be_negative`).

Ranges. Each indicator's range is the one its unit states in the framework, read by
`piilib.analysis.bounds.unit_bounds(unit_en, denominator)` (see `_unit_bounds`): a "%" share 0–100, "(0–10)",
"(0–13)", counts and "%" of GRDP >= 0. An indicator that measures a change (see
`cannot_be_negative`) has no lower bound: its "%" is a growth rate, not a share. Whatever
the unit, a value of magnitude `ABSURD_MAGNITUDE` or more is refused: no PII indicator (a
ratio, share or score) comes near it, so such a value is a typing or unit slip (1e308, a
total pasted for a ratio).

Implausible jumps (warnings, not errors), against the previous edition's values of the same
province and indicator on the same map (`previous`): a value is flagged when the change is
more than `JUMP_IQR_MULTIPLE` times the indicator's interquartile range across provinces in
the previous edition (Tukey's far-out fence, as a distance), or when it is `JUMP_FACTOR` times
the previous value or more, or that much smaller (both non-zero, same sign) -- a decimal
mark lost or a unit changed. See `implausible_jumps`.

Percentages typed as fractions (a warning, one per indicator column: Excel's most common slip,
0.45 for 45 %): an indicator whose framework unit is "%" with every value of the column within
[0, 1], while its reference values are mostly above 1 -- the previous edition's values (more than
half above 1, and their median at least `FRACTION_SCALE_GAP` times the column's, so that the
values times 100 fit them better than the values as typed) or, without them, the framework's
typical range (its low end at least 1). A genuinely small percentage (reference values below 1)
is not flagged. See `percent_typed_as_fraction`; its per-cell jump warnings are replaced by it.

Excel error values (#N/A, #DIV/0!, …) and formulas saved without a result are reported by
cell; they are never read as blanks.
"""

from __future__ import annotations

import difflib
import math
import re
from collections import defaultdict
from dataclasses import dataclass, field

import pandas as pd

import numpy as np

from piilib import schema
from piilib.framework import indicators as framework_indicators
from piilib.io import problems as P
from piilib.io.numbers import expected_number, expected_unambiguous, infer_decimal_mark, parse_number
from piilib.io.problems import OfficialFileError, Problem
from piilib.messages import text
from piilib.io.read import (
    INDICATOR_CODE,
    YEAR,
    Cell,
    ExcelError,
    FormulaWithoutValue,
    RawEntry,
    cell_text,
    normalise,
    read_raw,
)
from piilib.units import UnitNameError, load_units, resolve_unit

# A PII indicator is a level (count per population, commune or enterprise; amount; share;
# score; index) unless it measures a change: growth, reduction, percentage points.
_CHANGE_NAME = re.compile(r"tốc độ|tăng trưởng|giảm|thay đổi|growth|reduction|change", re.IGNORECASE)
_CHANGE_UNIT = re.compile(r"điểm phần trăm|percentage point", re.IGNORECASE)
NO_DENOMINATOR = "none"
ABSURD_MAGNITUDE = 1e12
JUMP_IQR_MULTIPLE = 3.0
JUMP_FACTOR = 10.0
# The fewest values of a column that say something about how the column was typed.
FRACTION_MIN_VALUES = 3
# Reference median / column median from which the column reads better times 100 than as typed
# (10 is the middle of 1 and 100 on a log scale).
FRACTION_SCALE_GAP = 10.0


def cannot_be_negative(indicator: pd.Series) -> bool:
    """Whether an indicator's values can never be below zero.

    A ratio to a denominator (population, communes, enterprises, pupils, GRDP) of a count or
    amount cannot be negative. Without a denominator, only an indicator measuring a change
    can: its name says growth or reduction ("tốc độ tăng", "giảm") or its unit is
    percentage points ("điểm phần trăm").
    """
    if str(indicator.get("denominator", NO_DENOMINATOR)).strip().lower() != NO_DENOMINATOR:
        return True
    names = f"{indicator.get('name_vi', '')} {indicator.get('name_en', '')}"
    return not (_CHANGE_NAME.search(names) or _CHANGE_UNIT.search(str(indicator.get("unit_vi", ""))))


@dataclass
class _Edition:
    """What the framework and the province list say about one edition."""

    number: int
    indicators: pd.DataFrame
    units: pd.DataFrame
    codes: set[str] = field(init=False)
    code_by_name: dict[str, str] = field(init=False)
    non_negative: set[str] = field(init=False)
    bounds: dict[str, tuple[float, float]] = field(init=False)
    unit_text: dict[str, str] = field(init=False)

    def __post_init__(self):
        self.codes = set(self.indicators["code"])
        self.code_by_name = {}
        for _, row in self.indicators.iterrows():
            for column in ("name_vi", "name_en"):
                if isinstance(row.get(column), str):
                    self.code_by_name[normalise(row[column])] = row["code"]
        self.non_negative = {row["code"] for _, row in self.indicators.iterrows() if cannot_be_negative(row)}
        self.bounds = {code: value_range(row) for code, row in self.indicators.set_index("code").iterrows()}
        self.unit_text = dict(zip(self.indicators["code"], self.indicators["unit_vi"].fillna("").astype(str)))


def _unit_bounds():
    """`piilib.analysis.bounds.unit_bounds`, the one rule for ranges, without importing the
    `piilib.analysis` package (its __init__ loads statsmodels: 1.5 s that `pii validate` must not
    spend, issue 11). The module is the same file, loaded on its own; when the package is
    already imported, its module is used."""
    import importlib.util
    import sys
    from pathlib import Path

    loaded = sys.modules.get("piilib.analysis.bounds")
    if loaded is not None:
        return loaded.unit_bounds
    global _BOUNDS_MODULE
    if _BOUNDS_MODULE is None:
        path = Path(__file__).resolve().parents[1] / "analysis" / "bounds.py"
        spec = importlib.util.spec_from_file_location("piilib.io._analysis_bounds", path)
        _BOUNDS_MODULE = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(_BOUNDS_MODULE)
    return _BOUNDS_MODULE.unit_bounds


_BOUNDS_MODULE = None


def value_range(indicator: pd.Series) -> tuple[float, float]:
    """(lower, upper) of an indicator's values: the range its unit states (`unit_bounds`), with
    no lower bound for an indicator measuring a change (a growth rate in "%" is not a share)."""
    lower, upper = _unit_bounds()(indicator.get("unit_en", ""), indicator.get("denominator", NO_DENOMINATOR))
    if not cannot_be_negative(indicator):
        lower = -np.inf
    return float(lower), float(upper)


def implausible_jumps(current: pd.DataFrame, previous: pd.DataFrame,
                      iqr_multiple: float = JUMP_IQR_MULTIPLE, factor: float = JUMP_FACTOR) -> pd.DataFrame:
    """Values that moved implausibly since the previous edition (rule in the module docstring).

    `current` and `previous`: tidy frames (unit, indicator, value) on the same map. Returns the
    flagged rows: unit, indicator, value, previous, iqr (of `previous` across provinces), rule
    ("spread" or "factor")."""
    columns = [schema.UNIT, schema.INDICATOR, schema.VALUE, "previous", "iqr", "rule"]
    if current.empty or previous.empty:
        return pd.DataFrame(columns=columns)
    before = previous[[schema.UNIT, schema.INDICATOR, schema.VALUE]].dropna().astype({schema.INDICATOR: str})
    # Interquartile range with linear interpolation (as scipy.stats.iqr), from pandas' quantiles.
    quartiles = before.groupby(schema.INDICATOR)[schema.VALUE].quantile([0.25, 0.75]).unstack()
    spread = (quartiles[0.75] - quartiles[0.25]).rename("iqr")
    pairs = current[[schema.UNIT, schema.INDICATOR, schema.VALUE]].astype({schema.INDICATOR: str}).merge(
        before.rename(columns={schema.VALUE: "previous"}), on=[schema.UNIT, schema.INDICATOR]
    ).merge(spread, left_on=schema.INDICATOR, right_index=True)
    change = (pairs[schema.VALUE] - pairs["previous"]).abs()
    by_spread = (pairs["iqr"] > 0) & (change > iqr_multiple * pairs["iqr"])
    small = np.minimum(pairs[schema.VALUE].abs(), pairs["previous"].abs())
    large = np.maximum(pairs[schema.VALUE].abs(), pairs["previous"].abs())
    same_sign = np.sign(pairs[schema.VALUE]) == np.sign(pairs["previous"])
    by_factor = same_sign & (small > 0) & (large >= factor * small)
    pairs["rule"] = np.where(by_factor, "factor", "spread")
    return pairs.loc[by_spread | by_factor, columns].reset_index(drop=True)


def is_percent_unit(unit_en) -> bool:
    """A share or rate in per cent ("%", "% (previous year = 100)"); not percentage points."""
    return str(unit_en).strip().startswith("%")


def percent_typed_as_fraction(values, reference=None, typical_low: float = float("nan")) -> str | None:
    """Why the values of one "%" indicator column look typed as fractions (0.45 for 45 %), or
    None (rule in the module docstring): "previous" when the previous edition's values say so,
    "typical" when, without them, the framework's typical range does."""
    values = pd.Series(values, dtype="float64").dropna()
    if len(values) < FRACTION_MIN_VALUES or not values.between(0, 1).all() or not (values > 0).any():
        return None
    reference = pd.Series([] if reference is None else reference, dtype="float64").dropna()
    if len(reference) >= FRACTION_MIN_VALUES:
        mostly_above = (reference > 1).mean() > 0.5
        return "previous" if mostly_above and reference.median() >= FRACTION_SCALE_GAP * values.median() else None
    return "typical" if typical_low >= 1 else None


@dataclass(frozen=True)
class ValidationResult:
    """The outcome of checking one file: the values that passed, and every problem found."""

    file: str
    frame: pd.DataFrame
    problems: list[Problem]
    expected_counts: dict[int, int] = field(default_factory=dict)  # provinces × indicators per edition
    warnings: list[Problem] = field(default_factory=list)  # implausible jumps: to check, not errors

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        """One line: "OK: 63 provinces × 52 indicators, edition 2024, file X"."""
        parts = []
        for edition, rows in self.frame.groupby(schema.EDITION, sort=True):
            part = text("io.summary.part", provinces=rows[schema.UNIT].nunique(),
                        indicators=rows[schema.INDICATOR].nunique(), edition=edition)
            blank = self.expected_counts.get(edition, len(rows)) - len(rows)
            if blank:
                part += text("io.summary.blank", count=blank)
            parts.append(part)
        status = text("io.summary.ok") if self.ok else text("io.summary.problems", count=f"{len(self.problems):,}")
        if self.warnings:
            status += text("io.summary.warnings", count=f"{len(self.warnings):,}")
        return text("io.summary", status=status, parts="; ".join(parts) or text("io.summary.no_values"),
                    file=self.file)


def read_values(path, edition: int | None = None) -> pd.DataFrame:
    """The file as the tidy long frame (provenance "official", source = file name).

    Raises `OfficialFileError` listing every problem when anything is wrong.
    """
    result = validate_file(path, edition)
    if result.problems:
        raise OfficialFileError(result.problems)
    return result.frame


def validate_file(path, edition: int | None = None, previous=None) -> ValidationResult:
    """Check a CSV or .xlsx file of indicator values; never modifies the file.

    `previous`: for the implausible-jump warnings, a mapping or a function edition -> the
    previous edition's values (tidy: unit, indicator, value) on that edition's map, or None;
    editions without them are not compared (and no comparison is made when there are errors)."""
    raw = read_raw(path, edition)
    checker = _Checker(raw.name, edition)
    records = checker.check_entries(raw.entries)
    if not raw.problems:
        checker.check_completeness(records)
    warnings = [] if raw.problems or checker.problems else checker.value_warnings(records, previous)
    frame = pd.DataFrame(
        [(ed, unit, code, value, schema.OFFICIAL, raw.name) for ed, unit, code, value in records],
        columns=schema.LONG_COLUMNS,
    ).astype({schema.EDITION: "int64", schema.VALUE: "float64"})
    expected_counts = {
        number: len(info.units) * len(info.codes) for number, info in checker.editions.items() if info
    }
    return ValidationResult(file=raw.name, frame=frame, problems=_unique(raw.problems + checker.problems),
                            expected_counts=expected_counts, warnings=warnings)


def _unique(problems: list[Problem]) -> list[Problem]:
    return list(dict.fromkeys(problems))


class _Checker:
    def __init__(self, file: str, edition: int | None):
        self.file = file
        self.requested_edition = edition
        self.problems: list[Problem] = []
        self.editions: dict[int, _Edition | None] = {}
        # (name, edition) -> unit key, or (kind, what, expected) of the problem with the name
        self._units: dict[tuple[str, int], str | tuple[str, str, str]] = {}
        self.value_cells: dict[tuple[int, str, str], Cell] = {}  # (edition, unit, code) -> its cell

    # -- editions --------------------------------------------------------------------------

    def _edition_info(self, number: int) -> _Edition | None:
        if number not in self.editions:
            try:
                self.editions[number] = _Edition(number, framework_indicators(number), load_units(number))
            except (KeyError, ValueError, FileNotFoundError, LookupError) as error:
                self.editions[number] = None
                self.problems.append(Problem(
                    P.EDITION, self.file, text("io.no_framework", edition=number, reason=error),
                    text("io.no_framework.expected"),
                ))
        return self.editions[number]

    def _entry_edition(self, entry: RawEntry, mismatches: dict) -> int | None:
        cell = entry.edition
        if cell is None or _is_blank(cell.value):
            return self.requested_edition
        match = YEAR.match(cell_text(cell.value))
        year = int(match.group(1)) if match else None
        if year is None:
            self.problems.append(cell.problem(P.EDITION, self.file, text("io.edition_not_year"),
                                              text("io.edition_not_year.expected")))
            return None
        if self.requested_edition is not None and year != self.requested_edition:
            mismatches.setdefault((cell.sheet, cell.column, year), []).append(cell)
            return None
        return year

    def _report_mismatches(self, mismatches: dict) -> None:
        for (_, _, year), cells in mismatches.items():
            first = cells[0]
            rows = text("io.edition_mismatch.rows", count=len(cells)) if len(cells) > 1 else ""
            self.problems.append(first.problem(
                P.EDITION, self.file,
                text("io.edition_mismatch", year=year, rows=rows, edition=self.requested_edition),
                text("io.edition_mismatch.expected", edition=self.requested_edition, year=year),
            ))

    # -- entries ---------------------------------------------------------------------------

    def check_entries(self, entries: list[RawEntry]) -> list[tuple[int, str, str, float]]:
        mismatches: dict = {}
        editions = [self._entry_edition(entry, mismatches) for entry in entries]
        self._report_mismatches(mismatches)
        unstated = any(entry.edition is None or _is_blank(entry.edition.value) for entry in entries)
        if unstated and self.requested_edition is None:
            self.problems.append(Problem(
                P.EDITION, self.file, text("io.no_edition"), text("io.no_edition.expected"),
            ))
        decimal_mark, conflicting = infer_decimal_mark(
            entry.value.value for entry in entries if isinstance(entry.value.value, str)
        )
        first_seen: dict[tuple[int, str, str], Cell] = {}
        duplicates: dict[tuple, list[str]] = defaultdict(list)
        records = []
        for entry, edition in zip(entries, editions):
            info = self._edition_info(edition) if edition is not None else None
            unit = self._unit(entry, edition, info) if info else None
            code = self._indicator(entry, info) if info else None
            value = self._value(entry, code, info, decimal_mark, conflicting)
            if unit is None or code is None or value is None:
                continue
            key = (edition, unit, code)
            if key in first_seen:
                earlier = first_seen[key]
                duplicates[(edition, unit, earlier.sheet, earlier.row, entry.province)].append(code)
                continue
            first_seen[key] = entry.province
            self.value_cells[key] = entry.value
            records.append((edition, unit, code, value))
        for (edition, unit, sheet, row, cell), codes in duplicates.items():
            where = (text("io.duplicate.where_sheet", row=row, sheet=sheet) if sheet != cell.sheet
                     else text("io.duplicate.where", row=row))
            listed = ", ".join(codes[:5])
            if len(codes) > 5:
                listed = text("io.duplicate.more", listed=listed, count=len(codes) - 5)
            name = self.editions[edition].units.set_index("unit").at[unit, "name_vi"]
            self.problems.append(cell.problem(
                P.DUPLICATE, self.file, text("io.duplicate", name=name, codes=listed, where=where),
                text("io.duplicate.expected"),
            ))
        return records

    def _unit(self, entry: RawEntry, edition: int, info: _Edition) -> str | None:
        cell = entry.province
        name = cell_text(cell.value).strip()
        if not name:
            if not _is_blank(entry.value.value):
                self.problems.append(cell.problem(
                    P.NO_PROVINCE_NAME, self.file, text("io.no_province_name"),
                    text("io.no_province_name.expected"), show_value=False,
                ))
            return None
        key = (name, edition)
        if key not in self._units:
            self._units[key] = self._resolve(name, edition)
        outcome = self._units[key]
        if isinstance(outcome, tuple):
            kind, what, expected = outcome
            self.problems.append(cell.problem(kind, self.file, what, expected))
            return None
        return outcome

    @staticmethod
    def _resolve(name: str, edition: int) -> str | tuple[str, str, str]:
        try:
            return resolve_unit(name, edition)
        except UnitNameError as error:
            reason = str(error).rstrip(".")
            former = edition >= schema.FIRST_MERGED_EDITION and _resolves(name, schema.FIRST_MERGED_EDITION - 1)
            if former:
                return (
                    P.FORMER_PROVINCE,
                    text("io.former_province", edition=edition, reason=reason),
                    text("io.former_province.expected", edition=edition),
                )
            return (
                P.UNKNOWN_PROVINCE, reason[:1].upper() + reason[1:],
                text("io.unknown_province.expected", edition=edition),
            )

    def _indicator(self, entry: RawEntry, info: _Edition) -> str | None:
        cell = entry.indicator
        typed = cell_text(cell.value).strip()
        match = INDICATOR_CODE.match(typed)
        code = match.group(1) if match else info.code_by_name.get(normalise(typed))
        if code in info.codes:
            return code
        if not typed:
            if not _is_blank(entry.value.value):
                self.problems.append(cell.problem(
                    P.UNKNOWN_INDICATOR, self.file, text("io.no_indicator_code"),
                    text("io.no_indicator_code.expected"), show_value=False,
                ))
            return None
        close = _closest(typed, sorted(info.codes, key=_code_order))
        hint = text("io.unknown_indicator.hint", codes=", ".join(close)) if close else ""
        self.problems.append(cell.problem(
            P.UNKNOWN_INDICATOR, self.file, text("io.unknown_indicator", edition=info.number, hint=hint),
            text("io.unknown_indicator.expected", count=len(info.codes), edition=info.number,
                 first=min(info.codes, key=_code_order), last=max(info.codes, key=_code_order)),
        ))
        return None

    def _value(self, entry: RawEntry, code, info, decimal_mark, conflicting) -> float | None:
        cell = entry.value
        if isinstance(cell.value, ExcelError):
            self.problems.append(cell.problem(
                P.EXCEL_ERROR, self.file, text("io.excel_error", code=cell.value.code),
                text("io.excel_error.expected"),
            ))
            return None
        if isinstance(cell.value, FormulaWithoutValue):
            self.problems.append(cell.problem(
                P.FORMULA_WITHOUT_VALUE, self.file, text("io.formula"), text("io.formula.expected"),
            ))
            return None
        parsed = parse_number(cell.value, decimal_mark, conflicting)
        if parsed.error:
            kind = (P.INFINITE if parsed.infinite else P.AMBIGUOUS_NUMBER if parsed.ambiguous
                    else P.EXCEL_ERROR if parsed.excel_error else P.NOT_A_NUMBER)
            expected = expected_unambiguous() if parsed.ambiguous else expected_number()
            self.problems.append(cell.problem(kind, self.file, text("io.value_is", error=parsed.error), expected))
            return None
        if parsed.value is None:
            return None
        if not math.isfinite(parsed.value):
            self.problems.append(cell.problem(P.INFINITE, self.file, text("io.value_is", error=text("number.infinite")),
                                              expected_number()))
            return None
        if abs(parsed.value) >= ABSURD_MAGNITUDE:
            self.problems.append(cell.problem(
                P.OUT_OF_RANGE, self.file,
                text("io.too_large", value=f"{parsed.value:.6g}"),
                text("io.too_large.expected", limit=f"{ABSURD_MAGNITUDE:.0e}"),
            ))
            return None
        if info is None or code is None:
            return parsed.value
        lower, upper = info.bounds[code]
        unit = info.unit_text.get(code, "")
        if code in info.non_negative and parsed.value < 0 and lower == 0:
            self.problems.append(cell.problem(
                P.NEGATIVE, self.file,
                text("io.negative", code=code, unit=unit), text("io.negative.expected"),
            ))
            return None
        if not lower <= parsed.value <= upper:
            self.problems.append(cell.problem(
                P.OUT_OF_RANGE, self.file,
                text("io.out_of_range", code=code, unit=unit, range=_range_text(lower, upper)),
                text("io.out_of_range.expected", range=_range_text(lower, upper))
                + (text("io.out_of_range.percent") if upper == 100 else ""),
            ))
            return None
        return parsed.value

    # -- warnings --------------------------------------------------------------------------

    def value_warnings(self, records, previous) -> list[Problem]:
        """The fraction warnings (one per column), then the jump warnings of the other values."""
        previous_of = (lambda edition: None) if previous is None else (
            previous if callable(previous) else previous.get)
        by_edition: dict[int, list] = defaultdict(list)
        for record in records:
            by_edition[record[0]].append(record)
        warnings = []
        for edition, rows in sorted(by_edition.items()):
            before = previous_of(edition)
            before = None if before is None or before.empty else before
            current = pd.DataFrame([r[1:] for r in rows], columns=[schema.UNIT, schema.INDICATOR, schema.VALUE])
            fractions = self._fraction_warnings(edition, current, before)
            warnings += fractions.values()
            if before is not None:
                warnings += self._jump_warnings(edition, current[~current[schema.INDICATOR].isin(fractions)], before)
        return warnings

    def _fraction_warnings(self, edition: int, current: pd.DataFrame, before) -> dict[str, Problem]:
        info = self.editions[edition]
        found = {}
        for code, column in current.groupby(schema.INDICATOR, sort=False)[schema.VALUE]:
            indicator = info.indicators.set_index("code").loc[code]
            if not is_percent_unit(indicator.get("unit_en", "")):
                continue
            reference = (None if before is None else
                         before.loc[before[schema.INDICATOR].astype(str) == code, schema.VALUE])
            basis = percent_typed_as_fraction(column, reference, float(indicator.get("assumed_typical_low", np.nan)))
            if basis is None:
                continue
            middle = float(column.median())
            if basis == "previous":
                said_basis = text("io.fraction.previous", previous=edition - 1,
                                  above=f"{(reference > 1).mean():.0%}", median=_decimal(reference.median()))
            else:
                said_basis = text("io.fraction.typical", low=_decimal(indicator["assumed_typical_low"]),
                                  high=_decimal(indicator["assumed_typical_high"]))
            cell = next(self.value_cells[(edition, unit, code)] for unit in current.loc[column.index, schema.UNIT])
            found[code] = Problem(
                P.PERCENT_AS_FRACTION, self.file,
                text("io.fraction", code=code, name=_indicator_name(indicator), count=len(column.dropna()),
                     basis=said_basis, fraction=_decimal(middle), percent=_decimal(100 * middle)),
                text("io.fraction.expected", fraction=_decimal(middle), percent=_decimal(100 * middle)),
                sheet=cell.sheet, column=cell.column, header=cell.header,
            )
        return found

    def _jump_warnings(self, edition: int, current: pd.DataFrame, before: pd.DataFrame) -> list[Problem]:
        warnings = []
        for jump in implausible_jumps(current, before).itertuples(index=False):
            unit, code, value, earlier, iqr, rule = jump
            cell = self.value_cells[(edition, unit, code)]
            reason = (text("io.jump.factor", factor=f"{value / earlier if earlier else float('inf'):.3g}")
                      if rule == "factor" else
                      text("io.jump.spread", change=f"{abs(value - earlier):.4g}",
                           multiple=f"{JUMP_IQR_MULTIPLE:g}", iqr=f"{iqr:.4g}"))
            warnings.append(cell.problem(
                P.IMPLAUSIBLE_JUMP, self.file,
                text("io.jump", code=code, earlier=f"{earlier:.6g}", previous=edition - 1,
                     value=f"{value:.6g}", reason=reason),
                text("io.jump.expected"),
            ))
        return warnings

    # -- completeness ----------------------------------------------------------------------

    def check_completeness(self, records: list[tuple[int, str, str, float]]) -> None:
        if not records:
            if not self.problems:
                self.problems.append(Problem(
                    P.EMPTY, self.file, text("io.header_only"), text("io.header_only.expected"),
                ))
            return
        by_edition: dict[int, list] = defaultdict(list)
        for record in records:
            by_edition[record[0]].append(record)
        for edition, rows in by_edition.items():
            info = self.editions[edition]
            names = info.units.set_index("unit")["name_vi"]
            missing_units = [u for u in info.units["unit"] if u not in {r[1] for r in rows}]
            if missing_units:
                listed = ", ".join(names[u] for u in missing_units)
                self.problems.append(Problem(
                    P.MISSING_PROVINCE, self.file,
                    text("io.missing_provinces.one" if len(missing_units) == 1 else "io.missing_provinces",
                         count=len(missing_units), total=len(names), edition=edition, listed=listed),
                    text("io.missing_provinces.expected"),
                ))
            present_codes = {r[2] for r in rows}
            missing_codes = sorted((c for c in info.codes if c not in present_codes), key=_code_order)
            if missing_codes:
                self.problems.append(Problem(
                    P.MISSING_INDICATOR, self.file,
                    text("io.missing_indicators.one" if len(missing_codes) == 1 else "io.missing_indicators",
                         count=len(missing_codes), total=len(info.codes), edition=edition,
                         listed=", ".join(missing_codes)),
                    text("io.missing_indicators.expected"),
                ))


def _range_text(lower: float, upper: float) -> str:
    if math.isinf(upper):
        return text("io.range.at_least", lower=f"{lower:g}")
    if math.isinf(lower):
        return text("io.range.at_most", upper=f"{upper:g}")
    return text("io.range.between", lower=f"{lower:g}", upper=f"{upper:g}")


def _decimal(value) -> str:
    """A number as people read it in the message's language: 0,45 in Vietnamese, 0.45 in English."""
    from piilib.messages import VI, language

    said = f"{float(value):.3g}"
    return said.replace(".", ",") if language() == VI else said


def _indicator_name(indicator: pd.Series) -> str:
    from piilib.messages import EN, language

    name = indicator.get("name_en" if language() == EN else "name_vi", "")
    return name if isinstance(name, str) and name else str(indicator.get("name_vi", ""))


def _is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _resolves(name: str, edition: int) -> bool:
    try:
        resolve_unit(name, edition)
    except UnitNameError:
        return False
    return True


def _code_order(code: str) -> tuple[int, ...]:
    return tuple(int(part) for part in code.split("."))


def _closest(text: str, candidates: list[str]) -> list[str]:
    return difflib.get_close_matches(text, candidates, n=3, cutoff=0.6)

