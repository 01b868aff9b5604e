"""Checks of what surrounds the text: thread, files, mention, subtype, kind of
conversation, raw fields and the time of day."""

from __future__ import annotations

import json
from typing import Any
from zoneinfo import ZoneInfo

from responder.engine.context import Check, EventContext
from responder.engine.facts import MISSING, channel_type_of, field_equals, local_time, lookup_path, shorten
from responder.engine.names import NameIndex
from responder.rules.hours import DAY_NAMES, ActiveWindow
from responder.rules.model import Conditions, FieldCondition


def shape_checks(conditions: Conditions) -> list[Check]:
    """Checks on the thread, the files and the bot's mention."""
    checks: list[Check] = []

    if conditions.thread == "top":
        checks.append(_is_top_level)
    elif conditions.thread == "reply":
        checks.append(_is_reply)

    if conditions.has_files is True:
        checks.append(_has_files)
    elif conditions.has_files is False:
        checks.append(_has_no_files)

    if conditions.mention is not None:
        checks.append(MENTION_CHECKS[conditions.mention])

    return checks


def _is_top_level(context: EventContext) -> str | None:
    return "thread: the message is a reply" if context.event.is_reply else None


def _is_reply(context: EventContext) -> str | None:
    return None if context.event.is_reply else "thread: the message is not a reply"


def _has_files(context: EventContext) -> str | None:
    return None if context.event.has_files else "has_files: the message has no files"


def _has_no_files(context: EventContext) -> str | None:
    return "has_files: the message has files" if context.event.has_files else None


def _mentions_bot(context: EventContext) -> str | None:
    if context.identity.user_id in context.event.mentions:
        return None
    return "mention: the bot is not mentioned"


def _starts_with_mention(context: EventContext) -> str | None:
    if context.starts_with_bot_mention:
        return None
    return "mention: the text does not start with the bot's mention"


def _does_not_mention_bot(context: EventContext) -> str | None:
    if context.identity.user_id in context.event.mentions:
        return "mention: the bot is mentioned"
    return None


MENTION_CHECKS: dict[str, Check] = {
    "anywhere": _mentions_bot,
    "start": _starts_with_mention,
    "never": _does_not_mention_bot,
}


def subtype_check(subtypes: tuple[str, ...]) -> Check:
    """Check the subtype inside ``any`` or ``unless``, where it is a plain condition."""
    listed = frozenset(subtypes)

    def in_subtypes(context: EventContext) -> str | None:
        subtype = context.event.subtype
        if subtype in listed:
            return None
        return f"subtypes: {subtype_label(subtype)} not listed"

    return in_subtypes


def subtype_label(subtype: str) -> str:
    return subtype if subtype else "plain message"


def channel_type_check(kinds: tuple[str, ...], names: NameIndex) -> Check:
    listed = frozenset(kinds)

    def in_channel_types(context: EventContext) -> str | None:
        kind = channel_type_of(context.event, names)
        if kind in listed:
            return None
        return "channel_types: " + channel_type_problem(context.event.channel, kind)

    return in_channel_types


def channel_type_problem(channel: str | None, kind: str | None) -> str:
    """Say why a conversation's kind is not one of those listed."""
    if channel is None:
        return "the event has no channel"
    if kind is None:
        return f"{channel} is not in the workspace's channel list, so its kind is not known"
    return f"{channel} is {_with_article(kind)}, not listed"


def _with_article(kind: str) -> str:
    # "im" and "mpim" are read letter by letter, so they take "an".
    return f"an {kind}" if kind in ("im", "mpim", "app_home") else f"a {kind}"


def fields_check(fields: tuple[FieldCondition, ...]) -> Check:
    def fields_equal(context: EventContext) -> str | None:
        for field in fields:
            problem = field_problem(context.event.raw, field)
            if problem is not None:
                return "fields: " + problem
        return None

    return fields_equal


def field_problem(raw: Any, field: FieldCondition) -> str | None:
    """Return why the raw event's value at ``field.path`` is none of the listed values."""
    actual = lookup_path(raw, field.path)
    if actual is MISSING:
        return f"{field.path} is missing"
    if any(field_equals(actual, expected) for expected in field.values):
        return None
    listed = " or ".join(show_value(value) for value in field.values)
    return f"{field.path} is {show_value(actual)}, not {listed}"


def show_value(value: Any) -> str:
    """Show a raw or listed value as JSON, shortened."""
    return shorten(json.dumps(value, ensure_ascii=False, default=str), 40)


def active_hours_check(windows: tuple[ActiveWindow, ...], zone: ZoneInfo) -> Check:
    def within_hours(context: EventContext) -> str | None:
        problem = hours_problem(windows, zone, context.at)
        return None if problem is None else "active_hours: " + problem

    return within_hours


def hours_problem(windows: tuple[ActiveWindow, ...], zone: ZoneInfo, at: float) -> str | None:
    """Return why time ``at`` falls in none of ``windows``, or None when it falls in one."""
    moment = local_time(at, zone)
    if moment is None:
        return f"the event's time {at!r} is not a valid date"
    minute = moment.hour * 60 + moment.minute
    if any(window.contains(moment.weekday(), minute) for window in windows):
        return None
    listed = ", ".join(window.source for window in windows)
    return f"{describe_time(at, zone)} is outside {listed}"


def describe_time(at: float, zone: ZoneInfo) -> str:
    """Show ``at`` as ``Sat 10:15 Europe/Berlin``."""
    moment = local_time(at, zone)
    if moment is None:
        return repr(at)
    return f"{DAY_NAMES[moment.weekday()]} {moment:%H:%M} {zone.key}"
