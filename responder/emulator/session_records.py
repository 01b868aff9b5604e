"""Records of the emulator's websocket sessions, for tests to check timing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


KeepaliveKind = Literal["client ping", "client pong", "server ping"]

SessionKind = Literal["rtm", "socket_mode"]
"""The protocol a websocket session speaks: RTM (``/rtm/…``) or Socket Mode (``/link/``)."""


@dataclass(frozen=True, slots=True)
class Keepalive:
    """One WebSocket PING or PONG frame seen on a session, for tests to check timing."""

    session: int
    kind: KeepaliveKind
    payload: bytes
    at: float
    """Wall-clock time (``time.time()``)."""


@dataclass(frozen=True, slots=True)
class SessionSpan:
    """When a session received ``hello`` and when, and why, it ended (wall-clock times)."""

    session: int
    hello_at: float
    ended_at: float | None = None
    end_reason: str = ""
    kind: SessionKind = "rtm"
