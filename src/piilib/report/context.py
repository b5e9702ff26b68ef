"""Everything a report chapter shows, computed in one call per chapter.

Notebooks narrate; this module computes. Each chapter has one function returning a small
frozen dataclass of frames (already laid out as the tables the page shows, Vietnamese
headers), figures and sentences (Vietnamese, numbers formatted):

    overview_context(edition, province, data_path)
    indicator_context(edition, province, data_path, indicator)
    agencies_context(edition, province, data_path, out_dir=".")
    levers_context(edition, province, data_path)
    methodology_context(edition, province, data_path)

Parameters arrive as strings (papermill -r); editions are converted here.

Data: `data_path` is anything `piilib.bundle.load_bundle` reads (a directory laid out like
data/demo, a CSV file in the long layout, or an official values file whose history and
covariates come from data/demo). The bundle gives each edition's values, history and
covariates on the edition's map (harmonised after the merger); the report says so wherever it
shows harmonised figures, and every chapter opens with the notice when the data it uses are
illustrative (`_data_note`).

Bundles are cached per path and file times; computing the index, the targets and the outlook
are cached per bundle (`functools.lru_cache`), so a chapter computes each edition's index once
however many of its parts use it.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from piilib import schema
from piilib.analysis import targets as targets_module
from piilib.analysis.levers import lever_table, top_code
from piilib.analysis.peers import fit_peer_model
from piilib.analysis.trend import (
    DEFAULT_COVERAGE,
    NATIONAL_MEDIAN,
    REGION_LEADER,
    SLOPE_CI_COVERAGE,
    analyse_thresholds,
    rank_threshold_name,
)
from piilib.bundle import (
    COVARIATES_KIND,
    HISTORY_KIND,
    OFFICIAL_FILE,
    OTHER_KIND,
    VALUES_KIND,
    DataBundle,
    load_bundle,
)
from piilib.framework import indicators as framework_indicators
from piilib.framework import load_framework
from piilib.pii import compute_pii, scores_table, to_idata
from piilib.plan import load_plan
from piilib.reference import trusted_facts
from piilib.report import plots
from piilib.report.notice import NOTICE_TEXT
from piilib.report.tables import markdown_table
from piilib.report.text import (
    bullet_list,
    comparison_phrase,
    direction_phrase,
    integer,
    join_phrases,
    number,
    percent,
    rank_change_phrase,
    rank_fraction,
    rank_phrase,
    signed,
    with_unit,
)
from piilib.paths import REPO_ROOT, project_path
from piilib.report import shared
from piilib.units import era, load_units

COVERAGE = DEFAULT_COVERAGE
TOP = targets_module.DEFAULT_TOP
FILE_KIND_LABELS = {
    VALUES_KIND: "Giá trị chỉ số theo kỳ PII",
    HISTORY_KIND: "Chuỗi số liệu theo năm (xu hướng)",
    COVARIATES_KIND: "Biến cơ cấu (mô hình so sánh)",
    OTHER_KIND: "Tệp khác (không dùng để tính)",
}
PART_LABELS = {
    VALUES_KIND: "giá trị các chỉ số",
    HISTORY_KIND: "chuỗi số liệu theo năm",
    COVARIATES_KIND: "biến cơ cấu",
}
PROVENANCE_LABELS = {
    schema.OFFICIAL: "chính thức",
    schema.PUBLISHED: "đã công bố",
    schema.ILLUSTRATIVE: "minh họa",
}
ILLUSTRATIVE_SENTENCE = (
    f"**{NOTICE_TEXT}.** Các con số trong chương này được tính trên bộ dữ liệu minh họa đi kèm "
    "phần mềm (dựng sao cho khớp với các kết quả đã công bố), chỉ dùng để trình bày phương pháp; "
    "không trích dẫn chúng như kết quả PII."
)


# --------------------------------------------------------------------------- editions


@dataclass(frozen=True)
class EditionResult:
    """One edition's index, computed on the map of `map_edition`.

    harmonised: the edition's values were re-expressed on that map (an earlier edition of a
    report from 2025 on). values: the long frame used (edition column = `edition`).
    """

    edition: int
    map_edition: int
    harmonised: bool
    values: pd.DataFrame
    result: object
    idata: pd.DataFrame
    scores: pd.DataFrame
    units: pd.DataFrame

    @property
    def index_code(self) -> str:
        return top_code(self.result.imeta)


def edition_result(bundle: DataBundle, edition, map_edition=None) -> EditionResult:
    """The index of `edition` on the map of `map_edition` (default: its own), cached."""
    edition = int(edition)
    map_edition = edition if map_edition is None else int(map_edition)
    # Computed once per build for every chapter (piilib.report.shared), when available.
    return (shared.shared_edition_result(bundle, edition, map_edition)
            or _edition_result(bundle, edition, map_edition))


@functools.lru_cache(maxsize=8)
def _edition_result(bundle: DataBundle, edition: int, map_edition: int) -> EditionResult:
    values, harmonised = bundle.values_on_map(edition, map_edition)
    # Computed on the map edition's units with the framework of the data's own edition.
    framework = load_framework(edition)
    on_map = values.assign(**{schema.EDITION: map_edition})
    result = compute_pii(on_map, map_edition, framework)
    idata = to_idata(on_map, map_edition, framework)
    units = load_units(map_edition)
    scores = scores_table(result, on_map, units).assign(**{schema.EDITION: edition})
    return EditionResult(edition, map_edition, harmonised, values, result, idata, scores, units)


def _same_map(edition: int, other: int) -> bool:
    return era(edition) == era(other)


def _merged_edition(edition: int) -> bool:
    return era(edition) == era(schema.FIRST_MERGED_EDITION)


def _data_note(bundle: DataBundle, edition: int) -> str:
    """The notice sentence of a chapter: which data are illustrative (empty when none)."""
    parts = bundle.parts(edition)
    illustrative = [part for part, provenances in parts.items() if schema.ILLUSTRATIVE in provenances]
    if not illustrative:
        return ""
    if VALUES_KIND in illustrative:
        return ILLUSTRATIVE_SENTENCE
    return (f"**{NOTICE_TEXT}.** Giá trị các chỉ số của kỳ PII {edition} không phải số liệu minh họa, nhưng "
            f"{join_phrases(PART_LABELS[p] for p in illustrative)} là số liệu minh họa đi kèm phần mềm; "
            "xu hướng, dự báo, mô hình so sánh, mục tiêu khuyến nghị và triển vọng dựa trên chúng chỉ dùng "
            "để trình bày phương pháp, không trích dẫn như kết quả.")


# --------------------------------------------------------------------------- common facts


def _unit_row(units: pd.DataFrame, province: str) -> pd.Series:
    table = units.set_index(schema.UNIT)
    if province not in table.index:
        raise ValueError(f"province {province!r} is not a unit of this edition's map "
                         f"({len(table)} units); check the spelling of the key")
    return table.loc[province]


def _map_label(edition: int) -> str:
    return f"{len(load_units(edition))} tỉnh, thành phố"


def _element(scores: pd.DataFrame, province: str, code: str) -> pd.Series:
    rows = scores[(scores[schema.UNIT] == province) & (scores["element"] == code)]
    if rows.empty:
        raise ValueError(f"no score for {province!r}, element {code!r}")
    return rows.iloc[0]


def _sub_index_codes(scores: pd.DataFrame) -> list[str]:
    """Sub-index codes in framework order (the framework lists the input sub-index first)."""
    return list(dict.fromkeys(scores.loc[scores["kind"] == "sub_index", "element"]))


def _region_rank(scores: pd.DataFrame, province: str, code: str, region: str) -> tuple[int, int]:
    rows = scores[(scores["element"] == code) & (scores["region"] == region)]
    better = (rows["score"] > float(rows.loc[rows[schema.UNIT] == province, "score"].iloc[0])).sum()
    return int(better) + 1, len(rows)


# --------------------------------------------------------------------------- overview


@dataclass(frozen=True)
class OverviewContext:
    edition: int
    province: str
    province_name: str
    region_name: str
    data_note: str
    headline: str
    published: pd.DataFrame
    published_note: str
    sub_indices: pd.DataFrame
    efficiency_sentence: str
    profile: pd.DataFrame
    profile_sentence: str
    profile_figure: object
    trajectory: pd.DataFrame
    trajectory_sentence: str
    trajectory_figure: object
    goals_intro: str
    goals: pd.DataFrame
    outlook_sentence: str
    plan_indicators: str
    data_coverage: pd.DataFrame


def overview_context(edition, province: str, data_path) -> OverviewContext:
    """The overview chapter: result and rank, published facts, input/output/efficiency,
    pillar profile, trajectory over editions, the plan's goals and their outlook."""
    edition = int(edition)
    bundle = load_bundle(project_path(data_path), edition)
    current = edition_result(bundle, edition)
    scores = current.scores
    unit = _unit_row(current.units, province)
    name, region, region_name = str(unit["name_vi"]), str(unit["region"]), str(unit["region_name_vi"])
    index_code = current.index_code
    own = _element(scores, province, index_code)
    region_rank, region_size = _region_rank(scores, province, index_code, region)
    headline = (
        f"Theo tính toán trên bộ dữ liệu này, PII {edition} của {name} đạt "
        f"**{number(own['score'], 2)} điểm**, xếp **{rank_phrase(own['rank'], own['n_units'])}** "
        f"cả nước và {rank_phrase(region_rank, region_size)} trong vùng {region_name}."
    )
    published, published_note = _published_comparison(current, province, name)
    sub_indices, efficiency_sentence = _sub_index_table(current, province, name)
    profile, profile_sentence, profile_figure = _profile(current, province, name, region, region_name)
    series, trajectory, trajectory_sentence, trajectory_figure = _trajectory(bundle, edition, province, name)
    goals_intro, goals = _goals(bundle, edition, province, series)
    plan = load_plan()
    plan_rows = scores[(scores[schema.UNIT] == province) & scores["element"].isin(plan.indicators["code"])]
    plan_rows = plan_rows.set_index("element")
    blocks = []
    for group in plan.groups.itertuples():
        rows = plan.indicators[plan.indicators["group"] == group.key]
        frame = pd.DataFrame({
            "Mã": rows["code"],
            "Chỉ số": rows["name_vi"],
            f"Thứ hạng {edition}": [rank_fraction(plan_rows.at[c, "rank"], plan_rows.at[c, "n_units"])
                                    if c in plan_rows.index else "–" for c in rows["code"]],
            "Cơ quan chủ trì": rows["lead_agency_key"].map(plan.agency_name),
        })
        blocks.append(f"**{group.label_vi}** ({group.section} của kế hoạch, {len(rows)} chỉ số)\n\n"
                      + markdown_table(frame))
    plan_indicators = "\n\n".join(blocks)
    return OverviewContext(
        edition=edition, province=province, province_name=name, region_name=region_name,
        data_note=_data_note(bundle, edition), headline=headline,
        published=published, published_note=published_note,
        sub_indices=sub_indices, efficiency_sentence=efficiency_sentence,
        profile=profile, profile_sentence=profile_sentence, profile_figure=profile_figure,
        trajectory=trajectory, trajectory_sentence=trajectory_sentence, trajectory_figure=trajectory_figure,
        goals_intro=goals_intro, goals=goals, outlook_sentence=_outlook_sentence(bundle, edition, province, name),
        plan_indicators=plan_indicators, data_coverage=_coverage(current, province),
    )


