"""Sending the bench messages on a fixed schedule, and matching replies to them."""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from bench.common import BenchMessage, percentile
from responder.emulator import Emulator

TEAM = "T0TEST"


@dataclass(slots=True)
class SendLog:
    """The sender's record: the send time and the message of each ``ts``, and the maximum delay."""

    sent_at: dict[str, float] = field(default_factory=dict)
    """``time.time()`` just before ``send_event``, by the message's ``ts``."""
    message_of: dict[str, BenchMessage] = field(default_factory=dict)
    max_lag: float = 0.0
    """The maximum delay of a send behind its slot in the schedule, in seconds."""
    first_at: float = 0.0
    last_at: float = 0.0


def human_event(message: BenchMessage, ts: str) -> dict[str, Any]:
    """Return the RTM ``message`` event of a person, shaped as Slack sends it."""
    return {
        "type": "message",
        "client_msg_id": str(uuid.uuid4()),
        "user": message.user,
        "text": message.text,
        "team": TEAM,
        "channel": message.channel,
        "event_ts": ts,
        "ts": ts,
    }


def send_on_schedule(emulator: Emulator, messages: list[BenchMessage], rate: float) -> SendLog:
    """Send ``messages`` at ``rate`` per second from a sender thread, and return its log.

    Message ``i`` is due at ``start + i / rate``. A late message is sent at once, so the
    schedule does not drift, and ``max_lag`` records the maximum delay.
    """
    log = SendLog()

    def run() -> None:
        start = time.perf_counter()
        for index, message in enumerate(messages):
            delay = start + index / rate - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            else:
                log.max_lag = max(log.max_lag, -delay)
            ts = emulator.new_ts()
            event = human_event(message, ts)
            log.message_of[ts] = message
            log.sent_at[ts] = time.time()
            emulator.send_event(event)

    sender = threading.Thread(target=run, name="bench-sender", daemon=True)
    sender.start()
    sender.join()

    if log.sent_at:
        log.first_at = min(log.sent_at.values())
        log.last_at = max(log.sent_at.values())
    return log


def wait_for_replies(emulator: Emulator, before: int, expected: int, deadline: float) -> None:
    """Poll the call log until ``expected`` posts follow the first ``before``, or until ``deadline``."""
    while time.time() < deadline:
        if len(emulator.calls("chat.postMessage")) - before >= expected:
            return
        time.sleep(0.1)


@dataclass(frozen=True, slots=True)
class ReplyStats:
    """Replies matched to the messages of one phase."""

    latencies_ms: list[float]
    """Latency of the first reply to each answered message, sorted, in milliseconds."""
    not_answered: int
    extra: int
    """Replies after the first to the same message."""
    wrong_text: int
    """First replies whose text is not the one the message's rule produces."""
    stray: int
    """Posts whose ``thread_ts`` is not a message of this phase."""
    last_reply_at: float

    @property
    def answered(self) -> int:
        """Number of messages with at least one reply."""
        return len(self.latencies_ms)

    def latency(self, fraction: float) -> float:
        """Return a percentile of the latency, in milliseconds (``nan`` without replies)."""
        return percentile(self.latencies_ms, fraction)


def match_replies(posts: list[dict[str, Any]], log: SendLog) -> ReplyStats:
    """Pair each post with the message its ``thread_ts`` names, by the emulator's arrival time."""
    first_reply: dict[str, float] = {}
    extra = wrong = stray = 0
    last_at = 0.0
    for post in posts:
        thread_ts = post.get("thread_ts")
        sent_at = log.sent_at.get(thread_ts) if isinstance(thread_ts, str) else None
        if thread_ts is None or sent_at is None:
            stray += 1
            continue
        last_at = max(last_at, float(post["at"]))
        if thread_ts in first_reply:
            extra += 1
            continue
        first_reply[thread_ts] = float(post["at"]) - sent_at
        if post.get("text") != log.message_of[thread_ts].expected_reply:
            wrong += 1

    latencies = sorted(seconds * 1000.0 for seconds in first_reply.values())
    return ReplyStats(
        latencies_ms=latencies,
        not_answered=len(log.sent_at) - len(first_reply),
        extra=extra,
        wrong_text=wrong,
        stray=stray,
        last_reply_at=last_at,
    )
