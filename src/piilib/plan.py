"""The province's PII plan as data (data/plan/plan88.yaml): goals, indicators, agencies.

The report reads its chapters from here: which indicators are weak (with their ranks) and
which to maintain, who leads and who cooperates on each, what the plan asks each agency to
do, the footnote definitions and the yearly deadline; and `control_notes`, the project's own
notes (not the plan's text) on targets outside their lead agency's control, with the reason.
Nothing in the code depends on particular indicator codes or agencies; a new plan is a new
YAML file in the same layout.

Plans are per province. The plan of a province is the YAML file of data/plan whose
`document.city_unit` is the province key (plan88.yaml: `can-tho`), or else the file named
after the key (data/plan/<province-key>.yaml, e.g. data/plan/ha-noi.yaml). A province
without one has no plan: `load_plan(province=...)` returns None and the report leaves out
the plan's sections (goals, plan indicators, agencies).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from piilib.messages import Said, text
from piilib.paths import DATA_DIR

PLAN_DIR = DATA_DIR / "plan"
DEFAULT_PLAN = PLAN_DIR / "plan88.yaml"

GROUPS = ("weak", "maintain")

GOAL_COLUMNS = ["key", "section", "text_vi", "target_kind", "target_value", "target_scope",
                "target_region", "target_edition"]
INDICATOR_COLUMNS = ["code", "group", "order", "name_vi", "qualifier_vi", "rank_2024", "rank_of",
                     "lead_agency", "lead_agency_key", "cooperating", "cooperating_keys",
                     "solution_vi", "footnote", "cells_from_row", "shared_cells"]
CONTROL_NOTE_COLUMNS = ["indicator", "agency_key", "extent", "reason_vi"]
# How far a target is outside its lead agency's control (control_notes, the project's reading).
CONTROL_EXTENTS = ("outside", "partial")
SOLUTION_COLUMNS = ["section", "heading_vi", "assignment_vi", "agency_keys", "verb", "actions_vi",
                    "indicators", "components_named_vi"]


class PlanError(ValueError):
    """A plan file that cannot be used; `problems` lists every problem found."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


@dataclass(frozen=True)
class Deadline:
    """The yearly date by which agencies send their data and evidence."""

    day: int
    month: int
    text_vi: str
    what_vi: str
    from_vi: str
    recipient_key: str
    section: str
    recurrence: str

    def date_for(self, year: int) -> datetime.date:
        return datetime.date(int(year), self.month, self.day)


SIC = "[sic]"  # after a typo of the plan's text, quoted as the plan has it


@dataclass(frozen=True)
class Plan:
    """The plan, as small frames. List-valued cells (cooperating, actions…) hold tuples."""

    document: dict
    goals: pd.DataFrame
    groups: pd.DataFrame
    agencies: pd.DataFrame
    indicators: pd.DataFrame
    solutions: pd.DataFrame
    footnotes: pd.DataFrame
    deadline: Deadline | None
    # Typos of the plan's text as (text, note) pairs (the file's `typos` section, optional).
    typos: tuple = ()

    # The project's notes (not the plan's text) on targets outside their lead agency's control.
    control_notes: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=CONTROL_NOTE_COLUMNS))

    def sic(self, text) -> str:
        """`text` from the plan, as the plan has it, with "[sic]" after each typo it holds
        ("phục vụ phát triển - xã hội [sic]."); other text unchanged."""
        text = str(text)
        for typo, _ in self.typos:
            text = re.sub(re.escape(typo) + r"(?! \[sic\])", lambda found: f"{found.group(0)} {SIC}", text)
        return text

    def agency_name(self, key: str) -> str:
        """The Vietnamese name of an agency key."""
        return str(self.agencies.set_index("key").at[key, "name_vi"])

    def indicators_led_by(self, key: str) -> pd.DataFrame:
        """The plan's indicators an agency leads, in plan order (weak first)."""
        return self.indicators[self.indicators["lead_agency_key"] == key]


# libyaml's safe loader when built in: the same result, ~10x faster than pure Python.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def plan_path(province: str, plan_dir: str | Path | None = None) -> Path | None:
    """The plan file of a province key (rule in the module docstring), or None."""
    plan_dir = Path(PLAN_DIR if plan_dir is None else plan_dir)
    for candidate in sorted(plan_dir.glob("*.yaml")):
        try:
            raw = yaml.load(candidate.read_text(encoding="utf-8"), Loader=_SAFE_LOADER)
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            continue  # reported when that plan itself is read
        document = raw.get("document") if isinstance(raw, dict) else None
        if isinstance(document, dict) and str(document.get("city_unit", "")) == str(province):
            return candidate
    own = plan_dir / f"{province}.yaml"
    return own if own.is_file() else None


