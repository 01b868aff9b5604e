"""The outbox's view of the delivery journal, and what it does when the journal fails."""

from __future__ import annotations

import logging
import threading
import time
from typing import Callable, Protocol

from responder.decisions import PlannedAction
from responder.records import Notice, Record

logger = logging.getLogger(__name__)


class DeliveryJournal(Protocol):
    """Where each action's state is kept across runs (``responder.journal.Journal``)."""

    def claim(self, action: PlannedAction) -> bool:
        """Store ``action`` as planned; return False when its key is already stored."""

    def mark_sending(self, action: PlannedAction) -> None:
        """Record that a call for ``action`` is about to start."""

    def mark_planned(self, action: PlannedAction) -> None:
        """Record that Slack refused the call without posting."""

    def mark_sent(self, action: PlannedAction, ts: str | None) -> None:
        """Record that Slack confirmed ``action``."""

    def mark_failed(self, action: PlannedAction, error: str) -> None:
        """Record a final error for ``action``."""


class JournalSteps:
    """Calls an optional journal; an error is logged and reported, never raised.

    A journal that cannot be written must not stop replies, so a failed ``claim``
    counts as a new action (the reply is sent, though a restart may repeat it).
    """

    def __init__(self, journal: DeliveryJournal | None, emit: Callable[[Record], None]) -> None:
        self._journal = journal
        self._emit = emit
        self._lock = threading.Lock()
        self._failures = 0

    def claim(self, action: PlannedAction) -> bool:
        """Return whether ``action`` is new and should be sent."""
        if self._journal is None:
            return True
        try:
            return self._journal.claim(action)
        except Exception as error:
            self._report(action, error)
            return True

    def sending(self, action: PlannedAction) -> None:
        """Mark ``action`` as under way."""
        self._step(action, lambda journal: journal.mark_sending(action))

    def refused(self, action: PlannedAction) -> None:
        """Mark ``action`` as planned again after Slack refused it."""
        self._step(action, lambda journal: journal.mark_planned(action))

    def sent(self, action: PlannedAction, ts: str | None) -> None:
        """Mark ``action`` as sent."""
        self._step(action, lambda journal: journal.mark_sent(action, ts))

    def failed(self, action: PlannedAction, error: str) -> None:
        """Mark ``action`` as failed for good."""
        self._step(action, lambda journal: journal.mark_failed(action, error))

    def _step(self, action: PlannedAction, step: Callable[[DeliveryJournal], None]) -> None:
        if self._journal is None:
            return
        try:
            step(self._journal)
        except Exception as error:
            self._report(action, error)

    def _report(self, action: PlannedAction, error: Exception) -> None:
        with self._lock:
            self._failures += 1
            count = self._failures
        # The first failure and then every 100th, so a broken disk does not flood the log.
        if count == 1 or count % 100 == 0:
            message = f"journal write failed ({count} so far), replies are still sent: {error}"
            logger.error("rule %s in %s: %s", action.rule, action.channel, message)
            self._emit(Notice(at=time.time(), level="error", message=message, ids=(action.rule, action.channel)))
