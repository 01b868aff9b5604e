"""slack_sdk's ``rtm_v2.RTMClient``, unchanged, against the emulator.

The client is configured only through its constructor: ``base_url``, a bot token and a
short ``ping_interval`` so that its monitor notices a closed session within a second.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from slack_sdk.rtm_v2 import RTMClient

from responder.emulator import Emulator
from responder.emulator.session_records import Keepalive
from tests.conformance.polling import Inbox, wait_until
from tests.conformance.traffic import (
    expected_kinds,
    kind_of,
    play_traffic,
    posted_message_differences,
    scripted_differences,
)

BOT_TOKEN = "xoxb-conformance"


@dataclass
class RtmHarness:
    """An rtm_v2 client and what it received: raw frames, and events its listeners saw."""

    client: RTMClient
    frames: Inbox[dict[str, Any]]
    """Every text frame, parsed; slack_sdk hands these over before any filtering."""
    events: Inbox[dict[str, Any]]
    """What ``@client.on("*")`` listeners received, after slack_sdk's own-bot filter."""

    def events_after_hello(self) -> list[dict[str, Any]]:
        """Return the listener events that are not ``hello`` and have a ``type``."""
        return [event for event in self.events.items() if event.get("type") not in (None, "hello")]


@pytest.fixture
def rtm(emulator: Emulator) -> Iterator[RtmHarness]:
    """A connected rtm_v2 client, shut down after the test."""
    frames: Inbox[dict[str, Any]] = Inbox()
    events: Inbox[dict[str, Any]] = Inbox()
    client = RTMClient(
        token=BOT_TOKEN,
        base_url=emulator.base_url,
        ping_interval=1,
        timeout=5,
        on_message_listeners=[lambda text: frames.add(json.loads(text))],
    )

    @client.on("*")
    def record(_client: RTMClient, event: dict[str, Any]) -> None:
        events.add(event)

    client.connect()
    emulator.wait_for_sessions(1)
    yield RtmHarness(client, frames, events)
    shut_down(client, emulator)


def shut_down(client: RTMClient, emulator: Emulator) -> None:
    """Stop the client for good and join the threads it started.

    ``RTMClient.close()`` keeps reconnecting unless auto-reconnect is off, and it waits
    up to 3 s for its reader to let go of the socket. Closing the session from the
    server first ends the reader at once. ``close()`` leaves the client's interval
    runners and worker pool running, so they are stopped here through their attributes.
    """
    client.auto_reconnect_enabled = False
    emulator.close_sessions(1000)
    wait_until(lambda: not client.is_connected(), "the client to see the close frame")
    client.close()
    runners = (client.current_app_monitor, client.current_session_runner, client.message_processor)
    for runner in runners:
        runner.shutdown()
    client.message_workers.shutdown()


def test_rtm_v2_receives_scenario_traffic(emulator: Emulator, rtm: RtmHarness) -> None:
    scenario = play_traffic(emulator)
    expected = expected_kinds(scenario)

    wait_until(
        lambda: len(rtm.events_after_hello()) >= sum(expected.values()),
        f"{sum(expected.values())} events",
    )

    received = rtm.events_after_hello()
    assert sorted(map(kind_of, received), key=str) == sorted(expected.elements(), key=str)
    assert scripted_differences(scenario, received) == []
    assert posted_message_differences(scenario, received) == []


def test_rtm_v2_thread_reply_names_parent(emulator: Emulator, rtm: RtmHarness) -> None:
    parent_ts = emulator.post_as_user("U0TEST1", "C0TEST1", "parent")
    reply_ts = emulator.post_as_user("U0TEST2", "C0TEST1", "reply", thread_ts=parent_ts)

    reply = rtm.events.wait_for(lambda event: event.get("ts") == reply_ts, "the reply")
    replied = rtm.events.wait_for(
        lambda event: event.get("subtype") == "message_replied", "message_replied"
    )

    assert reply["thread_ts"] == parent_ts
    assert reply["parent_user_id"] == "U0TEST1"
    assert replied["hidden"] is True
    assert replied["message"]["ts"] == parent_ts
    assert replied["message"]["reply_count"] == 1
    assert replied["message"]["reply_users"] == ["U0TEST2"]


