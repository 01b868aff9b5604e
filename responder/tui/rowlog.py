"""A bounded list of one-line rows that follows its newest row, drawn with the line API."""

from __future__ import annotations

from collections import deque
from typing import Generic, Sequence, TypeVar

from rich.text import Text
from textual.cache import LRUCache
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

RowT = TypeVar("RowT")


class RowLog(ScrollView, Generic[RowT], can_focus=True):
    """Keeps the newest ``max_rows`` rows and formats and renders only the ones in view.

    A row is whatever a subclass turns into one line of text in :meth:`format_row`, so a
    batch costs one append per row however large it is.

    While the view is at its end, new rows are appended and the view follows them. While
    the user has scrolled away from the end, or while the log is paused, new rows are held
    back (the newest ``max_rows`` of them) and counted, so the rows in view never move.
    They are appended when the view returns to the end, or on :meth:`follow`/:meth:`resume`.
    Evictions of the oldest rows happen in one step per batch, never one row at a time.
    """

    DEFAULT_CSS = """
    RowLog {
        overflow-x: auto;
        overflow-y: scroll;
    }
    """

    def __init__(
        self,
        max_rows: int,
        *,
        row_width: int | None = None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        if max_rows < 1:
            raise ValueError(f"max_rows must be at least 1, got {max_rows}")

        self.max_rows = max_rows
        self.row_width = row_width
        """Width in cells of every row, when known in advance; rows are measured otherwise."""
        self.following = True
        """True while the view sits at its end and shows new rows as they come."""
        self.paused = False
        self.held_count = 0
        """Rows that arrived while held back, including any dropped to respect the cap."""
        self.batches_written = 0
        """Batches appended to the view (each is one update, whatever its size)."""
        self._rows: deque[RowT] = deque(maxlen=max_rows)
        self._held: deque[RowT] = deque(maxlen=max_rows)
        self._first_number = 0
        self._width = 0
        self._strips: LRUCache[tuple[int, int, int], Strip] = LRUCache(1024)

    @property
    def row_count(self) -> int:
        """The number of rows in the view (held-back rows not included)."""
        return len(self._rows)

    def format_row(self, row: RowT) -> Text:
        """Turn ``row`` into one line of text; subclasses must implement it."""
        raise NotImplementedError

    def rows(self) -> list[RowT]:
        """Return every row in the view, oldest first."""
        return list(self._rows)

    def row_texts(self) -> list[str]:
        """Return the plain text of every row in the view, oldest first."""
        return [self.format_row(row).plain for row in self._rows]

    def visible_row_texts(self) -> list[str]:
        """Return the plain text of the rows inside the viewport, top first."""
        top = round(self.scroll_y)
        height = self.scrollable_content_region.height
        end = min(len(self._rows), top + height)
        return [self.format_row(self._rows[index]).plain for index in range(top, end)]

    def write_rows(self, rows: Sequence[RowT], arrived: int | None = None) -> None:
        """Add one batch of rows, shown now if following, otherwise held back and counted.

        ``arrived`` is the number of rows the batch replaces when the caller left out older
        rows that could not stay anyway. It only changes :attr:`held_count`.
        """
        if not rows:
            return

        self._held.extend(rows[-self.max_rows :])
        self.held_count += max(len(rows), arrived or 0)
        if self._can_show_new_rows():
            self._append_held()

    def follow(self) -> None:
        """Scroll to the end and show held-back rows (unless paused) from now on."""
        self.following = True
        if not self.paused:
            self._append_held()
        self.scroll_end(animate=False, immediate=True, x_axis=False)

    def pause(self) -> None:
        """Hold back new rows until :meth:`resume`."""
        self.paused = True

    def resume(self) -> None:
        """Show the newest rows and follow again."""
        self.paused = False
        self.follow()

    def clear(self) -> None:
        """Remove every row, shown or held back."""
        self._first_number += len(self._rows)
        self._rows.clear()
        self._held.clear()
        self.held_count = 0
        self._width = 0
        self.virtual_size = Size(0, 0)
        self.refresh()

    def _can_show_new_rows(self) -> bool:
        if self.paused or not self.following:
            return False

        # A scroll animation in progress means the user is moving away from the end.
        return not self.app.animator.is_being_animated(self, "scroll_y")

    def _append_held(self) -> None:
        if not self._held:
            return

        rows = list(self._held)
        self._held.clear()
        self.held_count = 0

        dropped = max(0, len(self._rows) + len(rows) - self.max_rows)
        self._rows.extend(rows)
        self._first_number += dropped
        if self.row_width is not None:
            self._width = self.row_width
        else:
            widest = max(self.format_row(row).cell_len for row in rows)
            self._width = max(self._width, widest)
        self.virtual_size = Size(self._width, len(self._rows))
        self.batches_written += 1

        self.scroll_end(animate=False, immediate=True, x_axis=False)
        self.refresh()

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)

        at_end = round(new_value) >= self.max_scroll_y
        if at_end and not self.following:
            self.following = True
            # Deferred, because this may run inside a scroll animation's last step.
            self.call_later(self._catch_up)
        elif not at_end and self.following:
            self.following = False

    def _catch_up(self) -> None:
        if not self.following:
            return

        if self._can_show_new_rows():
            self._append_held()
        # Scrolling to the end also re-engages the anchor that the user's scroll released.
        self.scroll_end(animate=False, immediate=True, x_axis=False)

    def on_mount(self) -> None:
        # Textual's anchor keeps the view at its end through layout changes, such as a
        # horizontal scrollbar appearing, until the user scrolls.
        self.anchor()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.scrollable_content_region.width
        if index >= len(self._rows):
            return Strip.blank(width, self.rich_style)

        key = (self._first_number + index, scroll_x, width)
        cached = self._strips.get(key)
        if cached is not None:
            return cached

        text = self.format_row(self._rows[index])
        strip = Strip(text.render(self.app.console), text.cell_len)
        strip = strip.crop_extend(scroll_x, scroll_x + width, self.rich_style)
        strip = strip.apply_style(self.rich_style)
        self._strips[key] = strip
        return strip
