"""The engine's memory between events: dedupe keys, answered messages, cooldowns, post rates.

Every structure takes the current time as an argument, so offline replays that pass
event times get the same answers as a live run. Each one is bounded, so a responder
that runs for weeks keeps flat memory.
"""

from __future__ import annotations

from collections import OrderedDict, deque
from typing import Hashable

from responder.rules.model import RateLimit

# NOTE: past this many answered messages the oldest are forgotten, so an edit of a message
# answered long before (on a very busy workspace) could be answered again.
MAX_REMEMBERED = 200_000


class ExpiringKeys:
    """Keys remembered for a time window, oldest first, at most ``max_size`` of them."""

    def __init__(self, max_size: int = MAX_REMEMBERED) -> None:
        self._stored_at: OrderedDict[Hashable, float] = OrderedDict()
        self._max_size = max_size

    def __len__(self) -> int:
        return len(self._stored_at)

    def seen_within(self, key: Hashable, now: float, window: float) -> bool:
        """True when ``key`` was stored less than ``window`` seconds before ``now``."""
        self._expire(now, window)
        return self.contains_within(key, now, window)

    def contains_within(self, key: Hashable, now: float, window: float) -> bool:
        """Like :meth:`seen_within`, without dropping expired keys, so nothing changes."""
        stored_at = self._stored_at.get(key)
        return stored_at is not None and now - stored_at < window

    def store(self, key: Hashable, now: float) -> None:
        """Remember ``key`` from ``now`` on."""
        self._stored_at[key] = now
        self._stored_at.move_to_end(key)
        while len(self._stored_at) > self._max_size:
            self._stored_at.popitem(last=False)

    def _expire(self, now: float, window: float) -> None:
        # Keys arrive in time order, so the expired ones are at the front. A replay whose
        # clock goes backwards only delays expiry, so no key is dropped too early.
        while self._stored_at:
            key, stored_at = next(iter(self._stored_at.items()))
            if now - stored_at < window:
                return
            del self._stored_at[key]


class RememberedKeys:
    """Keys remembered without a time limit; past ``max_size`` the oldest are forgotten."""

    def __init__(self, max_size: int = MAX_REMEMBERED) -> None:
        self._keys: OrderedDict[Hashable, None] = OrderedDict()
        self._max_size = max_size

    def __contains__(self, key: Hashable) -> bool:
        return key in self._keys

    def __len__(self) -> int:
        return len(self._keys)

    def add(self, key: Hashable) -> None:
        """Remember ``key``."""
        self._keys[key] = None
        while len(self._keys) > self._max_size:
            self._keys.popitem(last=False)


class ReplyLimiter:
    """A sliding window per channel over the posts planned there."""

    def __init__(self) -> None:
        self._sent_at: dict[str, deque[float]] = {}

    def allows(self, channel: str, now: float, limit: RateLimit) -> bool:
        """True when one more post in ``channel`` at ``now`` stays within ``limit``."""
        times = self._sent_at.get(channel)
        if times is None:
            return True

        while times and now - times[0] >= limit.seconds:
            times.popleft()
        if not times:
            del self._sent_at[channel]
            return True
        return len(times) < limit.count

    def record(self, channel: str, now: float) -> None:
        """Count one post in ``channel`` at ``now``."""
        self._sent_at.setdefault(channel, deque()).append(now)

    def copy(self) -> ReplyLimiter:
        """Return an independent copy, for planning that must leave this one as it is."""
        duplicate = ReplyLimiter()
        duplicate._sent_at = {channel: deque(times) for channel, times in self._sent_at.items()}
        return duplicate

    def blocked_channels(self, now: float, limit: RateLimit) -> tuple[str, ...]:
        """Return the channels where the next post would be dropped at ``now``."""
        return tuple(channel for channel in list(self._sent_at) if not self.allows(channel, now, limit))


class Cooldowns:
    """The time each cooldown key stays silent until; past ``max_size`` keys the oldest go."""

    def __init__(self, max_size: int = MAX_REMEMBERED) -> None:
        self._until: OrderedDict[Hashable, float] = OrderedDict()
        self._max_size = max_size

    def __len__(self) -> int:
        return len(self._until)

    def running_until(self, key: Hashable, now: float) -> float | None:
        """Return when the cooldown of ``key`` ends, or None when none runs at ``now``."""
        until = self._until.get(key)
        if until is None or now >= until:
            return None
        return until

    def start(self, key: Hashable, until: float) -> None:
        """Keep ``key`` silent until ``until``."""
        self._until[key] = until
        self._until.move_to_end(key)
        while len(self._until) > self._max_size:
            self._until.popitem(last=False)
