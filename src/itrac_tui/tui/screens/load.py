"""Load screen: paths (Tab completes), recent exports, progress, detector findings, mapping."""

from __future__ import annotations

import glob
import os
import shlex
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Input, OptionList, ProgressBar, Static
from textual.widgets.option_list import Option

from itrac_tui.store import load_recent
from itrac_tui.tui.format import safe_text
from itrac_tui.tui.messages import LoadProgressed

if TYPE_CHECKING:
    from itrac_tui.tui.app import ItracApp


def split_paths(text: str) -> list[str]:
    """Paths typed in the box: shell-like words (quotes for spaces)."""
    try:
        return shlex.split(text)
    except ValueError:
        return text.split()


def complete_path(text: str) -> tuple[str, list[str]]:
    """Complete the last word of `text` against the file system: (new text, candidates)."""
    words = split_paths(text)
    if not words or text.endswith(" "):
        return text, []
    last = words[-1]
    expanded = os.path.expanduser(last)
    matches = sorted(glob.glob(glob.escape(expanded) + "*"))
    if not matches:
        return text, []
    common = os.path.commonprefix(matches)  # noqa: RUF071 - completing text, not paths
    if len(matches) == 1 and os.path.isdir(common):
        common += os.sep
    if len(common) <= len(expanded):
        return text, matches
    head = text[: len(text) - len(last)]
    completed = common if not last.startswith("~") else last + common[len(expanded) :]
    quoted = shlex.quote(completed) if " " in completed else completed
    return head + quoted, matches if len(matches) > 1 else []


class PathInput(Input):
    """The path box: Tab completes files and folders."""

    BINDINGS = [
        Binding("tab", "complete", "Complete", tooltip="Complete the path", id="load.complete")
    ]

    def action_complete(self) -> None:
        """Complete the last path."""
        new, candidates = complete_path(self.value)
        if new != self.value:
            self.value = new
            self.cursor_position = len(new)
        screen = self.screen
        if isinstance(screen, LoadScreen):
            screen.show_candidates(candidates)


def detector_renderable(
    match: Any, export: Any = None, fields: dict[str, str] | None = None
) -> Group:
    """What the detector found: layout, each field's column, missing ones, row counts, reasons."""
    parts: list[Any] = []
    if match is not None:
        table = Table(show_header=True, box=None, expand=True, padding=(0, 1))
        table.add_column("field", style="bold", no_wrap=True)
        table.add_column("column in the file")
        labels = fields or {}
        missing = set(match.missing)
        for field, lbl in labels.items():
            header = match.mapping.get(field)
            if header is not None:
                table.add_row(Text(lbl), Text(safe_text(header)))
            elif field in missing:
                table.add_row(Text(lbl), Text("MISSING (required)", style="bold red"))
            else:
                table.add_row(Text(lbl), Text("—", style="dim"))
        parts.append(Text(f"Layout: {match.layout.replace('_', ' ')}", style="bold"))
        parts.append(table)
    if export is not None:
        info = Text()
        info.append(
            f"\n{len(export.files)} file(s) · {export.rows_read:,} rows read · "
            f"{export.rows_used:,} used · {export.lines.height:,} lines · "
            f"{export.set_aside.height:,} set aside · {export.rejected.height:,} rejected\n",
            "bold",
        )
        for notice in export.notices:
            info.append(f"• {safe_text(notice.message)}\n", "yellow")
        if export.rejected.height:
            top = export.rejected.group_by("reason").len().sort("len", descending=True).head(5)
            for reason, n in top.iter_rows():
                info.append(f"  rejected {n:,}: {safe_text(str(reason))}\n")
        parts.append(info)
    return Group(*parts)


