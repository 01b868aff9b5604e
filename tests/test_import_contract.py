"""Only ``responder.tui`` may import Textual: the rest of the package runs headless."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "responder"


def core_modules() -> list[str]:
    """Every module of the package outside ``responder.tui``, by dotted name, from its files."""
    names = []
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        name = ".".join(parts)
        if name == "responder.tui" or name.startswith("responder.tui."):
            continue
        if name == "responder.__main__":
            continue  # importing it runs the command line
        names.append(name)
    return sorted(names)


def test_core_imports_without_textual() -> None:
    modules = core_modules()
    script = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "loaded = sorted(name for name in sys.modules if name == 'textual' or name.startswith('textual.'))\n"
        "print(','.join(loaded))\n"
    )

    completed = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60
    )

    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == "", f"Textual was imported: {completed.stdout.strip()}"


def test_contract_covers_the_core_modules() -> None:
    modules = core_modules()

    assert "responder.records" in modules
    assert "responder.record_buffer" in modules
    assert not any(name.startswith("responder.tui") for name in modules)
