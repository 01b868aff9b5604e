"""Single-use websocket URL tickets handed out by ``rtm.connect`` and ``apps.connections.open``."""

from __future__ import annotations

import secrets
import time
from typing import Literal

from responder.emulator.session_records import SessionKind

TicketStatus = Literal["ok", "used", "expired", "unknown"]


class Tickets:
    """Single-use websocket URL tickets, each valid for ``ttl`` seconds on one kind of endpoint."""

    def __init__(self, ttl: float) -> None:
        self.ttl = ttl
        self._issued: dict[str, tuple[float, SessionKind]] = {}
        self._used: dict[str, SessionKind] = {}
        self._stalled: set[str] = set()
        self.stall_next = 0
        """How many of the next tickets (of either kind) get a handshake that the emulator never completes."""

    def issue(self, kind: SessionKind = "rtm") -> str:
        """Return a new random ticket for the ``kind`` endpoint."""
        ticket = secrets.token_urlsafe(12)
        self._issued[ticket] = (time.monotonic(), kind)
        if self.stall_next > 0:
            self.stall_next -= 1
            self._stalled.add(ticket)
        return ticket

    def is_stalled(self, ticket: str) -> bool:
        """Return whether the emulator never responds to the handshake on ``ticket``."""
        return ticket in self._stalled

    def redeem(self, ticket: str, kind: SessionKind = "rtm") -> TicketStatus:
        """Use a ticket up; only the first use within ``ttl`` seconds returns ``"ok"``.

        A ticket issued for the other kind of endpoint is ``"unknown"`` here.
        """
        if self._used.get(ticket) == kind:
            return "used"
        issued = self._issued.get(ticket)
        if issued is None or issued[1] != kind:
            return "unknown"
        del self._issued[ticket]
        self._used[ticket] = kind
        if time.monotonic() - issued[0] > self.ttl:
            return "expired"
        return "ok"
