"""The Web API calls that start an RTM session: ``auth.test`` and ``rtm.connect``."""

from __future__ import annotations

import dataclasses
from typing import Any
from urllib.parse import urlsplit

from slack_sdk import WebClient

from responder.slack.identity import Identity
from responder.slack.webclient import ApiFailure

_CHECK_TOKEN = "check that the bot token is set, complete and still valid"
_CLASSIC_APP = (
    "RTM needs the bot token (xoxb-) of a classic Slack app; tokens of apps with "
    "granular permissions and app-level tokens (xapp-) cannot use RTM"
)

FATAL_CONNECT_ERRORS: dict[str, str] = {
    "invalid_auth": _CHECK_TOKEN,
    "not_authed": "no token reached Slack; set the bot token",
    "token_revoked": "the token was revoked; create or reinstall the app to get a new one",
    "token_expired": "the token expired; refresh it or reinstall the app",
    "account_inactive": "the bot user or its workspace has been deactivated",
    "team_disabled": "the workspace has been disabled",
    "user_removed_from_team": "the bot user was removed from the workspace",
    "not_allowed_token_type": _CLASSIC_APP,
    "missing_scope": "the token lacks a scope that RTM needs; add it and reinstall the app",
}
"""Errors that retrying cannot fix, each with what the user should do next."""


class InvalidConnectResponse(Exception):
    """An ``ok`` response from ``rtm.connect`` without a usable websocket URL."""


def fatal_hint(failure: ApiFailure) -> str | None:
    """Return what to do about ``failure`` when it is fatal for connecting, else None."""
    hint = FATAL_CONNECT_ERRORS.get(failure.code)
    if hint is None:
        return None

    data = failure.data or {}
    needed = data.get("needed")
    if failure.code == "missing_scope" and isinstance(needed, str):
        return f"{hint} (needed: {needed})"
    return hint


def fetch_identity(client: WebClient) -> Identity:
    """Call ``auth.test`` and return who the token belongs to."""
    data = _as_dict(client.auth_test().data)
    return Identity(
        user_id=_text(data.get("user_id")) or "",
        bot_id=_text(data.get("bot_id")),
        app_id=_text(data.get("app_id")),
        team_id=_text(data.get("team_id")),
        user_name=_text(data.get("user")),
        team_name=_text(data.get("team")),
    )


def request_websocket_url(client: WebClient) -> tuple[str, dict[str, Any]]:
    """Call ``rtm.connect`` and return its single-use websocket URL and the whole response."""
    data = _as_dict(client.rtm_connect().data)
    url = data.get("url")
    if not isinstance(url, str) or urlsplit(url).scheme not in ("ws", "wss"):
        raise InvalidConnectResponse("rtm.connect returned no ws:// or wss:// URL")
    return url, data


def complete_identity(identity: Identity, connect_data: dict[str, Any]) -> Identity:
    """Fill the fields ``auth.test`` left empty from ``rtm.connect``'s ``self`` and ``team``."""
    me = _as_dict(connect_data.get("self"))
    team = _as_dict(connect_data.get("team"))
    return dataclasses.replace(
        identity,
        user_id=identity.user_id or _text(me.get("id")) or "",
        user_name=identity.user_name or _text(me.get("name")),
        team_id=identity.team_id or _text(team.get("id")),
        team_name=identity.team_name or _text(team.get("name")),
    )


def endpoint_of(url: str) -> str:
    """Return ``host:port`` of a URL; the rest of an RTM URL is a secret ticket."""
    parts = urlsplit(url)
    default_port = 443 if parts.scheme in ("wss", "https") else 80
    return f"{parts.hostname}:{parts.port or default_port}"


def _as_dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None
