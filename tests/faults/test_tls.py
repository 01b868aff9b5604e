"""Certificate checks on ``wss://``: fail clearly without the CA, connect with it.

The test makes a throwaway CA and a certificate for 127.0.0.1 with the ``openssl``
command. The 20 s observation window of the original case is scaled to 5 s, with a
first backoff step of 0.25 s instead of 1 s.
"""

from __future__ import annotations

import shutil
import ssl
import subprocess
import time
from pathlib import Path
from typing import Iterator

import pytest

from responder.emulator import Emulator
from responder.runtime import RunConfig, Runtime
from tests.faults.helpers import connect_count, greeting, message, states, write_rules
from tests.integration.harness import (
    APP_TOKEN,
    TOKEN,
    TRANSPORTS,
    Collected,
    assert_calls_match,
    connected,
    wait_for_action_calls,
)

WINDOW = 5.0
RECONNECT_DELAY = 0.25


def openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, timeout=60)


@pytest.fixture(scope="module")
def certificates(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with ``test-ca.pem`` and ``server.pem``/``server.key`` for IP 127.0.0.1."""
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is not installed")
    folder = tmp_path_factory.mktemp("certs")
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=responder test CA",
            "-keyout", "ca.key", "-out", "test-ca.pem", cwd=folder)
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1",
            "-keyout", "server.key", "-out", "server.csr", cwd=folder)
    (folder / "san.cnf").write_text("subjectAltName=IP:127.0.0.1\n", encoding="utf-8")
    openssl("x509", "-req", "-in", "server.csr", "-CA", "test-ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
            "-days", "2", "-extfile", "san.cnf", "-out", "server.pem", cwd=folder)
    return folder


@pytest.fixture
def tls_emulator(certificates: Path) -> Iterator[Emulator]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(certificates / "server.pem", certificates / "server.key")
    with Emulator(ssl_context=context) as emulator:
        yield emulator


def start_runtime(
    emulator: Emulator, rules: Path, ca_bundle: str | None, transport: str = "rtm"
) -> tuple[Runtime, Collected]:
    collected = Collected()
    config = RunConfig(
        rules_path=rules,
        token=TOKEN,
        transport="socket-mode" if transport == "socket-mode" else "rtm",
        app_token=APP_TOKEN if transport == "socket-mode" else None,
        slack_url=emulator.base_url,
        ca_bundle=ca_bundle,
        min_post_interval=0.0,
        reconnect_delay=RECONNECT_DELAY,
        handshake_timeout=2.0,
    )
    runtime = Runtime(config, collected)
    runtime.start()
    return runtime, collected


def test_untrusted_certificate_never_connects(tls_emulator: Emulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    runtime, collected = start_runtime(tls_emulator, write_rules(tmp_path), None)
    try:
        time.sleep(WINDOW)
    finally:
        runtime.stop()

    failures = states(collected.snapshot(), "reconnecting")
    endpoint = f"127.0.0.1:{tls_emulator.tls_port}"
    assert tls_emulator.sessions_started == 0
    assert not states(collected.snapshot(), "connected")
    assert failures
    assert all(endpoint in state.reason for state in failures)
    assert all("certificate verify failed" in state.reason for state in failures)
    assert all("--ca-bundle" in state.reason and "SSL_CERT_FILE" in state.reason for state in failures)
    assert 2 <= tls_emulator.connect_calls <= 6


@pytest.mark.parametrize("transport", TRANSPORTS)
@pytest.mark.parametrize("trust", ["ca-bundle", "SSL_CERT_FILE"])
def test_trusted_ca_connects_and_answers(
    trust: str,
    transport: str,
    tls_emulator: Emulator,
    certificates: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ca = str(certificates / "test-ca.pem")
    if trust == "SSL_CERT_FILE":
        monkeypatch.setenv("SSL_CERT_FILE", ca)
    else:
        monkeypatch.delenv("SSL_CERT_FILE", raising=False)

    ca_bundle = ca if trust == "ca-bundle" else None
    runtime, collected = start_runtime(tls_emulator, write_rules(tmp_path), ca_bundle, transport)
    try:
        collected.wait_for(connected)
        tls_emulator.wait_for_sessions(1)
        tls_emulator.send_event(message("1700000128.000100"))
        calls = wait_for_action_calls(tls_emulator, 1)
    finally:
        runtime.stop()

    assert connect_count(tls_emulator, transport) == 1
    assert_calls_match(calls, [greeting("1700000128.000100")])
