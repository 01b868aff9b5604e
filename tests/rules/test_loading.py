"""Valid rules files compile into the engine's form."""

from __future__ import annotations

from pathlib import Path

import pytest

from responder.rules.loader import (
    RulesError,
    RulesFileUnreadable,
    check_rules,
    load_rules,
    load_rules_text,
)
from responder.rules.model import RateLimit, Settings

REPO_ROOT = Path(__file__).resolve().parents[2]

FULL_RULE = """\
[settings]
ignore_bots = false
reply_limit = "5/1m"
dedupe_window = "1h30m"
max_text_length = 2000
dry_run = true
timezone = "Europe/Berlin"

[[rule]]
name = "deploy"
event = "message"
channels = ["#ops", "C0TEST1"]
not_channels = "D0TEST1"
users = ["@alice", "U0TEST1"]
not_users = ["W0TEST3"]
subtypes = ["", "message_changed"]
thread = "top"
mention = "never"
has_files = false
equals = "deploy"
starts_with = ["deploy ", "ship "]
contains = "prod"
words = ["deploy", "ship"]
case_sensitive = true
raw_text = true
bots = true
enabled = false
dry_run = true

[[rule.action]]
reply = ["On it, {user}", "Deploying for {user.name}"]
in_thread = false
broadcast = true

[[rule.action]]
react = ["rocket", "eyes"]

[[rule.action]]
post = "{user} deploys in {channel}"
channel = "#announce"
"""

THREE_SPELLINGS = """\
[[rule]]
name = "ticket-literal"
regex = 'ticket #(\\d+)'
[[rule.action]]
reply = "A {1}"

[[rule]]
name = "ticket-basic"
regex = "ticket #(\\\\d+)"
[[rule.action]]
reply = "B {1}"

[[rule]]
name = "ticket-multiline"
regex = '''ticket #(\\d+)'''
[[rule.action]]
reply = "C {1}"
"""


def test_settings_are_read() -> None:
    settings = load_rules_text(FULL_RULE).settings

    assert settings == Settings(
        ignore_bots=False,
        reply_limit=RateLimit(5, 60.0),
        dedupe_window=5400.0,
        max_text_length=2000,
        dry_run=True,
        timezone="Europe/Berlin",
    )


def test_settings_default_when_absent() -> None:
    ruleset = load_rules_text('[[rule]]\nname = "r"\nwords = "a"\n[[rule.action]]\nreact = "x"\n')

    assert ruleset.settings == Settings()


def test_every_condition_is_compiled() -> None:
    rule = load_rules_text(FULL_RULE).rules[0]
    conditions = rule.conditions

    assert (rule.name, rule.index, rule.line) == ("deploy", 0, 9)
    assert (rule.enabled, rule.stop, rule.dry_run) == (False, False, True)
    assert conditions.event == "message"
    assert conditions.channels == ("#ops", "C0TEST1")
    assert conditions.not_channels == ("D0TEST1",)
    assert conditions.users == ("@alice", "U0TEST1")
    assert conditions.not_users == ("W0TEST3",)
    assert conditions.subtypes == ("", "message_changed")
    assert conditions.thread == "top"
    assert conditions.mention == "never"
    assert conditions.has_files is False
    assert conditions.equals == ("deploy",)
    assert conditions.starts_with == ("deploy ", "ship ")
    assert conditions.contains == ("prod",)
    assert conditions.words == ("deploy", "ship")
    assert (conditions.case_sensitive, conditions.raw_text, conditions.bots) == (True, True, True)


def test_unnamed_conditions_keep_defaults() -> None:
    conditions = load_rules_text('[[rule]]\nname = "r"\nstop = true\n').rules[0].conditions

    assert conditions.subtypes is None
    assert conditions.mention is None
    assert conditions.bots is None
    assert conditions.has_files is None
    assert conditions.thread == "any"
    assert conditions.regex == ()


def test_actions_are_compiled_in_order() -> None:
    actions = load_rules_text(FULL_RULE).rules[0].actions

    assert [(action.verb, action.number, action.line) for action in actions] == [
        ("reply", 1, 30),
        ("react", 2, 35),
        ("post", 3, 38),
    ]
    reply, react, post = actions
    assert [template.source for template in reply.texts] == [
        "On it, {user}",
        "Deploying for {user.name}",
    ]
    assert (reply.in_thread, reply.broadcast, reply.channel) == (False, True, None)
    assert [template.parts for template in react.texts] == [("rocket",), ("eyes",)]
    assert (react.in_thread, react.broadcast) == (True, False)
    assert post.channel == "#announce"
    assert [field.name for field in post.texts[0].fields] == ["user", "channel"]


def test_three_spellings_compile_to_same_pattern() -> None:
    ruleset = load_rules_text(THREE_SPELLINGS)

    patterns = [rule.conditions.regex[0].pattern for rule in ruleset.rules]
    assert patterns == ["ticket #(\\d+)"] * 3
    assert [rule.group_count for rule in ruleset.rules] == [1, 1, 1]
    assert ruleset.rules[0].conditions.regex[0].search("ticket #42").group(1) == "42"


def test_inline_rule_array_has_lines() -> None:
    text = """\
rule = [
  { name = "a", words = "x", action = [{ react = "eyes" }] },
  { name = "b", words = "y", action = [{ react = "wave" }] },
]
"""
    rules = load_rules_text(text).rules

    assert [(rule.name, rule.line) for rule in rules] == [("a", 2), ("b", 3)]


