"""The indicator chapter's context, and the shared report helpers under their former names.

The overview, agencies, levers and methodology chapters no longer go through this module: their
analyses live in piilib.report.overview, .agencies, .levers and .methodology, the shared
edition cache in piilib.report.editions, the plan's targets and the outlook in
piilib.report.goals. What remains here is the indicator chapter:

    indicator_context(edition, province, data_path, indicator)

and the names the indicator chapter used from the old module (edition_result, _data_note,
_unit_row, _element, _indicator_targets, province_outlook ...), re-exported so its code imports
as before.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from piilib import schema
from piilib.analysis import targets as targets_module
from piilib.analysis.peers import fit_peer_model
from piilib.analysis.trend import (
    NATIONAL_MEDIAN,
    REGION_LEADER,
    SLOPE_CI_COVERAGE,
    analyse_thresholds,
    rank_threshold_name,
)
from piilib.bundle import DataBundle, load_bundle  # noqa: F401  (DataBundle: re-exported)
from piilib.framework import indicators as framework_indicators
from piilib.framework import load_framework
from piilib.plan import load_plan
from piilib.report import plots
from piilib.report.editions import (  # noqa: F401  (re-exported under the former names)
    ILLUSTRATIVE_SENTENCE,
    PART_LABELS,
    EditionResult,
    _edition_result,
    edition_result,
)
from piilib.report.editions import data_note as _data_note
from piilib.report.editions import element as _element
from piilib.report.editions import map_label as _map_label  # noqa: F401
from piilib.report.editions import merged_edition as _merged_edition
from piilib.report.editions import region_rank as _region_rank  # noqa: F401
from piilib.report.editions import same_map as _same_map  # noqa: F401
from piilib.report.editions import sub_index_codes as _sub_index_codes  # noqa: F401
from piilib.report.editions import unit_row as _unit_row
from piilib.report.goals import (  # noqa: F401  (re-exported under the former names)
    COVERAGE,
    OUTLOOK_DRAWS,
    OUTLOOK_SEED,
    TOP,
    province_outlook,
)
from piilib.report.goals import _cached_targets  # noqa: F401
from piilib.report.goals import plan_targets as _indicator_targets
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


def indicator_context(edition, province: str, data_path, indicator: str) -> IndicatorContext:
    """One plan indicator: definition, agencies, value/score/rank now and over time, trend
    with thresholds, peer comparison, the threshold table, the recommended target, solutions."""
    edition, code = int(edition), str(indicator)
    bundle = load_bundle(data_path, edition)
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
