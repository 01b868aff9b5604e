"""The RTM transport: ``rtm.connect``, the websocket, keepalive and reconnects.

Every reconnect calls ``rtm.connect`` for a fresh single-use URL. After a lost
session or a failed attempt the transport first waits for the next step of its
``Backoff``: by default about 1 s, 2 s, 4 s, … capped at 60 s, ±25 % jitter, never
under 0.5 s. A rate-limited ``rtm.connect`` waits at least its ``Retry-After``. The
backoff starts again from its first step only once a session has stayed up for
``stable_after`` seconds, not on ``hello`` alone. After a ``goodbye`` it reconnects
at once, and closes the old socket once the new one has received ``hello``.
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
from responder.slack import rtm_api
from responder.slack.backoff import Backoff
from responder.slack.frames import Frame, LifecycleFrame, classify_frame
from responder.slack.identity import Identity
from responder.slack.interruptible import Stopped, call_interruptibly
from responder.slack.rtm_dispatch import FrameDispatcher
from responder.slack.rtm_socket import RtmSocket, SessionEnded, check_verifying
from responder.slack.rtm_states import StateReporter
from responder.slack.tls import CA_BUNDLE_HINT
from responder.slack.transport_base import FatalConnectError, Transport
from responder.slack.webclient import API_CALL_ERRORS, ApiFailure, classify_failure

__all__ = ["FatalConnectError", "RtmTransport", "Transport"]

logger = logging.getLogger(__name__)

T = TypeVar("T")

_READ_WAIT = 0.25
"""Maximum wait in seconds for a frame before the read loop checks for ``stop()`` again."""

_RTT_REPORT_INTERVAL = 5.0
"""Minimum number of seconds between two ``connected`` records that update ``ping_rtt``."""

_DRAIN_LIMIT = 100
"""Maximum number of frames read from a socket that sent ``goodbye`` before it is closed."""


@dataclass(frozen=True, slots=True)
class _AttemptFailed:
    reason: str
    retry_after: float | None = None


class RtmTransport:
    """An RTM client that reconnects with backoff and passes every event on.

    ``on_event`` receives each event payload, and ``on_record`` each connection
    state, skipped frame and error frame. Both are called on the thread that runs
    ``run()``; an exception from either is logged and never ends the session.
    """

    name = "rtm"

    def __init__(
        self,
        client: WebClient,
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

        self._client = client
        self._ping_interval = ping_interval
        self._pong_timeout = pong_timeout
        self._handshake_timeout = handshake_timeout
        self._backoff = backoff or Backoff()
        self._stable_after = stable_after
        self._sslopt = dict(sslopt or {})
        self._clock = clock
        self._stopping = threading.Event()
        self._identity: Identity | None = None
        self._states = StateReporter(on_record, self.name)
        self._dispatcher = FrameDispatcher(on_event, self._states.emit)
        self._live: list[RtmSocket] = []

    @property
    def identity(self) -> Identity | None:
        """The bot's identity, from ``auth.test`` completed by ``rtm.connect``."""
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

        Raises ``FatalConnectError`` when Slack rejects the token or the app.
        """
        logger.info("RTM transport starting")
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
        logger.info("RTM transport stopped")

    def _run_sessions(self) -> None:
        retiring: RtmSocket | None = None
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

            reason = self._serve(attempt)
            if reason == "goodbye":
                retiring = attempt
                self._states.goodbye(self._backoff.attempts + 1, attempt.endpoint)
                continue

            self._release(attempt)
            self._wait_before_retry(f"{attempt.endpoint}: {reason}")

    def _connect(self) -> RtmSocket | _AttemptFailed:
        self._states.connecting(self._backoff.attempts + 1)

        url = self._request_url()
        if isinstance(url, _AttemptFailed):
            return url

        sock = RtmSocket(
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
                identity = self._call(lambda: rtm_api.fetch_identity(self._client))
            except API_CALL_ERRORS as error:
                return self._api_failure(classify_failure("auth.test", error))
            self._identity = identity
            logger.info("authenticated as user %s in team %s", identity.user_id, identity.team_id)

        try:
            url, data = self._call(lambda: rtm_api.request_websocket_url(self._client))
        except API_CALL_ERRORS as error:
            return self._api_failure(classify_failure("rtm.connect", error))
        except rtm_api.InvalidConnectResponse as error:
            return _AttemptFailed(str(error))

        self._identity = rtm_api.complete_identity(self._identity, data)
        logger.info("rtm.connect returned a websocket URL on %s", rtm_api.endpoint_of(url))
        return url

    def _api_failure(self, failure: ApiFailure) -> _AttemptFailed:
        hint = rtm_api.fatal_hint(failure)
        if hint is not None:
            message = f"{failure.describe()}: {hint}"
            logger.error("cannot connect to Slack: %s", message)
            self._states.stopped(message)
            raise FatalConnectError(message)

        reason = failure.describe()
        if failure.status is None:
            reason += f" ({rtm_api.endpoint_of(self._client.base_url)})"
        if failure.code.startswith("certificate verify failed"):
            reason += f"; {CA_BUNDLE_HINT}"
        return _AttemptFailed(reason, failure.retry_after)

    def _open(self, sock: RtmSocket) -> None:
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
            frame = self._next_frame(sock, min(remaining, _READ_WAIT))
            if isinstance(frame, LifecycleFrame) and frame.type == "hello":
                return
            if frame is not None:
                self._dispatcher.dispatch(frame)

    def _serve(self, sock: RtmSocket) -> str:
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

                frame = self._next_frame(sock, _READ_WAIT)
                if isinstance(frame, LifecycleFrame) and frame.type == "goodbye":
                    self._reset_backoff_if_stable(connected_at)
                    return "goodbye"
                if frame is not None:
                    self._dispatcher.dispatch(frame)
        except SessionEnded as error:
            self._reset_backoff_if_stable(connected_at)
            return str(error)

    def _reset_backoff_if_stable(self, connected_at: float) -> None:
        if self._backoff.attempts and self._clock() - connected_at >= self._stable_after:
            self._backoff.reset()

    def _retire(self, old: RtmSocket) -> None:
        """Pass on the frames already received on the old socket, then close it."""
        try:
            for _ in range(_DRAIN_LIMIT):
                frame = self._next_frame(old, 0.05)
                if frame is None:
                    break
                if not isinstance(frame, LifecycleFrame):
                    self._dispatcher.dispatch(frame)
        except SessionEnded:
            pass
        self._close(old)
        logger.info("closed the old connection to %s after the new one received hello", old.endpoint)

    def _next_frame(self, sock: RtmSocket, wait: float) -> Frame | None:
        received = sock.read(wait)
        if received is None:
            return None
        opcode, payload = received
        return classify_frame(payload, binary=opcode == ABNF.OPCODE_BINARY)

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

    def _forget(self, sock: RtmSocket) -> None:
        if sock in self._live:
            self._live.remove(sock)

    def _close(self, sock: RtmSocket) -> None:
        sock.close()
        self._forget(sock)

    def _release(self, sock: RtmSocket) -> None:
        sock.release()
        self._forget(sock)
