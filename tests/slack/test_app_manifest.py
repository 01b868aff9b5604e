"""The Slack app manifest grants every scope the responder's calls and events need."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from responder.slack.directory import CHANNEL_TYPES
from responder.slack.outbox_calls import SUPPORTED_METHODS

MANIFEST = Path(__file__).resolve().parents[2] / "slack-app-manifest.json"

METHOD_SCOPES = {
    "chat.postMessage": {"chat:write"},
    "chat.postEphemeral": {"chat:write"},
    "reactions.add": {"reactions:write"},
    "users.list": {"users:read"},
}
"""Bot scopes each Web API call of the responder needs (``auth.test`` needs none)."""

DM_SCOPES = {"chat:write", "im:write"}
"""The ``dm`` action posts with the user's id as the channel, in the bot's direct message."""

CONVERSATION_TYPE_SCOPES = {
    "public_channel": "channels:read",
    "private_channel": "groups:read",
    "mpim": "mpim:read",
    "im": "im:read",
}
"""Bot scopes that ``conversations.list`` needs for each conversation type it lists."""

EVENT_SCOPES = {
    "message.channels": {"channels:history"},
    "message.groups": {"groups:history"},
    "message.im": {"im:history"},
    "message.mpim": {"mpim:history"},
    "app_mention": {"app_mentions:read"},
    "reaction_added": {"reactions:read"},
    "reaction_removed": {"reactions:read"},
    "member_joined_channel": {"channels:read", "groups:read"},
    "member_left_channel": {"channels:read", "groups:read"},
}
"""Bot scopes each subscribed event needs."""


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    loaded = json.loads(MANIFEST.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def bot_scopes(manifest: dict[str, Any]) -> set[str]:
    return set(manifest["oauth_config"]["scopes"]["bot"])


def bot_events(manifest: dict[str, Any]) -> set[str]:
    return set(manifest["settings"]["event_subscriptions"]["bot_events"])


def test_manifest_turns_socket_mode_on(manifest: dict[str, Any]) -> None:
    assert manifest["settings"]["socket_mode_enabled"] is True
    assert manifest["features"]["bot_user"]["display_name"]


def test_every_action_method_has_its_scopes(manifest: dict[str, Any]) -> None:
    missing_methods = SUPPORTED_METHODS - METHOD_SCOPES.keys()
    assert not missing_methods, f"add the scopes of {sorted(missing_methods)} to METHOD_SCOPES"
    for method in sorted(SUPPORTED_METHODS):
        assert METHOD_SCOPES[method] <= bot_scopes(manifest), method
    assert DM_SCOPES <= bot_scopes(manifest)


def test_directory_lookup_has_its_scopes(manifest: dict[str, Any]) -> None:
    for kind in CHANNEL_TYPES.split(","):
        assert CONVERSATION_TYPE_SCOPES[kind] in bot_scopes(manifest), kind
    assert METHOD_SCOPES["users.list"] <= bot_scopes(manifest)


def test_every_message_event_is_subscribed(manifest: dict[str, Any]) -> None:
    for event in ("message.channels", "message.groups", "message.im", "message.mpim", "app_mention"):
        assert event in bot_events(manifest), event


def test_every_subscribed_event_has_its_scopes(manifest: dict[str, Any]) -> None:
    for event in sorted(bot_events(manifest)):
        assert event in EVENT_SCOPES, f"add the scopes of {event} to EVENT_SCOPES"
        assert EVENT_SCOPES[event] <= bot_scopes(manifest), event


def test_app_token_scope_is_not_a_bot_scope(manifest: dict[str, Any]) -> None:
    # connections:write belongs to the app-level token, which is made in the app's settings.
    assert "connections:write" not in bot_scopes(manifest)
