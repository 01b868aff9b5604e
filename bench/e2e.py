"""End-to-end benchmark: from the frame the emulator sends to the ``chat.postMessage`` it gets.

For each rate, the responder (``python -m responder run RULES --headless``) and the seed
client (``bench/seed_rtm_client.py``, slack_sdk's ``RTMClient`` as Slack's docs show it)
each run as a fresh subprocess against one in-process emulator with 2,000 channels, one
after the other. A sender thread sends messages round robin over the channels on a
fixed schedule, and the emulator's call log gives the arrival time of each reply.

Run from the repository root: ``python bench/e2e.py [--seconds 30] [--rates 50,200,1000]``.
"""

from __future__ import annotations

import argparse
import logging
import math
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
# Run as a script, Python puts only bench/ on sys.path; the responder package sits above it.
sys.path.insert(0, str(REPO_ROOT))

from bench import pyspy  # noqa: E402
from bench.common import (  # noqa: E402
    AUTHORS,
    WARM_UP_CHANNEL,
    BenchRule,
    bench_channels,
    bench_message,
    make_messages,
    make_rules,
    make_workspace,
    process_cpu_times,
    rules_toml,
)
from bench.load import ReplyStats, human_event, match_replies, send_on_schedule, wait_for_replies  # noqa: E402
from bench.seed_rtm_client import load_seed_rules  # noqa: E402
from responder.emulator import Emulator  # noqa: E402

logger = logging.getLogger("bench.e2e")

TOKEN = "xoxb-bench"
CLIENTS = ("responder", "seed")
CONNECT_TIMEOUT = 30.0
STOP_TIMEOUT = 15.0


@dataclass(frozen=True, slots=True)
class PhaseResult:
    """One client at one rate."""

    client: str
    rate: float
    sent: int
    send_seconds: float
    max_send_lag: float
    replies: ReplyStats
    cpu_seconds: float
    """User plus system CPU of the client process from the first send to the end of the wait."""
    system_cpu_seconds: float
    """The system (kernel) part of ``cpu_seconds``."""
    bench_cpu_seconds: float
    """The same for this process: the emulator and the sender."""
    load_average: float
    """The one-minute load average of the machine when the phase started."""
    span_seconds: float
    """Seconds from the first send to the last reply."""

    @property
    def replies_per_second(self) -> float:
        """Messages answered per second, from the first send to the last reply."""
        return self.replies.answered / self.span_seconds if self.span_seconds > 0 else math.nan


def client_command(client: str, rules_path: Path, base_url: str, journal: bool = True) -> list[str]:
    """Return the command line that starts ``client`` against the emulator."""
    if client == "responder":
        command = [sys.executable, "-m", "responder", "run", str(rules_path), "--headless", "--slack-url", base_url]
        return command if journal else [*command, "--no-journal"]
    if client == "seed":
        return [sys.executable, str(BENCH_DIR / "seed_rtm_client.py"), str(rules_path), "--slack-url", base_url]
    raise ValueError(f"unknown client {client!r}; expected one of {', '.join(CLIENTS)}")


def start_client(
    client: str, rules_path: Path, base_url: str, out_dir: Path, label: str, journal: bool = True
) -> subprocess.Popen[bytes]:
    """Start ``client`` with its output in ``out_dir/LABEL.out`` and ``LABEL.err``."""
    # A state folder of its own keeps the responder's delivery journal out of the user's.
    state = out_dir / f"{label}.state"
    environment = dict(os.environ, SLACK_BOT_TOKEN=TOKEN, PYTHONPATH=str(REPO_ROOT), XDG_STATE_HOME=str(state))
    with (out_dir / f"{label}.out").open("wb") as stdout, (out_dir / f"{label}.err").open("wb") as stderr:
        return subprocess.Popen(
            client_command(client, rules_path, base_url, journal), cwd=REPO_ROOT, env=environment, stdout=stdout, stderr=stderr
        )


def stop_client(process: subprocess.Popen[bytes], emulator: Emulator) -> None:
    """Interrupt the client (SIGINT), kill it if it lingers, and wait until its session is gone."""
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            logger.warning("client %d did not stop within %g s; killing it", process.pid, STOP_TIMEOUT)
            process.kill()
            process.wait()

    deadline = time.monotonic() + 10.0
    while emulator.open_sessions and time.monotonic() < deadline:
        time.sleep(0.05)


