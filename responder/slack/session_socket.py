"""One websocket session on a URL from ``rtm.connect`` or ``apps.connections.open``.

It does the opening handshake, keepalive pings, reads and sends.
"""

from __future__ import annotations

import logging
import select
import socket
import ssl
import struct
import threading
import time
from collections import OrderedDict
from typing import Any, Callable

import websocket
from websocket import ABNF

from responder.slack.connect_api import endpoint_of
from responder.slack.tls import CA_BUNDLE_HINT

logger = logging.getLogger(__name__)

_CLOSE_WAIT = 0.5
"""Seconds to wait for the server's close frame when closing a session politely."""


class SessionEnded(Exception):
    """The websocket session is over. The message gives the cause in a few words."""


class SessionSocket:
    """A websocket to one single-use session URL, with its own keepalive.

    A WebSocket PING goes out right after the handshake and every ``ping_interval``
    seconds after it. The session counts as dead once a ping has gone unanswered for
    ``pong_timeout`` seconds and no data is waiting to be read: a pong may sit behind
    a burst of events that a busy caller has not read yet. Only pongs clear a ping,
    so a quiet server is never taken for a dead one. websocket-client replies to
    server pings. Every method except ``abort()`` must be called from one thread.
    """

    def __init__(
        self,
        url: str,
        *,
        ping_interval: float,
        pong_timeout: float,
        sslopt: dict[str, Any] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.endpoint = endpoint_of(url)
        self.ping_rtt: float | None = None
        self.pongs = 0
        self._url = url
        self._ping_interval = ping_interval
        self._pong_timeout = pong_timeout
        self._clock = clock
        # Text frames are decoded with replacement later (frames.classify_frame), so
        # websocket-client's own pure-Python UTF-8 check would only repeat the work.
        self._ws = websocket.WebSocket(sslopt=dict(sslopt or {}), enable_multithread=True, skip_utf8_validation=True)
        self._aborted = threading.Event()
        self._unanswered: OrderedDict[int, float] = OrderedDict()
        self._next_ping_at = 0.0
        self._ping_number = 0

    def open(self, timeout: float) -> None:
        """Open the TCP connection and complete the websocket handshake.

        Raises ``SessionEnded`` with the cause when that fails or takes longer than
        ``timeout`` seconds for any one step.
        """
        try:
            self._ws.connect(  # type: ignore[no-untyped-call]
                self._url, timeout=timeout, suppress_origin=True
            )
        except ssl.SSLCertVerificationError as error:
            raise SessionEnded(tls_failure_reason(self.endpoint, error)) from None
        except Exception as error:
            raise SessionEnded(_handshake_failure_reason(error, timeout)) from None

        if self._aborted.is_set():
            self._ws.shutdown()  # type: ignore[no-untyped-call]
            raise SessionEnded("aborted")
        self._next_ping_at = self._clock()

    def read(self, wait: float) -> tuple[int, bytes] | None:
        """Return the next data frame as ``(opcode, payload)``, or None after ``wait`` s.

        Also sends pings when due and takes in pongs. Raises ``SessionEnded`` when
        the connection is closed, reset or dead.
        """
        try:
            self._keep_alive()
            self._ws.settimeout(max(0.01, min(wait, self._seconds_to_next_check())))
            opcode, frame = self._ws.recv_data_frame(control_frame=True)
        except websocket.WebSocketTimeoutException:
            return None
        except SessionEnded:
            raise
        except Exception as error:
            raise SessionEnded(_read_failure_reason(error)) from None

        if opcode in (ABNF.OPCODE_TEXT, ABNF.OPCODE_BINARY):
            return opcode, bytes(frame.data)
        if opcode == ABNF.OPCODE_PONG:
            self._take_pong(bytes(frame.data))
        elif opcode == ABNF.OPCODE_CLOSE:
            raise SessionEnded(_close_reason(bytes(frame.data)))
        return None

    def send_text(self, text: str) -> None:
        """Send one TEXT frame. Raises ``SessionEnded`` when the connection is gone."""
        try:
            self._ws.send(text)
        except Exception as error:
            raise SessionEnded(_read_failure_reason(error)) from None

    def close(self) -> None:
        """Send a close frame, wait briefly for the server's, and release the socket."""
        try:
            self._ws.close(timeout=_CLOSE_WAIT)
        except Exception as error:
            logger.debug("closing the websocket to %s failed: %s", self.endpoint, error)
        self._ws.shutdown()  # type: ignore[no-untyped-call]

    def abort(self) -> None:
        """Shut the socket down at once, from any thread, without a close frame."""
        self._aborted.set()
        sock = self._ws.sock
        if sock is None:
            return
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def release(self) -> None:
        """Close the socket without a close frame (for a dead connection)."""
        self.abort()
        self._ws.shutdown()  # type: ignore[no-untyped-call]

    def _keep_alive(self) -> None:
        now = self._clock()
        if self._unanswered:
            oldest = next(iter(self._unanswered.values()))
            if now - oldest >= self._pong_timeout and not self._data_waiting():
                raise SessionEnded(f"no pong within {self._pong_timeout:g} s")

        if now >= self._next_ping_at:
            self._ping_number += 1
            self._unanswered[self._ping_number] = now
            self._ws.ping(str(self._ping_number))
            self._next_ping_at = now + self._ping_interval

    def _data_waiting(self) -> bool:
        """Return whether bytes have arrived that ``read()`` has not taken yet."""
        sock = self._ws.sock
        if sock is None:
            return False
        if isinstance(sock, ssl.SSLSocket) and sock.pending():
            return True
        try:
            readable, _, _ = select.select([sock], [], [], 0)
        except (OSError, ValueError):
            return False
        return bool(readable)

    def _seconds_to_next_check(self) -> float:
        now = self._clock()
        deadlines = [self._next_ping_at]
        if self._unanswered:
            deadlines.append(next(iter(self._unanswered.values())) + self._pong_timeout)
        return min(deadlines) - now

    def _take_pong(self, payload: bytes) -> None:
        self.pongs += 1
        try:
            number = int(payload.decode("ascii"))
        except ValueError:
            number = None

        sent_at = self._unanswered.get(number) if number is not None else None
        if sent_at is not None:
            self.ping_rtt = self._clock() - sent_at

        # Any pong proves that the path delivers again, so it clears every ping
        # sent so far, even from a server that does not echo the payload.
        self._unanswered.clear()


def check_verifying(sslopt: dict[str, Any] | None) -> None:
    """Raise ``ValueError`` when ``sslopt`` would turn certificate checks off."""
    options = sslopt or {}
    if options.get("cert_reqs", ssl.CERT_REQUIRED) != ssl.CERT_REQUIRED:
        raise ValueError("sslopt must keep cert_reqs=ssl.CERT_REQUIRED")
    if options.get("check_hostname", True) is not True:
        raise ValueError("sslopt must keep check_hostname enabled")

    context = options.get("context")
    if isinstance(context, ssl.SSLContext) and (
        context.verify_mode != ssl.CERT_REQUIRED or not context.check_hostname
    ):
        raise ValueError("the SSL context in sslopt must verify certificates and host names")


def tls_failure_reason(endpoint: str, error: ssl.SSLCertVerificationError) -> str:
    """Describe a failed certificate check, with how to trust the server."""
    detail = error.verify_message or error.reason or "unknown reason"
    return f"{endpoint}: certificate verify failed ({detail}); {CA_BUNDLE_HINT}"


def _handshake_failure_reason(error: Exception, timeout: float) -> str:
    if isinstance(error, websocket.WebSocketBadStatusException):
        return f"websocket handshake rejected with HTTP {error.status_code}"
    if isinstance(error, (websocket.WebSocketTimeoutException, TimeoutError)):
        return f"websocket handshake timed out after {timeout:g} s"
    if isinstance(error, ConnectionRefusedError):
        return "connection refused"
    if isinstance(error, socket.gaierror):
        return "host name not resolved"
    return _read_failure_reason(error)


def _read_failure_reason(error: Exception) -> str:
    if isinstance(error, websocket.WebSocketConnectionClosedException):
        return "end of stream"
    if isinstance(error, ConnectionResetError):
        return "connection reset"
    if isinstance(error, BrokenPipeError):
        return "broken pipe"
    if isinstance(error, ssl.SSLError):
        return f"TLS error: {error.reason or error}"
    if isinstance(error, OSError):
        return f"network error: {error.strerror or error}"
    if isinstance(error, websocket.WebSocketException):
        return f"websocket error: {error}"
    return f"{type(error).__name__}: {error}"


def _close_reason(payload: bytes) -> str:
    if len(payload) < 2:
        return "closed without a status code"

    (code,) = struct.unpack("!H", payload[:2])
    text = payload[2:].decode("utf-8", errors="replace").strip()
    return f"closed with code {code} ({text})" if text else f"closed with code {code}"
