"""Entry point for ``python -m responder``."""

from responder.cli import main

raise SystemExit(main())
