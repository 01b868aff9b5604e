"""Values of template fields for one event, escaped where they came from a person."""

from __future__ import annotations

import json
from typing import Any, Mapping

from responder.engine.names import NameIndex
from responder.slack.events import Event
from responder.slack.markup import escape


class TemplateFields:
    """The ``{field}`` values for one event and the regex match of the rule, if any.

    Every value that a person could have written (the text, captures, raw event values,
    names) is escaped, so it can neither mention anyone nor form a link. ``{user}`` and
    ``{channel}`` are built from ids and stay live mentions.
    """

    def __init__(self, event: Event, match: Any | None, names: NameIndex) -> None:
        self._event = event
        self._match = match
        self._names = names

    def lookup(self, name: str) -> str | None:
        """Return the value of field ``name``, or None when the event has none."""
        if name.startswith("event."):
            return _raw_value(self._event.raw, name[len("event.") :])
        if name.startswith("user") or name.startswith("channel"):
            return self._party(name)
        if name == "text":
            return escape(self._event.text)
        if name == "ts":
            return self._event.ts
        if name == "thread_ts":
            return self._event.thread_ts
        return self._capture(name)

    def missing_reason(self, name: str) -> str:
        """Say why field ``name`` has no value, for the skip that follows."""
        user = self._event.user
        channel = self._event.channel
        if name == "user.name" and user is not None:
            return f"missing field 'user.name': the display name of {user} is not known"
        if name == "channel.name" and channel is not None:
            return f"missing field 'channel.name': the name of {channel} is not known"
        return f"missing field '{name}'"

    def _party(self, name: str) -> str | None:
        """Return ``{user…}`` and ``{channel…}`` values."""
        user = self._event.user
        channel = self._event.channel

        if name == "user":
            return None if user is None else f"<@{user}>"
        if name == "user.id":
            return user
        if name == "user.name":
            return None if user is None else _escaped(self._names.user_name(user))
        if name == "channel":
            return None if channel is None else f"<#{channel}>"
        if name == "channel.id":
            return channel
        if name == "channel.name":
            return None if channel is None else _escaped(self._names.channel_name(channel))
        return self._capture(name)

    def _capture(self, name: str) -> str | None:
        """Return ``{match}``, ``{1}``… or a named group of the rule's regex match."""
        if self._match is None:
            return None

        try:
            if name == "match":
                value = self._match.group(0)
            elif name.isdigit():
                value = self._match.group(int(name))
            else:
                value = self._match.group(name)
        except (IndexError, KeyError, ValueError):
            return None

        return _escaped(value)


def _raw_value(raw: Mapping[str, Any], path: str) -> str | None:
    """Follow dotted ``path`` into the raw event; None when a step is not an object."""
    value: Any = raw
    for step in path.split("."):
        if not isinstance(value, Mapping) or step not in value:
            return None
        value = value[step]

    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return escape(value)
    if isinstance(value, (int, float)):
        return str(value)
    return escape(json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str))


def _escaped(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    return escape(value)
