"""The Web API call behind each kind of planned action."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient

from responder.decisions import PlannedAction

PACED_METHODS = frozenset({"chat.postMessage", "chat.postEphemeral"})
"""Methods that post a message, and so count against the per-channel posting pace."""


def call_slack(client: WebClient, action: PlannedAction) -> str | None:
    """Make the call for ``action`` and return the ``ts`` of the new message, if any.

    Raises what the ``WebClient`` raises. Posts never set ``link_names`` or ``parse``,
    so text that a rule echoes cannot turn into live mentions or links.
    """
    if action.method == "chat.postMessage":
        response = client.chat_postMessage(**_post_arguments(action))
        return _text(response.get("ts"))

    if action.method == "chat.postEphemeral":
        arguments = _post_arguments(action)
        arguments.pop("reply_broadcast", None)
        response = client.chat_postEphemeral(user=action.user or "", **arguments)
        return _text(response.get("message_ts"))

    if action.method == "reactions.add":
        client.reactions_add(
            channel=action.channel, timestamp=action.timestamp or "", name=action.reaction or ""
        )
        return None

    raise ValueError(f"unsupported Slack method: {action.method}")


def _post_arguments(action: PlannedAction) -> dict[str, Any]:
    arguments: dict[str, Any] = {"channel": action.channel}
    if action.text is not None:
        arguments["text"] = action.text
    if action.thread_ts:
        arguments["thread_ts"] = action.thread_ts
    if action.broadcast:
        arguments["reply_broadcast"] = True
    return arguments


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None
