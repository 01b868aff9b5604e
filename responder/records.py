"""Typed records: the only thing observers (TUI, headless log, recorder) see.

Every record is immutable and carries ``at``, the wall-clock time (``time.time()``)
at which it was made.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Union

from responder.decisions import Decision, PlannedAction

ConnectionPhase = Literal["connecting", "connected", "reconnecting", "stopped"]


@dataclass(frozen=True, slots=True)
class ConnectionState:
    """A change of the connection: phase, attempt, next try and the reason."""

    at: float
    phase: ConnectionPhase
    attempt: int = 0
    next_try_at: float | None = None
    reason: str = ""
    team: str | None = None
    bot: str | None = None
    ping_rtt: float | None = None
    transport: str = "rtm"


@dataclass(frozen=True, slots=True)
class FrameSkipped:
    """A frame that reached no rule: not JSON, no type, an ack, an unknown type."""

    at: float
    reason: str
    detail: str = ""


@dataclass(frozen=True, slots=True)
class SlackErrorFrame:
    """An ``{"type": "error"}`` frame sent by Slack on the websocket."""

    at: float
    code: object
    message: str


@dataclass(frozen=True, slots=True)
class DecisionMade:
    """The engine's decision for one event (fired rules, skips, or why ignored)."""

    at: float
    decision: Decision


@dataclass(frozen=True, slots=True)
class ActionResult:
    """The outcome of one action: sent, failed with Slack's error, or skipped."""

    at: float
    action: PlannedAction
    status: Literal["sent", "failed", "dry_run"]
    error: str | None = None
    ts: str | None = None


@dataclass(frozen=True, slots=True)
class ActionRetrying:
    """A failed call that the outbox tries again later: rate limited, HTTP 5xx or a network error.

    ``attempt`` is the number of the retry now scheduled, from 1 to ``max_retries``.
    ``retry_at`` is the wall-clock time (``time.time()``) at which it may start, and
    ``error`` is Slack's error code, ``http_<status>``, or a few words naming the network
    error. The action ends later in exactly one ``ActionResult``.
    """

    at: float
    action: PlannedAction
    attempt: int
    max_retries: int
    retry_at: float
    error: str


@dataclass(frozen=True, slots=True)
class RulesLoaded:
    """A (re)load of the rules file: the rule names on success, the problems if not."""

    at: float
    path: str
    ok: bool
    rule_names: tuple[str, ...] = ()
    errors: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Notice:
    """A message for the user that fits no other record (start, stop, warnings)."""

    at: float
    level: Literal["info", "warning", "error"]
    message: str
    ids: tuple[str, ...] = field(default=())


Record = Union[
    ConnectionState,
    FrameSkipped,
    SlackErrorFrame,
    DecisionMade,
    ActionResult,
    ActionRetrying,
    RulesLoaded,
    Notice,
]
