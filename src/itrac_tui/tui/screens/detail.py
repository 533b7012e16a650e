"""Line detail: every field of the line, its Chapter 99 components, warnings and source rows."""

from __future__ import annotations

from typing import Any

import polars as pl
from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from itrac_tui.core.model import REASON_TEXT
from itrac_tui.tui.format import SHORT_LABELS, cell, label, safe_text
from itrac_tui.tui.screens.page import PageScreen


def _kv_table(values: dict[str, Any], title: str) -> Table:
    table = Table(title=Text(title, style="bold"), show_header=False, box=None, expand=True)
    # a field's name wraps rather than being cut: "Line Tariff Quantity 1" and "... 2" differ
    table.add_column("field", style="bold", ratio=2, overflow="fold")
    table.add_column("value", ratio=3)
    for key, value in values.items():
        if key.startswith("__"):
            continue
        table.add_row(Text(label(key)), Text(cell(key, value)))
    return table


def pathway_sentence(line: dict[str, Any]) -> str:
    """The pathway explained in one sentence from the line's reason ("" without one)."""
    reason = line.get("reason")
    if not reason:
        return ""
    pathway = SHORT_LABELS.get(str(line.get("pathway")), str(line.get("pathway")))
    sentence = REASON_TEXT.get(str(reason), safe_text(str(reason)))
    if line.get("pathway") == "cit" and line.get("cit_deadline"):
        sentence += " The CIT date is an estimate."
    return f"{pathway}: {sentence}"


def detail_renderable(line: dict[str, Any], components: pl.DataFrame, rows: pl.DataFrame) -> Group:
    """Everything about one line, as rich tables of Text (never markup)."""
    first = (
        "entry_number",
        "line_no",
        "pathway",
        "reason",
        "ieepa_duty_cents",
        "deadline",
        "days_left",
        "phase1_until",
        "protest_deadline",
        "cit_deadline",
        "days_since_liquidation",
        "liquidation_status",
        "liquidation_date",
        "warnings",
    )
    ordered = {k: line[k] for k in first if k in line}
    ordered.update({k: v for k, v in line.items() if k not in ordered})
    parts: list[Any] = []
    why = pathway_sentence(line)
    if why:
        parts.append(Text(why, style="bold"))
    parts.append(_kv_table(ordered, "Line"))
    comp = Table(title=Text("Chapter 99 components", style="bold"), expand=True)
    for col in ("ch99_code", "program", "ieepa", "refundable", "duty_cents", "source_row"):
        if col in components.columns:
            comp.add_column(Text(label(col) if col != "duty_cents" else "Duty"))
    shown = [
        c
        for c in ("ch99_code", "program", "ieepa", "refundable", "duty_cents", "source_row")
        if c in components.columns
    ]
    for row in components.iter_rows(named=True):
        comp.add_row(*[Text(cell(c, row[c])) for c in shown])
    if components.height == 0:
        comp.add_row(Text("none"))
    parts.append(comp)
    warnings = line.get("warnings") or []
    parts.append(Text("Warnings: " + (", ".join(safe_text(str(w)) for w in warnings) or "none")))
    for i, row in enumerate(rows.iter_rows(named=True), start=1):
        src = f"{safe_text(str(row.get('source_file', '')))} row {row.get('source_row', '')}"
        raw = {k: v for k, v in row.items() if k not in ("line_id",)}
        parts.append(_kv_table(raw, f"Source row {i}: {src}"))
    return Group(*parts)


class LineDetailScreen(PageScreen):
    """A scrollable page about one line; Escape closes."""

    BINDINGS = [Binding("escape,q", "close", "Close", id="detail.close")]

    def __init__(self, line: dict[str, Any], components: pl.DataFrame, rows: pl.DataFrame) -> None:
        super().__init__()
        self.line = line
        self.components = components
        self.rows = rows

    def compose(self) -> ComposeResult:
        """The detail tables in a scroller."""
        with Vertical():
            with VerticalScroll(id="detail-scroll"):
                yield Static(detail_renderable(self.line, self.components, self.rows), id="detail")
            yield Static("↑↓ PgUp PgDn: scroll    Escape: close", classes="hint")
