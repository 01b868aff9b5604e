"""``responder test``: run the ``[[test]]`` tables of a rules file offline."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path
from typing import TextIO

from responder.commands.check import print_problem
from responder.rules.loader import RulesFileUnreadable, check_rules
from responder.rules.model import Problem, RuleSet
from responder.rules.report import Reporter
from responder.rules.toml_positions import SourceMap, locate
from responder.testing.cases import InvalidRulesTest, RulesTest, read_tests
from responder.testing.runner import Outcome, run_test
from responder.testing.workspace import OfflineWorkspace, read_workspace

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_UNREADABLE = 2


def run_tests_command(path: Path, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Run every test in ``path``: exit 0 when all pass, 1 on a failure or load error, 2 unreadable."""
    out = out if out is not None else sys.stdout
    err = err if err is not None else sys.stderr
    rules = load_for_offline_run(path, err)
    if isinstance(rules, int):
        return rules
    if not rules.tests:
        out.write(f'{path}: no [[test]] tables, so there is nothing to run; see "Tests beside the rules" in the README\n')
        return EXIT_OK

    reporter = position_reporter(path, rules)
    workspace = read_workspace(rules.test_workspace, reporter)
    workspace_errors = len(reporter.problems)
    tests = read_tests(rules.tests, rules.test_lines, reporter, [rule.name for rule in rules.rules])
    print_problems(reporter, err)
    if workspace_errors:
        err.write(f"{path}: no test was run, because [test_workspace] is invalid\n")
        return EXIT_FAILED

    passed = 0
    for test in tests:
        passed += print_outcome(path, test, rules, workspace, out)
    failed = len(tests) - passed
    out.write(f"{passed} passed, {failed} failed\n")
    return EXIT_OK if failed == 0 else EXIT_FAILED


def load_for_offline_run(path: Path, err: TextIO) -> RuleSet | int:
    """Load the rules, or print why not and return the exit status (1 invalid, 2 unreadable)."""
    try:
        rules, problems = check_rules(path)
    except RulesFileUnreadable as error:
        err.write(f"{error}\n")
        return EXIT_UNREADABLE

    if rules is None:
        for problem in problems:
            print_problem(problem, err)
        errors = sum(1 for problem in problems if problem.severity == "error")
        err.write(f"{path}: {errors} error(s); the file was not loaded\n")
        return EXIT_FAILED
    return rules


def position_reporter(path: Path, rules: RuleSet) -> Reporter:
    """Return a reporter that places problems in the rules file, read a second time.

    ``RuleSet`` keeps the test tables as parsed, without positions, so the source is
    scanned again for the line and column of each key.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        text = ""
    return Reporter(rules.path, locate(text.removeprefix("\ufeff")))


def print_problems(reporter: Reporter, err: TextIO) -> None:
    """Print each problem with its source line, in line order."""
    for problem in sorted(reporter.problems, key=lambda item: (item.line, item.column)):
        print_problem(with_source_line(problem, reporter.source_map), err)


def with_source_line(problem: Problem, source_map: SourceMap) -> Problem:
    """Return ``problem`` with the text of its line, for the caret under its column."""
    line = source_map.line_text(problem.line)
    return dataclasses.replace(problem, source_line=line) if line else problem


def print_outcome(
    path: Path, test: RulesTest | InvalidRulesTest, rules: RuleSet, workspace: OfflineWorkspace, out: TextIO
) -> int:
    """Run one test and print its result; return 1 when it passed, else 0."""
    where = f"{path}:{test.line}"
    if isinstance(test, InvalidRulesTest):
        out.write(f"FAIL {test.name} ({where}): invalid test, see the problems above\n")
        return 0

    outcome: Outcome = run_test(test, rules, workspace)
    if outcome.passed:
        out.write(f"PASS {test.name}\n")
        return 1

    out.write(f"FAIL {test.name} ({where})\n")
    for line in outcome.details:
        out.write(f"    {line}\n")
    return 0
