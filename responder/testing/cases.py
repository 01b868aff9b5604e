"""Read the ``[[test]]`` tables of a rules file into test cases, reporting every problem.

A test gives its input as ``text``, ``event`` or ``events`` and states at least one
expectation: ``fires``, ``replies`` or ``actions``. A test with a problem is reported at
the offending key, as ``FILE:LINE:COLUMN: test "NAME": KEY: message``, and is not run.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from responder.rules import schema
from responder.rules.report import Reporter
from responder.rules.toml_positions import KeyPath
from responder.testing.expected import ACTION_KEYS, VERBS, ExpectedAction, read_expected_action

TEST_KEYS = ("name", "text", "event", "events", "fires", "replies", "actions")
INPUT_KEYS = ("text", "event", "events")
EXPECTATION_KEYS = ("fires", "replies", "actions")

TEST_CHANNEL = "C0TEST1"
TEST_USER = "U0TEST1"
FIRST_TS = "1700000000.000100"
# Message ts keys whose values Slack sends as strings; a number there is a typo.
TS_KEYS = ("ts", "thread_ts", "event_ts")


@dataclass(frozen=True, slots=True)
class RulesTest:
    """One valid ``[[test]]``: its raw input events and what it expects.

    An expectation that the test does not state is None and is not checked.
    """

    name: str
    line: int
    events: tuple[Mapping[str, Any], ...]
    fires: tuple[str, ...] | None = None
    replies: tuple[str, ...] | None = None
    actions: tuple[ExpectedAction, ...] | None = None


@dataclass(frozen=True, slots=True)
class InvalidRulesTest:
    """A ``[[test]]`` with problems (reported separately), which is not run."""

    name: str
    line: int


def text_message(text: str, ts: str = FIRST_TS) -> dict[str, Any]:
    """Return the event that ``text = "…"`` stands for: a top-level message in ``C0TEST1``."""
    return {"type": "message", "channel": TEST_CHANNEL, "user": TEST_USER, "text": text, "ts": ts}


def nth_ts(index: int) -> str:
    """Return the ts of the ``index``-th (0-based) text message of ``events``."""
    return f"1700000000.{(index + 1) * 100:06d}"


class _TestReader:
    """Validates one ``[[test]]`` table, reporting problems at its keys and values."""

    def __init__(self, index: int, table: Mapping[str, Any], reporter: Reporter, rule_names: Sequence[str]) -> None:
        self.index = index
        self.table = table
        self.reporter = reporter
        self.rule_names = rule_names
        self.errors = 0
        name = table.get("name")
        self.name = name if isinstance(name, str) and name.strip() else f"test {index + 1}"
        self.path: KeyPath = ("test", index)

    def label(self, key: str) -> str:
        return f'test "{self.name}": {key}'

    def at_key(self, key: str, message: str) -> None:
        self.errors += 1
        self.reporter.at_key(self.path + (key,), message, None, self.label(key))

    def at_value(self, where: KeyPath, key: str, message: str) -> None:
        self.errors += 1
        self.reporter.at_value(self.path + where, message, None, self.label(key))

    def at_header(self, key: str, message: str) -> None:
        self.errors += 1
        self.reporter.at_header(self.path, message, None, self.label(key))

    def read(self, line: int) -> RulesTest | InvalidRulesTest:
        self.check_keys()
        self.check_name()
        events = self.read_input()
        fires = self.read_strings("fires", 'rule names such as ["greet"]', check_rule=True)
        replies = self.read_strings("replies", 'reply texts such as ["Hi <@U0TEST1>!"]')
        actions = self.read_actions()
        if not any(key in self.table for key in EXPECTATION_KEYS):
            self.at_header("fires", "missing; a test needs at least one of fires, replies or actions")

        if self.errors or events is None:
            return InvalidRulesTest(self.name, line)
        return RulesTest(self.name, line, events, fires, replies, actions)

    def check_keys(self) -> None:
        for key in self.table:
            if key in TEST_KEYS:
                continue
            hint = schema.did_you_mean(key, TEST_KEYS)
            if not hint and key in VERBS:
                hint = f"; list expected actions as actions = [{{ {key} = \"…\" }}]"
            self.at_key(key, f"unknown key{hint}")

    def check_name(self) -> None:
        name = self.table.get("name")
        if name is None:
            self.at_header("name", 'missing; every [[test]] needs a name, as in name = "greets in a thread"')
        elif not isinstance(name, str) or not name.strip():
            self.at_value(("name",), "name", "expected a non-empty string")

    def read_input(self) -> tuple[Mapping[str, Any], ...] | None:
        given = [key for key in INPUT_KEYS if key in self.table]
        if not given:
            self.at_header("text", 'missing input; write text = "…", event = { … } or events = [ … ]')
            return None
        for extra in given[1:]:
            self.at_key(extra, f"a test has one input; remove {extra} or {given[0]}")

        key = given[0]
        value = self.table[key]
        if key == "text":
            if not isinstance(value, str):
                self.at_value(("text",), "text", f"expected a string, got {schema.type_name(value)}")
                return None
            return (text_message(value),)
        if key == "event":
            event = self.read_event(value, ("event",), "event")
            return None if event is None else (event,)
        return self.read_events(value)

    def read_events(self, value: Any) -> tuple[Mapping[str, Any], ...] | None:
        if not isinstance(value, list) or not value:
            shown = "an empty array" if isinstance(value, list) else schema.type_name(value)
            self.at_value(("events",), "events", f"expected an array of event tables or texts, got {shown}")
            return None

        events: list[Mapping[str, Any]] = []
        for position, item in enumerate(value):
            if isinstance(item, str):
                events.append(text_message(item, nth_ts(position)))
                continue
            event = self.read_event(item, ("events", position), "events")
            if event is not None:
                events.append(event)
        return tuple(events) if len(events) == len(value) else None

    def read_event(self, value: Any, where: KeyPath, key: str) -> Mapping[str, Any] | None:
        if not isinstance(value, dict):
            self.at_value(where, key, f"expected an event table such as {{ type = \"message\", … }}, got {schema.type_name(value)}")
            return None
        valid = True
        for ts_key in TS_KEYS:
            ts = value.get(ts_key)
            if ts is not None and not isinstance(ts, str):
                self.at_value(where + (ts_key,), key, f'{ts_key}: expected a string such as "{FIRST_TS}", got {schema.type_name(ts)}')
                valid = False
        return value if valid else None

    def read_strings(self, key: str, example: str, check_rule: bool = False) -> tuple[str, ...] | None:
        if key not in self.table:
            return None
        value = self.table[key]
        if not isinstance(value, list):
            self.at_value((key,), key, f"expected an array of {example}, got {schema.type_name(value)}")
            return None

        strings: list[str] = []
        for position, item in enumerate(value):
            if not isinstance(item, str):
                self.at_value((key, position), key, f"expected a string, got {schema.type_name(item)}")
            elif check_rule and item not in self.rule_names:
                hint = schema.did_you_mean(item, self.rule_names)
                self.at_value((key, position), key, f"rule {item!r} not found in this file{hint}")
            else:
                strings.append(item)
        return tuple(strings) if len(strings) == len(value) else None

    def read_actions(self) -> tuple[ExpectedAction, ...] | None:
        if "actions" not in self.table:
            return None
        value = self.table["actions"]
        if not isinstance(value, list):
            self.at_value(("actions",), "actions", f'expected an array of action tables such as [{{ react = "eyes" }}], got {schema.type_name(value)}')
            return None

        actions: list[ExpectedAction] = []
        for position, item in enumerate(value):
            where = ("actions", position)
            problems = read_expected_action(item, self.rule_names)
            if isinstance(problems, ExpectedAction):
                actions.append(problems)
                continue
            for inner_key, message in problems:
                self.at_value(where + ((inner_key,) if inner_key else ()), "actions", message)
        return tuple(actions) if len(actions) == len(value) else None


def read_tests(
    tables: Sequence[Mapping[str, Any]], lines: Sequence[int], reporter: Reporter, rule_names: Sequence[str]
) -> list[RulesTest | InvalidRulesTest]:
    """Validate every ``[[test]]`` table, in file order, reporting each problem."""
    cases: list[RulesTest | InvalidRulesTest] = []
    first_lines: dict[str, int] = {}
    for index, table in enumerate(tables):
        line = lines[index] if index < len(lines) else 1
        reader = _TestReader(index, table, reporter, rule_names)
        if reader.name in first_lines and isinstance(table.get("name"), str):
            reader.at_value(("name",), "name", f"duplicate test name (first used on line {first_lines[reader.name]})")
        first_lines.setdefault(reader.name, line)
        cases.append(reader.read(line))
    return cases


__all__ = ["ACTION_KEYS", "InvalidRulesTest", "RulesTest", "read_tests", "text_message"]