def _coverage(current: EditionResult, province: str) -> pd.DataFrame:
    own = current.values[current.values[schema.UNIT] == province]
    counts = own[schema.PROVENANCE].astype(str).value_counts()
    return pd.DataFrame({
        "Nguồn gốc số liệu": [PROVENANCE_LABELS.get(p, p) for p in counts.index],
        "Số chỉ số": counts.to_numpy(),
    })


def _published_comparison(current: EditionResult, province: str, name: str) -> tuple[pd.DataFrame, str]:
    facts = trusted_facts()
    facts = facts[(facts[schema.EDITION] == current.edition) & (facts[schema.UNIT] == province)]
    scores = current.scores
    index_row = _element(scores, province, current.index_code)
    sub_codes = _sub_index_codes(scores)
    rows = [("Thứ hạng PII", integer(index_row["rank"]), "rank", None),
            ("Điểm PII", number(index_row["score"], 2), "score", 2)]
    for code, column in zip(sub_codes, ("input_score", "output_score")):
        element = _element(scores, province, code)
        rows.append((f"Điểm {str(element['element_name']).lower()}", number(element["score"], 2), column, 2))
    table = pd.DataFrame({
        "Chỉ tiêu": [label for label, *_ in rows],
        "Tính toán trên bộ dữ liệu": [value for _, value, *_ in rows],
        "Đã công bố": [
            ("–" if facts.empty or pd.isna(facts[column].iloc[0])
             else (integer(facts[column].iloc[0]) if decimals is None else number(facts[column].iloc[0], decimals)))
            for _, _, column, decimals in rows
        ],
    })
    if facts.empty:
        note = (f"Chưa có kết quả PII {current.edition} nào của {name} được công bố mà dự án tin cậy được "
                "(dữ liệu tham chiếu: data/reference).")
    else:
        sources = join_phrases(sorted(set(facts["source_url"].dropna().astype(str))))
        note = (f"Cột “Đã công bố” lấy từ các nguồn báo chí đã được đối chiếu (dữ liệu tham chiếu của dự án); "
                f"ô trống (–) là con số chưa được công bố hoặc không đáng tin. Nguồn: {sources}")
    return table, note


def _sub_index_table(current: EditionResult, province: str, name: str) -> tuple[pd.DataFrame, str]:
    scores = current.scores
    codes = _sub_index_codes(scores)
    wide = scores[scores["element"].isin(codes)].pivot(index=schema.UNIT, columns="element", values="score")
    input_code, output_code = codes[0], codes[-1]
    efficiency = wide[output_code] / wide[input_code]
    efficiency_rank = efficiency.rank(ascending=False, method="min")
    n_units = len(wide)
    rows = []
    for code in codes:
        element = _element(scores, province, code)
        rows.append({"Nhóm": element["element_name"], "Điểm": number(element["score"], 2),
                     "Thứ hạng": rank_fraction(element["rank"], n_units),
                     "Trung vị cả nước": number(wide[code].median(), 2)})
    rows.append({"Nhóm": "Hiệu quả (điểm đầu ra / điểm đầu vào)", "Điểm": number(efficiency[province], 2),
                 "Thứ hạng": rank_fraction(efficiency_rank[province], n_units),
                 "Trung vị cả nước": number(efficiency.median(), 2)})
    ratio = float(efficiency[province])
    sentence = (
        f"Hiệu quả đổi mới sáng tạo (tỷ số điểm đầu ra trên điểm đầu vào) của {name} là "
        f"{number(ratio, 2)}: mỗi điểm đầu vào tương ứng {number(ratio, 2)} điểm đầu ra, "
        f"{comparison_phrase(ratio, efficiency.median(), 1, 2)} so với trung vị cả nước "
        f"({number(efficiency.median(), 2)}), xếp {rank_phrase(efficiency_rank[province], n_units)}."
    )
    return pd.DataFrame(rows), sentence


def _profile(current: EditionResult, province: str, name: str, region: str, region_name: str):
    scores = current.scores
    pillars = scores[scores["kind"] == "pillar"]
    rows = []
    for code, group in pillars.groupby("element", sort=False):
        own = group[group[schema.UNIT] == province].iloc[0]
        peers = group[(group["region"] == region) & (group[schema.UNIT] != province)]
        best = peers.sort_values(["score", schema.UNIT], ascending=[False, True]).iloc[0]
        rows.append({
            "code": code, "label": f"{code}. {own['element_name']}", "province": float(own["score"]),
            "rank": int(own["rank"]), "national_median": float(group["score"].median()),
            "region": float(peers["score"].median()), "region_best": float(best["score"]),
            "region_best_name": str(best["name"]),
        })
    profile = pd.DataFrame(rows)
    n_units = int(scores["n_units"].iloc[0])
    table = pd.DataFrame({
        "Trụ cột": profile["label"],
        f"Điểm {name}": [number(v, 1) for v in profile["province"]],
        "Thứ hạng": [rank_fraction(r, n_units) for r in profile["rank"]],
        "Trung vị cả nước": [number(v, 1) for v in profile["national_median"]],
        "Trung vị vùng": [number(v, 1) for v in profile["region"]],
        "Tốt nhất vùng": [f"{number(v, 1)} ({n})" for v, n in zip(profile["region_best"], profile["region_best_name"])],
    })
    strongest = profile.loc[profile["rank"].idxmin()]
    weakest = profile.loc[profile["rank"].idxmax()]
    above = int((profile["province"] > profile["national_median"]).sum())
    sentence = (
        f"{name} cao hơn trung vị cả nước ở {above}/{len(profile)} trụ cột. Trụ cột mạnh nhất là "
        f"“{strongest['label']}” ({rank_phrase(strongest['rank'], n_units)}); yếu nhất là "
        f"“{weakest['label']}” ({rank_phrase(weakest['rank'], n_units)}, "
        f"{comparison_phrase(weakest['province'], weakest['national_median'], 1, 1, 'điểm')} so với trung vị cả nước)."
    )
    figure = plots.profile_chart(
        profile, province_label=name, national_label="Trung vị cả nước",
        region_label=f"Trung vị vùng {region_name}",
        title=f"Điểm các trụ cột PII {current.edition}",
    )
    return table, sentence, figure


