"""Checks that several commands make on what they were given."""

from __future__ import annotations

from piilib.bundle import data_path_problems, edition_problems
from piilib.cli import InputError
from piilib.units import UnitNameError, resolve_unit


def checked_request(edition: int, data, province: str | None = None,
                    other_problems: list[str] = ()) -> str | None:
    """Check the edition, the --data path and the province name (any spelling) together with
    the command's own `other_problems`; raise InputError listing all of them. Returns the
    province key (None when no province was given)."""
    problems = edition_problems(edition) + data_path_problems(data) + list(other_problems)
    province_key = None
    if province is not None and not edition_problems(edition):
        try:
            province_key = resolve_unit(province, edition)
        except UnitNameError as error:
            problems.append(f"--province: {error}")
    if problems:
        raise InputError(problems)
    return province_key
