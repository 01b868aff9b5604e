"""Loopback servers for faults that the emulator does not script.

``ScriptedApi`` replies to Web API calls from a script and forwards every other call to
the emulator. ``RawRtmServer`` is a websocket server written on plain sockets whose
sessions stall in the handshake or go silent after ``hello``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import socket
import ssl
import struct
import threading
import time
import urllib.error
import urllib.request
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable
from urllib.parse import parse_qsl

WEBSOCKET_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


@dataclass
class Reply:
    """One scripted HTTP response; ``body`` is JSON-encoded unless it is a string."""

    status: int = 200
    body: Any = field(default_factory=lambda: {"ok": True})
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


Responder = Callable[[dict[str, Any]], "Reply | None"]


@dataclass
class Call:
    method: str
    arguments: dict[str, Any]
    at: float


class ScriptedApi:
    """A Web API on 127.0.0.1 that plays scripted replies, then forwards to ``forward_to``."""

    def __init__(self, forward_to: str | None = None) -> None:
        self.forward_to = forward_to
        self._scripts: dict[str, deque[Reply]] = {}
        self._responders: dict[str, Responder] = {}
        self._lock = threading.Lock()
        self._calls: list[Call] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _make_handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/api/"

    def start(self) -> ScriptedApi:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def script(self, method: str, *replies: Reply) -> None:
        """Reply to the next calls of ``method`` with ``replies``, in order."""
        with self._lock:
            self._scripts.setdefault(method, deque()).extend(replies)

    def respond(self, method: str, responder: Responder) -> None:
        """Reply to every unscripted call of ``method`` with ``responder(arguments)``, or forward on None."""
        self._responders[method] = responder

    def calls(self, method: str | None = None) -> list[Call]:
        with self._lock:
            return [call for call in self._calls if method is None or call.method == method]

    def answer(self, method: str, arguments: dict[str, Any], raw: bytes, headers: dict[str, str]) -> Reply:
        with self._lock:
            self._calls.append(Call(method, arguments, time.time()))
            script = self._scripts.get(method)
            reply = script.popleft() if script else None
        if reply is None and method in self._responders:
            reply = self._responders[method](arguments)
        if reply is None:
            reply = self._forward(method, raw, headers)
        return reply

    def _forward(self, method: str, raw: bytes, headers: dict[str, str]) -> Reply:
        if self.forward_to is None:
            return Reply()
        request = urllib.request.Request(self.forward_to + method, data=raw, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return Reply(response.status, response.read().decode(), _passed_headers(response.headers))
        except urllib.error.HTTPError as error:
            return Reply(error.code, error.read().decode(), _passed_headers(error.headers))


def _passed_headers(headers: Any) -> dict[str, str]:
    return {name: value for name, value in headers.items() if name.lower() == "retry-after"}


def _make_handler(api: ScriptedApi) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            method = self.path.split("?")[0].rsplit("/", 1)[-1]
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            forwarded = {name: self.headers[name] for name in ("Authorization", "Content-Type") if name in self.headers}
            reply = api.answer(method, _arguments(raw), raw, forwarded)

            time.sleep(reply.delay)
            body = reply.body if isinstance(reply.body, str) else json.dumps(reply.body)
            content_type = "text/plain" if isinstance(reply.body, str) and not body.startswith("{") else "application/json"
            self.send_response(reply.status)
            self.send_header("Content-Type", f"{content_type}; charset=utf-8")
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body.encode())))
            self.end_headers()
            self.wfile.write(body.encode())

        do_GET = do_POST

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


def _arguments(raw: bytes) -> dict[str, Any]:
    text = raw.decode("utf-8", errors="replace").strip()
    if text.startswith("{"):
        value = json.loads(text)
        return value if isinstance(value, dict) else {}
    return dict(parse_qsl(text))


class RawRtmServer:
    """Websocket sessions on 127.0.0.1 that misbehave as their URL path requests.

    ``/stall/N``: accept the TCP connection and never answer the handshake.
    ``/silent/N``: send ``hello``, answer pings for ``answer_for`` seconds (and send a
    ping of its own every ``server_ping_every`` seconds, if set), then read nothing and
    send nothing while keeping the connection open.
    """

    def __init__(
        self, *, answer_for: float = 0.0, server_ping_every: float = 0.0, tls: ssl.SSLContext | None = None
    ) -> None:
        self.answer_for = answer_for
        self.server_ping_every = server_ping_every
        self.server_pings: dict[bytes, float] = {}
        self.pong_delays: dict[bytes, float] = {}
        self.tls = tls
        self.handshakes: list[float] = []
        self.hellos: list[float] = []
        self.pings_answered = 0
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._connections: list[socket.socket] = []
        self._stopping = threading.Event()
        self._numbers = iter(range(1, 1_000_000))

    def url(self, behaviour: str) -> str:
        scheme = "wss" if self.tls else "ws"
        return f"{scheme}://127.0.0.1:{self.port}/{behaviour}/{next(self._numbers)}"

    @property
    def endpoint(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> RawRtmServer:
        threading.Thread(target=self._accept_loop, daemon=True).start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self._listener.close()
        for connection in self._connections:
            try:
                connection.close()
            except OSError:
                pass

    def _accept_loop(self) -> None:
        while not self._stopping.is_set():
            try:
                connection, _ = self._listener.accept()
            except OSError:
                return
            self._connections.append(connection)
            threading.Thread(target=self._serve, args=(connection,), daemon=True).start()

    def _serve(self, connection: socket.socket) -> None:
        try:
            if self.tls is not None:
                connection = self.tls.wrap_socket(connection, server_side=True)
                self._connections.append(connection)
            request = _read_request(connection)
            path = request.split(b" ", 2)[1].decode()
            self.handshakes.append(time.time())
            if path.startswith("/stall/"):
                self._stopping.wait()
                return
            _accept_upgrade(connection, request)
            _send_frame(connection, 0x1, b'{"type":"hello"}')
            self.hellos.append(time.time())
            self._answer_pings(connection)
            self._stopping.wait()
        except (OSError, ValueError, IndexError):
            return

    def _answer_pings(self, connection: socket.socket) -> None:
        deadline = time.monotonic() + self.answer_for
        next_server_ping = time.monotonic() + self.server_ping_every
        connection.settimeout(0.05)
        while time.monotonic() < deadline and not self._stopping.is_set():
            if self.server_ping_every and time.monotonic() >= next_server_ping:
                payload = f"server-{len(self.server_pings)}".encode()
                self.server_pings[payload] = time.monotonic()
                _send_frame(connection, 0x9, payload)
                next_server_ping += self.server_ping_every
            try:
                opcode, payload = _read_frame(connection)
            except socket.timeout:
                continue
            if opcode == 0x9:
                _send_frame(connection, 0xA, payload)
                self.pings_answered += 1
            elif opcode == 0xA and payload in self.server_pings:
                self.pong_delays[payload] = time.monotonic() - self.server_pings[payload]


def _read_request(connection: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = connection.recv(4096)
        if not chunk:
            raise ValueError("connection closed during the handshake")
        data += chunk
    return data


def _accept_upgrade(connection: socket.socket, request: bytes) -> None:
    key = b""
    for line in request.split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"sec-websocket-key":
            key = value.strip()
    accept = base64.b64encode(hashlib.sha1(key + WEBSOCKET_GUID.encode()).digest())
    connection.sendall(
        b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        b"Sec-WebSocket-Accept: " + accept + b"\r\n\r\n"
    )


def _send_frame(connection: socket.socket, opcode: int, payload: bytes) -> None:
    header = bytes([0x80 | opcode])
    if len(payload) < 126:
        header += bytes([len(payload)])
    else:
        header += bytes([126]) + struct.pack("!H", len(payload))
    connection.sendall(header + payload)


def _read_frame(connection: socket.socket) -> tuple[int, bytes]:
    first, second = _read_exactly(connection, 2)
    length = second & 0x7F
    if length == 126:
        (length,) = struct.unpack("!H", _read_exactly(connection, 2))
    elif length == 127:
        (length,) = struct.unpack("!Q", _read_exactly(connection, 8))
    mask = _read_exactly(connection, 4) if second & 0x80 else b"\x00" * 4
    payload = bytes(byte ^ mask[index % 4] for index, byte in enumerate(_read_exactly(connection, length)))
    return first & 0x0F, payload


def _read_exactly(connection: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = connection.recv(size - len(data))
        if not chunk:
            raise ValueError("connection closed")
        data += chunk
    return data
