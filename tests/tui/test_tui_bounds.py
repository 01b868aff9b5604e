"""Bounds on what the screen keeps per event, so that its memory stays flat for weeks."""

from __future__ import annotations

import gc

from responder.record_buffer import RecordBuffer
from responder.records import DecisionMade
from responder.tui.app import ResponderApp
from tests.tui.tui_helpers import NO_KEYMAP, SIZE, RecordingControls, decision, make_app, run, wait_for


def decisions_alive() -> int:
    gc.collect()
    return sum(isinstance(item, DecisionMade) for item in gc.get_objects())


def test_buffer_drops_oldest_past_cap() -> None:
    buffer = RecordBuffer(max_records=3)
    for n in range(1, 6):
        buffer(decision(n))

    drained = buffer.drain()

    assert [record.decision.event.text for record in drained if isinstance(record, DecisionMade)] == [
        "line 3",
        "line 4",
        "line 5",
    ]
    assert buffer.take_dropped() == 2
    assert buffer.take_dropped() == 0


def test_buffer_rejects_empty_cap() -> None:
    try:
        RecordBuffer(max_records=0)
    except ValueError as error:
        assert "max_records" in str(error)
    else:
        raise AssertionError("RecordBuffer(max_records=0) was accepted")


def test_app_notes_dropped_records() -> None:
    async def scenario() -> None:
        buffer = RecordBuffer(max_records=10)
        app = ResponderApp(
            buffer, RecordingControls(), refresh_interval=0.02, keymap_file=NO_KEYMAP, watch_rules=False
        )
        for n in range(1, 26):
            buffer(decision(n))

        async with app.run_test(size=SIZE) as pilot:
            await wait_for(pilot, lambda: app.state.counters.events == 10)
            await pilot.pause(0.05)

            assert app.records_dropped == 15
            assert any("15 records dropped" in row for row in app.actions.row_texts())

    run(scenario)


def test_paused_stream_keeps_two_caps_of_records() -> None:
    async def scenario() -> None:
        app, buffer, _ = make_app(max_events=50)
        async with app.run_test(size=SIZE) as pilot:
            for n in range(1, 51):
                buffer(decision(n, raw={"text": f"line {n}", "blocks": [{"type": "rich_text"}]}))
            await wait_for(pilot, lambda: app.events.row_count == 50)
            await pilot.press("p")

            for n in range(51, 551):
                buffer(decision(n, raw={"text": f"line {n}", "blocks": [{"type": "rich_text"}]}))
            await wait_for(pilot, lambda: app.state.counters.events == 550)
            await pilot.pause(0.05)

            assert app.events.held_count == 500
            assert decisions_alive() <= 100

    run(scenario)


def test_memory_flat_over_many_batches() -> None:
    async def scenario() -> None:
        app, buffer, _ = make_app(max_events=100)
        async with app.run_test(size=SIZE) as pilot:
            tracked: list[int] = []
            for round_number in range(20):
                first = round_number * 200 + 1
                for n in range(first, first + 200):
                    buffer(decision(n, raw={"text": f"line {n}"}))
                await wait_for(pilot, lambda: app.state.counters.events == first + 199)
                await pilot.pause(0.05)
                gc.collect()
                tracked.append(len(gc.get_objects()))

            # The first rounds fill the bounded row and render caches; after that nothing grows.
            assert decisions_alive() <= 200
            assert tracked[-1] - tracked[9] < 300, tracked

    run(scenario)
