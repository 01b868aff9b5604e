"""Socket Mode test settings, and a log of the events a client handled.

Slack delivers each event at least once, so the log keeps one event per ``event_id``.
"""

from __future__ import annotations

import threading
from typing import Any

from responder.emulator import SocketModeSettings

SOCKET_SETTINGS = SocketModeSettings(
    ack_timeout=2.0, ping_interval=0.5, warning_close_delay=0.3, refresh_close_delay=0.3
)
"""Short delays, so that closes and reconnects happen within a second or so."""

BOT_TOKEN = "xoxb-conformance"
APP_TOKEN = "xapp-1-conformance"


class EventLog:
    """Events API events a client handled, each kept once; safe from any thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._events: dict[str, dict[str, Any]] = {}

    def add(self, event_id: str, event: dict[str, Any]) -> None:
        """Keep ``event`` unless an event with this ``event_id`` was kept before."""
        with self._lock:
            self._events.setdefault(event_id, event)

    def events(self) -> list[dict[str, Any]]:
        """Return the events kept so far, in the order they first arrived."""
        with self._lock:
            return list(self._events.values())

    def with_ts(self, ts: str) -> list[dict[str, Any]]:
        """Return the events whose ``ts`` is ``ts``."""
        return [event for event in self.events() if event.get("ts") == ts]

    def of_type(self, kind: str) -> list[dict[str, Any]]:
        """Return the events whose ``type`` is ``kind``."""
        return [event for event in self.events() if event.get("type") == kind]
