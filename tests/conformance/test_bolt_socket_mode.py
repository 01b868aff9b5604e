"""A Slack Bolt for Python app with its ``SocketModeHandler``, unchanged, against the emulator.

The app gets a ``WebClient`` with the emulator's ``base_url`` and a bot token; the
handler gets the app-level token and a short ``ping_interval``. Bolt acknowledges each
envelope itself once a listener accepted the event.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk import WebClient

from responder.emulator import Emulator
from tests.conformance.polling import wait_until
from tests.conformance.socket_harness import APP_TOKEN, BOT_TOKEN, SOCKET_SETTINGS, EventLog
from tests.conformance.traffic import (
    expected_events_api_kinds,
    kind_of,
    play_traffic,
    posted_message_differences,
    scripted_differences,
)

LISTENED_TYPES = ("message", "reaction_added", "member_joined_channel", "app_mention")


@dataclass
class BoltHarness:
    """A Bolt app, its Socket Mode handler and the events its listeners handled."""

    app: App
    handler: SocketModeHandler
    events: EventLog


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    """An emulator with short Socket Mode delays."""
    with Emulator(close_timeout=1.0, socket_mode=SOCKET_SETTINGS) as running:
        yield running


@contextmanager
def running_app(emulator: Emulator, ignore_self_events: bool = True) -> Iterator[BoltHarness]:
    """Start a Bolt app that records every event of ``LISTENED_TYPES``; close it on exit."""
    web = WebClient(base_url=emulator.base_url, token=BOT_TOKEN, timeout=5)
    app = App(client=web, ignoring_self_events_enabled=ignore_self_events)
    events = EventLog()

    def record(body: dict[str, Any], event: dict[str, Any]) -> None:
        events.add(body["event_id"], event)

    for event_type in LISTENED_TYPES:
        app.event(event_type)(record)

    handler = SocketModeHandler(app, app_token=APP_TOKEN, ping_interval=1)
    handler.connect()
    try:
        emulator.wait_for_socket_sessions(1)
        yield BoltHarness(app, handler, events)
    finally:
        handler.client.auto_reconnect_enabled = False
        emulator.close_sessions(1000)
        wait_until(lambda: not handler.client.is_connected(), "the handler to see the close")
        handler.close()


@pytest.fixture
def bolt(emulator: Emulator) -> Iterator[BoltHarness]:
    """A connected Bolt app with Bolt's defaults (its own events ignored)."""
    with running_app(emulator) as harness:
        yield harness


def acked_envelopes(emulator: Emulator) -> set[str]:
    """Return the envelope ids acknowledged so far."""
    return {ack.envelope_id for ack in emulator.socket_acks() if ack.status == "acked"}


def test_bolt_receives_scenario_traffic(emulator: Emulator, bolt: BoltHarness) -> None:
    scenario = play_traffic(emulator)
    expected = expected_events_api_kinds(scenario)
    total = sum(expected.values())

    wait_until(lambda: len(bolt.events.events()) >= total, f"{total} events")

    received = bolt.events.events()
    assert sorted(map(kind_of, received), key=str) == sorted(expected.elements(), key=str)
    assert scripted_differences(scenario, received, added=("channel_type",)) == []
    assert posted_message_differences(scenario, received) == []
    wait_until(
        lambda: {d.envelope_id for d in emulator.socket_deliveries()} <= acked_envelopes(emulator),
        "Bolt to acknowledge every envelope",
    )


def test_bolt_gets_app_mention(emulator: Emulator, bolt: BoltHarness) -> None:
    ts = emulator.post_as_user("U0TEST1", "C0TEST1", "<@U0SELF> status")

    wait_until(lambda: len(bolt.events.with_ts(ts)) == 2, "the message and its app_mention")

    kinds = sorted(event["type"] for event in bolt.events.with_ts(ts))
    assert kinds == ["app_mention", "message"]


def test_bolt_ignores_own_echo_by_default(emulator: Emulator, bolt: BoltHarness) -> None:
    posted = bolt.app.client.chat_postMessage(channel="C0TEST1", text="posted by bolt")

    delivery = emulator.wait_for_socket_deliveries(1, event_type="message")[0]
    wait_until(lambda: delivery.envelope_id in acked_envelopes(emulator), "the echo's ack")

    assert delivery.envelope["payload"]["event"]["ts"] == posted["ts"]
    assert delivery.envelope["payload"]["event"]["bot_id"] == "B0SELF"
    assert bolt.events.with_ts(posted["ts"]) == []


def test_bolt_posts_reacts_and_sees_echo(emulator: Emulator) -> None:
    with running_app(emulator, ignore_self_events=False) as bolt:
        target_ts = emulator.post_as_user("U0TEST1", "C0TEST1", "react to this")
        wait_until(lambda: bool(bolt.events.with_ts(target_ts)), "the message to react to")

        posted = bolt.app.client.chat_postMessage(channel="C0TEST1", text="posted by bolt")
        bolt.app.client.reactions_add(channel="C0TEST1", timestamp=target_ts, name="eyes")

        wait_until(lambda: bool(bolt.events.with_ts(posted["ts"])), "the echo")
        wait_until(lambda: bool(bolt.events.of_type("reaction_added")), "reaction_added")
        echo = bolt.events.with_ts(posted["ts"])[0]
        reaction = bolt.events.of_type("reaction_added")[0]
        assert echo["text"] == "posted by bolt"
        assert echo["bot_id"] == "B0SELF"
        assert reaction["user"] == "U0SELF"
        assert reaction["item"]["ts"] == target_ts


def test_bolt_reconnects_after_disconnect(emulator: Emulator, bolt: BoltHarness) -> None:
    emulator.disconnect_socket_mode("refresh_requested")

    wait_until(lambda: emulator.socket_sessions_started == 2, "a second session")
    wait_until(lambda: emulator.open_socket_sessions == 1, "the first session to close")
    ts = emulator.post_as_user("U0TEST1", "C0TEST1", "after refresh")
    wait_until(lambda: bool(bolt.events.with_ts(ts)), "a message after the reconnect")


def test_bolt_reconnects_after_server_close(emulator: Emulator, bolt: BoltHarness) -> None:
    emulator.close_sessions(1001, "going away")

    wait_until(lambda: emulator.socket_sessions_started == 2, "a second session")
    ts = emulator.post_as_user("U0TEST1", "C0TEST1", "after close")
    wait_until(lambda: bool(bolt.events.with_ts(ts)), "a message after the reconnect")
    assert emulator.open_socket_sessions == 1
