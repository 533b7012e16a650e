"""Normalising ITRAC values (docs/rules.md §4-§5): one polars expression per quirk, vectorised."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from functools import cache, lru_cache

import polars as pl

from itrac_tui.core import money, queries

_EXCEL_EPOCH = date(1899, 12, 30)
# Outside these, not a customs date: before 1900, or so late that a deadline would pass 9999.
_FIRST_DATE, _LAST_DATE = date(1900, 1, 1), date(9000, 12, 31)


def clean(expr: pl.Expr) -> pl.Expr:
    """Strip whitespace and Excel's text wrapper (`="…"`); an empty string becomes null."""
    # one small expression: callers nest it many times, and planning cost grows with the tree
    s = expr.str.strip_chars().str.replace(r'(?s)^="(.*)"$', "${1}").str.strip_chars()
    return pl.when(s.str.len_bytes() > 0).then(s)


def unwrap_excel_text(expr: pl.Expr) -> pl.Expr:
    """A cell written as Excel's text wrapper `="…"` without the wrapper; other cells as given."""
    inner = expr.str.extract(r'^\s*="(.*)"\s*$')
    return pl.coalesce(inner, expr)


# --- money -------------------------------------------------------------------------------------
# One parser for every money cell: itrac_tui.core.money (vectorised, exact, overflow-safe).
def money_cents(expr: pl.Expr, zero_words: Iterable[str] | None = None) -> pl.Expr:
    """Money text to Int64 cents; blank or not money -> null (the parser of core.money)."""
    return _money_expr(expr, "cents", zero_words)


def money_invalid(expr: pl.Expr, zero_words: Iterable[str] | None = None) -> pl.Expr:
    """True where a money cell holds text that is not money (N/A, #VALUE!, 1e20, (5, ...)."""
    return _money_expr(expr, "reason", zero_words).is_not_null()


def money_reason(expr: pl.Expr, zero_words: Iterable[str] | None = None) -> pl.Expr:
    """Why a money cell is not money (null when it is money or blank)."""
    return _money_expr(expr, "reason", zero_words)


def _money_expr(expr: pl.Expr, what: str, zero_words: Iterable[str] | None) -> pl.Expr:
    """One output of the parser as an expression (a batch call of core.money, not per value);
    frames use with_money, which adds the columns directly."""
    dtype = pl.Int64 if what == "cents" else pl.String

    def run(values: Sequence[pl.Series]) -> pl.Series:
        cents, reason, _ = money.parse_money(values[0].cast(pl.String), zero_words)
        return cents if what == "cents" else reason

    if isinstance(expr, pl.Series):
        expr = pl.lit(expr)
    return pl.map_batches([expr], run, return_dtype=dtype, is_elementwise=True)


with_money = money.with_money


# --- dates -------------------------------------------------------------------------------------
def parse_date(expr: pl.Expr) -> pl.Expr:
    """MM/DD/YYYY, YYYY-MM-DD (either with or without a time of day, as a spreadsheet saves a
    typed date-time), YYYYMMDD or an Excel serial -> Date.

    A two-digit year (2/15/26) is not read (null, so the line warns bad_date): never year 0026,
    never a guessed century. Nor is a date before 1900 or after 9000.
    """
    s = clean(expr)
    serial = s.str.extract(r"^([0-9]{5})(?:\.0+)?$").cast(pl.Int64, strict=False)
    us = s.str.extract(
        r"^([0-9]{1,2}/[0-9]{1,2}/[0-9]{4})(?:$|\s+[0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?(?:\s*[AaPp][Mm])?$)"
    )
    iso = s.str.extract(r"^([0-9]{4}-[0-9]{1,2}-[0-9]{1,2})(?:$|[ T])")
    d = pl.coalesce(
        us.str.strptime(pl.Date, "%m/%d/%Y", strict=False),
        iso.str.strptime(pl.Date, "%Y-%m-%d", strict=False),
        pl.when(s.str.contains(r"^[0-9]{8}$")).then(
            s.str.strptime(pl.Date, "%Y%m%d", strict=False)
        ),
        pl.lit(_EXCEL_EPOCH) + pl.duration(days=serial),
    )
    return pl.when(d.is_between(_FIRST_DATE, _LAST_DATE)).then(d)


def date_invalid(expr: pl.Expr) -> pl.Expr:
    """True where a date cell holds text that is not a date."""
    return (clean(expr).is_not_null() & parse_date(expr).is_null()).fill_null(False)


