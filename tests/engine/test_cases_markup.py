"""Slack markup in and out: entities, link tokens, mentions and escaped echoes."""

from __future__ import annotations

from tests.engine.replay import calls, expected_calls, fired, replay


def test_entities_reach_the_matcher_decoded_once() -> None:
    rules = """
        [[rule]]
        name = "find"
        regex = '^find (.+)$'
        [[rule.action]]
        reply = "Searching for: {1}"

        [[rule]]
        name = "degree"
        contains = "MSc & MBA"
        [[rule.action]]
        react = "mortar_board"

        [[rule]]
        name = "raw-amp"
        raw_text = true
        contains = "&amp;"
        [[rule.action]]
        react = "eyes"
    """
    decisions = replay(
        rules,
        """
        {"type":"message","user":"U0TEST1","text":"find students of MSc &amp; MBA","channel":"C0TEST1","ts":"1700000006.000100"}
        {"type":"message","user":"U0TEST1","text":"find a &amp;lt; b","channel":"C0TEST1","ts":"1700000006.000200"}
        """,
    )

    assert decisions[0].event.text == "find students of MSc & MBA"
    assert decisions[1].event.text == "find a &lt; b"
    assert fired(decisions) == [("find", "degree", "raw-amp"), ("find", "raw-amp")]
    assert calls(decisions) == expected_calls(
        """
        {"method":"chat.postMessage","channel":"C0TEST1","thread_ts":"1700000006.000100","text":"Searching for: students of MSc &amp; MBA"}
        {"method":"reactions.add","channel":"C0TEST1","timestamp":"1700000006.000100","name":"mortar_board"}
        {"method":"reactions.add","channel":"C0TEST1","timestamp":"1700000006.000100","name":"eyes"}
        {"method":"chat.postMessage","channel":"C0TEST1","thread_ts":"1700000006.000200","text":"Searching for: a &amp;lt; b"}
        {"method":"reactions.add","channel":"C0TEST1","timestamp":"1700000006.000200","name":"eyes"}
        """
    )


def test_link_tokens_read_as_typed() -> None:
    rules = """
        [[rule]]
        name = "ping"
        regex = '^ping -c (\\d+) (\\S+)$'
        [[rule.action]]
        reply = "Pinging {2} {1} times"

        [[rule]]
        name = "mail"
        regex = '^mail (\\S+) in (#\\S+)$'
        [[rule.action]]
        reply = "Mailing {1} about {2}"

        [[rule]]
        name = "see"
        regex = '^see (\\S+) and (\\S+)$'
        [[rule.action]]
        reply = "Links: {1} / {2}"

        [[rule]]
        name = "raw-link"
        raw_text = true
        contains = "<http://www.example.invalid|"
        [[rule.action]]
        react = "link"
    """
    decisions = replay(
        rules,
        """
        {"type":"message","user":"U0TEST1","text":"ping -c 5 <http://www.example.invalid|www.example.invalid>","channel":"C0TEST1","ts":"1700000006.000300"}
        {"type":"message","user":"U0TEST1","text":"mail <mailto:ops@example.invalid|ops@example.invalid> in <#C0TEST2|ops>","channel":"C0TEST1","ts":"1700000006.000400"}
        {"type":"message","user":"U0TEST1","text":"see <https://example.invalid/docs> and <#C0TEST2>","channel":"C0TEST1","ts":"1700000006.000450"}
        """,
    )

    assert [decision.event.text for decision in decisions] == [
        "ping -c 5 www.example.invalid",
        "mail ops@example.invalid in #ops",
        "see https://example.invalid/docs and #C0TEST2",
    ]
    assert fired(decisions) == [("ping", "raw-link"), ("mail",), ("see",)]
    assert calls(decisions) == expected_calls(
        """
        {"method":"chat.postMessage","channel":"C0TEST1","thread_ts":"1700000006.000300","text":"Pinging www.example.invalid 5 times"}
        {"method":"reactions.add","channel":"C0TEST1","timestamp":"1700000006.000300","name":"link"}
        {"method":"chat.postMessage","channel":"C0TEST1","thread_ts":"1700000006.000400","text":"Mailing ops@example.invalid about #ops"}
        {"method":"chat.postMessage","channel":"C0TEST1","thread_ts":"1700000006.000450","text":"Links: https://example.invalid/docs / #C0TEST2"}
        """
    )


