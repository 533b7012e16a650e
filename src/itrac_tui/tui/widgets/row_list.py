"""A list of text rows formatted only as they come on screen, with a row cursor: a list of
185,000 entry groups costs what the 20 rows on screen cost (Textual's OptionList measures every
option as it is added)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.cells import set_cell_size
from rich.segment import Segment
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from itrac_tui.tui.widgets.row_moves import RowMoves

# rows start..start+count as display text (one line each)
RowFormatter = Callable[[int, int], list[str]]


def _no_rows(_start: int, _count: int) -> list[str]:
    return []


class RowList(RowMoves, ScrollView, can_focus=True):
    """Rows of text from a formatter, a page or two formatted at a time; Enter selects."""

    BINDINGS = [
        Binding("up", "cursor_up", "Up", show=False, id="rows.up"),
        Binding("down", "cursor_down", "Down", show=False, id="rows.down"),
        Binding("pageup", "page_up", "Page up", show=False, id="rows.page_up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="rows.page_down"),
        Binding("home,g", "top", "Top", tooltip="Jump to the first row", show=False, id="rows.top"),
        Binding(
            "end,G",
            "bottom",
            "Bottom",
            tooltip="Jump to the last row",
            show=False,
            id="rows.bottom",
        ),
        Binding("enter", "select", "Select", show=False, id="rows.select"),
    ]

    COMPONENT_CLASSES = {"row-list--cursor"}

    DEFAULT_CSS = """
    RowList { height: 1fr; background: $surface; scrollbar-size-vertical: 1; }
    RowList > .row-list--cursor { background: $primary 30%; }
    RowList:focus > .row-list--cursor { background: $primary 50%; text-style: bold; }
    """

    cursor_row: reactive[int] = reactive(0, always_update=True, repaint=False)

    @dataclass
    class Selected(Message):
        """Enter was pressed on a row."""

        row_list: RowList
        index: int

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._count = 0
        self._format: RowFormatter = _no_rows
        self._window: tuple[int, list[str]] = (0, [])  # first row, its formatted text

    def set_rows(self, count: int, formatter: RowFormatter) -> None:
        """Show `count` rows, row i being `formatter(i, 1)[0]`; the cursor on the first."""
        self._count = count
        self._format = formatter
        self._window = (0, [])
        self.virtual_size = Size(0, count)  # rows are cut to the width: no sideways scrolling
        self.scroll_to(y=0, animate=False, immediate=True)
        self.cursor_row = 0
        self.refresh()

    def clear(self) -> None:
        """No rows."""
        self.set_rows(0, _no_rows)

    @property
    def row_count(self) -> int:
        """How many rows the list has."""
        return self._count

    def row_text(self, row: int) -> str:
        """Display text of one row (formatted with the page around it)."""
        start, texts = self._window
        if not start <= row < start + len(texts):
            page = max(self.size.height, 10)
            start = max(0, row - page)
            texts = self._format(start, 3 * page)
            self._window = (start, texts)
        return texts[row - start] if row - start < len(texts) else ""

    def render_line(self, y: int) -> Strip:
        """One terminal line: the row at the scroll offset plus `y`."""
        width = self.scrollable_content_region.width  # left of the scrollbar
        base = self.rich_style
        row = self.scroll_offset.y + y
        if row >= self._count:
            return Strip.blank(width, base)
        style = (
            base + self.get_component_rich_style("row-list--cursor")
            if row == self.cursor_row
            else base
        )
        return Strip([Segment(set_cell_size(self.row_text(row), width), style)], width)

    @property
    def body_rows(self) -> int:
        """Rows on screen."""
        return max(self.scrollable_content_region.height, 1)

    def watch_cursor_row(self, old: int, new: int) -> None:
        """Keep the cursor row on screen and repaint the two rows that changed."""
        top = self.scroll_offset.y
        body = self.body_rows
        if new < top:
            self.scroll_to(y=new, animate=False, immediate=True)
        elif new >= top + body:
            self.scroll_to(y=new - body + 1, animate=False, immediate=True)
        if self.scroll_offset.y == top:
            for row in (old, new):
                if 0 <= row - top < body:
                    self.refresh(Region(0, row - top, self.size.width, 1))
        else:
            self.refresh()

    def on_resize(self) -> None:
        """Format again for the new page size and width."""
        self._window = (0, [])
        self.virtual_size = Size(0, self._count)

    def action_select(self) -> None:
        """Select the row under the cursor."""
        if self._count:
            self.post_message(self.Selected(self, self.cursor_row))
