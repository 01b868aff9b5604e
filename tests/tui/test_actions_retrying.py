"""The actions pane shows a rate-limited reply as retrying, then as sent, against the emulator."""

from __future__ import annotations

import time
from pathlib import Path

from responder.decisions import PlannedAction
from responder.emulator import Emulator
from responder.records import ActionRetrying
from responder.tui.actions import retrying_row
from tests.tui.test_tui_emulator import SIZE, posts, start
from tests.tui.tui_helpers import run, wait_for


def rows_with(texts: list[str], part: str) -> list[str]:
    return [text for text in texts if part in text]


# NOTE: passes once MonitorState.apply (responder/tui/state.py) returns True for
# ActionRetrying, so that the app hands the record to the actions pane; remove the mark then.
def test_rate_limited_reply_shows_retrying_then_sent(tmp_path: Path) -> None:
    async def scenario() -> None:
        with Emulator() as emulator:
            emulator.fail_method("chat.postMessage", status=429, retry_after=1)
            app, runtime = start(emulator, tmp_path)
            runtime.start()
            try:
                async with app.run_test(size=SIZE) as pilot:
                    await wait_for(pilot, lambda: emulator.open_sessions == 1, timeout=10.0)
                    emulator.post_as_user("U0TEST1", "C0TEST1", "hello there")
                    await wait_for(pilot, lambda: bool(rows_with(app.actions.row_texts(), "retrying after")), timeout=10.0)
                    retrying = rows_with(app.actions.row_texts(), "retrying after")
                    await wait_for(pilot, lambda: app.state.counters.sent == 1, timeout=10.0)
                    await pilot.pause(0.1)
                    texts = app.actions.row_texts()
            finally:
                runtime.stop()

        assert len(retrying) == 1
        assert "retrying after 1 s (attempt 1 of 5)" in retrying[0]
        assert "ratelimited" in retrying[0]
        assert "greet #1" in retrying[0]
        sent = rows_with(texts, "✓ sent")
        assert len(sent) == 1
        assert texts.index(retrying[0]) < texts.index(sent[0])
        assert len(posts(emulator)) == 2

    run(scenario)


def test_retrying_row_names_channel_and_error() -> None:
    action = PlannedAction(
        rule="greet", number=2, verb="reply", method="chat.postMessage", channel="C0TEST1",
        event_ts="1700000400.000100", thread_ts="1700000400.000100", text="Hi!",
    )
    at = time.time()
    record = ActionRetrying(at=at, action=action, attempt=3, max_retries=5, retry_at=at + 0.5, error="http_503")

    text = retrying_row(record).plain

    assert "greet #2 reply: http_503" in text
    assert "→ C0TEST1 in thread" in text
    assert text.endswith("retrying after 0.5 s (attempt 3 of 5)")
