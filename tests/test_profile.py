"""The province profile (piilib.report.profile) on small hand-made results, checked by hand."""

import math

import pandas as pd
import pytest

from piilib import schema
from piilib.report import profile
from piilib.report.editions import EditionResult
from piilib.report.provenance import COMPUTED

UNITS = ["a", "b", "c", "d", "e"]
REGIONS = {"a": "north", "b": "north", "c": "north", "d": "south", "e": "south"}
# A pillar "1" with one sub-pillar "1.1" of three indicators: a count (whole), a ratio, a score.
FRAMEWORK = pd.DataFrame({
    "code": ["1", "1.1", "1.1.1", "1.1.2", "1.1.3"],
    "level": ["pillar", "sub_pillar", "indicator", "indicator", "indicator"],
    "parent": ["PII", "1", "1.1", "1.1", "1.1"],
    "name_vi": ["Trụ cột một", "Trụ cột con", "Số lĩnh vực", "Tỷ lệ", "Điểm"],
    "unit_vi": [None, None, "lĩnh vực", "%", "điểm (0–10)"],
    "unit_en": [None, None, "fields", "%", "score (0-10)"],
    "denominator": [None, None, "none", "population", "none"],
    "code_status": ["official", "official", "official", "provisional", "official"],
    "direction": [1, 1, 1, 1, -1],
})
# Scores per element (higher is better); unit "c" is the province.
SCORES = {
    "1": [90, 70, 50, 30, 10],
    "1.1": [90, 70, 50, 30, 10],
    "1.1.1": [100, 80, 60, 60, 0],    # c ties d: 1 of 4 others strictly lower
    "1.1.2": [0, 30, 20, 35, 40],     # c: 1 of 4 lower, fourth
    "1.1.3": [10, 20, 90, 30, 40],    # c is best of five
}
KINDS = {"1": "pillar", "1.1": "sub_pillar", "1.1.1": "indicator", "1.1.2": "indicator", "1.1.3": "indicator"}


def scores_frame(edition=2024, units=UNITS):
    rows = []
    for code, values in SCORES.items():
        for unit, score in zip(UNITS, values):
            if unit not in units:
                continue
            better = sum(other > score for other in values)
            rows.append({schema.EDITION: edition, schema.UNIT: unit, "name": unit.upper(), "region": REGIONS[unit],
                         "element": code, "element_name": code, "kind": KINDS[code], "score": float(score),
                         "rank": better + 1, "n_units": len(units)})
    return pd.DataFrame(rows)


def values_frame(edition, c_values: dict[str, float], provenance=schema.OFFICIAL):
    rows = [(edition, unit, code, 1.0 + i, provenance, "test")
            for i, unit in enumerate(UNITS) if unit != "c" for code in ("1.1.1", "1.1.2", "1.1.3")]
    rows += [(edition, "c", code, value, provenance, "test") for code, value in c_values.items()]
    return pd.DataFrame(rows, columns=schema.LONG_COLUMNS)


def result(edition, values, units=UNITS, harmonised=False):
    table = pd.DataFrame({schema.UNIT: UNITS, "name_vi": [u.upper() for u in UNITS],
                          "region": [REGIONS[u] for u in UNITS]})
    return EditionResult(edition, 2024, harmonised, values, None, None, scores_frame(edition, units), table)


def test_percentile_rank_is_the_share_of_other_units_strictly_lower():
    ranks = profile.percentile_ranks(scores_frame(), "c")
    assert ranks["1.1.1"] == pytest.approx(1 / 4)   # 0 is lower; 60 ties, not counted
    assert ranks["1.1.2"] == pytest.approx(1 / 4)
    assert ranks["1.1.3"] == pytest.approx(1.0)
    assert ranks["1"] == pytest.approx(2 / 4)
    with pytest.raises(ValueError, match="'z'"):
        profile.percentile_ranks(scores_frame(), "z")


def test_cutoffs_are_the_count_th_highest_and_lowest_percentile():
    percentiles = pd.Series([1.0, 0.8, 0.5, 0.2, 0.0, float("nan")])
    assert profile.strength_cutoffs(percentiles, count=2) == (0.8, 0.2)
    assert profile.strength_cutoffs(percentiles, count=9) == (0.0, 1.0)  # fewer than count: all
    with pytest.raises(ValueError):
        profile.strength_cutoffs(pd.Series([float("nan")]), count=1)


