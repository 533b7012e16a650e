"""Dialogs take their own keys: Enter in a picker never reaches the screen below."""

from itrac_tui.tui.screens.main import MainScreen
from tests.tui.conftest import make_app, settle


async def test_picker_enter_does_not_open_detail() -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        await pilot.press("c")
        await settle(pilot)
        assert type(app.screen).__name__ == "PickerDialog"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen), type(app.screen).__name__


async def test_picker_shows_state_without_colour(monkeypatch) -> None:
    """Ticked and unticked boxes differ in text, not only in colour (NO_COLOR, 16 colours)."""
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("space")  # tick the first country
        await pilot.pause()
        picker = app.screen.query_one("#picker")
        first = "".join(seg.text for seg in picker.render_line(0))
        second = "".join(seg.text for seg in picker.render_line(1))
        assert "X" in first[:4]
        assert "X" not in second[:4]


async def test_ch99_picker_ticks_a_view_saved_with_an_alias() -> None:
    """A view holding "232" (the alias) shows Section 232 ticked."""
    from dataclasses import replace

    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        main = app.screen
        main.set_spec(replace(main.spec, ch99=("232",)))
        await settle(pilot)
        await pilot.press("9")
        await settle(pilot)
        assert "section_232" in app.screen.query_one("#picker").selected


async def test_cape_into_an_existing_plain_folder_asks_nothing(tmp_path) -> None:
    """Only declaration files already in the folder are replaced, so only they are asked about."""
    from itrac_tui.tui.screens.dialogs import ConfirmDialog, TextDialog, ask_save_path

    app = make_app()
    written: list[tuple[object, bool]] = []

    def record(path: object, force: bool) -> None:
        written.append((path, force))

    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        ask_save_path(
            app.screen, "Write", tmp_path, lambda p, f: written.append((p, f)), folder=True
        )
        await pilot.pause()
        assert isinstance(app.screen, TextDialog)
        await pilot.press("enter")
        await pilot.pause()
        assert written == [(tmp_path, False)]
        (tmp_path / "cape_declaration_001.csv").write_text("Entry Number\n")
        ask_save_path(
            app.screen, "Write", tmp_path, lambda p, f: written.append((p, f)), folder=True
        )
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)


async def test_typing_in_a_filled_field_replaces_it_and_arrows_edit_it() -> None:
    """`u` shows the last number of days selected: typing 30 gives 30, not 2130; End then
    Backspace edits what is there."""
    from itrac_tui.tui.screens.dialogs import TextDialog

    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        got: list[str | None] = []
        app.push_screen(TextDialog("Due within (days)", "21"), got.append)
        await settle(pilot)
        await pilot.press("3", "0", "enter")
        await settle(pilot)
        app.push_screen(TextDialog("As of", "2026-11-22"), got.append)
        await settle(pilot)
        await pilot.press("end", "backspace", "3", "enter")
        await settle(pilot)
        assert got == ["30", "2026-11-23"]
