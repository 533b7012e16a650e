"""A keyboard grid over a polars frame: renders only the visible rows, no object per row."""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

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

from itrac_tui.tui.format import WHOLE_COLUMNS, cell, label
from itrac_tui.tui.widgets.row_moves import RowMoves

_SAMPLE_ROWS = 200  # rows sampled to size columns
_MAX_WIDTH = 36
_CAPS: dict[str, int] = {"reason": 16, "ch99_codes": 21, "ch99_programs": 16, "warnings": 16}
FROZEN_COLUMNS = ("entry_number", "line_no")  # stay at the left when scrolling right
_GAP = 1


class LineGrid(RowMoves, ScrollView, can_focus=True):
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
        self._whole: list[bool] = []
        self.frozen = 0
        self._version = 0  # bumped whenever widths change (keys the layout cache)
        self._layout_key: tuple[int, ...] | None = None
        self._grid_layout: list[tuple[int, int, int, str]] = []
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
        self._layout_key = None
        sizing = (id(frame), tuple(self.columns), sort, min(self.row_count, 1))
        if sizing != self._sizing:  # keep widths while only the filter changes
            self._sizing = sizing
            self._size_columns()
        self.virtual_size = Size(self._total_width(), self.row_count + 1)
        if old_columns != self.columns:
            self.cursor_col = min(self.cursor_col, max(len(self.columns) - 1, 0))
        self.cursor_row = 0
        self.scroll_to(y=0, animate=False, immediate=True)
        self.call_after_refresh(self.show_column, self.cursor_col)  # a sorted column stays put
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
        """Widths: numbers, dates and key columns as wide as their widest value in the whole
        frame (never cut); text from a sample, capped (cut with an ellipsis)."""
        sample = self._fetch(0, _SAMPLE_ROWS) if self.columns else None
        widths: list[int] = []
        right: list[bool] = []
        whole: list[bool] = []
        for name in self.columns:
            head = self._header_text(name)
            width = cell_len(head)
            assert sample is not None
            series = sample.get_column(name)
            dtype = self.frame.schema[name]
            is_whole = name in WHOLE_COLUMNS or dtype.is_numeric() or dtype.is_temporal()
            if is_whole:
                width = max(width, self._widest(name, dtype))
            else:
                cap = _CAPS.get(name, _MAX_WIDTH)
                for value in series.to_list():
                    width = max(width, cell_len(cell(name, value)))
                    if width >= cap:
                        width = cap
                        break
            widths.append(max(width, 2))
            right.append(dtype.is_numeric() and not name.startswith("line_no"))
            whole.append(is_whole)
        self._widths = widths
        self._right = right
        self._whole = whole
        frozen = 0
        for name in self.columns:
            if name in FROZEN_COLUMNS and frozen < 2:
                frozen += 1
            else:
                break
        self.frozen = frozen if frozen < len(self.columns) else 0
        offsets = []
        x = 0
        for w in widths:
            offsets.append(x)
            x += w + _GAP
        self._offsets = offsets
        self._version += 1
        self._layout_key = None

    def _widest(self, name: str, dtype: pl.DataType) -> int:
        """Cells of the widest value of a never-cut column, over the whole frame."""
        col = self.frame.get_column(name)
        if dtype.is_numeric() or dtype.is_temporal():
            values = [col.min(), col.max()]
            return max((cell_len(cell(name, v)) for v in values if v is not None), default=1)
        if dtype == pl.String and name != "pathway":
            return int(cast(int, col.str.len_chars().max() or 1))
        return max((cell_len(cell(name, v)) for v in col.unique().to_list()), default=1)

    @property
    def frozen_width(self) -> int:
        """Cells taken by the frozen columns (entry and line) at the left."""
        return sum(self._widths[j] + _GAP for j in range(self.frozen))

    def _total_width(self) -> int:
        return sum(self._widths) + _GAP * len(self._widths)

    def _header_text(self, name: str) -> str:
        text = label(name)
        for col, desc in self.sort:
            if col == name:
                return f"{text} {'▼' if desc else '▲'}"
        return text

    def _layout(self) -> list[tuple[int, int, int, str]]:
        """(column, screen x, cells shown, how) for every column on screen: frozen ones first,
        then the scrolled ones; how = "all", "cut" (text, ends in …) or "blank" (a number that
        does not fit whole is not shown at all)."""
        width = self.body_width
        key = (self.scroll_offset.x, width, self._version, self.frozen, len(self.columns))
        if self._layout_key == key and self._grid_layout:
            return self._grid_layout
        scroll_x = self.scroll_offset.x
        fw = self.frozen_width
        out: list[tuple[int, int, int, str]] = []
        for j in range(len(self.columns)):
            w = self._widths[j]
            if j < self.frozen:
                x = self._offsets[j]
                shown = max(0, min(w, width - x))
                if shown:
                    out.append((j, x, shown, "all" if shown == w else "blank"))
                continue
            x = self._offsets[j] - scroll_x
            lo, hi = max(x, fw), min(x + w, width)
            if hi <= lo:
                continue
            if lo == x and hi == x + w:
                out.append((j, x, w, "all"))
            elif lo > x or self._whole[j]:
                out.append((j, lo, hi - lo, "blank"))
            else:
                out.append((j, x, hi - lo, "cut"))
        self._layout_key = key
        self._grid_layout = out
        return out

    def _visible_span(self) -> tuple[int, int]:
        """Indices of the first and last scrolled column (partly) on screen."""
        scrolled = [j for j, _x, _n, _h in self._layout() if j >= self.frozen]
        if not scrolled:
            return (self.frozen, self.frozen - 1)
        return scrolled[0], scrolled[-1]

    def _rows(self, start: int, count: int) -> list[list[str]]:
        """Display text of rows start..start+count (frozen and on-screen columns; others blank),
        fetched once per window of a few pages."""
        span = self._visible_span() if self.columns else (0, -1)
        w_start, w_count, rows = self._window
        if span == self._window_span and w_start <= start and start + count <= w_start + w_count:
            return rows[start - w_start : start - w_start + count]
        page = max(self.size.height, 10)
        fetch = max(count, page) + 2 * page
        begin = max(0, start - page)
        first, last = span
        wanted = list(range(self.frozen)) + list(range(first, last + 1))
        names = [self.columns[j] for j in wanted]
        out: list[list[str]] = []
        if names:
            window = self._fetch(begin, fetch, names)
            cols = [window.get_column(c).to_list() for c in names]
            for i in range(window.height):
                row = [""] * len(self.columns)
                for k, j in enumerate(wanted):
                    row[j] = cell(names[k], cols[k][i])
                out.append(row)
        self._window = (begin, len(out), out)
        self._window_span = span
        return out[start - begin : start - begin + count]

    def _fit(self, j: int, text: str, shown: int, how: str) -> str:
        """Cell text in exactly `shown` cells: whole, cut with …, or blank."""
        w = self._widths[j]
        if how == "blank":
            return " " * shown
        if cell_len(text) > w:
            text = set_cell_size(text, w - 1) + "…"
        text = text.rjust(w) if self._right[j] else set_cell_size(text, w)
        if how == "cut":
            if not text[shown:].strip():
                return set_cell_size(text, shown)
            text = set_cell_size(text, shown - 1) + "…" if shown > 1 else " " * shown
        return text

    # --- rendering -----------------------------------------------------------------------------
    def render_line(self, y: int) -> Strip:
        """One terminal line: the header at y=0, then the rows from the scroll offset."""
        width = self.body_width
        scroll_y = self.scroll_offset.y
        base = self.rich_style
        if y == 0:
            return self._header_strip(width, base)
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
        cells = texts[0]
        segments: list[Segment] = []
        x = 0
        for j, left, shown, how in self._layout():
            if left > x:
                segments.append(Segment(" " * (left - x), style))
            cell_style = (
                style + cursor_cell if (row == self.cursor_row and j == self.cursor_col) else style
            )
            segments.append(Segment(self._fit(j, cells[j], shown, how), cell_style))
            x = left + shown
        return Strip(segments).crop(0, width).extend_cell_length(width, style)

    def _header_strip(self, width: int, base: Style) -> Strip:
        style = base + self.get_component_rich_style("line-grid--header")
        cur = style + self.get_component_rich_style("line-grid--header-cursor")
        segments: list[Segment] = []
        x = 0
        for j, left, shown, how in self._layout():
            if left > x:
                segments.append(Segment(" " * (left - x), style))
            w = self._widths[j]
            text = set_cell_size(self._header_text(self.columns[j]), w)
            if self._right[j]:
                text = text.strip().rjust(w)
            if how != "all":
                text = " " * shown if how == "blank" else set_cell_size(text, shown)
            segments.append(Segment(text, cur if j == self.cursor_col else style))
            x = left + shown
        return Strip(segments).crop(0, width).extend_cell_length(width, style)

    # --- cursor --------------------------------------------------------------------------------
    def watch_cursor_row(self, old: int, new: int) -> None:
        """Keep the cursor row on screen and repaint the two rows that changed."""
        before = self.scroll_offset.y
        self._scroll_cursor_into_view()
        if self.scroll_offset.y == before:
            for row in (old, new):
                y = row - before + 1
                if 1 <= y <= self.body_rows:
                    self.refresh(Region(0, y, self.size.width, 1))
        else:
            self.refresh()

    def watch_cursor_col(self) -> None:
        """Keep the cursor column on screen, whole."""
        self.show_column(self.cursor_col)

    def show_column(self, j: int) -> None:
        """Scroll sideways so column `j` is on screen whole (frozen columns always are)."""
        if not self._widths or j < self.frozen or j >= len(self._widths):
            return
        fw = self.frozen_width
        avail = max(self.body_width - fw, 1)
        left = self._offsets[j] - fw
        right = left + self._widths[j]
        x = self.scroll_offset.x
        if left < x:
            x = left
        elif right > x + avail:
            need = right - avail
            starts = [self._offsets[k] - fw for k in range(self.frozen, j + 1)]
            x = min((s for s in starts if s >= need), default=left)
        if x != self.scroll_offset.x:
            self.scroll_to(x=x, animate=False, immediate=True)
            self._window = (0, 0, [])
            self.refresh()

    @property
    def body_width(self) -> int:
        """Cells on screen across (the vertical scrollbar takes one: a column laid out under it
        would lose its last character, a number's last digit)."""
        return max(self.scrollable_content_region.width, 1)

    @property
    def body_rows(self) -> int:
        """Rows on screen below the header (a horizontal scrollbar takes one)."""
        return max(self.scrollable_content_region.height - 1, 1)

    def _scroll_cursor_into_view(self) -> None:
        body = self.body_rows
        row = self.cursor_row
        top = self.scroll_offset.y
        if row < top:
            self.scroll_to(y=row, animate=False, immediate=True)
        elif row >= top + body:
            self.scroll_to(y=row - body + 1, animate=False, immediate=True)

    def action_cursor_left(self) -> None:
        """Move to the previous column."""
        self.cursor_col = max(0, self.cursor_col - 1)

    def action_cursor_right(self) -> None:
        """Move to the next column."""
        self.cursor_col = min(max(len(self.columns) - 1, 0), self.cursor_col + 1)

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
        self._layout_key = None

    def cell_text(self, row: int, column: str) -> str:
        """Full display text of one cell (for the cell view and copying)."""
        values = self.row_values(row)
        return cell(column, values.get(column)) if values else ""
