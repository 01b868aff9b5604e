"""The rules file seen from the screen: edit it in ``$EDITOR`` and notice when it changes."""

from __future__ import annotations

import hashlib
import logging
import os
import shlex
import subprocess
import threading
from pathlib import Path
from typing import Callable, Mapping

import watchfiles

logger = logging.getLogger(__name__)

WATCH_DEBOUNCE_MS = 300
"""Changes closer together than this are reported once, so one save is one reload."""


def editor_command(path: str, environ: Mapping[str, str] | None = None) -> list[str]:
    """Return the command that opens ``path`` in ``$EDITOR``; raise ValueError when it is unset."""
    environ = os.environ if environ is None else environ
    editor = environ.get("EDITOR", "").strip()
    if not editor:
        raise ValueError("$EDITOR is not set: set it to your editor, for example `export EDITOR=nano`")
    try:
        words = shlex.split(editor)
    except ValueError as error:
        raise ValueError(f"$EDITOR is invalid ({error}): {editor}") from None
    return [*words, path]


def run_editor(command: list[str]) -> None:
    """Run ``command`` in the terminal and wait for it; raise ValueError with the reason it failed."""
    try:
        completed = subprocess.run(command, check=False)
    except OSError as error:
        raise ValueError(f"starting the editor {command[0]!r} failed: {error.strerror or error}") from None
    if completed.returncode != 0:
        raise ValueError(f"the editor {command[0]!r} exited with status {completed.returncode}")


def file_digest(path: str) -> str | None:
    """Return a hash of the file's bytes, or None when it cannot be read."""
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return None


def watch_file(
    path: str,
    on_change: Callable[[], None],
    stop: threading.Event,
    *,
    debounce_ms: int = WATCH_DEBOUNCE_MS,
) -> None:
    """Call ``on_change`` whenever the file at ``path`` is written, created or replaced, until ``stop`` is set.

    The folder is watched rather than the file, because many editors save by writing a
    new file and renaming it over the old one.
    """
    target = Path(path).resolve()
    folder = target.parent

    def is_target(_change: watchfiles.Change, changed: str) -> bool:
        return Path(changed).resolve() == target

    logger.info("watching %s for changes", target)
    for _changes in watchfiles.watch(
        folder,
        watch_filter=is_target,
        debounce=debounce_ms,
        step=50,
        stop_event=stop,
        recursive=False,
        raise_interrupt=False,
    ):
        logger.info("%s changed", target)
        on_change()
    logger.info("stopped watching %s", target)
