"""The event stream: batches, the cap, following, scrolling back, pausing and threads."""

from __future__ import annotations

import threading
import time
from typing import Any

from rich.cells import cell_len
from rich.text import Text

from responder.tui.stream import ROW_WIDTH
from responder.tui.text import EMPTY_TEXT_MARKER
from tests.tui.tui_helpers import SIZE, decision, fired, make_app, run, wait_for


def test_rows_appear_after_a_batch() -> None:
    async def scenario() -> None:
        app, buffer, _ = make_app()
        async with app.run_test(size=SIZE) as pilot:
            for n in range(1, 4):
                buffer(decision(n))

            await wait_for(pilot, lambda: app.events.row_count == 3)

            rows = app.events.row_texts()
            assert "line 1" in rows[0]
            assert "line 3" in rows[2]
            assert "C0TEST1" in rows[0]
            assert "U0TEST1" in rows[0]
            assert "message" in rows[0]
            assert app.state.counters.events == 3

    run(scenario)


def test_one_batch_is_one_update() -> None:
    async def scenario() -> None:
        app, buffer, _ = make_app()
        async with app.run_test(size=SIZE) as pilot:
            # No await between the puts, so the refresh timer cannot run in between.
            for n in range(1, 501):
                buffer(decision(n))

            await wait_for(pilot, lambda: app.events.row_count == 500)

            assert app.events.batches_written == 1

    run(scenario)


def test_cap_keeps_exactly_the_newest_rows() -> None:
    async def scenario() -> None:
        app, buffer, _ = make_app(max_events=100)
        async with app.run_test(size=SIZE) as pilot:
            for n in range(1, 501):
                buffer(decision(n))

            await wait_for(pilot, lambda: app.state.counters.events == 500)
            await pilot.pause()

            rows = app.events.row_texts()
            assert len(rows) == 100
            assert "line 401 " in rows[0]
            assert "line 500 " in rows[-1]
            assert "line 500 " in app.events.visible_row_texts()[-1]

    run(scenario)


def test_cap_holds_across_many_batches() -> None:
    async def scenario() -> None:
        app, buffer, _ = make_app(max_events=100)
        async with app.run_test(size=SIZE) as pilot:
            for batch in range(5):
                for n in range(batch * 70 + 1, batch * 70 + 71):
                    buffer(decision(n))
                await wait_for(pilot, lambda: app.state.counters.events == (batch + 1) * 70)
                await pilot.pause()

                newest = f"line {(batch + 1) * 70} "
                assert app.events.row_count == min(100, (batch + 1) * 70)
                assert newest in app.events.row_texts()[-1]
                assert newest in app.events.visible_row_texts()[-1]

    run(scenario)


def test_narrow_screen_still_shows_newest_row() -> None:
    async def scenario() -> None:
        app, buffer, _ = make_app(max_events=100)
        async with app.run_test(size=(80, 24)) as pilot:
            for n in range(1, 201):
                buffer(decision(n))

            await wait_for(pilot, lambda: app.state.counters.events == 200)
            await pilot.pause()

            assert app.events.max_scroll_x > 0
            assert app.events.is_vertical_scroll_end
            assert "line 200 " in app.events.visible_row_texts()[-1]

    run(scenario)


def test_empty_text_shows_a_marker() -> None:
    async def scenario() -> None:
        app, buffer, _ = make_app()
        async with app.run_test(size=SIZE) as pilot:
            buffer(decision(1, text=""))

            await wait_for(pilot, lambda: app.events.row_count == 1)

            assert EMPTY_TEXT_MARKER in app.events.row_texts()[0]

    run(scenario)


def test_long_text_is_cut_with_an_ellipsis() -> None:
    async def scenario() -> None:
        app, buffer, _ = make_app()
        async with app.run_test(size=SIZE) as pilot:
            buffer(decision(1, text="row 1 " + "x" * 1994))
            buffer(decision(2, text="short"))

            await wait_for(pilot, lambda: app.events.row_count == 2)

            long_row, short_row = app.events.row_texts()
            assert "x…" in long_row
            assert "x" * 100 not in long_row
            assert long_row.index("no rule") == short_row.index("no rule")

    run(scenario)


def test_fired_rules_and_ignored_reason_are_shown() -> None:
    async def scenario() -> None:
        app, buffer, _ = make_app()
        async with app.run_test(size=SIZE) as pilot:
            buffer(decision(1, fired("greet"), fired("marker")))
            buffer(decision(2, ignored="own message"))

            await wait_for(pilot, lambda: app.events.row_count == 2)

            fired_row, ignored_row = app.events.row_texts()
            assert "→ greet, marker" in fired_row
            assert "ignored: own message" in ignored_row

    run(scenario)