@pytest.mark.parametrize(("percentile", "rank", "expected"), [
    (0.8, 10, profile.STRENGTH),   # at the strength cut-off (ties count)
    (0.5, 10, ""),
    (0.2, 40, profile.WEAKNESS),   # at the weakness cut-off
    (0.1, 3, profile.STRENGTH),    # third nationally: a strength whatever its percentile
    (0.1, 4, profile.WEAKNESS),
    (float("nan"), 1, ""),
])
def test_assessment_follows_the_gii_rule(percentile, rank, expected):
    assert profile.assessment(percentile, rank, (0.8, 0.2), automatic_rank=3) == expected


def test_scorecard_values_scores_marks_and_flags():
    previous = result(2023, values_frame(2023, {"1.1.1": 7.0, "1.1.2": 0.25}))
    # 1.1.1 repeats but is a whole count (no flag); 1.1.2 repeats to every digit (flag);
    # 1.1.3 has no value for c (missing).
    current = result(2024, values_frame(2024, {"1.1.1": 7.0, "1.1.2": 0.25}))
    card = profile.scorecard(current, "c", previous, framework=FRAMEWORK, count=1).set_index("code")
    assert list(card.index) == ["1.1.1", "1.1.2", "1.1.3"]
    assert card.loc["1.1.1", "value"] == 7.0 and not card.loc["1.1.1", "unchanged"]
    assert list(card["whole_count"]) == [True, False, False]
    assert card.loc["1.1.2", "unchanged"] and card.loc["1.1.2", "provisional"]
    assert card.loc["1.1.3", "missing"] and math.isnan(card.loc["1.1.3", "value"])
    assert pd.isna(card.loc["1.1.3", "value_provenance"])
    assert card.loc["1.1.3", "direction"] == -1 and card.loc["1.1.3", "unit_label"] == "điểm (0–10)"
    assert card.loc["1.1.1", "rank"] == 3 and card.loc["1.1.1", "n_units"] == 5
    assert card.loc["1.1.1", "score"] == 60.0
    assert card.loc["1.1.1", "sub_pillar"] == "1.1" and card.loc["1.1.1", "pillar"] == "1"
    # count 1: cut-offs 1.0 (1.1.3) and 0.25 (1.1.1, 1.1.2); 1.1.1 is at the weakness cut-off
    # but third nationally, which makes it a strength; 1.1.2, fourth, is a weakness.
    assert list(card["assessment"]) == [profile.STRENGTH, profile.WEAKNESS, profile.STRENGTH]
    # Official values everywhere: scores are computed (TT), not official.
    assert set(card["score_provenance"]) == {COMPUTED}
    assert profile.counts(card.reset_index()) == {"indicators": 3, "strengths": 2, "weaknesses": 1, "missing": 1,
                                                  "unchanged": 1, "provisional": 1}


def test_one_illustrative_value_makes_the_indicators_score_illustrative():
    values = values_frame(2024, {"1.1.1": 7.0, "1.1.2": 0.25, "1.1.3": 4.0})
    values.loc[(values[schema.UNIT] == "a") & (values[schema.INDICATOR] == "1.1.2"), schema.PROVENANCE] = \
        schema.ILLUSTRATIVE
    card = profile.scorecard(result(2024, values), "c", framework=FRAMEWORK, count=1).set_index("code")
    assert card.loc["1.1.2", "score_provenance"] == schema.ILLUSTRATIVE
    assert card.loc["1.1.1", "score_provenance"] == COMPUTED
    assert card.loc["1.1.2", "value_provenance"] == schema.OFFICIAL  # c's own value stays official
    assert not card["unchanged"].any()  # no previous edition, no flag
    aggregates = profile.aggregates(result(2024, values), "c", framework=FRAMEWORK, count=1).set_index("code")
    assert list(aggregates.index) == ["1", "1.1"]
    assert set(aggregates["provenance"]) == {schema.ILLUSTRATIVE}  # 1.1.2 is under both


def test_aggregates_use_the_indicators_cutoffs():
    values = values_frame(2024, {"1.1.1": 7.0, "1.1.2": 0.25, "1.1.3": 4.0})
    table = profile.aggregates(result(2024, values), "c", framework=FRAMEWORK, count=1).set_index("code")
    # Pillar and sub-pillar: percentile 2/4 between the cut-offs 0.25 and 1.0, rank 3 -> strength.
    assert table.loc["1", "percentile"] == pytest.approx(0.5)
    assert table.loc["1", "rank"] == 3 and table.loc["1", "assessment"] == profile.STRENGTH
    assert table.loc["1.1", "kind"] == "sub_pillar" and table.loc["1.1", "parent"] == "1"


