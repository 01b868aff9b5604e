"""slack_sdk's ``RTMClient`` and the responder's ``RtmTransport`` against the same emulator faults.

Each client runs in a fresh process against a fresh emulator on 127.0.0.1 for each
scenario, with a WebSocket ping every 2 s. The responder also gives up on a pong after
2 s, and slack_sdk judges a session stale after four ping intervals. Measured:

- the time from a fault to the next session's ``hello``: a server close (code 1000),
  ``goodbye`` (the old session left open), a black hole (the path goes silent);
- whether a 2 MB event frame is delivered, and whether the client keeps working after it;
- the order and count of 5,000 events sent back to back.

    python bench/rtm_side_by_side.py
"""

from __future__ import annotations

import argparse
import logging
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any, Callable, Protocol

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # so that the script runs from a checkout without installing

from slack_sdk import WebClient  # noqa: E402
from slack_sdk.rtm_v2 import RTMClient  # noqa: E402

from responder.emulator import Emulator  # noqa: E402
from responder.slack.transport import RtmTransport  # noqa: E402

TOKEN = "xoxb-side-by-side"
PING = 2.0
RESUME_CAP = 40.0
ORDER_EVENTS = 5000
BIG_FRAME_CHARS = 2_000_000


class Client(Protocol):
    events: list[dict[str, Any]]

    def stop(self) -> None: ...


