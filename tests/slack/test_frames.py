"""Classification of RTM frames, including every frame shape of the malformed-frames case."""

from __future__ import annotations

import pytest

from responder.slack.frames import (
    ErrorFrame,
    EventFrame,
    LifecycleFrame,
    SkippedFrame,
    classify_frame,
)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("{}", "empty object"),
        ('{"reply_to":1,"ok":true,"ts":"1700000000.000700","text":"Hi"}', "acknowledgement"),
        ("not json at all", "not JSON"),
        ("[]", "not a JSON object"),
        ('"hello"', "not a JSON object"),
        ("42", "not a JSON object"),
        ("null", "not a JSON object"),
        ('{"type":null}', "type is not a string"),
        ('{"type":7}', "type is not a string"),
        ('{"type":""}', "empty type"),
        ('{"ok":true}', "no type"),
        ("", "not JSON"),
        ("[" * 100_000, "not JSON"),
    ],
)
def test_frames_without_an_event_are_skipped(text: str, reason: str) -> None:
    frame = classify_frame(text)

    assert isinstance(frame, SkippedFrame)
    assert frame.reason == reason


def test_skipped_frame_detail_is_an_excerpt() -> None:
    frame = classify_frame("x" * 1000)

    assert isinstance(frame, SkippedFrame)
    assert frame.detail.startswith("xxx")
    assert len(frame.detail) <= 121


def test_binary_frame_is_skipped() -> None:
    frame = classify_frame(b"\x00\x01", binary=True)

    assert frame == SkippedFrame("binary frame", "2 bytes")


def test_error_frame_gives_code_and_message() -> None:
    frame = classify_frame('{"type":"error","error":{"code":2,"msg":"made-up test error"}}')

    assert frame == ErrorFrame(code=2, message="made-up test error")


@pytest.mark.parametrize(
    "text",
    ['{"type":"error"}', '{"type":"error","error":"oops"}', '{"type":"error","error":{"msg":5}}'],
)
def test_malformed_error_frames_are_still_error_frames(text: str) -> None:
    assert isinstance(classify_frame(text), ErrorFrame)


@pytest.mark.parametrize("kind", ["hello", "goodbye", "pong", "reconnect_url"])
def test_lifecycle_frames_are_kept_apart(kind: str) -> None:
    frame = classify_frame(f'{{"type":"{kind}"}}')

    assert frame == LifecycleFrame(kind, {"type": kind})


@pytest.mark.parametrize(
    "text",
    [
        '{"type":"some_future_event","foo":1}',
        '{"type":"message"}',
        '{"type":"message","user":"U0TEST1","text":"hello","channel":"C0TEST1","ts":"1700000000.000800"}',
    ],
)
def test_objects_with_a_type_are_events(text: str) -> None:
    frame = classify_frame(text)

    assert isinstance(frame, EventFrame)
    assert isinstance(frame.payload["type"], str)


def test_utf8_bytes_are_decoded() -> None:
    frame = classify_frame('{"type":"message","text":"héllo"}'.encode())

    assert frame == EventFrame({"type": "message", "text": "héllo"})
