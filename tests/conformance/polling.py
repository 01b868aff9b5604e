"""Bounded waits for conditions that other threads make true, and a thread-safe inbox."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

Item = TypeVar("Item")

POLL_INTERVAL = 0.02
"""Seconds between two checks of a condition."""

DEFAULT_TIMEOUT = 10.0
"""Seconds to wait before a test fails; generous, because CI machines can be slow."""


def wait_until(
    condition: Callable[[], bool], description: str, timeout: float = DEFAULT_TIMEOUT
) -> None:
    """Poll ``condition`` until it is true; on time-out, raise ``AssertionError``."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {description}")
        time.sleep(POLL_INTERVAL)


class Inbox(Generic[Item]):
    """Items that client callbacks add from their own threads, read by the test thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: list[Item] = []

    def add(self, item: Item) -> None:
        """Append one item; safe from any thread."""
        with self._lock:
            self._items.append(item)

    def items(self) -> list[Item]:
        """Return a copy of every item so far, oldest first."""
        with self._lock:
            return list(self._items)

    def matching(self, predicate: Callable[[Item], bool]) -> list[Item]:
        """Return the items so far for which ``predicate`` is true, oldest first."""
        return [item for item in self.items() if predicate(item)]

    def wait_for(
        self, predicate: Callable[[Item], bool], description: str, timeout: float = DEFAULT_TIMEOUT
    ) -> Item:
        """Wait for an item that matches ``predicate`` and return the first such item."""
        wait_until(lambda: bool(self.matching(predicate)), description, timeout)
        return self.matching(predicate)[0]
