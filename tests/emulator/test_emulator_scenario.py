"""Scenario files: loading, the errors for bad ones, and playing their steps."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import websocket
from slack_sdk import WebClient

from responder.emulator import (
    DEMO_SCENARIO,
    Emulator,
    ScenarioError,
    load_scenario,
    parse_scenario,
)
from responder.emulator.steps import Goodbye, PostMessage, SendEvent, Wait, WaitForSession

Connect = Callable[[], websocket.WebSocket]

DEMO = DEMO_SCENARIO


def receive(ws: websocket.WebSocket) -> Any:
    """Read one text frame and parse it as JSON."""
    return json.loads(ws.recv())


def load_error(text: str) -> str:
    """Return the error message for scenario text that must not load."""
    with pytest.raises(ScenarioError) as raised:
        parse_scenario(text, "bad.toml")
    return str(raised.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[[step]\nwait = 1", "bad.toml: invalid TOML"),
        ("stpe = []", "bad.toml: unknown key 'stpe' (did you mean 'step'?)"),
        ("start = 'later'", 'bad.toml: \'start\' must be "hello" or "immediately"'),
        ("repeat = 0", "bad.toml: 'repeat' must be a positive integer or \"forever\""),
        ("[[step]]\nwait = 1\n[[step]]\nwiat = 2", "bad.toml: step 2: no action; use one of"),
        ("[[step]]\nwiat = 2", "(did you mean 'wait'?)"),
        ("[[step]]\nwait = 1\nraw = 'x'", "bad.toml: step 1: more than one action (wait, raw)"),
        ("[[step]]\nwait = -1", "bad.toml: step 1: 'wait' must be a number of seconds"),
        ("[[step]]\nwait = true", "bad.toml: step 1: 'wait' must be a number of seconds"),
        ("[[step]]\nevent = 'hello'", "bad.toml: step 1: 'event' must be a table, not a string"),
        ("[[step]]\nclose = 99", "bad.toml: step 1: 'close' must be between 1000 and 4999"),
        (
            "[[step]]\ngoodbye = true\nclose = 1011",
            "bad.toml: step 1: 'close' must be true or false",
        ),
        ("[[step]]\nend = false", "bad.toml: step 1: 'end' must be true"),
        ("[[step]]\nwait_for_session = 'old'", "'wait_for_session' must be true or \"new\""),
        ("[[step]]\nwait = 1\nrepeat = 0", "bad.toml: step 1: 'repeat' must be between 1"),
        ("[[step]]\nwait = 1\nname = 'x'", "bad.toml: step 1 (wait): unknown key 'name'"),
        (
            "[[step]]\nmessage = { user = 'U0TEST1', text = 'hi' }",
            "bad.toml: step 1: message: missing 'channel'",
        ),
        (
            "[[step]]\nmessage = { user = 'U0TEST1', channel = 'C0TEST1', txt = 'hi' }",
            "step 1: message: unknown key 'txt' (did you mean 'text'?)",
        ),
        (
            "[[step]]\nevent = { type = 'hello' }\nname = 'h'",
            "step 1: 'name' needs an event with a string 'ts'",
        ),
        (
            "[[step]]\nmessage = { user = 'U1', channel = 'C1', text = 'a', thread_ts = '{ts:x}' }",
            "bad.toml: step 1: '{ts:x}' names no earlier step",
        ),
        ("step = 3", "step: must be an array of tables"),
        ("[workspace]\nteam = 'T1'", "bad.toml: workspace: unknown key 'team'"),
        ("[[workspace.user]]\nname = 'x'", "bad.toml: workspace.user 1: missing 'id'"),
        (
            "[[workspace.channel]]\nid = 'C1'\nname = 'a'\nuser = 'U1'",
            "'user' is only for a direct message",
        ),
        (
            "[workspace]\ntokens = 'xoxb-1'",
            "bad.toml: workspace: tokens: must be an array of non-empty strings",
        ),
    ],
)
def test_bad_scenario_error(text: str, expected: str) -> None:
    assert expected in load_error(text)


def test_token_not_in_error() -> None:
    assert "xoxb-secret" not in load_error("[workspace]\ntokens = ['xoxb-secret', 3]")


def test_missing_file_error(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="missing.toml: cannot be read"):
        load_scenario(tmp_path / "missing.toml")


def test_steps_parsed_in_order() -> None:
    scenario = parse_scenario("""
        [[step]]
        wait_for_session = 'new'
        [[step]]
        message = { user = 'U0TEST1', channel = 'C0TEST1', text = 'hi' }
        name = 'm'
        repeat = 2
        [[step]]
        goodbye = true
        close = true
        code = 4000
        [[step]]
        wait = 0.5
        [[step]]
        event = { type = 'message', ts = '{ts:m}' }
    """)

    actions = [step.action for step in scenario.steps]
    assert actions[0] == WaitForSession(new=True)
    assert actions[1] == PostMessage("U0TEST1", "C0TEST1", "hi")
    assert actions[2] == Goodbye(close=True, code=4000)
    assert actions[3] == Wait(0.5)
    assert actions[4] == SendEvent({"type": "message", "ts": "{ts:m}"})
    assert scenario.steps[1].repeat == 2
    assert scenario.steps[1].name == "m"
    assert [step.number for step in scenario.steps] == [1, 2, 3, 4, 5]
    assert scenario.start == "hello"
    assert scenario.repeat == 1
    assert scenario.workspace is None


def test_workspace_extends_defaults() -> None:
    scenario = parse_scenario(
        "[workspace]\nteam_name = 'Other'\n"
        "[[workspace.user]]\nid = 'U0TEST1'\nname = 'renamed'\n"
        "[[workspace.user]]\nid = 'U0NEW'\nname = 'newcomer'\n"
        "[[workspace.channel]]\nid = 'G0PRIV'\nname = '#secret'\nis_private = true\n"
    )

    workspace = scenario.workspace
    assert workspace is not None
    assert workspace.team_name == "Other"
    assert workspace.team_id == "T0TEST"
    assert [user.name for user in workspace.users] == ["renamed", "tester2", "tester3", "newcomer"]
    assert [channel.id for channel in workspace.channels] == [
        "C0TEST1",
        "C0TEST2",
        "D0TEST1",
        "G0PRIV",
    ]
    assert workspace.channels[-1].name == "secret"


def test_workspace_replaces_defaults() -> None:
    scenario = parse_scenario(
        "[workspace]\ninclude_defaults = false\ntokens = ['xoxb-one']\n"
        "[[workspace.user]]\nid = 'U0ONLY'\nname = 'only'\n"
    )

    assert scenario.workspace is not None
    assert [user.id for user in scenario.workspace.users] == ["U0ONLY"]
    assert scenario.workspace.channels == ()
    assert scenario.workspace.tokens == ("xoxb-one",)


def test_playback_sends_steps_in_order(emulator: Emulator, connect: Connect) -> None:
    ws = connect()
    scenario = parse_scenario("""
        [[step]]
        event = { type = 'message', user = 'U0TEST1', text = 'one', ts = '1700000000.000100' }
        [[step]]
        raw = 'not json at all'
        [[step]]
        message = { user = 'U0TEST2', channel = 'C0TEST2', text = 'two' }
        [[step]]
        wait = 0.05
        repeat = 2
        [[step]]
        goodbye = true
    """)

    emulator.run_scenario(scenario).join(5)

    assert receive(ws)["text"] == "one"
    assert ws.recv() == "not json at all"
    second = receive(ws)
    assert (second["user"], second["channel"], second["text"]) == ("U0TEST2", "C0TEST2", "two")
    assert receive(ws) == {"type": "goodbye"}


def test_playback_fills_in_timestamps(emulator: Emulator, connect: Connect) -> None:
    ws = connect()
    scenario = parse_scenario("""
        [[step]]
        message = { user = 'U0TEST1', channel = 'C0TEST1', text = 'question' }
        name = 'q'

        [[step]]
        message = { user = 'U0TEST2', channel = 'C0TEST1', text = 'answer', thread_ts = '{ts:q}' }

        [[step]]
        event.type = 'message'
        event.subtype = 'message_changed'
        event.channel = 'C0TEST1'
        event.ts = '{new_ts}'
        event.message = { text = 'question?', ts = '{ts:q}', edited = { ts = '{new_ts}' } }
    """)

    emulator.run_scenario(scenario).join(5)

    question = receive(ws)
    reply = receive(ws)
    replied = receive(ws)
    edit = receive(ws)
    assert reply["thread_ts"] == question["ts"]
    assert replied["subtype"] == "message_replied"
    assert edit["message"]["ts"] == question["ts"]
    assert edit["ts"] == edit["message"]["edited"]["ts"]
    assert edit["ts"] > reply["ts"]


def test_playback_repeats_scenario_with_new_timestamps(
    emulator: Emulator, connect: Connect
) -> None:
    ws = connect()
    scenario = parse_scenario(
        "repeat = 3\n[[step]]\nevent = { type = 'message', text = 'tick', ts = '{new_ts}' }\n"
    )

    emulator.run_scenario(scenario).join(5)

    stamps = [receive(ws)["ts"] for _ in range(3)]
    assert len(set(stamps)) == 3


def test_playback_waits_for_hello(emulator: Emulator, connect: Connect) -> None:
    scenario = parse_scenario("[[step]]\nevent = { type = 'message', text = 'first' }\n")
    player = emulator.run_scenario(scenario)
    player.join(0.2)
    assert player.is_alive()

    ws = connect()

    player.join(5)
    assert receive(ws)["text"] == "first"


def test_playback_starts_immediately_when_asked(emulator: Emulator) -> None:
    scenario = parse_scenario(
        "start = 'immediately'\n[[step]]\nevent = { type = 'message', text = 'lost' }\n"
    )

    player = emulator.run_scenario(scenario)

    player.join(5)
    assert not player.is_alive()


def test_wait_for_new_session_step(emulator: Emulator, connect: Connect) -> None:
    old = connect()
    scenario = parse_scenario(
        "[[step]]\ngoodbye = true\n[[step]]\nwait_for_session = 'new'\n"
        "[[step]]\nevent = { type = 'message', text = 'after reconnect' }\n"
    )
    player = emulator.run_scenario(scenario)
    assert receive(old) == {"type": "goodbye"}

    new = connect()

    player.join(5)
    assert receive(new)["text"] == "after reconnect"


def test_stop_ends_playback() -> None:
    emulator = Emulator(close_timeout=1.0).start()
    player = emulator.run_scenario(parse_scenario("start = 'immediately'\n[[step]]\nwait = 60\n"))

    emulator.stop()

    player.join(5)
    assert not player.is_alive()


def test_demo_scenario_loads() -> None:
    scenario = load_scenario(DEMO)

    assert scenario.workspace is not None
    assert scenario.repeat is None
    seconds = sum(
        step.action.seconds * step.repeat
        for step in scenario.steps
        if isinstance(step.action, Wait)
    )
    assert 60 <= seconds <= 90


def test_demo_scenario_names_known_people_and_channels() -> None:
    scenario = load_scenario(DEMO)
    assert scenario.workspace is not None
    users = {user.id for user in scenario.workspace.users}
    channels = {channel.id for channel in scenario.workspace.channels}

    messages = [step.action for step in scenario.steps if isinstance(step.action, PostMessage)]
    assert {message.user for message in messages} <= users
    assert {message.channel for message in messages} <= channels
    assert {"C0GENERAL", "C0OPS", "C0HELP", "C0RANDOM", "D0ALICE"} <= {
        message.channel for message in messages
    }


def test_demo_scenario_covers_event_kinds() -> None:
    scenario = load_scenario(DEMO)
    events = [step.action.event for step in scenario.steps if isinstance(step.action, SendEvent)]
    texts = [step.action.text for step in scenario.steps if isinstance(step.action, PostMessage)]

    assert any(event.get("subtype") == "message_changed" for event in events)
    assert any(event.get("type") == "reaction_added" for event in events)
    assert any(event.get("subtype") == "bot_message" and "text" not in event for event in events)
    assert any(isinstance(step.action, Goodbye) for step in scenario.steps)
    assert any(
        isinstance(step.action, PostMessage) and step.action.thread_ts for step in scenario.steps
    )
    assert any(text.startswith("<@U0SELF>") for text in texts)
    assert any("<@U0SELF>" in text and not text.startswith("<@U0SELF>") for text in texts)
    assert any("ticket 1234" in text for text in texts)
    assert any("<https://" in text for text in texts)


def test_demo_scenario_plays_one_round() -> None:
    demo = load_scenario(DEMO)
    steps = tuple(
        dataclasses.replace(step, action=Wait(0)) if isinstance(step.action, Wait) else step
        for step in demo.steps
    )
    with Emulator(demo.workspace, close_timeout=1.0) as emulator:
        client = WebClient(base_url=emulator.base_url, token="xoxb-demo", timeout=5)
        first = websocket.create_connection(client.rtm_connect()["url"], timeout=5)
        player = emulator.run_scenario(dataclasses.replace(demo, steps=steps, repeat=1))

        before_goodbye = []
        while (frame := first.recv_data_frame(True))[0] == websocket.ABNF.OPCODE_TEXT:
            before_goodbye.append(json.loads(frame[1].data))
        second = websocket.create_connection(client.rtm_connect()["url"], timeout=5)
        player.join(5)
        emulator.send_event({"type": "end_of_test"})
        after_goodbye = []
        while (event := receive(second))["type"] != "end_of_test":
            after_goodbye.append(event)

    assert player.error is None
    assert before_goodbye[0] == {"type": "hello"}
    assert before_goodbye[-1] == {"type": "goodbye"}
    assert len(before_goodbye) >= 12
    assert after_goodbye[0] == {"type": "hello"}
    assert len(after_goodbye) >= 6
