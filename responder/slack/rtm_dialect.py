"""The RTM half of the transport: ``rtm.connect``, ``hello``, ``goodbye`` and error frames."""

from __future__ import annotations

from slack_sdk import WebClient

from responder.slack import rtm_api
from responder.slack.dialects import Hello, MoveToNewConnection, Signal
from responder.slack.frame_dispatch import FrameDispatcher
from responder.slack.frames import LifecycleFrame, classify_frame
from responder.slack.identity import Identity
from responder.slack.session_socket import SessionSocket
from responder.slack.webclient import ApiFailure


class RtmDialect:
    """RTM over the bot token: events arrive as they are, and ``goodbye`` requests a new connection."""

    name = "rtm"
    title = "RTM"
    connect_method = "rtm.connect"

    def __init__(self, client: WebClient) -> None:
        self._client = client

    def request_url(self, identity: Identity) -> tuple[str, Identity]:
        """Call ``rtm.connect``, and fill gaps in ``identity`` from its response."""
        url, data = rtm_api.request_websocket_url(self._client)
        return url, rtm_api.complete_identity(identity, data)

    def fatal_hint(self, failure: ApiFailure) -> str | None:
        """Return the next step for a token or app error of ``auth.test`` or ``rtm.connect``."""
        return rtm_api.fatal_hint(failure)

    def retry_hint(self, failure: ApiFailure) -> str | None:
        """Return None, because no retried RTM failure has a hint to add."""
        return None

    def handle(
        self, data: bytes, binary: bool, sock: SessionSocket, dispatcher: FrameDispatcher
    ) -> Signal | None:
        """Pass events on, record other frames, and signal ``hello`` and ``goodbye``."""
        frame = classify_frame(data, binary=binary)
        if isinstance(frame, LifecycleFrame) and frame.type == "hello":
            return Hello()
        if isinstance(frame, LifecycleFrame) and frame.type == "goodbye":
            return MoveToNewConnection("goodbye")

        dispatcher.dispatch(frame)
        return None