def _trajectory(bundle, edition: int, province: str, name: str):
    """Score and rank over editions on the edition's map (harmonised where needed) and, for an
    edition after the merger, the former province on the old map."""
    rows = []
    merged = _merged_edition(edition)
    for other in bundle.editions(edition):
        computed = edition_result(bundle, other, edition)
        if province not in set(computed.scores[schema.UNIT]):
            continue
        own = _element(computed.scores, province, computed.index_code)
        label = (f"{name} trên địa giới hiện nay ({_map_label(edition)}; các kỳ trước: số liệu hài hòa)"
                 if merged else f"{name} ({_map_label(edition)})")
        rows.append({"edition": other, "score": float(own["score"]), "rank": int(own["rank"]),
                     "n_units": int(own["n_units"]), "series": label, "harmonised": computed.harmonised})
    if merged:
        for other in bundle.editions(edition):
            if _same_map(other, edition):
                continue
            computed = edition_result(bundle, other)
            if province not in set(computed.scores[schema.UNIT]):
                continue
            own = _element(computed.scores, province, computed.index_code)
            rows.append({"edition": other, "score": float(own["score"]), "rank": int(own["rank"]),
                         "n_units": int(own["n_units"]),
                         "series": f"{name} trước sáp nhập ({_map_label(other)})", "harmonised": False})
    trajectory = pd.DataFrame(rows)
    table = pd.DataFrame({
        "Kỳ PII": trajectory["edition"].astype(str),
        "Chuỗi": trajectory["series"],
        "Điểm PII": [number(v, 2) for v in trajectory["score"]],
        "Thứ hạng": [rank_fraction(r, n) for r, n in zip(trajectory["rank"], trajectory["n_units"])],
    })
    main = trajectory[trajectory["series"] == trajectory["series"].iloc[0]]
    sentence = ""
    if len(main) >= 2:
        first, last = main.iloc[0], main.iloc[-1]
        sentence = (
            f"Từ kỳ PII {int(first['edition'])} đến kỳ {int(last['edition'])}, điểm PII của {name} "
            f"thay đổi {signed(last['score'] - first['score'], 2)} điểm và thứ hạng "
            f"{rank_change_phrase(first['rank'], last['rank'])} (trên cùng {_map_label(edition)})."
        )
    if merged:
        sentence += (
            f" Từ kỳ {schema.FIRST_MERGED_EDITION}, {name} bao gồm cả các tỉnh đã hợp nhất; để so sánh trên "
            "cùng địa giới, số liệu các kỳ trước được hài hòa (cộng tử số và mẫu số, hoặc bình quân gia "
            "quyền, theo quy tắc của từng chỉ số) rồi tính lại chỉ số trên bản đồ mới."
        )
    figure = plots.trajectory_chart(trajectory, title=f"Điểm và thứ hạng PII của {name} qua các kỳ")
    return trajectory, table, sentence.strip(), figure


def _goals(bundle, edition: int, province: str, trajectory: pd.DataFrame) -> tuple[str, pd.DataFrame]:
    plan = load_plan()
    current = edition_result(bundle, edition)
    scores = current.scores
    index_row = _element(scores, province, current.index_code)
    rank, n_units = int(index_row["rank"]), int(index_row["n_units"])
    main_series = trajectory["series"].iloc[0]
    on_map = trajectory[trajectory["series"] == main_series].set_index("edition")
    outlook = _goal_probabilities(bundle, edition, province)
    rows = []
    for goal in plan.goals.itertuples():
        kind = goal.target_kind
        result, verdict, probability = "–", "Định tính", ("–", "–")
        if kind == "rank_not_worse_than_edition":
            base = int(goal.target_edition)
            if base == edition:
                result, verdict = rank_fraction(rank, n_units), "Mốc so sánh"
            elif base in on_map.index:
                base_rank = int(on_map.at[base, "rank"])
                result = f"{rank_fraction(rank, n_units)} (kỳ {base}: {base_rank})"
                verdict = "Đạt" if rank <= base_rank else "Chưa đạt"
            probability = outlook.get(("not_worse", None), probability)
        elif kind == "rank_at_most" and goal.target_scope == "national":
            result = rank_fraction(rank, n_units)
            verdict = "Đạt" if rank <= int(goal.target_value) else "Chưa đạt"
            probability = outlook.get(("national", int(goal.target_value)), probability)
        elif kind == "rank_at_most" and goal.target_scope == "region":
            region_rank, region_size = _region_rank(scores, province, current.index_code, goal.target_region)
            result = f"{rank_fraction(region_rank, region_size)} trong vùng"
            verdict = "Đạt" if region_rank <= int(goal.target_value) else "Chưa đạt"
            probability = outlook.get(("region", int(goal.target_value)), probability)
        rows.append({"Mục tiêu": goal.text_vi.rstrip(";. "), f"Kỳ {edition}": result,
                     "Đánh giá": verdict, f"Xác suất kỳ {edition + 1}: theo xu hướng": probability[0],
                     f"Xác suất kỳ {edition + 1}: nếu đạt mục tiêu": probability[1]})
    intro = (f"{plan.document['title_vi']} ({plan.document['number']}, {plan.document['issuer_vi']}) "
             f"đặt các mục tiêu dưới đây; cột “Đánh giá” so kết quả kỳ PII {edition} với từng mục tiêu, hai cột "
             f"cuối là xác suất đạt mục tiêu ở kỳ {edition + 1} (xem đoạn dưới bảng).")
    goals = pd.DataFrame(rows)
    if not outlook:
        goals = goals.drop(columns=[c for c in goals.columns if c.startswith("Xác suất")])
    return intro, goals


OUTLOOK_DRAWS = 2000
OUTLOOK_SEED = 88
ROBUSTNESS_REPLICATIONS = 1000
ROBUSTNESS_SEED = 88


def _national_goal_rank(plan) -> int:
    """The rank the plan's national goal asks for (default TOP)."""
    goals = plan.goals[(plan.goals["target_kind"] == "rank_at_most") & (plan.goals["target_scope"] == "national")]
    return int(goals["target_value"].iloc[0]) if not goals.empty else TOP


def province_outlook(bundle: DataBundle, edition, province: str):
    """`piilib.analysis.outlook.bundle_outlook` for the next edition, with the recommended
    targets as the second scenario (seeded, OUTLOOK_DRAWS draws), cached; None without a history."""
    from_build = shared.build_results_for(bundle, edition, province)
    if from_build is not None:
        return from_build.outlook
    return _cached_outlook(bundle, int(edition), province)


@functools.lru_cache(maxsize=2)
def _cached_outlook(bundle: DataBundle, edition: int, province: str):
    from piilib.analysis.outlook import bundle_outlook, recommended_target_values

    if bundle.history_on_map(edition).empty:
        return None
    table = _indicator_targets(bundle, edition, province, None)
    return bundle_outlook(bundle, edition, province, draws=OUTLOOK_DRAWS, seed=OUTLOOK_SEED,
                          targets=recommended_target_values(table), top=_national_goal_rank(load_plan()))


