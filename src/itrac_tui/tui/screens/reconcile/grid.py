"""The reconciliation entries grid and the per-status summary table."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.binding import Binding

from itrac_tui.core.reconcile import (
    STATUS_LABELS,
    STATUSES,
    Reconciliation,
)
from itrac_tui.tui.format import dollars
from itrac_tui.tui.widgets.line_grid import LineGrid

# Short status words for the grid (the summary band uses STATUS_LABELS).
STATUS_SHORT: dict[str, str] = {
    "matched": "matched",
    "mismatched": "MISMATCH",
    "missing_in_ap": "no AP",
    "missing_in_itrac": "no ITRAC",
}
GRID_COLUMNS: tuple[str, ...] = (
    "entry_number",
    "status",
    "itrac_cents",
    "ap_cents",
    "delta_cents",
    "itrac_lines",
    "ap_rows",
    "duplicate_documents",
)
GRID_LABELS: dict[str, str] = {
    "entry_number": "Entry",
    "status": "Status",
    "itrac_cents": "ITRAC",
    "ap_cents": "AP",
    "delta_cents": "AP−ITRAC",
    "itrac_lines": "Ln",
    "ap_rows": "APr",
    "duplicate_documents": "Dup",
}


class EntryGrid(LineGrid):
    """The entries grid: LineGrid with reconciliation headers."""

    BINDINGS = [
        Binding("enter", "select", "Detail", id="reconcile.grid.detail"),
        Binding("s", "sort", "Sort column", show=False, id="reconcile.grid.sort"),
    ]

    def _header_text(self, name: str) -> str:
        text = GRID_LABELS.get(name, name)
        for col, desc in self.sort:
            if col == name or (col == "abs_delta_cents" and name == "delta_cents"):
                prefix = "|Δ|" if col == "abs_delta_cents" else text
                return f"{prefix} {'▼' if desc else '▲'}"
        return text


def summary_table(rec: Reconciliation) -> Table:
    """Counts and dollar totals per status, then the totals and net delta."""
    table = Table(expand=True, box=None, padding=(0, 1), show_edge=False)
    table.add_column(Text("Status"), no_wrap=True)
    table.add_column(Text("Entries"), justify="right", no_wrap=True)
    table.add_column(Text("ITRAC"), justify="right", no_wrap=True)
    table.add_column(Text("AP"), justify="right", no_wrap=True)
    table.add_column(Text("AP − ITRAC"), justify="right", no_wrap=True)
    for s in STATUSES:
        t = rec.totals[s]
        table.add_row(
            Text(STATUS_LABELS[s]),
            Text(f"{t.entries:,}"),
            Text(dollars(t.itrac_cents)),
            Text(dollars(t.ap_cents)),
            Text(dollars(t.delta_cents)),
        )
    table.add_row(
        Text("Total (net)", style="bold"),
        Text(f"{rec.entries.height:,}", style="bold"),
        Text(dollars(rec.itrac_total_cents), style="bold"),
        Text(dollars(rec.ap_total_cents), style="bold"),
        Text(dollars(rec.net_delta_cents), style="bold"),
    )
    table.add_row(
        Text("Absolute |Δ|", style="bold"),
        Text(""),
        Text(""),
        Text(""),
        Text(dollars(absolute_delta_cents(rec)), style="bold"),
    )
    return table


def absolute_delta_cents(rec: Reconciliation) -> int:
    """Sum of |AP − ITRAC| over the entries (differences do not cancel out)."""
    if rec.entries.height == 0 or "abs_delta_cents" not in rec.entries.columns:
        return 0
    return int(rec.entries.get_column("abs_delta_cents").sum() or 0)
