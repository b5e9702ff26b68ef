"""Data-dependent Vietnamese phrases, checked on hand cases."""

from __future__ import annotations

import pytest

from piilib.analysis.trend import GROWTH_PERCENT, GROWTH_POINTS, LINEAR, LOG_LINEAR
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
    ("growth", "growth_unit", "unit", "expected"),
    [
        (7.06, GROWTH_PERCENT, "đơn/xã", "tăng 7,1%/năm"),
        # Relative growth of a percentage says it is not percentage points.
        (-2.0, GROWTH_PERCENT, "%", "giảm 2,0%/năm (tốc độ tương đối, không phải điểm phần trăm)"),
        # A linear trend of a share moves in percentage points, never "%".
        (-0.35, GROWTH_POINTS, "%", "giảm 0,35 điểm phần trăm/năm"),
        (0.000097, GROWTH_POINTS, "đơn/xã", "tăng 0,000097 đơn/xã mỗi năm"),
        (2.0, GROWTH_POINTS, "điểm", "tăng 2,00 điểm/năm"),
        (2.0, GROWTH_POINTS, "", "tăng 2,00 đơn vị/năm"),
        (0.001, GROWTH_PERCENT, "%", "gần như không đổi"),
        (float("nan"), GROWTH_POINTS, "%", "–"),
    ],
)
def test_growth_phrase_in_the_fits_unit(growth, growth_unit, unit, expected):
    assert phrases.growth_phrase(growth, growth_unit, unit) == expected


def test_trend_phrase_reads_the_kind():
    assert phrases.trend_phrase(-0.35, LINEAR, "%") == "giảm 0,35 điểm phần trăm/năm"
    assert phrases.trend_phrase(7.06, LOG_LINEAR, "%").startswith("tăng 7,1%/năm (tốc độ tương đối")


def test_not_enough_evidence_is_said():
    assert phrases.not_enough_evidence_phrase(2) == "chưa đủ căn cứ để dự báo (cần ít nhất 3 năm số liệu, hiện có 2)"
    assert phrases.not_enough_evidence_phrase(4, constant=True).startswith("chưa đủ căn cứ để dự báo: 4 năm")
    assert phrases.forecast_phrase(0.005049, 0.003713, 0.006384, 0.8, "đơn/xã") == \
        "0,0050 đơn/xã (khoảng dự báo 80%: 0,0037 đến 0,0064)"
    assert phrases.forecast_phrase(None, 1, 2, 0.8, "%") == "–"


@pytest.mark.parametrize(("p", "expected"), [(0.7979, "80%"), (0.06035, "6%"), (0.004, "dưới 1%"),
                                             (0.9999, "trên 99%"), (float("nan"), "–")])
def test_probability_phrase(p, expected):
    assert phrases.probability_phrase(p) == expected


def test_ranks_on_their_map():
    assert phrases.map_phrase(34, 6) == "trên 34 tỉnh, thành phố; vùng 6 tỉnh, thành phố"
    assert phrases.rank_pair(29, 5) == "29 (vùng 5)"
    assert phrases.rank_pair(29, float("nan")) == "29"
    assert phrases.pii_rank_effect_phrase(14, 14, 34) == "không làm thay đổi thứ hạng PII (vẫn thứ 14/34)"
    assert phrases.pii_rank_effect_phrase(14, 13, 34) == "đưa thứ hạng PII từ thứ 14 lên thứ 13/34"
    assert phrases.pii_rank_effect_phrase(7, 9, 63) == "đưa thứ hạng PII từ thứ 7 xuống thứ 9/63"
    assert phrases.rank_effect_phrase(29, 28, 34, "của chỉ số") == "đưa thứ hạng của chỉ số từ thứ 29 lên thứ 28/34"


def test_evidence_phrase_names_the_model_and_its_out_of_sample_error():
    assert phrases.evidence_phrase("trend", 0.001592, 0.006744, "đơn/xã") == (
        "xu hướng của chính địa phương (sai số dự báo ngoài mẫu 0,0016 đơn/xã, so với 0,0067 đơn/xã "
        "của mô hình so sánh)")
    assert phrases.evidence_phrase("peer", 1.5, float("nan"), "%") == (
        "mô hình so sánh theo đặc điểm cơ cấu (sai số dự báo ngoài mẫu 1,50%)")
    assert phrases.evidence_phrase(None, float("nan"), float("nan"), "%").startswith("chưa đủ căn cứ")


def test_peer_conclusion_draws_none_when_the_structure_explains_little():
    weak = phrases.peer_conclusion_phrase(3.0, 5.0, 4.0, 6.0, 1, explains_little=True)
    assert "không cho phép kết luận" in weak and "kém hơn" not in weak
    strong = phrases.peer_conclusion_phrase(3.0, 5.0, 4.0, 6.0, 1, explains_little=False)
    assert strong == "thấp hơn 2,00 (kém hơn) so với mức dự kiến, thấp hơn khoảng dự báo (kém hơn)"


