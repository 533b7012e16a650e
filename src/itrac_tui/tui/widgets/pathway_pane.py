"""Pathway summary pane: per-pathway lines, entries and IEEPA duty, the pool, nearest deadlines."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from itrac_tui.core.model import PATHWAYS, POOL_PATHWAYS
from itrac_tui.tui.format import SHORT_LABELS, dollars, safe_text

NARROW_LABELS: dict[str, str] = {
    "cape_phase1": "CAPE Ph1",
    "protest": "Protest",
    "cit": "CIT",
    "hold": "Hold",
    "review": "Review",
    "stacked_zero": "Stacked0",
    "zero_duty": "Zero",
    "not_ieepa": "Not IEEPA",
}


def header_row(narrow: bool = False) -> str:
    """Column headings of the pane table."""
    if narrow:
        return f"{'Pathway':<9} {'Lines':>7} {'Entr':>5} {'IEEPA duty':>14}"
    return f"{'Pathway':<12} {'Lines':>8} {'Entr':>6} {'IEEPA duty':>15}"


def pathway_row(pathway: str, lines: int, entries: int, cents: int, narrow: bool = False) -> str:
    """One row of the pane table."""
    if narrow:
        name = NARROW_LABELS.get(pathway, pathway)
        return f"{name:<9} {lines:>7} {entries:>5} {dollars(cents):>14}"
    name = SHORT_LABELS.get(pathway, pathway)
    return f"{name:<12} {lines:>8,} {entries:>6,} {dollars(cents):>15}"


class PathwayList(OptionList):
    """The pathway rows; Enter filters the grid to the highlighted pathway."""

    BINDINGS = [Binding("enter", "select", "Filter to pathway", id="pane.select")]


class PathwayPane(Vertical):
    """Summary of the current view, as `itrac-tui scan --json` would compute it."""

    DEFAULT_CSS = """
    PathwayPane {
        width: 49;
        height: 1fr;
        border-left: vkey $primary 50%;
        padding: 0 0 0 1;
    }
    PathwayPane.narrow { width: 40; }
    PathwayPane #pane-asof { height: 1; color: $accent; text-style: bold; }
    PathwayPane #pane-header { height: 1; text-style: bold; }
    PathwayPane PathwayList { height: auto; max-height: 10; border: none; padding: 0; }
    PathwayPane PathwayList:focus { border: none; }
    PathwayPane #pane-foot { height: auto; }
    """

    @dataclass
    class PathwaySelected(Message):
        """The user picked a pathway row."""

        pathway: str

    _last: tuple[Any, pl.DataFrame, date, tuple[str, ...]] | None = None

    def compose(self) -> ComposeResult:
        """As-of line, table header, pathway rows, pool and deadlines."""
        yield Static("As of —", id="pane-asof")
        yield Static(Text(header_row()), id="pane-header")
        yield PathwayList(id="pane-list")
        yield Static("", id="pane-foot")

    def set_narrow(self, narrow: bool) -> None:
        """Compact layout for terminals under 100 columns."""
        if narrow != self.has_class("narrow"):
            self.set_class(narrow, "narrow")
            self.query_one("#pane-header", Static).update(Text(header_row(narrow)))
            if self._last is not None:
                self.show(*self._last)

    def show(
        self, summary: Any, deadlines: pl.DataFrame, as_of: date, active: tuple[str, ...]
    ) -> None:
        """Fill the pane from a core Summary (figures as `scan --json`)."""
        self._last = (summary, deadlines, as_of, active)
        narrow = self.has_class("narrow")
        width = 38 if narrow else 45
        self.query_one("#pane-asof", Static).update(Text(f"As of {as_of.isoformat()}  (a: change)"))
        options: list[Option] = []
        for pathway in PATHWAYS:
            total = summary.pathways.get(pathway)
            lines = total.lines if total else 0
            entries = total.entries if total else 0
            cents = total.ieepa_duty_cents if total else 0
            text = Text(pathway_row(pathway, lines, entries, cents, narrow))
            if pathway in active:
                text.stylize("bold reverse")
            elif pathway == "cape_phase1" and cents:
                text.stylize("bold")
            elif pathway not in POOL_PATHWAYS:
                text.stylize("dim")
            options.append(Option(text, id=pathway))
        plist = self.query_one(PathwayList)
        if plist.option_count == len(options):  # same rows: new text only, no re-layout
            for index, option in enumerate(options):
                plist.replace_option_prompt_at_index(index, option.prompt)
        else:
            plist.clear_options()
            plist.add_options(options)
            plist.highlighted = 0
        foot = Text()
        pool = dollars(summary.refundable_pool_cents)
        foot.append(f"{'Refundable pool':<{width - 17}}{pool:>17}\n", "bold")
        foot.append("Nearest protest deadlines\n", "bold")
        if deadlines is None or deadlines.height == 0:
            foot.append("  none\n", "dim")
        for row in [] if deadlines is None else deadlines.head(5).iter_rows(named=True):
            deadline = row.get("protest_deadline")
            left = row.get("days_left")
            entry = safe_text(str(row.get("entry_number") or ""))
            cents = row.get("ieepa_duty_cents")
            money = dollars(cents) if cents is not None else ""
            when = (
                deadline.isoformat()[5:]
                if narrow and deadline
                else (deadline.isoformat() if deadline else "")
            )
            days = f"{left}d" if left is not None else ""
            foot.append(f"{when} {days:>5} {entry:<13} {money:>{width - len(when) - 21}}\n")
        self.query_one("#pane-foot", Static).update(foot)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Enter on a pathway row: filter to it."""
        event.stop()
        if event.option.id:
            self.post_message(self.PathwaySelected(event.option.id))
