"""``any``, ``unless``, ``fields``, ``channel_types`` and ``active_hours``: compiled form and errors."""

from __future__ import annotations

import textwrap

import pytest

from responder.rules.loader import load_rules_text
from responder.rules.model import Conditions, FieldCondition
from tests.rules.helpers import errors_in, lines_of

ACTION = '[[rule.action]]\nreply = "ok"\n'


def conditions_of(body: str) -> Conditions:
    """Compile one rule named ``r`` whose condition lines are ``body``."""
    text = '[[rule]]\nname = "r"\n' + textwrap.dedent(body).strip("\n") + "\n" + ACTION
    return load_rules_text(text).rules[0].conditions


def rule_errors(body: str) -> list[str]:
    """The errors of one rule ``r`` whose condition lines start on line 3."""
    return errors_in('[[rule]]\nname = "r"\n' + textwrap.dedent(body).strip("\n") + "\n" + ACTION)


def test_any_tables_compile_in_order() -> None:
    conditions = conditions_of("""
        any = [{ words = "help" }, { mention = "start", equals = "?" }]
    """)

    assert [branch.words for branch in conditions.any] == [("help",), ()]
    assert conditions.any[1].mention == "start"
    assert conditions.any[1].equals == ("?",)


def test_unless_nests_any_and_unless() -> None:
    conditions = conditions_of("""
        unless = { users = ["@dana"], any = [{ words = "drill" }, { unless = { has_files = false } }] }
    """)

    excluded = conditions.unless
    assert excluded is not None
    assert excluded.users == ("@dana",)
    assert excluded.any[0].words == ("drill",)
    assert excluded.any[1].unless == Conditions(has_files=False)


def test_nested_tables_inherit_text_modifiers() -> None:
    conditions = conditions_of("""
        case_sensitive = true
        raw_text = true
        any = [{ contains = "A" }, { contains = "b", case_sensitive = false }]
    """)

    assert [branch.case_sensitive for branch in conditions.any] == [True, False]
    assert [branch.raw_text for branch in conditions.any] == [True, True]


def test_unless_written_as_a_table_header() -> None:
    text = '[[rule]]\nname = "r"\nwords = "a"\n[rule.unless]\nusers = ["U0TEST2"]\n' + ACTION

    assert load_rules_text(text).rules[0].conditions.unless == Conditions(users=("U0TEST2",))


def test_fields_flatten_dotted_and_quoted_paths() -> None:
    conditions = conditions_of("""
        event = "reaction_added"
        fields = { reaction = ["eyes", "thumbsup"], "item.type" = "message", item.channel = "C0TEST1", hidden = false, count = 2 }
    """)

    assert conditions.fields == (
        FieldCondition("reaction", ("eyes", "thumbsup")),
        FieldCondition("item.type", ("message",)),
        FieldCondition("item.channel", ("C0TEST1",)),
        FieldCondition("hidden", (False,)),
        FieldCondition("count", (2,)),
    )


def test_channel_types_accept_a_string_or_a_list() -> None:
    assert conditions_of('channel_types = "im"').channel_types == ("im",)
    assert conditions_of('channel_types = ["channel", "group", "mpim"]').channel_types == ("channel", "group", "mpim")


def test_active_hours_accept_a_string_or_a_list() -> None:
    single = conditions_of('active_hours = "Mon-Fri 09:00-17:30"').active_hours
    several = conditions_of('active_hours = ["Mon-Fri 09:00-12:00", "Sat 10:00-11:00"]').active_hours

    assert [window.source for window in single] == ["Mon-Fri 09:00-17:30"]
    assert [window.source for window in several] == ["Mon-Fri 09:00-12:00", "Sat 10:00-11:00"]


def test_regex_in_any_table_provides_template_groups() -> None:
    text = """\
[[rule]]
name = "r"
any = [{ regex = '(?i)ticket (?P<number>\\d+)' }, { regex = '(?i)bug (\\d+)' }]
[[rule.action]]
reply = "{number} {1} {match}"
"""
    assert lines_of(text) == []


def test_regex_in_unless_table_provides_no_groups() -> None:
    text = """\
[[rule]]
name = "r"
words = "x"
unless = { regex = 'ticket (\\d+)' }
[[rule.action]]
reply = "{1}"
"""
    assert errors_in(text) == [
        "rules.toml:6:10: rule \"r\": reply: template field '{1}' needs a regex condition, and this rule has none"
    ]


def test_nested_unknown_key_has_position_and_suggestion() -> None:
    errors = rule_errors("""
        any = [{ words = "a" },
               { mention = "start", contans = "x" }]
    """)

    assert errors == ['rules.toml:4:29: rule "r": any[1].contans: unknown key (did you mean \'contains\'?)']


def test_nested_rule_keys_are_rejected() -> None:
    errors = rule_errors("""
        words = "a"
        unless = { words = "b", bots = true, cooldown = "1m" }
    """)

    assert errors == [
        'rules.toml:4:25: rule "r": unless.bots: applies to the whole rule; set it at the rule\'s top level, not inside unless',
        'rules.toml:4:38: rule "r": unless.cooldown: applies to the whole rule; set it at the rule\'s top level, not inside unless',
    ]


