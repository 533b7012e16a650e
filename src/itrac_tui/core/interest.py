"""Interest estimate (spec §10): IEEPA duty grown by the IRS overpayment rate, compounded daily.

From the deposit date (entry_summary_date, else entry_date) to as_of, each day accrues at the
rate of its calendar quarter divided by the days of its year (19 USC 1505(c), 19 CFR 24.36,
26 USC 6621/6622). Exact: the growth factor is computed with Decimal once per deposit date, and
each line's interest is cents x factor in 128-bit integers, rounded half-even to the cent.
It is an estimate (CBP computes the real figure); every place that shows it says so.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, Context, Decimal

import polars as pl

from itrac_tui.core.model import Warning_
from itrac_tui.core.queries import collected
from itrac_tui.core.rates import CapeRules

INTEREST_COLUMN = "interest_estimate_cents"
DEPOSIT_FIELDS: tuple[str, ...] = ("entry_summary_date", "entry_date")
_SCALE = 10**20  # growth factors are carried as integers of 1e-20
_CTX = Context(prec=60, rounding=ROUND_HALF_EVEN)


def quarter_of(day: date) -> tuple[int, int]:
    """(year, quarter) of a date."""
    return day.year, (day.month - 1) // 3 + 1


def _next_quarter(q: tuple[int, int]) -> tuple[int, int]:
    return (q[0] + 1, 1) if q[1] == 4 else (q[0], q[1] + 1)


def quarters_between(start: date, end: date) -> list[tuple[int, int]]:
    """The quarters the days start .. end-1 fall in (empty when end <= start)."""
    if end <= start:
        return []
    out, q, last = [], quarter_of(start), quarter_of(end - timedelta(days=1))
    while q <= last:
        out.append(q)
        q = _next_quarter(q)
    return out


def rate_for(
    quarter: tuple[int, int], rates: dict[tuple[int, int], Decimal]
) -> tuple[Decimal, bool]:
    """The rate (percent a year) of a quarter, and whether it was carried from another quarter
    (the last one before it; before the first listed, the first)."""
    if quarter in rates:
        return rates[quarter], False
    if not rates:
        return Decimal(0), True
    earlier = [q for q in rates if q < quarter]
    return rates[max(earlier) if earlier else min(rates)], True


def missing_quarters(
    start: date, end: date, rates: dict[tuple[int, int], Decimal]
) -> list[tuple[int, int]]:
    """Quarters between start and end that have no rate in the table."""
    return [q for q in quarters_between(start, end) if q not in rates]


def growth_factors(
    deposits: Iterable[date], as_of: date, rates: dict[tuple[int, int], Decimal]
) -> dict[date, Decimal]:
    """Factor - 1 by which duty deposited on each date has grown by as_of (0 from as_of on)."""
    wanted = sorted(set(deposits))
    out = {d: Decimal(0) for d in wanted if d >= as_of}
    past = [d for d in wanted if d < as_of]
    if not past:
        return out
    factor, day = Decimal(1), as_of
    daily: dict[tuple[int, int, int], Decimal] = {}  # (year, quarter, days in year) -> 1 + r/Y
    for deposit in reversed(past):  # one backward walk over the days, accumulating the product
        while day > deposit:
            day -= timedelta(days=1)
            q = quarter_of(day)
            year_days = 366 if calendar.isleap(day.year) else 365
            key = (*q, year_days)
            if key not in daily:
                rate = rate_for(q, rates)[0]
                daily[key] = _CTX.add(1, _CTX.divide(rate, Decimal(100 * year_days)))
            factor = _CTX.multiply(factor, daily[key])
        out[deposit] = _CTX.subtract(factor, 1)
    return out


def interest_cents(
    duty_cents: int, deposit: date, as_of: date, rates: dict[tuple[int, int], Decimal]
) -> int:
    """Interest on one amount (cents), rounded half-even to the cent (the per-line figure)."""
    grown = _scaled(growth_factors([deposit], as_of, rates)[deposit])
    return _round_half_even(duty_cents * grown, _SCALE)


def _scaled(growth: Decimal) -> int:
    return int(_CTX.multiply(growth, Decimal(_SCALE)).to_integral_value(ROUND_HALF_EVEN))


def _round_half_even(numerator: int, denominator: int) -> int:
    q, r = divmod(numerator, denominator)
    if 2 * r > denominator or (2 * r == denominator and q % 2):
        q += 1
    return q


def deposit_date_expr(columns: Iterable[str]) -> pl.Expr:
    """The deposit date of each line: entry_summary_date, else entry_date (those present)."""
    present = [c for c in DEPOSIT_FIELDS if c in set(columns)]
    if not present:
        return pl.lit(None, dtype=pl.Date)
    return pl.coalesce([pl.col(c).cast(pl.Date, strict=False) for c in present])


def with_interest(lines: pl.DataFrame, cape: CapeRules, as_of: date) -> pl.DataFrame:
    """Add interest_estimate_cents (Int64; null where the line has no deposit date)."""
    deposit = deposit_date_expr(lines.columns)
    dates = lines.select(deposit.alias("d")).get_column("d")
    distinct = dates.drop_nulls().unique()
    if distinct.len() == 0:
        return lines.with_columns(pl.lit(None, dtype=pl.Int64).alias(INTEREST_COLUMN))
    factors = growth_factors(distinct.to_list(), as_of, cape.quarter_rates())
    table = pl.DataFrame(
        {
            "_dep": list(factors),
            "_k": pl.Series([_scaled(g) for g in factors.values()], dtype=pl.Int128),
        }
    )
    k = (
        dates.to_frame("_dep")
        .join(table, on="_dep", how="left", maintain_order="left")
        .get_column("_k")
    )
    scale = pl.lit(_SCALE, dtype=pl.Int128)
    product = pl.col("ieepa_duty_cents").cast(pl.Int128) * pl.col("_k")
    q, r = product // scale, product % scale  # floor division: 0 <= r < scale
    up = (2 * r > scale) | ((2 * r == scale) & (q % 2 == 1))
    interest = (q + up.cast(pl.Int128)).cast(pl.Int64)
    # the product and its quotient are shared by the rounding: computed once in a query
    added = lines.lazy().with_columns(k.alias("_k")).with_columns(interest.alias(INTEREST_COLUMN))
    return collected(added.drop("_k"))


def interest_notice(lines: pl.DataFrame, cape: CapeRules, as_of: date) -> Warning_ | None:
    """A warning when the lines' interest periods cross quarters with no rate in the rules."""
    if lines.height == 0:
        return None
    first = lines.select(deposit_date_expr(lines.columns).min()).item()
    if first is None:
        return None
    rates = cape.quarter_rates()
    gaps = missing_quarters(first, as_of, rates)
    if not gaps:
        return None
    names = [f"{y}Q{q}" for y, q in gaps]
    shown = ", ".join(names[:4]) + (f" (+{len(names) - 4} more)" if len(names) > 4 else "")
    carried = {f"{rate_for(q, rates)[0]}%" for q in gaps}
    return Warning_(
        "interest_rate_carried",
        len(gaps),
        f"interest estimate: no {cape.interest_basis} rate in the rules for {shown}; "
        f"carried {', '.join(sorted(carried))} forward (add [cape.interest] rates to fix)",
    )


def interest_by_pathway(lines: pl.DataFrame) -> dict[str, int]:
    """Interest estimate (cents) per pathway: the sum of the lines' own estimates."""
    if INTEREST_COLUMN not in lines.columns:
        return {}
    grouped = lines.group_by("pathway").agg(pl.col(INTEREST_COLUMN).sum())
    return {p: int(c or 0) for p, c in grouped.iter_rows()}


__all__ = [
    "INTEREST_COLUMN",
    "deposit_date_expr",
    "growth_factors",
    "interest_by_pathway",
    "interest_cents",
    "interest_notice",
    "missing_quarters",
    "quarters_between",
    "rate_for",
    "with_interest",
]
