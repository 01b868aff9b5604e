"""run_standalone: the first output line, scenario playback, Ctrl+C and error exits."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import websocket
from slack_sdk import WebClient

from responder.emulator.standalone import run_standalone

ROOT = Path(__file__).resolve().parents[2]
RUN = (
    "import sys; from pathlib import Path; "
    "from responder.emulator.standalone import run_standalone; "
    "sys.exit(run_standalone(Path(sys.argv[1]), Path(sys.argv[2]), 0))"
)
SCENARIO = """
[[step]]
message = { user = "U0TEST1", channel = "C0TEST1", text = "hello from the scenario" }
"""


@pytest.fixture
def standalone(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], Path]]:
    """A standalone emulator process playing a one-message scenario, and its calls file."""
    scenario = tmp_path / "scenario.toml"
    scenario.write_text(SCENARIO, encoding="utf-8")
    calls = tmp_path / "calls.jsonl"
    process = subprocess.Popen(
        [sys.executable, "-c", RUN, str(scenario), str(calls)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    yield process, calls
    if process.poll() is None:
        process.kill()
        process.wait()


def test_standalone_prints_url_plays_and_stops_on_interrupt(
    standalone: tuple[subprocess.Popen[str], Path],
) -> None:
    process, calls = standalone
    assert process.stdout is not None

    line = process.stdout.readline()
    base_url = line.split()[-1]
    client = WebClient(base_url=base_url, token="xoxb-test", timeout=5)
    ws = websocket.create_connection(client.rtm_connect()["url"], timeout=5)
    frames = [json.loads(ws.recv()) for _ in range(2)]
    process.send_signal(signal.SIGINT)
    status = process.wait(10)

    assert line.startswith("Slack emulator listening on http://127.0.0.1:")
    assert base_url.endswith("/api/")
    assert frames[0] == {"type": "hello"}
    assert frames[1]["text"] == "hello from the scenario"
    assert status == 0
    assert [json.loads(line)["method"] for line in calls.read_text().splitlines()] == [
        "rtm.connect"
    ]


def test_standalone_bad_scenario_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario = tmp_path / "bad.toml"
    scenario.write_text("[[step]]\nwait = 1\n[[step]]\nevent = 'hello'\n", encoding="utf-8")

    status = run_standalone(scenario, None, 0)

    assert status == 2
    assert f"{scenario}: step 2: 'event' must be a table" in capsys.readouterr().err


def test_standalone_port_in_use_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]

        status = run_standalone(None, None, port)

    assert status == 1
    assert f"cannot listen on 127.0.0.1:{port}" in capsys.readouterr().err


def test_standalone_calls_file_unwritable_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = run_standalone(None, tmp_path / "missing-folder" / "calls.jsonl", 0)

    assert status == 1
    assert "cannot write the calls file" in capsys.readouterr().err
