"""The delivery journal: nothing planned is lost or sent twice across restarts."""

from __future__ import annotations

import signal
import sqlite3
import time
from pathlib import Path

import pytest
from slack_sdk import WebClient

from responder.decisions import PlannedAction
from responder.emulator import Emulator
from responder.journal import Journal, default_journal_path
from responder.records import ActionResult
from responder.slack.outbox import Outbox
from tests.faults.helpers import message, posts, start_cli, stop_cli, wait_until, write_rules
from tests.slack.helpers import TOKEN, Collector

SCOPE = "T0TEST@http://127.0.0.1/api/"


def reply(ts: str, channel: str = "C0TEST1", number: int = 1) -> PlannedAction:
    return PlannedAction(
        rule="greet", number=number, verb="reply", method="chat.postMessage", channel=channel,
        event_ts=ts, thread_ts=ts, text="Hi <@U0TEST1>!",
    )


def test_claim_refuses_a_known_key(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "journal.sqlite3")
    journal.begin(SCOPE)

    assert journal.claim(reply("1700000140.000100"))
    assert not journal.claim(reply("1700000140.000100"))
    assert journal.claim(reply("1700000140.000100", number=2))


def test_next_run_takes_over_planned_actions_only(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    first = Journal(path)
    first.begin(SCOPE)
    planned, sending, sent, failed = (reply(f"1700000140.00010{n}") for n in range(4))
    for action in (planned, sending, sent, failed):
        first.claim(action)
    first.mark_sending(sending)
    first.mark_sent(sent, "1700000140.999999")
    first.mark_failed(failed, "channel_not_found")
    first.close()

    second = Journal(path)
    taken = second.begin(SCOPE)

    assert taken == [planned]
    assert second.begin(SCOPE) == []
    assert second.state_of(sending) == "interrupted"
    assert not second.claim(sent)
    assert not second.claim(planned)


def test_old_planned_actions_expire(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    now = [1000.0]
    first = Journal(path, clock=lambda: now[0])
    first.begin(SCOPE)
    first.claim(reply("1700000140.000100"))
    first.close()

    now[0] += 3601.0
    second = Journal(path, max_age=3600.0, clock=lambda: now[0])

    assert second.begin(SCOPE) == []
    assert second.state_of(reply("1700000140.000100")) == "expired"


def test_other_scope_is_never_taken_over(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    first = Journal(path)
    first.begin("T0OTHER@https://slack.com/api/")
    first.claim(reply("1700000140.000100"))
    first.close()

    assert Journal(path).begin(SCOPE) == []


def test_default_path_follows_xdg_state_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    assert default_journal_path() == tmp_path / "responder" / "journal.sqlite3"

    monkeypatch.delenv("XDG_STATE_HOME")
    assert default_journal_path() == Path.home() / ".local" / "state" / "responder" / "journal.sqlite3"


def test_journal_file_uses_wal_and_owner_only_access(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    Journal(path).close()

    assert path.stat().st_mode & 0o077 == 0
    assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_outbox_skips_a_key_already_sent(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "journal.sqlite3")
    journal.begin(SCOPE)
    collector = Collector()

    with Emulator() as emulator:
        outbox = Outbox(WebClient(base_url=emulator.base_url, token=TOKEN), on_record=collector.on_record,
                        min_interval=0.0, journal=journal)
        outbox.submit(reply("1700000140.000100"))
        collector.wait_until(lambda: len(collector.of_type(ActionResult)) == 1, 5.0, "one result")
        outbox.submit(reply("1700000140.000100"))
        time.sleep(0.5)
        outbox.close()
        calls = posts(emulator)

    assert len(calls) == 1
    assert journal.state_of(reply("1700000140.000100")) == "sent"


def journal_states(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as db:
        return dict(db.execute("SELECT state, COUNT(*) FROM actions GROUP BY state").fetchall())


def test_sigkill_with_queued_actions_sends_each_once(tmp_path: Path) -> None:
    rules = write_rules(tmp_path)
    journal = tmp_path / "journal.sqlite3"
    token = "xoxb-journal-kill-9b2e"
    triggers = [(f"1700000140.00010{n}", "C0TEST1") for n in range(1, 4)] + [(f"1700000140.00020{n}", "C0TEST2") for n in range(1, 4)]

    with Emulator() as emulator:
        arguments = ["run", str(rules), "--headless", "--slack-url", emulator.base_url, "--journal", str(journal), "--log-level", "INFO"]
        emulator.fail_method("chat.postMessage", delay=2.0, times=0)
        first = start_cli(arguments, token, tmp_path / "state", tmp_path / "first")
        try:
            emulator.wait_for_sessions(1, timeout=15.0)
            for ts, channel in triggers:
                emulator.send_event(message(ts, channel=channel))
            wait_until(lambda: len(posts(emulator)) >= 2, 10.0, "one post in flight per channel")
            time.sleep(0.3)
            first.send_signal(signal.SIGKILL)
            first.wait(10.0)
        finally:
            if first.poll() is None:
                first.kill()
        after_kill = journal_states(journal)
        calls_at_kill = len(posts(emulator))

        emulator.clear_faults()
        second = start_cli(arguments, token, tmp_path / "state", tmp_path / "second")
        try:
            wait_until(lambda: emulator.sessions_started >= 2, 15.0, "the second run's session")
            wait_until(lambda: len({call["thread_ts"] for call in posts(emulator)}) >= 6, 15.0, "six answered triggers")
            emulator.send_event(message(triggers[-1][0], channel=triggers[-1][1]))
            emulator.send_event(message(triggers[0][0], channel=triggers[0][1]))
            time.sleep(2.0)
        finally:
            status = stop_cli(second)

    answered = [call["thread_ts"] for call in posts(emulator)]
    seen_in_channel = [post["thread_ts"] for post in emulator.posted() if post["thread_ts"] is not None]
    assert calls_at_kill == 2
    assert sorted(seen_in_channel) == sorted(ts for ts, _ in triggers)
    assert after_kill == {"sending": 2, "planned": 4}
    assert sorted(answered) == sorted(ts for ts, _ in triggers)
    for ts, channel in triggers:
        in_channel = [call for call in posts(emulator) if call["thread_ts"] == ts]
        assert [call["channel"] for call in in_channel] == [channel]
    assert status in (0, 130)
    assert journal_states(journal) == {"interrupted": 2, "sent": 4}


def test_pieces_of_a_long_text_are_journaled_apart(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "journal.sqlite3")
    journal.begin(SCOPE)
    collector = Collector()
    long_reply = PlannedAction(
        rule="echo", number=1, verb="reply", method="chat.postMessage", channel="C0TEST1",
        event_ts="1700000140.000100", thread_ts="1700000140.000100", text="word " * 30,
    )

    with Emulator() as emulator:
        outbox = Outbox(WebClient(base_url=emulator.base_url, token=TOKEN), on_record=collector.on_record,
                        min_interval=0.0, max_text_length=60, journal=journal)
        pieces = outbox.pieces(long_reply)
        outbox.submit(long_reply)
        collector.wait_until(lambda: len(collector.of_type(ActionResult)) == len(pieces), 5.0, "every piece")
        outbox.close()
        calls = posts(emulator)

    assert len(pieces) == 3
    assert [piece.key for piece in pieces] == [f"{long_reply.key}|{number}" for number in (1, 2, 3)]
    assert [call["text"] for call in calls] == [piece.text for piece in pieces]
    assert all(journal.state_of(piece) == "sent" for piece in pieces)


def test_taken_over_action_keeps_every_field(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    action = PlannedAction(
        rule="relay", number=2, verb="reply", method="chat.postMessage", channel="C0TEST2",
        event_ts="1700000150.000100", thread_ts="1700000150.000100", text="Grüße <@U0TEST1>",
        reaction=None, timestamp="1700000150.000100", broadcast=True, user="U0TEST1", dry_run=False, chunk=3,
    )
    first = Journal(path)
    first.begin(SCOPE)
    first.claim(action)
    first.close()

    second = Journal(path)
    taken = second.begin(SCOPE)

    assert taken == [action]