def test_rtm_v2_posts_reacts_and_sees_echo(emulator: Emulator, rtm: RtmHarness) -> None:
    web = rtm.client.web_client
    target_ts = emulator.post_as_user("U0TEST1", "C0TEST1", "react to this")
    rtm.events.wait_for(lambda event: event.get("ts") == target_ts, "the message to react to")

    posted = web.chat_postMessage(channel="C0TEST1", text="posted by rtm_v2")
    web.reactions_add(channel="C0TEST1", timestamp=target_ts, name="eyes")

    echo = rtm.frames.wait_for(lambda frame: frame.get("ts") == posted["ts"], "the echo")
    reaction = rtm.events.wait_for(
        lambda event: event.get("type") == "reaction_added", "reaction_added"
    )
    assert echo["type"] == "message"
    assert echo["text"] == "posted by rtm_v2"
    assert echo["channel"] == "C0TEST1"
    assert echo["user"] == "U0SELF"
    assert echo["bot_id"] == rtm.client.bot_id
    assert reaction["user"] == "U0SELF"
    assert reaction["reaction"] == "eyes"
    assert reaction["item"] == {"type": "message", "channel": "C0TEST1", "ts": target_ts}
    assert reaction["item_user"] == "U0TEST1"
    # slack_sdk keeps the bot's own posts away from @on listeners by bot_id.
    assert rtm.events.matching(lambda event: event.get("ts") == posted["ts"]) == []


def test_rtm_v2_send_gets_ack_and_echo(emulator: Emulator, rtm: RtmHarness) -> None:
    rtm.client.send({"id": 7, "type": "message", "channel": "C0TEST1", "text": "over rtm"})

    ack = rtm.events.wait_for(lambda event: event.get("reply_to") == 7, "the ack")
    echo = rtm.frames.wait_for(
        lambda frame: frame.get("type") == "message" and frame.get("ts") == ack.get("ts"),
        "the echo of the RTM post",
    )

    assert ack["ok"] is True
    assert ack["text"] == "over rtm"
    assert "type" not in ack
    assert echo["bot_id"] == "B0SELF"
    assert emulator.posted()[-1]["text"] == "over rtm"


def test_rtm_v2_reconnects_after_goodbye(emulator: Emulator, rtm: RtmHarness) -> None:
    emulator.goodbye()

    wait_until(lambda: emulator.sessions_started == 2, "a second session")
    wait_until(lambda: emulator.open_sessions == 1, "the first session to end")
    ts = emulator.post_as_user("U0TEST1", "C0TEST1", "after goodbye")
    rtm.events.wait_for(lambda event: event.get("ts") == ts, "a message after the reconnect")
    assert emulator.connect_calls == 2
    assert len(emulator.calls("auth.test")) == 1


def test_rtm_v2_reconnects_after_server_close(emulator: Emulator, rtm: RtmHarness) -> None:
    emulator.close_sessions(1001, "going away")

    wait_until(lambda: emulator.sessions_started == 2, "a second session")
    ts = emulator.post_as_user("U0TEST1", "C0TEST1", "after close")
    rtm.events.wait_for(lambda event: event.get("ts") == ts, "a message after the reconnect")
    assert emulator.connect_calls == 2
    assert emulator.open_sessions == 1


def test_rtm_v2_hello_then_keepalive(emulator: Emulator, rtm: RtmHarness) -> None:
    first = rtm.frames.wait_for(lambda frame: True, "the first frame")

    # slack_sdk drops a session once its last pong is more than 4 ping intervals old,
    # which is over 4 s here. Seven pings, one a second, outlast that unless pongs arrive.
    wait_until(lambda: len(client_pings(emulator)) >= 7, "seven client pings", timeout=15)

    assert first == {"type": "hello"}
    assert emulator.sessions_started == 1
    assert emulator.open_sessions == 1


def client_pings(emulator: Emulator) -> list[Keepalive]:
    """Return the WebSocket PINGs the client sent."""
    return [keepalive for keepalive in emulator.keepalives() if keepalive.kind == "client ping"]


def test_rtm_v2_honours_retry_after(emulator: Emulator, rtm: RtmHarness) -> None:
    # slack_sdk sleeps for Retry-After, or 30 s when it cannot read the header.
    emulator.fail_method("rtm.connect", status=429, retry_after=1)

    emulator.goodbye()

    wait_until(lambda: emulator.sessions_started == 2, "a session after the rate limit", 15)
    assert emulator.connect_calls == 3
