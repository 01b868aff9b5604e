"""``responder demo``: the responder against an in-process emulator with demo traffic."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from importlib import resources
from pathlib import Path

from responder.commands.run import APP_TOKEN_VARIABLE, EXIT_USAGE, choose_transport, load_or_report, serve
from responder.emulator import Emulator, ScenarioError, load_scenario
from responder.runtime import RunConfig

logger = logging.getLogger(__name__)

DEMO_TOKEN = "xoxb-demo-token"
DEMO_APP_TOKEN = "xapp-demo-token"
EXAMPLE_RULES = "rules.example.toml"


def default_rules() -> Path:
    """``rules.example.toml`` in the current folder, else the copy in the package."""
    local = Path(EXAMPLE_RULES)
    if local.is_file():
        return local
    return Path(str(resources.files("responder") / "data" / EXAMPLE_RULES))


def default_scenario() -> Path:
    """The bundled demo scenario."""
    return Path(str(resources.files("responder.emulator") / "scenarios" / "demo.toml"))


def demo_command(args: argparse.Namespace) -> int:
    """Start the emulator, play the demo scenario, and run the responder against it."""
    rules_path = args.rules if args.rules is not None else default_rules()
    rules = load_or_report(rules_path)
    if isinstance(rules, int):
        return rules

    try:
        scenario = load_scenario(args.scenario if args.scenario is not None else default_scenario())
    except ScenarioError as error:
        sys.stderr.write(f"{error}\n")
        return EXIT_USAGE

    # The emulator accepts the demo's own tokens, so auto follows only whether the
    # user's SLACK_APP_TOKEN is set, as it does for `responder run`.
    app_token = os.environ.get(APP_TOKEN_VARIABLE, "").strip() or None
    transport = choose_transport(args.transport, app_token)

    with Emulator(scenario.workspace) as emulator:
        logger.info("demo: Slack emulator at %s, transport %s", emulator.base_url, transport)
        emulator.run_scenario(scenario)
        config = RunConfig(
            rules_path=rules_path,
            token=DEMO_TOKEN,
            slack_url=emulator.base_url,
            dry_run=args.dry_run,
            ping_interval=args.ping_interval,
            pong_timeout=args.pong_timeout,
            journal_path=None,
            record_path=args.record,
            transport=transport,
            app_token=(emulator.workspace.app_tokens or (DEMO_APP_TOKEN,))[0],
        )
        return serve(config, rules, headless=args.headless, duration=args.duration, injector=emulator.post_as_user)
