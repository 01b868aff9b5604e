"""A line diff of an expected list against an actual one, for test failures.

Lines only in the expected list start with ``-``, lines only in the actual one with
``+``, and lines in both with two spaces. Items are paired by a longest common
subsequence under a match predicate, so an expectation that gives only some keys of an
action still pairs with the action it describes.
"""

from __future__ import annotations

from typing import Callable, Sequence, TypeVar

E = TypeVar("E")
A = TypeVar("A")


def diff_lines(
    expected: Sequence[E],
    actual: Sequence[A],
    matches: Callable[[E, A], bool],
    render_expected: Callable[[E], str],
    render_actual: Callable[[A], str],
) -> list[str]:
    """Return the diff lines of ``expected`` against ``actual``, in list order."""
    lengths = _common_lengths(expected, actual, matches)

    lines: list[str] = []
    e, a = 0, 0
    while e < len(expected) and a < len(actual):
        if matches(expected[e], actual[a]) and lengths[e][a] == lengths[e + 1][a + 1] + 1:
            lines.append("  " + render_actual(actual[a]))
            e, a = e + 1, a + 1
        elif lengths[e + 1][a] >= lengths[e][a + 1]:
            lines.append("- " + render_expected(expected[e]))
            e += 1
        else:
            lines.append("+ " + render_actual(actual[a]))
            a += 1

    lines.extend("- " + render_expected(item) for item in expected[e:])
    lines.extend("+ " + render_actual(item) for item in actual[a:])
    return lines


def _common_lengths(
    expected: Sequence[E], actual: Sequence[A], matches: Callable[[E, A], bool]
) -> list[list[int]]:
    """Return the table of common-subsequence lengths of every pair of suffixes."""
    lengths = [[0] * (len(actual) + 1) for _ in range(len(expected) + 1)]
    for e in range(len(expected) - 1, -1, -1):
        for a in range(len(actual) - 1, -1, -1):
            if matches(expected[e], actual[a]):
                lengths[e][a] = lengths[e + 1][a + 1] + 1
            else:
                lengths[e][a] = max(lengths[e + 1][a], lengths[e][a + 1])
    return lengths


def equal(left: object, right: object) -> bool:
    """Plain equality, as a match predicate."""
    return left == right
