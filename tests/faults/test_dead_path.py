"""A silently dead network path: the responder notices, reconnects, and answers once.

Timings are scaled from the 10 s idle period of the original report to 2 s, with a
keepalive interval P of 0.5 s and a pong timeout T of 0.5 s.
"""

from __future__ import annotations

import signal
import time
from pathlib import Path

import pytest

from responder.emulator import Emulator
from responder.records import ConnectionState
from tests.faults.helpers import (
    APP_TOKEN,
    TIMING_SLACK,
    connect_count,
    connect_times,
    greeting,
    message,
    start_cli,
    states,
    stop_cli,
    wait_until,
    write_rules,
)
from tests.integration.harness import TRANSPORTS, assert_calls_match, start_responder, wait_for_action_calls

P = 0.5
T = 0.5
RECONNECT_DELAY = 0.2


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_black_hole_is_noticed_and_replaced(tmp_path: Path, transport: str) -> None:
    rules = write_rules(tmp_path)

    with Emulator() as emulator:
        runtime, collected = start_responder(
            emulator, rules, transport, ping_interval=P, pong_timeout=T, reconnect_delay=RECONNECT_DELAY
        )
        try:
            time.sleep(2.0)
            emulator.black_hole_sessions()
            holed_at = time.time()
            assert emulator.wait_for_new_session(after=1, timeout=10.0)
            time.sleep(1.0)
            emulator.send_event(message("1700000121.000100"))
            calls = wait_for_action_calls(emulator, 1, settle=1.0)
            open_sessions = emulator.open_sessions
        finally:
            runtime.stop()

    client_pings = [item for item in emulator.keepalives() if item.session == 1 and item.kind == "client ping"]
    idle_pings = [item.at for item in client_pings if item.at < holed_at]
    gaps = [later - earlier for earlier, later in zip(idle_pings, idle_pings[1:])]
    assert len(idle_pings) >= 3
    assert max(gaps) <= P + TIMING_SLACK

    lost = [state for state in states(collected.snapshot(), "reconnecting") if "no pong" in state.reason]
    assert len(lost) == 1
    assert lost[0].at - idle_pings[-1] <= P + T + TIMING_SLACK

    second_connect = connect_times(emulator, transport)[1]
    assert second_connect - lost[0].at <= RECONNECT_DELAY * 1.25 + TIMING_SLACK

    assert connect_count(emulator, transport) == 2
    assert open_sessions == 1
    assert_calls_match(calls, [greeting("1700000121.000100")])

    phases = [
        record.phase
        for record in collected.snapshot()
        if isinstance(record, ConnectionState) and record.phase != "connecting"
    ]
    changes = [phase for index, phase in enumerate(phases) if index == 0 or phase != phases[index - 1]]
    assert changes[changes.index("connected") :][:3] == ["connected", "reconnecting", "connected"]


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_sigint_after_black_hole_exits_quickly(tmp_path: Path, transport: str) -> None:
    rules = write_rules(tmp_path)
    token = "xoxb-dead-path-5e1d"

    with Emulator() as emulator:
        process = start_cli(
            [
                "run", str(rules), "--headless", "--slack-url", emulator.base_url, "--no-journal",
                "--ping-interval", str(P), "--pong-timeout", str(T), "--reconnect-delay", "5",
                "--log-level", "INFO",
            ],
            token,
            tmp_path / "state",
            tmp_path / "out",
            app_token=APP_TOKEN if transport == "socket-mode" else None,
        )
        try:
            emulator.wait_for_sessions(1, timeout=15.0)
            time.sleep(2.0)
            emulator.black_hole_sessions()
            wait_until(lambda: "reconnecting" in (tmp_path / "out" / "stdout.txt").read_text(), 10.0, "reconnecting")
            interrupted_at = time.monotonic()
            status = stop_cli(process, signal.SIGINT, timeout=10.0)
            took = time.monotonic() - interrupted_at
        finally:
            if process.poll() is None:
                process.kill()

    stdout = (tmp_path / "out" / "stdout.txt").read_text()
    stderr = (tmp_path / "out" / "stderr.txt").read_text()
    assert took <= 2.0
    assert status in (0, 130)
    assert "Traceback" not in stderr
    assert f"over {transport}" in stdout
    assert "reconnecting (attempt" in stdout
    assert "next try" in stdout
    assert token not in stdout + stderr
    assert APP_TOKEN not in stdout + stderr
