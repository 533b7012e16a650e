"""Notices panel: every warning and review reason of the loaded lines, with counts; Enter
filters the grid to those lines (instead of toasts that cover the pane)."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from itrac_tui.core.model import REASON_TEXT, Warning_
from itrac_tui.core.summary import WARNING_MESSAGES, line_warnings
from itrac_tui.tui.format import safe_text

# file-level notices in TUI words (the core's messages may name CLI flags)
FILE_NOTICES: dict[str, str] = {
    "rejected": "{n:,} row(s) rejected — Enter (or j) shows them and why",
    "no_liquidation_columns": "No Liquidation Status / Date columns: every IEEPA line is in review",
    "rollup_only": "Only entry-level roll-ups in this file: refund work needs line detail",
}
REVIEW_PATHWAYS = ("review", "hold")


@dataclass(frozen=True)
class Notice:
    """One row of the panel: what to say, how many, and what Enter does."""

    kind: str  # "warning" (a line warning code), "reason", "pathway", "file"
    code: str
    count: int
    text: str


def collect_notices(lines: pl.DataFrame, file_notices: tuple[Warning_, ...]) -> list[Notice]:
    """File notices, line warnings and the reasons of lines held or in review, with counts."""
    out: list[Notice] = []
    for w in file_notices:
        template = FILE_NOTICES.get(w.code)
        text = template.format(n=w.count) if template else safe_text(w.message)
        out.append(Notice("file", w.code, w.count, text))
    for w in line_warnings(lines):
        text = f"{w.count:,} line(s): {WARNING_MESSAGES.get(w.code, w.code)}"
        out.append(Notice("warning", w.code, w.count, text))
    held = lines.filter(pl.col("pathway").is_in(REVIEW_PATHWAYS))
    if "reason" in lines.columns:
        counts = held.group_by("pathway", "reason").len().sort("len", descending=True)
        for pathway, reason, n in counts.iter_rows():
            why = REASON_TEXT.get(str(reason), str(reason))
            out.append(Notice("reason", str(reason), n, f"{n:,} line(s) {pathway}: {why}"))
    else:
        for pathway, n in held.group_by("pathway").len().sort("pathway").iter_rows():
            out.append(Notice("pathway", str(pathway), n, f"{n:,} line(s) in {pathway}"))
    return out


class NoticeList(OptionList):
    """The notices; Enter filters to the lines of the highlighted one."""

    BINDINGS = [
        Binding("enter", "select", "Show lines", id="notices.select"),
    ]


class NoticesPanel(Vertical):
    """Docked under the grid; shown after a load when there is something to say (n toggles)."""

    DEFAULT_CSS = """
    NoticesPanel { height: auto; max-height: 6; display: none; border-top: hkey $warning; }
    NoticesPanel.visible { display: block; }
    NoticesPanel #notices-title { height: 1; text-style: bold; }
    NoticesPanel NoticeList { height: auto; max-height: 4; border: none; padding: 0;
                              text-wrap: nowrap; text-overflow: ellipsis; }
    NoticesPanel NoticeList:focus { border: none; }
    """

    @dataclass
    class NoticeChosen(Message):
        """Enter on a notice."""

        notice: Notice

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.notices: list[Notice] = []

    def compose(self) -> ComposeResult:
        """Title and list."""
        yield Static("Notices", id="notices-title")
        yield NoticeList(id="notices-list")

    def show_notices(self, notices: list[Notice]) -> None:
        """Fill the panel."""
        self.notices = notices
        title = f"Notices ({len(notices)}) — Enter: show those lines · n: hide"
        self.query_one("#notices-title", Static).update(Text(title))
        ol = self.query_one(NoticeList)
        ol.clear_options()
        for i, n in enumerate(notices):
            mark = "⚠ " if n.kind in ("warning", "file") else "• "
            ol.add_option(Option(Text(mark + n.text, no_wrap=True, overflow="ellipsis"), id=str(i)))
        if notices:
            ol.highlighted = 0

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Enter: tell the screen which notice."""
        event.stop()
        if event.option.id is not None:
            self.post_message(self.NoticeChosen(self.notices[int(event.option.id)]))
