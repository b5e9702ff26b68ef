"""Provenance marks in report tables (piilib.report.provenance, markdown_table(provenance=))."""

import pandas as pd
import pytest

from piilib import schema
from piilib.report.provenance import (COMPUTED, MARKS, PROVISIONAL_MARK, code_label,
                                      derived_provenance, legend_rows, marked)
from piilib.report.tables import markdown_table


def _body(table: str) -> list[list[str]]:
    rows = table.splitlines()[2:]
    return [[cell.strip() for cell in row.strip("|").split(" | ")] for row in rows]


def test_one_provenance_marks_every_number_and_no_text_or_missing_cell():
    frame = pd.DataFrame({"code": ["1.1.1", "6.2.4"], "value": [3.5, None], "rank": [7, 12]})
    body = _body(markdown_table(frame, decimals=1, provenance=schema.ILLUSTRATIVE))
    assert body == [["1.1.1", "3,5{sup}`MH`", "7{sup}`MH`"],
                    ["6.2.4", "–", "12{sup}`MH`"]]


def test_per_column_and_per_row_provenance():
    frame = pd.DataFrame({"edition": ["2023", "2024"], "rank": ["57/63", "7/63"], "score": [40.0, 52.8]})
    body = _body(markdown_table(frame, decimals=1, provenance={
        "rank": [schema.PUBLISHED, schema.ILLUSTRATIVE], "score": COMPUTED}))
    assert body == [["2023", "57/63{sup}`CB`", "40,0{sup}`TT`"],
                    ["2024", "7/63{sup}`MH`", "52,8{sup}`TT`"]]


def test_per_row_none_leaves_the_cell_unmarked():
    frame = pd.DataFrame({"rank": [3, 4]})
    assert _body(markdown_table(frame, provenance={"rank": [None, schema.OFFICIAL]})) == [
        ["3"], ["4{sup}`CT`"]]


def test_wrong_provenance_input_is_refused_with_the_column():
    frame = pd.DataFrame({"rank": [3, 4]})
    with pytest.raises(ValueError, match="'score'"):
        markdown_table(frame, provenance={"score": COMPUTED})
    with pytest.raises(ValueError, match="1 values for 2 rows"):
        markdown_table(frame, provenance={"rank": [COMPUTED]})
    with pytest.raises(ValueError, match="unknown provenance 'guess'"):
        markdown_table(frame, provenance="guess")


@pytest.mark.parametrize(("inputs", "expected"), [
    ([schema.OFFICIAL, schema.PUBLISHED], COMPUTED),
    ([schema.OFFICIAL, schema.ILLUSTRATIVE], schema.ILLUSTRATIVE),
    ([], schema.ILLUSTRATIVE),
])
def test_a_computed_number_inherits_the_weakest_input(inputs, expected):
    assert derived_provenance(inputs) == expected


def test_marks_are_distinct_and_all_explained_in_the_legend():
    legend = dict(legend_rows())
    assert len(set(MARKS.values())) == len(MARKS)
    assert set(MARKS.values()) | {PROVISIONAL_MARK} == set(legend)


def test_text_is_escaped_before_its_mark_and_provisional_codes_carry_the_dagger():
    assert marked("<b>7</b>", schema.OFFICIAL) == "\\<b\\>7\\</b\\>{sup}`CT`"
    assert code_label("6.2.4", provisional=True) == "6.2.4†"
    assert code_label("1.1.1", provisional=False) == "1.1.1"


def test_a_cell_showing_a_missing_value_gets_no_mark():
    frame = pd.DataFrame({"rank": ["7/63", "–", None]})
    assert _body(markdown_table(frame, provenance={"rank": schema.ILLUSTRATIVE})) == [
        ["7/63{sup}`MH`"], ["–"], ["–"]]


def test_the_legend_table_explains_every_mark_once():
    from piilib.report.tables import provenance_legend

    body = _body(provenance_legend())
    assert [row[0] for row in body] == [shown for shown, _ in legend_rows()]
    assert body[0][1] == "52,8{sup}`CT`" and body[-1][1] == "1.1.2" + PROVISIONAL_MARK
