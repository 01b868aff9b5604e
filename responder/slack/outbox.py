"""The outbox: carries out planned actions through the Web API, channel by channel.

Each target channel has its own first-in-first-out queue and its own worker
thread, so a slow or rate-limited channel never holds up another. A channel has
at most one call in flight. Its posts are paced to one per ``min_interval``
seconds. Reactions keep their place in the queue but are not paced.

Failures: a rate limit (``ratelimited`` or ``rate_limited``, with or without HTTP
429) pauses only that channel's queue for ``Retry-After`` seconds (the header, or
the body's ``retry_after``), or ``default_retry_after`` seconds when Slack names no
wait, then retries the same action. Network errors, HTTP 5xx and Slack's server
errors are retried after 1 s, 2 s, 4 s, … (±25 % jitter). Together these retries
stop after ``max_retries``. Every other error is final at once. Every action ends
in exactly one ``ActionResult``.
"""

from __future__ import annotations

import collections
import logging
import threading
import time
from typing import Callable

from slack_sdk import WebClient

from responder.decisions import PlannedAction
from responder.records import ActionResult, Notice, Record
from responder.slack.backoff import Backoff
from responder.slack.outbox_calls import PACED_METHODS, call_slack
from responder.slack.webclient import API_CALL_ERRORS, ApiFailure, classify_failure

logger = logging.getLogger(__name__)

CLOSED_ERROR = "outbox_closed"
"""The ``error`` of an action that was still queued when ``close()`` gave up."""


class Outbox:
    """Queues, paces, sends and retries planned actions; reports each outcome."""

    def __init__(
        self,
        client: WebClient,
        *,
        on_record: Callable[[Record], None],
        min_interval: float = 1.0,
        max_retries: int = 5,
        default_retry_after: float = 1.0,
        retry_delay: float = 1.0,
        idle_timeout: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._on_record = on_record
        self._min_interval = min_interval
        self._max_retries = max_retries
        self._default_retry_after = default_retry_after
        self._retry_delay = retry_delay
        self._idle_timeout = idle_timeout
        self._clock = clock
        self._changed = threading.Condition()
        self._queues: dict[str, collections.deque[PlannedAction]] = {}
        self._workers: dict[str, threading.Thread] = {}
        self._closing = False
        self._abandon = threading.Event()

    def submit(self, action: PlannedAction) -> None:
        """Queue ``action`` for its channel and return at once."""
        if action.dry_run:
            self._emit(ActionResult(at=time.time(), action=action, status="dry_run"))
            return

        with self._changed:
            if not self._closing:
                self._queues.setdefault(action.channel, collections.deque()).append(action)
                self._start_worker(action.channel)
                self._changed.notify_all()
                return

        logger.warning("rule %s: action for %s arrived after the outbox closed", action.rule, action.channel)
        self._emit(ActionResult(at=time.time(), action=action, status="failed", error=CLOSED_ERROR))

    def pending(self) -> int:
        """Number of actions queued or in flight."""
        with self._changed:
            return self._count_pending()

    def close(self, timeout: float = 5.0) -> None:
        """Send what is queued for up to ``timeout`` seconds, then give up and join."""
        deadline = time.monotonic() + timeout
        with self._changed:
            self._closing = True
            self._changed.notify_all()
            while self._count_pending() and time.monotonic() < deadline:
                self._changed.wait(deadline - time.monotonic())
            left = self._count_pending()
            workers = list(self._workers.values())

        if left:
            logger.warning("outbox closed with %d actions not sent; they are reported as failed", left)
            self._abandon.set()
        for worker in workers:
            worker.join(max(0.1, deadline - time.monotonic()))

    def _count_pending(self) -> int:
        return sum(len(queue) for queue in self._queues.values())

    def _start_worker(self, channel: str) -> None:
        if channel in self._workers:
            return
        worker = threading.Thread(
            target=self._work, args=(channel,), name=f"outbox-{channel}", daemon=True
        )
        self._workers[channel] = worker
        worker.start()

    def _work(self, channel: str) -> None:
        pacer = _Pacer(self._min_interval, self._clock, self._sleep)
        while True:
            action = self._next_action(channel)
            if action is None:
                return

            result = self._deliver(action, pacer)
            self._emit(result)
            with self._changed:
                self._queues[channel].popleft()
                self._changed.notify_all()

    def _next_action(self, channel: str) -> PlannedAction | None:
        """Return the head of the channel's queue; None ends the idle worker."""
        with self._changed:
            deadline = time.monotonic() + self._idle_timeout
            while True:
                queue = self._queues.get(channel)
                if queue:
                    return queue[0]

                remaining = deadline - time.monotonic()
                if self._closing or remaining <= 0:
                    del self._workers[channel]
                    self._queues.pop(channel, None)
                    return None
                self._changed.wait(remaining)

    def _deliver(self, action: PlannedAction, pacer: _Pacer) -> ActionResult:
        backoff = Backoff(self._retry_delay, cap=30.0, minimum=min(0.5, self._retry_delay))
        retries = 0
        while True:
            if action.method in PACED_METHODS:
                pacer.wait_turn()
            if self._abandon.is_set():
                return ActionResult(at=time.time(), action=action, status="failed", error=CLOSED_ERROR)

            try:
                ts = call_slack(self._client, action)
            except API_CALL_ERRORS as error:
                failure = classify_failure(action.method, error)
            except Exception as error:
                logger.exception("rule %s: %s in %s failed", action.rule, action.method, action.channel)
                error_name = f"unexpected_error: {type(error).__name__}"
                return ActionResult(at=time.time(), action=action, status="failed", error=error_name)
            else:
                logger.debug("rule %s: %s sent in %s (ts %s)", action.rule, action.method, action.channel, ts)
                return ActionResult(at=time.time(), action=action, status="sent", ts=ts)

            if failure.kind == "final" or retries >= self._max_retries:
                return self._failed(action, failure, retries)
            retries += 1
            self._sleep(self._announce_retry(action, failure, backoff, retries))

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

    def _sleep(self, seconds: float) -> None:
        if seconds > 0:
            self._abandon.wait(seconds)

    def _emit(self, record: Record) -> None:
        try:
            self._on_record(record)
        except Exception:
            logger.exception("a record observer failed on %s", type(record).__name__)


class _Pacer:
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
