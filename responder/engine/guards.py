"""The engine's memory between events: dedupe keys, answered messages, cooldowns, post rates.

Every structure takes the current time as an argument, so offline replays that pass
event times get the same answers as a live run. Each one is bounded, so a responder
that runs for weeks keeps flat memory.

The keyed structures store a 60-bit digest of each key in place of the key, in
containers that hold only ints and floats. CPython does not track a dict whose keys and
values are all ints or floats, so full garbage collections, which stop every thread,
never walk these entries however many there are.
"""

from __future__ import annotations

from array import array
from collections import deque
from typing import Hashable

from responder.rules.model import RateLimit

# NOTE: past this many answered messages the oldest are forgotten, so an edit of a message
# answered long before (on a very busy workspace) could be answered again.
MAX_REMEMBERED = 200_000

DIGEST_MASK = (1 << 60) - 1
"""Digests keep 60 bits, so each is a two-digit int of 32 bytes rather than 36."""

_TRIM_AFTER = 4096
"""The number of dropped entries at the front of a queue's arrays before the arrays are shifted down."""


def key_digest(key: Hashable) -> int:
    """Fold ``key`` into a 60-bit integer that stands for it in the guard structures.

    Equal keys always get equal digests, so a stored key is never missed. A lookup among
    n stored keys meets a different key's digest with a chance of about n / 2**60, under
    2e-13 at the 200,000 keys of ``MAX_REMEMBERED``. Such a collision could at worst make
    one event look like a duplicate or already answered. The digest is Python's ``hash``,
    which for the tuples of strings used here mixes SipHash values of the strings, salted
    per process. Digests therefore differ between processes and are never stored on disk.
    """
    return hash(key) & DIGEST_MASK


class DigestQueue:
    """Digests with one float each, in the order they were last put, at most ``max_size``.

    Putting a digest again gives it a new entry at the back, and its older entry stays
    behind as a stale one that lookups ignore. The entries live in two arrays with a
    moving front, so dropping the oldest costs O(1) amortised.
    """

    def __init__(self, max_size: int) -> None:
        if max_size < 1:
            raise ValueError(f"max_size must be at least 1, got {max_size}")
        self._max_size = max_size
        self._positions: dict[int, int] = {}
        """Digest → absolute position of its newest entry."""
        self._digests = array("q")
        self._values = array("d")
        self._base = 0
        """Absolute position of index 0 of the arrays."""
        self._front = 0
        """Index of the first entry not yet dropped."""

    def __len__(self) -> int:
        return len(self._positions)

    def get(self, digest: int) -> float | None:
        """Return the value last put for ``digest``, or None when it is not stored."""
        position = self._positions.get(digest)
        if position is None:
            return None
        return self._values[position - self._base]

    def put(self, digest: int, value: float) -> None:
        """Store ``value`` for ``digest`` as the newest entry, dropping the oldest past the cap."""
        self._positions[digest] = self._base + len(self._digests)
        self._digests.append(digest)
        self._values.append(value)
        while len(self._positions) > self._max_size:
            self.drop_oldest()

        # Stale entries of digests put again would otherwise pile up until they reach the front.
        if len(self._digests) - self._front > 2 * self._max_size:
            self._compact()

    def oldest(self) -> tuple[int, float] | None:
        """Return the oldest stored digest and its value, or None when empty."""
        while self._front < len(self._digests):
            digest = self._digests[self._front]
            if self._positions.get(digest) == self._base + self._front:
                return digest, self._values[self._front]
            self._front += 1
        return None

    def drop_oldest(self) -> None:
        """Forget the oldest stored digest, if any."""
        oldest = self.oldest()
        if oldest is None:
            return
        del self._positions[oldest[0]]
        self._front += 1
        if self._front >= _TRIM_AFTER and 2 * self._front >= len(self._digests):
            self._trim()

    def _trim(self) -> None:
        del self._digests[: self._front]
        del self._values[: self._front]
        self._base += self._front
        self._front = 0

    def _compact(self) -> None:
        live = [(digest, self._values[position - self._base]) for digest, position in self._positions.items()]
        live.sort(key=lambda entry: self._positions[entry[0]])
        self._base += len(self._digests)
        self._front = 0
        self._digests = array("q", (digest for digest, _value in live))
        self._values = array("d", (value for _digest, value in live))
        self._positions = {digest: self._base + index for index, (digest, _value) in enumerate(live)}


class ExpiringKeys:
    """Keys remembered for a time window, oldest first, at most ``max_size`` of them."""

    def __init__(self, max_size: int = MAX_REMEMBERED) -> None:
        self._stored_at = DigestQueue(max_size)

    def __len__(self) -> int:
        return len(self._stored_at)

    def seen_within(self, key: Hashable, now: float, window: float) -> bool:
        """True when ``key`` was stored less than ``window`` seconds before ``now``."""
        self._expire(now, window)
        return self.contains_within(key, now, window)

    def contains_within(self, key: Hashable, now: float, window: float) -> bool:
        """Like :meth:`seen_within`, without dropping expired keys, so nothing changes."""
        stored_at = self._stored_at.get(key_digest(key))
        return stored_at is not None and now - stored_at < window

    def store(self, key: Hashable, now: float) -> None:
        """Remember ``key`` from ``now`` on."""
        self._stored_at.put(key_digest(key), now)

    def _expire(self, now: float, window: float) -> None:
        # Keys arrive in time order, so the expired ones are at the front. A replay whose
        # clock goes backwards only delays expiry, so no key is dropped too early.
        while True:
            oldest = self._stored_at.oldest()
            if oldest is None or now - oldest[1] < window:
                return
            self._stored_at.drop_oldest()


class RememberedKeys:
    """Keys remembered without a time limit; past ``max_size`` the oldest are forgotten.

    Adding a key that is already remembered changes nothing, so it keeps its place in line.
    """

    def __init__(self, max_size: int = MAX_REMEMBERED) -> None:
        self._keys = DigestQueue(max_size)

    def __contains__(self, key: Hashable) -> bool:
        return self._keys.get(key_digest(key)) is not None

    def __len__(self) -> int:
        return len(self._keys)

    def add(self, key: Hashable) -> None:
        """Remember ``key``."""
        digest = key_digest(key)
        if self._keys.get(digest) is None:
            self._keys.put(digest, 0.0)


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
        self._until = DigestQueue(max_size)

    def __len__(self) -> int:
        return len(self._until)

    def running_until(self, key: Hashable, now: float) -> float | None:
        """Return when the cooldown of ``key`` ends, or None when none runs at ``now``."""
        until = self._until.get(key_digest(key))
        if until is None or now >= until:
            return None
        return until

    def start(self, key: Hashable, until: float) -> None:
        """Keep ``key`` silent until ``until``."""
        self._until.put(key_digest(key), until)
