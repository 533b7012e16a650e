"""Exact money: one parser of money text to integer cents (vectorised), formatting, checked sums.

The parser is a polars expression pipeline (no per-value Python, no Decimal per row). It reads
`$1,234.56`, `1234.56`, `-$1,234.56`, `$-1,234.56`, `($1,234.56)`, `1,234.56-`, `1,234.56 CR`,
`USD 5`; blank is none (not 0); the rules' zero words (`FREE`) are $0.00. It refuses, with a
reason, what it cannot represent exactly: text (`N/A`, `#VALUE!`), scientific notation (`1e20`),
decimal commas (`10,00`), unbalanced parentheses (`(5`, `5)`), two minus signs, and amounts
beyond int64 cents. More than two decimals round half-even to the cent and are flagged so the
caller can warn with a count.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import polars as pl

from itrac_tui.core.errors import InputError
from itrac_tui.core.queries import collected

MAX_CENTS = 2**63 - 1
MAX_DOLLAR_DIGITS = 17  # 99,999,999,999,999,999 dollars: beyond it int64 cents cannot hold
DEFAULT_ZERO_WORDS: tuple[str, ...] = ("FREE",)

REASON_NOT_MONEY = "not money"
REASON_ERROR_CELL = "not money: a spreadsheet error cell"
REASON_DECIMAL_COMMA = "not money: a decimal comma (amounts use '.' for cents, e.g. 10.00)"
REASON_SCIENTIFIC = "not money: scientific notation cannot be read to the cent"
REASON_PARENS = "not money: unbalanced parentheses"
REASON_SIGNS = "not money: more than one minus sign"
REASON_TOO_LARGE = "not money: more digits than exact cents can hold"

_MONEY_RE = (
    r"(?i)^(?P<open>\()?\s*(?P<lead>[-+])?\s*(?:USD\s*)?(?P<cur>\$)?\s*(?P<lead2>-)?\s*"
    r"(?P<int>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]*)(?:\.(?P<frac>[0-9]*))?"
    r"\s*(?:USD)?\s*(?P<trail>-|CR)?\s*(?P<close>\))?$"
)
_GROUPED = r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]{1,2})?"
# the everyday forms, read by a cast: 1234.56, -1234.56, $1,234.56, -$1,234.56, $-1.00, ($1.00)
_FAST_RE = rf"^(?:-?\$?|\$-){_GROUPED}$|^\(\$?{_GROUPED}\)$"
_FAST_MAX_LEN = 16  # digits and the dot: up to 16 digits of dollars fit Decimal(18, 2)
_FIELDS = ("open", "lead", "lead2", "int", "frac", "trail", "close")


def format_cents(cents: int) -> str:
    """Format integer cents as a plain decimal with two places ("1234.56", "-0.05")."""
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d}"


def format_dollars(cents: int) -> str:
    """Format integer cents for people: "$1,234.56", "-$0.05"."""
    sign = "-" if cents < 0 else ""
    return f"{sign}${abs(cents) // 100:,}.{abs(cents) % 100:02d}"


def _zero_words(words: Iterable[str] | None) -> list[str]:
    return sorted({w.strip().upper() for w in (DEFAULT_ZERO_WORDS if words is None else words)})


def _stages(src: pl.Expr, zero_words: Sequence[str]) -> list[dict[str, pl.Expr]]:
    """The parser as a list of column stages (each refers only to the columns made before it).

    Columns are prefixed `__m_`; the last stage makes `__m_cents`, `__m_reason`, `__m_rounded`.
    """
    c = lambda name: pl.col(f"__m_{name}")  # noqa: E731
    s = src.cast(pl.String).str.strip_chars()
    first: dict[str, pl.Expr] = {
        "s": pl.when(s.str.len_bytes() > 0).then(s),
    }
    second = {
        "g": c("s").str.extract_groups(_MONEY_RE),
        "zero": c("s").str.to_uppercase().is_in(list(zero_words)) if zero_words else pl.lit(False),
    }
    g = lambda name: c("g").struct.field(name)  # noqa: E731
    digits = g("int").str.replace_all(",", "", literal=True).str.strip_chars_start("0")
    frac = g("frac").fill_null("")
    third = {
        "matched": g("int").is_not_null(),
        "digits": digits,
        "frac": frac,
        "has_digit": (g("int").str.len_bytes() > 0) | (frac.str.len_bytes() > 0),
        "balanced": g("open").is_null() == g("close").is_null(),
        "nneg": (
            (g("lead") == "-").fill_null(False).cast(pl.Int8)
            + g("lead2").is_not_null().cast(pl.Int8)
            + g("trail").is_not_null().cast(pl.Int8)
            + g("open").is_not_null().cast(pl.Int8)
        ),
    }
    nd = c("digits").str.len_bytes()
    dollars = (
        pl.when(nd == 0)
        .then(pl.lit(0, dtype=pl.Int128))
        .when(nd <= MAX_DOLLAR_DIGITS)
        .then(c("digits").cast(pl.Int128, strict=False))
    )
    rest = c("frac").str.slice(2)
    fourth = {
        "base": dollars * 100 + c("frac").str.slice(0, 2).str.pad_end(2, "0").cast(pl.Int128),
        "d3": rest.str.slice(0, 1),
        "tail_nz": rest.str.slice(1).str.contains("[1-9]"),
        "rounded": rest.str.contains("[1-9]"),
    }
    up = (c("d3") > "5") | ((c("d3") == "5") & (c("tail_nz") | (c("base") % 2 == 1)))
    fifth = {"mag": c("base") + up.fill_null(False).cast(pl.Int128)}
    ok = (
        c("matched")
        & c("has_digit")
        & c("balanced")
        & (c("nneg") <= 1)
        & (c("mag") <= MAX_CENTS).fill_null(False)
    )
    mag = pl.when(ok).then(c("mag")).cast(pl.Int64, strict=False)
    slow = pl.when(c("nneg") > 0).then(-mag).otherwise(mag)
    text = c("s")
    why_not = (
        pl.when(text.str.starts_with("#"))
        .then(pl.lit(REASON_ERROR_CELL))
        .when(text.str.contains(r"^[-+(]?\$?[0-9.,]*[0-9][eE][-+]?[0-9]+\)?$"))
        .then(pl.lit(REASON_SCIENTIFIC))
        .when(text.str.contains(r"[0-9],[0-9]{1,2}$|[0-9],[0-9]{1,2}[^0-9]"))
        .then(pl.lit(REASON_DECIMAL_COMMA))
        .otherwise(pl.lit(REASON_NOT_MONEY))
    )
    reason = (
        pl.when(c("s").is_null() | c("zero"))
        .then(pl.lit(None, dtype=pl.String))
        .when(~c("matched") | ~c("has_digit"))
        .then(why_not)
        .when(~c("balanced"))
        .then(pl.lit(REASON_PARENS))
        .when(c("nneg") > 1)
        .then(pl.lit(REASON_SIGNS))
        .when(~ok)
        .then(pl.lit(REASON_TOO_LARGE))
    )
    last: dict[str, pl.Expr] = {
        "cents": pl.when(c("zero")).then(pl.lit(0, dtype=pl.Int64)).otherwise(slow),
        "reason": reason,
        "rounded": (c("rounded") & ok & ~c("zero")).fill_null(False),
    }
    return [first, second, third, fourth, fifth, last]


def with_money(
    df: pl.DataFrame,
    src: str,
    cents: str,
    invalid: str,
    *,
    reason: str | None = None,
    rounded: str | None = None,
    zero_words: Iterable[str] | None = None,
) -> pl.DataFrame:
    """Add `cents` (Int64, null for blank or not money) and `invalid` (non-blank text that is not
    money) for the money text in `src`; optionally `reason` (why not) and `rounded` (more than
    two decimals, rounded half-even). `zero_words` default to FREE.

    The everyday forms are read by one exact decimal cast; only the other cells (blank-padded,
    more decimals, credits, words, junk) go through the full staged parser.
    """
    height = df.height

    def put(columns: list[pl.Series]) -> pl.DataFrame:
        """`df` with `columns` added as they are (no query: this runs once per block)."""
        if any(c.name in df.columns for c in columns):
            return df.with_columns(columns)
        return df.hstack(columns)

    def repeat(value: object, dtype: pl.DataType) -> pl.Series:
        return pl.Series([value], dtype=dtype).new_from_index(0, height)

    def all_read(values: pl.Series) -> pl.DataFrame:
        """`df` with every cell's cents in `values`: nothing invalid, nothing rounded."""
        out = [values.alias(cents), repeat(False, pl.Boolean()).alias(invalid)]
        if reason:
            out.append(repeat(None, pl.String()).alias(reason))
        if rounded:
            out.append(repeat(False, pl.Boolean()).alias(rounded))
        return put(out)

    cells = df.get_column(src)
    if cells.null_count() == height:  # a blank (or absent) column: no money
        return all_read(repeat(None, pl.Int64()))
    texts = cells.to_frame() if cells.dtype == pl.String else cells.cast(pl.String).to_frame()
    text = pl.col(src)  # cast once, above: the query below reads it five times
    num = text.str.strip_chars("$()-").str.replace_all(",", "", literal=True)
    num = pl.when(text.str.contains(_FAST_RE)).then(num)
    neg = text.str.starts_with("-") | text.str.starts_with("(") | text.str.starts_with("$-")
    magnitude = (
        pl.when(num.str.len_bytes() <= _FAST_MAX_LEN)
        .then(num)
        .cast(pl.Decimal(18, 2), strict=False)
        .to_physical()
        .cast(pl.Int64)
    )
    first = collected(  # its parts (the text stripped, the magnitude) computed once
        texts.lazy().select(v=text, c=pl.when(neg).then(-magnitude).otherwise(magnitude))
    )
    cents_s = first.get_column("c")
    unread = first.get_column("v").str.len_bytes().gt(0) & cents_s.is_null()
    if not unread.any():  # every cell read by the cast (or blank)
        return all_read(cents_s)
    odd = first.with_row_index("i").filter(unread)
    reason_s = repeat(None, pl.String())
    rounded_s = repeat(False, pl.Boolean())
    for stage in _stages(pl.col("v"), _zero_words(zero_words)):
        odd = odd.with_columns(**{f"__m_{k}": e for k, e in stage.items()})
    idx = odd.get_column("i")
    cents_s = cents_s.scatter(idx, odd.get_column("__m_cents"))
    reason_s = reason_s.scatter(idx, odd.get_column("__m_reason"))
    rounded_s = rounded_s.scatter(idx, odd.get_column("__m_rounded"))
    out = [cents_s.alias(cents), reason_s.is_not_null().alias(invalid)]
    if reason:
        out.append(reason_s.alias(reason))
    if rounded:
        out.append(rounded_s.alias(rounded))
    return put(out)


