"""Reloading the rules: a broken file keeps the current rules until a good one loads."""

from __future__ import annotations

import time
from pathlib import Path

from responder.emulator import Emulator
from responder.records import RulesLoaded
from tests.integration.harness import assert_calls_match, start_responder, wait_for_action_calls

VERSION_1 = """[[rule]]
name = "greet"
words = ["hello"]
[[rule.action]]
reply = "Hi {user}!"

[[rule]]
name = "ticket"
regex = 'ticket (\\d+)'
[[rule.action]]
reply = "Ticket {1} is open"
"""
VERSION_2 = VERSION_1 + """
[[rule]]
name = "ticket-hash"
regex = "ticket #(\\d+)"
[[rule.action]]
reply = "Ticket {1}"
"""
VERSION_3 = VERSION_1 + """
[[rule]]
name = "bye"
words = ["bye"]
[[rule.action]]
reply = "Bye {user}"
"""


def message(text: str, ts: str) -> dict[str, str]:
    return {"type": "message", "user": "U0TEST1", "text": text, "channel": "C0TEST1", "ts": ts}


def reloads(records: list[object]) -> list[RulesLoaded]:
    return [record for record in records if isinstance(record, RulesLoaded)]


def test_broken_reload_keeps_rules_until_a_good_one(tmp_path: Path) -> None:
    rules = tmp_path / "rules.toml"
    rules.write_text(VERSION_1, encoding="utf-8")

    with Emulator() as emulator:
        runtime, collected = start_responder(emulator, rules)
        try:
            emulator.send_event(message("hello", "1700000133.000100"))
            wait_for_action_calls(emulator, 1, settle=0.2)

            rules.write_text(VERSION_2, encoding="utf-8")
            runtime.reload_rules()
            failed = reloads(collected.snapshot())[-1]
            emulator.send_event(message("hello", "1700000133.000200"))
            time.sleep(0.05)
            emulator.send_event(message("ticket 7", "1700000133.000300"))
            wait_for_action_calls(emulator, 3, settle=0.2)

            rules.write_text(VERSION_3, encoding="utf-8")
            runtime.reload_rules()
            succeeded = reloads(collected.snapshot())[-1]
            emulator.send_event(message("bye", "1700000133.000400"))
            calls = wait_for_action_calls(emulator, 4)
        finally:
            runtime.stop()

    assert not failed.ok
    assert failed.errors[0].startswith(f"{rules}:15:19:")
    assert succeeded.ok
    assert succeeded.rule_names == ("greet", "ticket", "bye")
    expected = [
        {"method": "chat.postMessage", "channel": "C0TEST1", "thread_ts": "1700000133.000100", "text": "Hi <@U0TEST1>!"},
        {"method": "chat.postMessage", "channel": "C0TEST1", "thread_ts": "1700000133.000200", "text": "Hi <@U0TEST1>!"},
        {"method": "chat.postMessage", "channel": "C0TEST1", "thread_ts": "1700000133.000300", "text": "Ticket 7 is open"},
        {"method": "chat.postMessage", "channel": "C0TEST1", "thread_ts": "1700000133.000400", "text": "Bye <@U0TEST1>"},
    ]
    assert_calls_match(calls, expected)
