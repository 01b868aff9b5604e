"""The tokens never reach the output, the log, the call log or the journal."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from responder.emulator import Emulator
from tests.faults.helpers import connect_count, message, posts, start_cli, stop_cli, wait_until, write_rules
from tests.integration.harness import TRANSPORTS

TOKEN = "xoxb-4242-distinctive-9f8e7d6c5b4a"
APP_TOKEN = "xapp-1-A0SELF-4242-distinctive-1a2b3c"


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_token_appears_nowhere(tmp_path: Path, transport: str) -> None:
    log_file = tmp_path / "responder.log"
    calls_file = tmp_path / "calls.jsonl"
    journal = tmp_path / "journal.sqlite3"

    with Emulator(calls_path=calls_file) as emulator:
        process = start_cli(
            [
                "run", str(write_rules(tmp_path)), "--headless", "--slack-url", emulator.base_url,
                "--log-file", str(log_file), "--log-level", "DEBUG", "--journal", str(journal),
                "--ping-interval", "0.5", "--pong-timeout", "0.5", "--reconnect-delay", "0.2",
            ],
            TOKEN,
            tmp_path / "state",
            tmp_path / "out",
            app_token=APP_TOKEN if transport == "socket-mode" else None,
        )
        try:
            emulator.wait_for_sessions(1, timeout=15.0)
            emulator.send_event(message("1700000150.000100"))
            wait_until(lambda: len(posts(emulator)) >= 1, 10.0, "the first reply")

            if transport == "rtm":
                emulator.goodbye(close=True)
            else:
                emulator.disconnect_socket_mode("refresh_requested")
            assert emulator.wait_for_new_session(after=1, timeout=10.0)
            emulator.fail_method("chat.postMessage", error="invalid_auth")
            emulator.send_event(message("1700000150.000200"))
            wait_until(lambda: len(posts(emulator)) >= 2, 10.0, "the refused reply")

            emulator.send_event(message("1700000150.000300", channel="C0TEST2"))
            wait_until(lambda: len(posts(emulator)) >= 3, 10.0, "the last reply")
            time.sleep(0.5)
        finally:
            status = stop_cli(process)

    files = [tmp_path / "out" / "stdout.txt", tmp_path / "out" / "stderr.txt", log_file, calls_file]
    files += sorted(tmp_path.glob("journal.sqlite3*"))
    assert status in (0, 130)
    assert connect_count(emulator, transport) == 2
    assert "invalid_auth" in log_file.read_text(encoding="utf-8")
    assert "DEBUG" in log_file.read_text(encoding="utf-8")
    for path in files:
        assert path.exists(), path
        assert TOKEN.encode() not in path.read_bytes(), path
        assert APP_TOKEN.encode() not in path.read_bytes(), path
