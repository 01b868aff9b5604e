"""Retry records from the outbox against the emulator: each scheduled retry, then the result."""

from __future__ import annotations

from typing import Any, Iterator

import pytest
from slack_sdk import WebClient

from responder.emulator import Emulator
from responder.records import ActionResult, ActionRetrying, Record
from responder.slack.outbox import Outbox
from tests.slack.helpers import TOKEN, Collector
from tests.slack.test_outbox import post, react


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with Emulator() as started:
        yield started


def outcomes(records: list[Record]) -> list[Record]:
    return [record for record in records if isinstance(record, (ActionResult, ActionRetrying))]


def run_outbox(emulator: Emulator, count: int, **options: Any) -> list[Record]:
    """Submit ``count`` posts to C0TEST1, wait for their results, and return every record."""
    collector = Collector()
    options.setdefault("min_interval", 0.0)
    options.setdefault("retry_delay", 0.05)
    outbox = Outbox(WebClient(base_url=emulator.base_url, token=TOKEN), on_record=collector.on_record, **options)
    for number in range(count):
        outbox.submit(post(text=f"reply {number}"))
    collector.wait_until(lambda: len(collector.of_type(ActionResult)) >= count, 15.0, f"{count} result(s)")
    outbox.close()
    return list(collector.records)


def test_rate_limit_reports_retrying_then_sent(emulator: Emulator) -> None:
    emulator.fail_method("chat.postMessage", status=429, retry_after=1)

    records = outcomes(run_outbox(emulator, 1))

    assert [type(record) for record in records] == [ActionRetrying, ActionResult]
    retrying, result = records
    assert isinstance(retrying, ActionRetrying)
    assert isinstance(result, ActionResult)
    assert retrying.action == post(text="reply 0")
    assert (retrying.attempt, retrying.max_retries) == (1, 5)
    assert retrying.error == "ratelimited"
    assert retrying.retry_at - retrying.at >= 1.0
    assert result.status == "sent"
    assert result.at >= retrying.retry_at
    first_try, retry = (call["at"] for call in emulator.calls("chat.postMessage"))
    assert retry - first_try >= 1.0


def test_retry_record_per_attempt_until_failed(emulator: Emulator) -> None:
    emulator.fail_method("chat.postMessage", status=503, times=0)

    records = outcomes(run_outbox(emulator, 1, max_retries=2))

    assert [type(record) for record in records] == [ActionRetrying, ActionRetrying, ActionResult]
    assert [record.attempt for record in records if isinstance(record, ActionRetrying)] == [1, 2]
    assert all(record.max_retries == 2 for record in records if isinstance(record, ActionRetrying))
    assert all(record.error == "http_503" for record in records if isinstance(record, ActionRetrying))
    final = records[-1]
    assert isinstance(final, ActionResult)
    assert (final.status, final.error) == ("failed", "http_503")


def test_rate_limited_head_keeps_channel_order(emulator: Emulator) -> None:
    emulator.fail_method("chat.postMessage", status=429, retry_after=0.5)

    records = outcomes(run_outbox(emulator, 3))

    texts = [record.action.text for record in records]
    assert texts == ["reply 0", "reply 0", "reply 1", "reply 2"]
    assert [call["text"] for call in emulator.calls("chat.postMessage")] == ["reply 0", "reply 0", "reply 1", "reply 2"]


def test_final_error_has_no_retry_record(emulator: Emulator) -> None:
    emulator.fail_method("reactions.add", error="invalid_name")
    collector = Collector()
    outbox = Outbox(WebClient(base_url=emulator.base_url, token=TOKEN), on_record=collector.on_record, min_interval=0.0)

    outbox.submit(react("no such emoji"))
    collector.wait_until(lambda: len(collector.of_type(ActionResult)) == 1, 10.0, "one result")
    outbox.close()

    assert collector.of_type(ActionRetrying) == []
    assert collector.of_type(ActionResult)[0].error == "invalid_name"
