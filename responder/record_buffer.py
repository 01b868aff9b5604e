"""A thread-safe hand-off of records from worker threads to one observer."""

from __future__ import annotations

import threading
from collections import deque
from typing import Protocol

from responder.records import Record


class RecordSink(Protocol):
    """Anything that accepts records from any thread."""

    def __call__(self, record: Record) -> None: ...


class RecordBuffer:
    """Collects records from any thread; the observer drains them in batches.

    Producers never block. The observer calls :meth:`drain` on its own schedule
    (the TUI every 50 ms), so the screen is updated once per batch, not per event.
    """

    def __init__(self) -> None:
        self._records: deque[Record] = deque()
        self._lock = threading.Lock()
        self._ready = threading.Event()

    def __call__(self, record: Record) -> None:
        with self._lock:
            self._records.append(record)
        self._ready.set()

    def drain(self, limit: int | None = None) -> list[Record]:
        """Remove and return up to ``limit`` records (all when None), oldest first."""
        with self._lock:
            count = len(self._records) if limit is None else min(limit, len(self._records))
            batch = [self._records.popleft() for _ in range(count)]
            if not self._records:
                self._ready.clear()
        return batch

    def wait(self, timeout: float | None = None) -> bool:
        """Block until a record is available or ``timeout`` passes."""
        return self._ready.wait(timeout)

    def __len__(self) -> int:
        with self._lock:
            return len(self._records)


class Controls(Protocol):
    """What an observer may ask of the running responder."""

    def reload_rules(self) -> None:
        """Reload the rules file; the outcome arrives as a ``RulesLoaded`` record."""

    def stop(self) -> None:
        """Stop the responder; a final ``ConnectionState(phase="stopped")`` follows."""
