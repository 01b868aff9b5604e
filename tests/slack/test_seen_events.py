"""The memory of event ids that keeps redelivered Socket Mode events from being passed on twice."""

from __future__ import annotations

import pytest

from responder.slack.seen_events import SeenEvents


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_second_sighting_is_rejected() -> None:
    seen = SeenEvents()

    assert seen.add("Ev1") is True
    assert seen.add("Ev1") is False
    assert seen.add("Ev2") is True


def test_id_is_forgotten_after_window() -> None:
    clock = FakeClock()
    seen = SeenEvents(window=60.0, clock=clock)
    seen.add("Ev1")

    clock.now += 59.0
    assert seen.add("Ev1") is False
    clock.now += 2.0
    assert seen.add("Ev1") is True


def test_oldest_id_is_dropped_at_capacity() -> None:
    seen = SeenEvents(capacity=3)
    for event_id in ("Ev1", "Ev2", "Ev3", "Ev4"):
        seen.add(event_id)

    assert len(seen) == 3
    assert seen.add("Ev1") is True
    assert seen.add("Ev4") is False


def test_memory_stays_bounded_under_load() -> None:
    clock = FakeClock()
    seen = SeenEvents(window=10.0, capacity=1000, clock=clock)
    for number in range(5000):
        clock.now += 0.001
        seen.add(f"Ev{number}")

    assert len(seen) == 1000


@pytest.mark.parametrize(("window", "capacity"), [(0.0, 10), (-1.0, 10), (10.0, 0)])
def test_invalid_limits_are_rejected(window: float, capacity: int) -> None:
    with pytest.raises(ValueError):
        SeenEvents(window=window, capacity=capacity)
