"""Find what grows while the monitoring screen runs under load: objects and allocations.

Run from the repository root:

    python -m bench.tui_census [--rate 1000] [--seconds 60]

It runs the same setup as ``bench.tui`` (emulator in a child process, real runtime and
headless screen here), with ``tracemalloc`` on. At 10 s and at the end it takes a
census: the objects the garbage collector tracks, counted by type, and with ``--trace``
a ``tracemalloc`` snapshot of the allocations. It prints what grew between the two,
largest first. ``tracemalloc`` slows every allocation down, so with ``--trace`` the
process falls behind the emulator and handles fewer events.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import tempfile
import time
import tracemalloc
from collections import Counter
from multiprocessing.connection import Connection
from pathlib import Path

from bench.tui import MEMORY_EARLY_AT, RunResult, TimedApp, resident_bytes, run_rate, SIZE

TOP = 20


def tracked_by_type() -> Counter[str]:
    """Count the objects that the garbage collector tracks, by type name."""
    return Counter(type(item).__name__ for item in gc.get_objects())


def print_growth(early: Counter[str], late: Counter[str]) -> None:
    print(f"gc-tracked objects: {sum(early.values()):,} at 10 s, {sum(late.values()):,} at the end")
    growth = Counter({name: late[name] - early[name] for name in late})
    for name, count in growth.most_common(TOP):
        print(f"  {count:+10,}  {name}")


def print_allocations(early: tracemalloc.Snapshot, late: tracemalloc.Snapshot) -> None:
    print("allocations that grew, by line:")
    for stat in late.compare_to(early, "lineno")[:TOP]:
        frame = stat.traceback[0]
        print(f"  {stat.size_diff / 1024:+10,.0f} KiB {stat.count_diff:+9,}  {frame.filename}:{frame.lineno}")


def timed_collection() -> float:
    """Return the seconds that one full collection takes now."""
    started = time.perf_counter()
    gc.collect()
    return time.perf_counter() - started


def print_references() -> None:
    """Print the types whose objects hold the most references, which a full collection visits."""
    by_type: Counter[str] = Counter()
    largest: list[tuple[int, str]] = []
    for item in gc.get_objects():
        count = len(gc.get_referents(item))
        by_type[type(item).__name__] += count
        if count > 5000:
            largest.append((count, f"{type(item).__name__} {repr(item)[:80]}"))
    print(f"references from tracked objects: {sum(by_type.values()):,}")
    for name, count in by_type.most_common(TOP):
        print(f"  {count:10,}  {name}")
    for count, text in sorted(largest, reverse=True)[:TOP]:
        print(f"  {count:10,}  {text}")


def print_collection_times(app: TimedApp) -> None:
    """Time a full collection with the engine's guard state, then with that state emptied."""
    # NOTE: this reaches into private attributes of Runtime and Engine, so it skips or
    # breaks quietly when they are renamed.
    print(f"full collection: {timed_collection() * 1000:.1f} ms, {len(gc.get_objects()):,} objects tracked")
    print_references()
    engine = getattr(app._controls, "_engine", None)
    if engine is None:
        return
    engine._seen = type(engine._seen)()
    engine._guards = type(engine._guards)()
    print(f"full collection without the engine's guard state: {timed_collection() * 1000:.1f} ms")


async def census(app: TimedApp, emulator: Connection, rate: int, seconds: float) -> RunResult:
    """Send traffic, take a census at 10 s and at the end, and print what grew."""
    result = RunResult(rate, seconds)
    async with app.run_test(size=SIZE) as pilot:
        while app.state.connection is None or app.state.connection.phase != "connected":
            await pilot.pause(0.05)
        emulator.send((rate, seconds))
        started = time.perf_counter()
        early_objects: Counter[str] = Counter()
        early_snapshot: tracemalloc.Snapshot | None = None
        early_events = 0
        while not emulator.poll():
            await asyncio.sleep(0.25)
            if not result.rss_early and time.perf_counter() - started >= MEMORY_EARLY_AT:
                result.rss_early = resident_bytes()
                early_events = app.bench_events
                early_objects = tracked_by_type()
                early_snapshot = tracemalloc.take_snapshot() if tracemalloc.is_tracing() else None
        result.rss_end = resident_bytes()
        late_objects = tracked_by_type()
        late_snapshot = tracemalloc.take_snapshot() if tracemalloc.is_tracing() else None
        result.sent, result.send_lag = emulator.recv()
        result.counted = app.bench_events
        print_collection_times(app)

    print(f"events counted: {early_events:,} at 10 s, {result.counted:,} at the end of {result.sent:,} sent")
    print_growth(early_objects, late_objects)
    if early_snapshot is not None and late_snapshot is not None:
        print_allocations(early_snapshot, late_snapshot)
    mib = 1024 * 1024
    print(f"resident memory: {result.rss_early / mib:.1f} MiB at 10 s, {result.rss_end / mib:.1f} MiB at the end")
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Show what grows while the screen runs under load.")
    parser.add_argument("--rate", type=int, default=1000, help="events per second (default 1000)")
    parser.add_argument("--seconds", type=float, default=60.0, help="seconds of traffic (default 60)")
    parser.add_argument("--trace", action="store_true", help="also compare tracemalloc snapshots (slow)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.ERROR)

    if args.trace:
        tracemalloc.start(1)
    with tempfile.TemporaryDirectory(prefix="responder-bench-tui-") as folder:
        run_rate(args.rate, args.seconds, Path(folder), census)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
