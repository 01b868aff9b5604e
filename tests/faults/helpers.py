"""Shared parts of the fault-injection tests: rules, frames, timings and subprocesses."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable, Iterable

from responder.emulator import Emulator
from responder.records import ConnectionState, Record

ROOT = Path(__file__).resolve().parents[2]

GREET = '[[rule]]\nname = "greet"\nwords = ["hello"]\n[[rule.action]]\nreply = "Hi {user}!"\n'
"""Rules R0: answer "hello" in the thread."""

TIMING_SLACK = 0.4
"""Seconds added to an upper time bound for the responder's read loop and the loopback."""

FAST = {"ping_interval": 0.5, "pong_timeout": 0.5, "reconnect_delay": 0.2}
"""Runtime options for tests that do not check the backoff schedule itself."""


def write_rules(folder: Path, text: str = GREET, name: str = "rules.toml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def message(ts: str, channel: str = "C0TEST1", text: str = "hello", user: str = "U0TEST1", **extra: Any) -> dict[str, Any]:
    return {"type": "message", "user": user, "text": text, "channel": channel, "ts": ts, **extra}


def greeting(ts: str, channel: str = "C0TEST1", user: str = "U0TEST1") -> dict[str, Any]:
    """The call R0 makes for a message by ``user`` at ``ts``."""
    return {"method": "chat.postMessage", "channel": channel, "thread_ts": ts, "text": f"Hi <@{user}>!"}


CONNECT_METHODS = {"rtm": "rtm.connect", "socket-mode": "apps.connections.open"}
"""The Web API method that opens a session, by transport."""

APP_TOKEN = "xapp-faults-test-93c0"


def connect_times(emulator: Emulator, transport: str = "rtm") -> list[float]:
    return [float(call["at"]) for call in emulator.calls(CONNECT_METHODS[transport])]


def connect_count(emulator: Emulator, transport: str = "rtm") -> int:
    return len(emulator.calls(CONNECT_METHODS[transport]))


def posts(emulator: Emulator, channel: str | None = None) -> list[dict[str, Any]]:
    calls = emulator.calls("chat.postMessage")
    return [call for call in calls if channel is None or call.get("channel") == channel]


def states(records: Iterable[Record], phase: str) -> list[ConnectionState]:
    return [record for record in records if isinstance(record, ConnectionState) and record.phase == phase]


def wait_until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(0.02)


def wait_for_connects(emulator: Emulator, count: int, timeout: float = 20.0, transport: str = "rtm") -> list[float]:
    method = CONNECT_METHODS[transport]
    wait_until(lambda: connect_count(emulator, transport) >= count, timeout, f"{count} {method} calls")
    return connect_times(emulator, transport)


def cli_environment(token: str, state_home: Path, app_token: str | None = None) -> dict[str, str]:
    unset = ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SSL_CERT_FILE")
    env = {key: value for key, value in os.environ.items() if key not in unset}
    env["PYTHONPATH"] = str(ROOT)
    env["SLACK_BOT_TOKEN"] = token
    env["XDG_STATE_HOME"] = str(state_home)
    if app_token is not None:
        env["SLACK_APP_TOKEN"] = app_token
    return env


def start_cli(
    args: list[str], token: str, state_home: Path, output: Path, app_token: str | None = None
) -> subprocess.Popen[bytes]:
    """Start ``python -m responder ARGS`` with stdout and stderr in files under ``output``.

    With ``app_token`` set, ``SLACK_APP_TOKEN`` is set too, so ``--transport auto`` picks Socket Mode.
    """
    output.mkdir(parents=True, exist_ok=True)
    stdout = (output / "stdout.txt").open("ab")
    stderr = (output / "stderr.txt").open("ab")
    try:
        return subprocess.Popen(
            [sys.executable, "-m", "responder", *args],
            stdout=stdout,
            stderr=stderr,
            env=cli_environment(token, state_home, app_token),
            cwd=ROOT,
        )
    finally:
        stdout.close()
        stderr.close()


def stop_cli(process: subprocess.Popen[bytes], sig: int = signal.SIGINT, timeout: float = 10.0) -> int:
    """Send ``sig`` and wait for the exit status; kill the process if it does not end."""
    if process.poll() is None:
        process.send_signal(sig)
    try:
        return process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        raise


def own_log(records: Iterable[logging.LogRecord]) -> list[logging.LogRecord]:
    """Keep the log records of the responder itself, not of the emulator or of threads other tests left."""
    return [record for record in records if record.name.startswith("responder.") and not record.name.startswith("responder.emulator")]


def within(value: float, low: float, high: float) -> bool:
    return low <= value <= high
