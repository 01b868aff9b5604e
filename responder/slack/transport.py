"""The two transports: RTM (classic apps) and Socket Mode (apps created today).

Both run the same session loop (``connection_loop``): connect with backoff, read with
a timeout, WebSocket pings with a pong timeout, one live socket, connection-state
records, and a stop within about a second. They differ only in their dialect: how the
session URL is fetched, and what each frame means.
"""

from __future__ import annotations

import time
from typing import Any, Callable

from slack_sdk import WebClient

from responder.records import Record
from responder.slack.backoff import Backoff
from responder.slack.connection_loop import ConnectionLoop
from responder.slack.rtm_dialect import RtmDialect
from responder.slack.seen_events import SeenEvents
from responder.slack.socket_mode import SocketModeDialect
from responder.slack.transport_base import FatalConnectError, Transport

__all__ = ["FatalConnectError", "RtmTransport", "SocketModeTransport", "Transport"]


class RtmTransport(ConnectionLoop):
    """An RTM client over the bot token in ``client``, which reconnects with backoff.

    ``on_event`` receives each event payload, and ``on_record`` each connection
    state, skipped frame and error frame. Both are called on the thread that runs
    ``run()``; an exception from either is logged and never ends the session.
    """

    def __init__(
        self,
        client: WebClient,
        *,
        on_event: Callable[[dict[str, Any]], None],
        on_record: Callable[[Record], None],
        ping_interval: float = 10.0,
        pong_timeout: float = 10.0,
        handshake_timeout: float = 15.0,
        backoff: Backoff | None = None,
        stable_after: float = 30.0,
        sslopt: dict[str, Any] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(
            client,
            RtmDialect(client),
            on_event=on_event,
            on_record=on_record,
            ping_interval=ping_interval,
            pong_timeout=pong_timeout,
            handshake_timeout=handshake_timeout,
            backoff=backoff,
            stable_after=stable_after,
            sslopt=sslopt,
            clock=clock,
        )


class SocketModeTransport(ConnectionLoop):
    """A Socket Mode client that reconnects with backoff and passes every event on.

    ``client`` carries the bot token, for ``auth.test``; ``app_client`` carries the
    app-level token (``xapp-``), for ``apps.connections.open``. ``on_event`` receives
    the ``payload.event`` of each ``events_api`` envelope, once per event id, after
    the envelope has been acknowledged. ``on_record`` and the threading rules are as
    for ``RtmTransport``. ``seen`` is the memory of event ids passed on so far.
    """

    def __init__(
        self,
        client: WebClient,
        app_client: WebClient,
        *,
        on_event: Callable[[dict[str, Any]], None],
        on_record: Callable[[Record], None],
        ping_interval: float = 10.0,
        pong_timeout: float = 10.0,
        handshake_timeout: float = 15.0,
        backoff: Backoff | None = None,
        stable_after: float = 30.0,
        sslopt: dict[str, Any] | None = None,
        clock: Callable[[], float] = time.monotonic,
        seen: SeenEvents | None = None,
    ) -> None:
        super().__init__(
            client,
            SocketModeDialect(app_client, seen),
            on_event=on_event,
            on_record=on_record,
            ping_interval=ping_interval,
            pong_timeout=pong_timeout,
            handshake_timeout=handshake_timeout,
            backoff=backoff,
            stable_after=stable_after,
            sslopt=sslopt,
            clock=clock,
        )
