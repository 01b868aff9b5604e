"""The recorder behind ``--record``, and reading its files back."""

from __future__ import annotations

import dataclasses
import json
import threading
from pathlib import Path

import pytest

from responder.cli import build_parser
from responder.recorder import REDACTED, RecordedEvent, Recorder, SkippedLine, event_time, open_recording, read_recording, redact
from responder.runtime import RunConfig
from tests.commands.helpers import responder


def test_writes_envelope_lines(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    raw = {"type": "message", "channel": "C0TEST1", "user": "U0TEST1", "text": "héllo", "ts": "1700000000.000100"}

    with Recorder(path, clock=lambda: 1700000000.5) as recorder:
        recorder.write(raw)

    lines = path.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == [{"at": 1700000000.5, "event": raw}]
    assert "héllo" in lines[0]


def test_appends_to_an_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    for text in ("first", "second"):
        with Recorder(path) as recorder:
            recorder.write({"type": "message", "text": text})

    assert [json.loads(line)["event"]["text"] for line in path.read_text(encoding="utf-8").splitlines()] == ["first", "second"]


def test_redacts_tokens_anywhere(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    raw = {
        "type": "message",
        "text": "my token is xoxb-1234-5678-abcdEFGH, oops",
        "blocks": [{"elements": [{"text": "xapp-1-A0SELF-99-ffee"}]}],
        "files": [{"url_private": "https://files.example.invalid/x?t=xoxp-11-22-33"}],
        "xoxs-key-0": "xoxa-2-aa xoxr-bb",
    }

    with Recorder(path) as recorder:
        recorder.write(raw)

    text = path.read_text(encoding="utf-8")
    for token in ("xoxb-", "xapp-", "xoxp-", "xoxs-", "xoxa-", "xoxr-"):
        assert token not in text
    event = json.loads(text)["event"]
    assert event["text"] == f"my token is {REDACTED}, oops"
    assert event["blocks"][0]["elements"][0]["text"] == REDACTED
    assert raw["text"] == "my token is xoxb-1234-5678-abcdEFGH, oops"


def test_redact_leaves_other_values() -> None:
    value = {"n": 3, "ok": True, "none": None, "list": ["xox", "xoxz-1"], "f": 1.5}

    assert redact(value) == value


def test_threads_write_whole_lines(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    recorder = Recorder(path)
    text = "x" * 5000

    def write_many(thread: int) -> None:
        for number in range(200):
            recorder.write({"type": "message", "text": text, "thread": thread, "number": number})

    threads = [threading.Thread(target=write_many, args=(thread,)) for thread in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    recorder.close()

    events = [json.loads(line)["event"] for line in path.read_text(encoding="utf-8").splitlines()]
    assert recorder.written == 1600
    assert len(events) == 1600
    assert {(event["thread"], event["number"]) for event in events} == {(t, n) for t in range(8) for n in range(200)}


def test_write_after_close_is_counted(tmp_path: Path) -> None:
    recorder = Recorder(tmp_path / "events.jsonl")
    recorder.close()
    recorder.close()

    recorder.write({"type": "message"})

    assert recorder.failed == 1
    assert recorder.written == 0


def test_unserialisable_event_is_counted(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    with Recorder(path) as recorder:
        recorder.write({("tuple", "key"): 1})  # type: ignore[dict-item]
        recorder.write({"type": "message"})

    assert recorder.failed == 1
    assert recorder.written == 1
    assert len(path.read_text(encoding="utf-8").splitlines()) == 1


def test_unwritable_path_raises_at_open(tmp_path: Path) -> None:
    with pytest.raises(OSError):
        Recorder(tmp_path / "no-such-folder" / "events.jsonl")


def test_round_trip_through_reader(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    first = {"type": "message", "text": "one", "ts": "1700000000.000100"}
    second = {"type": "reaction_added", "reaction": "eyes", "event_ts": "1700000001.000200"}
    with Recorder(path, clock=lambda: 1700000002.0) as recorder:
        recorder.write(first)
        recorder.write(second)

    items = list(open_recording(path))

    assert items == [RecordedEvent(1, first, 1700000002.0), RecordedEvent(2, second, 1700000002.0)]


def test_reader_accepts_bare_events_and_skips_bad_lines() -> None:
    lines = [
        '{"type": "message", "text": "bare"}',
        "",
        "{oops",
        '{"at": 5, "event": []}',
        '{"type": "hello", "event": "not an envelope"}',
        "null",
    ]

    items = list(read_recording(lines))

    assert items[0] == RecordedEvent(1, {"type": "message", "text": "bare"})
    assert isinstance(items[1], SkippedLine) and items[1].line == 3
    assert items[2] == SkippedLine(4, '"event" is not a JSON object but an array')
    assert items[3] == RecordedEvent(5, {"type": "hello", "event": "not an envelope"})
    assert items[4] == SkippedLine(6, "not a JSON object but null")


def test_event_time_reads_ts_then_event_ts() -> None:
    assert event_time({"ts": "1700000000.000100"}, 5.0) == 1700000000.0001
    assert event_time({"event_ts": "1700000001.5"}, 5.0) == 1700000001.5
    assert event_time({"ts": "soon", "event_ts": "12"}, 5.0) == 12.0
    assert event_time({"ts": 1700000000}, 5.0) == 5.0
    assert event_time({"ts": "nan"}, 5.0) == 5.0
    assert event_time({}, 5.0) == 5.0


@pytest.mark.parametrize("command", [["run", "rules.toml"], ["demo"]])
def test_record_option_parses(command: list[str]) -> None:
    with_record = build_parser().parse_args([*command, "--record", "events.jsonl"])
    without = build_parser().parse_args(command)

    assert with_record.record == Path("events.jsonl")
    assert without.record is None


@pytest.mark.slow
@pytest.mark.skipif(
    "record_path" not in {item.name for item in dataclasses.fields(RunConfig)},
    reason="the runtime does not pass events to a recorder yet",
)
def test_demo_records_what_replay_reads(tmp_path: Path) -> None:
    recording = tmp_path / "events.jsonl"

    demo = responder("demo", "--headless", "--duration", "4", "--record", str(recording))
    replay = responder("replay", "rules.example.toml", str(recording), "--json")

    assert demo.returncode == 0, demo.stderr
    events = [json.loads(line) for line in recording.read_text(encoding="utf-8").splitlines()]
    assert events
    assert all(set(line) == {"at", "event"} for line in events)
    assert any(line["event"].get("type") == "message" for line in events)
    assert "xoxb-" not in recording.read_text(encoding="utf-8")
    assert replay.returncode == 0, replay.stderr
    assert json.loads(replay.stdout.splitlines()[0])["verb"] in ("reply", "react", "post")
