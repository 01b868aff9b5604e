"""Garbage-collector settings for a long-running screen.

A full collection stops every thread, the transport's and the engine's included, for
as long as it takes to walk every tracked object. Right after start-up most tracked
objects are modules, classes, functions and the mounted widgets, which live until the
program ends. Freezing them moves them to the permanent generation, which collections
skip. In one run of ``bench/tui_census.py`` at 1,000 events/s (2 cores, load average
about 2), a full collection then walked 42,000 tracked objects in 25 ms, against
130,000 objects and about 100 ms without the freeze.
"""

from __future__ import annotations

import gc
import logging
import time

logger = logging.getLogger(__name__)


def freeze_startup_objects() -> None:
    """Collect the garbage of start-up, then exempt every object still alive from collections.

    Objects frozen here are never collected, even if they become garbage later, so call
    this once, after start-up, in a process that runs one screen.
    """
    started = time.perf_counter()
    gc.collect()
    gc.freeze()
    logger.info(
        "Froze %d start-up objects for the garbage collector in %.0f ms",
        gc.get_freeze_count(),
        (time.perf_counter() - started) * 1000,
    )
