"""Opening an event: the detail screen, its raw JSON with tokens redacted, and the explanation."""

from __future__ import annotations

import json
from typing import Any

from responder.decisions import Decision
from responder.tui.detail import (
    EXPLAIN_MISSING,
    REDACTED,
    DetailScreen,
    raw_json,
    redact,
)
from tests.tui.tui_helpers import (
    SIZE,
    RecordingControls,
    decision,
    event,
    fired,
    make_app,
    run,
    wait_for,
)

RAW = {
    "type": "message",
    "channel": "C0TEST1",
    "user": "U0TEST1",
    "text": "my token is xoxb-1234-5678-abcdef, oops",
    "ts": "1700000136.000001",
    "blocks": [{"text": {"text": "xapp-1-A0-99-ff and xoxp-77-88"}}],
}


def _detail(app: Any) -> DetailScreen:
    screen = app.screen
    assert isinstance(screen, DetailScreen)
    return screen


def test_redact_replaces_every_token_kind() -> None:
    for token in ("xoxb-1-2-abc", "xoxa-2-x", "xoxp-3-y", "xoxr-4-z", "xapp-1-A0-1-f"):
        assert redact(f"before {token} after") == f"before {REDACTED} after"
    assert redact({"nested": [token for token in ("xoxb-9", "plain")]}) == {"nested": [REDACTED, "plain"]}
    assert redact("xoxc-not-a-bot-token") == "xoxc-not-a-bot-token"


def test_raw_json_is_pretty_and_redacted() -> None:
    text = raw_json(Decision(event(1, raw=RAW)))

    assert "xoxb-" not in text
    assert "xapp-" not in text
    assert "xoxp-" not in text
    assert text.count(REDACTED) == 3
    assert '\n  "channel": "C0TEST1",' in text
    assert json.loads(text)["ts"] == "1700000136.000001"


def test_enter_opens_detail_with_explanation() -> None:
    async def scenario() -> None:
        app, buffer, controls = make_app()
        async with app.run_test(size=SIZE) as pilot:
            buffer(decision(1, fired("greet"), raw=RAW))
            buffer(decision(2))
            await wait_for(pilot, lambda: app.events.row_count == 2)

            await pilot.press("up", "up", "enter")
            await wait_for(pilot, lambda: isinstance(app.screen, DetailScreen))
            screen = _detail(app)
            await wait_for(pilot, lambda: screen.explanation_text == controls.explanation)

            assert screen.record.decision.event.ts == "1700000136.000001"
            assert controls.calls_to("explain") == [("1700000136.000001",)]
            summary = str(screen.query_one("#summary").render())
            assert "Fired: greet" in summary
            raw = str(screen.query_one("#raw-json").render())
            assert "xoxb-" not in raw
            assert REDACTED in raw

            await pilot.press("escape")
            await wait_for(pilot, lambda: not isinstance(app.screen, DetailScreen))

    run(scenario)


def test_missing_explanation_says_so() -> None:
    async def scenario() -> None:
        controls = RecordingControls()
        controls.explanation = None
        app, buffer, _ = make_app(controls=controls)
        async with app.run_test(size=SIZE) as pilot:
            buffer(decision(1))
            await wait_for(pilot, lambda: app.events.row_count == 1)

            await pilot.press("down", "enter")
            await wait_for(pilot, lambda: isinstance(app.screen, DetailScreen))
            screen = _detail(app)
            await wait_for(pilot, lambda: screen.explanation_text == EXPLAIN_MISSING)

    run(scenario)


def test_failing_explanation_shows_error() -> None:
    class BrokenExplain(RecordingControls):
        def explain(self, decision: Decision) -> str | None:
            raise RuntimeError("engine is gone")

    async def scenario() -> None:
        app, buffer, _ = make_app(controls=BrokenExplain())
        async with app.run_test(size=SIZE) as pilot:
            buffer(decision(1))
            await wait_for(pilot, lambda: app.events.row_count == 1)

            await pilot.press("down", "enter")
            await wait_for(pilot, lambda: isinstance(app.screen, DetailScreen))
            screen = _detail(app)
            await wait_for(pilot, lambda: screen.explanation_text == "explain failed: engine is gone")
            assert app.is_running

    run(scenario)


def test_explanation_is_redacted() -> None:
    async def scenario() -> None:
        controls = RecordingControls()
        controls.explanation = "rule leak: text tested 'xoxb-1-2-secret'"
        app, buffer, _ = make_app(controls=controls)
        async with app.run_test(size=SIZE) as pilot:
            buffer(decision(1))
            await wait_for(pilot, lambda: app.events.row_count == 1)

            await pilot.press("down", "enter")
            await wait_for(pilot, lambda: isinstance(app.screen, DetailScreen))
            screen = _detail(app)
            await wait_for(pilot, lambda: "leak" in screen.explanation_text)

            assert "xoxb-" not in screen.explanation_text

    run(scenario)


def test_click_on_row_opens_detail() -> None:
    async def scenario() -> None:
        app, buffer, _ = make_app()
        async with app.run_test(size=SIZE) as pilot:
            for n in range(1, 4):
                buffer(decision(n))
            await wait_for(pilot, lambda: app.events.row_count == 3)

            await pilot.click("#events", offset=(5, 1))
            await wait_for(pilot, lambda: isinstance(app.screen, DetailScreen))

            assert _detail(app).record.decision.event.text == "line 2"

    run(scenario)


def test_cursor_stays_on_its_event_as_rows_arrive() -> None:
    async def scenario() -> None:
        app, buffer, _ = make_app(max_events=5)
        async with app.run_test(size=SIZE) as pilot:
            for n in range(1, 4):
                buffer(decision(n))
            await wait_for(pilot, lambda: app.events.row_count == 3)
            await pilot.press("up")
            assert app.events.cursor_index() == 2

            for n in range(4, 6):
                buffer(decision(n))
            await wait_for(pilot, lambda: app.state.counters.events == 5)
            await pilot.pause()
            await pilot.press("enter")
            await wait_for(pilot, lambda: isinstance(app.screen, DetailScreen))

            assert _detail(app).record.decision.event.text == "line 3"

    run(scenario)


def test_open_command_without_marked_event_explains() -> None:
    async def scenario() -> None:
        app, _, _ = make_app()
        async with app.run_test(size=SIZE) as pilot:
            await app.run_action("open_event")
            await pilot.pause()

            assert "no event is marked" in app.actions.row_texts()[-1]
            assert not isinstance(app.screen, DetailScreen)

    run(scenario)


def test_main_keys_do_nothing_under_detail() -> None:
    async def scenario() -> None:
        app, buffer, controls = make_app()
        async with app.run_test(size=SIZE) as pilot:
            buffer(decision(1))
            await wait_for(pilot, lambda: app.events.row_count == 1)
            await pilot.press("down", "enter")
            await wait_for(pilot, lambda: isinstance(app.screen, DetailScreen))

            await pilot.press("p", "r")
            await pilot.pause()

            assert not app.events.paused
            assert controls.reload_calls == 0

            await pilot.press("q")
            await wait_for(pilot, lambda: not isinstance(app.screen, DetailScreen))
            assert app.is_running
            assert controls.stop_calls == 0

    run(scenario)
