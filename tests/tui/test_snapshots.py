"""Snapshots of the workbench (fixed as-of date and data), grouped by screen."""

from __future__ import annotations

import pytest

from tests.tui.conftest import make_app, settle

SIZES = [(80, 24), (100, 30), (160, 45)]
LOOKS = ["default", "ansi16", "no_color"]


def _app(look: str, monkeypatch: pytest.MonkeyPatch) -> object:
    if look == "no_color":
        monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(theme_name="ansi16" if look == "ansi16" else None)
    app.show_timings = False
    return app


async def _ready(pilot: object) -> None:
    """Wait for load + view (no toasts: the load line carries no timing here)."""
    await settle(pilot)
    app = pilot.app  # type: ignore[attr-defined]
    app.clear_notifications()
    await settle(pilot)


async def _help(pilot: object) -> None:
    await _ready(pilot)
    await pilot.press("question_mark")  # type: ignore[attr-defined]
    await settle(pilot)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("look", LOOKS)
def test_main_screen(
    snap_compare: object, size: tuple[int, int], look: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = _app(look, monkeypatch)
    assert snap_compare(app, terminal_size=size, run_before=_ready)  # type: ignore[operator]


def test_help_screen(snap_compare: object, monkeypatch: pytest.MonkeyPatch) -> None:
    app = _app("default", monkeypatch)
    assert snap_compare(app, terminal_size=(100, 30), run_before=_help)  # type: ignore[operator]


async def _breakdown(pilot: object) -> None:
    await _ready(pilot)
    await pilot.press("b")  # type: ignore[attr-defined]
    await settle(pilot)
    await pilot.press("enter")  # type: ignore[attr-defined]  # origin
    await settle(pilot)


async def _calendar(pilot: object) -> None:
    await _ready(pilot)
    await pilot.press("D")  # type: ignore[attr-defined]
    await settle(pilot)


@pytest.mark.parametrize("look", LOOKS)
def test_breakdown_screen(snap_compare: object, look: str, monkeypatch: pytest.MonkeyPatch) -> None:
    app = _app(look, monkeypatch)
    assert snap_compare(app, terminal_size=(80, 24), run_before=_breakdown)  # type: ignore[operator]


@pytest.mark.parametrize("look", LOOKS)
def test_calendar_screen(snap_compare: object, look: str, monkeypatch: pytest.MonkeyPatch) -> None:
    app = _app(look, monkeypatch)
    assert snap_compare(app, terminal_size=(80, 24), run_before=_calendar)  # type: ignore[operator]
