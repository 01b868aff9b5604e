"""Socket Mode settings, and the records of envelopes sent and acknowledgements received."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

DisconnectReason = Literal["warning", "refresh_requested", "link_disabled", "too_many_websockets"]
DISCONNECT_REASONS: tuple[DisconnectReason, ...] = (
    "warning",
    "refresh_requested",
    "link_disabled",
    "too_many_websockets",
)

AckStatus = Literal["acked", "duplicate", "unknown"]


@dataclass(frozen=True, slots=True)
class SocketModeSettings:
    """Timing and limits of the emulator's Socket Mode: acknowledgements, pings, closes, connections."""

    ack_timeout: float = 3.0
    """Seconds to wait for an acknowledgement before an envelope is sent again."""
    max_retries: int = 3
    """How many times an unacknowledged event is sent again after its first delivery."""
    ping_interval: float = 10.0
    """Seconds between the server's WebSocket PINGs on each Socket Mode session; 0 sends none.

    NOTE: Slack does not document its interval; @slack/socket-mode expects one at least
    every 30 seconds.
    """
    warning_close_delay: float = 10.0
    """Seconds from a ``warning`` disconnect message to the close ("about 10 seconds" in Slack's docs)."""
    refresh_close_delay: float = 1.0
    """Seconds from a ``refresh_requested`` or ``too_many_websockets`` message to the close."""
    max_connections: int = 10
    """Open Socket Mode sessions allowed at once; Slack allows 10 per app."""

    def check(self) -> None:
        """Raise ``ValueError`` for a value out of range."""
        for name in ("ack_timeout", "ping_interval", "warning_close_delay", "refresh_close_delay"):
            value = getattr(self, name)
            if value < 0:
                raise ValueError(f"SocketModeSettings.{name} must be 0 or more seconds, not {value}")
        if self.ack_timeout == 0:
            raise ValueError("SocketModeSettings.ack_timeout must be more than 0 seconds")
        if self.max_retries < 0:
            raise ValueError(f"SocketModeSettings.max_retries must be 0 or more, not {self.max_retries}")
        if self.max_connections < 1:
            raise ValueError(
                f"SocketModeSettings.max_connections must be 1 or more, not {self.max_connections}"
            )


@dataclass(frozen=True, slots=True)
class Delivery:
    """One envelope sent on a Socket Mode session."""

    envelope_id: str
    event_id: str
    session: int
    retry_attempt: int
    retry_reason: str
    event_type: str
    """The ``type`` of the event inside, such as ``message`` or ``app_mention``."""
    at: float
    """Wall-clock time (``time.time()``) when the envelope was queued for sending."""
    envelope: dict[str, Any]
    """The whole envelope as sent."""


@dataclass(frozen=True, slots=True)
class SocketAck:
    """One acknowledgement frame ``{"envelope_id": …}`` received from a client."""

    envelope_id: str
    session: int
    payload: dict[str, Any] | None
    """The ack's ``payload`` object, if it had one."""
    at: float
    """Wall-clock time (``time.time()``)."""
    status: AckStatus
    """``acked``: the first ack of an envelope that was sent; ``duplicate``: that envelope
    was acknowledged before; ``unknown``: no envelope with this id was sent."""
