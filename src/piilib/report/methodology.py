"""The methodology chapter's facts: which files were read with which provenance, what was
harmonised after the merger, which indicators were treated for outliers, the method log and
the framework's provisional codes.

Functions return frames of numbers and codes; notebooks/methodology.ipynb labels and shows them.
"""

from __future__ import annotations

import pandas as pd

from piilib import schema
from piilib.bundle import COVARIATES_KIND, HISTORY_KIND, OFFICIAL_FILE, OTHER_KIND, VALUES_KIND, DataBundle
from piilib.framework import indicators as framework_indicators
from piilib.framework import load_framework
from piilib.index.steps import IMPUTE_GROUP_MEAN, IMPUTE_GROUP_MEDIAN, IMPUTE_MEAN, IMPUTE_MEDIAN
from piilib.index.structure import ARITHMETIC, GEOMETRIC, MINMAX, ZSCORE
from piilib.paths import REPO_ROOT
from piilib.report.editions import EditionResult, merged_edition, same_map

FILE_KIND_LABELS = {
    VALUES_KIND: "Giá trị chỉ số theo kỳ PII",
    HISTORY_KIND: "Chuỗi số liệu theo năm (xu hướng)",
    COVARIATES_KIND: "Biến cơ cấu (mô hình so sánh)",
    OTHER_KIND: "Tệp khác (không dùng để tính)",
}
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


def data_files(bundle: DataBundle) -> pd.DataFrame:
    """The files read: file, kind, supplement (from the illustrative data that complete an
    official file), rows, and one count column per provenance (official, published, illustrative)."""
    files = bundle.files
    frame = pd.DataFrame({"file": files["file"].astype(str), "kind": files["kind"],
                          "supplement": files["supplement"].astype(bool), "rows": files["rows"]})
    for provenance in schema.PROVENANCES:
        frame[provenance] = files[provenance].fillna(0).astype(int) if provenance in files else 0
    return frame


def data_label(bundle: DataBundle) -> str:
    """How the chapter names the data read: repository-relative inside the repository
    ("data/demo"), else the file or directory name (no machine-specific path)."""
    path = bundle.path.resolve()
    return path.relative_to(REPO_ROOT).as_posix() if REPO_ROOT in path.parents else path.name


def supplement_path(bundle: DataBundle) -> str | None:
    """Where the history and covariates of an official file come from (repository-relative),
    None when the data are a directory or a long CSV of their own."""
    if bundle.origin != OFFICIAL_FILE:
        return None
    supplement = bundle.supplement.resolve()
    return supplement.relative_to(REPO_ROOT).as_posix() if REPO_ROOT in supplement.parents else supplement.name


def parts_provenance(bundle: DataBundle, edition: int) -> dict[str, list[str]]:
    """Part of the data the edition uses (values, history, covariates) -> its provenances."""
    return {part: sorted(provenances) for part, provenances in bundle.parts(edition).items()}


def provenance_summary(current: EditionResult) -> pd.DataFrame:
    """Per provenance of the edition's values: values, units and indicators that carry it."""
    return (current.values.groupby(schema.PROVENANCE)
            .agg(values=(schema.VALUE, "size"), units=(schema.UNIT, "nunique"),
                 indicators=(schema.INDICATOR, "nunique"))
            .reset_index())


def merge_rules(edition: int) -> pd.DataFrame:
    """How each indicator is combined when provinces merge: rule, n (indicators), codes."""
    framework = framework_indicators(load_framework(edition))
    rules = framework.groupby("merge_rule")["code"].agg(list)
    return pd.DataFrame({"rule": rules.index, "n": [len(c) for c in rules], "codes": list(rules)})


def harmonised_editions(bundle: DataBundle, edition: int) -> list[int]:
    """Earlier editions whose values were re-expressed on this edition's map (empty before the merger)."""
    if not merged_edition(edition):
        return []
    return [e for e in bundle.editions() if e < edition and not same_map(e, edition)]


