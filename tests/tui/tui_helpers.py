"""Builders of real records and a recording ``Controls`` for the monitoring-screen tests."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any, Callable, Coroutine

from textual.pilot import Pilot

from responder.decisions import Decision, PlannedAction, RuleResult, SkippedAction
from responder.record_buffer import RecordBuffer
from responder.records import ActionResult, DecisionMade, RulesLoaded
from responder.slack.events import Event
from responder.tui.app import ResponderApp

CHANNEL = "C0TEST1"
USER = "U0TEST1"
SIZE = (140, 40)


class RecordingControls:
    """A ``Controls`` that counts calls, from whichever thread makes them."""

    def __init__(self, fail_stop: bool = False, stop_gate: threading.Event | None = None) -> None:
        self.reload_calls = 0
        self.stop_calls = 0
        self.fail_stop = fail_stop
        self.stop_gate = stop_gate
        """When given, ``stop`` blocks until this event is set."""
        self._lock = threading.Lock()

    def reload_rules(self) -> None:
        with self._lock:
            self.reload_calls += 1

    def stop(self) -> None:
        with self._lock:
            self.stop_calls += 1
        if self.stop_gate is not None:
            self.stop_gate.wait(timeout=30)
        if self.fail_stop:
            raise RuntimeError("transport thread did not end")


def event(n: int, text: str | None = None, **fields: Any) -> Event:
    """A plain channel message number ``n`` with text ``line n`` unless ``text`` is given."""
    values: dict[str, Any] = dict(
        type="message",
        subtype="",
        channel=CHANNEL,
        user=USER,
        bot_id=None,
        app_id=None,
        ts=f"1700000136.{n:06d}",
        thread_ts=None,
        text=f"line {n}" if text is None else text,
        raw_text=f"line {n}" if text is None else text,
        mentions=(),
        has_files=False,
        hidden=False,
        is_self=False,
        is_bot=False,
        channel_type="channel",
        target_channel=None,
        target_ts=None,
        text_unchanged=False,
        raw={},
    )
    values.update(fields)
    return Event(**values)


def decision(n: int, *results: RuleResult, text: str | None = None, ignored: str | None = None) -> DecisionMade:
    """A ``DecisionMade`` for event ``n``."""
    return DecisionMade(time.time(), Decision(event(n, text), ignored=ignored, results=results))


def planned(rule: str = "greet", number: int = 1, **fields: Any) -> PlannedAction:
    """A reply in the thread of the first message, with ``fields`` overriding any value."""
    values: dict[str, Any] = dict(
        rule=rule,
        number=number,
        verb="reply",
        method="chat.postMessage",
        channel=CHANNEL,
        event_ts="1700000000.000800",
        thread_ts="1700000000.000800",
        text="Hi <@U0TEST1>!",
    )
    values.update(fields)
    return PlannedAction(**values)


def fired(rule: str, *actions: PlannedAction, skipped: tuple[SkippedAction, ...] = ()) -> RuleResult:
    return RuleResult(rule, True, actions=actions, skipped=skipped)


def result(status: str, action: PlannedAction, error: str | None = None) -> ActionResult:
    return ActionResult(time.time(), action, status, error=error)  # type: ignore[arg-type]


def rules_loaded(*names: str, errors: tuple[str, ...] = (), path: str = "rules.toml") -> RulesLoaded:
    return RulesLoaded(time.time(), path, ok=not errors, rule_names=names, errors=errors)


def make_app(
    max_events: int = 1000, controls: RecordingControls | None = None
) -> tuple[ResponderApp, RecordBuffer, RecordingControls]:
    buffer = RecordBuffer()
    controls = controls or RecordingControls()
    app = ResponderApp(buffer, controls, rules_path="rules.toml", max_events=max_events, refresh_interval=0.02)
    return app, buffer, controls


async def wait_for(pilot: Pilot[Any], condition: Callable[[], bool], timeout: float = 5.0) -> None:
    """Let the app run until ``condition`` holds; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout} s")
        await pilot.pause(0.02)


def run(scenario: Callable[[], Coroutine[Any, Any, None]]) -> None:
    """Run an async test body on a fresh event loop (no pytest plugin needed)."""
    asyncio.run(scenario())
