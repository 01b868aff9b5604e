"""Loading scenario files (TOML) into checked :class:`Scenario` objects."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from responder.emulator.faults import Fault
from responder.emulator.socket_records import DISCONNECT_REASONS
from responder.emulator.steps import (
    TS_REFERENCE,
    Action,
    BlackHoleSessions,
    ClearFaults,
    CloseSessions,
    DisconnectSocketMode,
    EnableSocketMode,
    EndSessions,
    Goodbye,
    InjectFault,
    PingSessions,
    PostMessage,
    ResetSessions,
    Scenario,
    SendEvent,
    SendRaw,
    StallHandshakes,
    Step,
    Wait,
    WaitForSession,
)
from responder.emulator.validation import (
    ScenarioError,
    check_keys,
    describe_type,
    did_you_mean,
    require_bool,
    require_int,
    require_string,
    require_tables,
)
from responder.emulator.workspace_table import parse_workspace

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]

DEMO_SCENARIO = Path(__file__).with_name("scenarios") / "demo.toml"
"""The bundled demo: about 75 seconds of traffic in a small workspace, repeated forever."""

TOP_LEVEL_KEYS = ("description", "start", "repeat", "workspace", "step")
FOREVER = "forever"


VERB_MODIFIERS: dict[str, tuple[str, ...]] = {
    "event": ("name",),
    "wait": (),
    "wait_for_session": (),
    "goodbye": ("close", "code"),
    "close": ("reason",),
    "end": (),
    "reset": (),
    "black_hole": (),
    "stall_handshakes": (),
    "ping": (),
    "raw": (),
    "message": ("name",),
    "fail": (),
    "clear_faults": (),
    "disconnect": (),
    "enable_socket_mode": (),
}
"""Each verb and the keys that may modify it; ``repeat`` is allowed on every step."""

MESSAGE_KEYS = ("user", "channel", "text", "thread_ts")
FAULT_KEYS = ("method", "status", "error", "retry_after", "delay", "times", "channel")


def load_scenario(path: Path) -> Scenario:
    """Load and check a scenario file; raise :class:`ScenarioError` naming the file and step."""
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ScenarioError(f"{source}: cannot be read: {error.strerror or error}") from error
    except UnicodeDecodeError as error:
        raise ScenarioError(f"{source}: not UTF-8 text: {error}") from error
    return parse_scenario(text, source)


def parse_scenario(text: str, source: str = "<scenario>") -> Scenario:
    """Parse and check scenario text; ``source`` names it in error messages."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ScenarioError(f"{source}: invalid TOML: {error}") from error

    check_keys(data, TOP_LEVEL_KEYS, source)
    workspace = parse_workspace(data["workspace"], source) if "workspace" in data else None
    start = data.get("start", "hello")
    if start not in ("hello", "immediately"):
        raise ScenarioError(f'{source}: \'start\' must be "hello" or "immediately", not {start!r}')
    description = data.get("description", "")
    if not isinstance(description, str):
        raise ScenarioError(
            f"{source}: 'description' must be a string, not {describe_type(description)}"
        )

    return Scenario(
        steps=parse_steps(data.get("step", []), source),
        workspace=workspace,
        start=start,
        repeat=parse_repeat(data.get("repeat", 1), source),
        source=source,
        description=description,
    )


def parse_repeat(value: object, source: str) -> int | None:
    """Return the scenario's play count, ``None`` for ``"forever"``."""
    if value == FOREVER:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ScenarioError(
            f"{source}: 'repeat' must be a positive integer or \"forever\", not {value!r}"
        )
    return value


def parse_steps(value: object, source: str) -> tuple[Step, ...]:
    """Return the checked ``[[step]]`` tables in order."""
    steps = []
    names: set[str] = set()
    for number, table in enumerate(require_tables(value, "step"), 1):
        step = parse_step(table, number, f"{source}: step {number}")
        check_references(step.action, names, f"{source}: step {number}")
        if step.name is not None:
            names.add(step.name)
        steps.append(step)
    return tuple(steps)


def parse_step(table: dict[str, Any], number: int, where: str) -> Step:
    """Return one step; it must have exactly one verb, and only that verb's modifiers."""
    verbs = [key for key in table if key in VERB_MODIFIERS]
    if "goodbye" in verbs and "close" in verbs:
        verbs.remove("close")
    if not verbs:
        known = [*VERB_MODIFIERS, "repeat", "name", "code", "reason"]
        hints = "".join(did_you_mean(key, known) for key in table if key not in known)
        raise ScenarioError(f"{where}: no action; use one of {', '.join(VERB_MODIFIERS)}{hints}")
    if len(verbs) > 1:
        raise ScenarioError(
            f"{where}: more than one action ({', '.join(verbs)}); put each in its own [[step]]"
        )

    verb = verbs[0]
    check_keys(table, (verb, "repeat", *VERB_MODIFIERS[verb]), f"{where} ({verb})")
    repeat = require_int(table, "repeat", where, 1, 1, 10_000_000)
    name = require_string(table, "name", where, optional=True)
    action = parse_action(verb, table, where)
    if (
        name is not None
        and isinstance(action, SendEvent)
        and not isinstance(action.event.get("ts"), str)
    ):
        raise ScenarioError(f"{where}: 'name' needs an event with a string 'ts' to remember")
    return Step(number, action, repeat, name)


