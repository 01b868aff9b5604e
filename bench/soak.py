"""Soak test: thousands of events through every connection and Web API fault, and a SIGKILL.

Runs the real command line (``python -m responder run … --headless``) as a subprocess
against the emulator on 127.0.0.1. Events are sent in small batches; after each batch
the driver waits until the responder's output shows every event of it received, then
applies the next fault from a seeded, shuffled plan that contains every kind. Halfway,
posts are slowed down, the responder is killed with SIGKILL while replies are queued,
and it is started again with the same journal. At the end it prints how many matched
events were answered once, twice or not at all, counted from what the emulator posted.

    python bench/soak.py --events 10000 --channels 200 --faults 100 --seed 7
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # so that the script runs from a checkout without installing

from bench.soak_responder import ResponderProcess  # noqa: E402
from responder.emulator import Channel, Emulator, Workspace  # noqa: E402
from responder.emulator.workspace import DEFAULT_CHANNELS  # noqa: E402

RULES = '[settings]\nreply_limit = "1000/60s"\n\n[[rule]]\nname = "greet"\nwords = ["hello"]\n[[rule.action]]\nreply = "Hi {user}!"\n'

CONNECTION_FAULTS: dict[str, Callable[[Emulator], None]] = {
    "black hole": lambda emulator: emulator.black_hole_sessions(),
    "stalled handshake": lambda emulator: (emulator.stall_handshakes(1), emulator.end_sessions()),
    "close 1011": lambda emulator: emulator.close_sessions(1011, "server error"),
    "goodbye": lambda emulator: emulator.goodbye(),
    "goodbye and close": lambda emulator: emulator.goodbye(close=True),
    "TCP reset": lambda emulator: emulator.reset_sessions(),
    "TCP end": lambda emulator: emulator.end_sessions(),
    "rtm.connect 503": lambda emulator: (emulator.fail_method("rtm.connect", status=503), emulator.end_sessions()),
    "rtm.connect 429": lambda emulator: (
        emulator.fail_method("rtm.connect", status=429, retry_after=0.2),
        emulator.end_sessions(),
    ),
}
"""Faults after which the responder must open a new session."""

API_FAULTS: dict[str, Callable[[Emulator], None]] = {
    "chat.postMessage 429": lambda emulator: emulator.fail_method("chat.postMessage", status=429, retry_after=0.5),
    "chat.postMessage 503": lambda emulator: emulator.fail_method("chat.postMessage", status=503),
    "chat.postMessage delay": lambda emulator: emulator.fail_method("chat.postMessage", delay=1.0),
}

REDELIVERY = "redelivered event"
KINDS = (*CONNECTION_FAULTS, *API_FAULTS, REDELIVERY)


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000, help="events to send (default: %(default)s)")
    parser.add_argument("--channels", type=int, default=200, help="channels to spread them over (default: %(default)s)")
    parser.add_argument("--faults", type=int, default=100, help="faults in total, every kind included (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=7, help="seed of the random plan (default: %(default)s)")
    parser.add_argument("--match-share", type=float, default=0.8, help="share of events that say hello (default: %(default)s)")
    return parser.parse_args()


def make_events(rng: random.Random, count: int, channels: list[str], match_share: float) -> list[dict[str, Any]]:
    events = []
    for number in range(count):
        text = "hello there" if rng.random() < match_share else "just chatting"
        events.append({
            "type": "message", "user": "U0TEST1", "text": text,
            "channel": rng.choice(channels), "ts": f"1700100000.{number + 1:06d}",
        })
    return events


def make_plan(rng: random.Random, faults: int) -> list[str]:
    """Return ``faults`` fault kinds in random order, each kind about equally often."""
    plan = [KINDS[number % len(KINDS)] for number in range(faults)]
    rng.shuffle(plan)
    return plan


class Soak:
    """One soak run: the emulator, the responder subprocess, the events and the fault plan."""

    def __init__(self, args: argparse.Namespace, folder: Path) -> None:
        self.rng = random.Random(args.seed)
        channels = [f"C0SOAK{number:03d}" for number in range(args.channels)]
        workspace = Workspace(channels=DEFAULT_CHANNELS + tuple(Channel(id, f"soak-{id[-3:].lower()}") for id in channels))
        self.emulator = Emulator(workspace).start()
        self.events = make_events(self.rng, args.events, channels, args.match_share)
        self.by_key = {(event["channel"], event["ts"]): event for event in self.events}
        self.plan = make_plan(self.rng, args.faults)
        self.applied: Counter[str] = Counter()
        self.responder = ResponderProcess(folder, self.emulator.base_url, RULES)
        self.reconnects_expected = 0

    def run(self) -> None:
        self.responder.start()
        self.wait_for_session(0)
        batches = self.batches()
        restart_at = len(batches) // 2
        for number, batch in enumerate(batches):
            if number == restart_at:
                self.restart_with_queued_replies(batch)
            else:
                self.deliver(batch)
            if number < len(self.plan):
                self.apply(self.plan[number])
        self.wait_for_answers()
        self.responder.stop()
        self.emulator.stop()

    def batches(self) -> list[list[dict[str, Any]]]:
        size = max(1, len(self.events) // (len(self.plan) + 1))
        return [self.events[start : start + size] for start in range(0, len(self.events), size)]

    def deliver(self, batch: list[dict[str, Any]]) -> None:
        """Send ``batch`` and wait until the responder printed each event; resend what it missed."""
        for attempt in range(3):
            missing = [event for event in batch if (event["channel"], event["ts"]) not in self.responder.received()]
            if not missing:
                return
            self.emulator.wait_for_sessions(1, timeout=30.0)
            for event in missing:
                self.emulator.send_event(event)
            self.responder.wait_for_received({(event["channel"], event["ts"]) for event in missing}, timeout=10.0)
        print(f"warning: {len(missing)} events of a batch were not received after 3 tries", file=sys.stderr)

    def apply(self, kind: str) -> None:
        self.applied[kind] += 1
        if kind == REDELIVERY:
            received = sorted(self.responder.received() & self.by_key.keys())
            if received:
                self.emulator.send_event(self.by_key[self.rng.choice(received)])
            return
        if kind in API_FAULTS:
            API_FAULTS[kind](self.emulator)
            return

        before = self.emulator.sessions_started
        CONNECTION_FAULTS[kind](self.emulator)
        self.reconnects_expected += 1
        self.wait_for_session(before)

    def wait_for_session(self, before: int) -> None:
        if not self.emulator.wait_for_new_session(after=before, timeout=60.0):
            raise RuntimeError("the responder did not open a new session within 60 s")

    def restart_with_queued_replies(self, batch: list[dict[str, Any]]) -> None:
        """Slow every post down, deliver ``batch``, kill the responder mid-way and start it again."""
        self.emulator.fail_method("chat.postMessage", delay=1.5, times=0)
        posted_before = len(self.emulator.calls("chat.postMessage"))
        self.deliver(batch)
        deadline = time.monotonic() + 10.0
        while len(self.emulator.calls("chat.postMessage")) <= posted_before and time.monotonic() < deadline:
            time.sleep(0.05)
        self.responder.kill()
        self.emulator.clear_faults()
        before = self.emulator.sessions_started
        self.responder.start()
        self.wait_for_session(before)

    def matched(self) -> set[tuple[str, str]]:
        sent = {(event["channel"], event["ts"]) for event in self.events if "hello" in event["text"]}
        return sent & self.responder.fired()

    def answers(self) -> Counter[tuple[str, str]]:
        return Counter((post["channel"], post["thread_ts"]) for post in self.emulator.posted() if post["thread_ts"])

    def wait_for_answers(self, quiet: float = 30.0) -> None:
        """Wait until every matched event is answered, or nothing new was posted for ``quiet`` s."""
        last_count, last_change = -1, time.monotonic()
        while time.monotonic() - last_change < quiet:
            answers = self.answers()
            if all(answers[key] for key in self.matched()):
                time.sleep(3.0)
                return
            if len(answers) != last_count:
                last_count, last_change = len(answers), time.monotonic()
            time.sleep(0.5)

    def report(self, seconds: float) -> str:
        answers = self.answers()
        matched = self.matched()
        counts = Counter(min(answers[key], 2) for key in matched)
        lines = [
            f"events sent:            {len(self.events)}",
            f"events received:        {len(self.by_key.keys() & self.responder.received())}",
            f"events matched:         {len(matched)}",
            f"answered once:          {counts[1]}",
            f"answered twice or more: {counts[2]}",
            f"not answered:           {counts[0]}",
            f"answers to no match:    {len(set(answers) - matched)}",
            f"reconnects:             {self.emulator.sessions_started - 1 - self.responder.kills} sessions after the first of each run (faults that force one: {self.reconnects_expected})",
            f"rtm.connect calls:      {self.emulator.connect_calls}",
            f"faults applied:         {sum(self.applied.values())}: " + ", ".join(f"{kind} {count}" for kind, count in sorted(self.applied.items())),
            f"restarts (SIGKILL):     {self.responder.kills}; queued replies taken over from the journal: {self.responder.resumed}",
            f"journal entries:        {', '.join(f'{state} {count}' for state, count in sorted(self.responder.journal_states().items()))}",
            f"duration:               {seconds:.0f} s",
        ]
        return "\n".join(lines)


def main() -> int:
    args = parse_arguments()
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="responder-soak-") as folder:
        soak = Soak(args, Path(folder))
        try:
            soak.run()
        finally:
            soak.responder.stop()
            soak.emulator.stop()
        print(soak.report(time.monotonic() - started))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
