"""Pilot tests of the workbench: load, filters, sort, search, as-of, save, views, keymap, themes."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from textual.widgets import Input, SelectionList

from itrac_tui.core.summary import summarise
from itrac_tui.core.views import ViewSpec, apply_view
from itrac_tui.store import keymap_path, user_themes_dir, views_path
from itrac_tui.tui.screens.dialogs import ConfirmDialog, PickerDialog, TextDialog
from itrac_tui.tui.screens.help import HelpScreen
from itrac_tui.tui.screens.load import LoadScreen
from itrac_tui.tui.screens.main import MainScreen, text_columns, visible_columns
from itrac_tui.tui.widgets.line_grid import LineGrid
from tests.tui.conftest import AS_OF, DATA, make_app, settle

SPRING = ViewSpec(
    countries=("CN",),
    ch99=("ieepa_reciprocal",),
    liquidated_from=date(2026, 3, 1),
    liquidated_to=date(2026, 5, 31),
)


def main_of(app: object) -> MainScreen:
    """The app's main screen."""
    screen = app.main_screen  # type: ignore[attr-defined]
    assert screen is not None
    return screen


def assert_pane_matches(app: object, spec: ViewSpec) -> None:
    """Grid and pane show exactly apply_view + summarise of the core."""
    main = main_of(app)
    lines = app.lines  # type: ignore[attr-defined]
    expected_view = apply_view(lines, spec, text_columns(lines))
    assert main.spec == spec
    assert main.view is not None
    assert (
        main.view.get_column("line_id").to_list() == expected_view.get_column("line_id").to_list()
    )
    expected = summarise(expected_view, AS_OF)
    assert main.summary.pathways == expected.pathways
    assert main.summary.refundable_pool_cents == expected.refundable_pool_cents
    assert main.query_one(LineGrid).row_count == expected_view.height


async def test_loads_straight_into_the_grid() -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert app.lines is not None and app.lines.height == 9
        assert_pane_matches(app, ViewSpec())
        pane = app.main_screen.summary
        assert (
            pane.pathways["cape_phase1"].ieepa_duty_cents == 2_700_000
        )  # v2: the SUS entry is CAPE Phase 1 (suspended)
        assert pane.refundable_pool_cents == 3_620_000


async def test_pane_equals_scan_json(sample_csv: Path) -> None:
    import argparse

    from itrac_tui.commands.common import load_from_args

    args = argparse.Namespace(files=[str(sample_csv)], as_of=AS_OF, rules=None, mapping=None)
    loaded = load_from_args(args)
    scan = summarise(loaded.lines, loaded.as_of, loaded.export).to_json()
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        mine = app.main_screen.summary
        for pathway, body in scan["pathways"].items():
            total = mine.pathways[pathway]
            assert (total.lines, total.entries) == (body["lines"], body["entries"])
            cents = total.ieepa_duty_cents
            assert (
                f"{'-' if cents < 0 else ''}{abs(cents) // 100}.{abs(cents) % 100:02d}"
                == (body["ieepa_duty"])
            )


async def _pick(pilot: object, key: str, labels: list[str], extra: str = "") -> None:
    """Open a picker with `key`, toggle the options whose value is in labels, apply."""
    await pilot.press(key)  # type: ignore[attr-defined]
    await settle(pilot)
    app = pilot.app  # type: ignore[attr-defined]
    assert isinstance(app.screen, PickerDialog)
    sl = app.screen.query_one(SelectionList)
    for index in range(sl.option_count):
        if sl.get_option_at_index(index).value in labels:
            sl.highlighted = index
            await pilot.press("space")  # type: ignore[attr-defined]
    if extra:
        app.screen.query_one("#extra", Input).value = extra
    await pilot.press("enter")  # type: ignore[attr-defined]
    await settle(pilot)


