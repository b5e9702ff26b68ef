"""The agencies chapter's facts: each lead agency's plan indicators with the recommended
target for the next edition and what reaching it gives, the agencies' workbook, the deadline;
what each agency must do: the evidence to send, the plan's items assigned to it (quoted) and
the notes on targets outside its control (the plan file's `control_notes`).

Functions return frames; notebooks/agencies.ipynb writes the prose and lays out the tables.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import pandas as pd

from piilib.analysis import targets as targets_module
from piilib.bundle import DataBundle
from piilib.plan import load_plan
from piilib.report.goals import plan_targets
from piilib.report.editions import value_places  # noqa: F401 - the chapters' decimals, one place
from piilib.report.text import integer

WORKBOOK_NAME = "chi-tieu-cac-co-quan-{edition}-{province}.xlsx"


def recommended_targets(bundle: DataBundle, edition, province: str) -> pd.DataFrame:
    """One row per plan indicator: the recommended target for the next edition (the targets
    module's columns: indicator, indicator_name, lead_agency_key, current_value, target_value,
    unit_label, increment_count, count_noun, increment_text, pii_change ...)."""
    return targets_module.recommended_targets(plan_targets(bundle, edition, province))


def lead_agencies(province: str | None = None) -> list[str]:
    """Keys of the agencies that lead at least one plan indicator, in the plan's order (the
    province's plan when given: empty without one)."""
    plan = load_plan() if province is None else load_plan(province=province)
    return [] if plan is None else list(dict.fromkeys(plan.indicators["lead_agency_key"]))


def agency_name(key: str, province: str | None = None) -> str:
    return (load_plan() if province is None else load_plan(province=province)).agency_name(key)


def cooperating_agencies(key: str, province: str | None = None) -> list[str]:
    """Names of the agencies that cooperate on the indicators `key` leads, first mention first
    (in the province's plan when given)."""
    plan = load_plan() if province is None else load_plan(province=province)
    return list(dict.fromkeys(plan.agency_name(k) for codes in plan.indicators_led_by(key)["cooperating_keys"]
                              for k in codes))


def own_value_provenance(current, province: str, codes) -> dict[str, str | None]:
    """The provenance of the province's own value of each indicator of `codes` in the edition
    result `current` (official, published or illustrative; None when it has no value)."""
    from piilib import schema

    values = current.values
    own = values[values[schema.UNIT].astype(str) == province]
    found = dict(zip(own[schema.INDICATOR].astype(str), own[schema.PROVENANCE].astype(str)))
    return {str(code): found.get(str(code)) for code in codes}


def shown_target(row: pd.Series, places: int) -> float:
    """The target of a row of `recommended_targets` at `places` decimals, rounded towards
    improvement (never short of the target), as its indicator chapter shows it."""
    return targets_module.round_towards(float(row["target_value"]), places, int(row["direction"]))


def change_text(row: pd.Series, places: int) -> str:
    """The change a target asks for (an increase or, for a lower-is-better indicator, a
    decrease), at `places` decimals, the difference of the values as shown: a whole count when
    the indicator counts something ("+2 đơn đăng ký …", "−1 …"), else in the indicator's unit
    ("+2,6 điểm phần trăm", "−0,05 %GRDP"); "giữ nguyên" once reached, "gần như giữ nguyên"
    when the change is below the shown precision (never "+0,00281")."""
    if bool(row["reached"]) or pd.isna(row["target_value"]) or pd.isna(row["current_value"]):
        return "giữ nguyên"
    change = targets_module.shown_change(float(row["current_value"]), float(row["target_value"]), places,
                                         int(row["direction"]))
    if change == 0:  # a rise smaller than the data's precision
        return "gần như giữ nguyên"
    count = row["increment_count"]
    noun = row["count_noun"] if isinstance(row["count_noun"], str) and row["count_noun"] else None
    if pd.notna(count) and noun and int(count) != 0:
        return f"{'+' if int(count) > 0 else '−'}{integer(abs(int(count)))} {noun}"
    return targets_module.increment_text(change, str(row["unit_label"]), places)


def deadline_date(edition, province: str | None = None) -> datetime.date | None:
    """The date in the year after `edition` by which agencies send their data (the plan's
    deadline; the province's plan when given, None without one)."""
    plan = load_plan() if province is None else load_plan(province=province)
    deadline = None if plan is None else plan.deadline
    return None if deadline is None else deadline.date_for(int(edition) + 1)


def write_agency_workbook(bundle: DataBundle, edition, province: str, directory: str | Path) -> Path | None:
    """The agencies' workbook (every threshold of every plan indicator, a sheet per lead
    agency) written into `directory` as WORKBOOK_NAME; returns its path (None, nothing
    written, for a province without a plan)."""
    from piilib.analysis.workbook import write_workbook

    plan = load_plan(province=province)
    if plan is None:
        return None
    path = Path(directory) / WORKBOOK_NAME.format(edition=int(edition), province=province)
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_workbook(plan_targets(bundle, edition, province), path, plan)


def agency_actions(key: str, province: str | None = None) -> pd.DataFrame:
    """The plan's section III items assigned to the agency `key` (or asked of it), in the
    plan's order, as the plan has them: section, verb, assignment_vi, actions_vi (a tuple)."""
    plan = load_plan() if province is None else load_plan(province=province)
    if plan is None:
        return pd.DataFrame(columns=["section", "verb", "assignment_vi", "actions_vi"])
    rows = plan.solutions[[key in keys for keys in plan.solutions["agency_keys"]]]
    return rows[["section", "verb", "assignment_vi", "actions_vi"]].reset_index(drop=True)


def control_notes(province: str | None = None) -> pd.DataFrame:
    """The plan file's notes on targets outside their lead agency's control (indicator,
    agency_key, extent, reason_vi; `piilib.plan`), empty without a plan or notes."""
    from piilib.plan import CONTROL_NOTE_COLUMNS

    plan = load_plan() if province is None else load_plan(province=province)
    return pd.DataFrame(columns=CONTROL_NOTE_COLUMNS) if plan is None else plan.control_notes


from piilib.analysis.workbook import CONTROL_LABELS_VI  # noqa: E402 - the workbook's words, one place


def evidence_items(edition, province: str, key: str) -> pd.DataFrame:
    """What the agency `key` sends for the next edition, per indicator it leads: indicator,
    name, data_year (the next edition's data year), definition_vi and source (where the
    Ministry takes the value from, per the framework), in plan order."""
    from piilib import schema
    from piilib.framework import indicators as framework_indicators

    plan = load_plan(province=province)
    columns = ["indicator", "name", "data_year", "definition_vi", "source"]
    if plan is None:
        return pd.DataFrame(columns=columns)
    framework = framework_indicators(int(edition)).set_index("code")
    led = plan.indicators_led_by(key)
    return pd.DataFrame({
        "indicator": led["code"].to_numpy(),
        "name": led["name_vi"].to_numpy(),
        "data_year": schema.data_year(int(edition) + 1),
        "definition_vi": [str(framework.at[c, "definition_vi"]) if c in framework.index else "" for c in led["code"]],
        "source": [str(framework.at[c, "source"]) if c in framework.index else "" for c in led["code"]],
    }, columns=columns)
