"""Per-channel queues shared by the outbox's worker threads, with pacing and retry times.

Each channel has a first-in-first-out queue. Its head is the only entry that may be in
flight, so a channel's calls never overlap or overtake each other. A channel whose head
may start is kept in one heap, ordered by the time it may start: the later of its retry
time and, for a post, the pace (``interval`` seconds after its previous post started).
A worker takes the earliest channel whose time has come, so a rate-limited or paced
channel waits in the heap and holds up no worker and no other channel.
"""

from __future__ import annotations

import collections
import heapq
import itertools
import threading
import time
from dataclasses import dataclass, field
from typing import Callable

from responder.decisions import PlannedAction
from responder.slack.backoff import Backoff
from responder.slack.outbox_calls import PACED_METHODS


@dataclass(slots=True, eq=False)
class Delivery:
    """A queued action and its retry state.

    ``journaled`` is False for the outbox's own notices, which have no journal entry.
    """

    action: PlannedAction
    journaled: bool = True
    retries: int = 0
    backoff: Backoff | None = None


@dataclass(slots=True, eq=False)
class _Channel:
    queue: collections.deque[Delivery] = field(default_factory=collections.deque)
    busy: bool = False
    scheduled: bool = False
    next_post_at: float = -float("inf")
    retry_at: float = -float("inf")


class ChannelQueues:
    """The queues of every channel, safe to use from any thread."""

    def __init__(self, interval: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._interval = interval
        self._clock = clock
        self._lock = threading.Lock()
        self._ready = threading.Condition(self._lock)
        self._drained = threading.Condition(self._lock)
        self._channels: dict[str, _Channel] = {}
        self._heap: list[tuple[float, int, str]] = []
        self._order = itertools.count()
        self._pending = 0
        self._closing = False
        self._abandoned = False
        self._stopped = False
        # True from a wake-up call until a worker looks at the heap, so that a burst of
        # new entries wakes one worker instead of one per entry. Each worker that takes an
        # entry wakes the next one while ready entries remain.
        self._waking = False
        self._sweep_at = 1024

    def put(self, deliveries: list[Delivery]) -> bool:
        """Append ``deliveries`` to their channels' queues in one step.

        Returns False, and queues none of them, once the outbox is closing.
        """
        with self._lock:
            if self._closing:
                return False
            for delivery in deliveries:
                name = delivery.action.channel
                channel = self._channels.get(name)
                if channel is None:
                    channel = self._add_channel(name)
                channel.queue.append(delivery)
                self._pending += 1
                if not channel.busy and not channel.scheduled:
                    self._schedule(name, channel)
            return True

    def take(self) -> Delivery | None:
        """Block until a channel's head may start, mark it in flight and return it.

        Returns None once :meth:`stop` was called, which ends the worker.
        """
        with self._lock:
            while not self._stopped:
                self._waking = False
                if not self._heap:
                    self._ready.wait()
                    continue
                start_at, _, name = self._heap[0]
                now = self._clock()
                if start_at > now:
                    self._ready.wait(start_at - now)
                    continue

                heapq.heappop(self._heap)
                channel = self._channels[name]
                channel.scheduled = False
                channel.busy = True
                head = channel.queue[0]
                if head.action.method in PACED_METHODS:
                    channel.next_post_at = now + self._interval
                if self._heap:
                    self._wake_worker()
                return head
            return None

    def finish(
        self, delivery: Delivery, *, drop: Callable[[Delivery], bool] | None = None, first: Delivery | None = None
    ) -> tuple[list[Delivery], bool]:
        """Remove the finished head ``delivery`` from its queue and let the channel go on.

        ``drop`` removes the queued entries for which it returns True. ``first`` is put at
        the front of the queue, unless the outbox has given up on its queue. Returns the
        dropped entries, and whether ``first`` was queued.
        """
        with self._lock:
            channel = self._channels[delivery.action.channel]
            channel.queue.popleft()
            channel.busy = False
            dropped: list[Delivery] = []
            if drop is not None:
                dropped = [entry for entry in channel.queue if drop(entry)]
                kept = [entry for entry in channel.queue if not drop(entry)]
                channel.queue = collections.deque(kept)
            self._pending -= 1 + len(dropped)

            queued_first = first is not None and not self._abandoned
            if first is not None and queued_first:
                channel.queue.appendleft(first)
                self._pending += 1
            self._after_call(delivery.action.channel, channel)
            return dropped, queued_first

    def defer(self, delivery: Delivery, seconds: float) -> bool:
        """Keep the head ``delivery`` and let it start again after ``seconds``.

        Returns False, and removes it, when the outbox has given up on its queue.
        """
        with self._lock:
            channel = self._channels[delivery.action.channel]
            channel.busy = False
            if self._abandoned:
                channel.queue.popleft()
                self._pending -= 1
                self._after_call(delivery.action.channel, channel)
                return False

            channel.retry_at = self._clock() + max(0.0, seconds)
            self._after_call(delivery.action.channel, channel)
            return True

    def pending(self) -> int:
        """Return the number of entries queued or in flight."""
        with self._lock:
            return self._pending

    def drain(self, timeout: float) -> int:
        """Accept no new entries, wait up to ``timeout`` seconds for the queues to empty, and
        return how many entries are left."""
        deadline = time.monotonic() + timeout
        with self._lock:
            self._closing = True
            while self._pending and time.monotonic() < deadline:
                self._drained.wait(deadline - time.monotonic())
            return self._pending

    def abandon(self) -> list[Delivery]:
        """Give up on every entry that is not in flight; return them channel by channel, each channel's in queue order."""
        with self._lock:
            self._abandoned = True
            left: list[Delivery] = []
            for channel in self._channels.values():
                in_flight = channel.queue[0] if channel.busy else None
                left.extend(entry for entry in channel.queue if entry is not in_flight)
                channel.queue = collections.deque([in_flight] if in_flight is not None else [])
                channel.scheduled = False
            self._heap.clear()
            self._pending -= len(left)
            return left

    def stop(self) -> None:
        """Wake every worker and make :meth:`take` return None from now on."""
        with self._lock:
            self._stopped = True
            self._ready.notify_all()

    def _add_channel(self, name: str) -> _Channel:
        if len(self._channels) >= self._sweep_at:
            self._sweep()
        channel = _Channel()
        self._channels[name] = channel
        return channel

    def _sweep(self) -> None:
        """Forget idle channels whose pace and retry time have passed."""
        now = self._clock()
        idle = [
            name
            for name, channel in self._channels.items()
            if not channel.queue and not channel.busy and channel.next_post_at <= now and channel.retry_at <= now
        ]
        for name in idle:
            del self._channels[name]
        self._sweep_at = max(1024, 2 * len(self._channels))

    def _after_call(self, name: str, channel: _Channel) -> None:
        if channel.queue:
            self._schedule(name, channel)
        if not self._pending:
            self._drained.notify_all()

    def _schedule(self, name: str, channel: _Channel) -> None:
        start_at = channel.retry_at
        if channel.queue[0].action.method in PACED_METHODS:
            start_at = max(start_at, channel.next_post_at)
        entry = (start_at, next(self._order), name)
        heapq.heappush(self._heap, entry)
        channel.scheduled = True
        if self._heap[0] is entry:
            self._wake_worker()

    def _wake_worker(self) -> None:
        if not self._waking:
            self._waking = True
            self._ready.notify()
