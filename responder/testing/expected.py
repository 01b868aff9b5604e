"""Expected and actual actions of a ``[[test]]``: reading, matching and one-line rendering.

An expected action names its verb and value and only the keys it cares about:
``{ reply = "Hi!" }`` matches a reply with that text in any channel and thread, and
``{ reply = "Hi!", thread_ts = false }`` only one that is not in a thread.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal, Sequence

from responder.decisions import PlannedAction
from responder.rules import schema
from responder.rules.schema import InvalidValue
from responder.testing.workspace import OfflineWorkspace

VERBS = ("reply", "react", "post", "dm", "ephemeral")
MODIFIER_KEYS = ("channel", "thread_ts", "broadcast", "to", "rule")
ACTION_KEYS = VERBS + MODIFIER_KEYS

# Problems found in one expected action: (key inside the table or "", message).
ActionProblems = list[tuple[str, str]]


@dataclass(frozen=True, slots=True)
class ExpectedAction:
    """One entry of a test's ``actions``; a modifier that is None is not compared.

    ``thread_ts`` is False for ``thread_ts = false``: the action must not be in a thread.
    ``channel`` and ``to`` are kept as written (ids or names) and resolved when compared.
    """

    verb: str
    value: str
    channel: str | None = None
    thread_ts: str | Literal[False] | None = None
    broadcast: bool | None = None
    to: str | None = None
    rule: str | None = None

    def render(self) -> str:
        """Render as ``verb "value"`` followed by the modifiers the test gives."""
        parts = [f"{self.verb} {quote(self.value)}"]
        if self.channel is not None:
            parts.append(f"channel={self.channel}")
        if self.thread_ts is not None:
            parts.append(f"thread_ts={self.thread_ts or 'none'}")
        if self.broadcast is not None:
            parts.append(f"broadcast={str(self.broadcast).lower()}")
        if self.to is not None:
            parts.append(f"to={self.to}")
        if self.rule is not None:
            parts.append(f"rule={self.rule}")
        return " ".join(parts)


@dataclass(frozen=True, slots=True)
class ActualAction:
    """An action the rules would send, with every value a random pick could have given."""

    action: PlannedAction
    alternatives: frozenset[str]

    @property
    def value(self) -> str:
        """The text, or the emoji name of a reaction."""
        return self.action.reaction if self.action.reaction is not None else self.action.text or ""

    def render(self) -> str:
        """Render as ``verb "value"`` with the channel, thread (a reaction's message), user and rule."""
        action = self.action
        parts = [f"{action.verb} {quote(self.value)}", f"channel={action.channel}"]
        if action.timestamp is not None:
            parts.append(f"timestamp={action.timestamp}")
        else:
            parts.append(f"thread_ts={action.thread_ts or 'none'}")
        if action.broadcast:
            parts.append("broadcast=true")
        if action.user is not None and action.verb in ("dm", "ephemeral"):
            parts.append(f"to={action.user}")
        parts.append(f"rule={action.rule}")
        if len(self.alternatives) > 1:
            others = sorted(self.alternatives - {self.value})
            parts.append("(or " + ", ".join(quote(other) for other in others) + ")")
        return " ".join(parts)


def quote(text: str) -> str:
    """Quote ``text`` on one line, with newlines and quotes escaped as in JSON."""
    return json.dumps(text, ensure_ascii=False)


def matches(expected: ExpectedAction, actual: ActualAction, workspace: OfflineWorkspace) -> bool:
    """True when ``actual`` has the verb, value and every modifier that ``expected`` gives."""
    action = actual.action
    if expected.verb != action.verb or expected.value not in actual.alternatives:
        return False
    if expected.channel is not None and workspace.channel_id(expected.channel) != action.channel:
        return False
    if expected.thread_ts is False and action.thread_ts is not None:
        return False
    if isinstance(expected.thread_ts, str) and expected.thread_ts != action.thread_ts:
        return False
    if expected.broadcast is not None and expected.broadcast != action.broadcast:
        return False
    if expected.to is not None and workspace.user_id(expected.to) != action.user:
        return False
    return expected.rule is None or expected.rule == action.rule


def read_expected_action(item: Any, rule_names: Sequence[str]) -> ExpectedAction | ActionProblems:
    """Read one table of a test's ``actions``, or return every problem in it."""
    if not isinstance(item, dict):
        return [("", f'expected an action table such as {{ reply = "…" }}, got {schema.type_name(item)}')]

    problems: ActionProblems = []
    for key in item:
        if key not in ACTION_KEYS:
            problems.append((key, f"unknown key in an expected action{schema.did_you_mean(key, ACTION_KEYS)}"))

    verbs = [key for key in item if key in VERBS]
    if not verbs:
        problems.append(("", "missing verb; write one of " + ", ".join(VERBS)))
    for extra in verbs[1:]:
        problems.append((extra, f"an action has one verb; {verbs[0]} is already given"))

    values: dict[str, Any] = {}
    for key, reader in _READERS.items():
        if key in item:
            try:
                values[key] = reader(item[key], rule_names)
            except InvalidValue as problem:
                problems.append((key, problem.message))

    if problems:
        return problems
    verb = verbs[0]
    return ExpectedAction(verb, values.pop(verb), **values)


def _text(value: Any, rule_names: Sequence[str]) -> str:
    return schema.expect_string(value)


def _thread_ts(value: Any, rule_names: Sequence[str]) -> str | Literal[False]:
    if value is False:
        return False
    if not isinstance(value, str) or not value:
        raise InvalidValue(
            f'expected a ts string such as "1700000000.000100", or false for no thread, got {schema.type_name(value)}'
        )
    return value


def _rule(value: Any, rule_names: Sequence[str]) -> str:
    name = schema.expect_string(value)
    if name not in rule_names:
        raise InvalidValue(f"rule {name!r} not found in this file{schema.did_you_mean(name, rule_names)}")
    return name


_READERS = {
    **{verb: _text for verb in VERBS},
    "channel": lambda value, names: schema.expect_channel(value),
    "thread_ts": _thread_ts,
    "broadcast": lambda value, names: schema.expect_bool(value),
    "to": lambda value, names: schema.expect_user(value),
    "rule": _rule,
}
