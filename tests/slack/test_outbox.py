"""The outbox against the emulator: arguments, order, pacing, final errors, retries."""

from __future__ import annotations

import logging
import socket
import time
from typing import Any, Iterator

import pytest
from slack_sdk import WebClient

from responder.decisions import PlannedAction, SlackMethod
from responder.emulator import Emulator
from responder.records import ActionResult, ActionRetrying
from responder.slack.outbox import CLOSED_ERROR, Outbox
from tests.slack.fake_slack import Reply, ScriptedApi
from tests.slack.helpers import TOKEN, Collector, gaps

TRIGGER_TS = "1700000129.000100"


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with Emulator() as started:
        yield started


@pytest.fixture
def collector() -> Collector:
    return Collector()


def post(channel: str = "C0TEST1", text: str = "Hi <@U0TEST1>!", **fields: Any) -> PlannedAction:
    fields.setdefault("thread_ts", TRIGGER_TS)
    return PlannedAction(
        rule=fields.pop("rule", "greet"),
        number=fields.pop("number", 1),
        verb="reply",
        method=fields.pop("method", "chat.postMessage"),
        channel=channel,
        event_ts=TRIGGER_TS,
        text=text,
        **fields,
    )


def react(name: str, channel: str = "C0TEST1") -> PlannedAction:
    method: SlackMethod = "reactions.add"
    return PlannedAction(
        rule="ack", number=1, verb="react", method=method, channel=channel, event_ts=TRIGGER_TS,
        reaction=name, timestamp=TRIGGER_TS,
    )


def make_outbox(base_url: str, collector: Collector, **options: Any) -> Outbox:
    options.setdefault("min_interval", 0.0)
    options.setdefault("retry_delay", 0.05)
    return Outbox(WebClient(base_url=base_url, token=TOKEN), on_record=collector.on_record, **options)


def results(collector: Collector, count: int, timeout: float = 10.0) -> list[ActionResult]:
    collector.wait_until(lambda: len(collector.of_type(ActionResult)) >= count, timeout, f"{count} result(s)")
    return collector.of_type(ActionResult)


def test_reply_reaches_the_emulator(emulator: Emulator, collector: Collector) -> None:
    outbox = make_outbox(emulator.base_url, collector)

    outbox.submit(post())
    result = results(collector, 1)[0]
    outbox.close()

    call = emulator.calls("chat.postMessage")[0]
    assert (call["channel"], call["text"], call["thread_ts"]) == ("C0TEST1", "Hi <@U0TEST1>!", TRIGGER_TS)
    assert not call.get("reply_broadcast")
    assert "link_names" not in call
    assert "parse" not in call
    assert result.status == "sent"
    assert isinstance(result.ts, str) and result.ts
    assert result.action == post()


def test_post_without_thread_has_no_thread_ts(emulator: Emulator, collector: Collector) -> None:
    outbox = make_outbox(emulator.base_url, collector)

    outbox.submit(post(thread_ts=None))
    results(collector, 1)
    outbox.close()

    assert "thread_ts" not in emulator.calls("chat.postMessage")[0]


def test_broadcast_sets_reply_broadcast(emulator: Emulator, collector: Collector) -> None:
    outbox = make_outbox(emulator.base_url, collector)

    outbox.submit(post(broadcast=True))
    results(collector, 1)
    outbox.close()

    assert emulator.calls("chat.postMessage")[0]["reply_broadcast"] is True


def test_reaction_reaches_the_emulator(emulator: Emulator, collector: Collector) -> None:
    outbox = make_outbox(emulator.base_url, collector)

    outbox.submit(react("eyes"))
    result = results(collector, 1)[0]
    outbox.close()

    call = emulator.calls("reactions.add")[0]
    assert (call["channel"], call["timestamp"], call["name"]) == ("C0TEST1", TRIGGER_TS, "eyes")
    assert result.status == "sent"


def test_ephemeral_reaches_the_emulator(emulator: Emulator, collector: Collector) -> None:
    outbox = make_outbox(emulator.base_url, collector)

    outbox.submit(post(method="chat.postEphemeral", user="U0TEST1", text="only you"))
    result = results(collector, 1)[0]
    outbox.close()

    call = emulator.calls("chat.postEphemeral")[0]
    assert (call["channel"], call["user"], call["text"]) == ("C0TEST1", "U0TEST1", "only you")
    assert result.status == "sent"
    assert result.ts


