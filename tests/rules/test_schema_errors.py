"""Problems in valid TOML: keys, value types and forms, each at its line and column."""

from __future__ import annotations

import pytest

from responder.rules.loader import RulesError, load_rules_text
from tests.rules.helpers import errors_in, lines_of, problems_in

TWO_PROBLEMS = """\
[[rule]]
name = "greet"
regex = '(?i)hi'
[[rule.action]]
reply = "Hi {user}!"

[[rule]]
name = "greet"
wrods = ["hello"]
[[rule.action]]
reply = "Hello {user}!"
"""


def test_duplicate_name_and_unknown_key_in_one_run() -> None:
    assert errors_in(TWO_PROBLEMS) == [
        'rules.toml:8:8: rule "greet": name: duplicate rule name (first used on line 2)',
        "rules.toml:9:1: rule \"greet\": wrods: unknown key (did you mean 'words'?)",
    ]


def test_invalid_file_loads_no_rule() -> None:
    with pytest.raises(RulesError) as caught:
        load_rules_text(TWO_PROBLEMS)

    assert len(caught.value.errors) == 2


def test_five_mistakes_in_one_run() -> None:
    text = """\
[settings]
reply_limit = "ten per minute"

[[rule]]
name = "greet"
wrods = ["hello"]
thread = "top-level"
[[rule.action]]
reply = "Hi {usr}!"

[[rule]]
name = "wave"
words = "hi"
[[rule.action]]
react = ":wave:"
"""
    lines = errors_in(text)

    assert [line.split(" ", 1)[0] for line in lines] == [
        "rules.toml:2:15:",
        "rules.toml:6:1:",
        "rules.toml:7:10:",
        "rules.toml:9:13:",
        "rules.toml:15:10:",
    ]
    assert "invalid rate 'ten per minute'" in lines[0]
    assert "did you mean 'words'?" in lines[1]
    assert 'expected one of "any", "top", "reply"' in lines[2]
    assert "did you mean '{user}'?" in lines[3]
    assert "write the emoji name without colons" in lines[4]


def test_empty_file_is_an_error() -> None:
    assert errors_in("") == ["rules.toml:1:1: no rules found; add a [[rule]] table"]


def test_settings_without_rules_is_an_error() -> None:
    assert errors_in("[settings]\ndry_run = true\n") == [
        "rules.toml:1:1: no rules found; add a [[rule]] table"
    ]


def test_single_bracket_rule_table() -> None:
    text = """\
[rule]
name = "greet"
"""
    assert errors_in(text) == [
        "rules.toml:1:1: rule: write [[rule]] with double brackets, one table for each rule"
    ]


def test_unknown_top_level_table() -> None:
    text = """\
[[rules]]
name = "greet"
"""
    assert errors_in(text) == [
        "rules.toml:1:1: rules: unknown table or key (did you mean 'rule'?)",
        "rules.toml:1:1: no rules found; add a [[rule]] table",
    ]


@pytest.mark.parametrize(
    "key, value",
    [
        ("any", '[{ words = "a" }]'),
        ("unless", '{ words = "a" }'),
        ("fields", '{ reaction = "eyes" }'),
        ("channel_types", '["im"]'),
        ("active_hours", '"Mon-Fri 09:00-17:00"'),
        ("cooldown", '"10m"'),
        ("cooldown_per", '"user"\ncooldown = "1m"'),
        ("once_per_thread", "true"),
    ],
)
def test_every_contract_key_loads(key: str, value: str) -> None:
    text = f"""\
[[rule]]
name = "later"
words = "x"
{key} = {value}
[[rule.action]]
reply = "y"
"""
    assert lines_of(text) == []


@pytest.mark.parametrize("verb", ["dm", "ephemeral"])
def test_dm_and_ephemeral_actions_load(verb: str) -> None:
    text = f"""\
[[rule]]
name = "later"
words = "x"
[[rule.action]]
{verb} = "y"
"""
    assert lines_of(text) == []


def test_missing_name_reported_at_header() -> None:
    text = """\
[[rule]]
name = "first"
words = "a"
[[rule.action]]
reply = "b"

[[rule]]
words = "c"
[[rule.action]]
reply = "d"
"""
    lines = errors_in(text)

    assert len(lines) == 1
    assert lines[0].startswith("rules.toml:7:1: name: missing")


def test_missing_action_reported_at_header() -> None:
    text = """\
[[rule]]
name = "silent"
words = "a"
"""
    lines = errors_in(text)

    assert len(lines) == 1
    assert lines[0].startswith('rules.toml:1:1: rule "silent": action: missing')
    assert "stop = true" in lines[0]


def test_stop_rule_needs_no_action() -> None:
    text = """\
[[rule]]
name = "quiet-in-random"
channels = ["#random"]
stop = true
"""
    ruleset = load_rules_text(text)

    assert ruleset.rules[0].stop is True
    assert ruleset.rules[0].actions == ()


