"""Headless output: one plain line per record on standard output."""

from __future__ import annotations

import functools
import time
from typing import TextIO

from responder.decisions import Decision, PlannedAction
from responder.record_buffer import RecordBuffer
from responder.records import (
    ActionResult,
    ActionRetrying,
    ConnectionState,
    DecisionMade,
    FrameSkipped,
    Notice,
    Record,
    RulesLoaded,
    SlackErrorFrame,
)

TEXT_WIDTH = 80


def clip(text: str, width: int = TEXT_WIDTH) -> str:
    """Cut ``text`` to one line of at most ``width`` characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def format_time(at: float) -> str:
    """Return the local wall-clock time of a record, ``HH:MM:SS.mmm``."""
    return _format_second(int(at)) + f".{int(at % 1 * 1000):03d}"


@functools.lru_cache(maxsize=4)
def _format_second(second: int) -> str:
    # Records come in time order, so a few cached seconds spare a strftime per line.
    return time.strftime("%H:%M:%S", time.localtime(second))


def format_connection(record: ConnectionState) -> str:
    """Format a change of the connection as one line."""
    if record.phase == "connected":
        rtt = f", ping {record.ping_rtt * 1000:.0f} ms" if record.ping_rtt is not None else ""
        return f"connected to {record.team or '?'} as {record.bot or '?'} over {record.transport}{rtt}"
    if record.phase == "reconnecting":
        wait = ""
        if record.next_try_at is not None:
            wait = f", next try in {max(0.0, record.next_try_at - time.time()):.1f} s"
        return f"reconnecting (attempt {record.attempt}{wait}): {record.reason}"
    if record.phase == "connecting":
        return f"connecting (attempt {record.attempt})"
    return f"stopped: {record.reason}"


def format_decision(decision: Decision) -> list[str]:
    """Lines for one decision: the event, then each fired rule and skipped action."""
    event = decision.event
    kind = event.type + (f"/{event.subtype}" if event.subtype else "")
    text = clip(event.text) if event.text else "(no text)"
    head = f"event {kind} channel={event.channel or '-'} user={event.user or event.bot_id or '-'} ts={event.ts or '-'}: {text}"
    if decision.ignored:
        return [f"{head} -> ignored: {decision.ignored}"]

    fired = decision.fired
    lines = [f"{head} -> fired: {', '.join(fired)}" if fired else f"{head} -> no rule fired"]
    for skip in decision.skipped:
        lines.append(f"  skipped rule {skip.rule} action {skip.number}: {skip.reason}")
    return lines


def format_target(action: PlannedAction) -> str:
    """Return where an action goes: ``channel=C… thread_ts=…``."""
    where = f"channel={action.channel}"
    if action.thread_ts:
        where += f" thread_ts={action.thread_ts}"
    return where


def format_wait(seconds: float) -> str:
    """Format a wait in seconds with two significant digits below 10: ``0.05``, ``1.5``, ``2``, ``30``."""
    if seconds >= 10:
        return f"{seconds:.0f}"
    if seconds < 0.01:
        return "0"
    return f"{seconds:.2g}"


def format_retrying(record: ActionRetrying) -> str:
    """Format a scheduled retry as one line, with the wait, the attempt and Slack's error."""
    action = record.action
    wait = format_wait(max(0.0, record.retry_at - record.at))
    attempt = f"attempt {record.attempt} of {record.max_retries}"
    return f"retrying after {wait} s ({attempt}): rule {action.rule} {action.method} {format_target(action)}: {record.error}"


def format_action(record: ActionResult) -> str:
    """Format the outcome of an action as one line."""
    action = record.action
    where = format_target(action)
    what = f":{action.reaction}:" if action.reaction else clip(action.text or "")
    if record.status == "failed":
        return f"action failed: rule {action.rule} {action.method} {where}: {record.error}"
    label = "dry run" if record.status == "dry_run" else "sent"
    return f"{label}: rule {action.rule} {action.method} {where}: {what}"


def format_record(record: Record) -> list[str]:
    """Return the lines that ``record`` produces in headless output."""
    if isinstance(record, ConnectionState):
        return [format_connection(record)]
    if isinstance(record, DecisionMade):
        return format_decision(record.decision)
    if isinstance(record, ActionResult):
        return [format_action(record)]
    if isinstance(record, ActionRetrying):
        return [format_retrying(record)]
    if isinstance(record, RulesLoaded):
        if record.ok:
            return [f"rules loaded from {record.path}: {len(record.rule_names)} rules"] + [
                f"  warning: {line}" for line in record.warnings
            ]
        return [f"rules reload failed, keeping the current rules: {line}" for line in record.errors]
    if isinstance(record, SlackErrorFrame):
        return [f"Slack sent an error frame: code {record.code}: {record.message}"]
    if isinstance(record, FrameSkipped):
        return []
    if isinstance(record, Notice):
        return [f"{record.level}: {record.message}"]
    return []


class HeadlessPrinter:
    """Writes records as lines; repeated connected records (ping updates) are folded."""

    def __init__(self, out: TextIO) -> None:
        self._out = out
        self._last_connection: tuple[str, str] | None = None

    def print_pending(self, buffer: RecordBuffer) -> int:
        """Print every record waiting in ``buffer``; return how many there were."""
        records = buffer.drain()
        for record in records:
            if self._is_repeat(record):
                continue
            for line in format_record(record):
                self._out.write(f"{format_time(record.at)} {line}\n")
        self._out.flush()
        return len(records)

    def _is_repeat(self, record: Record) -> bool:
        if not isinstance(record, ConnectionState):
            return False
        key = (record.phase, record.reason)
        repeat = record.phase == "connected" and key == self._last_connection
        self._last_connection = key
        return repeat
