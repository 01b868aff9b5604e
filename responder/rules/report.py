"""Collect the problems found in one rules file, each placed at its key or value."""

from __future__ import annotations

from typing import Literal

from responder.rules.model import Problem
from responder.rules.schema import InvalidValue
from responder.rules.toml_positions import KeyPath, SourceMap, Spot

Severity = Literal["error", "warning", "hint"]


class Reporter:
    """Turn findings at key paths into :class:`Problem` records with line and column."""

    def __init__(self, path: str, source_map: SourceMap) -> None:
        self.path = path
        self.source_map = source_map
        self.problems: list[Problem] = []

    @property
    def has_errors(self) -> bool:
        return any(problem.severity == "error" for problem in self.problems)

    def add(
        self,
        spot: Spot,
        message: str,
        rule: str | None,
        key: str | None,
        severity: Severity = "error",
    ) -> None:
        """Record a problem at an explicit position."""
        self.problems.append(
            Problem(severity, self.path, spot.line, spot.column, message, rule, key)
        )

    def at_key(
        self,
        where: KeyPath,
        message: str,
        rule: str | None,
        key: str | None,
        severity: Severity = "error",
    ) -> None:
        """Record a problem with the key itself (unknown, duplicate, not supported)."""
        entry = self.source_map.entries.get(where)
        spot = entry.key if entry else self.nearest_spot(where)
        self.add(spot, message, rule, key, severity)

    def at_value(
        self,
        where: KeyPath,
        message: str,
        rule: str | None,
        key: str | None,
        char: int | None = None,
        severity: Severity = "error",
    ) -> None:
        """Record a problem inside a value, at character ``char`` of it when given."""
        spot = self.value_spot(where, char)
        self.add(spot, message, rule, key, severity)

    def invalid(self, where: KeyPath, problem: InvalidValue, rule: str | None, key: str) -> None:
        """Record an :class:`InvalidValue` and those it carries at their elements and characters."""
        for invalid_value in [problem, *problem.more]:
            element = invalid_value.element
            element_path = where if element is None else where + (element,)
            self.at_value(element_path, invalid_value.message, rule, key, invalid_value.char)

    def at_header(
        self,
        table: KeyPath,
        message: str,
        rule: str | None,
        key: str | None,
        severity: Severity = "error",
    ) -> None:
        """Record something missing from a table, at the table's header."""
        self.add(self.nearest_spot(table), message, rule, key, severity)

    def value_spot(self, where: KeyPath, char: int | None = None) -> Spot:
        if char is not None:
            spot = self.source_map.string_spot(where, char)
            if spot is not None:
                return spot
        entry = self.source_map.entries.get(where)
        return entry.value if entry else self.nearest_spot(where)

    def nearest_spot(self, where: KeyPath) -> Spot:
        """Return the header or key of ``where``, or of the closest table around it."""
        for length in range(len(where), 0, -1):
            prefix = where[:length]
            if prefix in self.source_map.headers:
                return self.source_map.headers[prefix]
            if prefix in self.source_map.entries:
                return self.source_map.entries[prefix].key
        return Spot(1, 1, 0)
