"""The method: an ordered list of steps with their parameters (method.yml).

Schema of `method.yml` (also what `IndexResult.log` holds, so a log can be saved and
replayed)::

    name: ASEM example            # optional, free text
    steps:                        # required, run in this order
      - step: denominate          # each indicator / its iMeta Denominator column
      - step: impute
        method: group_mean        # "mean" (default), "group_mean", "median" or "group_median"
        group: EurAsia_group      # iData column with the groups (group_mean / group_median only)
      - step: screen
        min_availability: 0.9     # keep units with >= this share of indicators (default 2/3)
      - step: treat               # COINr defaults shown
        skew_threshold: 2.0       # |skew| >= this ...
        kurtosis_threshold: 3.5   # ... and kurtosis >= this -> outlier treatment
        max_winsorised: 5         # winsorise up to this many points, else log_CT
      - step: normalise
        method: minmax            # "minmax" (default) or "zscore"
        lower: 0                  # minmax target range (default 0-100)
        upper: 100
        # mean: 0, sd: 1          # zscore target (defaults 0 and 1)
      - step: aggregate
        method: arithmetic        # "arithmetic" (default) or "geometric" (values must be > 0)
        weights: {}               # optional: iCode -> weight (>= 0), replacing iMeta weights

Each step reads the latest data set and writes its own stage ("Denominated",
"Imputed", "Screened", "Treated", "Normalised", "Aggregated"); "Raw" is iData's
indicator columns. Steps may be left out (the PII skips the first three) but each
may appear at most once, and aggregate must come last if present.
"""

from __future__ import annotations

import copy
import math
import numbers

import yaml

from piilib.messages import Said, text

from .steps import GROUPED_IMPUTE_METHODS, IMPUTE_METHODS
from .structure import AGGREGATION_METHODS, MINMAX, NORMALISATION_METHODS

STAGE_OF_STEP = {
    "denominate": "Denominated",
    "impute": "Imputed",
    "screen": "Screened",
    "treat": "Treated",
    "normalise": "Normalised",
    "aggregate": "Aggregated",
}

STEP_DEFAULTS: dict[str, dict] = {
    "denominate": {},
    "impute": {"method": "mean", "group": None},
    "screen": {"min_availability": 2 / 3},
    "treat": {"skew_threshold": 2.0, "kurtosis_threshold": 3.5, "max_winsorised": 5},
    "normalise": {"method": MINMAX, "lower": 0.0, "upper": 100.0, "mean": 0.0, "sd": 1.0},
    "aggregate": {"method": "arithmetic", "weights": {}},
}

# The PII: values are already ratios and complete, so no denominate / impute / screen.
DEFAULT_STEPS: list[dict] = [
    {"step": "treat", **STEP_DEFAULTS["treat"]},
    {"step": "normalise", **STEP_DEFAULTS["normalise"]},
    {"step": "aggregate", **STEP_DEFAULTS["aggregate"]},
]


