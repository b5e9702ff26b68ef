"""The bridge long frame -> engine, and the scores table, on hand-made data."""

import numpy as np
import pandas as pd
import pytest

from piilib import schema
from piilib.framework import indicators, load_framework
from piilib.pii import compute_pii, element_kinds, scores_table, to_idata
from piilib.units import load_units

EDITION = 2024


def _values(rng_seed=0):
    units = load_units(EDITION)["unit"].tolist()
    codes = indicators(EDITION)["code"].astype(str).tolist()
    rng = np.random.default_rng(rng_seed)
    return pd.DataFrame({
        schema.EDITION: EDITION,
        schema.UNIT: np.repeat(units, len(codes)),
        schema.INDICATOR: np.tile(codes, len(units)),
        schema.VALUE: rng.uniform(1, 2, len(units) * len(codes)),
        schema.PROVENANCE: schema.ILLUSTRATIVE,
        schema.SOURCE: "test",
    })


def test_pii_is_mean_of_input_and_output_and_minmax_scores():
    values = _values()
    result = compute_pii(values, EDITION)
    scores = result.scores
    np.testing.assert_allclose(scores["PII"], (scores["INPUT"] + scores["OUTPUT"]) / 2)
    # uniform noise in [1, 2) is not skewed: no treatment, so scores are plain min-max
    code = "2.2.1"
    raw = values[values[schema.INDICATOR] == code].set_index(schema.UNIT)[schema.VALUE]
    expected = 100 * (raw - raw.min()) / (raw.max() - raw.min())
    np.testing.assert_allclose(scores.loc[raw.index, code], expected)
    inverse = "4.1.2"  # direction -1 in the framework (plan 88, footnote 9)
    assert int(indicators(EDITION).set_index("code").at[inverse, "direction"]) == -1
    raw = values[values[schema.INDICATOR] == inverse].set_index(schema.UNIT)[schema.VALUE]
    np.testing.assert_allclose(scores.loc[raw.index, inverse], 100 * (raw.max() - raw) / (raw.max() - raw.min()))


def test_idata_layout():
    idata = to_idata(_values(), EDITION, load_framework(EDITION))
    assert list(idata.columns[:3]) == ["uCode", "uName", "Region"]
    assert len(idata) == 63
    assert idata.set_index("uCode").at["can-tho", "uName"] == "Cần Thơ"


def test_inputs_are_not_modified():
    values = _values()
    before = values.copy()
    compute_pii(values, EDITION)
    pd.testing.assert_frame_equal(values, before)


@pytest.mark.parametrize("change, message", [
    (lambda v: v.assign(**{schema.UNIT: v[schema.UNIT].replace("can-tho", "atlantis")}), "atlantis"),
    (lambda v: v.assign(**{schema.INDICATOR: v[schema.INDICATOR].replace("6.2.4", "9.9.9")}), "9.9.9"),
    (lambda v: pd.concat([v, v.iloc[[0]]]), "more than one value"),
])
def test_bad_long_frames_are_refused(change, message, english):
    with pytest.raises(ValueError, match=message):
        compute_pii(change(_values()), EDITION)


def test_scores_table_rows_and_ranks():
    values = _values()
    result = compute_pii(values, EDITION)
    table = scores_table(result, values, load_units(EDITION))
    n_elements = len(load_framework(EDITION))
    assert len(table) == 63 * n_elements
    kinds = element_kinds(result.imeta)
    assert sorted(set(kinds.values())) == sorted(["indicator", "sub_pillar", "pillar", "sub_index", "index"])
    pii_rows = table[table["element"] == "PII"]
    assert pii_rows["rank"].tolist() == sorted(pii_rows["rank"])  # units listed best first
    assert pii_rows["rank"].iloc[0] == 1
    indicator_rows = table[table["kind"] == "indicator"]
    assert indicator_rows["raw_value"].notna().all()
    assert table.loc[table["kind"] != "indicator", "raw_value"].isna().all()
    assert (table[schema.PROVENANCE] == schema.ILLUSTRATIVE).all()
    row = indicator_rows[(indicator_rows[schema.UNIT] == "can-tho") & (indicator_rows["element"] == "6.2.4")].iloc[0]
    assert row["score"] == pytest.approx(result.scores.at["can-tho", "6.2.4"])


def test_aggregate_provenance_is_the_weakest():
    values = _values().assign(**{schema.PROVENANCE: schema.OFFICIAL})
    mask = (values[schema.UNIT] == "can-tho") & (values[schema.INDICATOR] == "6.2.4")
    values.loc[mask, schema.PROVENANCE] = schema.ILLUSTRATIVE
    result = compute_pii(values, EDITION)
    table = scores_table(result, values, load_units(EDITION))
    can_tho = table[(table[schema.UNIT] == "can-tho") & (table["element"] == "PII")].iloc[0]
    ha_noi = table[(table[schema.UNIT] == "ha-noi") & (table["element"] == "PII")].iloc[0]
    assert can_tho[schema.PROVENANCE] == schema.ILLUSTRATIVE
    assert ha_noi[schema.PROVENANCE] == schema.OFFICIAL
