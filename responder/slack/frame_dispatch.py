"""Handling of each classified frame: records and counts for skipped frames, events passed on."""

from __future__ import annotations

import collections
import logging
import time
from typing import Any, Callable

from responder.records import FrameSkipped, Notice, Record, SlackErrorFrame
from responder.slack.frames import ErrorFrame, EventFrame, Frame, LifecycleFrame, SkippedFrame

logger = logging.getLogger(__name__)


class FrameDispatcher:
    """Pass events to ``on_event`` and turn every other frame into a record.

    An exception from ``on_event`` is logged with the event's channel and ts,
    reported as an error ``Notice``, and never reaches the read loop.
    """

    def __init__(
        self,
        on_event: Callable[[dict[str, Any]], None],
        emit: Callable[[Record], None],
    ) -> None:
        self._on_event = on_event
        self._emit = emit
        self.skipped: collections.Counter[str] = collections.Counter()

    def dispatch(self, frame: Frame) -> None:
        """Handle one classified frame; the caller acts on ``hello`` and ``goodbye`` itself."""
        if isinstance(frame, EventFrame):
            self.deliver(frame.payload)
        elif isinstance(frame, SkippedFrame):
            self.skip(frame)
        elif isinstance(frame, ErrorFrame):
            logger.warning("Slack sent an error frame: code %s: %s", frame.code, frame.message)
            self._emit(SlackErrorFrame(at=time.time(), code=frame.code, message=frame.message))
        elif isinstance(frame, LifecycleFrame):
            # A late hello, a pong to a JSON ping (this client sends none) or the
            # experimental reconnect_url, which clients must ignore.
            logger.debug("ignored %s frame", frame.type)

    def skip(self, frame: SkippedFrame) -> None:
        """Count ``frame`` by its reason and record it as skipped."""
        self.skipped[frame.reason] += 1
        logger.debug("skipped frame (%s): %s", frame.reason, frame.detail)
        self._emit(FrameSkipped(at=time.time(), reason=frame.reason, detail=frame.detail))

    def deliver(self, payload: dict[str, Any]) -> None:
        """Pass one event payload on to ``on_event``."""
        try:
            self._on_event(payload)
        except Exception as error:
            channel = _field(payload, "channel")
            ts = _field(payload, "ts")
            logger.exception(
                "handling a %s event failed (channel %s, ts %s)", payload.get("type"), channel, ts
            )
            self._emit(
                Notice(
                    at=time.time(),
                    level="error",
                    message=f"handling a {payload.get('type')} event failed: {error!r}",
                    ids=(channel, ts),
                )
            )


def _field(payload: dict[str, Any], key: str) -> str:
    value = payload.get(key)
    return value if isinstance(value, str) else "-"
