"""One failing action stops nothing else; one slow channel holds up no other.

Frames of the failing-action runs come 0.3 s apart instead of 1 s. The slow-channel
run is scaled by 0.2: posts to C0TEST1 take 2 s instead of 10 s, frames come at 0.2 ×
the original times, and pacing is 0.2 s. The 1.5 s bound for C0TEST2 is kept.
"""

from __future__ import annotations

import logging
import subprocess
import sys
import time
from pathlib import Path

import pytest

from responder.emulator import Emulator
from responder.records import ActionResult, DecisionMade
from tests.faults.helpers import (
    GREET,
    ROOT,
    cli_environment,
    connect_count,
    greeting,
    message,
    own_log,
    posts,
    start_cli,
    states,
    wait_until,
    write_rules,
)
from tests.integration.harness import TRANSPORTS, assert_calls_match, start_responder, wait_for_action_calls

RELAY_TO_MISSING_CHANNEL = """[[rule]]
name = "relay"
words = ["hello"]
[[rule.action]]
post = "Relay: {user} said hello"
channel = "C0GONE1"
""" + "\n" + GREET

RELAY_MISSING_FIELD = """[[rule]]
name = "relay"
words = ["hello"]
[[rule.action]]
reply = "Relay: {event.nope}"
""" + "\n" + GREET

TRIGGERS = ("1700000129.000100", "1700000129.000200", "1700000129.000300")


def send_triggers(emulator: Emulator) -> None:
    for ts in TRIGGERS:
        emulator.send_event(message(ts))
        time.sleep(0.3)


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_failing_action_does_not_stop_the_next_rule(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, transport: str
) -> None:
    caplog.set_level(logging.INFO)
    with Emulator() as emulator:
        runtime, collected = start_responder(emulator, write_rules(tmp_path, RELAY_TO_MISSING_CHANNEL), transport)
        try:
            send_triggers(emulator)
            calls = wait_for_action_calls(emulator, 6, settle=1.0)
        finally:
            runtime.stop()

    relay = {"method": "chat.postMessage", "channel": "C0GONE1", "thread_ts": None, "text": "Relay: <@U0TEST1> said hello"}
    assert_calls_match(calls, [relay] * 3 + [greeting(ts) for ts in TRIGGERS])

    failures = [record for record in collected.snapshot() if isinstance(record, ActionResult) and record.status == "failed"]
    assert [(record.action.rule, record.error) for record in failures] == [("relay", "channel_not_found")] * 3
    lines = [record for record in own_log(caplog.records) if "channel_not_found" in record.getMessage()]
    assert len(lines) == 3
    assert not [record for record in own_log(caplog.records) if record.exc_info]


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_missing_field_skips_only_that_action(tmp_path: Path, transport: str) -> None:
    with Emulator() as emulator:
        runtime, collected = start_responder(emulator, write_rules(tmp_path, RELAY_MISSING_FIELD), transport)
        try:
            send_triggers(emulator)
            calls = wait_for_action_calls(emulator, 3, settle=1.0)
        finally:
            runtime.stop()

    assert_calls_match(calls, [greeting(ts) for ts in TRIGGERS])
    skips = [skip for record in collected.snapshot() if isinstance(record, DecisionMade) for skip in record.decision.skipped]
    assert [skip.rule for skip in skips] == ["relay"] * 3
    assert all("event.nope" in skip.reason for skip in skips)


def test_unknown_field_is_a_load_error(tmp_path: Path) -> None:
    rules = write_rules(tmp_path, RELAY_MISSING_FIELD.replace("{event.nope}", "{nope}"))
    check = subprocess.run(
        [sys.executable, "-m", "responder", "check", str(rules)],
        capture_output=True, text=True, timeout=60, cwd=ROOT, env=cli_environment("xoxb-unused", tmp_path),
    )
    problems = [line for line in (check.stdout + check.stderr).splitlines() if "{nope}" in line]
    assert check.returncode != 0
    assert len(problems) == 1
    assert problems[0].startswith(f"{rules}:5:")
    assert 'rule "relay"' in problems[0]
    assert "reply" in problems[0]

    with Emulator() as emulator:
        process = start_cli(["run", str(rules), "--headless", "--slack-url", emulator.base_url, "--no-journal"],
                            "xoxb-load-error-1a2b", tmp_path / "state", tmp_path / "out")
        status = process.wait(timeout=30.0)
    assert status != 0
    assert emulator.connect_calls == 0


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_slow_channel_holds_up_no_other(tmp_path: Path, transport: str) -> None:
    delay = 2.0
    schedule = [  # (seconds from the first frame, channel, ts)
        (0.0, "C0TEST1", "1700000130.000100"), (0.2, "C0TEST2", "1700000130.000201"),
        (0.4, "C0TEST1", "1700000130.000102"), (0.6, "C0TEST2", "1700000130.000202"),
        (0.8, "C0TEST1", "1700000130.000103"), (1.0, "C0TEST2", "1700000130.000203"),
        (1.4, "C0TEST2", "1700000130.000204"), (1.8, "C0TEST2", "1700000130.000205"),
    ]
    sent: dict[str, float] = {}

    with Emulator() as emulator:
        emulator.fail_method("chat.postMessage", delay=delay, times=0, channel="C0TEST1")
        runtime, collected = start_responder(
            emulator, write_rules(tmp_path), transport, min_post_interval=0.2, ping_interval=0.5, pong_timeout=0.5
        )
        try:
            start = time.monotonic()
            for offset, channel, ts in schedule:
                time.sleep(max(0.0, start + offset - time.monotonic()))
                emulator.send_event(message(ts, channel=channel, user="U0TEST1" if channel == "C0TEST1" else "U0TEST2"))
                sent[ts] = time.time()
            wait_until(lambda: len(posts(emulator)) >= 8, 20.0, "eight posts")
            time.sleep(delay + 0.5)
            calls = posts(emulator)
        finally:
            runtime.stop()

    expected = [greeting(ts, channel, "U0TEST1" if channel == "C0TEST1" else "U0TEST2") for _, channel, ts in schedule]
    assert_calls_match(calls, expected)
    for call in calls:
        if call["channel"] == "C0TEST2":
            assert float(call["at"]) - sent[call["thread_ts"]] <= 1.5, call["thread_ts"]
    slow = [float(call["at"]) for call in calls if call["channel"] == "C0TEST1"]
    assert slow[1] - slow[0] >= delay
    assert slow[2] - slow[1] >= delay
    assert connect_count(emulator, transport) == 1
    assert not states(collected.snapshot(), "reconnecting")
