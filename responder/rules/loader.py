"""Load a rules file: read it, parse the TOML, validate and compile every rule.

A file with any error is rejected as a whole. Every problem found in one pass is reported,
each with its line and column, so one run of ``responder check`` lists them all.

Read failures (a missing file, no permission, a directory) raise
:class:`RulesFileUnreadable`, which ``responder check`` maps to exit status 2. A file that
can be read but is not UTF-8 is a problem in the file, reported as a :class:`RulesError`.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Any, Iterable, NamedTuple

from responder.rules import reachability, schema
from responder.rules.compile import compile_rule
from responder.rules.model import Problem, Rule, RuleSet
from responder.rules.report import Reporter
from responder.rules.settings import read_settings
from responder.rules.toml_errors import syntax_problems
from responder.rules.toml_positions import Spot, locate

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib  # type: ignore[import-not-found, no-redef, unused-ignore]

logger = logging.getLogger(__name__)

__all__ = [
    "RulesError",
    "RulesFileUnreadable",
    "CheckedFile",
    "check_files",
    "check_rules",
    "check_rules_text",
    "load_rules",
    "load_rules_text",
    "render_problem",
]


class RulesError(Exception):
    """A rules file that cannot be loaded.

    ``problems`` contains every problem found (errors, warnings and hints) sorted by
    line and column, and ``errors`` contains the errors alone.
    """

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(problem.format() for problem in self.errors))

    @property
    def errors(self) -> list[Problem]:
        return [problem for problem in self.problems if problem.severity == "error"]


class RulesFileUnreadable(Exception):
    """A rules file that could not be read at all; the message names the path and the reason."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: cannot read the rules file: {reason}")
        self.path = path
        self.reason = reason


def load_rules(path: str | Path) -> RuleSet:
    """Load and compile the rules file at ``path``.

    Raises :class:`RulesError` when the file has any error, and :class:`RulesFileUnreadable`
    when it cannot be read. Warnings and hints of a file that loads are in ``RuleSet.warnings``.
    """
    ruleset, problems = check_rules(path)
    if ruleset is None:
        raise RulesError(problems)
    return ruleset


def load_rules_text(text: str, path: str = "rules.toml") -> RuleSet:
    """Load rules from ``text``; ``path`` is the file name used in problem messages."""
    ruleset, problems = check_rules_text(text, path)
    if ruleset is None:
        raise RulesError(problems)
    return ruleset


class CheckedFile(NamedTuple):
    """The outcome of checking one file of several: its rule set (None on errors) and problems.

    A file that cannot be read has no rule set and one problem at line 0 that gives the
    reason, and :attr:`unreadable` is true for it.
    """

    path: str
    ruleset: RuleSet | None
    problems: list[Problem]

    @property
    def unreadable(self) -> bool:
        """True when the file could not be read at all."""
        return self.ruleset is None and any(problem.line == 0 for problem in self.problems)


def check_files(paths: Iterable[str | Path]) -> list[CheckedFile]:
    """Check each rules file on its own, in order; a broken file does not stop the others."""
    results: list[CheckedFile] = []
    for path in paths:
        try:
            ruleset, problems = check_rules(path)
        except RulesFileUnreadable as error:
            problem = Problem("error", error.path, 0, 0, f"cannot read the rules file: {error.reason}")
            results.append(CheckedFile(error.path, None, [problem]))
            continue
        results.append(CheckedFile(str(path), ruleset, problems))
    return results


def check_rules(path: str | Path) -> tuple[RuleSet | None, list[Problem]]:
    """Return the rule set (None when there is any error) and every problem, in line order.

    Raises :class:`RulesFileUnreadable` when the file cannot be read.
    """
    name = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise RulesFileUnreadable(name, error.strerror or str(error)) from error

    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        return None, [_encoding_problem(name, data, error)]
    return check_rules_text(text, name)


def check_rules_text(text: str, path: str = "rules.toml") -> tuple[RuleSet | None, list[Problem]]:
    """Like :func:`check_rules`, for rules already in memory."""
    text = text.removeprefix("\ufeff")
    source_map = locate(text)
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        return None, syntax_problems(error, source_map, path)

    reporter = Reporter(path, source_map)
    ruleset = _compile_document(document, reporter)
    problems = sorted(reporter.problems, key=lambda problem: (problem.line, problem.column))
    logger.debug("checked %s: %d rules, %d problems", path, len(ruleset.rules), len(problems))
    if reporter.has_errors:
        return None, problems
    return ruleset, problems


