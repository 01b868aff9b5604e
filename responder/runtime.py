"""Wiring of one running responder: transport → events → engine → outbox → records."""

from __future__ import annotations

import logging
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Literal, Mapping

from slack_sdk import WebClient

from responder.decisions import Decision
from responder.engine import Engine
from responder.journal import DEFAULT_MAX_AGE, Journal, JournalError
from responder.record_buffer import RecordSink, RuleSwitches
from responder.recorder import Recorder
from responder.records import ConnectionState, DecisionMade, Notice, Record, RulesLoaded
from responder.rules.loader import RulesError, load_rules
from responder.rules.model import RuleSet
from responder.slack.backoff import Backoff
from responder.slack.directory import Directory, load_directory
from responder.slack.normalise import normalise
from responder.slack.outbox import Outbox
from responder.slack.transport import FatalConnectError, RtmTransport, SocketModeTransport, Transport
from responder.runtime_controls import MessageInjector, RuntimeControls, build_engine

logger = logging.getLogger(__name__)

SLACK_API_URL = "https://slack.com/api/"

TransportName = Literal["rtm", "socket-mode"]


@dataclass(frozen=True, slots=True)
class RunConfig:
    """Everything ``responder run`` needs; the tokens are never shown in a repr.

    ``token`` is the bot token, for every Web API call. ``transport`` ``socket-mode``
    also needs ``app_token``, the app-level token (``xapp-``) that opens connections.

    ``journal_path`` None runs without a delivery journal (``--no-journal``).
    ``reconnect_delay`` is the first reconnect backoff step in seconds. Later steps
    double up to ``reconnect_max_delay``. The backoff starts again from its first
    step only after a session stayed up for ``stable_after`` seconds.
    """

    rules_path: Path
    token: str = field(repr=False)
    slack_url: str = SLACK_API_URL
    dry_run: bool = False
    ping_interval: float = 10.0
    pong_timeout: float = 10.0
    min_post_interval: float = 1.0
    ca_bundle: str | None = None
    journal_path: Path | None = None
    journal_max_age: float = DEFAULT_MAX_AGE
    handshake_timeout: float = 15.0
    reconnect_delay: float = 1.0
    reconnect_max_delay: float = 60.0
    stable_after: float = 30.0
    record_path: Path | None = None
    transport: TransportName = "rtm"
    app_token: str | None = field(default=None, repr=False)


