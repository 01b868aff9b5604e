"""An asyncio event loop on its own daemon thread, and thread-safe ways to give it work."""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


class LoopThread:
    """Runs one event loop on a daemon thread from :meth:`start` until :meth:`stop`."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._pending: deque[tuple[Callable[..., Any], tuple[Any, ...]]] = deque()
        self._pending_lock = threading.Lock()
        self._drain_scheduled = False

    @property
    def running(self) -> bool:
        """Whether the loop thread is running."""
        return self._thread is not None

    def start(self, setup: Callable[[], Awaitable[None]]) -> None:
        """Start the thread, run ``setup`` on its loop, and return when it is done.

        An exception raised by ``setup`` ends the thread and is raised here.
        """
        ready = threading.Event()
        failures: list[BaseException] = []
        thread = threading.Thread(
            target=self._run, args=(setup, ready, failures), name=self.name, daemon=True
        )
        thread.start()
        ready.wait()
        if failures:
            thread.join()
            raise failures[0]
        self._thread = thread

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the loop, cancel its remaining tasks and wait for the thread to end."""
        if self._loop is None or self._thread is None:
            return
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout)
        self._thread = None
        self._loop = None

    def _run(
        self,
        setup: Callable[[], Awaitable[None]],
        ready: threading.Event,
        failures: list[BaseException],
    ) -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(setup())
        except BaseException as error:  # handed to start(), which raises it in the caller
            failures.append(error)
            ready.set()
            loop.close()
            return

        self._loop = loop
        ready.set()
        try:
            loop.run_forever()
        finally:
            pending = asyncio.all_tasks(loop)
            for task in pending:
                task.cancel()
            loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            loop.close()

    def run(self, coroutine: Coroutine[Any, Any, T], timeout: float) -> T:
        """Run a coroutine on the loop, after every callback handed over before it, and wait.

        Raises ``TimeoutError`` (and cancels the coroutine) after ``timeout`` seconds.
        """
        loop = self._require_loop()
        future = asyncio.run_coroutine_threadsafe(coroutine, loop)
        try:
            return future.result(timeout)
        except concurrent.futures.TimeoutError as error:
            future.cancel()
            raise TimeoutError(f"{self.name} did not finish within {timeout:g} s") from error

    def call_soon(self, callback: Callable[..., Any], *arguments: Any) -> None:
        """Run ``callback`` on the loop after every callback handed over before it.

        Callbacks are batched so that a flood of them wakes the loop once per batch.
        """
        loop = self._require_loop()
        with self._pending_lock:
            self._pending.append((callback, arguments))
            if self._drain_scheduled:
                return
            self._drain_scheduled = True
        loop.call_soon_threadsafe(self._drain_pending)

    def _drain_pending(self) -> None:
        with self._pending_lock:
            batch = list(self._pending)
            self._pending.clear()
            self._drain_scheduled = False
        for callback, arguments in batch:
            callback(*arguments)

    def _require_loop(self) -> asyncio.AbstractEventLoop:
        if self._loop is None or self._thread is None:
            raise RuntimeError(f"{self.name} is not running; call start() first")
        if threading.current_thread() is self._thread:
            raise RuntimeError(
                f"{self.name}'s control API cannot be called from its own event loop"
            )
        return self._loop
