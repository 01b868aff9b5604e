"""Open websocket sessions (RTM and Socket Mode): one ordered outgoing queue each, and the hub.

Everything here runs on the emulator's event loop, except the counters that other
threads read through :class:`Hub`'s thread-safe properties and waits.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from aiohttp import web

from responder.emulator.session_records import Keepalive, KeepaliveKind, SessionKind, SessionSpan

logger = logging.getLogger(__name__)

ControlAction = Literal["close", "end", "reset", "black_hole"]


@dataclass(frozen=True, slots=True)
class Control:
    """An instruction that ends a session: a close frame, a bare FIN, or a TCP reset."""

    action: ControlAction
    code: int = 1000
    message: str = ""
    done: asyncio.Future[None] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )


@dataclass(frozen=True, slots=True)
class Ping:
    """A WebSocket PING frame from the server, with its payload."""

    payload: bytes


Outgoing = str | Ping | Control | None
"""A text frame, a PING, a control instruction, or ``None`` to stop the writer."""


class Session:
    """One websocket that has received ``hello``, with an outgoing queue kept in order."""

    def __init__(
        self,
        number: int,
        ws: web.WebSocketResponse,
        transport: asyncio.Transport | None,
        on_end: Callable[[Session], None],
        on_ping: Callable[[Session, bytes], None] = lambda session, payload: None,
        kind: SessionKind = "rtm",
    ) -> None:
        self.number = number
        self.kind: SessionKind = kind
        self.label = f"{'RTM' if kind == 'rtm' else 'Socket Mode'} session {number}"
        """The session's name in log lines, such as ``RTM session 3``."""
        self.ws = ws
        self._transport = transport
        self._on_end = on_end
        self._on_ping = on_ping
        self._outbox: asyncio.Queue[Outgoing] = asyncio.Queue()
        self._writer: asyncio.Task[None] | None = None
        self.accepting = True
        self.black_holed = False
        """Set once the session stopped reading, responding and sending (see ``black_hole``)."""
        self.end_reason = ""
        """Why the session ended, for the log; empty while it is open."""

    def start(self) -> None:
        """Start the task that writes queued frames to the socket."""
        self._writer = asyncio.create_task(
            self._write_loop(), name=f"{self.kind}-session-{self.number}-writer"
        )

    def send(self, text: str) -> None:
        """Queue one text frame; ignored once the session is ending."""
        if self.accepting:
            self._outbox.put_nowait(text)

    def ping(self, payload: bytes) -> None:
        """Queue a WebSocket PING behind the frames already queued."""
        if self.accepting:
            self._outbox.put_nowait(Ping(payload))

    def abort(self) -> None:
        """Drop the TCP connection at once (used for black-holed sessions at shutdown)."""
        if self._transport is not None:
            self._transport.abort()

    def control(self, control: Control) -> None:
        """Queue an instruction behind the frames already queued."""
        if self.accepting:
            self._outbox.put_nowait(control)
        elif not control.done.done():
            control.done.set_result(None)

    async def finish(self, timeout: float) -> None:
        """Stop the writer once it has handled what it was doing; cancel it after ``timeout``."""
        self.stop_accepting()
        self._outbox.put_nowait(None)
        if self._writer is None:
            return
        try:
            await asyncio.wait_for(asyncio.shield(self._writer), timeout)
        except asyncio.TimeoutError:
            self._writer.cancel()
        self._release_pending()

    def stop_accepting(self) -> None:
        """Take the session out of the hub so that no new frame is queued for it."""
        if self.accepting:
            self.accepting = False
            self._on_end(self)

    async def _write_loop(self) -> None:
        while True:
            item = await self._outbox.get()
            if item is None:
                return
            if isinstance(item, Control):
                await self._apply(item)
                return
            if self.ws.closed:
                continue
            try:
                if isinstance(item, Ping):
                    await self.ws.ping(item.payload)
                    self._on_ping(self, item.payload)
                else:
                    await self.ws.send_str(item)
            except ConnectionError as error:
                logger.info("%s: send failed, the client is gone (%s)", self.label, error)
                self.stop_accepting()
                self._release_pending()
                return

    async def _apply(self, control: Control) -> None:
        self.stop_accepting()
        try:
            if control.action == "close":
                self.end_reason = f"closed by the emulator with code {control.code}"
                logger.info("%s: closing with code %d", self.label, control.code)
                await self.ws.close(code=control.code, message=control.message.encode("utf-8"))
            elif control.action == "black_hole":
                self.black_hole()
            elif control.action == "end":
                self.end_reason = "TCP connection ended by the emulator without a close frame"
                logger.info("%s: closing the TCP connection without a close frame", self.label)
                if self._transport is not None:
                    self._transport.close()
            else:
                self.end_reason = "TCP connection reset by the emulator"
                logger.info("%s: resetting the TCP connection", self.label)
                self._reset()
        finally:
            if not control.done.done():
                control.done.set_result(None)
            self._release_pending()

    def black_hole(self) -> None:
        """Keep the TCP connection open but stop reading, responding to pings and sending.

        The client sees neither a pong nor a close frame nor a FIN, as on a network
        path that died silently. The connection stays until the emulator stops.
        """
        self.black_holed = True
        self.end_reason = "black-holed by the emulator"
        self.stop_accepting()
        self._on_end(self)
        logger.info("%s: black-holed (no reads, no pongs, no frames)", self.label)
        if self._transport is not None:
            self._transport.pause_reading()

    def _reset(self) -> None:
        if self._transport is None:
            return
        sock = self._transport.get_extra_info("socket")
        if sock is not None:
            # A zero linger time makes close() send RST instead of FIN.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self._transport.abort()

    def _release_pending(self) -> None:
        while not self._outbox.empty():
            item = self._outbox.get_nowait()
            if isinstance(item, Control) and not item.done.done():
                item.done.set_result(None)


