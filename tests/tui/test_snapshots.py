"""Snapshots of the workbench (fixed as-of date and data), grouped by screen."""

from __future__ import annotations

from tests.tui.conftest import make_app, settle


async def _ready(pilot: object) -> None:
    """Wait for load + view, drop the load notifications (they carry timings)."""
    await settle(pilot)
    app = pilot.app  # type: ignore[attr-defined]
    app.clear_notifications()
    await settle(pilot)


async def _help(pilot: object) -> None:
    await _ready(pilot)
    await pilot.press("question_mark")  # type: ignore[attr-defined]
    await settle(pilot)


def test_main_screen_80x24(snap_compare: object) -> None:
    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=_ready)  # type: ignore[operator]


def test_main_screen_100x30(snap_compare: object) -> None:
    assert snap_compare(make_app(), terminal_size=(100, 30), run_before=_ready)  # type: ignore[operator]


def test_main_screen_120x40(snap_compare: object) -> None:
    assert snap_compare(make_app(), terminal_size=(120, 40), run_before=_ready)  # type: ignore[operator]


def test_help_screen(snap_compare: object) -> None:
    assert snap_compare(make_app(), terminal_size=(100, 30), run_before=_help)  # type: ignore[operator]
