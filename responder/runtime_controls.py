"""Controls that the screen uses on a running responder: names, rule switches, explain, try."""

from __future__ import annotations

import threading
import time
from typing import Callable, Mapping

from responder.decisions import Decision
from responder.engine import Engine
from responder.explain import format_explanation
from responder.record_buffer import RuleSwitches
from responder.rules.model import RuleSet
from responder.slack.directory import Directory
from responder.slack.events import Event
from responder.slack.identity import Identity
from responder.slack.normalise import normalise

MessageInjector = Callable[[str, str, str], str]
"""Posts ``(user, channel, text)`` into a local workspace and returns the new ts."""


class RuntimeControls:
    """The ``Controls`` of a runtime, over its engine, rules and directory.

    Switches set before the engine exists are kept and applied when it is built.
    """

    def __init__(self, lock: threading.Lock, injector: MessageInjector | None) -> None:
        self._lock = lock
        self._injector = injector
        self._rule_enabled: dict[str, bool] = {}
        self._rule_dry_run: dict[str, bool] = {}
        self._all_dry_run: bool | None = None
        self.engine: Engine | None = None
        self.rules: RuleSet | None = None
        self.identity: Identity | None = None
        self.directory = Directory()

    def attach(self, engine: Engine, identity: Identity, directory: Directory) -> None:
        """Use ``engine`` from now on and apply every switch set so far."""
        self.identity = identity
        self.directory = directory
        self._apply_switches(engine)
        self.engine = engine

    def _apply_switches(self, engine: Engine) -> None:
        if self._all_dry_run is not None:
            engine.set_dry_run(None, self._all_dry_run)
        rule_names = {rule.name for rule in engine.rules.rules}
        for name, enabled in self._rule_enabled.items():
            if name in rule_names:
                engine.set_enabled(name, enabled)
        for name, dry_run in self._rule_dry_run.items():
            if name in rule_names:
                engine.set_dry_run(name, dry_run)

    def names(self) -> tuple[Mapping[str, str], Mapping[str, str]]:
        """Channel id → name and user id → name, as looked up at connect."""
        return self.directory.channel_names, self.directory.user_names

    def rule_switches(self) -> Mapping[str, RuleSwitches]:
        """Return the enabled and dry-run switches in force for every rule, in file order."""
        with self._lock:
            engine, rules = self.engine, self.rules
            if rules is None:
                return {}
            if engine is None:
                return {rule.name: self._pending_switches(rule.name, rule.enabled, rule.dry_run) for rule in rules.rules}
            return {rule.name: RuleSwitches(engine.is_enabled(rule), engine.is_dry_run(rule)) for rule in rules.rules}

    def _pending_switches(self, name: str, enabled: bool, dry_run: bool) -> RuleSwitches:
        enabled = self._rule_enabled.get(name, enabled)
        if name in self._rule_dry_run:
            return RuleSwitches(enabled, self._rule_dry_run[name])
        if self._all_dry_run is not None:
            return RuleSwitches(enabled, self._all_dry_run)
        return RuleSwitches(enabled, dry_run or (self.rules is not None and self.rules.settings.dry_run))

    def set_rule_enabled(self, name: str, enabled: bool) -> None:
        """Switch a rule on or off; raise ``KeyError`` for an unknown rule."""
        with self._lock:
            self._require_rule(name)
            self._rule_enabled[name] = enabled
            if self.engine is not None:
                self.engine.set_enabled(name, enabled)

    def set_rule_dry_run(self, name: str, dry_run: bool) -> None:
        """Make a rule a dry run or live; raise ``KeyError`` for an unknown rule."""
        with self._lock:
            self._require_rule(name)
            self._rule_dry_run[name] = dry_run
            if self.engine is not None:
                self.engine.set_dry_run(name, dry_run)

    def set_dry_run(self, dry_run: bool | None) -> None:
        """Make every rule a dry run, or every rule live, dropping per-rule switches.

        ``dry_run`` None gives every rule back the ``dry_run`` of the rules file.
        """
        with self._lock:
            self._all_dry_run = dry_run
            self._rule_dry_run.clear()
            if self.engine is not None:
                self.engine.set_dry_run(None, dry_run)

    def _require_rule(self, name: str) -> None:
        if self.rules is None or all(rule.name != name for rule in self.rules.rules):
            raise KeyError(f"no rule named {name!r} is loaded")

    def explain(self, decision: Decision) -> str | None:
        """Explain ``decision``'s event against the rules in force, without guard state.

        A fresh engine explains it, because the running engine has already seen the
        event and would only call it a duplicate. Cooldowns and other guards of the
        running engine are therefore not shown.
        """
        engine = self._fresh_engine()
        if engine is None:
            return None
        header = f"At the time: {describe(decision)}\n\n"
        return header + format_explanation(engine.explain(decision.event, now=time.time()))

    def try_message(self, text: str, channel: str | None, user: str | None) -> str | None:
        """Post into the emulator as ``user`` (demo), or explain a dry run (live)."""
        directory = self.directory
        public = {key: name for key, name in directory.channel_names.items() if directory.channel_types.get(key) == "channel"}
        channel_id = self._resolve(channel, directory.channel_ids, "#", public or directory.channel_names, "channel")
        own = self.identity.user_id if self.identity is not None else None
        people = {key: name for key, name in directory.user_names.items() if key != own and key not in directory.bot_user_ids}
        user_id = self._resolve(user, directory.user_ids, "@", people or directory.user_names, "user")
        if self._injector is not None:
            self._injector(user_id, channel_id, text)
            return None

        engine = self._fresh_engine()
        if engine is None or self.identity is None:
            raise ValueError("not connected yet: the bot's identity is not known")
        ts = f"{time.time():.6f}"
        event: Event = normalise({"type": "message", "user": user_id, "channel": channel_id, "text": text, "ts": ts}, self.identity)
        engine.set_dry_run(None, True)
        return "Dry run, nothing was sent.\n\n" + format_explanation(engine.explain(event))

    def _resolve(self, given: str | None, ids: Mapping[str, str], sigil: str, names: Mapping[str, str], kind: str) -> str:
        if not given:
            if names:
                return next(iter(names))
            raise ValueError(f"name a {kind}: none is known yet")
        if given in names:
            return given
        found = ids.get(sigil + given.lstrip(sigil))
        if found is not None:
            return found
        if given[:1] in ("C", "G", "D", "U", "W") and given[1:].isalnum():
            return given
        raise ValueError(f"{kind} {given} not found in the workspace")

    def _fresh_engine(self) -> Engine | None:
        with self._lock:
            rules, identity, directory = self.rules, self.identity, self.directory
        if rules is None or identity is None:
            return None
        engine = build_engine(rules, identity, directory)
        with self._lock:
            self._apply_switches(engine)
        return engine


def build_engine(rules: RuleSet, identity: Identity, directory: Directory, *, every_rule: bool = True) -> Engine:
    """Build an engine for ``rules`` with the workspace's names and kinds.

    With ``every_rule`` false, a decision contains results only for the rules that the
    index picked for the event, which keeps the cost per event flat in the number of
    rules; explanations and tries keep every rule.
    """
    return Engine(
        rules,
        identity,
        every_rule=every_rule,
        channel_ids=directory.channel_ids,
        user_ids=directory.user_ids,
        channel_names=directory.channel_names,
        user_names=directory.user_names,
        channel_types=directory.channel_types,
    )


def describe(decision: Decision) -> str:
    """Return one line that says what happened to the event when it arrived."""
    if decision.ignored:
        return f"ignored ({decision.ignored})"
    if decision.fired:
        return "fired " + ", ".join(decision.fired)
    return "no rule fired"
