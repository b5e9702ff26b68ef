"""What the chapter on one plan indicator starts from: its facts, its data and its targets.

`notebooks/indicator.ipynb` is the chapter (one page per plan indicator): it fits the trend
and the peer model, decides what to show and owns its sentences. This module only loads, in
numbers and tidy frames:

    chapter = load_indicator(edition, province, data_path, indicator)

the indicator's definition and direction (framework), what the plan says about it (agencies,
group, solutions, footnotes), the province on the edition's map, this indicator's values,
scores and ranks for every province now and the province's over the editions, the annual
history of every province (harmonised onto the edition's map after the merger), the
structural covariates of the data year, and the targets table (`piilib.analysis.targets`,
computed with the default peer formula). `chapter_targets(chapter, peer_formula)` gives the
targets with the chapter's own peer formula (recomputed only when it differs), so that the
page's peer model (`piilib.analysis.peers.fit_peer_model`) is the one its targets rest on.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from piilib import schema
from piilib.analysis import targets as targets_module
from piilib.analysis.peers import peer_frame
from piilib.bundle import load_bundle
from piilib.framework import indicators as framework_indicators
from piilib.framework import load_framework
from piilib.paths import REPO_ROOT
from piilib.plan import load_plan
from piilib.report.editions import data_note, edition_provenance, edition_result
from piilib.report.goals import plan_targets
from piilib.units import era

# How the targets table's rules and evidence models read in the chapter (short labels).
RULE_LABELS = {
    targets_module.RULE_WITHIN: "mức tham vọng nhất mà khoảng dự báo 80% của căn cứ tốt hơn vẫn cho phép",
    targets_module.RULE_CEILING: "chưa ngưỡng nào nằm trong khoảng dự báo 80% của căn cứ; lấy mức tốt nhất "
                                 "mà khoảng dự báo cho phép",
    targets_module.RULE_EVIDENCE_MAINTAIN: "căn cứ hiện có chưa cho phép đặt mức cao hơn giữ vững",
    targets_module.RULE_NO_EVIDENCE: "chưa đủ căn cứ dự báo; giữ vững",
    targets_module.RULE_MAINTAIN: "mọi ngưỡng đã đạt hoặc sẽ đạt theo xu hướng; giữ vững",
    targets_module.RULE_BEYOND: "chưa ngưỡng nào nằm trong khoảng dự báo; lấy bước nhỏ nhất (vượt quá căn cứ hiện có)",
}
EVIDENCE_LABELS = {targets_module.TREND: "xu hướng của chính địa phương",
                   targets_module.PEER: "mô hình so sánh theo đặc điểm cơ cấu"}
# Covariates of the peer model as readers know them (a formula term such as
# np.log(population) reads "log dân số").
COVARIATE_LABELS = {
    "grdp_per_capita": "GRDP bình quân đầu người",
    "grdp": "GRDP",
    "population": "dân số",
    "urbanisation": "tỷ lệ đô thị hóa",
    "enterprises": "số doanh nghiệp",
    "new_enterprises": "số doanh nghiệp thành lập mới",
    "manufacturing_enterprises": "số doanh nghiệp chế biến, chế tạo",
    "labour_force": "lực lượng lao động",
    "communes": "số xã",
    "pupils": "số học sinh",
    "industrial_zone_land": "diện tích đất khu công nghiệp",
}


def term_label(term: str) -> str:
    """A formula term in words: "np.log(grdp_per_capita)" -> "log GRDP bình quân đầu người"."""
    text = str(term)
    for prefix, word in (("np.log1p(", "log(1 + "), ("np.log(", "log "), ("log(", "log ")):
        if text.startswith(prefix) and text.endswith(")"):
            inner = text[len(prefix):-1]
            label = COVARIATE_LABELS.get(inner, inner)
            return f"{word}{label})" if word.endswith("+ ") else f"{word}{label}"
    return COVARIATE_LABELS.get(text, text)


def data_location(data_path) -> Path | None:
    """Where the data are: an absolute path as given, a relative one inside the repository
    (so a notebook runs from any working directory), an empty one the bundled data (None)."""
    if data_path is None or not str(data_path).strip():
        return None
    path = Path(str(data_path)).expanduser()
    return path if path.is_absolute() else REPO_ROOT / path


@dataclass(frozen=True)
class IndicatorChapter:
    """One plan indicator, one province, one edition: everything the chapter starts from.

    scores: this indicator for every province of the edition (unit, name, region, raw_value,
    score, rank, n_units). over_time: the province in each edition up to this one, on this
    edition's map (edition, harmonised, data_year, raw_value, score, rank, n_units,
    value_provenance, rank_provenance: the provenance marks of the value and of the score
    and rank). history: annual values of every province (year, unit, value, harmonised,
    provenance).
    peer_data: one row per province, `value` and the covariates of the data year (None
    without covariates). targets: `piilib.analysis.targets.bundle_targets` for this indicator.
    """

    edition: int
    code: str
    name: str
    unit_label: str
    direction: int
    definition: str
    official_code: bool
    footnotes: pd.DataFrame
    lead_agency: str
    cooperating: list[str]
    group_label: str
    plan_number: str
    plan_rank: float
    plan_rank_of: float
    plan_rank_edition: int
    solutions: list[str]
    plan_tasks: pd.DataFrame
    province: str
    province_name: str
    region: str
    region_name: str
    units: pd.DataFrame
    scores: pd.DataFrame
    over_time: pd.DataFrame
    history: pd.DataFrame
    peer_data: pd.DataFrame | None
    targets: pd.DataFrame
    data_note: str
    peer_formula: str = targets_module.DEFAULT_PEER_FORMULA  # the peer model `targets` were computed with
    bundle: object = dataclasses.field(default=None, repr=False, compare=False)

    @property
    def data_year(self) -> int:
        return schema.data_year(self.edition)

    @property
    def own(self) -> pd.Series:
        """The province's row of `scores`."""
        return self.scores.set_index(schema.UNIT).loc[self.province]

    @property
    def regions(self) -> dict[str, str]:
        return dict(zip(self.units[schema.UNIT], self.units["region"]))

    @property
    def names(self) -> dict[str, str]:
        return dict(zip(self.units[schema.UNIT], self.units["name_vi"]))

    @property
    def recommended(self) -> pd.Series:
        """The recommended target's row of `targets`."""
        return targets_module.recommended_targets(self.targets).iloc[0]

    @property
    def bounds(self) -> tuple[float, float]:
        """Where the indicator's values must lie (the targets' `lower_bound`, `upper_bound`)."""
        row = self.targets.iloc[0]
        return float(row["lower_bound"]), float(row["upper_bound"])


