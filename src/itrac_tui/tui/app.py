"""The itrac-tui app: themes, keymap, screens and the workers that call the core (no data logic)."""

from __future__ import annotations

import asyncio
import re
import sys
from collections.abc import Iterable, Sequence
from datetime import date
from functools import partial
from pathlib import Path
from time import perf_counter
from typing import Any

import polars as pl
from textual import events, work
from textual._wait import wait_for_idle
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.worker import get_current_worker

from itrac_tui import store
from itrac_tui.core.model import Export
from itrac_tui.core.read import first_line
from itrac_tui.core.rules import Rules
from itrac_tui.tui.format import dollars
from itrac_tui.tui.messages import (
    AsOfChanged,
    ClaimsFailed,
    ClaimsLoaded,
    ContextLoaded,
    ExportLoaded,
    LoadFailed,
    LoadProgressed,
    SaveFailed,
    ViewSaved,
)
from itrac_tui.tui.query import prepare, prime, rows_of
from itrac_tui.tui.screens.dialogs import ConfirmDialog
from itrac_tui.tui.screens.help import GROUPS, HelpScreen
from itrac_tui.tui.screens.load import LoadScreen
from itrac_tui.tui.screens.main import MainScreen
from itrac_tui.tui.themes import DEFAULT_THEME, load_themes, resolve_theme_name


class _Cancelled(Exception):
    """Raised inside the load worker when the user pressed Escape."""


def _escape_then(event: events.Key) -> str:
    """The key after Escape when `event` is an Alt+letter or Alt+digit (Escape then that key
    typed in one burst), else ""."""
    match = re.fullmatch(r"alt\+(shift\+)?([a-z0-9])", event.key)
    if match is None:
        return ""
    return match.group(2).upper() if match.group(1) else match.group(2)


