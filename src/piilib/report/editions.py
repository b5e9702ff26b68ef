"""Each edition's index for the report, computed once per data bundle and shared by chapters.

`edition_result(bundle, edition, map_edition)` computes the PII of an edition on the map of
another (harmonised after the merger of provinces) and caches it per bundle, so a chapter that
needs an edition's index in several places computes it once. The small lookups every chapter
uses (the province's row, an element's score, the region rank, the data notice) live here too.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import pandas as pd

from piilib import schema
from piilib.analysis.levers import top_code
from piilib.bundle import COVARIATES_KIND, EARLIER_KIND, HISTORY_KIND, VALUES_KIND, DataBundle, load_bundle
from piilib.framework import load_framework
from piilib.paths import repo_path
from piilib.pii import compute_pii, scores_table, to_idata
from piilib.report.markup import MarkdownText
from piilib.report.notice import NOTICE_TEXT, notice_text
from piilib.report.provenance import code_label, computed_from
from piilib.units import era, load_units

PART_LABELS = {
    VALUES_KIND: "giá trị các chỉ số",
    EARLIER_KIND: "giá trị các kỳ trước",
    HISTORY_KIND: "chuỗi số liệu theo năm",
    COVARIATES_KIND: "biến cơ cấu",
}
ILLUSTRATIVE_SENTENCE = (
    f"**{NOTICE_TEXT}.** Các con số trong chương này được tính trên bộ dữ liệu minh họa đi kèm "
    "phần mềm (dựng sao cho khớp với các kết quả đã công bố), chỉ dùng để trình bày phương pháp; "
    "không trích dẫn chúng như kết quả PII."
)


def load_edition_bundle(data_path, edition) -> DataBundle:
    """The data a chapter reads: `data_path` relative to the repository (see
    `piilib.paths.repo_path`), for `edition` (a string from papermill, or an int)."""
    return load_bundle(repo_path(data_path), int(edition))


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
    from piilib.report import shared

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


def same_map(edition: int, other: int) -> bool:
    """Both editions rank the same units (no merger of provinces in between)."""
    return era(edition) == era(other)


def merged_edition(edition: int) -> bool:
    """The edition ranks the units formed by the merger of provinces."""
    return era(edition) == era(schema.FIRST_MERGED_EDITION)


def map_size(edition: int) -> int:
    """How many provinces and cities the edition ranks."""
    return len(load_units(edition))


def map_label(edition: int) -> str:
    return f"{map_size(edition)} tỉnh, thành phố"


def data_note(bundle: DataBundle, edition: int) -> str:
    """The notice sentence of a chapter: which data are illustrative (empty when none)."""
    illustrative = bundle.illustrative_parts(edition)
    if not illustrative:
        return ""
    if VALUES_KIND in illustrative:
        return ILLUSTRATIVE_SENTENCE
    # The same words as the notice on every page (piilib.report.notice), then what follows from them.
    return (f"**{notice_text(edition, illustrative)}** (số liệu minh họa đi kèm phần mềm). Xu hướng, dự báo, "
            "mô hình so sánh, mục tiêu khuyến nghị và triển vọng dựa trên phần minh họa chỉ dùng để trình bày "
            "phương pháp, không trích dẫn như kết quả.")


def edition_provenance(current: EditionResult, indicators=None) -> str:
    """The provenance mark of a score or rank computed from the edition's values: all of them
    (an aggregate, the PII), or those of `indicators` (an indicator's score and rank depend on
    every province's value of it). See `piilib.report.provenance.derived_provenance`."""
    values = current.values
    if indicators is not None:
        values = values[values[schema.INDICATOR].astype(str).isin([str(code) for code in indicators])]
    return computed_from(values[schema.PROVENANCE])


def analysis_provenance(bundle: DataBundle, edition: int) -> str:
    """The provenance mark of what is computed from everything the edition uses (its values,
    earlier editions, the history and the covariates): trends, peer models, targets, outlook."""
    return computed_from(p for provenances in bundle.parts(int(edition)).values() for p in provenances)


@functools.lru_cache(maxsize=8)
def provisional_codes(edition: int) -> frozenset[str]:
    """Indicator codes of the edition's framework that are provisional (`code_status`)."""
    framework = load_framework(int(edition))
    return frozenset(framework.loc[framework["code_status"] == "provisional", "code"].astype(str))


def indicator_code(code, edition: int) -> MarkdownText:
    """An indicator code for a table cell: with the provisional dagger when it is one."""
    return code_label(str(code), str(code) in provisional_codes(int(edition)))


def unit_row(units: pd.DataFrame, province: str) -> pd.Series:
    """The province's row of the units table (name_vi, region, region_name_vi ...)."""
    table = units.set_index(schema.UNIT)
    if province not in table.index:
        raise ValueError(f"province {province!r} is not a unit of this edition's map "
                         f"({len(table)} units); check the spelling of the key")
    return table.loc[province]


def element(scores: pd.DataFrame, province: str, code: str) -> pd.Series:
    """The province's row of the scores table for one element (index, pillar, indicator)."""
    rows = scores[(scores[schema.UNIT] == province) & (scores["element"] == code)]
    if rows.empty:
        raise ValueError(f"no score for {province!r}, element {code!r}")
    return rows.iloc[0]


def sub_index_codes(scores: pd.DataFrame) -> list[str]:
    """Sub-index codes in framework order (the framework lists the input sub-index first)."""
    return list(dict.fromkeys(scores.loc[scores["kind"] == "sub_index", "element"]))


def region_rank(scores: pd.DataFrame, province: str, code: str, region: str) -> tuple[int, int]:
    """(rank of the province within `region` on element `code`, number of units in the region)."""
    rows = scores[(scores["element"] == code) & (scores["region"] == region)]
    if not (rows[schema.UNIT] == province).any():
        raise ValueError(f"province {province!r} is not in region {region!r}; a region goal applies only to "
                         "the provinces of that region (is the plan another province's?)")
    better = (rows["score"] > float(rows.loc[rows[schema.UNIT] == province, "score"].iloc[0])).sum()
    return int(better) + 1, len(rows)


def value_places(current: EditionResult, codes) -> dict[str, int]:
    """Decimals to write each indicator of `codes` with, by the report's precision rule
    (`piilib.report.text.precision` of the indicator's values across provinces in the
    edition result `current`): the decimals its indicator chapter writes it with, so that a
    value reads the same in the profile, the summary, the overview and the agencies' tables."""
    from piilib.report.text import precision

    scores = current.scores
    return {str(code): precision(scores.loc[scores["element"].astype(str) == str(code), "raw_value"])
            for code in codes}
