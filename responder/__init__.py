"""A declarative, rule-based Slack auto-responder with a terminal UI."""

__version__ = "0.1.0"
