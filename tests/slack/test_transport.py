"""The RTM transport against the emulator: connect, events, goodbye, lost connections."""

from __future__ import annotations

import logging
import re
import time
from typing import Any, Callable, Iterator

import pytest
from slack_sdk import WebClient

from responder.emulator import Emulator
from responder.records import FrameSkipped, Notice, SlackErrorFrame
from responder.slack.backoff import Backoff
from responder.slack.identity import Identity
from responder.slack.transport import RtmTransport
from tests.slack.helpers import TOKEN, Collector, quick_backoff, running

MESSAGE = {"type": "message", "user": "U0TEST1", "text": "hello", "channel": "C0TEST1", "ts": "1700000000.000800"}


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with Emulator() as started:
        yield started


def make_transport(base_url: str, collector: Collector, **options: Any) -> RtmTransport:
    options.setdefault("on_event", collector.on_event)
    options.setdefault("ping_interval", 0.5)
    options.setdefault("pong_timeout", 0.5)
    options.setdefault("handshake_timeout", 2.0)
    options.setdefault("backoff", quick_backoff())
    return RtmTransport(WebClient(base_url=base_url, token=TOKEN), on_record=collector.on_record, **options)


def test_hello_gives_connected_record(emulator: Emulator) -> None:
    collector = Collector()
    with running(make_transport(emulator.base_url, collector)):
        connected = collector.wait_for_states("connected")[0]

    connecting = collector.states("connecting")
    assert connecting[0].attempt == 1
    assert connected.team == "Test workspace"
    assert connected.bot == "autobot"
    assert connected.transport == "rtm"
    assert collector.states()[-1].phase == "stopped"


def test_identity_is_known_before_the_first_event(emulator: Emulator) -> None:
    collector = Collector()
    seen: list[Identity | None] = []
    transports: list[RtmTransport] = []
    transport = make_transport(emulator.base_url, collector, on_event=lambda payload: seen.append(transports[0].identity))
    transports.append(transport)

    with running(transport):
        collector.wait_for_states("connected")
        emulator.send_event(MESSAGE)
        collector.wait_until(lambda: bool(seen), description="the event")

    assert seen[0] == Identity(
        user_id="U0SELF",
        bot_id="B0SELF",
        app_id="A0SELF",
        team_id="T0TEST",
        user_name="autobot",
        team_name="Test workspace",
    )


def test_events_are_passed_on_in_order(emulator: Emulator) -> None:
    collector = Collector()
    with running(make_transport(emulator.base_url, collector)):
        collector.wait_for_states("connected")
        for number in range(20):
            emulator.send_event({**MESSAGE, "ts": f"1700000000.{number:06d}"})
        events = collector.wait_for_events(20)

    assert [event["ts"] for event in events] == [f"1700000000.{number:06d}" for number in range(20)]
    assert emulator.connect_calls == 1


def test_malformed_frames_are_classified(emulator: Emulator) -> None:
    collector = Collector()
    transport = make_transport(emulator.base_url, collector)
    frames: list[Callable[[], None]] = [
        lambda: emulator.send_event({}),
        lambda: emulator.send_event({"reply_to": 1, "ok": True, "ts": "1700000000.000700", "text": "Hi"}),
        lambda: emulator.send_raw("not json at all"),
        lambda: emulator.send_event({"type": "error", "error": {"code": 2, "msg": "made-up test error"}}),
        lambda: emulator.send_event({"type": "some_future_event", "foo": 1}),
        lambda: emulator.send_raw("[]"),
        lambda: emulator.send_event({"type": None}),
        lambda: emulator.send_event({"type": "message"}),
        lambda: emulator.send_event(MESSAGE),
    ]

    with running(transport):
        collector.wait_for_states("connected")
        for send in frames:
            send()
        events = collector.wait_for_events(3)
        time.sleep(0.3)
        open_sessions = emulator.open_sessions

    skipped = sorted(record.reason for record in collector.of_type(FrameSkipped))
    assert skipped == ["acknowledgement", "empty object", "not JSON", "not a JSON object", "type is not a string"]
    assert transport.skipped_frames == {reason: 1 for reason in skipped}
    assert collector.of_type(SlackErrorFrame)[0].code == 2
    assert collector.of_type(SlackErrorFrame)[0].message == "made-up test error"
    assert [event["type"] for event in events] == ["some_future_event", "message", "message"]
    assert events[-1] == MESSAGE
    assert emulator.connect_calls == 1
    assert open_sessions == 1
    assert not collector.states("reconnecting")


def test_failing_event_handler_keeps_the_session(emulator: Emulator, caplog: pytest.LogCaptureFixture) -> None:
    collector = Collector()

    def explode_on_first(payload: dict[str, Any]) -> None:
        if not collector.events:
            collector.on_event({"type": "failed"})
            raise RuntimeError("handler bug")
        collector.on_event(payload)

    with running(make_transport(emulator.base_url, collector, on_event=explode_on_first)):
        collector.wait_for_states("connected")
        emulator.send_event(MESSAGE)
        emulator.send_event({**MESSAGE, "ts": "1700000000.000900"})
        events = collector.wait_for_events(2)

    notices = collector.of_type(Notice)
    assert events[1]["ts"] == "1700000000.000900"
    assert notices[0].level == "error"
    assert notices[0].ids == ("C0TEST1", "1700000000.000800")
    assert "C0TEST1" in caplog.text
    assert "1700000000.000800" in caplog.text
    assert emulator.connect_calls == 1


