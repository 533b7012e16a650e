"""Reconciliation dialogs: AP file and columns, status filter, entry detail, rejected AP rows."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import polars as pl
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.suggester import Suggester
from textual.widgets import Checkbox, OptionList, Select, Static
from textual.widgets.option_list import Option

from itrac_tui.core.ap import (
    AP_FIELDS,
    AP_REQUIRED,
    COMPUTED_AP_COLUMNS,
    APData,
)
from itrac_tui.core.reconcile import (
    STATUS_LABELS,
    STATUSES,
)
from itrac_tui.tui.format import cell, dollars, label, safe_text
from itrac_tui.tui.screens.dialogs import (
    DIALOG_CSS,
    Dialog,
    TextDialog,
)
from itrac_tui.tui.screens.page import PageScreen

FIELD_LABELS: dict[str, str] = {
    "entry_number": "Entry number (required)",
    "amount": "Duty amount (required)",
    "ieepa_amount": "IEEPA duty (optional)",
    "document": "Invoice / document (optional)",
}
ITRAC_DETAIL_COLUMNS: tuple[str, ...] = (
    "line_no",
    "hts",
    "ch99_codes",
    "total_duty_cents",
    "ieepa_duty_cents",
)
NONE = "__none__"


# --- small pieces -------------------------------------------------------------------------------


class PathSuggester(Suggester):
    """Completes file-system paths (→ accepts)."""

    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=True)

    async def get_suggestion(self, value: str) -> str | None:
        """The first entry of the folder that starts with what was typed."""
        if not value:
            return None
        path = Path(value).expanduser()
        folder, stem = (path, "") if value.endswith(os.sep) else (path.parent, path.name)
        try:
            names = sorted(p.name for p in folder.iterdir() if p.name.startswith(stem))
        except OSError:
            return None
        names = [n for n in names if not n.startswith(".") or stem.startswith(".")]
        if not names:
            return None
        match = names[0]
        done = value + match[len(stem) :]
        if (folder / match).is_dir():
            done += os.sep
        return done if done != value else None


def _not_a_file(value: str) -> str:
    """Error text unless `value` names an existing file ("" when fine)."""
    return "" if value and Path(value).expanduser().is_file() else f"not a file: {value}"


class APPathDialog(TextDialog):
    """Ask for the AP file, with path completion."""

    def __init__(self, value: str = "") -> None:
        super().__init__(
            "Accounts-payable file to reconcile (CSV or XLSX)",
            value,
            hint="→: complete    Enter: open    Escape: cancel",
            placeholder="path/to/ap.csv",
            check=_not_a_file,
            suggester=PathSuggester(),
        )


class APMappingDialog(Dialog):
    """Pick which AP columns hold the entry number, the amount, IEEPA duty and the document."""

    BINDINGS = [Binding("ctrl+s", "apply", "Apply", id="apmap.apply")]
    DEFAULT_CSS = (
        DIALOG_CSS
        + """
    APMappingDialog Select { width: 1fr; }
    APMappingDialog .row { height: 3; }
    APMappingDialog .row .field { width: 32; padding-top: 1; }
    """
    )

    def __init__(self, headers: list[str], current: dict[str, str], message: str = "") -> None:
        super().__init__()
        self.headers = headers
        self.current = current
        self.message = message

    def compose(self) -> ComposeResult:
        """One picker per field, a save box, keys."""
        with Vertical(classes="dialog"):
            yield Static("AP columns", classes="title")
            if self.message:
                yield Static(Text(self.message), classes="error")
            options: list[tuple[str | Text, str]] = [(Text(safe_text(h)), h) for h in self.headers]
            for fld in AP_FIELDS:
                with Horizontal(classes="row"):
                    yield Static(FIELD_LABELS[fld], classes="field")
                    choices = options if fld in AP_REQUIRED else [("(none)", NONE), *options]
                    value = self.current.get(fld)
                    yield Select(
                        choices,
                        value=value if value in self.headers else Select.NULL,
                        allow_blank=fld in AP_REQUIRED,
                        id=f"map-{fld}",
                    )
            yield Checkbox("Save this mapping for next time", id="map-save")
            yield Static(
                "Tab: next    Enter: open list    ctrl+s: apply    Escape: cancel", classes="hint"
            )
            yield Static("", classes="error", id="dialog-error")

    def on_mount(self) -> None:
        """Focus the first picker."""
        self.query_one(Select).focus()

    def action_apply(self) -> None:
        """Return (mapping, save) when both required columns are picked."""
        mapping: dict[str, str] = {}
        for fld in AP_FIELDS:
            value = self.query_one(f"#map-{fld}", Select).value
            if isinstance(value, str):
                mapping[fld] = "" if value == NONE else value
        missing = [FIELD_LABELS[f] for f in AP_REQUIRED if not mapping.get(f)]
        if missing:
            self.query_one("#dialog-error", Static).update(Text("pick: " + ", ".join(missing)))
            return
        self.dismiss((mapping, self.query_one("#map-save", Checkbox).value))


AP_DETAIL_LABELS: dict[str, str] = {
    "source_row": "Row",
    "document": "Document",
    "amount_cents": "Amount",
    "ieepa_cents": "IEEPA",
}


class StatusDialog(Dialog):
    """Which entries to show: all, one status, or every difference (Enter picks)."""

    def __init__(self, counts: dict[str, int], current: tuple[str, ...]) -> None:
        super().__init__()
        self.counts = counts
        self.current = current

    def choices(self) -> list[tuple[str, tuple[str, ...]]]:
        """(label, statuses) in display order."""
        diff = tuple(s for s in STATUSES if s != "matched")
        out: list[tuple[str, tuple[str, ...]]] = [
            (f"{'All entries':<22}{sum(self.counts.values()):>10,}", ())
        ]
        out += [(f"{STATUS_LABELS[s]:<22}{self.counts[s]:>10,}", (s,)) for s in STATUSES]
        n_diff = sum(self.counts[s] for s in diff)
        out.append((f"{'Every difference':<22}{n_diff:>10,}", diff))
        return out

    def compose(self) -> ComposeResult:
        """The choices."""
        with Vertical(classes="dialog"):
            yield Static("Show entries that are", classes="title")
            yield OptionList(*[Option(Text(lbl)) for lbl, _ in self.choices()], id="statuses")
            yield Static("↑↓: move    Enter: show    Escape: cancel", classes="hint")

    def on_mount(self) -> None:
        """Focus the list on the current choice."""
        ol = self.query_one(OptionList)
        values = [v for _, v in self.choices()]
        ol.highlighted = values.index(self.current) if self.current in values else 0
        ol.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Return the statuses of the chosen line."""
        event.stop()
        self.dismiss(self.choices()[event.option_index][1])