async def test_filters_combine_and_pane_follows() -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await _pick(pilot, "c", ["CN"])
        assert_pane_matches(app, ViewSpec(countries=("CN",)))
        await _pick(pilot, "9", ["ieepa_reciprocal"])
        assert_pane_matches(app, ViewSpec(countries=("CN",), ch99=("ieepa_reciprocal",)))
        await pilot.press("d")
        await settle(pilot)
        await pilot.press(*"2026-03-01", "tab", *"2026-05-31", "enter")
        await settle(pilot)
        assert_pane_matches(app, SPRING)
        main = main_of(app)
        assert main.view.height == 4
        assert main.summary.refundable_pool_cents == 1_820_000
        # pathway from the pane, then warnings-only, status: all combine
        await pilot.press("p")
        await settle(pilot)
        assert isinstance(app.screen, PickerDialog)
        await pilot.press("escape")
        await pilot.press("w")
        await settle(pilot)
        assert main.spec.warnings_only
        await pilot.press("w")
        await settle(pilot)
        await _pick(pilot, "l", ["LIQ"])
        assert_pane_matches(
            app,
            ViewSpec(
                countries=("CN",),
                ch99=("ieepa_reciprocal",),
                statuses=("LIQ",),
                liquidated_from=date(2026, 3, 1),
                liquidated_to=date(2026, 5, 31),
            ),
        )
        # one key clears everything
        await pilot.press("x")
        await settle(pilot)
        assert_pane_matches(app, ViewSpec())


async def test_code_prefix_filter_and_pathway_from_pane() -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await _pick(pilot, "9", [], extra="9903.01")
        assert_pane_matches(app, ViewSpec(ch99=("9903.01",)))
        await pilot.press("x")
        await settle(pilot)
        await pilot.press("tab")  # to the pathway pane
        await pilot.press("enter")  # first row: CAPE Phase 1
        await settle(pilot)
        assert_pane_matches(app, ViewSpec(pathways=("cape_phase1",)))
        await pilot.press("enter")  # again: filter off
        await settle(pilot)
        assert_pane_matches(app, ViewSpec())


async def test_sort_by_cursor_column_cycles() -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        grid = app.screen.query_one(LineGrid)
        grid.cursor_col = grid.columns.index("ieepa_duty_cents")
        await pilot.press("s")
        await settle(pilot)
        main = main_of(app)
        assert main.spec.sort == (("ieepa_duty_cents", False),)
        duties = main.view.get_column("ieepa_duty_cents").to_list()
        assert duties == sorted(duties)
        await pilot.press("s")
        await settle(pilot)
        assert main.spec.sort == (("ieepa_duty_cents", True),)
        assert main.view.get_column("ieepa_duty_cents").to_list() == sorted(duties, reverse=True)
        await pilot.press("s")
        await settle(pilot)
        assert main.spec.sort == ()
        await pilot.press("end")
        assert grid.cursor_row == main.view.height - 1
        await pilot.press("home")
        assert grid.cursor_row == 0


async def test_search_and_escape_clears() -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"XYZ2000001")
        await pilot.pause(0.3)
        await settle(pilot)
        main = main_of(app)
        assert main.spec.search == "XYZ2000001"
        assert main.view.height == 1
        assert main.view.item(0, "entry_number").startswith("XYZ-2000001")
        await pilot.press("escape")
        await settle(pilot)
        assert main.spec.search == ""
        assert main.view.height == 9
        # text columns are searched too
        await pilot.press("slash", *"laptops", "enter")
        await settle(pilot)
        assert main.view.height == 1


async def test_as_of_change_reclassifies() -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, TextDialog)
        app.screen.query_one(Input).value = "2026-04-20"
        await pilot.press("enter")
        await settle(pilot)
        assert app.as_of == date(2026, 4, 20)
        main = main_of(app)
        expected = summarise(app.lines, date(2026, 4, 20))
        assert main.summary.pathways == expected.pathways
        # e2 (liquidated 2026-03-01) is CAPE Phase 1 at 50 days
        assert main.summary.pathways["protest"].lines == 0
        await pilot.press("a")
        await settle(pilot)
        app.screen.query_one(Input).value = "not a date"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, TextDialog)  # stays open with an error
        await pilot.press("escape")
        assert app.as_of == date(2026, 4, 20)


