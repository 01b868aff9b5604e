"""The backoff schedule: doubling steps, cap, jitter bounds, floor and reset."""

from __future__ import annotations

import random

import pytest

from responder.slack.backoff import Backoff


def test_default_schedule_doubles_from_one_second() -> None:
    backoff = Backoff()

    nominal = [backoff.nominal(attempt) for attempt in range(1, 9)]

    assert nominal == [1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 60.0, 60.0]


def test_default_bounds_are_a_quarter_either_side() -> None:
    backoff = Backoff()

    assert backoff.bounds(1) == (0.75, 1.25)
    assert backoff.bounds(2) == (1.5, 2.5)
    assert backoff.bounds(3) == (3.0, 5.0)
    assert backoff.bounds(20) == (45.0, 75.0)


def test_delays_stay_within_bounds() -> None:
    backoff = Backoff(rng=random.Random(7))

    for attempt in range(1, 12):
        delay = backoff.next_delay()
        low, high = backoff.bounds(attempt)
        assert low <= delay <= high


def test_delays_vary_with_jitter() -> None:
    delays = {Backoff(rng=random.Random(seed)).next_delay() for seed in range(20)}

    assert len(delays) > 1


def test_no_delay_under_the_minimum() -> None:
    backoff = Backoff(0.1, minimum=0.5)

    assert backoff.bounds(1) == (0.5, 0.5)
    assert backoff.next_delay() == 0.5


def test_reset_starts_from_the_first_step() -> None:
    backoff = Backoff(rng=random.Random(1))
    for _ in range(4):
        backoff.next_delay()

    backoff.reset()

    assert backoff.attempts == 0
    assert backoff.next_delay() <= 1.25
    assert backoff.attempts == 1


def test_huge_attempt_numbers_stay_at_the_cap() -> None:
    assert Backoff().nominal(10_000) == 60.0


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"base": 0}, "base must be positive"),
        ({"factor": 0.5}, "factor must be at least 1"),
        ({"base": 10, "cap": 5}, "must not be under its base"),
        ({"jitter": 1.0}, "jitter must be in"),
        ({"minimum": -1}, "minimum must not be negative"),
    ],
)
def test_invalid_settings_are_rejected(arguments: dict[str, float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Backoff(**arguments)  # type: ignore[arg-type]
