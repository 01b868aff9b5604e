"""``responder check`` with several files reports every problem of every file in one run."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

FIRST = """[settings]
reply_limit = "ten per minute"

[[rule]]
name = "greet"
wrods = ["hello"]
[[rule.action]]
reply = "Hi {usr}!"

[[rule]]
name = "greet"
regex = '(a)\\1'
[[rule.action]]
react = ":wave:"
"""

SECOND = """[[rule]]
name = "ticket"
regex = "ticket #(\\d+)"
[[rule.action]]
reply = "Ticket {1}"
"""


def test_five_mistakes_in_two_files_reported_together(tmp_path: Path) -> None:
    first = tmp_path / "first.toml"
    second = tmp_path / "second.toml"
    first.write_text(FIRST, encoding="utf-8")
    second.write_text(SECOND, encoding="utf-8")

    result = subprocess.run(
        [sys.executable, "-m", "responder", "check", str(first), str(second)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )

    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if line.startswith(str(tmp_path))]
    assert any(line.startswith(f"{first}:2:15:") and "reply_limit" in line for line in lines)
    assert any(line.startswith(f"{first}:6:1:") and "did you mean" in line for line in lines)
    assert any(line.startswith(f"{first}:8:") and "{usr}" in line for line in lines)
    assert any(line.startswith(f"{first}:11:8:") and "duplicate rule name" in line for line in lines)
    assert any(line.startswith(f"{first}:12:") and "regex" in line for line in lines)
    assert any(line.startswith(f"{first}:14:") and "colons" in line for line in lines)
    assert any(line.startswith(f"{second}:3:19:") and "single quotes" in line for line in lines)