def outlier_treatment(current: EditionResult) -> pd.DataFrame:
    """The indicators treated for outliers: indicator, treatment, skew_before, kurtosis_before,
    n_winsorised, treated_units (unit keys); plus the number of indicators screened in attrs["screened"]."""
    treatment = current.result.treatment
    treated = treatment[treatment["treatment"].astype(str) != "none"]
    frame = pd.DataFrame({
        "indicator": treated["iCode"].astype(str), "treatment": treated["treatment"].astype(str),
        "skew_before": treated["skew_before"].astype(float), "kurtosis_before": treated["kurtosis_before"].astype(float),
        "n_winsorised": treated["n_winsorised"],
        "treated_units": [[u.strip() for u in str(units).split(";") if u.strip()] for units in treated["treated_units"]],
    }).reset_index(drop=True)
    frame.attrs["screened"] = len(treatment)
    return frame


# The method log's parameter names and method values in the reader's words.
PARAMETER_LABELS = {
    "skew_threshold": "ngưỡng độ lệch",
    "kurtosis_threshold": "ngưỡng độ nhọn",
    "max_winsorised": "số giá trị bị chặn tối đa mỗi chỉ số",
    "method": "phương pháp",
    "lower": "cận dưới",
    "upper": "cận trên",
    "mean": "trung bình",
    "sd": "độ lệch chuẩn",
    "group": "nhóm",
    "min_availability": "tỷ lệ có số liệu tối thiểu",
    "weights": "trọng số",
}
METHOD_LABELS = {
    MINMAX: "min–max",
    ZSCORE: "z-score",
    ARITHMETIC: "trung bình cộng",
    GEOMETRIC: "trung bình nhân",
    IMPUTE_MEAN: "trung bình",
    IMPUTE_MEDIAN: "trung vị",
    IMPUTE_GROUP_MEAN: "trung bình của nhóm",
    IMPUTE_GROUP_MEDIAN: "trung vị của nhóm",
}
# Parameters a normalisation method does not read (min–max has no mean and sd).
_UNUSED_BY_NORMALISATION = {MINMAX: ("mean", "sd"), ZSCORE: ("lower", "upper")}


def method_log(current: EditionResult) -> pd.DataFrame:
    """The engine's method log: step and its parameters (name -> value), without empty ones or
    the ones its method does not use (a min–max normalisation's mean and sd)."""
    def used(entry: dict) -> dict:
        unused = _UNUSED_BY_NORMALISATION.get(entry.get("method"), ()) if entry["step"] == "normalise" else ()
        return {k: v for k, v in entry.items() if k != "step" and k not in unused and v not in ({}, None)}

    return pd.DataFrame({
        "step": [entry["step"] for entry in current.result.log],
        "parameters": [used(entry) for entry in current.result.log],
    })


def provisional_codes(edition: int) -> pd.DataFrame:
    """The framework's indicators with provisional codes: code, name, name_source; attrs["total"]
    is the number of indicators in the framework."""
    framework = framework_indicators(load_framework(edition))
    rows = framework[framework["code_status"] == "provisional"]
    frame = pd.DataFrame({"code": rows["code"].astype(str), "name": rows["name_vi"].astype(str),
                          "name_source": rows["name_source"] if "name_source" in rows else ""}).reset_index(drop=True)
    frame.attrs["total"] = len(framework)
    return frame


def evidence_counts(target_table: pd.DataFrame) -> pd.Series:
    """How many plan indicators' recommended targets rest on each evidence model ("trend",
    "peer", "not enough evidence"): the model with the smaller out-of-sample error
    (`piilib.analysis.targets`), counted over the recommended rows."""
    from piilib.analysis.targets import recommended_targets

    chosen = recommended_targets(target_table)
    return chosen["evidence_model"].fillna("not enough evidence").astype(str).value_counts()
