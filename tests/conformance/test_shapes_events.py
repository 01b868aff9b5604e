"""RTM frames and Socket Mode messages, field by field, against Slack's documented shapes.

A plain websocket-client connection reads the raw frames, so nothing filters or reshapes
them before the check.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import websocket
from slack_sdk import WebClient

from responder.emulator import Emulator, SocketModeSettings
from responder.emulator.socket_records import DisconnectReason
from tests.conformance.reference_events import (
    APP_MENTION,
    BOT_ECHO,
    EXPIRED_URL_ERROR,
    GOODBYE,
    HELLO,
    MESSAGE_ACK,
    MESSAGE_ERROR_REPLY,
    MESSAGE_REPLIED,
    MESSAGE_REPLIED_EVENTS_API,
    PERSON_MESSAGE,
    PONG,
    REACTION_ADDED,
    SOCKET_HELLO,
    THREAD_BROADCAST,
    THREAD_REPLY,
    events_api_envelope,
    socket_disconnect,
    with_channel_type,
)
from tests.conformance.reference_shapes import Schema, shape_problems

BOT_TOKEN = "xoxb-conformance"
APP_TOKEN = "xapp-1-conformance"
Frame = dict[str, Any]


class FrameReader:
    """A reader of JSON frames from one websocket that waits for a matching frame."""

    def __init__(self, ws: websocket.WebSocket) -> None:
        self.ws = ws
        self.seen: list[Frame] = []

    def next_matching(self, predicate: Callable[[Frame], bool], timeout: float = 10.0) -> Frame:
        """Return the first frame, read so far or later, for which ``predicate`` is true."""
        deadline = time.monotonic() + timeout
        for earlier in self.seen:
            if predicate(earlier):
                return earlier
        while time.monotonic() < deadline:
            self.ws.settimeout(max(0.05, deadline - time.monotonic()))
            try:
                text = self.ws.recv()
            except websocket.WebSocketTimeoutException:
                break
            frame: Frame = json.loads(text)
            self.seen.append(frame)
            if predicate(frame):
                return frame
        raise AssertionError(f"no matching frame within {timeout:g} s; read {self.seen}")


@dataclass
class Context:
    """What a case needs to make the emulator send a frame, and to read it."""

    emulator: Emulator
    web: WebClient
    reader: FrameReader


def parent_and_reply(context: Context) -> tuple[str, str]:
    """Post a person's message and a reply to it in its thread; return both ``ts``."""
    parent = context.emulator.post_as_user("U0TEST1", "C0TEST1", "parent")
    reply = context.emulator.post_as_user("U0TEST2", "C0TEST1", "reply", thread_ts=parent)
    return parent, reply


def has_ts(ts: str) -> Callable[[Frame], bool]:
    """Return a predicate for the frame with this ``ts``."""
    return lambda frame: frame.get("ts") == ts


def has_subtype(subtype: str) -> Callable[[Frame], bool]:
    """Return a predicate for the first frame with this ``subtype``."""
    return lambda frame: frame.get("subtype") == subtype


def rtm_person_message(context: Context) -> Frame:
    ts = context.emulator.post_as_user("U0TEST1", "C0TEST1", "hello")
    return context.reader.next_matching(has_ts(ts))


def rtm_thread_reply(context: Context) -> Frame:
    _, reply = parent_and_reply(context)
    return context.reader.next_matching(has_ts(reply))


def rtm_message_replied(context: Context) -> Frame:
    parent_and_reply(context)
    return context.reader.next_matching(has_subtype("message_replied"))


def rtm_bot_echo(context: Context) -> Frame:
    posted = context.web.chat_postMessage(channel="C0TEST1", text="from the bot")
    return context.reader.next_matching(has_ts(posted["ts"]))


def rtm_thread_broadcast(context: Context) -> Frame:
    parent = context.emulator.post_as_user("U0TEST1", "C0TEST1", "parent")
    context.web.chat_postMessage(
        channel="C0TEST1", text="also to the channel", thread_ts=parent, reply_broadcast=True
    )
    return context.reader.next_matching(has_subtype("thread_broadcast"))


