"""The Web API call behind each kind of planned action, and the client that makes it."""

from __future__ import annotations

from typing import Any, Mapping, Protocol
from urllib.parse import urlsplit

from slack_sdk import WebClient
from slack_sdk.web import SlackResponse

from responder.decisions import PlannedAction
from responder.slack.keepalive import KeepAliveApi

PACED_METHODS = frozenset({"chat.postMessage", "chat.postEphemeral"})
"""Methods that post a message, and so count against the per-channel posting pace."""

SUPPORTED_METHODS = frozenset({"chat.postMessage", "chat.postEphemeral", "reactions.add"})


class ApiCaller(Protocol):
    """Makes one Web API call with a JSON body; raises what ``WebClient`` raises."""

    def call(self, method: str, arguments: Mapping[str, Any]) -> SlackResponse:
        """Call ``method`` and return Slack's reply, or raise ``SlackApiError`` for an error reply."""
        ...

    def close(self) -> None:
        """Release open connections."""
        ...


class WebClientCaller:
    """Calls through slack_sdk's ``WebClient``, one new connection per call."""

    def __init__(self, client: WebClient) -> None:
        self._client = client

    def call(self, method: str, arguments: Mapping[str, Any]) -> SlackResponse:
        """Call ``method`` through ``WebClient.api_call``."""
        return self._client.api_call(method, json=dict(arguments))

    def close(self) -> None:
        """Do nothing, because ``WebClient`` keeps no connection open."""


def api_caller(client: WebClient) -> ApiCaller:
    """Return a keep-alive caller with ``client``'s URL, token, TLS context and timeout.

    A client with a proxy keeps calling through ``WebClient``, which supports proxies,
    and so does one whose URL is not ``http(s)://host/…``, which then fails on each call
    with ``WebClient``'s error, as it did before.
    """
    parts = urlsplit(client.base_url)
    if client.proxy or parts.scheme not in ("http", "https") or not parts.hostname:
        return WebClientCaller(client)
    return KeepAliveApi(client.base_url, client.token or "", ssl_context=client.ssl, timeout=client.timeout)


def call_slack(api: ApiCaller, action: PlannedAction) -> str | None:
    """Make the call for ``action`` and return the ``ts`` of the new message, if any.

    Raises what the caller raises, and ``ValueError`` for a method the outbox does not
    support. Posts never set ``link_names`` or ``parse``, so text that a rule echoes
    cannot turn into live mentions or links.
    """
    if action.method not in SUPPORTED_METHODS:
        raise ValueError(f"unsupported Slack method: {action.method}")

    response = api.call(action.method, call_arguments(action))
    if action.method == "chat.postMessage":
        return _text(response.get("ts"))
    if action.method == "chat.postEphemeral":
        return _text(response.get("message_ts"))
    return None


def call_arguments(action: PlannedAction) -> dict[str, Any]:
    """Return the JSON body of the call for ``action``."""
    if action.method == "reactions.add":
        return {"channel": action.channel, "timestamp": action.timestamp or "", "name": action.reaction or ""}

    arguments: dict[str, Any] = {"channel": action.channel}
    if action.method == "chat.postEphemeral":
        arguments["user"] = action.user or ""
    if action.text is not None:
        arguments["text"] = action.text
    if action.thread_ts:
        arguments["thread_ts"] = action.thread_ts
    if action.broadcast and action.method == "chat.postMessage":
        arguments["reply_broadcast"] = True
    return arguments


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None
