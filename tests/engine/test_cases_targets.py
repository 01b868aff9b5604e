"""Case folding, thread targets, duplicate deliveries and actions that cannot be built."""

from __future__ import annotations

from responder.engine.engine import DUPLICATE
from tests.engine.replay import START, calls, decide_frames, expected_calls, fired, load_engine, replay


def test_capitalised_first_words_and_case_folding() -> None:
    rules = """
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
    decisions = replay(
        rules,
        """
        {"type":"message","user":"U0TEST1","text":"Hello bot","channel":"C0TEST1","ts":"1700000007.000300"}
        {"type":"message","user":"U0TEST1","text":"HELLO","channel":"C0TEST1","ts":"1700000007.000400"}
        {"type":"message","user":"U0TEST1","text":"hello","channel":"C0TEST1","ts":"1700000007.000500"}
        {"type":"message","user":"U0TEST1","text":"STRASSE","channel":"C0TEST1","ts":"1700000007.000600"}
        {"type":"message","user":"U0TEST1","text":"STRAẞE","channel":"C0TEST1","ts":"1700000007.000700"}
        """,
    )

    assert fired(decisions) == [
        ("words-hello", "regex-hello-i", "exact-Hello"),
        ("words-hello", "regex-hello-i"),
        ("words-hello", "regex-hello", "regex-hello-i"),
        ("strasse-words",),
        ("strasse-regex", "strasse-words"),
    ]
    assert calls(decisions) == expected_calls(
        """
        {"method":"reactions.add","channel":"C0TEST1","timestamp":"1700000007.000300","name":"wave"}
        {"method":"reactions.add","channel":"C0TEST1","timestamp":"1700000007.000300","name":"two"}
        {"method":"reactions.add","channel":"C0TEST1","timestamp":"1700000007.000300","name":"three"}
        {"method":"reactions.add","channel":"C0TEST1","timestamp":"1700000007.000400","name":"wave"}
        {"method":"reactions.add","channel":"C0TEST1","timestamp":"1700000007.000400","name":"two"}
        {"method":"reactions.add","channel":"C0TEST1","timestamp":"1700000007.000500","name":"wave"}
        {"method":"reactions.add","channel":"C0TEST1","timestamp":"1700000007.000500","name":"one"}
        {"method":"reactions.add","channel":"C0TEST1","timestamp":"1700000007.000500","name":"two"}
        {"method":"reactions.add","channel":"C0TEST1","timestamp":"1700000007.000600","name":"five"}
        {"method":"reactions.add","channel":"C0TEST1","timestamp":"1700000007.000700","name":"four"}
        {"method":"reactions.add","channel":"C0TEST1","timestamp":"1700000007.000700","name":"five"}
        """
    )


THREAD_FRAMES = """
    {"type":"message","user":"U0TEST1","text":"hello","channel":"C0TEST1","ts":"1700000008.000100"}
    {"type":"message","user":"U0TEST1","text":"hello","channel":"C0TEST1","ts":"1700000008.000300","thread_ts":"1700000008.000100"}
"""

GREET = """
    [[rule]]
    name = "greet"
    words = ["hello"]
    [[rule.action]]
    reply = "Hi {user}!"
