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