# --- countries ---------------------------------------------------------------------------------
@cache
def _country_map() -> dict[str, str]:
    import pycountry

    out: dict[str, str] = {}
    for c in pycountry.countries:
        out[c.alpha_3] = c.alpha_2
        out[c.name.upper()] = c.alpha_2
        if hasattr(c, "common_name"):
            out[c.common_name.upper()] = c.alpha_2
    for c in pycountry.countries:
        out[c.alpha_2] = c.alpha_2
    out.update({"UK": "GB", "KOREA": "KR", "SOUTH KOREA": "KR", "TAIWAN": "TW", "KOS": "XK"})
    out["XK"] = "XK"
    return out


def country_alpha2(expr: pl.Expr) -> pl.Expr:
    """Alpha-2 or alpha-3 code (or an English name) to ISO alpha-2; unknown -> null."""
    u = clean(expr).str.to_uppercase()
    return u.replace_strict(_country_map(), default=None, return_dtype=pl.String)


# --- HTS ---------------------------------------------------------------------------------------
def hts_digits(expr: pl.Expr) -> pl.Expr:
    """Digits of an HTS code; a 9- or 7-digit commodity code (a 10- or 8-digit one read as a
    number) gets its stripped leading zero back."""
    d = clean(expr).str.replace_all(r"[^0-9]", "")
    d = pl.when(d.str.len_bytes() > 0).then(d)
    stripped = d.str.len_bytes().is_in([7, 9]) & ~is_ch99_digits(d)
    return pl.when(stripped).then("0" + d).otherwise(d)


def hts_several(expr: pl.Expr) -> pl.Expr:
    """True where an HTS cell holds more than 10 digits or two codes (`8471.30.0100; 8542.31`)."""
    s = clean(expr)
    digits = s.str.replace_all(r"[^0-9]", "").str.len_bytes()
    return ((digits > 10) | s.str.contains(r"[0-9][\s.]*[;,/|&\n][\s]*[0-9]")).fill_null(False)


def is_ch99_digits(digits: pl.Expr) -> pl.Expr:
    """True for a Chapter 99 code (9903.xx.xx / 9902.xx.xx) given as digits."""
    return (
        (digits.str.starts_with("9903") | digits.str.starts_with("9902"))
        & digits.str.len_bytes().is_between(8, 10)
    ).fill_null(False)


def is_ch98_digits(digits: pl.Expr) -> pl.Expr:
    """True for a Chapter 98 code (9801-9822: special classification provisions, reported
    before the line's Chapter 99 and Ch. 1-97 rows) given as digits."""
    return (digits.str.starts_with("98") & (digits.str.len_bytes() >= 8)).fill_null(False)


def ch99_display(digits: pl.Expr) -> pl.Expr:
    """Chapter 99 digits as 9903.NN.NN."""
    return digits.str.slice(0, 4) + "." + digits.str.slice(4, 2) + "." + digits.str.slice(6, 2)


def hts_display(digits: pl.Expr) -> pl.Expr:
    """Commodity digits as NNNN.NN.NNNN (8 digits: NNNN.NN.NN); other lengths as given."""
    n = digits.str.len_bytes()
    head = digits.str.slice(0, 4) + "." + digits.str.slice(4, 2) + "."
    return (
        pl.when(n == 10)
        .then(head + digits.str.slice(6, 4))
        .when(n == 8)
        .then(head + digits.str.slice(6, 2))
        .otherwise(digits)
    )


# --- entry numbers -----------------------------------------------------------------------------
_LETTERS = {
    **{str(d): d for d in range(10)},
    **{chr(ord("A") + i): i + 1 for i in range(9)},  # A-I -> 1-9
    **{chr(ord("J") + i): i + 1 for i in range(9)},  # J-R -> 1-9
    **{chr(ord("S") + i): i + 2 for i in range(8)},  # S-Z -> 2-9
}


def entry_compact(expr: pl.Expr) -> pl.Expr:
    """Upper-case entry number without dashes or spaces (may still be malformed). A number of
    9 or 10 digits (a spreadsheet dropped the leading zeros of a numeric filer code) gets them
    back when its check digit then verifies."""
    cell = clean(expr).str.to_uppercase()
    compact = cell.str.replace_all(r"[^A-Z0-9]", "")
    padded = cell.str.zfill(11)
    numeric = cell.str.contains(r"^[0-9]{9,10}$").fill_null(False)
    lost = numeric & padded.map_batches(check_digit_ok, return_dtype=pl.Boolean)
    return pl.when(lost).then(padded).otherwise(compact)


def entry_scientific(expr: pl.Expr) -> pl.Expr:
    """True for an entry number a spreadsheet turned into scientific notation (3.16123E+10)."""
    return clean(expr).str.contains(r"^[0-9]+(\.[0-9]+)?[eE][+-]?[0-9]+$").fill_null(False)


