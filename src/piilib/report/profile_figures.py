"""The province profile's figure: its sub-pillar (or pillar) scores against the national and
the regional medians, one row per element, grouped by pillar.

Same conventions as `piilib.report.plots` (style, colours, PNG without a date): the province
in red, the national median in dark grey, the region in blue. Narrower than the page and with
larger type, so that it stays readable when a phone scales it down to the screen's width; in
the PDF it is scaled up to the text width. The caption is the book's (`{glue:figure}`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from piilib.report.plots import NATIONAL_COLOUR, PROVINCE_COLOUR, REGION_COLOUR, _figure, _legend_below, _style

# Inches: narrower than plots.PAGE_WIDTH, so on a 390-pixel phone screen the type is still
# about 10 pixels high; 18 rows stay under the PDF's cap on a figure's height (0.42 of the
# text block, _config.yml), so the PDF prints the type at its own size.
WIDTH = 4.4
ROW_HEIGHT = 0.17
FONT_SIZE = 9
SHADE = "#f3f3f3"


def _decimal(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")


def medians_chart(
    medians: pd.DataFrame,
    *,
    province_label: str,
    national_label: str,
    region_label: str,
    label_width: int = 28,
) -> Figure:
    """One row per element, top to bottom in the given order: the province's score (red dot,
    labelled), the national median (grey bar) and the region's median (blue diamond), joined
    by a thin line that shows the gap. Rows of one pillar share a shaded or a white band.

    medians: columns code, label (shown, cut to `label_width` characters), province,
    national_median, region (NaN: no other unit in the region; no diamond).
    """
    if medians.empty:
        raise ValueError("medians_chart needs at least one element")
    rows = len(medians)
    labels = [text if len(text) <= label_width else text[: label_width - 1].rstrip() + "…"
              for text in medians["label"].astype(str)]
    pillars = medians["code"].astype(str).str.split(".").str[0].to_numpy()
    with _style():
        figure, axes = _figure(ROW_HEIGHT * rows + 1.0, width=WIDTH)
        positions = np.arange(rows)[::-1]
        # Alternate bands per pillar, so the sub-pillars of one pillar read as a group.
        band, previous = 0, None
        for position, pillar in zip(positions, pillars):
            if previous is not None and pillar != previous:
                band += 1
            previous = pillar
            if band % 2 == 0:
                axes.axhspan(position - 0.5, position + 0.5, color=SHADE, zorder=0, linewidth=0)
        marks = medians[["province", "national_median", "region"]].astype(float)
        axes.hlines(positions, marks.min(axis=1), marks.max(axis=1), color="#bdbdbd", linewidth=1, zorder=1)
        axes.scatter(medians["national_median"], positions, marker="|", s=90, linewidths=2,
                     color=NATIONAL_COLOUR, zorder=3)
        axes.scatter(medians["region"], positions, marker="D", s=16, color=REGION_COLOUR, zorder=4)
        axes.scatter(medians["province"], positions, s=28, color=PROVINCE_COLOUR, zorder=5)
        for position, score, right in zip(positions, medians["province"], marks.max(axis=1)):
            axes.annotate(_decimal(float(score)), (right, position), xytext=(5, -3), textcoords="offset points",
                          fontsize=FONT_SIZE - 1, color=PROVINCE_COLOUR)
        axes.set_yticks(positions, labels, fontsize=FONT_SIZE)
        axes.tick_params(axis="x", labelsize=FONT_SIZE - 1)
        axes.set_ylim(-0.5, rows - 0.5)
        axes.set_xlim(0, max(100.0, float(np.nanmax(marks.to_numpy())) + 8))
        axes.set_xlabel("Điểm (0–100)", fontsize=FONT_SIZE)
        axes.grid(axis="y", visible=False)
        handles = [Line2D([], [], marker="o", linestyle="", color=PROVINCE_COLOUR, markersize=6),
                   Line2D([], [], marker="|", linestyle="", color=NATIONAL_COLOUR, markersize=10,
                          markeredgewidth=2.2),
                   Line2D([], [], marker="D", linestyle="", color=REGION_COLOUR, markersize=5)]
        _legend_below(figure, handles, [province_label, national_label, region_label], ncol=3)
    return figure
