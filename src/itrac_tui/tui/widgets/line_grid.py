"""A keyboard grid over a polars frame: renders only the visible rows, no object per row."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl
from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from itrac_tui.tui.format import cell, label

_SAMPLE_ROWS = 200  # rows sampled to size columns
_MAX_WIDTH = 36
_GAP = 1


class LineGrid(ScrollView, can_focus=True):
    """Rows of a frame, one per terminal line, with a sticky header and a row/column cursor."""

    BINDINGS = [
        Binding("up", "cursor_up", "Up", show=False, id="grid.up"),
        Binding("down", "cursor_down", "Down", show=False, id="grid.down"),
        Binding(
            "left", "cursor_left", "Left", tooltip="Previous column", show=False, id="grid.left"
        ),
        Binding(
            "right", "cursor_right", "Right", tooltip="Next column", show=False, id="grid.right"
        ),
        Binding("pageup", "page_up", "Page up", show=False, id="grid.page_up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="grid.page_down"),
        Binding(
            "home,g", "top", "Top", tooltip="Jump to the first line", show=False, id="grid.top"
        ),
        Binding(
            "end,G",
            "bottom",
            "Bottom",
            tooltip="Jump to the last line",
            show=False,
            id="grid.bottom",
        ),
        Binding(
            "enter",
            "select",
            "Detail",
            tooltip="Open the line: source rows, Chapter 99, warnings",
            show=False,
            id="grid.detail",
        ),
        Binding(
            "s",
            "sort",
            "Sort",
            tooltip="Sort by the cursor column (again: reverse, again: off)",
            show=False,
            id="grid.sort",
        ),
    ]

    COMPONENT_CLASSES = {
        "line-grid--header",
        "line-grid--cursor",
        "line-grid--cursor-cell",
        "line-grid--header-cursor",
        "line-grid--odd",
    }

    DEFAULT_CSS = """
    LineGrid {
        height: 1fr;
        background: $surface;
        scrollbar-size-vertical: 1;
        scrollbar-size-horizontal: 1;
    }
    LineGrid > .line-grid--header { text-style: bold; background: $panel; color: $text; }
    LineGrid > .line-grid--header-cursor { text-style: bold reverse; }
    LineGrid > .line-grid--cursor { background: $primary 30%; }
    LineGrid:focus > .line-grid--cursor { background: $primary 50%; }
    LineGrid > .line-grid--cursor-cell { text-style: bold underline; }
    LineGrid > .line-grid--odd { background: $boost; }
    """

    cursor_row: reactive[int] = reactive(0, always_update=True, repaint=False)
    cursor_col: reactive[int] = reactive(0, repaint=True)

    @dataclass
    class Selected(Message):
        """Enter was pressed on a row (row index in the current frame)."""

        grid: LineGrid
        row: int

    @dataclass
    class SortRequested(Message):
        """The user asked to sort by a column."""

        grid: LineGrid
        column: str

    def __init__(
        self,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.frame: pl.DataFrame = pl.DataFrame()
        self.ids: pl.Series | None = None  # row indices of `frame` in view order (None: all)
        self.columns: list[str] = []
        self.sort: tuple[tuple[str, bool], ...] = ()
        self._widths: list[int] = []
        self._offsets: list[int] = []
        self._right: list[bool] = []
        self._window: tuple[int, int, list[list[str]]] = (0, 0, [])
        self._sizing: tuple[object, ...] | None = None
        self._window_span: tuple[int, int] = (0, -1)

    # --- data ----------------------------------------------------------------------------------
    def set_frame(
        self,
        frame: pl.DataFrame,
        columns: list[str],
        sort: tuple[tuple[str, bool], ...] = (),
        *,
        ids: pl.Series | None = None,
    ) -> None:
        """Show `frame` (or its rows `ids`, in that order) with the given columns."""
        self.frame = frame
        self.ids = ids
        self.sort = sort
        old_columns = self.columns
        self.columns = [c for c in columns if c in frame.columns]
        self._window = (0, 0, [])
        sizing = (id(frame), tuple(self.columns), sort, min(self.row_count, 1))
        if sizing != self._sizing:  # keep widths while only the filter changes
            self._sizing = sizing
            self._size_columns()
        self.virtual_size = Size(self._total_width(), self.row_count + 1)
        if old_columns != self.columns:
            self.cursor_col = min(self.cursor_col, max(len(self.columns) - 1, 0))
        self.cursor_row = 0
        self.scroll_to(0, 0, animate=False, immediate=True)
        self.refresh()

    @property
    def row_count(self) -> int:
        """Rows shown."""
        return self.frame.height if self.ids is None else self.ids.len()

    @property
    def cursor_column(self) -> str | None:
        """Name of the column under the cursor."""
        return self.columns[self.cursor_col] if self.columns else None

    def _fetch(self, begin: int, count: int, names: list[str] | None = None) -> pl.DataFrame:
        """Rows begin..begin+count of the view, given columns only (a gather of a few rows)."""
        frame = self.frame.select(names if names is not None else self.columns)
        if self.ids is None:
            return frame.slice(begin, count)
        return frame[self.ids.slice(begin, count)]

    def _size_columns(self) -> None:
        sample = self._fetch(0, _SAMPLE_ROWS) if self.columns else None
        widths: list[int] = []
        right: list[bool] = []
        for name in self.columns:
            head = self._header_text(name)
            width = cell_len(head)
            assert sample is not None
            series = sample.get_column(name)
            for value in series.to_list():
                width = max(width, cell_len(cell(name, value)))
                if width >= _MAX_WIDTH:
                    width = _MAX_WIDTH
                    break
            if name.endswith("_cents"):
                width = max(width, 12)
            widths.append(max(width, 2))
            right.append(series.dtype.is_numeric() and not name.startswith("line_no"))
        self._widths = widths
        self._right = right
        offsets = []
        x = 0
        for w in widths:
            offsets.append(x)
            x += w + _GAP
        self._offsets = offsets

    def _total_width(self) -> int:
        return sum(self._widths) + _GAP * len(self._widths)

    def _header_text(self, name: str) -> str:
        text = label(name)
        for col, desc in self.sort:
            if col == name:
                return f"{text} {'▼' if desc else '▲'}"
        return text

    def _visible_span(self) -> tuple[int, int]:
        """Indices of the first and last column (partly) on screen."""
        x0 = self.scroll_offset.x
        x1 = x0 + max(self.size.width, 1)
        first, last = 0, len(self.columns) - 1
        for j, left in enumerate(self._offsets):
            if left + self._widths[j] <= x0:
                first = j + 1
            if left < x1:
                last = j
        return min(first, last), last

    def _rows(self, start: int, count: int) -> list[list[str]]:
        """Display text of rows start..start+count (on-screen columns only; others blank),
        fetched once per window of a few pages."""
        span = self._visible_span() if self.columns else (0, -1)
        w_start, w_count, rows = self._window
        if span == self._window_span and w_start <= start and start + count <= w_start + w_count:
            return rows[start - w_start : start - w_start + count]
        page = max(self.size.height, 10)
        fetch = max(count, page) + 2 * page
        begin = max(0, start - page)
        first, last = span
        names = self.columns[first : last + 1]
        out: list[list[str]] = []
        if names:
            window = self._fetch(begin, fetch, names)
            cols = [window.get_column(c).to_list() for c in names]
            blank_left = [""] * first
            blank_right = [""] * (len(self.columns) - last - 1)
            for i in range(window.height):
                cells = [cell(name, cols[j][i]) for j, name in enumerate(names)]
                out.append(blank_left + cells + blank_right)
        self._window = (begin, len(out), out)
        self._window_span = span
        return out[start - begin : start - begin + count]

    # --- rendering -----------------------------------------------------------------------------
    def render_line(self, y: int) -> Strip:
        """One terminal line: the header at y=0, then the rows from the scroll offset."""
        width = self.size.width
        scroll_x, scroll_y = self.scroll_offset
        base = self.rich_style
        if y == 0:
            return self._header_strip(scroll_x, width, base)
        row = scroll_y + y - 1
        if row >= self.row_count or not self.columns:
            return Strip.blank(width, base)
        texts = self._rows(row, 1)
        if not texts:
            return Strip.blank(width, base)
        style = base
        if row == self.cursor_row:
            style = base + self.get_component_rich_style("line-grid--cursor")
        elif row % 2:
            style = base + self.get_component_rich_style("line-grid--odd")
        cursor_cell = self.get_component_rich_style("line-grid--cursor-cell")
        segments: list[Segment] = []
        for j, text in enumerate(texts[0]):
            w = self._widths[j]
            if cell_len(text) > w:
                text = set_cell_size(text, w - 1) + "…"
            text = text.rjust(w) if self._right[j] else set_cell_size(text, w)
            cell_style = (
                style + cursor_cell if (row == self.cursor_row and j == self.cursor_col) else style
            )
            segments.append(Segment(text, cell_style))
            segments.append(Segment(" " * _GAP, style))
        strip = Strip(segments).crop(scroll_x, scroll_x + width)
        return strip.extend_cell_length(width, style)

    def _header_strip(self, scroll_x: int, width: int, base: Style) -> Strip:
        style = base + self.get_component_rich_style("line-grid--header")
        cur = style + self.get_component_rich_style("line-grid--header-cursor")
        segments: list[Segment] = []
        for j, name in enumerate(self.columns):
            w = self._widths[j]
            text = self._header_text(name)
            text = set_cell_size(text, w)
            if self._right[j]:
                text = text.strip().rjust(w)
            segments.append(Segment(text, cur if j == self.cursor_col else style))
            segments.append(Segment(" " * _GAP, style))
        return Strip(segments).crop(scroll_x, scroll_x + width).extend_cell_length(width, style)

    # --- cursor --------------------------------------------------------------------------------
    def watch_cursor_row(self, old: int, new: int) -> None:
        """Keep the cursor row on screen and repaint the two rows that changed."""
        before = self.scroll_offset.y
        self._scroll_cursor_into_view()
        if self.scroll_offset.y == before:
            for row in (old, new):
                y = row - before + 1
                if 1 <= y < self.size.height:
                    self.refresh(Region(0, y, self.size.width, 1))
        else:
            self.refresh()

    def watch_cursor_col(self) -> None:
        """Keep the cursor column on screen."""
        if not self._widths:
            return
        j = self.cursor_col
        left = self._offsets[j]
        self.scroll_to_region(
            Region(left, self.scroll_offset.y, self._widths[j] + _GAP, 1),
            animate=False,
            immediate=True,
        )

    def _scroll_cursor_into_view(self) -> None:
        body = max(self.size.height - 1, 1)
        row = self.cursor_row
        top = self.scroll_offset.y
        if row < top:
            self.scroll_to(y=row, animate=False, immediate=True)
        elif row >= top + body:
            self.scroll_to(y=row - body + 1, animate=False, immediate=True)

    def _move(self, delta: int) -> None:
        if self.row_count:
            self.cursor_row = max(0, min(self.row_count - 1, self.cursor_row + delta))

    def action_cursor_up(self) -> None:
        """Move up one row."""
        self._move(-1)

    def action_cursor_down(self) -> None:
        """Move down one row."""
        self._move(1)

    def action_cursor_left(self) -> None:
        """Move to the previous column."""
        self.cursor_col = max(0, self.cursor_col - 1)

    def action_cursor_right(self) -> None:
        """Move to the next column."""
        self.cursor_col = min(max(len(self.columns) - 1, 0), self.cursor_col + 1)

    def action_page_up(self) -> None:
        """Move up one page."""
        self._move(-max(self.size.height - 2, 1))

    def action_page_down(self) -> None:
        """Move down one page."""
        self._move(max(self.size.height - 2, 1))

    def action_top(self) -> None:
        """Jump to the first row."""
        self._move(-self.row_count)

    def action_bottom(self) -> None:
        """Jump to the last row."""
        self._move(self.row_count)

    def action_select(self) -> None:
        """Open the row under the cursor."""
        if self.row_count:
            self.post_message(self.Selected(self, self.cursor_row))

    def action_sort(self) -> None:
        """Sort by the column under the cursor (again: reverse, third time: unsorted)."""
        if self.cursor_column:
            self.post_message(self.SortRequested(self, self.cursor_column))

    def row_values(self, row: int) -> dict[str, object]:
        """All values of one row of the frame."""
        if 0 <= row < self.row_count:
            index = row if self.ids is None else int(self.ids[row])
            return self.frame.row(index, named=True)
        return {}

    def on_resize(self) -> None:
        """Drop the fetched window (the page size changed)."""
        self._window = (0, 0, [])
