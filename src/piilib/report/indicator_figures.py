"""Figures of an indicator chapter drawn with seaborn: the indicator across provinces, and the
peer regression against one structural covariate with its confidence band.

Same conventions as `piilib.report.plots` (its style, colours, page width and PNG output
without a date): the province in red, the national median in dark grey, the region in blue.
The caption is the book's (a `{glue:figure}` in the notebook), so figures carry no title.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from piilib.report.plots import (
    NATIONAL_COLOUR,
    OTHER_COLOUR,
    PROVINCE_COLOUR,
    REGION_COLOUR,
    _figure,
    _legend_below,
    _style,
)

# seaborn bootstraps the regression band: a fixed seed draws the same band every run.
BAND_SEED = 88


def distribution_chart(
    scores: pd.DataFrame,
    province: str,
    region_names: dict[str, str],
    *,
    value_label: str,
    province_label: str,
) -> Figure:
    """Every province's value of one indicator, one row of points per region (seaborn
    stripplot), the province in red, its region's row in blue, the national median dashed.

    scores: columns unit, region, raw_value.
    """
    frame = scores.dropna(subset=["raw_value"]).assign(
        region_label=lambda f: f["region"].map(lambda r: region_names.get(r, r)))
    own_region = frame.loc[frame["unit"] == province, "region_label"]
    order = sorted(frame["region_label"].unique())
    palette = {label: (REGION_COLOUR if not own_region.empty and label == own_region.iloc[0] else OTHER_COLOUR)
               for label in order}
    with _style():
        figure, axes = _figure(0.42 * len(order) + 1.5)
        others = frame[frame["unit"] != province]
        sns.stripplot(data=others, x="raw_value", y="region_label", hue="region_label", order=order,
                      palette=palette, legend=False, jitter=False, size=5, alpha=0.8, ax=axes)
        own = frame[frame["unit"] == province]
        if not own.empty:
            axes.scatter(own["raw_value"], [order.index(own["region_label"].iloc[0])], s=70,
                         color=PROVINCE_COLOUR, edgecolor="white", linewidth=0.8, zorder=5)
        median = float(frame["raw_value"].median())
        axes.axvline(median, color=NATIONAL_COLOUR, linestyle="--", linewidth=1.0)
        # The page's number formatter is meant for numbers: put the region names back.
        axes.set_yticks(range(len(order)), order)
        axes.set_xlabel(value_label)
        axes.set_ylabel("")
        axes.grid(axis="y", visible=False)
        handles = [Line2D([], [], marker="o", linestyle="", color=PROVINCE_COLOUR, markersize=7),
                   Line2D([], [], marker="o", linestyle="", color=REGION_COLOUR, markersize=5),
                   Line2D([], [], color=NATIONAL_COLOUR, linestyle="--", linewidth=1.0)]
        _legend_below(figure, handles, [province_label, "Các tỉnh, thành phố cùng vùng", "Trung vị cả nước"],
                      ncol=3)
    return figure


def peer_regression_chart(
    frame: pd.DataFrame,
    province: str,
    names: dict[str, str],
    *,
    x_label: str,
    value_label: str,
    best_peer: str | None = None,
) -> Figure:
    """The indicator against one structural covariate, with seaborn's regression line and
    its 95 % confidence band (simple regression on that covariate alone, for reading the
    relation; the peer model itself adjusts for all its covariates).

    frame: index unit, columns x (the covariate as the model uses it, e.g. its log) and value.
    """
    rows = frame.dropna(subset=["x", "value"])
    with _style():
        figure, axes = _figure(3.6)
        sns.regplot(data=rows, x="x", y="value", ax=axes, ci=95, seed=BAND_SEED, truncate=True,
                    scatter_kws={"s": 14, "color": OTHER_COLOUR, "zorder": 2},
                    line_kws={"color": NATIONAL_COLOUR, "linewidth": 1.2})
        handles = [Line2D([], [], marker="o", linestyle="", color=OTHER_COLOUR, markersize=4),
                   Line2D([], [], color=NATIONAL_COLOUR, linewidth=1.2)]
        labels = ["Các tỉnh, thành phố", "Đường hồi quy (vùng tô: khoảng tin cậy 95%)"]
        for unit, colour, size, label in ((best_peer, REGION_COLOUR, 30, "Địa phương tương đồng tốt nhất"),
                                          (province, PROVINCE_COLOUR, 46, names.get(province, province))):
            if unit is None or unit not in rows.index:
                continue
            point = rows.loc[unit]
            axes.scatter([point["x"]], [point["value"]], s=size, color=colour, edgecolor="white", zorder=5)
            axes.annotate(names.get(unit, unit), (point["x"], point["value"]), xytext=(6, 4),
                          textcoords="offset points", color=colour, fontsize=8,
                          fontweight="bold" if unit == province else "normal")
            handles.append(Line2D([], [], marker="o", linestyle="", color=colour, markersize=6))
            labels.append(label)
        axes.set_xlabel(x_label)
        axes.set_ylabel(value_label)
        if np.isfinite(rows["value"].min()) and rows["value"].min() >= 0:
            axes.set_ylim(bottom=0)
        _legend_below(figure, handles, labels, ncol=2)
    return figure


def message_figure(text: str) -> Figure:
    """A small figure that says why there is no chart (a chapter's captioned figure must exist
    on every page, also when the data do not allow the chart)."""
    with _style():
        figure, axes = _figure(1.0)
        axes.set_axis_off()
        axes.text(0.5, 0.5, text, ha="center", va="center", fontsize=9, color=NATIONAL_COLOUR, wrap=True)
    return figure