def _detail_table(
    title: str, frame: pl.DataFrame, columns: list[str], labels: dict[str, str] | None = None
) -> Table:
    table = Table(title=Text(title, style="bold"), expand=True, box=None, show_edge=False)
    cols = [c for c in columns if c in frame.columns]
    for c in cols:
        right = c.endswith("_cents") or c in ("line_no", "source_row")
        head = (labels or {}).get(c) or label(c)
        # numbers never wrap (a wrapped "$2,043" / ".68" reads as two amounts): text folds
        table.add_column(
            Text(head),
            justify="right" if right else "left",
            overflow="fold",
            no_wrap=right,
            min_width=max(len(head), 6) if right else None,
        )
    for row in frame.iter_rows(named=True):
        table.add_row(*[Text(cell(c, row[c])) for c in cols])
    if frame.height == 0:
        table.add_row(Text("none"))
    return table


class EntryDetailScreen(PageScreen):
    """One entry: its ITRAC lines and its AP rows side by side (stacked under 120 columns);
    Escape closes."""

    DEFAULT_CSS = """
    EntryDetailScreen { align: center middle; }
    EntryDetailScreen > Vertical { width: 100%; height: 100%; border: thick $primary;
        background: $surface; }
    EntryDetailScreen .title { height: auto; text-style: bold; padding: 0 1; }
    EntryDetailScreen #sides { height: 1fr; }
    EntryDetailScreen #sides.stacked { layout: vertical; }
    EntryDetailScreen VerticalScroll { width: 1fr; height: 1fr; padding: 0 1; }
    EntryDetailScreen .hint { height: 1; color: $text-muted; padding: 0 1; }
    """
    BINDINGS = [
        Binding("escape,q", "close", "Back", id="recdetail.close"),
        Binding("tab", "other_side", "ITRAC/AP", id="recdetail.side"),
    ]

    def __init__(
        self, entry: dict[str, Any], lines: pl.DataFrame, ap_rows: pl.DataFrame, ap: APData
    ) -> None:
        super().__init__()
        self.entry = entry
        self.lines = lines
        self.ap_rows = ap_rows
        self.ap = ap

    def compose(self) -> ComposeResult:
        """Heading, the two sides, keys."""
        e = self.entry
        # two lines, so a label and its amount never part at the screen edge
        heading = (
            f"{e['entry_number']}  {STATUS_LABELS.get(e['status'], e['status'])}\n"
            f"ITRAC {dollars(e['itrac_cents']) or '—'}   "
            f"AP {dollars(e['ap_cents']) or '—'}   "
            f"AP−ITRAC {dollars(e['delta_cents'])}"
        )
        if e.get("duplicate_documents"):
            heading += f"   duplicate AP documents: {e['duplicate_documents']}"
        ap_cols = ["source_row", "document", "amount_cents"]
        if self.ap.has_ieepa:
            ap_cols.append("ieepa_cents")
        shown = self.ap_rows.with_columns(
            document=pl.when(pl.col("duplicate_document"))
            .then(pl.col("document") + " (dup)")
            .otherwise(pl.col("document"))
        )
        with Vertical():
            yield Static(Text(heading), classes="title")
            with Horizontal(id="sides"):
                with VerticalScroll(id="itrac-side"):
                    yield Static(
                        _detail_table(
                            f"ITRAC: {self.lines.height} line(s)",
                            self.lines,
                            list(ITRAC_DETAIL_COLUMNS),
                        )
                    )
                with VerticalScroll(id="ap-side"):
                    yield Static(
                        _detail_table(
                            f"AP ({safe_text(self.ap.file)}): {self.ap_rows.height} row(s)",
                            shown,
                            ap_cols,
                            AP_DETAIL_LABELS,
                        )
                    )
                    other = [c for c in self.ap_rows.columns if c not in COMPUTED_AP_COLUMNS]
                    for i, row in enumerate(self.ap_rows.iter_rows(named=True), start=1):
                        kv = Table(
                            show_header=False,
                            box=None,
                            expand=True,
                            title=Text(f"AP row {row['source_row']}", style="bold"),
                        )
                        kv.add_column("field", no_wrap=True, style="bold")
                        kv.add_column("value", overflow="fold")
                        for c in other:
                            kv.add_row(Text(safe_text(c)), Text(cell(c, row[c])))
                        yield Static(kv, id=f"ap-row-{i}")
            yield Static("Tab: ITRAC/AP side    ↑↓: scroll    Escape: back", classes="hint")

    def on_mount(self) -> None:
        """Focus the ITRAC side."""
        self.query_one("#itrac-side").focus()
        self._arrange()

    def on_resize(self) -> None:
        """Side by side from 120 columns; ITRAC above AP when narrower (no number wraps)."""
        self._arrange()

    def _arrange(self) -> None:
        self.query_one("#sides").set_class(self.size.width < 120, "stacked")

    def action_other_side(self) -> None:
        """Move focus to the other side."""
        itrac = self.query_one("#itrac-side")
        (self.query_one("#ap-side") if itrac.has_focus else itrac).focus()


