"""The responder as a subprocess for the soak test, and what its headless output shows."""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "xoxb-soak-test-0000"

DECISION_LINE = re.compile(r" event message channel=(\S+) user=\S+ ts=(\S+): .* -> (.*)$")
"""A headless line for a plain message: its channel, ts and what the engine decided."""

RESUMED_LINE = re.compile(r"sending (\d+) actions that an earlier run planned")
"""The headless line of a run that takes over unsent actions from the journal."""

FAST_CONNECTION = [
    "--ping-interval", "0.3", "--pong-timeout", "0.5", "--handshake-timeout", "0.5",
    "--reconnect-delay", "0.05", "--reconnect-max-delay", "0.2", "--stable-after", "2",
]


class ResponderProcess:
    """Runs ``python -m responder run`` headless with one journal, across restarts.

    A thread reads the output file as it grows and keeps the set of messages the
    responder received and the set for which a rule fired.
    """

    def __init__(self, folder: Path, slack_url: str, rules: str) -> None:
        self.folder = folder
        self.rules = folder / "rules.toml"
        self.rules.write_text(rules, encoding="utf-8")
        self.journal = folder / "journal.sqlite3"
        self.output = folder / "stdout.txt"
        self.slack_url = slack_url
        self.kills = 0
        self.resumed = 0
        """Actions that a restarted run took over from the journal and sent."""
        self._process: subprocess.Popen[bytes] | None = None
        self._received: set[tuple[str, str]] = set()
        self._fired: set[tuple[str, str]] = set()
        self._lock = threading.Condition()
        self._reading = threading.Event()
        self._reader: threading.Thread | None = None

    def start(self) -> None:
        arguments = [
            sys.executable, "-m", "responder", "run", str(self.rules), "--headless",
            "--slack-url", self.slack_url, "--journal", str(self.journal), *FAST_CONNECTION,
        ]
        env = {**os.environ, "SLACK_BOT_TOKEN": TOKEN, "PYTHONPATH": str(ROOT)}
        with self.output.open("ab") as stdout, (self.folder / "stderr.txt").open("ab") as stderr:
            self._process = subprocess.Popen(arguments, stdout=stdout, stderr=stderr, env=env, cwd=ROOT)
        if self._reader is None:
            self._reading.set()
            self._reader = threading.Thread(target=self._follow_output, daemon=True)
            self._reader.start()

    def kill(self) -> None:
        """End the process with SIGKILL, as a crash or an out-of-memory kill would."""
        if self._process is not None and self._process.poll() is None:
            self._process.send_signal(signal.SIGKILL)
            self._process.wait(10.0)
            self.kills += 1

    def stop(self) -> None:
        """Stop the process with SIGINT (Ctrl+C) and stop reading its output."""
        if self._process is not None and self._process.poll() is None:
            self._process.send_signal(signal.SIGINT)
            try:
                self._process.wait(15.0)
            except subprocess.TimeoutExpired:
                self._process.kill()
        self._reading.clear()

    def received(self) -> set[tuple[str, str]]:
        with self._lock:
            return set(self._received)

    def fired(self) -> set[tuple[str, str]]:
        with self._lock:
            return set(self._fired)

    def wait_for_received(self, keys: set[tuple[str, str]], timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        with self._lock:
            while not keys <= self._received:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._lock.wait(min(remaining, 0.05))
        return True

    def _follow_output(self) -> None:
        position = 0
        pending = ""
        while self._reading.is_set():
            with self.output.open("r", encoding="utf-8", errors="replace") as output:
                output.seek(position)
                pending += output.read()
                position = output.tell()
            *lines, pending = pending.split("\n")
            self._take(lines)
            time.sleep(0.02)

    def journal_states(self) -> dict[str, int]:
        """Return how many journal entries are in each state."""
        with sqlite3.connect(self.journal) as db:
            return {str(state): int(count) for state, count in db.execute("SELECT state, COUNT(*) FROM actions GROUP BY state")}

    def _take(self, lines: list[str]) -> None:
        for match in filter(None, map(RESUMED_LINE.search, lines)):
            self.resumed += int(match.group(1))
        found = [match for match in map(DECISION_LINE.search, lines) if match]
        if not found:
            return
        with self._lock:
            for match in found:
                key = (match.group(1), match.group(2))
                self._received.add(key)
                if match.group(3).startswith("fired:"):
                    self._fired.add(key)
            self._lock.notify_all()
