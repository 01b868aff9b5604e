"""Web API calls and helpers shared by both transports: ``auth.test`` and websocket URLs."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from slack_sdk import WebClient

from responder.slack.identity import Identity


class InvalidConnectResponse(Exception):
    """An ``ok`` response from ``rtm.connect`` or ``apps.connections.open`` without a usable URL."""


def fetch_identity(client: WebClient) -> Identity:
    """Call ``auth.test`` and return who the token belongs to."""
    data = as_dict(client.auth_test().data)
    return Identity(
        user_id=text_or_none(data.get("user_id")) or "",
        bot_id=text_or_none(data.get("bot_id")),
        app_id=text_or_none(data.get("app_id")),
        team_id=text_or_none(data.get("team_id")),
        user_name=text_or_none(data.get("user")),
        team_name=text_or_none(data.get("team")),
    )


def websocket_url(method: str, data: dict[str, Any]) -> str:
    """Return the ``url`` of a connect response; raise ``InvalidConnectResponse`` if unusable."""
    url = data.get("url")
    if not isinstance(url, str) or urlsplit(url).scheme not in ("ws", "wss"):
        raise InvalidConnectResponse(f"{method} returned no ws:// or wss:// URL")
    return url


def endpoint_of(url: str) -> str:
    """Return ``host:port`` of a URL; the rest of a session URL is a secret ticket."""
    parts = urlsplit(url)
    default_port = 443 if parts.scheme in ("wss", "https") else 80
    return f"{parts.hostname}:{parts.port or default_port}"


def as_dict(value: object) -> dict[str, Any]:
    """Return ``value`` if it is a dict, else an empty dict."""
    return value if isinstance(value, dict) else {}


def text_or_none(value: object) -> str | None:
    """Return ``value`` if it is a non-empty string, else None."""
    return value if isinstance(value, str) and value else None
