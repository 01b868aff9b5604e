"""Channel and user names and kinds, looked up once through the Web API at connect."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any, Iterator

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from responder.record_buffer import RecordSink
from responder.records import Notice

logger = logging.getLogger(__name__)

CHANNEL_TYPES = "public_channel,private_channel,mpim,im"


@dataclass(frozen=True, slots=True)
class Directory:
    """Names and kinds of the workspace's conversations and people.

    ``channel_ids`` maps ``#name`` to an id and ``user_ids`` maps ``@name`` to an id,
    for names in rules. ``channel_names`` and ``user_names`` map ids to names (without
    ``#`` or ``@``), for templates and the screen. ``channel_types`` maps a
    conversation id to ``channel``, ``group``, ``im`` or ``mpim``. ``bot_user_ids``
    contains the users that are bots or apps.
    """

    channel_ids: dict[str, str] = field(default_factory=dict)
    user_ids: dict[str, str] = field(default_factory=dict)
    channel_names: dict[str, str] = field(default_factory=dict)
    user_names: dict[str, str] = field(default_factory=dict)
    channel_types: dict[str, str] = field(default_factory=dict)
    bot_user_ids: set[str] = field(default_factory=set)


def conversation_kind(channel: dict[str, Any]) -> str:
    """Return the ``channel_types`` kind of a ``conversations.list`` entry."""
    if channel.get("is_im"):
        return "im"
    if channel.get("is_mpim"):
        return "mpim"
    if channel.get("is_private") or channel.get("is_group"):
        return "group"
    return "channel"


def load_directory(client: WebClient, sink: RecordSink) -> Directory:
    """Look up every conversation and user the bot can see; empty maps on failure."""
    directory = Directory()
    try:
        for channel in _pages(client, "conversations.list", "channels", {"types": CHANNEL_TYPES}):
            _add_channel(directory, channel)
        for user in _pages(client, "users.list", "members", {}):
            _add_user(directory, user)
    except SlackApiError as error:
        message = f"looking up channel and user names failed: {error.response.get('error')}"
        logger.warning("%s; rules that use names will not match", message)
        sink(Notice(time.time(), "warning", message + "; rules that use names will not match"))

    logger.info("resolved %d channel names and %d user names", len(directory.channel_ids), len(directory.user_ids))
    return directory


def _add_channel(directory: Directory, channel: dict[str, Any]) -> None:
    channel_id = channel.get("id")
    if not isinstance(channel_id, str):
        return
    directory.channel_types[channel_id] = conversation_kind(channel)
    name = channel.get("name")
    if isinstance(name, str):
        directory.channel_ids["#" + name] = channel_id
        directory.channel_names[channel_id] = name


def _add_user(directory: Directory, user: dict[str, Any]) -> None:
    user_id = user.get("id")
    name = user.get("name")
    if not isinstance(user_id, str) or not isinstance(name, str):
        return
    directory.user_ids["@" + name] = user_id
    if user.get("is_bot") or user.get("is_app_user"):
        directory.bot_user_ids.add(user_id)
    profile = user.get("profile") if isinstance(user.get("profile"), dict) else {}
    display = profile.get("display_name") if isinstance(profile, dict) else None
    directory.user_names[user_id] = display if isinstance(display, str) and display else name


def _pages(client: WebClient, method: str, key: str, params: dict[str, Any]) -> Iterator[dict[str, Any]]:
    cursor = ""
    while True:
        response = client.api_call(method, params={**params, "limit": 200, "cursor": cursor})
        for item in response.get(key) or []:
            if isinstance(item, dict):
                yield item
        cursor = (response.get("response_metadata") or {}).get("next_cursor") or ""
        if not cursor:
            return
