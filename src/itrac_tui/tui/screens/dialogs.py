"""Small modal dialogs: confirm, path / text / date input, pickers, saved views."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from rich.segment import Segment
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen, Screen
from textual.strip import Strip
from textual.suggester import Suggester
from textual.widgets import Input, Label, OptionList, SelectionList, Static
from textual.widgets._toggle_button import ToggleButton
from textual.widgets.option_list import Option, OptionDoesNotExist
from textual.widgets.selection_list import Selection

from itrac_tui.core.views import ViewSpec
from itrac_tui.tui.format import safe_text

DIALOG_CSS = """
.dialog {
    width: 72;
    max-width: 100%;
    height: auto;
    max-height: 100%;
    border: thick $primary;
    background: $surface;
    padding: 0 1;
}
.dialog .title { text-style: bold; height: 1; margin-bottom: 1; }
.dialog .hint { color: $text-muted; height: auto; }
.dialog .error { color: $error; height: auto; }
.dialog SelectionList, .dialog OptionList { height: auto; max-height: 16; }
"""


class Dialog(ModalScreen):
    """Base of the dialogs: Escape closes (returns None)."""

    DEFAULT_CSS = "Dialog { align: center middle; }\n" + DIALOG_CSS
    BINDINGS = [Binding("escape", "close", "Close", id="dialog.close")]

    def action_close(self) -> None:
        """Close without a result."""
        self.dismiss(None)


class ConfirmDialog(Dialog):
    """A yes/no question: y = yes, n / Escape = no, Enter = the default (yes unless the
    question is a risky one such as quitting with unsaved work)."""

    BINDINGS = [
        Binding("y", "yes", "Yes", id="confirm.yes"),
        Binding("n", "close", "No", id="confirm.no"),
        Binding("enter", "default", "Default", id="confirm.default"),
    ]

    def __init__(self, question: str, *, default: bool = True, no_means: str = "no") -> None:
        super().__init__()
        self.question = question
        self.default = default
        self.no_means = no_means

    def compose(self) -> ComposeResult:
        """Question and keys."""
        with Vertical(classes="dialog"):
            yield Static(Text(self.question), classes="title")
            if self.default:
                hint = f"y / Enter: yes    n / Escape: {self.no_means}"
            else:
                hint = f"y: yes    n / Enter / Escape: {self.no_means}"
            yield Static(hint, classes="hint")

    def action_yes(self) -> None:
        """Answer yes."""
        self.dismiss(True)

    def action_default(self) -> None:
        """Enter: the default answer."""
        self.dismiss(True if self.default else None)


class ListInput(Input):
    """An input that keeps every line of a paste (joined by spaces), for lists of numbers."""

    def _on_paste(self, event: events.Paste) -> None:
        event.prevent_default()  # Input's own handler would insert the first line again
        event.stop()
        if event.text:
            self.insert_text_at_cursor(" ".join(event.text.split()))


class CellDialog(Dialog):
    """The full text of one cell; y copies it."""

    BINDINGS = [Binding("y", "copy", "Copy", id="cell.copy")]

    def __init__(self, column: str, text: str) -> None:
        super().__init__()
        self.column = column
        self.text = text

    def compose(self) -> ComposeResult:
        """Column name and the text, wrapped."""
        with Vertical(classes="dialog"):
            yield Static(Text(self.column), classes="title")
            yield Static(Text(self.text or "(blank)"))
            yield Static("y: copy    Escape: close", classes="hint")

    def action_copy(self) -> None:
        """Copy the cell (OSC 52) and close."""
        self.app.copy_to_clipboard(self.text)
        self.app.notify(f"Copied {self.column} cell", timeout=3, markup=False)
        self.dismiss(None)


class TextDialog(Dialog):
    """One line of input; Enter returns it (validated by `check`, which returns an error or "")."""

    def __init__(
        self,
        title: str,
        value: str = "",
        *,
        hint: str = "",
        placeholder: str = "",
        check: object = None,
        suggester: Suggester | None = None,
        multiline_paste: bool = False,
    ) -> None:
        super().__init__()
        self.multiline_paste = multiline_paste
        self.title_text = title
        self.value = value
        self.hint = hint
        self.placeholder = placeholder
        self.check = check
        self.suggester = suggester

    def compose(self) -> ComposeResult:
        """Title, input, hint, error line."""
        with Vertical(classes="dialog"):
            yield Static(Text(self.title_text), classes="title")
            kind = ListInput if self.multiline_paste else Input
            yield kind(
                self.value,
                placeholder=self.placeholder,
                id="dialog-input",
                suggester=self.suggester,
            )
            yield Static(Text(self.hint or "Enter: OK    Escape: cancel"), classes="hint")
            yield Static("", classes="error", id="dialog-error")

    def on_mount(self) -> None:
        """Focus the input, its text selected: typing replaces it, an arrow key edits it."""
        inp = self.query_one(Input)
        inp.focus()
        inp.select_all()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Validate and return the text."""
        event.stop()
        value = event.value.strip()
        if callable(self.check):
            error = self.check(value)
            if error:
                self.query_one("#dialog-error", Static).update(Text(error))
                return
        self.dismiss(value)