def parse_action(verb: str, table: dict[str, Any], where: str) -> Action:
    """Return the action of a step whose verb is ``verb``."""
    value = table[verb]
    if verb == "event":
        if not isinstance(value, dict):
            raise ScenarioError(f"{where}: 'event' must be a table, not {describe_type(value)}")
        return SendEvent(value)
    if verb == "wait":
        seconds = require_seconds(table, "wait", where, None)
        assert seconds is not None
        return Wait(seconds)
    if verb == "wait_for_session":
        if value not in (True, "new"):
            raise ScenarioError(
                f"{where}: 'wait_for_session' must be true or \"new\", not {value!r}"
            )
        return WaitForSession(new=value == "new")
    if verb == "goodbye":
        require_true(table, "goodbye", where)
        return Goodbye(
            require_bool(table, "close", where, False),
            require_int(table, "code", where, 1001, 1000, 4999),
        )
    if verb == "close":
        code = require_int(table, "close", where, 1001, 1000, 4999)
        return CloseSessions(code, require_string(table, "reason", where, optional=True) or "")
    if verb == "disconnect":
        return parse_disconnect(value, where)
    if verb in ("end", "reset", "black_hole", "clear_faults", "enable_socket_mode"):
        require_true(table, verb, where)
        flags: dict[str, Action] = {
            "end": EndSessions(),
            "reset": ResetSessions(),
            "black_hole": BlackHoleSessions(),
            "clear_faults": ClearFaults(),
            "enable_socket_mode": EnableSocketMode(),
        }
        return flags[verb]
    if verb == "stall_handshakes":
        return StallHandshakes(require_int(table, "stall_handshakes", where, 1, 1, 10_000))
    if verb == "ping":
        if not isinstance(value, str):
            raise ScenarioError(f"{where}: 'ping' must be a string (the payload), not {describe_type(value)}")
        return PingSessions(value)
    if verb == "raw":
        if not isinstance(value, str):
            raise ScenarioError(f"{where}: 'raw' must be a string, not {describe_type(value)}")
        return SendRaw(value)
    if verb == "fail":
        return parse_fault(value, where)
    return parse_message(value, where)


def parse_disconnect(value: object, where: str) -> DisconnectSocketMode:
    """Return a ``disconnect = "REASON"`` action."""
    for reason in DISCONNECT_REASONS:
        if value == reason:
            return DisconnectSocketMode(reason)
    hint = did_you_mean(value, DISCONNECT_REASONS) if isinstance(value, str) else ""
    raise ScenarioError(
        f"{where}: 'disconnect' must be one of {', '.join(DISCONNECT_REASONS)}, not {value!r}{hint}"
    )


def parse_fault(value: object, where: str) -> InjectFault:
    """Return a ``fail = { method, status, error, retry_after, delay, times, channel }`` action."""
    if not isinstance(value, dict):
        raise ScenarioError(f"{where}: 'fail' must be a table, not {describe_type(value)}")
    where = f"{where}: fail"
    check_keys(value, FAULT_KEYS, where)
    method = require_string(value, "method", where)
    assert method is not None
    fault = Fault(
        method,
        status=require_int(value, "status", where, 200, 100, 599),
        error=require_string(value, "error", where, optional=True),
        retry_after=require_seconds(value, "retry_after", where, None),
        delay=require_seconds(value, "delay", where, 0.0) or 0.0,
        times=require_int(value, "times", where, 1, 0, 10_000_000),
        channel=require_string(value, "channel", where, optional=True),
    )
    return InjectFault(fault)


def require_seconds(
    table: dict[str, Any], key: str, where: str, default: float | None
) -> float | None:
    """Return ``table[key]`` as a number of seconds (0 or more), or ``default`` when missing."""
    if key not in table:
        return default
    value = table[key]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise ScenarioError(
            f"{where}: '{key}' must be a number of seconds (0 or more), not {value!r}"
        )
    return float(value)


def parse_message(value: object, where: str) -> PostMessage:
    """Return a ``message = { user, channel, text, thread_ts }`` action."""
    if not isinstance(value, dict):
        raise ScenarioError(f"{where}: 'message' must be a table, not {describe_type(value)}")
    where = f"{where}: message"
    check_keys(value, MESSAGE_KEYS, where)
    user = require_string(value, "user", where)
    channel = require_string(value, "channel", where)
    text = value.get("text")
    if not isinstance(text, str):
        raise ScenarioError(f"{where}: 'text' must be a string, not {describe_type(text)}")
    assert user is not None and channel is not None
    return PostMessage(
        user, channel, text, require_string(value, "thread_ts", where, optional=True)
    )


def require_true(table: dict[str, Any], key: str, where: str) -> None:
    """Raise unless ``table[key]`` is ``true``."""
    if table[key] is not True:
        raise ScenarioError(f"{where}: '{key}' must be true, not {table[key]!r}")


def check_references(action: Action, names: set[str], where: str) -> None:
    """Raise for a ``{ts:NAME}`` whose NAME no earlier step defines."""
    if isinstance(action, SendEvent):
        values: list[object] = [action.event]
    elif isinstance(action, PostMessage):
        values = [action.thread_ts]
    else:
        return
    while values:
        value = values.pop()
        if isinstance(value, dict):
            values.extend(value.values())
        elif isinstance(value, list):
            values.extend(value)
        elif isinstance(value, str):
            match = TS_REFERENCE.match(value)
            if match and match.group(1) not in names:
                known = ", ".join(sorted(names)) or "none yet"
                raise ScenarioError(
                    f"{where}: '{value}' names no earlier step (names defined: {known})"
                )
