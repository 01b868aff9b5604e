"""Slack markup: text normalisation, mentions and escaping."""

from __future__ import annotations

import pytest

from responder.slack.markup import (
    decode_entities,
    escape,
    leading_mention,
    mentioned_users,
    normalise_text,
    strip_leading_mention,
)

NORMALISED = [
    # Entities are decoded once, ampersand last.
    ("find students of MSc &amp; MBA", "find students of MSc & MBA"),
    ("find a &amp;lt; b", "find a &lt; b"),
    ("a &lt; b &gt; c", "a < b > c"),
    ("&amp;amp;", "&amp;"),
    ("docs &lt;!channel&gt; &lt;https://evil.invalid|bank&gt;", "docs <!channel> <https://evil.invalid|bank>"),
    # Links read as their label, or their URL.
    ("ping -c 5 <http://www.example.invalid|www.example.invalid>", "ping -c 5 www.example.invalid"),
    ("see <https://example.invalid/docs> and <#C0TEST2>", "see https://example.invalid/docs and #C0TEST2"),
    ("mail <mailto:ops@example.invalid|ops@example.invalid> in <#C0TEST2|ops>", "mail ops@example.invalid in #ops"),
    ("<https://example.invalid/q?a=1&amp;b=2>", "https://example.invalid/q?a=1&b=2"),
    ("<https://example.invalid|Q&amp;A>", "Q&A"),
    ("<https://example.invalid/video>", "https://example.invalid/video"),
    # Channels.
    ("<#C123|general>", "#general"),
    ("<#C123>", "#C123"),
    # User mentions stay tokens without their label.
    ("<@U0SELF|autobot> status", "<@U0SELF> status"),
    ("<@U0SELF> status", "<@U0SELF> status"),
    ("<@W0TEST3|tester3>", "<@W0TEST3>"),
    # Special mentions stay tokens; groups and dates read as their labels.
    ("docs <!channel> <https://evil.invalid|bank>", "docs <!channel> bank"),
    ("<!here|here> and <!everyone>", "<!here> and <!everyone>"),
    ("<!subteam^S123|@team> please", "@team please"),
    ("due <!date^1392734382^{date_num}|Feb 18, 2014>", "due Feb 18, 2014"),
    ("<!subteam^S123>", "<!subteam^S123>"),
    # A mention typed as text decodes to what looks like a token, but it is text.
    ("&lt;@U0SELF&gt; hi", "<@U0SELF> hi"),
    ("", ""),
    ("plain text", "plain text"),
    ("a <> b", "a <> b"),
]


@pytest.mark.parametrize(("raw", "expected"), NORMALISED)
def test_normalise_text(raw: str, expected: str) -> None:
    assert normalise_text(raw) == expected


def test_decode_entities_decodes_once() -> None:
    assert decode_entities("&amp;lt;") == "&lt;"
    assert decode_entities("&amp;gt;") == "&gt;"
    assert decode_entities("&lt;&gt;&amp;") == "<>&"


@pytest.mark.parametrize("text", ["a & b", "<!channel>", "<@U1>", "&amp;", "x < y > z", ""])
def test_escape_then_decode_round_trips(text: str) -> None:
    assert decode_entities(escape(text)) == text


def test_escape_leaves_no_markup() -> None:
    escaped = escape("<!channel> & <@U0TEST1>")

    assert escaped == "&lt;!channel&gt; &amp; &lt;@U0TEST1&gt;"
    assert "<" not in escaped
    assert ">" not in escaped


def test_mentioned_users_reads_tokens_only() -> None:
    assert mentioned_users("<@U0SELF> and <@U0TEST1|tester1> and <@U0SELF>") == ("U0SELF", "U0TEST1")
    assert mentioned_users("&lt;@U0SELF&gt;") == ()
    assert mentioned_users("<#C0TEST1> <!here> <https://example.invalid>") == ()
    assert mentioned_users("") == ()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<@U0SELF> status", "U0SELF"),
        ("<@U0SELF|autobot> status", "U0SELF"),
        ("  <@U0SELF>: status", "U0SELF"),
        ("hey <@U0SELF> help", None),
        ("&lt;@U0SELF&gt; status", None),
        ("", None),
    ],
)
def test_leading_mention(text: str, expected: str | None) -> None:
    assert leading_mention(text) == expected


@pytest.mark.parametrize(
    ("text", "rest"),
    [
        ("<@U0SELF> status", "status"),
        ("<@U0SELF|autobot> status", "status"),
        ("<@U0SELF>: status", "status"),
        ("<@U0SELF> , status", "status"),
        ("<@U0SELF>::status", ":status"),
        ("<@U0SELF>", ""),
        ("no mention", "no mention"),
    ],
)
def test_strip_leading_mention(text: str, rest: str) -> None:
    assert strip_leading_mention(text) == rest
