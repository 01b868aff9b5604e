"""``responder explain``: every rule's verdict on one event, as text and as JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from responder.explain import explain, format_explanation
from responder.rules.loader import load_rules
from responder.slack.normalise import normalise
from responder.testing.runner import offline_engine
from responder.testing.workspace import OfflineWorkspace
from tests.commands.helpers import EXAMPLE, GREET, responder, write

RULES = """
    [[rule]]
    name = "ops-deploy"
    channels = ["#ops"]
    words = "deploy"
    [[rule.action]]
    reply = "Checklist, {user}"
    [[rule.action]]
    react = "rocket"

    [test_workspace]
    channels = { "#ops" = "C0OPS" }
    users = { "@dana" = "U0DANA" }
"""


def expected_text(rules_path: Path, raw: dict[str, Any]) -> str:
    """Return what the command should print: the explanation of ``raw``, formatted."""
    rules = load_rules(rules_path)
    engine = offline_engine(rules, OfflineWorkspace())
    explanation = explain(engine, normalise(raw, engine.identity), now=float(raw["ts"]))
    return format_explanation(explanation).rstrip("\n") + "\n"


def message(text: str, channel: str = "C0TEST1", user: str = "U0TEST1", **extra: str) -> dict[str, Any]:
    return {"type": "message", "channel": channel, "user": user, "text": text, "ts": "1700000000.000100", **extra}


def test_text_prints_the_explanation() -> None:
    result = responder("explain", str(EXAMPLE), "--text", "hello there")

    assert result.returncode == 0, result.stderr
    assert result.stdout == expected_text(EXAMPLE, message("hello there"))
    for name in ("help-command", "greet", "ticket-link", "lunch-poll"):
        assert name in result.stdout


def test_json_lists_every_rule_with_checks() -> None:
    result = responder("explain", str(EXAMPLE), "--text", "can someone look at ticket #7?", "--json")

    assert result.returncode == 0, result.stderr
    explanation = json.loads(result.stdout)
    traces = {trace["rule"]: trace for trace in explanation["rules"]}
    assert explanation["ignored"] is None
    assert explanation["event"]["text"] == "can someone look at ticket #7?"
    assert explanation["event"]["channel"] == "C0TEST1"
    assert traces["ticket-link"]["fired"] is True
    assert traces["ticket-link"]["actions"][0]["text"] == "Ticket 7: https://tickets.example.invalid/t/7"
    assert traces["greet"]["fired"] is False
    for trace in explanation["rules"]:
        for check in trace["checks"]:
            assert set(check) == {"key", "passed", "tested", "detail"}


def test_own_message_is_ignored() -> None:
    result = responder("explain", str(EXAMPLE), "--text", "hello", "--user", "U0SELF", "--json")

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["ignored"] == "own message"


def test_channel_and_user_names_resolve(tmp_path: Path) -> None:
    rules = write(tmp_path, "rules.toml", RULES)

    result = responder("explain", str(rules), "--text", "deploy now", "--channel", "#ops", "--user", "@dana", "--json")

    assert result.returncode == 0, result.stderr
    explanation = json.loads(result.stdout)
    assert explanation["event"]["channel"] == "C0OPS"
    assert explanation["event"]["user"] == "U0DANA"
    assert explanation["rules"][0]["fired"] is True
    assert [action["verb"] for action in explanation["rules"][0]["actions"]] == ["reply", "react"]


def test_thread_ts_makes_a_reply(tmp_path: Path) -> None:
    rules = write(tmp_path, "rules.toml", GREET)

    result = responder("explain", str(rules), "--text", "hello", "--thread-ts", "1699999999.000100", "--json")

    action = json.loads(result.stdout)["rules"][0]["actions"][0]
    assert action["thread_ts"] == "1699999999.000100"


def test_event_file_and_envelope(tmp_path: Path) -> None:
    raw = message("thanks!", ts="1700000100.000100")
    bare = tmp_path / "event.json"
    bare.write_text(json.dumps(raw), encoding="utf-8")
    envelope = tmp_path / "envelope.json"
    envelope.write_text(json.dumps({"at": 1700000100.5, "event": raw}), encoding="utf-8")

    from_bare = responder("explain", str(EXAMPLE), "--event", str(bare))
    from_envelope = responder("explain", str(EXAMPLE), "--event", str(envelope))
    from_stdin = responder("explain", str(EXAMPLE), "--event", "-", stdin=json.dumps(raw))

    assert from_bare.returncode == 0, from_bare.stderr
    assert from_bare.stdout == expected_text(EXAMPLE, raw)
    assert from_envelope.stdout == from_bare.stdout
    assert from_stdin.stdout == from_bare.stdout


def test_bad_event_file_exits_2(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"type": "message",', encoding="utf-8")
    listed = tmp_path / "list.json"
    listed.write_text("[]", encoding="utf-8")

    missing = responder("explain", str(EXAMPLE), "--event", str(tmp_path / "none.json"))
    invalid = responder("explain", str(EXAMPLE), "--event", str(broken))
    not_object = responder("explain", str(EXAMPLE), "--event", str(listed))

    assert missing.returncode == 2
    assert "cannot read the event file" in missing.stderr
    assert invalid.returncode == 2
    assert f"{broken}:1:20: invalid JSON" in invalid.stderr
    assert not_object.returncode == 2
    assert "expected one JSON object" in not_object.stderr


def test_needs_text_or_event() -> None:
    neither = responder("explain", str(EXAMPLE))
    both = responder("explain", str(EXAMPLE), "--text", "hi", "--event", "event.json")

    assert neither.returncode == 2
    assert both.returncode == 2


def test_rules_problems_exit_1_or_2(tmp_path: Path) -> None:
    broken = write(tmp_path, "rules.toml", "[[rule]]\nname = 3\n")

    unreadable = responder("explain", str(tmp_path / "none.toml"), "--text", "hi")
    invalid = responder("explain", str(broken), "--text", "hi")

    assert unreadable.returncode == 2
    assert invalid.returncode == 1
    assert "the file was not loaded" in invalid.stderr