def _goal_probabilities(bundle, edition: int, province: str) -> dict:
    """Outlook probabilities (both scenarios, formatted) by goal kind; empty without an outlook."""
    from piilib.analysis.outlook import TARGETS_MET, TREND

    result = province_outlook(bundle, edition, province)
    if result is None:
        return {}

    def both(trend: float, targets: float) -> tuple[str, str]:
        return percent(trend), percent(targets)

    distribution = result.rank_distribution.cumsum()
    return {
        ("not_worse", None): both(distribution.at[result.base_rank, TREND],
                                  distribution.at[result.base_rank, TARGETS_MET]),
        ("national", result.top): both(result.probability(TREND, "top"), result.probability(TARGETS_MET, "top")),
        ("region", 1): both(result.probability(TREND, "region"), result.probability(TARGETS_MET, "region")),
    }


def _outlook_sentence(bundle, edition: int, province: str, name: str) -> str:
    from piilib.analysis.outlook import TARGETS_MET, TREND

    result = province_outlook(bundle, edition, province)
    if result is None:
        return (f"Bộ dữ liệu không có chuỗi số liệu theo năm, nên chưa ước lượng được triển vọng kỳ "
                f"{edition + 1}.")
    summary = result.summary.set_index("scenario")
    trend, met = summary.loc[TREND], summary.loc[TARGETS_MET]
    return (
        f"Triển vọng kỳ PII {edition + 1} được ước lượng bằng {integer(result.draws)} lần mô phỏng: mỗi chỉ số của "
        f"mọi tỉnh, thành phố được rút ngẫu nhiên từ khoảng dự báo theo xu hướng của chính nó, rồi tính lại toàn bộ "
        f"chỉ số. Nếu mọi địa phương tiếp tục xu hướng hiện nay, {name} có xác suất "
        f"{percent(trend['p_top'])} ở trong top {result.top} cả nước và {percent(trend['p_region_lead'])} dẫn đầu "
        f"vùng; 90% số lần mô phỏng cho thứ hạng từ thứ {int(trend['rank_q05'])} đến thứ "
        f"{int(trend['rank_q95'])}. Nếu các cơ quan đạt mục tiêu khuyến nghị ở các chỉ số "
        f"của kế hoạch, các xác suất này là {percent(met['p_top'])} và {percent(met['p_region_lead'])}, "
        f"thứ hạng từ thứ {int(met['rank_q05'])} đến thứ {int(met['rank_q95'])}. Sai số mô phỏng của mỗi xác suất "
        f"không quá {number(100 * summary[['se_top', 'se_region_lead']].to_numpy().max(), 1)} điểm phần trăm."
    )


# --------------------------------------------------------------------------- indicator


RULE_TEXT = {
    targets_module.RULE_WITHIN: "ngưỡng cao nhất nằm trong khoảng dự báo 80% của mô hình có căn cứ chặt hơn",
    targets_module.RULE_CEILING: "chưa ngưỡng nào nằm trong khoảng dự báo; lấy mức tốt nhất mà khoảng dự báo 80% cho phép",
    targets_module.RULE_BEYOND: "chưa ngưỡng nào nằm trong khoảng dự báo; lấy bước nhỏ nhất (vượt quá căn cứ hiện có)",
    targets_module.RULE_NO_EVIDENCE: "chưa có căn cứ dự báo; lấy bước nhỏ nhất",
    targets_module.RULE_MAINTAIN: "đã đạt mọi ngưỡng; giữ vững giá trị hiện tại",
}
EVIDENCE_LABELS = {targets_module.TREND: "xu hướng của chính địa phương",
                   targets_module.PEER: "mô hình so sánh theo đặc điểm cơ cấu"}


@dataclass(frozen=True)
class IndicatorContext:
    edition: int
    province: str
    province_name: str
    code: str
    name: str
    data_note: str
    definition: str
    footnote: str
    provisional_note: str
    agencies: str
    now_sentence: str
    over_time: pd.DataFrame
    over_time_note: str
    trend_sentence: str
    trend_figure: object
    gaps: pd.DataFrame
    peer_sentence: str
    peer_figure: object
    thresholds: str
    thresholds_note: str
    recommendation: str
    solutions: str
    plan_tasks: str


def _plan_row(plan, code: str) -> pd.Series:
    rows = plan.indicators[plan.indicators["code"] == str(code)]
    if rows.empty:
        raise ValueError(f"indicator {code!r} is not in the plan; plan indicators: {', '.join(plan.indicators['code'])}")
    return rows.iloc[0]


def _indicator_targets(bundle: DataBundle, edition: int, province: str, code: str | None) -> pd.DataFrame:
    """`bundle_targets` for one plan indicator (or all with code None), cached."""
    # The build computes every plan indicator's targets once (piilib.report.shared); one
    # indicator's rows are the same as computing it alone.
    from_build = shared.build_results_for(bundle, edition, province)
    if from_build is not None and from_build.targets is not None:
        table = from_build.targets
        return table if code is None else table[table["indicator"] == code].reset_index(drop=True)
    return _cached_targets(bundle, int(edition), province, code)


@functools.lru_cache(maxsize=4)
def _cached_targets(bundle: DataBundle, edition: int, province: str, code: str | None) -> pd.DataFrame:
    plan = load_plan()
    if code is not None:
        plan = dataclasses.replace(plan, indicators=plan.indicators[plan.indicators["code"] == code])
    return targets_module.bundle_targets(bundle, edition, province, plan=plan, top=TOP, coverage=COVERAGE)


def indicator_context(edition, province: str, data_path, indicator: str) -> IndicatorContext:
    """One plan indicator: definition, agencies, value/score/rank now and over time, trend
    with thresholds, peer comparison, the threshold table, the recommended target, solutions."""
    edition, code = int(edition), str(indicator)
    bundle = load_bundle(project_path(data_path), edition)
    plan = load_plan()
    item = _plan_row(plan, code)
    current = edition_result(bundle, edition)
    unit = _unit_row(current.units, province)
    name = str(unit["name_vi"])
    region, region_name = str(unit["region"]), str(unit["region_name_vi"])
    meta = framework_indicators(load_framework(edition)).set_index("code").loc[code]
    unit_label, direction = str(meta["unit_vi"]), int(meta["direction"])
    indicator_name = str(meta["name_vi"])

    footnotes = plan.footnotes[plan.footnotes["indicator"] == code]
    footnote = " ".join(f"(Chú thích {int(n)} của kế hoạch) {t}" for n, t in zip(footnotes["number"], footnotes["text_vi"]))
    # The framework's definition often is the plan's footnote: say it once.
    framework_definition = str(meta["definition_vi"]).strip()
    if framework_definition in set(footnotes["text_vi"].str.strip()):
        framework_definition = ""
    definition = (f"**{code} {indicator_name}** — đơn vị: {unit_label}; {direction_phrase(direction)}. "
                  + framework_definition).strip()
    provisional_note = "" if meta["code_status"] == "official" else (
        f"Mã {code} là mã tạm thời do dự án đặt (Bộ Khoa học và Công nghệ chưa công bố mã chính thức).")
    cooperating = join_phrases(plan.agency_name(k) for k in item["cooperating_keys"])
    agencies = (f"Cơ quan chủ trì: **{plan.agency_name(item['lead_agency_key'])}**. "
                f"Cơ quan phối hợp: {cooperating}.")
    if pd.notna(item["rank_2024"]):
        agencies += (f" Kế hoạch {plan.document['number']} xếp chỉ số này vào nhóm "
                     f"“{plan.groups.set_index('key').at[item['group'], 'label_vi']}” "
                     f"(năm {plan.document['rank_edition']}: thứ {int(item['rank_2024'])}/{int(item['rank_of'])}).")
    else:
        agencies += (f" Kế hoạch {plan.document['number']} xếp chỉ số này vào nhóm "
                     f"“{plan.groups.set_index('key').at[item['group'], 'label_vi']}”.")

    own = _element(current.scores, province, code)
    now_sentence = (
        f"Kỳ PII {edition} (số liệu năm {schema.data_year(edition)}): {name} đạt **{with_unit(_value(own['raw_value']), unit_label)}**, "
        f"điểm chỉ số {number(own['score'], 1)}/100, xếp **{rank_phrase(own['rank'], own['n_units'])}**."
    )
    over_time, over_time_note = _indicator_over_time(bundle, edition, province, code, unit_label)
    history = bundle.history_on_map(edition, code)
    trend_sentence, trend_figure, gaps = _indicator_trend(history, province, name, region, region_name,
                                                          current.units, direction, code, indicator_name, unit_label)
    table = _indicator_targets(bundle, edition, province, code)
    peer_sentence, peer_figure = _indicator_peers(bundle, edition, current, province, name, code, direction,
                                                  unit_label, table)
    thresholds, thresholds_note = _threshold_table(table, edition, unit_label, code)
    recommendation = _recommendation(table, edition, name, unit_label, plan)
    solutions = bullet_list(item["solution_vi"])
    tasks = plan.solutions[plan.solutions["indicators"].map(lambda codes: code in codes)]
    plan_tasks = "\n\n".join(
        f"Mục {row.section} của kế hoạch ({row.assignment_vi}):\n\n{bullet_list(row.actions_vi)}"
        for row in tasks.itertuples() if row.actions_vi
    )
    return IndicatorContext(
        edition=edition, province=province, province_name=name, code=code, name=indicator_name,
        data_note=_data_note(bundle, edition), definition=definition, footnote=footnote,
        provisional_note=provisional_note, agencies=agencies, now_sentence=now_sentence,
        over_time=over_time, over_time_note=over_time_note, trend_sentence=trend_sentence,
        trend_figure=trend_figure, gaps=gaps, peer_sentence=peer_sentence, peer_figure=peer_figure,
        thresholds=thresholds, thresholds_note=thresholds_note, recommendation=recommendation,
        solutions=solutions, plan_tasks=plan_tasks,
    )


