"""SVG snapshots of the screen, compared with the files in ``tests/tui/snapshots``.

The clock, the uptime and the time zone are fixed and text cursors do not blink, so the
same records always give the same picture. After a deliberate change of the screen, run
``UPDATE_SNAPSHOTS=1 python -m pytest tests/tui/test_tui_snapshots.py`` and review the
new files before committing them.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from responder.decisions import SkippedAction
from responder.records import ConnectionState, Notice
from responder.tui.app import ResponderApp
from responder.tui.detail import DetailScreen
from responder.tui.text import _clock_of_second
from tests.tui.tui_helpers import (
    FROZEN_AT,
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

SNAPSHOTS = Path(__file__).parent / "snapshots"
TYPO = "rules.toml:12:9: rule \"greet\": chanels: unknown key (did you mean 'channels'?)"
RAW = {
    "type": "message",
    "channel": "C0GENERAL",
    "user": "U0ALICE",
    "text": "hello everyone, my token is xoxb-1234-5678-abcdef",
    "ts": "1700000136.000004",
}


@pytest.fixture(autouse=True)
def utc() -> Iterator[None]:
    """Show every time in UTC, whatever the machine's time zone."""
    saved = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    _clock_of_second.cache_clear()
    yield
    if saved is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = saved
    time.tzset()
    _clock_of_second.cache_clear()


def check_snapshot(app: ResponderApp, name: str, tmp_path: Path) -> None:
    """Compare the screen with ``snapshots/NAME.svg``, or write it when UPDATE_SNAPSHOTS=1."""
    svg = app.export_screenshot(title="responder")
    stored = SNAPSHOTS / f"{name}.svg"
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        SNAPSHOTS.mkdir(exist_ok=True)
        stored.write_text(svg, encoding="utf-8")
        return

    actual = tmp_path / f"{name}.svg"
    actual.write_text(svg, encoding="utf-8")
    assert stored.is_file(), f"{stored} is missing; run with UPDATE_SNAPSHOTS=1 to write it"
    assert svg == stored.read_text(encoding="utf-8"), f"the screen differs from {stored}; it is in {actual}"


def _controls() -> RecordingControls:
    controls = RecordingControls()
    controls.channel_names = {"C0GENERAL": "general", "C0OPS": "ops"}
    controls.user_names = {"U0ALICE": "alice", "U0BOB": "bob", "U0SELF": "autobot"}
    controls.rule_names = ("greet", "deploy-checklist", "ticket-link", "lunch-poll")
    controls.dry_run_rules = {"lunch-poll": True}
    controls.enabled = {"ticket-link": False}
    return controls


def _feed(app: ResponderApp, buffer: object) -> None:
    put = buffer  # a RecordBuffer is called with each record
    at = FROZEN_AT - 30
    records = [
        ConnectionState(at, "connecting", attempt=1),
        rules_loaded("greet", "deploy-checklist", "ticket-link", "lunch-poll", at=at),
        ConnectionState(at + 1, "connected", team="Example Team", bot="autobot", ping_rtt=0.012),
    ]
    greet = planned("greet", channel="C0GENERAL", text="Welcome, <@U0ALICE>!")
    deploy = planned("deploy-checklist", channel="C0OPS", text="<@U0BOB>, before you deploy: tests green?")
    limited = SkippedAction("greet", 1, "reply_limit 10/60s reached in C0GENERAL")
    records += [
        decision(4, fired("greet", greet), not_fired("deploy-checklist", "channels: not #ops"), at=at + 2,
                 raw=RAW, channel="C0GENERAL", user="U0ALICE", text="hello everyone, my token is [redacted token]"),
        result("sent", greet, at=at + 3),
        decision(5, ignored="own message", at=at + 3, channel="C0GENERAL", user="U0SELF", text="Welcome, <@U0ALICE>!"),
        decision(6, fired("deploy-checklist", deploy), at=at + 5, channel="C0OPS", user="U0BOB",
                 text="deploying api v2.14 to staging"),
        result("failed", deploy, error="channel_not_found", at=at + 6),
        decision(7, fired("greet", skipped=(limited,)), at=at + 8, channel="C0GENERAL", user="U0BOB", text="hi all"),
        decision(8, at=at + 9, channel="C0OPS", user="U0ALICE", text="is ticket 1234 blocking the release?"),
        Notice(at + 10, "warning", "chat.postMessage rate limited in C0OPS: retry 1 of 5 in 3.0 s", ids=("greet",)),
    ]
    for record in records:
        put(record)  # type: ignore[operator]


async def _fed_app(pilot_app: ResponderApp, buffer: object, pilot: object) -> None:
    _feed(pilot_app, buffer)
    await wait_for(pilot, lambda: pilot_app.state.counters.events == 5)  # type: ignore[arg-type]
    await wait_for(pilot, lambda: pilot_app.rules_table.get_cell("lunch-poll", "state").plain == "dry run")  # type: ignore[arg-type]
    await wait_for(pilot, lambda: pilot_app.rules_table.get_cell("greet", "fired").plain == "2")  # type: ignore[arg-type]


def test_snapshot_main_screen(tmp_path: Path) -> None:
    async def scenario() -> None:
        app, buffer, _ = make_app(controls=_controls(), clock=frozen_clock(), cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await _fed_app(app, buffer, pilot)
            await pilot.pause(0.2)

            check_snapshot(app, "main", tmp_path)

    run(scenario)


def test_snapshot_event_details(tmp_path: Path) -> None:
    async def scenario() -> None:
        controls = _controls()
        controls.explanation = (
            "greet: fired\n"
            "  words [\"hello\", \"hi\"]: true, tested \"hello everyone, my token is …\"\n"
            "deploy-checklist: not fired\n"
            "  channels [\"#ops\"]: false, tested #general"
        )
        app, buffer, _ = make_app(controls=controls, clock=frozen_clock(), cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await _fed_app(app, buffer, pilot)
            app.events.move_cursor(0)
            await pilot.press("enter")
            await wait_for(pilot, lambda: isinstance(app.screen, DetailScreen))
            screen = app.screen
            assert isinstance(screen, DetailScreen)
            await wait_for(pilot, lambda: screen.explanation_text.startswith("greet"))
            await pilot.pause(0.2)

            check_snapshot(app, "details", tmp_path)

    run(scenario)


def test_snapshot_reload_error_reconnect_and_filter(tmp_path: Path) -> None:
    async def scenario() -> None:
        app, buffer, _ = make_app(controls=_controls(), clock=frozen_clock(), cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await _fed_app(app, buffer, pilot)
            buffer(rules_loaded(errors=(TYPO,), at=FROZEN_AT - 2))
            reason = "closed with code 1011 (server error)"
            buffer(ConnectionState(FROZEN_AT - 1, "reconnecting", attempt=2, next_try_at=FROZEN_AT + 4, reason=reason))
            await wait_for(pilot, lambda: app.rules_banner.display)
            await pilot.press("slash", *"channel:#general")
            await pilot.pause(0.2)

            check_snapshot(app, "reload-error-filter", tmp_path)

    run(scenario)
