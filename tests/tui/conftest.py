"""TUI test helpers: a small ES-003 export, a fixed as-of date, and a way to wait for workers."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from itrac_tui.tui.app import ItracApp

DATA = Path(__file__).resolve().parent / "data"
SAMPLE = DATA / "tui_sample.csv"
AS_OF = date(2026, 6, 15)


def make_app(*files: Path | str, **kwargs: object) -> ItracApp:
    """An app over the given files (default: the TUI sample) at the fixed as-of date."""
    kwargs.setdefault("as_of", AS_OF)
    return ItracApp([str(f) for f in (files or (SAMPLE,))], **kwargs)  # type: ignore[arg-type]


async def settle(pilot: object, rounds: int = 6) -> None:
    """Wait until the workers are done and their messages handled."""
    app = pilot.app  # type: ignore[attr-defined]
    for _ in range(rounds):
        await app.workers.wait_for_complete()
        await pilot.pause()  # type: ignore[attr-defined]
        if not any(w.is_running for w in app.workers):
            await pilot.pause()  # type: ignore[attr-defined]
            if not any(w.is_running for w in app.workers):
                return


@pytest.fixture
def sample_csv() -> Path:
    """The TUI test export (ES-003 layout, 9 lines)."""
    return SAMPLE