async def test_save_view_csv_exact_and_never_silently_overwrites(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        main = main_of(app)
        main.set_spec(SPRING)
        await settle(pilot)
        grid = main.query_one(LineGrid)
        grid.cursor_col = grid.columns.index("ieepa_duty_cents")
        await pilot.press("s")  # sort by IEEPA duty
        await settle(pilot)
        assert main.unsaved
        await pilot.press("ctrl+s")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, TextDialog)
        default = dialog.query_one(Input).value
        assert default.startswith(str(tmp_path)) and default.endswith(".csv")
        await pilot.press("enter")
        await settle(pilot)
        out = Path(default)
        with out.open(newline="", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        view = main.view_lines()
        assert len(rows) == view.height == 4
        entries = [r.get("entry_number") for r in rows]
        assert entries == view.get_column("entry_number").to_list()
        header = list(rows[0].keys())
        assert "Importer Name" in header and "Description" in header
        assert "pathway" in header and "ieepa_duty" in header
        assert not main.unsaved
        # same path again: asks; "n" keeps the file
        before = out.read_bytes()
        main.set_spec(ViewSpec())
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        app.screen.query_one(Input).value = str(out)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await settle(pilot)
        assert out.read_bytes() == before
        await pilot.press("ctrl+s")
        await settle(pilot)
        app.screen.query_one(Input).value = str(out)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        with out.open(newline="", encoding="utf-8") as fh:
            assert len(list(csv.DictReader(fh))) == 9


async def test_save_failure_is_a_message(tmp_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        app.screen.query_one(Input).value = str(tmp_path / "no" / "such" / "dir" / "x.csv")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        texts = [n.message for n in app._notifications]
        assert any(t.startswith("Not saved:") for t in texts)


async def test_saved_views_round_trip() -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        main = main_of(app)
        main.set_spec(SPRING)
        await settle(pilot)
        await pilot.press("v")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press(*"cn spring", "enter")
        await settle(pilot)
        assert views_path().is_file()
        assert not main.unsaved
        await pilot.press("x")
        await settle(pilot)
        assert main.spec == ViewSpec()
        await pilot.press("v")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert_pane_matches(app, SPRING)


async def test_user_keymap_overrides_by_binding_id() -> None:
    keymap_path().parent.mkdir(parents=True, exist_ok=True)
    keymap_path().write_text('[keys]\n"filter.clear" = "ctrl+x"\n"app.help" = "f1"\n')
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        main = main_of(app)
        main.set_spec(ViewSpec(countries=("CN",)))
        await settle(pilot)
        await pilot.press("x")  # no longer bound
        await settle(pilot)
        assert main.spec.countries == ("CN",)
        await pilot.press("ctrl+x")
        await settle(pilot)
        assert main.spec == ViewSpec()
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        keys = {desc: k for _g, k, desc, _id in app.screen.bindings}
        assert keys["Clear every filter"] in ("ctrl+x", "^x")
        ids = {desc: bid for _g, _k, desc, bid in app.screen.bindings}
        assert ids["Clear every filter"] == "filter.clear"  # the id a keymap.toml names


async def test_bad_keymap_is_one_notification() -> None:
    keymap_path().parent.mkdir(parents=True, exist_ok=True)
    keymap_path().write_text("[keys\nbroken")
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        texts = [n.message for n in app._notifications]
        assert sum("keymap" in t for t in texts) == 1


async def test_themes_shipped_user_and_bad() -> None:
    folder = user_themes_dir()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "mine.toml").write_text('name = "mine"\nprimary = "#ff00ff"\ndark = true\n')
    (folder / "broken.toml").write_text('name = "broken"\nprimary = "not-a-colour"\n')
    (folder / "garbage.toml").write_text("this is = = not toml")
    app = make_app(theme_name="mine")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        for name in ("itrac-dark", "itrac-light", "itrac-high-contrast", "itrac-ansi16", "mine"):
            assert name in app.available_themes
        assert app.theme == "mine"
        assert app.available_themes["itrac-ansi16"].ansi
        problems = [n.message for n in app._notifications if "Theme problem" in n.message]
        assert len(problems) == 1
        assert "broken.toml" in problems[0] and "garbage.toml" in problems[0]


async def test_theme_by_short_name_and_unknown() -> None:
    app = make_app(theme_name="light")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.theme == "itrac-light"
    app = make_app(theme_name="nope")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.theme == "itrac-dark"
        assert any("unknown theme" in n.message for n in app._notifications)


async def test_no_color_is_respected(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(theme_name="ansi16")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.no_color
        # the ANSI theme under a monochrome filter would be black on black: a plain theme instead
        assert app.theme == "itrac-dark"


async def test_markup_and_escapes_in_cells_are_plain_text() -> None:
    app = make_app()
    async with app.run_test(size=(200, 30)) as pilot:
        await settle(pilot)
        main = main_of(app)
        await pilot.press("slash", *"evil", "enter")
        await settle(pilot)
        assert main.view.height == 1
        grid = main.query_one(LineGrid)
        cols = visible_columns(main.spec, app.lines)
        grid.set_frame(app.lines, ["Importer Name", "Description"], ids=main.view["line_id"])
        await pilot.pause()
        text = grid.render_line(1).text
        assert "[bold]Evil[/] Corp" in text
        assert "\x1b" not in text  # never raw: shown escaped, so the user sees what is there
        assert "\\x1b[31mred\\x1b[0m text [link=x]y" in text
        grid.set_frame(app.lines, cols, ids=main.view["line_id"])
        await pilot.press("enter")  # the line detail renders the same text harmlessly
        await settle(pilot)
        assert type(app.screen).__name__ == "LineDetailScreen"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)


async def test_line_detail_shows_source_rows_and_components() -> None:
    from textual.widgets import Static

    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert type(screen).__name__ == "LineDetailScreen"
        assert screen.rows.height == 2  # commodity row + one Chapter 99 row
        assert screen.components.get_column("ch99_code").to_list() == ["9903.01.25"]
        assert screen.query_one("#detail", Static)


async def test_load_error_is_shown_on_load_screen() -> None:
    app = make_app(DATA / "no_hts.csv")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, LoadScreen)
        status = str(app.screen.query_one("#status").render())
        assert "cannot find required column" in status
        assert app.lines is None


