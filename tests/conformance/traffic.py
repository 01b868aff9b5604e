"""The conformance traffic scenario, and checks that a client received all of it intact."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection
from pathlib import Path
from typing import Any

from responder.emulator import Emulator, Scenario, load_scenario
from responder.emulator.steps import PostMessage, SendEvent

TRAFFIC_SCENARIO = Path(__file__).with_name("traffic.toml")

TS_FORMAT = re.compile(r"^\d{10}\.\d{6}$")
"""A message ``ts`` as Slack writes it: ten digits of seconds, a dot, six digits."""

PLACEHOLDER = re.compile(r"^\{(new_ts|ts:[A-Za-z0-9_.-]+)\}$")

Kind = tuple[str, str | None]
"""An event's ``type`` and ``subtype`` (``None`` without one)."""


def load_traffic() -> Scenario:
    """Return the traffic scenario."""
    return load_scenario(TRAFFIC_SCENARIO)


def play_traffic(emulator: Emulator) -> Scenario:
    """Play the traffic scenario to the end and return it; raise if a step failed."""
    scenario = load_traffic()
    player = emulator.run_scenario(scenario)
    player.join(timeout=30)
    assert not player.is_alive(), "the traffic scenario did not finish within 30 s"
    assert player.error is None, f"the traffic scenario stopped: {player.error}"
    return scenario


def kind_of(event: dict[str, Any]) -> Kind:
    """Return the ``(type, subtype)`` of an event."""
    return str(event.get("type")), event.get("subtype")


def expected_kinds(scenario: Scenario) -> Counter[Kind]:
    """Return how many events of each kind the scenario sends to a connected RTM client."""
    kinds: Counter[Kind] = Counter()
    for step in scenario.steps:
        action = step.action
        if isinstance(action, SendEvent):
            kinds[kind_of(action.event)] += step.repeat
        elif isinstance(action, PostMessage):
            kinds[("message", None)] += step.repeat
            if action.thread_ts is not None:
                kinds[("message", "message_replied")] += step.repeat
    return kinds


def expected_events_api_kinds(scenario: Scenario) -> Counter[Kind]:
    """Return how many events of each kind the scenario sends through the Events API.

    The scenario uses only types and subtypes that the Events API also delivers, but
    ``message_replied`` arrives there without its subtype, as Slack documents.
    """
    kinds = expected_kinds(scenario)
    replied = kinds.pop(("message", "message_replied"), 0)
    kinds[("message", None)] += replied
    return kinds


def scripted_events(scenario: Scenario) -> list[dict[str, Any]]:
    """Return the ``event`` tables of the scenario, placeholders still in them."""
    return [step.action.event for step in scenario.steps if isinstance(step.action, SendEvent)]


def differences(
    sent: Any, received: Any, path: str = "event", added: Collection[str] = ()
) -> list[str]:
    """Return where ``received`` differs from the scripted ``sent`` value.

    A placeholder in ``sent`` matches any ``ts``-shaped string, since playback fills it in.
    ``added`` names top-level keys that the transport may add (``channel_type`` in the
    Events API).
    """
    if isinstance(sent, str) and PLACEHOLDER.match(sent):
        if isinstance(received, str) and TS_FORMAT.match(received):
            return []
        return [f"{path}: expected a ts for {sent}, got {received!r}"]
    if isinstance(sent, dict):
        if not isinstance(received, dict):
            return [f"{path}: expected an object, got {received!r}"]
        problems = [
            f"{path}: unexpected key {key!r}"
            for key in received
            if key not in sent and key not in added
        ]
        for key, value in sent.items():
            if key not in received:
                problems.append(f"{path}: missing key {key!r}")
            else:
                problems.extend(differences(value, received[key], f"{path}.{key}"))
        return problems
    if isinstance(sent, list):
        if not isinstance(received, list) or len(received) != len(sent):
            return [f"{path}: expected {len(sent)} items, got {received!r}"]
        problems = []
        for index, (item, got) in enumerate(zip(sent, received)):
            problems.extend(differences(item, got, f"{path}[{index}]"))
        return problems
    if sent != received or type(sent) is not type(received):
        return [f"{path}: expected {sent!r}, got {received!r}"]
    return []


def scripted_differences(
    scenario: Scenario, received: list[dict[str, Any]], added: Collection[str] = ()
) -> list[str]:
    """Return every difference between the scenario's ``event`` tables and what arrived.

    Each table is compared with the received event of its kind that differs least.
    """
    problems = []
    for sent in scripted_events(scenario):
        candidates = [event for event in received if kind_of(event) == kind_of(sent)]
        if not candidates:
            problems.append(f"no {kind_of(sent)} event arrived")
            continue
        best = min(candidates, key=lambda event: len(differences(sent, event, added=added)))
        problems.extend(differences(sent, best, f"{kind_of(sent)}", added))
    return problems


def posted_message_differences(scenario: Scenario, received: list[dict[str, Any]]) -> list[str]:
    """Return every difference between the scenario's ``message`` steps and what arrived.

    A reply must name its parent in ``thread_ts`` and the parent's author in
    ``parent_user_id``, as Slack's thread replies do.
    """
    by_text = {
        event.get("text"): event for event in received if kind_of(event) == ("message", None)
    }
    named: dict[str, dict[str, Any]] = {}
    problems = []
    for step in scenario.steps:
        action = step.action
        if not isinstance(action, PostMessage):
            continue
        event = by_text.get(action.text)
        if event is None:
            problems.append(f"step {step.number}: no message with text {action.text!r} arrived")
            continue
        if step.name is not None:
            named[step.name] = event
        for key, expected in (("user", action.user), ("channel", action.channel)):
            if event.get(key) != expected:
                problems.append(
                    f"step {step.number}: {key} is {event.get(key)!r}, not {expected!r}"
                )
        if not TS_FORMAT.match(str(event.get("ts"))):
            problems.append(f"step {step.number}: ts {event.get('ts')!r} is not a ts")
        problems.extend(reply_differences(step.number, action, event, named))
    return problems


def reply_differences(
    number: int, action: PostMessage, event: dict[str, Any], named: dict[str, dict[str, Any]]
) -> list[str]:
    """Return how a thread reply fails to name its parent; nothing for a top-level message."""
    if action.thread_ts is None:
        return [] if "thread_ts" not in event else [f"step {number}: unexpected thread_ts"]
    reference = PLACEHOLDER.match(action.thread_ts)
    if reference is None or not reference.group(1).startswith("ts:"):
        return []
    parent = named[reference.group(1).removeprefix("ts:")]
    problems = []
    if event.get("thread_ts") != parent.get("ts"):
        problems.append(
            f"step {number}: thread_ts {event.get('thread_ts')!r} is not the parent's ts"
        )
    if event.get("parent_user_id") != parent.get("user"):
        problems.append(f"step {number}: parent_user_id {event.get('parent_user_id')!r}")
    return problems
