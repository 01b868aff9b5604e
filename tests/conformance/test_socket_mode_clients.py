"""slack_sdk's two Socket Mode clients, unchanged, against the emulator.

Both are configured only through their constructors: a ``WebClient`` with the
emulator's ``base_url`` and a bot token, the app-level token and a short
``ping_interval``. Their listeners acknowledge each request, as an app must, except where
a test leaves one unacknowledged on purpose.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.socket_mode import SocketModeClient as BuiltinClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse
from slack_sdk.socket_mode.websocket_client import SocketModeClient as WebsocketClientClient

from responder.emulator import Emulator
from responder.emulator.socket_records import DisconnectReason
from tests.conformance.polling import Inbox, wait_until
from tests.conformance.socket_harness import APP_TOKEN, BOT_TOKEN, SOCKET_SETTINGS, EventLog
from tests.conformance.traffic import (
    expected_events_api_kinds,
    kind_of,
    play_traffic,
    posted_message_differences,
    scripted_differences,
)

SocketClient = BuiltinClient | WebsocketClientClient

CLIENT_CLASSES = [
    pytest.param(BuiltinClient, id="builtin"),
    pytest.param(WebsocketClientClient, id="websocket_client"),
]


@dataclass
class SocketHarness:
    """A Socket Mode client, the messages it saw and the events it acknowledged."""

    client: SocketClient
    messages: Inbox[dict[str, Any]]
    """Every message the client's message listeners got (``disconnect`` never reaches them)."""
    events: EventLog
    requests: Inbox[SocketModeRequest]
    """Every request, redeliveries included."""


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    """An emulator with short Socket Mode delays."""
    with Emulator(close_timeout=1.0, socket_mode=SOCKET_SETTINGS) as running:
        yield running


RECONNECT_TIMEOUT = 25.0
"""Seconds allowed for a reconnect.

The websocket-client based client can take more than 10 s: when it closes a session from
another thread, its reader stays in ``select`` (10 s without ``ping_timeout``) before it
runs the new session. That is the client's behaviour, not the server's.
"""


@contextmanager
def running_client(
    emulator: Emulator, client_class: type[SocketClient], ignore_once: str | None = None
) -> Iterator[SocketHarness]:
    """Connect a Socket Mode client that acknowledges requests; close it on exit.

    The first delivery of a message whose text is ``ignore_once`` is left unacknowledged.
    """
    web = WebClient(base_url=emulator.base_url, token=BOT_TOKEN, timeout=5)
    client = client_class(app_token=APP_TOKEN, web_client=web, ping_interval=1)
    harness = SocketHarness(client, Inbox(), EventLog(), Inbox())

    def on_message(_client: Any, message: dict[str, Any], _raw: str | None) -> None:
        harness.messages.add(message)

    def on_request(sdk_client: Any, request: SocketModeRequest) -> None:
        harness.requests.add(request)
        event = request.payload.get("event", {})
        ignored = ignore_once is not None and event.get("text") == ignore_once
        if ignored and request.retry_attempt == 0:
            return
        sdk_client.send_socket_mode_response(SocketModeResponse(envelope_id=request.envelope_id))
        if request.type == "events_api":
            harness.events.add(request.payload["event_id"], event)

    client.message_listeners.append(on_message)
    client.socket_mode_request_listeners.append(on_request)
    client.connect()
    try:
        emulator.wait_for_socket_sessions(1)
        yield harness
    finally:
        shut_down(client, emulator)


def shut_down(client: SocketClient, emulator: Emulator) -> None:
    """Close the client after the server has closed its sessions.

    Closing from the server first wakes the client's reader at once. Without that, the
    websocket-client based client can wait up to 10 s in ``select`` before ``close()`` returns.
    """
    client.auto_reconnect_enabled = False
    emulator.close_sessions(1000)
    wait_until(lambda: not client.is_connected(), "the client to see the close frame")
    client.close()


@pytest.fixture(params=CLIENT_CLASSES)
def socket_client(request: pytest.FixtureRequest, emulator: Emulator) -> Iterator[SocketHarness]:
    """A connected Socket Mode client of each kind."""
    with running_client(emulator, request.param) as harness:
        yield harness


def wait_for_text(harness: SocketHarness, emulator: Emulator, text: str) -> None:
    """Post a person's message and wait until the client has handled it."""
    ts = emulator.post_as_user("U0TEST1", "C0TEST1", text)
    wait_until(
        lambda: bool(harness.events.with_ts(ts)), f"the message {text!r}", RECONNECT_TIMEOUT
    )


def acked_events(emulator: Emulator) -> set[str]:
    """Return the ids of the events that have at least one acknowledged envelope."""
    acked = {ack.envelope_id for ack in emulator.socket_acks() if ack.status == "acked"}
    return {
        delivery.event_id
        for delivery in emulator.socket_deliveries()
        if delivery.envelope_id in acked
    }


def test_socket_client_receives_scenario_traffic(
    emulator: Emulator, socket_client: SocketHarness
) -> None:
    scenario = play_traffic(emulator)
    expected = expected_events_api_kinds(scenario)
    total = sum(expected.values())

    wait_until(lambda: len(socket_client.events.events()) >= total, f"{total} events")

    received = socket_client.events.events()
    assert sorted(map(kind_of, received), key=str) == sorted(expected.elements(), key=str)
    assert scripted_differences(scenario, received, added=("channel_type",)) == []
    assert posted_message_differences(scenario, received) == []
    wait_until(lambda: len(acked_events(emulator)) == total, f"acks for all {total} events")


