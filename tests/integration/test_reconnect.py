"""The responder reconnects after goodbye, a close or a reset, and answers once."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest

from responder.emulator import Emulator
from tests.integration.harness import (
    CONNECT_METHODS,
    TRANSPORTS,
    assert_calls_match,
    connect_calls,
    start_responder,
    wait_for_action_calls,
)

GREET = '[[rule]]\nname = "greet"\nwords = ["hello"]\n[[rule.action]]\nreply = "Hi {user}!"\n'

FAULTS: dict[str, Callable[[Emulator], None]] = {
    "goodbye": lambda emulator: emulator.goodbye(),
    "goodbye-and-close": lambda emulator: emulator.goodbye(close=True),
    "close-1011": lambda emulator: emulator.close_sessions(1011, "server error"),
    "end-of-stream": lambda emulator: emulator.end_sessions(),
    "tcp-reset": lambda emulator: emulator.reset_sessions(),
    "disconnect-warning": lambda emulator: emulator.disconnect_socket_mode("warning"),
    "disconnect-refresh": lambda emulator: emulator.disconnect_socket_mode("refresh_requested"),
}

TRANSPORT_FAULTS = {
    "rtm": ("goodbye", "goodbye-and-close", "close-1011", "end-of-stream", "tcp-reset"),
    "socket-mode": ("disconnect-warning", "disconnect-refresh", "close-1011", "end-of-stream", "tcp-reset"),
}
"""The faults each transport meets: ``goodbye`` is RTM's, ``disconnect`` is Socket Mode's."""


@pytest.mark.parametrize(
    ("transport", "fault"),
    [(transport, fault) for transport in TRANSPORTS for fault in TRANSPORT_FAULTS[transport]],
)
def test_reconnects_and_answers_next_message_once(transport: str, fault: str, tmp_path: Path) -> None:
    rules = tmp_path / "rules.toml"
    rules.write_text(GREET, encoding="utf-8")
    message = {"type": "message", "user": "U0TEST1", "text": "hello", "channel": "C0TEST1", "ts": "1700000122.000100"}

    with Emulator() as emulator:
        runtime, _ = start_responder(emulator, rules, transport)
        try:
            FAULTS[fault](emulator)
            emulator.wait_for_calls(2, method=CONNECT_METHODS[transport], timeout=10.0)
            emulator.wait_for_new_session(after=1, timeout=10.0)
            emulator.send_event(message)
            calls = wait_for_action_calls(emulator, 1, settle=1.0)
            open_sessions = emulator.open_sessions
        finally:
            runtime.stop()

    assert connect_calls(emulator, transport) == 2
    assert open_sessions == 1

    expected = {"method": "chat.postMessage", "channel": "C0TEST1", "thread_ts": "1700000122.000100", "text": "Hi <@U0TEST1>!"}
    assert_calls_match(calls, [expected])
