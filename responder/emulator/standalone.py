"""Running the emulator on its own, as ``responder emulator`` does, until Ctrl+C."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from responder.emulator.scenario import load_scenario
from responder.emulator.server import Emulator
from responder.emulator.socket_records import Delivery, SocketAck
from responder.emulator.steps import Scenario
from responder.emulator.validation import ScenarioError
from responder.signals import handle_stop_signals

logger = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_CANNOT_LISTEN = 1
EXIT_BAD_SCENARIO = 2


def run_standalone(
    scenario: Path | None, calls: Path | None, port: int, host: str = "127.0.0.1"
) -> int:
    """Serve a local Slack until interrupted, playing ``scenario`` if one is given.

    The first line printed to standard output is ``Slack emulator listening on
    <base URL>``. The scenario's steps start once the first RTM session has received
    ``hello``, unless the file sets ``start = "immediately"``. Returns the exit status:
    0 after Ctrl+C, 1 when the port or the calls file cannot be opened, 2 for a scenario
    file that does not load.
    """
    handle_stop_signals()
    loaded: Scenario | None = None
    if scenario is not None:
        try:
            loaded = load_scenario(scenario)
        except ScenarioError as error:
            print(f"error: {error}", file=sys.stderr)
            return EXIT_BAD_SCENARIO

    workspace = loaded.workspace if loaded is not None else None
    emulator = Emulator(workspace, calls_path=calls, host=host, port=port)
    try:
        emulator.start()
    except OSError as error:
        if error.filename:
            problem = f"cannot write the calls file {error.filename}: {error.strerror}"
        else:
            problem = f"cannot listen on {host}:{port}: {error.strerror or error}"
        print(f"error: {problem}", file=sys.stderr)
        return EXIT_CANNOT_LISTEN

    print(f"Slack emulator listening on {emulator.base_url}", flush=True)
    try:
        if loaded is not None:
            emulator.run_scenario(loaded)
        while not emulator.stopping.wait(0.5):
            pass
    except KeyboardInterrupt:
        logger.info("Slack emulator: interrupted, stopping")
    finally:
        emulator.stop()
        summary = socket_mode_summary(emulator.socket_deliveries(), emulator.socket_acks())
        if summary:
            print(summary, flush=True)
    return EXIT_OK


def socket_mode_summary(deliveries: list[Delivery], acks: list[SocketAck]) -> str:
    """Return a line that counts the envelopes sent and their acknowledgements, or "" without Socket Mode."""
    if not deliveries and not acks:
        return ""

    events = {delivery.event_id for delivery in deliveries}
    redelivered = sum(1 for delivery in deliveries if delivery.retry_attempt > 0)
    acked = {ack.envelope_id for ack in acks if ack.status == "acked"}
    unacknowledged = sum(1 for delivery in deliveries if delivery.envelope_id not in acked)
    repeated = sum(1 for ack in acks if ack.status == "duplicate")
    unknown = sum(1 for ack in acks if ack.status == "unknown")
    return (
        f"Socket Mode: {len(deliveries)} envelopes for {len(events)} events "
        f"({redelivered} redelivered); {len(acked)} acknowledged, {repeated} acknowledged again, "
        f"{unacknowledged} never acknowledged, {unknown} acknowledgements of unknown envelopes"
    )
