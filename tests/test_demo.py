"""The illustrative dataset: calibrated facts, determinism, provenance, history consistency."""

import filecmp

import numpy as np
import pandas as pd
import pytest

from piilib import demo, schema
from piilib.framework import indicators
from piilib.pii import compute_pii
from piilib.plan import load_plan
from piilib.reference import trusted_facts
from piilib.units import crosswalk, load_units, regions


@pytest.fixture(scope="module")
def values():
    return demo.load_demo_values()


@pytest.fixture(scope="module")
def results(values):
    return {edition: compute_pii(values, edition) for edition in demo.EDITIONS}


def test_trusted_published_ranks_and_scores_are_reproduced(results):
    facts = trusted_facts()
    assert len(facts) > 40
    for _, row in facts.iterrows():
        result = results[int(row[schema.EDITION])]
        unit = row[schema.UNIT]
        if pd.notna(row["rank"]):
            assert result.ranks.at[unit, "PII"] == row["rank"], (row[schema.EDITION], unit)
        if pd.notna(row["score"]):
            assert abs(result.scores.at[unit, "PII"] - row["score"]) <= 0.5, (row[schema.EDITION], unit)
        for column, code in (("input_score", "INPUT"), ("output_score", "OUTPUT")):
            if row["use_score"] and pd.notna(row[column]):
                assert abs(result.scores.at[unit, code] - row[column]) <= 0.5, (unit, code)


def test_can_tho_2023_fifth_with_output_second(results):
    result = results[2023]
    assert result.ranks.at["can-tho", "PII"] == 5
    assert abs(result.scores.at["can-tho", "PII"] - 49.66) <= 0.5
    assert result.ranks.at["can-tho", "OUTPUT"] == 2


def test_plan_weak_indicator_ranks_by_raw_value(values):
    plan = load_plan()
    weak = plan.indicators.dropna(subset=["rank_2024"])
    assert len(weak) == 5
    wide = values[values[schema.EDITION] == 2024].pivot(index=schema.UNIT, columns=schema.INDICATOR,
                                                       values=schema.VALUE)
    direction = indicators(2024).set_index("code")["direction"]
    city = plan.document["city_unit"]
    for _, row in weak.iterrows():
        oriented = wide[row["code"]] * direction[row["code"]]
        # COINr's rule: 1 + number of units strictly better
        assert 1 + int((oriented > oriented[city]).sum()) == row["rank_2024"], row["code"]


def test_regional_means_2023(results):
    scores = results[2023].scores["PII"]
    region_of = load_units(2023).set_index("unit")["region"]
    means = scores.groupby(region_of.reindex(scores.index).to_numpy()).mean()
    for _, row in regions(2023).dropna(subset=["pii_2023_mean"]).iterrows():
        assert abs(means[row["region"]] - row["pii_2023_mean"]) <= 0.5, row["region"]


def test_committed_fact_table_all_hold_and_matches_engine(values):
    committed = pd.read_csv(demo.DEMO_DIR / demo.FILES["facts"])
    assert committed["ok"].all()
    recomputed = demo.check_facts(values)
    assert recomputed["ok"].all()
    assert len(recomputed) == len(committed)


def test_every_value_is_illustrative():
    for key in ("values", "history", "covariates", "covariates_merged"):
        frame = pd.read_csv(demo.DEMO_DIR / demo.FILES[key])
        assert (frame[schema.PROVENANCE] == schema.ILLUSTRATIVE).all(), key
        assert frame[schema.SOURCE].str.startswith(demo.source_label(demo.DEFAULT_SEED)).all(), key
        assert np.isfinite(frame[schema.VALUE]).all(), key


def test_editions_cover_their_units_and_indicators(values):
    for edition in demo.EDITIONS:
        rows = values[values[schema.EDITION] == edition]
        assert set(rows[schema.UNIT]) == set(load_units(edition)["unit"])
        assert set(rows[schema.INDICATOR]) == set(indicators(edition)["code"])
        assert len(rows) == len(load_units(edition)) * len(indicators(edition))


def test_history_equals_editions_and_has_six_years(values):
    history = demo.load_demo_history()
    years = history.groupby(schema.INDICATOR)[schema.YEAR].nunique()
    assert (years >= 6).all()
    for edition in (2023, 2024):
        edition_rows = values[values[schema.EDITION] == edition].set_index([schema.UNIT, schema.INDICATOR])[schema.VALUE]
        year_rows = history[history[schema.YEAR] == edition - 1].set_index([schema.UNIT, schema.INDICATOR])[schema.VALUE]
        pd.testing.assert_series_equal(edition_rows.sort_index(), year_rows.sort_index(), check_names=False)


