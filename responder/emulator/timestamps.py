"""Message timestamps (``ts``) as Slack writes them: strings that only ever increase."""

from __future__ import annotations

import threading
import time


class TsClock:
    """A thread-safe source of unique, increasing ``ts`` strings such as ``1700000000.000100``.

    Each value is the current wall-clock time in microseconds, or one microsecond past
    the previous value when the clock has not moved on, so values sort as strings too
    (until the year 2286, when Unix time gets an eleventh digit).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._last = 0

    def next(self) -> str:
        """Return a new ``ts``, greater than every one returned before."""
        with self._lock:
            now = time.time_ns() // 1000
            self._last = max(now, self._last + 1)
            value = self._last
        seconds, micros = divmod(value, 1_000_000)
        return f"{seconds}.{micros:06d}"
