"""``responder check``: report every problem of a rules file."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from responder.rules.loader import RulesFileUnreadable, check_rules
from responder.rules.model import Problem

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_UNREADABLE = 2


def print_problem(problem: Problem, out: TextIO) -> None:
    """Print a problem, then its source line with a caret under the column."""
    out.write(problem.format() + "\n")
    if problem.source_line is not None:
        out.write(f"    {problem.source_line}\n")
        out.write("    " + " " * max(0, problem.column - 1) + "^\n")


def run_check(path: Path) -> int:
    """Validate ``path``; exit 0 with only warnings or hints, 1 on errors, 2 unreadable."""
    try:
        rules, problems = check_rules(path)
    except RulesFileUnreadable as error:
        sys.stderr.write(f"{error}\n")
        return EXIT_UNREADABLE

    for problem in problems:
        print_problem(problem, sys.stderr)

    errors = sum(1 for problem in problems if problem.severity == "error")
    if errors or rules is None:
        sys.stderr.write(f"{path}: {errors} error(s); the file was not loaded\n")
        return EXIT_INVALID

    sys.stdout.write(f"{path}: {len(rules.rules)} rules, no errors")
    warnings = len(problems)
    sys.stdout.write(f", {warnings} warning(s) or hint(s)\n" if warnings else "\n")
    return EXIT_OK
