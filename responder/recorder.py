"""Recordings of raw events: the JSON-lines file that ``--record`` writes and ``replay`` reads.

Each line of a recording is an envelope, ``{"at": <unix time received>, "event": {…}}``,
with the event exactly as Slack sent it except that token-like strings are redacted.
:func:`read_recording` also accepts bare raw events, one JSON object per line, so
frames copied from a log or an emulator scenario replay as they are.
"""

from __future__ import annotations

import json
import logging
import math
import re
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, TextIO

logger = logging.getLogger(__name__)

# Slack tokens: bot, user, app-level, refresh and workspace tokens, and app tokens.
TOKEN_PATTERN = re.compile(r"xox[abprs]-[A-Za-z0-9-]*|xapp-[A-Za-z0-9-]*")
REDACTED = "[redacted token]"


def redact(value: Any) -> Any:
    """Return ``value`` with every token-like substring of every string replaced."""
    if isinstance(value, str):
        return TOKEN_PATTERN.sub(REDACTED, value)
    if isinstance(value, Mapping):
        return {redact(key): redact(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [redact(item) for item in value]
    return value


class Recorder:
    """Appends raw events to a JSON-lines file; safe to call from several threads.

    Each line is flushed at once, so a recording survives a crash up to its last event.
    A write that fails (a full disk, a value JSON cannot hold) is logged and counted in
    ``failed`` instead of raised, because the caller is the thread that reads events.
    """

    def __init__(self, path: str | Path, clock: Callable[[], float] = time.time) -> None:
        self.path = Path(path)
        self.written = 0
        self.failed = 0
        self._clock = clock
        self._lock = threading.Lock()
        self._file: TextIO | None = self.path.open("a", encoding="utf-8")
        logger.info("recording raw events to %s", self.path)

    def write(self, raw: Mapping[str, Any]) -> None:
        """Append one raw event, with the time it was received, as one line."""
        try:
            line = json.dumps({"at": self._clock(), "event": redact(raw)}, ensure_ascii=False, default=str)
        except (TypeError, ValueError) as error:
            with self._lock:
                self._count_failure(f"the event cannot be written as JSON: {error}")
            return

        with self._lock:
            if self._file is None:
                self._count_failure("the recorder is closed")
                return
            try:
                self._file.write(line + "\n")
                self._file.flush()
            except OSError as error:
                self._count_failure(str(error))
                return
            self.written += 1

    def close(self) -> None:
        """Close the file; later writes are dropped and counted in ``failed``."""
        with self._lock:
            if self._file is None:
                return
            try:
                self._file.close()
            except OSError as error:
                logger.warning("closing the recording %s failed: %s", self.path, error)
            self._file = None
        logger.info("recorded %d events to %s", self.written, self.path)

    def __enter__(self) -> Recorder:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _count_failure(self, reason: str) -> None:
        self.failed += 1
        # The first failure and then every hundredth, so a full disk does not flood the log.
        if self.failed == 1 or self.failed % 100 == 0:
            logger.warning(
                "recording to %s failed (%d events lost so far): %s", self.path, self.failed, reason
            )


@dataclass(frozen=True, slots=True)
class RecordedEvent:
    """One event read from a recording: its line, the raw event and when it was received."""

    line: int
    raw: Mapping[str, Any]
    received_at: float | None = None


@dataclass(frozen=True, slots=True)
class SkippedLine:
    """A line of a recording that contains no event, and the reason."""

    line: int
    reason: str


def read_recording(lines: Iterator[str] | list[str]) -> Iterator[RecordedEvent | SkippedLine]:
    """Yield the event of each line of a recording, or why the line was skipped.

    Blank lines are passed over silently. A line is an envelope when it is an object
    with an ``event`` object and no ``type``; any other object is a bare raw event.
    """
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        yield parse_line(number, line)


def parse_line(number: int, line: str) -> RecordedEvent | SkippedLine:
    """Read one line of a recording."""
    try:
        value = json.loads(line)
    except json.JSONDecodeError as error:
        return SkippedLine(number, f"not JSON ({error.msg} at column {error.colno})")
    if not isinstance(value, dict):
        return SkippedLine(number, f"not a JSON object but {_json_type(value)}")
    return unwrap(number, value)


def unwrap(number: int, value: Mapping[str, Any]) -> RecordedEvent | SkippedLine:
    """Return the raw event of an envelope, or ``value`` itself when it is a bare event."""
    if "type" in value or "event" not in value:
        return RecordedEvent(number, value)

    event = value["event"]
    if not isinstance(event, dict):
        return SkippedLine(number, f'"event" is not a JSON object but {_json_type(event)}')
    at = value.get("at")
    received_at = float(at) if isinstance(at, (int, float)) and not isinstance(at, bool) else None
    return RecordedEvent(number, event, received_at)


def event_time(raw: Mapping[str, Any], fallback: float) -> float:
    """Return the event's own time, its ``ts`` (else ``event_ts``) as a float, or ``fallback``.

    Guards that count time (dedupe, cooldowns, the reply limit) run on this clock in
    ``responder test`` and ``responder replay``, so the same events give the same result.
    """
    for key in ("ts", "event_ts"):
        value = raw.get(key)
        if isinstance(value, str):
            try:
                seconds = float(value)
            except ValueError:
                continue
            if math.isfinite(seconds):
                return seconds
    return fallback


def _json_type(value: object) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    if value is None:
        return "null"
    return "a number"


def open_recording(path: Path) -> Iterator[RecordedEvent | SkippedLine]:
    """Read the recording at ``path``; raise OSError when it cannot be opened.

    Invalid UTF-8 is replaced rather than fatal, so one bad line cannot hide the rest.
    """
    handle = path.open(encoding="utf-8", errors="replace")

    def lines() -> Iterator[str]:
        with handle:
            yield from handle

    return read_recording(lines())
