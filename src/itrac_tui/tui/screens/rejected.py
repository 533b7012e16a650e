"""Rejected and set-aside rows of the export, in a grid; ctrl+s saves them as CSV."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

import polars as pl
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Static

from itrac_tui.tui.screens.dialogs import (
    ask_save_path,
    default_save_path,
)
from itrac_tui.tui.widgets.line_grid import LineGrid

if TYPE_CHECKING:
    from itrac_tui.tui.app import ItracApp


class RejectedScreen(Screen):
    """Rows not used: rejected (with column, value, reason) then set aside (with reason)."""

    BINDINGS = [
        Binding("escape", "close", "Back", id="rejected.close"),
        Binding("ctrl+s", "save", "Save CSV", id="rejected.save"),
    ]
    DEFAULT_CSS = "RejectedScreen #rejected-title { height: 1; background: $panel; padding: 0 1; }"

    def __init__(self, rejected: pl.DataFrame, set_aside: pl.DataFrame) -> None:
        super().__init__()
        self.rejected = rejected
        self.set_aside = set_aside

    @property
    def itrac(self) -> ItracApp:
        """The app, typed."""
        return cast("ItracApp", self.app)

    def frame(self) -> pl.DataFrame:
        """Rejected rows, then set-aside rows, in one frame."""
        rej = self.rejected.with_columns(pl.lit("rejected").alias("kind"))
        aside = self.set_aside.with_columns(
            pl.lit("set aside").alias("kind"),
            pl.lit(None, pl.String).alias("column"),
            pl.lit(None, pl.String).alias("value"),
        )
        cols = ["kind", "source_file", "source_row", "column", "value", "reason", "raw"]
        parts = [f.select([c for c in cols if c in f.columns]) for f in (rej, aside)]
        return pl.concat(parts, how="diagonal_relaxed")

    def compose(self) -> ComposeResult:
        """Title, grid, footer."""
        yield Static(
            f"{self.rejected.height:,} rejected · {self.set_aside.height:,} set aside "
            "— Escape: back · ctrl+s: save as CSV",
            id="rejected-title",
        )
        yield LineGrid(id="rejected-grid")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        """Fill the grid."""
        grid = self.query_one(LineGrid)
        frame = self.frame()
        grid.set_frame(frame, list(frame.columns))
        grid.focus()

    def on_line_grid_sort_requested(self, event: LineGrid.SortRequested) -> None:
        """No sorting here."""
        event.stop()

    def on_line_grid_selected(self, event: LineGrid.Selected) -> None:
        """No detail here."""
        event.stop()

    def action_close(self) -> None:
        """Back."""
        self.app.pop_screen()

    def action_save(self) -> None:
        """Save the rejected rows as CSV."""
        ask_save_path(
            self,
            "Save rejected rows as CSV",
            default_save_path("itrac-rejected"),
            lambda path, force: self.itrac.write_output("rejected", path, force),
        )
