"""Slack's own Socket Mode clients against the emulator: slack_sdk's two clients and Bolt's handler."""

from __future__ import annotations

import queue
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk import WebClient
from slack_sdk.socket_mode import SocketModeClient as BuiltinSocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse
from slack_sdk.socket_mode.websocket_client import SocketModeClient as WebsocketSocketModeClient

from responder.emulator import Emulator, SocketModeSettings

CLIENT_CLASSES = [BuiltinSocketModeClient, WebsocketSocketModeClient]


RECONNECT_TIMEOUT = 30.0
"""Seconds allowed for a client to reconnect or end.

websocket-client 1.9 waits in select() for up to 10 s when no ping_timeout is set, as
slack_sdk's websocket-client variant runs it, so that client sometimes takes over 10 s
to notice that its old connection was replaced.
"""


def eventually(condition: Callable[[], bool], timeout: float = RECONNECT_TIMEOUT) -> bool:
    """Poll ``condition`` until it is true or ``timeout`` seconds pass; return its last value."""
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.05)
    return condition()


@pytest.fixture
def pinging_emulator() -> Iterator[Emulator]:
    """An emulator that sends server pings every 0.2 s and closes 0.2 s after ``refresh_requested``."""
    settings = SocketModeSettings(ping_interval=0.2, refresh_close_delay=0.2)
    with Emulator(close_timeout=1.0, socket_mode=settings) as running:
        yield running


def every_event_acked(emulator: Emulator) -> bool:
    """Return whether every event sent has at least one acknowledged envelope."""
    acked = {ack.envelope_id for ack in emulator.socket_acks() if ack.status == "acked"}
    deliveries = emulator.socket_deliveries()
    events = {delivery.event_id for delivery in deliveries}
    return events == {delivery.event_id for delivery in deliveries if delivery.envelope_id in acked}


def texts_received(requests: queue.Queue[SocketModeRequest], count: int) -> list[str]:
    """Return the event texts of the next ``count`` Events API requests."""
    texts = []
    for _ in range(count):
        request = requests.get(timeout=10)
        assert request.type == "events_api"
        texts.append(request.payload["event"]["text"])
    return texts


@pytest.mark.parametrize("client_class", CLIENT_CLASSES)
def test_sdk_client_receives_and_acks(pinging_emulator: Emulator, client_class: Any) -> None:
    web = WebClient(base_url=pinging_emulator.base_url, token="xoxb-test", timeout=5)
    client = client_class(app_token="xapp-1-test", web_client=web, auto_reconnect_enabled=True, ping_interval=1)
    requests: queue.Queue[SocketModeRequest] = queue.Queue()

    def on_request(sdk_client: Any, request: SocketModeRequest) -> None:
        sdk_client.send_socket_mode_response(SocketModeResponse(envelope_id=request.envelope_id))
        requests.put(request)

    client.socket_mode_request_listeners.append(on_request)
    client.connect()
    try:
        pinging_emulator.wait_for_socket_sessions(1, timeout=10)
        pinging_emulator.post_as_user("U0TEST1", "C0TEST1", "before refresh")
        assert texts_received(requests, 1) == ["before refresh"]

        started = pinging_emulator.socket_sessions_started
        pinging_emulator.disconnect_socket_mode("refresh_requested")
        assert eventually(lambda: pinging_emulator.socket_sessions_started > started)
        assert eventually(lambda: pinging_emulator.open_socket_sessions == 1)
        pinging_emulator.post_as_user("U0TEST1", "C0TEST1", "after refresh")
        assert texts_received(requests, 1) == ["after refresh"]

        assert eventually(lambda: every_event_acked(pinging_emulator))
        assert {ack.status for ack in pinging_emulator.socket_acks()} == {"acked"}
    finally:
        client.close()


def test_bolt_handler_answers_mention(pinging_emulator: Emulator) -> None:
    web = WebClient(base_url=pinging_emulator.base_url, token="xoxb-test", timeout=5)
    app = App(client=web)

    @app.event("app_mention")
    def reply(event: dict[str, Any], say: Any) -> None:
        say(text=f"you said: {event['text']}", thread_ts=event["ts"])

    @app.event("message")
    def ignore(event: dict[str, Any]) -> None:
        return None

    handler = SocketModeHandler(app, app_token="xapp-1-test")
    handler.connect()
    try:
        pinging_emulator.wait_for_socket_sessions(1, timeout=10)
        ts = pinging_emulator.post_as_user("U0TEST1", "C0TEST1", "<@U0SELF> ping")

        call = pinging_emulator.wait_for_calls(1, "chat.postMessage", timeout=10)[0]

        assert call["text"] == "you said: <@U0SELF> ping"
        assert call["thread_ts"] == ts
        assert eventually(lambda: every_event_acked(pinging_emulator))
        assert {ack.status for ack in pinging_emulator.socket_acks()} == {"acked"}
        assert {delivery.event_type for delivery in pinging_emulator.socket_deliveries()} == {
            "message",
            "app_mention",
        }
    finally:
        handler.close()
