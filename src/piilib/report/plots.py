"""Figures for the report pages: read at a glance, Vietnamese labels, sized for an A4 page.

Every function takes plain frames (the chapter's analyses in piilib.report prepare them) and returns a
matplotlib `Figure` built without pyplot, so nothing is shown or kept alive by accident; a
notebook shows it with `display(figure)`. Fonts are DejaVu Sans (all Vietnamese letters),
the width fits the text block of an A4 page, and nothing is random, so a figure drawn twice
from the same data is the same picture.

The province is always drawn in the same red (`PROVINCE_COLOUR`), the national median in
dark grey, the region in blue, so readers learn the colours once.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib import MatplotlibDeprecationWarning, rc_context
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator, ScalarFormatter

from piilib.report.markup import escape_markdown

# A4 text block (about 16 cm wide) in inches; heights keep a figure and its caption on a page.
PAGE_WIDTH = 6.3
# The PDF shrinks a figure taller than 0.42 of the text height (about 4.1 in; _config.yml,
# \spx@image@maxheight), labels and all: a taller chart (levers of 15 indicators was 5.8 in,
# its labels printed at 5 pt) is drawn at this height instead, its rows closer together.
MAX_HEIGHT = 4.0
DPI = 150
FONT = "DejaVu Sans"

PROVINCE_COLOUR = "#c0392b"
NATIONAL_COLOUR = "#4d4d4d"
REGION_COLOUR = "#1f6fb2"
OTHER_COLOUR = "#b3b3b3"
BAND_COLOUR = "#f2b8b0"
THRESHOLD_STYLES = (
    {"color": NATIONAL_COLOUR, "linestyle": "--"},
    {"color": NATIONAL_COLOUR, "linestyle": ":"},
    {"color": REGION_COLOUR, "linestyle": "-."},
    {"color": "#7f6000", "linestyle": (0, (5, 2, 1, 2))},
)

_STYLE = {
    "font.family": "sans-serif",
    "font.sans-serif": [FONT],
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.labelsize": 9,
    "legend.fontsize": 8,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#e6e6e6",
    "grid.linewidth": 0.6,
    "svg.hashsalt": "piilib",
    # Names are text: a "$" in a province or indicator name is not the start of a formula.
    "text.parse_math": False,
}


@contextmanager
def _style():
    with rc_context(_STYLE):
        yield


class ReportFigure(Figure):
    """A Figure that notebooks show as PNG through `display(figure)`, with no pyplot and no
    inline backend involved; the PNG carries no date, so the bytes are reproducible."""

    def _repr_png_(self) -> bytes:
        buffer = io.BytesIO()
        self.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
        return buffer.getvalue()


class VietnameseFormatter(ScalarFormatter):
    """Tick labels with a decimal comma and "." between thousands (0,025; 1.500)."""

    def __init__(self):
        super().__init__(useOffset=False, useMathText=False)
        self.set_scientific(False)

    def __call__(self, value, position=None):
        text = super().__call__(value, position)
        if "." not in text and abs(value) >= 10000:
            text = f"{value:,.0f}"
        return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def _figure(height: float, ncols: int = 1, width: float = PAGE_WIDTH, **subplot_kw):
    figure = ReportFigure(figsize=(width, min(height, MAX_HEIGHT)), dpi=DPI, layout="constrained")
    axes = figure.subplots(1, ncols, **subplot_kw)
    for single in np.atleast_1d(axes):
        single.xaxis.set_major_formatter(VietnameseFormatter())
        single.yaxis.set_major_formatter(VietnameseFormatter())
    return figure, axes


def _title(figure: Figure, text: str | None) -> None:
    """The title at the figure's left edge (an axes title would start after long tick labels).
    None: no title (a book figure glued with its caption carries the title there)."""
    if text:
        figure.suptitle(text, x=0.01, ha="left", fontsize=10)


def _legend_below(figure: Figure, handles, labels, ncol: int) -> None:
    figure.legend(handles, labels, loc="outside lower center", ncol=ncol, frameon=False)


# --------------------------------------------------------------------------- trend


def trend_chart(
    observed: pd.DataFrame,
    band: pd.DataFrame,
    thresholds: pd.DataFrame,
    *,
    province_label: str,
    value_label: str,
    title: str | None = None,
    coverage: float,
) -> Figure:
    """An indicator's history with its trend, the prediction interval and the thresholds.

    observed: columns year, value (the province's raw values). band: columns year, predicted,
    lower, upper (the trend and its prediction interval over the observed years and the next
    one; the last row is the prediction). thresholds: column year plus one column per
    threshold, named by its label (e.g. "Trung vị cả nước"). Legend below the plot.
    """
    with _style():
        figure, axes = _figure(3.4)
        handles, labels = [], []
        for style, label in zip(THRESHOLD_STYLES, [c for c in thresholds.columns if c != "year"]):
            (line,) = axes.plot(thresholds["year"], thresholds[label], linewidth=1.3, **style)
            handles.append(line)
            labels.append(label)
        if not band.empty:
            fill = axes.fill_between(band["year"], band["lower"], band["upper"], color=BAND_COLOUR,
                                     alpha=0.45, linewidth=0)
            (fit_line,) = axes.plot(band["year"], band["predicted"], color=PROVINCE_COLOUR,
                                    linewidth=1.0, linestyle="--")
            next_year = band.iloc[-1]
            axes.errorbar([next_year["year"]], [next_year["predicted"]],
                          yerr=[[next_year["predicted"] - next_year["lower"]],
                                [next_year["upper"] - next_year["predicted"]]],
                          fmt="o", markerfacecolor="white", color=PROVINCE_COLOUR, capsize=4, zorder=4)
            handles += [fit_line, fill]
            labels += ["Xu hướng và dự báo", f"Khoảng dự báo {round(coverage * 100)}%"]
        (points,) = axes.plot(observed["year"], observed["value"], color=PROVINCE_COLOUR, marker="o",
                              linewidth=2.0, zorder=5)
        handles.insert(0, points)
        labels.insert(0, province_label)
        axes.set_xlabel("Năm số liệu")
        axes.set_ylabel(value_label)
        _title(figure, title)
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        _legend_below(figure, handles, labels, ncol=3)
    return figure


# --------------------------------------------------------------------------- peers


def peer_chart(
    table: pd.DataFrame,
    province: str,
    names: dict[str, str],
    *,
    best_peer: str | None,
    value_label: str,
    title: str | None = None,
    coverage: float,
) -> Figure:
    """Actual value against the value expected from each province's structure.

    table: index unit, columns value, expected, lower, upper (a peer model's table). Points
    on the diagonal do as their structure predicts; above it (for a higher-is-better
    indicator) better. The province is red with its prediction interval; the best peer is
    named beside its point.
    """
    rows = table.dropna(subset=["value", "expected"])
    with _style():
        figure, axes = _figure(3.8)
        others = rows.drop(index=[u for u in (province, best_peer) if u in rows.index])
        axes.scatter(others["expected"], others["value"], s=14, color=OTHER_COLOUR, zorder=2)
        low = float(np.nanmin(rows[["value", "expected"]].to_numpy()))
        high = float(np.nanmax(rows[["value", "expected"]].to_numpy()))
        axes.plot([low, high], [low, high], color=NATIONAL_COLOUR, linewidth=0.8, linestyle="--", zorder=1)
        handles = [
            Line2D([], [], marker="o", linestyle="", color=OTHER_COLOUR, markersize=4),
            Line2D([], [], color=NATIONAL_COLOUR, linewidth=0.8, linestyle="--"),
        ]
        labels = ["Các tỉnh, thành phố khác", "Đúng bằng mức dự kiến"]
        if best_peer is not None and best_peer in rows.index:
            peer = rows.loc[best_peer]
            axes.scatter([peer["expected"]], [peer["value"]], s=30, color=REGION_COLOUR, zorder=4)
            axes.annotate(names.get(best_peer, best_peer), (peer["expected"], peer["value"]),
                          xytext=(6, 4), textcoords="offset points", color=REGION_COLOUR, fontsize=8)
            handles.append(Line2D([], [], marker="o", linestyle="", color=REGION_COLOUR, markersize=5))
            labels.append("Địa phương tương đồng tốt nhất")
        if province in rows.index:
            own = rows.loc[province]
            axes.vlines(own["expected"], own["lower"], own["upper"], color=PROVINCE_COLOUR, linewidth=4,
                        alpha=0.35, zorder=3)
            axes.scatter([own["expected"]], [own["value"]], s=46, color=PROVINCE_COLOUR, zorder=5,
                         edgecolor="white", linewidth=0.8)
            axes.annotate(names.get(province, province), (own["expected"], own["value"]),
                          xytext=(6, -10), textcoords="offset points", color=PROVINCE_COLOUR,
                          fontsize=8, fontweight="bold")
            handles += [Line2D([], [], marker="o", linestyle="", color=PROVINCE_COLOUR, markersize=6),
                        Line2D([], [], color=PROVINCE_COLOUR, linewidth=4, alpha=0.35)]
            labels += [names.get(province, province), f"Khoảng dự báo {round(coverage * 100)}%"]
        axes.set_xlabel(f"Mức dự kiến theo đặc điểm cơ cấu ({value_label})")
        axes.set_ylabel(f"Giá trị thực tế ({value_label})")
        _title(figure, title)
        _legend_below(figure, handles, labels, ncol=3)
    return figure


# --------------------------------------------------------------------------- profile


def profile_chart(
    profile: pd.DataFrame,
    *,
    province_label: str,
    national_label: str,
    region_label: str,
    title: str | None = None,
) -> Figure:
    """Pillar scores of the province (bars) against the national median and the region.

    profile: columns label (pillar, top to bottom in the given order), province,
    national_median, region (the region's median, the province excluded).
    """
    with _style():
        figure, axes = _figure(0.42 * len(profile) + 1.3)
        positions = np.arange(len(profile))[::-1]
        axes.barh(positions, profile["province"], height=0.55, color=PROVINCE_COLOUR, alpha=0.85, zorder=2)
        axes.scatter(profile["national_median"], positions, marker="|", s=260, linewidths=2.2,
                     color=NATIONAL_COLOUR, zorder=4)
        axes.scatter(profile["region"], positions, marker="D", s=28, color=REGION_COLOUR, zorder=5)
        # The score label sits right of every mark of its row, so no marker covers it.
        right_ends = profile[["province", "national_median", "region"]].max(axis=1)
        for position, score, right in zip(positions, profile["province"], right_ends):
            axes.annotate(f"{score:.1f}".replace(".", ","), (right, position), xytext=(6, -3),
                          textcoords="offset points", fontsize=7, color=PROVINCE_COLOUR)
        axes.set_yticks(positions, profile["label"])
        axes.set_xlim(0, max(100.0, float(np.nanmax(profile[["province", "national_median", "region"]]))))
        axes.set_xlabel("Điểm (0–100)")
        axes.grid(axis="y", visible=False)
        _title(figure, title)
        handles = [Patch(color=PROVINCE_COLOUR, alpha=0.85),
                   Line2D([], [], marker="|", linestyle="", color=NATIONAL_COLOUR, markersize=12, markeredgewidth=2.2),
                   Line2D([], [], marker="D", linestyle="", color=REGION_COLOUR, markersize=5)]
        _legend_below(figure, handles, [province_label, national_label, region_label], ncol=3)
    return figure


# --------------------------------------------------------------------------- trajectory


def trajectory_chart(trajectory: pd.DataFrame, *, title: str | None = None) -> Figure:
    """Score and rank over editions, side by side (rank axis inverted: up is better).

    trajectory: columns edition, score, rank, n_units, series (the label of each line, e.g.
    the map the ranks are on). Each point is labelled "rank/n".
    """
    with _style():
        figure, (score_axes, rank_axes) = _figure(2.9, ncols=2)
        handles, labels = [], []
        for position, (label, rows) in enumerate(trajectory.groupby("series", sort=False)):
            colour = PROVINCE_COLOUR if position == 0 else REGION_COLOUR
            style = "-" if position == 0 else "--"
            (line,) = score_axes.plot(rows["edition"], rows["score"], marker="o", color=colour, linestyle=style)
            rank_axes.plot(rows["edition"], rows["rank"], marker="o", color=colour, linestyle=style)
            for edition, rank, n_units in zip(rows["edition"], rows["rank"], rows["n_units"]):
                rank_axes.annotate(f"{int(rank)}/{int(n_units)}", (edition, rank), xytext=(5, 4),
                                   textcoords="offset points", fontsize=7, color=colour)
            handles.append(line)
            labels.append(label)
        editions = sorted(trajectory["edition"].unique())
        for axes in (score_axes, rank_axes):
            axes.set_xticks(editions, [str(e) for e in editions])
            axes.set_xlim(editions[0] - 0.4, editions[-1] + 0.6)
            axes.set_xlabel("Kỳ PII")
        score_axes.set_ylabel("Điểm PII")
        rank_axes.set_ylabel("Thứ hạng")
        # Rank 1 at the top, so a short move is not drawn as a fall off a cliff.
        rank_axes.set_ylim(float(trajectory["rank"].max()) + 1.5, 0.5)
        low, high = float(trajectory["score"].min()), float(trajectory["score"].max())
        score_axes.set_ylim(max(0.0, low - 5), min(100.0, high + 5))
        rank_axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        _title(figure, title)
        _legend_below(figure, handles, labels, ncol=max(1, len(labels)))
    return figure


# --------------------------------------------------------------------------- levers


def lever_chart(levers: pd.DataFrame, *, title: str | None = None, highlight: set[str] = frozenset()) -> Figure:
    """Gain in the PII from reaching the national median and the regional best, by indicator.

    levers: columns label, median_gain, region_best_gain, indicator (top to bottom in the
    given order). Labels of the indicators in `highlight` (e.g. the plan's) are bold.
    """
    with _style():
        figure, axes = _figure(0.3 * len(levers) + 1.3)
        positions = np.arange(len(levers))[::-1]
        axes.barh(positions + 0.18, levers["region_best_gain"], height=0.36, color=REGION_COLOUR, zorder=2)
        axes.barh(positions - 0.18, levers["median_gain"], height=0.36, color=NATIONAL_COLOUR, zorder=2)
        axes.set_yticks(positions, levers["label"])
        for tick, code in zip(axes.get_yticklabels(), levers["indicator"]):
            if code in highlight:
                tick.set_fontweight("bold")
        axes.set_xlabel("Điểm PII tăng thêm")
        axes.grid(axis="y", visible=False)
        _title(figure, title)
        handles = [Patch(color=REGION_COLOUR), Patch(color=NATIONAL_COLOUR)]
        _legend_below(figure, handles, ["Đạt mức tốt nhất vùng", "Đạt trung vị cả nước"], ncol=2)
    return figure


# --------------------------------------------------------------------------- robustness


def rank_distribution_chart(ranks: pd.Series, *, current_rank: int, interval: tuple[float, float],
                            title: str | None = None) -> Figure:
    """How often each overall rank occurs under methodological uncertainty.

    ranks: rank -> share of replications (0–1). The current rank and the 5–95 % interval are
    marked.
    """
    with _style():
        figure, axes = _figure(2.6)
        colours = [PROVINCE_COLOUR if int(rank) == int(current_rank) else OTHER_COLOUR for rank in ranks.index]
        axes.bar(ranks.index.astype(int), ranks.to_numpy() * 100, color=colours, zorder=2)
        axes.axvspan(interval[0] - 0.5, interval[1] + 0.5, color=BAND_COLOUR, alpha=0.3, zorder=1)
        axes.set_xlabel("Thứ hạng PII")
        axes.set_ylabel("Tỷ lệ số lần mô phỏng (%)")
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        _title(figure, title)
        handles = [Patch(color=PROVINCE_COLOUR), Patch(color=BAND_COLOUR, alpha=0.3)]
        _legend_below(figure, handles, ["Thứ hạng theo phương pháp chính thức", "Khoảng 5–95%"], ncol=2)
    return figure


def outlook_rank_chart(distribution: pd.DataFrame, *, labels: dict[str, str], top: int, base_rank: int,
                       base_label: str, title: str | None = None) -> Figure:
    """The simulated rank in the next edition under two scenarios, side by side.

    distribution: index rank 1..n, one column per scenario (share of draws, 0–1), drawn in
    column order (first grey, second red); labels: column -> legend label. The top-`top`
    zone is shaded; `base_rank` (the base edition's rank on the same map) is a dashed line.
    """
    with _style():
        figure, axes = _figure(2.8)
        ranks = distribution.index.astype(int).to_numpy()
        columns = list(distribution.columns)
        width = 0.8 / max(1, len(columns))
        colours = [OTHER_COLOUR, PROVINCE_COLOUR, REGION_COLOUR]
        handles = []
        for position, column in enumerate(columns):
            offset = (position - (len(columns) - 1) / 2) * width
            handles.append(axes.bar(ranks + offset, distribution[column].to_numpy() * 100, width=width,
                                    color=colours[position % len(colours)], zorder=2))
        axes.axvspan(0.5, top + 0.5, color=BAND_COLOUR, alpha=0.25, zorder=1)
        axes.axvline(base_rank, color=NATIONAL_COLOUR, linestyle="--", linewidth=1, zorder=3)
        shown = distribution[(distribution > 0.001).any(axis=1)].index.astype(int)
        axes.set_xlim(max(0.5, shown.min() - 1.5), shown.max() + 1.5)
        axes.set_xlabel(f"Thứ hạng PII trên {len(ranks)} tỉnh, thành phố")
        axes.set_ylabel("Tỷ lệ số lần mô phỏng (%)")
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        _title(figure, title)
        legend_handles = [*handles, Patch(color=BAND_COLOUR, alpha=0.25),
                          Line2D([0], [0], color=NATIONAL_COLOUR, linestyle="--")]
        legend_labels = [labels.get(c, c) for c in columns] + [f"Top {top}", base_label]
        _legend_below(figure, legend_handles, legend_labels, ncol=2)
    return figure


# --------------------------------------------------------------------------- scorecards (seaborn)


def pillar_rank_heatmap(ranks: pd.DataFrame, *, n_units: int, title: str | None = None) -> Figure:
    """The province's rank on each pillar (rows) in each edition (columns), as a scorecard.

    ranks: index pillar label, one column per edition, values ranks (1 is best). Cells are
    annotated with the rank; darker green is a better rank, on a scale from 1 to `n_units`.
    """
    import seaborn as sns

    frame = ranks.astype(float)
    frame.columns = [str(column) for column in frame.columns]
    with _style():
        figure, axes = _figure(0.36 * len(frame) + 1.2, width=PAGE_WIDTH)
        sns.heatmap(frame, ax=axes, annot=True, fmt=".0f", cmap="YlGn_r", vmin=1, vmax=n_units,
                    linewidths=0.8, linecolor="white", cbar_kws={"label": f"Thứ hạng (1–{n_units})"},
                    annot_kws={"fontsize": 8})
        axes.set_xlabel("Kỳ PII")
        axes.set_ylabel("")
        axes.tick_params(axis="y", rotation=0)
        axes.grid(False)
        _title(figure, title)
    return figure


def pillar_distribution_chart(scores: pd.DataFrame, province: str, region: str, *,
                              province_label: str, region_label: str, title: str | None = None) -> Figure:
    """Every province's pillar scores, one row per pillar: the nation as grey dots (a box for
    the middle half), the region's other units in blue, the province as a red diamond.

    scores: long frame with columns unit, region, label (pillar, in display order), score.
    """
    import seaborn as sns

    order = list(dict.fromkeys(scores["label"]))
    others = scores[(scores["unit"] != province)]
    in_region = others[others["region"] == region]
    own = scores[scores["unit"] == province]
    with _style():
        figure, axes = _figure(0.42 * len(order) + 1.4)
        with warnings.catch_warnings():
            # seaborn 0.13 passes matplotlib 3.11 the deprecated `vert`; nothing for readers to act on.
            warnings.simplefilter("ignore", MatplotlibDeprecationWarning)
            sns.boxplot(data=scores, x="score", y="label", order=order, ax=axes, color="white", width=0.55,
                        fliersize=0, linewidth=0.8, whis=(0, 100), boxprops={"edgecolor": NATIONAL_COLOUR},
                        medianprops={"color": NATIONAL_COLOUR, "linewidth": 1.6},
                        whiskerprops={"color": OTHER_COLOUR}, capprops={"color": OTHER_COLOUR})
        # Points spread across the row by a fixed low-discrepancy sequence, not random jitter:
        # the same data give the same picture.
        position = {label: index for index, label in enumerate(order)}

        def dots(frame, **style):
            spread = ((np.arange(len(frame)) * 0.618034) % 1 - 0.5) * 0.36
            axes.scatter(frame["score"], frame["label"].map(position).to_numpy() + spread, **style)

        dots(others[others["region"] != region], s=7, color=OTHER_COLOUR, zorder=3)
        dots(in_region, s=12, color=REGION_COLOUR, zorder=4)
        axes.scatter(own["score"], own["label"].map(position), s=46, marker="D", color=PROVINCE_COLOUR,
                     edgecolor="white", linewidth=0.6, zorder=5)
        axes.set_yticks(range(len(order)), order)
        axes.set_ylim(len(order) - 0.5, -0.5)
        axes.set_xlim(0, 100)
        axes.set_xlabel("Điểm (0–100)")
        axes.set_ylabel("")
        axes.grid(axis="y", visible=False)
        _title(figure, title)
        handles = [Line2D([], [], marker="D", linestyle="", color=PROVINCE_COLOUR, markersize=6),
                   Line2D([], [], marker="o", linestyle="", color=REGION_COLOUR, markersize=4),
                   Line2D([], [], marker="o", linestyle="", color=OTHER_COLOUR, markersize=3),
                   Patch(facecolor="white", edgecolor=NATIONAL_COLOUR)]
        _legend_below(figure, handles, [province_label, region_label, "Các tỉnh, thành phố khác",
                                        "Nửa giữa cả nước và trung vị"], ncol=2)
    return figure


def figure_markdown(figure: Figure, directory: Path) -> str:
    """Save `figure` as PNG in `directory` and return the MyST figure directive that shows it,
    numbered ("Hình 2.1") with its title as the caption.

    The title leaves the image so that it is not printed twice. The file is named by the
    PNG's hash: chapters never collide, and a rerun on the same data writes the same name.
    """
    title = figure.get_suptitle()
    if title:
        figure._suptitle.set_visible(False)  # matplotlib has no public setter for this
    png = figure._repr_png_()
    name = f"hinh-{hashlib.sha256(png).hexdigest()[:16]}.png"
    (Path(directory) / name).write_bytes(png)
    # The caption is Markdown: names in the title are shown literally.
    return f"```{{figure}} {name}\n:width: 100%\n\n{escape_markdown(title)}\n```"


def show_figure(figure: Figure | None) -> None:
    """Display a report figure in a chapter as a numbered, captioned figure (see
    `figure_markdown`; the PNG goes to the working directory, which the build publishes beside
    the page); nothing when the chapter has none (None would print as the text "None")."""
    if figure is not None:
        from IPython.display import Markdown, display

        display(Markdown(figure_markdown(figure, Path.cwd())))
