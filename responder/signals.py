"""Signal set-up for the long-running commands."""

from __future__ import annotations

import signal
import threading
from types import FrameType


def handle_stop_signals() -> None:
    """Make Ctrl+C (SIGINT) and SIGTERM stop the program cleanly.

    A shell that starts a program in the background without job control makes it
    ignore SIGINT, and Python then never raises ``KeyboardInterrupt``. A service has
    to stop on request all the same, so both signals raise ``KeyboardInterrupt`` in
    the main thread, where the commands stop the runtime and flush what is pending.
    """
    if threading.current_thread() is not threading.main_thread():
        return
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _interrupt)


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt(f"signal {signum}")