class ItracApp(App[int]):
    """Terminal workbench for IEEPA refunds from ACE ITRAC exports."""

    # Exports this big (all parts) load their decisive columns first and the file's other
    # columns after the first paint (core.context); smaller ones are read whole at once.
    lazy_min_bytes = 32 << 20

    TITLE = "itrac-tui"
    BINDINGS = [
        Binding(
            "question_mark,f1",
            "help",
            "Help",
            tooltip="Help: every key of this screen",
            id="app.help",
        ),
        Binding("o", "open", "Open", tooltip="Open an export (load screen)", id="app.open"),
        Binding(
            "q", "quit_app", "Quit", tooltip="Quit (asks if the view is unsaved)", id="app.quit"
        ),
    ]
    CSS = """
    Screen { background: $background; }
    Footer { background: $panel; }
    """

    def __init__(
        self,
        files: Sequence[str | Path] = (),
        *,
        as_of: date | None = None,
        rules_path: str | None = None,
        mapping: dict[str, str] | None = None,
        theme_name: str | None = None,
        autoload: bool = True,
        claims: Sequence[str | Path] = (),
    ) -> None:
        super().__init__()
        self.claims_paths: list[str] = [str(c) for c in claims]  # --claims, read on first load
        self.claims: Any = None  # itrac_tui.core.claims.Claims once read
        self.current_files: list[str] = [str(f) for f in files]
        self.as_of: date = as_of or date.today()
        self.rules_path = rules_path
        self.cli_mapping: dict[str, str] = dict(mapping or {})
        self.theme_name = theme_name
        self.autoload = autoload
        self.rules: Rules | None = None
        self.export: Export | None = None
        self.lines: pl.DataFrame | None = None
        # the file's own columns of a lazy export, per line, once read (None: not yet)
        self.line_context: pl.DataFrame | None = None
        self._context_wanted: Export | None = None  # a lazy export whose columns are to read
        self.main_screen: MainScreen | None = None
        self.load_seconds = 0.0
        self._pending_writes: dict[Path, dict[str, Any]] = {}
        self.show_timings = True  # snapshot tests turn the load time off
        self._key_backlog: list[events.Event] | None = None  # keys waiting for the last to land
        self._key_drain: Any = None

    # --- keys typed in a burst ----------------------------------------------------------------
    async def on_event(self, event: events.Event) -> None:
        """Keys (and pastes) one at a time: while the effect of one key (a dialog opening, focus
        moving to the next field) is still being handled, the next ones wait for it, so a burst
        lands where a slow typist's keys would."""
        if (
            isinstance(event, events.Key)
            and not event.is_forwarded
            and (key := _escape_then(event))
        ):
            # Escape and a letter in one burst arrive as one Alt+letter (the terminal's Meta
            # prefix); the app binds no Alt keys, so they are the two keys they were typed as
            await self.on_event(events.Key("escape", "\x1b"))
            await self.on_event(events.Key(key, key))
            return
        if isinstance(event, (events.Key, events.Paste)) and not event.is_forwarded:
            if self._key_backlog is not None:
                self._key_backlog.append(event)
                return
            self._key_backlog = []
            try:
                if self._accepting_keys():
                    await super().on_event(event)
                else:  # e.g. a picker still counting: its keys wait for the counts
                    self._key_backlog.append(event)
            finally:
                self._key_drain = asyncio.get_running_loop().create_task(self._drain_keys())
            return
        await super().on_event(event)

    def _accepting_keys(self) -> bool:
        """False while the top screen says its keys must wait (a dialog not filled yet)."""
        return bool(getattr(self.screen, "accepting_keys", True))

    async def _drain_keys(self) -> None:
        """Dispatch the waiting keys, each once the app is idle again (and the screen ready)."""
        try:
            while True:
                await wait_for_idle(0, 0.5)
                for _ in range(250):  # at most 5 s, then the keys go where they may
                    if self._accepting_keys():
                        break
                    await asyncio.sleep(0.02)
                backlog = self._key_backlog
                if not backlog:
                    break
                await super().on_event(backlog.pop(0))
        finally:
            self._key_backlog = None

    # --- start ---------------------------------------------------------------------------------
    def on_mount(self) -> None:
        """Themes, keymap, the main screen, and the first load."""
        self._setup_themes()
        keymap = store.load_keymap(binding_ids())
        if keymap:
            self.set_keymap(keymap)
        self.show_store_notices()
        self.main_screen = MainScreen()
        self.push_screen(self.main_screen)
        if self.autoload:
            self.push_screen(LoadScreen(loading=True))
            self.start_load(self.current_files, None)

    def _setup_themes(self) -> None:
        themes, errors = load_themes()
        for theme in themes:
            self.register_theme(theme)
        names = list(self.available_themes)
        wanted = self.theme_name or DEFAULT_THEME
        resolved = resolve_theme_name(wanted, names)
        if resolved is None:
            errors.append(f"unknown theme {wanted!r}; available: {', '.join(sorted(names))}")
            resolved = DEFAULT_THEME if DEFAULT_THEME in names else "textual-dark"
        if self.no_color and self.available_themes[resolved].ansi:
            # Textual's monochrome filter turns the terminal's default colours black on black
            resolved = DEFAULT_THEME if DEFAULT_THEME in names else "textual-dark"
        self.theme = resolved
        if errors:
            self.notify(
                "Theme problem: " + "; ".join(errors), severity="warning", timeout=10, markup=False
            )

    # --- loading -------------------------------------------------------------------------------
    def resolve_rules(self) -> Rules:
        """The rules to use (shipped default, user override, --rules); may raise RulesError."""
        if self.rules is None:
            self.rules = store.load_rules(self.rules_path)
        return self.rules

    def show_store_notices(self) -> None:
        """One notification for what the settings files had that was ignored (store notices)."""
        notices = store.take_notices()
        if notices:
            text = "Settings ignored: " + "; ".join(str(n) for n in notices)
            self.notify(text, severity="warning", timeout=10, markup=False)

    def effective_mapping(self, override: dict[str, str] | None) -> dict[str, str] | None:
        """--mapping entries plus the load screen's fixes."""
        merged = {**self.cli_mapping, **(override or {})}
        return merged or None

    def start_load(self, words: Sequence[str], override: dict[str, str] | None) -> None:
        """Load the export named by `words` (empty: the bundled sample) in a worker."""
        self.current_files = [str(w) for w in words]
        self._load(list(self.current_files), self.effective_mapping(override))

    def cancel_load(self) -> None:
        """Escape during a load: cancel the worker (it stops at the next progress report)."""
        self.workers.cancel_group(self, "load")

    @work(thread=True, exclusive=True, group="load")
    def _load(self, words: list[str], mapping: dict[str, str] | None) -> None:
        from itrac_tui.core.classify import classify
        from itrac_tui.core.errors import InputError, MissingColumns
        from itrac_tui.core.load import load_export
        from itrac_tui.core.read import resolve_paths
        from itrac_tui.resources import sample_export_paths

        worker = get_current_worker()

        def progress(text: str, done: int, total: int) -> None:
            if worker.is_cancelled:
                raise _Cancelled
            self.post_message(LoadProgressed(text, done, total))

        started = perf_counter()
        paths: list[Path] = []
        try:
            paths = resolve_paths(words) if words else sample_export_paths()
            rules = self.resolve_rules()
            saved = store.saved_mapping()
            lazy = sum(p.stat().st_size for p in paths) >= self.lazy_min_bytes
            export = load_export(
                paths, rules, mapping=mapping, progress=progress, saved=saved, lazy_context=lazy
            )
            progress(f"Classifying {export.lines.height:,} lines", export.rows_read, 0)
            as_of = self.as_of
            if self.claims_paths and self.claims is None:
                from itrac_tui.core.claims import read_claims

                self.claims = read_claims(self.claims_paths)
            lines = self._with_claims(classify(export.lines, rules, as_of))
            core_seconds = perf_counter() - started
            lines = prepare(lines)
            prime(lines)
            if worker.is_cancelled:
                raise _Cancelled
        except _Cancelled:
            self.post_message(LoadFailed("load cancelled", tuple(paths), cancelled=True))
            return
        except InputError as exc:
            missing = isinstance(exc, MissingColumns)
            self.post_message(LoadFailed(first_line(exc), tuple(paths), missing_columns=missing))
            return
        except Exception as exc:  # an unreadable file must not crash the app
            self.post_message(LoadFailed(f"could not load: {first_line(exc)}", tuple(paths)))
            return
        self.post_message(ExportLoaded(export, lines, rules, as_of, tuple(paths), core_seconds))

    def on_load_progressed(self, message: LoadProgressed) -> None:
        """Forward progress to the load screen."""
        if isinstance(self.screen, LoadScreen):
            self.screen.show_progress(message)

    def on_export_loaded(self, message: ExportLoaded) -> None:
        """Show the loaded export: back to the grid, with a summary notification."""
        self.export = message.export
        self.lines = message.lines
        self.line_context = None
        self.rules = message.rules
        self.as_of = message.as_of
        self.load_seconds = message.seconds
        self.current_files = [str(p) for p in message.paths]
        store.add_recent(list(message.paths))
        self.show_store_notices()
        while isinstance(self.screen, LoadScreen):
            self.pop_screen()
        export = message.export
        loaded = (
            f"Loaded {export.lines.height:,} lines from {len(export.files)} file(s) "
            f"({export.rows_read:,} rows; {export.set_aside.height:,} set aside, "
            f"{export.rejected.height:,} rejected)"
        )
        if self.show_timings:
            loaded += f" in {message.seconds:.1f}s"
        if self.main_screen is not None:
            self.main_screen.show_export(export, loaded)
            self.main_screen.refresh_view()
        # the file's other columns are read once the grid is painted (not competing with it)
        self._context_wanted = export if export.is_lazy else None

    def view_shown(self) -> None:
        """A view was painted: read a lazy export's other columns now if they are wanted."""
        export, self._context_wanted = self._context_wanted, None
        if export is not None and export is self.export:
            self._read_context(export)

    # --- the file's own columns, read after the first paint -----------------------------------
    @work(thread=True, exclusive=True, group="context")
    def _read_context(self, export: Export) -> None:
        from itrac_tui.core.context import read_line_context, with_raw_text

        try:
            context = read_line_context(export)
            set_aside = with_raw_text(export, export.set_aside)
            rejected = with_raw_text(export, export.rejected)
        except Exception as exc:  # the file changed or vanished since: say so, keep going
            self.call_from_thread(
                self.notify,
                f"could not read the file's other columns: {first_line(exc)}",
                severity="warning",
                markup=False,
            )
            return
        if not get_current_worker().is_cancelled:
            self.post_message(ContextLoaded(export, context, set_aside, rejected))

    def on_context_loaded(self, message: ContextLoaded) -> None:
        """The file's own columns arrived: the grid shows them, search and breakdowns use them."""
        export = self.export
        if export is None or message.export is not export:
            return  # a newer export was loaded meanwhile
        from dataclasses import replace

        self.line_context = message.context
        self.export = replace(
            export,
            lines=self.with_context(export.lines),
            set_aside=message.set_aside,
            rejected=message.rejected,
        )
        if self.lines is not None:
            self.lines = self.with_context(self.lines)
        if self.main_screen is not None:
            self.main_screen.refresh_view()

    def with_context(self, lines: pl.DataFrame) -> pl.DataFrame:
        """`lines` (row i = line i) with the file's own columns once they are read."""
        ctx = self.line_context
        if ctx is None or ctx.width == 0 or ctx.columns[0] in lines.columns:
            return lines
        return lines.hstack(ctx.get_columns())

    def lines_with_context(self) -> pl.DataFrame:
        """The lines with the file's own columns, read here when they are not yet (workers only:
        files written need every column)."""
        from itrac_tui.core.context import read_line_context

        lines = self.lines if self.lines is not None else pl.DataFrame()
        export = self.export
        if export is None or not export.is_lazy or self.line_context is not None:
            return self.with_context(lines)
        ctx = read_line_context(export)
        if ctx.width and ctx.columns[0] not in lines.columns:
            lines = lines.hstack(ctx.get_columns())
        return lines

    def on_load_failed(self, message: LoadFailed) -> None:
        """Show why loading failed on the load screen (never a traceback)."""
        self.show_store_notices()
        if not isinstance(self.screen, LoadScreen):
            if message.cancelled:
                return
            self.push_screen(LoadScreen())
        screen = self.screen
        assert isinstance(screen, LoadScreen)
        if message.cancelled:
            screen.set_loading(False, "Load cancelled.")
            return
        screen.show_error(message.reason)
        words = [str(p) for p in message.paths] or self.current_files
        if words and message.missing_columns:
            screen.show_failure_details(words)

    # --- as-of ---------------------------------------------------------------------------------
    def change_as_of(self, as_of: date) -> None:
        """Reclassify every line for a new working date (worker)."""
        if self.export is None:
            self.as_of = as_of
            return
        self._reclassify(as_of)

    @work(thread=True, exclusive=True, group="classify")
    def _reclassify(self, as_of: date) -> None:
        from itrac_tui.core.classify import classify

        if self.export is None:  # nothing loaded yet: the next load uses the new date
            return
        lines = prepare(self._with_claims(classify(self.export.lines, self.resolve_rules(), as_of)))
        if not get_current_worker().is_cancelled:
            self.post_message(AsOfChanged(as_of, lines))

    def on_as_of_changed(self, message: AsOfChanged) -> None:
        """New working date: recompute the view."""
        self.as_of = message.as_of
        self.lines = self.with_context(message.lines)
        if self.main_screen is not None:
            self.main_screen.refresh_view()
        self.notify(f"As of {message.as_of.isoformat()}")

    # --- writing files -------------------------------------------------------------------------
    def write_output(self, kind: str, path: Path, force: bool, **kwargs: Any) -> None:
        """Write a file in a worker: view CSV, CAPE declaration, protest worklist, rejected rows."""
        self._pending_writes[path] = {"kind": kind, **kwargs}
        self._write(kind, path, force, kwargs)

    @work(thread=True, group="write")
    def _write(self, kind: str, path: Path, force: bool, kwargs: dict[str, Any]) -> None:
        from itrac_tui.core import filing as out
        from itrac_tui.core.csvfile import OutputExists

        try:
            if kind == "view":  # every column of the file: read them now if not yet
                lines = self.lines_with_context()
            else:
                lines = self.lines if self.lines is not None else pl.DataFrame()
            view: pl.DataFrame = rows_of(lines, kwargs.get("ids"))
            if kind == "view":
                columns = kwargs.get("columns")
                if "columns_of" in kwargs:  # the visible columns, now that every one is here
                    columns = kwargs["columns_of"](lines)
                n = out.write_lines_csv(view, path, columns=columns, force=force)
                self.post_message(ViewSaved(kind, path, n))
            elif kind == "cape":
                claims = getattr(self, "claims", None)
                result = out.write_cape_declaration(
                    view,
                    path,
                    force=force,
                    submitted=claims.submitted() if claims is not None else None,
                    max_entries=self.resolve_rules().cape.max_entries,
                )
                self.post_message(
                    ViewSaved(
                        kind,
                        path,
                        result.entries,
                        f"{len(result.files)} file(s), IEEPA duty "
                        f"{dollars(result.ieepa_duty_cents)}"
                        + "".join(f"; {n} left out: {r}" for r, n in result.excluded.items())
                        + (
                            f" (see {result.excluded_file.name})"
                            if result.excluded and result.excluded_file is not None
                            else ""
                        ),
                    )
                )
            elif kind == "worklist":
                n = out.write_protest_worklist(view, path, force=force)
                self.post_message(ViewSaved(kind, path, n))
            elif kind == "rejected":
                rejected = self.export.rejected if self.export is not None else pl.DataFrame()
                if self.export is not None and self.line_context is None:
                    from itrac_tui.core.context import with_raw_text

                    rejected = with_raw_text(self.export, rejected)  # raw text not read yet
                n = out.write_rejected(rejected, path, force=force)
                self.post_message(ViewSaved(kind, path, n))
            elif kind == "table":  # a breakdown or the calendar, ready for CSV
                from itrac_tui.core.csvfile import write_csv

                n = write_csv(kwargs["frame"], path, force=force)
                self.post_message(ViewSaved(kind, path, n))
        except OutputExists as exc:
            self.post_message(SaveFailed(kind, path, first_line(exc), exists=True))
        except OSError as exc:
            self.post_message(SaveFailed(kind, path, f"{exc.strerror or exc}: {path}"))
        except Exception as exc:  # ExportError and anything unexpected: one line
            self.post_message(SaveFailed(kind, path, first_line(exc)))

    def on_view_saved(self, message: ViewSaved) -> None:
        """Report what was written."""
        pending = self._pending_writes.pop(message.path, {})
        what = {
            "view": "lines",
            "cape": "entries",
            "worklist": "protest entries",  # the worklist has a row per entry
            "rejected": "rejected rows",
            "table": "rows",
        }[message.what]
        extra = f" ({message.detail})" if message.detail else ""
        self.notify(f"Wrote {message.rows:,} {what} to {message.path}{extra}", markup=False)
        if message.what == "view" and self.main_screen is not None and "spec" in pending:
            self.main_screen.saved_spec = pending["spec"]

    def on_save_failed(self, message: SaveFailed) -> None:
        """Report a failed write; offer to replace an existing file."""
        pending = self._pending_writes.get(message.path)
        if message.exists and pending is not None:

            def answer(yes: bool | None) -> None:
                if yes:
                    kwargs = {k: v for k, v in pending.items() if k != "kind"}
                    self.write_output(pending["kind"], message.path, True, **kwargs)

            self.push_screen(ConfirmDialog(f"{message.path} exists. Replace it?"), answer)
            return
        self._pending_writes.pop(message.path, None)
        self.notify(f"Not saved: {message.reason}", severity="error", timeout=10, markup=False)

    # --- actions -------------------------------------------------------------------------------
    def action_open(self) -> None:
        """Open the load screen."""
        if not isinstance(self.screen, LoadScreen):
            self.push_screen(LoadScreen())

    def action_help(self) -> None:
        """Show every key of the current screen."""
        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(
            HelpScreen(self.binding_rows(self.screen), "Keys — " + self.screen_title())
        )

    def screen_title(self) -> str:
        """Name of the current screen for help."""
        return {
            "MainScreen": "main screen",
            "LoadScreen": "load screen",
            "RejectedScreen": "rejected rows",
            "ReconcileScreen": "reconciliation",
            "BreakdownScreen": "breakdown",
            "CalendarScreen": "deadline calendar",
        }.get(type(self.screen).__name__, type(self.screen).__name__)

    def _bindings_of(self, screen: Screen) -> list[tuple[str, str, str, str, Any, str]]:
        """(group, keys, description, id, node, action) for every binding of the screen, its
        widgets and the app, keymap applied; a binding id is listed once (its first node)."""
        nodes: list[Any] = [*list(screen.query("*")), screen, self]
        rows: list[tuple[str, str, str, str, Any, str]] = []
        seen: set[str] = set()
        for node in sorted(nodes, key=_node_order):
            bindings = node._bindings.copy()
            if self._keymap:
                bindings.apply_keymap(self._keymap)
            by_id: dict[str, list[str]] = {}
            first: dict[str, Binding] = {}
            for _key, binding in bindings:
                if not binding.id or (binding.id in seen and binding.id not in by_id):
                    continue
                by_id.setdefault(binding.id, []).append(self.get_key_display(binding))
                first.setdefault(binding.id, binding)
            for bid, keys in by_id.items():
                seen.add(bid)
                binding = first[bid]
                group = GROUPS.get(bid.split(".", 1)[0], bid.split(".", 1)[0].title())
                desc = binding.tooltip or binding.description or binding.action
                rows.append((group, " ".join(dict.fromkeys(keys)), desc, bid, node, binding.action))
        order = list(GROUPS.values())
        rows.sort(key=lambda r: order.index(r[0]) if r[0] in order else len(order))
        return rows

    def binding_rows(self, screen: Screen) -> list[tuple[str, str, str, str]]:
        """(group, keys, description, binding id) of every key, for help."""
        rows = [row[:4] for row in self._bindings_of(screen)]
        rows.append((GROUPS["app"], "ctrl+p", "Command palette (every action)", ""))
        order = list(GROUPS.values())
        rows.sort(key=lambda r: order.index(r[0]) if r[0] in order else len(order))
        return rows

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Every action of the current screen in the command palette, then Textual's own."""
        for group, keys, desc, bid, node, action in self._bindings_of(screen):
            command = partial(self.run_action, action, node)
            yield SystemCommand(desc, f"{group} · key {keys} · id {bid}", command)
        yield from super().get_system_commands(screen)
        return None

    def action_quit_app(self) -> None:
        """Quit; ask first when the current view was narrowed and not saved."""
        main = self.main_screen
        if main is not None and main.unsaved:

            def answer(yes: bool | None) -> None:
                if yes:
                    self.exit(0)

            if any(isinstance(s, ConfirmDialog) for s in self.screen_stack):
                return
            self.push_screen(
                ConfirmDialog(
                    "The current view is not saved (ctrl+s or v). Quit anyway?",
                    default=False,
                    no_means="stay",
                ),
                answer,
            )
            return
        self.exit(0)

    async def action_quit(self) -> None:
        """ctrl+q and the palette's Quit: the same question as q."""
        self.action_quit_app()

    # --- CAPE claim results --------------------------------------------------------------------
    def _with_claims(self, lines: pl.DataFrame) -> pl.DataFrame:
        """The lines with claim_status / claim_number / claim_error when claims are loaded."""
        if self.claims is None:
            return lines
        from itrac_tui.core.claims import attach_claims

        return attach_claims(lines, self.claims)

    def load_claims(self, path: str) -> None:
        """Read a CAPE Claim Details CSV (worker) and give every line its claim result."""
        self._load_claims(path)

    @work(thread=True, exclusive=True, group="claims")
    def _load_claims(self, path: str) -> None:
        from itrac_tui.core.claims import attach_claims, read_claims, summarise_claims
        from itrac_tui.core.errors import InputError

        try:
            claims = read_claims([*self.claims_paths, path])
            lines = attach_claims(self.lines, claims) if self.lines is not None else None
        except InputError as exc:
            self.post_message(ClaimsFailed(first_line(exc)))
            return
        summary = summarise_claims(claims, lines) if lines is not None else None
        self.post_message(ClaimsLoaded(claims, lines, path, summary))

    def on_claims_loaded(self, message: ClaimsLoaded) -> None:
        """Claim results read: show them on every line and in the pane."""
        self.claims = message.claims
        self.claims_paths = list(message.claims.claim_files)
        if message.lines is not None:
            self.lines = self.with_context(message.lines)
            if self.main_screen is not None:
                self.main_screen.refresh_view()
        s = message.summary
        if s is not None:
            statuses = ", ".join(f"{k or '(blank)'} {n:,}" for k, n in s.by_status.items())
            self.notify(
                f"Claims: {s.entries:,} entries ({statuses}); {s.not_in_export:,} not in this "
                "export. Claimed entries are left out of new declarations.",
                timeout=8,
                markup=False,
            )

    def on_claims_failed(self, message: ClaimsFailed) -> None:
        """A claims file that is not one: one line."""
        self.notify(message.reason, severity="error", timeout=10, markup=False)

    def action_reconcile(self) -> None:
        """Reconcile with accounts payable (screen from another module, imported lazily)."""
        if self.lines is None or self.export is None:
            self.notify("load an export first", severity="warning")
            return
        from itrac_tui.tui.screens.reconcile import ReconcileScreen

        self.push_screen(
            ReconcileScreen(
                lines=rows_of(self.lines, None),
                export=self.export,
                as_of=self.as_of,
            )
        )

    def action_rejected(self) -> None:
        """Open the rejected and set-aside rows."""
        from itrac_tui.tui.screens.rejected import RejectedScreen

        if self.export is None:
            self.notify("load an export first", severity="warning")
            return
        if self.export.rejected.height == 0 and self.export.set_aside.height == 0:
            self.notify("no rejected or set-aside rows")
            return
        self.push_screen(RejectedScreen(self.export.rejected, self.export.set_aside))