def render_problem(problem: Problem) -> str:
    """Format a problem as its line, then its source line with a caret under the column."""
    if problem.source_line is None:
        return problem.format()
    caret = " " * (problem.column - 1) + "^"
    return f"{problem.format()}\n    {problem.source_line}\n    {caret}"


def _compile_document(document: dict[str, Any], reporter: Reporter) -> RuleSet:
    for key in document:
        if key not in schema.TOP_LEVEL_KEYS:
            message = f"unknown table or key{schema.did_you_mean(key, schema.TOP_LEVEL_KEYS)}"
            reporter.at_key((key,), message, None, key)

    settings = read_settings(document.get("settings"), reporter)
    rules = _compile_rules(document.get("rule"), reporter)
    tests, test_lines = _read_tests(document.get("test"), reporter)
    workspace = document.get("test_workspace")
    if workspace is not None and not isinstance(workspace, dict):
        message = f"expected a [test_workspace] table, got {schema.type_name(workspace)}"
        reporter.at_key(("test_workspace",), message, None, "test_workspace")
        workspace = None

    warnings = tuple(problem for problem in reporter.problems if problem.severity != "error")
    return RuleSet(
        path=reporter.path,
        rules=tuple(rules),
        settings=settings,
        warnings=warnings,
        tests=tests,
        test_lines=test_lines,
        test_workspace=workspace,
    )


def _compile_rules(raw: Any, reporter: Reporter) -> list[Rule]:
    if raw is None:
        reporter.add(Spot(1, 1, 0), "no rules found; add a [[rule]] table", None, None)
        return []
    if isinstance(raw, dict):
        reporter.at_header(
            ("rule",), "write [[rule]] with double brackets, one table for each rule", None, "rule"
        )
        return []
    if not isinstance(raw, list):
        reporter.at_key(
            ("rule",), f"expected [[rule]] tables, got {schema.type_name(raw)}", None, "rule"
        )
        return []

    _check_unique_names(raw, reporter)
    rules: list[Rule] = []
    for index, table in enumerate(raw):
        if not isinstance(table, dict):
            message = f"expected a rule table, got {schema.type_name(table)}"
            reporter.at_value(("rule", index), message, None, "rule")
            continue
        rule = compile_rule(index, table, reporter)
        if rule is not None:
            _report_unreachable(rule, rules, reporter)
            rules.append(rule)
    return rules


def _report_unreachable(rule: Rule, earlier: list[Rule], reporter: Reporter) -> None:
    """Warn about a rule that an earlier ``stop`` rule shadows, or a mention rule in DMs only."""
    shadow = reachability.shadowing_rule(rule, earlier)
    if shadow is not None:
        message = reachability.shadow_message(shadow)
        reporter.at_header(("rule", rule.index), message, rule.name, None, "warning")

    conditions = rule.conditions
    if conditions.mention in ("anywhere", "start") and reachability.listens_only_in_direct_messages(conditions):
        where = ("rule", rule.index, "mention")
        reporter.at_key(where, reachability.DM_MENTION_MESSAGE, rule.name, "mention", "warning")


def _check_unique_names(tables: list[Any], reporter: Reporter) -> None:
    first_lines: dict[str, int] = {}
    for index, table in enumerate(tables):
        name = table.get("name") if isinstance(table, dict) else None
        if not isinstance(name, str):
            continue
        where = ("rule", index, "name")
        if name in first_lines:
            message = f"duplicate rule name (first used on line {first_lines[name]})"
            reporter.at_value(where, message, name, "name")
        else:
            first_lines[name] = reporter.nearest_spot(where).line


def _read_tests(raw: Any, reporter: Reporter) -> tuple[tuple[dict[str, Any], ...], tuple[int, ...]]:
    """Keep the ``[[test]]`` tables as written, with the line of each one's header."""
    if raw is None:
        return (), ()
    if not isinstance(raw, list) or not all(isinstance(table, dict) for table in raw):
        reporter.at_key(("test",), "expected [[test]] tables, one for each test", None, "test")
        return (), ()
    lines = tuple(reporter.nearest_spot(("test", index)).line for index in range(len(raw)))
    return tuple(raw), lines


def _encoding_problem(path: str, data: bytes, error: UnicodeDecodeError) -> Problem:
    before = data[: error.start]
    line = before.count(b"\n") + 1
    column = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", "replace")) + 1
    message = f"invalid UTF-8 (byte 0x{data[error.start]:02X}); save the rules file as UTF-8"
    return Problem("error", path, line, column, message)
