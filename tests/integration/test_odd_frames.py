"""Frames without a type, an error frame and unknown types never disturb the responder."""

from __future__ import annotations

import time
from pathlib import Path

from responder.emulator import Emulator
from responder.records import DecisionMade, FrameSkipped, SlackErrorFrame
from tests.integration.harness import assert_calls_match, start_responder, wait_for_action_calls

GREET = '[[rule]]\nname = "greet"\nwords = ["hello"]\n[[rule.action]]\nreply = "Hi {user}!"\n'

FRAMES: list[object] = [
    {},
    {"reply_to": 1, "ok": True, "ts": "1700000000.000700", "text": "Hi"},
    "not json at all",
    {"type": "error", "error": {"code": 2, "msg": "made-up test error"}},
    {"type": "some_future_event", "foo": 1},
    [],
    {"type": None},
    {"type": "message"},
    {"type": "message", "user": "U0TEST1", "text": "hello", "channel": "C0TEST1", "ts": "1700000000.000800"},
]


def send(emulator: Emulator, frame: object) -> None:
    if isinstance(frame, dict):
        emulator.send_event(frame)
    elif isinstance(frame, str):
        emulator.send_raw(frame)
    else:
        emulator.send_raw("[]")


def test_odd_frames_are_recorded_and_the_message_answered(tmp_path: Path) -> None:
    rules = tmp_path / "rules.toml"
    rules.write_text(GREET, encoding="utf-8")

    with Emulator() as emulator:
        runtime, collected = start_responder(emulator, rules)
        try:
            for frame in FRAMES:
                send(emulator, frame)
                time.sleep(0.05)
            calls = wait_for_action_calls(emulator, 1, settle=1.0)
            open_sessions = emulator.open_sessions
        finally:
            runtime.stop()

    expected = {"method": "chat.postMessage", "channel": "C0TEST1", "thread_ts": "1700000000.000800", "text": "Hi <@U0TEST1>!"}
    assert_calls_match(calls, [expected])
    assert emulator.connect_calls == 1
    assert open_sessions == 1

    records = collected.snapshot()
    skipped = [record for record in records if isinstance(record, FrameSkipped)]
    errors = [record for record in records if isinstance(record, SlackErrorFrame)]
    decisions = [record.decision for record in records if isinstance(record, DecisionMade)]
    assert len(skipped) == 5
    assert [(error.code, error.message) for error in errors] == [(2, "made-up test error")]

    future = [decision for decision in decisions if decision.event.type == "some_future_event"]
    assert len(future) == 1
    assert future[0].ignored is not None
    assert future[0].fired == ()

    bare = [decision for decision in decisions if decision.event.type == "message" and decision.event.ts is None]
    assert len(bare) == 1
    assert bare[0].event.text == ""
    assert bare[0].event.user is None
    assert bare[0].fired == ()
