"""The user's key map: binding ids → keys, read from ``keys.toml`` in the config folder."""

from __future__ import annotations

import difflib
import os
import sys
from pathlib import Path
from typing import Any, Collection, Mapping

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[import-not-found, no-redef, unused-ignore]

KEYMAP_FILE = Path("responder") / "keys.toml"


def keymap_path(environ: Mapping[str, str] | None = None) -> Path:
    """Return ``$XDG_CONFIG_HOME/responder/keys.toml``, with ``~/.config`` when the variable is unset."""
    environ = os.environ if environ is None else environ
    config_home = environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config_home) / KEYMAP_FILE


def load_keymap(path: Path, known_ids: Collection[str]) -> tuple[dict[str, str], list[str]]:
    """Read the key map at ``path`` and return it with the problems found, one sentence each.

    The file maps binding ids to keys, for example ``"responder.quit" = "ctrl+x"``; a
    value may list several keys separated by commas. An unquoted dotted id
    (``responder.quit = …``) reads as nested tables, which are joined back with dots.
    A missing file is an empty key map. Entries with an unknown id or a value that is
    not a string are left out and reported.
    """
    try:
        with path.open("rb") as file:
            data = tomllib.load(file)
    except FileNotFoundError:
        return {}, []
    except (OSError, tomllib.TOMLDecodeError) as error:
        return {}, [f"{path}: invalid key map, default keys kept: {error}"]

    keymap: dict[str, str] = {}
    problems: list[str] = []
    for binding_id, keys in _flatten(data).items():
        if binding_id not in known_ids:
            problems.append(f"{path}: {binding_id}: unknown binding id{_suggestion(binding_id, known_ids)}")
        elif not isinstance(keys, str) or not keys.strip():
            problems.append(f"{path}: {binding_id}: the keys must be a non-empty string such as \"ctrl+x\"")
        else:
            keymap[binding_id] = keys.strip()
    return keymap, problems


def _flatten(data: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, name + "."))
        else:
            flat[name] = value
    return flat


def _suggestion(binding_id: str, known_ids: Collection[str]) -> str:
    close = difflib.get_close_matches(binding_id, list(known_ids), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""
