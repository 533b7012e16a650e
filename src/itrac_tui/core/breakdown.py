"""Breakdowns (VisiData's Shift+F): lines, entries and IEEPA duty per group of a dimension."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import polars as pl

BLANK = ""  # group key of lines with no value
COLUMN_PREFIX = "column:"  # a dimension that is simply a column of the lines frame

# dimension -> (label, source column, is a list column)
DIMENSIONS: dict[str, tuple[str, str, bool]] = {
    "origin": ("Origin", "country", False),
    "program": ("Program", "ch99_programs", True),
    "ch99": ("Chapter 99 code", "ch99_codes", True),
    "status": ("Status", "liquidation_status", False),
    "reason": ("Reason", "reason", False),
    "pathway": ("Pathway", "pathway", False),
    "importer": ("Importer", "", False),
    "port": ("Port", "", False),
    "entry_month": ("Entry month", "entry_date", False),
    "liquidation_month": ("Liquidation month", "liquidation_date", False),
}
# context columns the importer / port dimensions use, best first
_FIND: dict[str, tuple[str, ...]] = {
    # importer_number is on every line (null when the file has none): names first
    "importer": (r"importer.*name", r"importer(?!_number$)", r"^ior", r"^importer_number$"),
    "port": (r"port of entry", r"^port.*name", r"^port\b", r"port.*code"),
}
_MONTHS = {"entry_month", "liquidation_month"}


@dataclass(frozen=True)
class Totals:
    """Lines, distinct entries and IEEPA duty (cents) of a set of lines."""

    lines: int
    entries: int
    ieepa_duty_cents: int


def resolve(dimension: str, names: Iterable[str]) -> str:
    """The dimension as the lines frame can answer it (importer/port become `column:<header>`);
    "" when the frame has no column for it."""
    cols = list(names)
    if dimension.startswith(COLUMN_PREFIX):
        return dimension if dimension[len(COLUMN_PREFIX) :] in cols else ""
    if dimension in _FIND:
        for pattern in _FIND[dimension]:
            for c in cols:
                if re.search(pattern, c, re.IGNORECASE) and not c.startswith("__"):
                    return COLUMN_PREFIX + c
        return ""
    if dimension not in DIMENSIONS:
        return COLUMN_PREFIX + dimension if dimension in cols else ""
    return dimension if DIMENSIONS[dimension][1] in cols else ""


def dimension_label(dimension: str) -> str:
    """Display name of a (resolved) dimension."""
    if dimension.startswith(COLUMN_PREFIX):
        return dimension[len(COLUMN_PREFIX) :]
    return DIMENSIONS.get(dimension, (dimension, "", False))[0]


def is_list(dimension: str, schema: pl.Schema | None = None) -> bool:
    """True when a line can fall in several groups (a list column: programs, codes)."""
    if dimension in DIMENSIONS:
        return DIMENSIONS[dimension][2]
    if schema is not None and dimension.startswith(COLUMN_PREFIX):
        return isinstance(schema.get(dimension[len(COLUMN_PREFIX) :]), pl.List)
    return False


def key_expr(dimension: str) -> pl.Expr:
    """The group key of each line as text (list dimensions: a list of texts)."""
    if dimension.startswith(COLUMN_PREFIX):
        return pl.col(dimension[len(COLUMN_PREFIX) :]).cast(pl.String)
    column = DIMENSIONS[dimension][1]
    if dimension in _MONTHS:
        return pl.col(column).dt.strftime("%Y-%m")
    if DIMENSIONS[dimension][2]:
        return pl.col(column)
    return pl.col(column).cast(pl.String)


def group_filter(dimension: str, key: str, list_column: bool | None = None) -> pl.Expr:
    """Lines in group `key` of `dimension` (BLANK: the lines without a value)."""
    listy = is_list(dimension) if list_column is None else list_column
    expr = key_expr(dimension)
    if listy:
        if key == BLANK:
            return expr.list.len() == 0
        return expr.list.contains(pl.lit(key))
    if key == BLANK:
        return expr.is_null() | (expr.str.strip_chars() == "")
    return expr == key


def totals(lines: pl.DataFrame, entry_key: str = "entry_number") -> Totals:
    """Lines, distinct entries and IEEPA duty of the lines (the view's figures)."""
    if lines.height == 0:
        return Totals(0, 0, 0)
    row = lines.select(
        pl.len(), pl.col(entry_key).n_unique(), pl.col("ieepa_duty_cents").sum()
    ).row(0)
    return Totals(int(row[0]), int(row[1]), int(row[2] or 0))


_SCHEMA: dict[str, type[pl.DataType]] = {
    "key": pl.String,
    "lines": pl.UInt32,
    "entries": pl.UInt32,
    "ieepa_duty_cents": pl.Int64,
    "share_bp": pl.Int64,
}


def _is_categorical(dtype: pl.DataType | None) -> bool:
    return isinstance(dtype, (pl.Categorical, pl.Enum))


def distinct_key(column: str, schema: pl.Schema) -> pl.Expr:
    """`column` as counted for distinct values: a Categorical's codes (no strings compared)."""
    expr = pl.col(column)
    return expr.to_physical() if _is_categorical(schema.get(column)) else expr


def _grouped_by_runs(
    frame: pl.LazyFrame, whole_q: pl.LazyFrame, counted_q: pl.LazyFrame
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The groups' lines, entries and duty. When each entry's lines are one run (as ITRAC lists
    them) and all of them have the same key (importer, port, entry month...), an entry counts
    once, at its run's first line: no distinct count per group. Otherwise `counted_q` (distinct
    entries per group) is collected: the figures are the same either way."""
    entry, key = pl.col("__entry"), pl.col("key")
    starts = frame.with_columns(entry.ne_missing(entry.shift(1)).alias("__start"))
    start = pl.col("__start")
    by_run_q = starts.group_by("key").agg(
        pl.len().cast(pl.UInt32).alias("lines"),
        start.sum().cast(pl.UInt32).alias("entries"),
        pl.col("ieepa_duty_cents").sum().cast(pl.Int64).alias("ieepa_duty_cents"),
    )
    check_q = starts.select(
        start.sum().alias("runs"), (~start & key.ne_missing(key.shift(1))).any().alias("mixed")
    )
    grouped, whole_row, check = pl.collect_all([by_run_q, whole_q, check_q])
    runs, mixed = check.row(0)
    if runs != whole_row.item(0, "e") or mixed:  # an entry in two runs, or with two keys
        grouped = counted_q.collect()
    return grouped, whole_row


def breakdown_with_totals(
    lines: pl.DataFrame | pl.LazyFrame, dimension: str, entry_key: str = "entry_number"
) -> tuple[pl.DataFrame, Totals]:
    """The breakdown (see `breakdown`) and the lines' own totals, in one pass over the lines."""
    lazy = lines.lazy()
    schema = lazy.collect_schema()
    dim = resolve(dimension, schema.names())
    entry = distinct_key(entry_key, schema)
    whole_q = lazy.select(
        pl.len().alias("n"),
        entry.n_unique().alias("e"),
        pl.col("ieepa_duty_cents").sum().alias("c"),
    )
    if not dim:
        n, e, c = whole_q.collect().row(0)
        return pl.DataFrame(schema=_SCHEMA), Totals(int(n), int(e) if n else 0, int(c or 0))
    month = dim in _MONTHS  # group on an integer year-month, format the few groups after
    source = dim[len(COLUMN_PREFIX) :] if dim.startswith(COLUMN_PREFIX) else DIMENSIONS[dim][1]
    if month:
        day = pl.col(source)
        key = day.dt.year() * 100 + day.dt.month()
    elif _is_categorical(schema.get(source)):
        key = pl.col(source)  # grouped on its codes; the few group keys become text after
    else:
        key = key_expr(dim)
    frame = lazy.select(key.alias("key"), entry.alias("__entry"), pl.col("ieepa_duty_cents"))
    listy = is_list(dim, schema)
    if listy:
        # a line without a value counts in the blank group
        frame = frame.with_columns(pl.col("key").cast(pl.List(pl.String))).explode(
            "key", empty_as_null=True
        )
    counted_q = frame.group_by("key").agg(
        pl.len().cast(pl.UInt32).alias("lines"),
        pl.col("__entry").n_unique().cast(pl.UInt32).alias("entries"),
        pl.col("ieepa_duty_cents").sum().cast(pl.Int64).alias("ieepa_duty_cents"),
    )
    if listy:
        grouped, whole_row = pl.collect_all([counted_q, whole_q])
    else:
        grouped, whole_row = _grouped_by_runs(frame, whole_q, counted_q)
    if month:
        ym = pl.col("key")
        text = (ym // 100).cast(pl.String) + "-" + (ym % 100).cast(pl.String).str.zfill(2)
        grouped = grouped.with_columns(text.alias("key"))
    n, e, c = whole_row.row(0)
    whole = Totals(int(n), int(e) if n else 0, int(c or 0))
    cents = whole.ieepa_duty_cents
    share = (pl.col("ieepa_duty_cents") * 10_000 // cents) if cents else pl.lit(0, pl.Int64)
    table = (
        grouped.with_columns(
            pl.col("key").cast(pl.String).fill_null(BLANK), share.cast(pl.Int64).alias("share_bp")
        )
        .sort(["ieepa_duty_cents", "lines", "key"], descending=[True, True, False])
        .select(list(_SCHEMA))
    )
    return table, whole


def breakdown(lines: pl.DataFrame, dimension: str, entry_key: str = "entry_number") -> pl.DataFrame:
    """key, lines, entries, ieepa_duty_cents and share_bp (of the lines' IEEPA duty, in basis
    points) per group, most duty first. A line of a list dimension counts in each of its groups."""
    if lines.height == 0:
        return pl.DataFrame(schema=_SCHEMA)
    return breakdown_with_totals(lines, dimension, entry_key)[0]


def money_text(cents: pl.Expr) -> pl.Expr:
    """Integer cents as a plain decimal string ("1234.56", "-0.05"), exactly."""
    sign = pl.when(cents < 0).then(pl.lit("-")).otherwise(pl.lit(""))
    whole = cents.abs()
    return sign + (whole // 100).cast(pl.String) + "." + (whole % 100).cast(pl.String).str.zfill(2)


def breakdown_csv(table: pl.DataFrame, dimension: str) -> pl.DataFrame:
    """A breakdown as written to CSV: the group, lines, entries, IEEPA duty and share (%)."""
    return table.select(
        pl.col("key").alias(dimension_label(dimension)),
        pl.col("lines"),
        pl.col("entries"),
        money_text(pl.col("ieepa_duty_cents")).alias("ieepa_duty"),
        money_text(pl.col("share_bp")).alias("share_percent"),
    )


__all__ = [
    "BLANK",
    "COLUMN_PREFIX",
    "DIMENSIONS",
    "Totals",
    "breakdown",
    "breakdown_csv",
    "breakdown_with_totals",
    "dimension_label",
    "distinct_key",
    "group_filter",
    "is_list",
    "key_expr",
    "money_text",
    "resolve",
    "totals",
]
