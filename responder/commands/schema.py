"""``responder schema``: the JSON Schema of rules files, for editors that check TOML."""

from __future__ import annotations

import sys
from importlib import resources
from pathlib import Path
from typing import TextIO

SCHEMA_FILE = "rules.schema.json"


def schema_path() -> Path:
    """Return the path of the JSON Schema shipped with the package."""
    return Path(str(resources.files("responder") / "schema" / SCHEMA_FILE))


def schema_command(print_schema: bool, out: TextIO | None = None) -> int:
    """Print the schema's path, or the schema itself with ``print_schema``."""
    out = out if out is not None else sys.stdout
    path = schema_path()
    if print_schema:
        out.write(path.read_text(encoding="utf-8"))
    else:
        out.write(f"{path}\n")
    return 0
