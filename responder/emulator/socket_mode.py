"""The Socket Mode websocket at ``/link/?ticket=…``: ``hello``, pings, acks and ``disconnect``."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Any

from aiohttp import web

from responder.emulator.core import Core
from responder.emulator.reading import read_until_end
from responder.emulator.sessions import Control, Session
from responder.emulator.socket_records import DisconnectReason

logger = logging.getLogger(__name__)

SERVER_HOST = "applink-emulator"
"""The ``debug_info.host`` the emulator reports, in the style of Slack's ``applink-…`` hosts."""

BUILD_NUMBER = 1
APPROXIMATE_CONNECTION_TIME = 3600
"""Seconds reported in ``hello`` as the connection's expected life (the value in Slack's example).

The emulator does not end a session by itself when this time has passed.
"""

CLOSE_CODE = 1000
"""Close code after a ``disconnect`` message; Slack does not document which code it uses."""

BAD_TICKET_CLOSE_CODE = 1008
"""Close code, right after the handshake, for a ticket that was already used or has expired.

Slack does not document what it does with such a URL.
"""


class SocketModeEndpoint:
    """Serves Socket Mode websockets for one emulator."""

    def __init__(self, core: Core, close_timeout: float) -> None:
        self.core = core
        self.close_timeout = close_timeout
        self.started = time.gmtime()

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """Accept a websocket on a ticket from ``apps.connections.open`` and serve it until it ends."""
        ticket = request.query.get("ticket", "")
        status = self.core.tickets.redeem(ticket, "socket_mode")
        if status == "unknown":
            logger.warning("Socket Mode handshake rejected: URL was never issued")
            raise web.HTTPNotFound(text="unknown Socket Mode URL; call apps.connections.open for a new one")
        if status == "ok" and self.core.tickets.is_stalled(ticket):
            logger.info("Socket Mode handshake stalled on purpose: the upgrade request gets no response")
            await self.core.released.wait()
            raise web.HTTPServiceUnavailable(text="emulator stopping")

        ws = web.WebSocketResponse(compress=False, timeout=self.close_timeout, autoping=False)
        await ws.prepare(request)
        refusal = self._refusal(status)
        if refusal is not None:
            await self._refuse(ws, *refusal)
            return ws

        hub = self.core.hub
        session = Session(
            next(self.core.session_numbers),
            ws,
            request.transport,
            hub.discard,
            lambda pinged, payload: hub.record_keepalive(pinged, "server ping", payload),
            kind="socket_mode",
        )
        try:
            await ws.send_str(json.dumps(self._hello(hub.count_open("socket_mode") + 1)))
        except ConnectionError as error:
            logger.warning("%s: the client left before hello (%s)", session.label, error)
            return ws
        hub.add(session)
        session.start()
        logger.info("%s: open", session.label)
        self.core.dispatcher.session_opened()
        await self._serve(session)
        return ws

    async def _serve(self, session: Session) -> None:
        pinger = None
        if self.core.dispatcher.settings.ping_interval > 0:
            pinger = asyncio.create_task(self._ping_periodically(session))
        try:
            await read_until_end(session, self.core.hub, self.core.released, self._on_client_frame)
        finally:
            if pinger is not None:
                pinger.cancel()
            self.core.hub.mark_ended(session)
            await session.finish(self.close_timeout + 1.0)
            logger.info("%s: ended: %s", session.label, session.end_reason or "connection lost")

    def _refusal(self, status: str) -> tuple[str, DisconnectReason | None, float] | None:
        """Return why a handshake that succeeded gets no session: the log text, a disconnect reason and a delay."""
        if status != "ok":
            problem = "was already used" if status == "used" else "has expired"
            return f"Socket Mode handshake on a URL that {problem}: closing", None, 0.0
        if not self.core.socket_mode_enabled:
            return "Socket Mode is turned off: sending link_disabled", "link_disabled", 0.0
        settings = self.core.dispatcher.settings
        if self.core.hub.count_open("socket_mode") >= settings.max_connections:
            text = f"Socket Mode: {settings.max_connections} sessions already open: sending too_many_websockets"
            return text, "too_many_websockets", settings.refresh_close_delay
        return None

    async def _refuse(
        self, ws: web.WebSocketResponse, text: str, reason: DisconnectReason | None, delay: float
    ) -> None:
        logger.warning(text)
        try:
            if reason is None:
                await ws.close(code=BAD_TICKET_CLOSE_CODE, message=b"Socket URL has expired")
                return
            await ws.send_str(json.dumps(disconnect_frame(reason)))
            await asyncio.sleep(delay)
            await ws.close(code=CLOSE_CODE, message=reason.encode("utf-8"))
        except ConnectionError as error:
            logger.warning("Socket Mode handshake: the client left before the close (%s)", error)

    def _hello(self, connections: int) -> dict[str, Any]:
        return {
            "type": "hello",
            "num_connections": connections,
            "debug_info": {
                "host": SERVER_HOST,
                "started": time.strftime("%Y-%m-%d %H:%M:%S.000", self.started),
                "build_number": BUILD_NUMBER,
                "approximate_connection_time": APPROXIMATE_CONNECTION_TIME,
            },
            "connection_info": {"app_id": self.core.workspace.app_id},
        }

    async def _ping_periodically(self, session: Session) -> None:
        interval = self.core.dispatcher.settings.ping_interval
        while session.accepting:
            await asyncio.sleep(interval)
            session.ping(b"")

    def _on_client_frame(self, session: Session, text: str) -> None:
        try:
            frame = json.loads(text)
        except ValueError:
            logger.warning("%s: client frame is not JSON: %.80r", session.label, text)
            return
        envelope_id = frame.get("envelope_id") if isinstance(frame, dict) else None
        if not isinstance(envelope_id, str):
            logger.warning("%s: client frame is not an ack: %.80r", session.label, text)
            return
        payload = frame.get("payload")
        self.core.dispatcher.on_ack(session, envelope_id, payload if isinstance(payload, dict) else None)

    def disconnect(self, reason: DisconnectReason, number: int | None = None) -> int:
        """Send ``disconnect`` to every open Socket Mode session (or only ``number``) and schedule the close.

        ``warning`` closes after ``warning_close_delay``, ``link_disabled`` at once (and turns
        Socket Mode off), the others after ``refresh_close_delay``. Returns how many sessions.
        """
        settings = self.core.dispatcher.settings
        delays = {"warning": settings.warning_close_delay, "link_disabled": 0.0}
        delay = delays.get(reason, settings.refresh_close_delay)
        if reason == "link_disabled":
            self.core.socket_mode_enabled = False

        sessions = [
            session
            for session in self.core.hub.open_sessions("socket_mode")
            if number in (None, session.number)
        ]
        text = json.dumps(disconnect_frame(reason))
        loop = asyncio.get_running_loop()
        for session in sessions:
            session.send(text)
            logger.info("%s: disconnect %s sent; closing in %g s", session.label, reason, delay)
            if delay == 0:
                close_session(session, reason)
            else:
                loop.call_later(delay, close_session, session, reason)
        return len(sessions)


def close_session(session: Session, reason: str) -> None:
    """Queue a close frame (code 1000) behind the frames already queued on ``session``."""
    session.control(Control("close", CLOSE_CODE, reason))


def disconnect_frame(reason: DisconnectReason) -> dict[str, Any]:
    """Return the ``disconnect`` message for ``reason``."""
    return {"type": "disconnect", "reason": reason, "debug_info": {"host": SERVER_HOST}}