class Hub:
    """The open sessions, and counts that other threads can read and wait on."""

    def __init__(self) -> None:
        self._sessions: dict[int, Session] = {}
        self._changed = threading.Condition()
        self._hello_count = 0
        self._spans: dict[int, SessionSpan] = {}
        self._keepalives: list[Keepalive] = []
        self._held: list[Session] = []

    def add(self, session: Session) -> None:
        """Register a session that has just received ``hello``."""
        with self._changed:
            self._sessions[session.number] = session
            self._hello_count += 1
            self._spans[session.number] = SessionSpan(session.number, time.time(), kind=session.kind)
            self._changed.notify_all()

    def mark_ended(self, session: Session) -> None:
        """Record the end of a session (once), with its ``end_reason``."""
        with self._changed:
            span = self._spans.get(session.number)
            if span is not None and span.ended_at is None:
                reason = session.end_reason or "connection lost"
                self._spans[session.number] = SessionSpan(
                    span.session, span.hello_at, time.time(), reason, span.kind
                )
            if session.black_holed and session not in self._held:
                self._held.append(session)
            self._changed.notify_all()

    def record_keepalive(self, session: Session, kind: KeepaliveKind, payload: bytes) -> None:
        """Remember a PING or PONG frame seen on ``session``."""
        with self._changed:
            self._keepalives.append(Keepalive(session.number, kind, bytes(payload), time.time()))
            self._changed.notify_all()

    def spans(self) -> list[SessionSpan]:
        """Return every session that received ``hello``, in order, with its end if it ended."""
        with self._changed:
            return [self._spans[number] for number in sorted(self._spans)]

    def keepalives(self) -> list[Keepalive]:
        """Return every PING and PONG frame seen so far, oldest first."""
        with self._changed:
            return list(self._keepalives)

    def take_held(self) -> list[Session]:
        """Return and forget the black-holed sessions, which hold their connections open."""
        with self._changed:
            held, self._held = self._held, []
            return held

    def ping_all(self, payload: bytes) -> int:
        """Queue a WebSocket PING on every open session; return how many."""
        with self._changed:
            sessions = list(self._sessions.values())
        for session in sessions:
            session.ping(payload)
        return len(sessions)

    def discard(self, session: Session) -> None:
        """Forget a session that is ending; a black-holed one counts as ended now."""
        with self._changed:
            self._sessions.pop(session.number, None)
            self._changed.notify_all()
        if session.black_holed:
            self.mark_ended(session)

    def broadcast(self, text: str, kind: SessionKind | None = "rtm") -> None:
        """Queue one text frame on every open session of ``kind`` (RTM by default; ``None``: all)."""
        for session in self.open_sessions(kind):
            session.send(text)

    def open_sessions(self, kind: SessionKind | None = None) -> list[Session]:
        """Return the open sessions of ``kind`` (``None``: of every kind) in the order of ``hello``."""
        with self._changed:
            return [
                self._sessions[number]
                for number in sorted(self._sessions)
                if kind in (None, self._sessions[number].kind)
            ]

    def count_open(self, kind: SessionKind) -> int:
        """Return the number of open sessions of ``kind``."""
        with self._changed:
            return sum(1 for session in self._sessions.values() if session.kind == kind)

    def hello_count_of(self, kind: SessionKind) -> int:
        """Return the number of sessions of ``kind`` that received ``hello`` since the start."""
        with self._changed:
            return sum(1 for span in self._spans.values() if span.kind == kind)

    async def control_all(
        self, action: ControlAction, code: int = 1000, message: str = "", number: int | None = None
    ) -> int:
        """Apply ``action`` to every open session (or only session ``number``) once its queued frames are sent."""
        with self._changed:
            sessions = [session for session in self._sessions.values() if number in (None, session.number)]
        controls = [Control(action, code, message) for _ in sessions]
        for session, control in zip(sessions, controls, strict=False):
            session.control(control)
        if controls:
            await asyncio.gather(*(control.done for control in controls))
        return len(controls)

    @property
    def open_count(self) -> int:
        """The number of sessions that are open and have received ``hello``."""
        with self._changed:
            return len(self._sessions)

    @property
    def hello_count(self) -> int:
        """The number of sessions that have received ``hello`` since the emulator started."""
        with self._changed:
            return self._hello_count

    def wait(self, ready: Callable[[], bool], timeout: float | None) -> bool:
        """Block until ``ready()`` returns true; return ``False`` on time-out.

        ``ready`` runs under the hub's reentrant lock, so it may read the counts.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._changed:
            while not ready():
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    return False
                self._changed.wait(remaining if remaining is not None else 0.5)
            return True

    def wake_waiters(self) -> None:
        """Wake every thread blocked in :meth:`wait`, e.g. when the emulator stops."""
        with self._changed:
            self._changed.notify_all()
