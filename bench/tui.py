"""Benchmark of the monitoring screen under load: key latency, events shown, memory.

Run from the repository root:

    python -m bench.tui [--rates 200,1000,5000] [--seconds 60] [--out bench/tui-results.md]

For each rate, a child process runs the bundled Slack emulator, which sends person
messages at the rate for the given seconds. This process runs the real runtime and the
screen headless (``run_test``, 140×40), as a responder runs against Slack. Meanwhile a key (↓, then ↑, in the rules table) is sent
every 0.25 s the way a terminal sends it, and the time from sending it to the end of
the next screen update after it was handled is recorded. At the end the script waits
for the screen to count every event that was sent, and reports:

- key latency, median and 99th percentile;
- events counted per second, from the first send until every event was counted;
- events lost: sent but never counted (a negative count means more decisions than
  messages, such as edits);
- the full garbage collections and the longest of them, since each stops every thread;
- resident memory of this process (runtime and screen) at 10 s and at the end; the runtime's engine keeps dedupe keys for ``dedupe_window`` (10 minutes by
  default), so part of any growth is the engine's, not the screen's.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import multiprocessing
import statistics
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Callable, Coroutine, Sequence

from textual import events

from responder.commands.demo import DEMO_TOKEN
from responder.emulator import Emulator
from responder.record_buffer import RecordBuffer
from responder.records import DecisionMade, Record
from responder.rules.loader import load_rules
from responder.runtime import RunConfig, Runtime
from responder.tui.app import ResponderApp

SIZE = (140, 40)
KEY_INTERVAL = 0.25
"""Seconds between two measured key presses."""
MEMORY_EARLY_AT = 10.0
CHANNELS = ("C0TEST1", "C0TEST2")
USERS = ("U0TEST1", "U0TEST2", "W0TEST3")
TEXTS = (
    "hello team, standup in five",
    "deploying api v2.14 to staging",
    "is ticket 1234 blocking the release?",
    "lunch anyone?",
    "the build is red again",
    "thanks for the review",
    "has anyone seen the status page today?",
    "rolling back the last change",
)
RULES = """
[settings]
reply_limit = "10/60s"

[[rule]]
name = "greet"
words = ["hello"]
[[rule.action]]
reply = "Hi {user}!"

[[rule]]
name = "deploy-watch"
words = ["deploying"]
dry_run = true
[[rule.action]]
react = "eyes"

[[rule]]
name = "ticket-link"
regex = '(?i)ticket (?P<number>\\d+)'
[[rule.action]]
reply = "Ticket {number}: https://tickets.example.invalid/{number}"

[[rule]]
name = "never"
equals = "this text is never sent"
[[rule.action]]
reply = "unreachable"
"""


@dataclass(slots=True)
class RunResult:
    """The measurements of one rate."""

    rate: int
    seconds: float
    sent: int = 0
    counted: int = 0
    rows_appended: int = 0
    latencies: dict[str, list[float]] = field(default_factory=dict)
    """Seconds from each key sent to the end of the next screen update after it was handled, by key."""
    rss_early: int = 0
    rss_end: int = 0
    send_lag: float = 0.0
    drain_seconds: float = 0.0
    """Seconds after the last send until the screen had counted every event."""
    gc_pauses: list[float] = field(default_factory=list)
    """Seconds of each full (generation 2) garbage collection during the run."""


class TimedApp(ResponderApp):
    """The screen, noting when a measured key was handled and when each update ended.

    It also counts the decisions about the bench's own messages, so that the bot's
    replies, which come back as events too, do not hide a lost event.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.key_sent_at: float | None = None
        self.key_name = ""
        self.key_handled = False
        self.latencies: dict[str, list[float]] = {"pause": [], "rules table": []}
        self.bench_events = 0
        """Decisions about messages that the bench sent."""

    def _apply_batch(self, records: Sequence[Record]) -> None:
        for record in records:
            if isinstance(record, DecisionMade) and record.decision.event.user in USERS:
                self.bench_events += 1
        super()._apply_batch(records)

    def action_toggle_pause(self) -> None:
        super().action_toggle_pause()
        self._handled()

    def on_data_table_row_highlighted(self) -> None:
        super().on_data_table_row_highlighted()
        self._handled()

    def _handled(self) -> None:
        if self.key_sent_at is not None:
            self.key_handled = True

    def _display(self, screen: Any, renderable: Any) -> None:
        # NOTE: _display is Textual's private hook after each composited update (8.2.8).
        super()._display(screen, renderable)
        if renderable is not None and self.key_handled and self.key_sent_at is not None:
            self.latencies[self.key_name].append(time.perf_counter() - self.key_sent_at)
            self.key_sent_at = None
            self.key_handled = False

    def send_key(self, key: str, name: str) -> None:
        """Send ``key`` as the terminal driver does, without waiting for anything."""
        assert self._driver is not None
        event = events.Key(key, None)
        event.set_sender(self)
        self.key_name = name
        self.key_sent_at = time.perf_counter()
        self.key_handled = False
        self._driver.send_message(event)


