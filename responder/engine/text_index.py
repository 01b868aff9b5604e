"""One pass over each text view for the text conditions of many rules at once.

Every top-level ``equals``, ``starts_with``, ``contains``, ``words`` and ``regex`` value
of the indexed rules becomes one pattern in an RE2 set (``re2.Set``), with one set per
text view. Matching a view's text against its set names, in one scan, the patterns
found. A rule stays a candidate only when each of its text keys had a pattern found.

The sets are a prefilter: they may keep a rule whose text check then fails, but they
never drop a rule whose text checks hold. ``words`` is searched as plain text and the
rule's own check confirms the word boundaries, and the rule's own regex supplies the
groups. Tables inside ``any`` and ``unless`` are not indexed: their rules run those
tables through their own checks.

NOTE: ``re2.Set.Match`` reports no errors. An RE2 set cannot fall back to the NFA, so
RE2's DFA (google-re2 1.1, ``dfa.cc``) keeps resetting its state cache on a text that
needs many states instead of giving up. A set too large for its memory budget fails at
``Compile`` instead, and then this module retries with a larger budget. When no budget
fits, the set's rules are left out of it and run their own checks.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Iterable, Sequence

import re2  # type: ignore[import-untyped]

from responder.engine.context import FOLDED, EventContext, text_view
from responder.rules.model import Conditions

logger = logging.getLogger(__name__)

# Memory budgets in bytes, tried in turn for one set. RE2's default is 8 MiB.
SET_MEMORY_BUDGETS = (8 << 20, 64 << 20, 256 << 20)

# The options that change what a pattern matches (log_errors and max_mem do not).
_MATCHING_OPTIONS = tuple(name for name in re2.Options.NAMES if name not in ("log_errors", "max_mem"))
_DEFAULT_OPTIONS = tuple(getattr(re2.Options(), name) for name in _MATCHING_OPTIONS)


@dataclass(frozen=True, slots=True)
class TextKey:
    """One text key of one rule: the view its patterns read and the patterns, in RE2 syntax.

    ``patterns`` is None when the key cannot go into a set (a regex compiled with
    options of its own), so the rule's own check alone decides it. ``ascii_twins`` holds,
    for a case-folded key, a case-insensitive pattern for each value whose case-folded
    form is ASCII; they read the text before folding, see :class:`TextIndex`.
    """

    view: int
    patterns: tuple[str, ...] | None
    ascii_twins: tuple[str, ...] = ()


def text_keys(conditions: Conditions) -> list[TextKey]:
    """Return the text keys that a top-level condition table sets, as set patterns."""
    folded = not conditions.case_sensitive
    after_mention = conditions.mention == "start"
    view = text_view(raw=conditions.raw_text, after_mention=after_mention, folded=folded)
    exact_view = text_view(raw=conditions.raw_text, after_mention=after_mention, folded=False)

    def literal_key(values: Iterable[str], before: str = "", after: str = "") -> TextKey:
        folded_values = [value.casefold() if folded else value for value in values]
        try:
            patterns = tuple(before + re2.escape(value) + after for value in folded_values)
        except UnicodeEncodeError:
            # A lone surrogate has no UTF-8 form, so only the rule's own check can find it.
            return TextKey(view, None)
        if not folded:
            return TextKey(view, patterns)
        twins = tuple("(?i)" + pattern for pattern, value in zip(patterns, folded_values) if value.isascii())
        return TextKey(view, patterns, twins)

    keys: list[TextKey] = []
    if conditions.equals:
        keys.append(literal_key(conditions.equals, r"\A", r"\z"))
    if conditions.starts_with:
        keys.append(literal_key(conditions.starts_with, r"\A"))
    if conditions.contains:
        keys.append(literal_key(conditions.contains))
    if conditions.words:
        # An empty word never matches, so a key of empty words keeps no pattern at all.
        keys.append(literal_key(word for word in conditions.words if word))
    if conditions.regex:
        keys.append(TextKey(exact_view, _regex_sources(conditions.regex)))
    return keys


def _regex_sources(patterns: tuple[Any, ...]) -> tuple[str, ...] | None:
    sources: list[str] = []
    for pattern in patterns:
        source = getattr(pattern, "pattern", None)
        if not isinstance(source, str) or _options_of(pattern) != _DEFAULT_OPTIONS:
            return None
        sources.append(source)
    return tuple(sources)


def _options_of(pattern: Any) -> tuple[Any, ...] | None:
    options = getattr(pattern, "options", None)
    if options is None:
        return None
    return tuple(getattr(options, name) for name in _MATCHING_OPTIONS)


class TextIndex:
    """RE2 sets over the text conditions of a group of rules, one set per text view.

    Rules are named by their position (an int). :meth:`candidates` returns the
    positions of the indexed rules whose text keys all found a pattern; the rules in
    :attr:`unindexed` have no key that a set can test and are always candidates.

    An ASCII text skips the scan of its case-folded view. On ASCII text ``str.casefold``
    only lowercases, so RE2's case-insensitive match of an ASCII value on the unfolded
    text finds what the folded pattern finds. A value whose folded form is not ASCII
    cannot occur in an ASCII text at all. These case-insensitive twins go into the set
    of the unfolded view.
    """

    def __init__(self, rules: Iterable[tuple[int, Sequence[TextKey]]]) -> None:
        entries: dict[int, list[tuple[str, int, int]]] = {}
        required: dict[int, int] = {}
        for position, keys in rules:
            required[position] = 0
            for number, key in enumerate(keys):
                if key.patterns is None:
                    continue
                bit = 1 << number
                required[position] |= bit
                for source in key.patterns:
                    entries.setdefault(key.view, []).append((source, position, bit))
                for source in key.ascii_twins:
                    entries.setdefault(key.view & ~FOLDED, []).append((source, position, bit))

        self._sets: list[tuple[int, Any, list[tuple[int, int]]]] = []
        for view, view_entries in entries.items():
            pattern_set, owners, dropped = _build_set(view_entries)
            if pattern_set is not None:
                self._sets.append((view, pattern_set, owners))
            for position, bit in dropped:
                required[position] &= ~bit

        self._required = {position: bits for position, bits in required.items() if bits}
        self.unindexed = tuple(sorted(position for position, bits in required.items() if not bits))
        """Positions of the rules whose every text key is left to the rule's own checks."""

    def candidates(self, context: EventContext) -> list[int]:
        """Return the positions, unsorted, of the rules whose text keys all found a pattern."""
        found: dict[int, int] = {}
        for view, pattern_set, owners in self._sets:
            if view & FOLDED and context.text(view & ~FOLDED).isascii():
                continue
            hits = pattern_set.Match(context.text(view).encode("utf-8", "surrogatepass"))
            if not hits:
                continue
            for hit in hits:
                position, bit = owners[hit]
                found[position] = found.get(position, 0) | bit

        required = self._required
        return [position for position, bits in found.items() if bits & required[position] == required[position]]


