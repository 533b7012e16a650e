"""Main screen: filter bar, line grid, pathway pane; every data step runs in a worker."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from functools import partial
from pathlib import Path
from time import perf_counter
from typing import TYPE_CHECKING, Any, cast

import polars as pl
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Input
from textual.worker import get_current_worker

from itrac_tui.core.model import PATHWAYS, Export
from itrac_tui.core.read import first_line
from itrac_tui.core.rules import OTHER_PROGRAM
from itrac_tui.core.views import (
    ViewSpec,
    context_columns,
    cycle_sort,
    normalise_ch99_token,
    search_columns,
)
from itrac_tui.core.views import export_columns as views_export_columns
from itrac_tui.tui.format import (
    DEFAULT_COLUMNS,
    PROGRAM_SHORT,
    SHORT_LABELS,
    label,
)
from itrac_tui.tui.messages import ViewApplied
from itrac_tui.tui.query import column_values, rows_of, soonest_deadlines, view_frame
from itrac_tui.tui.screens.dialogs import (
    ConfirmDialog,
    DateRangeDialog,
    PickerDialog,
    TextDialog,
    ask_save_path,
    check_date,
    default_save_path,
)
from itrac_tui.tui.widgets.filter_bar import FilterBar, NoticeBar
from itrac_tui.tui.widgets.line_grid import LineGrid
from itrac_tui.tui.widgets.notices import Notice, NoticeList, NoticesPanel, collect_notices
from itrac_tui.tui.widgets.pathway_pane import PathwayList, PathwayPane, TotalsBand
from itrac_tui.tui.widgets.steady_footer import SteadyFooter

if TYPE_CHECKING:
    from itrac_tui.tui.app import ItracApp

_SEARCH_DELAY = 0.15


def text_columns(lines: pl.DataFrame) -> list[str]:
    """Context columns searched by `/` (see query.search_columns)."""
    return search_columns(lines)


def visible_columns(
    spec: ViewSpec, lines: pl.DataFrame, hidden: frozenset[str] = frozenset()
) -> list[str]:
    """The view's columns, or the default set followed by the file's context columns (minus
    `hidden`: the file columns the computed ones were read from)."""
    if spec.columns:
        return [c for c in spec.columns if c in lines.columns]
    context = [c for c in context_columns(lines) if c not in hidden]
    return [c for c in DEFAULT_COLUMNS if c in lines.columns] + context


def export_columns(
    spec: ViewSpec, lines: pl.DataFrame, hidden: frozenset[str] = frozenset()
) -> list[str]:
    """Columns written by ctrl+s: the visible ones, then the computed ones not already shown."""
    return views_export_columns(visible_columns(spec, lines, hidden), lines)


def _b(key: str, action: str, desc: str, tip: str, bid: str, show: bool = True) -> Binding:
    """A binding with an id (for the keymap) and a longer tooltip (for help)."""
    return Binding(key, action, desc, show=show, tooltip=tip, id=bid)


class MainScreen(Screen):
    """The workbench: grid of lines, pathway summary, filters."""

    BINDINGS = [
        # app-wide keys repeated here (same ids: a keymap moves both) so they lead the footer
        _b("question_mark,f1", "app.help", "Help", "Help: every key of this screen", "app.help"),
        _b("slash", "search", "Search", "Search entry, HTS, codes, text", "main.search"),
        _b("c", "filter_country", "Origin", "Filter: country of origin", "filter.country"),
        _b("9", "filter_ch99", "Ch99", "Filter: Chapter 99 program or code", "filter.ch99"),
        _b("d", "filter_dates", "Dates", "Filter: liquidated between two dates", "filter.dates"),
        _b("l", "filter_status", "Status", "Filter: liquidation status", "filter.status", False),
        _b("p", "filter_pathway", "Pathway", "Filter: pathway", "filter.pathway", False),
        _b(
            "w",
            "toggle_warnings",
            "Warnings",
            "Filter: lines with warnings (toggle)",
            "filter.warnings",
            False,
        ),
        _b("x", "clear_filters", "Clear", "Clear every filter", "filter.clear"),
        _b("n", "notices", "Notices", "Notices: warnings and review reasons", "main.notices"),
        _b("ctrl+s", "save_view", "Save", "Save the filtered view as CSV", "file.save"),
        _b("o", "app.open", "Open", "Open an export (load screen)", "app.open"),
        _b("q", "app.quit_app", "Quit", "Quit (asks if the view is unsaved)", "app.quit"),
        _b("a", "as_of", "As-of", "Change the as-of date", "main.as_of", False),
        _b("k", "columns", "Columns", "Pick visible columns", "main.columns", False),
        _b("v", "views", "Views", "Saved views: open / save / delete", "main.views", False),
        _b(
            "z",
            "toggle_pane",
            "Pane",
            "Show / hide the pathway pane (totals band under 100 columns)",
            "main.pane",
            False,
        ),
        _b(
            "tab",
            "focus_next_area",
            "Grid/pane",
            "Move between grid and pathway pane",
            "main.focus",
            False,
        ),
        _b(
            "e",
            "cape",
            "CAPE file",
            "Write the CAPE Phase 1 declaration (folder)",
            "file.cape",
            False,
        ),
        _b("y", "worklist", "Protests", "Write the protest worklist CSV", "file.worklist", False),
        _b("j", "rejected", "Rejected", "Show rejected / set-aside rows", "file.rejected", False),
        _b(
            "r",
            "reconcile",
            "Reconcile",
            "Reconcile with accounts payable",
            "main.reconcile",
            False,
        ),
        _b(
            "R",
            "filter_reason",
            "Reason",
            "Filter: reason (why the pathway)",
            "filter.reason",
            False,
        ),
        _b("u", "due_within", "Due", "Filter: due within N days", "filter.due", False),
        _b(
            "P",
            "paste_entries",
            "Entries",
            "Filter: a pasted list of entry numbers",
            "filter.entries",
            False,
        ),
        _b(
            "F",
            "breakdown_column",
            "Breakdown",
            "Breakdown by the cursor column",
            "main.breakdown",
            False,
        ),
        _b(
            "b",
            "breakdown_pick",
            "Breakdown by…",
            "Breakdown by a dimension (origin, port…)",
            "main.breakdown_by",
            False,
        ),
        _b("D", "calendar", "Calendar", "Deadline calendar by week", "main.calendar", False),
        _b("i", "show_cell", "Cell", "Show the full cell under the cursor", "main.cell", False),
        _b("colon", "goto_entry", "Go to", "Go to an entry by number", "main.goto", False),
        _b("Y", "copy_cell", "Copy cell", "Copy the cell (clipboard, OSC 52)", "copy.cell", False),
        _b("E", "copy_entry", "Copy entry", "Copy the entry number (OSC 52)", "copy.entry", False),
        _b("W", "copy_row", "Copy row", "Copy the row, tab-separated (OSC 52)", "copy.row", False),
        _b(
            "L",
            "copy_entries",
            "Copy entries",
            "Copy the view's entry numbers (OSC 52)",
            "copy.entries",
            False,
        ),
        _b(
            "C",
            "load_claims",
            "Claims",
            "Load CAPE claim results (Claim Details CSV)",
            "file.claims",
            False,
        ),
        _b(
            "S",
            "filter_claim_status",
            "Claim status",
            "Filter: CAPE claim status",
            "filter.claim_status",
            False,
        ),
        _b(
            "m",
            "toggle_may_reject",
            "May reject",
            "Filter: lines CAPE may reject (§10 pre-flight warnings; toggle)",
            "filter.may_reject",
            False,
        ),
        _b("escape", "escape", "Clear search", "Clear the search", "main.escape", False),
    ]

    DEFAULT_CSS = """
    MainScreen #search { height: 3; display: none; border: tall $accent; }
    MainScreen #search.visible { display: block; }
    MainScreen #body { height: 1fr; }
    MainScreen #left { width: 1fr; height: 1fr; }
    MainScreen PathwayPane.hidden { display: none; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.spec = ViewSpec()
        self.view: pl.DataFrame | None = None
        self.summary: Any = None
        self.saved_spec = ViewSpec()  # last view written or saved (for "unsaved" on quit)
        self._search_timer: Any = None
        self.last_view_seconds = 0.0
        self.applied_count = 0  # views shown so far (benchmarks and tests wait on it)
        # summaries by (lines, as-of, filters): sorting or picking columns reuses them
        self._summaries: dict[tuple[int, date, ViewSpec], tuple[Any, Any]] = {}
        self.applied_at = 0.0
        self.pane_hidden = False
        self._kept: dict[str, Screen] = {}  # breakdown and calendar, built once
        self._summaries_of: pl.DataFrame | None = None

    @property
    def itrac(self) -> ItracApp:
        """The app, typed."""
        return cast("ItracApp", self.app)

    def compose(self) -> ComposeResult:
        """Filter bar, search box, grid + pane, footer."""
        yield FilterBar(id="filter-bar")
        yield NoticeBar(id="notice-bar")
        yield TotalsBand(id="band")
        yield Input(
            placeholder="search entry, HTS, codes, text (Enter: keep, Esc: clear)", id="search"
        )
        with Horizontal(id="body"):
            with Vertical(id="left"):
                yield LineGrid(id="grid")
                yield NoticesPanel(id="notices")
            yield PathwayPane(id="pane")
        yield SteadyFooter(compact=True, show_command_palette=False)

    def show_export(self, export: Export, loaded: str = "") -> None:
        """A new export is loaded: the load line and its notices stay on screen until the next
        one; the notices panel opens when there is something to say."""
        self.query_one(NoticeBar).show_notices(export.notices, loaded)
        lines = self.itrac.lines
        if lines is not None:
            self._count_notices(lines, export.notices, bool(loaded))

    @work(thread=True, exclusive=True, group="notices")
    def _count_notices(self, lines: pl.DataFrame, file_notices: Any, open_panel: bool) -> None:
        notices = collect_notices(lines, file_notices)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show_notices, notices, open_panel)

    def _show_notices(self, notices: list[Notice], open_panel: bool) -> None:
        panel = self.query_one(NoticesPanel)
        panel.show_notices(notices)
        if open_panel:
            panel.set_class(bool(notices), "visible")

    def action_notices(self) -> None:
        """Show the notices panel and move into it; again (from inside it): hide it."""
        panel = self.query_one(NoticesPanel)
        ol = panel.query_one(NoticeList)
        if panel.has_class("visible") and ol.has_focus:
            panel.remove_class("visible")
            self.query_one(LineGrid).focus()
            return
        panel.add_class("visible")
        if not panel.notices:
            self.notify("nothing to report on this export", timeout=2)
        ol.focus()

    @on(NoticesPanel.NoticeChosen)
    def _notice_chosen(self, event: NoticesPanel.NoticeChosen) -> None:
        n = event.notice
        base = self.spec.cleared()
        if n.kind == "warning":
            self.set_spec(replace(base, warning_codes=(n.code,)))
        elif n.kind == "reason":
            self.set_spec(replace(base, reasons=(n.code,)))
        elif n.kind == "pathway":
            self.set_spec(replace(base, pathways=(n.code,)))
        elif n.code in ("rejected", "set_aside"):
            self.itrac.action_rejected()
            return
        else:
            return
        self.query_one(LineGrid).focus()

    def on_mount(self) -> None:
        """Focus the grid; show what is loaded."""
        self.query_one(LineGrid).focus()
        self.query_one(FilterBar).show(self.spec, 0, 0, busy=True)
        if self.itrac.export is not None:
            self.show_export(self.itrac.export)
        if self.itrac.lines is not None:
            self.refresh_view()

    def on_resize(self, event: object) -> None:
        """Under 100 columns the pane becomes the totals band (the grid keeps its columns)."""
        self._place_summary()

    @property
    def narrow(self) -> bool:
        """True under 100 columns."""
        return self.size.width < 100

    def _place_summary(self) -> None:
        """Pane or band, as the width and `z` say."""
        narrow = self.narrow
        self.query_one(PathwayPane).set_narrow(self.size.width < 130)
        self.query_one(PathwayPane).set_class(self.pane_hidden or narrow, "hidden")
        self.query_one(TotalsBand).set_class(not self.pane_hidden and narrow, "visible")

    # --- state ---------------------------------------------------------------------------------
    @property
    def unsaved(self) -> bool:
        """True when the view was narrowed and neither written nor saved since."""
        return self.spec != self.saved_spec and (
            self.spec.is_filtered() or bool(self.spec.sort) or bool(self.spec.columns)
        )

    def set_spec(self, spec: ViewSpec) -> None:
        """Change the view and recompute it in a worker."""
        self.spec = spec
        self.refresh_view()

    def refresh_view(self) -> None:
        """Recompute the filtered lines and summary for the current spec (worker)."""
        lines = self.itrac.lines
        if lines is None:
            return
        self.query_one(FilterBar).show(
            self.spec, self.view.height if self.view is not None else 0, lines.height, busy=True
        )
        self._compute_view(lines, self.spec, self.itrac.as_of)

    @work(thread=True, exclusive=True, group="view")
    def _compute_view(self, lines: pl.DataFrame, spec: ViewSpec, as_of: date) -> None:
        from itrac_tui.core.summary import summarise

        started = perf_counter()
        if self._summaries_of is not lines:
            self._summaries.clear()
            self._summaries_of = lines
        key = (id(lines), as_of, replace(spec, sort=(), columns=()))
        try:
            view = view_frame(lines, spec, search_columns(lines))
            if get_current_worker().is_cancelled:
                return
            cached = self._summaries.get(key)
            if cached is None:
                cached = (summarise(view, as_of), soonest_deadlines(view))
                if len(self._summaries) > 32:
                    self._summaries.clear()
                self._summaries[key] = cached
            summary, deadlines = cached
        except Exception as exc:  # e.g. sorting by a column polars cannot order
            reason = first_line(exc)
            self.app.call_from_thread(self.notify, f"view failed: {reason}", severity="error")
            self.app.call_from_thread(self.itrac.view_shown)
            return
        if get_current_worker().is_cancelled:
            return
        self.post_message(
            ViewApplied(spec, view, summary, deadlines, as_of, perf_counter() - started)
        )

    def mapped_headers(self) -> frozenset[str]:
        """File columns the computed fields were read from (hidden by default: duplicates)."""
        export = self.itrac.export
        return frozenset(export.mapping.values()) if export is not None else frozenset()

    @property
    def identity(self) -> bool:
        """True when the view is every line in file order (the grid can slice, not gather)."""
        return not self.spec.is_filtered() and not self.spec.sort

    def view_ids(self) -> pl.Series | None:
        """Line ids of the current view in order (None: every line in file order)."""
        if self.view is None or self.identity:
            return None
        return self.view.get_column("line_id")

    def view_lines(self) -> pl.DataFrame:
        """Full rows of the current view, in view order (for files and tests)."""
        lines = self.itrac.lines
        assert lines is not None and self.view is not None
        return rows_of(lines, self.view_ids())

    def on_view_applied(self, message: ViewApplied) -> None:
        """Show the computed view: grid, pane and bar together."""
        lines = self.itrac.lines
        if lines is None or message.spec != self.spec:
            return
        self.view = message.lines
        self.summary = message.summary
        self.last_view_seconds = message.seconds
        grid = self.query_one(LineGrid)
        ids = None if self.identity else message.lines.get_column("line_id")
        columns = visible_columns(self.spec, lines, self.mapped_headers())
        grid.set_frame(lines, columns, self.spec.sort, ids=ids)
        self.query_one(PathwayPane).show(
            message.summary,
            message.deadlines,
            message.as_of,
            self.spec.pathways,
            view=message.lines,
        )
        self.query_one(TotalsBand).show(message.summary, self.spec.pathways)
        self.query_one(FilterBar).show(self.spec, message.lines.height, lines.height)
        self.applied_count += 1
        if self.applied_count == 1:  # idle after the first paint
            self.set_timer(0.3, self._after_first_view)
        self.applied_at = perf_counter()
        self.app.call_after_refresh(self.itrac.view_shown)  # once painted

    # --- grid events ---------------------------------------------------------------------------
    @on(LineGrid.SortRequested)
    def _sort(self, event: LineGrid.SortRequested) -> None:
        self.set_spec(replace(self.spec, sort=cycle_sort(self.spec.sort, event.column)))

    @on(LineGrid.Selected)
    def _detail(self, event: LineGrid.Selected) -> None:
        from itrac_tui.tui.screens.detail import LineDetailScreen

        export = self.itrac.export
        values = event.grid.row_values(event.row)
        if not values or export is None:
            return
        line_id = values.get("line_id")
        components = export.components.filter(pl.col("line_id") == line_id)
        rows = export.rows.filter(pl.col("line_id") == line_id)
        if export.is_lazy:  # the source rows' cells are in the file: read them in a worker
            self._open_detail(export, values, components, rows)
            return
        self.app.push_screen(LineDetailScreen(values, components, rows))

    @work(thread=True, exclusive=True, group="detail")
    def _open_detail(
        self, export: Export, values: dict[str, Any], components: pl.DataFrame, rows: pl.DataFrame
    ) -> None:
        from itrac_tui.core.context import read_source_rows
        from itrac_tui.tui.screens.detail import LineDetailScreen

        try:
            rows = read_source_rows(export, rows)
        except Exception as exc:  # the file changed or vanished since it was loaded
            reason = f"source rows not read ({first_line(exc)}); showing the line only"
            self.app.call_from_thread(self.notify, reason, severity="warning", markup=False)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(
                self.app.push_screen, LineDetailScreen(values, components, rows)
            )

    @on(PathwayPane.PathwaySelected)
    def _pathway(self, event: PathwayPane.PathwaySelected) -> None:
        pathways = () if self.spec.pathways == (event.pathway,) else (event.pathway,)
        self.set_spec(replace(self.spec, pathways=pathways))

    # --- search --------------------------------------------------------------------------------
    def action_search(self) -> None:
        """Show and focus the search box."""
        box = self.query_one("#search", Input)
        box.add_class("visible")
        box.focus()

    @on(Input.Changed, "#search")
    def _search_changed(self, event: Input.Changed) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
        value = event.value
        self._search_timer = self.set_timer(_SEARCH_DELAY, lambda: self._apply_search(value))

    def _apply_search(self, value: str) -> None:
        if value != self.spec.search:
            self.set_spec(replace(self.spec, search=value))

    @on(Input.Submitted, "#search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        self._apply_search(event.value)
        if not event.value:
            self.query_one("#search", Input).remove_class("visible")
        self.query_one(LineGrid).focus()

    def action_escape(self) -> None:
        """Clear the search (Escape); in the notices panel: hide it."""
        panel = self.query_one(NoticesPanel)
        if panel.query_one(NoticeList).has_focus:
            panel.remove_class("visible")
            self.query_one(LineGrid).focus()
            return
        box = self.query_one("#search", Input)
        if self._search_timer is not None:
            self._search_timer.stop()
        box.value = ""
        box.remove_class("visible")
        self.query_one(LineGrid).focus()
        if self.spec.search:
            self.set_spec(replace(self.spec, search=""))

    # --- filters -------------------------------------------------------------------------------
    def _others(self, spec: ViewSpec, column: str, **cleared: Any) -> pl.DataFrame:
        """`column` of the lines matching every filter except the one being picked (counts)."""
        lines = self.itrac.lines
        assert lines is not None
        return column_values(lines, replace(spec, **cleared), search_columns(lines), column)

    def _open_picker(self, title: str, apply: Any, **kwargs: Any) -> PickerDialog:
        """Push a picker at once (keys typed next go to it); counts arrive from a worker."""

        def done(result: tuple[list[str], str] | None) -> None:
            if result is not None:
                apply(*result)

        dialog = PickerDialog(title, None, **kwargs)
        self.app.push_screen(dialog, done)
        return dialog

    def action_filter_country(self) -> None:
        """Pick countries of origin (with counts in the current view)."""
        if self.itrac.lines is None:
            return

        def apply(chosen: list[str], extra: str) -> None:
            typed = [c.strip().upper() for c in extra.replace(",", " ").split() if c]
            self.set_spec(replace(self.spec, countries=tuple(chosen + typed)))

        dialog = self._open_picker(
            "Country of origin (lines in the current view)",
            apply,
            extra_label="or type ISO codes (CN MX …)",
        )
        self._count_countries(dialog, self.spec)

    @work(thread=True, exclusive=True, group="counts")
    def _count_countries(self, dialog: PickerDialog, spec: ViewSpec) -> None:
        counts = (
            self._others(spec, "country", countries=())
            .group_by("country")
            .len()
            .sort(["len", "country"], descending=[True, False], nulls_last=True)
        )
        options = [
            (f"{c}  {n:,}", c, c in spec.countries) for c, n in counts.iter_rows() if c is not None
        ]
        self.app.call_from_thread(dialog.populate, options)

    def action_filter_ch99(self) -> None:
        """Pick Chapter 99 programs (with counts) and code prefixes."""
        if self.itrac.lines is None:
            return
        codes = " ".join(t for t in self.spec.ch99 if normalise_ch99_token(t)[:1].isdigit())

        def apply(chosen: list[str], extra: str) -> None:
            tokens = [t for t in extra.replace(",", " ").split() if t]
            self.set_spec(replace(self.spec, ch99=tuple(chosen + tokens)))

        dialog = self._open_picker(
            "Chapter 99 program",
            apply,
            extra_label="and/or 9903 codes or prefixes (9903.01.25 9903.02)",
            extra_value=codes,
        )
        self._count_ch99(dialog, self.spec)

    @work(thread=True, exclusive=True, group="counts")
    def _count_ch99(self, dialog: PickerDialog, spec: ViewSpec) -> None:
        others = self._others(spec, "ch99_programs", ch99=())
        counts = dict(
            others.select(pl.col("ch99_programs").explode().alias("p"))
            .group_by("p")
            .len()
            .iter_rows()
        )
        none = others.filter(pl.col("ch99_programs").list.len() == 0).height
        current = {normalise_ch99_token(t) for t in spec.ch99}
        programs = [p.id for p in self.itrac.resolve_rules().programs] + [OTHER_PROGRAM]
        options = [
            (f"{PROGRAM_SHORT.get(p, p):<11} {counts.get(p, 0):>10,}", p, p in current)
            for p in dict.fromkeys(programs)
        ]
        options.append((f"{'none':<11} {none:>10,}", "none", "none" in current))
        self.app.call_from_thread(dialog.populate, options)

    def action_filter_status(self) -> None:
        """Pick liquidation statuses (with counts)."""
        if self.itrac.lines is None:
            return

        def apply(chosen: list[str], _extra: str) -> None:
            self.set_spec(replace(self.spec, statuses=tuple(chosen)))

        dialog = self._open_picker("Liquidation status", apply)
        self._count_status(dialog, self.spec)

    @work(thread=True, exclusive=True, group="counts")
    def _count_status(self, dialog: PickerDialog, spec: ViewSpec) -> None:
        counts = (
            self._others(spec, "liquidation_status", statuses=())
            .group_by("liquidation_status")
            .len()
            .sort("len", descending=True)
        )
        options = [
            (f"{s:<12} {n:>10,}", s, s in spec.statuses)
            for s, n in counts.iter_rows()
            if s is not None
        ]
        self.app.call_from_thread(dialog.populate, options)

    def action_filter_pathway(self) -> None:
        """Pick pathways."""
        totals = self.summary.pathways if self.summary is not None else {}
        options = []
        for p in PATHWAYS:
            n = totals[p].lines if p in totals else 0
            options.append((f"{SHORT_LABELS[p]:<13} {n:>10,}", p, p in self.spec.pathways))

        def done(result: tuple[list[str], str] | None) -> None:
            if result is not None:
                self.set_spec(replace(self.spec, pathways=tuple(result[0])))

        self.app.push_screen(PickerDialog("Pathway", options), done)

    def action_filter_dates(self) -> None:
        """Liquidation date range."""

        def done(result: tuple[date | None, date | None] | None) -> None:
            if result is not None:
                lo, hi = result
                self.set_spec(replace(self.spec, liquidated_from=lo, liquidated_to=hi))

        self.app.push_screen(
            DateRangeDialog(self.spec.liquidated_from, self.spec.liquidated_to), done
        )

    def action_filter_reason(self) -> None:
        """Pick reasons (why a line is on its pathway), with counts."""
        lines = self.itrac.lines
        if lines is None:
            return
        if "reason" not in lines.columns:
            self.notify("this export has no reasons yet", severity="warning", timeout=3)
            return

        def apply(chosen: list[str], _extra: str) -> None:
            self.set_spec(replace(self.spec, reasons=tuple(chosen)))

        dialog = self._open_picker("Reason (why the pathway)", apply)
        self._count_reasons(dialog, self.spec)

    @work(thread=True, exclusive=True, group="counts")
    def _count_reasons(self, dialog: PickerDialog, spec: ViewSpec) -> None:
        counts = (
            self._others(spec, "reason", reasons=())
            .group_by("reason")
            .len()
            .sort(["len", "reason"], descending=[True, False])
        )
        options = [(f"{r:<24} {n:>10,}", r, r in spec.reasons) for r, n in counts.iter_rows() if r]
        self.app.call_from_thread(dialog.populate, options)

    def action_due_within(self) -> None:
        """Lines whose own deadline is within N days (again with an empty answer: off)."""

        def check(text: str) -> str:
            return "" if not text or text.isdigit() else "a whole number of days (blank: off)"

        def done(value: str | None) -> None:
            if value is not None:
                self.set_spec(replace(self.spec, due_within=int(value) if value else None))

        current = "" if self.spec.due_within is None else str(self.spec.due_within)
        self.app.push_screen(
            TextDialog(
                "Due within how many days? (blank: no limit)",
                current or "21",
                check=check,
            ),
            done,
        )

    def action_paste_entries(self) -> None:
        """Filter to a pasted list of entry numbers (any separators; blank: off)."""
        from itrac_tui.core.views import parse_entries

        def done(value: str | None) -> None:
            if value is None:
                return
            good, bad = parse_entries(value)
            self.set_spec(replace(self.spec, entries=good))
            if bad:
                shown = ", ".join(bad[:3]) + (" …" if len(bad) > 3 else "")
                self.notify(f"{len(bad)} not entry numbers, left out: {shown}", severity="warning")

        self.app.push_screen(
            TextDialog(
                "Entry numbers (paste a list; any separators)",
                " ".join(self.spec.entries),
                hint="Enter: filter    blank: off    Escape: cancel",
                multiline_paste=True,
            ),
            done,
        )

    def action_goto_entry(self) -> None:
        """Move the cursor to the first line of an entry in the view."""
        from itrac_tui.core.views import parse_entries

        def done(value: str | None) -> None:
            if not value or self.view is None:
                return
            good, _bad = parse_entries(value)
            if not good:
                self.notify(f"not an entry number: {value}", severity="warning")
                return
            found = (
                self.view.with_row_index("__i")
                .filter(pl.col("entry_number").cast(pl.String) == good[0])
                .get_column("__i")
            )
            if found.len() == 0:
                self.notify(f"{good[0]} is not in this view", severity="warning")
                return
            grid = self.query_one(LineGrid)
            grid.cursor_row = int(found[0])
            grid.focus()

        self.app.push_screen(TextDialog("Go to entry number", ""), done)

    # --- breakdowns and calendar ---------------------------------------------------------------
    def action_breakdown_column(self) -> None:
        """Breakdown of the view by the grid's cursor column."""
        from itrac_tui.tui.screens.breakdown import dimension_of_column

        self._open_breakdown(dimension_of_column(self.query_one(LineGrid).cursor_column))

    def action_breakdown_pick(self) -> None:
        """Pick a dimension, then show the breakdown."""
        from itrac_tui.core.breakdown import DIMENSIONS, resolve
        from itrac_tui.tui.screens.dialogs import ChoiceDialog

        lines = self.itrac.lines
        if lines is None:
            return
        choices = [(k, v[0]) for k, v in DIMENSIONS.items() if resolve(k, lines.columns)]

        def done(value: str | None) -> None:
            if value:
                self._open_breakdown(value)

        self.app.push_screen(ChoiceDialog("Break down the view by", choices), done)

    def _open_breakdown(self, dimension: str) -> None:
        from itrac_tui.tui.screens.breakdown import BreakdownScreen

        lines = self.itrac.lines
        if lines is None:
            return

        def done(result: tuple[str, str] | None) -> None:
            if result:
                dim, key = result
                groups = (*tuple(g for g in self.spec.groups if g[0] != dim), (dim, key))
                self.set_spec(replace(self.spec, groups=groups))

        screen = self._kept.get("breakdown")
        if isinstance(screen, BreakdownScreen):
            screen.reset(lines, self.spec, dimension, self.itrac.as_of)
        else:
            screen = BreakdownScreen(lines, self.spec, dimension, self.itrac.as_of)
            self._keep("breakdown", screen)
        self.app.push_screen(screen, done)

    def _after_first_view(self) -> None:
        """Idle after the first paint: build F's and D's screens, and take the objects alive
        now (Textual, polars, the app: ~90k) out of the garbage collector's full passes, which
        otherwise stall a key for 0.1-0.3 s whenever one runs (refcounting still frees them)."""
        import gc

        self._build_kept_screens()
        gc.collect()
        gc.freeze()

    def _build_kept_screens(self) -> None:
        """Build (compose, style) the breakdown and calendar screens ahead, unseen and counting
        nothing: the first F or D then costs what every later one does."""
        from itrac_tui.tui.screens.breakdown import BreakdownScreen
        from itrac_tui.tui.screens.calendar import CalendarScreen

        lines, as_of = self.itrac.lines, self.itrac.as_of
        if lines is None:
            return
        if "breakdown" not in self._kept:
            self._keep("breakdown", BreakdownScreen(lines, self.spec, "origin", as_of, count=False))
        if "calendar" not in self._kept:
            self._keep("calendar", CalendarScreen(lines, self.spec, as_of, count=False))
        for screen in self._kept.values():
            if not screen.is_running:
                try:  # the screen's widgets are composed now, as pushing it would (Textual 8)
                    self.app._register(self.app, screen)
                except AttributeError:  # another Textual: built when first pushed
                    return

    def _keep(self, name: str, screen: Screen) -> None:
        """Install a screen so closing it keeps its widgets for the next time (faster)."""
        self._kept[name] = screen
        self.app.install_screen(screen, f"kept-{name}-{id(self)}")

    def action_calendar(self) -> None:
        """The deadline calendar of the view."""
        from itrac_tui.tui.screens.calendar import CalendarScreen

        lines = self.itrac.lines
        if lines is None:
            return

        def done(result: tuple[str, Any, Any] | None) -> None:
            if not result:
                return
            what, a, b = result
            if what == "week":
                self.set_spec(replace(self.spec, deadline_from=a, deadline_to=b))
            elif what == "due":
                self.set_spec(replace(self.spec, due_within=a))

        screen = self._kept.get("calendar")
        if isinstance(screen, CalendarScreen):
            screen.reset(lines, self.spec, self.itrac.as_of)
        else:
            screen = CalendarScreen(lines, self.spec, self.itrac.as_of)
            self._keep("calendar", screen)
        self.app.push_screen(screen, done)

    # --- cells and the clipboard ---------------------------------------------------------------
    def action_show_cell(self) -> None:
        """The full text of the cell under the cursor."""
        from itrac_tui.tui.screens.dialogs import CellDialog

        grid = self.query_one(LineGrid)
        column = grid.cursor_column
        if column is None or not grid.row_count:
            return
        self.app.push_screen(CellDialog(label(column), grid.cell_text(grid.cursor_row, column)))

    def _copy(self, text: str, what: str) -> None:
        self.app.copy_to_clipboard(text)
        short = text if len(text) <= 40 else text[:39] + "…"
        self.notify(f"Copied {what}: {short}", timeout=3, markup=False)

    def action_copy_cell(self) -> None:
        """Copy the cell under the cursor."""
        grid = self.query_one(LineGrid)
        column = grid.cursor_column
        if column and grid.row_count:
            self._copy(grid.cell_text(grid.cursor_row, column), f"{label(column)} cell")

    def action_copy_entry(self) -> None:
        """Copy the entry number of the line under the cursor."""
        grid = self.query_one(LineGrid)
        if grid.row_count:
            self._copy(grid.cell_text(grid.cursor_row, "entry_number"), "entry number")

    def action_copy_row(self) -> None:
        """Copy the visible columns of the line under the cursor, tab-separated."""
        grid = self.query_one(LineGrid)
        if grid.row_count:
            cells = [grid.cell_text(grid.cursor_row, c) for c in grid.columns]
            self._copy("\t".join(cells), "row")

    def action_copy_entries(self) -> None:
        """Copy the distinct entry numbers of the view, one per line."""
        if self.view is None:
            return
        entries = self.view.get_column("entry_number").cast(pl.String).unique(maintain_order=True)
        self.app.copy_to_clipboard("\n".join(entries.to_list()))
        self.notify(f"Copied {entries.len():,} entry numbers of the view", timeout=3)

    def action_toggle_warnings(self) -> None:
        """Only lines with warnings (toggle)."""
        self.set_spec(replace(self.spec, warnings_only=not self.spec.warnings_only))

    # --- CAPE claim results and pre-flight ------------------------------------------------------
    def action_load_claims(self) -> None:
        """Ask for a CAPE Claim Details CSV and load it (worker in the app)."""
        from itrac_tui.tui.screens.reconcile.dialogs import PathSuggester

        def done(value: str | None) -> None:
            if value and value.strip():
                self.itrac.load_claims(str(Path(value.strip()).expanduser()))

        self.app.push_screen(
            TextDialog(
                "CAPE claim results (ACE Portal Claim Details CSV)",
                "",
                hint="Tab: complete    Enter: load    Escape: cancel",
                suggester=PathSuggester(),
            ),
            done,
        )

    def action_filter_claim_status(self) -> None:
        """Pick CAPE claim statuses, "(no claim)" included (with counts)."""
        if self.itrac.lines is None:
            return

        def apply(chosen: list[str], _extra: str) -> None:
            self.set_spec(replace(self.spec, claim_statuses=tuple(chosen)))

        dialog = self._open_picker("CAPE claim status", apply)
        self._count_claim_status(dialog, self.spec)

    @work(thread=True, exclusive=True, group="counts")
    def _count_claim_status(self, dialog: PickerDialog, spec: ViewSpec) -> None:
        from itrac_tui.core.claims import NO_CLAIM

        lines = self.itrac.lines
        assert lines is not None
        if "claim_status" in lines.columns:
            values = self._others(spec, "claim_status", claim_statuses=())
            counts = values.group_by(pl.col("claim_status").fill_null(NO_CLAIM)).len()
            rows = counts.sort(["len", "claim_status"], descending=[True, False]).iter_rows()
        else:
            rows = iter([(NO_CLAIM, self._others(spec, "line_id", claim_statuses=()).height)])
        chosen = {c.lower() for c in spec.claim_statuses}
        options = [(f"{st:<24} {n:>10,}", st, st.lower() in chosen) for st, n in rows]
        self.app.call_from_thread(dialog.populate, options)

    def action_toggle_may_reject(self) -> None:
        """Only the lines CAPE may reject: §10 pre-flight warnings (toggle)."""
        from itrac_tui.core.preflight import PREFLIGHT_WARNINGS

        on = set(self.spec.warning_codes) == set(PREFLIGHT_WARNINGS)
        self.set_spec(replace(self.spec, warning_codes=() if on else PREFLIGHT_WARNINGS))

    def action_clear_filters(self) -> None:
        """Clear every filter (sort and columns stay)."""
        box = self.query_one("#search", Input)
        box.value = ""
        box.remove_class("visible")
        self.set_spec(self.spec.cleared())

    # --- view settings -------------------------------------------------------------------------
    def action_as_of(self) -> None:
        """Change the working date (reclassifies every line)."""

        def done(value: str | None) -> None:
            if value:
                self.itrac.change_as_of(date.fromisoformat(value))

        self.app.push_screen(
            TextDialog(
                "As-of date (the day you are working on)",
                self.itrac.as_of.isoformat(),
                hint="YYYY-MM-DD    Enter: apply    Escape: cancel",
                check=check_date,
            ),
            done,
        )

    def action_columns(self) -> None:
        """Pick which columns show."""
        lines = self.itrac.lines
        if lines is None:
            return
        shown = visible_columns(self.spec, lines, self.mapped_headers())
        order = shown + [c for c in list(DEFAULT_COLUMNS) + list(lines.columns) if c not in shown]
        seen: set[str] = set()
        options = []
        for c in order:
            if c in seen or c not in lines.columns:
                continue
            seen.add(c)
            name = label(c) if label(c) == c else f"{label(c)} ({c})"
            options.append((name, c, c in shown))

        def done(result: tuple[list[str], str] | None) -> None:
            if result is not None and result[0]:
                picked = set(result[0])
                cols = tuple(c for c in order if c in picked)
                self.set_spec(replace(self.spec, columns=cols))

        self.app.push_screen(PickerDialog("Visible columns", options), done)

    def action_toggle_pane(self) -> None:
        """Show or hide the pathway pane (the totals band under 100 columns)."""
        self.pane_hidden = not self.pane_hidden
        self._place_summary()

    def action_focus_next_area(self) -> None:
        """Move focus between the grid and the pathway pane."""
        grid = self.query_one(LineGrid)
        if grid.has_focus and not self.query_one(PathwayPane).has_class("hidden"):
            self.query_one(PathwayList).focus()
        else:
            grid.focus()

    def action_views(self) -> None:
        """Open, save or delete named views."""
        from itrac_tui import store
        from itrac_tui.tui.screens.dialogs import SavedViewsDialog

        views = store.load_views()  # a broken file or view is skipped with a notice
        notices = store.take_notices()
        if notices:
            text = "Settings ignored: " + "; ".join(str(n) for n in notices)
            self.notify(text, severity="warning", timeout=10, markup=False)

        def act(verb: str, name: str) -> None:
            try:
                if verb == "open" and name in views:
                    self.set_spec(views[name])
                    self.saved_spec = views[name]
                    self.notify(f"view “{name}” opened", timeout=3)
                elif verb == "save":
                    store.save_view(name, self.spec)
                    self.saved_spec = self.spec
                    self.notify(f"view “{name}” saved", timeout=3)
                elif verb == "delete":
                    store.delete_view(name)
                    self.notify(f"view “{name}” deleted", timeout=3)
            except OSError as exc:
                self.notify(f"could not save views: {exc.strerror or exc}", severity="error")

        def done(result: tuple[str, str] | None) -> None:
            if result is None:
                return
            verb, name = result
            question = ""
            if verb == "save" and name in views:
                question = f"A view named “{name}” exists. Replace it?"
            elif verb == "delete":
                question = f"Delete the view “{name}”?"
            if not question:
                act(verb, name)
                return

            def answer(yes: bool | None) -> None:
                if yes:
                    act(verb, name)

            self.app.push_screen(ConfirmDialog(question, default=False), answer)

        self.app.push_screen(SavedViewsDialog(views), done)

    # --- files ---------------------------------------------------------------------------------
    def action_save_view(self) -> None:
        """Save the filtered, sorted lines as CSV (visible + computed columns)."""
        if self.view is None or self.itrac.lines is None:
            self.notify("nothing loaded yet", severity="warning")
            return
        default = default_save_path(f"itrac-view-{self.itrac.as_of:%Y%m%d}")
        view, spec, hidden = self.view_ids(), self.spec, self.mapped_headers()
        columns = export_columns(spec, self.itrac.lines, hidden)
        extra: dict[str, Any] = {}
        export = self.itrac.export
        if self.itrac.line_context is None and export is not None and export.is_lazy:
            # the file's own columns are still being read: the worker picks them when they are
            extra["columns_of"] = partial(export_columns, spec, hidden=hidden)

        def write(path: Path, force: bool) -> None:
            self.itrac.write_output(
                "view", path, force, ids=view, columns=columns, spec=spec, **extra
            )

        ask_save_path(self, f"Save {self.view.height:,} lines as CSV", default, write)

    def action_cape(self) -> None:
        """Write the CAPE Phase 1 declaration (folder of CSV files) for this view."""
        if self.view is None:
            return
        view = self.view_ids()
        default = default_save_path(f"cape-declaration-{self.itrac.as_of:%Y%m%d}", "")

        def write(path: Path, force: bool) -> None:
            self.itrac.write_output("cape", path, force, ids=view)

        ask_save_path(self, "Write the CAPE declaration into folder", default, write, folder=True)

    def action_worklist(self) -> None:
        """Write the protest worklist for this view."""
        if self.view is None:
            return
        view = self.view_ids()
        default = default_save_path(f"protest-worklist-{self.itrac.as_of:%Y%m%d}")

        def write(path: Path, force: bool) -> None:
            self.itrac.write_output("worklist", path, force, ids=view)

        ask_save_path(self, "Write the protest worklist", default, write)

    def action_rejected(self) -> None:
        """Open the rejected / set-aside rows."""
        self.itrac.action_rejected()

    def action_reconcile(self) -> None:
        """Open reconciliation with accounts payable."""
        self.itrac.action_reconcile()
