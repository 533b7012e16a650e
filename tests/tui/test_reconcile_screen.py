"""The reconciliation screen: Pilot tests and an 80×24 snapshot."""

from __future__ import annotations

import os
from pathlib import Path

import polars as pl
import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input, Select, Static

from itrac_tui.core.ap import read_ap
from itrac_tui.core.reconcile import STATUSES, reconcile
from itrac_tui.tui.screens.dialogs import ConfirmDialog, TextDialog
from itrac_tui.tui.screens.reconcile import ReconcileScreen
from itrac_tui.tui.screens.reconcile.dialogs import (
    APMappingDialog,
    APPathDialog,
    EntryDetailScreen,
    PathSuggester,
    StatusDialog,
)
from itrac_tui.tui.screens.reconcile.grid import EntryGrid

DATA = Path(__file__).resolve().parents[1] / "data" / "reconcile"


def fixture_lines() -> pl.DataFrame:
    """Hand-written lines (see tests/data/reconcile/README.md)."""
    return pl.read_csv(
        DATA / "itrac_lines.csv",
        schema_overrides={"total_duty_cents": pl.Int64, "ieepa_duty_cents": pl.Int64},
    )


class Base(Screen):
    """Something to go back to."""

    def compose(self):  # type: ignore[no-untyped-def]
        """A label."""
        yield Static("base screen")


class RecApp(App):
    """A tiny app that opens the reconciliation screen."""

    def __init__(self, ap_path: Path | None = DATA / "ap_basic.csv") -> None:
        super().__init__()
        self.ap_path = ap_path

    def on_mount(self) -> None:
        """Base screen, then reconciliation on top."""
        self.push_screen(Base())
        self.push_screen(ReconcileScreen(fixture_lines(), None, None, ap_path=self.ap_path))


async def settle(pilot: Pilot) -> None:
    """Let the workers, and the messages they post (which may start workers), run out."""
    quiet = 0
    for _ in range(200):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        if any(w.is_running or w.state.name == "PENDING" for w in pilot.app.workers):
            quiet = 0
            continue
        quiet += 1
        if quiet >= 3:
            return


def rec_screen(app: App) -> ReconcileScreen:
    """The reconciliation screen in the stack."""
    return next(s for s in app.screen_stack if isinstance(s, ReconcileScreen))


def grid_entries(app: App) -> list[str]:
    """Entry numbers in the grid, in display order."""
    return rec_screen(app).query_one(EntryGrid).frame["entry_number"].to_list()


async def test_opens_with_summary_matching_the_core() -> None:
    app = RecApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = rec_screen(app)
        expected = reconcile(fixture_lines(), read_ap(DATA / "ap_basic.csv"))
        assert screen.result is not None
        assert screen.result.to_json() == expected.to_json()
        assert screen.band_text() == (
            "matched=2/$0.00 mismatched=3/$100.04 missing_in_ap=1/-$88.00 "
            "missing_in_itrac=1/$42.42 itrac=$3,422.56 ap=$3,477.02 net=$54.46 abs=$230.48"
        )
        assert len(grid_entries(app)) == 7
        assert "ap_basic.csv: 10 rows, 0 rejected, 1 dup" in screen.head_text()


async def test_sort_by_abs_delta_and_back() -> None:
    app = RecApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert grid_entries(app)[:3] == ["ABC-1234573-4", "ABC-1234571-8", "ABC-1234572-6"]
        await pilot.press("d")
        await settle(pilot)
        assert grid_entries(app)[0] == "ABC-1234567-6"


async def test_filter_by_status_with_the_picker() -> None:
    app = RecApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(app.screen, StatusDialog)
        await pilot.press("down", "down", "enter")  # mismatched only
        await settle(pilot)
        assert rec_screen(app).statuses == ("mismatched",)
        assert grid_entries(app) == ["ABC-1234569-2", "ABC-1234570-0", "ABC-1234573-4"]
        assert "only MISMATCH" in rec_screen(app).head_text()
        assert isinstance(app.screen, ReconcileScreen)  # Enter did not leak to the grid
        await pilot.press("f")
        await pilot.pause()
        await pilot.press("end", "enter")  # every difference
        await settle(pilot)
        assert len(grid_entries(app)) == 5
        await pilot.press("x")
        await settle(pilot)
        assert len(grid_entries(app)) == 7


