"""Report figures: the labelled elements a reader relies on, Vietnamese tick labels, stable PNGs."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.collections import PathCollection
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure

from piilib.report import plots


def _texts(figure: Figure) -> list[str]:
    return [text.get_text() for text in figure.findobj(match=lambda artist: hasattr(artist, "get_text"))]


def _legend_labels(figure: Figure) -> list[str]:
    return [text.get_text() for legend in figure.legends for text in legend.get_texts()]


def _trend():
    observed = pd.DataFrame({"year": [2019, 2020, 2021, 2022], "value": [1.0, 2.0, 2.5, 3.5]})
    band = pd.DataFrame({"year": [2019, 2020, 2021, 2022, 2023], "predicted": [1.1, 1.9, 2.7, 3.4, 4.2],
                         "lower": [0.6, 1.4, 2.2, 2.9, 3.5], "upper": [1.6, 2.4, 3.2, 3.9, 4.9]})
    thresholds = pd.DataFrame({"year": [2019, 2020, 2021, 2022], "Trung vị cả nước": [2.0, 2.1, 2.2, 2.3],
                               "Tốt nhất vùng X": [3.0, 3.2, 3.4, 3.6]})
    return plots.trend_chart(observed, band, thresholds, province_label="Cần Thơ", value_label="đơn/xã",
                             title="6.2.4 Đơn đăng ký", coverage=0.8)


def test_trend_chart_names_its_axes_lines_and_interval():
    figure = _trend()
    axes = figure.axes[0]
    assert axes.get_xlabel() == "Năm số liệu"
    assert axes.get_ylabel() == "đơn/xã"
    assert figure._suptitle.get_text() == "6.2.4 Đơn đăng ký"
    labels = _legend_labels(figure)
    assert labels[0] == "Cần Thơ"
    assert {"Trung vị cả nước", "Tốt nhất vùng X", "Khoảng dự báo 80%"} <= set(labels)
    # The province's line is the observed series, in the province colour.
    province_line = next(line for line in axes.get_lines() if line.get_linewidth() == 2.0)
    assert list(province_line.get_ydata()) == [1.0, 2.0, 2.5, 3.5]
    assert to_rgba(province_line.get_color()) == to_rgba(plots.PROVINCE_COLOUR)


def test_peer_chart_highlights_the_province_and_names_the_best_peer():
    table = pd.DataFrame(
        {"value": [1.0, 2.0, 3.0, 5.0], "expected": [1.5, 2.0, 2.5, 3.0],
         "lower": [1.0, 1.5, 2.0, 2.5], "upper": [2.0, 2.5, 3.0, 3.5]},
        index=pd.Index(["a", "can-tho", "c", "best"], name="unit"),
    )
    names = {"can-tho": "Cần Thơ", "best": "Đà Nẵng", "a": "A", "c": "C"}
    figure = plots.peer_chart(table, "can-tho", names, best_peer="best", value_label="%", title="t", coverage=0.8)
    axes = figure.axes[0]
    red = [c for c in axes.collections
           if isinstance(c, PathCollection) and len(c.get_offsets()) == 1 and np.allclose(c.get_facecolor()[0], to_rgba(plots.PROVINCE_COLOUR))]
    assert len(red) == 1
    assert tuple(red[0].get_offsets()[0]) == (2.0, 2.0)  # (expected, actual) of the province
    annotations = [t.get_text() for t in axes.texts]
    assert "Cần Thơ" in annotations and "Đà Nẵng" in annotations
    assert axes.get_xlabel() == "Mức dự kiến theo đặc điểm cơ cấu (%)"
    assert axes.get_ylabel() == "Giá trị thực tế (%)"


def test_profile_chart_has_one_bar_per_pillar_with_the_province_scores():
    profile = pd.DataFrame({"label": ["1. Thể chế", "2. Vốn con người"], "province": [49.2, 43.9],
                            "national_median": [35.3, 31.7], "region": [35.5, 28.2]})
    figure = plots.profile_chart(profile, province_label="Cần Thơ", national_label="Trung vị cả nước",
                                 region_label="Trung vị vùng", title="Trụ cột")
    axes = figure.axes[0]
    widths = sorted(patch.get_width() for patch in axes.patches)
    assert widths == sorted(profile["province"])
    first_pillar_tick = max(axes.get_yticks())  # the first pillar is drawn at the top
    labels = {tick: label.get_text() for tick, label in zip(axes.get_yticks(), axes.get_yticklabels())}
    assert labels[first_pillar_tick] == "1. Thể chế"
    assert "49,2" in [t.get_text() for t in axes.texts]
    assert _legend_labels(figure) == ["Cần Thơ", "Trung vị cả nước", "Trung vị vùng"]


def test_trajectory_chart_puts_rank_one_on_top_and_labels_rank_of_n():
    trajectory = pd.DataFrame({"edition": [2023, 2024], "score": [49.4, 46.0], "rank": [5, 7],
                               "n_units": [63, 63], "series": ["Cần Thơ", "Cần Thơ"]})
    figure = plots.trajectory_chart(trajectory, title="Qua các kỳ")
    score_axes, rank_axes = figure.axes
    bottom, top = rank_axes.get_ylim()
    assert bottom > top  # inverted: better ranks higher up
    assert top <= 1
    assert {"5/63", "7/63"} <= {t.get_text() for t in rank_axes.texts}
    assert rank_axes.get_ylabel() == "Thứ hạng" and score_axes.get_ylabel() == "Điểm PII"


def test_rank_distribution_marks_the_official_rank():
    shares = pd.Series([0.2, 0.5, 0.3], index=[6, 7, 8])
    figure = plots.rank_distribution_chart(shares, current_rank=7, interval=(6, 8), title="t")
    bars = figure.axes[0].patches[:3]
    red = [bar.get_x() + bar.get_width() / 2 for bar in bars if np.allclose(bar.get_facecolor(), to_rgba(plots.PROVINCE_COLOUR))]
    assert red == [7]
    assert [round(bar.get_height()) for bar in bars] == [20, 50, 30]


def test_tick_labels_are_written_the_vietnamese_way():
    formatter = plots.VietnameseFormatter()
    formatter.create_dummy_axis()
    formatter.axis.set_view_interval(0, 0.03)
    formatter.set_locs([0.0, 0.025])
    assert formatter(0.025) == "0,025"
    formatter.axis.set_view_interval(0, 20000)
    formatter.set_locs([0, 12000])
    assert formatter(12000) == "12.000"


def test_png_is_the_same_picture_twice_and_fits_an_a4_page():
    first, second = _trend(), _trend()
    png = first._repr_png_()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert png == second._repr_png_()
    width, _ = first.get_size_inches()
    assert width <= plots.PAGE_WIDTH


def test_a_shown_figure_is_a_numbered_figure_captioned_with_its_title(tmp_path):
    shares = pd.Series([0.2, 0.5, 0.3], index=[6, 7, 8])
    figure = plots.rank_distribution_chart(shares, current_rank=7, interval=(6, 8), title="Thứ hạng PII")
    markdown = plots.figure_markdown(figure, tmp_path)
    written = list(tmp_path.glob("*.png"))
    assert len(written) == 1
    assert markdown.splitlines()[0] == "```{figure} " + written[0].name
    assert markdown.splitlines()[-2:] == ["Thứ hạng PII", "```"]
    assert not figure.get_suptitle() or not figure._suptitle.get_visible()  # not printed twice
    again = plots.rank_distribution_chart(shares, current_rank=7, interval=(6, 8), title="Thứ hạng PII")
    assert plots.figure_markdown(again, tmp_path) == markdown  # same data, same file name


def test_a_figure_without_title_has_none():
    figure = plots.rank_distribution_chart(pd.Series([1.0], index=[7]), current_rank=7, interval=(7, 7))
    assert figure.get_suptitle() == ""  # the book's caption carries it


def test_pillar_rank_heatmap_writes_each_rank_in_its_cell():
    ranks = pd.DataFrame({2023: [16.0, 2.0], 2024: [13.0, 6.0]}, index=["1. Thể chế", "7. Tác động"])
    figure = plots.pillar_rank_heatmap(ranks, n_units=63)
    axes = figure.axes[0]
    # seaborn annotates row by row: (row 1: 2023, 2024), (row 2: 2023, 2024)
    assert [t.get_text() for t in axes.texts] == ["16", "13", "2", "6"]
    assert [t.get_text() for t in axes.get_yticklabels()] == list(ranks.index)
    assert [t.get_text() for t in axes.get_xticklabels()] == ["2023", "2024"]
    mesh = axes.collections[0]
    assert mesh.get_clim() == (1, 63)  # colour scale over the whole map, not the shown ranks


def test_pillar_distribution_puts_the_province_at_its_score_and_the_region_in_blue():
    scores = pd.DataFrame({
        "unit": ["a", "b", "c", "a", "b", "c"], "region": ["r", "r", "s", "r", "r", "s"],
        "label": ["1. X"] * 3 + ["2. Y"] * 3, "score": [40.0, 30.0, 20.0, 55.0, 50.0, 10.0],
    })
    figure = plots.pillar_distribution_chart(scores, "a", "r", province_label="A", region_label="Vùng r")
    axes = figure.axes[0]
    province = [c for c in axes.collections if isinstance(c, PathCollection)
                and np.allclose(c.get_facecolor()[0], to_rgba(plots.PROVINCE_COLOUR))]
    assert len(province) == 1
    assert sorted(province[0].get_offsets()[:, 0]) == [40.0, 55.0]
    region = [c for c in axes.collections if isinstance(c, PathCollection)
              and len(c.get_offsets()) and np.allclose(c.get_facecolor()[0], to_rgba(plots.REGION_COLOUR))]
    assert [list(c.get_offsets()[:, 0]) for c in region] == [[30.0, 50.0]]
    assert [t.get_text() for t in axes.get_yticklabels()] == ["1. X", "2. Y"]
    assert _legend_labels(figure)[:2] == ["A", "Vùng r"]
    png = figure._repr_png_()
    assert png == plots.pillar_distribution_chart(scores, "a", "r", province_label="A",
                                                  region_label="Vùng r")._repr_png_()  # no random jitter


def test_a_long_lever_chart_is_drawn_at_most_as_tall_as_the_pdf_prints_unshrunk():
    """The PDF caps a figure's height (0.42 of the text height, _config.yml): a taller one was
    printed shrunk, its labels at 5 pt. Charts with one row per indicator stop at MAX_HEIGHT."""
    import pandas as pd

    levers = pd.DataFrame({"label": [f"{i}.1.1 Chỉ số {i}" for i in range(15)],
                           "median_gain": [0.1 * i for i in range(15)],
                           "region_best_gain": [0.2 * i for i in range(15)],
                           "indicator": [f"{i}.1.1" for i in range(15)]})
    figure = plots.lever_chart(levers)
    assert figure.get_size_inches()[1] <= plots.MAX_HEIGHT
    assert plots.MAX_HEIGHT <= 0.42 * (11.69 - 2)  # A4 less Sphinx's 1 in margins, times the cap