class ErrorLog(logging.Handler):
    """Keeps every warning and error logged, led by the exception's type or the level name."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        kind = record.exc_info[0].__name__ if record.exc_info and record.exc_info[0] else record.levelname.lower()
        self.lines.append(f"{kind} {record.getMessage()}")


class SdkClient:
    name = "slack_sdk RTMClient"

    def __init__(self, base_url: str) -> None:
        self.events: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self.rtm = RTMClient(token=TOKEN, base_url=base_url, ping_interval=int(PING), logger=logging.getLogger("sdk"))

        @self.rtm.on("message")
        def take(client: RTMClient, event: dict[str, Any]) -> None:
            with self._lock:
                self.events.append(event)

        threading.Thread(target=self.rtm.connect, daemon=True).start()

    def stop(self) -> None:
        self.rtm.close()


class ResponderClient:
    name = "responder RtmTransport"

    def __init__(self, base_url: str) -> None:
        self.events: list[dict[str, Any]] = []
        self.transport = RtmTransport(
            WebClient(base_url=base_url, token=TOKEN),
            on_event=self.events.append,
            on_record=lambda record: None,
            ping_interval=PING,
            pong_timeout=PING,
        )
        self._thread = threading.Thread(target=self.transport.run, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self.transport.stop()
        self._thread.join(5.0)


CLIENTS: tuple[Callable[[str], Client], ...] = (SdkClient, ResponderClient)


def with_client(make: Callable[[str], Client], scenario: Callable[[Emulator, Client], str]) -> str:
    with Emulator(close_timeout=1.0) as emulator:
        client = make(emulator.base_url)
        try:
            emulator.wait_for_sessions(1, timeout=15.0)
            time.sleep(0.5)
            return scenario(emulator, client)
        finally:
            client.stop()


def resume_after(fault: Callable[[Emulator], None]) -> Callable[[Emulator, Client], str]:
    def scenario(emulator: Emulator, client: Client) -> str:
        started = time.time()
        fault(emulator)
        if not emulator.wait_for_new_session(after=1, timeout=RESUME_CAP):
            return f"no new session in {RESUME_CAP:g} s"
        return f"{emulator.session_spans()[1].hello_at - started:.2f} s"

    return scenario


def big_frame(emulator: Emulator, client: Client) -> str:
    emulator.send_event(message("1700000170.000001", "x" * BIG_FRAME_CHARS))
    delivered = wait_for(lambda: any(len(event.get("text", "")) == BIG_FRAME_CHARS for event in client.events), 15.0)
    emulator.send_event(message("1700000170.000002", "after"))
    after = wait_for(lambda: any(event.get("text") == "after" for event in client.events), 15.0)
    return f"delivered: {'yes' if delivered else 'no'}; next event: {'yes' if after else 'no'}"


def event_order(emulator: Emulator, client: Client) -> str:
    started = time.monotonic()
    for number in range(ORDER_EVENTS):
        emulator.send_event(message(f"1700000180.{number:06d}", f"event {number}"))
    wait_for(lambda: len(client.events) >= ORDER_EVENTS, 60.0)
    took = time.monotonic() - started
    numbers = [int(event["ts"].split(".")[1]) for event in list(client.events) if str(event.get("ts", "")).startswith("1700000180.")]
    out_of_order = sum(1 for earlier, later in zip(numbers, numbers[1:]) if later < earlier)
    return f"{len(numbers)} received, {out_of_order} out of order, {took:.2f} s"


def message(ts: str, text: str) -> dict[str, Any]:
    return {"type": "message", "user": "U0TEST1", "channel": "C0TEST1", "ts": ts, "text": text}


def wait_for(condition: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.01)
    return True


SCENARIOS: dict[str, Callable[[Emulator, Client], str]] = {
    "resume after a server close (1000)": resume_after(lambda emulator: emulator.close_sessions(1000)),
    "resume after goodbye (old session left open)": resume_after(lambda emulator: emulator.goodbye()),
    "resume after a black hole": resume_after(lambda emulator: emulator.black_hole_sessions()),
    "2 MB event frame": big_frame,
    f"{ORDER_EVENTS} events back to back": event_order,
}


def ratio(sdk: str, ours: str) -> str:
    try:
        sdk_seconds, our_seconds = float(sdk.split(" s")[0]), float(ours.split(" s")[0])
    except ValueError:
        return "-"
    return f"{sdk_seconds / our_seconds:.2f}" if our_seconds > 0 else "-"


def run_captured(make: Callable[[str], Client], scenario: Callable[[Emulator, Client], str]) -> str:
    """Run one scenario with one client; append the exception types the client logged."""
    logger = logging.getLogger("sdk" if make is SdkClient else "responder.slack")
    handler = ErrorLog()
    logger.setLevel(logging.WARNING)
    logger.propagate = False
    logger.addHandler(handler)
    try:
        result = with_client(make, scenario)
    finally:
        logger.removeHandler(handler)

    kinds = Counter(line.split(" ", 1)[0] for line in handler.lines)
    if kinds:
        result += "; logged " + ", ".join(f"{kind} ×{count}" for kind, count in sorted(kinds.items()))
    return result


def run_isolated(client: str, scenario: str) -> str:
    """Run one scenario with one client in a fresh interpreter, so no thread of an earlier run lingers."""
    command = [sys.executable, __file__, "--client", client, "--scenario", scenario]
    finished = subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=ROOT)
    lines = finished.stdout.strip().splitlines()
    return lines[-1] if finished.returncode == 0 and lines else f"failed: {finished.stderr.strip()[-200:]}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--client", choices=[make.__name__ for make in CLIENTS], help=argparse.SUPPRESS)
    parser.add_argument("--scenario", choices=list(SCENARIOS), help=argparse.SUPPRESS)
    args = parser.parse_args()
    logging.basicConfig(level=logging.CRITICAL)

    if args.client and args.scenario:
        make = next(make for make in CLIENTS if make.__name__ == args.client)
        print(run_captured(make, SCENARIOS[args.scenario]))
        return 0

    print("| scenario | slack_sdk RTMClient | responder RtmTransport | ratio (slack_sdk / responder) |")
    print("| --- | --- | --- | --- |")
    for title in SCENARIOS:
        sdk, ours = (run_isolated(make.__name__, title) for make in CLIENTS)
        print(f"| {title} | {sdk} | {ours} | {ratio(sdk, ours)} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
