"""The Web API call that starts an RTM session, ``rtm.connect``, and its fatal errors."""

from __future__ import annotations

import dataclasses
from typing import Any

from slack_sdk import WebClient

from responder.slack.connect_api import as_dict, text_or_none, websocket_url
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


def request_websocket_url(client: WebClient) -> tuple[str, dict[str, Any]]:
    """Call ``rtm.connect`` and return its single-use websocket URL and the whole response."""
    data = as_dict(client.rtm_connect().data)
    return websocket_url("rtm.connect", data), data


def complete_identity(identity: Identity, connect_data: dict[str, Any]) -> Identity:
    """Fill the fields ``auth.test`` left empty from ``rtm.connect``'s ``self`` and ``team``."""
    me = as_dict(connect_data.get("self"))
    team = as_dict(connect_data.get("team"))
    return dataclasses.replace(
        identity,
        user_id=identity.user_id or text_or_none(me.get("id")) or "",
        user_name=identity.user_name or text_or_none(me.get("name")),
        team_id=identity.team_id or text_or_none(team.get("id")),
        team_name=identity.team_name or text_or_none(team.get("name")),
    )