def test_goodbye_reconnects_at_once(emulator: Emulator, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="responder.slack")
    collector = Collector()
    slow_backoff = Backoff(5.0, cap=5.0)
    with running(make_transport(emulator.base_url, collector, backoff=slow_backoff)):
        collector.wait_for_states("connected")
        emulator.wait_for_sessions(1)
        goodbye_sent_at = time.time()
        emulator.goodbye(close=False)

        calls = emulator.wait_for_calls(2, "rtm.connect", timeout=3.0)
        collector.wait_for_sessions(2)
        collector.wait_until(lambda: emulator.open_sessions == 1 and emulator.sessions_started == 2, description="one session")
        emulator.send_event(MESSAGE)
        events = collector.wait_for_events(1)

    assert calls[1]["at"] - goodbye_sent_at < slow_backoff.bounds(1)[0]
    assert collector.states("reconnecting")[0].reason == "goodbye"
    assert events == [MESSAGE]
    assert emulator.connect_calls == 2
    goodbye_lines = [record for record in caplog.records if "goodbye" in record.getMessage()]
    assert goodbye_lines and all(record.levelno == logging.INFO for record in goodbye_lines)


def test_goodbye_then_close_reconnects_once(emulator: Emulator) -> None:
    collector = Collector()
    with running(make_transport(emulator.base_url, collector)):
        collector.wait_for_sessions(1)
        emulator.wait_for_sessions(1)
        emulator.goodbye(close=True, code=1001)
        collector.wait_for_sessions(2)
        emulator.wait_for_sessions(1)
        emulator.send_event(MESSAGE)
        events = collector.wait_for_events(1)
        time.sleep(0.5)
        open_sessions = emulator.open_sessions

    assert emulator.connect_calls == 2
    assert open_sessions == 1
    assert events == [MESSAGE]


def test_goodbye_overlap_is_two_sessions_at_most(emulator: Emulator) -> None:
    collector = Collector()
    max_open = 0
    with running(make_transport(emulator.base_url, collector)):
        collector.wait_for_states("connected")
        emulator.wait_for_sessions(1)
        emulator.goodbye(close=False)
        deadline = time.monotonic() + 3.0
        while time.monotonic() < deadline and emulator.sessions_started < 2:
            max_open = max(max_open, emulator.open_sessions)
            time.sleep(0.005)
        collector.wait_until(lambda: emulator.open_sessions == 1, description="the old session to close")

    assert emulator.sessions_started == 2
    assert max_open <= 2


@pytest.mark.parametrize(
    ("fault", "reason"),
    [
        ("reset", "connection reset"),
        ("end", "end of stream|connection reset"),
        ("close", "closed with code 1011"),
    ],
)
def test_lost_connection_reconnects_after_backoff(emulator: Emulator, fault: str, reason: str) -> None:
    collector = Collector()
    backoff = quick_backoff()
    faults: dict[str, Callable[[], None]] = {
        "reset": emulator.reset_sessions,
        "end": emulator.end_sessions,
        "close": lambda: emulator.close_sessions(1011),
    }
    apply_fault = faults[fault]

    fault_times: list[float] = []
    with running(make_transport(emulator.base_url, collector, backoff=backoff)):
        for session in range(1, 4):
            collector.wait_for_sessions(session)
            emulator.wait_for_sessions(1)
            fault_times.append(time.time())
            apply_fault()
            emulator.wait_for_calls(session + 1, "rtm.connect")
        collector.wait_for_sessions(4)
        emulator.wait_for_sessions(1)
        emulator.send_event(MESSAGE)
        events = collector.wait_for_events(1)

    connect_times = [call["at"] for call in emulator.calls("rtm.connect")]
    for attempt, (fault_at, connect_at) in enumerate(zip(fault_times, connect_times[1:]), start=1):
        low, high = backoff.bounds(attempt)
        assert low <= connect_at - fault_at <= high + 1.0, f"attempt {attempt}"
    reconnecting = collector.states("reconnecting")
    assert [state.attempt for state in reconnecting] == [2, 3, 4]
    assert all(re.search(reason, state.reason) for state in reconnecting)
    assert all(state.next_try_at is not None for state in reconnecting)
    assert events == [MESSAGE]
    assert emulator.connect_calls == 4


def test_backoff_resets_after_a_stable_session(emulator: Emulator) -> None:
    collector = Collector()
    backoff = quick_backoff()
    with running(make_transport(emulator.base_url, collector, backoff=backoff, stable_after=0.3)):
        for session in range(1, 4):
            collector.wait_for_sessions(session)
            emulator.wait_for_sessions(1)
            time.sleep(0.5)
            emulator.end_sessions()
            emulator.wait_for_calls(session + 1, "rtm.connect")
        collector.wait_for_sessions(4)

    assert [state.attempt for state in collector.states("reconnecting")] == [2, 2, 2]


def test_idle_connection_is_not_dropped(emulator: Emulator) -> None:
    collector = Collector()
    transport = make_transport(emulator.base_url, collector, ping_interval=0.2, pong_timeout=0.3)
    with running(transport):
        collector.wait_for_states("connected")
        time.sleep(2.5)
        open_sessions = emulator.open_sessions

    assert emulator.connect_calls == 1
    assert open_sessions == 1
    assert not collector.states("reconnecting")
    rtts = [state.ping_rtt for state in collector.states("connected") if state.ping_rtt is not None]
    assert rtts and all(rtt >= 0 for rtt in rtts)


def test_stop_closes_the_session(emulator: Emulator) -> None:
    collector = Collector()
    with running(make_transport(emulator.base_url, collector)) as run:
        collector.wait_for_states("connected")
        emulator.wait_for_sessions(1)
        run.stop()

    collector.wait_until(lambda: emulator.open_sessions == 0, description="the session to close")
    assert collector.states()[-1].phase == "stopped"
    assert run.error is None
