"""Reset, dropped and closed connections, and ``goodbye``: reconnect on schedule, answer once.

The reset, end-of-stream and close-1011 runs keep the default backoff (1 s, 2 s,
4 s, ±25 %), so each takes about 11 s. The ``goodbye`` runs end 2 s after the
message instead of 10 s.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Callable

import pytest

from responder.emulator import Emulator
from responder.slack.backoff import Backoff
from tests.faults.helpers import (
    TIMING_SLACK,
    connect_times,
    greeting,
    message,
    own_log,
    states,
    wait_for_connects,
    within,
    write_rules,
)
from tests.integration.harness import TRANSPORTS, assert_calls_match, start_responder, wait_for_action_calls

FAULTS: dict[str, tuple[Callable[[Emulator], None], str]] = {
    "reset": (lambda emulator: emulator.reset_sessions(), "connection reset"),
    "end-of-stream": (lambda emulator: emulator.end_sessions(), "end of stream"),
    "close-1011": (lambda emulator: emulator.close_sessions(1011, "server error"), "closed with code 1011"),
}


def apply_fault(emulator: Emulator, fault: Callable[[Emulator], None]) -> tuple[float, float]:
    """Apply ``fault`` and return the wall-clock times just before and just after it."""
    before = time.time()
    fault(emulator)
    return before, time.time()


@pytest.mark.slow
@pytest.mark.parametrize("transport", TRANSPORTS)
@pytest.mark.parametrize("name", sorted(FAULTS))
def test_lost_connection_follows_backoff(
    name: str, transport: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    fault, cause = FAULTS[name]
    backoff = Backoff()
    caplog.set_level(logging.INFO)

    with Emulator() as emulator:
        runtime, collected = start_responder(emulator, write_rules(tmp_path), transport)
        try:
            time.sleep(2.0)
            windows = [apply_fault(emulator, fault)]
            for session in (2, 3):
                wait_for_connects(emulator, session, transport=transport)
                assert emulator.wait_for_new_session(after=session - 1, timeout=10.0)
                time.sleep(0.1)
                windows.append(apply_fault(emulator, fault))
            wait_for_connects(emulator, 4, transport=transport)
            assert emulator.wait_for_new_session(after=3, timeout=10.0)
            time.sleep(1.0)
            emulator.send_event(message("1700000122.000100"))
            calls = wait_for_action_calls(emulator, 1, settle=1.0)
            open_sessions = emulator.open_sessions
        finally:
            runtime.stop()

    connects = connect_times(emulator, transport)
    assert len(connects) == 4
    for attempt, ((before, after), connected_at) in enumerate(zip(windows, connects[1:]), start=1):
        low, high = backoff.bounds(attempt)
        assert connected_at - before >= max(low, 0.5), f"attempt {attempt}"
        assert connected_at - after <= high + TIMING_SLACK, f"attempt {attempt}"

    lost = states(collected.snapshot(), "reconnecting")
    assert len(lost) == 3
    assert all(cause in state.reason for state in lost), [state.reason for state in lost]
    assert not [record for record in own_log(caplog.records) if record.exc_info]
    assert open_sessions == 1
    assert_calls_match(calls, [greeting("1700000122.000100")])


def goodbye_and_keep_open(emulator: Emulator) -> None:
    emulator.goodbye()


def goodbye_and_close(emulator: Emulator) -> None:
    emulator.goodbye(close=True, code=1001)


def close_without_goodbye(emulator: Emulator) -> None:
    emulator.close_sessions(1001, "going away")


@pytest.mark.parametrize(
    "fault", [goodbye_and_keep_open, goodbye_and_close, close_without_goodbye], ids=["a", "b", "c"]
)
def test_goodbye_and_close_reconnect_once(
    fault: Callable[[Emulator], None], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    first_step = Backoff().bounds(1)

    with Emulator() as emulator:
        runtime, collected = start_responder(emulator, write_rules(tmp_path))
        try:
            time.sleep(2.0)
            before, after = apply_fault(emulator, fault)
            wait_for_connects(emulator, 2)
            assert emulator.wait_for_new_session(after=1, timeout=10.0)
            time.sleep(1.0)
            emulator.send_event(message("1700000123.000100"))
            calls = wait_for_action_calls(emulator, 1, settle=2.0)
            open_sessions = emulator.open_sessions
        finally:
            runtime.stop()

    reconnect_at = float(emulator.calls("rtm.connect")[1]["at"])
    if fault is goodbye_and_keep_open:
        first, second = emulator.session_spans()[:2]
        assert reconnect_at - before <= 5.0
        assert first.ended_at is not None
        assert first.ended_at - second.hello_at <= 5.0
        assert "closed by the client" in first.end_reason
    elif fault is goodbye_and_close:
        assert reconnect_at - after <= first_step[1] + TIMING_SLACK
    else:
        assert within(reconnect_at - before, first_step[0], first_step[1] + TIMING_SLACK + (after - before))

    spans = emulator.session_spans()
    for index, span in enumerate(spans):
        overlapping = [other for other in spans if other.hello_at < (span.ended_at or float("inf")) and (other.ended_at or float("inf")) > span.hello_at]
        assert len(overlapping) <= 2, f"session {index + 1} overlaps {overlapping}"

    goodbye_lines = [record for record in own_log(caplog.records) if "goodbye" in record.getMessage()]
    if fault is not close_without_goodbye:
        assert any(record.levelno == logging.INFO for record in goodbye_lines)
    assert not [record for record in goodbye_lines if "unknown" in record.getMessage() or record.levelno > logging.INFO]
    assert emulator.connect_calls == 2
    assert open_sessions == 1
    assert states(collected.snapshot(), "connected")
    assert_calls_match(calls, [greeting("1700000123.000100")])
