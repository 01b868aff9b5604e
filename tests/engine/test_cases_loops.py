"""Self-replies and bot loops: own messages in every shape, and the reply limit."""

from __future__ import annotations

import pytest

from responder.engine.engine import OWN_MESSAGE
from responder.slack.identity import OFFLINE_IDENTITY
from responder.slack.normalise import normalise
from tests.engine.replay import START, calls, expected_calls, fired, load_engine, replay

TICKET_LINK = """
    [[rule]]
    name = "ticket-link"
    regex = 'tickets\\.example\\.invalid/ticket/(\\d+)'
    {bots}
    [[rule.action]]
    reply = "Ticket {{1}}: <https://tickets.example.invalid/ticket/{{1}}>"
"""


@pytest.mark.parametrize(
    "settings",
    [TICKET_LINK.format(bots=""), "[settings]\nignore_bots = false\n" + TICKET_LINK.format(bots="bots = true")],
    ids=["bots-ignored", "bots-allowed"],
)
def test_reply_containing_its_own_trigger(settings: str) -> None:
    decisions = replay(
        settings,
        """
        {"type":"message","user":"U0TEST1","text":"<https://tickets.example.invalid/ticket/45>","channel":"C0TEST1","ts":"1700000004.000100"}
        {"type":"message","user":"U0SELF","bot_id":"B0SELF","text":"Ticket 45: <https://tickets.example.invalid/ticket/45>","channel":"C0TEST1","ts":"1700000004.000200","thread_ts":"1700000004.000100"}
        """,
    )

    assert decisions[1].ignored == OWN_MESSAGE
    assert calls(decisions) == expected_calls(
        """
        {"method":"chat.postMessage","channel":"C0TEST1","thread_ts":"1700000004.000100","text":"Ticket 45: <https://tickets.example.invalid/ticket/45>"}
        """
    )


def test_reply_containing_the_trigger_word() -> None:
    rules = """
        [[rule]]
        name = "help"
        regex = '(?i)help'
        bots = true
        [[rule.action]]
        reply = "I will not help"
    """
    decisions = replay(
        rules,
        """
        {"type":"message","user":"U0TEST1","text":"can someone help","channel":"C0TEST1","ts":"1700000004.000300"}
        {"type":"message","subtype":"bot_message","bot_id":"B0SELF","text":"I will not help","channel":"C0TEST1","ts":"1700000004.000400"}
        """,
    )

    assert decisions[1].ignored == OWN_MESSAGE
    assert calls(decisions) == expected_calls(
        """
        {"method":"chat.postMessage","channel":"C0TEST1","thread_ts":"1700000004.000300","text":"I will not help"}
        """
    )


def test_own_posts_in_every_shape() -> None:
    rules = """
        [[rule]]
        name = "greet-any"
        words = ["hello"]
        bots = true
        [[rule.action]]
        reply = "Hi there!"
    """
    decisions = replay(
        rules,
        """
        {"type":"message","user":"U0SELF","bot_id":"B0SELF","bot_profile":{"id":"B0SELF","app_id":"A0SELF","name":"autobot"},"text":"hello","channel":"C0TEST1","ts":"1700000004.000500"}
        {"type":"message","subtype":"bot_message","bot_id":"B0SELF","text":"hello","channel":"C0TEST1","ts":"1700000004.000600"}
        {"type":"message","user":"U0SELF","text":"hello","channel":"C0TEST1","ts":"1700000004.000700"}
        {"type":"message","subtype":"bot_message","bot_id":"B0SELF2","app_id":"A0SELF","text":"hello","channel":"C0TEST1","ts":"1700000004.000750"}
        {"type":"message","subtype":"bot_message","bot_id":"B0OTHER1","text":"hello","channel":"C0TEST1","ts":"1700000004.000780"}
        """,
    )

    assert [decision.ignored for decision in decisions] == [OWN_MESSAGE] * 4 + [None]
    assert calls(decisions) == expected_calls(
        """
        {"method":"chat.postMessage","channel":"C0TEST1","thread_ts":"1700000004.000780","text":"Hi there!"}
        """
    )


