"""Channel and user names looked up through the Web API, for rules that use names."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any, Iterator

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from responder.record_buffer import RecordSink
from responder.records import Notice
from responder.rules.model import RuleSet

logger = logging.getLogger(__name__)

CHANNEL_TYPES = "public_channel,private_channel,mpim,im"


@dataclass(frozen=True, slots=True)
class Directory:
    """Name → id maps: ``channel_ids`` keys ``#name``, ``user_ids`` keys ``@name``."""

    channel_ids: dict[str, str] = field(default_factory=dict)
    user_ids: dict[str, str] = field(default_factory=dict)


def rules_use_names(rules: RuleSet) -> bool:
    """True when any rule names a channel (``#…``) or a user (``@…``)."""
    for rule in rules.rules:
        conditions = rule.conditions
        names = conditions.channels + conditions.not_channels + conditions.users + conditions.not_users
        targets = tuple(action.channel or "" for action in rule.actions)
        if any(name.startswith(("#", "@")) for name in names + targets):
            return True
    return False


def load_directory(client: WebClient, rules: RuleSet, sink: RecordSink) -> Directory:
    """Look up every channel and user name when the rules use names; else empty."""
    if not rules_use_names(rules):
        return Directory()

    directory = Directory()
    try:
        for channel in _pages(client, "conversations.list", "channels", {"types": CHANNEL_TYPES}):
            if isinstance(channel.get("id"), str) and isinstance(channel.get("name"), str):
                directory.channel_ids["#" + channel["name"]] = channel["id"]
        for user in _pages(client, "users.list", "members", {}):
            if isinstance(user.get("id"), str) and isinstance(user.get("name"), str):
                directory.user_ids["@" + user["name"]] = user["id"]
    except SlackApiError as error:
        message = f"looking up channel and user names failed: {error.response.get('error')}"
        logger.warning("%s; rules that use names will not match", message)
        sink(Notice(time.time(), "warning", message + "; rules that use names will not match"))

    logger.info("resolved %d channel names and %d user names", len(directory.channel_ids), len(directory.user_ids))
    return directory


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