def load_plan(path: str | Path | None = None, *, province: str | None = None) -> Plan | None:
    """Read and check a plan file (default: data/plan/plan88.yaml). With `province` (a unit
    key) and no path: that province's plan (`plan_path`), None when it has none."""
    if path is None and province is not None:
        path = plan_path(province)
        if path is None:
            return None
    path = Path(path) if path is not None else DEFAULT_PLAN
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_SAFE_LOADER)
    except yaml.YAMLError as error:
        from piilib.yaml_errors import yaml_detail, yaml_where

        raise PlanError([Said("plan.not_yaml", file=path.name, where=yaml_where(error),
                              detail=yaml_detail(error))]) from error
    except (OSError, UnicodeDecodeError) as error:
        raise PlanError([Said("plan.unreadable", file=path.name, reason=error)]) from error
    required = ("document", "goals", "groups", "agencies", "indicators", "solutions", "footnotes", "deadline")
    missing = [key for key in required if not isinstance(raw, dict) or key not in raw]
    if missing:
        raise PlanError([Said("plan.missing_section", file=path.name, section=key) for key in missing])

    document = dict(raw["document"])
    indicators = _indicator_frame(raw["indicators"], int(document.get("rank_of", 0)))
    plan = Plan(
        document=document,
        goals=_goal_frame(raw["goals"]),
        groups=pd.DataFrame(raw["groups"], columns=["key", "section", "label_vi"]),
        agencies=pd.DataFrame(
            [{**a, "variants_vi": tuple(a.get("variants_vi") or ())} for a in raw["agencies"]],
            columns=["key", "name_vi", "name_en", "variants_vi"]),
        indicators=indicators,
        solutions=_solution_frame(raw["solutions"], raw.get("solution_sections", [])),
        footnotes=pd.DataFrame(
            [{"number": int(f["number"]), "indicator": str(f["indicator"]), "text_vi": f["text_vi"]}
             for f in raw["footnotes"]], columns=["number", "indicator", "text_vi"]),
        deadline=_deadline(raw["deadline"]),
        typos=tuple((str(t["text_vi"]), str(t.get("note_vi") or "")) for t in raw.get("typos") or ()),
        control_notes=_control_note_frame(raw.get("control_notes") or []),
    )
    problems = _problems(plan, raw["deadline"], path.name)
    notes = raw.get("control_notes")
    if notes is not None and not (isinstance(notes, list) and all(isinstance(n, dict) for n in notes)):
        problems.append(Said("plan.control_notes_shape", file=path.name))
    if problems:
        raise PlanError(problems)
    return plan


def _deadline(deadline: dict) -> Deadline | None:
    """The deadline, or None when its day and month are not a calendar date (reported later)."""
    try:
        day, month = int(deadline["day"]), int(deadline["month"])
        datetime.date(2000, month, day)  # a leap year: accepts 29 February
    except (KeyError, TypeError, ValueError):
        return None
    fields = {name: str(deadline.get(name, "")) for name in
              ("text_vi", "what_vi", "from_vi", "recipient_key", "section", "recurrence")}
    return Deadline(day=day, month=month, **fields)


def _goal_frame(goals: list[dict]) -> pd.DataFrame:
    rows = []
    for goal in goals:
        target = goal.get("target") or {}
        rows.append({
            "key": goal["key"], "section": goal["section"], "text_vi": goal["text_vi"],
            "target_kind": target.get("kind"), "target_value": target.get("value"),
            "target_scope": target.get("scope"), "target_region": target.get("region"),
            "target_edition": target.get("edition"),
        })
    frame = pd.DataFrame(rows, columns=GOAL_COLUMNS)
    for column in ("target_value", "target_edition"):
        frame[column] = frame[column].astype("Int64")
    return frame


def _indicator_frame(indicators: list[dict], rank_of: int) -> pd.DataFrame:
    rows = []
    for item in indicators:
        rows.append({
            "code": str(item["code"]), "group": item["group"], "order": int(item["order"]),
            "name_vi": item["name_vi"], "qualifier_vi": item.get("qualifier_vi"),
            "rank_2024": item.get("rank_2024"), "rank_of": rank_of if item.get("rank_2024") else None,
            "lead_agency": item["lead_agency"], "lead_agency_key": item["lead_agency_key"],
            "cooperating": tuple(item["cooperating"]), "cooperating_keys": tuple(item["cooperating_keys"]),
            "solution_vi": tuple(item["solution_vi"]), "footnote": item.get("footnote"),
            "cells_from_row": item.get("cells_from_row"), "shared_cells": tuple(item.get("shared_cells") or ()),
        })
    frame = pd.DataFrame(rows, columns=INDICATOR_COLUMNS)
    for column in ("rank_2024", "rank_of", "footnote", "cells_from_row"):
        frame[column] = frame[column].astype("Int64")
    group_order = {group: position for position, group in enumerate(GROUPS)}
    frame = frame.sort_values(["group", "order"], key=lambda s: s.map(group_order) if s.name == "group" else s,
                              kind="stable")
    return frame.reset_index(drop=True)


