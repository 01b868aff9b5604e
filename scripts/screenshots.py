"""Write the README screenshots of the monitoring screen, taken against the demo.

Run from the repository root:

    python scripts/screenshots.py [--out screenshots] [--pace 0.25]

It starts the bundled Slack emulator with the demo scenario, and the real runtime with a
copy of ``rules.example.toml``. It runs the screen headless at 140×40 and waits for
traffic. Then it writes ``main``, ``explain``, ``reload-error`` and ``reconnect`` as SVG
files, with PNG copies when CairoSVG is installed (``pip install '.[screenshots]'``).
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import logging
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

# Run as a file (python scripts/screenshots.py), the script has only its own folder on
# the import path, so the repository root is added.
if not __package__:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from textual.pilot import Pilot  # noqa: E402

from responder.commands.demo import DEMO_TOKEN, default_rules, default_scenario
from responder.emulator import Emulator, Scenario, load_scenario
from responder.emulator.steps import Wait
from responder.record_buffer import RecordBuffer
from responder.records import DecisionMade
from responder.rules.loader import load_rules
from responder.runtime import RunConfig, Runtime
from responder.tui.app import ResponderApp

logger = logging.getLogger("screenshots")

SIZE = (140, 40)
BROKEN_RULE = '''
[[rule]]
name = "broken"
chanels = ["#ops"]
regex = '(unclosed'
[[rule.action]]
reply = "{nobody}"
'''
"""Appended to the rules copy for the reload-error screenshot: three errors in one rule."""


def quicker(scenario: Scenario, pace: float) -> Scenario:
    """Return ``scenario`` with every wait multiplied by ``pace``."""
    steps = tuple(
        dataclasses.replace(step, action=Wait(step.action.seconds * pace))
        if isinstance(step.action, Wait)
        else step
        for step in scenario.steps
    )
    return dataclasses.replace(scenario, steps=steps)


async def wait_until(pilot: Pilot[Any], condition: Callable[[], bool], timeout: float, what: str) -> None:
    """Let the app run until ``condition`` holds; raise TimeoutError naming ``what``."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout:.0f} s waiting for {what}")
        await pilot.pause(0.05)


def save(app: ResponderApp, out: Path, name: str) -> None:
    """Write the screen as ``NAME.svg`` and, with CairoSVG, ``NAME.png``."""
    svg = app.export_screenshot(title=f"responder — {name}")
    svg_path = out / f"{name}.svg"
    svg_path.write_text(svg, encoding="utf-8")
    try:
        import cairosvg  # type: ignore[import-untyped]
    except ImportError:
        logger.warning("CairoSVG is not installed; %s has no PNG copy", svg_path)
        return
    # Cairo does not read the SVG's web fonts, and its fallback for them is not monospaced.
    for_cairo = svg.replace("font-family: Fira Code, monospace", "font-family: monospace")
    cairosvg.svg2png(bytestring=for_cairo.encode("utf-8"), write_to=str(out / f"{name}.png"), output_width=1800)
    logger.info("wrote %s and its PNG", svg_path)


async def take(app: ResponderApp, emulator: Emulator, rules_path: Path, out: Path) -> None:
    """Drive the screen through the four views and save each."""
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.state.counters.events >= 10, 120, "ten events")
        await wait_until(pilot, lambda: app.state.counters.sent >= 3, 60, "three sent actions")
        await pilot.pause(0.5)
        save(app, out, "main")

        fired = [index for index, row in enumerate(app.events.rows()) if isinstance(row, DecisionMade) and row.decision.fired]
        app.events.move_cursor(fired[-1] if fired else app.events.row_count - 1)
        await pilot.press("enter")
        await wait_until(pilot, lambda: "Explaining" not in _explanation(app), 10, "the explanation")
        await pilot.pause(0.3)
        save(app, out, "explain")
        await pilot.press("escape")

        original = rules_path.read_text(encoding="utf-8")
        rules_path.write_text(original + BROKEN_RULE, encoding="utf-8")
        await pilot.press("r")
        await wait_until(pilot, lambda: app.rules_banner.display, 10, "the reload error banner")
        await pilot.pause(0.3)
        save(app, out, "reload-error")
        rules_path.write_text(original, encoding="utf-8")
        await pilot.press("r")
        await wait_until(pilot, lambda: not app.rules_banner.display, 10, "the reload of the fixed file")

        emulator.close_sessions(1011, "server error")
        await wait_until(pilot, lambda: _phase(app) == "reconnecting", 10, "the reconnect")
        await pilot.pause(0.1)
        save(app, out, "reconnect")


def _explanation(app: ResponderApp) -> str:
    return str(getattr(app.screen, "explanation_text", "Explaining"))


def _phase(app: ResponderApp) -> str | None:
    return app.state.connection.phase if app.state.connection else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("screenshots"), help="folder for the files (default: screenshots)")
    parser.add_argument("--pace", type=float, default=0.25, help="factor for the demo's waits (default: 0.25)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    home = Path.cwd()

    with tempfile.TemporaryDirectory(prefix="responder-screenshots-") as folder:
        # A relative rules path, so that the screen shows no temporary folder.
        rules_path = Path("rules.example.toml")
        shutil.copyfile(default_rules(), Path(folder) / rules_path)
        scenario = quicker(load_scenario(default_scenario()), args.pace)
        os.chdir(folder)
        with Emulator(scenario.workspace) as emulator:
            emulator.run_scenario(scenario)
            buffer = RecordBuffer()
            config = RunConfig(rules_path=rules_path, token=DEMO_TOKEN, slack_url=emulator.base_url, min_post_interval=0.2)
            runtime = Runtime(config, buffer, load_rules(rules_path))
            app = ResponderApp(
                buffer,
                runtime,
                rules_path=str(rules_path),
                keymap_file=Path(folder) / "keys.toml",
                watch_rules=False,
                cursor_blink=False,
            )
            runtime.start()
            try:
                asyncio.run(take(app, emulator, rules_path, out))
            finally:
                runtime.stop()
                os.chdir(home)
    return 0


if __name__ == "__main__":
    sys.exit(main())