def test_dry_run_is_never_sent(emulator: Emulator, collector: Collector) -> None:
    outbox = make_outbox(emulator.base_url, collector)

    outbox.submit(post(dry_run=True))
    outbox.close()

    assert [result.status for result in collector.of_type(ActionResult)] == ["dry_run"]
    assert emulator.calls("chat.postMessage") == []


def test_final_error_is_not_retried(
    emulator: Emulator, collector: Collector, caplog: pytest.LogCaptureFixture
) -> None:
    outbox = make_outbox(emulator.base_url, collector)
    relay = post("C0GONE1", "Relay: <@U0TEST1> said hello", rule="relay", thread_ts=None)

    outbox.submit(relay)
    outbox.submit(post())
    outbox.submit(relay)
    found = results(collector, 3)
    outbox.close()

    failed = [result for result in found if result.status == "failed"]
    assert [result.error for result in failed] == ["channel_not_found", "channel_not_found"]
    assert [result.status for result in found if result.action.channel == "C0TEST1"] == ["sent"]
    assert len([call for call in emulator.calls("chat.postMessage") if call["channel"] == "C0GONE1"]) == 2
    warnings = [record for record in caplog.records if record.levelno == logging.WARNING]
    assert warnings and all("relay" in record.getMessage() and "C0GONE1" in record.getMessage() for record in warnings)
    assert all(record.exc_info is None for record in warnings)


def test_posts_keep_their_order_and_pace(emulator: Emulator, collector: Collector) -> None:
    outbox = make_outbox(emulator.base_url, collector, min_interval=0.3)

    for number in range(5):
        outbox.submit(post(text=f"reply {number}"))
    results(collector, 5)
    outbox.close()

    calls = emulator.calls("chat.postMessage")
    assert [call["text"] for call in calls] == [f"reply {number}" for number in range(5)]
    assert all(gap >= 0.25 for gap in gaps([call["at"] for call in calls]))


def test_reactions_keep_their_place_in_the_queue(emulator: Emulator, collector: Collector) -> None:
    outbox = make_outbox(emulator.base_url, collector, min_interval=0.2)

    outbox.submit(post(text="first"))
    outbox.submit(react("one"))
    outbox.submit(post(text="second"))
    outbox.submit(react("two"))
    results(collector, 4)
    outbox.close()

    order = [call.get("text") or call.get("name") for call in emulator.calls() if call["method"] != "auth.test"]
    assert order == ["first", "one", "second", "two"]


def test_rate_limit_pauses_only_its_channel(emulator: Emulator, collector: Collector) -> None:
    emulator.fail_method("chat.postMessage", status=429, retry_after=1.5, channel="C0TEST1")
    outbox = make_outbox(emulator.base_url, collector, default_retry_after=0.1)

    outbox.submit(post("C0TEST1"))
    outbox.submit(post("C0TEST2"))
    found = results(collector, 2)
    outbox.close()

    calls = emulator.calls("chat.postMessage")
    first_try, retry = [call["at"] for call in calls if call["channel"] == "C0TEST1"]
    other = [call["at"] for call in calls if call["channel"] == "C0TEST2"]
    assert retry - first_try >= 1.5
    assert len(other) == 1
    assert other[0] < retry
    assert [result.status for result in found] == ["sent", "sent"]
    retrying = collector.of_type(ActionRetrying)
    assert [record.action.channel for record in retrying] == ["C0TEST1"]
    assert retrying[0].error == "ratelimited"


def test_rate_limit_without_retry_after_waits_the_default(emulator: Emulator, collector: Collector) -> None:
    emulator.fail_method("chat.postMessage", status=429)
    outbox = make_outbox(emulator.base_url, collector, default_retry_after=0.6)

    outbox.submit(post())
    results(collector, 1)
    outbox.close()

    first_try, retry = (call["at"] for call in emulator.calls("chat.postMessage"))
    assert retry - first_try >= 0.6


