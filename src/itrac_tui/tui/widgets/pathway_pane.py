"""Pathway summary: a side pane (100 columns and more) or a compact totals band (narrower), with
per-pathway lines, entries and IEEPA duty, the pool, and the deadlines that come first."""

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
from itrac_tui.core.summary import CIT_CAVEAT_SHORT
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
_WIDTH = 45  # text width inside the pane


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


def band_text(summary: Any, active: tuple[str, ...], width: int) -> Text:
    """The compact totals band: each pool pathway's lines and IEEPA duty, then the pool."""
    cells: list[tuple[str, str]] = []
    for pathway in POOL_PATHWAYS:
        total = summary.pathways.get(pathway)
        lines = total.lines if total else 0
        cents = total.ieepa_duty_cents if total else 0
        mark = "▸" if pathway in active else " "
        cells.append((f"{mark}{NARROW_LABELS[pathway]} {lines:,}", dollars(cents)))
    cells.append((" Pool", dollars(summary.refundable_pool_cents)))
    need = max(len(name) + 1 + len(money) for name, money in cells)
    per_row = 3 if 3 * (need + 2) <= width else 2
    cell_w = max(need, (width - 2 * (per_row - 1)) // per_row)
    text = Text()
    for i, (name, money) in enumerate(cells):
        if i and i % per_row == 0:
            text.append("\n")
        pad = max(cell_w - len(name) - len(money), 1)
        style = "bold" if name.startswith(" Pool") or name.startswith("▸") else ""
        text.append(f"{name}{' ' * pad}{money}", style)
        if (i + 1) % per_row:
            text.append(" │")
    return text


def deadline_lines(
    title: str, frame: pl.DataFrame | None, as_of: date, width: int, n: int = 3
) -> Text:
    """A titled list of entries with their deadline, days left and IEEPA duty."""
    text = Text()
    text.append(title + "\n", "bold")
    if frame is None or frame.height == 0:
        text.append("  none\n", "dim")
        return text
    for row in frame.head(n).iter_rows(named=True):
        when = row.get("deadline")
        entry = safe_text(str(row.get("entry_number") or ""))
        money = dollars(row.get("ieepa_duty_cents"))
        days = f"{(when - as_of).days}d" if when else ""
        stamp = when.isoformat() if when else ""
        if width < 45:
            stamp = stamp[5:]
        rest = max(width - len(stamp) - 21, 1)
        text.append(f"{stamp} {days:>5} {entry:<13} {money:>{rest}}\n")
    return text


class PathwayList(OptionList):
    """The pathway rows; Enter filters the grid to the highlighted pathway."""

    BINDINGS = [Binding("enter", "select", "Filter to pathway", id="pane.select")]


class TotalsBand(Static):
    """Under 100 columns: the pathway totals in two lines above the grid."""

    DEFAULT_CSS = """
    TotalsBand { height: auto; max-height: 3; background: $panel; color: $text; padding: 0 1;
                 display: none; text-wrap: nowrap; text-overflow: ellipsis; }
    TotalsBand.visible { display: block; }
    """

    def show(self, summary: Any, active: tuple[str, ...]) -> None:
        """Fill the band from a core Summary (figures as `scan --json`)."""
        self.update(band_text(summary, active, max(self.size.width - 2, 40)))


def cape_lines(summary: Any, view: pl.DataFrame | None, width: int) -> Text:
    """The pane's CAPE figures: the pool's interest (an estimate, §10) and, with claim results,
    Phase 1 dollars claimed vs not yet claimed (core.claims.claimed_cents)."""
    from itrac_tui.core.claims import claimed_cents

    out = Text()
    interest = [summary.pathways[p].interest_estimate_cents for p in POOL_PATHWAYS]
    if any(i is not None for i in interest):
        money = dollars(sum(i or 0 for i in interest))
        out.append(f"{'  + interest (estimate)':<{width - 17}}{money:>17}\n", "italic")
    if view is not None and "claim_status" in view.columns:
        claimed, unclaimed = claimed_cents(view)
        out.append(f"{'Phase 1 claimed':<{width - 17}}{dollars(claimed):>17}\n")
        out.append(f"{'Phase 1 not yet claimed':<{width - 17}}{dollars(unclaimed):>17}\n")
    return out


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

    def compose(self) -> ComposeResult:
        """As-of line, table header, pathway rows, pool and deadlines."""
        yield Static("As of —", id="pane-asof")
        yield Static(Text(header_row()), id="pane-header")
        yield PathwayList(id="pane-list")
        yield Static("", id="pane-foot")

    _last: tuple[Any, ...] | None = None

    def set_narrow(self, narrow: bool) -> None:
        """A slimmer pane (100 to 129 columns) so the grid keeps its key columns."""
        if narrow != self.has_class("narrow"):
            self.set_class(narrow, "narrow")
            self.query_one("#pane-header", Static).update(Text(header_row(narrow)))
            if self._last is not None:
                self.show(*self._last)

    def show(
        self,
        summary: Any,
        deadlines: dict[str, pl.DataFrame],
        as_of: date,
        active: tuple[str, ...],
        view: pl.DataFrame | None = None,
    ) -> None:
        """Fill the pane from a core Summary (figures as `scan --json`) and the soonest
        deadlines by kind (phase1, protest, cit); `view` (the view's summary columns) gives
        the CAPE lines (claimed / not yet claimed)."""
        self._last = (summary, deadlines, as_of, active, view)
        narrow = self.has_class("narrow")
        width = 38 if narrow else _WIDTH
        self.query_one("#pane-asof", Static).update(Text(f"As of {as_of.isoformat()}  (a: change)"))
        options: list[Option] = []
        for pathway in PATHWAYS:
            total = summary.pathways.get(pathway)
            lines = total.lines if total else 0
            entries = total.entries if total else 0
            cents = total.ieepa_duty_cents if total else 0
            text = Text(pathway_row(pathway, lines, entries, cents, narrow))
            if pathway in active:
                text = Text("▸") + Text(text.plain[1:])
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
        foot.append_text(cape_lines(summary, view, width))
        foot.append_text(
            deadline_lines("Leaving Phase 1 soonest", deadlines.get("phase1"), as_of, width)
        )
        foot.append_text(
            deadline_lines("Nearest protest deadlines", deadlines.get("protest"), as_of, width)
        )
        cit = deadlines.get("cit")
        foot.append("Earliest CIT deadline\n", "bold")
        if cit is None or cit.height == 0:
            foot.append("  none\n", "dim")
        else:
            row = cit.row(0, named=True)
            when = row["deadline"]
            money = dollars(row.get("ieepa_duty_cents"))
            head = (
                f"{when.isoformat()} {(when - as_of).days:>4}d "
                f"{safe_text(str(row['entry_number'])):<13}"
            )
            room = width - len(head) - 1
            foot.append(head + (f" {money:>{room}}" if room >= len(money) else "") + "\n")
            foot.append(f"  {CIT_CAVEAT_SHORT}\n", "italic")
        self.query_one("#pane-foot", Static).update(foot)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Enter on a pathway row: filter to it."""
        event.stop()
        if event.option.id:
            self.post_message(self.PathwaySelected(event.option.id))