def test_scrolled_up_view_holds_new_rows() -> None:
    async def scenario() -> None:
        app, buffer, _ = make_app(max_events=200)
        async with app.run_test(size=SIZE) as pilot:
            for n in range(1, 101):
                buffer(decision(n))
            await wait_for(pilot, lambda: app.events.row_count == 100)

            app.set_focus(app.events)
            await pilot.press("home")
            await pilot.wait_for_scheduled_animations()
            await wait_for(pilot, lambda: not app.events.following)
            in_view = app.events.visible_row_texts()

            # More than the cap arrives while scrolled up.
            for n in range(101, 351):
                buffer(decision(n))
            await wait_for(pilot, lambda: app.state.counters.events == 350)
            await pilot.pause()

            assert app.events.visible_row_texts() == in_view
            assert app.events.row_count == 100
            assert app.follow_indicator.message == "250 new, press End to follow"

            await pilot.press("end")
            await pilot.pause()

            rows = app.events.row_texts()
            assert app.events.following
            assert len(rows) == 200
            assert "line 151 " in rows[0]
            assert "line 350 " in app.events.visible_row_texts()[-1]
            assert app.follow_indicator.message.startswith("Following")

    run(scenario)


def test_scrolling_back_to_the_end_follows_again() -> None:
    async def scenario() -> None:
        app, buffer, _ = make_app()
        async with app.run_test(size=SIZE) as pilot:
            for n in range(1, 101):
                buffer(decision(n))
            await wait_for(pilot, lambda: app.events.row_count == 100)

            app.events.scroll_home(animate=False, immediate=True)
            await pilot.pause()
            buffer(decision(101))
            await wait_for(pilot, lambda: app.events.held_count == 1)

            app.events.scroll_end(animate=False, immediate=True)
            await wait_for(pilot, lambda: app.events.row_count == 101)

            assert app.events.following
            assert "line 101 " in app.events.visible_row_texts()[-1]

    run(scenario)


def test_pause_counts_rows_and_resume_shows_the_newest() -> None:
    async def scenario() -> None:
        app, buffer, _ = make_app(max_events=100)
        async with app.run_test(size=SIZE) as pilot:
            for n in range(1, 11):
                buffer(decision(n))
            await wait_for(pilot, lambda: app.events.row_count == 10)

            await pilot.press("p")
            for n in range(11, 161):
                buffer(decision(n))
            await wait_for(pilot, lambda: app.state.counters.events == 160)
            await pilot.pause()

            assert app.events.paused
            assert app.events.row_count == 10
            assert app.follow_indicator.message == "Paused: 150 new, press p to resume"

            await pilot.press("p")
            await pilot.pause()

            assert not app.events.paused
            assert app.events.row_count == 100
            assert "line 160 " in app.events.visible_row_texts()[-1]

    run(scenario)


def test_widgets_change_only_on_the_app_thread() -> None:
    async def scenario() -> None:
        app, buffer, _ = make_app(max_events=300)
        callers: set[int] = set()

        def spy(log: Any) -> None:
            write_rows = log.write_rows

            def recording_write_rows(rows: list[Text], arrived: int | None = None) -> None:
                callers.add(threading.get_ident())
                write_rows(rows, arrived)

            log.write_rows = recording_write_rows

        spy(app.events)
        spy(app.actions)

        def produce() -> None:
            for n in range(1, 5001):
                buffer(decision(n, fired("greet")))
                if n % 500 == 0:
                    time.sleep(0.01)

        async with app.run_test(size=SIZE) as pilot:
            producer = threading.Thread(target=produce, name="producer")
            producer.start()
            await wait_for(pilot, lambda: not producer.is_alive() and app.state.counters.events == 5000)
            await pilot.pause()

            assert callers == {threading.get_ident()}
            assert app.display_errors == 0
            assert app.events.row_count == 300
            assert "line 5000 " in app.events.row_texts()[-1]
            assert app.is_running

    run(scenario)


def test_many_fired_rules_are_cut_to_row_width() -> None:
    async def scenario() -> None:
        app, buffer, _ = make_app()
        async with app.run_test(size=SIZE) as pilot:
            names = [f"rule-number-{index}" for index in range(20)]
            buffer(decision(1, *(fired(name) for name in names), text="日本語のテキスト" * 10))

            await wait_for(pilot, lambda: app.events.row_count == 1)

            row = app.events.row_texts()[0]
            assert row.endswith("…")
            assert cell_len(row) == ROW_WIDTH

    run(scenario)
