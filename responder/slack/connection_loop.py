"""The session loop that RTM and Socket Mode share: connect, read, keepalive and reconnect.

Every reconnect calls the dialect's connect method for a fresh single-use URL. After a
lost session or a failed attempt the loop first waits for the next step of its
``Backoff``: by default about 1 s, 2 s, 4 s, … capped at 60 s, ±25 % jitter, never
under 0.5 s. A rate-limited connect call waits at least its ``Retry-After``. The backoff
starts again from its first step only once a session has stayed up for
``stable_after`` seconds, not on ``hello`` alone. When Slack requests a new connection
(RTM ``goodbye``, Socket Mode ``disconnect``), the loop connects again at once and
closes the old socket once the new one has received ``hello``.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable, TypeVar

from slack_sdk import WebClient
from websocket import ABNF

from responder.records import Record
from responder.slack.backoff import Backoff
from responder.slack.connect_api import InvalidConnectResponse, endpoint_of, fetch_identity
from responder.slack.connection_states import StateReporter
from responder.slack.dialects import Dialect, Hello, MoveToNewConnection, SessionOver, Signal
from responder.slack.frame_dispatch import FrameDispatcher
from responder.slack.identity import Identity
from responder.slack.interruptible import Stopped, call_interruptibly
from responder.slack.session_socket import SessionEnded, SessionSocket, check_verifying
from responder.slack.tls import CA_BUNDLE_HINT
from responder.slack.transport_base import FatalConnectError
from responder.slack.webclient import API_CALL_ERRORS, ApiFailure, classify_failure

logger = logging.getLogger(__name__)

T = TypeVar("T")

_READ_WAIT = 0.25
"""Maximum wait in seconds for a frame before the read loop checks for ``stop()`` again."""

_RTT_REPORT_INTERVAL = 5.0
"""Minimum number of seconds between two ``connected`` records that update ``ping_rtt``."""

_DRAIN_LIMIT = 100
"""Maximum number of frames read from a socket that is being replaced before it is closed."""


@dataclass(frozen=True, slots=True)
class _AttemptFailed:
    reason: str
    retry_after: float | None = None


@dataclass(frozen=True, slots=True)
class _SessionEnd:
    reason: str
    move_now: bool = False
    """Slack requested a new connection: connect at once, and keep this one until the new one receives hello."""
    socket_alive: bool = False
    """The socket still works, so it gets a polite close."""


class ConnectionLoop:
    """A websocket client that reconnects with backoff and passes every event on.

    ``client`` carries the bot token and serves ``auth.test``; ``dialect`` carries the
    protocol. ``on_event`` receives each event payload, and ``on_record`` each
    connection state, skipped frame and error frame. Both are called on the thread
    that runs ``run()``; an exception from either is logged and never ends the session.
    """

    def __init__(
        self,
        client: WebClient,
        dialect: Dialect,
        *,
        on_event: Callable[[dict[str, Any]], None],
        on_record: Callable[[Record], None],
        ping_interval: float = 10.0,
        pong_timeout: float = 10.0,
        handshake_timeout: float = 15.0,
        backoff: Backoff | None = None,
        stable_after: float = 30.0,
        sslopt: dict[str, Any] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        for label, value in (
            ("ping_interval", ping_interval),
            ("pong_timeout", pong_timeout),
            ("handshake_timeout", handshake_timeout),
        ):
            if value <= 0:
                raise ValueError(f"{label} must be positive, got {value}")
        check_verifying(sslopt)

        self.name = dialect.name
        self._client = client
        self._dialect = dialect
        self._ping_interval = ping_interval
        self._pong_timeout = pong_timeout
        self._handshake_timeout = handshake_timeout
        self._backoff = backoff or Backoff()
        self._stable_after = stable_after
        self._sslopt = dict(sslopt or {})
        self._clock = clock
        self._stopping = threading.Event()
        self._identity: Identity | None = None
        self._states = StateReporter(on_record, dialect.name)
        self._dispatcher = FrameDispatcher(on_event, self._states.emit)
        self._live: list[SessionSocket] = []

    @property
    def identity(self) -> Identity | None:
        """The bot's identity, from ``auth.test`` (completed by ``rtm.connect`` over RTM)."""
        return self._identity

    @property
    def skipped_frames(self) -> dict[str, int]:
        """How many frames were skipped so far, by reason."""
        return dict(self._dispatcher.skipped)

    def stop(self) -> None:
        """Make ``run()`` return within about a second; safe to call from any thread."""
        self._stopping.set()

    def run(self) -> None:
        """Connect, pass events on and reconnect until ``stop()`` is called.

        Raises ``FatalConnectError`` when Slack rejects a token or the app.
        """
        logger.info("%s transport starting", self._dialect.title)
        try:
            self._run_sessions()
        except Stopped:
            pass
        except Exception as error:
            if not isinstance(error, FatalConnectError):
                self._states.stopped(f"failed: {type(error).__name__}: {error}")
            raise
        finally:
            for sock in list(self._live):
                self._close(sock)

        self._states.stopped("stop requested")
        logger.info("%s transport stopped", self._dialect.title)

    def _run_sessions(self) -> None:
        retiring: SessionSocket | None = None
        while True:
            attempt = self._connect()
            if isinstance(attempt, _AttemptFailed):
                if retiring is not None:
                    self._close(retiring)
                    retiring = None
                self._wait_before_retry(attempt.reason, attempt.retry_after)
                continue

            if retiring is not None:
                self._retire(retiring)
                retiring = None

            end = self._serve(attempt)
            if end.move_now:
                retiring = attempt
                self._states.rotating(self._backoff.attempts + 1, attempt.endpoint, end.reason)
                continue

            if end.socket_alive:
                self._close(attempt)
            else:
                self._release(attempt)
            self._wait_before_retry(f"{attempt.endpoint}: {end.reason}")

    def _connect(self) -> SessionSocket | _AttemptFailed:
        self._states.connecting(self._backoff.attempts + 1)

        url = self._request_url()
        if isinstance(url, _AttemptFailed):
            return url

        sock = SessionSocket(
            url,
            ping_interval=self._ping_interval,
            pong_timeout=self._pong_timeout,
            sslopt=self._sslopt,
            clock=self._clock,
        )
        self._live.append(sock)
        try:
            self._open(sock)
        except SessionEnded as error:
            self._release(sock)
            reason = str(error)
            if not reason.startswith(sock.endpoint):
                reason = f"{sock.endpoint}: {reason}"
            return _AttemptFailed(reason)
        return sock

    def _request_url(self) -> str | _AttemptFailed:
        if self._identity is None:
            try:
                identity = self._call(lambda: fetch_identity(self._client))
            except API_CALL_ERRORS as error:
                return self._api_failure(classify_failure("auth.test", error))
            self._identity = identity
            logger.info("authenticated as user %s in team %s", identity.user_id, identity.team_id)

        known = self._identity
        method = self._dialect.connect_method
        try:
            url, self._identity = self._call(lambda: self._dialect.request_url(known))
        except API_CALL_ERRORS as error:
            return self._api_failure(classify_failure(method, error))
        except InvalidConnectResponse as error:
            return _AttemptFailed(str(error))

        logger.info("%s returned a websocket URL on %s", method, endpoint_of(url))
        return url

    def _api_failure(self, failure: ApiFailure) -> _AttemptFailed:
        hint = self._dialect.fatal_hint(failure)
        if hint is not None:
            message = f"{failure.describe()}: {hint}"
            logger.error("cannot connect to Slack: %s", message)
            self._states.stopped(message)
            raise FatalConnectError(message)

        reason = failure.describe()
        if failure.status is None:
            reason += f" ({endpoint_of(self._client.base_url)})"
        if failure.code.startswith("certificate verify failed"):
            reason += f"; {CA_BUNDLE_HINT}"
        retry_hint = self._dialect.retry_hint(failure)
        if retry_hint is not None:
            reason += f": {retry_hint}"
        return _AttemptFailed(reason, failure.retry_after)

    def _open(self, sock: SessionSocket) -> None:
        """Open the websocket and wait for ``hello``, within the handshake timeout."""
        deadline = self._clock() + self._handshake_timeout
        try:
            self._call(lambda: sock.open(self._handshake_timeout))
        except Stopped:
            sock.abort()
            raise

        while True:
            self._check_stop()
            remaining = deadline - self._clock()
            if remaining <= 0:
                raise SessionEnded(f"no hello within {self._handshake_timeout:g} s")
            signal = self._next_signal(sock, min(remaining, _READ_WAIT))
            if isinstance(signal, Hello):
                return
            if isinstance(signal, SessionOver):
                raise SessionEnded(signal.reason)

    def _serve(self, sock: SessionSocket) -> _SessionEnd:
        """Read one session until it ends, and return the cause of its end."""
        connected_at = self._clock()
        rtt_reported_at: float | None = None
        self._states.connected(self._identity, sock.endpoint, None)

        try:
            while True:
                self._check_stop()
                self._reset_backoff_if_stable(connected_at)
                now = self._clock()
                if sock.ping_rtt is not None and (
                    rtt_reported_at is None or now - rtt_reported_at >= _RTT_REPORT_INTERVAL
                ):
                    rtt_reported_at = now
                    self._states.connected(self._identity, sock.endpoint, sock.ping_rtt)

                signal = self._next_signal(sock, _READ_WAIT)
                if isinstance(signal, (MoveToNewConnection, SessionOver)):
                    self._reset_backoff_if_stable(connected_at)
                    move_now = isinstance(signal, MoveToNewConnection)
                    return _SessionEnd(signal.reason, move_now=move_now, socket_alive=True)
        except SessionEnded as error:
            self._reset_backoff_if_stable(connected_at)
            return _SessionEnd(str(error))

    def _reset_backoff_if_stable(self, connected_at: float) -> None:
        if self._backoff.attempts and self._clock() - connected_at >= self._stable_after:
            self._backoff.reset()

    def _retire(self, old: SessionSocket) -> None:
        """Handle the frames already received on the old socket, then close it."""
        try:
            for _ in range(_DRAIN_LIMIT):
                received = old.read(0.05)
                if received is None:
                    break
                self._handle(old, received)
        except SessionEnded:
            pass
        self._close(old)
        logger.info("closed the old connection to %s after the new one received hello", old.endpoint)

    def _next_signal(self, sock: SessionSocket, wait: float) -> Signal | None:
        received = sock.read(wait)
        if received is None:
            return None
        return self._handle(sock, received)

    def _handle(self, sock: SessionSocket, received: tuple[int, bytes]) -> Signal | None:
        opcode, payload = received
        binary = opcode == ABNF.OPCODE_BINARY
        return self._dialect.handle(payload, binary, sock, self._dispatcher)

    def _wait_before_retry(self, reason: str, retry_after: float | None = None) -> None:
        delay = self._backoff.next_delay()
        if retry_after is not None:
            delay = max(delay, retry_after)

        self._states.reconnecting(self._backoff.attempts + 1, delay, reason)
        if self._stopping.wait(delay):
            raise Stopped()

    def _call(self, func: Callable[[], T]) -> T:
        return call_interruptibly(func, self._stopping)

    def _check_stop(self) -> None:
        if self._stopping.is_set():
            raise Stopped()

    def _forget(self, sock: SessionSocket) -> None:
        if sock in self._live:
            self._live.remove(sock)

    def _close(self, sock: SessionSocket) -> None:
        sock.close()
        self._forget(sock)

    def _release(self, sock: SessionSocket) -> None:
        sock.release()
        self._forget(sock)
