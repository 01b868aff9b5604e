"""The emulator's server thread and its thread-safe control API (Socket Mode parts in ``socket_controls``)."""

from __future__ import annotations

import json
import logging
import ssl
import threading
from pathlib import Path
from types import TracebackType
from typing import Any

from aiohttp import web

from responder.emulator.calllog import CallLog
from responder.emulator.core import Core
from responder.emulator.faults import Fault
from responder.emulator.loopthread import LoopThread
from responder.emulator.playback import ScenarioPlayer
from responder.emulator.rtm import RtmEndpoint
from responder.emulator.session_records import Keepalive, SessionSpan
from responder.emulator.sessions import ControlAction
from responder.emulator.socket_controls import SocketModeControls
from responder.emulator.socket_mode import SocketModeEndpoint
from responder.emulator.socket_records import SocketModeSettings
from responder.emulator.steps import Scenario
from responder.emulator.webapi import make_handler
from responder.emulator.workspace import Workspace

logger = logging.getLogger(__name__)

CONNECT_METHODS = ("rtm.connect", "rtm.start")


def message_summary(event: dict[str, Any]) -> dict[str, Any] | None:
    """Return a copy of the fields the emulator remembers of a message event, else ``None``."""
    if event.get("type") != "message":
        return None
    return {
        key: event[key]
        for key in ("type", "subtype", "hidden", "channel", "ts", "user", "text", "bot_id")
        if key in event
    }


