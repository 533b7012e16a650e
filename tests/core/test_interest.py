"""Interest estimate (spec §10): daily compounding at the quarterly rates, exact to the cent."""

from __future__ import annotations

import csv
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from pathlib import Path

import polars as pl
import pytest

from itrac_tui.core.classify import classify
from itrac_tui.core.errors import RulesError
from itrac_tui.core.interest import (
    growth_factors,
    interest_by_pathway,
    interest_cents,
    interest_notice,
    missing_quarters,
    with_interest,
)
from itrac_tui.core.load import load_export
from itrac_tui.core.rates import CapeRules
from itrac_tui.core.rules import load_rules
from itrac_tui.core.summary import summarise

SIX = {(2025, q): Decimal(6) for q in (1, 2, 3, 4)} | {(2026, 1): Decimal(6)}


def by_hand(cents: int, periods: list[tuple[int, str, int]]) -> int:
    """cents x (prod (1 + rate/100/year_days)^days - 1), half-even to the cent."""
    with localcontext() as ctx:
        ctx.prec = 60
        factor = Decimal(1)
        for days, rate, year_days in periods:
            factor *= (1 + Decimal(rate) / 100 / year_days) ** days
        interest = Decimal(cents) * (factor - 1)
        return int(interest.to_integral_value(rounding=ROUND_HALF_EVEN))


def test_hand_computed_line_to_the_cent() -> None:
    # $10,000.00 deposited 2025-06-15, as of 2026-03-31: 289 days at 6 % (all quarters listed)
    days = (date(2026, 3, 31) - date(2025, 6, 15)).days
    assert days == 289
    expected = by_hand(1_000_000, [(289, "6", 365)])
    assert expected == 48_649  # $486.49 = 10,000 x ((1 + 0.06/365)^289 - 1)
    assert interest_cents(1_000_000, date(2025, 6, 15), date(2026, 3, 31), SIX) == expected


def test_rates_change_at_the_quarter() -> None:
    rates = {(2025, 4): Decimal(7), (2026, 1): Decimal("6.5")}
    # 2025-12-01 .. 2026-02-14: 31 days of Q4 at 7 %, 45 of Q1 at 6.5 %
    got = interest_cents(123_456_789, date(2025, 12, 1), date(2026, 2, 15), rates)
    assert got == by_hand(123_456_789, [(31, "7", 365), (45, "6.5", 365)])


def test_leap_years_divide_by_366() -> None:
    rates = {(2028, 1): Decimal(6)}
    got = interest_cents(1_000_000, date(2028, 1, 1), date(2028, 3, 1), rates)
    assert got == by_hand(1_000_000, [(60, "6", 366)])


def test_missing_quarter_carries_the_last_rate_forward() -> None:
    # 2026 Q2 has no rate: 6 % carries on
    got = interest_cents(1_000_000, date(2025, 10, 1), date(2026, 4, 20), SIX)
    assert got == by_hand(1_000_000, [(201, "6", 365)]) == 33_590
    assert missing_quarters(date(2025, 10, 1), date(2026, 4, 20), SIX) == [(2026, 2)]
    assert missing_quarters(date(2025, 10, 1), date(2026, 4, 1), SIX) == []


def test_no_interest_before_the_deposit_or_on_credits() -> None:
    assert interest_cents(1_000_000, date(2026, 5, 1), date(2026, 4, 20), SIX) == 0
    assert interest_cents(1_000_000, date(2026, 4, 20), date(2026, 4, 20), SIX) == 0
    credit = interest_cents(-1_000_000, date(2025, 6, 15), date(2026, 3, 31), SIX)
    assert credit == -48_649


def test_per_line_column_and_pathway_sums() -> None:
    cape = CapeRules(interest_rates={"corporate": SIX})
    lines = pl.DataFrame(
        {
            "pathway": ["cape_phase1", "cape_phase1", "cit", "cit"],
            "ieepa_duty_cents": [1_000_000, 1, 500_000, 700],
            "entry_date": [date(2025, 6, 15), date(2025, 6, 15), None, date(2025, 3, 1)],
            "entry_summary_date": [None, None, date(2025, 6, 15), None],  # deposit date wins
        }
    )
    out = with_interest(lines, cape, date(2026, 3, 31))
    half = by_hand(500_000, [(289, "6", 365)])
    small = by_hand(700, [((date(2026, 3, 31) - date(2025, 3, 1)).days, "6", 365)])
    assert out["interest_estimate_cents"].to_list() == [48_649, 0, half, small]
    assert interest_by_pathway(out) == {"cape_phase1": 48_649, "cit": half + small}


def test_no_deposit_date_no_estimate() -> None:
    lines = pl.DataFrame({"pathway": ["cit"], "ieepa_duty_cents": [100]})
    out = with_interest(lines, CapeRules(interest_rates={"corporate": SIX}), date(2026, 1, 1))
    assert out["interest_estimate_cents"].to_list() == [None]


def test_growth_factor_is_exact_decimal() -> None:
    g = growth_factors([date(2025, 6, 15)], date(2026, 3, 31), SIX)[date(2025, 6, 15)]
    assert isinstance(g, Decimal)
    with localcontext() as ctx:
        ctx.prec = 60
        assert abs(g - ((1 + Decimal("0.06") / 365) ** 289 - 1)) < Decimal("1e-40")


def test_rules_rates_basis_and_notice(tmp_path: Path) -> None:
    rules = load_rules()
    assert rules.cape.interest_basis == "corporate"
    assert rules.cape.quarter_rates()[(2025, 1)] == Decimal(6)
    assert rules.cape.quarter_rates("other")[(2026, 1)] == Decimal(7)
    override = tmp_path / "r.toml"
    override.write_text('[cape.interest]\nbasis = "other"\n', encoding="utf-8")
    other = load_rules(override)
    lines = pl.DataFrame({"ieepa_duty_cents": [1_000_000], "entry_date": [date(2025, 10, 1)]})
    notice = interest_notice(lines, other.cape, date(2026, 4, 20))
    assert notice is not None and "2026Q2" in notice.message and "7%" in notice.message
    assert interest_notice(lines, other.cape, date(2026, 3, 1)) is None
    bad = tmp_path / "bad.toml"
    bad.write_text('[cape.interest.corporate]\n"2025Q5" = "6"\n', encoding="utf-8")
    with pytest.raises(RulesError, match="2025Q5"):
        load_rules(bad)


def test_scan_json_interest_per_pathway(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["Entry Number", "Line Number", "Entry Date", "HTS Number", "Entered Value",
                    "Est. Duty", "Chapter 99 HTS", "IEEPA Duty Paid", "Liq Status"])  # fmt: skip
        w.writerow(["SP7-0000001-4", "1", "2025-06-15", "8479.89.9499", "50000.00", "0.00",
                    "9903.01.25", "10000.00", "UNL"])  # fmt: skip
    rules = load_rules()
    export = load_export([path], rules)
    lines = classify(export.lines, rules, date(2026, 3, 31))
    doc = summarise(lines, date(2026, 3, 31), export).to_json()
    assert doc["pathways"]["cape_phase1"]["interest_estimate"] == "486.49"
    assert doc["pathways"]["cit"]["interest_estimate"] == "0.00"
    assert lines["interest_estimate_cents"].to_list() == [48_649]
