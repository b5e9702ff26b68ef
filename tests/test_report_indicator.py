"""The indicator chapter's data (piilib.report.indicator) on the bundled data: facts equal to
the engine's and the plan's, computed independently; paths resolved from the repository."""

from __future__ import annotations


import pytest

from piilib import schema
from piilib.demo import DEMO_DIR
from piilib.framework import indicators, load_framework
from piilib.paths import REPO_ROOT
from piilib.pii import scores_for_edition
from piilib.plan import load_plan
from piilib.report.indicator import data_location, load_indicator, term_label

PROVINCE = "can-tho"
EDITION = 2024

pytestmark = pytest.mark.skipif(not (DEMO_DIR / "values.csv").is_file(), reason="bundled data not generated")


@pytest.fixture(scope="module")
def inverse_code() -> str:
    framework = indicators(load_framework(EDITION)).set_index("code")
    return next(code for code in load_plan().indicators["code"] if framework.at[code, "direction"] == -1)


@pytest.fixture(scope="module")
def chapter(inverse_code):
    # A relative path, read from the repository whatever the working directory.
    return load_indicator(str(EDITION), PROVINCE, "data/demo", inverse_code)


def test_values_scores_and_ranks_are_the_engines(chapter, inverse_code):
    engine = scores_for_edition(EDITION)
    engine = engine[engine["element"] == inverse_code].set_index(schema.UNIT)
    mine = chapter.scores.set_index(schema.UNIT)
    assert set(mine.index) == set(engine.index)
    assert (mine["rank"] == engine.loc[mine.index, "rank"]).all()
    assert chapter.own["raw_value"] == pytest.approx(engine.at[PROVINCE, "raw_value"])
    last = chapter.over_time.iloc[-1]
    assert int(last["edition"]) == EDITION and int(last["rank"]) == int(engine.at[PROVINCE, "rank"])


def test_inverse_indicator_facts_and_the_footnote_said_once(chapter, inverse_code):
    assert chapter.direction == -1
    footnotes = load_plan().footnotes
    text = footnotes.set_index("indicator").at[inverse_code, "text_vi"]
    assert text in set(chapter.footnotes["text_vi"])
    assert text not in chapter.definition  # the framework's definition repeats it: said once


def test_peer_data_hold_the_indicator_and_the_covariates_of_the_data_year(chapter):
    assert chapter.peer_data.at[PROVINCE, "value"] == pytest.approx(chapter.own["raw_value"])
    assert {"grdp_per_capita", "population", "urbanisation"} <= set(chapter.peer_data.columns)
    assert len(chapter.peer_data) == len(chapter.units)


def test_targets_have_one_recommendation_for_this_indicator(chapter, inverse_code):
    assert set(chapter.targets[schema.INDICATOR]) == {inverse_code}
    assert chapter.targets["recommended"].sum() == 1
    assert chapter.recommended[schema.INDICATOR] == inverse_code


def test_unknown_indicator_is_refused_with_the_plan_codes():
    with pytest.raises(ValueError, match="not in the plan"):
        load_indicator(str(EDITION), PROVINCE, "data/demo", "9.9.9")


def test_data_location_reads_relative_paths_from_the_repository(tmp_path):
    assert data_location("data/demo") == REPO_ROOT / "data" / "demo"
    assert data_location(str(tmp_path)) == tmp_path
    assert data_location("") is None and data_location(None) is None


def test_formula_terms_in_words():
    assert term_label("np.log(grdp_per_capita)") == "log GRDP bình quân đầu người"
    assert term_label("urbanisation") == "tỷ lệ đô thị hóa"
    assert term_label("np.log1p(enterprises)") == "log(1 + số doanh nghiệp)"
    assert term_label("other") == "other"


def test_chapter_targets_use_the_pages_peer_formula(chapter):
    from piilib.analysis.targets import DEFAULT_PEER_FORMULA
    from piilib.report.indicator import chapter_targets

    assert chapter.peer_formula == DEFAULT_PEER_FORMULA
    assert chapter_targets(chapter, DEFAULT_PEER_FORMULA) is chapter.targets  # the shared table, not recomputed
    other = chapter_targets(chapter, "value ~ np.log(population)")
    assert other["peer_formula"].str.endswith("~ np.log(population)").all()
    assert not chapter.targets["peer_formula"].str.endswith("~ np.log(population)").any()
    # The peer evidence changes; the thresholds (the others' values) do not.
    assert other["peer_r_squared"].iloc[0] != pytest.approx(chapter.targets["peer_r_squared"].iloc[0])
    assert other["peer_expected"].iloc[0] != pytest.approx(chapter.targets["peer_expected"].iloc[0])
    keys = ["threshold", "basis"]
    merged = chapter.targets.merge(other, on=keys, suffixes=("", "_other"))
    assert (merged["threshold_value"].fillna(-1) == merged["threshold_value_other"].fillna(-1)).all()
    low, high = chapter.bounds
    assert low <= chapter.own["raw_value"] <= high
