"""Compile the ``regex`` patterns of a condition table with RE2, reporting each failure."""

from __future__ import annotations

from typing import Any

import re2  # type: ignore[import-untyped]

from responder.rules import lints, schema
from responder.rules.report import Reporter
from responder.rules.schema import InvalidValue
from responder.rules.toml_positions import KeyPath


def compile_patterns(
    reporter: Reporter, where: KeyPath, rule: str | None, key: str, raw: Any
) -> tuple[list[Any], bool]:
    """Compile the patterns of the ``regex`` value ``raw`` found at ``where``.

    ``key`` is the name the problems carry (``regex``, or ``any[0].regex`` in a nested
    table). Return the compiled patterns and whether every pattern compiled.
    """
    try:
        sources = schema.expect_strings(raw)
    except InvalidValue as problem:
        reporter.invalid(where, problem, rule, key)
        return [], False

    patterns: list[Any] = []
    for element, source in enumerate(sources):
        element_where = where + ((element,) if isinstance(raw, list) else ())
        pattern = _compile_pattern(reporter, element_where, rule, key, source)
        if pattern is not None:
            patterns.append(pattern)
    return patterns, len(patterns) == len(sources)


def _compile_pattern(
    reporter: Reporter, where: KeyPath, rule: str | None, key: str, source: str
) -> Any | None:
    findings = lints.pattern_findings(source)
    for finding in findings:
        reporter.at_value(where, finding.message, rule, key, finding.char, finding.severity)
    if any(finding.severity == "error" for finding in findings):
        return None

    options = re2.Options()
    options.log_errors = False
    try:
        return re2.compile(source, options)
    except re2.error as error:
        reason = (
            error.args[0].decode("utf-8", "replace")
            if error.args and isinstance(error.args[0], bytes)
            else str(error)
        )
        reporter.at_value(where, f"invalid regular expression: {reason}", rule, key)
        return None