class Runtime:
    """One responder: owns the rules, the engine, the transport and the outbox.

    ``start`` loads the rules (raising ``RulesError`` before any network call) and
    starts the transport thread. Every outcome reaches ``sink`` as a record. With a
    journal (``config.journal_path``), the first connection also sends the actions
    that an earlier run planned and never handed to Slack. Raises ``JournalError``
    when the journal file cannot be opened.
    """

    def __init__(
        self,
        config: RunConfig,
        sink: RecordSink,
        rules: RuleSet | None = None,
        *,
        injector: MessageInjector | None = None,
    ) -> None:
        self.config = config
        self._sink = sink
        self._rules = rules if rules is not None else load_rules(config.rules_path)
        self._lock = threading.Lock()
        self._engine: Engine | None = None
        self._directory = Directory()
        self._controls = RuntimeControls(self._lock, injector)
        self._controls.rules = self._rules
        self._recorder = Recorder(config.record_path) if config.record_path is not None else None
        self._client = make_web_client(config)
        self._journal = Journal(config.journal_path, max_age=config.journal_max_age) if config.journal_path else None
        self._journal_started = False
        self._limit_reported: dict[str, float] = {}

        # The outbox turns off its client's own retries, so it gets a client of its own.
        self._outbox = Outbox(
            make_web_client(config),
            on_record=sink,
            min_interval=config.min_post_interval,
            max_text_length=self._rules.settings.max_text_length,
            journal=self._journal,
        )

        self._transport = make_transport(config, self._client, self._on_event, self._on_transport_record)
        self._thread: threading.Thread | None = None
        self.fatal_error: str | None = None
        self.done = threading.Event()
        self._stopped = False

    @property
    def rules(self) -> RuleSet:
        """The rules in force."""
        return self._rules

    def start(self) -> None:
        """Report the loaded rules and start the transport on its own thread."""
        self._report_rules()
        self._thread = threading.Thread(target=self._run_transport, name="transport", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop reading, let queued actions finish briefly, and mark the runtime done."""
        if self._stopped:
            return
        self._stopped = True
        self._transport.stop()
        if self._thread is not None:
            self._thread.join(timeout=5.0)
        self._outbox.close(timeout=5.0)
        if self._journal is not None:
            self._journal.close()
        if self._recorder is not None:
            self._recorder.close()
        self.done.set()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the transport has ended (stopped, or a fatal error)."""
        return self.done.wait(timeout)

    def reload_rules(self) -> None:
        """Load the rules file again; a broken file keeps the current rules."""
        try:
            rules = load_rules(self.config.rules_path)
        except RulesError as error:
            messages = tuple(problem.format() for problem in error.problems)
            logger.error("reload of %s failed; keeping the current rules: %s", self.config.rules_path, messages[0])
            self._sink(RulesLoaded(time.time(), str(self.config.rules_path), ok=False, errors=messages))
            return

        with self._lock:
            self._rules = rules
            self._controls.rules = rules
            if self._engine is not None:
                self._engine.replace_rules(rules)
        self._outbox.max_text_length = rules.settings.max_text_length
        self._report_rules()

    def names(self) -> tuple[Mapping[str, str], Mapping[str, str]]:
        """Channel id → name and user id → name, as looked up at connect."""
        return self._controls.names()

    def rule_switches(self) -> Mapping[str, RuleSwitches]:
        """The enabled and dry-run switches in force for every rule."""
        return self._controls.rule_switches()

    def set_rule_enabled(self, name: str, enabled: bool) -> None:
        """Switch rule ``name`` on or off until the responder stops."""
        self._controls.set_rule_enabled(name, enabled)

    def set_rule_dry_run(self, name: str, dry_run: bool) -> None:
        """Make rule ``name`` a dry run or live."""
        self._controls.set_rule_dry_run(name, dry_run)

    def set_dry_run(self, dry_run: bool | None) -> None:
        """Make every rule a dry run or live; None gives each rule the rules file's setting."""
        self._controls.set_dry_run(dry_run)

    def explain(self, decision: Decision) -> str | None:
        """Explain condition by condition why each rule did or did not fire."""
        return self._controls.explain(decision)

    def try_message(self, text: str, channel: str | None, user: str | None) -> str | None:
        """Post a message into the demo's emulator, or explain it as a dry run."""
        return self._controls.try_message(text, channel, user)

    def _report_rules(self) -> None:
        names = tuple(rule.name for rule in self._rules.rules)
        warnings = tuple(problem.format() for problem in self._rules.warnings)
        logger.info("loaded %d rules from %s", len(names), self.config.rules_path)
        for warning in warnings:
            logger.warning("%s", warning)
        self._sink(RulesLoaded(time.time(), str(self.config.rules_path), ok=True, rule_names=names, warnings=warnings))

    def _run_transport(self) -> None:
        try:
            self._transport.run()
        except FatalConnectError as error:
            self.fatal_error = str(error)
            logger.error("%s", error)
            self._sink(Notice(time.time(), "error", str(error)))
        except Exception as error:  # noqa: BLE001 - the last line of defence of a thread
            self.fatal_error = f"transport failed: {error.__class__.__name__}: {error}"
            logger.exception("transport failed")
            self._sink(Notice(time.time(), "error", self.fatal_error))
        finally:
            self.done.set()

    def _on_transport_record(self, record: Record) -> None:
        if isinstance(record, ConnectionState) and record.phase == "connected" and self._engine is None:
            self._prepare_engine()
        self._sink(record)
        if isinstance(record, ConnectionState) and record.phase == "connected":
            self._resume_journal()

    def _prepare_engine(self) -> None:
        identity = self._transport.identity
        if identity is None:
            return
        self._directory = load_directory(self._client, self._sink)
        engine = build_engine(self._rules, identity, self._directory, every_rule=False)
        if self.config.dry_run:
            engine.set_dry_run(None, True)
        with self._lock:
            self._controls.attach(engine, identity, self._directory)
            self._engine = engine

    def _on_event(self, payload: Mapping[str, Any]) -> None:
        if self._recorder is not None:
            self._recorder.write(payload)
        if self._engine is None:
            self._prepare_engine()
        identity = self._transport.identity
        if self._engine is None or identity is None:
            logger.warning("event before the bot's identity was known; skipped: %s", payload.get("type"))
            return

        event = normalise(payload, identity)
        with self._lock:
            decision = self._engine.decide(event)
        self._sink(DecisionMade(time.time(), decision))
        self._report_reply_limit(decision)

        for action in decision.actions:
            self._outbox.submit(action)

    def _resume_journal(self) -> None:
        """Once per run: send the actions that earlier runs planned and never handed to Slack."""
        identity = self._transport.identity
        if self._journal is None or self._journal_started or identity is None:
            return
        self._journal_started = True

        scope = f"{identity.team_id or identity.user_id}@{self._client.base_url}"
        try:
            unsent = self._journal.begin(scope)
        except JournalError as error:
            logger.error("%s; actions planned by earlier runs are not sent", error)
            self._sink(Notice(time.time(), "error", str(error)))
            return
        if unsent:
            message = f"sending {len(unsent)} actions that an earlier run planned and did not send"
            logger.info("journal %s: %s", self._journal.path, message)
            self._sink(Notice(time.time(), "info", message))
            self._outbox.resume(unsent)

    def _report_reply_limit(self, decision: Decision) -> None:
        """Warn once per channel and window when ``reply_limit`` drops a post there."""
        reasons = [skip.reason for skip in decision.skipped if skip.reason.startswith("reply_limit")]
        if not reasons or self._engine is None:
            return

        limit = self._rules.settings.reply_limit
        now = time.time()
        with self._lock:
            blocked = self._engine.limited_channels(now)
        for channel in blocked:
            reported_at = self._limit_reported.get(channel)
            mentioned = any(reason.endswith(f" in {channel}") for reason in reasons)
            if not mentioned or (reported_at is not None and now - reported_at < limit.seconds):
                continue
            self._limit_reported[channel] = now
            message = (
                f"reply_limit {limit.count}/{limit.seconds:g}s reached in {channel}: "
                "posts there are dropped until the window has room again"
            )
            logger.warning("%s", message)
            self._sink(Notice(now, "warning", message, ids=(channel,)))


def make_web_client(config: RunConfig, token: str | None = None) -> WebClient:
    """Build the Web API client for ``config`` (base URL, TLS trust), with the bot token by default."""
    from responder.slack.tls import ssl_context

    return WebClient(
        token=token or config.token, base_url=api_base_url(config.slack_url), timeout=30, ssl=ssl_context(config.ca_bundle)
    )


def api_base_url(slack_url: str) -> str:
    """Return ``slack_url`` with the trailing slash that slack_sdk needs, and ``api/`` when it has no path.

    ``http://127.0.0.1:8765`` becomes ``http://127.0.0.1:8765/api/``, as Web API methods
    live under ``/api/``; a URL with a path of its own keeps it.
    """
    parts = urllib.parse.urlsplit(slack_url)
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    if path == "/":
        path = "/api/"
    return urllib.parse.urlunsplit(parts._replace(path=path))


def make_transport(
    config: RunConfig,
    client: WebClient,
    on_event: Callable[[dict[str, Any]], None],
    on_record: Callable[[Record], None],
) -> Transport:
    """Build the transport that ``config.transport`` names, around the bot token's ``client``.

    Raises ``ValueError`` for Socket Mode without an app-level token.
    """
    options: dict[str, Any] = {
        "on_event": on_event,
        "on_record": on_record,
        "ping_interval": config.ping_interval,
        "pong_timeout": config.pong_timeout,
        "handshake_timeout": config.handshake_timeout,
        "backoff": reconnect_backoff(config),
        "stable_after": config.stable_after,
        "sslopt": ssl_options(config.ca_bundle),
    }
    if config.transport == "rtm":
        logger.info("transport: RTM, with the bot token")
        return RtmTransport(client, **options)

    if not config.app_token:
        raise ValueError("the socket-mode transport needs an app-level token (SLACK_APP_TOKEN, xapp-…)")
    logger.info("transport: Socket Mode, with the app-level token for connections and the bot token for calls")
    app_client = make_web_client(config, token=config.app_token)
    return SocketModeTransport(client, app_client, **options)


def reconnect_backoff(config: RunConfig) -> Backoff:
    """Return the transport's reconnect backoff for ``config``."""
    cap = max(config.reconnect_delay, config.reconnect_max_delay)
    return Backoff(config.reconnect_delay, cap=cap, minimum=min(0.5, config.reconnect_delay))


def ssl_options(ca_bundle: str | None) -> dict[str, Any]:
    """websocket-client ``sslopt`` that always verifies, with an optional CA file."""
    from responder.slack.tls import websocket_sslopt

    return websocket_sslopt(ca_bundle)

