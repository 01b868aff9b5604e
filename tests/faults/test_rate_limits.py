"""Rate-limited posts and a reconnect storm: wait as told, pause one channel, never flood.

Run A of the posting case keeps its timings (Retry-After 2 s, pacing 1 s), so it
takes about 22 s. Runs B and C pace at 0.5 s instead of 1 s. The reconnect storm
keeps ``Retry-After: 5`` and a first backoff step of 0.5 s, caps the backoff at 2 s
and times out handshakes after 1 s (instead of 15 s).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from responder.emulator import Emulator
from responder.records import ActionResult, ActionRetrying, DecisionMade
from responder.runtime import RunConfig, Runtime
from tests.faults.helpers import (
    CONNECT_METHODS,
    GREET,
    connect_times,
    greeting,
    message,
    posts,
    start_cli,
    states,
    wait_for_connects,
    wait_until,
    write_rules,
)
from tests.integration.harness import (
    APP_TOKEN,
    TOKEN,
    TRANSPORTS,
    Collected,
    assert_calls_match,
    start_responder,
    wait_for_action_calls,
)

LIMIT_30 = '[settings]\nreply_limit = "30/60s"\n\n' + GREET


def trigger_ts(number: int) -> str:
    return f"1700000126.{100 + number:06d}"


def send_burst(emulator: Emulator) -> float:
    """Send 20 greetings in C0TEST1, 50 ms apart, then one in C0TEST2; return when that one left."""
    for number in range(1, 21):
        emulator.send_event(message(trigger_ts(number)))
        time.sleep(0.05)
    emulator.send_event(message("1700000126.000200", channel="C0TEST2"))
    return time.time()


def run_burst(tmp_path: Path, rules: str, pacing: float, **fault: Any) -> tuple[list[dict[str, Any]], float, Collected]:
    with Emulator() as emulator:
        emulator.fail_method("chat.postMessage", status=429, **fault)
        runtime, collected = start_responder(emulator, write_rules(tmp_path, rules), min_post_interval=pacing)
        try:
            sent_at = send_burst(emulator)
            expected_posts = 22 if "reply_limit" in rules else 12
            wait_until(lambda: len(posts(emulator)) >= expected_posts, 40.0, f"{expected_posts} posts")
            time.sleep(1.5)
            calls = posts(emulator)
        finally:
            runtime.stop()
    return calls, sent_at, collected


def check_paced_and_ordered(calls: list[dict[str, Any]], sent_at: float, retry_wait: float, pacing: float, answered: int) -> None:
    channel_one = [call for call in calls if call["channel"] == "C0TEST1"]
    rejected, delivered = channel_one[0], channel_one[1:]
    assert rejected["thread_ts"] == trigger_ts(1)
    assert float(delivered[0]["at"]) - float(rejected["at"]) >= retry_wait

    gaps = [float(later["at"]) - float(earlier["at"]) for earlier, later in zip(delivered, delivered[1:])]
    assert min(gaps) >= pacing * 0.9

    expected = [greeting(trigger_ts(number)) for number in range(1, answered + 1)]
    assert_calls_match(delivered + [call for call in calls if call["channel"] == "C0TEST2"], expected + [greeting("1700000126.000200", "C0TEST2")])

    other = [call for call in calls if call["channel"] == "C0TEST2"]
    assert float(other[0]["at"]) - sent_at <= 2.0


@pytest.mark.slow
def test_retry_after_pauses_only_its_channel(tmp_path: Path) -> None:
    calls, sent_at, _ = run_burst(tmp_path, LIMIT_30, 1.0, retry_after=2)
    check_paced_and_ordered(calls, sent_at, retry_wait=2.0, pacing=1.0, answered=20)


@pytest.mark.slow
def test_rate_limit_without_retry_after_waits_default(tmp_path: Path) -> None:
    calls, sent_at, _ = run_burst(tmp_path, LIMIT_30, 0.5)
    check_paced_and_ordered(calls, sent_at, retry_wait=1.0, pacing=0.5, answered=20)


def test_default_reply_limit_drops_the_rest(tmp_path: Path) -> None:
    calls, sent_at, collected = run_burst(tmp_path, GREET, 0.5, retry_after=2)
    check_paced_and_ordered(calls, sent_at, retry_wait=2.0, pacing=0.5, answered=10)

    skips = [
        (record.decision.event.ts, skip.reason)
        for record in collected.snapshot()
        if isinstance(record, DecisionMade)
        for skip in record.decision.skipped
    ]
    assert [ts for ts, _ in skips] == [trigger_ts(number) for number in range(11, 21)]
    assert all("reply_limit 10/60s" in reason for _, reason in skips)


def test_rate_limited_reply_records_in_order(tmp_path: Path) -> None:
    with Emulator() as emulator:
        emulator.fail_method("chat.postMessage", status=429, retry_after=1)
        runtime, collected = start_responder(emulator, write_rules(tmp_path), min_post_interval=0.0)
        try:
            emulator.send_event(message("1700000126.000300"))
            wait_until(lambda: any(isinstance(r, ActionResult) for r in collected.snapshot()), 10.0, "a result")
        finally:
            runtime.stop()

    records = [
        record
        for record in collected.snapshot()
        if isinstance(record, (ActionRetrying, ActionResult))
        or (isinstance(record, DecisionMade) and record.decision.actions)
    ]
    assert [type(record) for record in records] == [DecisionMade, ActionRetrying, ActionResult]
    planned, retrying, result = records
    assert isinstance(planned, DecisionMade)
    assert isinstance(retrying, ActionRetrying)
    assert isinstance(result, ActionResult)
    assert retrying.action == planned.decision.actions[0]
    assert retrying.error == "ratelimited"
    assert retrying.retry_at - retrying.at >= 1.0
    assert result.status == "sent"
    first_try, retry = (float(call["at"]) for call in posts(emulator))
    assert retry - first_try >= 1.0


@pytest.mark.slow
@pytest.mark.parametrize("transport", TRANSPORTS)
def test_reconnect_storm_backs_off(tmp_path: Path, transport: str) -> None:
    collected = Collected()
    method = CONNECT_METHODS[transport]
    with Emulator() as emulator:
        emulator.fail_method(method, status=503, times=3)
        emulator.fail_method(method, status=429, retry_after=5)
        emulator.stall_handshakes(2)
        config = RunConfig(
            rules_path=write_rules(tmp_path),
            token=TOKEN,
            transport="socket-mode" if transport == "socket-mode" else "rtm",
            app_token=APP_TOKEN if transport == "socket-mode" else None,
            slack_url=emulator.base_url,
            ping_interval=0.5,
            pong_timeout=0.5,
            min_post_interval=0.0,
            handshake_timeout=1.0,
            reconnect_delay=0.5,
            reconnect_max_delay=2.0,
        )
        runtime = Runtime(config, collected)
        started = time.time()
        runtime.start()
        try:
            connects = wait_for_connects(emulator, 7, timeout=40.0, transport=transport)
            emulator.wait_for_sessions(1, timeout=10.0)
            time.sleep(1.0)
            emulator.send_event(message("1700000127.000100"))
            calls = wait_for_action_calls(emulator, 1, settle=1.0)
        finally:
            runtime.stop()

    connects = connect_times(emulator, transport)
    gaps = [later - earlier for earlier, later in zip(connects, connects[1:])]
    assert len(connects) == 7
    assert all(gap >= 0.5 for gap in gaps), gaps
    assert gaps[3] >= 5.0
    assert 1.0 <= gaps[4] <= 1.0 + 2.0 * 1.25 + 0.5
    assert 1.0 <= gaps[5] <= 1.0 + 2.0 * 1.25 + 0.5
    assert connects[-1] - started <= 120.0

    waits = states(collected.snapshot(), "reconnecting")
    assert len(waits) == 6
    assert all(state.next_try_at is not None and state.next_try_at >= state.at for state in waits)
    assert "handshake timed out" in waits[4].reason
    assert emulator.sessions_started == 1
    assert_calls_match(calls, [greeting("1700000127.000100")])


@pytest.mark.parametrize("code", ["invalid_auth", "not_authed", "account_inactive", "not_allowed_token_type"])
def test_fatal_connect_error_stops_at_once(code: str, tmp_path: Path) -> None:
    collected = Collected()
    with Emulator() as emulator:
        emulator.fail_method("rtm.connect", error=code)
        config = RunConfig(rules_path=write_rules(tmp_path), token=TOKEN, slack_url=emulator.base_url)
        runtime = Runtime(config, collected)
        runtime.start()
        try:
            assert runtime.done.wait(5.0)
        finally:
            runtime.stop()

    assert emulator.connect_calls == 1
    assert runtime.fatal_error is not None
    assert code in runtime.fatal_error
    assert all(TOKEN not in repr(record) for record in collected.snapshot())


def test_invalid_auth_ends_the_command(tmp_path: Path) -> None:
    token = "xoxb-storm-run-d-44c1"
    with Emulator() as emulator:
        emulator.fail_method("rtm.connect", error="invalid_auth")
        started = time.monotonic()
        process = start_cli(
            ["run", str(write_rules(tmp_path)), "--headless", "--slack-url", emulator.base_url, "--no-journal"],
            token,
            tmp_path / "state",
            tmp_path / "out",
        )
        try:
            status = process.wait(timeout=15.0)
        finally:
            if process.poll() is None:
                process.kill()
        took = time.monotonic() - started

    output = (tmp_path / "out" / "stdout.txt").read_text() + (tmp_path / "out" / "stderr.txt").read_text()
    assert status != 0
    assert took <= 5.0
    assert "invalid_auth" in output
    assert token not in output
    assert emulator.connect_calls == 1
