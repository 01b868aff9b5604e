"""The screen driven end to end: the real runtime against the emulator on loopback."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from responder.emulator import Emulator
from responder.record_buffer import RecordBuffer
from responder.rules.loader import load_rules
from responder.runtime import RunConfig, Runtime
from responder.tui.app import ResponderApp
from responder.tui.detail import DetailScreen
from tests.tui.tui_helpers import NO_KEYMAP, run, wait_for

SIZE = (140, 40)
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


def start(emulator: Emulator, tmp_path: Path) -> tuple[ResponderApp, Runtime]:
    rules_path = tmp_path / "rules.toml"
    rules_path.write_text(RULES, encoding="utf-8")
    buffer = RecordBuffer()
    config = RunConfig(rules_path=rules_path, token="xoxb-tui-test", slack_url=emulator.base_url, min_post_interval=0.0)
    runtime = Runtime(config, buffer, load_rules(rules_path), injector=emulator.post_as_user)
    app = ResponderApp(
        buffer,
        runtime,
        rules_path=str(rules_path),
        refresh_interval=0.02,
        keymap_file=NO_KEYMAP,
        watch_rules=False,
    )
    return app, runtime


def posts(emulator: Emulator) -> list[dict[str, Any]]:
    return emulator.calls("chat.postMessage")


def test_stream_shows_names_and_replies_from_emulator(tmp_path: Path) -> None:
    async def scenario() -> None:
        with Emulator() as emulator:
            app, runtime = start(emulator, tmp_path)
            runtime.start()
            try:
                async with app.run_test(size=SIZE) as pilot:
                    await wait_for(pilot, lambda: emulator.open_sessions == 1, timeout=10.0)
                    emulator.post_as_user("U0TEST1", "C0TEST1", "hello there")
                    await wait_for(pilot, lambda: len(posts(emulator)) == 1, timeout=10.0)
                    await wait_for(pilot, lambda: app.state.counters.sent == 1, timeout=10.0)

                    assert any("#test-one" in row and "tester1" in row for row in app.events.row_texts())
                    assert "connected" in app.status_bar.message
            finally:
                runtime.stop()

        assert posts(emulator)[0]["text"] == "Hi <@U0TEST1>!"

    run(scenario)


def test_try_key_posts_into_the_emulator(tmp_path: Path) -> None:
    async def scenario() -> None:
        with Emulator() as emulator:
            app, runtime = start(emulator, tmp_path)
            runtime.start()
            try:
                async with app.run_test(size=SIZE) as pilot:
                    await wait_for(pilot, lambda: emulator.open_sessions == 1, timeout=10.0)
                    await wait_for(pilot, lambda: bool(runtime.names()[0]), timeout=10.0)
                    await pilot.press("t", *"hello from the screen", "enter")
                    await wait_for(pilot, lambda: len(posts(emulator)) == 1, timeout=10.0)
            finally:
                runtime.stop()

        reply = posts(emulator)[0]
        assert reply["text"].startswith("Hi <@U")
        assert reply["text"] != "Hi <@U0SELF>!"

    run(scenario)


def test_rule_switch_key_stops_replies(tmp_path: Path) -> None:
    async def scenario() -> None:
        with Emulator() as emulator:
            app, runtime = start(emulator, tmp_path)
            runtime.start()
            try:
                async with app.run_test(size=SIZE) as pilot:
                    await wait_for(pilot, lambda: emulator.open_sessions == 1, timeout=10.0)
                    await wait_for(pilot, lambda: app.rules_table.row_count == 2, timeout=10.0)
                    app.rules_table.move_cursor(row=0)
                    await pilot.pause()
                    await pilot.press("e")
                    await wait_for(pilot, lambda: runtime.rule_switches()["greet"].enabled is False, timeout=5.0)

                    emulator.post_as_user("U0TEST1", "C0TEST1", "hello ticket #9")
                    await wait_for(pilot, lambda: len(emulator.calls("reactions.add")) == 1, timeout=10.0)
                    await pilot.pause(0.5)
            finally:
                runtime.stop()

        assert posts(emulator) == []

    run(scenario)


def test_enter_explains_an_event_with_the_real_rules(tmp_path: Path) -> None:
    async def scenario() -> None:
        with Emulator() as emulator:
            app, runtime = start(emulator, tmp_path)
            runtime.start()
            try:
                async with app.run_test(size=SIZE) as pilot:
                    await wait_for(pilot, lambda: emulator.open_sessions == 1, timeout=10.0)
                    emulator.send_event({"type": "message", "user": "U0TEST1", "text": "hello", "channel": "C0TEST1", "ts": "1700000400.000100"})
                    await wait_for(pilot, lambda: app.events.row_count >= 1, timeout=10.0)
                    app.events.focus()
                    app.events.move_cursor(0)
                    await pilot.press("enter")
                    await wait_for(pilot, lambda: isinstance(app.screen, DetailScreen), timeout=5.0)
                    screen = app.screen
                    assert isinstance(screen, DetailScreen)
                    await wait_for(pilot, lambda: "rule greet" in screen.explanation_text, timeout=5.0)
                    text = screen.explanation_text
            finally:
                runtime.stop()

        assert "At the time: fired greet" in text
        assert "rule ticket: not fired" in text
        assert "xoxb-tui-test" not in text

    run(scenario)
