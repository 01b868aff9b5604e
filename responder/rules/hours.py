"""``active_hours`` windows such as ``"Mon-Fri 09:00-17:30"``: parsing and testing a time.

A window names days (single days, ranges such as ``Mon-Fri``, ranges that wrap around
the week such as ``Fri-Mon``, or several joined by commas) and one time range. Without
days it applies every day. An end of ``24:00`` means midnight at the end of the day,
and a range whose end comes before its start (``22:00-06:00``) runs over midnight and
belongs to the day it starts on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from responder.rules.schema import InvalidValue, did_you_mean

DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
FULL_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MINUTES_PER_DAY = 24 * 60

EXAMPLE = '"Mon-Fri 09:00-17:30"'

_DAY_NUMBERS = {name.casefold(): number for number, name in enumerate(DAY_NAMES)} | {
    name.casefold(): number for number, name in enumerate(FULL_DAY_NAMES)
}
_TIME = re.compile(r"(\d{1,2}):(\d{2})")
_WORD = re.compile(r"[^\s,-]+")


@dataclass(frozen=True, slots=True)
class ActiveWindow:
    """One parsed window: weekdays (0 is Monday) and minutes since midnight.

    ``end`` runs from 1 to 1440. An ``end`` at or before ``start`` marks a window that
    runs over midnight into the next day.
    """

    source: str
    days: frozenset[int]
    start: int
    end: int

    def contains(self, weekday: int, minute: int) -> bool:
        """Tell whether minute ``minute`` of weekday ``weekday`` falls inside the window."""
        if self.start < self.end:
            return weekday in self.days and self.start <= minute < self.end
        if weekday in self.days and minute >= self.start:
            return True
        return (weekday - 1) % 7 in self.days and minute < self.end


def parse_window(text: str) -> ActiveWindow:
    """Read one window; raise :class:`InvalidValue` pointing at the offending character."""
    first_digit = next((index for index, char in enumerate(text) if char.isdigit()), None)
    if first_digit is None:
        raise InvalidValue(
            f"missing time range in {text!r}; write days and a time range, as in {EXAMPLE}"
        )

    days_part = text[:first_digit]
    days = _parse_days(days_part) if days_part.strip() else frozenset(range(7))
    start, end = _parse_times(text, first_digit)
    return ActiveWindow(text, days, start, end)


def _parse_days(part: str) -> frozenset[int]:
    """Read ``Mon-Fri``, ``Sat``, ``Fri-Mon`` or several of them joined by commas."""
    days: set[int] = set()
    position = 0
    for item in part.split(","):
        if not item.strip():
            raise InvalidValue(
                f"empty day in {part.strip()!r}; list days as in Mon,Wed or Mon-Fri",
                char=min(position, len(part) - 1),
            )
        days.update(_parse_day_range(item, position))
        position += len(item) + 1
    return frozenset(days)


def _parse_day_range(item: str, offset: int) -> list[int]:
    names = list(_WORD.finditer(item))
    dashes = item.count("-")
    if len(names) not in (1, 2) or dashes != len(names) - 1:
        raise InvalidValue(
            f"invalid day range {item.strip()!r}; write one day (Sat) or a range (Mon-Fri)",
            char=offset + (names[0].start() if names else 0),
        )

    numbers = [_day_number(name.group(), offset + name.start()) for name in names]
    first, last = numbers[0], numbers[-1]
    count = (last - first) % 7 + 1
    return [(first + step) % 7 for step in range(count)]


def _day_number(name: str, char: int) -> int:
    number = _DAY_NUMBERS.get(name.casefold())
    if number is None:
        listed = ", ".join(DAY_NAMES[:-1]) + " or " + DAY_NAMES[-1]
        hint = did_you_mean(name.capitalize(), DAY_NAMES + FULL_DAY_NAMES)
        raise InvalidValue(f"unknown day {name!r}; expected {listed}, or the full name{hint}", char=char)
    return number


def _parse_times(text: str, at: int) -> tuple[int, int]:
    """Read ``HH:MM-HH:MM`` starting at offset ``at`` of ``text``."""
    body = text[at:].rstrip()
    start_text, dash, end_text = body.partition("-")
    if not dash or not end_text.strip():
        raise InvalidValue(
            f"invalid time range {body!r}; write a start and an end, as in {EXAMPLE}", char=at
        )

    start = _minutes(start_text.rstrip(), at, is_end=False)
    end_at = at + len(start_text) + 1 + (len(end_text) - len(end_text.lstrip()))
    end = _minutes(end_text.strip(), end_at, is_end=True)
    if start == end:
        raise InvalidValue(
            f"the time range {body!r} is empty; write 00:00-24:00 for a whole day", char=at
        )
    return start, end


def _minutes(clock: str, char: int, is_end: bool) -> int:
    """Convert ``HH:MM`` to minutes since midnight; ``24:00`` only as an end."""
    match = _TIME.fullmatch(clock)
    if match is None:
        raise InvalidValue(
            f"invalid time {clock!r}; write HH:MM on a 24-hour clock, as in 09:00", char=char
        )

    hours, minutes = int(match.group(1)), int(match.group(2))
    if minutes > 59:
        raise InvalidValue(
            f"invalid time {clock!r}; minutes run from 00 to 59", char=char + match.start(2)
        )
    if hours == 24 and minutes == 0:
        if not is_end:
            raise InvalidValue("24:00 may only end a time range; start at 00:00", char=char)
        return MINUTES_PER_DAY
    if hours > 23:
        raise InvalidValue(
            f"invalid time {clock!r}; hours run from 00 to 23 (24:00 may end a range)", char=char
        )
    return hours * 60 + minutes