def _value(value) -> str:
    """A raw value with as many decimals as it needs to be read (at least 2 significant)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    magnitude = abs(float(value))
    decimals = 2 if magnitude >= 1 or magnitude == 0 else min(6, 1 - int(math.floor(math.log10(magnitude))))
    return number(value, decimals)


def _indicator_over_time(bundle, edition: int, province: str, code: str, unit_label: str):
    rows = []
    for other in bundle.editions(edition):
        computed = edition_result(bundle, other, edition)
        element = computed.scores[(computed.scores[schema.UNIT] == province) & (computed.scores["element"] == code)]
        if element.empty:
            continue
        element = element.iloc[0]
        rows.append({"Kỳ PII": f"{other}" + (" (hài hòa)" if computed.harmonised else ""),
                     "Năm số liệu": str(schema.data_year(other)),
                     f"Giá trị ({unit_label})": _value(element["raw_value"]),
                     "Điểm": number(element["score"], 1),
                     "Thứ hạng": rank_fraction(element["rank"], element["n_units"])})
    note = ""
    if _merged_edition(edition) and any("hài hòa" in r["Kỳ PII"] for r in rows):
        note = ("“Hài hòa”: giá trị của kỳ trước được tính lại trên địa giới sau sáp nhập theo quy tắc gộp của "
                "chỉ số; điểm và thứ hạng tương ứng được tính lại trên bản đồ mới.")
    return pd.DataFrame(rows), note


def _threshold_labels(region_name: str) -> dict[str, str]:
    return {
        rank_threshold_name(TOP): f"Giá trị ở hạng {TOP} cả nước",
        NATIONAL_MEDIAN: "Trung vị cả nước",
        REGION_LEADER: f"Tốt nhất vùng {region_name}",
    }


def _indicator_trend(history, province, name, region, region_name, units, direction, code, indicator_name,
                     unit_label):
    own = history[history[schema.UNIT] == province].dropna(subset=[schema.VALUE])
    if own.empty:
        return (f"Chưa có chuỗi số liệu theo năm của {name} cho chỉ số này.", None, pd.DataFrame())
    regions = dict(zip(units[schema.UNIT], units["region"]))
    analysis = analyse_thresholds(history[[schema.YEAR, schema.UNIT, schema.VALUE]], province, direction, regions,
                                  multiplicative=True, rank=TOP, coverage=COVERAGE)
    labels = _threshold_labels(region_name)
    thresholds = analysis.thresholds[[schema.YEAR, *labels]].rename(columns=labels)
    fit = analysis.province_fit
    observed = own[[schema.YEAR, schema.VALUE]].sort_values(schema.YEAR)
    first_year, last_year = int(observed[schema.YEAR].iloc[0]), int(observed[schema.YEAR].iloc[-1])
    if fit is None:
        band = pd.DataFrame(columns=[schema.YEAR, "predicted", "lower", "upper"])
        sentence = (f"Chuỗi số liệu của {name} mới có {len(observed)} năm; cần ít nhất 3 năm để ước lượng xu hướng.")
    else:
        band = fit.predict(years=list(range(first_year, last_year + 2)), coverage=COVERAGE)
        prediction = band.iloc[-1]
        if fit.kind == "log-linear":
            slope = f"{signed(fit.slope, 1)}% mỗi năm (khoảng tin cậy {percent(SLOPE_CI_COVERAGE)}: " \
                    f"{number(fit.slope_ci[0], 1)}% đến {number(fit.slope_ci[1], 1)}%)"
        else:
            slope = f"{with_unit(signed(fit.slope, _decimals_for(fit.slope)), unit_label)} mỗi năm (khoảng tin cậy " \
                    f"{percent(SLOPE_CI_COVERAGE)}: {_value(fit.slope_ci[0])} đến {_value(fit.slope_ci[1])})"
        model = "tăng trưởng theo tỷ lệ (log-tuyến tính)" if fit.kind == "log-linear" else "tuyến tính"
        sentence = (
            f"Giai đoạn {first_year}–{last_year}, xu hướng {model} của {name} là {slope}. Dự báo năm "
            f"{int(prediction[schema.YEAR])} (kỳ PII {int(prediction[schema.YEAR]) + schema.DATA_YEAR_LAG}): "
            f"{with_unit(_value(prediction['predicted']), unit_label)}, khoảng dự báo {percent(COVERAGE)} từ "
            f"{_value(prediction['lower'])} đến {_value(prediction['upper'])}."
        )
    if history["harmonised"].any():
        sentence += " Các năm trước sáp nhập là số liệu đã hài hòa về địa giới hiện nay."
    figure = plots.trend_chart(
        observed, band, thresholds, province_label=name, value_label=unit_label,
        title=f"{code} {indicator_name}" + (" (thấp hơn là tốt hơn)" if direction < 0 else ""), coverage=COVERAGE,
    )
    gap_rows = []
    for key, label in labels.items():
        gap = analysis.gaps.get(key)
        latest = analysis.thresholds[key].iloc[-1]
        row = {"Ngưỡng": label, f"Giá trị năm {last_year}": _value(latest)}
        if gap is None:
            row.update({"Khoảng cách": "–", "Xu hướng khoảng cách": "chưa đủ số liệu", "Ước tính bắt kịp": "–"})
        else:
            row["Khoảng cách"] = ("đã vượt " if not gap.behind else "còn thiếu ") + _value(abs(gap.current_gap))
            row["Xu hướng khoảng cách"] = _gap_trend(gap)
            row["Ước tính bắt kịp"] = (f"năm {gap.first_year_across}" if gap.closing and gap.first_year_across
                                       else "–")
        gap_rows.append(row)
    return sentence, figure, pd.DataFrame(gap_rows)


def _decimals_for(value: float) -> int:
    magnitude = abs(float(value))
    return 2 if magnitude >= 1 or magnitude == 0 else min(6, 1 - int(math.floor(math.log10(magnitude))))


def _gap_trend(gap) -> str:
    certainty = "" if gap.significant else " (chưa rõ ràng về thống kê)"
    if gap.closing:
        return "đang thu hẹp" + certainty
    if gap.eroding:
        return "lợi thế đang giảm" + certainty
    if gap.behind:
        return "đang nới rộng" + certainty
    return "lợi thế đang tăng" + certainty


def _indicator_peers(bundle, edition, current, province, name, code, direction, unit_label, table):
    structure = targets_module.structural_covariates(
        bundle.covariates_on_map(edition), schema.data_year(edition), set(current.units[schema.UNIT]))
    if structure is None:
        return ("Bộ dữ liệu không có biến cơ cấu của năm số liệu này, nên chưa có mô hình so sánh.", None)
    raw = current.result.stages["Raw"].set_index("uCode")[code]
    try:
        model = fit_peer_model(raw, structure, direction=direction, coverage=COVERAGE)
    except ValueError as error:
        return (f"Chưa ước lượng được mô hình so sánh ({error}).", None)
    names = dict(zip(current.units[schema.UNIT], current.units["name_vi"]))
    peer_rows = table[(table["threshold"] == targets_module.BEST_PEER) & (table["basis"] == targets_module.CURRENT)]
    best_peer = str(peer_rows["reference_unit"].iloc[0]) if not peer_rows.empty and pd.notna(
        peer_rows["reference_unit"].iloc[0]) else None
    figure = plots.peer_chart(
        model.table, province, names, best_peer=best_peer, value_label=unit_label,
        title=f"{code}: giá trị thực tế so với mức dự kiến theo cơ cấu"
              + (" (thấp hơn là tốt hơn)" if direction < 0 else ""),
        coverage=COVERAGE,
    )
    own = model.table.loc[province]
    covariate_names = {"log_grdp_per_capita": "GRDP bình quân đầu người (log)", "log_population": "dân số (log)",
                       "urbanisation": "tỷ lệ đô thị hóa"}
    covariates = join_phrases(covariate_names.get(c, c) for c in model.covariates)
    position = comparison_phrase(own["value"], own["expected"], direction, _decimals_for(own["expected"]))
    inside = own["lower"] <= own["value"] <= own["upper"]
    sentence = (
        f"Mô hình hồi quy trên {model.n_obs} tỉnh, thành phố (biến giải thích: {covariates}; R² = "
        f"{number(model.r_squared, 2)}) cho mức dự kiến của {name} là {with_unit(_value(own['expected']), unit_label)} "
        f"(khoảng dự báo {percent(COVERAGE)}: {_value(own['lower'])} – {_value(own['upper'])}). Giá trị thực tế "
        f"{_value(own['value'])} {position} so với mức dự kiến, "
        + ("nằm trong khoảng dự báo: đúng với đặc điểm cơ cấu." if inside
           else "nằm ngoài khoảng dự báo: khác biệt rõ so với các địa phương có cơ cấu tương tự.")
    )
    if best_peer is not None:
        sentence += (f" Địa phương tương đồng về cơ cấu có giá trị tốt nhất là {names.get(best_peer, best_peer)} "
                     f"({with_unit(_value(peer_rows['threshold_value'].iloc[0]), unit_label)}).")
    return sentence, figure


def _increment(row) -> str:
    """The increment as a whole count when the indicator counts something ("+2 đơn đăng ký …"),
    else the targets module's text in the indicator's unit."""
    if pd.notna(row["increment_count"]) and row["count_noun"]:
        return f"{int(row['increment_count']):+d} {row['count_noun']}"
    return str(row["increment_text"])


def _threshold_table(table: pd.DataFrame, edition: int, unit_label: str, code: str) -> tuple[str, str]:
    """One table per basis (current values of the others, their projections), in one Markdown block."""
    rows = table[table["threshold"].isin(targets_module.THRESHOLDS)]
    year = schema.data_year(edition) + 1
    current_rank = int(rows["current_pii_rank"].iloc[0])
    blocks = []
    for basis, label in ((targets_module.CURRENT, "so với giá trị hiện tại của các địa phương khác"),
                         (targets_module.PROJECTED, f"so với giá trị dự báo năm {year} của các địa phương khác")):
        part = rows[rows["basis"] == basis]
        frame = pd.DataFrame({
            # The label's parenthesis says the basis, which the table's caption says instead.
            "Ngưỡng": [str(text).split(" (")[0] for text in part["threshold_label"]],
            f"Cần đạt ({unit_label})": [("đã đạt" if reached else _value(v))
                                        for v, reached in zip(part["needed_value"], part["reached"])],
            "Mức tăng": [("–" if row["reached"] else _increment(row)) for _, row in part.iterrows()],
            "PII tăng": [signed(v, 2) for v in part["pii_change"]],
            f"Hạng PII (nay {current_rank})": [integer(v) for v in part["pii_rank"]],
            "Có căn cứ": [{True: "có", False: "không"}.get(v, "–") if pd.notna(v) else "–"
                          for v in part["within_evidence"]],
        })
        blocks.append(markdown_table(frame, caption=f"{code}: các ngưỡng {label}"))
    note = (f"Mỗi dòng: giá trị cần đạt để chạm một ngưỡng; “PII tăng” và “Hạng PII” được tính lại bằng toàn bộ quy "
            "trình tính chỉ số khi chỉ thay đổi giá trị chỉ số này. “Có căn cứ”: giá trị cần đạt nằm trong khoảng dự "
            f"báo {percent(COVERAGE)} của xu hướng hoặc của mô hình so sánh.")
    return "\n\n".join(blocks), note


def _recommendation(table: pd.DataFrame, edition: int, name: str, unit_label: str, plan) -> str:
    chosen = targets_module.recommended_targets(table).iloc[0]
    rule = RULE_TEXT.get(chosen["rule"], str(chosen["rule"]))
    evidence = EVIDENCE_LABELS.get(chosen["evidence_model"], "") if pd.notna(chosen["evidence_model"]) else ""
    lead = str(chosen["lead_agency"])
    if chosen["threshold"] == targets_module.MAINTAIN:
        return (f"**Mục tiêu khuyến nghị cho kỳ PII {edition + 1}: giữ vững mức "
                f"{with_unit(_value(chosen['current_value']), unit_label)}** ({rule}). Cơ quan chủ trì: {lead}.")
    text = (
        f"**Mục tiêu khuyến nghị cho kỳ PII {edition + 1}: {with_unit(_value(chosen['target_value']), unit_label)}** "
        f"({_increment(chosen)} so với hiện nay), tức mức “{chosen['threshold_label']}”. "
        f"Khi đạt, điểm PII của {name} thay đổi {signed(chosen['pii_change'], 2)} điểm và thứ hạng "
        f"{rank_change_phrase(chosen['current_pii_rank'], chosen['pii_rank'])}. "
        f"Quy tắc chọn: {rule}"
        + (f" (căn cứ: {evidence})" if evidence else "") + f". Cơ quan chủ trì: {lead}."
    )
    return text


# --------------------------------------------------------------------------- agencies


@dataclass(frozen=True)
class AgenciesContext:
    edition: int
    province_name: str
    data_note: str
    intro: str
    sections: str
    deadline: str
    workbook: str


WORKBOOK_NAME = "chi-tieu-cac-co-quan-{edition}-{province}.xlsx"


def agencies_context(edition, province: str, data_path, out_dir=".") -> AgenciesContext:
    """One table per lead agency (under a bold label, in one Markdown block, since headings
    printed from code do not render), and the departments' workbook written to `out_dir`."""
    edition = int(edition)
    bundle = load_bundle(project_path(data_path), edition)
    plan = load_plan()
    current = edition_result(bundle, edition)
    name = str(_unit_row(current.units, province)["name_vi"])
    table = _indicator_targets(bundle, edition, province, None)
    chosen = targets_module.recommended_targets(table)
    blocks = []
    for key in dict.fromkeys(plan.indicators["lead_agency_key"]):
        rows = chosen[chosen["lead_agency_key"] == key]
        frame = pd.DataFrame({
            "Mã": rows[schema.INDICATOR],
            "Chỉ số": rows["indicator_name"],
            f"Hiện nay → mục tiêu kỳ {edition + 1}": [
                with_unit(f"{_value(now)} → {_value(target)}", unit)
                for now, target, unit in zip(rows["current_value"], rows["target_value"], rows["unit_label"])],
            "Mức tăng": [_increment(row) for _, row in rows.iterrows()],
            "PII tăng": [signed(v, 2) for v in rows["pii_change"]],
        })
        cooperating = join_phrases(dict.fromkeys(
            plan.agency_name(k) for codes in plan.indicators_led_by(key)["cooperating_keys"] for k in codes))
        blocks.append(f"**{plan.agency_name(key)}** — chủ trì {len(rows)} chỉ số; phối hợp: {cooperating}.\n\n"
                      + markdown_table(frame))
    deadline = ""
    if plan.deadline is not None:
        deadline = (f"Theo kế hoạch (mục {plan.deadline.section}), {plan.deadline.from_vi} {plan.deadline.what_vi} "
                    f"trước {plan.deadline.text_vi} (năm {edition + 1}: "
                    f"{plan.deadline.date_for(edition + 1).strftime('%d/%m/%Y')}).")
    workbook = WORKBOOK_NAME.format(edition=edition, province=province)
    _write_workbook(table, Path(out_dir) / workbook)
    intro = (f"Mỗi bảng dưới đây liệt kê các chỉ số mà một cơ quan chủ trì theo {plan.document['number']}, "
             f"giá trị và thứ hạng của {name} ở kỳ PII {edition}, mục tiêu khuyến nghị cho kỳ {edition + 1} "
             "(xem quy tắc chọn trong từng chương chỉ số) và mức điểm PII tăng thêm khi đạt mục tiêu.")
    return AgenciesContext(edition=edition, province_name=name, data_note=_data_note(bundle, edition),
                           intro=intro, sections="\n\n".join(blocks), deadline=deadline,
                           workbook=f"Tải bảng tính cho các cơ quan: {{download}}`{workbook}`")


