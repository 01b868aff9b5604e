"""The header, names in the stream, the rules table's columns and the actions pane's title."""

from __future__ import annotations

import time

from rich.text import Text

from responder.decisions import SkippedAction
from responder.record_buffer import RuleSwitches
from responder.records import ConnectionState, Notice
from responder.tui.rules_table import state_cell
from tests.tui.tui_helpers import (
    SIZE,
    RecordingControls,
    decision,
    fired,
    frozen_clock,
    make_app,
    not_fired,
    planned,
    result,
    rules_loaded,
    run,
    wait_for,
)


def _named_controls() -> RecordingControls:
    controls = RecordingControls()
    controls.channel_names = {"C0TEST1": "general"}
    controls.user_names = {"U0TEST1": "alice"}
    return controls


def test_header_shows_uptime_and_event_rate() -> None:
    async def scenario() -> None:
        app, buffer, _ = make_app(clock=frozen_clock(uptime=3_723.0))
        async with app.run_test(size=SIZE) as pilot:
            buffer(ConnectionState(time.time(), "connected", team="Example Team", bot="autobot", ping_rtt=0.007))
            await wait_for(pilot, lambda: app.state.connection is not None)
            await pilot.pause()

            first_line = app.status_bar.message.splitlines()[0]
            assert "workspace Example Team" in first_line
            assert "bot autobot" in first_line
            assert "connected (ping 7 ms)" in first_line
            assert "up 1:02:03" in first_line
            assert "events/s" in first_line

    run(scenario)


def test_stream_shows_names_where_known() -> None:
    async def scenario() -> None:
        app, buffer, _ = make_app(controls=_named_controls())
        async with app.run_test(size=SIZE) as pilot:
            buffer(decision(1))
            buffer(decision(2, channel="C0OTHER", user="U0OTHER"))
            await wait_for(pilot, lambda: app.events.row_count == 2)

            named, unnamed = app.events.row_texts()
            assert "#general" in named
            assert "alice" in named
            assert "C0TEST1" not in named
            assert "C0OTHER" in unnamed
            assert "U0OTHER" in unnamed

    run(scenario)


def test_names_arriving_later_redraw_rows() -> None:
    async def scenario() -> None:
        controls = RecordingControls()
        app, buffer, _ = make_app(controls=controls)
        async with app.run_test(size=SIZE) as pilot:
            buffer(decision(1))
            await wait_for(pilot, lambda: app.events.row_count == 1)
            assert "C0TEST1" in app.events.visible_row_texts()[0]

            controls.channel_names = {"C0TEST1": "general"}
            buffer(decision(2))
            await wait_for(pilot, lambda: app.events.row_count == 2)

            assert "#general" in app.events.visible_row_texts()[0]

    run(scenario)


def test_fired_rules_are_highlighted() -> None:
    async def scenario() -> None:
        app, buffer, _ = make_app()
        async with app.run_test(size=SIZE) as pilot:
            buffer(decision(1, fired("greet")))
            await wait_for(pilot, lambda: app.events.row_count == 1)

            row = app.events.format_row(app.events.rows()[0])
            start = row.plain.index("greet")
            styles = [str(span.style) for span in row.spans if span.start <= start < span.end]
            assert "bold green" in styles

    run(scenario)


def test_ignored_events_are_dimmed() -> None:
    async def scenario() -> None:
        app, buffer, _ = make_app()
        async with app.run_test(size=SIZE) as pilot:
            buffer(decision(1, ignored="own message"))
            await wait_for(pilot, lambda: app.events.row_count == 1)

            row: Text = app.events.format_row(app.events.rows()[0])
            assert any(str(span.style) == "dim" and span.end == len(row.plain) for span in row.spans)

    run(scenario)


