"""Pre-flight checks (spec §10): lines CAPE may reject. Warnings only; never change a pathway.

- `code_not_in_force`: an IEEPA code on an entry dated outside every period of its heading in the
  rules' rate table (CAPE answers "INVALID HTS").
- `rate_outlier`: the code's duty / the line's entered value further than the tolerance from the
  table's rate for that date (partial-value headings skipped).
- `value_on_ieepa_row`: a separate IEEPA Chapter 99 row carrying a goods value.
The table is checked once per distinct (code, date) pair, then joined back to the components.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import polars as pl

from itrac_tui.core.queries import collected
from itrac_tui.core.rates import CapeRules

PREFLIGHT_WARNINGS: tuple[str, ...] = ("code_not_in_force", "rate_outlier", "value_on_ieepa_row")
PREFLIGHT_MESSAGES: dict[str, str] = {
    "code_not_in_force": "IEEPA code not in force on the entry date (CAPE: INVALID HTS)",
    "rate_outlier": "IEEPA duty / entered value far from the code's rate on that date",
    "value_on_ieepa_row": "goods value on an IEEPA Chapter 99 row (should be $0 or blank)",
}
DATE_FIELDS: tuple[str, ...] = ("entry_date", "entry_summary_date")
_RATE_SCALE = 1_000_000  # rates and tolerance as integers of 1e-6 percent


def _scaled(value: Decimal) -> int:
    return int((value * _RATE_SCALE).to_integral_value())


def _table_columns(cape: CapeRules, code: pl.Expr, day: pl.Expr) -> list[pl.Expr]:
    """_listed, _in_force, _partial and _rate_e6 of each (8-digit code, date)."""
    listed: list[pl.Expr] = []
    in_force: list[pl.Expr] = []
    partial: list[pl.Expr] = []
    chain: Any = None
    for h in cape.headings:
        match = code.is_between(pl.lit(h.low), pl.lit(h.high))
        listed.append(match)
        if h.partial:
            partial.append(match)
        for p in h.periods:
            inside = match & day.is_between(pl.lit(p.start), pl.lit(p.end))
            in_force.append(inside)
            if p.rate is None or h.partial:
                continue
            value = pl.lit(_scaled(p.rate), dtype=pl.Int64)
            chain = pl.when(inside).then(value) if chain is None else chain.when(inside).then(value)
    rate = chain.otherwise(None) if chain is not None else pl.lit(None, dtype=pl.Int64)

    def anyof(exprs: list[pl.Expr]) -> pl.Expr:
        return pl.any_horizontal(exprs).fill_null(False) if exprs else pl.lit(False)

    return [
        anyof(listed).alias("_listed"),
        anyof(in_force).alias("_in_force"),
        anyof(partial).alias("_partial"),
        rate.cast(pl.Int64).alias("_rate_e6"),
    ]


def _line_dates(lines: pl.DataFrame) -> pl.Expr:
    present = [c for c in DATE_FIELDS if c in lines.columns]
    if not present:
        return pl.lit(None, dtype=pl.Date)
    return pl.coalesce([pl.col(c).cast(pl.Date, strict=False) for c in present])


def preflight_flags(lines: pl.DataFrame, components: pl.DataFrame, cape: CapeRules) -> pl.DataFrame:
    """line_id with a bool column per pre-flight warning, for the lines that have any."""
    empty = pl.DataFrame(
        {
            "line_id": pl.Series([], dtype=pl.UInt32),
            **{w: pl.Series([], dtype=pl.Boolean) for w in PREFLIGHT_WARNINGS},
        }
    )
    comps = components.filter(pl.col("ieepa"))
    if comps.height == 0 or lines.height == 0:
        return empty
    facts = lines.select(
        pl.col("line_id").cast(pl.UInt32),
        _line_dates(lines).alias("_day"),
        pl.col("entered_value_cents").alias("_line_value"),
    )
    comps = comps.select(
        pl.col("line_id").cast(pl.UInt32),
        pl.col("ch99_code").str.replace_all(".", "", literal=True).alias("_code"),
        "duty_cents",
        (
            pl.col("entered_value_cents")
            if "entered_value_cents" in components.columns
            else pl.lit(None, dtype=pl.Int64)
        ).alias("_row_value"),
    ).join(facts, on="line_id", how="left")
    pairs = comps.select("_code", "_day").unique()
    # each heading's match is shared by its checks: computed once in a query
    pairs = collected(
        pairs.lazy().with_columns(_table_columns(cape, pl.col("_code"), pl.col("_day")))
    )
    comps = comps.join(pairs, on=["_code", "_day"], how="left", nulls_equal=True)
    tol = pl.lit(_scaled(cape.rate_tolerance), dtype=pl.Int128)
    value = pl.col("_line_value").cast(pl.Int128)
    # |duty / value x 100 - rate| > tol in integers: |duty x 1e8 - rate_e6 x value| > tol_e6 x value
    duty_e8 = pl.col("duty_cents").cast(pl.Int128) * (100 * _RATE_SCALE)
    gap = duty_e8 - pl.col("_rate_e6").cast(pl.Int128) * value
    checks = {
        "code_not_in_force": pl.col("_listed")
        & pl.col("_day").is_not_null()
        & ~pl.col("_in_force"),
        "rate_outlier": (
            pl.col("_in_force")
            & ~pl.col("_partial")
            & pl.col("_rate_e6").is_not_null()
            & (pl.col("duty_cents").fill_null(0) != 0)
            & (pl.col("_line_value").fill_null(0) > 0)
            & (gap.abs() > tol * value)
        ),
        "value_on_ieepa_row": pl.col("_row_value").fill_null(0) != 0,
    }
    flags = comps.group_by("line_id").agg(
        [expr.fill_null(False).any().alias(name) for name, expr in checks.items()]
    )
    return flags.filter(pl.any_horizontal(list(PREFLIGHT_WARNINGS)))


def with_preflight(lines: pl.DataFrame, components: pl.DataFrame, cape: CapeRules) -> pl.DataFrame:
    """The lines with their pre-flight warning codes appended to `warnings`."""
    flags = preflight_flags(lines, components, cape)
    if flags.height == 0:
        return lines
    codes = flags.select(
        "line_id",
        pl.concat_list([pl.when(pl.col(w)).then(pl.lit(w)) for w in PREFLIGHT_WARNINGS])
        .list.drop_nulls()
        .alias("_pre"),
    )
    # the lists are rebuilt for the flagged lines only, then joined back
    flagged = lines.select("line_id", "warnings").join(codes, on="line_id", how="inner")
    merged = flagged.select("line_id", pl.concat_list("warnings", "_pre").alias("_pre"))
    out = lines.join(merged, on="line_id", how="left", maintain_order="left")
    return out.with_columns(pl.coalesce("_pre", "warnings").alias("warnings")).drop("_pre")


def may_reject_expr() -> pl.Expr:
    """Lines carrying a pre-flight warning: the ones CAPE may reject."""
    return (
        pl.col("warnings")
        .list.eval(pl.element().is_in(list(PREFLIGHT_WARNINGS)))
        .list.any()
        .fill_null(False)
    )


__all__ = [
    "PREFLIGHT_MESSAGES",
    "PREFLIGHT_WARNINGS",
    "may_reject_expr",
    "preflight_flags",
    "with_preflight",
]