def chapter_targets(chapter: IndicatorChapter, peer_formula: str | None = None) -> pd.DataFrame:
    """The indicator's targets with the peer model `peer_formula` (default: the one the
    chapter's targets were computed with): the chapter's table when the formula is that one,
    else recomputed (`bundle_targets`) so that the page's peer model is the targets' too."""
    if peer_formula is None or str(peer_formula) == chapter.peer_formula:
        return chapter.targets
    if chapter.bundle is None:
        raise ValueError("the chapter was loaded without its data bundle; cannot recompute its targets")
    plan = load_plan()
    one_indicator = dataclasses.replace(plan, indicators=plan.indicators[plan.indicators["code"] == chapter.code])
    return targets_module.bundle_targets(chapter.bundle, chapter.edition, chapter.province, plan=one_indicator,
                                         top=targets_module.DEFAULT_TOP, peer_formula=str(peer_formula))


def load_indicator(edition, province: str, data_path, indicator: str) -> IndicatorChapter:
    """Load one plan indicator's chapter data (parameters as strings, as papermill passes them)."""
    edition, code = int(edition), str(indicator)
    plan = load_plan(province=province)  # the province's own plan
    if plan is None:
        raise ValueError(f"province {province!r} has no plan (data/plan); its book has no indicator chapters")
    rows = plan.indicators[plan.indicators["code"] == code]
    if rows.empty:
        raise ValueError(f"indicator {code!r} is not in the plan; plan indicators: {', '.join(plan.indicators['code'])}")
    item = rows.iloc[0]
    bundle = load_bundle(data_location(data_path), edition)
    current = edition_result(bundle, edition)
    units = current.units
    if province not in set(units[schema.UNIT]):
        raise ValueError(f"province {province!r} is not a unit of the edition {edition} map "
                         f"({len(units)} units); check the spelling of the key")
    unit = units.set_index(schema.UNIT).loc[province]
    meta = framework_indicators(load_framework(edition)).set_index("code").loc[code]
    footnotes = plan.footnotes.loc[plan.footnotes["indicator"] == code, ["number", "text_vi"]].reset_index(drop=True)
    # The framework's definition often is the plan's footnote, or contains it (1.1.1: one
    # sentence, then the footnote): the chapter says the footnote's text once, as the footnote.
    definition = str(meta["definition_vi"]).strip()
    for footnote in footnotes["text_vi"].str.strip():
        if footnote and footnote in definition:
            definition = definition.replace(footnote, "").strip()
    tasks = plan.solutions[plan.solutions["indicators"].map(lambda codes: code in codes)]
    scores = current.scores[current.scores["element"] == code]
    scores = scores[[schema.UNIT, "name", "region", "raw_value", "score", "rank", "n_units"]].reset_index(drop=True)
    raw = current.result.stages["Raw"].set_index("uCode")[code]
    covariates = bundle.covariates_on_map(edition)
    units_of_map = set(units[schema.UNIT])
    peer_data = None
    if not covariates.empty and set(covariates[schema.UNIT]) <= units_of_map:
        year_rows = covariates[covariates[schema.YEAR].astype(int) == schema.data_year(edition)]
        if not year_rows.empty:
            peer_data = peer_frame(raw, year_rows).loc[sorted(units_of_map)]
    return IndicatorChapter(
        edition=edition, code=code, name=str(meta["name_vi"]), unit_label=str(meta["unit_vi"]),
        direction=int(meta["direction"]), definition=definition,
        official_code=meta["code_status"] == "official", footnotes=footnotes,
        lead_agency=plan.agency_name(item["lead_agency_key"]),
        cooperating=[plan.agency_name(key) for key in item["cooperating_keys"]],
        group_label=str(plan.groups.set_index("key").at[item["group"], "label_vi"]),
        plan_number=str(plan.document["number"]),
        plan_rank=float(item["rank_2024"]) if pd.notna(item["rank_2024"]) else float("nan"),
        plan_rank_of=float(item["rank_of"]) if pd.notna(item["rank_of"]) else float("nan"),
        plan_rank_edition=int(plan.document["rank_edition"]),
        # The plan's text as the plan has it, "[sic]" after its typos (data/plan: `typos`).
        solutions=[plan.sic(text) for text in item["solution_vi"]],
        plan_tasks=tasks[["section", "assignment_vi", "actions_vi"]].assign(
            assignment_vi=tasks["assignment_vi"].map(plan.sic),
            actions_vi=tasks["actions_vi"].map(lambda actions: tuple(plan.sic(a) for a in actions)),
        ).reset_index(drop=True),
        province=province, province_name=str(unit["name_vi"]), region=str(unit["region"]),
        region_name=str(unit["region_name_vi"]), units=units, scores=scores,
        over_time=indicator_over_time(bundle, edition, province, code),
        history=bundle.history_on_map(edition, code)[[schema.YEAR, schema.UNIT, schema.VALUE, "harmonised",
                                                      schema.PROVENANCE]],
        peer_data=peer_data,
        # Computed once per build for every plan indicator (piilib.report.shared), with the
        # default peer formula; `chapter_targets` recomputes for a notebook's own formula.
        targets=plan_targets(bundle, edition, province, code),
        data_note=data_note(bundle, edition),
        peer_formula=targets_module.DEFAULT_PEER_FORMULA,
        bundle=bundle,
    )