def test_rate_limit_in_the_body_is_honoured(emulator: Emulator, collector: Collector) -> None:
    api = ScriptedApi(forward_to=emulator.base_url).start()
    api.script("chat.postMessage", Reply(body={"ok": False, "error": "rate_limited", "retry_after": 0.8}))
    outbox = make_outbox(api.base_url, collector)

    try:
        outbox.submit(post())
        result = results(collector, 1)[0]
        outbox.close()
    finally:
        api.stop()

    first_try, retry = (call.at for call in api.calls("chat.postMessage"))
    assert retry - first_try >= 0.8
    assert result.status == "sent"


def test_server_errors_are_retried_then_reported(emulator: Emulator, collector: Collector) -> None:
    emulator.fail_method("chat.postMessage", status=503, times=0, channel="C0TEST1")
    outbox = make_outbox(emulator.base_url, collector, max_retries=2)

    outbox.submit(post("C0TEST1"))
    outbox.submit(post("C0TEST2"))
    found = results(collector, 2)
    outbox.close()

    statuses = {result.action.channel: (result.status, result.error) for result in found}
    assert statuses == {"C0TEST1": ("failed", "http_503"), "C0TEST2": ("sent", None)}
    assert len([call for call in emulator.calls("chat.postMessage") if call["channel"] == "C0TEST1"]) == 3


def test_server_error_then_success_is_sent_once(emulator: Emulator, collector: Collector) -> None:
    emulator.fail_method("chat.postMessage", status=500)
    outbox = make_outbox(emulator.base_url, collector)

    outbox.submit(post())
    result = results(collector, 1)[0]
    outbox.close()

    assert result.status == "sent"
    assert len(emulator.calls("chat.postMessage")) == 2


def test_unreachable_api_is_retried_then_reported(collector: Collector) -> None:
    with socket.create_server(("127.0.0.1", 0)) as listener:
        closed = f"http://127.0.0.1:{listener.getsockname()[1]}/api/"
    outbox = make_outbox(closed, collector, max_retries=1)

    outbox.submit(post())
    result = results(collector, 1, timeout=20.0)[0]
    outbox.close()

    assert (result.status, result.error) == ("failed", "connection refused")
    assert [record.error for record in collector.of_type(ActionRetrying)] == ["connection refused"]


def test_slow_channel_does_not_block_another(emulator: Emulator, collector: Collector) -> None:
    emulator.fail_method("chat.postMessage", delay=1.5, times=0, channel="C0TEST1")
    outbox = make_outbox(emulator.base_url, collector, min_interval=0.05)

    outbox.submit(post("C0TEST1", "slow 1"))
    outbox.submit(post("C0TEST1", "slow 2"))
    for number in range(3):
        outbox.submit(post("C0TEST2", f"fast {number}"))
    found = results(collector, 5)
    outbox.close()

    done_at = {result.action.text: result.at for result in found}
    assert max(done_at[f"fast {number}"] for number in range(3)) < done_at["slow 1"]
    slow_calls = [call for call in emulator.calls("chat.postMessage") if call["channel"] == "C0TEST1"]
    assert [call["text"] for call in slow_calls] == ["slow 1", "slow 2"]
    assert slow_calls[1]["at"] >= done_at["slow 1"] - 0.05


def test_submit_returns_before_sending(emulator: Emulator, collector: Collector) -> None:
    emulator.fail_method("chat.postMessage", delay=0.3, times=0)
    outbox = make_outbox(emulator.base_url, collector)

    for number in range(5):
        outbox.submit(post(text=f"reply {number}"))
    pending = outbox.pending()
    outbox.close(timeout=10.0)

    assert pending == 5
    assert outbox.pending() == 0
    assert [result.status for result in collector.of_type(ActionResult)] == ["sent"] * 5


def test_close_gives_up_after_its_timeout(emulator: Emulator, collector: Collector) -> None:
    emulator.fail_method("chat.postMessage", delay=1.5, times=1)
    outbox = make_outbox(emulator.base_url, collector)

    outbox.submit(post(text="in flight"))
    outbox.submit(post(text="still queued"))
    time.sleep(0.2)
    outbox.close(timeout=0.3)
    outbox.submit(post(text="too late"))
    found = results(collector, 3)

    outcome = {result.action.text: (result.status, result.error) for result in found}
    assert outcome == {
        "in flight": ("sent", None),
        "still queued": ("failed", CLOSED_ERROR),
        "too late": ("failed", CLOSED_ERROR),
    }
    assert [call["text"] for call in emulator.calls("chat.postMessage")] == ["in flight"]