def test_influence_flags_follow_the_usual_cutoffs():
    # n = 60, p = 4: leverage flag above 2p/n = 0.133, Cook's above 4/n = 0.067.
    assert phrases.influence_phrase(0.13, 0.06, 60, 4) == "đòn bẩy 0,13, khoảng cách Cook 0,06"
    assert phrases.influence_phrase(0.14, 0.07, 60, 4) == "đòn bẩy 0,14 (cao), khoảng cách Cook 0,07 (cao)"


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


# --------------------------------------------------------------------------- precision rule

from piilib.report.text import precise, precise_change, precision, whole_counts  # noqa: E402


@pytest.mark.parametrize(("values", "expected"), [
    ([4, 10, 11], 0),                    # whole counts: no decimals ("10", never "10,00")
    ([52.83, 49.2, 61.07], 1),           # three significant digits at the median magnitude
    ([0.0093, 0.004237, 0.0121], 5),     # small values keep their significant digits
    ([0.5, 0.25], 2),                    # never more decimals than the data carry
    ([1234.5, 2040.25], 0),              # large values: no decimals
    ([0.0, 0.0], 0),                     # all zero counts as whole
    ([], 0),
])
def test_precision_follows_the_values_scale(values, expected):
    assert precision(values) == expected


def test_precise_numbers_by_hand():
    assert precise(10.0, [4, 10, 11]) == "10"
    assert precise(52.8346) == "52,8"
    assert precise(0.004237, [0.0093, 0.004237]) == "0,00424"
    assert precise(8718000.0) == "8.718.000"
    assert precise(None) == "–"
    assert whole_counts([3.0, 7.0]) and not whole_counts([3.0, 7.5])


def test_changes_take_the_precision_of_what_they_change():
    shares = [0.16471, 0.10225, 0.0249]  # an indicator in % with median 0.10
    assert precise_change(0.00281, shares) == "+0,003"       # not "+0,00281"
    assert precise_change(-0.0215, [3.7075, 5.4877, 1.7048]) == "−0,02"
    assert precise_change(-0.0215, [3.7, 5.5, 1.7]) == "0"  # data with one decimal: no change shown
    assert precise_change(1e-9, [0.0093, 0.0042]) == "0"      # not "0,000000"
    assert precise_change(2, [4, 10]) == "+2"


def test_estimates_keep_their_own_significant_digits():
    from piilib.report.text import significant

    assert significant(0.01234) == "0,0123"
    assert significant(2.5) == "2,50"
    assert significant(-1.234e-8) == "−1,23 × 10⁻⁸"   # not "0,000000"
    assert significant(9.9996e-8) == "1,00 × 10⁻⁷"
    assert significant(0.0) == "0"


def test_a_rate_of_a_count_keeps_its_digits():
    assert precision([4, 10, 11], rate=True) == 1   # "0,3 lĩnh vực/năm", not "0"


def test_a_count_unit_reads_as_the_counted_thing():
    from piilib.report.text import with_unit

    assert with_unit("10", "số lĩnh vực có văn bản (0–13)") == "10 lĩnh vực có văn bản (0–13)"
    assert with_unit("4,49", "%") == "4,49%"


def test_a_quoted_clause_starts_its_table_cell_with_a_capital():
    from piilib.report.text import sentence_case

    assert sentence_case("duy trì trong top 10 địa phương") == "Duy trì trong top 10 địa phương"
    assert sentence_case("là địa phương dẫn đầu") == "Là địa phương dẫn đầu"
    assert sentence_case("Đã viết hoa (PII)") == "Đã viết hoa (PII)" and sentence_case("") == ""


def test_an_indicator_name_carries_its_unit_once():
    from piilib.report.text import name_with_unit

    assert name_with_unit("Vay tài chính vi mô/GRDP (%)", "%") == "Vay tài chính vi mô/GRDP (%)"
    assert name_with_unit("Số tổ chức KH&CN/10.000 dân", "tổ chức/10.000 dân") == \
        "Số tổ chức KH&CN/10.000 dân [tổ chức/10.000 dân]"
    # a different unit in the name, or one cut off by the limit, still gets the bracket
    assert name_with_unit("Vốn sản xuất (tỷ đồng)", "tỷ đồng/doanh nghiệp") == \
        "Vốn sản xuất (tỷ đồng) [tỷ đồng/doanh nghiệp]"
    assert name_with_unit("Đóng góp vào GDP cả nước của tỉnh (%)", "%", 20).endswith("… [%]")
    assert name_with_unit("Chỉ số", "") == "Chỉ số"


def test_a_sentence_continues_a_clause_with_a_small_letter():
    from piilib.report.text import interval_width_sentence, lower_first

    assert lower_first(interval_width_sentence(0.5)).startswith("các khoảng tin cậy rộng")
    assert lower_first("") == ""


def test_a_comparison_in_parentheses_can_leave_out_its_qualifier():
    from piilib.report.text import comparison_phrase

    assert comparison_phrase(29.6, 29.2, 1, 1, "điểm") == "cao hơn 0,4 điểm (tốt hơn)"
    assert comparison_phrase(29.6, 29.2, 1, 1, "điểm", qualify=False) == "cao hơn 0,4 điểm"
    assert comparison_phrase(3.0, 3.5, -1, 1, qualify=False) == "thấp hơn 0,5"