async def test_load_screen_loads_typed_path_and_escape_returns(sample_csv: Path) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        assert isinstance(app.screen, LoadScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        await pilot.press("o")
        await settle(pilot)
        box = app.screen.query_one(Input)
        box.value = str(DATA / "tui_samp")
        await pilot.press("tab")
        assert box.value == str(sample_csv)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        from itrac_tui.store import load_recent

        assert load_recent()[0] == [str(sample_csv.resolve())]


async def test_help_lists_keys_of_the_screen() -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        descs = {desc for _g, _k, desc, _id in app.screen.bindings}
        for needed in (
            "Save the filtered view as CSV",
            "Search entry, HTS, codes, text",
            "Open an export (load screen)",
            "Sort by the cursor column (again: reverse, again: off)",
            "Filter: liquidated between two dates",
        ):
            assert needed in descs
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)


async def test_quit_confirms_only_when_unsaved() -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        main_of(app).set_spec(ViewSpec(countries=("CN",)))
        await settle(pilot)
        await pilot.press("q")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await settle(pilot)
        assert app.is_running
        await pilot.press("x")
        await settle(pilot)
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running or app._exit_renderables is not None or app.return_code == 0


async def test_reconcile_key_opens_screen_or_says_unavailable() -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        names = [type(s).__name__ for s in app.screen_stack]
        if names[-1] == "MainScreen":
            assert any("reconciliation" in n.message for n in app._notifications)
        else:
            assert "ReconcileScreen" in names