def entry_valid_shape(compact: pl.Expr) -> pl.Expr:
    """True when the compact entry number is 3 filer characters + 8 digits."""
    return compact.str.contains(r"^[A-Z0-9]{3}[0-9]{8}$").fill_null(False)


def entry_number(expr: pl.Expr) -> pl.Expr:
    """Canonical FFF-NNNNNNN-C, or null when the value is not an entry number."""
    c = entry_compact(expr)
    canon = c.str.slice(0, 3) + "-" + c.str.slice(3, 7) + "-" + c.str.slice(10, 1)
    return pl.when(entry_valid_shape(c)).then(canon)


def _luhn(digit: int, position: int) -> int:
    """A digit's share of the sum at `position` (0-9): the rightmost and every second one
    leftwards are doubled, the digits of the double added."""
    if (9 - position) % 2:
        return digit
    return digit * 2 - 9 * (digit >= 5)


@lru_cache(maxsize=1)
def _luhn_tables() -> tuple[pl.Series, pl.Series]:
    """The sum's share of positions 3-5 by their 3 digits, and of positions 6-9 by their 4."""
    p3, p4, p5, p6, p7, p8, p9 = ([_luhn(d, i) for d in range(10)] for i in range(3, 10))
    high = [a + b + c for a in p3 for b in p4 for c in p5]  # in the order of the 3 digits
    low = [a + b + c + d for a in p6 for b in p7 for c in p8 for d in p9]
    return pl.Series(high, dtype=pl.Int64), pl.Series(low, dtype=pl.Int64)


def _filer_share(prefix: str | None) -> int | None:
    """The sum's share of the 3 filer characters (positions 0-2), None when one is not mapped."""
    if prefix is None or len(prefix) != 3 or any(ch not in _LETTERS for ch in prefix):
        return None
    return sum(_luhn(_LETTERS[ch], i) for i, ch in enumerate(prefix))


def check_digit_ok(compact: pl.Series) -> pl.Series:
    """Luhn mod 10 over the 10 mapped characters (rightmost doubled) equals the 11th character.

    Takes compact entry numbers (entry_compact). The sum is looked up in three parts: the
    filer code (few distinct: each worked out once), then digits 4-6 and 7-10 in tables.
    """
    df = pl.DataFrame({"c": compact.cast(pl.String)})
    prefix = pl.col("c").str.slice(0, 3)
    prefixes = df.select(prefix.unique()).to_series().drop_nulls().to_list()
    shares = pl.Series([_filer_share(p) for p in prefixes], dtype=pl.Int64)
    filer = prefix.replace_strict(prefixes, shares, default=None, return_dtype=pl.Int64)
    seven = pl.col("c").str.slice(3, 7)
    n = pl.when(seven.str.contains(r"^[0-9]{7}$")).then(seven.cast(pl.Int64, strict=False))
    high, low = _luhn_tables()
    total = filer + pl.lit(high).gather(n // 10_000) + pl.lit(low).gather(n % 10_000)
    check = pl.col("c").str.slice(10, 1).cast(pl.Int64, strict=False)
    ok = ((10 - total % 10) % 10 == check) & (pl.col("c").str.len_bytes() == 11)
    return queries.collected(df.lazy().select(ok.fill_null(False))).to_series()


# --- statuses, entry types, integers -----------------------------------------------------------
def status_key(text: str) -> str:
    """Normalised status word for lookups (upper case, single spaces)."""
    return " ".join(text.upper().split())


def liquidation_status(expr: pl.Expr, words: Mapping[str, str]) -> pl.Expr:
    """Map status codes and words to UNL/LIQ/RLQ/SUS/EXT; anything else stays as written."""
    s = clean(expr)
    key = s.str.to_uppercase().str.replace_all(r"\s+", " ")
    return key.replace_strict(dict(words), default=s, return_dtype=pl.String)


def entry_type(expr: pl.Expr) -> pl.Expr:
    """Entry type as two digits ("1" -> "01"); non-numeric values as written."""
    s = clean(expr)
    digits = s.str.extract(r"^([0-9]{1,2})(?:\.0+)?\b")
    return pl.coalesce(digits.str.zfill(2), s)


def to_int(expr: pl.Expr) -> pl.Expr:
    """Leading integer of a cell ("3", "3.0") as Int64; otherwise null."""
    return clean(expr).str.extract(r"^([0-9]+)(?:\.0+)?$").cast(pl.Int64, strict=False)