def indicator_over_time(bundle, edition: int, province: str, code: str) -> pd.DataFrame:
    """The province's value, score and rank of one indicator in each edition up to `edition`,
    every edition computed on `edition`'s map (earlier editions harmonised after the merger);
    rank and n_units are NaN where an earlier edition cannot be ranked on this map."""
    rows = []
    for other in bundle.editions(edition):
        computed = edition_result(bundle, other, edition)
        element = computed.scores[(computed.scores[schema.UNIT] == province) & (computed.scores["element"] == code)]
        if element.empty:
            continue
        element = element.iloc[0]
        own_value = computed.values[(computed.values[schema.UNIT] == province)
                                    & (computed.values[schema.INDICATOR].astype(str) == code)]
        rows.append({schema.EDITION: other, "harmonised": bool(computed.harmonised),
                     # The marks: the value's own provenance, and that of a score or rank
                     # (computed from every province's value of the indicator).
                     "value_provenance": str(own_value[schema.PROVENANCE].iloc[0]) if not own_value.empty else None,
                     "rank_provenance": edition_provenance(computed, [code]),
                     "data_year": schema.data_year(other), "raw_value": float(element["raw_value"]),
                     # An earlier edition that cannot be carried onto this map (an indicator
                     # without a merge rule) has no score or rank here: NaN, shown as "–".
                     "score": float(element["score"]), "rank": float(element["rank"]),
                     "n_units": float(element["n_units"])})
    return pd.DataFrame(rows, columns=[schema.EDITION, "harmonised", "data_year", "raw_value", "score", "rank",
                                       "n_units", "value_provenance", "rank_provenance"])


def merged_edition(edition: int) -> bool:
    """The edition is ranked on the map after the 2025 merger of provinces."""
    return era(int(edition)) == era(schema.FIRST_MERGED_EDITION)
