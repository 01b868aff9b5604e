"""The interface between the shared connection loop and the RTM and Socket Mode protocols.

The loop in ``connection_loop`` owns the websocket, keepalive, backoff and records. A
dialect fetches the session URL, names the errors that retrying cannot fix, and turns
each received frame into events, records and at most one ``Signal`` for the loop.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, Union

from responder.slack.frame_dispatch import FrameDispatcher
from responder.slack.identity import Identity
from responder.slack.session_socket import SessionSocket
from responder.slack.webclient import ApiFailure


@dataclass(frozen=True, slots=True)
class Hello:
    """Slack sent ``hello``: the session is ready."""


@dataclass(frozen=True, slots=True)
class MoveToNewConnection:
    """Slack requested a new connection now. The old one closes once the new one receives hello."""

    reason: str


@dataclass(frozen=True, slots=True)
class SessionOver:
    """This session is over; the next one starts after a backoff delay."""

    reason: str


Signal = Union[Hello, MoveToNewConnection, SessionOver]


class Dialect(Protocol):
    """The protocol-specific half of a transport."""

    name: str
    """The transport's name in ``ConnectionState.transport``: ``rtm`` or ``socket-mode``."""

    title: str
    """The protocol's name in log lines: ``RTM`` or ``Socket Mode``."""

    connect_method: str
    """The Web API method that returns a session URL."""

    def request_url(self, identity: Identity) -> tuple[str, Identity]:
        """Call ``connect_method`` and return the session URL and the completed identity.

        Raises what a ``WebClient`` call raises, or ``InvalidConnectResponse``.
        """

    def fatal_hint(self, failure: ApiFailure) -> str | None:
        """Return what to do about ``failure`` if retrying cannot fix it, else None."""

    def retry_hint(self, failure: ApiFailure) -> str | None:
        """Return a next step to show with a failure that is retried, if there is one."""

    def handle(
        self, data: bytes, binary: bool, sock: SessionSocket, dispatcher: FrameDispatcher
    ) -> Signal | None:
        """Handle one data frame received on ``sock``.

        Raises ``SessionEnded`` when a reply to Slack (an ack) cannot be sent.
        """
