"""Regular expressions run in time linear in the text, whatever the pattern."""

from __future__ import annotations

import statistics
import time

from tests.engine.helpers import message
from tests.engine.replay import load_engine

NESTED_QUANTIFIERS = """
[[rule]]
name = "catastrophic-elsewhere"
regex = '(a+)+$'
[[rule.action]]
react = "warning"
"""


def median_decide_seconds(length: int, runs: int = 7, per_run: int = 3) -> float:
    """Time ``engine.decide`` on ``length`` a's followed by "!", as the median of ``runs``."""
    engine = load_engine(NESTED_QUANTIFIERS)
    text = "a" * length + "!"
    durations = []
    for run in range(runs):
        events = [message(text, ts=f"{1700000000 + run}.{index:06d}") for index in range(per_run)]
        started = time.perf_counter()
        for item in events:
            decision = engine.decide(item)
            assert decision.fired == ()
        durations.append(time.perf_counter() - started)
    return statistics.median(durations)


def test_nested_quantifiers_run_in_linear_time() -> None:
    # A backtracking engine needs exponential time for (a+)+$ against a...a!; RE2 needs
    # linear time, so ten times the text takes about ten times as long.
    small = median_decide_seconds(10_000)
    large = median_decide_seconds(100_000)

    assert large / small < 30


def test_nested_quantifiers_still_match() -> None:
    engine = load_engine(NESTED_QUANTIFIERS)

    assert engine.decide(message("a" * 100_000)).fired == ("catastrophic-elsewhere",)
