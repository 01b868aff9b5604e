"""The status bar, the actions pane, the rules banner and the rules table."""

from __future__ import annotations

import time

from responder.decisions import SkippedAction
from responder.records import ConnectionState, FrameSkipped, Notice, SlackErrorFrame
from responder.tui.app import ResponderApp
from tests.tui.tui_helpers import (
    SIZE,
    decision,
    fired,
    make_app,
    planned,
    result,
    rules_loaded,
    run,
    wait_for,
)

TYPO = "rules.toml:12:9: rule \"greet\": chanels: unknown key (did you mean 'channels'?)"


def _phase(app: ResponderApp) -> str | None:
    return app.state.connection.phase if app.state.connection else None


def test_status_shows_workspace_bot_and_ping() -> None:
    async def scenario() -> None:
        app, buffer, _ = make_app()
        async with app.run_test(size=SIZE) as pilot:
            buffer(ConnectionState(time.time(), "connected", team="T0TEST", bot="autobot", ping_rtt=0.042))

            await wait_for(pilot, lambda: app.state.connection is not None)
            await pilot.pause()

            assert "workspace T0TEST" in app.status_bar.message
            assert "bot autobot" in app.status_bar.message
            assert "connected (ping 42 ms)" in app.status_bar.message

    run(scenario)


def test_status_shows_reconnect_attempt_and_wait() -> None:
    async def scenario() -> None:
        app, buffer, _ = make_app()
        async with app.run_test(size=SIZE) as pilot:
            buffer(ConnectionState(time.time(), "connected", team="T0TEST", bot="autobot"))
            buffer(ConnectionState(time.time(), "reconnecting", attempt=3, next_try_at=time.time() + 30))

            await wait_for(pilot, lambda: _phase(app) == "reconnecting")
            await pilot.pause()

            assert "reconnecting (attempt 3, next try in " in app.status_bar.message
            assert "workspace T0TEST" in app.status_bar.message

    run(scenario)


def test_status_shows_stop_reason() -> None:
    async def scenario() -> None:
        app, buffer, _ = make_app()
        async with app.run_test(size=SIZE) as pilot:
            buffer(ConnectionState(time.time(), "stopped", reason="invalid_auth"))

            await wait_for(pilot, lambda: app.state.connection is not None)
            await pilot.pause()

            assert "stopped: invalid_auth" in app.status_bar.message

    run(scenario)


def test_status_shows_rules_and_counters() -> None:
    async def scenario() -> None:
        app, buffer, _ = make_app()
        async with app.run_test(size=SIZE) as pilot:
            buffer(rules_loaded("greet", "marker", "thanks"))
            buffer(decision(1, fired("greet", planned())))
            buffer(result("sent", planned()))
            buffer(result("failed", planned(), error="channel_not_found"))
            buffer(FrameSkipped(time.time(), "not JSON"))

            await wait_for(pilot, lambda: app.state.counters.failed == 1)
            await pilot.pause()

            status = app.status_bar.message
            assert "rules.toml: 3 rules" in status
            assert "events 1 " in status
            assert "fired 1 " in status
            assert "sent 1 " in status
            assert "failed 1 " in status
            assert "skipped frames 1 " in status
            assert "up 0:00:0" in status

    run(scenario)


def test_failed_action_shows_rule_and_error_code() -> None:
    async def scenario() -> None:
        app, buffer, _ = make_app()
        async with app.run_test(size=SIZE) as pilot:
            reaction = planned(
                "deploy-thanks", verb="react", method="reactions.add", text=None, reaction="tada"
            )
            buffer(result("failed", reaction, error="invalid_name"))

            await wait_for(pilot, lambda: app.actions.row_count == 1)

            row = app.actions.row_texts()[0]
            assert "failed" in row
            assert "deploy-thanks #1" in row
            assert "invalid_name" in row

    run(scenario)


def test_sent_and_dry_run_actions_show_their_target() -> None:
    async def scenario() -> None:
        app, buffer, _ = make_app()
        async with app.run_test(size=SIZE) as pilot:
            buffer(result("sent", planned()))
            buffer(result("dry_run", planned("marker", text="seen load 100 marker", dry_run=True)))

            await wait_for(pilot, lambda: app.actions.row_count == 2)

            sent, dry_run = app.actions.row_texts()
            assert "sent" in sent
            assert "C0TEST1 in thread: Hi <@U0TEST1>!" in sent
            assert "dry run" in dry_run
            assert "marker #1" in dry_run

    run(scenario)


def test_skips_slack_errors_and_notices_reach_actions_pane() -> None:
    async def scenario() -> None:
        app, buffer, _ = make_app()
        async with app.run_test(size=SIZE) as pilot:
            skip = SkippedAction("greet", 2, "missing field {user}")
            buffer(decision(1, fired("greet", planned(), skipped=(skip,))))
            buffer(SlackErrorFrame(time.time(), 2, "made-up test error"))
            buffer(Notice(time.time(), "warning", "reply limit reached", ids=("C0TEST1",)))

            await wait_for(pilot, lambda: app.actions.row_count == 3)

            skipped, slack_error, notice = app.actions.row_texts()
            assert "skipped greet #2: missing field {user}" in skipped
            assert "Slack error 2: made-up test error" in slack_error
            assert "warning: reply limit reached (C0TEST1)" in notice
            assert "(1 skipped)" in app.events.row_texts()[0]

    run(scenario)


def test_failed_rules_load_shows_banner_until_ok() -> None:
    async def scenario() -> None:
        app, buffer, _ = make_app()
        async with app.run_test(size=SIZE) as pilot:
            buffer(rules_loaded("greet", "marker", "thanks"))
            buffer(rules_loaded(errors=(TYPO,)))

            await wait_for(pilot, lambda: app.rules_banner.display)

            assert TYPO in app.rules_banner.message
            assert "keeps its previous 3 rules" in app.rules_banner.message
            assert "(reload failed)" in app.status_bar.message

            # Unrelated records do not clear it.
            buffer(decision(1))
            await wait_for(pilot, lambda: app.events.row_count == 1)
            assert app.rules_banner.display

            buffer(rules_loaded("greet", "marker", "thanks"))
            await wait_for(pilot, lambda: not app.rules_banner.display)

            assert app.rules_banner.message == ""
            assert "(reload failed)" not in app.status_bar.message

    run(scenario)


def test_rules_table_counts_per_rule() -> None:
    async def scenario() -> None:
        app, buffer, _ = make_app()
        async with app.run_test(size=SIZE) as pilot:
            buffer(rules_loaded("greet", "marker"))
            buffer(decision(1, fired("greet", planned())))
            buffer(decision(2, fired("greet", planned())))
            buffer(result("failed", planned(), error="channel_not_found"))

            await wait_for(pilot, lambda: app.state.counters.failed == 1)
            table = app.rules_table
            await wait_for(pilot, lambda: table.get_cell("greet", "errors").plain == "1")

            assert table.row_count == 2
            assert table.get_cell("greet", "fired").plain == "2"
            assert table.get_cell("greet", "errors").plain == "1"
            assert table.get_cell("marker", "fired").plain == "0"

    run(scenario)
