"""The interface shared by transports: the ``Transport`` protocol and its fatal error."""

from __future__ import annotations

from typing import Protocol

from responder.slack.identity import Identity


class Transport(Protocol):
    """A connection to Slack that passes raw events on and reports its state.

    ``RtmTransport`` and ``SocketModeTransport`` implement it. ``name`` is the value
    of ``ConnectionState.transport``: ``rtm`` or ``socket-mode``.
    """

    name: str

    def run(self) -> None:
        """Connect and pass events on until ``stop()`` or a fatal error."""

    def stop(self) -> None:
        """Make ``run()`` return soon; safe to call from any thread."""

    @property
    def identity(self) -> Identity | None:
        """The bot's identity, known before the first event is passed on."""


class FatalConnectError(Exception):
    """Slack rejected the connection for a reason that retrying cannot fix.

    The message names Slack's error code and what to do next, never the token.
    """
