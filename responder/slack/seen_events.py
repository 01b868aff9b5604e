"""A bounded memory of event ids, to pass on each event once although Slack may redeliver it."""

from __future__ import annotations

import time
from collections import OrderedDict
from typing import Callable

DEFAULT_WINDOW = 3600.0
"""Seconds an event id is remembered.

NOTE: an estimate. Slack does not document when Socket Mode redelivers an unacknowledged
envelope, so the window is far longer than the few seconds an ack is allowed to take.
"""

DEFAULT_CAPACITY = 10_000
"""Maximum number of event ids remembered; the oldest are forgotten first."""


class SeenEvents:
    """Event ids seen within the last ``window`` seconds, at most ``capacity`` of them.

    Meant for one thread, like the read loop that uses it.
    """

    def __init__(
        self,
        window: float = DEFAULT_WINDOW,
        capacity: int = DEFAULT_CAPACITY,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if window <= 0:
            raise ValueError(f"window must be positive, got {window}")
        if capacity < 1:
            raise ValueError(f"capacity must be at least 1, got {capacity}")
        self._window = window
        self._capacity = capacity
        self._clock = clock
        self._seen: OrderedDict[str, float] = OrderedDict()

    def __len__(self) -> int:
        return len(self._seen)

    def add(self, event_id: str) -> bool:
        """Remember ``event_id``; return False if it was seen within the window already."""
        now = self._clock()
        self._forget_older_than(now - self._window)
        if event_id in self._seen:
            return False

        self._seen[event_id] = now
        while len(self._seen) > self._capacity:
            self._seen.popitem(last=False)
        return True

    def _forget_older_than(self, limit: float) -> None:
        while self._seen:
            oldest_id, seen_at = next(iter(self._seen.items()))
            if seen_at >= limit:
                return
            del self._seen[oldest_id]
