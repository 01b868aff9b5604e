"""The Socket Mode part of the emulator's thread-safe control API (a base of ``Emulator``)."""

from __future__ import annotations

import logging

from responder.emulator.calllog import CallLog
from responder.emulator.core import Core
from responder.emulator.loopthread import LoopThread
from responder.emulator.socket_mode import SocketModeEndpoint
from responder.emulator.socket_records import DISCONNECT_REASONS, Delivery, DisconnectReason, SocketAck

logger = logging.getLogger(__name__)


class SocketModeControls:
    """Reading and steering Socket Mode: deliveries, acks, sessions and ``disconnect``.

    Every method may be called from any thread other than the emulator's own loop.
    """

    _core: Core
    _calls: CallLog
    _loop: LoopThread
    _socket: SocketModeEndpoint

    def socket_deliveries(self, event_type: str | None = None) -> list[Delivery]:
        """Return every envelope sent (with an event of ``event_type``, if given), oldest first."""
        return self._core.dispatcher.deliveries(event_type)

    def wait_for_socket_deliveries(
        self, count: int, event_type: str | None = None, timeout: float = 10.0
    ) -> list[Delivery]:
        """Block until ``count`` envelopes (of ``event_type``) were sent and return them all.

        Raises ``TimeoutError`` naming how many were sent.
        """
        dispatcher = self._core.dispatcher
        if not dispatcher.wait(lambda: len(dispatcher.deliveries(event_type)) >= count, timeout):
            sent = len(dispatcher.deliveries(event_type))
            kind = f"{event_type} envelopes" if event_type else "envelopes"
            raise TimeoutError(
                f"timed out after {timeout:g} s waiting for {count} {kind}; {sent} sent, "
                f"{self.open_socket_sessions} Socket Mode session(s) open"
            )
        return dispatcher.deliveries(event_type)

    def socket_acks(self) -> list[SocketAck]:
        """Return every acknowledgement received, duplicates and unknown ids included, oldest first."""
        return self._core.dispatcher.acks()

    def wait_for_socket_acks(self, count: int, timeout: float = 10.0) -> list[SocketAck]:
        """Block until ``count`` acknowledgements arrived and return them all; ``TimeoutError`` if not."""
        dispatcher = self._core.dispatcher
        if not dispatcher.wait(lambda: len(dispatcher.acks()) >= count, timeout):
            raise TimeoutError(
                f"timed out after {timeout:g} s waiting for {count} Socket Mode acks; "
                f"got {len(dispatcher.acks())} for {len(dispatcher.deliveries())} envelopes sent"
            )
        return dispatcher.acks()

    @property
    def open_socket_sessions(self) -> int:
        """The number of Socket Mode sessions that are open and have received ``hello``."""
        return self._core.hub.count_open("socket_mode")

    @property
    def socket_sessions_started(self) -> int:
        """The number of Socket Mode sessions that have received ``hello`` since the start."""
        return self._core.hub.hello_count_of("socket_mode")

    def wait_for_socket_sessions(self, count: int = 1, timeout: float = 10.0) -> None:
        """Block until ``count`` Socket Mode sessions are open; ``TimeoutError`` if not."""
        hub = self._core.hub
        if not hub.wait(lambda: hub.count_open("socket_mode") >= count, timeout):
            raise TimeoutError(
                f"timed out after {timeout:g} s waiting for {count} open Socket Mode session(s); "
                f"{hub.count_open('socket_mode')} open, "
                f"{self.socket_connect_calls} apps.connections.open call(s) so far"
            )

    @property
    def socket_connect_calls(self) -> int:
        """The number of ``apps.connections.open`` calls received so far, failed ones included."""
        return self._calls.count("apps.connections.open")

    @property
    def socket_mode_enabled(self) -> bool:
        """Whether ``apps.connections.open`` hands out URLs (``False`` after ``link_disabled``)."""
        return self._core.socket_mode_enabled

    def disconnect_socket_mode(
        self, reason: DisconnectReason = "refresh_requested", session: int | None = None
    ) -> None:
        """Send ``disconnect`` with ``reason`` to every open Socket Mode session (or only ``session``).

        Each session is closed later: after ``warning_close_delay`` for ``warning``, at once
        for ``link_disabled`` (which also turns Socket Mode off until
        :meth:`enable_socket_mode`), and after ``refresh_close_delay`` otherwise. Returns
        at once. Raises ``ValueError`` for an unknown reason.
        """
        if reason not in DISCONNECT_REASONS:
            raise ValueError(
                f"unknown disconnect reason {reason!r}; use one of {', '.join(DISCONNECT_REASONS)}"
            )
        if reason == "link_disabled":
            # Turned off here too, so that an apps.connections.open call right after this
            # one already fails.
            self._core.socket_mode_enabled = False
        self._loop.call_soon(self._socket.disconnect, reason, session)

    def enable_socket_mode(self) -> None:
        """Turn Socket Mode back on after ``link_disabled``, so ``apps.connections.open`` works again."""
        self._core.socket_mode_enabled = True
        logger.info("Slack emulator: Socket Mode turned on")