def test_merged_edition_is_the_harmonised_year_2024_where_combinable(values):
    from piilib.harmonise import harmonise_to_merged

    history = demo.load_demo_history()
    year = history[history[schema.YEAR] == 2024].rename(columns={schema.YEAR: schema.EDITION})
    covariates = demo.load_demo_covariates()
    quantities = covariates[covariates[schema.YEAR] == 2024].rename(columns={schema.COVARIATE: "quantity"})
    merged = harmonise_to_merged(year, indicators(2025), quantities[[schema.UNIT, "quantity", schema.VALUE]])
    merged = merged.dropna(subset=[schema.VALUE]).set_index([schema.UNIT, schema.INDICATOR])[schema.VALUE]
    edition = values[values[schema.EDITION] == 2025].set_index([schema.UNIT, schema.INDICATOR])[schema.VALUE]
    assert len(merged) > 40 * 34 // 2
    np.testing.assert_allclose(edition.reindex(merged.index).to_numpy(), merged.to_numpy(), rtol=1e-9, atol=1e-9)


def test_merged_covariates_add_up():
    covariates = demo.load_demo_covariates()
    merged = demo.load_demo_covariates(merged_map=True)
    year = covariates[(covariates[schema.YEAR] == 2024) & (covariates[schema.COVARIATE] == "population")]
    walk = crosswalk().set_index("former_unit")["merged_unit"]
    expected = year.groupby(year[schema.UNIT].map(walk))[schema.VALUE].sum()
    got = merged[merged[schema.COVARIATE] == "population"].set_index(schema.UNIT)[schema.VALUE]
    pd.testing.assert_series_equal(got.sort_index(), expected.sort_index(), check_names=False)


def test_regeneration_is_byte_identical(tmp_path):
    """Two reduced runs (few engine rounds) into two folders give identical bytes."""
    first, second = tmp_path / "a", tmp_path / "b"
    for folder in (first, second):
        demo.write_demo(demo.generate_demo(max_rounds=1), folder)
    names = sorted(p.name for p in first.iterdir())
    assert names == sorted(p.name for p in second.iterdir())
    match, mismatch, errors = filecmp.cmpfiles(first, second, names, shallow=False)
    assert mismatch == [] and errors == []


def test_values_look_real(values):
    """Big cities lead the GDP share (summing to 100%); values stay near the typical ranges."""
    edition = values[values[schema.EDITION] == 2024]
    share = edition[edition[schema.INDICATOR] == "4.2.3"].set_index(schema.UNIT)[schema.VALUE]
    assert set(share.nlargest(2).index) == {"ha-noi", "ho-chi-minh"}
    assert abs(share.sum() - 100) < 0.05
    table = indicators(2024).set_index("code")
    for code, row in table.iterrows():
        column = edition[edition[schema.INDICATOR] == code][schema.VALUE]
        span = row["assumed_typical_high"] - row["assumed_typical_low"]
        if row["denominator"] != "none" or row["merge_rule"] != "ratio_sum":
            assert column.min() >= row["assumed_typical_low"] - 0.2 * span, code
            assert column.max() <= row["assumed_typical_high"] * 1.2 + 1e-9, code


# Real indicators are persistent: a province's rank on an indicator correlates at about
# 0.8–0.95 from one year to the next, and a value rarely changes by a factor of 3.
MIN_EDITION_RANK_CORRELATION = 0.8
MAX_FACT_SERIES_YEAR_RATIO = 2.0


def _oriented_ranks(values, edition):
    """COINr's rule by hand: rank = 1 + number of units strictly better."""
    wide = values[values[schema.EDITION] == edition].pivot(index=schema.UNIT, columns=schema.INDICATOR,
                                                          values=schema.VALUE)
    oriented = wide * indicators(edition).set_index("code")["direction"].reindex(wide.columns).to_numpy()
    return oriented.apply(lambda column: column.map(lambda v: 1 + int((column > v).sum())))


def test_indicator_ranks_persist_between_the_2023_and_2024_editions(values):
    from scipy.stats import spearmanr

    first, second = _oriented_ranks(values, 2023), _oriented_ranks(values, 2024)
    assert list(first.index) == list(second.index) and len(first) == 63
    for code in first.columns:
        rho = spearmanr(first[code], second[code]).statistic
        assert rho >= MIN_EDITION_RANK_CORRELATION, (code, rho)


def test_rank_fact_units_stay_near_their_rank_in_the_other_edition(values):
    facts = demo.indicator_rank_facts()
    assert facts
    for fact in facts:
        other = 2023 if fact.edition == 2024 else 2024
        rank = _oriented_ranks(values, other).at[fact.unit, fact.element]
        assert abs(rank - fact.rank) <= demo.PERSISTENT_RANK_BAND, (fact.element, rank, fact.rank)


