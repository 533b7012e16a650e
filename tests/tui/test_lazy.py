"""A big export loads its decisive columns first and the file's other columns after the first
paint (core.context): grid, search, detail, saved CSV and rejected rows as with a whole read."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
from textual.widgets import Input

from itrac_tui.core.views import ViewSpec
from itrac_tui.tui.screens.main import MainScreen
from itrac_tui.tui.widgets.line_grid import LineGrid
from tests.tui.conftest import SAMPLE, make_app, settle


async def _session(lazy: bool, tmp_path: Path, name: str) -> dict[str, Any]:
    """Load the sample (lazily or whole), search, open a detail, save the view: what it shows."""
    app = make_app(SAMPLE)
    app.lazy_min_bytes = 0 if lazy else 1 << 62
    out: dict[str, Any] = {}
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        main = app.main_screen
        assert isinstance(main, MainScreen) and app.export is not None and app.lines is not None
        out["lazy"] = app.export.is_lazy
        grid = main.query_one(LineGrid)
        out["columns"] = list(grid.columns)
        out["cells"] = [grid.cell_text(r, c) for r in range(grid.row_count) for c in grid.columns]
        out["summary"] = main.summary
        out["rejected"] = app.export.rejected
        out["set_aside"] = app.export.set_aside
        name_col = next(c for c in app.lines.columns if "Importer Name" in c)
        needle = str(app.lines.item(3, name_col))[2:8]
        main.set_spec(ViewSpec(search=needle))
        await settle(pilot)
        out["search"] = main.view.get_column("line_id").to_list() if main.view is not None else []
        main.set_spec(ViewSpec())
        await settle(pilot)
        grid.cursor_row = 2
        await pilot.press("enter")
        await settle(pilot)
        screen: Any = app.screen
        assert type(screen).__name__ == "LineDetailScreen"
        out["detail_rows"] = screen.rows
        out["detail_line"] = {k: str(v) for k, v in screen.line.items()}
        await pilot.press("escape")
        await settle(pilot)
        main.set_spec(ViewSpec(countries=("CN",), sort=(("ieepa_duty_cents", True),)))
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        path = tmp_path / f"{name}.csv"
        app.screen.query_one(Input).value = str(path)
        await pilot.press("enter")
        await settle(pilot)
        out["saved"] = path.read_bytes()
    return out


async def test_lazy_load_shows_what_a_whole_read_shows(tmp_path: Path) -> None:
    eager = await _session(False, tmp_path, "eager")
    lazy = await _session(True, tmp_path, "lazy")
    assert lazy["lazy"] and not eager["lazy"]
    assert "Importer Name" in lazy["columns"]
    for key in ("columns", "cells", "search", "detail_line", "saved"):
        assert lazy[key] == eager[key], key
    assert lazy["search"]
    assert lazy["summary"].pathways == eager["summary"].pathways
    assert lazy["detail_rows"].equals(eager["detail_rows"])
    assert lazy["detail_rows"].height >= 1
    assert lazy["rejected"].equals(eager["rejected"])
    assert lazy["set_aside"].equals(eager["set_aside"])


async def test_saved_before_the_columns_arrive_has_them(tmp_path: Path) -> None:
    """ctrl+s while the file's other columns are still being read: the CSV still has them."""
    app = make_app(SAMPLE)
    app.lazy_min_bytes = 0
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.export is not None and app.lines is not None
        # as if the columns had not arrived yet
        app.line_context = None
        app.lines = app.lines.select(c for c in app.lines.columns if c[:1].islower())
        app.export = type(app.export)(
            **{**app.export.__dict__, "lines": app.export.lines.select(app.lines.columns[:10])}
        )
        main = app.main_screen
        assert main is not None
        main.refresh_view()
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        path = tmp_path / "early.csv"
        app.screen.query_one(Input).value = str(path)
        await pilot.press("enter")
        await settle(pilot)
        header = pl.read_csv(path, n_rows=0).columns
        assert "Importer Name" in header and "pathway" in header