class Emulator(SocketModeControls):
    """A local Slack: Web API at ``/api/<method>``, RTM and Socket Mode websockets on one loopback port.

    The server runs on its own thread and event loop. Every public method may be called
    from any other thread, but none from the emulator's own loop.
    """

    def __init__(
        self,
        workspace: Workspace | None = None,
        *,
        calls_path: Path | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        url_ttl: float = 30.0,
        close_timeout: float = 2.0,
        ssl_context: ssl.SSLContext | None = None,
        socket_mode: SocketModeSettings | None = None,
    ) -> None:
        if socket_mode is not None:
            socket_mode.check()
        self.workspace = workspace or Workspace()
        self.host = host
        self.port = port
        """The listening port, which the system picks when the emulator starts with port 0."""
        self.tls_port: int | None = None
        """With ``ssl_context``, the port of the ``wss://`` websockets (the system picks it)."""
        self._ssl_context = ssl_context
        self._calls = CallLog(calls_path)
        self._core = Core(self.workspace, self._calls, url_ttl, socket_mode)
        self._rtm = RtmEndpoint(self._core, close_timeout)
        self._socket = SocketModeEndpoint(self._core, close_timeout)
        self._close_timeout = close_timeout
        self._loop = LoopThread("the Slack emulator")
        self._runner: web.AppRunner | None = None
        self.stopping = threading.Event()
        """An event that :meth:`stop` sets, so that scenario players end their waits."""

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        """The Web API base URL for ``WebClient(base_url=…)``, ending with ``/``."""
        return f"http://{self._url_host}:{self.port}/api/"

    @property
    def _url_host(self) -> str:
        host = "127.0.0.1" if self.host in ("", "0.0.0.0") else self.host
        return f"[{host}]" if ":" in host else host

    def start(self) -> Emulator:
        """Start listening; return once the port is bound. Raises ``OSError`` if it cannot."""
        if self._loop.running:
            raise RuntimeError("the emulator is already started")
        if self.stopping.is_set():
            raise RuntimeError("a stopped emulator cannot be started again; create a new Emulator")

        self._calls.open()
        try:
            self._loop.start(self._listen)
        except BaseException:
            self._calls.close()
            raise
        logger.info("Slack emulator listening on %s", self.base_url)
        return self

    def stop(self) -> None:
        """Close every session (code 1001), stop the server and close the calls file."""
        if not self._loop.running:
            return
        self.stopping.set()
        self._core.hub.wake_waiters()
        try:
            self._loop.run(self._shutdown(), timeout=self._close_timeout + 5.0)
        except TimeoutError as error:
            logger.warning("Slack emulator did not shut down cleanly: %s", error)
        self._loop.stop()
        self._calls.close()
        logger.info("Slack emulator stopped")

    async def _listen(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", make_handler(self._core))
        app.router.add_get("/rtm/{ticket}", self._rtm.handle)
        app.router.add_get("/link/", self._socket.handle)
        app.router.add_get("/link", self._socket.handle)

        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        try:
            await site.start()
        except OSError:
            await self._runner.cleanup()
            raise

        self.port = int(self._runner.addresses[0][1])
        self._core.websocket_base = f"ws://{self._url_host}:{self.port}"
        if self._ssl_context is not None:
            await self._listen_tls(self._runner, self._ssl_context)

    async def _listen_tls(self, runner: web.AppRunner, context: ssl.SSLContext) -> None:
        """Serve the same routes over TLS on a second port, and hand out ``wss://`` URLs."""
        site = web.TCPSite(runner, self.host, 0, ssl_context=context)
        try:
            await site.start()
        except OSError:
            await runner.cleanup()
            raise
        self.tls_port = int(runner.addresses[-1][1])
        self._core.websocket_base = f"wss://{self._url_host}:{self.tls_port}"

    async def _shutdown(self) -> None:
        self._core.released.set()
        for session in self._core.hub.take_held():
            session.abort()
        await self._core.hub.control_all("close", 1001, "emulator stopping")
        if self._runner is not None:
            await self._runner.cleanup()

    def send_event(self, event: dict[str, Any]) -> None:
        """Send an event, exactly as given, to every open RTM session (after its ``hello``).

        One open Socket Mode session also gets it in an ``events_api`` envelope, unless
        Slack sends events of that type over RTM only.
        """
        self._loop.call_soon(
            self._core.publish_text, json.dumps(event, ensure_ascii=False), message_summary(event)
        )

    def send_raw(self, text: str) -> None:
        """Send one text frame with any content, e.g. text that is not JSON, on every open session of either kind."""
        self._loop.call_soon(self._core.hub.broadcast, text, None)

    def goodbye(self, close: bool = False, code: int = 1001) -> None:
        """Send ``{"type": "goodbye"}`` to RTM sessions; with ``close``, then close every session with ``code``."""
        self.send_event({"type": "goodbye"})
        if close:
            self.close_sessions(code)

    def close_sessions(self, code: int = 1001, message: str = "", session: int | None = None) -> None:
        """Send a close frame on every session (or only number ``session``) after its queued frames, then close it."""
        self._control("close", code, message, session)

    def end_sessions(self, session: int | None = None) -> None:
        """Close every session's TCP connection without a close frame (the client sees EOF)."""
        self._control("end", session=session)

    def reset_sessions(self, session: int | None = None) -> None:
        """Reset every session's TCP connection (the client sees a connection reset)."""
        self._control("reset", session=session)

    def black_hole_sessions(self, session: int | None = None) -> None:
        """Keep every session's TCP connection open but stop reading, responding and sending.

        The client gets no pong, no event, no close frame and no FIN, as on a network
        path that died silently. Such a session no longer counts as open; its
        connection stays until the emulator stops.
        """
        self._control("black_hole", session=session)

    def stall_handshakes(self, count: int = 1) -> None:
        """Make the websocket URLs of the next ``count`` ``rtm.connect`` or ``apps.connections.open`` calls stall.

        The emulator accepts the TCP connection and reads the upgrade request but
        never responds to it. Raises ``ValueError`` for a negative count.
        """
        if count < 0:
            raise ValueError(f"count must be 0 or more, not {count}")
        tickets = self._core.tickets
        self._loop.call_soon(lambda: setattr(tickets, "stall_next", tickets.stall_next + count))

    def ping_sessions(self, payload: bytes = b"") -> None:
        """Send a WebSocket PING with ``payload`` on every open session, after its queued frames."""
        self._loop.call_soon(self._core.hub.ping_all, payload)

    def keepalives(self) -> list[Keepalive]:
        """Return every WebSocket PING and PONG seen so far (client pings, client pongs, server pings)."""
        return self._core.hub.keepalives()

    def session_spans(self) -> list[SessionSpan]:
        """Return every session that received ``hello``, with when and why it ended."""
        return self._core.hub.spans()

    def _control(
        self, action: ControlAction, code: int = 1000, message: str = "", session: int | None = None
    ) -> None:
        count = self._loop.run(
            self._core.hub.control_all(action, code, message, session), timeout=self._close_timeout + 5.0
        )
        logger.info("Slack emulator: %s applied to %d session(s)", action, count)

    def calls(self, method: str | None = None) -> list[dict[str, Any]]:
        """Return the Web API calls received so far (of ``method``, if given), oldest first."""
        return self._calls.calls(method)

    def posted(self) -> list[dict[str, Any]]:
        """Return what was posted as the bot, oldest first: ``channel``, ``ts``, ``thread_ts``, ``text``.

        Unlike :meth:`calls`, this leaves out calls that failed, so it shows what a
        person in the workspace would see. The list is kept for the emulator's lifetime.
        """
        return self._core.bot_posts()

    def wait_for_calls(
        self, count: int, method: str | None = None, timeout: float = 10.0
    ) -> list[dict[str, Any]]:
        """Block until ``count`` calls (of ``method``) have arrived and return all of them.

        Raises ``TimeoutError`` that names the calls that did arrive.
        """
        return self._calls.wait_for(count, method, timeout)

    def wait_for_sessions(self, count: int = 1, timeout: float = 10.0) -> None:
        """Block until ``count`` sessions (RTM and Socket Mode together) are open and have received ``hello``."""
        hub = self._core.hub
        if not hub.wait(lambda: hub.open_count >= count, timeout):
            raise TimeoutError(
                f"timed out after {timeout:g} s waiting for {count} open session(s) (RTM or Socket Mode); "
                f"{hub.open_count} open, {self.connect_calls} rtm.connect and "
                f"{self.socket_connect_calls} apps.connections.open call(s) so far"
            )

    def wait_for_new_session(self, after: int, timeout: float | None = None) -> bool:
        """Block until more than ``after`` sessions have ever received ``hello`` and one is open.

        Returns ``False`` on time-out or when the emulator stops.
        """
        hub = self._core.hub
        return (
            hub.wait(
                lambda: self.stopping.is_set() or (hub.hello_count > after and hub.open_count > 0),
                timeout,
            )
            and not self.stopping.is_set()
        )

    @property
    def open_sessions(self) -> int:
        """The number of sessions (RTM and Socket Mode) that are open and have received ``hello``."""
        return self._core.hub.open_count

    @property
    def sessions_started(self) -> int:
        """The number of sessions (RTM and Socket Mode) that have received ``hello`` since the emulator started."""
        return self._core.hub.hello_count

    @property
    def connect_calls(self) -> int:
        """The number of ``rtm.connect`` and ``rtm.start`` calls received so far."""
        return sum(self._calls.count(method) for method in CONNECT_METHODS)

    def fail_method(
        self,
        method: str,
        *,
        status: int = 200,
        error: str | None = None,
        retry_after: float | None = None,
        delay: float = 0.0,
        times: int = 1,
        channel: str | None = None,
    ) -> None:
        """Make the next ``times`` calls of ``method`` fail or wait (0 means every call).

        With ``error``, the reply is ``{"ok": false, "error": error}`` with HTTP ``status``.
        Without it, status 429 replies ``ratelimited``, any other status replies its
        reason phrase as plain text, and status 200 only delays the normal reply.
        ``retry_after`` adds a ``retry-after`` header, ``delay`` waits before replying,
        and ``channel`` limits the fault to calls with that ``channel`` argument. Faults
        apply in the order they were added. Raises ``ValueError`` for a value out of range.
        """
        self._core.faults.add(Fault(method, status, error, retry_after, delay, times, channel))

    def clear_faults(self) -> None:
        """Remove every fault added by :meth:`fail_method` that is still pending."""
        self._core.faults.clear()

    def new_ts(self) -> str:
        """Return a new message ``ts``, later than every one the emulator has used."""
        return self._core.clock.next()

    def post_as_user(self, user: str, channel: str, text: str, thread_ts: str | None = None) -> str:
        """Send a message event written by ``user`` with a new ``ts``, and return that ``ts``."""
        event = self._core.user_message(user, channel, text, thread_ts)
        self._loop.call_soon(self._core.publish_message, event)
        return str(event["ts"])

    def run_scenario(self, scenario: Scenario) -> ScenarioPlayer:
        """Play a scenario's steps on a background thread, which is returned already started.

        The thread's ``error`` attribute keeps the error that stopped playback early, if any.
        """
        player = ScenarioPlayer(self, scenario)
        player.start()
        return player