class GcPauses:
    """A ``gc.callbacks`` entry that times every full collection, which stops every thread."""

    def __init__(self) -> None:
        self.durations: list[float] = []
        self._started = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if info.get("generation") != 2:
            return
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.durations.append(time.perf_counter() - self._started)


def resident_bytes() -> int:
    """Return the resident memory of this process (Linux ``/proc``)."""
    for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def send_at_rate(emulator: Emulator, rate: int, seconds: float) -> tuple[int, float]:
    """Send person messages at ``rate`` per second for ``seconds``; return the count and the worst lag."""
    start = time.perf_counter()
    total = int(rate * seconds)
    sent = 0
    lag = 0.0
    while sent < total:
        due = min(total, int((time.perf_counter() - start) * rate) + 1)
        lag = max(lag, (due - sent - 1) / rate)
        for index in range(sent, due):
            ts = emulator.new_ts()
            emulator.send_event(
                {
                    "type": "message",
                    "client_msg_id": str(uuid.uuid4()),
                    "user": USERS[index % len(USERS)],
                    "text": TEXTS[index % len(TEXTS)],
                    "channel": CHANNELS[index % len(CHANNELS)],
                    "event_ts": ts,
                    "ts": ts,
                }
            )
        sent = due
        time.sleep(0.002)
    return sent, lag


def serve_emulator(connection: Connection) -> None:
    """Run the emulator in a child process: send its URL, then send traffic on each request.

    The emulator and the sender run in a process of their own, as Slack would, so that
    they do not compete for the interpreter lock of the process under test.
    """
    logging.basicConfig(level=logging.WARNING)
    with Emulator() as emulator:
        connection.send(emulator.base_url)
        while True:
            command = connection.recv()
            if command is None:
                return
            rate, seconds = command
            connection.send(send_at_rate(emulator, rate, seconds))


async def measure(app: TimedApp, emulator: Connection, rate: int, seconds: float) -> RunResult:
    """Run one rate against a running app and return what was measured."""
    result = RunResult(rate, seconds)
    async with app.run_test(size=SIZE) as pilot:
        while app.state.connection is None or app.state.connection.phase != "connected":
            await pilot.pause(0.05)
        app.rules_table.focus()
        await pilot.pause(0.2)

        pauses = GcPauses()
        gc.callbacks.append(pauses)
        emulator.send((rate, seconds))
        started = time.perf_counter()

        # Pause and resume the stream, then move in the rules table: each press is measured.
        keys = (("p", "pause"), ("p", "pause"), ("down", "rules table"), ("up", "rules table"))
        presses = 0
        while not emulator.poll():
            key, name = keys[presses % len(keys)]
            app.send_key(key, name)
            presses += 1
            await asyncio.sleep(KEY_INTERVAL)
            if not result.rss_early and time.perf_counter() - started >= MEMORY_EARLY_AT:
                result.rss_early = resident_bytes()
        sent_done = time.perf_counter()
        result.rss_end = resident_bytes()
        result.sent, result.send_lag = emulator.recv()

        deadline = sent_done + 120
        while app.bench_events < result.sent and time.perf_counter() < deadline:
            await pilot.pause(0.05)
        result.drain_seconds = time.perf_counter() - sent_done
        result.counted = app.bench_events
        result.rows_appended = app.events.rows_appended
        result.latencies = app.latencies
        gc.callbacks.remove(pauses)
        result.gc_pauses = pauses.durations
    return result


