"""Deadline calendar: the next weeks as rows — Phase 1 closings, protest and CIT deadlines —
entries and IEEPA duty per week with text bars; Enter filters the grid to the week."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, cast

import polars as pl
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from itrac_tui.core.calendar import DEADLINE_KINDS, weekly_deadlines
from itrac_tui.core.views import ViewSpec, apply_view, search_columns
from itrac_tui.tui.format import bar, dollars
from itrac_tui.tui.query import ENTRY_KEY
from itrac_tui.tui.screens.held import PaintHold
from itrac_tui.tui.widgets.steady_footer import SteadyFooter

if TYPE_CHECKING:
    from itrac_tui.tui.app import ItracApp

WEEKS = 26
CIT_NOTE = "CIT dates are estimates (deposit + 2 years; when the 1581(i) clock starts is disputed)"


def calendar_view(lines: pl.DataFrame, spec: ViewSpec, as_of: date, weeks: int) -> pl.DataFrame:
    """The weekly roll-up of the lines in the view (core calls only)."""
    key = ENTRY_KEY if ENTRY_KEY in lines.columns else "entry_number"
    lazy = lines.lazy()
    if spec.is_filtered():
        lazy = apply_view(lazy, replace(spec, sort=(), columns=()), search_columns(lines))
    return weekly_deadlines(lazy, as_of, weeks=weeks, entry_key=key)


def week_label(bucket: str, start: date | None, end: date | None) -> str:
    """ "overdue", "later" or the week's Monday."""
    if bucket == "overdue":
        return "overdue"
    if bucket == "later":
        return "later"
    return start.isoformat() if start else bucket


class CalendarList(OptionList):
    """The weeks; Enter filters the grid to the highlighted week."""

    BINDINGS = [Binding("enter", "select", "Filter to week", id="calendar.select")]


