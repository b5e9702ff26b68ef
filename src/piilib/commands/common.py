"""Checks that several commands make on what they were given."""

from __future__ import annotations

from piilib.bundle import data_path_problems, edition_problems
from piilib.cli import InputError
from piilib.messages import text
from piilib.units import UnitNameError, resolve_unit


# The largest counts of random draws the commands accept: far above what a stable estimate needs,
# well below what exhausts the memory of an office computer (the arrays grow with the count).
MAX_DRAWS = 1_000_000
# Each replication of `pii robustness` holds a row per assumption and province: fewer of them.
MAX_REPLICATIONS = 100_000


def count_problems(option: str, value: int, minimum: int, maximum: int, why: str = "") -> list[str]:
    """The problem with a whole-number option outside [minimum, maximum] (empty when fine)."""
    if minimum <= value <= maximum:
        return []
    if value < minimum:
        return [text("arg.at_least", option=option, value=value, minimum=minimum)]
    return [text("arg.between", option=option, value=value, minimum=minimum, maximum=maximum, why=why)]


def draws_problems(option: str, value: int, minimum: int = 1, maximum: int = MAX_DRAWS) -> list[str]:
    """`count_problems` for a number of random draws (at most `maximum`)."""
    return count_problems(option, value, minimum, maximum, text("arg.why.memory"))


def checked_request(edition: int, data, province: str | None = None,
                    other_problems: list[str] = ()) -> str | None:
    """Check the edition, the --data path and the province name (any spelling) together with
    the command's own `other_problems`; raise InputError listing all of them. Returns the
    province key (None when no province was given)."""
    edition_said = edition_problems(edition, data)
    problems = edition_said + data_path_problems(data) + list(other_problems)
    province_key = None
    if province is not None and not edition_said:
        try:
            province_key = resolve_unit(province, edition)
        except UnitNameError as error:
            problems.append(f"--province: {error}")
    if problems:
        raise InputError(problems)
    return province_key