def test_socket_client_posts_reacts_and_sees_echo(
    emulator: Emulator, socket_client: SocketHarness
) -> None:
    web = socket_client.client.web_client
    target_ts = emulator.post_as_user("U0TEST1", "C0TEST1", "react to this")
    wait_until(lambda: bool(socket_client.events.with_ts(target_ts)), "the message to react to")

    posted = web.chat_postMessage(channel="C0TEST1", text="posted over socket mode")
    web.reactions_add(channel="C0TEST1", timestamp=target_ts, name="eyes")

    wait_until(lambda: bool(socket_client.events.with_ts(posted["ts"])), "the echo")
    wait_until(lambda: bool(socket_client.events.of_type("reaction_added")), "reaction_added")
    echo = socket_client.events.with_ts(posted["ts"])[0]
    reaction = socket_client.events.of_type("reaction_added")[0]
    assert echo["text"] == "posted over socket mode"
    assert echo["bot_id"] == "B0SELF"
    assert echo["user"] == "U0SELF"
    assert echo["channel_type"] == "channel"
    assert reaction["user"] == "U0SELF"
    assert reaction["item"] == {"type": "message", "channel": "C0TEST1", "ts": target_ts}


def test_socket_client_reconnects_after_disconnect(
    emulator: Emulator, socket_client: SocketHarness
) -> None:
    emulator.disconnect_socket_mode("refresh_requested")

    wait_until(
        lambda: emulator.socket_sessions_started >= 2, "a second session", RECONNECT_TIMEOUT
    )
    wait_for_text(socket_client, emulator, "after refresh_requested")
    assert emulator.socket_connect_calls >= 2
    assert (
        socket_client.messages.matching(lambda message: message.get("type") == "disconnect") == []
    )


@pytest.mark.parametrize("reason", ["warning", "too_many_websockets"])
def test_builtin_client_reconnects_per_reason(
    emulator: Emulator, reason: DisconnectReason
) -> None:
    with running_client(emulator, BuiltinClient) as harness:
        emulator.disconnect_socket_mode(reason)

        wait_until(lambda: emulator.socket_sessions_started == 2, "a second session")
        wait_until(lambda: emulator.open_socket_sessions == 1, "the first session to close")
        wait_for_text(harness, emulator, f"after {reason}")


def test_socket_client_waits_out_link_disabled(
    emulator: Emulator, socket_client: SocketHarness
) -> None:
    calls_before = emulator.socket_connect_calls
    emulator.disconnect_socket_mode("link_disabled")
    wait_until(lambda: emulator.open_socket_sessions == 0, "the session to close")
    wait_until(
        lambda: emulator.socket_connect_calls > calls_before,
        "an apps.connections.open call, refused with socket_mode_not_enabled",
    )

    emulator.enable_socket_mode()

    wait_for_text(socket_client, emulator, "after link_disabled")


def test_socket_client_reconnects_after_server_close(
    emulator: Emulator, socket_client: SocketHarness
) -> None:
    emulator.close_sessions(1001, "going away")

    wait_until(
        lambda: emulator.socket_sessions_started >= 2, "a second session", RECONNECT_TIMEOUT
    )
    wait_for_text(socket_client, emulator, "after close")


@pytest.mark.parametrize("client_class", CLIENT_CLASSES)
def test_socket_client_gets_redelivery(
    emulator: Emulator, client_class: type[SocketClient]
) -> None:
    with running_client(emulator, client_class, ignore_once="ignored once") as harness:
        ts = emulator.post_as_user("U0TEST1", "C0TEST1", "ignored once")

        retry = harness.requests.wait_for(
            lambda request: bool(request.retry_attempt), "a redelivery"
        )
        wait_until(lambda: bool(harness.events.with_ts(ts)), "the redelivered message")

        first = harness.requests.items()[0]
        assert retry.retry_attempt == 1
        assert retry.retry_reason == "timeout"
        assert retry.payload["event_id"] == first.payload["event_id"]
        assert retry.envelope_id != first.envelope_id
        assert first.retry_attempt == 0
        assert first.retry_reason == ""


def test_socket_client_hello_then_pings(emulator: Emulator, socket_client: SocketHarness) -> None:
    hello = socket_client.messages.wait_for(
        lambda message: message.get("type") == "hello", "hello"
    )

    wait_until(
        lambda: any(keepalive.kind == "client pong" for keepalive in emulator.keepalives()),
        "a pong for the server's ping",
    )

    assert hello["num_connections"] == 1
    assert hello["connection_info"] == {"app_id": "A0SELF"}
    pongs = [keepalive for keepalive in emulator.keepalives() if keepalive.kind == "client pong"]
    assert pongs[0].payload == b""


def test_builtin_client_honours_retry_after(emulator: Emulator) -> None:
    with running_client(emulator, BuiltinClient) as harness:
        # slack_sdk sleeps for Retry-After, or 30 s when it cannot read the header.
        emulator.fail_method("apps.connections.open", status=429, retry_after=1)

        emulator.disconnect_socket_mode("refresh_requested")

        wait_until(
            lambda: emulator.socket_sessions_started == 2, "a session after the rate limit", 15
        )
        wait_for_text(harness, emulator, "after the rate limit")
        assert emulator.socket_connect_calls == 3
