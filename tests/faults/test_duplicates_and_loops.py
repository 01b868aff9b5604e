"""The same message on two sockets is answered once; a loop between two bots is cut.

The two-bot run keeps the default pacing (1 s) and ``reply_limit`` 5/60s, and ends
3 s after the last frame instead of at 90 s.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from responder.emulator import Emulator
from responder.engine import Engine
from responder.engine.engine import DUPLICATE
from responder.records import DecisionMade, Notice
from responder.rules.loader import load_rules
from responder.slack.identity import OFFLINE_IDENTITY
from responder.slack.normalise import normalise
from tests.faults.helpers import greeting, message, wait_until, write_rules
from tests.integration.harness import TRANSPORTS, assert_calls_match, start_responder, wait_for_action_calls

FRAME_F = message("1700000009.000100", client_msg_id="6f1c0000-0000-4000-8000-000000000001")
FRAME_G = message("1700000009.000100", channel="C0TEST2", client_msg_id="6f1c0000-0000-4000-8000-000000000002")

ANSWER_BOT = """
[settings]
reply_limit = "5/60s"

[[rule]]
name = "answer-bot"
words = ["ping"]
bots = true
[[rule.action]]
reply = "pong"
in_thread = false
"""


def test_same_message_on_two_sockets_is_answered_once(tmp_path: Path) -> None:
    with Emulator() as emulator:
        runtime, collected = start_responder(emulator, write_rules(tmp_path))
        try:
            time.sleep(2.0)
            emulator.goodbye()
            time.sleep(0.1)
            emulator.send_event(FRAME_F)
            assert emulator.wait_for_new_session(after=1, timeout=10.0)
            time.sleep(0.2)
            emulator.send_event(FRAME_F)
            time.sleep(0.3)
            emulator.send_event(FRAME_G)
            calls = wait_for_action_calls(emulator, 2, settle=2.0)
            open_sessions = emulator.open_sessions
        finally:
            runtime.stop()

    assert_calls_match(calls, [greeting("1700000009.000100"), greeting("1700000009.000100", "C0TEST2")])
    decisions = [record.decision for record in collected.snapshot() if isinstance(record, DecisionMade)]
    copies_of_f = [
        decision
        for decision in decisions
        if not decision.event.subtype and (decision.event.channel, decision.event.ts) == ("C0TEST1", "1700000009.000100")
    ]
    assert [decision.ignored for decision in copies_of_f] == [None, DUPLICATE]

    first, second = emulator.session_spans()[:2]
    assert first.ended_at is not None
    assert first.ended_at - second.hello_at <= 5.0
    assert open_sessions == 1


def test_replayed_frame_gets_one_reply_offline(tmp_path: Path) -> None:
    engine = Engine(load_rules(write_rules(tmp_path)), OFFLINE_IDENTITY)
    event = normalise(FRAME_F, OFFLINE_IDENTITY)

    first = engine.decide(event)
    second = engine.decide(event)

    assert len(first.actions) == 1
    assert second.ignored == DUPLICATE
    assert second.actions == ()


class OtherBot(threading.Thread):
    """Answers each of the responder's posts in C0TEST1 with a ``ping`` 200 ms later."""

    def __init__(self, emulator: Emulator, limit: int = 50, deadline: float = 30.0) -> None:
        super().__init__(daemon=True)
        self.emulator = emulator
        self.limit = limit
        self.deadline = time.monotonic() + deadline
        self.sent = 0
        self.done = threading.Event()

    def ping(self) -> None:
        self.sent += 1
        frame = {
            "type": "message", "subtype": "bot_message", "bot_id": "B0OTHER1", "username": "other-bot",
            "text": "ping", "channel": "C0TEST1", "ts": f"1700000005.{1000 + self.sent - 1:06d}",
        }
        self.emulator.send_event(frame)

    def run(self) -> None:
        self.ping()
        answered = 0
        while not self.done.is_set() and self.sent < self.limit and time.monotonic() < self.deadline:
            posts = [call for call in self.emulator.calls("chat.postMessage") if call.get("channel") == "C0TEST1"]
            if len(posts) > answered:
                answered += 1
                time.sleep(0.2)
                self.ping()
            else:
                time.sleep(0.02)


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_loop_between_two_bots_is_cut_by_reply_limit(tmp_path: Path, transport: str) -> None:
    with Emulator() as emulator:
        runtime, collected = start_responder(
            emulator, write_rules(tmp_path, ANSWER_BOT), transport, min_post_interval=1.0
        )
        other_bot = OtherBot(emulator)
        started = time.monotonic()
        try:
            other_bot.start()
            time.sleep(max(0.0, 5.0 - (time.monotonic() - started)))
            emulator.send_event(message("1700000005.002000", channel="C0TEST2", text="ping"))
            wait_until(lambda: other_bot.sent >= 6, 20.0, "six pings from the other bot")
            calls = wait_for_action_calls(emulator, 6, settle=3.0)
        finally:
            other_bot.done.set()
            runtime.stop()

    pong = {"method": "chat.postMessage", "thread_ts": None, "text": "pong"}
    assert_calls_match(calls, [{**pong, "channel": "C0TEST1"}] * 5 + [{**pong, "channel": "C0TEST2"}])
    assert other_bot.sent == 6

    records = collected.snapshot()
    skips = [skip for record in records if isinstance(record, DecisionMade) for skip in record.decision.skipped]
    assert len(skips) == 1
    assert skips[0].rule == "answer-bot"
    assert "reply_limit" in skips[0].reason
    warnings = [record for record in records if isinstance(record, Notice) and "reply_limit" in record.message]
    assert len(warnings) == 1
    assert warnings[0].level == "warning"
    assert "C0TEST1" in warnings[0].message
    assert "5/60s" in warnings[0].message
