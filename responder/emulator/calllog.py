"""The record of every Web API call the emulator receives, in memory and as JSON lines."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any, TextIO

logger = logging.getLogger(__name__)

RESERVED_KEYS = ("method", "at")


class CallLog:
    """Thread-safe list of calls; each is ``{"method": …, <arguments>, "at": unix time}``.

    The token is never part of an entry: the Web API layer removes it before it calls
    :meth:`append`. When a path is given, the file is emptied on :meth:`open` and each
    call is written to it as one JSON line as soon as it arrives.
    """

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self._calls: list[dict[str, Any]] = []
        self._changed = threading.Condition()
        self._file: TextIO | None = None

    def open(self) -> None:
        """Create or empty the calls file, if there is one."""
        if self.path is not None:
            self._file = self.path.open("w", encoding="utf-8")

    def close(self) -> None:
        """Close the calls file; the in-memory list stays readable."""
        with self._changed:
            if self._file is not None:
                self._file.close()
                self._file = None

    def append(self, method: str, arguments: dict[str, Any]) -> dict[str, Any]:
        """Record one call with its arguments as received and return the entry."""
        entry: dict[str, Any] = {"method": method}
        for key, value in arguments.items():
            if key in RESERVED_KEYS:
                logger.warning("call to %s: argument %r not recorded (reserved name)", method, key)
                continue
            entry[key] = value
        entry["at"] = time.time()

        line = json.dumps(entry, ensure_ascii=False, default=str)
        with self._changed:
            self._calls.append(entry)
            if self._file is not None:
                self._file.write(line + "\n")
                self._file.flush()
            self._changed.notify_all()
        return entry

    def calls(self, method: str | None = None) -> list[dict[str, Any]]:
        """Return copies of the calls so far, optionally only those of ``method``."""
        with self._changed:
            return [
                dict(call) for call in self._calls if method is None or call["method"] == method
            ]

    def count(self, method: str | None = None) -> int:
        """Return how many calls (of ``method``, if given) were received."""
        with self._changed:
            return sum(1 for call in self._calls if method is None or call["method"] == method)

    def wait_for(
        self, count: int, method: str | None = None, timeout: float = 10.0
    ) -> list[dict[str, Any]]:
        """Block until at least ``count`` calls (of ``method``) arrived, then return them all.

        Raises ``TimeoutError`` naming what was expected and what did arrive.
        """
        deadline = time.monotonic() + timeout
        with self._changed:
            while self._count_locked(method) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(self._timeout_message(count, method, timeout))
                self._changed.wait(remaining)
        return self.calls(method)

    def _count_locked(self, method: str | None) -> int:
        return sum(1 for call in self._calls if method is None or call["method"] == method)

    def _timeout_message(self, count: int, method: str | None, timeout: float) -> str:
        description = f"{method} calls" if method else "Web API calls"
        received = Counter(call["method"] for call in self._calls)
        summary = (
            ", ".join(f"{name} x{number}" for name, number in sorted(received.items())) or "none"
        )
        found = self._count_locked(method)
        return (
            f"timed out after {timeout:g} s waiting for {count} {description}; "
            f"got {found} (all calls: {summary})"
        )
