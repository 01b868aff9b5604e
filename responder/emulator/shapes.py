"""JSON shapes of users, conversations and events, as Slack's Web API and RTM send them."""

from __future__ import annotations

import uuid
from typing import Any

from responder.emulator.workspace import Channel, User, Workspace


def user_json(workspace: Workspace, user: User) -> dict[str, Any]:
    """Return ``user`` the way ``users.info`` and ``users.list`` describe a member."""
    profile: dict[str, Any] = {
        "display_name": user.name,
        "real_name": user.real_name or user.name,
        "real_name_normalized": user.real_name or user.name,
        "team": workspace.team_id,
    }
    if user.bot_id is not None:
        profile["bot_id"] = user.bot_id
    if user.id == workspace.bot_user_id:
        profile["api_app_id"] = workspace.app_id

    return {
        "id": user.id,
        "team_id": workspace.team_id,
        "name": user.name,
        "deleted": False,
        "real_name": user.real_name or user.name,
        "tz": "UTC",
        "tz_label": "Coordinated Universal Time",
        "tz_offset": 0,
        "profile": profile,
        "is_admin": False,
        "is_owner": False,
        "is_bot": user.is_bot,
        "is_app_user": False,
        "updated": workspace.created,
    }


def channel_json(workspace: Workspace, channel: Channel) -> dict[str, Any]:
    """Return ``channel`` the way ``conversations.info`` and ``conversations.list`` do."""
    if channel.is_im:
        return {
            "id": channel.id,
            "created": workspace.created,
            "is_channel": False,
            "is_group": False,
            "is_im": True,
            "is_mpim": False,
            "is_private": True,
            "is_archived": False,
            "is_org_shared": False,
            "user": channel.user,
            "is_user_deleted": False,
            "priority": 0,
        }

    return {
        "id": channel.id,
        "name": channel.name,
        "name_normalized": channel.name,
        "created": workspace.created,
        "creator": workspace.bot_user_id,
        "is_channel": True,
        "is_group": channel.id.startswith("G"),
        "is_im": False,
        "is_mpim": False,
        "is_private": channel.is_private,
        "is_archived": False,
        "is_general": channel.name == "general",
        "is_shared": False,
        "is_org_shared": False,
        "is_member": True,
        "topic": {"value": channel.topic, "creator": "", "last_set": 0},
        "purpose": {"value": channel.purpose, "creator": "", "last_set": 0},
    }


def bot_profile(workspace: Workspace) -> dict[str, Any]:
    """Return the ``bot_profile`` object that Slack attaches to the bot's own posts."""
    return {
        "id": workspace.bot_id,
        "app_id": workspace.app_id,
        "name": workspace.bot_user_name,
        "icons": {},
        "deleted": False,
        "updated": workspace.created,
        "team_id": workspace.team_id,
    }


def bot_message(workspace: Workspace, text: str, ts: str) -> dict[str, Any]:
    """Return the ``message`` object of a post by the emulator's bot (no channel yet)."""
    return {
        "type": "message",
        "user": workspace.bot_user_id,
        "bot_id": workspace.bot_id,
        "app_id": workspace.app_id,
        "text": text,
        "ts": ts,
        "team": workspace.team_id,
        "bot_profile": bot_profile(workspace),
    }


def human_message(
    workspace: Workspace, user: str, channel: str, text: str, ts: str
) -> dict[str, Any]:
    """Return an RTM ``message`` event written by a person."""
    return {
        "type": "message",
        "client_msg_id": str(uuid.uuid4()),
        "user": user,
        "text": text,
        "team": workspace.team_id,
        "channel": channel,
        "event_ts": ts,
        "ts": ts,
    }


def message_replied(channel: str, parent: dict[str, Any], event_ts: str) -> dict[str, Any]:
    """Return the hidden ``message_replied`` event that announces a new reply to ``parent``."""
    return {
        "type": "message",
        "subtype": "message_replied",
        "hidden": True,
        "channel": channel,
        "message": parent,
        "event_ts": event_ts,
        "ts": event_ts,
    }


def reaction_added(
    user: str, name: str, channel: str, ts: str, item_user: str | None, event_ts: str
) -> dict[str, Any]:
    """Return a ``reaction_added`` event; ``item_user`` is left out when unknown."""
    event: dict[str, Any] = {
        "type": "reaction_added",
        "user": user,
        "reaction": name,
        "item": {"type": "message", "channel": channel, "ts": ts},
        "event_ts": event_ts,
    }
    if item_user is not None:
        event["item_user"] = item_user
    return event
