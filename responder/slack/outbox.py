"""The outbox: carries out planned actions through the Web API, channel by channel.

A small pool of worker threads (``workers``) serves every channel. Each channel has its
own first-in-first-out queue and at most one call in flight, so its actions keep their
order. Its posts are paced to one per ``min_interval`` seconds, start to start.
Reactions keep their place in the queue but are not paced. A channel that waits, for
its pace or for a retry, is parked in a heap and ties up no worker, so a paced or
rate-limited channel never holds up another (see ``responder.slack.outbox_queue``).
Calls go over keep-alive connections, one per worker (see ``responder.slack.keepalive``).

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
stop after ``max_retries``. Each scheduled retry is reported as an ``ActionRetrying``.
Every other error is final at once. Every action ends in exactly one ``ActionResult``.

With a journal, each action is stored before it is queued and an action whose key
is already stored is not sent again; see ``responder.journal``.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from typing import Callable, Iterable

from slack_sdk import WebClient

from responder.decisions import PlannedAction
from responder.records import ActionResult, Notice, Record
from responder.slack.outbox_calls import PACED_METHODS, api_caller
from responder.slack.outbox_delivery import CLOSED_ERROR, Sender
from responder.slack.outbox_journal import DeliveryJournal, JournalSteps
from responder.slack.outbox_queue import ChannelQueues, Delivery
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

DEFAULT_WORKERS = 8
"""Worker threads, and so the maximum number of calls in flight at once."""


class Outbox:
    """Queues, paces, sends and retries planned actions; reports each outcome.

    ``client`` gives the API URL, token, TLS context and timeout. Calls go through a
    keep-alive connection per worker, or through ``client`` itself when it has a proxy.
    """

    def __init__(
        self,
        client: WebClient,
        *,
        on_record: Callable[[Record], None],
        min_interval: float = 1.0,
        max_retries: int = 5,
        default_retry_after: float = 1.0,
        retry_delay: float = 1.0,
        workers: int = DEFAULT_WORKERS,
        max_text_length: int = DEFAULT_MAX_TEXT_LENGTH,
        journal: DeliveryJournal | None = None,
    ) -> None:
        if workers < 1:
            raise ValueError(f"invalid outbox workers {workers}: expected at least 1")
        # slack_sdk retries a call once by itself after a connection error, even when
        # the request may already have reached Slack, which can post a message twice.
        # Only the outbox's own retries, which it counts and reports, may apply.
        client.retry_handlers = []
        self._on_record = on_record
        self.max_text_length = max_text_length
        """Maximum text length of one post in code points; longer texts are split."""
        self._api = api_caller(client)
        self._queues = ChannelQueues(min_interval)
        self._journal = JournalSteps(journal, self._emit)
        self._sender = Sender(
            self._api,
            journal=self._journal,
            emit=self._emit,
            max_retries=max_retries,
            default_retry_after=default_retry_after,
            retry_delay=retry_delay,
        )
        # NOTE: a call that hangs keeps its worker busy until the client's timeout (30 s in
        # ``responder run``), so ``workers`` hanging channels delay every other channel.
        self._max_workers = workers
        self._workers: list[threading.Thread] = []
        self._workers_lock = threading.Lock()

    def submit(self, action: PlannedAction) -> None:
        """Split ``action`` if its text is too long, journal each piece, queue it and return.

        A piece whose key the journal already contains is not queued again.
        """
        if action.dry_run:
            self._emit(ActionResult(at=time.time(), action=action, status="dry_run"))
            return

        # The pieces of one reply are queued together, so when Slack rejects the first one
        # as too long, the worker finds every later one in the queue and drops it.
        claimed: list[Delivery] = []
        for piece in self.pieces(action):
            if self._journal.claim(piece):
                claimed.append(Delivery(piece))
            else:
                self._report_known(piece)
        self._enqueue(claimed)

    def resume(self, actions: Iterable[PlannedAction]) -> None:
        """Queue actions that the journal already stores as planned (from an earlier run)."""
        for action in actions:
            logger.info("rule %s: sending %s in %s planned by an earlier run", action.rule, action.method, action.channel)
            self._enqueue([Delivery(action)])

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
        """Return the number of actions queued or in flight."""
        return self._queues.pending()

    def close(self, timeout: float = 5.0) -> None:
        """Send what is queued for up to ``timeout`` seconds, then give up and join.

        Actions given up are reported as failed with ``outbox_closed`` but stay
        planned in the journal, so the next run sends them. A call in flight at the
        deadline still ends in its own result, after this method has returned.
        """
        deadline = time.monotonic() + timeout
        left = self._queues.drain(timeout)
        if left:
            logger.warning("outbox closed with %d actions not sent; they are reported as failed", left)
            for delivery in self._queues.abandon():
                self._report_closed(delivery.action)
        self._queues.stop()

        with self._workers_lock:
            workers = list(self._workers)
        for worker in workers:
            worker.join(max(0.0, deadline - time.monotonic()))
        if not any(worker.is_alive() for worker in workers):
            self._api.close()

    def _enqueue(self, deliveries: list[Delivery]) -> None:
        if not deliveries:
            return
        if self._queues.put(deliveries):
            self._start_workers()
            return

        for delivery in deliveries:
            action = delivery.action
            logger.warning("rule %s: action for %s arrived after the outbox closed", action.rule, action.channel)
            self._report_closed(action)

    def _report_closed(self, action: PlannedAction) -> None:
        self._emit(ActionResult(at=time.time(), action=action, status="failed", error=CLOSED_ERROR))

    def _report_known(self, action: PlannedAction) -> None:
        message = (
            f"rule {action.rule}: {action.method} for ts {action.event_ts} in {action.channel} "
            "was already planned or sent by this or an earlier run; not sent again"
        )
        logger.info("%s", message)
        self._emit(Notice(at=time.time(), level="info", message=message, ids=(action.rule, action.channel)))

    def _start_workers(self) -> None:
        if len(self._workers) >= self._max_workers:
            return
        with self._workers_lock:
            while len(self._workers) < self._max_workers:
                worker = threading.Thread(target=self._work, name=f"outbox-{len(self._workers) + 1}", daemon=True)
                self._workers.append(worker)
                worker.start()

    def _work(self) -> None:
        while True:
            delivery = self._queues.take()
            if delivery is None:
                return

            outcome = self._sender.attempt(delivery)
            if not isinstance(outcome, ActionResult):
                if not self._queues.defer(delivery, outcome):
                    self._report_closed(delivery.action)
                continue

            self._emit(outcome)
            if outcome.error == TOO_LONG_ERROR and delivery.journaled and delivery.action.method in PACED_METHODS:
                self._replace_rest_of_reply(delivery)
            else:
                self._queues.finish(delivery)

    def _replace_rest_of_reply(self, rejected: Delivery) -> None:
        """Drop the later pieces of ``rejected``'s reply and post a notice in their place."""
        action = rejected.action
        reply_key = dataclasses.replace(action, chunk=0).key
        notice = dataclasses.replace(action, verb="notice", text=TOO_LONG_NOTICE, chunk=0, broadcast=False)
        dropped, queued = self._queues.finish(
            rejected,
            drop=lambda entry: entry.journaled and dataclasses.replace(entry.action, chunk=0).key == reply_key,
            first=Delivery(notice, journaled=False),
        )

        for entry in dropped:
            self._journal.failed(entry.action, DROPPED_ERROR)
            self._emit(ActionResult(at=time.time(), action=entry.action, status="failed", error=DROPPED_ERROR))
        if dropped:
            logger.warning(
                "rule %s: %d further pieces of the reply in %s not sent after msg_too_long",
                action.rule,
                len(dropped),
                action.channel,
            )
        if not queued:
            self._report_closed(notice)

    def _emit(self, record: Record) -> None:
        try:
            self._on_record(record)
        except Exception:
            logger.exception("a record observer failed on %s", type(record).__name__)
