"""Scenario steps, each with one action, and the timestamp placeholders they may contain."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from responder.emulator.faults import Fault
from responder.emulator.socket_records import DisconnectReason
from responder.emulator.workspace import Workspace

NEW_TS = "{new_ts}"
"""A string value that playback replaces with a new ``ts`` (the same one within a step)."""

TS_REFERENCE = re.compile(r"^\{ts:([A-Za-z0-9_.-]+)\}$")
"""A string value ``{ts:NAME}`` that playback replaces with the ``ts`` remembered as NAME."""


@dataclass(frozen=True, slots=True)
class SendEvent:
    """Send an event to every session, with placeholders filled in."""

    event: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Wait:
    """Pause for a number of seconds."""

    seconds: float


@dataclass(frozen=True, slots=True)
class WaitForSession:
    """Wait for an open session, or with ``new`` for one that opens after this step began."""

    new: bool


@dataclass(frozen=True, slots=True)
class Goodbye:
    """Send ``goodbye``; with ``close``, then close every session with ``code``."""

    close: bool
    code: int


@dataclass(frozen=True, slots=True)
class CloseSessions:
    """Send a close frame with ``code`` and ``reason`` on every session, then close it."""

    code: int
    reason: str


@dataclass(frozen=True, slots=True)
class EndSessions:
    """Close every session's TCP connection without a close frame."""


@dataclass(frozen=True, slots=True)
class ResetSessions:
    """Reset every session's TCP connection."""


@dataclass(frozen=True, slots=True)
class BlackHoleSessions:
    """Keep every session open but stop reading, responding to pings and sending."""


@dataclass(frozen=True, slots=True)
class DisconnectSocketMode:
    """Send Socket Mode's ``disconnect`` with ``reason`` on every Socket Mode session, then close them."""

    reason: DisconnectReason


@dataclass(frozen=True, slots=True)
class EnableSocketMode:
    """Turn Socket Mode back on after ``link_disabled``."""


@dataclass(frozen=True, slots=True)
class StallHandshakes:
    """Never respond to the websocket handshakes on the next ``count`` websocket URLs of either kind."""

    count: int


@dataclass(frozen=True, slots=True)
class PingSessions:
    """Send a WebSocket PING with ``payload`` on every open session."""

    payload: str


@dataclass(frozen=True, slots=True)
class SendRaw:
    """Send one text frame exactly as written."""

    text: str


@dataclass(frozen=True, slots=True)
class PostMessage:
    """Send a message written by a person, with a new ``ts``."""

    user: str
    channel: str
    text: str
    thread_ts: str | None = None


@dataclass(frozen=True, slots=True)
class InjectFault:
    """Make Web API calls fail or wait, as :meth:`Emulator.fail_method` does."""

    fault: Fault


@dataclass(frozen=True, slots=True)
class ClearFaults:
    """Remove every pending fault."""


Action = (
    SendEvent
    | Wait
    | WaitForSession
    | Goodbye
    | CloseSessions
    | EndSessions
    | ResetSessions
    | BlackHoleSessions
    | DisconnectSocketMode
    | EnableSocketMode
    | StallHandshakes
    | PingSessions
    | SendRaw
    | PostMessage
    | InjectFault
    | ClearFaults
)


@dataclass(frozen=True, slots=True)
class Step:
    """One ``[[step]]`` table: its position in the file, what it does and how often."""

    number: int
    action: Action
    repeat: int = 1
    name: str | None = None
    """Remember the ``ts`` of this step's message under this name, for ``{ts:NAME}``."""


@dataclass(frozen=True, slots=True)
class Scenario:
    """A loaded scenario file."""

    steps: tuple[Step, ...]
    workspace: Workspace | None = None
    """The workspace to serve; ``None`` when the file has no ``[workspace]`` table."""
    start: Literal["hello", "immediately"] = "hello"
    repeat: int | None = 1
    """How many times the steps are played; ``None`` means until the emulator stops."""
    source: str = "<scenario>"
    description: str = ""
