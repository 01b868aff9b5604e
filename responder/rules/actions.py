"""Compile the ``[[rule.action]]`` tables of one rule and check their template fields."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from responder.rules import schema
from responder.rules.model import ActionSpec, ActionVerb
from responder.rules.report import Reporter
from responder.rules.schema import InvalidValue
from responder.rules.templates import Template, TemplateSyntaxError, parse_template
from responder.rules.toml_positions import KeyPath

FIXED_FIELDS = (
    "user",
    "user.id",
    "user.name",
    "channel",
    "channel.id",
    "channel.name",
    "text",
    "ts",
    "thread_ts",
)

_EVENT_PATH = re.compile(r"event(\.[^.\s{}]+)+")


@dataclass(frozen=True, slots=True)
class FieldCatalogue:
    """The template fields that one rule's actions may use.

    ``groups_known`` is false when one of the rule's patterns failed to compile. Its groups
    are then unknown, so fields that could name a group are not reported.
    """

    has_regex: bool
    group_count: int
    group_names: frozenset[str]
    groups_known: bool = True

    @classmethod
    def for_patterns(cls, patterns: list[Any], all_compiled: bool = True) -> FieldCatalogue:
        """Collect the groups of compiled RE2 patterns: the most numbered, every name."""
        count = max((pattern.groups for pattern in patterns), default=0)
        names = frozenset(name for pattern in patterns for name in pattern.groupindex)
        return cls(bool(patterns) or not all_compiled, count, names, all_compiled)

    def known(self) -> list[str]:
        fields = list(FIXED_FIELDS)
        if self.has_regex:
            fields.append("match")
        fields.extend(str(number) for number in range(1, self.group_count + 1))
        fields.extend(sorted(self.group_names))
        return fields

    def problem(self, name: str) -> str | None:
        """Return why ``name`` is not a field here, or None when it is one."""
        if name in self.known() or _EVENT_PATH.fullmatch(name):
            return None
        if not self.groups_known and (name.isdigit() or name.isidentifier()):
            return None
        listing = ", ".join(self.known()) + ", event.PATH"
        if name.isdigit() or name == "match":
            if not self.has_regex:
                return (
                    f"template field '{{{name}}}' needs a regex condition, and this rule has none"
                )
            groups = "group" if self.group_count == 1 else "groups"
            return (
                f"template field '{{{name}}}' does not exist, "
                f"because the rule's regex has {self.group_count} {groups}"
            )
        if name == "event" or name.startswith("event."):
            return (
                f"invalid template field '{{{name}}}'; "
                "write a dotted path into the event, as in {event.item.type}"
            )
        hint = schema.suggest(name, self.known())
        suggestion = f" (did you mean '{{{hint}}}'?)" if hint else ""
        return f"unknown template field '{{{name}}}'{suggestion}; known fields: {listing}"


def compile_actions(
    reporter: Reporter,
    rule_path: KeyPath,
    rule_name: str | None,
    raw: Any,
    catalogue: FieldCatalogue,
    stop: bool,
) -> tuple[ActionSpec, ...]:
    """Compile every action of one rule; report problems and return the valid actions."""
    if raw is None or raw == []:
        if not stop:
            reporter.at_header(
                rule_path,
                "missing; add a [[rule.action]] table with reply, react, post, dm or ephemeral "
                "(only a rule with stop = true may have no action)",
                rule_name,
                "action",
            )
        return ()
    if isinstance(raw, dict):
        reporter.at_header(
            rule_path + ("action",),
            "write [[rule.action]] with double brackets, one table for each action",
            rule_name,
            "action",
        )
        return ()
    if not isinstance(raw, list):
        message = f"expected [[rule.action]] tables, got {schema.type_name(raw)}"
        reporter.at_key(rule_path + ("action",), message, rule_name, "action")
        return ()

    compiler = _ActionCompiler(reporter, rule_path, rule_name, catalogue)
    actions = [compiler.compile(index, table) for index, table in enumerate(raw)]
    return tuple(action for action in actions if action is not None)


@dataclass(slots=True)
class _ActionCompiler:
    reporter: Reporter
    rule_path: KeyPath
    rule_name: str | None
    catalogue: FieldCatalogue

    def compile(self, index: int, table: Any) -> ActionSpec | None:
        path = self.rule_path + ("action", index)
        if not isinstance(table, dict):
            message = f"expected an action table, got {schema.type_name(table)}"
            self.reporter.at_value(
                self.rule_path + ("action", index), message, self.rule_name, "action"
            )
            return None

        verb = self.find_verb(path, table)
        modifiers_ok = self.check_modifiers(path, table, verb)
        if verb is None:
            return None
        texts = self.read_texts(path + (verb,), verb, table[verb])

        if verb == "post" and "channel" not in table:
            message = 'missing; a post action needs channel = "#name" or a channel id'
            self.reporter.at_header(path, message, self.rule_name, "channel")
            return None
        if texts is None or not modifiers_ok:
            return None
        return ActionSpec(
            verb=verb,
            texts=texts,
            number=index + 1,
            line=self.reporter.nearest_spot(path).line,
            in_thread=table.get("in_thread", True),
            broadcast=table.get("broadcast", False),
            channel=table.get("channel"),
            to=table.get("to"),
        )

    def find_verb(self, path: KeyPath, table: dict[str, Any]) -> ActionVerb | None:
        verbs = [key for key in table if key in schema.ACTION_VERBS]
        if not verbs:
            self.reporter.at_header(
                path,
                "missing verb; add one of reply, react, post, dm or ephemeral",
                self.rule_name,
                None,
            )
            return None

        first_line = self.reporter.nearest_spot(path + (verbs[0],)).line
        for extra in verbs[1:]:
            message = (
                f"an action has exactly one verb, and this one already has '{verbs[0]}' "
                f"(line {first_line}); put '{extra}' in its own [[rule.action]] table"
            )
            self.reporter.at_key(path + (extra,), message, self.rule_name, extra)

        if len(verbs) > 1:
            return None
        return verbs[0]  # type: ignore[return-value]

    def check_modifiers(self, path: KeyPath, table: dict[str, Any], verb: str | None) -> bool:
        """Check every non-verb key of an action; return whether all of them are valid."""
        valid = True
        all_keys = schema.ACTION_VERBS + tuple(schema.ACTION_MODIFIERS)
        for key, value in table.items():
            if key in schema.ACTION_VERBS:
                continue
            owner = schema.ACTION_MODIFIERS.get(key)
            message = None
            if owner is None:
                message = f"unknown key{schema.did_you_mean(key, all_keys)}"
            elif verb is not None and owner != verb:
                article = "an" if verb[0] in "aeiou" else "a"
                message = f"applies only to {owner} actions, and this action is {article} {verb}"
            if message is not None:
                self.reporter.at_key(path + (key,), message, self.rule_name, key)
                valid = False
                continue
            valid = self.check_modifier_value(path + (key,), key, value) and valid
        return valid

    def check_modifier_value(self, where: KeyPath, key: str, value: Any) -> bool:
        try:
            if key == "channel":
                schema.expect_channel(value)
            elif key == "to":
                schema.expect_user(value)
            else:
                schema.expect_bool(value)
        except InvalidValue as problem:
            self.reporter.invalid(where, problem, self.rule_name, key)
            return False
        return True

    def read_texts(self, where: KeyPath, verb: str, raw: Any) -> tuple[Template, ...] | None:
        try:
            if verb == "react":
                names = schema.expect_list_of(raw, schema.expect_emoji)
                return tuple(Template(name, (name,)) for name in names)
            sources = schema.expect_strings(raw)
        except InvalidValue as problem:
            self.reporter.invalid(where, problem, self.rule_name, verb)
            return None

        templates: list[Template] = []
        for element, source in enumerate(sources):
            element_path = where + ((element,) if isinstance(raw, list) else ())
            template = self.parse(element_path, verb, source)
            if template is not None:
                templates.append(template)
        return tuple(templates) if len(templates) == len(sources) else None

    def parse(self, where: KeyPath, verb: str, source: str) -> Template | None:
        if not source.strip():
            self.reporter.at_value(
                where, "empty text; write the message to send", self.rule_name, verb
            )
            return None
        try:
            template = parse_template(source)
        except TemplateSyntaxError as error:
            self.reporter.at_value(
                where, f"invalid template: {error}", self.rule_name, verb, error.column
            )
            return None

        valid = True
        for field in template.fields:
            problem = self.catalogue.problem(field.name)
            if problem is not None:
                self.reporter.at_value(where, problem, self.rule_name, verb, field.column)
                valid = False
        return template if valid else None
