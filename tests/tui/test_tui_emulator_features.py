"""Each feature of the screen driven against the emulator: real runtime, transport and sockets.

Every test runs one app against its own emulator on loopback and checks both what the
screen shows and what the emulator received.
"""

from __future__ import annotations

import contextlib
import re
from pathlib import Path
from typing import Any, AsyncIterator

from textual.pilot import Pilot
from textual.widgets import Static

from responder.emulator import Emulator
from responder.record_buffer import RecordBuffer
from responder.rules.loader import load_rules
from responder.runtime import RunConfig, Runtime
from responder.tui.app import ResponderApp
from responder.tui.detail import DetailScreen
from tests.tui.tui_helpers import NO_KEYMAP, run, wait_for

SIZE = (140, 40)
TOKEN = "xoxb-tui-features"
RULES = """[[rule]]
name = "greet"
words = ["hello"]
[[rule.action]]
reply = "Hi {user}!"

[[rule]]
name = "ticket"
regex = 'ticket #(\\d+)'
[[rule.action]]
react = "ticket"
"""
BROKEN_RULES = """[[rule]]
name = "greet"
words = ["hello"
"""


@contextlib.asynccontextmanager
async def running(
    tmp_path: Path, *, watch_rules: bool = False, **config: Any
) -> AsyncIterator[tuple[ResponderApp, Emulator, Pilot[Any], Runtime]]:
    """Start an emulator, the real runtime and the screen, and wait until they are connected."""
    rules_path = tmp_path / "rules.toml"
    rules_path.write_text(RULES, encoding="utf-8")
    with Emulator() as emulator:
        buffer = RecordBuffer()
        run_config = RunConfig(
            rules_path=rules_path, token=TOKEN, slack_url=emulator.base_url, min_post_interval=0.0, **config
        )
        runtime = Runtime(run_config, buffer, load_rules(rules_path), injector=emulator.post_as_user)
        app = ResponderApp(
            buffer,
            runtime,
            rules_path=str(rules_path),
            refresh_interval=0.02,
            keymap_file=NO_KEYMAP,
            watch_rules=watch_rules,
        )
        runtime.start()
        try:
            async with app.run_test(size=SIZE) as pilot:
                await wait_for(pilot, lambda: emulator.open_sessions == 1, timeout=10.0)
                await wait_for(pilot, lambda: app.rules_table.row_count == 2, timeout=10.0)
                await wait_for(pilot, lambda: bool(runtime.names()[0]), timeout=10.0)
                yield app, emulator, pilot, runtime
        finally:
            runtime.stop()


def posts(emulator: Emulator) -> list[dict[str, Any]]:
    return emulator.calls("chat.postMessage")


def reactions(emulator: Emulator) -> list[dict[str, Any]]:
    return emulator.calls("reactions.add")


def person_rows(app: ResponderApp) -> list[str]:
    """Return the stream's rows of plain messages from the test users.

    The bot's own posts and the ``message_replied`` events that its threaded replies cause
    are left out.
    """
    return [row for row in app.events.row_texts() if "tester" in row and "message/" not in row]


