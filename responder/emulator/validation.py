"""Checks shared by the scenario loader, with errors that name the file and the place."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any


class ScenarioError(ValueError):
    """A scenario file that cannot be used; the message names the file and the step or table."""


def describe_type(value: object) -> str:
    """Return the TOML name of a value's type, for error messages."""
    names = {
        bool: "a boolean",
        int: "an integer",
        float: "a float",
        str: "a string",
        list: "an array",
        dict: "a table",
    }
    return names.get(type(value), type(value).__name__)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """Return `` (did you mean 'x'?)`` for the closest choice, or an empty string."""
    matches = difflib.get_close_matches(word, list(choices), n=1)
    return f" (did you mean '{matches[0]}'?)" if matches else ""


def check_keys(table: dict[str, Any], allowed: Iterable[str], where: str) -> None:
    """Raise for the first key of ``table`` that is not in ``allowed``."""
    allowed = list(allowed)
    for key in table:
        if key not in allowed:
            raise ScenarioError(f"{where}: unknown key '{key}'{did_you_mean(key, allowed)}")


def require_string(
    table: dict[str, Any], key: str, where: str, *, optional: bool = False
) -> str | None:
    """Return ``table[key]`` as a non-empty string; raise when it is missing or not one."""
    if key not in table:
        if optional:
            return None
        raise ScenarioError(f"{where}: missing '{key}'")
    value = table[key]
    if not isinstance(value, str) or not value:
        raise ScenarioError(
            f"{where}: '{key}' must be a non-empty string, not {describe_type(value)}"
        )
    return value


def require_bool(table: dict[str, Any], key: str, where: str, default: bool) -> bool:
    """Return ``table[key]`` as a boolean, or ``default`` when it is missing."""
    value = table.get(key, default)
    if not isinstance(value, bool):
        raise ScenarioError(f"{where}: '{key}' must be true or false, not {describe_type(value)}")
    return value


def require_int(
    table: dict[str, Any], key: str, where: str, default: int, minimum: int, maximum: int
) -> int:
    """Return ``table[key]`` as an integer within the bounds, or ``default`` when missing."""
    value = table.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ScenarioError(f"{where}: '{key}' must be an integer, not {describe_type(value)}")
    if not minimum <= value <= maximum:
        raise ScenarioError(
            f"{where}: '{key}' must be between {minimum} and {maximum}, not {value}"
        )
    return value


def require_tables(value: object, where: str) -> list[dict[str, Any]]:
    """Return ``value`` as a list of tables (a TOML array of tables)."""
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise ScenarioError(
            f"{where}: must be an array of tables ([[{where}]]), not {describe_type(value)}"
        )
    return value
