"""TOML syntax errors: each points at its cause and names the rule and key."""

from __future__ import annotations

import pytest

from responder.rules.loader import RulesError, load_rules_text, render_problem
from tests.rules.helpers import problems_in

BACKSLASH_IN_BASIC_STRING = """\
[[rule]]
name = "ticket"
regex = "ticket #(\\d+)"
[[rule.action]]
reply = "Ticket {1}"
"""

VERSION_2 = """\
[[rule]]
name = "greet"
words = ["hello"]
[[rule.action]]
reply = "Hi {user}!"

[[rule]]
name = "ticket"
regex = 'ticket (\\d+)'
[[rule.action]]
reply = "Ticket {1} is open"

[[rule]]
name = "ticket-hash"
regex = "ticket #(\\d+)"
[[rule.action]]
reply = "Ticket {1}"
"""

DUPLICATE_KEY = """\
[[rule]]
name = "greet"
regex = 'hi'
regex = 'hello'
[[rule.action]]
reply = "Hi {user}!"
"""


def test_backslash_error_points_at_backslash() -> None:
    problems = problems_in(BACKSLASH_IN_BASIC_STRING)

    assert len(problems) == 1
    problem = problems[0]
    assert problem.format().startswith('rules.toml:3:19: rule "ticket": regex: ')
    assert problem.severity == "error"


def test_backslash_error_suggests_both_spellings() -> None:
    message = problems_in(BACKSLASH_IN_BASIC_STRING)[0].message

    assert "'ticket #(\\d+)'" in message
    assert '"ticket #(\\\\d+)"' in message


def test_backslash_error_carries_caret_line() -> None:
    problem = problems_in(BACKSLASH_IN_BASIC_STRING)[0]

    assert problem.source_line == 'regex = "ticket #(\\d+)"'
    rendered = render_problem(problem).splitlines()
    assert rendered[1] == '    regex = "ticket #(\\d+)"'
    assert rendered[2] == "    " + " " * 18 + "^"


def test_backslash_error_rejects_the_whole_file() -> None:
    with pytest.raises(RulesError) as caught:
        load_rules_text(BACKSLASH_IN_BASIC_STRING)

    assert str(caught.value).startswith("rules.toml:3:19:")
    assert len(caught.value.errors) == 1


def test_broken_version_2_reports_line_15() -> None:
    problems = problems_in(VERSION_2)

    assert [problem.format()[:17] for problem in problems] == ["rules.toml:15:19:"]
    assert problems[0].rule == "ticket-hash"
    assert problems[0].key == "regex"


def test_every_bad_escape_is_reported() -> None:
    text = """\
[[rule]]
name = "one"
regex = "a\\d"
[[rule.action]]
reply = "x"

[[rule]]
name = "two"
words = ["ok", "b\\."]
[[rule.action]]
reply = "y"
"""
    problems = problems_in(text)

    assert [(problem.line, problem.column, problem.rule, problem.key) for problem in problems] == [
        (3, 11, "one", "regex"),
        (9, 18, "two", "words"),
    ]


def test_bad_escape_in_action_names_verb() -> None:
    text = """\
[[rule]]
name = "path"
words = ["path"]
[[rule.action]]
reply = "C:\\Users"
"""
    problem = problems_in(text)[0]

    assert problem.format().startswith('rules.toml:5:12: rule "path": reply: invalid escape')


def test_duplicate_key_names_first_line() -> None:
    problems = problems_in(DUPLICATE_KEY)

    assert len(problems) == 1
    line = problems[0].format()
    assert line.startswith('rules.toml:4:1: rule "greet": regex: ')
    assert "duplicate key" in line
    assert "line 3" in line


def test_duplicate_settings_table() -> None:
    text = """\
[settings]
dry_run = true

[settings]
ignore_bots = false
"""
    line = problems_in(text)[0].format()

    assert line.startswith("rules.toml:4:1: ")
    assert "duplicate table [settings] (first declared on line 1)" in line


def test_duplicate_key_in_action() -> None:
    text = """\
[[rule]]
name = "greet"
words = ["hello"]
[[rule.action]]
reply = "Hi"
reply = "Hello"
"""
    line = problems_in(text)[0].format()

    assert line == 'rules.toml:6:1: rule "greet": reply: duplicate key (first set on line 5)'


def test_unquoted_text_uses_tomllib_position() -> None:
    text = """\
[[rule]]
name = "greet"
words = hello
[[rule.action]]
reply = "Hi"
"""
    problem = problems_in(text)[0]

    assert (problem.line, problem.column) == (3, 9)
    assert problem.rule == "greet"
    assert problem.key == "words"
    assert problem.message.startswith("invalid TOML: invalid value; write text in quotes")


def test_unterminated_string_outside_rules() -> None:
    text = """\
[settings]
timezone = "UTC
dry_run = true
"""
    problem = problems_in(text)[0]

    assert problem.line == 2
    assert problem.rule is None
    assert problem.key == "timezone"
    assert "unterminated string" in problem.message


def test_unclosed_array_points_at_bracket() -> None:
    text = '[[rule]]\nname = "x"\nwords = ["a",\n'
    problem = problems_in(text)[0]

    assert (problem.line, problem.column) == (3, 9)
    assert problem.rule == "x"
    assert problem.key == "words"
    assert problem.message == (
        "invalid TOML: the array that starts here is never closed; close it with ]"
    )


def test_unclosed_array_before_next_key() -> None:
    text = """\
[[rule]]
name = "x"
words = ["a", "b"
regex = 'x'
[[rule.action]]
reply = "y"
"""
    problem = problems_in(text)[0]

    assert (problem.line, problem.column, problem.key) == (3, 9, "words")


def test_unclosed_inline_table_on_one_line() -> None:
    text = """\
[[test]]
event = { type = "message",
  text = "hi" }
"""
    problem = problems_in(text)[0]

    assert (problem.line, problem.column, problem.key) == (2, 9, "event")
    assert "inline table must fit on one line" in problem.message


def test_unclosed_multiline_string() -> None:
    text = '[[rule]]\nname = "x"\nwords = "a"\n[[rule.action]]\nreply = """\nHello\n'
    problem = problems_in(text)[0]

    assert (problem.line, problem.column, problem.key) == (5, 9, "reply")
    assert 'close it with """' in problem.message


def test_unclosed_header_keeps_tomllib_message() -> None:
    problem = problems_in("[[rule\n")[0]

    assert (problem.line, problem.column) == (1, 7)
    assert problem.message == "invalid TOML: expected ']]' at the end of an array declaration"


def test_invalid_unicode_escape() -> None:
    text = """\
[[rule]]
name = "smile"
words = "\\u12G4"
[[rule.action]]
react = "smile"
"""
    problem = problems_in(text)[0]

    assert (problem.line, problem.column) == (3, 10)
    assert "'\\u'" in problem.message