def test_inline_rule_problem_has_position() -> None:
    text = """\
rule = [
  { name = "a", words = 3, action = [{ react = "eyes" }] },
]
"""
    with pytest.raises(RulesError) as caught:
        load_rules_text(text)

    assert str(caught.value) == (
        'rules.toml:2:25: rule "a": words: expected a string or a list of strings, got integer'
    )


def test_tests_and_workspace_are_kept() -> None:
    text = """\
[[rule]]
name = "greet"
words = "hello"
[[rule.action]]
reply = "Welcome, {user}!"

[test_workspace]
bot_user = "U0BOT"

[[test]]
name = "greets"
text = "hello"
fires = ["greet"]

[[test]]
name = "silent"
text = "bye"
fires = []
"""
    ruleset = load_rules_text(text)

    assert [test["name"] for test in ruleset.tests] == ["greets", "silent"]
    assert ruleset.tests[0]["fires"] == ["greet"]
    assert ruleset.test_lines == (10, 15)
    assert ruleset.test_workspace == {"bot_user": "U0BOT"}


def test_example_file_loads_without_findings() -> None:
    ruleset, problems = check_rules(REPO_ROOT / "rules.example.toml")

    assert [problem.format() for problem in problems] == []
    assert ruleset is not None
    assert len(ruleset.rules) >= 10
    assert len(ruleset.tests) >= 3


def test_example_file_shows_each_feature() -> None:
    ruleset = load_rules(REPO_ROOT / "rules.example.toml")
    rules = ruleset.rules

    assert any(rule.conditions.words for rule in rules)
    assert any(rule.group_names for rule in rules)
    assert any(rule.conditions.mention == "start" and rule.stop for rule in rules)
    assert any(action.verb == "react" for rule in rules for action in rule.actions)
    assert any(
        action.verb == "post" and action.channel for rule in rules for action in rule.actions
    )
    assert any(rule.conditions.thread == "top" for rule in rules)
    assert any(rule.conditions.case_sensitive for rule in rules)
    assert any(rule.conditions.not_users for rule in rules)
    assert any(rule.conditions.bots for rule in rules)
    assert any(rule.dry_run for rule in rules)


def test_example_file_shows_guards_nested_conditions_and_private_actions() -> None:
    rules = load_rules(REPO_ROOT / "rules.example.toml").rules
    verbs = {action.verb for rule in rules for action in rule.actions}

    assert any(rule.cooldown and rule.cooldown_per for rule in rules)
    assert any(rule.once_per_thread for rule in rules)
    assert any(rule.conditions.any for rule in rules)
    assert any(rule.conditions.unless for rule in rules)
    assert any(rule.conditions.fields and rule.conditions.event == "reaction_added" for rule in rules)
    assert any(rule.conditions.channel_types for rule in rules)
    assert any(rule.conditions.active_hours or (rule.conditions.unless and rule.conditions.unless.active_hours) for rule in rules)
    assert {"dm", "ephemeral"} <= verbs
    assert any(action.to for rule in rules for action in rule.actions)


def test_load_rules_reads_file(tmp_path: Path) -> None:
    path = tmp_path / "my-rules.toml"
    path.write_text(
        '[[rule]]\nname = "r"\nwords = "a"\n[[rule.action]]\nreact = "x"\n', encoding="utf-8"
    )

    ruleset = load_rules(path)

    assert ruleset.path == str(path)
    assert [rule.name for rule in ruleset.rules] == ["r"]


def test_problems_name_the_given_path(tmp_path: Path) -> None:
    path = tmp_path / "broken.toml"
    path.write_text('[[rule]]\nname = "r"\n', encoding="utf-8")

    with pytest.raises(RulesError) as caught:
        load_rules(path)

    assert caught.value.errors[0].format().startswith(f'{path}:1:1: rule "r": action: missing')


def test_missing_file_is_unreadable(tmp_path: Path) -> None:
    with pytest.raises(RulesFileUnreadable) as caught:
        check_rules(tmp_path / "absent.toml")

    assert "absent.toml" in str(caught.value)
    assert "No such file" in caught.value.reason


def test_directory_is_unreadable(tmp_path: Path) -> None:
    with pytest.raises(RulesFileUnreadable):
        load_rules(tmp_path)


def test_non_utf8_file_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "latin1.toml"
    path.write_bytes('[[rule]]\nname = "caf\xe9"\n'.encode("latin-1"))

    ruleset, problems = check_rules(path)

    assert ruleset is None
    assert [(problem.line, problem.column) for problem in problems] == [(2, 12)]
    assert "UTF-8" in problems[0].message


def test_byte_order_mark_is_ignored() -> None:
    ruleset = load_rules_text(
        '\ufeff[[rule]]\nname = "r"\nwords = "a"\n[[rule.action]]\nreact = "x"\n'
    )

    assert ruleset.rules[0].line == 1


def test_check_rules_sorts_by_position(tmp_path: Path) -> None:
    path = tmp_path / "rules.toml"
    path.write_text(
        '[[rule]]\nname = "r"\nregex = \'hello\'\n[[rule.action]]\nreply = "{nope}"\n\n'
        '[settings]\ntimezone = "Nowhere/City"\n',
        encoding="utf-8",
    )

    _, problems = check_rules(path)

    assert [(problem.line, problem.severity) for problem in problems] == [
        (3, "hint"),
        (5, "error"),
        (8, "error"),
    ]
