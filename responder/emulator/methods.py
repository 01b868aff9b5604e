"""The Web API methods the emulator serves, each a function from arguments to a JSON body.

Argument values arrive as strings (form or query) or as JSON values (JSON bodies).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from responder.emulator import shapes
from responder.emulator.core import Core
from responder.emulator.workspace import Channel

Arguments = dict[str, Any]
Body = dict[str, Any]
Handler = Callable[[Core, Arguments], Body]

CONTENT_KEYS = ("blocks", "attachments", "markdown_text")
"""Arguments that can stand in for ``text`` in a post."""


def error(code: str) -> Body:
    """Return Slack's failure body for an error code."""
    return {"ok": False, "error": code}


def string_argument(arguments: Arguments, key: str) -> str:
    """Return an argument as a string; missing and ``null`` become ``""``."""
    value = arguments.get(key)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def flag_argument(arguments: Arguments, key: str) -> bool:
    """Return a boolean argument sent as a JSON boolean or as ``1``/``true`` in a form."""
    value = arguments.get(key)
    if isinstance(value, bool):
        return value
    return string_argument(arguments, key).lower() in ("1", "true")


def json_argument(arguments: Arguments, key: str) -> Any:
    """Return an argument that contains JSON, parsing it when a form sent it as a string."""
    value = arguments.get(key)
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def has_content(arguments: Arguments) -> bool:
    """Tell whether a post carries text, blocks, attachments or markdown text."""
    if string_argument(arguments, "text"):
        return True
    return any(json_argument(arguments, key) not in (None, "", []) for key in CONTENT_KEYS)


def auth_test(core: Core, arguments: Arguments) -> Body:
    """``auth.test``: who the bot token belongs to."""
    workspace = core.workspace
    return {
        "ok": True,
        "url": workspace.url,
        "team": workspace.team_name,
        "user": workspace.bot_user_name,
        "team_id": workspace.team_id,
        "user_id": workspace.bot_user_id,
        "bot_id": workspace.bot_id,
        "app_id": workspace.app_id,
        "is_enterprise_install": False,
    }


def rtm_connect(core: Core, arguments: Arguments) -> Body:
    """``rtm.connect`` (and ``rtm.start``): a fresh single-use websocket URL."""
    workspace = core.workspace
    return {
        "ok": True,
        "url": f"{core.websocket_base}/rtm/{core.tickets.issue()}",
        "team": {
            "id": workspace.team_id,
            "name": workspace.team_name,
            "domain": workspace.team_domain,
        },
        "self": {"id": workspace.bot_user_id, "name": workspace.bot_user_name},
    }


def apps_connections_open(core: Core, arguments: Arguments) -> Body:
    """``apps.connections.open``: a fresh single-use Socket Mode websocket URL."""
    if not core.socket_mode_enabled:
        # NOTE: Slack documents no error for an app whose Socket Mode is off. This code is
        # the one that Slack's app manifest methods use for that case.
        return error("socket_mode_not_enabled")
    ticket = core.tickets.issue("socket_mode")
    return {
        "ok": True,
        "url": f"{core.websocket_base}/link/?ticket={ticket}&app_id={core.workspace.app_id}",
    }


def chat_post_message(core: Core, arguments: Arguments) -> Body:
    """``chat.postMessage``: post as the bot and echo the post to every RTM session."""
    channel = core.state.channel(string_argument(arguments, "channel"))
    if channel is None:
        return error("channel_not_found")
    if not has_content(arguments):
        return error("no_text")
    text = string_argument(arguments, "text")
    if len(text) > core.workspace.max_text_length:
        return error("msg_too_long")

    extra: dict[str, Any] = {
        key: json_argument(arguments, key) for key in ("blocks", "attachments") if key in arguments
    }
    message = core.post_as_bot(
        channel.id,
        text,
        thread_ts=string_argument(arguments, "thread_ts") or None,
        broadcast=flag_argument(arguments, "reply_broadcast"),
        extra=extra,
    )
    return {"ok": True, "channel": channel.id, "ts": message["ts"], "message": message}


