"""Keys go where they are typed: bursts (a paste, a laggy SSH link) land in the dialog they
opened; quitting asks when the view is unsaved; replacing or deleting a saved view asks."""

from __future__ import annotations

import asyncio
from datetime import date

from textual import events

from itrac_tui.core.views import ViewSpec
from itrac_tui.store import load_views, save_view
from itrac_tui.tui.screens.dialogs import ConfirmDialog, PickerDialog, SavedViewsDialog
from itrac_tui.tui.screens.main import MainScreen
from tests.tui.conftest import make_app, settle

_CHARS = {"space": " ", "enter": "\r", "tab": "\t", "escape": "\x1b"}


async def burst(pilot: object, *keys: str) -> None:
    """Post every key at once (no pause between them, as a terminal delivers a burst)."""
    app = pilot.app  # type: ignore[attr-defined]
    for key in keys:
        app.post_message(events.Key(key, _CHARS.get(key, key if len(key) == 1 else None)))
    for _ in range(200):  # a loaded machine: up to 10 s
        await asyncio.sleep(0.05)
        if app._key_backlog is None:
            break
    await settle(pilot)


async def test_picker_gets_the_keys_typed_right_after_it() -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await burst(pilot, "c", "space", "enter")
        assert type(app.screen) is MainScreen  # no line detail behind the picker
        assert app.main_screen.spec.countries == ("CN",)  # type: ignore[union-attr]


async def test_escape_then_a_letter_in_one_burst_is_both_keys() -> None:
    """A terminal sends Escape and the next letter typed in one burst as Alt+letter (its Meta
    prefix): the picker closes and the letter's own picker opens."""
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await burst(pilot, "c", "alt+l")
        assert isinstance(app.screen, PickerDialog)
        assert "status" in app.screen.title_text.lower()
        await burst(pilot, "alt+shift+r")  # Escape then R: the reason picker
        assert isinstance(app.screen, PickerDialog)
        assert "reason" in app.screen.title_text.lower()
        await burst(pilot, "escape")
        assert type(app.screen) is MainScreen


async def test_tab_moves_between_date_fields_in_a_burst() -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await burst(pilot, "d", *"2026-01-01", "tab", *"2026-03-31", "enter")
        spec = app.main_screen.spec  # type: ignore[union-attr]
        assert (spec.liquidated_from, spec.liquidated_to) == (date(2026, 1, 1), date(2026, 3, 31))


async def test_ctrl_q_asks_when_unsaved_and_enter_stays() -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.main_screen.set_spec(ViewSpec(countries=("CN",)))  # type: ignore[union-attr]
        await settle(pilot)
        await pilot.press("c")  # from inside a dialog, too
        await settle(pilot)
        assert isinstance(app.screen, PickerDialog)
        await pilot.press("ctrl+q")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("enter")
        await settle(pilot)
        assert app.is_running and isinstance(app.screen, PickerDialog)


async def test_replacing_or_deleting_a_saved_view_asks() -> None:
    save_view("mine", ViewSpec(countries=("MX",)))
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.main_screen.set_spec(ViewSpec(countries=("CN",)))  # type: ignore[union-attr]
        await settle(pilot)
        await pilot.press("v")
        await settle(pilot)
        assert isinstance(app.screen, SavedViewsDialog)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press(*"mine", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("enter")  # Enter: keep the old one
        await settle(pilot)
        assert load_views()["mine"].countries == ("MX",)
        await pilot.press("v")
        await settle(pilot)
        await pilot.press("delete")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)
        assert "mine" not in load_views()