def _control_note_frame(notes) -> pd.DataFrame:
    rows = [{"indicator": str(n.get("indicator", "")), "agency_key": str(n.get("agency_key", "")),
             "extent": str(n.get("extent", "")), "reason_vi": str(n.get("reason_vi") or "").strip()}
            for n in (notes if isinstance(notes, list) else []) if isinstance(n, dict)]
    return pd.DataFrame(rows, columns=CONTROL_NOTE_COLUMNS)


def _solution_frame(solutions: list[dict], sections: list[dict]) -> pd.DataFrame:
    headings = {s["section"]: s["heading_vi"] for s in sections}
    rows = []
    for item in solutions:
        section = str(item["section"])
        rows.append({
            "section": section, "heading_vi": headings.get(section.rsplit(".", 1)[0]),
            "assignment_vi": item["assignment_vi"], "agency_keys": tuple(item.get("agency_keys") or ()),
            "verb": item.get("verb") or "", "actions_vi": tuple(item.get("actions_vi") or ()),
            "indicators": tuple(str(c) for c in item.get("indicators") or ()),
            "components_named_vi": tuple(item.get("components_named_vi") or ()),
        })
    return pd.DataFrame(rows, columns=SOLUTION_COLUMNS)


def _problems(plan: Plan, deadline: dict, file: str) -> list[str]:
    problems = []
    if plan.deadline is None:
        problems.append(Said("plan.deadline", file=file, day=repr(deadline.get("day")),
                             month=repr(deadline.get("month"))))
    agencies = set(plan.agencies["key"])
    codes = plan.indicators["code"]
    for code in sorted(set(codes[codes.duplicated()])):
        problems.append(Said("plan.duplicate_code", file=file, code=code))
    for row in plan.indicators.itertuples():
        def indicator_problem(problem: str, row=row) -> None:
            problems.append(Said("plan.indicator", file=file, code=row.code, problem=problem))

        if row.group not in GROUPS:
            indicator_problem(text("plan.indicator.group", group=row.group, choices=", ".join(GROUPS)))
        for key in (row.lead_agency_key, *row.cooperating_keys):
            if key not in agencies:
                indicator_problem(text("plan.indicator.agency", key=key))
        if pd.notna(row.rank_2024) and not 1 <= row.rank_2024 <= (row.rank_of or 0):
            indicator_problem(text("plan.indicator.rank", rank=row.rank_2024, rank_of=row.rank_of))
        if row.group == "weak" and pd.isna(row.rank_2024):
            indicator_problem(text("plan.indicator.weak_without_rank"))
        if not row.solution_vi:
            indicator_problem(text("plan.indicator.no_solution"))
    for row in plan.footnotes.itertuples():
        if row.indicator not in set(codes):
            problems.append(Said("plan.footnote_indicator", file=file, number=row.number, code=row.indicator))
    for row in plan.solutions.itertuples():
        for key in row.agency_keys:
            if key not in agencies:
                problems.append(Said("plan.solution_agency", file=file, section=row.section, key=key))
        for code in row.indicators:
            if code not in set(codes):
                problems.append(Said("plan.solution_indicator", file=file, section=row.section, code=code))
    leads = dict(zip(codes, plan.indicators["lead_agency_key"]))
    for number, row in enumerate(plan.control_notes.itertuples(), start=1):
        def note_problem(problem: str, row=row, number=number) -> None:
            problems.append(Said("plan.control_note", file=file, number=number, code=row.indicator, problem=problem))

        if row.indicator not in leads:
            note_problem(text("plan.control_note.not_in_plan"))
        elif row.agency_key != leads[row.indicator]:
            note_problem(text("plan.control_note.agency", key=row.agency_key, lead=leads[row.indicator]))
        if row.extent not in CONTROL_EXTENTS:
            note_problem(text("plan.control_note.extent", extent=row.extent, choices=", ".join(CONTROL_EXTENTS)))
        if not row.reason_vi:
            note_problem(text("plan.control_note.reason"))
    duplicated = plan.control_notes["indicator"].duplicated()
    for code in sorted(set(plan.control_notes.loc[duplicated, "indicator"])):
        problems.append(Said("plan.control_note_twice", file=file, code=code))
    if plan.deadline is not None and plan.deadline.recipient_key not in agencies:
        problems.append(Said("plan.deadline_recipient", file=file, key=plan.deadline.recipient_key))
    return problems


def empty_plan() -> Plan:
    """A plan with no goals, indicators, agencies or solutions (the frames keep their
    columns): what the report's plan sections show for a province without a plan."""
    return Plan(
        document={},
        goals=_goal_frame([]),
        groups=pd.DataFrame(columns=["key", "section", "label_vi"]),
        agencies=pd.DataFrame(columns=["key", "name_vi", "name_en", "variants_vi"]),
        indicators=_indicator_frame([], 0),
        solutions=_solution_frame([], []),
        footnotes=pd.DataFrame(columns=["number", "indicator", "text_vi"]),
        deadline=None,
    )
