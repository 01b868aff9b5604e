"""One call for a queued action: the call itself, its journal steps, and what comes next."""

from __future__ import annotations

import logging
import time
from typing import Callable

from responder.records import ActionResult, ActionRetrying, Record
from responder.slack.backoff import Backoff
from responder.slack.outbox_calls import ApiCaller, call_slack
from responder.slack.outbox_journal import JournalSteps
from responder.slack.outbox_queue import Delivery
from responder.slack.webclient import API_CALL_ERRORS, ApiFailure, classify_failure

logger = logging.getLogger(__name__)

CLOSED_ERROR = "outbox_closed"
"""The ``error`` of an action that was still queued when ``close()`` gave up."""

BACKOFF_CAP = 30.0
"""Maximum wait in seconds between two retries after a server or network error."""


class Sender:
    """Makes one call for a delivery and decides: sent, failed for good, or retry after a wait."""

    def __init__(
        self,
        api: ApiCaller,
        *,
        journal: JournalSteps,
        emit: Callable[[Record], None],
        max_retries: int,
        default_retry_after: float,
        retry_delay: float,
    ) -> None:
        self._api = api
        self._journal = journal
        self._emit = emit
        self._max_retries = max_retries
        self._default_retry_after = default_retry_after
        self._retry_delay = retry_delay

    def attempt(self, delivery: Delivery) -> ActionResult | float:
        """Call Slack once for ``delivery``; return its final result, or the seconds to wait
        before the next try (after emitting an ``ActionRetrying``)."""
        action = delivery.action
        if delivery.journaled:
            self._journal.sending(action)
        outcome = self._call(delivery)
        if isinstance(outcome, ActionResult):
            if delivery.journaled:
                self._record_outcome(outcome)
            return outcome

        failure = outcome
        if failure.kind == "final" or delivery.retries >= self._max_retries:
            if delivery.journaled:
                self._journal.failed(action, failure.code)
            return self._failed(delivery, failure)
        if delivery.journaled and failure.status is not None:
            # Slack responded with an error, so nothing was posted, and a run that stops now sends it later.
            self._journal.refused(action)
        # NOTE: after a network error Slack may have posted the message already, and
        # chat.postMessage has no idempotency key, so this retry can post it twice.
        delivery.retries += 1
        return self._announce_retry(delivery, failure)

    def _call(self, delivery: Delivery) -> ActionResult | ApiFailure:
        action = delivery.action
        try:
            ts = call_slack(self._api, action)
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

    def _announce_retry(self, delivery: Delivery, failure: ApiFailure) -> float:
        action = delivery.action
        if failure.kind == "rate_limited":
            wait = failure.retry_after if failure.retry_after is not None else self._default_retry_after
            description = f"{action.method} rate limited ({failure.code}, HTTP {failure.status})"
        else:
            if delivery.backoff is None:
                delivery.backoff = Backoff(self._retry_delay, cap=BACKOFF_CAP, minimum=min(0.5, self._retry_delay))
            wait = delivery.backoff.next_delay()
            description = failure.describe()

        logger.info(
            "rule %s: %s in %s: retry %d of %d in %.1f s",
            action.rule,
            description,
            action.channel,
            delivery.retries,
            self._max_retries,
            wait,
        )
        now = time.time()
        self._emit(
            ActionRetrying(
                at=now,
                action=action,
                attempt=delivery.retries,
                max_retries=self._max_retries,
                retry_at=now + wait,
                error=failure.code,
            )
        )
        return wait

    def _failed(self, delivery: Delivery, failure: ApiFailure) -> ActionResult:
        action = delivery.action
        after = f" after {delivery.retries} retries" if delivery.retries else ""
        logger.warning(
            "rule %s: %s in %s failed%s: %s",
            action.rule,
            action.method,
            action.channel,
            after,
            failure.code,
        )
        return ActionResult(at=time.time(), action=action, status="failed", error=failure.code)