async def test_enter_shows_itrac_lines_and_ap_rows_side_by_side() -> None:
    app = RecApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("down", "enter")  # ABC-1234568-4: split invoice + credit
        await pilot.pause()
        detail = app.screen
        assert isinstance(detail, EntryDetailScreen)
        assert detail.entry["entry_number"] == "ABC-1234568-4"
        assert detail.lines.height == 1
        assert detail.ap_rows["amount_cents"].to_list() == [50000, 25000, -5000]
        assert detail.query_one("#itrac-side") is not None
        assert detail.query_one("#ap-side") is not None
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ReconcileScreen)


async def test_switch_measure_and_tolerance() -> None:
    app = RecApp(DATA / "ap_ieepa.tsv")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = rec_screen(app)
        assert screen.result is not None and screen.result.measure == "total_duty"
        await pilot.press("m")
        await settle(pilot)
        assert screen.result.measure == "ieepa_duty"
        assert screen.result.to_json()["itrac_total"] == "1073.45"
        await pilot.press("m")
        await settle(pilot)
        assert screen.result.measure == "total_duty"

    app = RecApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, TextDialog)
        app.screen.query_one(Input).value = "abc"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, TextDialog)  # refused, still asking
        app.screen.query_one(Input).value = "0.05"
        await pilot.press("enter")
        await settle(pilot)
        screen = rec_screen(app)
        assert screen.tolerance_cents == 5
        assert screen.result is not None
        assert screen.result.counts["matched"] == 4
        assert "tolerance $0.05" in screen.head_text()


async def test_ctrl_s_saves_with_confirmation(tmp_path: Path) -> None:
    target = tmp_path / "out" / "rec.csv"
    target.parent.mkdir()
    app = RecApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await pilot.pause()
        await pilot.press("down", "down", "enter")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, TextDialog)
        assert app.screen.query_one(Input).value.endswith(".csv")  # prefilled
        app.screen.query_one(Input).value = str(target)
        await pilot.press("enter")
        await settle(pilot)
        lines = target.read_text().splitlines()
        assert len(lines) == 4  # header + the 3 mismatched entries shown
        assert lines[1] == "ABC-1234569-2,mismatched,1000.00,999.99,-0.01,2,1,0"
        # again: the file exists, so confirm first
        target.write_text("old")
        await pilot.press("ctrl+s")
        await pilot.pause()
        app.screen.query_one(Input).value = str(target)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await settle(pilot)
        assert target.read_text() == "old"
        await pilot.press("ctrl+s")
        await pilot.pause()
        app.screen.query_one(Input).value = str(target)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        assert target.read_text().startswith("Entry Number,Status")
        # a folder that does not exist: a message, no crash, no file
        bad = tmp_path / "missing" / "rec.csv"
        await pilot.press("ctrl+s")
        await pilot.pause()
        app.screen.query_one(Input).value = str(bad)
        await pilot.press("enter")
        await settle(pilot)
        assert not bad.exists()
        assert isinstance(app.screen, ReconcileScreen)
        assert any("does not exist" in n.message for n in app._notifications)


async def test_asks_for_the_ap_file_when_none_given() -> None:
    app = RecApp(ap_path=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, APPathDialog)
        app.screen.query_one(Input).value = str(DATA / "nope.csv")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, APPathDialog)  # not a file: still asking
        app.screen.query_one(Input).value = str(DATA / "ap_basic.csv")
        await pilot.press("enter")
        await settle(pilot)
        screen = rec_screen(app)
        assert screen.result is not None
        assert screen.result.counts["matched"] == 2


async def test_unusable_ap_file_offers_the_column_picker() -> None:
    app = RecApp(DATA / "ap_odd_headers.csv")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, APMappingDialog)
        screen = rec_screen(app)
        assert "no entry-number and amount column" in screen.error
        dialog = app.screen
        await pilot.press("ctrl+s")  # nothing picked yet: refused
        await pilot.pause()
        assert app.screen is dialog
        dialog.query_one("#map-entry_number", Select).value = "Ref"
        dialog.query_one("#map-amount", Select).value = "Value"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert screen.result is not None
        assert screen.result.counts["matched"] == 2
        assert screen.mapping == {
            "entry_number": "Ref",
            "amount": "Value",
            "ieepa_amount": "",
            "document": "",
        }


