"""Builders of real records and a recording ``Controls`` for the monitoring-screen tests."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path
from typing import Any, Callable, Coroutine, Mapping

from textual.pilot import Pilot

from responder.decisions import Decision, PlannedAction, RuleResult, SkippedAction
from responder.record_buffer import RecordBuffer, RuleSwitches
from responder.records import ActionResult, DecisionMade, RulesLoaded
from responder.slack.events import Event
from responder.tui.app import ResponderApp
from responder.tui.state import Clock

CHANNEL = "C0TEST1"
USER = "U0TEST1"
SIZE = (140, 40)


class RecordingControls:
    """A ``Controls`` that records calls, from whichever thread makes them.

    Rule switches behave as the engine's do: a per-rule dry run wins over the switch for
    every rule, which clears the per-rule ones.
    """

    def __init__(self, fail_stop: bool = False, stop_gate: threading.Event | None = None) -> None:
        self.reload_calls = 0
        self.stop_calls = 0
        self.fail_stop = fail_stop
        self.stop_gate = stop_gate
        """When given, ``stop`` blocks until this event is set."""
        self.calls: list[tuple[Any, ...]] = []
        """Every call other than reload and stop, as ``(method, *arguments)``."""
        self.channel_names: Mapping[str, str] = {}
        self.user_names: Mapping[str, str] = {}
        self.rule_names: tuple[str, ...] = ()
        self.enabled: dict[str, bool] = {}
        self.dry_run_rules: dict[str, bool] = {}
        self.dry_run_all = False
        self.explanation: str | None = "rule greet: fired\n  words ['hello']: true (tested 'hello')"
        self.try_outcome: str | None = None
        self.try_error: Exception | None = None
        self._lock = threading.Lock()

    def reload_rules(self) -> None:
        with self._lock:
            self.reload_calls += 1

    def names(self) -> tuple[Mapping[str, str], Mapping[str, str]]:
        return self.channel_names, self.user_names

    def rule_switches(self) -> Mapping[str, RuleSwitches]:
        with self._lock:
            return {
                name: RuleSwitches(
                    self.enabled.get(name, True), self.dry_run_rules.get(name, self.dry_run_all)
                )
                for name in self.rule_names
            }

    def set_rule_enabled(self, name: str, enabled: bool) -> None:
        self._record("set_rule_enabled", name, enabled)
        if name not in self.rule_names:
            raise KeyError(f"rule {name!r} not found")
        with self._lock:
            self.enabled[name] = enabled

    def set_rule_dry_run(self, name: str, dry_run: bool) -> None:
        self._record("set_rule_dry_run", name, dry_run)
        with self._lock:
            self.dry_run_rules[name] = dry_run

    def set_dry_run(self, dry_run: bool | None) -> None:
        self._record("set_dry_run", dry_run)
        with self._lock:
            self.dry_run_all = bool(dry_run)
            self.dry_run_rules.clear()

    def explain(self, decision: Decision) -> str | None:
        self._record("explain", decision.event.ts)
        return self.explanation

    def try_message(self, text: str, channel: str | None, user: str | None) -> str | None:
        self._record("try_message", text, channel, user)
        if self.try_error is not None:
            raise self.try_error
        return self.try_outcome

    def _record(self, *call: Any) -> None:
        with self._lock:
            self.calls.append(call)

    def calls_to(self, method: str) -> list[tuple[Any, ...]]:
        """Return the arguments of every call to ``method``, oldest first."""
        with self._lock:
            return [call[1:] for call in self.calls if call[0] == method]

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


def decision(
    n: int,
    *results: RuleResult,
    text: str | None = None,
    ignored: str | None = None,
    at: float | None = None,
    **fields: Any,
) -> DecisionMade:
    """A ``DecisionMade`` for event ``n``, with ``fields`` overriding the event's values."""
    made_at = time.time() if at is None else at
    return DecisionMade(made_at, Decision(event(n, text, **fields), ignored=ignored, results=results))


def not_fired(rule: str, reason: str) -> RuleResult:
    return RuleResult(rule, False, reason)


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


def result(status: str, action: PlannedAction, error: str | None = None, at: float | None = None) -> ActionResult:
    made_at = time.time() if at is None else at
    return ActionResult(made_at, action, status, error=error)  # type: ignore[arg-type]


def rules_loaded(
    *names: str, errors: tuple[str, ...] = (), path: str = "rules.toml", at: float | None = None
) -> RulesLoaded:
    made_at = time.time() if at is None else at
    return RulesLoaded(made_at, path, ok=not errors, rule_names=names, errors=errors)


FROZEN_AT = 1_700_000_000.0
"""The wall-clock time of a frozen clock: 2023-11-14 22:13:20 UTC."""


def frozen_clock(wall: float = FROZEN_AT, uptime: float = 3_723.0) -> Clock:
    """Return a frozen clock: the wall time never changes, and the uptime is ``uptime`` seconds."""
    ticks = iter([0.0])

    def monotonic() -> float:
        # The first reading is the app's start; every later one is ``uptime`` after it.
        return next(ticks, uptime)

    return Clock(wall=lambda: wall, monotonic=monotonic)


NO_KEYMAP = Path(__file__).parent / "no-such-keys.toml"
"""A key map path that does not exist, so that the tester's own key map cannot change the keys."""


def make_app(
    max_events: int = 1000, controls: RecordingControls | None = None, **options: Any
) -> tuple[ResponderApp, RecordBuffer, RecordingControls]:
    """An app on a fresh buffer and a ``RecordingControls``, with ``options`` passed to the app."""
    buffer = RecordBuffer()
    controls = controls or RecordingControls()
    settings: dict[str, Any] = dict(
        rules_path="rules.toml",
        max_events=max_events,
        refresh_interval=0.02,
        keymap_file=NO_KEYMAP,
        watch_rules=False,
    )
    settings.update(options)
    app = ResponderApp(buffer, controls, **settings)
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
