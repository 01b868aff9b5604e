"""Read the conditions of a rule, and of the tables nested in its ``any`` and ``unless``.

Problems inside a nested table carry a key such as ``any[0].words`` or
``unless.users`` (``any`` tables are counted from 0) and point at the nested key or
value itself.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable

from responder.rules import schema
from responder.rules.hours import parse_window
from responder.rules.model import Conditions, FieldCondition, FieldValue
from responder.rules.patterns import compile_patterns
from responder.rules.report import Reporter
from responder.rules.schema import InvalidValue
from responder.rules.toml_positions import KeyPath

FIELDS_EXAMPLE = '{ reaction = "eyes", "item.type" = "message" }'
TEXT_MODIFIERS = ("case_sensitive", "raw_text")


def _words(value: Any) -> tuple[str, ...]:
    words = schema.expect_strings(value)
    for index, word in enumerate(words):
        if not word.strip():
            raise InvalidValue(
                "empty word; write the word to look for",
                element=index if isinstance(value, list) else None,
            )
    return words


def _list_of(check: Callable[[Any], Any]) -> Callable[[Any], tuple[Any, ...]]:
    return lambda value: schema.expect_list_of(value, check)


def _choice(choices: tuple[str, ...]) -> Callable[[Any], str]:
    return lambda value: schema.expect_choice(value, choices)


# Each key with a plain value, and the check that reads it into the form Conditions stores.
VALUE_READERS: dict[str, Callable[[Any], Any]] = {
    "event": schema.expect_non_empty_string,
    "bots": schema.expect_bool,
    "channels": _list_of(schema.expect_channel),
    "not_channels": _list_of(schema.expect_channel),
    "channel_types": _list_of(_choice(schema.CHANNEL_TYPES)),
    "users": _list_of(schema.expect_user),
    "not_users": _list_of(schema.expect_user),
    "subtypes": schema.expect_strings,
    "thread": _choice(schema.THREAD_SCOPES),
    "mention": _choice(schema.MENTION_MODES),
    "has_files": schema.expect_bool,
    "active_hours": _list_of(parse_window),
    "equals": schema.expect_strings,
    "starts_with": schema.expect_strings,
    "contains": schema.expect_strings,
    "words": _words,
    "case_sensitive": schema.expect_bool,
    "raw_text": schema.expect_bool,
}


@dataclass(frozen=True, slots=True)
class Inherited:
    """Text modifiers that a nested table takes from the table around it."""

    case_sensitive: bool = False
    raw_text: bool = False


class ConditionReader:
    """Read condition tables of one rule, reporting every problem at its key or value.

    ``all_compiled`` turns false when a pattern of the rule fails to compile.
    """

    def __init__(self, reporter: Reporter, rule: str | None) -> None:
        self.reporter = reporter
        self.rule = rule
        self.all_compiled = True

    def read_rule(self, path: KeyPath, table: dict[str, Any]) -> Conditions:
        """Read the condition keys at the top of a rule and ignore its other keys."""
        keys = schema.RULE_ONLY_KEYS + schema.CONDITION_KEYS
        return self._read(path, {key: table[key] for key in table if key in keys}, "", Inherited())

    def _read(self, path: KeyPath, table: dict[str, Any], label: str, inherited: Inherited) -> Conditions:
        values: dict[str, Any] = {}
        for key, raw in table.items():
            where = path + (key,)
            if key in VALUE_READERS:
                self._read_value(where, label + key, raw, VALUE_READERS[key], values, key)
            elif key == "regex":
                patterns, compiled = compile_patterns(self.reporter, where, self.rule, label + key, raw)
                values["regex"] = tuple(patterns)
                self.all_compiled = self.all_compiled and compiled
            elif key == "fields":
                values["fields"] = self._fields(where, label + key, raw)

        modifiers = Inherited(
            values.setdefault("case_sensitive", inherited.case_sensitive),
            values.setdefault("raw_text", inherited.raw_text),
        )
        if "any" in table:
            values["any"] = self._any(path + ("any",), label, table["any"], modifiers)
        if "unless" in table:
            values["unless"] = self._unless(path + ("unless",), label, table["unless"], modifiers)
        return Conditions(**values)

    def _read_value(
        self,
        where: KeyPath,
        label: str,
        raw: Any,
        reader: Callable[[Any], Any],
        into: dict[str, Any],
        key: str,
    ) -> None:
        try:
            into[key] = reader(raw)
        except InvalidValue as problem:
            self.reporter.invalid(where, problem, self.rule, label)

    def _any(self, where: KeyPath, label: str, raw: Any, inherited: Inherited) -> tuple[Conditions, ...]:
        key = label + "any"
        if not isinstance(raw, list):
            shape = "one table" if isinstance(raw, dict) else schema.type_name(raw)
            message = (
                f"expected a list of condition tables, as in "
                f'any = [{{ words = "help" }}, {{ mention = "start" }}], got {shape}'
            )
            self.reporter.at_value(where, message, self.rule, key)
            return ()
        if not raw:
            message = "empty list; write at least one table of conditions, or remove the key"
            self.reporter.at_value(where, message, self.rule, key)
            return ()

        branches: list[Conditions] = []
        for index, item in enumerate(raw):
            branch = self._nested(where + (index,), f"{key}[{index}]", item, inherited)
            if branch is not None:
                branches.append(branch)
        return tuple(branches)

    def _unless(self, where: KeyPath, label: str, raw: Any, inherited: Inherited) -> Conditions | None:
        key = label + "unless"
        if isinstance(raw, list):
            message = (
                "expected one table of conditions; to exclude several cases, "
                "write unless = { any = [ ... ] }"
            )
            self.reporter.at_value(where, message, self.rule, key)
            return None
        return self._nested(where, key, raw, inherited)

    def _nested(self, where: KeyPath, label: str, raw: Any, inherited: Inherited) -> Conditions | None:
        """Read one nested table; ``label`` names it in problems (``any[1]``, ``unless``)."""
        if not isinstance(raw, dict):
            message = f'expected a table of conditions such as {{ words = "hello" }}, got {schema.type_name(raw)}'
            self.reporter.at_value(where, message, self.rule, label)
            return None

        misplaced = [key for key in raw if key not in schema.CONDITION_KEYS]
        for key in misplaced:
            self._check_nested_key(where + (key,), label, key)
        if not any(key in schema.CONDITION_KEYS and key not in TEXT_MODIFIERS for key in raw):
            # A table whose only key is misspelled already has its error.
            if not misplaced:
                message = "the table has no condition; write at least one, as in { words = \"hello\" }"
                self.reporter.at_value(where, message, self.rule, label)
            return None

        table = {key: value for key, value in raw.items() if key in schema.CONDITION_KEYS}
        return self._read(where, table, label + ".", inherited)

    def _check_nested_key(self, where: KeyPath, label: str, key: str) -> None:
        if key in schema.RULE_KEYS:
            message = f"applies to the whole rule; set it at the rule's top level, not inside {label}"
        elif key in schema.ACTION_VERBS:
            message = f"put '{key}' in a [[rule.action]] table, not inside {label}"
        else:
            message = f"unknown key{schema.did_you_mean(key, schema.CONDITION_KEYS)}"
        self.reporter.at_key(where, message, self.rule, f"{label}.{key}")

    def _fields(self, where: KeyPath, label: str, raw: Any) -> tuple[FieldCondition, ...]:
        if not isinstance(raw, dict):
            message = (
                f"expected a table of dotted paths and values, as in {FIELDS_EXAMPLE}, "
                f"got {schema.type_name(raw)}"
            )
            self.reporter.at_value(where, message, self.rule, label)
            return ()
        if not raw:
            message = f"empty table; write at least one path and value, as in {FIELDS_EXAMPLE}"
            self.reporter.at_value(where, message, self.rule, label)
            return ()

        found: list[FieldCondition] = []
        self._flatten_fields(where, label, (), raw, found)
        return tuple(found)

    def _flatten_fields(
        self, where: KeyPath, label: str, prefix: tuple[str, ...], table: dict[str, Any], found: list[FieldCondition]
    ) -> None:
        """Collect the entries of ``fields``. A nested table (``item.type = …``) extends the path."""
        for name, value in table.items():
            entry = where + (name,)
            parts = prefix + (name,)
            path = ".".join(parts)
            if isinstance(value, dict) and value:
                self._flatten_fields(entry, label, parts, value, found)
                continue
            if any(not step.strip() for step in path.split(".")):
                message = f"invalid path {path!r}; write names joined by dots, as in item.type"
                self.reporter.at_key(entry, message, self.rule, label)
                continue
            try:
                found.append(FieldCondition(path, field_values(value)))
            except InvalidValue as problem:
                problem.message = f"{path}: {problem.message}"
                self.reporter.invalid(entry, problem, self.rule, label)


def field_values(value: Any) -> tuple[FieldValue, ...]:
    """Read the value of one ``fields`` entry: a string, number or boolean, or a list of them."""
    if not isinstance(value, list):
        return (_field_scalar(value, None),)
    if not value:
        raise InvalidValue("empty list; write at least one value")
    return tuple(_field_scalar(item, index) for index, item in enumerate(value))


def _field_scalar(value: Any, element: int | None) -> FieldValue:
    if isinstance(value, float) and math.isnan(value):
        raise InvalidValue("nan equals no value; write a number", element=element)
    if isinstance(value, (str, int, float, bool)):
        return value
    raise InvalidValue(
        f"expected a string, number or boolean, or a list of them, got {schema.type_name(value)}",
        element=element,
    )
