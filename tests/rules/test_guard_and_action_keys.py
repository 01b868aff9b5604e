"""Guards (``cooldown``, ``cooldown_per``, ``once_per_thread``) and the ``dm`` and ``ephemeral`` actions."""

from __future__ import annotations

import pytest

from responder.rules.loader import load_rules_text
from tests.rules.helpers import errors_in, lines_of


def rule_with(lines: str, action: str = 'reply = "ok"') -> str:
    return f'[[rule]]\nname = "r"\nwords = "a"\n{lines}\n[[rule.action]]\n{action}\n'


def test_guards_compile() -> None:
    rule = load_rules_text(rule_with('cooldown = "1h30m"\ncooldown_per = "thread"\nonce_per_thread = true')).rules[0]

    assert rule.cooldown == 5400.0
    assert rule.cooldown_per == "thread"
    assert rule.once_per_thread is True


def test_guards_default_to_none() -> None:
    rule = load_rules_text(rule_with("")).rules[0]

    assert rule.cooldown is None
    assert rule.cooldown_per == "channel"
    assert rule.once_per_thread is False


@pytest.mark.parametrize(
    ("lines", "error"),
    [
        ('cooldown = "10 minutes"', "rules.toml:4:12: rule \"r\": cooldown: invalid duration '10 minutes'"),
        ("cooldown = 30", 'rules.toml:4:12: rule "r": cooldown: expected a duration string such as "30s", got integer'),
        ('cooldown = "0s"', 'rules.toml:4:12: rule "r": cooldown: a cooldown must be longer than zero'),
        (
            'cooldown = "1m"\ncooldown_per = "users"',
            "rules.toml:5:16: rule \"r\": cooldown_per: invalid value 'users'; "
            'expected one of "channel", "user", "thread", "rule" (did you mean \'user\'?)',
        ),
        ('cooldown_per = "user"', 'rules.toml:4:1: rule "r": cooldown_per: has no effect without cooldown'),
        ('once_per_thread = "yes"', 'rules.toml:4:19: rule "r": once_per_thread: expected true or false, got string'),
    ],
)
def test_guard_errors(lines: str, error: str) -> None:
    errors = errors_in(rule_with(lines))

    assert len(errors) == 1
    assert errors[0].startswith(error)


def test_guard_typo_is_suggested() -> None:
    assert errors_in(rule_with('cooldwn = "1m"')) == [
        "rules.toml:4:1: rule \"r\": cooldwn: unknown key (did you mean 'cooldown'?)"
    ]


def test_dm_and_ephemeral_compile() -> None:
    text = rule_with('', 'dm = ["a", "b"]\nto = "@dana"\n[[rule.action]]\nephemeral = "only you, {user}"')
    actions = load_rules_text(text).rules[0].actions

    assert [(action.verb, action.to) for action in actions] == [("dm", "@dana"), ("ephemeral", None)]
    assert [template.source for template in actions[0].texts] == ["a", "b"]


def test_dm_to_a_user_id() -> None:
    actions = load_rules_text(rule_with("", 'dm = "x"\nto = "U0TEST2"')).rules[0].actions

    assert actions[0].to == "U0TEST2"


@pytest.mark.parametrize(
    ("action", "error"),
    [
        (
            'dm = "x"\nto = "dana"',
            "rules.toml:7:6: rule \"r\": to: invalid user 'dana'; expected an id such as U0123ABCD "
            "or a name such as @alice; write '@dana' for a user name",
        ),
        ('reply = "x"\nto = "@dana"', 'rules.toml:7:1: rule "r": to: applies only to dm actions, and this action is a reply'),
        ('ephemeral = "x"\nto = "@dana"', 'rules.toml:7:1: rule "r": to: applies only to dm actions, and this action is an ephemeral'),
        ('ephemeral = "x"\nin_thread = false', 'rules.toml:7:1: rule "r": in_thread: applies only to reply actions, and this action is an ephemeral'),
        ('dm = "x"\nchannel = "#ops"', 'rules.toml:7:1: rule "r": channel: applies only to post actions, and this action is a dm'),
        ('dm = ""', 'rules.toml:6:6: rule "r": dm: empty text; write the message to send'),
        ('ephemeral = "{nope}"', "rules.toml:6:14: rule \"r\": ephemeral: unknown template field '{nope}'"),
        ('dm = "x"\nephemeral = "y"', "rules.toml:7:1: rule \"r\": ephemeral: an action has exactly one verb"),
    ],
)
def test_dm_and_ephemeral_errors(action: str, error: str) -> None:
    errors = errors_in(rule_with("", action))

    assert len(errors) == 1
    assert errors[0].startswith(error)


def test_dm_text_triggering_its_rule() -> None:
    text = '[[rule]]\nname = "r"\nwords = "ping"\n[[rule.action]]\ndm = "ping back"\n'

    assert lines_of(text, "warning") == [
        'rules.toml:5:6: warning: rule "r": dm: action 1: the dm text "ping back" matches this '
        "rule's own conditions; only the self check keeps the rule from answering its own message"
    ]


def test_dm_rule_outside_dms_no_warning() -> None:
    text = '[[rule]]\nname = "r"\nwords = "ping"\nchannel_types = ["channel"]\n[[rule.action]]\ndm = "ping back"\n'

    assert lines_of(text) == []
