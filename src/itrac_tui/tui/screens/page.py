"""The full-screen modal base: a framed page over the screen below; Escape (or q) closes it."""

from __future__ import annotations

from textual.containers import VerticalScroll
from textual.screen import ModalScreen


class PageScreen(ModalScreen[None]):
    """A full-screen page (line detail, help, entry detail, rejected rows) that dismisses None.

    Subclasses compose a `Vertical` holding a `VerticalScroll` and a `.hint` line; the first
    scroller gets the focus so the arrow keys scroll, and `close` goes back.
    """

    DEFAULT_CSS = """
    PageScreen { align: center middle; }
    PageScreen > Vertical {
        width: 100%; height: 100%; border: thick $primary; background: $surface;
    }
    PageScreen VerticalScroll { height: 1fr; }
    PageScreen .hint { height: 1; color: $text-muted; }
    """

    def on_mount(self) -> None:
        """Focus the first scroller."""
        scrollers = self.query(VerticalScroll)
        if scrollers:
            scrollers.first().focus()

    def action_close(self) -> None:
        """Back to the screen below."""
        self.dismiss(None)
