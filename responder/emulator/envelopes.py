"""Events API shapes for Socket Mode: which RTM events Slack also delivers, and their envelopes.

Which types are RTM-only comes from Slack's event catalogue (docs.slack.dev/reference/events,
the ``APIs`` of each entry).
"""

from __future__ import annotations

import re
import secrets
import string
import time
import uuid
from collections.abc import Callable
from typing import Any

from responder.emulator.workspace import Channel, Workspace

RTM_ONLY_TYPES = frozenset(
    {
        "accounts_changed",
        "bot_added",
        "bot_changed",
        "channel_joined",
        "channel_marked",
        "commands_changed",
        "error",
        "external_org_migration_finished",
        "external_org_migration_started",
        "goodbye",
        "group_joined",
        "group_marked",
        "hello",
        "im_marked",
        "manual_presence_change",
        "pong",
        "pref_change",
        "presence_change",
        "presence_query",
        "presence_sub",
        "reconnect_url",
        "team_migration_started",
        "team_plan_change",
        "team_pref_change",
        "team_profile_change",
        "team_profile_delete",
        "team_profile_reorder",
        "user_typing",
    }
)
"""Event types that Slack sends over RTM only (plus the RTM protocol frames ``pong`` and ``error``)."""

RTM_ONLY_SUBTYPES = frozenset({"channel_unarchive", "group_archive", "group_unarchive"})
"""Message subtypes that Slack sends over RTM only."""

MENTION_SUBTYPES = frozenset({"", "thread_broadcast", "bot_message", "me_message", "file_share"})
"""Message subtypes (``""``: none) whose text can mention the bot and so produce ``app_mention``."""

APP_MENTION_KEYS = (
    "user",
    "text",
    "ts",
    "channel",
    "event_ts",
    "client_msg_id",
    "team",
    "blocks",
    "attachments",
    "files",
    "thread_ts",
    "parent_user_id",
    "bot_id",
    "bot_profile",
    "app_id",
)
"""The fields of a message that its ``app_mention`` carries over."""

EVENT_ID_ALPHABET = string.ascii_uppercase + string.digits

ChannelLookup = Callable[[str], Channel | None]


def channel_type(channel_id: str, channel: Channel | None) -> str:
    """Return the Events API ``channel_type`` of a conversation: ``channel``, ``group`` or ``im``."""
    if channel is not None and channel.is_im:
        return "im"
    if channel is not None and channel.is_private:
        return "group"
    if channel_id.startswith("D"):
        return "im"
    if channel_id.startswith("G"):
        return "group"
    return "channel"


def events_api_events(
    event: object, workspace: Workspace, lookup: ChannelLookup
) -> list[dict[str, Any]]:
    """Return what the Events API delivers for an RTM event: nothing, the event, or it and an ``app_mention``."""
    if not isinstance(event, dict):
        return []
    kind = event.get("type")
    if not isinstance(kind, str) or not kind or kind in RTM_ONLY_TYPES:
        return []
    if kind != "message":
        return [dict(event)]

    subtype = event.get("subtype")
    if subtype in RTM_ONLY_SUBTYPES:
        return []
    converted = dict(event)
    if subtype == "message_replied":
        # Slack documents that message_replied arrives without its subtype over the Events API.
        del converted["subtype"]
    channel = event.get("channel")
    if isinstance(channel, str):
        converted["channel_type"] = channel_type(channel, lookup(channel))

    mention = app_mention(event, workspace, lookup)
    return [converted] if mention is None else [converted, mention]


def app_mention(
    message: dict[str, Any], workspace: Workspace, lookup: ChannelLookup
) -> dict[str, Any] | None:
    """Return the ``app_mention`` for a message that mentions the bot user, else ``None``.

    Slack sends none for messages in direct messages, and none for the bot's own posts.
    """
    text, channel = message.get("text"), message.get("channel")
    if not isinstance(text, str) or not isinstance(channel, str) or message.get("hidden"):
        return None
    if str(message.get("subtype") or "") not in MENTION_SUBTYPES:
        return None
    if message.get("user") == workspace.bot_user_id:
        return None
    if channel_type(channel, lookup(channel)) == "im":
        return None
    if not re.search(rf"<@{re.escape(workspace.bot_user_id)}(\|[^>]*)?>", text):
        return None

    mention: dict[str, Any] = {"type": "app_mention"}
    for key in APP_MENTION_KEYS:
        if key in message:
            mention[key] = message[key]
    return mention


def new_event_id() -> str:
    """Return a new Events API event id such as ``Ev0A1B2C3D4E``."""
    return "Ev" + "".join(secrets.choice(EVENT_ID_ALPHABET) for _ in range(10))


def event_time(event: dict[str, Any]) -> int:
    """Return the event's time in whole Unix seconds, from ``event_ts`` or else the clock."""
    for key in ("event_ts", "ts"):
        value = event.get(key)
        if isinstance(value, str):
            try:
                return int(float(value))
            except ValueError:
                continue
    return int(time.time())


def event_callback(workspace: Workspace, event: dict[str, Any], event_id: str) -> dict[str, Any]:
    """Return the ``event_callback`` payload that wraps one event."""
    channel = event.get("channel")
    context_channel = channel if isinstance(channel, str) else ""
    return {
        "token": workspace.verification_token,
        "team_id": workspace.team_id,
        "api_app_id": workspace.app_id,
        "event": event,
        "type": "event_callback",
        "event_id": event_id,
        "event_time": event_time(event),
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": workspace.team_id,
                "user_id": workspace.bot_user_id,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
        # Slack's event_context is opaque, so this readable form is the emulator's own.
        "event_context": f"1-{event['type']}-{workspace.team_id}-{context_channel}",
    }


def events_api_envelope(payload: dict[str, Any], retry_attempt: int, retry_reason: str) -> dict[str, Any]:
    """Return a new ``events_api`` envelope (with a new ``envelope_id``) around a payload.

    NOTE: Slack does not document whether a redelivery keeps the envelope id. The
    emulator gives each delivery a new one, so clients must de-duplicate by ``event_id``.
    """
    return {
        "envelope_id": str(uuid.uuid4()),
        "payload": payload,
        "type": "events_api",
        "accepts_response_payload": False,
        "retry_attempt": retry_attempt,
        "retry_reason": retry_reason,
    }
