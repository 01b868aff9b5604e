"""Compile one ``[[rule]]`` table into a :class:`Rule`, reporting every problem in it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import re2  # type: ignore[import-untyped]

from responder.rules import lints, schema
from responder.rules.actions import FieldCatalogue, compile_actions
from responder.rules.model import Conditions, Rule
from responder.rules.report import Reporter, Severity
from responder.rules.schema import InvalidValue
from responder.rules.toml_positions import KeyPath


@dataclass(slots=True)
class RuleContext:
    """One rule being compiled: its position in the file, its name and the reporter."""

    reporter: Reporter
    index: int
    name: str | None

    @property
    def path(self) -> KeyPath:
        return ("rule", self.index)

    def at_key(self, key: str, message: str, severity: Severity = "error") -> None:
        self.reporter.at_key(self.path + (key,), message, self.name, key, severity)

    def at_value(
        self, key: str, message: str, char: int | None = None, severity: Severity = "error"
    ) -> None:
        self.reporter.at_value(self.path + (key,), message, self.name, key, char, severity)

    def at_header(self, key: str | None, message: str) -> None:
        self.reporter.at_header(self.path, message, self.name, key)


def _words(value: Any) -> tuple[str, ...]:
    words = schema.expect_strings(value)
    for index, word in enumerate(words):
        if not word.strip():
            raise InvalidValue(
                "empty word; write the word to look for",
                element=index if isinstance(value, list) else None,
            )
    return words


def _list_of(check: Callable[[Any], str]) -> Callable[[Any], tuple[str, ...]]:
    return lambda value: schema.expect_list_of(value, check)


def _choice(choices: tuple[str, ...]) -> Callable[[Any], str]:
    return lambda value: schema.expect_choice(value, choices)


# Each condition key with the check that reads its value into the form Conditions stores.
CONDITION_READERS: dict[str, Callable[[Any], Any]] = {
    "event": schema.expect_non_empty_string,
    "channels": _list_of(schema.expect_channel),
    "not_channels": _list_of(schema.expect_channel),
    "users": _list_of(schema.expect_user),
    "not_users": _list_of(schema.expect_user),
    "subtypes": schema.expect_strings,
    "thread": _choice(schema.THREAD_SCOPES),
    "mention": _choice(schema.MENTION_MODES),
    "has_files": schema.expect_bool,
    "equals": schema.expect_strings,
    "starts_with": schema.expect_strings,
    "contains": schema.expect_strings,
    "words": _words,
    "case_sensitive": schema.expect_bool,
    "raw_text": schema.expect_bool,
    "bots": schema.expect_bool,
}

RULE_FLAGS = ("enabled", "stop", "dry_run")


def compile_rule(index: int, table: dict[str, Any], reporter: Reporter) -> Rule | None:
    """Return the compiled rule, or None when it has errors (all of them reported)."""
    errors_before = _count_errors(reporter)
    context = RuleContext(reporter, index, None)
    context.name = _read_name(context, table.get("name"))
    _check_keys(context, table)

    values: dict[str, Any] = {}
    for key, reader in CONDITION_READERS.items():
        if key in table:
            _read(context, key, table[key], reader, values)
    flags: dict[str, bool] = {}
    for key in RULE_FLAGS:
        if key in table:
            _read(context, key, table[key], schema.expect_bool, flags)

    patterns, all_compiled = _compile_patterns(context, table.get("regex"))
    catalogue = FieldCatalogue.for_patterns(patterns, all_compiled)
    stop = flags.get("stop", False)
    actions = compile_actions(
        context.reporter, context.path, context.name, table.get("action"), catalogue, stop
    )
    if _count_errors(reporter) > errors_before or context.name is None:
        return None

    conditions = Conditions(regex=tuple(patterns), **values)
    rule = Rule(
        name=context.name,
        index=index,
        line=reporter.nearest_spot(context.path).line,
        conditions=conditions,
        actions=actions,
        group_names=catalogue.group_names,
        group_count=catalogue.group_count,
        **flags,
    )
    _report_loops(rule, table.get("action"), reporter)
    return rule


def _report_loops(rule: Rule, raw_actions: Any, reporter: Reporter) -> None:
    for warning in lints.loop_warnings(rule):
        action = rule.actions[warning.action_number - 1]
        key_path: KeyPath = ("rule", rule.index, "action", warning.action_number - 1, action.verb)
        if isinstance(raw_actions[warning.action_number - 1][action.verb], list):
            key_path += (warning.text_index,)
        reporter.at_value(key_path, warning.message, rule.name, action.verb, severity="warning")


def _count_errors(reporter: Reporter) -> int:
    return sum(1 for problem in reporter.problems if problem.severity == "error")


def _read(
    context: RuleContext, key: str, raw: Any, reader: Callable[[Any], Any], into: dict[str, Any]
) -> None:
    try:
        into[key] = reader(raw)
    except InvalidValue as problem:
        context.reporter.invalid(context.path + (key,), problem, context.name, key)


def _read_name(context: RuleContext, raw: Any) -> str | None:
    if raw is None:
        context.at_header(
            "name", 'missing; every [[rule]] needs a unique name, as in name = "greet"'
        )
        return None
    try:
        return schema.expect_non_empty_string(raw)
    except InvalidValue as problem:
        context.at_value("name", problem.message)
        return None


def _check_keys(context: RuleContext, table: dict[str, Any]) -> None:
    known = schema.RULE_KEYS + schema.RULE_KEYS_NOT_SUPPORTED
    for key in table:
        if key in schema.RULE_KEYS_NOT_SUPPORTED:
            context.at_key(key, "not supported yet in this version")
        elif key not in schema.RULE_KEYS:
            hint = schema.did_you_mean(key, known)
            if not hint and key in schema.ACTION_VERBS + schema.ACTION_VERBS_NOT_SUPPORTED:
                hint = f"; put '{key}' in a [[rule.action]] table below the rule's conditions"
            context.at_key(key, f"unknown key{hint}")


def _compile_patterns(context: RuleContext, raw: Any) -> tuple[list[Any], bool]:
    """Compile the rule's ``regex`` patterns with RE2, reporting each one that fails.

    Return the compiled patterns and whether every pattern compiled.
    """
    if raw is None:
        return [], True
    try:
        sources = schema.expect_strings(raw)
    except InvalidValue as problem:
        context.reporter.invalid(context.path + ("regex",), problem, context.name, "regex")
        return [], False

    patterns: list[Any] = []
    for element, source in enumerate(sources):
        where = context.path + ("regex",) + ((element,) if isinstance(raw, list) else ())
        pattern = _compile_pattern(context, where, source)
        if pattern is not None:
            patterns.append(pattern)
    return patterns, len(patterns) == len(sources)


def _compile_pattern(context: RuleContext, where: KeyPath, source: str) -> Any | None:
    reporter = context.reporter
    findings = lints.pattern_findings(source)
    for finding in findings:
        reporter.at_value(
            where, finding.message, context.name, "regex", finding.char, finding.severity
        )
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
        reporter.at_value(where, f"invalid regular expression: {reason}", context.name, "regex")
        return None
