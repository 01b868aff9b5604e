"""Offline runs of a rules file: its ``[[test]]`` tables, and the workspace they assume."""