class CalendarScreen(Screen):
    """Deadlines of the current view by week."""

    BINDINGS = [
        Binding("escape,q", "close", "Back", id="calendar.close"),
        Binding(
            "u",
            "due_within",
            "Due within…",
            tooltip="Filter the grid: due within N days",
            id="calendar.due",
        ),
        Binding(
            "ctrl+s", "save", "Save CSV", tooltip="Save the calendar as CSV", id="calendar.save"
        ),
    ]
    DEFAULT_CSS = """
    CalendarScreen { background: $background; }
    CalendarScreen Static, CalendarScreen OptionList { text-wrap: nowrap; text-overflow: ellipsis; }
    CalendarScreen #cal-title { height: 1; text-style: bold; background: $panel; padding: 0 1; }
    CalendarScreen #cal-header { height: 1; text-style: bold; padding: 0 1; }
    CalendarScreen CalendarList, CalendarScreen CalendarList:focus {
        height: 1fr; border: none; padding: 0 1;
    }
    CalendarScreen #cal-total { height: auto; padding: 0 1; text-wrap: wrap; }
    """

    def __init__(
        self, lines: pl.DataFrame, spec: ViewSpec, as_of: date, count: bool = True
    ) -> None:
        super().__init__()
        self._cache: dict[tuple[object, ...], tuple[pl.DataFrame, pl.DataFrame]] = {}
        self.reset(lines, spec, as_of, count)

    def reset(self, lines: pl.DataFrame, spec: ViewSpec, as_of: date, count: bool = True) -> None:
        """New view: count it in a worker at once, while the screen is being shown (the screen
        is kept between uses: no new widgets to build)."""
        self.lines = lines
        self.spec = spec
        self.as_of = as_of
        self.table: pl.DataFrame | None = None
        if self.is_mounted:
            self._show_counting()
        self._release()
        if not count:
            return
        key = (id(lines), replace(spec, sort=(), columns=()), as_of)
        cached = self._cache.get(key)
        if cached is not None and cached[0] is lines:  # same view: drawn at once
            self.show_table(lines, spec, as_of, cached[1])
            return
        self._hold: PaintHold | None = PaintHold(self.app)  # painted when the weeks are drawn
        self._count(key, lines, spec, as_of)

    def _release(self) -> None:
        hold, self._hold = getattr(self, "_hold", None), None
        if hold is not None:
            hold.release()

    @property
    def itrac(self) -> ItracApp:
        """The app, typed."""
        return cast("ItracApp", self.app)

    def compose(self) -> ComposeResult:
        """Title, header, weeks, totals, footer."""
        yield Static("Deadline calendar — counting…", id="cal-title")
        yield Static("", id="cal-header")
        yield CalendarList(id="cal-list")
        yield Static("", id="cal-total")
        yield SteadyFooter(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        """First shown: draw what the worker counted meanwhile, if it is done."""
        if self.table is not None:
            self._draw(self.table)

    def on_screen_resume(self) -> None:
        """Shown (again): the weeks are drawn as soon as they are counted."""
        self.query_one(CalendarList).focus()

    def _show_counting(self) -> None:
        self.query_one("#cal-title", Static).update("Deadline calendar — counting…")
        self.query_one("#cal-header", Static).update("")
        self.query_one(CalendarList).clear_options()
        self.query_one("#cal-total", Static).update("")

    @work(thread=True, exclusive=True, group="calendar")
    def _count(
        self,
        key: tuple[object, ...],
        lines: pl.DataFrame,
        spec: ViewSpec,
        as_of: date,
    ) -> None:
        table = calendar_view(lines, spec, as_of, WEEKS)
        if len(self._cache) > 16:
            self._cache.clear()
        self._cache[key] = (lines, table)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self.show_table, lines, spec, as_of, table)

    def show_table(
        self, lines: pl.DataFrame, spec: ViewSpec, as_of: date, table: pl.DataFrame
    ) -> None:
        """Draw the weeks unless the view changed meanwhile."""
        if lines is not self.lines or spec != self.spec or as_of != self.as_of:
            return
        self.table = table
        if self.is_mounted:
            self._draw(table)
        self._release()

    def _draw(self, table: pl.DataFrame) -> None:
        width = max((self.size.width or self.app.size.width) - 2, 70)
        wide = width >= 110
        money_w = 14
        kinds = [k for k, _p, _c in DEADLINE_KINDS]
        names = {"phase1": "Phase 1 closes", "protest": "Protest due", "cit": "CIT due (est.)"}
        fixed = 10 + 1 + (money_w + 1) * 3 + 7
        if wide:
            fixed += 7 * 3
        bar_w = max(width - fixed - 3, 8)
        head = f"{'Week of':<10} "
        for k in kinds:
            title = (
                names[k]
                if wide
                else {"phase1": "Ph1 closes", "protest": "Protest", "cit": "CIT (est)"}[k]
            )
            head += (f"{'entr':>6} " if wide else "") + f"{title:>{money_w}} "
        head += f"{'Entr':>6} {'all deadlines':<{bar_w}}"
        self.query_one("#cal-header", Static).update(Text(head, no_wrap=True))
        weeks_only = table.filter(~pl.col("bucket").is_in(["overdue", "later"]))
        most = max(
            int(cast(int, weeks_only.get_column("cents").max() or 0)), 1
        )  # later/overdue: capped
        options = []
        for row in table.iter_rows(named=True):
            text = f"{week_label(row['bucket'], row['start'], row['end']):<10} "
            for k in kinds:
                if wide:
                    text += f"{row[f'{k}_entries']:>6,} "
                text += f"{dollars(row[f'{k}_cents']):>{money_w}} "
            text += f"{row['entries']:>6,} {bar(row['cents'], most, bar_w)}"
            style = "dim" if row["lines"] == 0 else ""
            options.append(Option(Text(text, style=style, no_wrap=True), id=row["bucket"]))
        ol = self.query_one(CalendarList)
        ol.clear_options()
        ol.add_options(options)
        ol.highlighted = 1 if table.height > 1 else 0
        total = Text(no_wrap=True, overflow="ellipsis")
        parts = [f"{names[k]} {dollars(int(table.get_column(f'{k}_cents').sum()))}" for k in kinds]
        view = "filtered view" if self.spec.is_filtered() else "all lines"
        total.append(f"With a deadline ({view}): " + " · ".join(parts) + "\n", "bold")
        total.append(CIT_NOTE, "italic")
        self.query_one("#cal-total", Static).update(total)
        self.query_one("#cal-title", Static).update(
            Text(
                f"Deadline calendar — as of {self.as_of.isoformat()}, the line's own deadline "
                f"by week ({WEEKS} weeks)",
                no_wrap=True,
                overflow="ellipsis",
            )
        )

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Enter: filter the grid to the week."""
        event.stop()
        if self.table is None or event.option.id is None:
            return
        row = self.table.filter(pl.col("bucket") == event.option.id).row(0, named=True)
        self.dismiss(("week", row["start"], row["end"]))

    def action_close(self) -> None:
        """Back to the grid."""
        self.dismiss(None)

    def action_due_within(self) -> None:
        """Ask for N and filter the grid to lines due within N days."""
        from itrac_tui.tui.screens.dialogs import TextDialog

        def check(text: str) -> str:
            return "" if text.isdigit() else "a whole number of days"

        def done(value: str | None) -> None:
            if value:
                self.dismiss(("due", int(value), None))

        self.app.push_screen(TextDialog("Due within how many days?", "21", check=check), done)

    def action_save(self) -> None:
        """Save the calendar as CSV (money as exact decimals)."""
        from pathlib import Path

        from itrac_tui.core.breakdown import money_text
        from itrac_tui.tui.screens.dialogs import ask_save_path, default_save_path

        if self.table is None:
            return
        frame = self.table.with_columns(
            money_text(pl.col(c)).alias(
                "ieepa_duty" if c == "cents" else c.replace("_cents", "_ieepa_duty")
            )
            for c in self.table.columns
            if c.endswith("cents")
        ).drop([c for c in self.table.columns if c.endswith("cents")])

        def write(path: Path, force: bool) -> None:
            self.itrac.write_output("table", path, force, frame=frame)

        stem = f"itrac-calendar-{self.as_of:%Y%m%d}"
        ask_save_path(self, "Save the calendar as CSV", default_save_path(stem), write)
