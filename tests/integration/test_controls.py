"""The screen's controls on a running responder: names, switches, explain, try a message."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from responder.emulator import Emulator
from responder.records import DecisionMade
from responder.rules.loader import load_rules
from responder.runtime import RunConfig, Runtime
from tests.integration.harness import TOKEN, Collected, connected, wait_for_action_calls

RULES = """[[rule]]
name = "greet"
words = ["hello"]
[[rule.action]]
reply = "Hi {user}!"

[[rule]]
name = "ticket"
regex = 'ticket #(\\d+)'
[[rule.action]]
react = "ticket"
"""


def start(emulator: Emulator, rules_path: Path, *, inject: bool) -> tuple[Runtime, Collected]:
    collected = Collected()
    config = RunConfig(rules_path=rules_path, token=TOKEN, slack_url=emulator.base_url, min_post_interval=0.0)
    injector = emulator.post_as_user if inject else None
    runtime = Runtime(config, collected, load_rules(rules_path), injector=injector)
    runtime.start()
    collected.wait_for(connected)
    return runtime, collected


@pytest.fixture()
def rules_path(tmp_path: Path) -> Path:
    path = tmp_path / "rules.toml"
    path.write_text(RULES, encoding="utf-8")
    return path


def test_try_message_posts_as_a_person_in_demo_mode(rules_path: Path) -> None:
    with Emulator() as emulator:
        runtime, collected = start(emulator, rules_path, inject=True)
        try:
            channels, users = runtime.names()
            result = runtime.try_message("hello there", "#test-one", None)
            calls = wait_for_action_calls(emulator, 1)
        finally:
            runtime.stop()

    assert channels["C0TEST1"] == "test-one"
    assert users["U0TEST1"] == "tester1"
    assert result is None
    assert len(calls) == 1
    assert calls[0]["channel"] == "C0TEST1"
    assert not calls[0]["text"].startswith("Hi <@U0SELF>")
    decisions = [record.decision for record in collected.snapshot() if isinstance(record, DecisionMade)]
    assert any(decision.fired == ("greet",) for decision in decisions)


def test_try_message_live_is_a_dry_run_with_explanation(rules_path: Path) -> None:
    with Emulator() as emulator:
        runtime, _ = start(emulator, rules_path, inject=False)
        try:
            text = runtime.try_message("ticket #42 please", "C0TEST2", "@tester2")
            time.sleep(0.5)
            calls = wait_for_action_calls(emulator, 0, settle=0.3)
        finally:
            runtime.stop()

    assert text is not None
    assert "ticket" in text
    assert "Dry run" in text
    assert calls == []


def test_switches_disable_and_dry_run_rules(rules_path: Path) -> None:
    with Emulator() as emulator:
        runtime, _ = start(emulator, rules_path, inject=False)
        try:
            runtime.set_rule_enabled("greet", False)
            runtime.set_rule_dry_run("ticket", True)
            switches = runtime.rule_switches()
            emulator.send_event({"type": "message", "user": "U0TEST1", "text": "hello ticket #5", "channel": "C0TEST1", "ts": "1700000300.000100"})
            calls = wait_for_action_calls(emulator, 0, settle=1.0)
            with pytest.raises(KeyError):
                runtime.set_rule_enabled("nope", True)
        finally:
            runtime.stop()

    assert switches["greet"].enabled is False
    assert switches["ticket"].dry_run is True
    assert calls == []


def test_explain_shows_each_rule(rules_path: Path) -> None:
    with Emulator() as emulator:
        runtime, collected = start(emulator, rules_path, inject=False)
        try:
            emulator.send_event({"type": "message", "user": "U0TEST1", "text": "hello", "channel": "C0TEST1", "ts": "1700000300.000200"})
            record = collected.wait_for(lambda r: isinstance(r, DecisionMade) and r.decision.event.ts == "1700000300.000200")
            assert isinstance(record, DecisionMade)
            text = runtime.explain(record.decision)
        finally:
            runtime.stop()

    assert text is not None
    assert "At the time: fired greet" in text
    assert "rule greet: fired" in text
    assert "rule ticket: not fired" in text
