"""Published results: a faithful copy, flags on contradicted rows, trusted facts consistent."""

from pathlib import Path

import pandas as pd
import pytest

from piilib.reference import PUBLISHED_RESULTS, published_results, trusted_facts

SHARED_COPY = Path(__file__).resolve().parents[2] / "shared" / "reference" / "published_pii_results.csv"


@pytest.fixture(scope="module")
def results():
    return published_results()


def test_original_columns_are_copied_unchanged():
    ours = pd.read_csv(PUBLISHED_RESULTS, dtype=str, keep_default_na=False)
    if not SHARED_COPY.exists():
        pytest.skip("shared/reference is not beside this checkout")
    original = pd.read_csv(SHARED_COPY, dtype=str, keep_default_na=False)
    pd.testing.assert_frame_equal(ours[list(original.columns)], original)


def test_every_row_has_a_source_and_a_unit(results):
    assert results["source_url"].str.startswith("http").all()
    assert results["unit"].notna().all()
    assert results.loc[(results["province"] == "Cần Thơ"), "unit"].unique().tolist() == ["can-tho"]
    assert not results.duplicated(["edition", "unit"]).any()


def test_rows_whose_notes_report_a_conflict_are_flagged(results):
    """The notes' own words (conflict, uncertain, inconsistent) must lead to a flag."""
    worried = results["note"].str.contains("conflict|uncertain|inconsistent", case=False)
    assert worried.sum() >= 5
    assert results.loc[worried, "contradicted"].all()


def test_flags_come_in_pairs_with_reasons(results):
    flagged = results[results["contradicted"]]
    assert (flagged["flag_reason"].str.len() > 40).all()
    assert (results.loc[~results["contradicted"], "flag_reason"] == "").all()
    # A flag names the other side of the contradiction: another flagged province, or another source.
    for row in flagged.itertuples():
        others = set(flagged.loc[flagged["edition"] == row.edition, "province"]) - {row.province}
        assert any(name in row.flag_reason for name in others) or "http" in row.flag_reason \
            or "baogialai" in row.flag_reason or "vneconomy" in row.flag_reason, row.province


def test_unflagged_rows_use_what_they_have(results):
    plain = results[~results["contradicted"]]
    assert (plain["use_rank"] == plain["rank"].notna()).all()
    assert (plain["use_score"] == plain["score"].notna()).all()


def test_trusted_scores_fall_as_ranks_rise(results):
    """Within an edition, trusted (rank, score) pairs are strictly ordered; flagged ones broke this."""
    facts = trusted_facts(results).dropna(subset=["rank", "score"])
    for _, rows in facts.groupby("edition"):
        ordered = rows.sort_values("rank")
        assert ordered["score"].is_monotonic_decreasing and ordered["score"].is_unique
    everything = results.dropna(subset=["rank", "score"])
    broken = [edition for edition, rows in everything.groupby("edition")
              if not rows.sort_values("rank")["score"].is_monotonic_decreasing]
    assert broken == [2024]  # Huế and Lai Châu, both flagged


def test_trusted_ranks_are_unique_and_within_the_edition(results):
    facts = trusted_facts(results).dropna(subset=["rank"])
    sizes = {2023: 63, 2024: 63, 2025: 34}
    for edition, rows in facts.groupby("edition"):
        assert rows["rank"].is_unique
        assert rows["rank"].between(1, sizes[edition]).all()


def test_pii_is_the_mean_of_input_and_output(results):
    both = results.dropna(subset=["score", "input_score", "output_score"])
    assert len(both) == 3
    assert ((both["input_score"] + both["output_score"]) / 2 - both["score"]).abs().max() < 0.01


def test_can_tho_facts(results):
    facts = trusted_facts(results).set_index(["edition", "unit"])
    assert facts.at[(2023, "can-tho"), "rank"] == 5
    assert facts.at[(2023, "can-tho"), "score"] == pytest.approx(49.66)
    assert facts.at[(2024, "can-tho"), "rank"] == 7
    assert pd.isna(facts.at[(2024, "can-tho"), "score"])


def test_bad_flag_values_are_reported(tmp_path):
    table = pd.read_csv(PUBLISHED_RESULTS, dtype=str, keep_default_na=False)
    table.loc[3, "use_score"] = "yes"
    path = tmp_path / "results.csv"
    table.to_csv(path, index=False)
    with pytest.raises(ValueError, match="line 5, column 'use_score': found 'yes'"):
        published_results(path)
