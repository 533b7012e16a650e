"""Breakdown (VisiData's Shift+F): the current view's lines, entries and IEEPA duty per group of a
dimension, with a share bar; Enter filters the grid to the group; ctrl+s saves it as CSV."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, Any, cast

import polars as pl
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static
from textual.worker import get_current_worker

from itrac_tui.core.breakdown import (
    BLANK,
    COLUMN_PREFIX,
    DIMENSIONS,
    Totals,
    breakdown_csv,
    breakdown_with_totals,
    dimension_label,
    is_list,
    resolve,
)
from itrac_tui.core.views import ViewSpec, apply_view, search_columns
from itrac_tui.tui.format import PROGRAM_SHORT, SHORT_LABELS, bar, dollars, label, safe_text
from itrac_tui.tui.query import ENTRY_KEY
from itrac_tui.tui.screens.held import PaintHold
from itrac_tui.tui.widgets.row_list import RowList
from itrac_tui.tui.widgets.steady_footer import SteadyFooter

if TYPE_CHECKING:
    from itrac_tui.tui.app import ItracApp

# grid column -> breakdown dimension (other columns break down by their own values)
COLUMN_DIMENSIONS: dict[str, str] = {
    "country": "origin",
    "country_raw": "origin",
    "ch99_programs": "program",
    "ch99_codes": "ch99",
    "liquidation_status": "status",
    "reason": "reason",
    "pathway": "pathway",
    "entry_date": "entry_month",
    "liquidation_date": "liquidation_month",
}
SORTS: tuple[tuple[str, str, bool], ...] = (
    ("ieepa_duty_cents", "IEEPA duty", True),
    ("lines", "lines", True),
    ("entries", "entries", True),
    ("key", "group", False),
)


def dimension_of_column(column: str | None) -> str:
    """The breakdown dimension for a grid column."""
    if not column:
        return "origin"
    return COLUMN_DIMENSIONS.get(column, f"column:{column}")


def group_label(dimension: str, key: str) -> str:
    """Display text of a group key."""
    if key == BLANK:
        return "(blank)"
    if dimension == "program":
        return PROGRAM_SHORT.get(key, safe_text(key))
    if dimension == "pathway":
        return SHORT_LABELS.get(key, safe_text(key))
    if dimension.endswith("_cents") and re.fullmatch(r"-?[0-9]+", key):  # a money column
        return dollars(int(key))
    return safe_text(key)


def dimension_title(dimension: str) -> str:
    """Display name of a (resolved) dimension: a grid column by its header."""
    if dimension.startswith(COLUMN_PREFIX):
        return label(dimension[len(COLUMN_PREFIX) :])
    return dimension_label(dimension)


def breakdown_view(lines: pl.DataFrame, spec: ViewSpec, dimension: str) -> tuple[Any, Totals]:
    """The breakdown of the lines in the view and the view's own totals (core calls only)."""
    key = ENTRY_KEY if ENTRY_KEY in lines.columns else "entry_number"
    lazy = lines.lazy()
    if spec.is_filtered():
        lazy = apply_view(lazy, replace(spec, sort=(), columns=()), search_columns(lines))
    return breakdown_with_totals(lazy, dimension, entry_key=key)


class BreakdownList(RowList):
    """The groups, formatted as they come on screen (one per entry: 185,000 cost what 20 do);
    Enter filters the grid to the one under the cursor."""

    BINDINGS = [Binding("enter", "select", "Filter to group", id="breakdown.select")]