@pytest.mark.parametrize(
    "line, expected",
    [
        (
            "words = 3",
            'rules.toml:3:9: rule "r": words: expected a string or a list of strings, got integer',
        ),
        (
            "words = []",
            'rules.toml:3:9: rule "r": words: empty list; write at least one value, or remove the key',
        ),
        (
            'words = ["a", 2]',
            'rules.toml:3:15: rule "r": words: expected a string or a list of strings, got integer in the list',
        ),
        (
            'words = ["a", " "]',
            'rules.toml:3:15: rule "r": words: empty word; write the word to look for',
        ),
        ('stop = "yes"', 'rules.toml:3:8: rule "r": stop: expected true or false, got string'),
        (
            "case_sensitive = 1",
            'rules.toml:3:18: rule "r": case_sensitive: expected true or false, got integer',
        ),
        ('event = ""', 'rules.toml:3:9: rule "r": event: empty string; write a value'),
        (
            'mention = "first"',
            'rules.toml:3:11: rule "r": mention: invalid value \'first\'; expected one of "anywhere", "start", "never"',
        ),
        (
            'has_files = "no"',
            'rules.toml:3:13: rule "r": has_files: expected true or false, got string',
        ),
        (
            "subtypes = 7",
            'rules.toml:3:12: rule "r": subtypes: expected a string or a list of strings, got integer',
        ),
        (
            "regex = { a = 1 }",
            'rules.toml:3:9: rule "r": regex: expected a string or a list of strings, got table',
        ),
    ],
)
def test_value_type_errors(line: str, expected: str) -> None:
    text = f"""\
[[rule]]
name = "r"
{line}
[[rule.action]]
reply = "y"
"""
    assert errors_in(text) == [expected]


def test_invalid_channel_points_at_element() -> None:
    text = """\
[[rule]]
name = "r"
channels = ["#ops", "general", "C0TEST1"]
[[rule.action]]
reply = "y"
"""
    lines = errors_in(text)

    assert len(lines) == 1
    assert lines[0].startswith("rules.toml:3:21: rule \"r\": channels: invalid channel 'general'")
    assert "write '#general' for a channel name" in lines[0]


def test_invalid_user_id() -> None:
    text = """\
[[rule]]
name = "r"
not_users = "alice"
[[rule.action]]
reply = "y"
"""
    lines = errors_in(text)

    assert len(lines) == 1
    assert lines[0].startswith("rules.toml:3:13: rule \"r\": not_users: invalid user 'alice'")
    assert "write '@alice' for a user name" in lines[0]


def test_unknown_key_without_close_match() -> None:
    text = """\
[[rule]]
name = "r"
colour = "blue"
[[rule.action]]
reply = "y"
"""
    assert errors_in(text) == ['rules.toml:3:1: rule "r": colour: unknown key']


def test_verb_outside_action_table() -> None:
    text = """\
[[rule]]
name = "r"
words = "a"
reply = "b"
"""
    lines = errors_in(text)

    assert lines[0] == (
        'rules.toml:1:1: rule "r": action: missing; add a [[rule.action]] table with reply, '
        "react, post, dm or ephemeral (only a rule with stop = true may have no action)"
    )
    assert lines[1].startswith(
        "rules.toml:4:1: rule \"r\": reply: unknown key; put 'reply' in a [[rule.action]] table"
    )


def test_two_verbs_in_one_action() -> None:
    text = """\
[[rule]]
name = "r"
words = "a"
[[rule.action]]
reply = "b"
react = "eyes"
"""
    lines = errors_in(text)

    assert lines == [
        'rules.toml:6:1: rule "r": react: an action has exactly one verb, and this one already has '
        "'reply' (line 5); put 'react' in its own [[rule.action]] table"
    ]


def test_action_without_verb() -> None:
    text = """\
[[rule]]
name = "r"
words = "a"
[[rule.action]]
in_thread = false
"""
    assert errors_in(text) == [
        'rules.toml:4:1: rule "r": missing verb; add one of reply, react, post, dm or ephemeral'
    ]


def test_post_without_channel() -> None:
    text = """\
[[rule]]
name = "r"
words = "a"
[[rule.action]]
post = "b"
"""
    lines = errors_in(text)

    assert len(lines) == 1
    assert lines[0].startswith(
        'rules.toml:4:1: rule "r": channel: missing; a post action needs channel'
    )


def test_modifier_of_another_verb() -> None:
    text = """\
[[rule]]
name = "r"
words = "a"
[[rule.action]]
react = "eyes"
broadcast = true
[[rule.action]]
reply = "b"
channel = "#ops"
"""
    assert errors_in(text) == [
        'rules.toml:6:1: rule "r": broadcast: applies only to reply actions, and this action is a react',
        'rules.toml:9:1: rule "r": channel: applies only to post actions, and this action is a reply',
    ]


