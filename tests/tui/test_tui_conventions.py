"""Key map, help screen, command palette, themes and the mouse wheel."""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console
from textual import events
from textual.command import CommandPalette
from textual.widgets import Static

from responder.tui.bindings import APP_BINDINGS, ResponderCommands, binding_ids
from responder.tui.help import HelpScreen
from responder.tui.keymap import keymap_path, load_keymap
from tests.tui.tui_helpers import SIZE, decision, make_app, run, wait_for


def test_keymap_path_follows_xdg_config_home() -> None:
    assert keymap_path({"XDG_CONFIG_HOME": "/cfg"}) == Path("/cfg/responder/keys.toml")
    assert keymap_path({}) == Path.home() / ".config" / "responder" / "keys.toml"


def test_keymap_reads_quoted_and_dotted_ids(tmp_path: Path) -> None:
    path = tmp_path / "keys.toml"
    path.write_text('"responder.quit" = "x"\nresponder.pause = "space, f5"\n', encoding="utf-8")

    keymap, problems = load_keymap(path, binding_ids())

    assert keymap == {"responder.quit": "x", "responder.pause": "space, f5"}
    assert problems == []


def test_keymap_reports_unknown_ids_and_bad_values(tmp_path: Path) -> None:
    path = tmp_path / "keys.toml"
    path.write_text('"responder.quitt" = "x"\n"responder.help" = 5\n', encoding="utf-8")

    keymap, problems = load_keymap(path, binding_ids())

    assert keymap == {}
    assert problems[0].endswith("responder.quitt: unknown binding id (did you mean 'responder.quit'?)")
    assert "responder.help: the keys must be a non-empty string" in problems[1]


def test_keymap_reports_invalid_toml(tmp_path: Path) -> None:
    path = tmp_path / "keys.toml"
    path.write_text("responder.quit = \n", encoding="utf-8")

    keymap, problems = load_keymap(path, binding_ids())

    assert keymap == {}
    assert "invalid key map, default keys kept" in problems[0]


def test_keymap_remaps_keys_in_the_app(tmp_path: Path) -> None:
    path = tmp_path / "keys.toml"
    path.write_text('"responder.pause" = "x"\n"responder.nothing" = "y"\n', encoding="utf-8")

    async def scenario() -> None:
        app, _, _ = make_app(keymap_file=path)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("p")
            await pilot.pause()
            assert not app.events.paused

            await pilot.press("x")
            await pilot.pause()
            assert app.events.paused
            assert "responder.nothing: unknown binding id" in " ".join(app.actions.row_texts())

    run(scenario)


def test_help_lists_every_binding_with_remapped_keys(tmp_path: Path) -> None:
    path = tmp_path / "keys.toml"
    path.write_text('"responder.pause" = "f5"\n', encoding="utf-8")

    async def scenario() -> None:
        app, _, _ = make_app(keymap_file=path)
        async with app.run_test(size=(160, 60)) as pilot:
            await pilot.press("question_mark")
            await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
            await pilot.pause()

            console = Console(width=200, record=True, file=io.StringIO())
            for widget in app.screen.query(Static):
                console.print(widget.content)
            text = console.export_text()
            assert "F5" in text or "f5" in text
            for binding_id in binding_ids():
                assert binding_id in text, binding_id
            assert "channel:#ops" in text

            await pilot.press("escape")
            await wait_for(pilot, lambda: not isinstance(app.screen, HelpScreen))

    run(scenario)


def test_palette_offers_every_main_action() -> None:
    actions = {action for _title, _help, action in ResponderCommands.ENTRIES}

    for binding in APP_BINDINGS:
        assert getattr(binding, "action") in actions
    assert "open_event" in actions


def test_palette_command_runs_its_action() -> None:
    async def scenario() -> None:
        app, _, _ = make_app()
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("ctrl+p")
            await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
            await pilot.press(*"Pause")
            await pilot.pause(0.3)
            await pilot.press("enter")
            await wait_for(pilot, lambda: app.events.paused)

    run(scenario)


def test_theme_key_opens_theme_picker_and_theme_applies() -> None:
    async def scenario() -> None:
        app, _, _ = make_app()
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("ctrl+t")
            await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
            await pilot.press(*"nord")
            await pilot.pause(0.3)
            await pilot.press("enter")
            await wait_for(pilot, lambda: app.theme == "nord")

    run(scenario)


def test_mouse_wheel_scrolls_stream_back() -> None:
    async def scenario() -> None:
        app, buffer, _ = make_app()
        async with app.run_test(size=SIZE) as pilot:
            for n in range(1, 201):
                buffer(decision(n))
            await wait_for(pilot, lambda: app.events.row_count == 200)
            await pilot.pause()

            for _ in range(5):
                app.events.post_message(events.MouseScrollUp(app.events, 5, 5, 0, -1, 0, False, False, False))
            await wait_for(pilot, lambda: not app.events.following)

            buffer(decision(201))
            await wait_for(pilot, lambda: app.events.held_count == 1)
            assert "line 200 " not in app.events.visible_row_texts()[-1]

    run(scenario)
