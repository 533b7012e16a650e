"""Filter bar: what the view is narrowed to, the row count, and the search box."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from itrac_tui.core.views import ViewSpec, normalise_ch99_token
from itrac_tui.tui.format import PROGRAM_SHORT, label, safe_text
from itrac_tui.tui.widgets.pathway_pane import SHORT_LABELS


def describe(spec: ViewSpec) -> list[str]:
    """Short phrases for each active filter."""
    parts: list[str] = []
    if spec.countries:
        parts.append("origin " + ",".join(spec.countries))
    if spec.ch99:
        tokens = (normalise_ch99_token(t) for t in spec.ch99)
        parts.append("ch99 " + ",".join(PROGRAM_SHORT.get(t, t) for t in tokens))
    if spec.statuses:
        parts.append("status " + ",".join(spec.statuses))
    if spec.pathways:
        parts.append("pathway " + ",".join(SHORT_LABELS.get(p, p) for p in spec.pathways))
    if spec.liquidated_from or spec.liquidated_to:
        lo = spec.liquidated_from.isoformat() if spec.liquidated_from else "…"
        hi = spec.liquidated_to.isoformat() if spec.liquidated_to else "…"
        parts.append(f"liquidated {lo}..{hi}")
    if spec.warnings_only:
        parts.append("warnings only")
    if spec.search:
        parts.append(f"search “{safe_text(spec.search)}”")
    if spec.sort:
        parts.append("sort " + ",".join(f"{label(c)}{' desc' if d else ''}" for c, d in spec.sort))
    return parts


class FilterBar(Static):
    """One line: active filters (or how to add them) and the row count."""

    DEFAULT_CSS = """
    FilterBar { height: 1; background: $panel; color: $text; padding: 0 1; }
    """

    def show(self, spec: ViewSpec, shown: int, total: int, busy: bool = False) -> None:
        """Update the bar for a view."""
        text = Text()
        count = f"{shown:,} of {total:,} lines" if spec.is_filtered() else f"{total:,} lines"
        text.append(count, "bold")
        if busy:
            text.append(" …", "dim")
        parts = describe(spec)
        if parts:
            text.append(" │ " + " · ".join(parts))
            text.append("  (x: clear)", "dim")
        else:
            text.append(
                " │ no filters — c origin · 9 ch99 · l status · d liq dates · p pathway", "dim"
            )
        text.no_wrap = True
        text.overflow = "ellipsis"
        self.update(text)
