"""Build :class:`Event` records faster than the frozen dataclass's ``__init__`` does.

A frozen dataclass sets each field through ``object.__setattr__``, looked up anew for
every field, which makes ``Event(...)`` the largest single cost of normalising a
payload. :func:`build_event` creates the same record by setting the slots directly.
It takes the fields positionally, in the order the dataclass declares them, and falls
back to the dataclass itself when ``Event`` gains anything this shortcut would skip
(a ``__post_init__``, a field that is not a slot).
"""

from __future__ import annotations

import dataclasses
from typing import Any, Callable, Mapping

from responder.slack.events import Event

FIELD_NAMES = tuple(field.name for field in dataclasses.fields(Event))

_new = object.__new__


def _slot_setter(name: str) -> Callable[[Event, Any], None]:
    """Return the setter of slot ``name``; a name that is no longer a slot gets one never used."""
    slot = getattr(Event, name, None)
    setter = getattr(slot, "__set__", None)
    return setter if callable(setter) else _no_slot


def _no_slot(event: Event, value: Any) -> None:
    raise AttributeError("Event has changed, so build_event uses Event() itself")


_set_type = _slot_setter("type")
_set_subtype = _slot_setter("subtype")
_set_channel = _slot_setter("channel")
_set_user = _slot_setter("user")
_set_bot_id = _slot_setter("bot_id")
_set_app_id = _slot_setter("app_id")
_set_ts = _slot_setter("ts")
_set_thread_ts = _slot_setter("thread_ts")
_set_text = _slot_setter("text")
_set_raw_text = _slot_setter("raw_text")
_set_mentions = _slot_setter("mentions")
_set_has_files = _slot_setter("has_files")
_set_hidden = _slot_setter("hidden")
_set_is_self = _slot_setter("is_self")
_set_is_bot = _slot_setter("is_bot")
_set_channel_type = _slot_setter("channel_type")
_set_target_channel = _slot_setter("target_channel")
_set_target_ts = _slot_setter("target_ts")
_set_text_unchanged = _slot_setter("text_unchanged")
_set_raw = _slot_setter("raw")


def _set_slots(
    type: str,
    subtype: str,
    channel: str | None,
    user: str | None,
    bot_id: str | None,
    app_id: str | None,
    ts: str | None,
    thread_ts: str | None,
    text: str,
    raw_text: str,
    mentions: tuple[str, ...],
    has_files: bool,
    hidden: bool,
    is_self: bool,
    is_bot: bool,
    channel_type: str | None,
    target_channel: str | None,
    target_ts: str | None,
    text_unchanged: bool,
    raw: Mapping[str, Any],
) -> Event:
    event: Event = _new(Event)
    _set_type(event, type)
    _set_subtype(event, subtype)
    _set_channel(event, channel)
    _set_user(event, user)
    _set_bot_id(event, bot_id)
    _set_app_id(event, app_id)
    _set_ts(event, ts)
    _set_thread_ts(event, thread_ts)
    _set_text(event, text)
    _set_raw_text(event, raw_text)
    _set_mentions(event, mentions)
    _set_has_files(event, has_files)
    _set_hidden(event, hidden)
    _set_is_self(event, is_self)
    _set_is_bot(event, is_bot)
    _set_channel_type(event, channel_type)
    _set_target_channel(event, target_channel)
    _set_target_ts(event, target_ts)
    _set_text_unchanged(event, text_unchanged)
    _set_raw(event, raw)
    return event


def _shortcut_fits() -> bool:
    """Tell whether setting the slots builds exactly what ``Event(...)`` builds."""
    parameters = _set_slots.__code__.co_varnames[: _set_slots.__code__.co_argcount]
    return (
        parameters == FIELD_NAMES
        and getattr(Event, "__slots__", None) == FIELD_NAMES
        and not hasattr(Event, "__post_init__")
        and all(field.init for field in dataclasses.fields(Event))
    )


build_event: Callable[..., Event] = _set_slots if _shortcut_fits() else Event
"""Build an :class:`Event` from its fields, given positionally in declaration order."""
