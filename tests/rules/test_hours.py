"""``active_hours`` windows: what they accept, what they reject, and which minutes they hold."""

from __future__ import annotations

import pytest

from responder.rules.hours import MINUTES_PER_DAY, parse_window
from responder.rules.schema import InvalidValue

MON, TUE, WED, THU, FRI, SAT, SUN = range(7)


def minute(clock: str) -> int:
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


@pytest.mark.parametrize(
    ("spec", "days", "start", "end"),
    [
        ("Mon-Fri 09:00-17:30", {MON, TUE, WED, THU, FRI}, 540, 1050),
        ("Sat 10:00-14:00", {SAT}, 600, 840),
        ("Fri-Mon 08:00-12:00", {FRI, SAT, SUN, MON}, 480, 720),
        ("Mon,Wed,Sat-Sun 10:00-12:00", {MON, WED, SAT, SUN}, 600, 720),
        ("monday 9:00-10:00", {MON}, 540, 600),
        ("Sunday-Tuesday 00:00-24:00", {SUN, MON, TUE}, 0, MINUTES_PER_DAY),
        ("09:00-17:00", set(range(7)), 540, 1020),
        ("  Tue   22:00 - 06:00 ", {TUE}, 1320, 360),
    ],
)
def test_window_forms(spec: str, days: set[int], start: int, end: int) -> None:
    window = parse_window(spec)

    assert window.days == frozenset(days)
    assert (window.start, window.end) == (start, end)
    assert window.source == spec


def test_day_window_bounds() -> None:
    window = parse_window("Mon-Fri 09:00-17:30")

    assert window.contains(MON, minute("09:00"))
    assert window.contains(FRI, minute("17:29"))
    assert not window.contains(FRI, minute("17:30"))
    assert not window.contains(TUE, minute("08:59"))
    assert not window.contains(SAT, minute("12:00"))


def test_over_midnight_window_start_day() -> None:
    window = parse_window("Fri 22:00-06:00")

    assert window.contains(FRI, minute("22:00"))
    assert window.contains(FRI, minute("23:59"))
    assert window.contains(SAT, minute("00:00"))
    assert window.contains(SAT, minute("05:59"))
    assert not window.contains(SAT, minute("06:00"))
    assert not window.contains(SAT, minute("22:30"))
    assert not window.contains(FRI, minute("05:00"))


def test_over_midnight_on_sunday_reaches_monday() -> None:
    window = parse_window("Sun 23:00-01:00")

    assert window.contains(MON, minute("00:30"))
    assert not window.contains(SUN, minute("00:30"))


def test_end_24_00_covers_last_minute() -> None:
    window = parse_window("Wed 18:00-24:00")

    assert window.contains(WED, minute("23:59"))
    assert not window.contains(THU, minute("00:00"))


def test_wrapping_day_range_covers_the_weekend() -> None:
    window = parse_window("Fri-Mon 00:00-24:00")

    assert [window.contains(day, 600) for day in range(7)] == [True, False, False, False, True, True, True]


@pytest.mark.parametrize(
    ("spec", "message", "char"),
    [
        ("Thur 09:00-10:00", "unknown day 'Thur'; expected Mon, Tue, Wed, Thu, Fri, Sat or Sun, or the full name (did you mean 'Thu'?)", 0),
        ("Mon-Frday 09:00-10:00", "unknown day 'Frday'", 4),
        ("Mon-Fri", "missing time range in 'Mon-Fri'", None),
        ("Mon 9am-5pm", "invalid time '9am'; write HH:MM on a 24-hour clock, as in 09:00", 4),
        ("Mon 25:00-26:00", "invalid time '25:00'; hours run from 00 to 23", 4),
        ("Mon 10:60-11:00", "invalid time '10:60'; minutes run from 00 to 59", 7),
        ("Mon 10:00-10:00", "the time range '10:00-10:00' is empty; write 00:00-24:00 for a whole day", 4),
        ("Mon 24:00-10:00", "24:00 may only end a time range; start at 00:00", 4),
        ("Mon 10:00", "invalid time range '10:00'; write a start and an end", 4),
        ("Mon 10:00-11:00x", "invalid time '11:00x'", 10),
        ("Mon--Fri 10:00-11:00", "invalid day range 'Mon--Fri'; write one day (Sat) or a range (Mon-Fri)", 0),
        ("Mon-Tue-Wed 10:00-11:00", "invalid day range 'Mon-Tue-Wed'", 0),
        ("Mon,,Fri 10:00-11:00", "empty day in 'Mon,,Fri'", 4),
    ],
)
def test_invalid_windows_point_at_fault(spec: str, message: str, char: int | None) -> None:
    with pytest.raises(InvalidValue) as raised:
        parse_window(spec)

    assert raised.value.message.startswith(message)
    assert raised.value.char == char