async def test_command_palette_has_actions() -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Save the filtered view as CSV" in titles
        assert "Filter: country of origin" in titles


def test_grid_renders_only_visible_rows() -> None:
    """The grid fetches a window of rows, never the whole frame."""
    frame = pl.DataFrame({"entry_number": [f"E{i}" for i in range(100_000)]})
    grid = LineGrid()
    grid.frame = frame
    grid.columns = ["entry_number"]
    grid._size_columns()
    rows = grid._rows(50_000, 1)
    assert rows == [["E50000"]]
    _start, count, window = grid._window
    assert count == len(window) < 100


async def test_rejected_rows_view_and_save(tmp_path: Path) -> None:
    from itrac_tui.tui.screens.rejected import RejectedScreen

    app = make_app(DATA / "with_rejects.csv")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        await pilot.press("j")
        await settle(pilot)
        assert isinstance(app.screen, RejectedScreen)
        grid = app.screen.query_one(LineGrid)
        assert grid.row_count == 1
        assert "not money" in grid.render_line(1).text
        await pilot.press("ctrl+s")
        await settle(pilot)
        out = tmp_path / "rejected.csv"
        app.screen.query_one(Input).value = str(out)
        await pilot.press("enter")
        await settle(pilot)
        with out.open(newline="", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        assert len(rows) == 1 and rows[0]["value"] == "N/A"
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)


async def test_cape_declaration_and_worklist_from_the_view(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        folder = Path(app.screen.query_one(Input).value)
        await pilot.press("enter")
        await settle(pilot)
        files = sorted(folder.glob("*.csv"))
        assert files
        entries = files[0].read_text().splitlines()
        assert entries[0] == "Entry Number"
        assert sorted(entries[1:]) == [
            "ABC10000018",
            "SP730000018",
            "XYZ20000011",
        ]  # v2: SUS in CAPE
        await pilot.press("y")
        await settle(pilot)
        worklist = Path(app.screen.query_one(Input).value)
        await pilot.press("enter")
        await settle(pilot)
        assert "ABC-1000002-6" in worklist.read_text() or "ABC10000026" in worklist.read_text()


async def test_fix_mapping_on_load_screen_and_keep_it() -> None:
    from textual.widgets import OptionList

    from itrac_tui.store import mappings_path

    app = make_app(DATA / "odd_header.csv")
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LoadScreen)
        assert "cannot find required column" in str(screen.query_one("#status").render())
        fields = screen.query_one("#fields", OptionList)
        assert fields.has_class("visible") and fields.option_count
        await pilot.press("ctrl+f")
        await settle(pilot)
        fields.highlighted = next(
            i for i in range(fields.option_count) if fields.get_option_at_index(i).id == "hts"
        )
        await pilot.press("enter")
        await settle(pilot)
        await _pick_in_open_dialog(pilot, "Tariff Code")
        assert screen.mapping_override == {"hts": "Tariff Code"}
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert 'hts = "Tariff Code"' in mappings_path().read_text()
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert app.lines is not None and app.lines.height == 9


async def _pick_in_open_dialog(pilot: object, value: str) -> None:
    app = pilot.app  # type: ignore[attr-defined]
    assert isinstance(app.screen, PickerDialog)
    sl = app.screen.query_one(SelectionList)
    for index in range(sl.option_count):
        if sl.get_option_at_index(index).value == value:
            sl.highlighted = index
            await pilot.press("space")  # type: ignore[attr-defined]
    await pilot.press("enter")  # type: ignore[attr-defined]
    await settle(pilot)


async def test_multi_part_export_loads_as_one() -> None:
    from itrac_tui.resources import data_dir

    parts = sorted(data_dir("sample_exports").glob("legacy_sample_part*.csv"))
    assert len(parts) == 2
    app = make_app(*parts)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert len(app.export.files) == 2
        assert_pane_matches(app, ViewSpec())