def _is_number(value) -> bool:
    """A finite real number (YAML's .inf and .nan are not: they would make every score NaN)."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value)


def _shown(value) -> str:
    """A value as the user typed it in YAML (.inf / .nan rather than Python's inf / nan)."""
    if isinstance(value, float) and not math.isfinite(value):
        return ".nan" if value != value else (".inf" if value > 0 else "-.inf")
    return str(value)


def _check_parameters(step: str, params: dict, where: str) -> list[str]:
    problems = []
    if step == "impute":
        if params["method"] not in IMPUTE_METHODS:
            problems.append(Said("index.spec.method", where=where, method=params["method"],
                                 choices=", ".join(IMPUTE_METHODS)))
        if params["method"] in GROUPED_IMPUTE_METHODS and not params["group"]:
            problems.append(Said("index.spec.needs_group", where=where, method=params["method"]))
    elif step == "screen":
        value = params["min_availability"]
        if not _is_number(value) or not 0 <= value <= 1:
            problems.append(Said("index.spec.min_availability", where=where, value=_shown(value)))
    elif step == "treat":
        for name in ("skew_threshold", "kurtosis_threshold"):
            if not _is_number(params[name]):
                problems.append(Said("index.spec.finite", where=where, name=name, value=_shown(params[name])))
        value = params["max_winsorised"]
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            problems.append(Said("index.spec.max_winsorised", where=where, value=_shown(value)))
    elif step == "normalise":
        if params["method"] not in NORMALISATION_METHODS:
            problems.append(Said("index.spec.method", where=where, method=params["method"],
                                 choices=", ".join(NORMALISATION_METHODS)))
        for name in ("lower", "upper", "mean", "sd"):
            if not _is_number(params[name]):
                problems.append(Said("index.spec.finite", where=where, name=name, value=_shown(params[name])))
        if _is_number(params["lower"]) and _is_number(params["upper"]) and params["lower"] >= params["upper"]:
            problems.append(Said("index.spec.lower_upper", where=where, lower=params["lower"], upper=params["upper"]))
        if _is_number(params["sd"]) and params["sd"] <= 0:
            problems.append(Said("index.spec.sd", where=where, value=params["sd"]))
    elif step == "aggregate":
        if params["method"] not in AGGREGATION_METHODS:
            problems.append(Said("index.spec.method", where=where, method=params["method"],
                                 choices=", ".join(AGGREGATION_METHODS)))
        weights = params["weights"]
        if not isinstance(weights, dict):
            problems.append(Said("index.spec.weights_mapping", where=where))
        else:
            for code, weight in weights.items():
                if not _is_number(weight) or weight < 0:
                    problems.append(Said("index.spec.weight", where=where, code=code, value=_shown(weight)))
    return problems


def complete_steps(
    steps: list[dict] | None, source: str = "steps", step_lines: list[int] | None = None
) -> tuple[list[dict], list[str]]:
    """Fill every step's parameters with the defaults and check them.

    Returns (completed steps, problems); the completed list is what `IndexResult.log`
    records. `source` names where the steps came from and `step_lines` (optional) the
    file line of each step, for messages.
    """
    if steps is None:
        return copy.deepcopy(DEFAULT_STEPS), []
    if not isinstance(steps, list) or not steps:
        return [], [Said("index.spec.not_list", source=source)]
    problems: list[str] = []
    completed: list[dict] = []
    seen: set[str] = set()
    for number, entry in enumerate(steps, start=1):
        line = step_lines[number - 1] if step_lines and number <= len(step_lines) else None
        where = (text("index.spec.where_line", source=source, line=line, number=number) if line
                 else text("index.spec.where", source=source, number=number))
        steps_named = ", ".join(STAGE_OF_STEP)
        if not isinstance(entry, dict) or "step" not in entry:
            problems.append(Said("index.spec.step_mapping", where=where, choices=steps_named))
            continue
        name = entry["step"]
        if name not in STAGE_OF_STEP:
            problems.append(Said("index.spec.unknown_step", where=where, name=name, choices=steps_named))
            continue
        where = f"{where} ({name})"
        if name in seen:
            problems.append(Said("index.spec.step_again", where=where, name=name))
        seen.add(name)
        unknown = sorted(map(str, set(entry) - {"step"} - set(STEP_DEFAULTS[name])))
        if unknown:
            allowed = ", ".join(STEP_DEFAULTS[name]) or text("index.none")
            problems.append(Said("index.spec.unknown_parameters", where=where, unknown=", ".join(unknown),
                                 allowed=allowed))
        params = copy.deepcopy(STEP_DEFAULTS[name])
        params.update({k: copy.deepcopy(v) for k, v in entry.items() if k != "step"})
        if name == "aggregate" and params["weights"] is None:
            params["weights"] = {}
        problems += _check_parameters(name, params, where)
        completed.append({"step": name, **params})
    if "aggregate" in seen and completed and completed[-1]["step"] != "aggregate":
        problems.append(Said("index.spec.aggregate_last", source=source))
    return completed, problems


MAX_METHOD_BYTES = 1_000_000  # a method is a few hundred bytes; a larger file is not a method


class _NoAliasLoader(yaml.SafeLoader):
    """YAML's safe loader without aliases (*name): a method never needs them, and a few nested
    aliases (a "billion laughs" file of 1 KB) expand to more than the memory of the machine."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark
            raise _AliasRefused(None, None, text("index.spec.aliases"), mark)
        return super().compose_node(parent, index)


def read_method(path) -> tuple[list[dict], list[str]]:
    """Read a method.yml file: (completed steps, problems). The file must be UTF-8 text of at most
    `MAX_METHOD_BYTES`, without YAML aliases."""
    name = str(path)
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_METHOD_BYTES + 1)
    except IsADirectoryError:
        return [], [Said("index.folder", path=name)]
    except PermissionError:
        return [], [Said("index.no_permission", path=name)]
    except FileNotFoundError:
        return [], [Said("index.file_not_found", path=name)]
    except OSError as error:
        return [], [Said("index.cannot_read", path=name, reason=error.strerror or type(error).__name__)]
    if len(data) > MAX_METHOD_BYTES:
        return [], [Said("index.spec.too_large", name=name, limit=MAX_METHOD_BYTES)]
    try:
        decoded = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        return [], [Said("index.spec.not_utf8", name=name, line=line, byte=f"{data[error.start]:02x}")]
    loader = _NoAliasLoader(decoded)
    try:  # one parse gives both the document and the line of each step, for messages
        node = loader.get_single_node()
        document = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as error:
        return [], [_yaml_problem(name, error)]
    finally:
        loader.dispose()
    if not isinstance(document, dict) or "steps" not in document:
        return [], [Said("index.spec.no_steps", name=name)]
    unknown = sorted(map(str, set(document) - {"name", "steps"}))
    steps, problems = complete_steps(document["steps"], name, _step_lines(node))
    if unknown:
        problems.insert(0, Said("index.spec.unknown_keys", name=name, unknown=", ".join(unknown)))
    return steps, problems


class _AliasRefused(yaml.composer.ComposerError):
    """An alias in a method file: refused in the catalogue's own words, not PyYAML's."""


def _yaml_problem(name: str, error: yaml.YAMLError) -> str:
    """One line: where the YAML parser stopped (line, column) and, quoted, why."""
    from piilib.yaml_errors import yaml_detail, yaml_where

    detail = error.problem if isinstance(error, _AliasRefused) else yaml_detail(error)
    return Said("index.spec.not_yaml", name=name, where=yaml_where(error), detail=detail)


def _step_lines(node) -> list[int]:
    """The file line (1-based) of each entry of the top-level 'steps' list."""
    for key, value in getattr(node, "value", []):
        if getattr(key, "value", None) == "steps" and isinstance(value, yaml.SequenceNode):
            return [item.start_mark.line + 1 for item in value.value]
    return []


def method_document(steps: list[dict], name: str | None = None) -> dict:
    """A method.yml document (plain types) for `steps`, e.g. to save `IndexResult.log`."""
    document: dict = {}
    if name:
        document["name"] = name
    document["steps"] = [
        {k: (float(v) if _is_number(v) and not isinstance(v, int) else v) for k, v in step.items()}
        for step in steps
    ]
    return document
