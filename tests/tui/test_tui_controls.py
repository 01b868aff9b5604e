"""Keys that change the responder: try a message, rule switches, dry run, edit and watch the rules."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path
from typing import Any, Iterator

import pytest
from textual.widgets import Input

from responder.tui.try_message import TryMessageScreen
from tests.tui.tui_helpers import (
    SIZE,
    RecordingControls,
    make_app,
    rules_loaded,
    run,
    wait_for,
)


def _rules_controls(*names: str) -> RecordingControls:
    controls = RecordingControls()
    controls.rule_names = names
    return controls


def _no_suspend(app: Any) -> None:
    """Let the editor run in place, because a headless app cannot hand over the terminal."""

    @contextlib.contextmanager
    def suspend() -> Iterator[None]:
        yield

    app.suspend = suspend


def test_try_form_sends_text_channel_and_user() -> None:
    async def scenario() -> None:
        controls = RecordingControls()
        controls.try_outcome = "rule greet: fired\nrule deploy: words: no match"
        app, _, _ = make_app(controls=controls)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("t")
            await wait_for(pilot, lambda: isinstance(app.screen, TryMessageScreen))
            screen = app.screen
            assert isinstance(screen, TryMessageScreen)

            await pilot.press(*"hello there")
            screen.query_one("#try-channel", Input).value = "#ops"
            screen.query_one("#try-user", Input).value = "@alice"
            await pilot.press("enter")
            await wait_for(pilot, lambda: screen.result_text == controls.try_outcome)

            assert controls.calls_to("try_message") == [("hello there", "#ops", "@alice")]
            assert app.screen is screen

            await pilot.press("escape")
            await wait_for(pilot, lambda: not isinstance(app.screen, TryMessageScreen))

    run(scenario)


def test_try_form_closes_when_message_was_posted() -> None:
    async def scenario() -> None:
        app, _, controls = make_app()
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("t", *"deploy api", "enter")
            await wait_for(pilot, lambda: not isinstance(app.screen, TryMessageScreen))

            assert controls.calls_to("try_message") == [("deploy api", None, None)]
            assert "its decision follows in the stream" in app.actions.row_texts()[-1]

    run(scenario)


def test_try_form_shows_errors_and_rejects_empty_text() -> None:
    async def scenario() -> None:
        controls = RecordingControls()
        controls.try_error = ValueError("channel #nowhere not found")
        app, _, _ = make_app(controls=controls)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("t", "enter")
            await wait_for(pilot, lambda: isinstance(app.screen, TryMessageScreen))
            screen = app.screen
            assert isinstance(screen, TryMessageScreen)
            await pilot.pause()
            assert screen.result_text == "Type a message text first."
            assert controls.calls_to("try_message") == []

            await pilot.press(*"hi", "enter")
            await wait_for(pilot, lambda: "failed" in screen.result_text)

            assert screen.result_text == "Trying the message failed: channel #nowhere not found"
            assert app.screen is screen

    run(scenario)


def test_rule_keys_switch_the_selected_rule() -> None:
    async def scenario() -> None:
        controls = _rules_controls("greet", "marker")
        app, buffer, _ = make_app(controls=controls)
        async with app.run_test(size=SIZE) as pilot:
            buffer(rules_loaded("greet", "marker"))
            await wait_for(pilot, lambda: app.rules_table.row_count == 2)
            app.rules_table.move_cursor(row=1)
            await pilot.pause()

            await pilot.press("e")
            await wait_for(pilot, lambda: app.rules_table.get_cell("marker", "state").plain == "off")
            await pilot.press("e")
            await wait_for(pilot, lambda: app.rules_table.get_cell("marker", "state").plain == "live")
            await pilot.press("d")
            await wait_for(pilot, lambda: app.rules_table.get_cell("marker", "state").plain == "dry run")

            assert controls.calls_to("set_rule_enabled") == [("marker", False), ("marker", True)]
            assert controls.calls_to("set_rule_dry_run") == [("marker", True)]
            assert app.rules_table.get_cell("greet", "state").plain == "live"

    run(scenario)


def test_dry_run_key_switches_every_rule_both_ways() -> None:
    async def scenario() -> None:
        controls = _rules_controls("greet", "marker")
        app, buffer, _ = make_app(controls=controls)
        async with app.run_test(size=SIZE) as pilot:
            buffer(rules_loaded("greet", "marker"))
            await wait_for(pilot, lambda: app.rules_table.row_count == 2)

            await pilot.press("D")
            await wait_for(pilot, lambda: "DRY RUN" in app.status_bar.message)
            await pilot.press("D")
            await wait_for(pilot, lambda: "DRY RUN" not in app.status_bar.message)

            assert controls.calls_to("set_dry_run") == [(True,), (None,)]

    run(scenario)


def test_failed_switch_is_shown_in_user_words() -> None:
    async def scenario() -> None:
        controls = _rules_controls("greet")
        app, buffer, _ = make_app(controls=controls)
        async with app.run_test(size=SIZE) as pilot:
            # The table lists a rule that the responder no longer has.
            buffer(rules_loaded("greet", "gone"))
            await wait_for(pilot, lambda: app.rules_table.row_count == 2)
            app.rules_table.move_cursor(row=1)
            await pilot.pause()

            await pilot.press("e")
            await wait_for(pilot, lambda: "failed" in app.actions.row_texts()[-1])

            assert "Switching rule gone off failed: rule 'gone' not found" in app.actions.row_texts()[-1]

    run(scenario)


def test_edit_without_editor_shows_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("EDITOR", raising=False)
    rules = tmp_path / "rules.toml"
    rules.write_text("", encoding="utf-8")

    async def scenario() -> None:
        app, _, controls = make_app(rules_path=str(rules))
        async with app.run_test(size=SIZE) as pilot:
            _no_suspend(app)
            await pilot.press("o")
            await pilot.pause()

            assert "$EDITOR is not set" in app.actions.row_texts()[-1]
            assert controls.reload_calls == 0

    run(scenario)


def test_edit_runs_editor_then_reloads(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    rules = tmp_path / "rules.toml"
    rules.write_text("", encoding="utf-8")
    editor = tmp_path / "editor.py"
    editor.write_text("import sys\nopen(sys.argv[1], 'a').write('# edited\\n')\n", encoding="utf-8")
    monkeypatch.setenv("EDITOR", f"{sys.executable} {editor}")

    async def scenario() -> None:
        app, _, controls = make_app(rules_path=str(rules))
        async with app.run_test(size=SIZE) as pilot:
            _no_suspend(app)
            await pilot.press("o")
            await wait_for(pilot, lambda: controls.reload_calls == 1)

            assert rules.read_text(encoding="utf-8") == "# edited\n"

    run(scenario)


def test_failing_editor_shows_status(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    rules = tmp_path / "rules.toml"
    rules.write_text("", encoding="utf-8")
    monkeypatch.setenv("EDITOR", f"{sys.executable} -c 'raise SystemExit(3)'")

    async def scenario() -> None:
        app, _, controls = make_app(rules_path=str(rules))
        async with app.run_test(size=SIZE) as pilot:
            _no_suspend(app)
            await pilot.press("o")
            await pilot.pause()

            assert "exited with status 3" in app.actions.row_texts()[-1]
            assert controls.reload_calls == 0

    run(scenario)


def test_edit_without_terminal_says_so(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    rules = tmp_path / "rules.toml"
    rules.write_text("", encoding="utf-8")
    monkeypatch.setenv("EDITOR", "true")

    async def scenario() -> None:
        app, _, controls = make_app(rules_path=str(rules))
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("o")
            await pilot.pause()

            assert "cannot hand the screen to an editor" in app.actions.row_texts()[-1]
            assert controls.reload_calls == 0

    run(scenario)


def test_changed_rules_file_is_reloaded(tmp_path: Path) -> None:
    rules = tmp_path / "rules.toml"
    rules.write_text("# first\n", encoding="utf-8")

    async def scenario() -> None:
        app, _, controls = make_app(rules_path=str(rules), watch_rules=True)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause(0.5)
            assert controls.reload_calls == 0

            rules.write_text("# second\n", encoding="utf-8")
            await wait_for(pilot, lambda: controls.reload_calls == 1, timeout=10)
            await wait_for(pilot, lambda: "changed; reloading" in " ".join(app.actions.row_texts()))

            # A save that leaves the content as it was reloads nothing.
            rules.write_text("# second\n", encoding="utf-8")
            await pilot.pause(1.0)
            assert controls.reload_calls == 1

    run(scenario)
