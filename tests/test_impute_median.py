"""Median and group-median imputation (COINr's i_median / i_median_grp, v1.1.14, R/impute.R).

COINr's functions, read from the R source:

    i_median <- function(x){ mx <- stats::median(x, na.rm = TRUE); x[is.na(x)] <- mx; x }
    i_median_grp <- function(x, f){ x_split <- split(x, f)
                                    x_split <- lapply(x_split, i_median); unsplit(x_split, f) }

and R's `median`: sort the present values; the middle one when their number is odd, the
mean of the two middle ones when it is even; NA when there is none. The expected values
below are worked out by hand from those rules (written next to each case).
"""

import numpy as np
import pandas as pd
import pytest

from piilib.index import IndexInputError, build_index, impute
from piilib.index.spec import complete_steps
from piilib.index.steps import impute_values


def wide(units, **columns):
    frame = pd.DataFrame(columns)
    frame.insert(0, "uCode", units)
    return frame


def test_median_of_an_even_number_of_values_is_the_mean_of_the_middle_two():
    # present values of a: 3, 1, 10, 4 -> sorted 1, 3, 4, 10 -> (3 + 4) / 2 = 3.5
    # present values of b: 5, 1, 2, 8, 7 -> sorted 1, 2, 5, 7, 8 -> 5 (odd: the middle one)
    data = wide(list("pqrstu"), a=[3.0, np.nan, 1.0, 10.0, np.nan, 4.0], b=[5.0, 1.0, np.nan, 2.0, 8.0, 7.0])
    out = impute(data, "median")
    assert out["a"].tolist() == [3.0, 3.5, 1.0, 10.0, 3.5, 4.0]
    assert out["b"].tolist() == [5.0, 1.0, 5.0, 2.0, 8.0, 7.0]
    # the mean would have given 4.5 for a: the median is not the mean
    assert impute(data, "mean")["a"].tolist()[1] == 4.5


def test_median_with_ties_and_of_equal_values_is_exact():
    # 2, 2, 7 -> middle value 2 (ties need no rule); fifty-four 12.3s -> (12.3 + 12.3) / 2 = 12.3 exactly
    ties = impute_values(np.array([[2.0], [np.nan], [7.0], [2.0]]), "median")
    assert ties[:, 0].tolist() == [2.0, 2.0, 7.0, 2.0]
    equal = np.append(np.full(54, 12.3), np.nan)[:, np.newaxis]
    assert impute_values(equal, "median")[-1, 0] == 12.3


def test_an_indicator_with_no_value_stays_missing():
    data = wide(list("pqr"), a=[np.nan, np.nan, np.nan], b=[1.0, np.nan, 3.0])
    out = impute(data, "median")
    assert out["a"].isna().all()
    assert out["b"].tolist() == [1.0, 2.0, 3.0]


def test_group_median():
    # group A: a = 1, -, 9, 4 -> sorted 1, 4, 9 -> 4
    # group B: a = -, 6, 8    -> (6 + 8) / 2 = 7
    # group C: a = -, -       -> no value: stays missing
    # unit "z" has no group: its value and its gap are left alone
    groups = ["A", "A", "A", "A", "B", "B", "B", "C", "C", None, None]
    a = [1.0, np.nan, 9.0, 4.0, np.nan, 6.0, 8.0, np.nan, np.nan, 5.0, np.nan]
    data = wide([f"u{i}" for i in range(11)], a=a)
    out = impute(data, "group_median", groups=groups)["a"].to_numpy()
    np.testing.assert_array_equal(out, [1.0, 4.0, 9.0, 4.0, 7.0, 6.0, 8.0, np.nan, np.nan, 5.0, np.nan])


def test_group_median_needs_groups_and_inputs_are_not_modified():
    data = wide(list("pq"), a=[1.0, np.nan])
    with pytest.raises(ValueError, match="group_median imputation needs `groups`"):
        impute(data, "group_median")
    values = np.array([[1.0], [np.nan], [3.0]])
    impute_values(values, "group_median", ["A", "A", "A"])
    assert np.isnan(values[1, 0])


def test_method_yml_accepts_median_and_requires_a_group_for_group_median(english):
    steps, problems = complete_steps([{"step": "impute", "method": "median"}])
    assert not problems and steps[0]["method"] == "median"
    _, problems = complete_steps([{"step": "impute", "method": "group_median"}])
    assert problems == ["steps, step 1 (impute): method group_median needs 'group', "
                        "the iData column holding each unit's group"]


def test_build_index_runs_group_median_and_checks_the_group_column():
    idata = wide(list("pqrst"), a=[1.0, np.nan, 3.0, 10.0, np.nan], b=[4.0, 2.0, 6.0, 1.0, 3.0])
    idata["G"] = ["X", "X", "X", "Y", "Y"]
    imeta = pd.DataFrame({"Level": [1, 1, 2], "iCode": ["a", "b", "T"], "Direction": [1, 1, 1],
                          "Weight": [1, 1, 1], "Parent": ["T", "T", None],
                          "Type": ["Indicator", "Indicator", "Aggregate"]})
    steps = [{"step": "impute", "method": "group_median", "group": "G"}, {"step": "normalise"}, {"step": "aggregate"}]
    result = build_index(idata, imeta, steps)
    # X: 1, 3 -> 2; Y: 10 -> 10
    assert result.stages["Imputed"]["a"].tolist() == [1.0, 2.0, 3.0, 10.0, 10.0]
    with pytest.raises(IndexInputError, match="Missing"):
        build_index(idata, imeta, [{**steps[0], "group": "Missing"}, *steps[1:]])
