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
