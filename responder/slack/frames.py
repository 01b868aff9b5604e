"""Classification of websocket frames: event, lifecycle, error or skipped."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Union

LIFECYCLE_TYPES = frozenset({"hello", "goodbye", "pong", "reconnect_url"})
"""Frame types that the transport handles itself and never passes on."""

_DETAIL_LIMIT = 120


@dataclass(frozen=True, slots=True)
class EventFrame:
    """A JSON object with a string ``type`` that is not a lifecycle frame."""

    payload: dict[str, Any]


@dataclass(frozen=True, slots=True)
class LifecycleFrame:
    """A ``hello``, ``goodbye``, ``pong`` or ``reconnect_url`` frame."""

    type: str
    payload: dict[str, Any]


@dataclass(frozen=True, slots=True)
class ErrorFrame:
    """A ``{"type": "error"}`` frame: Slack's error code and message."""

    code: object
    message: str


@dataclass(frozen=True, slots=True)
class SkippedFrame:
    """A frame that carries no event: why it was skipped and an excerpt of it."""

    reason: str
    detail: str


Frame = Union[EventFrame, LifecycleFrame, ErrorFrame, SkippedFrame]


def classify_frame(data: str | bytes, *, binary: bool = False) -> Frame:
    """Classify the payload of one websocket data frame.

    ``binary`` marks a BINARY frame, which RTM never sends. Text arrives as ``str``
    or as UTF-8 bytes.
    """
    if binary:
        return SkippedFrame("binary frame", f"{len(data)} bytes")

    text = data.decode("utf-8", errors="replace") if isinstance(data, bytes) else data
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        return SkippedFrame("not JSON", _excerpt(text))

    if not isinstance(value, dict):
        return SkippedFrame("not a JSON object", _excerpt(text))
    return _classify_object(value, text)


def classify_object(value: dict[str, Any]) -> Frame:
    """Classify an event object that arrived inside another frame (a Socket Mode envelope)."""
    return _classify_object(value, json.dumps(value, ensure_ascii=False))


def excerpt(text: str) -> str:
    """Return ``text`` cut to the length shown in a skipped frame's detail."""
    return _excerpt(text)


def _classify_object(value: dict[str, Any], text: str) -> Frame:
    if not value:
        return SkippedFrame("empty object", text)

    if "type" not in value and "reply_to" in value:
        return SkippedFrame("acknowledgement", _excerpt(text))
    if "type" not in value:
        return SkippedFrame("no type", _excerpt(text))

    frame_type = value["type"]
    if not isinstance(frame_type, str):
        return SkippedFrame("type is not a string", _excerpt(text))
    if not frame_type:
        return SkippedFrame("empty type", _excerpt(text))

    if frame_type == "error":
        return _error_frame(value)
    if frame_type in LIFECYCLE_TYPES:
        return LifecycleFrame(frame_type, value)
    return EventFrame(value)


def _error_frame(value: dict[str, Any]) -> ErrorFrame:
    error = value.get("error")
    if not isinstance(error, dict):
        return ErrorFrame(code=None, message=str(error) if error is not None else "")

    message = error.get("msg")
    return ErrorFrame(code=error.get("code"), message=message if isinstance(message, str) else "")


def _excerpt(text: str) -> str:
    if len(text) <= _DETAIL_LIMIT:
        return text
    return text[:_DETAIL_LIMIT] + "…"
