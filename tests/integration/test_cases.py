"""Each recorded case: its rules and events through the real responder and emulator."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from responder.emulator import Emulator
from tests.integration.harness import (
    TOKEN,
    TRANSPORTS,
    assert_calls_match,
    connect_calls,
    read_jsonl,
    start_responder,
    wait_for_action_calls,
)

CASES = Path(__file__).parent.parent / "cases"
CASE_NAMES = sorted(path.name for path in CASES.iterdir() if (path / "rules.toml").exists())
EVENT_GAP = 0.03


@pytest.mark.parametrize("transport", TRANSPORTS)
@pytest.mark.parametrize("name", CASE_NAMES)
def test_case_makes_exactly_the_expected_calls(name: str, transport: str) -> None:
    case = CASES / name
    events = read_jsonl(case / "events.jsonl")
    expected = read_jsonl(case / "calls.jsonl")

    with Emulator() as emulator:
        runtime, collected = start_responder(emulator, case / "rules.toml", transport)
        try:
            for event in events:
                emulator.send_event(event)
                time.sleep(EVENT_GAP)
            actual = wait_for_action_calls(emulator, len(expected))
        finally:
            runtime.stop()

    assert_calls_match(actual, expected)
    assert connect_calls(emulator, transport) == 1
    for record in collected.snapshot():
        assert TOKEN not in repr(record)
