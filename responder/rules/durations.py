"""Durations such as ``"30s"`` or ``"1h30m"``, and rates such as ``"10/60s"``."""

from __future__ import annotations

import re

from responder.rules.model import RateLimit

SECONDS_PER_UNIT = {"s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}

_PART = re.compile(r"(\d+(?:\.\d+)?)([smhd])")
_RATE = re.compile(r"\s*(\d+)\s*/\s*(\S+)\s*")

DURATION_HELP = 'write a number and a unit (s, m, h, d), for example "30s", "10m" or "1h30m"'


class DurationError(ValueError):
    """A duration or rate that cannot be parsed; the message shows the expected form."""


def parse_duration(text: str) -> float:
    """Return the number of seconds in ``text``, a sequence of number-and-unit parts.

    Units run from largest to smallest and appear once each, so ``"1h30m"`` is valid and
    ``"30m1h"`` is not. A duration of zero is valid.
    """
    compact = text.strip()
    if not compact:
        raise DurationError(f"empty duration; {DURATION_HELP}")

    total = 0.0
    position = 0
    previous_unit_size = float("inf")
    while position < len(compact):
        match = _PART.match(compact, position)
        if match is None:
            raise DurationError(f"invalid duration {text!r}; {DURATION_HELP}")
        unit_size = SECONDS_PER_UNIT[match.group(2)]
        if unit_size >= previous_unit_size:
            raise DurationError(
                f'invalid duration {text!r}; give each unit once, largest first, as in "1h30m"'
            )
        total += float(match.group(1)) * unit_size
        previous_unit_size = unit_size
        position = match.end()

    return total


def parse_rate(text: str) -> RateLimit:
    """Read a rate such as ``"10/60s"``: at most 10 posts in any 60-second window."""
    match = _RATE.fullmatch(text)
    if match is None:
        raise DurationError(
            f'invalid rate {text!r}; write a count, a slash and a duration, as in "10/60s"'
        )

    count = int(match.group(1))
    if count < 1:
        raise DurationError(f"invalid rate {text!r}; the count must be at least 1")

    seconds = parse_duration(match.group(2))
    if seconds <= 0:
        raise DurationError(f"invalid rate {text!r}; the window must be longer than zero")
    return RateLimit(count, seconds)
