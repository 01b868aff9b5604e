"""Measure events per second from a raw JSON frame to a decision, against json.loads and Bolt.

For 10, 100, 1,000 and 10,000 generated rules (see ``bench/engine_rules.py``) it times, in
one run and on the same frames:

- ``json.loads`` alone;
- ``json.loads`` and ``normalise``, the part of the responder path that no rule changes;
- the responder path: ``json.loads``, ``normalise`` and ``Engine.decide``, with
  ``every_rule=False`` so that a decision holds results for the candidate rules only;
- Slack Bolt for Python (``slack_bolt``): ``App.dispatch`` of a Socket Mode
  ``event_callback`` request, with one ``app.message(re.compile(pattern))`` listener per
  rule. No network call happens, because ``authorize`` returns a fixed result.

It also times ``python -m responder check`` on a generated 1,000-rule file (median of 3)
and, with ``--profile``, prints the top functions of a cProfile run at 1,000 rules.

Run from the repository root: ``/tmp/venv/bin/python -m bench.engine [--profile]``.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import logging
import pstats
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.engine_rules import (
    TEAM,
    BenchRule,
    generate_frames,
    generate_rules,
    rules_toml,
)
from responder.engine.engine import Engine
from responder.rules.loader import load_rules_text
from responder.slack.identity import OFFLINE_IDENTITY
from responder.slack.normalise import normalise

RULE_COUNTS = (10, 100, 1_000, 10_000)
TIME_BUDGET = 4.0
"""Seconds given to each timed path. A path stops at the first 50-frame mark past this."""
BOLT_FRAME_LIMIT = 1_000
CHECK_RUNS = 3


def time_frames(handle: Callable[[str], object], frames: list[str], budget: float) -> tuple[float, int]:
    """Run ``handle`` on ``frames`` in order until all are done or ``budget`` seconds pass.

    Returns the rate in frames per second and the number of frames handled.
    """
    done = 0
    started = time.perf_counter()
    elapsed = 0.0
    for frame in frames:
        handle(frame)
        done += 1
        if done % 50 == 0:
            elapsed = time.perf_counter() - started
            if elapsed > budget:
                break
    elapsed = time.perf_counter() - started
    return done / elapsed, done


def json_rate(frames: list[str]) -> float:
    """Return the ``json.loads`` rate over ``frames``, repeated for about a second."""
    rounds = 0
    started = time.perf_counter()
    while time.perf_counter() - started < 1.0:
        for frame in frames:
            json.loads(frame)
        rounds += 1
    return rounds * len(frames) / (time.perf_counter() - started)


def responder_handler(rules_text: str) -> tuple[Callable[[str], object], list[int]]:
    """Return a frame handler for a new engine on ``rules_text``, and its count of firing events.

    The engine returns results for its candidate rules only, the mode meant for the running responder.
    """
    engine = Engine(load_rules_text(rules_text), OFFLINE_IDENTITY, every_rule=False)
    fired = [0]

    def handle(frame: str) -> object:
        decision = engine.decide(normalise(json.loads(frame), OFFLINE_IDENTITY))
        if any(result.fired for result in decision.results):
            fired[0] += 1
        return decision

    return handle, fired


def bolt_handler(rules: list[BenchRule]) -> tuple[Callable[[str], object], list[int]]:
    """Return a frame handler that dispatches through a Bolt app, and its count of matches.

    Bolt runs only the first listener that matches, so a matching event stops the scan.
    NOTE: the listeners do not check the rules' ``channels``, which spares Bolt work.
    """
    from slack_bolt import App, BoltRequest
    from slack_bolt.authorization import AuthorizeResult

    quiet = logging.getLogger("bench.engine.bolt")
    quiet.setLevel(logging.CRITICAL)

    def authorize(**_: Any) -> AuthorizeResult:
        return AuthorizeResult(
            enterprise_id=None, team_id=TEAM, bot_token="xoxb-bench", bot_user_id="U0SELF", bot_id="B0SELF"
        )

    app = App(
        signing_secret="bench-secret",
        authorize=authorize,
        request_verification_enabled=False,
        process_before_response=True,
        logger=quiet,
    )
    matched = [0]

    def record(message: dict[str, Any]) -> None:
        matched[0] += 1

    for rule in rules:
        app.message(re.compile(rule.pattern))(record)

    def handle(frame: str) -> object:
        event = json.loads(frame)
        body = {
            "token": "bench",
            "team_id": TEAM,
            "api_app_id": "A0BENCH",
            "type": "event_callback",
            "event_id": "Ev" + event["ts"].replace(".", ""),
            "event_time": int(float(event["ts"])),
            "event": event,
        }
        return app.dispatch(BoltRequest(body=body, mode="socket_mode"))

    return handle, matched


def check_seconds(rules_text: str) -> float:
    """Return the median wall time of ``python -m responder check`` on ``rules_text``."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "rules.toml"
        path.write_text(rules_text, encoding="utf-8")
        times = []
        for _ in range(CHECK_RUNS):
            started = time.perf_counter()
            subprocess.run([sys.executable, "-m", "responder", "check", str(path)], check=True, capture_output=True)
            times.append(time.perf_counter() - started)
    return statistics.median(times)


