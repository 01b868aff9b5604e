"""Compile one ``[[rule]]`` table into a :class:`Rule`, reporting every problem in it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from responder.rules import lints, schema
from responder.rules.actions import FieldCatalogue, compile_actions
from responder.rules.conditions import ConditionReader
from responder.rules.durations import DurationError, parse_duration
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


RULE_FLAGS = ("enabled", "stop", "dry_run")


def compile_rule(index: int, table: dict[str, Any], reporter: Reporter) -> Rule | None:
    """Return the compiled rule, or None when it has errors (all of them reported)."""
    errors_before = _count_errors(reporter)
    context = RuleContext(reporter, index, None)
    context.name = _read_name(context, table.get("name"))
    _check_keys(context, table)

    reader = ConditionReader(reporter, context.name)
    conditions = reader.read_rule(context.path, table)
    flags: dict[str, bool] = {}
    for key in RULE_FLAGS:
        if key in table:
            _read(context, key, table[key], schema.expect_bool, flags)
    guards = _read_guards(context, table)

    catalogue = FieldCatalogue.for_patterns(template_patterns(conditions), reader.all_compiled)
    stop = flags.get("stop", False)
    actions = compile_actions(
        context.reporter, context.path, context.name, table.get("action"), catalogue, stop
    )
    if _count_errors(reporter) > errors_before or context.name is None:
        return None

    rule = Rule(
        name=context.name,
        index=index,
        line=reporter.nearest_spot(context.path).line,
        conditions=conditions,
        actions=actions,
        group_names=catalogue.group_names,
        group_count=catalogue.group_count,
        enabled=flags.get("enabled", True),
        stop=stop,
        dry_run=flags.get("dry_run", False),
        cooldown=guards.get("cooldown"),
        cooldown_per=guards.get("cooldown_per", "channel"),
        once_per_thread=guards.get("once_per_thread", False),
    )
    _report_loops(rule, table.get("action"), reporter)
    return rule


def template_patterns(conditions: Conditions) -> list[Any]:
    """Return the patterns whose groups may fill templates: the rule's own and its ``any`` tables'."""
    patterns = list(conditions.regex)
    for branch in conditions.any:
        patterns.extend(template_patterns(branch))
    return patterns


def _read_guards(context: RuleContext, table: dict[str, Any]) -> dict[str, Any]:
    guards: dict[str, Any] = {}
    if "cooldown" in table:
        _read(context, "cooldown", table["cooldown"], _cooldown, guards)
    if "cooldown_per" in table:
        _read(context, "cooldown_per", table["cooldown_per"], _choice(schema.COOLDOWN_SCOPES), guards)
        if "cooldown" not in table:
            context.at_key(
                "cooldown_per",
                'has no effect without cooldown; add cooldown = "10m" or remove cooldown_per',
            )
    if "once_per_thread" in table:
        _read(context, "once_per_thread", table["once_per_thread"], schema.expect_bool, guards)
    return guards


def _cooldown(value: Any) -> float:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise InvalidValue(f'expected a duration string such as "{value:g}s", got {schema.type_name(value)}')
    try:
        seconds = parse_duration(schema.expect_string(value))
    except DurationError as error:
        raise InvalidValue(str(error)) from None
    if seconds <= 0:
        raise InvalidValue("a cooldown must be longer than zero; remove the key for no cooldown")
    return seconds


def _choice(choices: tuple[str, ...]) -> Callable[[Any], str]:
    return lambda value: schema.expect_choice(value, choices)


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
    for key in table:
        if key in schema.RULE_KEYS:
            continue
        hint = schema.did_you_mean(key, schema.RULE_KEYS)
        if not hint and key in schema.ACTION_VERBS + tuple(schema.ACTION_MODIFIERS):
            hint = f"; put '{key}' in a [[rule.action]] table below the rule's conditions"
        context.at_key(key, f"unknown key{hint}")