def test_modifier_value_types() -> None:
    text = """\
[[rule]]
name = "r"
words = "a"
[[rule.action]]
reply = "b"
in_thread = "no"
[[rule.action]]
post = "c"
channel = "ops"
"""
    lines = errors_in(text)

    assert lines[0] == 'rules.toml:6:13: rule "r": in_thread: expected true or false, got string'
    assert lines[1].startswith("rules.toml:9:11: rule \"r\": channel: invalid channel 'ops'")


def test_unknown_action_key_suggests() -> None:
    text = """\
[[rule]]
name = "r"
words = "a"
[[rule.action]]
reply = "b"
in_thred = false
"""
    assert errors_in(text) == [
        "rules.toml:6:1: rule \"r\": in_thred: unknown key (did you mean 'in_thread'?)"
    ]


def test_single_bracket_action_table() -> None:
    text = """\
[[rule]]
name = "r"
words = "a"
[rule.action]
reply = "b"
"""
    assert errors_in(text) == [
        'rules.toml:4:1: rule "r": action: write [[rule.action]] with double brackets, one table for each action'
    ]


def test_react_with_colons_and_spaces() -> None:
    text = """\
[[rule]]
name = "r"
words = "a"
[[rule.action]]
react = ["eyes", ":tada:", "thumbs up"]
"""
    lines = errors_in(text)

    assert lines == [
        "rules.toml:5:19: rule \"r\": react: invalid emoji name ':tada:'; write the emoji name without "
        "colons, as in 'tada'",
        "rules.toml:5:35: rule \"r\": react: invalid emoji name 'thumbs up'; an emoji name has no spaces",
    ]


def test_react_skin_tone_is_accepted() -> None:
    text = """\
[[rule]]
name = "r"
words = "a"
[[rule.action]]
react = "thumbsup::skin-tone-2"
"""
    ruleset = load_rules_text(text)

    assert ruleset.rules[0].actions[0].texts[0].source == "thumbsup::skin-tone-2"


def test_empty_reply_text() -> None:
    text = """\
[[rule]]
name = "r"
words = "a"
[[rule.action]]
reply = ["ok", ""]
"""
    assert errors_in(text) == [
        'rules.toml:5:16: rule "r": reply: empty text; write the message to send'
    ]


@pytest.mark.parametrize(
    "line, expected",
    [
        (
            'reply_limit = "10/0s"',
            "rules.toml:2:15: settings.reply_limit: invalid rate '10/0s'; the window must be longer than zero",
        ),
        (
            'reply_limit = "0/60s"',
            "rules.toml:2:15: settings.reply_limit: invalid rate '0/60s'; the count must be at least 1",
        ),
        (
            "dedupe_window = 600",
            'rules.toml:2:17: settings.dedupe_window: expected a duration string such as "600s", got integer',
        ),
        (
            'dedupe_window = "10 minutes"',
            'rules.toml:2:17: settings.dedupe_window: invalid duration \'10 minutes\'; write a number and a unit (s, m, h, d), for example "30s", "10m" or "1h30m"',
        ),
        (
            "max_text_length = 0",
            "rules.toml:2:19: settings.max_text_length: invalid value 0; expected an integer from 1 to 40000",
        ),
        (
            'max_text_length = "3900"',
            "rules.toml:2:19: settings.max_text_length: expected an integer, got string",
        ),
        (
            'dry_run = "false"',
            "rules.toml:2:11: settings.dry_run: expected true or false, got string",
        ),
        (
            "ignore_bot = true",
            "rules.toml:2:1: settings.ignore_bot: unknown key (did you mean 'ignore_bots'?)",
        ),
    ],
)
def test_settings_errors(line: str, expected: str) -> None:
    text = f"""\
[settings]
{line}

[[rule]]
name = "r"
words = "a"
[[rule.action]]
reply = "y"
"""
    assert errors_in(text) == [expected]


def test_unknown_time_zone_suggests_close_name() -> None:
    text = """\
[settings]
timezone = "Europe/Berln"

[[rule]]
name = "r"
words = "a"
[[rule.action]]
reply = "y"
"""
    lines = errors_in(text)

    assert len(lines) == 1
    assert lines[0].startswith(
        "rules.toml:2:12: settings.timezone: unknown time zone 'Europe/Berln'"
    )
    assert "did you mean 'Europe/Berlin'?" in lines[0]


def test_test_tables_must_be_arrays() -> None:
    text = """\
[[rule]]
name = "r"
words = "a"
[[rule.action]]
reply = "y"

[test]
name = "t"
"""
    assert errors_in(text) == ["rules.toml:7:1: test: expected [[test]] tables, one for each test"]


def test_empty_action_list_is_missing_action() -> None:
    text = """\
[[rule]]
name = "silent"
words = "a"
action = []
"""
    lines = errors_in(text)

    assert len(lines) == 1
    assert lines[0].startswith('rules.toml:1:1: rule "silent": action: missing')
