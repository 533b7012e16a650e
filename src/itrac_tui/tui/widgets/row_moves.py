"""Cursor keys over the rows of a scrolling widget (the line grid, a row list): one of each."""

from __future__ import annotations


class RowMoves:
    """Up, down, a page, the first and the last row, for a widget that has `row_count`,
    `body_rows` (rows on screen) and a reactive `cursor_row`."""

    cursor_row: int

    @property
    def row_count(self) -> int:
        """How many rows there are (the widget says)."""
        raise NotImplementedError

    @property
    def body_rows(self) -> int:
        """How many rows are on screen (the widget says)."""
        raise NotImplementedError

    def _move(self, delta: int) -> None:
        if self.row_count:
            self.cursor_row = max(0, min(self.row_count - 1, self.cursor_row + delta))

    def action_cursor_up(self) -> None:
        """Up one row."""
        self._move(-1)

    def action_cursor_down(self) -> None:
        """Down one row."""
        self._move(1)

    def action_page_up(self) -> None:
        """Up one page."""
        self._move(-max(self.body_rows - 1, 1))

    def action_page_down(self) -> None:
        """Down one page."""
        self._move(max(self.body_rows - 1, 1))

    def action_top(self) -> None:
        """To the first row."""
        self._move(-self.row_count)

    def action_bottom(self) -> None:
        """To the last row, however many there are."""
        self._move(self.row_count)
