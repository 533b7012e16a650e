"""Reconciliation screen: ITRAC per entry against the importer's accounts-payable file (§9)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from time import perf_counter
from typing import Any

import polars as pl
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Static
from textual.worker import get_current_worker

from itrac_tui import store
from itrac_tui.core.ap import APData, ap_headers, read_ap
from itrac_tui.core.errors import InputError
from itrac_tui.core.money import format_cents
from itrac_tui.core.reconcile import (
    MEASURE_LABELS,
    MEASURES,
    STATUSES,
    Reconciliation,
    entry_detail,
    filter_entries,
    itrac_rollup,
    parse_tolerance,
    reconcile,
    write_reconciliation_csv,
)
from itrac_tui.core.views import cycle_sort
from itrac_tui.tui.format import dollars, safe_text
from itrac_tui.tui.screens.dialogs import (
    TextDialog,
    ask_save_path,
    default_save_path,
)
from itrac_tui.tui.screens.reconcile.dialogs import (
    APMappingDialog,
    APPathDialog,
    EntryDetailScreen,
    RejectedAPScreen,
    StatusDialog,
)
from itrac_tui.tui.screens.reconcile.grid import (
    GRID_COLUMNS,
    STATUS_SHORT,
    EntryGrid,
    absolute_delta_cents,
    summary_table,
)
from itrac_tui.tui.widgets.line_grid import LineGrid


def default_ap_path(export: Any) -> Path | None:
    """The bundled sample AP file when the export is the bundled sample, else None."""
    from itrac_tui.resources import data_dir, sample_export_paths

    files = tuple(getattr(export, "files", ()) or ())
    try:
        sample = {p.resolve() for p in sample_export_paths()}
        if files and {Path(f).resolve() for f in files} <= sample:
            return data_dir("sample_exports") / "ap_sample.csv"
    except OSError:
        return None
    return None


# --- messages -----------------------------------------------------------------------------------


@dataclass(eq=False)
class ReconcileComputed(Message):
    """The AP file was read and compared with ITRAC."""

    ap: APData
    result: Reconciliation
    path: Path
    seconds: float


@dataclass(eq=False)
class ReconcileFailed(Message):
    """The AP file could not be used (one-line reason; its headers when readable)."""

    reason: str
    path: Path
    headers: list[str] = field(default_factory=list)


@dataclass(eq=False)
class EntriesFiltered(Message):
    """The filtered, sorted entries for the grid are ready."""

    entries: pl.DataFrame
    statuses: tuple[str, ...]
    sort: tuple[tuple[str, bool], ...]


# --- the screen ---------------------------------------------------------------------------------


class ReconcileScreen(Screen):
    """ITRAC roll-ups per entry against AP: summary band, entries grid, detail, save."""

    BINDINGS = [
        Binding(
            "f",
            "filter_status",
            "Status",
            tooltip="Show all entries, one status, or every difference",
            id="reconcile.filter",
        ),
        Binding(
            "d",
            "sort_delta",
            "|Δ| sort",
            tooltip="Largest |AP − ITRAC| first (again: entry order)",
            id="reconcile.sort_delta",
        ),
        Binding(
            "m",
            "toggle_measure",
            "Measure",
            tooltip="Compare total duty or IEEPA duty",
            id="reconcile.measure",
        ),
        Binding(
            "t",
            "tolerance",
            "Tolerance",
            tooltip="Tolerance: largest |AP − ITRAC| still matched",
            id="reconcile.tolerance",
        ),
        Binding(
            "ctrl+s",
            "save",
            "Save",
            tooltip="Save the shown entries as CSV",
            id="reconcile.save",
        ),
        Binding("a", "open_ap", "AP file", tooltip="Open another AP file", id="reconcile.open"),
        Binding(
            "k",
            "ap_columns",
            "AP columns",
            show=False,
            tooltip="Pick the AP columns (entry, amount, IEEPA, document) and save them",
            id="reconcile.columns",
        ),
        Binding(
            "j",
            "rejected",
            "Rejected AP rows",
            show=False,
            tooltip="AP rows not used (no usable entry number or amount), with the reason",
            id="reconcile.rejected",
        ),
        Binding(
            "x",
            "clear_filter",
            "All entries",
            show=False,
            tooltip="Show every entry again",
            id="reconcile.clear",
        ),
        Binding("escape", "back", "Back", tooltip="Back to the lines", id="reconcile.back"),
    ]

    DEFAULT_CSS = """
    ReconcileScreen #rec-head { height: 1; padding: 0 1; background: $panel; }
    ReconcileScreen #rec-head { text-wrap: nowrap; text-overflow: ellipsis; }
    ReconcileScreen #rec-band { height: auto; max-height: 8; padding: 0 1; }
    ReconcileScreen #rec-grid { height: 1fr; }
    """

    def __init__(
        self,
        lines: pl.DataFrame,
        export: Any,
        as_of: date | None,
        ap_path: Path | None = None,
    ) -> None:
        super().__init__()
        self.lines = lines
        self.export = export
        self.as_of = as_of
        self._rollup: pl.DataFrame | None = None
        self.ap_path: Path | None = Path(ap_path) if ap_path else None
        self.mapping: dict[str, str] | None = None
        self.measure = "total_duty"
        self.tolerance_cents = 0
        self.statuses: tuple[str, ...] = ()
        self.sort: tuple[tuple[str, bool], ...] = ()
        self.ap: APData | None = None
        self.result: Reconciliation | None = None
        self.view: pl.DataFrame | None = None
        self.error = ""
        self.busy = False

    # --- layout --------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        """Heading, summary band, grid, footer."""
        yield Static("", id="rec-head")
        yield Static("", id="rec-band")
        yield EntryGrid(id="rec-grid")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        """Start with the given AP file, or ask for one."""
        self.query_one(EntryGrid).focus()
        self._show_head()
        if self.ap_path is not None:
            self.run_reconcile(reread=True)
        else:
            self._show_band_text("No AP file yet — a: open one    Escape: back")
            self.action_open_ap()

    # --- state → display -----------------------------------------------------------------------
    def head_text(self) -> str:
        """One line: measure, tolerance, AP file, filter."""
        parts = [MEASURE_LABELS[self.measure]]
        if self.result is not None and self.result.ap_measure_column:
            parts.append(f"AP column “{self.result.ap_measure_column}”")
        parts.append(f"tolerance {dollars(self.tolerance_cents)}")
        if self.ap is not None:
            parts.append(
                f"{self.ap.file}: {self.ap.rows.height:,} rows, "
                f"{self.ap.rejected.height:,} rejected, {self.ap.duplicate_documents:,} dup"
            )
        elif self.ap_path is not None:
            parts.append(self.ap_path.name)
        if self.statuses:
            parts.append("only " + "+".join(STATUS_SHORT[s] for s in self.statuses))
        if self.busy:
            parts.append("working…")
        return " · ".join(parts)

    def _show_head(self) -> None:
        self.query_one("#rec-head", Static).update(Text(safe_text(self.head_text())))

    def _show_band_text(self, text: str) -> None:
        self.query_one("#rec-band", Static).update(Text(text))

    def band_text(self) -> str:
        """The summary band as plain text (for tests and the status line)."""
        if self.result is None:
            return self.error
        rec = self.result
        per = " ".join(
            f"{s}={rec.totals[s].entries}/{dollars(rec.totals[s].delta_cents)}" for s in STATUSES
        )
        return (
            f"{per} itrac={dollars(rec.itrac_total_cents)} ap={dollars(rec.ap_total_cents)} "
            f"net={dollars(rec.net_delta_cents)} abs={dollars(absolute_delta_cents(rec))}"
        )

    # --- workers -------------------------------------------------------------------------------
    def run_reconcile(self, *, reread: bool = False) -> None:
        """Read the AP file (when asked) and compare, in a worker."""
        if self.ap_path is None:
            return
        self.busy = True
        self._show_head()
        ap = None if reread or self.ap is None else self.ap
        self._reconcile(self.ap_path, self.mapping, ap, self.measure, self.tolerance_cents)

    @work(thread=True, exclusive=True, group="reconcile")
    def _reconcile(
        self,
        path: Path,
        mapping: dict[str, str] | None,
        ap: APData | None,
        measure: str,
        tolerance: int,
    ) -> None:
        started = perf_counter()
        try:
            if ap is None:
                rules = getattr(self.app, "rules", None)  # the loaded session's rules
                aliases = rules.ap_column_aliases if rules is not None else None
                saved = store.load_ap_mapping()
                ap = read_ap(path, mapping=mapping, saved=saved, aliases=aliases)
            if self._rollup is None:  # the lines never change on this screen: roll up once
                self._rollup = itrac_rollup(self.lines)
            result = reconcile(
                self.lines, ap, measure=measure, tolerance_cents=tolerance, rollup=self._rollup
            )
        except InputError as exc:
            self.post_message(ReconcileFailed(str(exc), path, ap_headers(path)))
            return
        except Exception as exc:  # never a traceback in the UI
            self.post_message(ReconcileFailed(f"{path.name}: {exc}", path, []))
            return
        if get_current_worker().is_cancelled:
            return
        self.post_message(ReconcileComputed(ap, result, path, perf_counter() - started))

    def on_reconcile_computed(self, message: ReconcileComputed) -> None:
        """Show the new result (band now, grid when filtered)."""
        new_file = message.ap is not self.ap
        self.ap = message.ap
        self.result = message.result
        self.error = ""
        self.busy = False
        self.query_one("#rec-band", Static).update(summary_table(message.result))
        self._show_head()
        if new_file:
            notes = list(message.result.notes)
            if message.ap.rejected.height:
                notes.insert(
                    0, f"{message.ap.rejected.height:,} AP rows rejected (j: see which and why)"
                )
            for note in notes:
                self.notify(safe_text(note), severity="information", timeout=6)
        self.refresh_view()

    def on_reconcile_failed(self, message: ReconcileFailed) -> None:
        """Say what is wrong; offer the column picker when the columns were the problem."""
        self.busy = False
        self.error = message.reason
        self._show_head()
        hint = "k: pick AP columns    a: other AP file" if message.headers else "a: other AP file"
        self._show_band_text(safe_text(message.reason) + "\n" + hint)
        self.notify(safe_text(message.reason), severity="error", timeout=8)
        if message.headers and "column" in message.reason:
            self._ask_columns(message.headers, message.reason)

    def refresh_view(self) -> None:
        """Filter and sort the entries for the grid (worker)."""
        if self.result is None:
            return
        self._filter(self.result.entries, self.statuses, self.sort)

    @work(thread=True, exclusive=True, group="reconcile-view")
    def _filter(
        self,
        entries: pl.DataFrame,
        statuses: tuple[str, ...],
        sort: tuple[tuple[str, bool], ...],
    ) -> None:
        out = filter_entries(entries, statuses)
        if sort:
            col, desc = sort[0]
            out = out.sort(
                [col, "entry_number"],
                descending=[desc, False],
                nulls_last=True,
                maintain_order=True,
            )
        if get_current_worker().is_cancelled:
            return
        self.post_message(EntriesFiltered(out, statuses, sort))

    def on_entries_filtered(self, message: EntriesFiltered) -> None:
        """Show the filtered entries."""
        if message.statuses != self.statuses or message.sort != self.sort:
            return
        self.view = message.entries
        display = message.entries.with_columns(
            status=pl.col("status").replace_strict(STATUS_SHORT, return_dtype=pl.String)
        ).select(GRID_COLUMNS)
        grid = self.query_one(EntryGrid)
        grid.set_frame(display, list(GRID_COLUMNS), self.sort)
        self._show_head()

    # --- grid events ---------------------------------------------------------------------------
    @on(LineGrid.Selected)
    def _selected(self, event: LineGrid.Selected) -> None:
        event.stop()
        self.open_entry(event.row)

    def action_open_entry(self) -> None:
        """Open the entry under the cursor: its ITRAC lines and AP rows side by side."""
        self.open_entry(self.query_one(EntryGrid).cursor_row)

    def open_entry(self, row: int) -> None:
        """Push the detail of the entry at `row` of the current view."""
        if self.view is None or self.ap is None or not (0 <= row < self.view.height):
            return
        entry = self.view.row(row, named=True)
        lines, ap_rows = entry_detail(self.lines, self.ap, entry["entry_number"])
        self.app.push_screen(EntryDetailScreen(entry, lines, ap_rows, self.ap))

    @on(LineGrid.SortRequested)
    def _sort_column(self, event: LineGrid.SortRequested) -> None:
        event.stop()
        self.sort = cycle_sort(self.sort, event.column)
        self.refresh_view()

    # --- actions -------------------------------------------------------------------------------
    def action_back(self) -> None:
        """Back to where we came from."""
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()

    def action_sort_delta(self) -> None:
        """Largest |AP − ITRAC| first (again: entry order)."""
        self.sort = (
            () if self.sort == (("abs_delta_cents", True),) else (("abs_delta_cents", True),)
        )
        self.refresh_view()

    def action_filter_status(self) -> None:
        """Pick the entries shown: all, one status, or every difference."""
        if self.result is None:
            return

        def done(result: tuple[str, ...] | None) -> None:
            if result is not None:
                self.statuses = result
                self.refresh_view()

        self.app.push_screen(StatusDialog(self.result.counts, self.statuses), done)

    def action_clear_filter(self) -> None:
        """Show every status."""
        self.statuses = ()
        self.refresh_view()

    def action_toggle_measure(self) -> None:
        """Switch between total duty and IEEPA duty."""
        i = MEASURES.index(self.measure)
        self.measure = MEASURES[(i + 1) % len(MEASURES)]
        self.run_reconcile()

    def action_tolerance(self) -> None:
        """Set the tolerance (dollars, exact to the cent)."""

        def check(text: str) -> str:
            try:
                parse_tolerance(text)
            except ValueError as exc:
                return str(exc)
            return ""

        def done(value: str | None) -> None:
            if value:
                self.tolerance_cents = parse_tolerance(value)
                self.run_reconcile()

        self.app.push_screen(
            TextDialog(
                "Tolerance: largest |AP − ITRAC| still matched",
                format_cents(self.tolerance_cents),
                hint="dollars, e.g. 0.00 or 0.05    Enter: apply    Escape: cancel",
                check=check,
            ),
            done,
        )

    def action_open_ap(self) -> None:
        """Pick the AP file."""
        start = self.ap_path or default_ap_path(self.export)
        value = str(start) if start else str(Path.cwd()) + os.sep

        def done(path: str | None) -> None:
            if path:
                self.ap_path = Path(path).expanduser()
                self.ap = None
                self.result = None
                self.mapping = None
                self.run_reconcile(reread=True)

        self.app.push_screen(APPathDialog(value), done)

    def action_ap_columns(self) -> None:
        """Pick which AP columns to use (and optionally save that mapping)."""
        if self.ap_path is None:
            self.notify("open an AP file first (o)", severity="warning")
            return
        headers = list(self.ap.headers) if self.ap is not None else ap_headers(self.ap_path)
        if not headers:
            self.notify("cannot read the AP file's headers", severity="error")
            return
        self._ask_columns(headers, "")

    def _ask_columns(self, headers: list[str], message: str) -> None:
        current = dict(self.ap.mapping) if self.ap is not None else dict(self.mapping or {})

        def done(result: tuple[dict[str, str], bool] | None) -> None:
            if result is None:
                return
            mapping, save = result
            self.mapping = mapping
            if save:
                try:
                    store.save_ap_mapping(mapping)
                    self.notify("AP column mapping saved")
                except OSError as exc:
                    self.notify(
                        f"could not save the mapping: {exc.strerror or exc}", severity="error"
                    )
            self.run_reconcile(reread=True)

        self.app.push_screen(APMappingDialog(headers, current, message), done)

    def action_rejected(self) -> None:
        """List the AP rows that were rejected, with the reason."""
        if self.ap is None:
            self.notify("open an AP file first (a)", severity="warning")
            return
        self.app.push_screen(RejectedAPScreen(self.ap))

    def action_save(self) -> None:
        """Save the current (filtered, sorted) entries as CSV."""
        if self.view is None or self.result is None:
            self.notify("nothing to save yet", severity="warning")
            return
        view, measure = self.view, self.result.measure
        stamp = f"{self.as_of:%Y%m%d}" if self.as_of else "today"
        default = default_save_path(f"reconciliation-{measure}-{stamp}")

        def then(path: Path, force: bool) -> None:
            self._write(view, measure, path, force)

        ask_save_path(self, f"Save {view.height:,} entries as CSV", default, then)

    @work(thread=True, exclusive=True, group="reconcile-save")
    def _write(self, view: pl.DataFrame, measure: str, path: Path, force: bool) -> None:
        try:
            n = write_reconciliation_csv(view, path, measure=measure, overwrite=force)
        except InputError as exc:
            self.app.call_from_thread(self.notify, safe_text(str(exc)), severity="error")
            return
        self.app.call_from_thread(self.notify, f"wrote {n:,} entries to {path}")
