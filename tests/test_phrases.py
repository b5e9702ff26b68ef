"""Data-dependent Vietnamese phrases, checked on hand cases."""

from __future__ import annotations

import pytest

from piilib.analysis.trend import LINEAR, LOG_LINEAR
from piilib.report import phrases


def test_values_keep_two_significant_digits():
    assert phrases.value_number(4.5512) == "4,55"
    assert phrases.value_number(0.004237) == "0,0042"
    assert phrases.value_number(0.0) == "0,00"
    assert phrases.value_number(1234.5) == "1.234,50"
    assert phrases.value_number(float("nan")) == "–"
    assert phrases.value_with_unit(0.004237, "đơn/xã") == "0,0042 đơn/xã"
    assert phrases.value_with_unit(4.49, "%") == "4,49%"
    assert phrases.value_with_unit(None, "%") == "–"


@pytest.mark.parametrize(
    ("slope", "kind", "unit", "expected"),
    [
        (7.06, LOG_LINEAR, "đơn/xã", "tăng 7,1% mỗi năm"),
        # Relative growth of a percentage says it is not percentage points.
        (-2.0, LOG_LINEAR, "%", "giảm 2,0% mỗi năm (tốc độ tương đối, không phải điểm phần trăm)"),
        # A linear trend of a percentage moves in percentage points, not per cent.
        (-0.35, LINEAR, "%", "giảm 0,35 điểm phần trăm mỗi năm"),
        (0.000097, LINEAR, "đơn/xã", "tăng 0,000097 đơn/xã mỗi năm"),
        (0.001, LOG_LINEAR, "%", "gần như không đổi"),
        (float("nan"), LINEAR, "%", "–"),
    ],
)
def test_trend_phrase(slope, kind, unit, expected):
    assert phrases.trend_phrase(slope, kind, unit) == expected


def test_gap_phrases():
    assert phrases.gap_phrase(-0.0053, behind=True) == "còn thiếu 0,0053"
    assert phrases.gap_phrase(1.2, behind=False) == "đã vượt 1,20"
    assert phrases.gap_trend_phrase(True, False, True, True) == "đang thu hẹp"
    assert phrases.gap_trend_phrase(False, False, True, False) == "đang nới rộng (chưa rõ ràng về thống kê)"
    assert phrases.gap_trend_phrase(False, True, False, True) == "lợi thế đang giảm"
    assert phrases.gap_trend_phrase(False, False, False, True) == "lợi thế đang tăng"


def test_interval_phrase_follows_the_direction():
    assert phrases.interval_phrase(5, 4, 6, 1) == "nằm trong khoảng dự báo"
    assert phrases.interval_phrase(4, 4, 6, 1) == "nằm trong khoảng dự báo"  # the ends belong to it
    assert phrases.interval_phrase(7, 4, 6, 1) == "cao hơn khoảng dự báo (tốt hơn)"
    assert phrases.interval_phrase(7, 4, 6, -1) == "cao hơn khoảng dự báo (kém hơn)"
    assert phrases.interval_phrase(3, 4, 6, -1) == "thấp hơn khoảng dự báo (tốt hơn)"
    assert phrases.interval_phrase(None, 4, 6, 1) == "chưa so sánh được"


def test_explained_phrase_says_when_the_structure_explains_little():
    assert phrases.explained_phrase(0.03) == "giải thích được rất ít"
    assert phrases.explained_phrase(phrases.WEAK_FIT) == "giải thích được một phần"
    assert phrases.explained_phrase(0.7) == "giải thích được phần lớn"


def test_increment_phrase_counts_when_it_can():
    assert phrases.increment_phrase(2, "đơn đăng ký", "+0,0001 đơn/xã") == "+2 đơn đăng ký"
    assert phrases.increment_phrase(None, None, "+0,35%") == "+0,35%"
    assert phrases.trend_model_phrase(LINEAR) == "tuyến tính"
    assert phrases.change_unit("%") == "điểm phần trăm" and phrases.change_unit("đơn/xã") == "đơn/xã"