def test_rules_table_counts_guards_errors_and_last_fired() -> None:
    async def scenario() -> None:
        app, buffer, _ = make_app(controls=_named_controls())
        async with app.run_test(size=SIZE) as pilot:
            buffer(rules_loaded("greet", "marker"))
            limited = SkippedAction("greet", 1, "reply_limit 10/60s reached in C0TEST1")
            missing = SkippedAction("greet", 2, "missing field 'user'")
            buffer(decision(1, fired("greet", planned()), not_fired("marker", "words: no match")))
            buffer(decision(2, fired("greet", skipped=(limited, missing)), at=1_700_000_000.0))
            buffer(decision(3, not_fired("greet", "already answered 1700000136.000003")))
            buffer(decision(4, ignored="duplicate of an event already handled"))
            buffer(result("failed", planned(), error="channel_not_found"))
            await wait_for(pilot, lambda: app.state.counters.failed == 1)
            table = app.rules_table
            await wait_for(pilot, lambda: table.get_cell("greet", "errors").plain == "2")

            assert table.get_cell("greet", "fired").plain == "2"
            assert table.get_cell("greet", "suppressed").plain == "2"
            assert table.get_cell("greet", "errors").plain == "2"
            assert table.get_cell("greet", "last").plain == time.strftime("%H:%M:%S", time.localtime(1_700_000_000))
            assert table.get_cell("marker", "suppressed").plain == "0"
            assert table.get_cell("marker", "last").plain == "-"
            assert app.state.rule_stats["greet"].suppressed == {"reply_limit": 1, "already answered": 1}
            assert app.state.counters.duplicates == 1

            line = app.rule_line.message
            assert "held back by already answered 1, reply_limit 1" in line
            assert "duplicate events dropped: 1" in line

    run(scenario)


def test_rules_table_shows_switches() -> None:
    async def scenario() -> None:
        controls = RecordingControls()
        controls.rule_names = ("greet", "marker", "thanks")
        controls.enabled = {"marker": False}
        controls.dry_run_rules = {"thanks": True}
        app, buffer, _ = make_app(controls=controls)
        async with app.run_test(size=SIZE) as pilot:
            buffer(rules_loaded("greet", "marker", "thanks"))
            await wait_for(pilot, lambda: app.rules_table.row_count == 3)
            await pilot.pause()

            table = app.rules_table
            assert table.get_cell("greet", "state").plain == "live"
            assert table.get_cell("marker", "state").plain == "off"
            assert table.get_cell("thanks", "state").plain == "dry run"
            assert "(1 dry run, 1 off)" in app.status_bar.message

    run(scenario)


def test_actions_title_counts_queued_until_result() -> None:
    async def scenario() -> None:
        app, buffer, _ = make_app()
        async with app.run_test(size=SIZE) as pilot:
            first, second = planned(number=1), planned(number=2)
            buffer(decision(1, fired("greet", first, second)))
            await wait_for(pilot, lambda: app.state.counters.events == 1)
            await pilot.pause()
            assert "queued 2" in app.actions_title.message

            buffer(result("sent", first))
            buffer(result("failed", second, error="ratelimited"))
            await wait_for(pilot, lambda: app.state.counters.failed == 1)
            await pilot.pause()

            title = app.actions_title.message
            assert "queued 0" in title
            assert "sent 1" in title
            assert "failed 1" in title
            assert "ratelimited" in app.actions.row_texts()[-1]

    run(scenario)


def test_retry_notices_reach_actions_pane() -> None:
    async def scenario() -> None:
        app, buffer, _ = make_app()
        async with app.run_test(size=SIZE) as pilot:
            message = "chat.postMessage rate limited (ratelimited, HTTP 429) in C0TEST1: retry 1 of 5 in 3.0 s"
            buffer(Notice(time.time(), "warning", message, ids=("greet", "C0TEST1")))
            await wait_for(pilot, lambda: app.actions.row_count == 1)

            assert "retry 1 of 5 in 3.0 s" in app.actions.row_texts()[0]

    run(scenario)


def test_sent_action_shows_channel_name() -> None:
    async def scenario() -> None:
        app, buffer, _ = make_app(controls=_named_controls())
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause(0.05)
            buffer(result("sent", planned()))
            await wait_for(pilot, lambda: app.actions.row_count == 1)

            assert "→ #general in thread" in app.actions.row_texts()[0]

    run(scenario)


def test_state_cell_of_a_rule_off_and_dry() -> None:
    assert state_cell(RuleSwitches(False, True)).plain == "off, dry run"
    assert state_cell(RuleSwitches(False, False)).plain == "off"