class LoadScreen(Screen):
    """Open an export: type paths (Tab completes) or pick a recent one; fix the column mapping."""

    BINDINGS = [
        Binding("f1", "app.help", "Help", id="load.help"),
        Binding("escape", "back", "Back", tooltip="Cancel the load / go back", id="load.back"),
        Binding(
            "ctrl+f", "edit_mapping", "Map", tooltip="Fix the column mapping", id="load.mapping"
        ),
        Binding(
            "ctrl+s",
            "keep_mapping",
            "Keep map",
            tooltip="Save the mapping for next time",
            id="load.save_mapping",
        ),
        Binding("ctrl+t", "rejected", "Rejected", tooltip="Rejected rows", id="load.rejected"),
        Binding("ctrl+l", "load", "Load", tooltip="Load the export", id="load.load"),
    ]

    DEFAULT_CSS = """
    LoadScreen { layout: vertical; }
    LoadScreen .title { text-style: bold; height: 1; padding: 0 1; background: $panel; }
    LoadScreen #paths { margin: 0 1; }
    LoadScreen #status { height: auto; padding: 0 1; }
    LoadScreen #status.error { color: $error; text-style: bold; }
    LoadScreen ProgressBar { padding: 0 1; height: 1; }
    LoadScreen ProgressBar.idle { display: none; }
    LoadScreen #recent { height: auto; max-height: 6; margin: 0 1; border: round $panel; }
    LoadScreen #fields {
        height: auto; max-height: 12; margin: 0 1; display: none; border: round $accent;
    }
    LoadScreen #fields.visible { display: block; }
    LoadScreen #detector-scroll { height: 1fr; padding: 0 1; }
    """

    def __init__(self, loading: bool = False) -> None:
        super().__init__()
        self.busy = loading
        self.match: Any = None
        self.mapping_override: dict[str, str] = {}

    @property
    def itrac(self) -> ItracApp:
        """The app, typed."""
        return cast("ItracApp", self.app)

    def compose(self) -> ComposeResult:
        """Path box, status/progress, recent list, mapping fields, detector report."""
        yield Static(
            "Open an ITRAC export — paths, folders or globs; several files = one export",
            classes="title",
        )
        yield PathInput(
            " ".join(shlex.quote(f) for f in self.itrac.current_files),
            placeholder="file.csv part2.csv folder/ 'exports/*.xlsx'  (Tab completes, Enter loads)",
            id="paths",
        )
        yield Static("", id="status")
        yield ProgressBar(total=None, show_eta=False, show_percentage=False, classes="idle")
        yield OptionList(id="recent")
        yield OptionList(id="fields")
        with VerticalScroll(id="detector-scroll"):
            yield Static("", id="detector")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        """Fill the recent list and show the current export's detector report."""
        recent = self.query_one("#recent", OptionList)
        recent.border_title = "Recent (↓ then Enter)"
        self._recent = load_recent()
        for i, files in enumerate(self._recent):
            names = ", ".join(Path(f).name for f in files)
            folder = str(Path(files[0]).parent)
            recent.add_option(Option(Text(f"{safe_text(names)}  ({safe_text(folder)})"), id=str(i)))
        if recent.option_count == 0:
            recent.display = False
        if self.busy:
            self.set_loading(True, "Loading…")
        self.query_one(PathInput).focus()
        if self.itrac.export is not None:
            self.query_one("#status", Static).update(
                Text(
                    safe_text(f"Loaded: {', '.join(Path(f).name for f in self.itrac.export.files)}")
                )
            )
            self.inspect(list(self.itrac.export.files))

    # --- loading -------------------------------------------------------------------------------
    def set_loading(self, on_: bool, text: str = "") -> None:
        """Show or hide the progress bar (Escape cancels while shown)."""
        self.busy = on_
        bar = self.query_one(ProgressBar)
        bar.set_class(not on_, "idle")
        status = self.query_one("#status", Static)
        status.remove_class("error")
        if text:
            status.update(Text(safe_text(text)))

    def show_progress(self, message: LoadProgressed) -> None:
        """Progress of the load worker: rows read, file k of n."""
        self.set_loading(True, f"{message.text} · {message.done:,} rows read · Escape cancels")

    def show_error(self, reason: str) -> None:
        """A load failed: one line, in the status."""
        self.set_loading(False)
        status = self.query_one("#status", Static)
        status.add_class("error")
        status.update(Text(safe_text(reason)))

    def show_candidates(self, candidates: list[str]) -> None:
        """Tab found several completions: list them."""
        if candidates:
            shown = "  ".join(
                Path(c).name + ("/" if os.path.isdir(c) else "") for c in candidates[:30]
            )
            more = f"  (+{len(candidates) - 30} more)" if len(candidates) > 30 else ""
            self.query_one("#status", Static).update(Text(safe_text(shown + more)))

    @on(Input.Submitted, "#paths")
    def _submitted(self) -> None:
        self.action_load()

    def action_load(self) -> None:
        """Load the typed paths (with any mapping fixes)."""
        words = split_paths(self.query_one(PathInput).value)
        if not words:
            self.show_error("type a file, folder or glob (Tab completes), or pick a recent export")
            return
        self.set_loading(True, "Loading…")
        self.itrac.start_load(words, self.mapping_override or None)

    @on(OptionList.OptionSelected, "#recent")
    def _recent_selected(self, event: OptionList.OptionSelected) -> None:
        files = self._recent[int(event.option.id or 0)]
        self.query_one(PathInput).value = " ".join(shlex.quote(f) for f in files)
        self.set_loading(True, "Loading…")
        self.itrac.start_load(files, self.mapping_override or None)

    def action_back(self) -> None:
        """Escape: cancel a running load, else go back to the grid."""
        if self.busy:
            self.itrac.cancel_load()
            self.set_loading(False, "Load cancelled.")
            return
        if self.itrac.lines is not None:
            self.app.pop_screen()
        else:
            self.notify("Nothing loaded yet: type a path and press Enter, or ctrl+q to quit.")

    # --- detector and mapping ------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="inspect")
    def inspect(self, words: list[str]) -> None:
        """Run the detector on the first file (worker) and show the report."""
        from itrac_tui import store
        from itrac_tui.core.columns import FIELD_LABELS
        from itrac_tui.core.errors import InputError
        from itrac_tui.core.load import inspect_file
        from itrac_tui.core.read import resolve_paths

        try:
            paths = resolve_paths(words)
            rules = self.itrac.resolve_rules()
            mapping = self.itrac.effective_mapping(self.mapping_override)
            match = inspect_file(paths[0], rules, mapping, store.saved_mapping())
        except InputError as exc:
            self.app.call_from_thread(self.show_error, str(exc))
            return
        except Exception as exc:  # unreadable file: one line
            self.app.call_from_thread(self.show_error, f"cannot read: {exc}")
            return
        export = self.itrac.export
        loaded = export is not None and [Path(f).resolve() for f in export.files] == [
            p.resolve() for p in paths
        ]
        self.app.call_from_thread(
            self._show_match, match, export if loaded else None, dict(FIELD_LABELS)
        )

    def _show_match(self, match: Any, export: Any, labels: dict[str, str]) -> None:
        self.match = match
        self.query_one("#detector", Static).update(detector_renderable(match, export, labels))
        fields = self.query_one("#fields", OptionList)
        fields.clear_options()
        for field, lbl in labels.items():
            header = match.mapping.get(field, "MISSING" if field in match.missing else "—")
            fields.add_option(Option(Text(f"{lbl:<22} {safe_text(header)}"), id=field))
        fields.border_title = "Fix mapping: Enter on a field picks its column · ctrl+s saves"

    def show_failure_details(self, words: list[str]) -> None:
        """After a failed load: show the detector so the user can fix the mapping."""
        self.inspect(words)
        self.query_one("#fields", OptionList).add_class("visible")

    def action_edit_mapping(self) -> None:
        """Show the field list to fix which column holds each field."""
        if self.match is None:
            words = split_paths(self.query_one(PathInput).value)
            if words:
                self.inspect(words)
        fields = self.query_one("#fields", OptionList)
        fields.add_class("visible")
        fields.focus()

    @on(OptionList.OptionSelected, "#fields")
    def _field_selected(self, event: OptionList.OptionSelected) -> None:
        from itrac_tui.tui.screens.dialogs import PickerDialog

        if self.match is None:
            return
        field = event.option.id or ""
        current = self.match.mapping.get(field)
        options = [(safe_text(h), h, h == current) for h in self.match.headers]

        def done(result: tuple[list[str], str] | None) -> None:
            if result is None:
                return
            chosen = [h for h in result[0] if h != current] or result[0]
            if chosen:
                self.mapping_override[field] = chosen[0]
            else:
                self.mapping_override.pop(field, None)
            self.inspect(split_paths(self.query_one(PathInput).value))
            self.query_one("#status", Static).update(
                Text("Mapping changed: Enter in the path box (or ctrl+l) reloads; ctrl+s saves it.")
            )

        self.app.push_screen(PickerDialog(f"Column holding {field} (pick one)", options), done)

    def action_keep_mapping(self) -> None:
        """Save the current mapping for next time."""
        from itrac_tui.store import save_mapping

        if self.match is None:
            self.notify("load or inspect a file first", severity="warning")
            return
        mapping = dict(self.match.mapping)
        mapping.update(self.mapping_override)
        try:
            save_mapping(mapping)
        except OSError as exc:
            self.notify(f"could not save the mapping: {exc.strerror or exc}", severity="error")
            return
        self.notify(f"mapping saved ({len(mapping)} fields)")

    def action_rejected(self) -> None:
        """Open the rejected / set-aside rows of the loaded export."""
        self.itrac.action_rejected()
