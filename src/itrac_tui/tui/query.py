"""The views the TUI shows, as core calls: apply_view (lazily, projecting only what is needed),
summarise, and row fetching by line id. No Textual here."""

from __future__ import annotations

from dataclasses import replace

import polars as pl

from itrac_tui.core.views import ViewSpec, apply_view

ENTRY_KEY = "__entry_key"  # entry number as Categorical: fast distinct counts for the pane
SUMMARY_COLUMNS: tuple[str, ...] = (
    "line_id",
    "entry_number",
    "pathway",
    "ieepa_duty_cents",
    "warnings",
    "protest_deadline",
    "days_left",
    "reason",
    "phase1_until",
    "cit_deadline",
    "deadline",
    "liquidation_status",
    "interest_estimate_cents",  # §10 estimate (pane)
    "claim_status",  # only with claim results (pane: claimed vs not yet claimed)
)


def prepare(lines: pl.DataFrame) -> pl.DataFrame:
    """Classified lines plus the line's own deadline and a Categorical entry key (row i must be
    line_id i)."""
    from itrac_tui.core.calendar import with_deadline

    if lines.height and (
        lines.item(0, "line_id") != 0 or lines.item(-1, "line_id") != lines.height - 1
    ):
        lines = lines.sort("line_id")
    return with_deadline(lines).with_columns(
        pl.col("entry_number").cast(pl.Categorical).alias(ENTRY_KEY)
    )


def _lazy_view(base: pl.DataFrame, spec: ViewSpec, text_columns: list[str]) -> pl.LazyFrame:
    return apply_view(base.lazy(), spec, text_columns)


def view_frame(base: pl.DataFrame, spec: ViewSpec, text_columns: list[str]) -> pl.DataFrame:
    """The view's lines (filtered, sorted by core.views.apply_view), only the summary columns."""
    lazy = _lazy_view(base, spec, text_columns)
    key = ENTRY_KEY if ENTRY_KEY in base.columns else "entry_number"
    cols = [
        pl.col(key).alias("entry_number") if c == "entry_number" else pl.col(c)
        for c in SUMMARY_COLUMNS
        if c in base.columns
    ]
    return lazy.select(cols).collect()


def column_values(
    base: pl.DataFrame, spec: ViewSpec, text_columns: list[str], column: str
) -> pl.DataFrame:
    """One column of the lines matching `spec` (for the pickers' counts)."""
    return _lazy_view(base, replace(spec, sort=()), text_columns).select(column).collect()


def rows_of(lines: pl.DataFrame, ids: pl.Series | None) -> pl.DataFrame:
    """Full rows of the view, in view order (ids None: every line in file order)."""
    frame = lines.drop(ENTRY_KEY, strict=False)
    return frame if ids is None else frame[ids]


def prime(base: pl.DataFrame) -> None:
    """Run every kind of filter once on a few rows, so the user's first filter is not cold."""
    from datetime import date

    from itrac_tui.core.summary import summarise

    head = base.head(2000)
    spec = ViewSpec(
        countries=("CN",),
        ch99=("ieepa_reciprocal", "9903.01"),
        statuses=("LIQ",),
        pathways=("protest",),
        liquidated_from=date(2000, 1, 1),
        liquidated_to=date(2100, 1, 1),
        sort=(("ieepa_duty_cents", True),),
    )
    for s in (spec, ViewSpec(countries=("CN",))):
        view = view_frame(head, s, [])
        summarise(view, date(2000, 1, 1))
        soonest_deadlines(view)


def soonest_deadlines(view: pl.DataFrame, n: int = 5) -> dict[str, pl.DataFrame]:
    """The entries whose Phase 1, protest and CIT deadlines come first (for the pane)."""
    from itrac_tui.core.calendar import DEADLINE_KINDS, soonest

    return {kind: soonest(view, kind, n) for kind, _p, _c in DEADLINE_KINDS}
