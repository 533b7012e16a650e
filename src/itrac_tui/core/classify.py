"""The refund pathway of each line as of a date (spec §7), vectorised."""

from __future__ import annotations

from datetime import date

import polars as pl

from itrac_tui.core.rules import Rules


def pathway_expr(rules: Rules, as_of: date) -> pl.Expr:
    """Pathway id of each line, in the spec's order of checks (no status at all -> review)."""
    status = pl.col("liquidation_status")
    days = days_since_expr(as_of)
    liquidated = status.is_in(["LIQ", "RLQ"])
    zero = pl.col("ieepa_duty_cents") == 0
    blank = pl.col("warnings").list.contains("blank_ieepa_duty")
    pool = (
        pl.when(pl.col("entry_type").is_in(list(rules.excluded_entry_types)))
        .then(pl.lit("review"))
        .when(status == "SUS")
        .then(pl.lit("hold"))
        .when(status.is_in(["UNL", "EXT"]))
        .then(pl.lit("cape_phase1"))
        .when(liquidated & pl.col("liquidation_date").is_null())
        .then(pl.lit("review"))
        .when(liquidated & (days <= rules.phase1_days))
        .then(pl.lit("cape_phase1"))
        .when(liquidated & (days <= rules.protest_days))
        .then(pl.lit("protest"))
        .when(liquidated)
        .then(pl.lit("cit"))
        .otherwise(pl.lit("review"))
    )
    return (
        pl.when(~pl.col("has_ieepa"))
        .then(pl.lit("not_ieepa"))
        .when(zero & blank)
        .then(pl.lit("review"))
        .when(zero & pl.col("has_stacking"))
        .then(pl.lit("stacked_zero"))
        .when(zero)
        .then(pl.lit("zero_duty"))
        .otherwise(pool)
    )


def days_since_expr(as_of: date) -> pl.Expr:
    """Days from liquidation to as_of; a future liquidation date counts as 0."""
    days = (pl.lit(as_of) - pl.col("liquidation_date")).dt.total_days()
    return pl.when(days < 0).then(0).otherwise(days).cast(pl.Int64)


def classify(lines: pl.DataFrame, rules: Rules, as_of: date) -> pl.DataFrame:
    """Add pathway, days_since_liquidation, protest_deadline and days_left to the lines."""
    liquidated = pl.col("liquidation_status").is_in(["LIQ", "RLQ"])
    deadline = pl.when(liquidated).then(
        pl.col("liquidation_date") + pl.duration(days=rules.protest_days)
    )
    return lines.with_columns(
        pathway_expr(rules, as_of).alias("pathway"),
        days_since_expr(as_of).alias("days_since_liquidation"),
        deadline.alias("protest_deadline"),
    ).with_columns(
        (pl.col("protest_deadline") - pl.lit(as_of))
        .dt.total_days()
        .cast(pl.Int64)
        .alias("days_left"),
    )
