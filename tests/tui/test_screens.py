"""Breakdown, deadline calendar, notices, copy, go-to and pasted entry lists: figures as the core
(and `scan --json`) computes them for the same view."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from textual.widgets import Input, Static

from itrac_tui.core.breakdown import breakdown, totals
from itrac_tui.core.calendar import weekly_deadlines
from itrac_tui.core.summary import summarise
from itrac_tui.core.views import ViewSpec, apply_view
from itrac_tui.tui.screens.breakdown import BreakdownList, BreakdownScreen
from itrac_tui.tui.screens.calendar import CalendarScreen
from itrac_tui.tui.screens.detail import LineDetailScreen, pathway_sentence
from itrac_tui.tui.screens.dialogs import CellDialog, ChoiceDialog, TextDialog
from itrac_tui.tui.screens.main import MainScreen, text_columns
from itrac_tui.tui.widgets.line_grid import LineGrid
from itrac_tui.tui.widgets.notices import NoticeList, NoticesPanel
from tests.tui.conftest import AS_OF, make_app, settle


def main_of(app: object) -> MainScreen:
    screen = app.main_screen  # type: ignore[attr-defined]
    assert screen is not None
    return screen


async def test_breakdown_by_cursor_column_then_enter_filters(tmp_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        main = main_of(app)
        grid = main.query_one(LineGrid)
        grid.cursor_col = grid.columns.index("country")
        await pilot.press("F")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, BreakdownScreen)
        assert screen.table is not None and screen.whole is not None
        lines = app.lines
        expected = breakdown(lines, "origin")
        assert screen.table.sort("key").equals(expected.sort("key"))
        scan = summarise(lines, AS_OF)
        assert screen.whole.ieepa_duty_cents == scan.refundable_pool_cents
        assert (screen.whole.lines, screen.whole.entries) == (scan.lines, scan.entries)
        first = screen.table.row(0, named=True)  # most duty first
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert main.spec.groups == (("origin", first["key"]),)
        view = apply_view(lines, main.spec, text_columns(lines))
        assert main.summary.refundable_pool_cents == first["ieepa_duty_cents"]
        assert main.view.height == view.height == first["lines"]


def _many_entries(tmp_path: Path) -> Path:
    """An export of about 470 entries (more than a breakdown formats at once)."""
    from benchmarks.generate import generate_dataset, write_export

    (path,), _ = write_export(generate_dataset(1200, seed=7), "es003", tmp_path / "x.csv")
    return path


async def _by_entry(pilot: object, app: object) -> BreakdownScreen:
    """The breakdown by entry number (F on the entry column), once its rows are shown."""
    await settle(pilot)
    grid = main_of(app).query_one(LineGrid)
    grid.cursor_col = grid.columns.index("entry_number")
    await pilot.press("F")  # type: ignore[attr-defined]
    await settle(pilot)
    screen = app.screen  # type: ignore[attr-defined]
    assert isinstance(screen, BreakdownScreen) and screen.table is not None
    return screen


async def test_breakdown_end_goes_to_the_last_group_of_many(tmp_path: Path) -> None:
    """One group per entry: only the rows on screen are formatted; End goes to the very last
    group at once and Enter filters to it."""
    from itrac_tui.tui.screens.breakdown import BreakdownList

    app = make_app(_many_entries(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _by_entry(pilot, app)
        assert screen.table is not None
        groups = screen.table.height
        listing = screen.query_one(BreakdownList)
        assert listing.row_count == groups > 200
        _start, formatted = listing._window
        assert len(formatted) < groups  # a page or two, not every group
        await pilot.press("end")
        await settle(pilot)
        assert listing.cursor_row == groups - 1
        last = screen.table.row(groups - 1, named=True)
        assert listing.row_text(groups - 1).startswith(last["key"])
        await pilot.press("enter")
        await settle(pilot)
        assert main_of(app).spec.groups[0][1] == last["key"]


async def test_breakdown_keys_move_the_cursor_over_the_groups(tmp_path: Path) -> None:
    """Down, Page down, Home and Up move over the groups; the cursor row stays on screen and
    the rows it comes to are formatted as they are shown."""
    from itrac_tui.tui.screens.breakdown import BreakdownList

    app = make_app(_many_entries(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _by_entry(pilot, app)
        listing = screen.query_one(BreakdownList)
        await pilot.press("down", "down", "pagedown")
        await settle(pilot)
        page = listing.size.height - 1
        assert listing.cursor_row == 2 + page
        top = listing.scroll_offset.y
        assert top <= listing.cursor_row < top + listing.size.height
        await pilot.press("pagedown", "pagedown", "pagedown", "pagedown", "pagedown")
        await settle(pilot)
        assert listing.row_text(listing.cursor_row)  # formatted on the way
        await pilot.press("home")
        await settle(pilot)
        assert listing.cursor_row == 0 and listing.scroll_offset.y == 0
        await pilot.press("up")
        await settle(pilot)
        assert listing.cursor_row == 0


async def test_breakdown_by_picked_dimension_sort_and_save(
    tmp_path: Path, monkeypatch: object
) -> None:
    monkeypatch.chdir(tmp_path)  # type: ignore[attr-defined]
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        main_of(app).set_spec(ViewSpec(countries=("CN",)))
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        assert isinstance(app.screen, ChoiceDialog)
        ids = [app.screen.query_one("OptionList").get_option_at_index(i).id for i in range(4)]
        await pilot.press(*["down"] * ids.index("status"), "enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, BreakdownScreen) and screen.dimension == "status"
        view = apply_view(app.lines, ViewSpec(countries=("CN",)))
        assert screen.whole == totals(view)
        await pilot.press("s")  # by lines
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, TextDialog)
        path = Path(app.screen.query_one(Input).value)
        await pilot.press("enter")
        await settle(pilot)
        saved = pl.read_csv(path, infer_schema=False)
        assert saved.columns == ["Status", "lines", "entries", "ieepa_duty", "share_percent"]
        cents = sum(int(v.replace(".", "")) for v in saved["ieepa_duty"])
        assert cents == summarise(view, AS_OF).refundable_pool_cents


async def test_calendar_equals_core_and_enter_filters_to_the_week() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("D")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CalendarScreen) and screen.table is not None
        lines = app.lines
        expected = weekly_deadlines(lines, AS_OF, weeks=26)
        assert screen.table.equals(expected)
        scan = summarise(lines, AS_OF)
        # the protest and CIT columns hold every protest / CIT line (they all have a deadline)
        assert screen.table["protest_cents"].sum() == scan.pathways["protest"].ieepa_duty_cents
        assert screen.table["cit_cents"].sum() == scan.pathways["cit"].ieepa_duty_cents
        busy = [i for i, n in enumerate(screen.table["lines"].to_list()) if n]
        assert busy
        row = screen.table.row(busy[0], named=True)
        ol = screen.query_one("CalendarList")
        ol.highlighted = busy[0]
        await pilot.press("enter")
        await settle(pilot)
        main = main_of(app)
        assert isinstance(app.screen, MainScreen)
        assert (main.spec.deadline_from, main.spec.deadline_to) == (row["start"], row["end"])
        assert main.view.height == row["lines"]
        assert main.summary.refundable_pool_cents == row["cents"]


async def test_due_within_from_the_calendar() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("D")
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
        app.screen.query_one(Input).value = "90"
        await pilot.press("enter")
        await settle(pilot)
        main = main_of(app)
        assert main.spec.due_within == 90
        expected = apply_view(app.lines, ViewSpec(due_within=90))
        assert main.view.height == expected.height


async def test_notices_panel_lists_and_filters(tmp_path: Path) -> None:
    export = tmp_path / "digits.csv"
    export.write_text(
        "Entry Number,Line Number,HTS Number,Country of Origin,Chapter 99 HTS,IEEPA Duty Paid,"
        "Liq Date,Liq Status\n"
        "SP7-0000001-5,1,8479899499,CN,9903.01.25,10.00,2026-06-01,LIQ\n"
        "SP7-0000001-4,2,8479899499,CN,9903.01.25,12.00,2026-06-01,LIQ\n"
        "SP7-0000002-2,1,8479899499,CN,9903.01.25,5.00,2026-06-01,ZZZ\n"
    )
    app = make_app(export)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        panel = app.screen.query_one(NoticesPanel)
        assert panel.has_class("visible")  # shown after the load: there is something to say
        codes = {n.code: n for n in panel.notices}
        assert "check_digit" in codes
        assert not list(app._notifications)
        await pilot.press("n")
        await settle(pilot)
        ol = panel.query_one(NoticeList)
        assert ol.has_focus
        ol.highlighted = [n.code for n in panel.notices].index("check_digit")
        await pilot.press("enter")
        await settle(pilot)
        main = main_of(app)
        assert main.spec.warning_codes == ("check_digit",)
        assert main.view.height == codes["check_digit"].count


async def test_copy_cell_entry_row_and_entry_list() -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        grid = app.screen.query_one(LineGrid)
        first = grid.row_values(0)
        await pilot.press("E")
        assert app.clipboard == first["entry_number"]
        grid.cursor_col = grid.columns.index("ieepa_duty_cents")
        await pilot.press("Y")
        assert app.clipboard == "$10,000.00"
        await pilot.press("W")
        assert app.clipboard.split("\t")[0] == first["entry_number"]
        await pilot.press("L")
        entries = app.clipboard.splitlines()
        assert entries == list(dict.fromkeys(app.lines["entry_number"].to_list()))
        texts = [n.message for n in app._notifications]
        assert any(t.startswith("Copied entry number") for t in texts)
        await pilot.press("i")
        await settle(pilot)
        assert isinstance(app.screen, CellDialog) and app.screen.text == "$10,000.00"


async def test_goto_entry_and_pasted_entry_list() -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        main = main_of(app)
        await pilot.press("colon")
        await settle(pilot)
        await pilot.press(*"XYZ20000011", "enter")
        await settle(pilot)
        grid = main.query_one(LineGrid)
        assert grid.row_values(grid.cursor_row)["entry_number"] == "XYZ-2000001-1"
        await pilot.press("P")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, TextDialog)
        box = dialog.query_one(Input)
        from textual import events

        box.post_message(events.Paste("ABC-1000001-8\nxyz-2000002-9\nnot-an-entry\n"))
        await settle(pilot)
        assert box.value == "ABC-1000001-8 xyz-2000002-9 not-an-entry"  # every line, once
        await pilot.press("enter")
        await settle(pilot)
        assert main.spec.entries == ("ABC-1000001-8", "XYZ-2000002-9")
        assert set(main.view["entry_number"].cast(pl.String).to_list()) == set(main.spec.entries)
        assert any("not entry numbers" in n.message for n in app._notifications)


async def test_line_detail_explains_the_pathway() -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, LineDetailScreen)
        line = app.screen.line
        if "reason" in line:
            assert pathway_sentence(line).startswith("CAPE Phase 1: ")
    suspended = {"pathway": "cape_phase1", "reason": "suspended"}
    assert pathway_sentence(suspended) == (
        "CAPE Phase 1: Suspended: CAPE takes it now; the refund comes at liquidation."
    )


def test_filter_bar_names_every_filter() -> None:
    from datetime import date

    from itrac_tui.tui.widgets.filter_bar import describe

    spec = ViewSpec(
        reasons=("suspended",),
        warning_codes=("check_digit",),
        entries=("ABC-1000001-8", "XYZ-2000001-1"),
        groups=(("origin", "CN"), ("column:Port Name", "")),
        deadline_from=date(2026, 7, 6),
        deadline_to=date(2026, 7, 12),
        due_within=21,
    )
    text = " · ".join(describe(spec))
    for part in (
        "reason suspended",
        "warning check_digit",
        "entries ABC-1000001-8 +1",
        "origin = CN",
        "Port Name = (blank)",
        "deadline 2026-07-06..2026-07-12",
        "due within 21 days",
    ):
        assert part in text


async def test_grid_cursor_stays_on_screen_above_the_scrollbar(tmp_path: Path) -> None:
    """At 80x24 the grid scrolls sideways (a scrollbar takes its last row): moving down, and a
    page at a time, keeps the cursor row among the rows on screen."""
    app = make_app(_many_entries(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        grid = main_of(app).query_one(LineGrid)
        for keys in (["down"] * 30, ["pagedown"] * 3, ["pageup"], ["up"] * 7):
            await pilot.press(*keys)
            await settle(pilot)
            top = grid.scroll_offset.y
            assert top <= grid.cursor_row < top + grid.body_rows
        assert grid.body_rows < grid.size.height - 1  # the sideways scrollbar is there


async def test_breakdown_by_a_money_column_shows_dollars_under_its_header() -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        grid = main_of(app).query_one(LineGrid)
        grid.cursor_col = grid.columns.index("ieepa_duty_cents")
        await pilot.press("F")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, BreakdownScreen)
        title = str(screen.query_one("#bd-title", Static).render())
        assert "Breakdown by IEEPA duty" in title
        first = screen.query_one(BreakdownList).row_text(0)
        assert first.startswith("$") and "_cents" not in title


async def test_grid_lays_out_columns_left_of_the_scrollbar(tmp_path: Path) -> None:
    """The vertical scrollbar takes the last cell of each row: no column is laid out under it
    (a number there lost its last digit, a cut text its …)."""
    app = make_app(_many_entries(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        grid = main_of(app).query_one(LineGrid)
        assert grid.body_width == grid.size.width - 1  # the vertical scrollbar is there
        for _ in range(4):
            assert all(x + shown <= grid.body_width for _j, x, shown, _how in grid._layout())
            texts = "".join(seg.text for seg in grid.render_line(1))
            assert len(texts.rstrip()) <= grid.body_width
            await pilot.press("right", "right", "right")
            await settle(pilot)
