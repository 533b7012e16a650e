"""The grid never hides or cuts the money: entry, pathway and IEEPA duty whole at every size."""

from __future__ import annotations

import pytest

from itrac_tui.core.money import format_dollars
from itrac_tui.tui.format import SHORT_LABELS
from itrac_tui.tui.widgets.line_grid import LineGrid
from tests.tui.conftest import make_app, settle


def grid_text(grid: LineGrid) -> list[str]:
    """What the grid shows, line by line."""
    return [grid.render_line(y).text for y in range(grid.size.height)]


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (160, 45)])
@pytest.mark.parametrize("pane", [True, False])
async def test_key_columns_whole(size: tuple[int, int], pane: bool) -> None:
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        if not pane:
            await pilot.press("z")
            await settle(pilot)
        grid = app.screen.query_one(LineGrid)
        text = grid_text(grid)
        assert text[0].split()[:3] == ["Entry", "Ln", "Pathway"]
        assert "IEEPA duty" in text[0]
        for row in range(grid.row_count):
            values = grid.row_values(row)
            line = text[row + 1]
            assert str(values["entry_number"]) in line
            assert SHORT_LABELS[str(values["pathway"])] in line
            assert format_dollars(int(values["ieepa_duty_cents"])) in line


async def test_scrolling_right_keeps_entry_and_line_and_never_cuts_numbers() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        grid = app.screen.query_one(LineGrid)
        last = len(grid.columns) - 1
        for _ in range(last):
            await pilot.press("right")
        await settle(pilot)
        assert grid.scroll_offset.x > 0
        text = grid_text(grid)
        assert text[0].startswith("Entry")
        assert grid.row_values(0)["entry_number"] in text[1]
        # the cursor column is on screen whole
        layout = {j: how for j, _x, _n, how in grid._layout()}
        assert layout[grid.cursor_col] == "all"
        for j, how in layout.items():
            if grid._whole[j]:
                assert how in ("all", "blank")


async def test_sorted_column_stays_in_view() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        grid = app.screen.query_one(LineGrid)
        grid.cursor_col = len(grid.columns) - 1
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        layout = {j: how for j, _x, _n, how in grid._layout()}
        assert layout.get(grid.cursor_col) == "all"
        assert app.main_screen.spec.sort  # type: ignore[union-attr]


async def test_band_under_100_columns_and_z_toggles() -> None:
    from itrac_tui.tui.widgets.pathway_pane import PathwayPane, TotalsBand

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        band = app.screen.query_one(TotalsBand)
        assert band.has_class("visible")
        assert not app.screen.query_one(PathwayPane).display
        assert "Pool" in str(band.render())
        await pilot.press("z")
        await settle(pilot)
        assert not band.has_class("visible")
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        assert not app.screen.query_one(TotalsBand).has_class("visible")
        assert app.screen.query_one(PathwayPane).display
