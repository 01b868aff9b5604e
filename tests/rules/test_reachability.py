"""Warnings for rules that load but probably never fire."""

from __future__ import annotations

import pytest

from tests.rules.helpers import lines_of

STOP_HELP = """\
[[rule]]
name = "help"
mention = "start"
equals = "help"
stop = true
[[rule.action]]
reply = "Commands: status, help"
"""


def later(conditions: str) -> str:
    return f'\n[[rule]]\nname = "later"\n{conditions}\n[[rule.action]]\nreact = "wave"\n'


def test_rule_behind_broader_stop_rule() -> None:
    text = STOP_HELP + later('mention = "start"\nequals = "help"\nchannels = ["C0TEST1"]')

    assert lines_of(text) == [
        'rules.toml:9:1: warning: rule "later": never fires: the earlier rule "help" (line 1) has '
        "stop = true and fires on every event this rule matches; "
        'move this rule above it, or narrow the conditions of "help"'
    ]


def test_rule_with_the_same_conditions_is_reported() -> None:
    text = STOP_HELP + later('mention = "start"\nequals = "help"')

    assert len(lines_of(text, "warning")) == 1


def test_catch_all_stop_rule_shadows_all() -> None:
    text = '[[rule]]\nname = "silence"\nstop = true\n' + later('words = "x"') + later('channels = ["#ops"]').replace("later", "other")

    warnings = lines_of(text, "warning")
    assert len(warnings) == 2
    assert all('the earlier rule "silence" (line 1)' in warning for warning in warnings)


@pytest.mark.parametrize(
    "conditions",
    [
        'mention = "anywhere"',
        'mention = "start"\nequals = "status"',
        'mention = "start"\nequals = "help"\ncase_sensitive = true',
        'equals = "help"',
        'mention = "start"\nequals = "help"\nbots = true',
        'mention = "start"\nequals = "help"\nsubtypes = ["", "message_changed"]',
        'event = "reaction_added"',
    ],
)
def test_narrower_stop_rule_not_reported(conditions: str) -> None:
    assert lines_of(STOP_HELP + later(conditions), "warning") == []


@pytest.mark.parametrize(
    "extra",
    ['cooldown = "1m"', "once_per_thread = true", "enabled = false", 'subtypes = ["", "message_changed"]'],
)
def test_guarded_stop_rule_not_reported(extra: str) -> None:
    earlier = STOP_HELP.replace("stop = true", f"stop = true\n{extra}")

    assert lines_of(earlier + later('mention = "start"\nequals = "help"\nchannels = ["C0TEST1"]'), "warning") == []


def test_stop_rule_below_is_not_reported() -> None:
    text = later('mention = "start"\nequals = "help"').lstrip("\n") + "\n" + STOP_HELP

    assert lines_of(text, "warning") == []


def test_nested_conditions_compare_by_value() -> None:
    earlier = '[[rule]]\nname = "a"\nany = [{ regex = \'(?i)x\' }]\nstop = true\n[[rule.action]]\nreact = "x"\n'
    same = later("any = [{ regex = '(?i)x' }]\nwords = \"y\"")
    different = later("any = [{ regex = '(?i)z' }]").replace('"later"', '"other"')

    warnings = lines_of(earlier + same + different, "warning")
    assert len(warnings) == 1
    assert 'rule "later"' in warnings[0]


@pytest.mark.parametrize(
    "scope",
    ['channel_types = ["im"]', 'channels = ["D0TEST1"]', 'channels = ["D0TEST1", "D0TEST2"]'],
)
def test_mention_rule_in_dms_only(scope: str) -> None:
    text = f'[[rule]]\nname = "dm-help"\nmention = "anywhere"\n{scope}\n[[rule.action]]\nreply = "x"\n'

    assert lines_of(text) == [
        'rules.toml:3:1: warning: rule "dm-help": mention: the rule listens only in direct messages, '
        "where people rarely mention the bot, so it probably never fires; "
        "remove mention to answer every direct message"
    ]


@pytest.mark.parametrize(
    "lines",
    [
        'mention = "never"\nchannel_types = ["im"]',
        'mention = "start"\nchannel_types = ["im", "mpim"]',
        'mention = "start"\nchannels = ["D0TEST1", "C0TEST1"]',
        'channel_types = ["im"]',
    ],
)
def test_other_dm_rules_not_reported(lines: str) -> None:
    text = f'[[rule]]\nname = "dm"\n{lines}\n[[rule.action]]\nreply = "x"\n'

    assert lines_of(text) == []
