"""Connection-state records and log lines of a transport (RTM or Socket Mode)."""

from __future__ import annotations

import logging
import time
from typing import Callable

from responder.records import ConnectionPhase, ConnectionState, Record
from responder.slack.identity import Identity

logger = logging.getLogger(__name__)


class StateReporter:
    """Sends ``ConnectionState`` records to an observer and logs each change.

    An exception raised by the observer is logged and goes no further.
    """

    def __init__(self, on_record: Callable[[Record], None], transport: str) -> None:
        self._on_record = on_record
        self._transport = transport

    def emit(self, record: Record) -> None:
        """Pass ``record`` to the observer."""
        try:
            self._on_record(record)
        except Exception:
            logger.exception("a record observer failed on %s", type(record).__name__)

    def connecting(self, attempt: int) -> None:
        """Report the start of connection attempt ``attempt``."""
        logger.info("connecting to Slack (attempt %d)", attempt)
        self._state("connecting", attempt=attempt)

    def connected(self, identity: Identity | None, endpoint: str, ping_rtt: float | None) -> None:
        """Report a session that said hello, or its latest ping round trip in seconds."""
        team = (identity.team_name or identity.team_id) if identity else None
        bot = (identity.user_name or identity.user_id) if identity else None
        if ping_rtt is None:
            logger.info("connected to %s as %s in %s", endpoint, bot, team)
        self._state("connected", team=team, bot=bot, ping_rtt=ping_rtt)

    def reconnecting(self, attempt: int, delay: float, reason: str) -> None:
        """Report a lost session or failed attempt, and when the next one starts."""
        logger.warning(
            "Slack connection: %s; reconnecting in %.1f s (attempt %d)", reason, delay, attempt
        )
        now = time.time()
        self._state("reconnecting", at=now, attempt=attempt, next_try_at=now + delay, reason=reason)

    def rotating(self, attempt: int, endpoint: str, reason: str) -> None:
        """Report a request by Slack to move to a new connection, which starts at once.

        ``reason`` is ``goodbye`` over RTM, or ``disconnect: <reason>`` over Socket Mode.
        """
        logger.info("Slack sent %s on %s; opening a new connection now", reason, endpoint)
        now = time.time()
        self._state("reconnecting", at=now, attempt=attempt, next_try_at=now, reason=reason)

    def stopped(self, reason: str) -> None:
        """Report the end of the transport."""
        self._state("stopped", reason=reason)

    def _state(
        self,
        phase: ConnectionPhase,
        *,
        at: float | None = None,
        attempt: int = 0,
        next_try_at: float | None = None,
        reason: str = "",
        team: str | None = None,
        bot: str | None = None,
        ping_rtt: float | None = None,
    ) -> None:
        record = ConnectionState(
            at=time.time() if at is None else at,
            phase=phase,
            attempt=attempt,
            next_try_at=next_try_at,
            reason=reason,
            team=team,
            bot=bot,
            ping_rtt=ping_rtt,
            transport=self._transport,
        )
        self.emit(record)