Measure = Callable[[TimedApp, Connection, int, float], Coroutine[Any, Any, RunResult]]


def run_rate(
    rate: int, seconds: float, folder: Path, measure_run: Measure = measure, *, freeze_startup: bool = True
) -> RunResult:
    """Start the emulator in a child process, the runtime and the screen here, and measure one rate.

    ``freeze_startup`` freezes the start-up objects for the garbage collector, as
    ``responder run`` and ``responder demo`` do.
    """
    rules_path = folder / "bench-rules.toml"
    rules_path.write_text(RULES, encoding="utf-8")
    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    child = context.Process(target=serve_emulator, args=(theirs,), name="emulator", daemon=True)
    child.start()
    try:
        base_url = ours.recv()
        buffer = RecordBuffer()
        config = RunConfig(rules_path=rules_path, token=DEMO_TOKEN, slack_url=base_url)
        runtime = Runtime(config, buffer, load_rules(rules_path))
        app = TimedApp(
            buffer,
            runtime,
            rules_path=str(rules_path),
            keymap_file=folder / "keys.toml",
            watch_rules=False,
            freeze_startup=freeze_startup,
        )
        runtime.start()
        try:
            return asyncio.run(measure_run(app, ours, rate, seconds))
        finally:
            runtime.stop()
    finally:
        ours.send(None)
        child.join(timeout=10)


def percentile(values: list[float], fraction: float) -> float:
    """Return the value below which ``fraction`` of ``values`` lie (nearest rank)."""
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))
    return ordered[index]


def report(results: list[RunResult]) -> str:
    """Format the results as a Markdown table."""
    lines = [
        "| events/s sent | seconds | key latency median | key latency p99 | p99 pause key | p99 rules-table key"
        " | keys | events counted/s | events lost | all counted after | full GCs, longest | RSS at 10 s"
        " | RSS at end | growth |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    mib = 1024 * 1024
    for result in results:
        every = [value for values in result.latencies.values() for value in values] or [float("nan")]
        pause = result.latencies.get("pause") or [float("nan")]
        table = result.latencies.get("rules table") or [float("nan")]
        # A run shorter than MEMORY_EARLY_AT has no early reading.
        early = f"{result.rss_early / mib:.1f} MiB" if result.rss_early else "n/a"
        growth = f"{(result.rss_end - result.rss_early) / mib:+.1f} MiB" if result.rss_early else "n/a"
        lines.append(
            f"| {result.rate:,} | {result.seconds:g} | {statistics.median(every) * 1000:.1f} ms"
            f" | {percentile(every, 0.99) * 1000:.1f} ms | {percentile(pause, 0.99) * 1000:.1f} ms"
            f" | {percentile(table, 0.99) * 1000:.1f} ms | {len(every)}"
            f" | {result.counted / (result.seconds + result.drain_seconds):,.0f}"
            f" | {result.sent - result.counted} | {result.drain_seconds:.1f} s"
            f" | {len(result.gc_pauses)}, {max(result.gc_pauses, default=0.0) * 1000:.0f} ms"
            f" | {early} | {result.rss_end / mib:.1f} MiB | {growth} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark the monitoring screen under load.")
    parser.add_argument("--rates", default="200,1000,5000", help="events per second, comma-separated")
    parser.add_argument("--seconds", type=float, default=60.0, help="seconds of traffic per rate (default 60)")
    parser.add_argument(
        "--no-freeze",
        action="store_true",
        help="leave the start-up objects to the garbage collector, as before the screen froze them",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)

    results = []
    with tempfile.TemporaryDirectory(prefix="responder-bench-tui-") as folder:
        for rate in (int(value) for value in args.rates.split(",")):
            result = run_rate(rate, args.seconds, Path(folder), freeze_startup=not args.no_freeze)
            print(report([result]).splitlines()[-1], flush=True)
            results.append(result)
    print()
    print(report(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
