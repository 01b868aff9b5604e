"""The keys a rules file may use, and checks that read and convert single values.

A check returns the converted value or raises :class:`InvalidValue`, whose message is
written for the user and whose ``element`` and ``char`` point into the value.
"""

from __future__ import annotations

import datetime
import difflib
import re
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

T = TypeVar("T")

TOP_LEVEL_KEYS = ("settings", "rule", "test", "test_workspace")

SETTINGS_KEYS = (
    "ignore_bots",
    "reply_limit",
    "dedupe_window",
    "max_text_length",
    "dry_run",
    "timezone",
)

# Keys that hold a condition, at the top of a rule and inside ``any`` and ``unless`` tables.
CONDITION_KEYS = (
    "channels",
    "not_channels",
    "channel_types",
    "users",
    "not_users",
    "subtypes",
    "thread",
    "mention",
    "has_files",
    "active_hours",
    "fields",
    "equals",
    "starts_with",
    "contains",
    "words",
    "regex",
    "case_sensitive",
    "raw_text",
    "any",
    "unless",
)

# Keys that apply to the whole rule, so an ``any`` or ``unless`` table may not hold them.
RULE_ONLY_KEYS = ("event", "bots")

GUARD_KEYS = ("cooldown", "cooldown_per", "once_per_thread")

RULE_KEYS = (
    ("name",)
    + RULE_ONLY_KEYS
    + CONDITION_KEYS
    + GUARD_KEYS
    + ("enabled", "stop", "dry_run", "action")
)

ACTION_VERBS = ("reply", "react", "post", "dm", "ephemeral")

# Each modifier key of an action, and the one verb it belongs to.
ACTION_MODIFIERS = {"in_thread": "reply", "broadcast": "reply", "channel": "post", "to": "dm"}

THREAD_SCOPES = ("any", "top", "reply")
MENTION_MODES = ("anywhere", "start", "never")
CHANNEL_TYPES = ("channel", "group", "im", "mpim")
COOLDOWN_SCOPES = ("channel", "user", "thread", "rule")

# Slack truncates chat.postMessage text after 40,000 characters.
MAX_TEXT_LENGTH_LIMIT = 40000

_CHANNEL_ID = re.compile(r"[CGD][A-Z0-9]{2,}")
_USER_ID = re.compile(r"[UW][A-Z0-9]{2,}")
_NAME = re.compile(r"[^\s#@<>]+")
_SKIN_TONE = re.compile(r"::skin-tone-[2-6]$")


class InvalidValue(ValueError):
    """A value of the wrong type or form.

    ``element`` is the index of the offending list element, and ``char`` is the offset of
    the offending character inside the string. Either is None when it does not apply.
    ``more`` lists the problems of further elements of the same list.
    """

    def __init__(self, message: str, element: int | None = None, char: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.element = element
        self.char = char
        self.more: list[InvalidValue] = []


def type_name(value: object) -> str:
    """Name a parsed TOML value's type the way the TOML specification does."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "table"
    if isinstance(value, datetime.datetime):
        return "date-time"
    if isinstance(value, datetime.date):
        return "date"
    if isinstance(value, datetime.time):
        return "time"
    return type(value).__name__


def suggest(word: str, choices: Iterable[str]) -> str | None:
    """Return the choice closest to ``word``, if one is close enough to be a typo."""
    matches = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return matches[0] if matches else None


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """Return ``" (did you mean 'x'?)"`` for a close choice, or an empty string."""
    close = suggest(word, choices)
    return f" (did you mean '{close}'?)" if close else ""


def expect_bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise InvalidValue(f"expected true or false, got {type_name(value)}")
    return value


def expect_string(value: Any) -> str:
    if not isinstance(value, str):
        raise InvalidValue(f"expected a string, got {type_name(value)}")
    return value


def expect_non_empty_string(value: Any) -> str:
    text = expect_string(value)
    if not text.strip():
        raise InvalidValue("empty string; write a value")
    return text


def expect_strings(value: Any) -> tuple[str, ...]:
    """Read a string or a non-empty list of strings."""
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list):
        raise InvalidValue(f"expected a string or a list of strings, got {type_name(value)}")
    if not value:
        raise InvalidValue("empty list; write at least one value, or remove the key")
    for index, item in enumerate(value):
        if not isinstance(item, str):
            raise InvalidValue(
                f"expected a string or a list of strings, got {type_name(item)} in the list",
                element=index,
            )
    return tuple(value)


def expect_choice(value: Any, choices: tuple[str, ...]) -> str:
    text = expect_string(value)
    if text not in choices:
        listed = ", ".join(f'"{choice}"' for choice in choices)
        raise InvalidValue(
            f"invalid value {text!r}; expected one of {listed}{did_you_mean(text, choices)}"
        )
    return text


def expect_positive_int(value: Any, maximum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidValue(f"expected an integer, got {type_name(value)}")
    if not 1 <= value <= maximum:
        raise InvalidValue(f"invalid value {value}; expected an integer from 1 to {maximum}")
    return value


def expect_channel(value: Any) -> str:
    """Read a channel id (``C…``, ``G…``, ``D…``) or name (``#general``)."""
    text = expect_non_empty_string(value)
    if _CHANNEL_ID.fullmatch(text) or (text.startswith("#") and _NAME.fullmatch(text[1:])):
        return text
    hint = f"; write '#{text}' for a channel name" if _NAME.fullmatch(text) else ""
    raise InvalidValue(
        f"invalid channel {text!r}; "
        f"expected an id such as C0123ABCD or a name such as #general{hint}"
    )


def expect_user(value: Any) -> str:
    """Read a user id (``U…``, ``W…``) or name (``@alice``)."""
    text = expect_non_empty_string(value)
    if _USER_ID.fullmatch(text) or (text.startswith("@") and _NAME.fullmatch(text[1:])):
        return text
    hint = f"; write '@{text}' for a user name" if _NAME.fullmatch(text) else ""
    raise InvalidValue(
        f"invalid user {text!r}; expected an id such as U0123ABCD or a name such as @alice{hint}"
    )


def expect_list_of(value: Any, check: Callable[[Any], T]) -> tuple[T, ...]:
    """Read a string or list of strings, each checked by ``check``; report every bad element."""
    items = expect_strings(value)
    converted: list[T] = []
    problems: list[InvalidValue] = []
    for index, item in enumerate(items):
        try:
            converted.append(check(item))
        except InvalidValue as problem:
            element = index if isinstance(value, list) else None
            problems.append(InvalidValue(problem.message, element, problem.char))
    if problems:
        first = problems[0]
        first.more = problems[1:]
        raise first
    return tuple(converted)


def expect_emoji(value: Any) -> str:
    """Read an emoji name as Slack's ``reactions.add`` takes it: no colons around it."""
    text = expect_non_empty_string(value)
    bare = _SKIN_TONE.sub("", text)
    if ":" in bare:
        raise InvalidValue(
            f"invalid emoji name {text!r}; "
            f"write the emoji name without colons, as in '{bare.strip(':')}'",
            char=text.index(":"),
        )
    for index, char in enumerate(text):
        if char.isspace():
            raise InvalidValue(
                f"invalid emoji name {text!r}; an emoji name has no spaces", char=index
            )
    return text
