"""What the user must know about an export stays on screen (spec §2: say it prominently)."""

from __future__ import annotations

from pathlib import Path

from itrac_tui.tui.widgets.filter_bar import NoticeBar
from tests.tui.conftest import make_app, settle


async def test_missing_liquidation_columns_stay_visible(tmp_path: Path) -> None:
    export = tmp_path / "noliq.csv"
    export.write_text(
        "Entry Number,HTS Number,Chapter 99 HTS,IEEPA Duty Paid\n"
        "SP7-0000001-4,8479899499,9903.01.25,10.00\n"
    )
    app = make_app(export)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        bar = app.screen.query_one(NoticeBar)
        assert bar.has_class("visible")
        assert "Liquidation Status" in str(bar.render())


async def test_no_notice_bar_for_a_clean_export() -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        bar = app.screen.query_one(NoticeBar)
        assert not bar.has_class("warn")  # only the one-line load summary
        assert str(bar.render()).startswith("Loaded 9 lines")
        assert not list(app._notifications)  # no toasts over the pane
