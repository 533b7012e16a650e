"""Deadlines by week: each line's own deadline (Phase 1, protest, CIT) rolled up per week."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

import polars as pl

from itrac_tui.core.breakdown import distinct_key

# (kind, pathway, deadline column): a line's own deadline is the column of its pathway.
DEADLINE_KINDS: tuple[tuple[str, str, str], ...] = (
    ("phase1", "cape_phase1", "phase1_until"),
    ("protest", "protest", "protest_deadline"),
    ("cit", "cit", "cit_deadline"),
)
KIND_LABELS: dict[str, str] = {
    "phase1": "Phase 1 closes",
    "protest": "Protest due",
    "cit": "CIT due (est.)",
}
DEADLINE = "deadline"  # the line's own deadline (Date), added by with_deadline


def own_deadline_expr(names: Iterable[str]) -> pl.Expr:
    """The line's own deadline: phase1_until / protest_deadline / cit_deadline by pathway.

    `names` are the frame's columns: a deadline column not (yet) on the frame gives null."""
    have = set(names)
    if DEADLINE in have:
        return pl.col(DEADLINE)
    expr: pl.Expr = pl.lit(None, pl.Date)
    for _kind, pathway, column in reversed(DEADLINE_KINDS):
        if column in have:
            expr = pl.when(pl.col("pathway") == pathway).then(pl.col(column)).otherwise(expr)
    return expr.alias(DEADLINE)


def deadline_kind_expr() -> pl.Expr:
    """Which deadline a line's own deadline is (phase1 / protest / cit), null for the rest."""
    expr: pl.Expr = pl.lit(None, pl.String)
    for kind, pathway, _column in reversed(DEADLINE_KINDS):
        expr = pl.when(pl.col("pathway") == pathway).then(pl.lit(kind)).otherwise(expr)
    return expr


def with_deadline(lines: pl.DataFrame) -> pl.DataFrame:
    """The lines with a `deadline` column (the line's own), unless they already have one."""
    if DEADLINE in lines.columns or "pathway" not in lines.columns:
        return lines
    return lines.with_columns(own_deadline_expr(lines.columns))


def week_start(day: date) -> date:
    """Monday of the week holding `day`."""
    return day - timedelta(days=day.weekday())


def weekly_deadlines(
    lines: pl.DataFrame | pl.LazyFrame,
    as_of: date,
    weeks: int = 12,
    entry_key: str = "entry_number",
) -> pl.DataFrame:
    """One row per week from as_of's week (plus `overdue` before it and `later` after the last):
    bucket, first and last day, then per kind (phase1, protest, cit) entries and IEEPA cents,
    and the week's lines, entries and cents. Lines without an own deadline are left out."""
    first = week_start(as_of)
    last = first + timedelta(weeks=weeks)
    schema = lines.collect_schema()
    frame = (
        lines.lazy()
        .select(
            own_deadline_expr(schema.names()).alias("__d"),
            deadline_kind_expr().alias("kind"),
            distinct_key(entry_key, schema).alias("entry"),
            pl.col("ieepa_duty_cents"),
        )
        .filter(pl.col("__d").is_not_null() & pl.col("kind").is_not_null())
    )
    days = (pl.col("__d") - pl.lit(first)).dt.total_days()
    frame = frame.with_columns(
        pl.when(days < 0)
        .then(-1)
        .when(pl.col("__d") >= pl.lit(last))
        .then(weeks)
        .otherwise(days // 7)
        .cast(pl.Int32)
        .alias("week")
    )
    by_kind, by_week = pl.collect_all(
        [
            frame.group_by("week", "kind").agg(
                pl.col("entry").n_unique().alias("entries"),
                pl.col("ieepa_duty_cents").sum().alias("cents"),
            ),
            frame.group_by("week").agg(
                pl.len().alias("lines"),
                pl.col("entry").n_unique().alias("entries"),
                pl.col("ieepa_duty_cents").sum().alias("cents"),
            ),
        ]
    )
    kinds = {(w, k): (e, c) for w, k, e, c in by_kind.iter_rows()}
    totals = {w: (n, e, c) for w, n, e, c in by_week.iter_rows()}
    rows: list[dict[str, object]] = []
    for week in range(-1, weeks + 1):
        if week == -1:
            bucket, lo, hi = "overdue", None, first - timedelta(days=1)
        elif week == weeks:
            bucket, lo, hi = "later", last, None
        else:
            lo = first + timedelta(weeks=week)
            bucket, hi = lo.isoformat(), lo + timedelta(days=6)
        row: dict[str, object] = {"bucket": bucket, "start": lo, "end": hi}
        for kind, _p, _c in DEADLINE_KINDS:
            e, c = kinds.get((week, kind), (0, 0))
            row[f"{kind}_entries"] = int(e)
            row[f"{kind}_cents"] = int(c or 0)
        n, e, c = totals.get(week, (0, 0, 0))
        row.update(lines=int(n), entries=int(e), cents=int(c or 0))
        rows.append(row)
    out_schema: dict[str, pl.DataType | type[pl.DataType]] = {
        "bucket": pl.String,
        "start": pl.Date,
        "end": pl.Date,
    }
    for kind, _p, _c in DEADLINE_KINDS:
        out_schema[f"{kind}_entries"] = pl.Int64
        out_schema[f"{kind}_cents"] = pl.Int64
    for name in ("lines", "entries", "cents"):
        out_schema[name] = pl.Int64
    return pl.DataFrame(rows, schema=out_schema, orient="row")


def soonest(lines: pl.DataFrame, kind: str, n: int = 5) -> pl.DataFrame:
    """The `n` entries whose `kind` deadline comes first: entry_number, deadline, cents."""
    pathway, column = next((p, c) for k, p, c in DEADLINE_KINDS if k == kind)
    if column not in lines.columns:
        return pl.DataFrame(
            schema={"entry_number": pl.String, DEADLINE: pl.Date, "ieepa_duty_cents": pl.Int64}
        )
    return (
        lines.filter((pl.col("pathway") == pathway) & pl.col(column).is_not_null())
        .group_by(pl.col("entry_number").cast(pl.String))
        .agg(pl.col(column).min().alias(DEADLINE), pl.col("ieepa_duty_cents").sum())
        .sort(DEADLINE, "entry_number")
        .head(n)
    )


__all__ = [
    "DEADLINE",
    "DEADLINE_KINDS",
    "KIND_LABELS",
    "deadline_kind_expr",
    "own_deadline_expr",
    "soonest",
    "week_start",
    "weekly_deadlines",
    "with_deadline",
]