def _write_workbook(table: pd.DataFrame, path: Path) -> None:
    from piilib.analysis.workbook import write_workbook

    path.parent.mkdir(parents=True, exist_ok=True)
    write_workbook(table, path)


# --------------------------------------------------------------------------- levers


@dataclass(frozen=True)
class LeversContext:
    edition: int
    province_name: str
    data_note: str
    intro: str
    levers: pd.DataFrame
    levers_sentence: str
    levers_figure: object
    robustness_sentence: str
    robustness_figure: object


def levers_context(edition, province: str, data_path) -> LeversContext:
    """All indicators' points per +10 score and the gains from reaching the national median and
    the regional best (recomputed), and the rank interval under methodological uncertainty."""
    edition = int(edition)
    bundle = load_bundle(project_path(data_path), edition)
    current = edition_result(bundle, edition)
    name = str(_unit_row(current.units, province)["name_vi"])
    region_name = str(_unit_row(current.units, province)["region_name_vi"])
    table = lever_table(current.result, current.idata, province, "Region")
    meta = framework_indicators(load_framework(edition)).set_index("code")
    plan_codes = set(load_plan().indicators["code"])
    n_units = len(current.units)
    # 52 rows become a LaTeX longtable, whose columns do not wrap: short names, few columns.
    levers = pd.DataFrame({
        "Mã": [f"**{c}**" if c in plan_codes else c for c in table["indicator"]],
        "Chỉ số": [_short(meta.at[c, "name_vi"], 30) for c in table["indicator"]],
        "Hạng": [rank_fraction(r, n_units) for r in table["rank"]],
        "+10 điểm": [number(v, 3) for v in table["points_per_score"]],
        "Trung vị": [signed(v, 2) for v in table["median_gain"]],
        "Vùng": [signed(v, 2) for v in table["region_best_gain"]],
    })
    top = table.head(15).assign(label=[f"{c} {_short(meta.at[c, 'name_vi'])}" for c in table["indicator"].head(15)])
    figure = plots.lever_chart(top, title="15 chỉ số có mức tăng PII lớn nhất khi đạt trung vị cả nước",
                               highlight=plan_codes)
    weights = table["points_per_score"]
    best = table.iloc[0]
    sentence = (
        f"Mỗi +10 điểm ở một chỉ số làm PII tăng từ {number(weights.min(), 3)} đến {number(weights.max(), 3)} điểm, "
        "tùy trọng số của chỉ số trong cây chỉ số (trụ cột có ít chỉ số thì mỗi chỉ số nặng hơn). "
        f"Nếu {name} đạt trung vị cả nước ở chỉ số {best['indicator']} ({meta.at[best['indicator'], 'name_vi']}), "
        f"PII tăng {number(best['median_gain'], 2)} điểm — nhiều nhất trong {len(table)} chỉ số; đạt mức tốt nhất "
        f"vùng {region_name} ở chỉ số này, PII tăng {number(best['region_best_gain'], 2)} điểm. "
        "Các mức tăng được tính lại bằng toàn bộ quy trình. Trong bảng: “+10 điểm” là số điểm PII tăng khi điểm "
        "chỉ số tăng 10; “Trung vị” và “Vùng” là số điểm PII tăng khi giá trị chỉ số đạt trung vị cả nước "
        "hoặc mức tốt nhất vùng; mã in đậm là chỉ số của kế hoạch."
    )
    intro = (f"Chương này trả lời câu hỏi: cải thiện chỉ số nào thì PII của {name} tăng nhiều nhất? "
             f"Bảng dưới đây xét cả {len(table)} chỉ số, không chỉ các chỉ số của kế hoạch.")
    robustness_sentence, robustness_figure = _robustness(bundle, edition, province, name)
    return LeversContext(edition=edition, province_name=name, data_note=_data_note(bundle, edition),
                         intro=intro, levers=levers, levers_sentence=sentence, levers_figure=figure,
                         robustness_sentence=robustness_sentence, robustness_figure=robustness_figure)