def ask_save_path(
    screen: Screen,
    title: str,
    default: Path,
    then: Callable[[Path, bool], None],
    *,
    folder: bool = False,
) -> None:
    """Ask for a path (prefilled); confirm before replacing what is there; call then(path, force).

    For a folder (the CAPE declaration) only the numbered declaration files in it are replaced,
    so only those need asking about."""
    from itrac_tui.core.filing import existing_cape_files

    def got(value: str | None) -> None:
        if not value:
            return
        path = Path(value).expanduser()
        existing = existing_cape_files(path) if folder else ([path] if path.exists() else [])
        if not existing:
            then(path, False)
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                then(path, True)

        what = (
            f"{path} already holds {len(existing)} declaration file(s)"
            if folder
            else (f"File {path} exists")
        )
        screen.app.push_screen(ConfirmDialog(f"{what}. Replace it?"), confirmed)

    screen.app.push_screen(
        TextDialog(title, str(default), hint="Enter: write    Escape: cancel"), got
    )


def check_date(text: str) -> str:
    """Error text for a bad YYYY-MM-DD date ("" when fine)."""
    try:
        date.fromisoformat(text)
    except ValueError:
        return f"not a date (YYYY-MM-DD): {text!r}"
    return ""


class DateRangeDialog(Dialog):
    """Liquidation date range: from and to (either may be blank)."""

    def __init__(self, start: date | None, end: date | None) -> None:
        super().__init__()
        self.start = start
        self.end = end

    def compose(self) -> ComposeResult:
        """Two date inputs."""
        with Vertical(classes="dialog"):
            yield Static("Liquidated between (YYYY-MM-DD; blank = open)", classes="title")
            with Horizontal(classes="range"):
                yield Input(
                    self.start.isoformat() if self.start else "", placeholder="from", id="from"
                )
                yield Input(self.end.isoformat() if self.end else "", placeholder="to", id="to")
            yield Static("Tab: next field    Enter: apply    Escape: cancel", classes="hint")
            yield Static("", classes="error", id="dialog-error")

    DEFAULT_CSS = (
        "DateRangeDialog .range { height: 3; } DateRangeDialog .range Input { width: 1fr; }"
    )

    def on_mount(self) -> None:
        """Focus the first field."""
        self.query_one("#from", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Validate both dates and return them."""
        event.stop()
        values: list[date | None] = []
        for key in ("from", "to"):
            text = self.query_one(f"#{key}", Input).value.strip()
            if not text:
                values.append(None)
                continue
            error = check_date(text)
            if error:
                self.query_one("#dialog-error", Static).update(Text(error))
                return
            values.append(date.fromisoformat(text))
        self.dismiss((values[0], values[1]))


class TickList(SelectionList[str]):
    """A SelectionList whose box says its state in text (X or blank), not only in colour, so
    it reads the same with NO_COLOR and in 16-colour terminals."""

    def render_line(self, y: int) -> Strip:
        """The stock line, with the box emptied for unselected options."""
        strip = super().render_line(y)
        segments = list(strip)
        try:
            option = self.get_option_at_index(self.scroll_offset.y + y)
        except OptionDoesNotExist:
            return strip
        inner = segments[1] if len(segments) > 1 else None
        if inner is None or inner.text != ToggleButton.BUTTON_INNER:
            return strip
        if option.value in self._selected:
            return strip
        segments[1] = Segment(" " * len(inner.text), inner.style)
        return Strip(segments, strip.cell_length)


class PickerDialog(Dialog):
    """Pick several values (space toggles, Enter applies); optional free-text field."""

    BINDINGS = [
        Binding("enter", "apply", "Apply", priority=True, id="picker.apply"),
        Binding("ctrl+a", "toggle_all", "All/none", id="picker.all"),
    ]

    def __init__(
        self,
        title: str,
        options: list[tuple[str, str, bool]] | None,
        *,
        extra_label: str = "",
        extra_value: str = "",
    ) -> None:
        super().__init__()
        self.title_text = title
        self.options = options  # None: still counting (populate() fills it)
        self.extra_label = extra_label
        self.extra_value = extra_value

    @property
    def accepting_keys(self) -> bool:
        """Keys typed while the counts are still coming wait for them (see ItracApp.on_event)."""
        return self.options is not None and self.is_mounted

    def compose(self) -> ComposeResult:
        """The list (and the free-text field)."""
        with Vertical(classes="dialog"):
            yield Static(Text(self.title_text), classes="title")
            yield TickList(
                *[Selection(Text(lbl), value, on) for lbl, value, on in self.options or []],
                id="picker",
            )
            yield Static("Counting…" if self.options is None else "", id="picker-wait")
            if self.extra_label:
                yield Label(Text(self.extra_label))
                yield Input(self.extra_value, id="extra")
            yield Static(
                "Space: toggle    Enter: apply    ctrl+a: all/none    Escape: cancel",
                classes="hint",
            )

    def on_mount(self) -> None:
        """Focus the list."""
        self.query_one(SelectionList).focus()

    def populate(self, options: list[tuple[str, str, bool]]) -> None:
        """Fill the list once the counts are known."""
        self.options = options
        sl = self.query_one(SelectionList)
        sl.clear_options()
        sl.add_options([Selection(Text(lbl), value, on) for lbl, value, on in options])
        sl.highlighted = 0 if options else None
        self.query_one("#picker-wait", Static).update("" if options else "nothing to pick")

    def action_apply(self) -> None:
        """Apply the selection (Enter, in the list or the text field)."""
        if self.options is None:
            return  # still counting: Enter must not clear the filter
        selected = list(self.query_one(SelectionList).selected)
        extra = ""
        if self.extra_label:
            extra = self.query_one("#extra", Input).value.strip()
        self.dismiss((selected, extra))

    def action_toggle_all(self) -> None:
        """Select all, or none when all are selected."""
        sl = self.query_one(SelectionList)
        if len(sl.selected) == sl.option_count:
            sl.deselect_all()
        else:
            sl.select_all()


class ChoiceDialog(Dialog):
    """Pick one value from a list (Enter)."""

    def __init__(self, title: str, choices: list[tuple[str, str]]) -> None:
        super().__init__()
        self.title_text = title
        self.choices = choices

    def compose(self) -> ComposeResult:
        """Title and choices."""
        with Vertical(classes="dialog"):
            yield Static(Text(self.title_text), classes="title")
            yield OptionList(*[Option(Text(label), id=value) for value, label in self.choices])
            yield Static("Enter: choose    Escape: cancel", classes="hint")

    def on_mount(self) -> None:
        """Focus the list."""
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Return the chosen value."""
        event.stop()
        self.dismiss(event.option.id)


class SavedViewsDialog(Dialog):
    """Saved views: Enter opens, `n` saves the current view under a name, `delete` removes."""

    BINDINGS = [
        Binding("n", "save", "Save current as…", id="views.save"),
        Binding("delete", "delete", "Delete", id="views.delete"),
    ]

    def __init__(self, views: dict[str, ViewSpec]) -> None:
        super().__init__()
        self.views = views

    def compose(self) -> ComposeResult:
        """The list of views."""
        with Vertical(classes="dialog"):
            yield Static("Saved views", classes="title")
            options = [Option(Text(safe_text(name)), id=name) for name in sorted(self.views)]
            yield OptionList(*options, id="views")
            if not options:
                yield Static("No saved views yet.", classes="hint")
            yield Static(
                "Enter: open    n: save current view as…    Delete: remove    Escape: close",
                classes="hint",
            )

    def on_mount(self) -> None:
        """Focus the list."""
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Open the chosen view."""
        event.stop()
        self.dismiss(("open", event.option.id))

    def action_save(self) -> None:
        """Ask for a name and save the current view."""

        def done(name: str | None) -> None:
            if name:
                self.dismiss(("save", name))

        self.app.push_screen(
            TextDialog("Save the current view as", check=lambda v: "" if v else "a name"), done
        )

    def action_delete(self) -> None:
        """Delete the highlighted view."""
        ol = self.query_one(OptionList)
        if ol.highlighted is not None:
            option = ol.get_option_at_index(ol.highlighted)
            self.dismiss(("delete", option.id))


def default_save_path(stem: str, suffix: str = ".csv") -> Path:
    """A sensible file name in the current directory that does not exist yet."""
    base = Path.cwd() / f"{stem}{suffix}"
    n = 2
    while base.exists():
        base = Path.cwd() / f"{stem}-{n}{suffix}"
        n += 1
    return base