def test_legacy_mention_with_name() -> None:
    rules = """
        [[rule]]
        name = "status"
        mention = "start"
        equals = "status"
        [[rule.action]]
        reply = "Status for {user}: all green"
    """
    decisions = replay(
        rules,
        """
        {"type":"message","user":"U0TEST1","text":"<@U0SELF|autobot> status","channel":"C0TEST1","ts":"1700000006.000500"}
        {"type":"message","user":"U0TEST1","text":"<@U0SELF> status","channel":"C0TEST1","ts":"1700000006.000600"}
        {"type":"message","user":"U0TEST1","text":"<@U0SELF>: status","channel":"C0TEST1","ts":"1700000006.000650"}
        {"type":"message","user":"U0TEST1","text":"<@U0TEST2|tester2> status","channel":"C0TEST1","ts":"1700000006.000660"}
        """,
    )

    assert fired(decisions) == [("status",), ("status",), ("status",), ()]
    assert calls(decisions) == expected_calls(
        """
        {"method":"chat.postMessage","channel":"C0TEST1","thread_ts":"1700000006.000500","text":"Status for <@U0TEST1>: all green"}
        {"method":"chat.postMessage","channel":"C0TEST1","thread_ts":"1700000006.000600","text":"Status for <@U0TEST1>: all green"}
        {"method":"chat.postMessage","channel":"C0TEST1","thread_ts":"1700000006.000650","text":"Status for <@U0TEST1>: all green"}
        """
    )


HELP_RULES = """
    [[rule]]
    name = "help-direct"
    mention = "start"
    equals = "help"
    {stop}
    [[rule.action]]
    reply = "Commands: status, help"

    [[rule]]
    name = "mentioned"
    mention = "anywhere"
    [[rule.action]]
    react = "wave"
"""

MENTIONS = """
    {"type":"message","user":"U0TEST1","text":"<@U0SELF> help","channel":"C0TEST1","ts":"1700000006.000800"}
    {"type":"message","user":"U0TEST1","text":"hey <@U0SELF> help","channel":"C0TEST1","ts":"1700000006.000900"}
"""


def test_direct_mention_and_mention_anywhere() -> None:
    decisions = replay(HELP_RULES.replace("{stop}", ""), MENTIONS)

    assert fired(decisions) == [("help-direct", "mentioned"), ("mentioned",)]
    assert calls(decisions) == expected_calls(
        """
        {"method":"chat.postMessage","channel":"C0TEST1","thread_ts":"1700000006.000800","text":"Commands: status, help"}
        {"method":"reactions.add","channel":"C0TEST1","timestamp":"1700000006.000800","name":"wave"}
        {"method":"reactions.add","channel":"C0TEST1","timestamp":"1700000006.000900","name":"wave"}
        """
    )


def test_direct_mention_with_stop() -> None:
    decisions = replay(HELP_RULES.replace("{stop}", "stop = true"), MENTIONS)

    assert fired(decisions) == [("help-direct",), ("mentioned",)]
    assert decisions[0].results[1].reason == "stopped by rule help-direct"
    assert calls(decisions) == expected_calls(
        """
        {"method":"chat.postMessage","channel":"C0TEST1","thread_ts":"1700000006.000800","text":"Commands: status, help"}
        {"method":"reactions.add","channel":"C0TEST1","timestamp":"1700000006.000900","name":"wave"}
        """
    )


def test_markup_in_echoed_input_is_escaped() -> None:
    rules = """
        [[rule]]
        name = "docs"
        regex = '^docs (.+)$'
        [[rule.action]]
        reply = "See <https://example.invalid/docs|the docs>, {user}: {1}"
    """
    decisions = replay(
        rules,
        """
        {"type":"message","user":"U0TEST1","text":"docs &lt;!channel&gt; &lt;https://evil.invalid|bank&gt;","channel":"C0TEST1","ts":"1700000007.000100"}
        {"type":"message","user":"U0TEST1","text":"docs <!channel> <https://evil.invalid|bank>","channel":"C0TEST1","ts":"1700000007.000150"}
        """,
    )
    texts = [call["text"] for call in calls(decisions)]

    assert decisions[0].event.text == "docs <!channel> <https://evil.invalid|bank>"
    assert decisions[1].event.text == "docs <!channel> bank"
    assert calls(decisions) == expected_calls(
        """
        {"method":"chat.postMessage","channel":"C0TEST1","thread_ts":"1700000007.000100","text":"See <https://example.invalid/docs|the docs>, <@U0TEST1>: &lt;!channel&gt; &lt;https://evil.invalid|bank&gt;"}
        {"method":"chat.postMessage","channel":"C0TEST1","thread_ts":"1700000007.000150","text":"See <https://example.invalid/docs|the docs>, <@U0TEST1>: &lt;!channel&gt; bank"}
        """
    )
    for text in texts:
        assert "<!channel>" not in text
        assert "<https://evil.invalid" not in text
