"""Reading numbers as typed in Vietnamese (and English) spreadsheets."""

from datetime import datetime

import pytest

from piilib.io.numbers import COMMA, DOT, infer_decimal_mark, parse_number

# These tests assert the English text of the messages (Vietnamese is the default).
pytestmark = pytest.mark.usefixtures("english")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.234,5", 1234.5),
        ("12,5", 12.5),
        ("1.234.567", 1234567.0),
        ("1.234.567,89", 1234567.89),
        ("-3,25", -3.25),
        ("12,5%", 12.5),
        ("1 234,5", 1234.5),  # space as thousands separator
        ("1\u00a0234,5", 1234.5),  # non-breaking space, as Excel writes it
        ("0,001", 0.001),  # a leading 0 group is never a thousands group
        ("42", 42.0),
        ("1,5e3", 1500.0),
    ],
)
def test_vietnamese_number_text(text, expected):
    parsed = parse_number(text, COMMA)
    assert parsed.error is None
    assert parsed.value == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1234.5", 1234.5), ("1,234.5", 1234.5), ("0.125", 0.125), ("1,234,567", 1234567.0)],
)
def test_english_number_text_is_read_by_its_own_evidence(text, expected):
    # These tokens are unambiguous, so the file's default mark does not matter.
    assert parse_number(text, COMMA).value == expected


def test_ambiguous_token_follows_the_file_convention():
    assert parse_number("1.234", COMMA).value == 1234.0
    assert parse_number("1.234", DOT).value == 1.234
    assert parse_number("1,234", COMMA).value == 1.234
    assert parse_number("1,234", DOT).value == 1234.0


def test_ambiguous_token_in_a_file_mixing_conventions_is_an_error():
    parsed = parse_number("1.234", COMMA, conflicting=True)
    assert parsed.value is None and "two ways" in parsed.error and parsed.ambiguous


@pytest.mark.parametrize("text", ["1.234", "1,234", "-12.500", "999,999"])
def test_a_lone_ambiguous_token_is_not_guessed(text):
    parsed = parse_number(text, infer_decimal_mark([text])[0])
    assert parsed.value is None and parsed.ambiguous and "two ways" in parsed.error


@pytest.mark.parametrize("code", ["#N/A", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!", "#n/a"])
def test_excel_error_values_are_errors_not_blanks(code):
    parsed = parse_number(code)
    assert parsed.value is None and parsed.excel_error and code.upper() in parsed.error


@pytest.mark.parametrize(
    ("texts", "mark", "conflicting"),
    [
        (["1.234,5", "7"], COMMA, False),
        (["12,5"], COMMA, False),
        (["1234.5", "3"], DOT, False),
        (["1.234.567"], COMMA, False),  # repeated dots are thousands, so the decimal is a comma
        (["1,234,567"], DOT, False),
        (["1.234", "2.500"], None, False),  # nothing tells: no convention is guessed
        (["1.234,5", "1234.5"], None, True),
    ],
)
def test_infer_decimal_mark(texts, mark, conflicting):
    assert infer_decimal_mark(texts) == (mark, conflicting)


@pytest.mark.parametrize("cell", [None, "", "   ", "-", "–", "n/a", "..."])
def test_blank_and_no_data_marks_are_missing_not_errors(cell):
    parsed = parse_number(cell)
    assert parsed.value is None and parsed.error is None


@pytest.mark.parametrize(
    ("cell", "infinite"),
    [
        ("abc", False),
        ("12,5 tỷ", False),
        ("#DIV/0!", False),
        ("1.23.4", False),  # misplaced separators
        ("1,2,3.4", False),
        (True, False),
        (datetime(2024, 1, 12), False),
        ("inf", True),
        ("-∞", True),
        (float("inf"), True),
    ],
)
def test_cells_that_are_not_finite_numbers(cell, infinite):
    parsed = parse_number(cell)
    assert parsed.value is None
    assert parsed.error
    assert parsed.infinite is infinite


def test_excel_numbers_are_taken_as_they_are():
    assert parse_number(7).value == 7.0
    assert parse_number(0.1).value == 0.1
