"""Help: every key of the screen below, grouped."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from itrac_tui.tui.screens.page import PageScreen

GROUPS: dict[str, str] = {
    "app": "Everywhere",
    "main": "Main screen",
    "filter": "Filters",
    "file": "Files and outputs",
    "copy": "Copy (clipboard over SSH, OSC 52)",
    "notices": "Notices",
    "breakdown": "Breakdown",
    "calendar": "Deadline calendar",
    "grid": "Line grid",
    "pane": "Pathway pane",
    "load": "Load screen",
    "rejected": "Rejected rows",
    "reconcile": "Reconciliation",
}


def help_table(bindings: list[tuple[str, str, str, str]]) -> Table:
    """A table of keys, description and binding id (for keymap.toml), grouped in first-seen
    order."""
    table = Table(show_header=False, box=None, expand=True, padding=(0, 1))
    table.add_column("keys", style="bold", no_wrap=True, width=12)
    table.add_column("what", ratio=1)
    table.add_column("id", style="dim", no_wrap=True)
    seen: dict[str, list[tuple[str, str, str]]] = {}
    for group, keys, desc, bid in bindings:
        seen.setdefault(group, []).append((keys, desc, bid))
    for group, rows in seen.items():
        table.add_row(Text(group, style="bold underline"), Text(""), Text(""))
        for keys, desc, bid in rows:
            table.add_row(Text(keys), Text(desc), Text(bid))
        table.add_row(Text(""), Text(""), Text(""))
    return table


class HelpScreen(PageScreen):
    """Keys of the current screen; Escape or ? closes."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > Vertical {
        width: 96; max-width: 100%; height: 100%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    HelpScreen .title { text-style: bold; height: 1; }
    HelpScreen VerticalScroll { height: 1fr; }
    HelpScreen .hint { height: 1; color: $text-muted; }
    """
    BINDINGS = [Binding("escape,question_mark,q", "close", "Close help", id="help.close")]

    def __init__(self, bindings: list[tuple[str, str, str, str]], title: str = "Keys") -> None:
        super().__init__()
        self.bindings = bindings
        self.title_text = title

    def compose(self) -> ComposeResult:
        """Title and the grouped table."""
        with Vertical():
            yield Static(Text(self.title_text), classes="title")
            with VerticalScroll():
                yield Static(help_table(self.bindings), id="help-table")
            yield Static("ctrl+p: command palette (every action)    Escape: close", classes="hint")
