"""Injected Web API faults: an error, an HTTP status, ``Retry-After`` and delays, for N calls."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any


@dataclass(frozen=True, slots=True)
class Fault:
    """A change to the replies for the next matching calls of one method.

    With ``error`` set, the reply is ``{"ok": false, "error": error}`` with HTTP ``status``.
    Without it, status 429 replies ``ratelimited`` as Slack does, any other status other
    than 200 replies its reason phrase as plain text (not JSON), and status 200 gets the
    normal reply after ``delay``.
    """

    method: str
    status: int = 200
    error: str | None = None
    retry_after: float | None = None
    """Seconds sent in a ``retry-after`` header (lowercase, as Slack sends it)."""
    delay: float = 0.0
    """Seconds to wait before replying; other calls are not held up."""
    times: int = 1
    """How many matching calls the fault applies to; 0 means every one until cleared."""
    channel: str | None = None
    """Only calls whose ``channel`` argument is this value match."""

    @property
    def replaces_reply(self) -> bool:
        """Whether the fault replaces the method's reply (not only delays it)."""
        return self.error is not None or self.status != 200

    def check(self) -> None:
        """Raise ``ValueError`` for a value outside its range."""
        if not self.method:
            raise ValueError(
                "fault: 'method' must be a Web API method name such as chat.postMessage"
            )
        if not 100 <= self.status <= 599:
            raise ValueError(
                f"fault for {self.method}: status must be an HTTP status (100-599), "
                f"not {self.status}"
            )
        if self.times < 0:
            raise ValueError(
                f"fault for {self.method}: times must be 0 (every call) or more, not {self.times}"
            )
        if self.delay < 0 or (self.retry_after is not None and self.retry_after < 0):
            raise ValueError(f"fault for {self.method}: delay and retry_after must not be negative")

    def matches(self, method: str, arguments: dict[str, Any]) -> bool:
        """Return whether a call of ``method`` with these arguments is affected."""
        if method != self.method:
            return False
        return self.channel is None or str(arguments.get("channel")) == self.channel

    def reason_phrase(self) -> str:
        """Return the standard reason phrase of the status, for a plain-text body."""
        try:
            return HTTPStatus(self.status).phrase
        except ValueError:
            return "Error"

    def retry_after_header(self) -> dict[str, str]:
        """Return the ``retry-after`` header, or no header."""
        if self.retry_after is None:
            return {}
        seconds = self.retry_after
        return {"retry-after": str(int(seconds)) if seconds == int(seconds) else str(seconds)}


class FaultTable:
    """Registered faults, taken in the order they were added; safe to use from any thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: list[tuple[Fault, list[int]]] = []

    def add(self, fault: Fault) -> None:
        """Register a fault after checking it; raises ``ValueError`` for a bad value."""
        fault.check()
        with self._lock:
            self._entries.append((fault, [fault.times]))

    def take(self, method: str, arguments: dict[str, Any]) -> Fault | None:
        """Return the first fault that matches this call and count the call against it."""
        with self._lock:
            for index, (fault, remaining) in enumerate(self._entries):
                if not fault.matches(method, arguments):
                    continue
                if fault.times:
                    remaining[0] -= 1
                    if remaining[0] == 0:
                        del self._entries[index]
                return fault
        return None

    def clear(self) -> None:
        """Remove every fault."""
        with self._lock:
            self._entries.clear()