def test_nested_action_verb_is_rejected() -> None:
    errors = rule_errors("""
        any = [{ words = "a", reply = "b" }]
    """)

    assert errors == ['rules.toml:3:23: rule "r": any[0].reply: put \'reply\' in a [[rule.action]] table, not inside any[0]']


def test_nested_value_problems_point_into_the_table() -> None:
    errors = rule_errors("""
        any = [{ thread = "toplevel" }, { channels = ["general"] }]
        unless = { any = [{ words = 3 }] }
    """)

    assert errors == [
        'rules.toml:3:19: rule "r": any[0].thread: invalid value \'toplevel\'; expected one of "any", "top", "reply"',
        'rules.toml:3:47: rule "r": any[1].channels: invalid channel \'general\'; '
        "expected an id such as C0123ABCD or a name such as #general; write '#general' for a channel name",
        'rules.toml:4:29: rule "r": unless.any[0].words: expected a string or a list of strings, got integer',
    ]


def test_nested_regex_errors_point_at_the_pattern() -> None:
    errors = errors_in("""\
[[rule]]
name = "r"
any = [{ regex = '(?<=a)b' }]
[[rule.action]]
reply = "ok"
""")

    assert len(errors) == 1
    assert errors[0].startswith('rules.toml:3:19: rule "r": any[0].regex: lookbehind \'(?<=\' is not available in RE2 syntax')


@pytest.mark.parametrize(
    ("line", "error"),
    [
        ('any = { words = "a" }', 'rules.toml:3:7: rule "r": any: expected a list of condition tables'),
        ("any = []", 'rules.toml:3:7: rule "r": any: empty list; write at least one table of conditions'),
        ('any = ["a"]', 'rules.toml:3:8: rule "r": any[0]: expected a table of conditions such as { words = "hello" }, got string'),
        ("any = [{}]", 'rules.toml:3:8: rule "r": any[0]: the table has no condition'),
        ("unless = { case_sensitive = true }", 'rules.toml:3:10: rule "r": unless: the table has no condition'),
        ('unless = [{ words = "a" }]', 'rules.toml:3:10: rule "r": unless: expected one table of conditions'),
        ('unless = "a"', 'rules.toml:3:10: rule "r": unless: expected a table of conditions such as { words = "hello" }, got string'),
    ],
)
def test_any_and_unless_shapes(line: str, error: str) -> None:
    errors = rule_errors(line)

    assert len(errors) == 1
    assert errors[0].startswith(error)


@pytest.mark.parametrize(
    ("line", "error"),
    [
        ('fields = "eyes"', "rules.toml:3:10: rule \"r\": fields: expected a table of dotted paths and values"),
        ("fields = {}", 'rules.toml:3:10: rule "r": fields: empty table'),
        ("fields = { reaction = [] }", 'rules.toml:3:23: rule "r": fields: reaction: empty list'),
        ("fields = { ts = 2024-01-01 }", 'rules.toml:3:17: rule "r": fields: ts: expected a string, number or boolean, or a list of them, got date'),
        ('fields = { reaction = ["eyes", { a = 1 }] }', 'rules.toml:3:32: rule "r": fields: reaction: expected a string, number or boolean, or a list of them, got table'),
        ('fields = { "item..type" = "x" }', "rules.toml:3:12: rule \"r\": fields: invalid path 'item..type'; write names joined by dots, as in item.type"),
        ("fields = { item = {} }", 'rules.toml:3:19: rule "r": fields: item: expected a string, number or boolean, or a list of them, got table'),
        ("fields = { n = nan }", 'rules.toml:3:16: rule "r": fields: n: nan equals no value'),
    ],
)
def test_fields_errors(line: str, error: str) -> None:
    errors = rule_errors(line)

    assert len(errors) == 1
    assert errors[0].startswith(error)


@pytest.mark.parametrize(
    ("line", "error"),
    [
        (
            'channel_types = ["im", "dm"]',
            'rules.toml:3:24: rule "r": channel_types: invalid value \'dm\'; expected one of "channel", "group", "im", "mpim"',
        ),
        ("channel_types = true", 'rules.toml:3:17: rule "r": channel_types: expected a string or a list of strings, got boolean'),
        ("channel_types = []", 'rules.toml:3:17: rule "r": channel_types: empty list'),
    ],
)
def test_channel_types_errors(line: str, error: str) -> None:
    errors = rule_errors(line)

    assert len(errors) == 1
    assert errors[0].startswith(error)


def test_active_hours_errors_point_at_the_offending_character() -> None:
    errors = rule_errors("""
        active_hours = ["Mon-Fri 09:00-17:30", "Sat 10:00-25:00", "Thur 08:00-09:00"]
    """)

    assert errors == [
        'rules.toml:3:51: rule "r": active_hours: invalid time \'25:00\'; hours run from 00 to 23 (24:00 may end a range)',
        "rules.toml:3:60: rule \"r\": active_hours: unknown day 'Thur'; "
        "expected Mon, Tue, Wed, Thu, Fri, Sat or Sun, or the full name (did you mean 'Thu'?)",
    ]


def test_active_hours_error_in_a_nested_table() -> None:
    errors = rule_errors("""
        unless = { active_hours = "Mon-Fri 9:00-17:61" }
    """)

    assert errors == ['rules.toml:3:44: rule "r": unless.active_hours: invalid time \'17:61\'; minutes run from 00 to 59']
