"""The command line as a user runs it: real subprocesses against the emulator."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest

from responder.emulator import Emulator, Workspace

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "rules.example.toml"
TOKEN = "xoxb-cli-test-7f3a9c"
APP_TOKEN = "xapp-cli-test-41be07"
STATE_HOME = tempfile.mkdtemp(prefix="responder-cli-state-")
GREET = '[[rule]]\nname = "greet"\nwords = ["hello"]\n[[rule.action]]\nreply = "Hi {user}!"\n'


def responder(
    *args: str, token: str | None = TOKEN, app_token: str | None = None, **options: Any
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "responder", *args],
        capture_output=True,
        text=True,
        timeout=options.pop("timeout", 60),
        env=environment(token, app_token),
        cwd=options.pop("cwd", ROOT),
    )


def environment(token: str | None, app_token: str | None = None) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN")}
    env["PYTHONPATH"] = str(ROOT)
    env["XDG_STATE_HOME"] = STATE_HOME
    if token is not None:
        env["SLACK_BOT_TOKEN"] = token
    if app_token is not None:
        env["SLACK_APP_TOKEN"] = app_token
    return env


def start(*args: str, token: str | None = TOKEN, app_token: str | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "responder", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment(token, app_token),
        cwd=ROOT,
    )


def read_calls(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def wait_for(predicate: Any, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError("condition not met in time")
        time.sleep(0.1)


def test_check_accepts_the_example() -> None:
    result = responder("check", str(EXAMPLE))

    assert result.returncode == 0, result.stderr
    assert "no errors" in result.stdout


def test_check_points_at_backslash_in_double_quotes(tmp_path: Path) -> None:
    broken = tmp_path / "rules.toml"
    text = EXAMPLE.read_text(encoding="utf-8")
    rule = '\n[[rule]]\nname = "ticket-hash"\nregex = "ticket #(\\d+)"\n[[rule.action]]\nreply = "Ticket {1}"\n'
    line = text[: text.index("\n[[test]]")].count("\n") + 4
    broken.write_text(text.replace("\n[[test]]", rule + "\n[[test]]", 1), encoding="utf-8")

    result = responder("check", str(broken))

    assert result.returncode == 1
    assert f"{broken}:{line}:19:" in result.stderr
    assert 'rule "ticket-hash"' in result.stderr
    assert "single quotes" in result.stderr


def test_check_unreadable_file_exits_2(tmp_path: Path) -> None:
    result = responder("check", str(tmp_path / "missing.toml"))

    assert result.returncode == 2
    assert "missing.toml" in result.stderr


def test_run_without_token_explains_what_to_set() -> None:
    result = responder("run", str(EXAMPLE), "--headless", token=None)

    assert result.returncode == 2
    assert "SLACK_BOT_TOKEN" in result.stderr


def test_run_with_broken_rules_never_connects(tmp_path: Path) -> None:
    broken = tmp_path / "rules.toml"
    broken.write_text('[[rule]]\nname = "t"\nregex = "ticket #(\\d+)"\n[[rule.action]]\nreply = "x"\n', encoding="utf-8")

    with Emulator() as emulator:
        result = responder("run", str(broken), "--headless", "--slack-url", emulator.base_url)
        calls = emulator.calls()

    assert result.returncode == 1
    assert f"{broken}:3:19:" in result.stderr
    assert calls == []


def test_run_stops_on_invalid_auth_without_looping(tmp_path: Path) -> None:
    rules = tmp_path / "rules.toml"
    rules.write_text(GREET, encoding="utf-8")

    with Emulator(Workspace(tokens=("xoxb-the-only-good-token",))) as emulator:
        started = time.monotonic()
        result = responder("run", str(rules), "--headless", "--slack-url", emulator.base_url, timeout=20)
        elapsed = time.monotonic() - started
        connects = emulator.connect_calls

    assert result.returncode == 1
    assert "invalid_auth" in result.stderr
    assert elapsed < 15
    assert connects == 0
    assert TOKEN not in result.stdout + result.stderr


@pytest.mark.parametrize("transport", ["rtm", "socket-mode"])
def test_standalone_emulator_and_headless_run(tmp_path: Path, transport: str) -> None:
    scenario = tmp_path / "scenario.toml"
    scenario.write_text(
        "[[step]]\nwait = 0.5\n"
        '[[step]]\nevent = { type = "message", user = "U0TEST1", text = "hello there", channel = "C0TEST1", ts = "1700000200.000100" }\n'
        '[[step]]\nevent = { type = "message", user = "U0TEST2", text = "hello", channel = "C0TEST2", ts = "1700000200.000200", thread_ts = "1700000200.000050" }\n',
        encoding="utf-8",
    )
    calls_path = tmp_path / "calls.jsonl"
    rules = tmp_path / "rules.toml"
    rules.write_text(GREET, encoding="utf-8")

    emulator = start("emulator", "--scenario", str(scenario), "--calls", str(calls_path))
    run = None
    try:
        assert emulator.stdout is not None
        first_line = emulator.stdout.readline()
        base_url = first_line.rsplit(" ", 1)[-1].strip()
        assert base_url.startswith("http://127.0.0.1:")

        app_token = APP_TOKEN if transport == "socket-mode" else None
        run = start("run", str(rules), "--headless", "--slack-url", base_url, app_token=app_token)
        posts = lambda: [call for call in read_calls(calls_path) if call["method"] == "chat.postMessage"]  # noqa: E731
        wait_for(lambda: len(posts()) >= 2)
        time.sleep(1.5)
        replies = posts()
    finally:
        outputs = []
        for process in (run, emulator):
            if process is not None:
                process.send_signal(signal.SIGINT)
                outputs.append((process.wait(timeout=10), *process.communicate()))

    assert sorted((call["channel"], call.get("thread_ts"), call["text"]) for call in replies) == [
        ("C0TEST1", "1700000200.000100", "Hi <@U0TEST1>!"),
        ("C0TEST2", "1700000200.000050", "Hi <@U0TEST2>!"),
    ]
    run_status, run_out, run_err = outputs[0]
    assert run_status == 130
    assert "Traceback" not in run_err
    assert "fired: greet" in run_out
    assert "sent: rule greet" in run_out
    assert f"over {transport}" in run_out
    assert TOKEN not in run_out + run_err + calls_path.read_text(encoding="utf-8")
    assert APP_TOKEN not in run_out + run_err + calls_path.read_text(encoding="utf-8")
    assert outputs[1][0] == 0


@pytest.mark.slow
def test_demo_headless_shows_events_decisions_and_replies() -> None:
    result = responder("demo", "--headless", "--duration", "10", timeout=60)

    assert result.returncode == 0, result.stderr
    assert "connected to" in result.stdout
    assert "event message" in result.stdout
    assert "fired:" in result.stdout
    assert "sent: rule" in result.stdout
    assert "Traceback" not in result.stderr
