"""The outbox's keep-alive connections: reuse, a server that closes idle connections, errors."""

from __future__ import annotations

import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Iterator

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from responder.emulator import Emulator
from responder.records import ActionResult, ActionRetrying
from responder.slack.keepalive import KeepAliveApi
from responder.slack.outbox import Outbox
from responder.slack.outbox_calls import WebClientCaller, api_caller, call_slack
from tests.slack.helpers import TOKEN, Collector
from tests.slack.test_outbox import post


class CountingApi:
    """An HTTP/1.1 Web API on 127.0.0.1 that replies ``ok`` and records each request's client port.

    With ``close_after_reply`` it closes the connection after each reply without saying so
    in a header, as a server does when an idle keep-alive connection times out.
    """

    def __init__(self, close_after_reply: bool = False) -> None:
        self.close_after_reply = close_after_reply
        self.requests: list[tuple[int, str, dict[str, Any]]] = []
        self.authorizations: list[str] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/api/"

    def ports(self) -> list[int]:
        with self._lock:
            return [port for port, _, _ in self.requests]

    def __enter__(self) -> CountingApi:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with api._lock:
                    api.requests.append((self.client_address[1], self.path, body))
                    api.authorizations.append(self.headers.get("Authorization", ""))
                reply = json.dumps({"ok": True, "ts": f"1700000200.{len(api.requests):06d}"}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)
                self.close_connection = api.close_after_reply

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler


@pytest.fixture
def collector() -> Collector:
    return Collector()


def send_posts(base_url: str, collector: Collector, count: int, pace: float = 0.0) -> list[ActionResult]:
    client = WebClient(base_url=base_url, token=TOKEN)
    outbox = Outbox(client, on_record=collector.on_record, min_interval=pace, workers=1)
    for number in range(count):
        outbox.submit(post(text=f"reply {number}"))
    collector.wait_until(lambda: len(collector.of_type(ActionResult)) >= count, 10.0, f"{count} result(s)")
    outbox.close()
    return collector.of_type(ActionResult)


def test_posts_share_one_connection(collector: Collector) -> None:
    with CountingApi() as api:
        found = send_posts(api.base_url, collector, 5)

    assert [result.status for result in found] == ["sent"] * 5
    assert len(api.requests) == 5
    assert len(set(api.ports())) == 1
    assert [path for _, path, _ in api.requests] == ["/api/chat.postMessage"] * 5
    assert [body["text"] for _, _, body in api.requests] == [f"reply {number}" for number in range(5)]
    assert set(api.authorizations) == {f"Bearer {TOKEN}"}


def test_connection_closed_by_server_is_reopened(collector: Collector) -> None:
    # The pace gives the server's close time to arrive before the next post, as it does
    # when a server drops a connection that has been idle for a while.
    with CountingApi(close_after_reply=True) as api:
        found = send_posts(api.base_url, collector, 3, pace=0.3)

    assert [result.status for result in found] == ["sent"] * 3
    assert collector.of_type(ActionRetrying) == []
    assert [body["text"] for _, _, body in api.requests] == ["reply 0", "reply 1", "reply 2"]
    assert len(set(api.ports())) == 3


def test_keepalive_api_raises_slack_api_error_on_429() -> None:
    with Emulator() as emulator:
        emulator.fail_method("chat.postMessage", status=429, retry_after=2)
        api = KeepAliveApi(emulator.base_url, TOKEN)
        try:
            with pytest.raises(SlackApiError) as raised:
                api.call("chat.postMessage", {"channel": "C0TEST1", "text": "hi"})
            reply = api.call("chat.postMessage", {"channel": "C0TEST1", "text": "hi"})
        finally:
            api.close()

    response = raised.value.response
    assert response.status_code == 429
    assert response["error"] == "ratelimited"
    assert {name.lower(): value for name, value in response.headers.items()}["retry-after"] == "2"
    assert reply["ok"] is True
    assert TOKEN not in repr(response.req_args)


def test_keepalive_api_raises_on_5xx_without_json() -> None:
    with Emulator() as emulator:
        emulator.fail_method("chat.postMessage", status=503)
        api = KeepAliveApi(emulator.base_url, TOKEN)
        try:
            with pytest.raises(SlackApiError) as raised:
                api.call("chat.postMessage", {"channel": "C0TEST1", "text": "hi"})
        finally:
            api.close()

    assert raised.value.response.status_code == 503
    assert raised.value.response.data == {}


def test_keepalive_api_rejects_a_url_without_host() -> None:
    with pytest.raises(ValueError, match="invalid Web API URL"):
        KeepAliveApi("file:///etc/passwd", TOKEN)


def test_proxy_client_calls_through_webclient() -> None:
    client = WebClient(base_url="https://slack.example/api/", token=TOKEN, proxy="http://127.0.0.1:3128")

    assert isinstance(api_caller(client), WebClientCaller)
    assert isinstance(api_caller(WebClient(base_url="https://slack.example/api/", token=TOKEN)), KeepAliveApi)


def test_webclient_caller_posts_to_the_emulator() -> None:
    with Emulator() as emulator:
        ts = call_slack(WebClientCaller(WebClient(base_url=emulator.base_url, token=TOKEN)), post(text="through WebClient"))

    call = emulator.calls("chat.postMessage")[0]
    assert (call["channel"], call["text"]) == ("C0TEST1", "through WebClient")
    assert isinstance(ts, str) and ts


def test_token_is_not_logged(collector: Collector, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    with Emulator() as emulator:
        emulator.fail_method("chat.postMessage", status=429, retry_after=0.2)
        emulator.fail_method("chat.postMessage", status=500)
        found = send_posts(emulator.base_url, collector, 1)

    assert found[0].status == "sent"
    assert all(TOKEN not in record.getMessage() for record in caplog.records)
    assert all(TOKEN not in repr(record) for record in collector.records)


@pytest.fixture(autouse=True)
def _no_leftover_threads() -> Iterator[None]:
    before = {thread.name for thread in threading.enumerate()}
    yield
    after = {thread.name for thread in threading.enumerate() if thread.name.startswith("outbox-")}
    assert not (after - before), f"outbox workers still running: {sorted(after - before)}"
