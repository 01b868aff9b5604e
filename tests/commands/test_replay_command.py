"""``responder replay``: recorded events through the rules, offline and the same every time."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.commands.helpers import EXAMPLE, GREET, responder, write

JSON_KEYS = {"event_ts", "channel", "rule", "verb", "target_channel", "thread_ts", "text", "dry_run"}


def message(text: str, ts: str, user: str = "U0TEST1", **extra: Any) -> dict[str, Any]:
    return {"type": "message", "channel": "C0TEST1", "user": user, "text": text, "ts": ts, **extra}


def write_events(folder: Path, *lines: Any) -> Path:
    """Write each item as one line: dicts as JSON, strings as they are."""
    path = folder / "events.jsonl"
    text = "".join((line if isinstance(line, str) else json.dumps(line)) + "\n" for line in lines)
    path.write_text(text, encoding="utf-8")
    return path


def json_lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_json_has_one_object_per_action(tmp_path: Path) -> None:
    events = write_events(
        tmp_path,
        message("hello", "1700000005.000100"),
        {"at": 1700000006.2, "event": message("thanks, hi", "1700000006.000100", thread_ts="1700000005.000100")},
    )

    result = responder("replay", str(EXAMPLE), str(events), "--json")
    actions = json_lines(result.stdout)

    assert result.returncode == 0, result.stderr
    assert [set(action) for action in actions] == [JSON_KEYS, JSON_KEYS, JSON_KEYS | {"reaction"}]
    assert actions[0]["event_ts"] == "1700000005.000100"
    assert actions[0]["channel"] == "C0TEST1"
    assert actions[0]["rule"] == "greet"
    assert actions[0]["verb"] == "reply"
    assert actions[0]["target_channel"] == "C0TEST1"
    assert actions[0]["thread_ts"] == "1700000005.000100"
    assert actions[0]["text"] in ("Welcome, <@U0TEST1>!", "Good to see you, <@U0TEST1>!")
    assert actions[1]["thread_ts"] == "1700000005.000100"
    assert actions[2] == {
        "event_ts": "1700000006.000100",
        "channel": "C0TEST1",
        "rule": "thanks",
        "verb": "react",
        "target_channel": "C0TEST1",
        "thread_ts": None,
        "text": None,
        "reaction": "heart",
        "dry_run": False,
    }
    assert result.stderr.splitlines()[-1] == "2 events, 3 actions, 0 lines skipped"


def test_text_output_prints_every_decision(tmp_path: Path) -> None:
    events = write_events(
        tmp_path,
        message("hello", "1700000005.000100"),
        message("hello", "1700000006.000100", user="U0SELF", bot_id="B0SELF"),
        message("nothing to see", "1700000007.000100"),
    )

    result = responder("replay", str(EXAMPLE), str(events))
    lines = result.stdout.splitlines()

    assert result.returncode == 0, result.stderr
    assert lines[0].startswith(f"{events}:1: event message channel=C0TEST1 user=U0TEST1 ts=1700000005.000100: hello -> fired: greet")
    assert lines[1].startswith("  rule greet reply in C0TEST1 thread 1700000005.000100: ")
    assert lines[2].endswith("-> ignored: own message")
    assert lines[3].endswith("nothing to see -> no rule fired")
    assert lines[4] == "3 events, 1 action, 0 lines skipped"


def test_replay_is_deterministic(tmp_path: Path) -> None:
    rules = write(tmp_path, "rules.toml", """
        [[rule]]
        name = "greet"
        words = "hello"
        [[rule.action]]
        reply = ["one", "two", "three", "four", "five", "six", "seven", "eight"]
    """)
    events = write_events(tmp_path, *(message("hello", f"{1700000000 + index * 61}.000100") for index in range(20)))

    first = responder("replay", str(rules), str(events), "--json")
    second = responder("replay", str(rules), str(events), "--json")

    assert first.returncode == 0, first.stderr
    assert len(json_lines(first.stdout)) == 20
    assert len({action["text"] for action in json_lines(first.stdout)}) > 1
    assert first.stdout == second.stdout


def test_guards_use_event_times(tmp_path: Path) -> None:
    rules = write(tmp_path, "rules.toml", """
        [settings]
        reply_limit = "1/60s"
    """, GREET)
    events = write_events(
        tmp_path,
        message("hello", "1700000000.000100"),
        message("hello", "1700000030.000100"),
        message("hello", "1700000090.000100"),
        message("hello", "1700000000.000100"),
    )

    result = responder("replay", str(rules), str(events), "--json")
    text = responder("replay", str(rules), str(events))

    assert [action["event_ts"] for action in json_lines(result.stdout)] == ["1700000000.000100", "1700000090.000100"]
    assert "skipped rule greet action 1: reply_limit 1/60s reached in C0TEST1" in text.stdout
    assert "-> ignored: duplicate of an event already handled" in text.stdout


def test_bad_lines_are_skipped_and_counted(tmp_path: Path) -> None:
    events = write_events(
        tmp_path,
        "not json",
        "[1, 2]",
        '{"at": 1700000000, "event": "hello"}',
        "",
        message("hello", "1700000005.000100"),
        '"just a string"',
    )

    result = responder("replay", str(EXAMPLE), str(events), "--json")
    err = result.stderr.splitlines()

    assert result.returncode == 0
    assert err[0].startswith(f"{events}:1: skipped: not JSON")
    assert err[1] == f"{events}:2: skipped: not a JSON object but an array"
    assert err[2] == f'{events}:3: skipped: "event" is not a JSON object but a string'
    assert err[3] == f"{events}:6: skipped: not a JSON object but a string"
    assert err[-1] == "1 event, 1 action, 4 lines skipped"
    assert len(json_lines(result.stdout)) == 1


def test_invalid_utf8_line_is_not_fatal(tmp_path: Path) -> None:
    events = tmp_path / "events.jsonl"
    events.write_bytes(b'{"type": "message", "text": "\xff"}\n' + json.dumps(message("hello", "1700000005.000100")).encode() + b"\n")

    result = responder("replay", str(EXAMPLE), str(events), "--json")

    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines()[-1] == "2 events, 1 action, 0 lines skipped"


def test_missing_files_exit_2_and_broken_rules_1(tmp_path: Path) -> None:
    events = write_events(tmp_path, message("hello", "1700000005.000100"))
    broken = write(tmp_path, "broken.toml", "[[rule]]\n")

    no_events = responder("replay", str(EXAMPLE), str(tmp_path / "none.jsonl"))
    no_rules = responder("replay", str(tmp_path / "none.toml"), str(events))
    invalid = responder("replay", str(broken), str(events))

    assert no_events.returncode == 2
    assert "cannot read the events file" in no_events.stderr
    assert no_rules.returncode == 2
    assert invalid.returncode == 1


def test_bot_identity_options(tmp_path: Path) -> None:
    rules = write(tmp_path, "rules.toml", GREET)
    events = write_events(
        tmp_path,
        message("hello", "1700000005.000100", user="U0REAL"),
        message("hello", "1700000006.000100", user="U0SELF"),
    )

    result = responder("replay", str(rules), str(events), "--json", "--bot-user", "U0REAL")
    invalid = responder("replay", str(rules), str(events), "--bot-user", "alice")

    assert [action["event_ts"] for action in json_lines(result.stdout)] == ["1700000006.000100"]
    assert invalid.returncode == 2
    assert "invalid id 'alice'; expected a user id such as U0SELF" in invalid.stderr


def test_dry_run_actions_are_marked(tmp_path: Path) -> None:
    rules = write(tmp_path, "rules.toml", """
        [[rule]]
        name = "greet"
        words = "hello"
        dry_run = true
        [[rule.action]]
        reply = "Hi"
    """)
    events = write_events(tmp_path, message("hello", "1700000005.000100"))

    result = responder("replay", str(rules), str(events), "--json")
    text = responder("replay", str(rules), str(events))

    assert json_lines(result.stdout)[0]["dry_run"] is True
    assert "rule greet reply (dry run) in C0TEST1" in text.stdout