def measure(count: int) -> dict[str, float]:
    """Measure every path at ``count`` rules and return the rates, frame counts and match counts."""
    rules = generate_rules(count)
    frames = generate_frames(rules)
    rules_text = rules_toml(rules)

    loads = json_rate(frames)
    normalised, _ = time_frames(lambda frame: normalise(json.loads(frame), OFFLINE_IDENTITY), frames, TIME_BUDGET)
    handle, fired = responder_handler(rules_text)
    responder, responder_frames = time_frames(handle, frames, TIME_BUDGET)
    bolt_handle, matched = bolt_handler(rules)
    bolt, bolt_frames = time_frames(bolt_handle, frames[:BOLT_FRAME_LIMIT], TIME_BUDGET)

    return {
        "rules": count,
        "json": loads,
        "normalise": normalised,
        "responder": responder,
        "responder_frames": responder_frames,
        "responder_fired": fired[0],
        "bolt": bolt,
        "bolt_frames": bolt_frames,
        "bolt_matched": matched[0],
    }


def profile_text(count: int, top: int = 15) -> str:
    """Return the top functions by own time of the responder path at ``count`` rules."""
    rules = generate_rules(count)
    frames = generate_frames(rules)
    handle, _ = responder_handler(rules_toml(rules))
    profiler = cProfile.Profile()
    profiler.enable()
    time_frames(handle, frames, TIME_BUDGET)
    profiler.disable()
    output = io.StringIO()
    pstats.Stats(profiler, stream=output).sort_stats("tottime").print_stats(top)
    return output.getvalue()


def table_row(row: dict[str, float]) -> str:
    """Format one row of the results table from the output of :func:`measure`."""
    return (
        f"| {row['rules']:,} | {row['json']:,.0f} | {row['normalise']:,.0f} | {row['responder']:,.0f}"
        f" | {row['responder'] / row['json']:.3f} | {row['bolt']:,.1f} | {row['responder'] / row['bolt']:,.1f}"
        f" | {row['responder_frames']:,}, {row['bolt_frames']:,}"
        f" | {row['responder_fired']:,} / {row['bolt_matched']:,} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description="Measure the decision engine against json.loads and Bolt.")
    parser.add_argument("--profile", action="store_true", help="also print a cProfile run at 1,000 rules")
    args = parser.parse_args()

    print(
        "| rules | json.loads ev/s | json.loads + normalise ev/s | responder ev/s | responder/json"
        " | Bolt ev/s | responder/Bolt | frames (resp., Bolt) | fired / Bolt matched |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---|---|")
    for count in RULE_COUNTS:
        print(table_row(measure(count)), flush=True)

    seconds = check_seconds(rules_toml(generate_rules(1_000)))
    print(f"\nresponder check, 1,000 rules, median of {CHECK_RUNS}: {seconds:.2f} s")
    if args.profile:
        print("\n" + profile_text(1_000))


if __name__ == "__main__":
    main()
