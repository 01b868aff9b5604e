"""The RTM websocket at ``/rtm/<ticket>``: ``hello``, pings, client messages and acks."""

from __future__ import annotations

import json
import logging
from typing import Any

from aiohttp import web

from responder.emulator.core import Core
from responder.emulator.reading import read_until_end
from responder.emulator.sessions import Session

logger = logging.getLogger(__name__)

MAX_CLIENT_FRAME = 16 * 1024
"""Slack disconnects a client that sends a message over 16 KB; aiohttp closes with 1009."""

EXPIRED_URL_ERROR = {"type": "error", "error": {"code": 1, "msg": "Socket URL has expired"}}
"""Slack's error frame for a websocket URL that is used twice or after 30 s."""

EXPIRED_URL_CLOSE_CODE = 1008
"""Close code after the expired-URL error frame (policy violation).

NOTE: Slack does not document which close code follows this frame.
"""


class RtmEndpoint:
    """Serves RTM websockets for one emulator."""

    def __init__(self, core: Core, close_timeout: float) -> None:
        self.core = core
        self.close_timeout = close_timeout

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """Accept a websocket on a ticket from ``rtm.connect`` and serve it until it ends."""
        ticket = request.match_info["ticket"]
        status = self.core.tickets.redeem(ticket)
        if status == "unknown":
            logger.warning("RTM handshake rejected: URL was never issued")
            raise web.HTTPNotFound(text="unknown RTM URL; call rtm.connect for a new one")
        if status == "ok" and self.core.tickets.is_stalled(ticket):
            logger.info("RTM handshake stalled on purpose: the upgrade request gets no response")
            await self.core.released.wait()
            raise web.HTTPServiceUnavailable(text="emulator stopping")

        # aiohttp rejects a message whose size reaches max_msg_size, so allow one byte more.
        # The read loop sends the pongs itself, so that a black-holed session can stop.
        ws = web.WebSocketResponse(
            max_msg_size=MAX_CLIENT_FRAME + 1,
            compress=False,
            timeout=self.close_timeout,
            autoping=False,
        )
        await ws.prepare(request)
        if status != "ok":
            problem = "was already used" if status == "used" else "has expired"
            logger.warning(
                "RTM handshake on a URL that %s: sending an error frame and closing", problem
            )
            try:
                await ws.send_str(json.dumps(EXPIRED_URL_ERROR))
                await ws.close(code=EXPIRED_URL_CLOSE_CODE, message=b"Socket URL has expired")
            except ConnectionError as error:
                logger.warning("RTM handshake: the client left before the error frame (%s)", error)
            return ws

        hub = self.core.hub
        session = Session(
            next(self.core.session_numbers),
            ws,
            request.transport,
            hub.discard,
            lambda pinged, payload: hub.record_keepalive(pinged, "server ping", payload),
        )
        try:
            await ws.send_str(json.dumps({"type": "hello"}))
        except ConnectionError as error:
            logger.warning(
                "RTM session %d: the client left before hello (%s)", session.number, error
            )
            return ws
        self.core.hub.add(session)
        session.start()
        logger.info("RTM session %d: open", session.number)

        try:
            await read_until_end(session, hub, self.core.released, self._on_client_frame)
        finally:
            hub.mark_ended(session)
            await session.finish(self.close_timeout + 1.0)
            logger.info(
                "RTM session %d: ended: %s", session.number, session.end_reason or "connection lost"
            )
        return ws

    def _on_client_frame(self, session: Session, text: str) -> None:
        try:
            frame = json.loads(text)
        except ValueError:
            logger.warning("RTM session %d: client frame is not JSON: %.80r", session.number, text)
            return
        if not isinstance(frame, dict):
            logger.warning(
                "RTM session %d: client frame is not a JSON object: %.80r", session.number, text
            )
            return

        kind = frame.get("type")
        if kind == "ping":
            session.send(json.dumps(pong_for(frame)))
        elif kind == "message":
            self._post_from_client(session, frame)
        else:
            logger.debug("RTM session %d: client frame of type %r ignored", session.number, kind)

    def _post_from_client(self, session: Session, frame: dict[str, Any]) -> None:
        """Ack a client's ``message`` frame (when it has an id), then post it as the bot."""
        reply_to = frame.get("id")
        text = frame.get("text")
        channel = self.core.state.channel(str(frame.get("channel") or ""))

        failure: dict[str, Any] | None = None
        if not isinstance(text, str) or not text:
            failure = {"code": 2, "msg": "message text is missing"}
        elif channel is None:
            # NOTE: Slack's code for an unknown channel is not documented; 4 is this emulator's.
            failure = {"code": 4, "msg": "channel not found"}
        if failure is not None:
            logger.info(
                "RTM session %d: message frame rejected: %s", session.number, failure["msg"]
            )
            if reply_to is not None:
                session.send(json.dumps({"ok": False, "reply_to": reply_to, "error": failure}))
            return

        assert channel is not None and isinstance(text, str)
        ts = self.core.clock.next()
        if reply_to is not None:
            session.send(json.dumps({"ok": True, "reply_to": reply_to, "ts": ts, "text": text}))
        thread_ts = frame.get("thread_ts")
        self.core.post_as_bot(
            channel.id, text, thread_ts=thread_ts if isinstance(thread_ts, str) else None, ts=ts
        )


def pong_for(ping: dict[str, Any]) -> dict[str, Any]:
    """Return the ``pong`` for a JSON ``ping``, echoing its scalar fields."""
    pong: dict[str, Any] = {"type": "pong"}
    if "id" in ping:
        pong["reply_to"] = ping["id"]
    for key, value in ping.items():
        if key not in ("id", "type") and (
            value is None or isinstance(value, (str, int, float, bool))
        ):
            pong[key] = value
    return pong
