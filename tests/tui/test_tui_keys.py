"""The keys: quit, reload, and the bindings' ids and descriptions."""

from __future__ import annotations

import threading

from textual.binding import Binding

from responder.tui.app import ResponderApp
from responder.tui.bindings import binding_groups
from tests.tui.tui_helpers import (
    SIZE,
    RecordingControls,
    make_app,
    planned,
    result,
    run,
    wait_for,
)


def test_quit_key_stops_then_exits_with_zero() -> None:
    async def scenario() -> None:
        app, _, controls = make_app()
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("q")
            await wait_for(pilot, lambda: not app.is_running)

        assert controls.stop_calls == 1
        assert app.return_code == 0
        assert app.return_value == 0

    run(scenario)


def test_quit_after_failed_stop_exits_with_one() -> None:
    async def scenario() -> None:
        app, _, controls = make_app(controls=RecordingControls(fail_stop=True))
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("q")
            await wait_for(pilot, lambda: not app.is_running)

        assert controls.stop_calls == 1
        assert app.return_code == 1

    run(scenario)


def test_reload_key_asks_controls_to_reload() -> None:
    async def scenario() -> None:
        app, _, controls = make_app()
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("r")
            await wait_for(pilot, lambda: controls.reload_calls == 1)
            await pilot.pause()

            assert "reload of the rules requested" in app.actions.row_texts()[-1]

    run(scenario)


def test_every_binding_has_id_and_description() -> None:
    bindings = [binding for _title, group in binding_groups() for binding in group]
    declared = [binding for binding in ResponderApp.BINDINGS if isinstance(binding, Binding)]

    assert {"q", "p", "r", "end", "slash", "escape", "t", "e", "d", "D", "o", "question_mark"} <= {
        binding.key for binding in declared
    }
    assert all(binding in bindings for binding in declared)
    for binding in bindings:
        assert binding.id, binding.key
        assert binding.description, binding.key
        assert binding.tooltip, binding.key
    assert len({binding.id for binding in bindings}) == len(bindings)


def test_ctrl_q_also_stops_the_responder() -> None:
    async def scenario() -> None:
        app, _, controls = make_app()
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("ctrl+q")
            await wait_for(pilot, lambda: not app.is_running)

        assert controls.stop_calls == 1
        assert app.return_code == 0

    run(scenario)


def test_second_quit_leaves_while_stop_hangs() -> None:
    release = threading.Event()

    async def scenario() -> None:
        app, _, controls = make_app(controls=RecordingControls(stop_gate=release))
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("q")
            await wait_for(pilot, lambda: controls.stop_calls == 1)
            assert app.is_running

            await pilot.press("q")
            await wait_for(pilot, lambda: not app.is_running)

        assert app.return_code == 1

    try:
        run(scenario)
    finally:
        release.set()


def test_actions_pane_keeps_newest_rows() -> None:
    async def scenario() -> None:
        app, buffer, _ = make_app(max_events=50)
        async with app.run_test(size=SIZE) as pilot:
            for number in range(1, 201):
                buffer(result("sent", planned(number=number)))

            await wait_for(pilot, lambda: app.state.counters.sent == 200)
            await pilot.pause()

            rows = app.actions.row_texts()
            assert len(rows) == 50
            assert "greet #151 " in rows[0]
            assert "greet #200 " in rows[-1]

    run(scenario)
