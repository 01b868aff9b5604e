"""Read the ``[settings]`` table."""

from __future__ import annotations

import zoneinfo
from typing import Any

from responder.rules import schema
from responder.rules.durations import DurationError, parse_duration, parse_rate
from responder.rules.model import RateLimit, Settings
from responder.rules.report import Reporter
from responder.rules.schema import InvalidValue


def _rate(value: Any) -> RateLimit:
    try:
        return parse_rate(schema.expect_string(value))
    except DurationError as error:
        raise InvalidValue(str(error)) from None


def _duration(value: Any) -> float:
    if isinstance(value, int) and not isinstance(value, bool):
        raise InvalidValue(f'expected a duration string such as "{value}s", got integer')
    try:
        return parse_duration(schema.expect_string(value))
    except DurationError as error:
        raise InvalidValue(str(error)) from None


def _timezone(value: Any) -> str:
    name = schema.expect_non_empty_string(value)
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        hint = schema.did_you_mean(name, zoneinfo.available_timezones())
        raise InvalidValue(
            f'unknown time zone {name!r}; expected an IANA name such as "Europe/Berlin"{hint}'
        ) from None
    return name


def _max_text_length(value: Any) -> int:
    return schema.expect_positive_int(value, schema.MAX_TEXT_LENGTH_LIMIT)


_READERS = {
    "ignore_bots": schema.expect_bool,
    "reply_limit": _rate,
    "dedupe_window": _duration,
    "max_text_length": _max_text_length,
    "dry_run": schema.expect_bool,
    "timezone": _timezone,
}


def read_settings(raw: Any, reporter: Reporter) -> Settings:
    """Return the settings with defaults filled in; report each invalid or unknown key."""
    if raw is None:
        return Settings()
    if not isinstance(raw, dict):
        reporter.at_key(
            ("settings",),
            f"expected a [settings] table, got {schema.type_name(raw)}",
            None,
            "settings",
        )
        return Settings()

    values: dict[str, Any] = {}
    for key, value in raw.items():
        reader = _READERS.get(key)
        if reader is None:
            message = f"unknown key{schema.did_you_mean(key, schema.SETTINGS_KEYS)}"
            reporter.at_key(("settings", key), message, None, f"settings.{key}")
            continue
        try:
            values[key] = reader(value)
        except InvalidValue as problem:
            reporter.invalid(("settings", key), problem, None, f"settings.{key}")
    return Settings(**values)
