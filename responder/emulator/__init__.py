"""A local Slack for tests and demos: Web API, RTM and Socket Mode websockets on a loopback port.

Start one with ``Emulator().start()`` (or as a context manager), point
``slack_sdk.WebClient(base_url=emulator.base_url)`` at it, and drive it through its
control API or a scenario file (see ``docs/emulator.md``).
"""

from responder.emulator.scenario import DEMO_SCENARIO, load_scenario, parse_scenario
from responder.emulator.server import Emulator
from responder.emulator.socket_records import Delivery, SocketAck, SocketModeSettings
from responder.emulator.steps import Scenario, Step
from responder.emulator.validation import ScenarioError
from responder.emulator.workspace import Channel, User, Workspace

__all__ = [
    "Channel",
    "DEMO_SCENARIO",
    "Delivery",
    "Emulator",
    "Scenario",
    "ScenarioError",
    "SocketAck",
    "SocketModeSettings",
    "Step",
    "User",
    "Workspace",
    "load_scenario",
    "parse_scenario",
]
