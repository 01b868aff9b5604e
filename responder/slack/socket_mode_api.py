"""The Web API call that starts a Socket Mode session, ``apps.connections.open``, and its fatal errors.

Socket Mode uses two tokens. The app-level token (``xapp-``, in ``SLACK_APP_TOKEN``)
opens connections. The bot token (``xoxb-``, in ``SLACK_BOT_TOKEN``) serves
``auth.test`` and every other Web API call.
"""

from __future__ import annotations

from slack_sdk import WebClient

from responder.slack.connect_api import as_dict, websocket_url
from responder.slack.webclient import ApiFailure

APP_TOKEN_VARIABLE = "SLACK_APP_TOKEN"
BOT_TOKEN_VARIABLE = "SLACK_BOT_TOKEN"

_NEW_APP_TOKEN = (
    "create one under Basic Information → App-Level Tokens in the app's settings, "
    "with the connections:write scope"
)

FATAL_OPEN_ERRORS: dict[str, str] = {
    "invalid_auth": f"check that {APP_TOKEN_VARIABLE} holds the app-level token (xapp-…), complete and still valid",
    "not_authed": f"no app-level token reached Slack; set {APP_TOKEN_VARIABLE} to the app-level token (xapp-…)",
    "missing_args": f"no app-level token reached Slack; set {APP_TOKEN_VARIABLE} to the app-level token (xapp-…)",
    "not_allowed_token_type": (
        f"{APP_TOKEN_VARIABLE} must be an app-level token (xapp-…), not a bot or user token; {_NEW_APP_TOKEN}"
    ),
    "missing_scope": f"the app-level token in {APP_TOKEN_VARIABLE} lacks the connections:write scope; {_NEW_APP_TOKEN}",
    "token_revoked": f"the app-level token in {APP_TOKEN_VARIABLE} was revoked; {_NEW_APP_TOKEN}",
    "token_expired": f"the app-level token in {APP_TOKEN_VARIABLE} expired; {_NEW_APP_TOKEN}",
    "account_inactive": "the app or its workspace has been deactivated",
    "team_disabled": "the workspace has been disabled",
}
"""Errors of ``apps.connections.open`` that retrying cannot fix, each with the next step."""

FATAL_IDENTITY_ERRORS: dict[str, str] = {
    "invalid_auth": f"check that {BOT_TOKEN_VARIABLE} holds the app's bot token (xoxb-…), complete and still valid",
    "not_authed": f"no bot token reached Slack; set {BOT_TOKEN_VARIABLE} to the app's bot token (xoxb-…)",
    "not_allowed_token_type": (
        f"{BOT_TOKEN_VARIABLE} must be the bot token (xoxb-…) from OAuth & Permissions, not the app-level token"
    ),
    "token_revoked": f"the bot token in {BOT_TOKEN_VARIABLE} was revoked; reinstall the app to get a new one",
    "token_expired": f"the bot token in {BOT_TOKEN_VARIABLE} expired; refresh it or reinstall the app",
    "account_inactive": "the bot user or its workspace has been deactivated",
    "team_disabled": "the workspace has been disabled",
    "user_removed_from_team": "the bot user was removed from the workspace",
}
"""Errors of ``auth.test`` with the bot token that retrying cannot fix, each with the next step."""


RETRY_HINTS: dict[str, str] = {
    "socket_mode_not_enabled": "Socket Mode is off for this app; turn it on under Socket Mode in the app's settings",
}
"""Errors of ``apps.connections.open`` that are retried, with what the user can do meanwhile.

NOTE: ``socket_mode_not_enabled`` is the emulator's code for this case; the error that
Slack returns while Socket Mode is off is not documented.
"""


def open_connection(app_client: WebClient) -> str:
    """Call ``apps.connections.open`` with ``app_client``'s app-level token; return the URL.

    slack_sdk sends the token as ``Authorization: Bearer``, as Slack requires.
    """
    response = app_client.apps_connections_open(app_token=app_client.token or "")
    return websocket_url("apps.connections.open", as_dict(response.data))


def fatal_hint(failure: ApiFailure) -> str | None:
    """Return what to do about ``failure`` of ``auth.test`` or ``apps.connections.open``, if fatal."""
    table = FATAL_OPEN_ERRORS if failure.method == "apps.connections.open" else FATAL_IDENTITY_ERRORS
    return table.get(failure.code)


def retry_hint(failure: ApiFailure) -> str | None:
    """Return what the user can do about a retried ``apps.connections.open`` failure, if known."""
    if failure.method != "apps.connections.open":
        return None
    return RETRY_HINTS.get(failure.code)