def _short(text: str, limit: int = 40) -> str:
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


@functools.lru_cache(maxsize=2)
def _robustness_analysis(bundle: DataBundle, edition: int):
    """COINr's uncertainty analysis of `edition` (seeded), cached."""
    from piilib.analysis.robustness import uncertainty_analysis

    current = edition_result(bundle, edition)
    return uncertainty_analysis(current.idata, current.result.imeta, current.result.log,
                                n=ROBUSTNESS_REPLICATIONS, seed=ROBUSTNESS_SEED)


ASSUMPTION_LABELS = {"weights": "trọng số", "normalisation": "cách chuẩn hóa", "aggregation": "cách tổng hợp",
                     "treatment": "xử lý ngoại lai"}


def _robustness(bundle, edition: int, province: str, name: str):
    """The rank interval under methodological uncertainty (COINr's uncertainty analysis)."""
    current = edition_result(bundle, edition)
    from_build = shared.build_results_for(bundle, edition)
    analysis = (from_build.robustness if from_build is not None and from_build.robustness is not None
                else _robustness_analysis(bundle, edition))
    stats = analysis.rank_stats.set_index("uCode")
    own = stats.loc[province]
    column = list(analysis.units).index(province)
    ranks = analysis.ranks[:, column]
    ranks = ranks[~np.isnan(ranks)]
    shares = pd.Series(ranks).value_counts(normalize=True).sort_index()
    nominal = int(own["nominal_rank"])
    noise = join_phrases(sorted({f"±{percent(f)}" for f in analysis.assumptions.weight_noise.values() if f}))
    varied = join_phrases(ASSUMPTION_LABELS.get(a, a) for a in analysis.assumptions.varying())
    sentence = (
        f"Phương pháp tính có những lựa chọn mà kết quả phụ thuộc vào: {varied}. Theo cách làm của COINr "
        f"(phân tích bất định), chỉ số được tính lại {integer(len(ranks))} lần, mỗi lần với một tổ hợp lựa chọn "
        f"ngẫu nhiên (trọng số dao động {noise} quanh giá trị gốc; chuẩn hóa min–max hoặc z-score; trung bình cộng "
        f"hoặc trung bình nhân; có hoặc không xử lý ngoại lai). Thứ hạng của {name} theo phương pháp chính thức là "
        f"thứ {nominal}; qua các lần tính lại, trung vị là thứ {int(own['median_rank'])} và 90% số lần nằm trong "
        f"khoảng **thứ {int(own['q05'])} đến thứ {int(own['q95'])}**. "
        + ("Thứ hạng vì vậy khá vững với cách tính." if own["q95"] - own["q05"] <= 4
           else "Khoảng này rộng: nên đọc thứ hạng như một khoảng, không phải một con số chính xác.")
    )
    figure = plots.rank_distribution_chart(
        shares, current_rank=nominal, interval=(float(own["q05"]), float(own["q95"])),
        title=f"Thứ hạng PII {edition} của {name} khi thay đổi phương pháp tính",
    )
    return sentence, figure


# --------------------------------------------------------------------------- methodology


