"""Exponential backoff with jitter, for reconnects and Web API retries."""

from __future__ import annotations

import random


class Backoff:
    """Delays that double from ``base`` up to ``cap``, each varied by ``±jitter``.

    With the defaults, the n-th delay is drawn uniformly from
    ``[0.75, 1.25] × min(60, 2 ** (n - 1))`` seconds: about 1 s, 2 s, 4 s, 8 s, 16 s,
    32 s, then 60 s for every later attempt. The cap applies before the jitter, so a
    delay is at most 75 s, and no delay is ever shorter than ``minimum`` (0.5 s).
    The object counts the delays it has handed out until ``reset()``; it is meant
    for one thread.
    """

    def __init__(
        self,
        base: float = 1.0,
        *,
        factor: float = 2.0,
        cap: float = 60.0,
        jitter: float = 0.25,
        minimum: float = 0.5,
        rng: random.Random | None = None,
    ) -> None:
        if base <= 0:
            raise ValueError(f"backoff base must be positive, got {base}")
        if factor < 1:
            raise ValueError(f"backoff factor must be at least 1, got {factor}")
        if cap < base:
            raise ValueError(f"backoff cap ({cap}) must not be under its base ({base})")
        if not 0 <= jitter < 1:
            raise ValueError(f"backoff jitter must be in [0, 1), got {jitter}")
        if minimum < 0:
            raise ValueError(f"backoff minimum must not be negative, got {minimum}")

        self.base = base
        self.factor = factor
        self.cap = cap
        self.jitter = jitter
        self.minimum = minimum
        self._rng = rng or random.Random()
        self._attempts = 0

    @property
    def attempts(self) -> int:
        """Number of delays handed out since the last reset."""
        return self._attempts

    def nominal(self, attempt: int) -> float:
        """Return the delay for ``attempt`` (1-based) before jitter."""
        if attempt < 1:
            raise ValueError(f"attempt numbers start at 1, got {attempt}")
        exponent = min(attempt - 1, 64)
        return float(min(self.cap, self.base * self.factor**exponent))

    def bounds(self, attempt: int) -> tuple[float, float]:
        """Return the shortest and longest delay that ``attempt`` (1-based) can get."""
        nominal = self.nominal(attempt)
        low = max(self.minimum, nominal * (1 - self.jitter))
        high = max(self.minimum, nominal * (1 + self.jitter))
        return low, high

    def next_delay(self) -> float:
        """Count one more attempt and return its delay in seconds."""
        self._attempts += 1
        low, high = self.bounds(self._attempts)
        return self._rng.uniform(low, high)

    def reset(self) -> None:
        """Start again from the first delay."""
        self._attempts = 0
