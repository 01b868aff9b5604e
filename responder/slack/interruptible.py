"""Blocking calls that a stop request does not have to wait for."""

from __future__ import annotations

import threading
from typing import Callable, TypeVar

T = TypeVar("T")

_POLL = 0.1
"""Seconds between two checks of the stop event while a call runs."""


class Stopped(Exception):
    """A stop was requested while the transport waited."""


def call_interruptibly(func: Callable[[], T], stopping: threading.Event) -> T:
    """Run ``func`` on a helper thread and return its result or raise its exception.

    Raises ``Stopped`` as soon as ``stopping`` is set. The helper thread is a daemon
    and is left to finish on its own, so ``func`` must clean up after itself.
    """
    outcome: list[tuple[bool, object]] = []
    done = threading.Event()

    def target() -> None:
        try:
            outcome.append((True, func()))
        except BaseException as error:  # handed to the caller, which re-raises it
            outcome.append((False, error))
        finally:
            done.set()

    threading.Thread(target=target, name="slack-call", daemon=True).start()
    while not done.wait(_POLL):
        if stopping.is_set():
            raise Stopped()

    succeeded, value = outcome[0]
    if not succeeded:
        assert isinstance(value, BaseException)
        raise value
    return value  # type: ignore[return-value]
