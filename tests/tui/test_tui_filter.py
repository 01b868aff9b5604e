"""The stream filter: parsing, matching, the / key, live narrowing and Escape."""

from __future__ import annotations

from responder.tui.names import Names
from responder.tui.stream_filter import StreamFilter
from tests.tui.tui_helpers import (
    SIZE,
    RecordingControls,
    decision,
    fired,
    make_app,
    run,
    wait_for,
)


def _names() -> Names:
    names = Names()
    names.update({"C0OPS": "ops", "C0GEN": "general"}, {"U0ALICE": "alice", "U0BOB": "bob"})
    return names


def test_parse_splits_prefixes_from_words() -> None:
    parsed = StreamFilter.parse("channel:#Ops deploy USER:@alice rule:greet api")

    assert parsed.channels == ("ops",)
    assert parsed.users == ("alice",)
    assert parsed.rules == ("greet",)
    assert parsed.anywhere == "deploy api"


def test_parse_keeps_unknown_prefix_as_text() -> None:
    assert StreamFilter.parse("ts:123").anywhere == "ts:123"
    assert StreamFilter.parse("channel:").anywhere == "channel:"
    assert StreamFilter.parse("   ").empty


def test_matches_each_field_by_name_or_id() -> None:
    names = _names()
    record = decision(1, fired("deploy-checklist"), text="Deploying API now", channel="C0OPS", user="U0ALICE")

    for query in ("channel:#ops", "channel:C0OP", "user:ali", "user:U0ALICE", "rule:checklist", "api now", "ALICE"):
        assert StreamFilter.parse(query).matches(record, names), query
    for query in ("channel:general", "user:bob", "rule:greet", "rollback", "channel:ops rule:greet"):
        assert not StreamFilter.parse(query).matches(record, names), query


def test_slash_filters_and_escape_clears() -> None:
    async def scenario() -> None:
        controls = RecordingControls()
        controls.channel_names = {"C0OPS": "ops", "C0GEN": "general"}
        app, buffer, _ = make_app(controls=controls)
        async with app.run_test(size=SIZE) as pilot:
            buffer(decision(1, channel="C0OPS", text="deploy api"))
            buffer(decision(2, channel="C0GEN", text="hello"))
            buffer(decision(3, fired("greet"), channel="C0GEN", text="hi all"))
            await wait_for(pilot, lambda: app.events.row_count == 3)

            await pilot.press("slash")
            assert app.filter_input.display
            assert app.focused is app.filter_input
            await pilot.press(*"channel:#ops")
            await pilot.pause()

            rows = app.events.row_texts()
            assert len(rows) == 1
            assert "deploy api" in rows[0]
            assert "Filter: channel:#ops (1 of 3 rows match" in app.follow_indicator.message

            # New rows are filtered as they arrive.
            buffer(decision(4, channel="C0OPS", text="rollback"))
            buffer(decision(5, channel="C0GEN", text="lunch"))
            await wait_for(pilot, lambda: app.state.counters.events == 5)
            await pilot.pause()
            rows = app.events.row_texts()
            assert len(rows) == 2
            assert "rollback" in rows[1]

            await pilot.press("escape")
            await pilot.pause()

            assert not app.filter_input.display
            assert app.events.row_count == 5
            assert "Filter" not in app.follow_indicator.message

    run(scenario)


def test_filter_by_rule_after_enter() -> None:
    async def scenario() -> None:
        app, buffer, _ = make_app()
        async with app.run_test(size=SIZE) as pilot:
            buffer(decision(1, fired("greet")))
            buffer(decision(2))
            buffer(decision(3, fired("deploy")))
            await wait_for(pilot, lambda: app.events.row_count == 3)

            await pilot.press("slash", *"rule:greet", "enter")
            await pilot.pause()

            assert app.focused is app.events
            assert app.filter_input.display
            rows = app.events.row_texts()
            assert len(rows) == 1
            assert "line 1" in rows[0]

            # Escape on the stream clears the filter too.
            await pilot.press("escape")
            await pilot.pause()
            assert app.events.row_count == 3

    run(scenario)


def test_clear_filter_key_hidden_without_filter() -> None:
    async def scenario() -> None:
        app, _, _ = make_app()
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert app.check_action("clear_filter", ()) is False

            await pilot.press("slash")
            assert app.check_action("clear_filter", ()) is True

    run(scenario)