def test_pause_counts_new_events_and_still_answers(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running(tmp_path) as (app, emulator, pilot, _runtime):
            emulator.post_as_user("U0TEST1", "C0TEST1", "first message")
            await wait_for(pilot, lambda: len(person_rows(app)) == 1, timeout=10.0)
            app.events.focus()
            await pilot.press("p")

            for number in range(3):
                emulator.post_as_user("U0TEST1", "C0TEST1", f"hello number {number}")
            await wait_for(pilot, lambda: len(posts(emulator)) == 3, timeout=10.0)
            await wait_for(pilot, lambda: app.state.counters.sent == 3, timeout=10.0)
            await pilot.pause(0.1)
            paused_rows = person_rows(app)
            paused_line = app.follow_indicator.message
            held_count = app.events.held_count

            await pilot.press("p")
            await pilot.pause(0.1)
            resumed_rows = person_rows(app)

        assert len(paused_rows) == 1
        assert held_count >= 3
        assert paused_line.startswith(f"Paused: {held_count:,} new")
        assert len(resumed_rows) == 4
        assert "hello number 2" in resumed_rows[-1]
        assert [post["channel"] for post in posts(emulator)] == ["C0TEST1"] * 3

    run(scenario)


def test_detail_shows_raw_json_redacted(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running(tmp_path) as (app, emulator, pilot, _runtime):
            emulator.send_event(
                {
                    "type": "message",
                    "user": "U0TEST2",
                    "text": "hello, my token is xoxb-1234-secret",
                    "channel": "C0TEST2",
                    "ts": "1700000500.000100",
                }
            )
            await wait_for(pilot, lambda: len(posts(emulator)) == 1, timeout=10.0)
            await wait_for(pilot, lambda: len(person_rows(app)) == 1, timeout=10.0)
            app.events.focus()
            row = next(index for index, text in enumerate(app.events.row_texts()) if "tester2" in text)
            app.events.move_cursor(row)
            await pilot.press("enter")
            await wait_for(pilot, lambda: isinstance(app.screen, DetailScreen), timeout=5.0)
            screen = app.screen
            assert isinstance(screen, DetailScreen)
            await wait_for(pilot, lambda: "rule greet" in screen.explanation_text, timeout=5.0)
            raw = str(screen.query_one("#raw-json", Static).render())
            explanation = screen.explanation_text

            await pilot.press("escape")
            await wait_for(pilot, lambda: not isinstance(app.screen, DetailScreen), timeout=5.0)

        assert '"channel": "C0TEST2"' in raw
        assert "[redacted token]" in raw
        assert "xoxb-1234-secret" not in raw
        assert "xoxb-1234-secret" not in explanation
        assert "At the time: fired greet" in explanation
        assert posts(emulator)[0]["channel"] == "C0TEST2"

    run(scenario)


async def apply_filter(pilot: Pilot[Any], app: ResponderApp, query: str) -> list[str]:
    """Type ``query`` into the filter, then return the rows from the test users it shows."""
    await pilot.press("slash")
    app.filter_input.value = ""
    await pilot.press(*query, "enter")
    await pilot.pause(0.05)
    rows = person_rows(app)
    await pilot.press("escape")
    await pilot.pause(0.05)
    return rows


def test_filter_by_channel_user_rule_and_text(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running(tmp_path) as (app, emulator, pilot, _runtime):
            emulator.post_as_user("U0TEST1", "C0TEST1", "hello from one")
            emulator.post_as_user("U0TEST2", "C0TEST2", "about ticket #42")
            emulator.post_as_user("U0TEST2", "C0TEST1", "lunch anyone")
            await wait_for(pilot, lambda: len(posts(emulator)) == 1 and len(reactions(emulator)) == 1, timeout=10.0)
            await wait_for(pilot, lambda: len(person_rows(app)) == 3, timeout=10.0)
            app.events.focus()

            by_channel = await apply_filter(pilot, app, "channel:#test-two")
            by_user = await apply_filter(pilot, app, "user:tester2")
            by_rule = await apply_filter(pilot, app, "rule:greet")
            by_text = await apply_filter(pilot, app, "lunch")
            unfiltered = person_rows(app)

        assert [row.count("about ticket #42") for row in by_channel] == [1]
        assert len(by_user) == 2
        assert all("tester2" in row for row in by_user)
        assert len(by_rule) == 1
        assert "hello from one" in by_rule[0]
        assert len(by_text) == 1
        assert "lunch anyone" in by_text[0]
        assert len(unfiltered) == 3
        assert posts(emulator)[0]["channel"] == "C0TEST1"
        assert reactions(emulator)[0]["channel"] == "C0TEST2"

    run(scenario)


def test_try_with_channel_and_user_gets_reply(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running(tmp_path) as (app, emulator, pilot, _runtime):
            await pilot.press("t", *"hello from the form")
            app.screen.query_one("#try-channel").focus()
            await pilot.press(*"#test-two")
            app.screen.query_one("#try-user").focus()
            await pilot.press(*"@tester2", "enter")
            await wait_for(pilot, lambda: len(posts(emulator)) == 1, timeout=10.0)
            await wait_for(pilot, lambda: app.state.counters.sent == 1, timeout=10.0)
            rows = person_rows(app)

        assert posts(emulator)[0]["channel"] == "C0TEST2"
        assert posts(emulator)[0]["text"] == "Hi <@U0TEST2>!"
        assert len(rows) == 1
        assert "#test-two" in rows[0]
        assert "→ greet" in rows[0]

    run(scenario)


def test_rule_dry_run_key_stops_sends(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running(tmp_path) as (app, emulator, pilot, runtime):
            app.rules_table.focus()
            app.rules_table.move_cursor(row=0)
            await pilot.pause()
            await pilot.press("d")
            await wait_for(pilot, lambda: runtime.rule_switches()["greet"].dry_run, timeout=5.0)
            await wait_for(pilot, lambda: app.state.switches["greet"].dry_run, timeout=5.0)

            emulator.post_as_user("U0TEST1", "C0TEST1", "hello and ticket #7")
            await wait_for(pilot, lambda: app.state.counters.dry_run == 1, timeout=10.0)
            await wait_for(pilot, lambda: len(reactions(emulator)) == 1, timeout=10.0)
            state_cell = app.rules_table.get_cell("greet", "state").plain
            rows = person_rows(app)

        assert posts(emulator) == []
        assert state_cell == "dry run"
        assert "greet (dry run)" in rows[0]

    run(scenario)


def test_dry_run_all_key_and_back_to_live(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running(tmp_path) as (app, emulator, pilot, runtime):
            await pilot.press("D")
            await wait_for(pilot, lambda: all(value.dry_run for value in runtime.rule_switches().values()), timeout=5.0)
            emulator.post_as_user("U0TEST1", "C0TEST1", "hello and ticket #7")
            await wait_for(pilot, lambda: app.state.counters.dry_run == 2, timeout=10.0)
            calls_while_dry = len(posts(emulator)) + len(reactions(emulator))

            await pilot.press("D")
            await wait_for(pilot, lambda: not any(value.dry_run for value in runtime.rule_switches().values()), timeout=5.0)
            emulator.post_as_user("U0TEST1", "C0TEST1", "hello again, ticket #8")
            await wait_for(pilot, lambda: len(posts(emulator)) == 1 and len(reactions(emulator)) == 1, timeout=10.0)
            await wait_for(pilot, lambda: app.state.counters.sent == 2, timeout=10.0)

        assert calls_while_dry == 0
        assert posts(emulator)[0]["text"] == "Hi <@U0TEST1>!"

    run(scenario)


def test_broken_file_keeps_rules_then_fix_reloads(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running(tmp_path, watch_rules=True) as (app, emulator, pilot, _runtime):
            rules_path = tmp_path / "rules.toml"
            rules_path.write_text(BROKEN_RULES, encoding="utf-8")
            await wait_for(pilot, lambda: app.state.rules_failure is not None, timeout=10.0)
            banner = app.rules_banner.message

            emulator.post_as_user("U0TEST1", "C0TEST1", "hello while broken")
            await wait_for(pilot, lambda: len(posts(emulator)) == 1, timeout=10.0)
            rules_while_broken = app.rules_table.row_count

            rules_path.write_text(RULES.replace('name = "ticket"', 'name = "ticket-link"'), encoding="utf-8")
            await wait_for(pilot, lambda: app.state.rules_failure is None, timeout=10.0)
            await wait_for(pilot, lambda: "ticket-link" in app.state.rule_names, timeout=5.0)
            emulator.post_as_user("U0TEST1", "C0TEST1", "see ticket #5")
            await wait_for(pilot, lambda: len(reactions(emulator)) == 1, timeout=10.0)
            await wait_for(pilot, lambda: app.state.rule_stats["ticket-link"].fired == 1, timeout=10.0)

        assert "the responder keeps its previous 2 rules" in banner
        assert re.search(rf"^{re.escape(str(rules_path))}:\d+:\d+: ", banner, re.MULTILINE)
        assert rules_while_broken == 2
        assert posts(emulator)[0]["text"] == "Hi <@U0TEST1>!"

    run(scenario)


def connected_rows(app: ResponderApp) -> int:
    return sum("● connected" in row for row in app.actions.row_texts())


def test_connection_state_through_reconnect(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running(tmp_path, reconnect_delay=0.05, reconnect_max_delay=0.1) as (app, emulator, pilot, _runtime):
            emulator.close_sessions(1011, "restart")
            await wait_for(pilot, lambda: emulator.sessions_started == 2, timeout=10.0)
            await wait_for(pilot, lambda: connected_rows(app) == 2, timeout=10.0)
            actions = app.actions.row_texts()
            status = app.status_bar.message

            emulator.post_as_user("U0TEST1", "C0TEST1", "hello after the reconnect")
            await wait_for(pilot, lambda: len(posts(emulator)) == 1, timeout=10.0)

        assert any("● reconnecting" in row or "● disconnected" in row for row in actions)
        assert "● connected" in status
        assert app.state.connection is not None
        assert app.state.connection.phase == "connected"
        assert emulator.connect_calls == 2

    run(scenario)