def test_medians_national_with_the_province_region_without():
    values = values_frame(2024, {"1.1.1": 7.0})
    table = profile.medians(result(2024, values), "c", kind="sub_pillar").set_index("code")
    assert table.loc["1.1", "province"] == 50.0
    assert table.loc["1.1", "national_median"] == 50.0          # median of 90, 70, 50, 30, 10
    assert table.loc["1.1", "region"] == 80.0                   # a and b: (90 + 70) / 2
    assert table.loc["1.1", "region_size"] == 2
    assert table.loc["1.1", "label"] == "1.1 1.1"


def test_history_has_every_edition_that_ranks_the_province():
    values = values_frame(2024, {"1.1.1": 7.0})
    history = profile.aggregate_history({2023: result(2023, values, units=["a", "b"]),
                                         2024: result(2024, values, harmonised=True)}, "c")
    assert set(history["edition"]) == {2024}
    assert list(history["code"]) == ["1", "1.1"]
    assert history["harmonised"].all() and list(history["rank"]) == [3, 3]
    assert set(history["provenance"]) == {COMPUTED}


# --- the chapter's title in _toc.yml ------------------------------------------------------------

def test_a_toc_title_names_the_province_and_the_build_fills_it_in(tmp_path):
    from piilib.report import chapters

    (tmp_path / "intro.md").write_text("# Mở đầu\n", encoding="utf-8")
    (tmp_path / "profile.ipynb").write_text("{}", encoding="utf-8")
    toc = {"format": "jb-book", "root": "intro",
           "chapters": [{"file": "profile", "title": "Hồ sơ {province_name} ({edition})"}]}
    book = chapters.expand_toc(toc, tmp_path, {}, title_values={"province_name": "Hà Nội", "edition": "2025"})
    assert book.chapters[0].title == "Hồ sơ Hà Nội (2025)"
    assert chapters.expand_toc(toc, tmp_path, {}).chapters[0].title == "Hồ sơ {province_name} ({edition})"
    toc["chapters"][0]["title"] = "Hồ sơ {tinh}"
    with pytest.raises(chapters.TocError, match=r"'profile'.*\{tinh\}"):
        chapters.expand_toc(toc, tmp_path, {}, title_values={"province_name": "Hà Nội", "edition": "2025"})


def test_the_project_toc_lists_the_profile_right_after_the_overview():
    from pathlib import Path

    from piilib.report import chapters

    root = Path(__file__).resolve().parents[1]
    book, _ = chapters.read_book(root / "_toc.yml", {chapters.PLAN_INDICATORS: []},
                                 title_values={"province_name": "Cần Thơ", "edition": "2024"})
    keys = [chapter.key for chapter in book.chapters]
    assert keys[keys.index("overview") + 1] == "profile"
    assert next(c.title for c in book.chapters if c.key == "profile") == "Hồ sơ Cần Thơ"


# --- the figure ----------------------------------------------------------------------------------

def test_medians_chart_has_one_labelled_row_per_element_in_order():
    from piilib.report.profile_figures import medians_chart

    frame = pd.DataFrame({"code": ["1.1", "1.2", "2.1"],
                          "label": ["1.1 Môi trường chính sách", "1.2 Một tên rất dài không vừa nhãn của hàng", "2.1 Giáo dục"],
                          "province": [72.7, 41.2, 52.4], "national_median": [42.5, 40.6, 38.2],
                          "region": [45.3, float("nan"), 33.9]})
    figure = medians_chart(frame, province_label="Cần Thơ", national_label="Trung vị cả nước",
                           region_label="Trung vị vùng", label_width=20)
    axes = figure.axes[0]
    rows = sorted(zip(axes.get_yticks(), (tick.get_text() for tick in axes.get_yticklabels())), reverse=True)
    # Top to bottom in the frame's order, long labels cut.
    assert [label for _, label in rows] == ["1.1 Môi trường chín…", "1.2 Một tên rất dài…", "2.1 Giáo dục"]
    assert figure._repr_png_()[:4] == b"\x89PNG"
    with pytest.raises(ValueError):
        medians_chart(frame.iloc[:0], province_label="", national_label="", region_label="")
