"""Warnings and hints for rules that load but probably do not do what was meant."""

from __future__ import annotations

from responder.rules.loader import load_rules_text
from tests.rules.helpers import lines_of, problems_in

BACKSPACE_PATTERN = """\
[[rule]]
name = "word"
regex = "\\bticket\\b"
[[rule.action]]
react = "ticket"
"""

REPLY_WITH_TRIGGER = """\
[[rule]]
name = "help"
regex = '(?i)help'
bots = true
[[rule.action]]
reply = "I will not help"
"""

CASE_RULES = """\
[[rule]]
name = "words-hello"
words = ["hello"]
[[rule.action]]
react = "wave"

[[rule]]
name = "regex-hello"
regex = 'hello'
[[rule.action]]
react = "one"

[[rule]]
name = "regex-hello-i"
regex = '(?i)hello'
[[rule.action]]
react = "two"

[[rule]]
name = "exact-Hello"
contains = "Hello"
case_sensitive = true
[[rule.action]]
react = "three"

[[rule]]
name = "strasse-regex"
regex = '(?i)straße'
[[rule.action]]
react = "four"

[[rule]]
name = "strasse-words"
words = ["straße"]
[[rule.action]]
react = "five"
"""


def test_backspace_in_pattern_warns_at_escape() -> None:
    problems = problems_in(BACKSPACE_PATTERN)

    assert len(problems) == 1
    problem = problems[0]
    assert problem.severity == "warning"
    assert problem.format().startswith('rules.toml:3:10: warning: rule "word": regex: ')
    assert "backspace" in problem.message
    assert "probably meant as \\b" in problem.message
    assert "single quotes: '\\bticket\\b'" in problem.message


def test_backspace_pattern_still_loads_as_written() -> None:
    ruleset = load_rules_text(BACKSPACE_PATTERN)

    assert ruleset.rules[0].conditions.regex[0].pattern == "\bticket\b"
    assert [warning.line for warning in ruleset.warnings] == [3]


def test_other_control_character_warns() -> None:
    text = """\
[[rule]]
name = "r"
regex = '(?i)a' 
[[rule.action]]
react = "x"

[[rule]]
name = "s"
regex = "(?i)x\\fy"
[[rule.action]]
react = "y"
"""
    lines = lines_of(text, "warning")

    assert len(lines) == 1
    assert lines[0].startswith(
        'rules.toml:9:15: warning: rule "s": regex: the pattern contains a form feed'
    )


def test_reply_containing_trigger_warns() -> None:
    lines = lines_of(REPLY_WITH_TRIGGER)

    assert lines == [
        'rules.toml:6:9: warning: rule "help": reply: action 1: the reply text "I will not help" matches '
        "this rule's own conditions; only the self check keeps the rule from answering its own message"
    ]


def test_reply_loop_warning_does_not_block_loading() -> None:
    ruleset = load_rules_text(REPLY_WITH_TRIGGER)

    assert [rule.name for rule in ruleset.rules] == ["help"]
    assert ruleset.warnings[0].severity == "warning"


def test_loop_check_uses_placeholder_fields() -> None:
    text = """\
[[rule]]
name = "ping"
words = "ping"
[[rule.action]]
reply = "ok"
[[rule.action]]
reply = ["pong", "{user} ping back"]
"""
    lines = lines_of(text)

    assert len(lines) == 1
    assert lines[0].startswith(
        'rules.toml:7:18: warning: rule "ping": reply: action 2: the reply text "{user} ping back"'
    )


def test_loop_check_fills_groups() -> None:
    text = """\
[[rule]]
name = "ticket-link"
regex = 'tickets\\.example\\.invalid/ticket/(\\d+)'
[[rule.action]]
reply = "Ticket {1}: <https://tickets.example.invalid/ticket/{1}>"
"""
    lines = lines_of(text, "warning")

    assert len(lines) == 1
    assert "action 1" in lines[0]


def test_echo_of_text_warns() -> None:
    text = """\
[[rule]]
name = "echo"
contains = "echo"
[[rule.action]]
reply = "You said: {text}"
"""
    lines = lines_of(text)

    assert len(lines) == 1
    assert "the reply text repeats {text}" in lines[0]


def test_post_to_unwatched_channel_is_no_loop() -> None:
    text = """\
[[rule]]
name = "relay"
channels = ["#general"]
words = "incident"
[[rule.action]]
post = "incident: {text}"
channel = "#ops"
"""
    assert problems_in(text) == []


def test_thread_reply_skips_top_level_rule() -> None:
    text = """\
[[rule]]
name = "deploy"
thread = "top"
words = "deploy"
[[rule.action]]
reply = "deploy checklist"
"""
    assert problems_in(text) == []


def test_rule_for_other_users_is_no_loop() -> None:
    text = """\
[[rule]]
name = "r"
users = ["@alice"]
words = "hi"
[[rule.action]]
reply = "hi Alice"
"""
    assert problems_in(text) == []


def test_case_sensitive_regex_gets_hint() -> None:
    problems = problems_in(CASE_RULES)

    assert [problem.format()[:55] for problem in problems] == [
        'rules.toml:9:9: hint: rule "regex-hello": regex: the pa'
    ]
    assert "(?i)" in problems[0].message
    assert 'words = ["hello"]' in problems[0].message


def test_hint_skips_anchors_and_respects_inline_flags() -> None:
    text = """\
[[rule]]
name = "a"
regex = '^\\bhello'
[[rule.action]]
react = "x"

[[rule]]
name = "b"
regex = '(?s)(?i:hello).*'
[[rule.action]]
react = "y"

[[rule]]
name = "c"
regex = '\\d+ tickets'
[[rule.action]]
react = "z"
"""
    lines = lines_of(text)

    assert len(lines) == 1
    assert lines[0].startswith('rules.toml:3:9: hint: rule "a": regex:')
    assert "'hello'" in lines[0]
