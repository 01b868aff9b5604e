"""Durations and rates as written in the settings."""

from __future__ import annotations

import pytest

from responder.rules.durations import DurationError, parse_duration, parse_rate
from responder.rules.model import RateLimit


@pytest.mark.parametrize(
    "text, seconds",
    [
        ("30s", 30.0),
        ("10m", 600.0),
        ("2h", 7200.0),
        ("1d", 86400.0),
        ("1h30m", 5400.0),
        ("1d2h3m4s", 93784.0),
        ("1.5m", 90.0),
        (" 0s ", 0.0),
    ],
)
def test_duration_seconds(text: str, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "10", "10 m", "m10", "10x", "30m1h", "1h1h", "-5s", "1h 30m"])
def test_invalid_durations(text: str) -> None:
    with pytest.raises(DurationError):
        parse_duration(text)


def test_duration_error_explains_order() -> None:
    with pytest.raises(DurationError, match="largest first"):
        parse_duration("30m1h")


@pytest.mark.parametrize(
    "text, rate",
    [
        ("10/60s", RateLimit(10, 60.0)),
        ("5/1m", RateLimit(5, 60.0)),
        (" 100 / 1h ", RateLimit(100, 3600.0)),
    ],
)
def test_rates(text: str, rate: RateLimit) -> None:
    assert parse_rate(text) == rate


@pytest.mark.parametrize("text", ["10", "10/", "/60s", "0/60s", "10/0s", "ten/60s", "10/60"])
def test_invalid_rates(text: str) -> None:
    with pytest.raises(DurationError):
        parse_rate(text)
