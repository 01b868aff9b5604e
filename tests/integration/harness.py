"""Run the real responder against the emulator on loopback and compare call logs."""

from __future__ import annotations

import json
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from responder.emulator import Emulator
from responder.records import ConnectionState, Record
from responder.rules.loader import load_rules
from responder.runtime import RunConfig, Runtime

ACTION_METHODS = ("chat.postMessage", "chat.postEphemeral", "reactions.add")
TOKEN = "xoxb-test-0000-secret"
APP_TOKEN = "xapp-test-0000-secret"
TRANSPORTS = ("rtm", "socket-mode")
"""Values for a ``transport`` parameter that runs a test over each transport."""

CONNECT_METHODS = {"rtm": "rtm.connect", "socket-mode": "apps.connections.open"}
"""The Web API method that opens a session, by transport."""


@dataclass
class Collected:
    """Every record the runtime produced, in order, safe to read from the test thread."""

    records: list[Record] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, record: Record) -> None:
        with self.lock:
            self.records.append(record)

    def snapshot(self) -> list[Record]:
        with self.lock:
            return list(self.records)

    def wait_for(self, predicate: Any, timeout: float = 10.0) -> Record:
        deadline = time.monotonic() + timeout
        seen = 0
        while time.monotonic() < deadline:
            records = self.snapshot()
            for record in records[seen:]:
                if predicate(record):
                    return record
            seen = len(records)
            time.sleep(0.02)
        raise TimeoutError(f"no matching record within {timeout} s; last records: {self.snapshot()[-5:]}")


def connected(record: Record) -> bool:
    return isinstance(record, ConnectionState) and record.phase == "connected"


def start_responder(
    emulator: Emulator, rules_path: Path, transport: str = "rtm", **options: Any
) -> tuple[Runtime, Collected]:
    """Start a runtime over ``transport`` against ``emulator`` and wait until it is connected."""
    collected = Collected()
    config = RunConfig(
        rules_path=rules_path,
        token=TOKEN,
        transport="socket-mode" if transport == "socket-mode" else "rtm",
        app_token=APP_TOKEN if transport == "socket-mode" else None,
        slack_url=emulator.base_url,
        ping_interval=options.pop("ping_interval", 1.0),
        pong_timeout=options.pop("pong_timeout", 0.8),
        min_post_interval=options.pop("min_post_interval", 0.0),
        **options,
    )
    runtime = Runtime(config, collected, load_rules(rules_path))
    runtime.start()
    collected.wait_for(connected)
    emulator.wait_for_sessions(1)
    return runtime, collected


def connect_calls(emulator: Emulator, transport: str) -> int:
    """The number of calls to ``transport``'s connect method so far, failed ones included."""
    return len(emulator.calls(CONNECT_METHODS[transport]))


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def action_calls(emulator: Emulator) -> list[dict[str, Any]]:
    return [call for call in emulator.calls() if call["method"] in ACTION_METHODS]


def by_target(calls: Iterable[dict[str, Any]]) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """Group calls by method and channel, keeping their order within each group."""
    groups: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for call in calls:
        groups[(call["method"], str(call.get("channel")))].append(call)
    return dict(groups)


def project(call: dict[str, Any], expected: dict[str, Any]) -> dict[str, Any]:
    """The keys of ``call`` that ``expected`` shows, ``None`` where the call lacks them."""
    shown = {key: call.get(key) for key in expected}
    if "reply_broadcast" not in expected and call.get("reply_broadcast") not in (None, False):
        shown["reply_broadcast"] = call["reply_broadcast"]
    return shown


def assert_calls_match(actual: list[dict[str, Any]], expected: list[dict[str, Any]]) -> None:
    """Exact counts; order within each (method, channel); the shown keys equal."""
    actual_groups = by_target(actual)
    expected_groups = by_target(expected)
    assert sorted(actual_groups) == sorted(expected_groups), f"targets differ: {actual}"
    for target, wanted in expected_groups.items():
        got = [project(call, want) for call, want in zip(actual_groups[target], wanted)]
        assert len(actual_groups[target]) == len(wanted), f"{target}: {actual_groups[target]}"
        assert got == wanted, f"{target} differs"


def wait_for_action_calls(emulator: Emulator, count: int, settle: float = 0.6) -> list[dict[str, Any]]:
    """Wait for ``count`` action calls, then a little longer to catch extra ones."""
    deadline = time.monotonic() + 10.0
    while len(action_calls(emulator)) < count and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(settle)
    return action_calls(emulator)
