"""Long replies: split at safe places into posts in the same thread, or one notice if Slack refuses."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from responder.emulator import Emulator, Workspace
from responder.records import ActionResult
from responder.slack.graphemes import graphemes, is_grapheme_boundary
from responder.slack.markup import escape, normalise_text
from responder.slack.outbox import TOO_LONG_NOTICE
from responder.slack.split import PROTECTED, split_text
from tests.faults.helpers import posts, wait_until, write_rules
from tests.integration.harness import TRANSPORTS, start_responder

ECHO_LONG = """[settings]
max_text_length = 3900

[[rule]]
name = "echo-long"
starts_with = "hello "
[[rule.action]]
reply = "You said: {text}"
"""

FAMILY = "\U0001F468\u200D\U0001F469\u200D\U0001F467"
THUMB = "\U0001F44D\U0001F3FD"
TOKEN_RUN = "see <https://example.invalid/x|link> &amp; <@U0TEST2> "
TRIGGER_TS = "1700000131.000100"


def long_text() -> str:
    text = (
        "hello " + TOKEN_RUN * 4 + "alpha beta gamma delta " * 158
        + "x" * 114 + FAMILY + "&amp;" + "<@U0TEST2>" + "<https://example.invalid/x|link>"
        + THUMB + "z" * 100 + " omega" * 146
    )
    assert len(text) == 5000
    assert hashlib.sha256(text.encode()).hexdigest() == "83fd67cd2fc73c90d568a37fc56d06192939f34515641a60ffbbf9206151a78c"
    return text


def long_event() -> dict[str, Any]:
    return {"type": "message", "user": "U0TEST1", "text": long_text(), "channel": "C0TEST1", "ts": TRIGGER_TS}


def unsafe_cuts(text: str) -> set[int]:
    """Positions inside a token, an entity or a grapheme cluster of ``text``."""
    inside = {index for match in PROTECTED.finditer(text) for index in range(match.start() + 1, match.end())}
    return inside | {index for index in range(len(text)) if not is_grapheme_boundary(text, index)}


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_long_reply_is_split_into_two_posts(tmp_path: Path, transport: str) -> None:
    with Emulator() as emulator:
        runtime, collected = start_responder(emulator, write_rules(tmp_path, ECHO_LONG), transport)
        try:
            emulator.send_event(long_event())
            wait_until(lambda: len(posts(emulator)) >= 2, 10.0, "two posts")
            wait_until(lambda: len([r for r in collected.snapshot() if isinstance(r, ActionResult)]) >= 2, 5.0, "results")
        finally:
            runtime.stop()

    calls = posts(emulator)
    results = [record for record in collected.snapshot() if isinstance(record, ActionResult)]
    texts = [call["text"] for call in calls]
    assert len(calls) == 2
    assert [call["thread_ts"] for call in calls] == [TRIGGER_TS, TRIGGER_TS]
    assert all(len(text) <= 3900 for text in texts)
    assert [result.status for result in results] == ["sent", "sent"]

    full = whole_reply()
    assert len(full) == 4900
    assert hashlib.sha256(full.encode()).hexdigest() == "e26f3cd0f1f811bbea41e6debc3ec4bed0345c998cbcb1a0c21f6332b2162e20"
    assert full[3892:3897] == FAMILY
    assert full[3897:3902] == "&amp;"
    assert full[3902:3918] == "&lt;@U0TEST2&gt;"
    assert full.rfind(" ", 0, 3900) == 3777

    cut = len(texts[0])
    assert cut not in unsafe_cuts(full)
    assert full[:cut] == texts[0]
    assert full[cut:].lstrip(" \n") == texts[1]


def whole_reply() -> str:
    """The whole reply as the engine renders it: "You said: " and the escaped, normalised text."""
    return "You said: " + escape(normalise_text(long_text()))


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_reply_refused_as_too_long_gets_one_notice(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, transport: str
) -> None:
    caplog.set_level(logging.WARNING)
    with Emulator(Workspace(max_text_length=2000)) as emulator:
        runtime, collected = start_responder(emulator, write_rules(tmp_path, ECHO_LONG), transport)
        try:
            emulator.send_event(long_event())
            wait_until(lambda: len(posts(emulator)) >= 2, 10.0, "the first piece and the notice")
            wait_until(lambda: len([r for r in collected.snapshot() if isinstance(r, ActionResult)]) >= 3, 5.0, "results")
            wait_until(lambda: False if len(posts(emulator)) > 2 else True, 1.0, "no further post")
        finally:
            runtime.stop()

    calls = posts(emulator)
    assert len(calls) == 2
    rejected, notice = calls
    assert len(rejected["text"]) > 2000
    assert notice["text"] == TOO_LONG_NOTICE
    assert len(notice["text"]) <= 200
    assert notice["thread_ts"] == TRIGGER_TS

    results = [record for record in collected.snapshot() if isinstance(record, ActionResult)]
    failures = [(result.action.rule, result.error) for result in results if result.status == "failed"]
    assert failures[0] == ("echo-long", "msg_too_long")
    assert [result.action.verb for result in results if result.status == "sent"] == ["notice"]
    assert any("echo-long" in record.getMessage() and "msg_too_long" in record.getMessage() for record in caplog.records)


@pytest.mark.parametrize(
    ("text", "clusters"),
    [
        ("a" + FAMILY + "b", ["a", FAMILY, "b"]),
        (THUMB + THUMB, [THUMB, THUMB]),
        ("e\u0301x", ["e\u0301", "x"]),
        ("\U0001F1EB\U0001F1F7\U0001F1E9\U0001F1EA\U0001F1EB", ["\U0001F1EB\U0001F1F7", "\U0001F1E9\U0001F1EA", "\U0001F1EB"]),
        ("\u2764\ufe0f!", ["\u2764\ufe0f", "!"]),
        ("\r\nx", ["\r\n", "x"]),
        ("\u1100\u1161\u11a8\uac00", ["\u1100\u1161\u11a8", "\uac00"]),
        ("\U0001F3F4\U000E0067\U000E0062\U000E0073\U000E0063\U000E0074\U000E007F.", ["\U0001F3F4\U000E0067\U000E0062\U000E0073\U000E0063\U000E0074\U000E007F", "."]),
    ],
    ids=["zwj", "skin-tone", "combining", "flags", "variation-selector", "crlf", "hangul", "tag-sequence"],
)
def test_grapheme_clusters(text: str, clusters: list[str]) -> None:
    assert graphemes(text) == clusters


def test_split_prefers_newline_then_space() -> None:
    assert split_text("aaaa bbbb\ncccc dddd", 14) == ["aaaa bbbb", "cccc dddd"]
    assert split_text("aaaa bbbb cccc", 12) == ["aaaa bbbb", "cccc"]


def test_split_never_cuts_inside_token_or_emoji() -> None:
    token = "<https://example.invalid/a>"
    text = "x" * 10 + token + FAMILY + "&amp;" + "y" * 10
    for limit in range(len(token) + 1, len(text)):
        pieces = split_text(text, limit)
        assert "".join(pieces) == text, limit
        assert all(len(piece) <= limit for piece in pieces), limit
        position = 0
        for piece in pieces[:-1]:
            position += len(piece)
            assert position not in unsafe_cuts(text), (limit, position)


def test_split_cuts_token_longer_than_limit_between_clusters() -> None:
    text = "<https://example.invalid/" + FAMILY + "long-path>"

    pieces = split_text(text, 28)

    assert "".join(pieces) == text
    assert all(len(piece) <= 28 for piece in pieces)
    assert all(is_grapheme_boundary(text, len(piece)) for piece in pieces[:1])


PARTS = st.sampled_from(["word", " ", "\n", "<@U0TEST2>", "<https://example.invalid/x|link>", "&amp;", "&lt;", FAMILY, THUMB, "e\u0301", "\U0001F1EB\U0001F1F7", "z" * 7])


@settings(max_examples=200, deadline=None)
@given(parts=st.lists(PARTS, min_size=1, max_size=60), limit=st.integers(min_value=40, max_value=120))
def test_split_pieces_fit_and_rejoin(parts: list[str], limit: int) -> None:
    text = "".join(parts)
    pieces = split_text(text, limit)

    assert all(0 < len(piece) <= limit for piece in pieces)
    rebuilt = ""
    for piece in pieces:
        rest = text[len(rebuilt) :]
        if not rest.startswith(piece):
            assert rest[0] in " \n"
            rebuilt += rest[0]
        assert text[len(rebuilt) :].startswith(piece)
        assert len(rebuilt) not in unsafe_cuts(text) or len(rebuilt) == 0
        rebuilt += piece
    # A cut at the text's last character drops that whitespace and leaves no piece after it.
    assert text[len(rebuilt) :] in ("", " ", "\n")


def test_split_drops_final_space() -> None:
    assert split_text("a" * 10 + " ", 10) == ["a" * 10]