class BreakdownScreen(Screen):
    """Groups of the current view by one dimension."""

    BINDINGS = [
        Binding("escape,q", "close", "Back", id="breakdown.close"),
        Binding(
            "s",
            "cycle_sort",
            "Sort",
            tooltip="Sort: duty, lines, entries, group",
            id="breakdown.sort",
        ),
        Binding("r", "reverse", "Reverse", tooltip="Reverse the sort", id="breakdown.reverse"),
        Binding(
            "b",
            "pick_dimension",
            "Dimension",
            tooltip="Break down by another dimension",
            id="breakdown.dimension",
        ),
        Binding(
            "ctrl+s", "save", "Save CSV", tooltip="Save this breakdown as CSV", id="breakdown.save"
        ),
    ]
    DEFAULT_CSS = """
    BreakdownScreen { background: $background; }
    BreakdownScreen Static { text-wrap: nowrap; text-overflow: ellipsis; }
    BreakdownScreen #bd-title { height: 1; text-style: bold; background: $panel; padding: 0 1; }
    BreakdownScreen #bd-header { height: 1; text-style: bold; padding: 0 1; }
    BreakdownScreen BreakdownList, BreakdownScreen BreakdownList:focus {
        height: 1fr; border: none; padding: 0 1;
    }
    BreakdownScreen #bd-total { height: 1; text-style: bold; padding: 0 1; }
    """

    def __init__(
        self,
        lines: pl.DataFrame,
        spec: ViewSpec,
        dimension: str,
        as_of: date,
        count: bool = True,
    ) -> None:
        super().__init__()
        self._cache: dict[tuple[Any, ...], tuple[Any, ...]] = {}  # same view: no recount
        self._rows: pl.DataFrame | None = None  # the groups in the order shown
        self.reset(lines, spec, dimension, as_of, count)

    def reset(
        self,
        lines: pl.DataFrame,
        spec: ViewSpec,
        dimension: str,
        as_of: date,
        count: bool = True,
    ) -> None:
        """New view or dimension: count it in a worker at once, while the screen is being shown
        (the screen is kept between uses: no new widgets to build)."""
        self.lines = lines
        self.spec = spec
        self.dimension = dimension
        self.as_of = as_of
        self.sort_index = 0
        self.descending = True
        self.table: pl.DataFrame | None = None
        self.whole: Totals | None = None
        if count:
            self.recount()

    @property
    def itrac(self) -> ItracApp:
        """The app, typed."""
        return cast("ItracApp", self.app)

    def compose(self) -> ComposeResult:
        """Title, header, groups, total, footer."""
        yield Static("Breakdown", id="bd-title")
        yield Static("", id="bd-header")
        yield BreakdownList(id="bd-list")  # group names are text, never markup
        yield Static("Counting…", id="bd-total")
        yield SteadyFooter(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        """First shown: draw what the worker counted meanwhile, if it is done."""
        self._draw() if self.table is not None else self._show_counting()

    def on_screen_resume(self) -> None:
        """Shown (again): the groups are drawn as soon as they are counted."""
        self.query_one(BreakdownList).focus()

    def recount(self) -> None:
        """Compute the breakdown for the current dimension in a worker (the same view again: drawn
        from the cache at once); the screen is painted when its groups are drawn."""
        self.table = None
        self.whole = None
        self._release()
        lines, spec, dimension = self.lines, self.spec, self.dimension
        key = (id(lines), replace(spec, sort=(), columns=()), dimension)
        cached = self._cache.get(key)
        if cached is not None and cached[0] is lines:
            self.show_table(lines, spec, dimension, cached[1], cached[2])
            return
        if self.is_mounted:
            self._show_counting()
        self._hold: PaintHold | None = PaintHold(self.app)
        self._count(key, lines, spec, dimension)

    def _release(self) -> None:
        hold, self._hold = getattr(self, "_hold", None), None
        if hold is not None:
            hold.release()

    def _show_counting(self) -> None:
        label = dimension_title(resolve(self.dimension, self.lines.columns) or self.dimension)
        self.query_one("#bd-title", Static).update(Text(f"Breakdown by {label} — counting…"))
        self.query_one("#bd-header", Static).update("")
        self.query_one(BreakdownList).clear()
        self.query_one("#bd-total", Static).update("Counting…")

    @work(thread=True, exclusive=True, group="breakdown")
    def _count(
        self,
        key: tuple[Any, ...],
        lines: pl.DataFrame,
        spec: ViewSpec,
        dimension: str,
    ) -> None:
        table, whole = breakdown_view(lines, spec, dimension)
        if len(self._cache) > 16:
            self._cache.clear()
        self._cache[key] = (lines, table, whole)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self.show_table, lines, spec, dimension, table, whole)

    def show_table(
        self,
        lines: pl.DataFrame,
        spec: ViewSpec,
        dimension: str,
        table: pl.DataFrame,
        whole: Totals,
    ) -> None:
        """Draw the groups (sorted as chosen) unless the view or dimension changed meanwhile."""
        if lines is not self.lines or spec != self.spec or dimension != self.dimension:
            return
        self.table = table
        self.whole = whole
        if self.is_mounted:
            self._draw()
        self._release()

    def _sorted(self) -> pl.DataFrame:
        assert self.table is not None
        column, _label, _desc = SORTS[self.sort_index]
        if (column, self.descending) == ("ieepa_duty_cents", True):
            return self.table  # the core's own order
        others = [c for c in ("ieepa_duty_cents", "lines", "key") if c != column]
        return self.table.sort(
            [column, *others],
            descending=[self.descending] + [c != "key" for c in others],
        )

    def _widths(self) -> tuple[int, int]:
        width = max((self.size.width or self.app.size.width) - 2, 60)
        bar_w = max(10, width // 5)
        key_w = max(width - (9 + 8 + 16 + 7 + bar_w + 7), 10)
        return key_w, bar_w

    def _draw(self) -> None:
        if self.table is None or self.whole is None:
            return
        dim = resolve(self.dimension, self.lines.columns)
        label = dimension_title(dim or self.dimension)
        sort_label = SORTS[self.sort_index][1] + (" ↓" if self.descending else " ↑")
        note = (
            " · a line with several counts in each"
            if dim and is_list(dim, self.lines.schema)
            else ""
        )
        view = "filtered view" if self.spec.is_filtered() else "all lines"
        self.query_one("#bd-title", Static).update(
            Text(
                f"Breakdown by {label} — {view}, {self.table.height:,} groups, "
                f"sorted by {sort_label}{note}",
                no_wrap=True,
                overflow="ellipsis",
            )
        )
        key_w, bar_w = self._widths()
        head = (
            f"{label[:key_w]:<{key_w}} {'Lines':>9} {'Entries':>8} {'IEEPA duty':>16} "
            f"{'Share':>7} {'':<{bar_w}}"
        )
        self.query_one("#bd-header", Static).update(Text(head, no_wrap=True))
        self._rows = self._sorted()
        self.query_one(BreakdownList).set_rows(self._rows.height, self._format_rows)
        if not dim:
            self.query_one("#bd-total", Static).update(
                Text(f"This export has no column for {label}.")
            )
            return
        total = (
            f"{'Total (the view)':<{key_w}} {self.whole.lines:>9,} {self.whole.entries:>8,} "
            f"{dollars(self.whole.ieepa_duty_cents):>16}"
        )
        self.query_one("#bd-total", Static).update(Text(total, no_wrap=True))

    def _format_rows(self, start: int, count: int) -> list[str]:
        """Display text of the groups start..start+count in the order shown."""
        rows, whole = self._rows, self.whole
        if rows is None or whole is None:
            return []
        dim = resolve(self.dimension, self.lines.columns)
        kind = self.dimension if dim in DIMENSIONS else dim
        key_w, bar_w = self._widths()
        whole_cents = whole.ieepa_duty_cents
        texts = []
        for key, n, e, cents, bp in rows.slice(start, count).iter_rows():
            name = group_label(kind, key)
            if len(name) > key_w:
                name = name[: key_w - 1] + "…"
            sign, bp = ("-" if bp < 0 else ""), abs(bp)  # a refund group's share is negative
            share = f"{sign}{bp // 100}.{bp % 100 // 10}%"
            texts.append(
                f"{name:<{key_w}} {n:>9,} {e:>8,} {dollars(cents):>16} {share:>7} "
                f"{bar(cents, whole_cents, bar_w)}"
            )
        return texts

    def on_row_list_selected(self, event: RowList.Selected) -> None:
        """Enter: filter the grid to the group and go back to it."""
        event.stop()
        dim = resolve(self.dimension, self.lines.columns)
        if self._rows is None or not dim or event.index >= self._rows.height:
            return
        self.dismiss((dim, self._rows.item(event.index, "key")))

    def action_close(self) -> None:
        """Back to the grid."""
        self.dismiss(None)

    def action_cycle_sort(self) -> None:
        """Next sort column."""
        self.sort_index = (self.sort_index + 1) % len(SORTS)
        self.descending = SORTS[self.sort_index][2]
        self._draw()

    def action_reverse(self) -> None:
        """Reverse the sort."""
        self.descending = not self.descending
        self._draw()

    def action_pick_dimension(self) -> None:
        """Choose another dimension."""
        from itrac_tui.tui.screens.dialogs import ChoiceDialog

        choices = [
            (key, label)
            for key, (label, _c, _l) in DIMENSIONS.items()
            if resolve(key, self.lines.columns)
        ]

        def done(value: str | None) -> None:
            if value:
                self.dimension = value
                self.recount()

        self.app.push_screen(ChoiceDialog("Break down by", choices), done)

    def action_save(self) -> None:
        """Save the breakdown as CSV."""
        from pathlib import Path

        from itrac_tui.tui.screens.dialogs import ask_save_path, default_save_path

        if self.table is None:
            return
        dim = resolve(self.dimension, self.lines.columns) or self.dimension
        frame = breakdown_csv(self._sorted(), dim)
        stem = f"itrac-breakdown-{dim.replace('column:', '').replace(' ', '_')}-{self.as_of:%Y%m%d}"

        def write(path: Path, force: bool) -> None:
            self.itrac.write_output("table", path, force, frame=frame)

        ask_save_path(self, f"Save {frame.height:,} groups as CSV", default_save_path(stem), write)