def wait_for_connection(emulator: Emulator, process: subprocess.Popen[bytes], err_path: Path) -> None:
    """Block until the client's RTM session is open; raise if the client exits first."""
    deadline = time.monotonic() + CONNECT_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = err_path.read_text(encoding="utf-8", errors="replace")[-2000:]
            raise RuntimeError(f"the client exited with status {process.returncode} before connecting:\n{tail}")
        try:
            emulator.wait_for_sessions(1, timeout=0.5)
            return
        except TimeoutError:
            continue
    raise TimeoutError(f"the client opened no RTM session within {CONNECT_TIMEOUT:g} s; see {err_path}")


def warm_up(emulator: Emulator, rule: BenchRule, timeout: float = 30.0) -> None:
    """Send one message outside the bench channels and wait for its reply."""
    message = bench_message(WARM_UP_CHANNEL, AUTHORS[0], f"warm-up: {rule.trigger}", rule)
    ts = emulator.new_ts()
    emulator.send_event(human_event(message, ts))
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(post.get("thread_ts") == ts for post in emulator.calls("chat.postMessage")[-50:]):
            return
        time.sleep(0.05)
    raise TimeoutError(f"no reply to the warm-up message within {timeout:g} s")


def check_messages(count: int, rules: tuple[BenchRule, ...], rules_path: Path) -> None:
    """Raise unless each of the first ``count`` messages matches exactly its own rule.

    Every phase sends a prefix of the same sequence, so checking the longest one covers all.
    """
    seed_rules = load_seed_rules(rules_path)
    limited = {channel for rule in rules for channel in rule.channels}
    checked: set[tuple[str, str]] = set()
    for message in make_messages(count, rules, bench_channels()):
        # Outside the listed channels, every channel gives the same result.
        key = (message.text, message.channel if message.channel in limited else "")
        if key in checked:
            continue
        checked.add(key)
        names = [rule.name for rule in seed_rules if rule.matches(message.channel, message.text, True)]
        if names != [message.rule]:
            raise RuntimeError(
                f"bench message {message.text!r} in {message.channel} matches {names}; expected only {message.rule}"
            )


def start_profiler(args: argparse.Namespace, pid: int, label: str) -> subprocess.Popen[bytes] | None:
    """Start py-spy on ``pid`` when ``--profile`` is given, and give it a second to attach."""
    if not args.profile:
        return None
    output = args.out_dir / f"{label}.stacks"
    profiler = pyspy.start_recording(pid, output, args.seconds + 2, gil_only=args.profile_gil)
    time.sleep(1.0)
    return profiler


def run_phase(
    emulator: Emulator, client: str, rate: float, args: argparse.Namespace, rules_path: Path, rules: tuple[BenchRule, ...]
) -> PhaseResult:
    """Run ``client`` at ``rate`` messages per second for ``args.seconds`` and measure it."""
    messages = make_messages(round(rate * args.seconds), rules, bench_channels())
    label = f"{client}-{rate:g}"
    print(f"running {client} at {rate:g} messages/s for {args.seconds:g} s", file=sys.stderr, flush=True)
    process = start_client(client, rules_path, emulator.base_url, args.out_dir, label, journal=not args.no_journal)
    try:
        wait_for_connection(emulator, process, args.out_dir / f"{label}.err")
        warm_up(emulator, rules[0])
        profiler = start_profiler(args, process.pid, label)

        load_average = os.getloadavg()[0]
        user_before, system_before = process_cpu_times(process.pid)
        bench_cpu = time.process_time()
        before = len(emulator.calls("chat.postMessage"))

        log = send_on_schedule(emulator, messages, rate)
        wait_for_replies(emulator, before, len(messages), log.last_at + args.grace)

        user_after, system_after = process_cpu_times(process.pid)
        bench_cpu = time.process_time() - bench_cpu
        if profiler is not None:
            profiler.wait()
    finally:
        stop_client(process, emulator)

    replies = match_replies(emulator.calls("chat.postMessage")[before:], log)
    return PhaseResult(
        client=client,
        rate=rate,
        sent=len(log.sent_at),
        send_seconds=log.last_at - log.first_at,
        max_send_lag=log.max_lag,
        replies=replies,
        cpu_seconds=user_after + system_after - user_before - system_before,
        system_cpu_seconds=system_after - system_before,
        bench_cpu_seconds=bench_cpu,
        load_average=load_average,
        span_seconds=max(0.0, replies.last_reply_at - log.first_at),
    )


