"""Filter bar: what the view is narrowed to, the row count, and the search box."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from itrac_tui.core.model import Warning_
from itrac_tui.core.views import ViewSpec, normalise_ch99_token
from itrac_tui.tui.format import PROGRAM_SHORT, SHORT_LABELS, label, safe_text


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
    if spec.reasons:
        parts.append("reason " + ",".join(safe_text(r) for r in spec.reasons))
    if spec.warning_codes:
        from itrac_tui.core.preflight import PREFLIGHT_WARNINGS

        if set(spec.warning_codes) == set(PREFLIGHT_WARNINGS):
            parts.append("CAPE may reject")
        else:
            parts.append("warning " + ",".join(safe_text(w) for w in spec.warning_codes))
    if spec.claim_statuses:
        parts.append("claim " + ",".join(safe_text(c) for c in spec.claim_statuses))
    if spec.entries:
        first = safe_text(spec.entries[0])
        parts.append(
            f"entries {first}" + (f" +{len(spec.entries) - 1}" if len(spec.entries) > 1 else "")
        )
    for dimension, key in spec.groups:
        name = dimension.split(":", 1)[1] if dimension.startswith("column:") else dimension
        parts.append(f"{safe_text(name)} = {safe_text(key) or '(blank)'}")
    if spec.deadline_from or spec.deadline_to:
        lo = spec.deadline_from.isoformat() if spec.deadline_from else "…"
        hi = spec.deadline_to.isoformat() if spec.deadline_to else "…"
        parts.append(f"deadline {lo}..{hi}")
    if spec.due_within is not None:
        parts.append(f"due within {spec.due_within} days")
    if spec.sort:
        parts.append("sort " + ",".join(f"{label(c)}{' desc' if d else ''}" for c, d in spec.sort))
    return parts


class FilterBar(Static):
    """One line: active filters (or how to add them) and the row count."""

    DEFAULT_CSS = """
    FilterBar { height: 1; background: $panel; color: $text; padding: 0 1;
                text-wrap: nowrap; text-overflow: ellipsis; }
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


NOTICE_TEXT: dict[str, str] = {
    "no_liquidation_columns": "No Liquidation Status/Date columns: every IEEPA line is in review"
    " — add them to the ES-003 report in ACE Reports (Modify Report > Columns)",
    "rollup_only": "Only entry-level roll-ups in this file: refund work needs line detail (ES-003)",
}


class NoticeBar(Static):
    """The load summary in one line, then what the user must know about the export (stays
    until the next load)."""

    DEFAULT_CSS = """
    NoticeBar { height: auto; max-height: 3; background: $panel; color: $text;
                padding: 0 1; display: none; text-wrap: nowrap; text-overflow: ellipsis; }
    NoticeBar.visible { display: block; }
    NoticeBar.warn { background: $warning 30%; }
    """

    def show_notices(self, notices: tuple[Warning_, ...], loaded: str = "") -> None:
        """The load line and one line per notice that needs attention; hidden when neither."""
        lines = [NOTICE_TEXT[n.code] for n in notices if n.code in NOTICE_TEXT]
        rejected = sum(n.count for n in notices if n.code == "rejected")
        if rejected:
            lines.append(f"{rejected:,} row(s) rejected — j shows them and why")
        text = Text(no_wrap=True, overflow="ellipsis")
        if loaded:
            text.append(loaded)
        for line in lines:
            text.append(("\n" if text.plain else "") + f"⚠ {line}")
        self.update(text)
        self.set_class(bool(lines), "warn")
        self.set_class(bool(lines or loaded), "visible")
