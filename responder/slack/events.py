"""Normalised Slack events: one immutable record per raw payload."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping



@dataclass(frozen=True, slots=True)
class Event:
    """A raw RTM payload turned into the fields that rules and templates use.

    For ``message_changed`` the nested ``message`` supplies text, author, ids and
    timestamps. For other event types (``reaction_added``) ``user`` is the actor and
    ``target_channel``/``target_ts`` name the message the event refers to.
    """

    type: str
    subtype: str
    channel: str | None
    user: str | None
    bot_id: str | None
    app_id: str | None
    ts: str | None
    thread_ts: str | None
    text: str
    raw_text: str
    mentions: tuple[str, ...]
    has_files: bool
    hidden: bool
    is_self: bool
    is_bot: bool
    channel_type: str | None
    target_channel: str | None
    target_ts: str | None
    text_unchanged: bool
    raw: Mapping[str, Any] = field(repr=False, compare=False)

    @property
    def is_reply(self) -> bool:
        """True for a message inside a thread (a thread broadcast included)."""
        if self.subtype == "thread_broadcast":
            return True
        return self.thread_ts is not None and self.thread_ts != self.ts