def chat_post_ephemeral(core: Core, arguments: Arguments) -> Body:
    """``chat.postEphemeral``: accepted and given a ``message_ts``, but sent to no session."""
    channel = core.state.channel(string_argument(arguments, "channel"))
    if channel is None:
        return error("channel_not_found")
    if core.state.user(string_argument(arguments, "user")) is None:
        return error("user_not_in_channel")
    if not has_content(arguments):
        return error("no_text")
    if len(string_argument(arguments, "text")) > core.workspace.max_text_length:
        return error("msg_too_long")
    return {"ok": True, "message_ts": core.clock.next()}


def reactions_add(core: Core, arguments: Arguments) -> Body:
    """``reactions.add``: react as the bot and send ``reaction_added`` to every session."""
    channel = core.state.channel(string_argument(arguments, "channel"))
    if channel is None:
        return error("channel_not_found")
    ts = string_argument(arguments, "timestamp")
    if not ts:
        return error("no_item_specified")
    name = string_argument(arguments, "name")
    if not name or any(character.isspace() for character in name):
        return error("invalid_name")

    if not core.add_reaction(core.workspace.bot_user_id, channel.id, ts, name):
        return error("already_reacted")
    return {"ok": True}


def conversations_list(core: Core, arguments: Arguments) -> Body:
    """``conversations.list``: every conversation of the requested ``types``, in one page."""
    requested = string_argument(arguments, "types") or "public_channel"
    types = {part.strip() for part in requested.split(",")}
    channels = []
    for channel in core.state.channels():
        if conversation_type(channel) in types:
            channels.append(shapes.channel_json(core.workspace, channel))
    return {"ok": True, "channels": channels, "response_metadata": {"next_cursor": ""}}


def conversation_type(channel: Channel) -> str:
    """Return the ``types`` value of ``conversations.list`` that selects ``channel``."""
    if channel.is_im:
        return "im"
    if channel.is_private:
        return "private_channel"
    return "public_channel"


def conversations_info(core: Core, arguments: Arguments) -> Body:
    """``conversations.info``: one conversation by id."""
    channel = core.state.channel_by_id(string_argument(arguments, "channel"))
    if channel is None:
        return error("channel_not_found")
    return {"ok": True, "channel": shapes.channel_json(core.workspace, channel)}


def conversations_open(core: Core, arguments: Arguments) -> Body:
    """``conversations.open``: the DM with one member, opened on first use."""
    users = [
        part.strip() for part in string_argument(arguments, "users").split(",") if part.strip()
    ]
    if not users:
        return error("users_list_not_supplied")
    if len(users) > 1:
        # NOTE: group DMs (mpim) are not emulated.
        return error("not_implemented")
    channel = core.state.open_im(users[0])
    if channel is None:
        return error("user_not_found")
    return {"ok": True, "channel": {"id": channel.id}}


def users_list(core: Core, arguments: Arguments) -> Body:
    """``users.list``: every member, in one page."""
    members = [shapes.user_json(core.workspace, user) for user in core.state.users()]
    return {"ok": True, "members": members, "response_metadata": {"next_cursor": ""}}


def users_info(core: Core, arguments: Arguments) -> Body:
    """``users.info``: one member by id."""
    user = core.state.user(string_argument(arguments, "user"))
    if user is None:
        return error("user_not_found")
    return {"ok": True, "user": shapes.user_json(core.workspace, user)}


METHODS: dict[str, Handler] = {
    "auth.test": auth_test,
    "rtm.connect": rtm_connect,
    "rtm.start": rtm_connect,
    "apps.connections.open": apps_connections_open,
    "chat.postMessage": chat_post_message,
    "chat.postEphemeral": chat_post_ephemeral,
    "reactions.add": reactions_add,
    "conversations.list": conversations_list,
    "conversations.info": conversations_info,
    "conversations.open": conversations_open,
    "users.list": users_list,
    "users.info": users_info,
}
"""Every served method; any other name gets ``unknown_method``."""
