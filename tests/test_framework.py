"""The framework files: tree properties, the plan's codes, the loader's checks, iMeta."""

import re
import shutil
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from piilib.framework import (
    FrameworkError, available_editions, framework_path, indicators, load_framework, to_imeta, whole_counts,
)

# These tests assert the English text of the messages (Vietnamese is the default).
pytestmark = pytest.mark.usefixtures("english")

EDITIONS = [2023, 2024, 2025]
SEED = (Path(__file__).parent / "fixtures" / "ke-hoach-88-KH-UBND-2025-can-tho.txt").read_text(encoding="utf-8")


def squash(text: str) -> str:
    """Compare names ignoring spacing around slashes and footnote markers like [3]."""
    text = unicodedata.normalize("NFC", re.sub(r"\[\d\]", "", text))
    return re.sub(r"\s*/\s*", "/", re.sub(r"\s+", " ", text)).strip()


def plan_appendix_codes() -> dict[str, str]:
    """Code -> name as the appendix rows of the seed text give them ("6.2.4. Name ...")."""
    appendix = SEED.split("PHỤ LỤC", 1)[1]
    found = {}
    for line in appendix.splitlines():
        match = re.match(r"^(\d\.\d\.\d)\.?\s+(.*)$", line.strip())
        if match:
            found[match.group(1)] = match.group(2)
    return found


# -- the files ------------------------------------------------------------------------

def test_every_edition_has_a_framework():
    assert available_editions() == EDITIONS


@pytest.mark.parametrize("edition", EDITIONS)
def test_tree_shape(edition):
    frame = load_framework(edition)
    counts = frame["level"].value_counts()
    assert counts["indicator"] == 52
    assert counts["sub_pillar"] == 18
    assert counts["pillar"] == 7
    assert counts["sub_index"] == 2
    assert counts["index"] == 1
    pillars = frame[frame["level"] == "pillar"]
    per_sub_index = pillars.groupby("parent").size().sort_values()
    assert per_sub_index.tolist() == [2, 5]
    # Every indicator reaches the index through one node of each level, in order.
    parent_of = dict(zip(frame["code"], frame["parent"]))
    level_of = dict(zip(frame["code"], frame["level"]))
    for code in indicators(frame)["code"]:
        chain = [code]
        while parent_of[chain[-1]]:
            chain.append(parent_of[chain[-1]])
        assert [level_of[c] for c in chain] == ["indicator", "sub_pillar", "pillar", "sub_index", "index"]


@pytest.mark.parametrize("edition", EDITIONS)
def test_codes_follow_their_parents(edition):
    frame = load_framework(edition)
    for row in frame[frame["level"].isin(["indicator", "sub_pillar"])].itertuples():
        assert row.code.rsplit(".", 1)[0] == row.parent


@pytest.mark.parametrize("edition", EDITIONS)
def test_weights_make_pii_the_mean_of_input_and_output(edition):
    """Hand-built scores: aggregating by the file's weights gives PII = (input + output) / 2."""
    frame = load_framework(edition)
    assert (frame["weight"] > 0).all()
    rng = np.random.default_rng(1)
    score = dict(zip(indicators(frame)["code"], rng.uniform(0, 100, 52)))
    for level in ["sub_pillar", "pillar", "sub_index", "index"]:
        for node in frame[frame["level"] == level].itertuples():
            children = frame[frame["parent"] == node.code]
            values = np.array([score[c] for c in children["code"]])
            score[node.code] = float(np.average(values, weights=children["weight"]))
    input_code, output_code = frame.loc[frame["level"] == "sub_index", "code"]
    assert score["PII"] == pytest.approx((score[input_code] + score[output_code]) / 2)
    input_pillars = frame.loc[frame["parent"] == input_code, "code"]
    assert score[input_code] == pytest.approx(np.mean([score[p] for p in input_pillars]))


@pytest.mark.parametrize("edition", EDITIONS)
def test_the_plan_codes_are_official_and_named_as_in_the_plan(edition):
    plan = plan_appendix_codes()
    assert len(plan) == 18
    table = indicators(edition).set_index("code")
    official = set(table.index[table["code_status"] == "official"])
    assert official == set(plan)
    if edition == 2024:  # the edition the plan refers to
        for code, text in plan.items():
            assert squash(table.at[code, "name_vi"]).rstrip(".") in squash(SEED), code


@pytest.mark.parametrize("edition", EDITIONS)
def test_inverse_indicators_are_the_ones_the_plan_calls_inverse(edition):
    table = indicators(edition).set_index("code")
    assert table.at["4.1.2", "direction"] == -1
    said_inverse = table["definition_vi"].str.contains("chỉ số nghịch đảo")
    assert set(table.index[table["direction"] == -1]) == set(table.index[said_inverse])


