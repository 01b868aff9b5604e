"""The outbox: carries out planned actions through the Web API, channel by channel.

Each target channel has its own first-in-first-out queue and its own worker
thread, so a slow or rate-limited channel never holds up another. A channel has
at most one call in flight. Its posts are paced to one per ``min_interval``
seconds. Reactions keep their place in the queue but are not paced.

Long text: a post longer than ``max_text_length`` code points is split into several
posts to the same thread (see ``responder.slack.split``), each journaled and sent as
an action of its own, in order. When Slack still rejects a piece with ``msg_too_long``, the
outbox posts one short notice to that thread instead and drops the reply's
remaining pieces.

Failures: a rate limit (``ratelimited`` or ``rate_limited``, with or without HTTP
429) pauses only that channel's queue for ``Retry-After`` seconds (the header, or
the body's ``retry_after``), or ``default_retry_after`` seconds when Slack names no
wait, then retries the same action. Network errors, HTTP 5xx and Slack's server
errors are retried after 1 s, 2 s, 4 s, … (±25 % jitter). Together these retries
stop after ``max_retries``. Every other error is final at once. Every action ends
in exactly one ``ActionResult``.

With a journal, each action is stored before it is queued and an action whose key
is already stored is not sent again; see ``responder.journal``.
"""

from __future__ import annotations

import collections
import dataclasses
import logging
import threading
import time
from typing import Callable, Iterable

from slack_sdk import WebClient

from responder.decisions import PlannedAction
from responder.records import ActionResult, Notice, Record
from responder.slack.outbox_calls import PACED_METHODS
from responder.slack.outbox_delivery import CLOSED_ERROR, Pacer, Sender
from responder.slack.outbox_journal import DeliveryJournal, JournalSteps
from responder.slack.split import split_text

__all__ = ["CLOSED_ERROR", "TOO_LONG_ERROR", "TOO_LONG_NOTICE", "Outbox"]

logger = logging.getLogger(__name__)

TOO_LONG_ERROR = "msg_too_long"
"""Slack's error for a post whose text is over its own limit."""

TOO_LONG_NOTICE = "The reply was too long for Slack (msg_too_long) and was not sent in full."
"""Posted to the thread of a reply that Slack rejected as too long."""

DROPPED_ERROR = "not_sent_after_msg_too_long"
"""The ``error`` of the pieces of a split reply after one that Slack rejected as too long."""

