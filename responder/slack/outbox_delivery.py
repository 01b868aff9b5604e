"""The calls behind one action: pacing, the call itself, retries, and its result."""

from __future__ import annotations

import logging
import threading
import time
from typing import Callable

from slack_sdk import WebClient

from responder.decisions import PlannedAction
from responder.records import ActionResult, Notice, Record
from responder.slack.backoff import Backoff
from responder.slack.outbox_calls import PACED_METHODS, call_slack
from responder.slack.outbox_journal import JournalSteps
from responder.slack.webclient import API_CALL_ERRORS, ApiFailure, classify_failure

logger = logging.getLogger(__name__)

CLOSED_ERROR = "outbox_closed"
"""The ``error`` of an action that was still queued when ``close()`` gave up."""


class Pacer:
    """Spaces the calls of one channel at least ``interval`` seconds apart, start to start."""

    def __init__(
        self, interval: float, clock: Callable[[], float], sleep: Callable[[float], None]
    ) -> None:
        self._interval = interval
        self._clock = clock
        self._sleep = sleep
        self._last_start = -float("inf")

    def wait_turn(self) -> None:
        """Sleep until the next call may start, and count it as started."""
        self._sleep(self._last_start + self._interval - self._clock())
        self._last_start = self._clock()


class Sender:
    """Makes the call for one action until it succeeds, fails for good or runs out of retries."""

    def __init__(
        self,
        client: WebClient,
        *,
        journal: JournalSteps,
        emit: Callable[[Record], None],
        abandon: threading.Event,
        max_retries: int,
        default_retry_after: float,
        retry_delay: float,
    ) -> None:
        self._client = client
        self._journal = journal
        self._emit = emit
        self._abandon = abandon
        self._max_retries = max_retries
        self._default_retry_after = default_retry_after
        self._retry_delay = retry_delay

    def sleep(self, seconds: float) -> None:
        """Wait ``seconds``, or less once the outbox gives up on its queue."""
        if seconds > 0:
            self._abandon.wait(seconds)

    def deliver(self, action: PlannedAction, pacer: Pacer, *, journaled: bool = True) -> ActionResult:
        """Send ``action`` and return its result; ``journaled`` keeps its journal entry current."""
        backoff = Backoff(self._retry_delay, cap=30.0, minimum=min(0.5, self._retry_delay))
        retries = 0
        while True:
            if action.method in PACED_METHODS:
                pacer.wait_turn()
            if self._abandon.is_set():
                # Left as planned in the journal, so the next run sends it.
                return ActionResult(at=time.time(), action=action, status="failed", error=CLOSED_ERROR)

            if journaled:
                self._journal.sending(action)
            outcome = self._call(action)
            if isinstance(outcome, ActionResult):
                if journaled:
                    self._record_outcome(outcome)
                return outcome

            failure = outcome
            if failure.kind == "final" or retries >= self._max_retries:
                if journaled:
                    self._journal.failed(action, failure.code)
                return self._failed(action, failure, retries)
            if journaled and failure.status is not None:
                # Slack responded with an error, so nothing was posted, and a run that stops now sends it later.
                self._journal.refused(action)
            # NOTE: after a network error Slack may have posted the message already, and
            # chat.postMessage has no idempotency key, so this retry can post it twice.
            retries += 1
            self.sleep(self._announce_retry(action, failure, backoff, retries))

    def _call(self, action: PlannedAction) -> ActionResult | ApiFailure:
        try:
            ts = call_slack(self._client, action)
        except API_CALL_ERRORS as error:
            return classify_failure(action.method, error)
        except Exception as error:
            logger.exception("rule %s: %s in %s failed", action.rule, action.method, action.channel)
            error_name = f"unexpected_error: {type(error).__name__}"
            return ActionResult(at=time.time(), action=action, status="failed", error=error_name)

        logger.debug("rule %s: %s sent in %s (ts %s)", action.rule, action.method, action.channel, ts)
        return ActionResult(at=time.time(), action=action, status="sent", ts=ts)

    def _record_outcome(self, result: ActionResult) -> None:
        if result.status == "sent":
            self._journal.sent(result.action, result.ts)
        else:
            self._journal.failed(result.action, result.error or "failed")

    def _announce_retry(
        self, action: PlannedAction, failure: ApiFailure, backoff: Backoff, retry: int
    ) -> float:
        if failure.kind == "rate_limited":
            wait = failure.retry_after if failure.retry_after is not None else self._default_retry_after
            description = f"{action.method} rate limited ({failure.code}, HTTP {failure.status})"
        else:
            wait = backoff.next_delay()
            description = failure.describe()

        message = f"{description} in {action.channel}: retry {retry} of {self._max_retries} in {wait:.1f} s"
        logger.info("rule %s: %s", action.rule, message)
        self._emit(Notice(at=time.time(), level="warning", message=message, ids=(action.rule, action.channel)))
        return wait

    def _failed(self, action: PlannedAction, failure: ApiFailure, retries: int) -> ActionResult:
        after = f" after {retries} retries" if retries else ""
        logger.warning(
            "rule %s: %s in %s failed%s: %s",
            action.rule,
            action.method,
            action.channel,
            after,
            failure.code,
        )
        return ActionResult(at=time.time(), action=action, status="failed", error=failure.code)
