"""Shared helpers for the rules-file tests."""

from __future__ import annotations

import textwrap

from responder.rules.loader import check_rules_text
from responder.rules.model import Problem


def problems_in(text: str) -> list[Problem]:
    """Check ``text`` (dedented) as ``rules.toml`` and return every problem found."""
    _, problems = check_rules_text(textwrap.dedent(text).lstrip("\n"))
    return problems


def lines_of(text: str, severity: str | None = None) -> list[str]:
    """Return the formatted problems of ``text``, optionally only those of one severity."""
    return [
        problem.format()
        for problem in problems_in(text)
        if severity is None or problem.severity == severity
    ]


def errors_in(text: str) -> list[str]:
    return lines_of(text, "error")