DEFAULT_MAX_TEXT_LENGTH = 3900


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
        max_text_length: int = DEFAULT_MAX_TEXT_LENGTH,
        journal: DeliveryJournal | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        # slack_sdk retries a call once by itself after a connection error, even when
        # the request may already have reached Slack, which can post a message twice.
        # Only the outbox's own retries, which it counts and reports, may apply.
        client.retry_handlers = []
        self._on_record = on_record
        self._min_interval = min_interval
        self._idle_timeout = idle_timeout
        self.max_text_length = max_text_length
        """Maximum text length of one post in code points; longer texts are split."""
        self._clock = clock
        # One lock guards the queues. Each channel's worker waits on a condition of its
        # own, so a submit wakes one thread instead of every idle worker. ``_changed``
        # wakes only ``close``, when a queue gets shorter.
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._wakeups: dict[str, threading.Condition] = {}
        self._queues: dict[str, collections.deque[PlannedAction]] = {}
        self._workers: dict[str, threading.Thread] = {}
        self._closing = False
        self._abandon = threading.Event()
        self._journal = JournalSteps(journal, self._emit)
        self._sender = Sender(
            client,
            journal=self._journal,
            emit=self._emit,
            abandon=self._abandon,
            max_retries=max_retries,
            default_retry_after=default_retry_after,
            retry_delay=retry_delay,
        )

    def submit(self, action: PlannedAction) -> None:
        """Split ``action`` if its text is too long, journal each piece, queue it and return.

        A piece whose key the journal already contains is not queued again.
        """
        if action.dry_run:
            self._emit(ActionResult(at=time.time(), action=action, status="dry_run"))
            return

        for piece in self.pieces(action):
            if self._journal.claim(piece):
                self._enqueue(piece)
            else:
                self._report_known(piece)

    def resume(self, actions: Iterable[PlannedAction]) -> None:
        """Queue actions that the journal already stores as planned (from an earlier run)."""
        for action in actions:
            logger.info("rule %s: sending %s in %s planned by an earlier run", action.rule, action.method, action.channel)
            self._enqueue(action)

    def pieces(self, action: PlannedAction) -> list[PlannedAction]:
        """Return ``action``, or one action per piece when its text is over the length limit."""
        text = action.text
        if action.method not in PACED_METHODS or text is None or len(text) <= self.max_text_length:
            return [action]

        parts = split_text(text, self.max_text_length)
        logger.info(
            "rule %s: text of %d characters split into %d posts in %s",
            action.rule,
            len(text),
            len(parts),
            action.channel,
        )
        return [dataclasses.replace(action, text=part, chunk=number) for number, part in enumerate(parts, 1)]

    def pending(self) -> int:
        """Number of actions queued or in flight."""
        with self._changed:
            return self._count_pending()

    def close(self, timeout: float = 5.0) -> None:
        """Send what is queued for up to ``timeout`` seconds, then give up and join.

        Actions given up are reported as failed with ``outbox_closed`` but stay
        planned in the journal, so the next run sends them.
        """
        deadline = time.monotonic() + timeout
        with self._changed:
            self._closing = True
            for wakeup in self._wakeups.values():
                wakeup.notify()
            while self._count_pending() and time.monotonic() < deadline:
                self._changed.wait(deadline - time.monotonic())
            left = self._count_pending()
            workers = list(self._workers.values())

        if left:
            logger.warning("outbox closed with %d actions not sent; they are reported as failed", left)
            self._abandon.set()
        for worker in workers:
            worker.join(max(0.0, deadline - time.monotonic()))

    def _enqueue(self, action: PlannedAction) -> None:
        with self._changed:
            if not self._closing:
                self._queues.setdefault(action.channel, collections.deque()).append(action)
                self._start_worker(action.channel)
                self._wakeups[action.channel].notify()
                return

        logger.warning("rule %s: action for %s arrived after the outbox closed", action.rule, action.channel)
        self._emit(ActionResult(at=time.time(), action=action, status="failed", error=CLOSED_ERROR))

    def _report_known(self, action: PlannedAction) -> None:
        message = (
            f"rule {action.rule}: {action.method} for ts {action.event_ts} in {action.channel} "
            "was already planned or sent by this or an earlier run; not sent again"
        )
        logger.info("%s", message)
        self._emit(Notice(at=time.time(), level="info", message=message, ids=(action.rule, action.channel)))

    def _count_pending(self) -> int:
        return sum(len(queue) for queue in self._queues.values())

    def _start_worker(self, channel: str) -> None:
        if channel in self._workers:
            return
        self._wakeups[channel] = threading.Condition(self._lock)
        worker = threading.Thread(
            target=self._work, args=(channel,), name=f"outbox-{channel}", daemon=True
        )
        self._workers[channel] = worker
        worker.start()

    def _work(self, channel: str) -> None:
        pacer = Pacer(self._min_interval, self._clock, self._sender.sleep)
        while True:
            action = self._next_action(channel)
            if action is None:
                return

            result = self._sender.deliver(action, pacer)
            self._emit(result)
            if result.error == TOO_LONG_ERROR and action.method in PACED_METHODS:
                self._drop_rest_of_reply(action)
                self._post_too_long_notice(action, pacer)
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
                    del self._wakeups[channel]
                    self._queues.pop(channel, None)
                    return None
                self._wakeups[channel].wait(remaining)

    def _drop_rest_of_reply(self, rejected: PlannedAction) -> None:
        """Take the later pieces of ``rejected``'s reply out of the queue; each fails."""
        reply_key = dataclasses.replace(rejected, chunk=0).key
        with self._changed:
            queue = self._queues[rejected.channel]
            head = queue.popleft()
            dropped = [action for action in queue if dataclasses.replace(action, chunk=0).key == reply_key]
            kept = [action for action in queue if dataclasses.replace(action, chunk=0).key != reply_key]
            queue.clear()
            queue.extend([head, *kept])

        for action in dropped:
            self._journal.failed(action, DROPPED_ERROR)
            self._emit(ActionResult(at=time.time(), action=action, status="failed", error=DROPPED_ERROR))
        if dropped:
            logger.warning(
                "rule %s: %d further pieces of the reply in %s not sent after msg_too_long",
                rejected.rule,
                len(dropped),
                rejected.channel,
            )

    def _post_too_long_notice(self, rejected: PlannedAction, pacer: Pacer) -> None:
        notice = dataclasses.replace(rejected, verb="notice", text=TOO_LONG_NOTICE, chunk=0, broadcast=False)
        self._emit(self._sender.deliver(notice, pacer, journaled=False))

    def _emit(self, record: Record) -> None:
        try:
            self._on_record(record)
        except Exception:
            logger.exception("a record observer failed on %s", type(record).__name__)
