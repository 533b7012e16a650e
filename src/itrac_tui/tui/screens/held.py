"""Holding the app's repaints while a screen opened by a key counts its figures."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any

from textual.app import App

HOLD_SECONDS = 0.12  # longer counts show their "counting…" state after this


class PaintHold:
    """From the key press until the opened screen has drawn its figures (or `seconds` passed)
    nothing is repainted: one paint of the finished screen instead of the empty screen, then
    its rows, then its scrollbar. Keys still go to the new screen at once."""

    def __init__(self, app: App[Any], seconds: float = HOLD_SECONDS) -> None:
        self._batch: AbstractContextManager[None] | None = app.batch_update()
        self._batch.__enter__()
        self._timer = app.set_timer(seconds, self.release, name="paint-hold")

    def release(self) -> None:
        """Repaint again (once; later calls do nothing)."""
        batch, self._batch = self._batch, None
        if batch is not None:
            self._timer.stop()
            batch.__exit__(None, None, None)
