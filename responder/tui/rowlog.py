"""A bounded list of one-line rows that follows its newest row, drawn with the line API."""

from __future__ import annotations

from collections import deque
from typing import Callable, ClassVar, Generic, Sequence, TypeVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

RowT = TypeVar("RowT")

CURSOR_STYLE = Style(reverse=True)
STRIP_CACHE_SIZE = 128
"""Rendered rows kept for repaints: about three screens' worth at 40 lines."""


class RowLog(ScrollView, Generic[RowT], can_focus=True):
    """Keeps the newest ``max_rows`` rows and formats and renders only the ones in view.

    A row is whatever a subclass turns into one line of text in :meth:`format_row`, so a
    batch costs one append per row however large it is.

    While the view is at its end, new rows are appended and the view follows them. While
    the user has scrolled away from the end, or while the log is paused, new rows are held
    back (the newest ``max_rows`` of them) and counted, so the rows in view never move.
    They are appended when the view returns to the end, or on :meth:`follow`/:meth:`resume`.
    Evictions of the oldest rows happen in one step per batch, never one row at a time.

    A filter (:meth:`set_filter`) hides the rows it rejects, the ones already kept
    included. The cursor marks one row; Enter or a click on a row posts :class:`Selected`.
    """

    DEFAULT_CSS = """
    RowLog {
        overflow-x: auto;
        overflow-y: scroll;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "cursor_up", "Previous row", show=False, id="rows.cursor_up", tooltip="Mark the row above."),
        Binding("down", "cursor_down", "Next row", show=False, id="rows.cursor_down", tooltip="Mark the row below."),
        Binding("enter", "select_cursor", "Open", id="rows.select", tooltip="Show the details of the marked row."),
    ]

    class Selected(Message):
        """Posted when the user opens a row with Enter or a click."""

        def __init__(self, log: RowLog[object], row: object) -> None:
            super().__init__()
            self.log = log
            self.row = row
            """The opened row, of the log's row type."""

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
        self.rows_appended = 0
        """Rows released into the view since the start, filtered-out ones included."""
        self.cursor_row: RowT | None = None
        """The marked row, or None. It stays on its row as rows come and go."""
        self._kept: deque[RowT] = deque(maxlen=max_rows)
        self._rows = self._kept
        """The rows in view: the kept rows themselves while no filter is set."""
        self._row_filter: Callable[[RowT], bool] | None = None
        self._held: deque[RowT] = deque(maxlen=max_rows)
        self._first_number = 0
        self._width = 0
        self._strips: LRUCache[tuple[int, int, int, bool], Strip] = LRUCache(STRIP_CACHE_SIZE)
        self._style: Style | None = None
        """The widget's Rich style, computed once until the styles change."""

    @property
    def row_count(self) -> int:
        """The number of rows in the view (held-back and filtered-out rows not included)."""
        return len(self._rows)

    @property
    def kept_count(self) -> int:
        """The number of rows kept, whether the filter shows them or not."""
        return len(self._kept)

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

    def set_filter(self, row_filter: Callable[[RowT], bool] | None) -> None:
        """Show only the kept rows for which ``row_filter`` is true, or every row for None."""
        self._row_filter = row_filter
        if row_filter is None:
            self._rows = self._kept
        else:
            self._rows = deque((row for row in self._kept if row_filter(row)), maxlen=self.max_rows)
        self.redraw()
        if self.following:
            self.scroll_end(animate=False, immediate=True, x_axis=False)

    def redraw(self) -> None:
        """Format every row in view again, because something that they show has changed."""
        self._strips.clear()
        self._first_number = 0
        self._update_size()
        self.refresh()

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
        self._kept.clear()
        self._rows.clear()
        self._held.clear()
        self.held_count = 0
        self.cursor_row = None
        self._width = 0
        self.redraw()

    def cursor_index(self) -> int | None:
        """Return the position of the marked row in the view, or None."""
        if self.cursor_row is None:
            return None
        for index in range(len(self._rows) - 1, -1, -1):
            if self._rows[index] is self.cursor_row:
                return index
        return None

    def move_cursor(self, index: int) -> None:
        """Mark the row at ``index`` in the view (clamped) and scroll it into view."""
        if not self._rows:
            return
        index = max(0, min(index, len(self._rows) - 1))
        self.cursor_row = self._rows[index]
        self._strips.clear()
        self.refresh()
        self.scroll_to_region(Region(0, index, 1, 1), animate=False, immediate=True, x_axis=False)

    def action_cursor_up(self) -> None:
        index = self.cursor_index()
        self.move_cursor(self._last_visible_index() if index is None else index - 1)

    def action_cursor_down(self) -> None:
        index = self.cursor_index()
        self.move_cursor(self._last_visible_index() if index is None else index + 1)

    def action_select_cursor(self) -> None:
        if self.cursor_index() is None:
            return
        assert self.cursor_row is not None
        self.post_message(self.Selected(self, self.cursor_row))  # type: ignore[arg-type]

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        index = round(self.scroll_y) + offset.y
        if index >= len(self._rows):
            return
        self.move_cursor(index)
        self.action_select_cursor()

    def _last_visible_index(self) -> int:
        top = round(self.scroll_y)
        return min(len(self._rows), top + self.scrollable_content_region.height) - 1

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

        shown_before = len(self._rows)
        self.rows_appended += len(rows)
        self._kept.extend(rows)
        if self._row_filter is not None:
            row_filter = self._row_filter
            rows = [row for row in rows if row_filter(row)]
            self._rows.extend(rows)
        if not rows:
            return

        self._first_number += max(0, shown_before + len(rows) - self.max_rows)
        self._update_size(rows)
        self.batches_written += 1

        self.scroll_end(animate=False, immediate=True, x_axis=False)
        self.refresh()

    def _update_size(self, new_rows: Sequence[RowT] = ()) -> None:
        if self.row_width is not None:
            self._width = self.row_width
        elif new_rows:
            widest = max(self.format_row(row).cell_len for row in new_rows)
            self._width = max(self._width, widest)

        size = Size(self._width, len(self._rows))
        if size.width != self.virtual_size.width or not self.container_size:
            # A new width may show or hide the horizontal scrollbar, which needs a layout.
            self.virtual_size = size
            return

        # The vertical scrollbar is always shown (overflow-y: scroll), so a new row count
        # only moves its thumb. Assigning virtual_size would lay out the whole screen
        # again, which costs tens of milliseconds at 140×40 with every batch.
        # NOTE: _scroll_update is private to Textual (8.2.8, the pinned version).
        self.set_reactive(RowLog.virtual_size, size)
        self._scroll_update(size)
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
        self._style = None

    def _base_style(self) -> Style:
        # DOMNode.rich_style walks every ancestor's styles on each call.
        if self._style is None:
            self._style = self.rich_style
        return self._style

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.scrollable_content_region.width
        style = self._base_style()
        if index >= len(self._rows):
            return Strip.blank(width, style)

        row = self._rows[index]
        marked = row is self.cursor_row
        key = (self._first_number + index, scroll_x, width, marked)
        cached = self._strips.get(key)
        if cached is not None:
            return cached

        strip = Strip(self._row_segments(self.format_row(row), scroll_x, width, style, marked), width)
        self._strips[key] = strip
        return strip

    def _row_segments(self, text: Text, scroll_x: int, width: int, style: Style, marked: bool) -> list[Segment]:
        """Render ``text`` cut to the view, padded to ``width``, with the widget's style under it.

        This builds one strip per row: Textual's ``Strip.crop_extend`` and ``apply_style``
        would make three, each with seven caches of its own, kept alive by the row cache.
        """
        segments = list(text.render(self.app.console))
        if scroll_x:
            pieces = list(Segment.divide(segments, [scroll_x, scroll_x + width]))
            segments = pieces[1] if len(pieces) > 1 else []
        segments = Segment.adjust_line_length(segments, width, pad=True)
        segments = list(Segment.apply_style(segments, style))
        if marked:
            segments = list(Segment.apply_style(segments, CURSOR_STYLE))
        return segments
