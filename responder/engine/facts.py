"""Facts about an event that conditions and guards share: its time, its kind of
conversation, its thread and the values inside the raw payload."""

from __future__ import annotations

import datetime
import math
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

from responder.engine.names import NameIndex
from responder.rules.model import FieldValue
from responder.slack.events import Event
from responder.slack.normalise import KNOWN_CHANNEL_TYPES

MISSING = object()
"""The result of :func:`lookup_path` for a path that leads nowhere."""


def event_time(event: Event, fallback: float) -> float:
    """Return the event's own time: its ``ts`` as Unix time, else ``event_ts``, else ``fallback``.

    Time windows use it, so that a replay of recorded events decides the same every time.
    For an edit this is the time of the edit, not of the edited message.
    """
    for key in ("ts", "event_ts"):
        value = event.raw.get(key)
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            continue
        try:
            seconds = float(value)
        except ValueError:
            continue
        if math.isfinite(seconds):
            return seconds
    return fallback


def delivery_ts(event: Event) -> str | None:
    """Return the ts of the delivery itself: an edit's own ts, not the edited message's."""
    for key in ("ts", "event_ts"):
        value = event.raw.get(key)
        if isinstance(value, str) and value:
            return value
    return event.ts


def delivery_key(event: Event) -> tuple[str, str, str] | None:
    """Return the dedupe key (type, channel, ts) of ``event``, or None when it lacks channel or ts.

    The type is part of the key because Socket Mode delivers a message that mentions the
    bot twice, as ``message`` and as ``app_mention``, with the same channel and ts.
    """
    ts = delivery_ts(event)
    if event.channel is None or ts is None:
        return None
    return (event.type, event.channel, ts)


def local_time(at: float, zone: ZoneInfo) -> datetime.datetime | None:
    """Return ``at`` as a time in ``zone``, or None for a time outside the calendar."""
    try:
        return datetime.datetime.fromtimestamp(at, zone)
    except (OverflowError, OSError, ValueError):
        return None


def clock_text(at: float, zone: ZoneInfo) -> str:
    """Format ``at`` as ``HH:MM:SS`` in ``zone``."""
    moment = local_time(at, zone)
    return moment.strftime("%H:%M:%S") if moment is not None else f"{at:.0f}"


def channel_type_of(event: Event, names: NameIndex) -> str | None:
    """Return the kind of conversation the event is in, or None when it is not known.

    The event's own ``channel_type`` comes first, then the workspace directory (which
    lists private channels with ``C`` ids and every ``G`` id), then the id's first
    letter: ``C`` is a channel and ``D`` a direct message.
    """
    stated = event.raw.get("channel_type")
    if isinstance(stated, str) and stated in KNOWN_CHANNEL_TYPES:
        return stated
    if event.channel is None:
        return None
    return names.channel_type(event.channel) or event.channel_type


def thread_of(event: Event) -> tuple[str, str] | None:
    """Return the channel and root ``ts`` of the thread the event belongs to.

    A top-level message is the root of its own thread. For events other than messages
    (a reaction) the thread is the message they refer to.
    """
    if event.type != "message":
        if event.target_channel is None or event.target_ts is None:
            return None
        return (event.target_channel, event.target_ts)

    if event.channel is None:
        return None
    root = event.thread_ts if event.is_reply and event.thread_ts else event.ts
    return None if root is None else (event.channel, root)


def lookup_path(raw: Mapping[str, Any], path: str) -> Any:
    """Follow dotted ``path`` through objects of the raw event; :data:`MISSING` if it breaks off."""
    value: Any = raw
    for step in path.split("."):
        if not isinstance(value, Mapping) or step not in value:
            return MISSING
        value = value[step]
    return value


def field_equals(actual: Any, expected: FieldValue) -> bool:
    """Compare a raw value with a ``fields`` value: strings with strings, numbers with
    numbers (``1`` equals ``1.0``), booleans with booleans."""
    if isinstance(expected, bool) or isinstance(actual, bool):
        return isinstance(actual, bool) and isinstance(expected, bool) and actual == expected
    if isinstance(expected, (int, float)):
        return isinstance(actual, (int, float)) and actual == expected
    return isinstance(actual, str) and actual == expected


def shorten(text: str, limit: int = 80) -> str:
    """Cut ``text`` to ``limit`` characters, marking a cut with an ellipsis."""
    if len(text) <= limit:
        return text
    return text[: limit - 1] + "…"