def _node_order(node: Any) -> int:
    name = type(node).__name__
    if name.endswith("App"):
        return 0
    if isinstance(node, Screen):
        return 1
    return 2


def binding_ids() -> set[str]:
    """Every binding id of the app, its screens and widgets: the ids keymap.toml may name."""
    import importlib
    import pkgutil

    from textual.dom import DOMNode

    import itrac_tui.tui as package

    for info in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
        importlib.import_module(info.name)
    ids: set[str] = set()
    todo: list[type] = [DOMNode]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        for binding in getattr(cls, "BINDINGS", ()):
            if isinstance(binding, Binding) and binding.id:
                ids.add(binding.id)
    return ids


def run_app(
    files: Sequence[str],
    as_of: date | None,
    rules: str | None,
    mapping: str | None,
    theme: str | None,
    claims: Sequence[str] | None = None,
) -> int:
    """Run the workbench (files empty: the bundled sample); returns the exit code."""
    from itrac_tui.core.errors import InputError

    explicit: dict[str, str] | None = None
    try:
        if mapping:
            explicit = store.load_mapping_file(mapping)
        if rules:
            store.load_rules(rules)
    except InputError as exc:
        print(f"itrac-tui: {first_line(exc)}", file=sys.stderr)
        return 2
    app = ItracApp(
        files,
        as_of=as_of,
        rules_path=rules,
        mapping=explicit,
        theme_name=theme,
        claims=claims or (),
    )
    code = app.run()
    return int(code or 0)
