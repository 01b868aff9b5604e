"""A table of the loaded rules: switches, firings, guards, errors and the last firing."""

from __future__ import annotations

from typing import Iterable, Mapping

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import DataTable

from responder.record_buffer import RuleSwitches
from responder.tui.state import RuleStats
from responder.tui.text import clock

_COUNT_COLUMNS = (
    ("fired", "Fired"),
    ("sent", "Sent"),
    ("suppressed", "Suppressed"),
    ("errors", "Errors"),
)
_COUNT_WIDTH = 5
_NAME_MIN_WIDTH = 4
_STATE_WIDTH = 7
_LAST_WIDTH = 8


class RulesTable(DataTable[Text]):
    """One row per rule of the file loaded last, with cells that change in place."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)

    @property
    def selected_rule(self) -> str | None:
        """The name of the rule under the cursor, or None when the table is empty."""
        if not self.row_count:
            return None
        row_key, _column = self.coordinate_to_cell_key(self.cursor_coordinate)
        return row_key.value

    def on_mount(self) -> None:
        self._add_columns(name_width=_NAME_MIN_WIDTH)

    def show_rules(self, stats: dict[str, RuleStats], switches: Mapping[str, RuleSwitches]) -> None:
        """Replace every row with the rules in ``stats``, in the rules file's order."""
        selected = self.selected_rule

        # Explicit widths, because DataTable measures new rows only when it next idles.
        name_width = max([_NAME_MIN_WIDTH, *(cell_len(name) for name in stats)])
        self.clear(columns=True)
        self._add_columns(name_width)
        for name, rule_stats in stats.items():
            cells = [Text(name), state_cell(switches.get(name)), *_count_cells(rule_stats)]
            self.add_row(*cells, key=name)

        if selected in stats:
            self.move_cursor(row=list(stats).index(selected), animate=False)

    def _add_columns(self, name_width: int) -> None:
        self.add_column(Text("Rule"), key="rule", width=name_width)
        self.add_column(Text("State"), key="state", width=_STATE_WIDTH)
        for key, label in _COUNT_COLUMNS:
            self.add_column(Text(label, justify="right"), key=key, width=max(len(label), _COUNT_WIDTH))
        self.add_column(Text("Last"), key="last", width=_LAST_WIDTH)

    def update_counts(self, stats: dict[str, RuleStats], names: Iterable[str]) -> None:
        """Rewrite the counts of the rules in ``names``, keeping the column widths."""
        for name in names:
            rule_stats = stats.get(name)
            if rule_stats is None or name not in self.rows:
                continue
            keys = [key for key, _label in _COUNT_COLUMNS] + ["last"]
            for key, cell in zip(keys, _count_cells(rule_stats)):
                self.update_cell(name, key, cell)

    def update_switches(self, switches: Mapping[str, RuleSwitches]) -> None:
        """Rewrite the state cell of every rule."""
        for name in self.rows:
            if isinstance(name.value, str):
                self.update_cell(name, "state", state_cell(switches.get(name.value)))


def state_cell(switches: RuleSwitches | None) -> Text:
    """Describe a rule's switches: ``live``, ``dry run``, ``off`` or ``off, dry run``, ``?`` when unknown."""
    if switches is None:
        return Text("?", style="dim")
    if not switches.enabled:
        return Text("off, dry run" if switches.dry_run else "off", style="bold red")
    if switches.dry_run:
        return Text("dry run", style="yellow")
    return Text("live", style="green")


def _count_cells(stats: RuleStats) -> list[Text]:
    counts = (stats.fired, stats.sent, stats.suppressed_total, stats.errors)
    cells = [Text(f"{count:,}", justify="right") for count in counts]
    cells[2].stylize("yellow" if stats.suppressed_total else "")
    cells[3].stylize("bold red" if stats.errors else "")
    last = clock(stats.last_fired) if stats.last_fired is not None else "-"
    cells.append(Text(last, style="dim" if stats.last_fired is None else ""))
    return cells


def describe_rule(name: str | None, stats: RuleStats | None, switches: RuleSwitches | None) -> str:
    """Describe the selected rule in one line: its state and what held it back, by guard."""
    if name is None or stats is None:
        return "No rules loaded"

    parts = [f"{name}: {state_cell(switches).plain}", f"fired {stats.fired:,}"]
    if stats.suppressed:
        guards = ", ".join(f"{guard} {count:,}" for guard, count in sorted(stats.suppressed.items()))
        parts.append(f"held back by {guards}")
    if stats.errors:
        parts.append(f"failed {stats.failed:,}, not built {stats.skipped:,}")
    return "  ".join(parts)