def _build_set(entries: list[tuple[str, int, int]]) -> tuple[Any | None, list[tuple[int, int]], set[tuple[int, int]]]:
    """Compile one RE2 set of the ``(source, position, key bit)`` entries of one view.

    Return the set, or None when it does not compile within any budget. Also return the
    owner of each pattern in set order, and the keys that the set cannot test. These are
    the keys with a pattern that the set rejected, or every key when there is no set.
    """
    for budget in SET_MEMORY_BUDGETS:
        options = re2.Options()
        options.log_errors = False
        options.max_mem = budget
        pattern_set = re2.Set.SearchSet(options)
        owners: list[tuple[int, int]] = []
        dropped: set[tuple[int, int]] = set()
        for source, position, bit in entries:
            try:
                pattern_set.Add(source)
            except (re2.error, UnicodeEncodeError):
                dropped.add((position, bit))
                continue
            owners.append((position, bit))
        try:
            pattern_set.Compile()
        except re2.error:
            logger.debug("text index: a set of %d patterns failed to compile within %d bytes", len(owners), budget)
            continue
        return pattern_set, owners, dropped

    logger.warning(
        "text index: a set of %d patterns failed to compile within %d bytes, so their rules run their own checks",
        len(entries),
        SET_MEMORY_BUDGETS[-1],
    )
    return None, [], {(position, bit) for _, position, bit in entries}
