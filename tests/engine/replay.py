"""Replay raw frames through a rules file and the engine, and list the calls it plans."""

from __future__ import annotations

import json
import random
from textwrap import dedent
from typing import Any, Iterable

from responder.decisions import Decision, PlannedAction
from responder.engine import Engine
from responder.rules.loader import load_rules_text
from responder.slack.identity import OFFLINE_IDENTITY
from responder.slack.normalise import normalise

START = 1700000000.0


def load_engine(rules_toml: str) -> Engine:
    """An engine for a rules file given as text, with the offline identity."""
    return Engine(load_rules_text(dedent(rules_toml)), OFFLINE_IDENTITY, clock=lambda: START, rng=random.Random(0))


def replay(rules_toml: str, frames: str | Iterable[dict[str, Any]], step: float = 0.1) -> list[Decision]:
    """Decide every frame (JSON lines, or dicts) in order, ``step`` seconds apart."""
    engine = load_engine(rules_toml)
    return decide_frames(engine, frames, step=step)


def decide_frames(engine: Engine, frames: str | Iterable[dict[str, Any]], start: float = START, step: float = 0.1) -> list[Decision]:
    """Decide ``frames`` with ``engine``, the first at ``start``, then ``step`` apart."""
    if isinstance(frames, str):
        frames = [json.loads(line) for line in dedent(frames).splitlines() if line.strip()]

    decisions = []
    for index, raw in enumerate(frames):
        event = normalise(raw, OFFLINE_IDENTITY)
        decisions.append(engine.decide(event, now=start + index * step))
    return decisions


def call_of(action: PlannedAction) -> dict[str, Any]:
    """The Web API call an action makes, in the form the emulator records it."""
    if action.method == "reactions.add":
        return {"method": action.method, "channel": action.channel, "timestamp": action.timestamp, "name": action.reaction}

    call: dict[str, Any] = {"method": action.method, "channel": action.channel, "thread_ts": action.thread_ts}
    if action.broadcast:
        call["reply_broadcast"] = True
    call["text"] = action.text
    return call


def calls(decisions: Iterable[Decision]) -> list[dict[str, Any]]:
    """Every call the decisions plan, in order, leaving out dry runs."""
    return [call_of(action) for decision in decisions for action in decision.actions if not action.dry_run]


def fired(decisions: Iterable[Decision]) -> list[tuple[str, ...]]:
    """The rules that fired for each decision."""
    return [decision.fired for decision in decisions]


def expected_calls(lines: str) -> list[dict[str, Any]]:
    """Read a block of JSON-lines calls."""
    return [json.loads(line) for line in dedent(lines).splitlines() if line.strip()]
