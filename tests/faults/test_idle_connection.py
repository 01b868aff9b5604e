"""An idle connection is not stale: quiet servers keep their session, server pings get pongs.

Short form, scaled further: the keepalive interval P is 0.2 s, the quiet period 10 s
(50 P instead of 60 P) and the server PING comes every 4 s (20 P). A reader that is
slow to take a burst of events is not taken for a dead connection either.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from slack_sdk import WebClient

from responder.emulator import Emulator, SocketModeSettings
from responder.slack.transport import RtmTransport, SocketModeTransport
from tests.faults.helpers import APP_TOKEN, connect_count, message, own_log, states, write_rules
from tests.integration.harness import TRANSPORTS, start_responder

P = 0.2
T = 1.0
QUIET = 10.0
SERVER_PING_EVERY = 4.0


@pytest.mark.slow
def test_quiet_session_stays_then_goodbye_reconnects_once(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)

    with Emulator() as emulator:
        runtime, collected = start_responder(emulator, write_rules(tmp_path), ping_interval=P, pong_timeout=T)
        try:
            time.sleep(QUIET)
            connects_while_quiet = emulator.connect_calls
            spans_while_quiet = emulator.session_spans()

            emulator.goodbye()
            time.sleep(1.0)
            emulator.close_sessions(1001, "going away", session=1)
            assert emulator.wait_for_new_session(after=1, timeout=10.0)
            time.sleep(1.0)
            open_sessions = emulator.open_sessions
        finally:
            runtime.stop()

    assert connects_while_quiet == 1
    assert spans_while_quiet[0].ended_at is None
    client_pings = [item for item in emulator.keepalives() if item.kind == "client ping" and item.session == 1]
    assert len(client_pings) >= QUIET / P * 0.8

    assert emulator.connect_calls == 2
    assert open_sessions == 1
    assert len(states(collected.snapshot(), "reconnecting")) == 1
    assert not [record for record in own_log(caplog.records) if record.exc_info]
    assert not [record for record in own_log(caplog.records) if record.levelno >= logging.ERROR]
    assert emulator.calls("chat.postMessage") == []


@pytest.mark.slow
@pytest.mark.parametrize("transport", TRANSPORTS)
def test_server_pings_get_pongs_and_keep_the_session(tmp_path: Path, transport: str) -> None:
    # The emulator's own Socket Mode pings are off, so only the scripted ones are counted.
    with Emulator(socket_mode=SocketModeSettings(ping_interval=0)) as emulator:
        runtime, _ = start_responder(emulator, write_rules(tmp_path), transport, ping_interval=P, pong_timeout=T)
        try:
            for number in range(int(QUIET / SERVER_PING_EVERY)):
                time.sleep(SERVER_PING_EVERY)
                emulator.ping_sessions(f"server-{number}".encode())
            time.sleep(1.0)
            spans = emulator.session_spans()
        finally:
            runtime.stop()

    keepalives = emulator.keepalives()
    server_pings = [item for item in keepalives if item.kind == "server ping"]
    assert len(server_pings) == int(QUIET / SERVER_PING_EVERY)
    for ping in server_pings:
        pongs = [item for item in keepalives if item.kind == "client pong" and item.payload == ping.payload]
        assert len(pongs) == 1, ping.payload
        assert pongs[0].at - ping.at <= 1.0
    assert connect_count(emulator, transport) == 1
    assert len(spans) == 1
    assert spans[0].ended_at is None
    assert emulator.calls("chat.postMessage") == []


@pytest.mark.parametrize("kind", TRANSPORTS)
def test_busy_reader_is_not_taken_for_dead(kind: str) -> None:
    received: list[str] = []

    def slow_handler(event: dict[str, Any]) -> None:
        time.sleep(0.05)
        received.append(str(event.get("ts")))

    with Emulator() as emulator:
        client = WebClient(base_url=emulator.base_url, token="xoxb-busy-reader")
        options: dict[str, Any] = {
            "on_event": slow_handler,
            "on_record": lambda record: None,
            "ping_interval": 0.2,
            "pong_timeout": 0.3,
        }
        transport: RtmTransport | SocketModeTransport
        if kind == "rtm":
            transport = RtmTransport(client, **options)
        else:
            app_client = WebClient(base_url=emulator.base_url, token=APP_TOKEN)
            transport = SocketModeTransport(client, app_client, **options)
        thread = threading.Thread(target=transport.run, daemon=True)
        thread.start()
        try:
            emulator.wait_for_sessions(1, timeout=10.0)
            for number in range(40):
                emulator.send_event(message(f"1700000124.{number:06d}"))
            deadline = time.monotonic() + 10.0
            while len(received) < 40 and time.monotonic() < deadline:
                time.sleep(0.05)
        finally:
            transport.stop()
            thread.join(5.0)

    assert len(received) == 40
    assert connect_count(emulator, kind) == 1
