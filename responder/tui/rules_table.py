"""A table of the loaded rules with how often each fired, sent, failed and skipped."""

from __future__ import annotations

from typing import Iterable

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import DataTable

from responder.tui.state import RuleStats

_COUNT_COLUMNS = (("fired", "Fired"), ("sent", "Sent"), ("failed", "Failed"), ("skipped", "Skipped"))
_COUNT_WIDTH = 5
_NAME_MIN_WIDTH = 4


class RulesTable(DataTable[Text]):
    """One row per rule of the file loaded last, with counts that change in place."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        self._add_columns(name_width=_NAME_MIN_WIDTH)

    def show_rules(self, stats: dict[str, RuleStats]) -> None:
        """Replace every row with the rules in ``stats``, in the rules file's order."""
        # Explicit widths, because DataTable measures new rows only when it next idles.
        name_width = max([_NAME_MIN_WIDTH, *(cell_len(name) for name in stats)])
        self.clear(columns=True)
        self._add_columns(name_width)
        for name, rule_stats in stats.items():
            self.add_row(Text(name), *_count_cells(rule_stats), key=name)

    def _add_columns(self, name_width: int) -> None:
        self.add_column(Text("Rule"), key="rule", width=name_width)
        for key, label in _COUNT_COLUMNS:
            self.add_column(Text(label, justify="right"), key=key, width=max(len(label), _COUNT_WIDTH))

    def update_counts(self, stats: dict[str, RuleStats], names: Iterable[str]) -> None:
        """Rewrite the counts of the rules in ``names``, keeping the column widths."""
        for name in names:
            rule_stats = stats.get(name)
            if rule_stats is None or name not in self.rows:
                continue
            for (key, _label), cell in zip(_COUNT_COLUMNS, _count_cells(rule_stats)):
                self.update_cell(name, key, cell)


def _count_cells(stats: RuleStats) -> list[Text]:
    counts = (stats.fired, stats.sent, stats.failed, stats.skipped)
    return [Text(f"{count:,}", justify="right") for count in counts]