def parse_money(
    values: pl.Series, zero_words: Iterable[str] | None = None
) -> tuple[pl.Series, pl.Series, pl.Series]:
    """(cents, reason, rounded) of a series of money text (see the module docstring)."""
    frame = with_money(
        pl.DataFrame({"v": values}),
        "v",
        "cents",
        "invalid",
        reason="reason",
        rounded="rounded",
        zero_words=zero_words,
    )
    return frame.get_column("cents"), frame.get_column("reason"), frame.get_column("rounded")


def parse_cents(text: str, zero_words: Iterable[str] | None = None) -> int:
    """Parse one money text ("12.34", "$1,234.56", "(5.00)") to cents; ValueError if not money.

    The same parser as the columns (more than two decimals round half-even); blank is an error.
    """
    cents, reason, _ = parse_money(pl.Series([text], dtype=pl.String), zero_words)
    if cents[0] is None:
        why = reason[0] or "blank"
        raise ValueError(f"not a money amount: {text!r} ({why})")
    return int(cents[0])


def parse_typed_cents(text: str) -> int:
    """Parse an amount a user typed (a tolerance, a threshold): exact to the cent, never rounded.

    ValueError with a message for the user on a decimal comma, a third decimal or non-money text.
    """
    cents, reason, rounded = parse_money(pl.Series([text], dtype=pl.String), ())
    if cents[0] is None:
        if reason[0] == REASON_DECIMAL_COMMA:
            raise ValueError(f"not an amount: {text!r} has a decimal comma; write cents after '.'")
        raise ValueError(f"not an amount: {text!r} (e.g. 0.00 or 0.05)")
    if rounded[0] or _has_third_decimal(text):
        raise ValueError(f"not an amount to the cent: {text!r} (e.g. 0.00 or 0.05)")
    return int(cents[0])