async def test_escape_cancels_a_running_load(monkeypatch: pytest.MonkeyPatch) -> None:
    import time as _time

    import itrac_tui.core.load as core_load

    def slow_load(paths, rules, *, mapping=None, progress=None, **_kw):  # type: ignore[no-untyped-def]
        for k in range(200):
            if progress:
                progress(f"Reading part (file {k + 1} of 200)", k * 1000, 0)
            _time.sleep(0.02)
        raise AssertionError("not cancelled")

    monkeypatch.setattr(core_load, "load_export", slow_load)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause(0.2)
        assert isinstance(app.screen, LoadScreen)
        assert "rows read" in str(app.screen.query_one("#status").render())
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, LoadScreen)
        assert "cancelled" in str(app.screen.query_one("#status").render()).lower()
        assert app.lines is None


async def test_column_picker_sets_visible_columns() -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("k")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, PickerDialog)
        sl = dialog.query_one(SelectionList)
        sl.deselect_all()
        sl.select("entry_number")
        sl.select("ieepa_duty_cents")
        await pilot.press("enter")
        await settle(pilot)
        grid = main_of(app).query_one(LineGrid)
        assert grid.columns == ["entry_number", "ieepa_duty_cents"]
        assert main_of(app).spec.columns == ("entry_number", "ieepa_duty_cents")


def test_every_binding_has_an_id_and_a_description() -> None:
    from textual.binding import Binding

    from itrac_tui.tui import app as app_mod
    from itrac_tui.tui.screens import detail, dialogs, help, load, main, rejected
    from itrac_tui.tui.widgets import line_grid, pathway_pane

    classes = [
        app_mod.ItracApp,
        main.MainScreen,
        load.LoadScreen,
        load.PathInput,
        help.HelpScreen,
        detail.LineDetailScreen,
        rejected.RejectedScreen,
        dialogs.Dialog,
        dialogs.ConfirmDialog,
        dialogs.PickerDialog,
        dialogs.SavedViewsDialog,
        line_grid.LineGrid,
        pathway_pane.PathwayList,
    ]
    for cls in classes:
        for binding in cls.__dict__.get("BINDINGS", []):
            assert isinstance(binding, Binding), cls
            assert binding.id, (cls, binding)
            assert binding.description, (cls, binding)


@pytest.mark.parametrize(
    ("flags", "spec"),
    [
        (["--country", "CHN"], ViewSpec(countries=("CN",))),
        (["--pathway", "protest,cit", "--status", "LIQ"], None),
        (["--search", "8479"], ViewSpec(search="8479")),
    ],
)
async def test_filtered_pane_equals_scan_json_with_the_same_filters(
    sample_csv: Path, capsys: pytest.CaptureFixture[str], flags: list[str], spec: ViewSpec | None
) -> None:
    """`scan --json` takes the filter bar's flags: its figures are the pane's for that view."""
    import json

    from itrac_tui.cli import main
    from itrac_tui.core.views import pathway_ids

    assert main(["scan", "--json", "--as-of", AS_OF.isoformat(), *flags, str(sample_csv)]) == 0
    scan = json.loads(capsys.readouterr().out)
    if spec is None:
        spec = ViewSpec(pathways=tuple(pathway_ids(["protest", "cit"])), statuses=("LIQ",))
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.main_screen.set_spec(spec)  # type: ignore[union-attr]
        await settle(pilot)
        mine = app.main_screen.summary  # type: ignore[union-attr]
        assert mine.lines == scan["lines"] > 0
        for pathway, body in scan["pathways"].items():
            total = mine.pathways[pathway]
            assert (total.lines, total.entries) == (body["lines"], body["entries"])
            cents = total.ieepa_duty_cents
            shown = f"{'-' if cents < 0 else ''}{abs(cents) // 100}.{abs(cents) % 100:02d}"
            assert shown == body["ieepa_duty"]