class RejectedAPScreen(PageScreen):
    """The AP rows that were not used: file, row, column, value, reason; Escape closes."""

    DEFAULT_CSS = """
    RejectedAPScreen { align: center middle; }
    RejectedAPScreen > Vertical { width: 100%; height: 100%; border: thick $primary;
        background: $surface; }
    RejectedAPScreen .title { height: 1; text-style: bold; padding: 0 1; }
    RejectedAPScreen VerticalScroll { height: 1fr; padding: 0 1; }
    RejectedAPScreen .hint { height: 1; color: $text-muted; padding: 0 1; }
    """
    BINDINGS = [Binding("escape,q,j", "close", "Back", id="recrejected.close")]

    def __init__(self, ap: APData) -> None:
        super().__init__()
        self.ap = ap

    def compose(self) -> ComposeResult:
        """Heading, the table, keys."""
        rej = self.ap.rejected
        table = Table(expand=True, box=None, show_edge=False)
        for head, right in (("Row", True), ("Column", False), ("Value", False), ("Reason", False)):
            table.add_column(Text(head), justify="right" if right else "left", overflow="fold")
        for r in rej.iter_rows(named=True):
            table.add_row(
                Text(str(r["source_row"])),
                Text(safe_text(r["column"])),
                Text(safe_text(r["value"])),
                Text(safe_text(r["reason"])),
            )
        if rej.height == 0:
            table.add_row(Text(""), Text("none"), Text(""), Text(""))
        with Vertical():
            yield Static(
                Text(f"{safe_text(self.ap.file)}: {rej.height:,} AP rows rejected"),
                classes="title",
            )
            with VerticalScroll(id="rejected-rows"):
                yield Static(table)
            yield Static("↑↓: scroll    Escape: back", classes="hint")
