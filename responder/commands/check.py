"""``responder check``: report every problem of one or more rules files."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Sequence, TextIO

from responder.rules.loader import CheckedFile, check_files
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


def report_file(checked: CheckedFile) -> int:
    """Print the problems and summary of one file; return its exit status."""
    if checked.unreadable:
        sys.stderr.write(f"{checked.path}: {checked.problems[0].message}\n")
        return EXIT_UNREADABLE

    for problem in checked.problems:
        print_problem(problem, sys.stderr)

    errors = sum(1 for problem in checked.problems if problem.severity == "error")
    if errors or checked.ruleset is None:
        sys.stderr.write(f"{checked.path}: {errors} error(s); the file was not loaded\n")
        return EXIT_INVALID

    notes = len(checked.problems)
    summary = f"{checked.path}: {len(checked.ruleset.rules)} rules, no errors"
    sys.stdout.write(summary + (f", {notes} warning(s) or hint(s)\n" if notes else "\n"))
    return EXIT_OK


def run_check(paths: Sequence[Path]) -> int:
    """Validate every file; exit 0 with only warnings or hints, 1 on errors, 2 unreadable.

    Every file is checked, also after one with errors. The status is the worst of all.
    """
    statuses = [report_file(checked) for checked in check_files(paths)]
    return max(statuses, default=EXIT_OK)