def rtm_reaction_added(context: Context) -> Frame:
    ts = context.emulator.post_as_user("U0TEST1", "C0TEST1", "react to this")
    context.web.reactions_add(channel="C0TEST1", timestamp=ts, name="eyes")
    return context.reader.next_matching(lambda frame: frame.get("type") == "reaction_added")


def rtm_goodbye(context: Context) -> Frame:
    context.emulator.goodbye()
    return context.reader.next_matching(lambda frame: frame.get("type") == "goodbye")


def rtm_ack(context: Context) -> Frame:
    context.reader.ws.send(
        json.dumps({"id": 3, "type": "message", "channel": "C0TEST1", "text": "hi"})
    )
    return context.reader.next_matching(lambda frame: frame.get("reply_to") == 3)


def rtm_error_reply(context: Context) -> Frame:
    context.reader.ws.send(
        json.dumps({"id": 4, "type": "message", "channel": "C0TEST1", "text": ""})
    )
    return context.reader.next_matching(lambda frame: frame.get("reply_to") == 4)


def rtm_pong(context: Context) -> Frame:
    context.reader.ws.send(json.dumps({"id": 5, "type": "ping", "time": 1403299273342}))
    pong = context.reader.next_matching(lambda frame: frame.get("reply_to") == 5)
    assert pong["time"] == 1403299273342
    return pong


RTM_CASES: list[tuple[str, Callable[[Context], Frame], Schema]] = [
    ("person message", rtm_person_message, PERSON_MESSAGE),
    ("thread reply", rtm_thread_reply, THREAD_REPLY),
    ("message_replied", rtm_message_replied, MESSAGE_REPLIED),
    ("bot echo", rtm_bot_echo, BOT_ECHO),
    ("thread_broadcast", rtm_thread_broadcast, THREAD_BROADCAST),
    ("reaction_added", rtm_reaction_added, REACTION_ADDED),
    ("goodbye", rtm_goodbye, GOODBYE),
    ("message ack", rtm_ack, MESSAGE_ACK),
    ("message error reply", rtm_error_reply, MESSAGE_ERROR_REPLY),
    ("pong", rtm_pong, PONG),
]


@pytest.fixture
def rtm_context(emulator: Emulator) -> Iterator[Context]:
    """An RTM session read with websocket-client; ``hello`` is its first frame, still unread."""
    web = WebClient(base_url=emulator.base_url, token=BOT_TOKEN, timeout=5)
    ws = websocket.create_connection(web.rtm_connect()["url"], timeout=5)
    reader = FrameReader(ws)
    yield Context(emulator, web, reader)
    ws.close(timeout=0.2)


def test_rtm_hello_shape(rtm_context: Context) -> None:
    hello = rtm_context.reader.next_matching(lambda frame: True)

    assert shape_problems(hello, HELLO) == []


@pytest.mark.parametrize(
    ("produce", "schema"),
    [pytest.param(produce, schema, id=name) for name, produce, schema in RTM_CASES],
)
def test_rtm_frame_shape(
    rtm_context: Context, produce: Callable[[Context], Frame], schema: Schema
) -> None:
    frame = produce(rtm_context)

    assert shape_problems(frame, schema) == []


def test_rtm_reused_url_gets_expired_error(emulator: Emulator) -> None:
    web = WebClient(base_url=emulator.base_url, token=BOT_TOKEN, timeout=5)
    url = web.rtm_connect()["url"]
    first = websocket.create_connection(url, timeout=5)

    second = websocket.create_connection(url, timeout=5)
    frame = json.loads(second.recv())

    assert shape_problems(frame, EXPIRED_URL_ERROR) == []
    first.close(timeout=0.2)
    second.close(timeout=0.2)


# Socket Mode.


@pytest.fixture
def socket_emulator() -> Iterator[Emulator]:
    """An emulator whose Socket Mode closes 0.2 s after a disconnect message."""
    settings = SocketModeSettings(warning_close_delay=0.2, refresh_close_delay=0.2)
    with Emulator(close_timeout=1.0, socket_mode=settings) as running:
        yield running


