"""A footer that rebuilds its keys only when the keys it shows change (Textual's rebuilds them
every time its screen is shown or the focus moves: a screen opened often pays for it each time)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widgets import Footer

if TYPE_CHECKING:
    from textual.screen import Screen


class SteadyFooter(Footer):
    """Footer whose keys are recomposed only when the shown bindings differ from the last."""

    _shown: tuple[object, ...] | None = None

    def _signature(self, screen: Screen) -> tuple[object, ...]:
        return tuple(
            (binding.key, binding.action, binding.description, enabled, tooltip)
            for (_node, binding, enabled, tooltip) in screen.active_bindings.values()
            if binding.show
        )

    def bindings_changed(self, screen: Screen) -> None:
        """Recompose only when what the footer would show changed."""
        if self.is_attached and screen is self.screen and screen.app.app_focus:
            shown = self._signature(screen)
            if shown == self._shown:
                self._bindings_ready = True
                return
            self._shown = shown
        super().bindings_changed(screen)