def test_plan_footnotes_are_quoted_verbatim():
    table = indicators(2024)
    footnotes = dict(re.findall(r"^\[(\d)\] (.*)$", SEED, flags=re.MULTILINE))
    quoted = table[table["plan_footnote"].notna()]
    assert sorted(quoted["plan_footnote"].astype(int)) == list(range(1, 10))
    for row in quoted.itertuples():
        assert footnotes[str(row.plan_footnote)].strip() in row.definition_vi


@pytest.mark.parametrize("edition", EDITIONS)
def test_indicator_metadata_is_complete(edition):
    table = indicators(edition)
    assert (table["source"] != "").all()
    assert (table["unit_vi"] != "").all() and (table["name_en"] != "").all()
    assert (table["assumed_typical_low"] <= table["assumed_typical_high"]).all()
    weighted = table[table["merge_rule"] == "weighted_mean"]
    assert (weighted["merge_weight"] != "").all()
    assert (table.loc[table["merge_rule"] == "not_combinable", "note"] != "").all()


def test_whole_counts_rule_on_hand_made_indicators():
    table = pd.DataFrame({
        "level": "indicator",
        "code": ["a", "b", "c", "d", "e", "f", "g"],
        "denominator": ["none", "none", "none", "none", "none", "population", "none"],
        "unit_en": ["policy fields covered (0–13)", "score (0–10)", "%", "percentage points",
                    "index (0–1)", "enterprises per 1,000 people", "points (out of 10)"],
    })
    got = whole_counts(table)
    assert got.to_dict() == {"a": True, "b": False, "c": False, "d": False, "e": False, "f": False, "g": False}


@pytest.mark.parametrize("edition", EDITIONS)
def test_whole_counts_are_the_policy_field_count_with_whole_typical_bounds(edition):
    whole = whole_counts(edition)
    assert list(whole.index) == list(indicators(edition)["code"])
    table = indicators(edition).set_index("code")
    assert whole["1.1.1"]  # "số lĩnh vực có văn bản (0–13)": a count of policy fields
    for code in whole[whole].index:
        low, high = table.at[code, "assumed_typical_low"], table.at[code, "assumed_typical_high"]
        assert low == round(low) and high == round(high), code


def test_editions_differ_where_the_press_says_so():
    by_edition = {e: indicators(e).set_index("code") for e in EDITIONS}
    assert by_edition[2023].at["6.2.1", "denominator"] == "population"
    assert by_edition[2024].at["6.2.1", "denominator"] == "enterprises"
    assert by_edition[2024].at["6.2.4", "denominator"] == "communes"
    assert by_edition[2025].at["6.2.4", "denominator"] == "population"
    assert by_edition[2025].at["7.1.2", "denominator"] == "population"


# -- the loader on broken copies ----------------------------------------------------

def broken_copy(tmp_path, edit) -> Path:
    """A copy of the 2024 file changed by `edit(frame) -> frame` (text cells)."""
    frame = pd.read_csv(framework_path(2024), dtype=str, keep_default_na=False)
    path = tmp_path / "pii_2024.csv"
    edit(frame).to_csv(path, index=False)
    return path


def problems_of(path) -> list[str]:
    with pytest.raises(FrameworkError) as caught:
        load_framework(2024, path=path)
    return caught.value.problems


def line_of(frame: pd.DataFrame, code: str) -> int:
    return int(np.flatnonzero(frame["code"] == code)[0]) + 2


def set_cell(code, column, value):
    def edit(frame):
        frame.loc[frame["code"] == code, column] = value
        return frame
    return edit


@pytest.mark.parametrize("code, column, value, expected", [
    ("6.2.4", "weight", "0", "a number greater than 0"),
    ("6.2.4", "weight", "abc", "a number greater than 0"),
    ("6.2.4", "direction", "2", "1 (higher is better) or -1"),
    ("6.2.4", "denominator", "households", "one of population"),
    ("6.2.4", "merge_rule", "sum", "one of ratio_sum"),
    ("6.2.4", "level", "indikator", "one of indicator"),
    ("6.2.4", "parent", "6.9", "listed in the file"),
    ("6.2.4", "parent", "6", "the code of a sub_pillar"),
    ("6.2.4", "edition", "2023", "2024 (the edition of this file)"),
    ("6.2.4", "name_vi", "", "a Vietnamese name"),
    ("6.2.4", "code_status", "maybe", "one of official, provisional"),
    ("6.2.4", "assumed_typical_high", "-1", "not below assumed_typical_low"),
    ("1.2.1", "merge_weight", "", "the quantity a weighted mean is weighted by"),
    ("1.1.1", "note", "", "a note saying why"),
    ("6.2", "denominator", "population", "blank on an aggregate row"),
])
def test_each_problem_names_file_line_column_and_value(tmp_path, code, column, value, expected):
    original = pd.read_csv(framework_path(2024), dtype=str, keep_default_na=False)
    problems = problems_of(broken_copy(tmp_path, set_cell(code, column, value)))
    line = line_of(original, code)
    assert any(p.startswith(f"file pii_2024.csv, line {line}, column {column!r}: found {value!r}")
               and expected in p for p in problems), problems