HEADER = (
    "| rate/s | client | sent | median ms | p99 ms | max ms | replies/s | CPU s (sys) | not answered "
    "| extra / wrong | emulator CPU s | send lag ms | load |"
)
RULE_LINE = "|---:|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|"


def table_row(result: PhaseResult) -> str:
    """Return one markdown table row for ``result``."""
    replies = result.replies
    return (
        f"| {result.rate:g} | {result.client} | {result.sent} | {replies.latency(0.5):.1f} "
        f"| {replies.latency(0.99):.1f} | {replies.latency(1.0):.1f} | {result.replies_per_second:.1f} "
        f"| {result.cpu_seconds:.2f} ({result.system_cpu_seconds:.2f}) | {replies.not_answered} | {replies.extra} / {replies.wrong_text} "
        f"| {result.bench_cpu_seconds:.2f} | {result.max_send_lag * 1000:.1f} | {result.load_average:.2f} |"
    )


def ratio_lines(results: list[PhaseResult]) -> list[str]:
    """Return, per rate, the responder's p99 latency as a fraction of the seed client's."""
    lines = []
    for rate in sorted({result.rate for result in results}):
        by_client = {result.client: result for result in results if result.rate == rate}
        if "responder" in by_client and "seed" in by_client:
            ours = by_client["responder"].replies.latency(0.99)
            theirs = by_client["seed"].replies.latency(0.99)
            lines.append(f"- {rate:g}/s: responder p99 / seed p99 = {ours / theirs:.3f} (goal: at most 0.2)")
    return lines


def machine_summary() -> str:
    """Return the core count, Python version and the head of ``lscpu``."""
    try:
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout
    except OSError:
        lscpu = "(lscpu not available)\n"
    head = "".join(lscpu.splitlines(keepends=True)[:10])
    return f"nproc {os.cpu_count()}, Python {platform.python_version()}\n\n```\n{head}```\n"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30.0, help="seconds of load per rate and client")
    parser.add_argument("--rates", default="50,200,1000", help="messages per second, comma-separated")
    parser.add_argument("--clients", default=",".join(CLIENTS), help="clients to run, comma-separated")
    parser.add_argument("--grace", type=float, default=15.0, help="seconds to wait for replies after the last send")
    parser.add_argument("--out-dir", type=Path, help="folder for the rules file and client output (default: a new temp folder)")
    parser.add_argument("--profile", action="store_true", help="record every client with py-spy (adds overhead)")
    parser.add_argument("--profile-gil", action="store_true", help="with --profile, sample only the thread holding the GIL")
    parser.add_argument("--no-journal", action="store_true", help="run the responder without its delivery journal")
    parser.add_argument("--markdown", type=Path, help="also write the results table to this file")
    args = parser.parse_args(argv)
    args.rates = [float(rate) for rate in args.rates.split(",") if rate.strip()]
    args.clients = [client.strip() for client in args.clients.split(",") if client.strip()]
    args.out_dir = args.out_dir or Path(tempfile.mkdtemp(prefix="responder-e2e-"))
    args.out_dir.mkdir(parents=True, exist_ok=True)
    return args


def main(argv: list[str] | None = None) -> int:
    """Run every client at every rate and print the results table."""
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # A client stopped with posts in flight aborts their requests, which aiohttp logs as errors.
    logging.getLogger("aiohttp.server").setLevel(logging.CRITICAL)
    rules = make_rules()
    rules_path = args.out_dir / "rules.toml"
    rules_path.write_text(rules_toml(rules), encoding="utf-8")
    check_messages(round(max(args.rates) * args.seconds), rules, rules_path)
    print(f"output in {args.out_dir}", flush=True)
    print(HEADER + "\n" + RULE_LINE, flush=True)

    results: list[PhaseResult] = []
    with Emulator(make_workspace()) as emulator:
        for rate in args.rates:
            for client in args.clients:
                result = run_phase(emulator, client, rate, args, rules_path, rules)
                results.append(result)
                print(table_row(result), flush=True)

    ratios = ratio_lines(results)
    print("\n".join(ratios))
    if args.profile:
        for path in sorted(args.out_dir.glob("*.stacks")):
            print("\n" + pyspy.summarize(path))
    if args.markdown is not None:
        command = "python bench/e2e.py " + " ".join(sys.argv[1:]) if argv is None else " ".join(argv)
        rows = "\n".join(table_row(result) for result in results)
        text = f"`{command}`\n\n{machine_summary()}\n{HEADER}\n{RULE_LINE}\n{rows}\n\n" + "\n".join(ratios) + "\n"
        args.markdown.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