def test_echo_rule_escapes_the_mention() -> None:
    rules = """
        [[rule]]
        name = "echo"
        mention = "start"
        [[rule.action]]
        reply = "{text}"
        in_thread = false
    """
    decisions = replay(
        rules,
        """
        {"type":"message","user":"U0TEST1","text":"<@U0SELF> hi","channel":"C0TEST1","ts":"1700000005.000100"}
        {"type":"message","user":"U0SELF","bot_id":"B0SELF","text":"<@U0SELF> hi","channel":"C0TEST1","ts":"1700000005.000200"}
        """,
    )

    assert decisions[1].ignored == OWN_MESSAGE
    assert calls(decisions) == expected_calls(
        """
        {"method":"chat.postMessage","channel":"C0TEST1","thread_ts":null,"text":"&lt;@U0SELF&gt; hi"}
        """
    )


PING_PONG = """
    [settings]
    reply_limit = "5/60s"

    [[rule]]
    name = "answer-bot"
    words = ["ping"]
    bots = true
    [[rule.action]]
    reply = "pong"
    in_thread = false
"""


def bot_ping(number: int) -> dict[str, str]:
    ts = f"1700000005.{1000 + number:06d}"
    return {"type": "message", "subtype": "bot_message", "bot_id": "B0OTHER1", "username": "other-bot", "text": "ping", "channel": "C0TEST1", "ts": ts}


def own_echo(text: str, channel: str, number: int) -> dict[str, str]:
    return {"type": "message", "user": "U0SELF", "bot_id": "B0SELF", "text": text, "channel": channel, "ts": f"1700000006.{number:06d}"}


def test_reply_limit_breaks_a_loop_between_two_bots() -> None:
    engine = load_engine(PING_PONG)
    posts: list[dict[str, object]] = []
    pings = 0
    now = START

    # The other bot replies to every post with another ping 200 ms later, up to 50 times.
    frame: dict[str, str] | None = bot_ping(0)
    while frame is not None and pings <= 50:
        pings += 1
        decision = engine.decide(normalise(frame, OFFLINE_IDENTITY), now=now)
        posts.extend(calls([decision]))

        frame = None
        if decision.actions:
            echo = own_echo("pong", "C0TEST1", pings)
            assert engine.decide(normalise(echo, OFFLINE_IDENTITY), now=now + 0.1).ignored == OWN_MESSAGE
            frame = bot_ping(pings)
            now += 0.2
        else:
            assert [skip.reason for skip in decision.skipped] == ["reply_limit 5/60s reached in C0TEST1"]

    human = {"type": "message", "user": "U0TEST1", "text": "ping", "channel": "C0TEST2", "ts": "1700000005.002000"}
    second_channel = engine.decide(normalise(human, OFFLINE_IDENTITY), now=START + 5)
    posts.extend(calls([second_channel]))

    assert pings == 6
    assert engine.limited_channels(now=START + 5) == ("C0TEST1",)
    assert posts == expected_calls(
        """
        {"method":"chat.postMessage","channel":"C0TEST1","thread_ts":null,"text":"pong"}
        {"method":"chat.postMessage","channel":"C0TEST1","thread_ts":null,"text":"pong"}
        {"method":"chat.postMessage","channel":"C0TEST1","thread_ts":null,"text":"pong"}
        {"method":"chat.postMessage","channel":"C0TEST1","thread_ts":null,"text":"pong"}
        {"method":"chat.postMessage","channel":"C0TEST1","thread_ts":null,"text":"pong"}
        {"method":"chat.postMessage","channel":"C0TEST2","thread_ts":null,"text":"pong"}
        """
    )


def test_reply_limit_window_slides() -> None:
    engine = load_engine(PING_PONG)
    frames = [bot_ping(number) for number in range(7)]
    times = [START + offset for offset in (0, 1, 2, 3, 4, 5, 60.5)]

    decisions = [engine.decide(normalise(frame, OFFLINE_IDENTITY), now=at) for frame, at in zip(frames, times)]

    assert [len(decision.actions) for decision in decisions] == [1, 1, 1, 1, 1, 0, 1]
    assert fired(decisions) == [("answer-bot",)] * 7
    assert decisions[5].skipped[0].reason == "reply_limit 5/60s reached in C0TEST1"