async def test_escape_goes_back() -> None:
    app = RecApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, Base)


async def test_bindings_have_ids_and_descriptions() -> None:
    for binding in ReconcileScreen.BINDINGS:
        assert binding.id and binding.id.startswith("reconcile.")  # type: ignore[union-attr]
        assert binding.description  # type: ignore[union-attr]
    keys = {b.key for b in ReconcileScreen.BINDINGS}  # type: ignore[union-attr]
    assert {"escape", "f", "d", "m", "t", "ctrl+s"} <= keys


async def test_cell_text_is_never_markup(tmp_path: Path) -> None:
    ap = tmp_path / "ap.csv"
    ap.write_text("Entry Number,Amount,Invoice\nABC-1234567-6,1234.56,[bold red]INV[/]\x1b[31m\n")
    app = RecApp(ap)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, EntryDetailScreen)
        assert app.screen.ap_rows["document"][0].startswith("[bold red]INV[/]")
        await pilot.press("escape")


async def test_path_suggester(tmp_path: Path) -> None:
    (tmp_path / "ap_2026.csv").write_text("x")
    (tmp_path / "sub").mkdir()
    s = PathSuggester()
    assert await s.get_suggestion(str(tmp_path / "ap_")) == str(tmp_path / "ap_2026.csv")
    assert await s.get_suggestion(str(tmp_path / "su")) == str(tmp_path / "sub") + os.sep
    assert await s.get_suggestion(str(tmp_path / "zzz")) is None


@pytest.mark.parametrize("status", STATUSES)
def test_every_status_has_labels(status: str) -> None:
    from itrac_tui.tui.screens.reconcile.grid import STATUS_SHORT

    assert STATUS_SHORT[status]


def test_snapshot_80x24(snap_compare) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)

    assert snap_compare(RecApp(), terminal_size=(80, 24), run_before=run_before)


def test_snapshot_sorted_detail_80x24(snap_compare) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("d", "enter")
        await settle(pilot)  # under load one pause may not see the detail drawn

    assert snap_compare(RecApp(), terminal_size=(80, 24), run_before=run_before)


def test_default_ap_path_only_for_the_bundled_sample() -> None:
    from types import SimpleNamespace

    from itrac_tui.resources import data_dir, sample_export_paths
    from itrac_tui.tui.screens.reconcile.screen import default_ap_path

    sample = SimpleNamespace(files=tuple(str(p) for p in sample_export_paths()))
    assert default_ap_path(sample) == data_dir("sample_exports") / "ap_sample.csv"
    assert default_ap_path(SimpleNamespace(files=(str(DATA / "itrac_basic.csv"),))) is None
    assert default_ap_path(None) is None


async def test_open_another_ap_file_and_save_a_mapping() -> None:
    from textual.widgets import Checkbox

    from itrac_tui.store import load_ap_mapping

    app = RecApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, APPathDialog)
        assert app.screen.query_one(Input).value == str(DATA / "ap_basic.csv")
        app.screen.query_one(Input).value = str(DATA / "ap_ieepa.tsv")
        await pilot.press("enter")
        await settle(pilot)
        screen = rec_screen(app)
        assert screen.ap is not None and screen.ap.file == "ap_ieepa.tsv"
        await pilot.press("k")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, APMappingDialog)
        assert dialog.query_one("#map-ieepa_amount", Select).value == "IEEPA Duty"
        dialog.query_one("#map-document", Select).value = "__none__"
        dialog.query_one("#map-save", Checkbox).value = True
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert screen.ap.mapping == {
            "entry_number": "Entry Number",
            "amount": "Total Duty",
            "ieepa_amount": "IEEPA Duty",
        }
        assert load_ap_mapping() == screen.ap.mapping
        assert screen.ap.duplicate_documents == 0


async def test_rejected_rows_are_shown_with_reasons() -> None:
    from itrac_tui.tui.screens.reconcile.dialogs import RejectedAPScreen

    app = RecApp(DATA / "ap_garbage.csv")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = rec_screen(app)
        assert "6 rejected" in screen.head_text()
        assert any("6 AP rows rejected" in n.message for n in app._notifications)
        await pilot.press("j")
        await pilot.pause()
        assert isinstance(app.screen, RejectedAPScreen)
        assert app.screen.ap.rejected.height == 6
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ReconcileScreen)
