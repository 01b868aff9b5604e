"""Socket Mode delivery: each event to one open session, acknowledgements, and redelivery.

Everything here runs on the emulator's event loop, except the record readers and waits,
which other threads call.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from responder.emulator.envelopes import (
    ChannelLookup,
    event_callback,
    events_api_envelope,
    events_api_events,
    new_event_id,
)
from responder.emulator.sessions import Hub, Session
from responder.emulator.socket_records import AckStatus, Delivery, SocketAck, SocketModeSettings
from responder.emulator.workspace import Workspace

logger = logging.getLogger(__name__)

MAX_WAITING = 10_000
"""Events kept while no Socket Mode session is open; the oldest are dropped beyond this."""


@dataclass(slots=True)
class PendingEvent:
    """One Events API event until it is acknowledged or its retries run out."""

    event_id: str
    event_type: str
    payload: dict[str, Any]
    retry_attempt: int = 0
    retry_reason: str = ""
    acked: bool = False
    timer: asyncio.TimerHandle | None = None


class Dispatcher:
    """Sends events as ``events_api`` envelopes, one open session each, and redelivers them."""

    def __init__(
        self, workspace: Workspace, hub: Hub, lookup: ChannelLookup, settings: SocketModeSettings
    ) -> None:
        self.workspace = workspace
        self.settings = settings
        self._hub = hub
        self._lookup = lookup
        self._records = threading.Condition()
        self._deliveries: list[Delivery] = []
        self._acks: list[SocketAck] = []
        self._acked_envelopes: set[str] = set()
        self._by_envelope: dict[str, PendingEvent] = {}
        self._waiting: deque[PendingEvent] = deque(maxlen=MAX_WAITING)
        self._turn = 0
        self._ever_opened = False

    def dispatch_text(self, text: str) -> None:
        """Dispatch an event that arrives serialised (as ``send_event`` hands it over)."""
        try:
            event = json.loads(text)
        except ValueError:
            return
        self.dispatch(event)

    def dispatch(self, event: object) -> None:
        """Send the Events API form of an RTM event, if Slack delivers one, to one open session."""
        for converted in events_api_events(event, self.workspace, self._lookup):
            event_id = new_event_id()
            payload = event_callback(self.workspace, converted, event_id)
            self._send(PendingEvent(event_id, str(converted["type"]), payload))

    def session_opened(self) -> None:
        """Send the events that waited for an open session (call after a session got ``hello``)."""
        self._ever_opened = True
        while self._waiting and self._hub.count_open("socket_mode"):
            self._send(self._waiting.popleft())

    def on_ack(self, session: Session, envelope_id: str, payload: dict[str, Any] | None) -> None:
        """Record an acknowledgement and stop the redelivery of its event."""
        pending = self._by_envelope.get(envelope_id)
        with self._records:
            if pending is None:
                status: AckStatus = "unknown"
            elif envelope_id in self._acked_envelopes:
                status = "duplicate"
            else:
                status = "acked"
                self._acked_envelopes.add(envelope_id)
            self._acks.append(SocketAck(envelope_id, session.number, payload, time.time(), status))
            self._records.notify_all()

        if status != "acked":
            logger.info("%s: %s ack for envelope %s", session.label, status, envelope_id)
        if pending is not None and not pending.acked:
            pending.acked = True
            if pending.timer is not None:
                pending.timer.cancel()
                pending.timer = None

    def _send(self, pending: PendingEvent) -> None:
        sessions = self._hub.open_sessions("socket_mode")
        if not sessions:
            self._hold(pending)
            return
        session = sessions[self._turn % len(sessions)]
        self._turn += 1

        envelope = events_api_envelope(pending.payload, pending.retry_attempt, pending.retry_reason)
        envelope_id = str(envelope["envelope_id"])
        self._by_envelope[envelope_id] = pending
        session.send(json.dumps(envelope, ensure_ascii=False))
        delivery = Delivery(
            envelope_id,
            pending.event_id,
            session.number,
            pending.retry_attempt,
            pending.retry_reason,
            pending.event_type,
            time.time(),
            envelope,
        )
        with self._records:
            self._deliveries.append(delivery)
            self._records.notify_all()
        pending.timer = asyncio.get_running_loop().call_later(
            self.settings.ack_timeout, self._on_timeout, pending
        )

    def _hold(self, pending: PendingEvent) -> None:
        """Keep an event until a session opens, unless no Socket Mode client ever connected."""
        if not self._ever_opened:
            return
        if len(self._waiting) == MAX_WAITING:
            logger.warning("Socket Mode: %d events wait for a session; dropping the oldest", MAX_WAITING)
        self._waiting.append(pending)

    def _on_timeout(self, pending: PendingEvent) -> None:
        pending.timer = None
        if pending.acked:
            return
        if pending.retry_attempt >= self.settings.max_retries:
            logger.warning(
                "Socket Mode: event %s (%s) was never acknowledged; giving up after %d retries",
                pending.event_id,
                pending.event_type,
                pending.retry_attempt,
            )
            return
        pending.retry_attempt += 1
        pending.retry_reason = "timeout"
        logger.info(
            "Socket Mode: event %s not acknowledged within %g s; retry %d",
            pending.event_id,
            self.settings.ack_timeout,
            pending.retry_attempt,
        )
        self._send(pending)

    def deliveries(self, event_type: str | None = None) -> list[Delivery]:
        """Return the envelopes sent so far (with events of ``event_type``, if given), oldest first."""
        with self._records:
            return [item for item in self._deliveries if event_type in (None, item.event_type)]

    def acks(self) -> list[SocketAck]:
        """Return the acknowledgements received so far, oldest first."""
        with self._records:
            return list(self._acks)

    def wait(self, ready: Callable[[], bool], timeout: float) -> bool:
        """Block until ``ready()`` (which may read the records) is true; ``False`` on time-out."""
        deadline = time.monotonic() + timeout
        with self._records:
            while not ready():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._records.wait(remaining)
            return True
