"""The one money parser (core.money): exact against a Decimal reference, rejects with reasons."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from itrac_tui.core import money
from itrac_tui.core.errors import InputError


def _parse(values: list[str | None]) -> list[tuple[int | None, str | None, bool]]:
    cents, reason, rounded = money.parse_money(pl.Series(values, dtype=pl.String))
    return list(zip(cents.to_list(), reason.to_list(), rounded.to_list(), strict=True))


def _reference(d: Decimal) -> tuple[int, bool]:
    """Cents of a Decimal by the rules: half-even to the cent; rounded when digits are lost."""
    q = d.quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)
    return int(q * 100), q != d


def _render(d: Decimal, form: int, places: int) -> str:
    mag = abs(d)
    whole = int(mag)
    text = f"{mag:.{places}f}"
    frac = text.partition(".")[2]
    grouped = f"{whole:,}" + (f".{frac}" if places else "")
    plain = f"{whole}" + (f".{frac}" if places else "")
    neg = d < 0
    forms = [
        ("-" if neg else "") + plain,
        ("-$" if neg else "$") + grouped,
        (f"(${grouped})" if neg else f" ${grouped} "),
        (f"{grouped}-" if neg else f"+{plain}"),
        (f"{plain} CR" if neg else f"USD {plain}"),
        ("$-" if neg else "$") + plain,
    ]
    return forms[form % len(forms)]


@settings(max_examples=400, deadline=None)
@given(
    st.integers(min_value=-(10**15), max_value=10**15),
    st.integers(min_value=0, max_value=6),
    st.integers(min_value=0, max_value=5),
)
def test_exact_against_decimal_reference(units: int, places: int, form: int) -> None:
    d = Decimal(units).scaleb(-places)
    text = _render(d, form, places)
    expected, was_rounded = _reference(Decimal(f"{d:.{places}f}"))
    assert _parse([text]) == [(expected, None, was_rounded)], text


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(min_value=-(10**17), max_value=10**17), min_size=1, max_size=30))
def test_fast_and_exact_paths_agree(cents: list[int]) -> None:
    plain = [money.format_cents(c) for c in cents]
    padded = [f" {p} " for p in plain]  # blank-padded cells take the staged path
    assert [c for c, _, _ in _parse(plain)] == cents
    assert [c for c, _, _ in _parse(padded)] == cents


@pytest.mark.parametrize(
    ("text", "cents", "rounded"),
    [
        ("1234.565", 123456, True),
        ("1234.575", 123458, True),
        ("0.005", 0, True),
        ("0.015", 2, True),
        ("0.0051", 1, True),
        ("-0.005", 0, True),
        ("1.230", 123, False),  # a zero third decimal loses nothing
        ("FREE", 0, False),
        ("92233720368547758.07", money.MAX_CENTS, False),
        ("-92233720368547758.07", -money.MAX_CENTS, False),
    ],
)
def test_rounding_and_limits(text: str, cents: int, rounded: bool) -> None:
    assert _parse([text]) == [(cents, None, rounded)]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("99999999999999999999.99", money.REASON_TOO_LARGE),
        ("1234567890123456789012345", money.REASON_TOO_LARGE),
        ("92233720368547758.08", money.REASON_TOO_LARGE),
        ("1e20", money.REASON_SCIENTIFIC),
        ("1.5E+3", money.REASON_SCIENTIFIC),
        ("(5", money.REASON_PARENS),
        ("5)", money.REASON_PARENS),
        ("(-5)", money.REASON_SIGNS),
        ("#VALUE!", money.REASON_ERROR_CELL),
        ("#N/A", money.REASON_ERROR_CELL),
        ("N/A", money.REASON_NOT_MONEY),
        ("10,00", money.REASON_DECIMAL_COMMA),
        ("1.234,56", money.REASON_DECIMAL_COMMA),
        ("1,2345.00", money.REASON_NOT_MONEY),
        ("--5", money.REASON_SIGNS),
        ("$", money.REASON_NOT_MONEY),
    ],
)
def test_rejects_with_reason(text: str, reason: str) -> None:
    assert _parse([text]) == [(None, reason, False)]


def test_blank_is_none_not_zero() -> None:
    assert _parse(["", "  ", None]) == [(None, None, False)] * 3


def test_zero_words_are_a_parameter() -> None:
    cents, reason, _ = money.parse_money(pl.Series(["NIL", "FREE"]), zero_words=["nil"])
    assert cents.to_list() == [0, None]
    assert reason[1] == money.REASON_NOT_MONEY


def test_typed_amounts_refuse_decimal_commas_and_third_decimals() -> None:
    assert money.parse_typed_cents("0.05") == 5
    assert money.parse_typed_cents("$1,000") == 100000
    for bad in ("0,05", "0.055", "abc", ""):
        with pytest.raises(ValueError, match="not an amount"):
            money.parse_typed_cents(bad)


def test_sums_never_wrap() -> None:
    big = pl.DataFrame({"c": [money.MAX_CENTS, 1]})
    with pytest.raises(InputError, match="exact cents"):
        money.ensure_sums_fit(big, ["c"])
    with pytest.raises(InputError, match="exact cents"):
        money.checked_sum(big.get_column("c"))
    money.ensure_sums_fit(pl.DataFrame({"c": [money.MAX_CENTS - 1, 1]}), ["c"])