def _has_third_decimal(text: str) -> bool:
    _, _, frac = text.partition(".")
    digits = "".join(ch for ch in frac if ch.isdigit())
    return len(digits) > 2


def checked_sum(values: pl.Series | pl.Expr, what: str = "amounts") -> int:
    """Exact sum of Int64 cents (in Int128); InputError if it leaves int64 cents (never wraps)."""
    series = values if isinstance(values, pl.Series) else pl.select(values).to_series()
    total = series.cast(pl.Int128).sum()
    total = int(total or 0)
    if not -MAX_CENTS <= total <= MAX_CENTS:
        raise InputError(
            f"the {what} add up to {format_dollars(total)}, beyond what exact cents can hold "
            f"(±{format_dollars(MAX_CENTS)}); check the file for misplaced digits"
        )
    return total


def ensure_sums_fit(frame: pl.DataFrame, columns: Sequence[str], what: str = "amounts") -> None:
    """InputError unless the absolute values of every cents column add up within int64 cents,
    so that no sum over any subset of rows (a line, an entry, a pathway, the pool) can wrap."""
    if not columns or frame.height == 0:
        return
    total = frame.select(
        pl.sum_horizontal([pl.col(c).abs().cast(pl.Int128).sum() for c in columns])
    ).item()
    if total is not None and int(total) > MAX_CENTS:
        raise InputError(
            f"the {what} add up to more than exact cents can hold "
            f"({format_dollars(int(total))} > {format_dollars(MAX_CENTS)}); sums would overflow, "
            "so nothing is totalled — check the file for misplaced digits"
        )
