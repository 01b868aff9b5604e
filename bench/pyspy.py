"""Profiling a bench client with py-spy, and a text summary of the collapsed stacks."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

_LINE_NUMBER = re.compile(r":\d+\)$")


def find_py_spy() -> str | None:
    """Return the py-spy executable beside this Python, or on ``PATH``, or None."""
    beside = Path(sys.executable).parent / "py-spy"
    if beside.exists():
        return str(beside)
    return shutil.which("py-spy")


def start_recording(pid: int, output: Path, seconds: float, gil_only: bool = False) -> subprocess.Popen[bytes]:
    """Start ``py-spy record`` on ``pid`` for ``seconds``, writing collapsed stacks to ``output``.

    With ``gil_only``, only the thread that holds the GIL is sampled.
    """
    executable = find_py_spy()
    if executable is None:
        raise RuntimeError("py-spy not found: install it with `pip install py-spy`")
    command = [
        executable, "record", "--pid", str(pid), "--format", "raw", "--output", str(output),
        "--duration", str(max(1, round(seconds))), "--rate", "100",
    ]
    if gil_only:
        command.append("--gil")
    log = output.with_suffix(".py-spy.log").open("wb")
    return subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)


def read_stacks(path: Path) -> Counter[tuple[str, ...]]:
    """Read py-spy's collapsed stacks: ``frame;frame;… COUNT`` per line, outermost first."""
    stacks: Counter[tuple[str, ...]] = Counter()
    for line in path.read_text(encoding="utf-8").splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        frames = tuple(_LINE_NUMBER.sub(")", frame) for frame in stack.split(";"))
        stacks[frames] += int(count)
    return stacks


def summarize(path: Path, top: int = 15) -> str:
    """Return the ``top`` functions by own time and by total time, as shares of all samples.

    Own time counts samples where the function is the innermost frame; total time counts
    samples where it is anywhere on the stack. Line numbers are merged per function.
    """
    stacks = read_stacks(path)
    total = sum(stacks.values())
    if total == 0:
        return f"{path}: no samples\n"

    own: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    for frames, count in stacks.items():
        own[frames[-1]] += count
        for frame in set(frames):
            inclusive[frame] += count

    lines = [f"{total} samples in {path.name}", "", "own time:"]
    lines += [f"  {count / total:6.1%}  {frame}" for frame, count in own.most_common(top)]
    lines += ["", "total time (frame anywhere on the stack):"]
    lines += [f"  {count / total:6.1%}  {frame}" for frame, count in inclusive.most_common(top)]
    return "\n".join(lines) + "\n"