@pytest.fixture
def socket_context(socket_emulator: Emulator) -> Iterator[Context]:
    """A Socket Mode session read with websocket-client; no envelope is acknowledged."""
    web = WebClient(base_url=socket_emulator.base_url, token=BOT_TOKEN, timeout=5)
    url = web.apps_connections_open(app_token=APP_TOKEN)["url"]
    ws = websocket.create_connection(url, timeout=5)
    yield Context(socket_emulator, web, FrameReader(ws))
    ws.close(timeout=0.2)


def envelope_of(event_predicate: Callable[[Frame], bool]) -> Callable[[Frame], bool]:
    """Return a predicate for the ``events_api`` envelope whose event matches."""

    def matches(frame: Frame) -> bool:
        event = frame.get("payload", {}).get("event", {})
        return frame.get("type") == "events_api" and event_predicate(event)

    return matches


def socket_person_message(context: Context) -> Frame:
    ts = context.emulator.post_as_user("U0TEST1", "C0TEST1", "hello")
    return context.reader.next_matching(envelope_of(has_ts(ts)))


def socket_message_replied(context: Context) -> Frame:
    parent, _ = parent_and_reply(context)

    def is_replied(event: Frame) -> bool:
        return event.get("message", {}).get("ts") == parent and "user" not in event

    return context.reader.next_matching(envelope_of(is_replied))


def socket_bot_echo(context: Context) -> Frame:
    posted = context.web.chat_postMessage(channel="C0TEST1", text="from the bot")
    return context.reader.next_matching(envelope_of(has_ts(posted["ts"])))


def socket_reaction_added(context: Context) -> Frame:
    ts = context.emulator.post_as_user("U0TEST1", "C0TEST1", "react to this")
    context.web.reactions_add(channel="C0TEST1", timestamp=ts, name="eyes")
    return context.reader.next_matching(
        envelope_of(lambda event: event.get("type") == "reaction_added")
    )


def socket_app_mention(context: Context) -> Frame:
    context.emulator.post_as_user("U0TEST1", "C0TEST1", "<@U0SELF> status")
    return context.reader.next_matching(
        envelope_of(lambda event: event.get("type") == "app_mention")
    )


SOCKET_CASES: list[tuple[str, Callable[[Context], Frame], Schema]] = [
    ("person message", socket_person_message, with_channel_type(PERSON_MESSAGE)),
    ("message_replied", socket_message_replied, MESSAGE_REPLIED_EVENTS_API),
    ("bot echo", socket_bot_echo, with_channel_type(BOT_ECHO)),
    ("reaction_added", socket_reaction_added, REACTION_ADDED),
    ("app_mention", socket_app_mention, APP_MENTION),
]


def test_socket_mode_hello_shape(socket_context: Context) -> None:
    hello = socket_context.reader.next_matching(lambda frame: True)

    assert shape_problems(hello, SOCKET_HELLO) == []
    assert hello["connection_info"]["app_id"] == "A0SELF"
    assert hello["num_connections"] == 1


@pytest.mark.parametrize(
    ("produce", "event_schema"),
    [pytest.param(produce, schema, id=name) for name, produce, schema in SOCKET_CASES],
)
def test_socket_mode_envelope_shape(
    socket_context: Context, produce: Callable[[Context], Frame], event_schema: Schema
) -> None:
    envelope = produce(socket_context)

    assert shape_problems(envelope, events_api_envelope(event_schema)) == []
    assert envelope["retry_attempt"] == 0
    assert envelope["payload"]["api_app_id"] == "A0SELF"


@pytest.mark.parametrize(
    "reason", ["warning", "refresh_requested", "too_many_websockets", "link_disabled"]
)
def test_socket_mode_disconnect_shape(socket_context: Context, reason: DisconnectReason) -> None:
    socket_context.reader.next_matching(lambda frame: frame.get("type") == "hello")

    socket_context.emulator.disconnect_socket_mode(reason)
    frame = socket_context.reader.next_matching(lambda frame: frame.get("type") == "disconnect")

    assert shape_problems(frame, socket_disconnect(reason)) == []
