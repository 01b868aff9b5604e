"""Events the emulator sends after Web API calls: post echoes, thread bookkeeping, reactions."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
import websocket
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from responder.emulator import Emulator

Connect = Callable[[], websocket.WebSocket]


def receive(ws: websocket.WebSocket) -> Any:
    """Read one text frame and parse it as JSON."""
    return json.loads(ws.recv())


def test_post_echoed_to_every_session(web: WebClient, connect: Connect) -> None:
    first, second = connect(), connect()

    reply = web.chat_postMessage(channel="C0TEST1", text="hi all")

    for ws in (first, second):
        event = receive(ws)
        assert event["type"] == "message"
        assert event["channel"] == "C0TEST1"
        assert event["text"] == "hi all"
        assert event["ts"] == reply["ts"]
        assert "subtype" not in event
        assert "thread_ts" not in event


def test_echo_carries_bot_identity(web: WebClient, connect: Connect) -> None:
    ws = connect()

    web.chat_postMessage(channel="C0TEST1", text="hi")

    event = receive(ws)
    assert event["user"] == "U0SELF"
    assert event["bot_id"] == "B0SELF"
    assert event["app_id"] == "A0SELF"
    assert event["bot_profile"]["id"] == "B0SELF"
    assert event["bot_profile"]["app_id"] == "A0SELF"


def test_thread_reply_echo_and_message_replied(
    emulator: Emulator, web: WebClient, connect: Connect
) -> None:
    ws = connect()
    parent_ts = emulator.post_as_user("U0TEST1", "C0TEST1", "hello")
    assert receive(ws)["ts"] == parent_ts

    reply = web.chat_postMessage(channel="C0TEST1", text="Hi <@U0TEST1>!", thread_ts=parent_ts)

    echo, replied = receive(ws), receive(ws)
    assert echo["ts"] == reply["ts"]
    assert echo["thread_ts"] == parent_ts
    assert echo["parent_user_id"] == "U0TEST1"
    assert replied["subtype"] == "message_replied"
    assert replied["hidden"] is True
    assert replied["channel"] == "C0TEST1"
    assert replied["message"]["ts"] == parent_ts
    assert replied["message"]["thread_ts"] == parent_ts
    assert replied["message"]["user"] == "U0TEST1"
    assert replied["message"]["reply_count"] == 1
    assert replied["message"]["latest_reply"] == reply["ts"]


def test_reply_count_grows(emulator: Emulator, web: WebClient, connect: Connect) -> None:
    ws = connect()
    parent_ts = emulator.post_as_user("U0TEST1", "C0TEST1", "hello")
    receive(ws)

    web.chat_postMessage(channel="C0TEST1", text="one", thread_ts=parent_ts)
    web.chat_postMessage(channel="C0TEST1", text="two", thread_ts=parent_ts)

    replied = [receive(ws) for _ in range(4)][3]
    assert replied["message"]["reply_count"] == 2
    assert replied["message"]["reply_users"] == ["U0SELF"]


def test_thread_reply_to_unknown_parent(web: WebClient, connect: Connect) -> None:
    ws = connect()

    web.chat_postMessage(channel="C0TEST1", text="reply", thread_ts="1700000000.000100")

    echo, replied = receive(ws), receive(ws)
    assert "parent_user_id" not in echo
    assert replied["message"]["ts"] == "1700000000.000100"
    assert "user" not in replied["message"]


def test_reply_broadcast_is_thread_broadcast(
    emulator: Emulator, web: WebClient, connect: Connect
) -> None:
    ws = connect()
    parent_ts = emulator.post_as_user("U0TEST1", "C0TEST1", "hello")
    receive(ws)

    web.chat_postMessage(
        channel="C0TEST1", text="to all", thread_ts=parent_ts, reply_broadcast=True
    )

    echo = receive(ws)
    assert echo["subtype"] == "thread_broadcast"
    assert echo["thread_ts"] == parent_ts
    assert echo["root"]["ts"] == parent_ts
    assert receive(ws)["subtype"] == "message_replied"


def test_reply_broadcast_without_thread_is_plain(web: WebClient, connect: Connect) -> None:
    ws = connect()

    web.chat_postMessage(channel="C0TEST1", text="top", reply_broadcast=True)

    assert "subtype" not in receive(ws)


def test_ephemeral_post_sends_no_event(web: WebClient, connect: Connect) -> None:
    ws = connect()

    web.chat_postEphemeral(channel="C0TEST1", user="U0TEST1", text="secret")
    web.chat_postMessage(channel="C0TEST1", text="public")

    assert receive(ws)["text"] == "public"


def test_reactions_add_sends_reaction_added(
    emulator: Emulator, web: WebClient, connect: Connect
) -> None:
    ws = connect()
    ts = emulator.post_as_user("U0TEST2", "C0TEST2", "deploy done")
    receive(ws)

    assert web.reactions_add(channel="C0TEST2", timestamp=ts, name="white_check_mark")["ok"] is True

    event = receive(ws)
    assert event["type"] == "reaction_added"
    assert event["user"] == "U0SELF"
    assert event["reaction"] == "white_check_mark"
    assert event["item"] == {"type": "message", "channel": "C0TEST2", "ts": ts}
    assert event["item_user"] == "U0TEST2"


def test_reactions_add_twice_already_reacted(web: WebClient, connect: Connect) -> None:
    ws = connect()
    web.reactions_add(channel="C0TEST1", timestamp="1700000000.000100", name="eyes")
    receive(ws)

    with pytest.raises(SlackApiError) as raised:
        web.reactions_add(channel="C0TEST1", timestamp="1700000000.000100", name="eyes")

    assert raised.value.response["error"] == "already_reacted"
    web.chat_postMessage(channel="C0TEST1", text="next")
    assert receive(ws)["type"] == "message"


def test_post_as_user_event_shape(emulator: Emulator, connect: Connect) -> None:
    ws = connect()

    ts = emulator.post_as_user("W0TEST3", "D0TEST1", "hello bot")

    event = receive(ws)
    assert event["type"] == "message"
    assert event["user"] == "W0TEST3"
    assert event["channel"] == "D0TEST1"
    assert event["text"] == "hello bot"
    assert event["ts"] == ts
    assert "bot_id" not in event
    assert "subtype" not in event


def test_post_as_user_in_thread(emulator: Emulator, connect: Connect) -> None:
    ws = connect()
    parent_ts = emulator.post_as_user("U0TEST1", "C0TEST1", "question")
    receive(ws)

    emulator.post_as_user("U0TEST2", "C0TEST1", "answer", thread_ts=parent_ts)

    reply, replied = receive(ws), receive(ws)
    assert reply["thread_ts"] == parent_ts
    assert reply["parent_user_id"] == "U0TEST1"
    assert replied["message"]["reply_users"] == ["U0TEST2"]
