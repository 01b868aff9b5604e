"""Turn a raw RTM payload into an :class:`Event`, whatever its shape.

Slack's payloads vary by type and subtype: edits carry their text and author in a
nested ``message``, deletions in ``previous_message``, reactions name their target in
``item``, and ``team_join`` or ``channel_created`` put objects where other events put
ids. :func:`normalise` checks the type of every field it reads, so it returns an event for
any mapping.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from responder.slack.event_builder import build_event
from responder.slack.events import Event
from responder.slack.identity import Identity
from responder.slack.markup import mentioned_users, normalise_text

NESTED_MESSAGE_SUBTYPES = frozenset({"message_changed", "message_replied"})
KNOWN_CHANNEL_TYPES = frozenset({"channel", "group", "im", "mpim", "app_home"})
CHANNEL_TYPE_BY_PREFIX = {"C": "channel", "D": "im"}
SLACKBOT_USER = "USLACKBOT"

_EMPTY: Mapping[str, Any] = {}


def normalise(raw: Mapping[str, Any], identity: Identity) -> Event:
    """Build the :class:`Event` for ``raw``, judged against the bot's ``identity``."""
    if not isinstance(raw, dict) and not isinstance(raw, Mapping):
        raw = _EMPTY

    event_type = _string(raw.get("type")) or ""
    subtype = _string(raw.get("subtype")) or ""
    if not subtype and event_type == "message" and raw.get("hidden") is True and isinstance(raw.get("message"), Mapping):
        # The Events API (Socket Mode) sends message_replied without its subtype.
        subtype = "message_replied"
    if event_type == "message":
        source = _message_source(raw, subtype)
        target_channel = _id(raw.get("channel"))
        target_ts = _message_ts(raw, source, subtype)
    else:
        source = raw
        item = _mapping(raw.get("item"))
        target_channel = _id(item.get("channel")) or _id(raw.get("channel"))
        target_ts = _string(item.get("ts")) or _string(raw.get("ts"))

    return _build(raw, identity, event_type, subtype, source, target_channel, target_ts)


def _build(
    raw: Mapping[str, Any],
    identity: Identity,
    event_type: str,
    subtype: str,
    source: Mapping[str, Any],
    target_channel: str | None,
    target_ts: str | None,
) -> Event:
    user = _id(source.get("user"))
    bot_id = _string(source.get("bot_id"))
    app_id = _string(source.get("app_id"))
    if app_id is None:
        bot_profile = source.get("bot_profile")
        if bot_profile is not None:
            app_id = _string(_mapping(bot_profile).get("app_id"))
    raw_text = source.get("text")
    if not isinstance(raw_text, str):
        raw_text = ""
    channel = _id(raw.get("channel")) or target_channel

    if event_type == "message":
        ts = target_ts
        thread_ts = _string(source.get("thread_ts"))
    else:
        ts = _string(raw.get("ts")) or _string(raw.get("event_ts"))
        thread_ts = None

    is_bot = bot_id is not None or user == SLACKBOT_USER or _string(source.get("subtype")) == "bot_message"
    return build_event(
        event_type,
        subtype,
        channel,
        user,
        bot_id,
        app_id,
        ts,
        thread_ts,
        normalise_text(raw_text),
        raw_text,
        mentioned_users(raw_text),
        _has_files(source),
        raw.get("hidden") is True,
        _is_self(identity, user, bot_id, app_id),
        is_bot,
        _channel_type(raw, channel),
        target_channel,
        target_ts,
        subtype == "message_changed" and _text_unchanged(raw),
        raw,
    )


def _message_source(raw: Mapping[str, Any], subtype: str) -> Mapping[str, Any]:
    """Return the mapping that contains the message's text, author and timestamps."""
    if subtype in NESTED_MESSAGE_SUBTYPES:
        return _mapping(raw.get("message"))
    if subtype == "message_deleted":
        return _mapping(raw.get("previous_message"))
    return raw


def _message_ts(raw: Mapping[str, Any], source: Mapping[str, Any], subtype: str) -> str | None:
    ts = _string(source.get("ts"))
    if ts is None and subtype == "message_deleted":
        return _string(raw.get("deleted_ts"))
    return ts


def _text_unchanged(raw: Mapping[str, Any]) -> bool:
    """True for a ``message_changed`` that leaves the text as it was (a link preview)."""
    previous = raw.get("previous_message")
    if not isinstance(previous, Mapping):
        return False
    return _mapping(raw.get("message")).get("text") == previous.get("text")


def _is_self(identity: Identity, user: str | None, bot_id: str | None, app_id: str | None) -> bool:
    if user is not None and user == identity.user_id:
        return True
    if bot_id is not None and bot_id == identity.bot_id:
        return True
    return app_id is not None and app_id == identity.app_id


def _has_files(source: Mapping[str, Any]) -> bool:
    files = source.get("files")
    if isinstance(files, list) and files:
        return True
    file = source.get("file")
    return file is not None and isinstance(file, Mapping)


def _channel_type(raw: Mapping[str, Any], channel: str | None) -> str | None:
    """Return the event's ``channel_type``, else the kind its id shows (``G`` ids need a lookup)."""
    stated = raw.get("channel_type")
    if isinstance(stated, str) and stated in KNOWN_CHANNEL_TYPES:
        return stated
    if channel is None:
        return None
    return CHANNEL_TYPE_BY_PREFIX.get(channel[:1])


def _string(value: object) -> str | None:
    """Return ``value`` when it is a non-empty string, else None."""
    if isinstance(value, str) and value:
        return value
    return None


def _id(value: object) -> str | None:
    """Return an id given as a string, or as the ``id`` of an object (``team_join``'s user)."""
    if isinstance(value, str):
        return value or None
    if value is None:
        return None
    return _string(_mapping(value).get("id"))


def _mapping(value: object) -> Mapping[str, Any]:
    if isinstance(value, dict) or (value is not None and isinstance(value, Mapping)):
        return value
    return _EMPTY
