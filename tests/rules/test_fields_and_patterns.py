"""Template fields and regular expressions: what compiles, and where errors point."""

from __future__ import annotations

import pytest

from responder.rules.loader import load_rules_text
from tests.rules.helpers import errors_in

UNKNOWN_FIELD = """\
[[rule]]
name = "relay"
words = ["hello"]
[[rule.action]]
reply = "Relay: {nope}"

[[rule]]
name = "greet"
words = ["hello"]
[[rule.action]]
reply = "Hi {user}!"
"""


def rule_with(condition: str, reply: str) -> str:
    return f"""\
[[rule]]
name = "r"
{condition}
[[rule.action]]
reply = {reply}
"""


def test_unknown_field_is_load_error() -> None:
    lines = errors_in(UNKNOWN_FIELD)

    assert len(lines) == 1
    assert lines[0].startswith(
        "rules.toml:5:17: rule \"relay\": reply: unknown template field '{nope}'"
    )
    assert "known fields: user, user.id, user.name, channel" in lines[0]


def test_event_path_field_is_accepted() -> None:
    ruleset = load_rules_text(rule_with('words = "a"', '"Relay: {event.nope} {event.item.type}"'))

    fields = [field.name for field in ruleset.rules[0].actions[0].texts[0].fields]
    assert fields == ["event.nope", "event.item.type"]


@pytest.mark.parametrize(
    "reply",
    [
        '"{user} {user.id} {user.name} {channel} {channel.id} {channel.name}"',
        '"{text} {ts} {thread_ts}"',
        '"{{literal}} braces"',
    ],
)
def test_fixed_fields_are_accepted(reply: str) -> None:
    load_rules_text(rule_with('words = "a"', reply))


def test_numbered_and_named_groups() -> None:
    condition = "regex = ['(?i)ticket (\\d+)', '(?i)bug (?P<bug>\\d+) in (?P<part>\\w+)']"
    ruleset = load_rules_text(rule_with(condition, '"{match} {1} {2} {bug} {part}"'))

    rule = ruleset.rules[0]
    assert rule.group_count == 2
    assert rule.group_names == frozenset({"bug", "part"})
    assert len(rule.conditions.regex) == 2


def test_group_number_beyond_count() -> None:
    lines = errors_in(rule_with("regex = '(?i)ticket (\\d+)'", '"Ticket {1} {2}"'))

    assert lines == [
        "rules.toml:5:21: rule \"r\": reply: template field '{2}' does not exist, because the rule's "
        "regex has 1 group"
    ]


def test_match_needs_regex() -> None:
    lines = errors_in(rule_with('words = "a"', '"You said {match}"'))

    assert lines == [
        "rules.toml:5:19: rule \"r\": reply: template field '{match}' needs a regex condition, and this "
        "rule has none"
    ]


def test_close_field_name_is_suggested() -> None:
    lines = errors_in(rule_with('words = "a"', '"Hi {chanel.name}"'))

    assert "did you mean '{channel.name}'?" in lines[0]


def test_field_column_in_list_and_after_escape() -> None:
    lines = errors_in(rule_with('words = "a"', '["ok", "tab\\there {bad}"]'))

    assert lines[0].startswith("rules.toml:5:27: rule \"r\": reply: unknown template field '{bad}'")


def test_field_column_in_multiline_text() -> None:
    text = '''\
[[rule]]
name = "r"
words = "a"
[[rule.action]]
reply = """
Hello
  and {bad}"""
'''
    lines = errors_in(text)

    assert lines[0].startswith("rules.toml:7:7: rule \"r\": reply: unknown template field '{bad}'")


def test_template_syntax_error_column() -> None:
    lines = errors_in(rule_with('words = "a"', '"Hi {user"'))

    assert lines == [
        "rules.toml:5:13: rule \"r\": reply: invalid template: unclosed '{' (write '{{' for a literal brace)"
    ]


def test_post_texts_are_checked() -> None:
    text = """\
[[rule]]
name = "r"
words = "a"
[[rule.action]]
post = "Seen {usr}"
channel = "#ops"
"""
    lines = errors_in(text)

    assert lines[0].startswith("rules.toml:5:14: rule \"r\": post: unknown template field '{usr}'")


@pytest.mark.parametrize(
    "pattern, column, construct",
    [
        ("'(a)\\1'", 13, "backreference '\\1'"),
        ("'foo(?=bar)'", 13, "lookahead '(?='"),
        ("'foo(?!bar)'", 13, "negative lookahead '(?!'"),
        ("'(?<=a)b'", 10, "lookbehind '(?<='"),
        ("'(?<!a)b'", 10, "negative lookbehind '(?<!'"),
        ("'(?P<x>a)(?P=x)'", 18, "named backreference '(?P='"),
    ],
)
def test_re2_unsupported_constructs(pattern: str, column: int, construct: str) -> None:
    lines = errors_in(rule_with(f"regex = {pattern}", '"y"'))

    assert len(lines) == 1
    assert lines[0].startswith(
        f'rules.toml:3:{column}: rule "r": regex: {construct} is not available in RE2 syntax'
    )


def test_negative_lookahead_suggests_unless() -> None:
    lines = errors_in(rule_with("regex = '(?i)deploy(?! done)'", '"y"'))

    assert "unless" in lines[0]


def test_escaped_parenthesis_is_not_lookahead() -> None:
    load_rules_text(rule_with("regex = '(?i)a\\(?=b'", '"y"'))


def test_lookahead_characters_in_class_are_literal() -> None:
    load_rules_text(rule_with("regex = '(?i)[(?=]x'", '"y"'))


def test_invalid_regex_reports_re2_reason() -> None:
    lines = errors_in(rule_with("regex = ['(?i)ok', '(?i)(unclosed']", '"y"'))

    assert lines == [
        'rules.toml:3:20: rule "r": regex: invalid regular expression: missing ): (?i)(unclosed'
    ]


def test_regex_type_error_in_list() -> None:
    lines = errors_in(rule_with("regex = ['(?i)a', 5]", '"y"'))

    assert lines == [
        'rules.toml:3:19: rule "r": regex: expected a string or a list of strings, got integer in the list'
    ]


def test_invalid_regex_hides_group_field_errors() -> None:
    lines = errors_in(rule_with("regex = '(?i)ticket (\\d+'", '"Ticket {1} {number}"'))

    assert len(lines) == 1
    assert "invalid regular expression" in lines[0]


def test_bracket_first_in_class_stays_inside() -> None:
    load_rules_text(rule_with("regex = '(?i)[^](?=]x'", '"y"'))
    load_rules_text(rule_with("regex = '(?i)[](?!]x'", '"y"'))
