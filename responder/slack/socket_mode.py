"""The Socket Mode half of the transport: ``apps.connections.open``, envelopes, acks, ``disconnect``.

Each envelope is acknowledged on the reading thread before its event is passed on,
because Slack redelivers an envelope whose ack does not arrive in time. The event
inside an ``events_api`` envelope (``payload.event``) has the shape that RTM delivers,
plus ``channel_type``. Slack delivers at least once, so an event id seen before is
acknowledged again but passed on only once.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from slack_sdk import WebClient

from responder.slack import socket_mode_api
from responder.slack.connect_api import as_dict, text_or_none
from responder.slack.dialects import Hello, MoveToNewConnection, SessionOver, Signal
from responder.slack.frame_dispatch import FrameDispatcher
from responder.slack.frames import EventFrame, LifecycleFrame, SkippedFrame, classify_frame, classify_object, excerpt
from responder.slack.identity import Identity
from responder.slack.seen_events import SeenEvents
from responder.slack.session_socket import SessionEnded, SessionSocket
from responder.slack.webclient import ApiFailure

logger = logging.getLogger(__name__)

LINK_DISABLED = (
    "Socket Mode was turned off for this app (disconnect: link_disabled); turn it on "
    "again under Socket Mode in the app's settings. Retrying with backoff until then"
)
"""The reason recorded when Slack ends a session because Socket Mode is off."""


class SocketModeDialect:
    """Socket Mode over an app-level token: envelopes, acks and de-duplication of redeliveries."""

    name = "socket-mode"
    title = "Socket Mode"
    connect_method = "apps.connections.open"

    def __init__(self, app_client: WebClient, seen: SeenEvents | None = None) -> None:
        self._app_client = app_client
        self._seen = seen or SeenEvents()

    def request_url(self, identity: Identity) -> tuple[str, Identity]:
        """Call ``apps.connections.open``; ``identity`` comes from ``auth.test`` and stays as it is."""
        return socket_mode_api.open_connection(self._app_client), identity

    def fatal_hint(self, failure: ApiFailure) -> str | None:
        """Return the next step for a token or app error, naming the token's variable."""
        return socket_mode_api.fatal_hint(failure)

    def retry_hint(self, failure: ApiFailure) -> str | None:
        """Return the next step for a retried ``apps.connections.open`` failure, if known."""
        return socket_mode_api.retry_hint(failure)

    def handle(
        self, data: bytes, binary: bool, sock: SessionSocket, dispatcher: FrameDispatcher
    ) -> Signal | None:
        """Acknowledge envelopes, pass events on, and signal ``hello`` and ``disconnect``."""
        frame = classify_frame(data, binary=binary)
        if isinstance(frame, LifecycleFrame) and frame.type == "hello":
            _log_hello(frame.payload)
            return Hello()
        if not isinstance(frame, EventFrame):
            dispatcher.dispatch(frame)
            return None

        value = frame.payload
        if value["type"] == "disconnect":
            return _disconnect_signal(value)
        if "envelope_id" in value:
            self._acknowledge_and_pass_on(value, sock, dispatcher)
            return None

        detail = excerpt(json.dumps(value, ensure_ascii=False))
        dispatcher.skip(SkippedFrame("unknown Socket Mode frame type", detail))
        return None

    def _acknowledge_and_pass_on(
        self, envelope: dict[str, Any], sock: SessionSocket, dispatcher: FrameDispatcher
    ) -> None:
        envelope_id = text_or_none(envelope.get("envelope_id"))
        if envelope_id is None:
            detail = excerpt(json.dumps(envelope, ensure_ascii=False))
            dispatcher.skip(SkippedFrame("envelope without an envelope_id", detail))
            return

        # An event whose ack failed is still passed on: the memory of event ids stops
        # the redelivery that Slack sends to the next connection.
        ack_failure: SessionEnded | None = None
        try:
            sock.send_text(json.dumps({"envelope_id": envelope_id}))
        except SessionEnded as error:
            logger.warning("acknowledging envelope %s failed: %s", envelope_id, error)
            ack_failure = error

        self._pass_on(envelope, envelope_id, dispatcher)
        if ack_failure is not None:
            raise ack_failure

    def _pass_on(self, envelope: dict[str, Any], envelope_id: str, dispatcher: FrameDispatcher) -> None:
        kind = envelope["type"]
        if kind != "events_api":
            detail = f"envelope {envelope_id}: only events_api envelopes reach the rules"
            dispatcher.skip(SkippedFrame(f"{kind} envelope", detail))
            return

        payload = as_dict(envelope.get("payload"))
        event = payload.get("event")
        if not isinstance(event, dict):
            dispatcher.skip(SkippedFrame("events_api envelope without an event", f"envelope {envelope_id}"))
            return

        event_id = text_or_none(payload.get("event_id")) or envelope_id
        if not self._seen.add(event_id):
            retry = f"retry_attempt {envelope.get('retry_attempt')}, retry_reason {envelope.get('retry_reason')!r}"
            detail = f"redelivery of event {event_id}, already passed on ({retry})"
            logger.info("skipped %s", detail)
            dispatcher.skip(SkippedFrame("redelivered event", detail))
            return

        dispatcher.dispatch(classify_object(event))


def _disconnect_signal(frame: dict[str, Any]) -> Signal:
    reason = text_or_none(frame.get("reason")) or "no reason given"
    if reason == "link_disabled":
        logger.error("%s", LINK_DISABLED)
        return SessionOver(LINK_DISABLED)
    return MoveToNewConnection(f"disconnect: {reason}")


def _log_hello(frame: dict[str, Any]) -> None:
    debug_info = as_dict(frame.get("debug_info"))
    logger.info(
        "Socket Mode hello: open connections for this app: %s; Slack refreshes this one in about %s s",
        frame.get("num_connections", "?"),
        debug_info.get("approximate_connection_time", "?"),
    )