"""


def test_replies_go_to_the_thread() -> None:
    decisions = replay(GREET, THREAD_FRAMES)

    assert calls(decisions) == expected_calls(
        """
        {"method":"chat.postMessage","channel":"C0TEST1","thread_ts":"1700000008.000100","text":"Hi <@U0TEST1>!"}
        {"method":"chat.postMessage","channel":"C0TEST1","thread_ts":"1700000008.000100","text":"Hi <@U0TEST1>!"}
        """
    )


def test_unthreaded_reply_keeps_thread() -> None:
    decisions = replay(GREET + "    in_thread = false\n", THREAD_FRAMES)

    assert calls(decisions) == expected_calls(
        """
        {"method":"chat.postMessage","channel":"C0TEST1","thread_ts":null,"text":"Hi <@U0TEST1>!"}
        {"method":"chat.postMessage","channel":"C0TEST1","thread_ts":"1700000008.000100","text":"Hi <@U0TEST1>!"}
        """
    )


def test_broadcast_replies() -> None:
    decisions = replay(GREET + "    broadcast = true\n", THREAD_FRAMES)

    assert calls(decisions) == expected_calls(
        """
        {"method":"chat.postMessage","channel":"C0TEST1","thread_ts":"1700000008.000100","reply_broadcast":true,"text":"Hi <@U0TEST1>!"}
        {"method":"chat.postMessage","channel":"C0TEST1","thread_ts":"1700000008.000100","reply_broadcast":true,"text":"Hi <@U0TEST1>!"}
        """
    )


def test_same_message_on_two_sockets() -> None:
    frames = """
        {"type":"message","user":"U0TEST1","text":"hello","channel":"C0TEST1","ts":"1700000009.000100","client_msg_id":"6f1c0000-0000-4000-8000-000000000001"}
        {"type":"message","user":"U0TEST1","text":"hello","channel":"C0TEST1","ts":"1700000009.000100","client_msg_id":"6f1c0000-0000-4000-8000-000000000001"}
        {"type":"message","user":"U0TEST1","text":"hello","channel":"C0TEST2","ts":"1700000009.000100","client_msg_id":"6f1c0000-0000-4000-8000-000000000002"}
    """
    decisions = replay(GREET, frames)

    assert [decision.ignored for decision in decisions] == [None, DUPLICATE, None]
    assert calls(decisions) == expected_calls(
        """
        {"method":"chat.postMessage","channel":"C0TEST1","thread_ts":"1700000009.000100","text":"Hi <@U0TEST1>!"}
        {"method":"chat.postMessage","channel":"C0TEST2","thread_ts":"1700000009.000100","text":"Hi <@U0TEST1>!"}
        """
    )


def test_app_mention_not_duplicate() -> None:
    rules = """
        [[rule]]
        name = "mentioned"
        event = "app_mention"
        words = ["deploy"]
        [[rule.action]]
        reply = "On it."
    """
    frames = """
        {"type":"message","user":"U0TEST1","text":"<@U0SELF> deploy","channel":"C0TEST1","ts":"1700000010.000100"}
        {"type":"app_mention","user":"U0TEST1","text":"<@U0SELF> deploy","channel":"C0TEST1","ts":"1700000010.000100","event_ts":"1700000010.000100"}
        {"type":"app_mention","user":"U0TEST1","text":"<@U0SELF> deploy","channel":"C0TEST1","ts":"1700000010.000100","event_ts":"1700000010.000100"}
    """
    decisions = replay(rules, frames)

    assert decisions[1].ignored is None
    assert decisions[2].ignored == DUPLICATE
    assert fired(decisions) == [(), ("mentioned",), ()]


def test_duplicate_after_the_window_is_handled_again() -> None:
    engine = load_engine(GREET)
    frame = '{"type":"message","user":"U0TEST1","text":"hello","channel":"C0TEST1","ts":"1700000009.000100"}'

    first = decide_frames(engine, frame, start=START)
    within = decide_frames(engine, frame, start=START + 599)
    after = decide_frames(engine, frame, start=START + 600)

    assert first[0].ignored is None
    assert within[0].ignored == DUPLICATE
    assert after[0].ignored is None
    assert after[0].fired == ()
    assert after[0].results[0].reason == "already answered 1700000009.000100"
    assert after[0].results[0].reason == "already answered 1700000009.000100"


HELLO_FRAMES = """
    {"type":"message","user":"U0TEST1","text":"hello","channel":"C0TEST1","ts":"1700000129.000100"}
    {"type":"message","user":"U0TEST1","text":"hello","channel":"C0TEST1","ts":"1700000129.000200"}
    {"type":"message","user":"U0TEST1","text":"hello","channel":"C0TEST1","ts":"1700000129.000300"}
"""


def test_failing_post_keeps_later_rules() -> None:
    rules = """
        [[rule]]
        name = "relay"
        words = ["hello"]
        [[rule.action]]
        post = "Relay: {user} said hello"
        channel = "C0GONE1"

        [[rule]]
        name = "greet"
        words = ["hello"]
        [[rule.action]]
        reply = "Hi {user}!"
    """
    decisions = replay(rules, HELLO_FRAMES, step=1.0)

    assert fired(decisions) == [("relay", "greet")] * 3
    assert calls(decisions) == expected_calls(
        """
        {"method":"chat.postMessage","channel":"C0GONE1","thread_ts":null,"text":"Relay: <@U0TEST1> said hello"}
        {"method":"chat.postMessage","channel":"C0TEST1","thread_ts":"1700000129.000100","text":"Hi <@U0TEST1>!"}
        {"method":"chat.postMessage","channel":"C0GONE1","thread_ts":null,"text":"Relay: <@U0TEST1> said hello"}
        {"method":"chat.postMessage","channel":"C0TEST1","thread_ts":"1700000129.000200","text":"Hi <@U0TEST1>!"}
        {"method":"chat.postMessage","channel":"C0GONE1","thread_ts":null,"text":"Relay: <@U0TEST1> said hello"}
        {"method":"chat.postMessage","channel":"C0TEST1","thread_ts":"1700000129.000300","text":"Hi <@U0TEST1>!"}
        """
    )


def test_missing_event_field_skips_only_that_action() -> None:
    rules = """
        [[rule]]
        name = "relay"
        words = ["hello"]
        [[rule.action]]
        reply = "Relay: {event.nope}"

        [[rule]]
        name = "greet"
        words = ["hello"]
        [[rule.action]]
        reply = "Hi {user}!"
    """
    decisions = replay(rules, HELLO_FRAMES, step=1.0)

    assert fired(decisions) == [("relay", "greet")] * 3
    for decision in decisions:
        assert [(skip.rule, skip.number, skip.reason) for skip in decision.skipped] == [
            ("relay", 1, "missing field 'event.nope'")
        ]
    assert calls(decisions) == expected_calls(
        """
        {"method":"chat.postMessage","channel":"C0TEST1","thread_ts":"1700000129.000100","text":"Hi <@U0TEST1>!"}
        {"method":"chat.postMessage","channel":"C0TEST1","thread_ts":"1700000129.000200","text":"Hi <@U0TEST1>!"}
        {"method":"chat.postMessage","channel":"C0TEST1","thread_ts":"1700000129.000300","text":"Hi <@U0TEST1>!"}
        """
    )