@dataclass(frozen=True)
class MethodologyContext:
    edition: int
    data_note: str
    files: pd.DataFrame
    files_sentence: str
    provenance: pd.DataFrame
    harmonisation: str
    harmonisation_rules: pd.DataFrame
    treatment: pd.DataFrame
    treatment_sentence: str
    method_log: pd.DataFrame
    provisional: pd.DataFrame
    provisional_sentence: str


MERGE_RULE_LABELS = {
    "ratio_sum": "Cộng tử số và mẫu số",
    "weighted_mean": "Bình quân gia quyền",
    "not_combinable": "Không gộp được",
}
TREATMENT_LABELS = {"winsorised": "chặn giá trị ngoại lai", "log": "lấy log", "none": "không xử lý"}
NAME_SOURCE_LABELS = {"press": "báo chí", "plan88": "kế hoạch", "plan88_text": "văn bản kế hoạch",
                      "assumed": "giả định"}
STEP_LABELS = {
    "denominate": "Chia theo mẫu số",
    "impute": "Bổ sung giá trị thiếu",
    "screen": "Sàng lọc đơn vị",
    "treat": "Xử lý giá trị ngoại lai",
    "normalise": "Chuẩn hóa",
    "aggregate": "Tổng hợp",
}


SUPPLEMENT_LABEL = " — bổ sung từ bộ dữ liệu minh họa"


def _files_phrase(bundle: DataBundle) -> str:
    if bundle.origin == OFFICIAL_FILE:
        return (f"tệp số liệu chính thức; chuỗi số liệu theo năm và biến cơ cấu lấy từ bộ dữ liệu minh họa "
                f"`{bundle.supplement.relative_to(REPO_ROOT).as_posix()}`")
    return f"{len(bundle.files)} tệp CSV"


def _parts_sentence(bundle: DataBundle, edition: int) -> str:
    """Which parts of the data the edition uses are official, published or illustrative."""
    phrases = [f"{PART_LABELS[part]}: {join_phrases(PROVENANCE_LABELS.get(p, p) for p in sorted(provenances))}"
               for part, provenances in bundle.parts(edition).items()]
    return f"Nguồn gốc số liệu mà kỳ PII {edition} dùng — {'; '.join(phrases)}." if phrases else ""


def methodology_context(edition, province: str, data_path) -> MethodologyContext:
    """Which files, which provenance, what was harmonised, what was treated, the method log,
    and the framework's provisional codes."""
    edition = int(edition)
    bundle = load_bundle(project_path(data_path), edition)
    current = edition_result(bundle, edition)
    files = pd.DataFrame({
        "Tệp": bundle.files["file"],
        "Nội dung": [FILE_KIND_LABELS[kind] + (SUPPLEMENT_LABEL if supplement else "")
                     for kind, supplement in zip(bundle.files["kind"], bundle.files["supplement"])],
        "Số dòng": [integer(v) if pd.notna(v) else "–" for v in bundle.files["rows"]],
        "Nguồn gốc (số dòng)": [
            "; ".join(f"{PROVENANCE_LABELS[p]}: {integer(row[p])}" for p in schema.PROVENANCES if row[p]) or "–"
            for _, row in bundle.files.iterrows()],
    })
    editions = bundle.editions()
    files_sentence = (f"Dữ liệu đọc từ `{bundle.path.name}` ({_files_phrase(bundle)}); có giá trị cho các kỳ PII "
                      f"{join_phrases(str(e) for e in editions)}. Kỳ PII E dùng số liệu năm E − {schema.DATA_YEAR_LAG}. "
                      + _parts_sentence(bundle, edition))
    values = current.values
    provenance = (values.groupby(schema.PROVENANCE).agg(rows=(schema.VALUE, "size"),
                                                        units=(schema.UNIT, "nunique"),
                                                        indicators=(schema.INDICATOR, "nunique"))
                  .reset_index())
    provenance = pd.DataFrame({
        "Nguồn gốc": provenance[schema.PROVENANCE].map(lambda p: PROVENANCE_LABELS.get(p, p)),
        "Số giá trị": provenance["rows"].astype(int),
        "Số đơn vị": provenance["units"].astype(int),
        "Số chỉ số": provenance["indicators"].astype(int),
    })
    framework = framework_indicators(load_framework(edition))
    rules = framework.groupby("merge_rule")["code"].agg(list)
    harmonisation_rules = pd.DataFrame({
        "Quy tắc gộp": [MERGE_RULE_LABELS.get(r, r) for r in rules.index],
        "Số chỉ số": [len(codes) for codes in rules],
        "Chỉ số": [", ".join(codes) for codes in rules],
    })
    if _merged_edition(edition):
        earlier = [e for e in editions if e < edition and not _same_map(e, edition)]
        harmonised = (f"Số liệu các kỳ {join_phrases(str(e) for e in earlier)}, cùng chuỗi số liệu theo năm trước "
                      "sáp nhập, được" if earlier else "Chuỗi số liệu theo năm trước sáp nhập được")
        harmonisation = (
            f"Kỳ PII {edition} tính trên {_map_label(edition)} sau sắp xếp đơn vị hành chính. {harmonised} hài hòa "
            "về địa giới mới theo quy tắc gộp của từng chỉ số (bảng dưới); chỉ số không gộp được để trống ở các "
            "đơn vị hợp nhất."
        )
    else:
        harmonisation = (
            f"Kỳ PII {edition} tính trên {_map_label(edition)}; không cần hài hòa địa giới. Quy tắc gộp dưới đây "
            f"được dùng khi các kỳ này được so sánh với các kỳ sau sáp nhập."
        )
    treatment = current.result.treatment
    treated = treatment[treatment["treatment"].astype(str) != "none"]
    names = dict(zip(current.units[schema.UNIT], current.units["name_vi"]))
    treatment_frame = pd.DataFrame({
        "Chỉ số": treated["iCode"].astype(str),
        "Cách xử lý": [TREATMENT_LABELS.get(t, t) for t in treated["treatment"].astype(str)],
        "Độ lệch trước": [number(v, 2) for v in treated["skew_before"]],
        "Độ nhọn trước": [number(v, 2) for v in treated["kurtosis_before"]],
        "Số giá trị bị chặn": [integer(v) for v in treated["n_winsorised"]],
        "Đơn vị bị chặn": [join_phrases(names.get(u.strip(), u.strip()) for u in str(units).split(";") if u.strip())
                           for units in treated["treated_units"]],
    })
    treatment_sentence = (
        f"Kỳ PII {edition}: {len(treated)}/{len(treatment)} chỉ số có phân phối lệch vượt ngưỡng và được xử lý "
        "(chặn giá trị ngoại lai hoặc lấy log) trước khi chuẩn hóa." if len(treatment) else
        "Phương pháp không có bước xử lý giá trị ngoại lai."
    )
    method_log = pd.DataFrame({
        "Bước": [STEP_LABELS.get(entry["step"], entry["step"]) for entry in current.result.log],
        "Tham số": ["; ".join(f"{k} = {v}" for k, v in entry.items() if k != "step" and v not in ({}, None))
                    for entry in current.result.log],
    })
    provisional_rows = framework[framework["code_status"] == "provisional"]
    # Up to 52 rows become a LaTeX longtable, whose columns do not wrap: short names.
    provisional = pd.DataFrame({
        "Mã": provisional_rows["code"],
        "Tên chỉ số": [_short(n, 56) for n in provisional_rows["name_vi"]],
        "Tên gọi lấy từ": [NAME_SOURCE_LABELS.get(v, v) for v in provisional_rows.get("name_source", "")],
    })
    provisional_sentence = (
        f"{len(framework) - len(provisional_rows)}/{len(framework)} chỉ số mang mã chính thức (có trong kế hoạch); "
        f"{len(provisional_rows)} chỉ số còn lại mang mã tạm thời do dự án đặt theo tên gọi thấy trên báo chí. "
        "Khi Bộ Khoa học và Công nghệ công bố khung chỉ số chính thức, chỉ cần sửa tệp khung chỉ số."
    )
    return MethodologyContext(
        edition=edition, data_note=_data_note(bundle, edition), files=files, files_sentence=files_sentence,
        provenance=provenance, harmonisation=harmonisation, harmonisation_rules=harmonisation_rules,
        treatment=treatment_frame, treatment_sentence=treatment_sentence, method_log=method_log,
        provisional=provisional, provisional_sentence=provisional_sentence,
    )
