"""The read loop shared by RTM and Socket Mode sessions: pings, pongs, text frames and the end."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from aiohttp import WSMsgType

from responder.emulator.sessions import Hub, Session

logger = logging.getLogger(__name__)


async def read_until_end(
    session: Session,
    hub: Hub,
    released: asyncio.Event,
    on_text: Callable[[Session, str], None],
) -> None:
    """Read client frames until the session ends, and set its ``end_reason``.

    PINGs get their PONG here, because aiohttp's autoping is off so that a black-holed
    session can go silent. Text frames go to ``on_text``, and binary frames are logged.
    """
    while True:
        message = await session.ws.receive()
        if session.black_holed:
            # Hold the connection open, unread, until the emulator stops.
            await released.wait()
            return
        if message.type == WSMsgType.PING:
            hub.record_keepalive(session, "client ping", message.data)
            try:
                await session.ws.pong(message.data)
            except ConnectionError as error:
                session.end_reason = session.end_reason or f"the client left before a pong ({error})"
                return
        elif message.type == WSMsgType.PONG:
            hub.record_keepalive(session, "client pong", message.data)
        elif message.type == WSMsgType.TEXT:
            on_text(session, message.data)
        elif message.type == WSMsgType.BINARY:
            logger.warning("%s: binary frame ignored (%d bytes)", session.label, len(message.data))
        elif message.type == WSMsgType.CLOSE:
            session.end_reason = session.end_reason or f"closed by the client with code {message.data}"
            return
        elif message.type == WSMsgType.ERROR:
            session.end_reason = session.end_reason or f"closed after a bad client frame: {message.data}"
            logger.warning("%s: %s", session.label, session.end_reason)
            return
        elif message.type in (WSMsgType.CLOSING, WSMsgType.CLOSED):
            session.end_reason = session.end_reason or "the client disconnected without a close frame"
            return
