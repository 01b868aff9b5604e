"""Playing a scenario's steps against a running emulator, on a background thread."""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING, Any

from responder.emulator.steps import (
    NEW_TS,
    TS_REFERENCE,
    Action,
    BlackHoleSessions,
    ClearFaults,
    CloseSessions,
    DisconnectSocketMode,
    EnableSocketMode,
    EndSessions,
    Goodbye,
    InjectFault,
    PingSessions,
    PostMessage,
    ResetSessions,
    Scenario,
    SendEvent,
    SendRaw,
    StallHandshakes,
    Step,
    Wait,
    WaitForSession,
)

if TYPE_CHECKING:
    from responder.emulator.server import Emulator

logger = logging.getLogger(__name__)


class ScenarioPlayer(threading.Thread):
    """Plays the steps in order, ``repeat`` times, until done or the emulator stops.

    With ``start = "hello"`` the first step waits until a session (RTM or Socket Mode)
    has received ``hello``; with ``"immediately"`` it runs at once.
    """

    def __init__(self, emulator: Emulator, scenario: Scenario) -> None:
        super().__init__(name=f"scenario {scenario.source}", daemon=True)
        self.emulator = emulator
        self.scenario = scenario
        self.remembered: dict[str, str] = {}
        """The ``ts`` of each named step, for ``{ts:NAME}``."""
        self.error: BaseException | None = None
        """The error that ended playback early, if any."""

    def run(self) -> None:
        """Play the scenario; log, and keep in :attr:`error`, whatever stops it early."""
        source = self.scenario.source
        try:
            if self.scenario.start == "hello" and not self.emulator.wait_for_new_session(after=0):
                return
            logger.info("scenario %s: started", source)
            self._play_rounds()
        except Exception as error:  # a step failed: report it with the step, end playback
            self.error = error
            if not self.emulator.stopping.is_set():
                logger.error("scenario %s: stopped: %s", source, error)

    def _play_rounds(self) -> None:
        round_number = 0
        while self.scenario.repeat is None or round_number < self.scenario.repeat:
            round_number += 1
            logger.info("scenario %s: round %d", self.scenario.source, round_number)
            for step in self.scenario.steps:
                if not self._play_step(step):
                    return
        logger.info("scenario %s: finished", self.scenario.source)

    def _play_step(self, step: Step) -> bool:
        for _ in range(step.repeat):
            if self.emulator.stopping.is_set():
                return False
            try:
                ts = self._perform(step.action)
            except Exception as error:
                raise RuntimeError(f"step {step.number}: {error}") from error
            if step.name is not None and ts is not None:
                self.remembered[step.name] = ts
        return not self.emulator.stopping.is_set()

    def _perform(self, action: Action) -> str | None:
        """Carry out one action; return the ``ts`` of the message it sent, if any."""
        emulator = self.emulator
        if isinstance(action, SendEvent):
            event = self._fill_in(action.event)
            emulator.send_event(event)
            ts = event.get("ts")
            return ts if isinstance(ts, str) else None
        if isinstance(action, PostMessage):
            thread_ts = self._fill_in(action.thread_ts) if action.thread_ts else None
            return emulator.post_as_user(action.user, action.channel, action.text, thread_ts)
        if isinstance(action, Wait):
            emulator.stopping.wait(action.seconds)
        elif isinstance(action, WaitForSession):
            after = emulator.sessions_started if action.new else 0
            emulator.wait_for_new_session(after)
        elif isinstance(action, Goodbye):
            emulator.goodbye(close=action.close, code=action.code)
        elif isinstance(action, CloseSessions):
            emulator.close_sessions(action.code, action.reason)
        elif isinstance(action, EndSessions):
            emulator.end_sessions()
        elif isinstance(action, ResetSessions):
            emulator.reset_sessions()
        elif isinstance(action, BlackHoleSessions):
            emulator.black_hole_sessions()
        elif isinstance(action, DisconnectSocketMode):
            emulator.disconnect_socket_mode(action.reason)
        elif isinstance(action, EnableSocketMode):
            emulator.enable_socket_mode()
        elif isinstance(action, StallHandshakes):
            emulator.stall_handshakes(action.count)
        elif isinstance(action, PingSessions):
            emulator.ping_sessions(action.payload.encode("utf-8"))
        elif isinstance(action, SendRaw):
            emulator.send_raw(action.text)
        elif isinstance(action, InjectFault):
            fault = action.fault
            emulator.fail_method(
                fault.method,
                status=fault.status,
                error=fault.error,
                retry_after=fault.retry_after,
                delay=fault.delay,
                times=fault.times,
                channel=fault.channel,
            )
        elif isinstance(action, ClearFaults):
            emulator.clear_faults()
        return None

    def _fill_in(self, value: Any) -> Any:
        """Return a copy of ``value`` with ``{new_ts}`` and ``{ts:NAME}`` strings replaced."""
        new_ts: list[str] = []

        def replace(item: Any) -> Any:
            if isinstance(item, dict):
                return {key: replace(inner) for key, inner in item.items()}
            if isinstance(item, list):
                return [replace(inner) for inner in item]
            if item == NEW_TS:
                if not new_ts:
                    new_ts.append(self.emulator.new_ts())
                return new_ts[0]
            if isinstance(item, str):
                match = TS_REFERENCE.match(item)
                if match:
                    return self.remembered[match.group(1)]
            return item

        return replace(value)
