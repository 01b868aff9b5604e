"""Run ``python -m responder`` as a user would, with files written for the test."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "rules.example.toml"

GREET = """
[[rule]]
name = "greet"
words = ["hello"]
[[rule.action]]
reply = "Hi {user}!"
"""


def responder(*args: str, cwd: Path = ROOT, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run the command line with the repository on the module path, without a token."""
    env = {key: value for key, value in os.environ.items() if key != "SLACK_BOT_TOKEN"}
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, "-m", "responder", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        cwd=cwd,
        input=stdin,
    )


def write(folder: Path, name: str, *parts: str) -> Path:
    """Write ``parts``, each dedented on its own, one after the other to ``folder/name``."""
    path = folder / name
    text = "\n".join(textwrap.dedent(part).strip("\n") for part in parts)
    path.write_text(text + "\n", encoding="utf-8")
    return path


def line_of(path: Path, fragment: str) -> int:
    """Return the 1-based number of the first line of ``path`` that contains ``fragment``."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if fragment in line:
            return number
    raise AssertionError(f"{fragment!r} not found in {path}")