def test_rank_fact_series_have_no_cliff():
    history = demo.load_demo_history()
    for fact in demo.indicator_rank_facts():
        series = history[(history[schema.UNIT] == fact.unit) & (history[schema.INDICATOR] == fact.element)]
        series = series.set_index(schema.YEAR)[schema.VALUE].sort_index()
        assert list(series.index) == list(demo.HISTORY_YEARS)
        assert (series > 0).all(), fact.element
        ratio = series.to_numpy()[1:] / series.to_numpy()[:-1]
        worst = float(np.max(np.maximum(ratio, 1 / ratio)))
        assert worst <= MAX_FACT_SERIES_YEAR_RATIO, (fact.element, series.round(4).to_dict())


def test_plan_maintain_indicators_rank_in_the_national_top_in_2024_and_near_it_otherwise(values):
    """Our reading of plan 88 III.3 (not a published fact): the city's "maintain" indicators
    scored well in 2024 — within the national top PLAN_GOOD_SCORE_TOP; the 2023 edition and the
    years before it stay within PERSISTENT_RANK_BAND more places."""
    plan = load_plan()
    city = plan.document["city_unit"]
    codes = plan.indicators.loc[plan.indicators["group"] == "maintain", "code"].tolist()
    assert len(codes) == 13
    top = demo.PLAN_GOOD_SCORE_TOP
    ranks_2024 = _oriented_ranks(values, 2024).loc[city, codes]
    assert (ranks_2024 <= top).all(), ranks_2024.to_dict()
    ranks_2023 = _oriented_ranks(values, 2023).loc[city, codes]
    assert (ranks_2023 <= top + demo.PERSISTENT_RANK_BAND).all(), ranks_2023.to_dict()
    history = demo.load_demo_history().rename(columns={schema.YEAR: schema.EDITION})
    direction = indicators(2024).set_index("code")["direction"]
    for year in range(demo.HISTORY_YEARS[0], 2023):
        rows = history[history[schema.EDITION] == year]
        wide = rows.pivot(index=schema.UNIT, columns=schema.INDICATOR, values=schema.VALUE)[codes]
        oriented = wide * direction.reindex(codes).to_numpy()
        ranks = oriented.apply(lambda column: 1 + int((column > column[city]).sum()))
        assert (ranks <= top + demo.PERSISTENT_RANK_BAND).all(), (year, ranks.to_dict())


def test_calibration_table_keeps_plan_readings_apart_from_published_facts():
    committed = pd.read_csv(demo.DEMO_DIR / demo.FILES["facts"], dtype={"element": "str"})
    assert set(committed["basis"]) == {demo.PUBLISHED, demo.PLAN_READING}
    readings = committed[committed["basis"] == demo.PLAN_READING]
    plan = load_plan()
    maintain = set(plan.indicators.loc[plan.indicators["group"] == "maintain", "code"])
    assert set(readings["element"]) == maintain and len(readings) == len(maintain)
    assert (readings["unit"] == plan.document["city_unit"]).all()
    assert (readings["achieved"] <= readings["expected"]).all()
    assert readings["source"].str.contains("reading").all()
    published = committed[committed["basis"] == demo.PUBLISHED]
    assert not published["element"].isin(maintain).any()
    readme = (demo.DEMO_DIR / "README.md").read_text(encoding="utf-8")
    assert f"Published facts reproduced: {len(published)} of {len(published)}." in readme
    assert f"Plan readings held (not published facts): {len(readings)} of {len(readings)}." in readme


def test_whole_count_indicators_have_whole_values(values):
    from piilib.framework import whole_counts

    history = demo.load_demo_history()
    for edition in demo.EDITIONS:
        whole = whole_counts(edition)
        assert whole.any()
        codes = set(whole[whole].index)
        for frame in (values[values[schema.EDITION] == edition], history):
            column = frame.loc[frame[schema.INDICATOR].isin(codes), schema.VALUE]
            assert len(column) > 0
            assert (column == column.round()).all(), edition


def test_whole_count_leader_is_alone_at_the_top(values):
    """A tie at the top would give a second unit a first place (COINr's min rule) and break the
    published counts of first places."""
    from piilib.framework import whole_counts

    for edition in demo.EDITIONS:
        whole = whole_counts(edition)
        ranks = _oriented_ranks(values, edition)
        for code in whole[whole].index:
            assert (ranks[code] == 1).sum() == 1, (edition, code)