def test_duplicate_code_names_both_lines(tmp_path):
    original = pd.read_csv(framework_path(2024), dtype=str, keep_default_na=False)
    problems = problems_of(broken_copy(tmp_path, set_cell("6.2.3", "code", "6.2.4")))
    first, second = line_of(original, "6.2.3"), line_of(original, "6.2.4")
    assert any(f"line {second}, column 'code'" in p and f"already used on line {first}" in p for p in problems)


def test_cycle_is_reported(tmp_path):
    problems = problems_of(broken_copy(tmp_path, set_cell("1", "parent", "1.1")))
    assert any("is a cycle" in p and "1 -> 1.1 -> 1" in p for p in problems), problems


def test_aggregate_without_children_and_second_index(tmp_path):
    def edit(frame):
        extra = frame[frame["code"].isin(["7.2", "PII"])].copy()
        extra["code"] = ["PII2", "7.3"]
        return pd.concat([frame, extra], ignore_index=True)
    problems = problems_of(broken_copy(tmp_path, edit))
    assert any("found 2 rows with level 'index'" in p for p in problems)
    assert any("'7.3' has no children" in p for p in problems)


def test_missing_column(tmp_path):
    problems = problems_of(broken_copy(tmp_path, lambda f: f.drop(columns=["merge_rule"])))
    assert problems == [p for p in problems if "column 'merge_rule' is missing" in p] and problems


def test_every_problem_is_listed_in_one_run(tmp_path):
    def edit(frame):
        for code, column, value in [("1.1.1", "weight", "-1"), ("4.1.2", "direction", "0"),
                                    ("7.2.4", "denominator", "people")]:
            frame = set_cell(code, column, value)(frame)
        return frame
    problems = problems_of(broken_copy(tmp_path, edit))
    assert len(problems) == 3


def test_unknown_edition_and_unreadable_file(tmp_path):
    with pytest.raises(FrameworkError, match="no framework for edition 2019"):
        load_framework(2019)
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(FrameworkError, match="cannot be read"):
        load_framework(2024, path=bad)


def test_loading_leaves_the_file_unchanged(tmp_path):
    path = tmp_path / "copy.csv"
    shutil.copy(framework_path(2024), path)
    before = path.read_bytes()
    load_framework(2024, path=path)
    assert path.read_bytes() == before


def test_a_framework_read_once_per_process_is_still_each_callers_own_and_follows_the_file(tmp_path):
    """load_framework reads and checks a file once per version in a process: a caller that
    changes its frame does not change the next caller's, and an edited file is read again."""
    path = tmp_path / "pii_2024.csv"
    shutil.copy(framework_path(2024), path)
    first = load_framework(2024, path=path)
    first.loc[:, "weight"] = -1.0
    second = load_framework(2024, path=path)
    assert (second["weight"] >= 0).all()
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    code = str(indicators(second)["code"].iloc[0])
    frame.loc[frame["code"] == code, "name_vi"] = "Tên đã sửa cho phép thử"
    frame.to_csv(path, index=False)
    edited = load_framework(2024, path=path)
    assert edited.set_index("code").at[code, "name_vi"] == "Tên đã sửa cho phép thử"


# -- iMeta for the engine -------------------------------------------------------------

def test_to_imeta_layout():
    framework = load_framework(2024)
    imeta = to_imeta(framework)
    assert list(imeta.columns) == ["Level", "iCode", "iName", "Direction", "Weight", "Unit",
                                   "Denominator", "Parent", "Type"]
    assert imeta["Level"].value_counts().sort_index().tolist() == [52, 18, 7, 2, 1]
    assert (imeta["Level"].diff().dropna() >= 0).all()  # indicators first, index last
    assert set(imeta.loc[imeta["Level"] == 1, "Type"]) == {"Indicator"}
    assert set(imeta.loc[imeta["Level"] > 1, "Type"]) == {"Aggregate"}
    assert (imeta["Denominator"] == "").all()
    assert imeta.loc[imeta["Parent"] == "", "iCode"].tolist() == ["PII"]
    assert imeta.set_index("iCode").at["4.1.2", "Direction"] == -1
    names = dict(zip(framework["code"], framework["name_vi"]))
    assert all(names[c] == n for c, n in zip(imeta["iCode"], imeta["iName"]))
    assert to_imeta(framework, language="en").set_index("iCode").at["7", "iName"] == "Impact"


def test_a_new_edition_without_its_own_file_carries_the_newest_framework_over():
    newest = max(available_editions())
    carried = load_framework(newest + 1)
    assert framework_path(newest + 1) == framework_path(newest)
    assert (carried["edition"] == newest + 1).all()
    own = load_framework(newest)
    assert carried.drop(columns="edition").equals(own.drop(columns="edition"))


def test_an_edition_before_every_framework_file_is_an_error():
    oldest = min(available_editions())
    with pytest.raises(FrameworkError, match="no framework for edition"):
        load_framework(oldest - 1)
