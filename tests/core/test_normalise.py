"""Normalisers (spec §4-§5): examples and properties."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from itrac_tui.core import normalise as nz
from itrac_tui.core.money import format_cents, format_dollars, parse_cents


def _one(expr_fn, value):
    return pl.select(expr_fn(pl.lit(value, dtype=pl.String))).item()


@pytest.mark.parametrize(
    ("text", "cents"),
    [
        ("$1,234.56", 123456),
        ("1234.56", 123456),
        ("-$1,234.56", -123456),
        ("($1,234.56)", -123456),
        ("$-5.00", -500),
        ("5.00-", -500),
        ("0.01", 1),
        (".5", 50),
        ("12", 1200),
        ("24849.999999999996", 2485000),  # an Excel float artefact
        ("", None),
        ("   ", None),
        (None, None),
    ],
)
def test_money_examples(text: str | None, cents: int | None) -> None:
    assert _one(nz.money_cents, text) == cents
    assert _one(nz.money_invalid, text) is False


@pytest.mark.parametrize(
    "text", ["N/A", "#VALUE!", "abc", "$", "-", "1.2.3", "12 dollars", "10,00", "1,2345.00"]
)
def test_not_money_is_invalid_not_zero(text: str) -> None:
    assert _one(nz.money_cents, text) is None
    assert _one(nz.money_invalid, text) is True
    df = nz.with_money(pl.DataFrame({"m": [text]}), "m", "c", "bad")
    assert df.row(0) == (text, None, True)


def _check_ok(text: str) -> bool:
    return nz.check_digit_ok(pl.select(nz.entry_compact(pl.lit(text))).to_series()).item()


def _forms(cents: int) -> list[str]:
    whole, frac = divmod(abs(cents), 100)
    plain = f"{whole}.{frac:02d}"
    grouped = f"{whole:,}.{frac:02d}"
    if cents < 0:
        return [f"-{plain}", f"-${grouped}", f"(${grouped})", f"({plain})", f"{plain}-"]
    return [plain, f"${grouped}", f" {grouped} "]


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=-(10**13), max_value=10**13))
def test_money_round_trips_in_every_form(cents: int) -> None:
    forms = _forms(cents)
    got = pl.select(nz.money_cents(pl.Series(forms, dtype=pl.String))).to_series().to_list()
    assert got == [cents] * len(forms)
    staged = nz.with_money(pl.DataFrame({"m": forms}), "m", "c", "bad")
    assert staged.get_column("c").to_list() == [cents] * len(forms)
    assert not staged.get_column("bad").any()
    assert parse_cents(format_cents(cents)) == cents
    assert Decimal(format_cents(cents)) == Decimal(cents) / 100


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=12))
def test_money_never_raises_and_is_exact_or_flagged(text: str) -> None:
    value = pl.lit(text, dtype=pl.String)
    both = pl.select(nz.money_cents(value).alias("c"), nz.money_invalid(value).alias("b"))
    cents, bad = both.row(0)
    assert not (cents is not None and bad)
    if text.strip() and cents is None:
        assert bad


def test_format_dollars() -> None:
    assert format_dollars(-123456) == "-$1,234.56"
    assert format_cents(-5) == "-0.05"


def _check_digit(filer: str, seq: str) -> str:
    table = {str(d): d for d in range(10)}
    table.update({chr(65 + i): i + 1 for i in range(9)})
    table.update({chr(74 + i): i + 1 for i in range(9)})
    table.update({chr(83 + i): i + 2 for i in range(8)})
    digits = [table[c] for c in filer + seq]
    total = 0
    for pos, d in enumerate(reversed(digits)):
        if pos % 2 == 0:
            d *= 2
            d = d - 9 if d > 9 else d
        total += d
    return str((10 - total % 10) % 10)


@pytest.mark.parametrize(
    "entry", ["ABC-1234567-6", "SP7-0000001-4", "ABC12345676", "abc 1234567 6"]
)
def test_valid_entry_numbers(entry: str) -> None:
    assert _check_ok(entry) is True
    assert _one(nz.entry_number, entry) in ("ABC-1234567-6", "SP7-0000001-4")


@pytest.mark.parametrize(
    ("cell", "entry"),
    [
        ("1234567897", "012-3456789-7"),  # a numeric filer code 012 read as a number
        ("1234567890", None),  # its check digit would not verify: not restored
        ("123456789", None),
        ("12-3456789-7", None),  # written with dashes: not a number that lost a zero
    ],
)
def test_entry_number_that_lost_its_leading_zeros(cell: str, entry: str | None) -> None:
    assert _one(nz.entry_number, cell) == entry


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=3, max_size=3),
    st.text(alphabet="0123456789", min_size=7, max_size=7),
    st.booleans(),
)
def test_entry_number_property(filer: str, seq: str, dashed: bool) -> None:
    check = _check_digit(filer, seq)
    text = f"{filer}-{seq}-{check}" if dashed else f"{filer}{seq}{check}"
    assert _one(nz.entry_number, text) == f"{filer}-{seq}-{check}"
    assert _check_ok(text) is True
    wrong = str((int(check) + 1) % 10)
    assert _check_ok(f"{filer}{seq}{wrong}") is False


@pytest.mark.parametrize("text", ["3.16123E+10", "3E+10", "1.5e10"])
def test_scientific_entry_numbers_detected(text: str) -> None:
    assert _one(nz.entry_scientific, text) is True
    assert _one(nz.entry_number, text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("02/15/2026", date(2026, 2, 15)),
        ("2026-02-15", date(2026, 2, 15)),
        ("20260215", date(2026, 2, 15)),
        ("46068", date(2026, 2, 15)),
        ("2026-02-15 00:00:00", date(2026, 2, 15)),
        ("02/15/2026 13:45", date(2026, 2, 15)),  # a typed date-time saved as text
        ("2/15/2026 1:45:07 PM", date(2026, 2, 15)),
        ("02/15/2026 junk", None),
        ("", None),
    ],
)
def test_dates(text: str, expected: date | None) -> None:
    assert _one(nz.parse_date, text) == expected


@pytest.mark.parametrize(
    ("text", "digits", "shown"),
    [
        ("99030124", "99030124", "9903.01.24"),
        ("8479899499", "8479899499", "8479.89.9499"),
        ("901210020", "0901210020", "0901.21.0020"),
        ("0901.21.0020", "0901210020", "0901.21.0020"),
        ("9012100", "09012100", "0901.21.00"),  # an 8-digit code read as a number
        ("9802.00.8068", "9802008068", "9802.00.8068"),
    ],
)
def test_hts(text: str, digits: str, shown: str) -> None:
    d = _one(nz.hts_digits, text)
    assert d == digits
    is_ch99 = pl.select(nz.is_ch99_digits(pl.lit(d))).item()
    disp = pl.select((nz.ch99_display if is_ch99 else nz.hts_display)(pl.lit(d))).item()
    assert disp == shown


@pytest.mark.parametrize(
    ("text", "a2"), [("CHN", "CN"), ("MEX", "MX"), ("CAN", "CA"), ("cn", "CN"), ("XXX", None)]
)
def test_countries(text: str, a2: str | None) -> None:
    assert _one(nz.country_alpha2, text) == a2


def test_statuses() -> None:
    from itrac_tui.core.rules import load_rules

    words = load_rules().status_words
    values = ["unl", "Liquidated", "RLQ", "suspended", "Extended", "weird"]
    got = pl.select(nz.liquidation_status(pl.Series(values), words)).to_series().to_list()
    assert got == ["UNL", "LIQ", "RLQ", "SUS", "EXT", "weird"]


def test_check_digit_needs_digits_where_digits_go() -> None:
    """Letters where the 7 digits belong never pass, even with a check digit of 0 (an all-blank
    sum used to count as 0); each valid entry number still passes, each off-by-one fails."""
    assert not _check_ok("ABC-DEFGHIJ-0")
    assert not _check_ok("ABC-12E4567-0")
    assert not _check_ok("A+C-1234567-0")
    ten = "3161234567"
    share = sum(nz._luhn(int(ch), i) for i, ch in enumerate(ten))
    valid = ten + str((10 - share % 10) % 10)
    assert _check_ok(valid)
    assert not _check_ok(valid[:10] + str((int(valid[10]) + 1) % 10))
