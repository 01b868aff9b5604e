"""slack_sdk's own RTM client (rtm_v2, with its builtin websocket) against the emulator."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from slack_sdk.rtm_v2 import RTMClient

from responder.emulator import Emulator


@pytest.fixture
def rtm(emulator: Emulator) -> Iterator[RTMClient]:
    """An rtm_v2 client; reconnects are switched off before it closes.

    Its close() takes about 3 s (the builtin socket's read timeout), so keep these tests few.
    """
    client = RTMClient(token="xoxb-test", base_url=emulator.base_url, ping_interval=1)
    yield client
    client.auto_reconnect_enabled = False
    client.close()


def test_rtm_v2_receives_message_not_own_echo(emulator: Emulator, rtm: RTMClient) -> None:
    received: list[dict[str, Any]] = []
    arrived = threading.Event()

    @rtm.on("message")
    def on_message(client: RTMClient, event: dict[str, Any]) -> None:
        received.append(event)
        arrived.set()

    rtm.connect()
    emulator.wait_for_sessions(1, timeout=5)
    rtm.web_client.chat_postMessage(channel="C0TEST1", text="own post")
    ts = emulator.post_as_user("U0TEST1", "C0TEST1", "hello there")

    assert arrived.wait(5)
    assert [event["text"] for event in received] == ["hello there"]
    assert received[0]["ts"] == ts
    assert emulator.calls()[0]["method"] == "auth.test"
    assert emulator.connect_calls == 1


def test_rtm_v2_reconnects_after_goodbye(emulator: Emulator, rtm: RTMClient) -> None:
    rtm.connect()
    emulator.wait_for_sessions(1, timeout=5)

    emulator.goodbye()

    emulator.wait_for_calls(2, "rtm.connect", timeout=5)
    assert emulator.wait_for_new_session(after=1, timeout=5)
