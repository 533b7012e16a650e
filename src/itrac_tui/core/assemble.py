"""Both Chapter 99 layouts (docs/rules.md §3) -> lines, components, used, set-aside, rejected.

All row work runs on a narrow frame (the decisive fields and integer ids); the file's other
columns are gathered by row index only at the end, so 45-column exports cost no more to join.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field as dc_field
from functools import lru_cache, partial
from typing import Any

import polars as pl

from itrac_tui.core import normalise as nz
from itrac_tui.core.columns import ENTRY_FIELDS, FIELDS, MONEY_FIELDS, norm_header, norm_header_expr
from itrac_tui.core.model import LINE_COLUMNS
from itrac_tui.core.money import ensure_sums_fit
from itrac_tui.core.queries import collected
from itrac_tui.core.read import FILE_COL, RAGGED_COL, RAGGED_REASON, ROW_COL
from itrac_tui.core.rules import KNOWN_STATUSES, Rules

IDX = "__idx"
KIND_OK, KIND_REJECT, KIND_SET_ASIDE = "ok", "reject", "set_aside"
LINE_KEY = "_lkey"  # entry id and line number in one Int64
_LINE_BITS = 24


def canon(field: str) -> str:
    """Name of the raw canonical copy of a field in the assembled frame."""
    return f"c_{field}"


@dataclass(frozen=True)
class Assembled:
    """What assemble() returns: the frames of an Export."""

    lines: pl.DataFrame
    components: pl.DataFrame
    rows: pl.DataFrame
    set_aside: pl.DataFrame
    rejected: pl.DataFrame
    overlapping: int = 0  # entry lines found in more than one part (counted once)
    rounded: int = 0  # money cells with more than two decimals, rounded half-even to the cent
    rounded_example: str = ""  # the first of them: file, row, column and value
    orientation: dict[str, str] = dc_field(default_factory=dict)  # file -> detected order
    files_without_ch99: tuple[str, ...] = ()  # files in which no row carries a 9903 code
    # per line (line order): the file index and source row its context columns come from
    context_rows: pl.DataFrame | None = None


def _c(field: str) -> pl.Expr:
    return pl.col(canon(field))


def _runs(values: pl.Series) -> tuple[pl.Series, pl.Series]:
    """The first value of each run of equal consecutive values, and each row's run number."""
    start = values.ne_missing(values.shift(1))
    if start.len():
        start = start.scatter(0, True)  # the first row starts a run, even when it is blank
    return values.filter(start), (start.cum_sum() - 1).cast(pl.UInt32)


class CodeTables:
    """The normalised values of coded (Categorical) columns by category code, kept across the
    chunks of one streamed file so that each distinct value is normalised once."""

    def __init__(self) -> None:
        # (column, outputs) -> (row of each category code, outputs by row, the categories seen)
        self.tables: dict[tuple[str, ...], tuple[pl.Series, pl.DataFrame, list[pl.Series]]] = {}


def _by_unique(
    df: pl.DataFrame,
    src: str,
    outputs: dict[str, pl.Expr],
    index: str | None = None,
    codes: CodeTables | None = None,
) -> pl.DataFrame:
    """Compute `outputs` once per distinct value of `src` and join them back (values repeat)."""
    _, names, compute = _lookup(src, outputs)
    return _by_unique_with(df, src, names, compute, index, codes)


def _by_unique_with(
    df: pl.DataFrame,
    src: str,
    names: tuple[str, ...],
    compute: Callable[[pl.DataFrame], pl.DataFrame],
    index: str | None = None,
    codes: CodeTables | None = None,
) -> pl.DataFrame:
    """_by_unique, `compute` adding the columns `names` to a frame of distinct `src` values.

    Exports group rows by entry, so entry-level values come in runs: the join then runs over
    the first row of each run only and the result is gathered to the rows (no hashing of every
    row). Only the key column takes part: the frame's other columns are never copied.
    """
    cells = df.get_column(src)
    if index is None and cells.null_count() == df.height:  # a blank (or absent) column
        blank = compute(pl.Series(src, [None], dtype=pl.String).to_frame())
        return df.hstack([blank.get_column(n).new_from_index(0, df.height) for n in names])
    if isinstance(df.schema[src], pl.Categorical) and index is None:
        return _by_values(df, [(src, names, compute)], codes)
    firsts, run = _runs(df.get_column(src))
    keys = firsts if firsts.len() * 2 <= df.height else df.get_column(src)
    distinct = compute(keys.unique().to_frame()).select(src, *names)
    if index:
        distinct = distinct.with_row_index(index)
    keyed = keys.to_frame().join(
        distinct, on=src, how="left", maintain_order="left", nulls_equal=True
    )
    added = keyed.drop(src).get_columns()
    if keys is firsts:
        added = [c.gather(run) for c in added]
    return df.hstack(added)


Lookup = tuple[str, tuple[str, ...], Callable[[pl.DataFrame], pl.DataFrame]]


def _lookup(src: str, outputs: dict[str, pl.Expr]) -> Lookup:
    """A lookup of `outputs` by the value of `src` (for _by_values)."""
    return src, tuple(outputs), lambda f: f.with_columns(**outputs)


def _by_values(df: pl.DataFrame, lookups: list[Lookup], codes: CodeTables | None) -> pl.DataFrame:
    """Each lookup's outputs computed once per distinct value of its column and joined back.

    Categorical columns are done together: one pass finds the categories of every column, the
    code tables gain the new ones (_code_table), and one pass gathers every output to the
    rows. The other columns go through _by_unique one by one."""
    coded: list[Lookup] = []
    for src, names, compute in lookups:
        cells = df.get_column(src)
        if isinstance(cells.dtype, pl.Categorical) and cells.null_count() < df.height:
            coded.append((src, names, compute))
        else:
            df = _by_unique_with(df, src, names, compute, codes=codes)
    if not coded:
        return df
    codes = codes or CodeTables()
    sources = list(dict.fromkeys(src for src, _, _ in coded))
    found = collected(  # the columns side by side (an eager select takes them one by one)
        df.lazy().select(
            pl.col(src).to_physical().unique().implode().alias(str(i))
            for i, src in enumerate(sources)
        )
    ).row(0)
    present = dict(zip(sources, found, strict=True))
    gathers: list[pl.Expr] = []
    for src, names, compute in coded:
        row_of, table = _code_table(df, src, names, compute, present[src], codes)
        row = pl.lit(row_of).gather(pl.col(src).to_physical()).fill_null(0)
        gathers += [pl.lit(table.get_column(n)).gather(row).alias(n) for n in names]
    return df.with_columns(gathers)


def _code_table(
    df: pl.DataFrame,
    src: str,
    names: tuple[str, ...],
    compute: Callable[[pl.DataFrame], pl.DataFrame],
    present: list[int | None],
    codes: CodeTables,
) -> tuple[pl.Series, pl.DataFrame]:
    """The code table of (src, names) extended by the categories of `present` (the category
    codes in df's `src`) not seen before: (table row by category code, outputs by row; row 0
    is a blank cell)."""
    key = (src, *names)
    table: pl.DataFrame | None = None
    if key in codes.tables:
        row_of, table, seen = codes.tables[key]
    else:
        row_of, seen = pl.Series("row", [], dtype=pl.UInt32), []
    here = pl.Series([c for c in present if c is not None], dtype=pl.UInt32)
    top = here.max()
    if isinstance(top, int) and top >= row_of.len():
        row_of = row_of.extend_constant(None, top + 1 - row_of.len()).rechunk()
    fresh = here.filter(row_of.gather(here).is_null())
    if table is None or fresh.len():
        cells = df.get_column(src)
        new = cells.filter(cells.to_physical().is_in(fresh.implode())).unique()
        text = new.cast(pl.String).to_frame(src)
        if table is None:  # the table's first row is a blank cell
            start = 1
            table = compute(pl.concat([pl.DataFrame({src: [None]}, schema=text.schema), text]))
        else:
            start = table.height
            table = pl.concat([table, compute(text).select(table.columns)], how="vertical")
        table = table.rechunk()  # a gather from one chunk is several times faster
        rows = pl.int_range(start, start + new.len(), dtype=pl.UInt32, eager=True)
        row_of = row_of.scatter(new.to_physical(), rows)
        seen.append(new)  # keeps these categories (and so their codes) alive
    codes.tables[key] = (row_of, table, seen)
    return row_of, table


def _entry_ids(df: pl.DataFrame) -> pl.DataFrame:
    """Add `_eid`, a dense id per distinct `_entry` (blank included). When each entry's rows
    are contiguous (ACE exports group them) it is the run number: in order, no hashing."""
    firsts, run = _runs(df.get_column("_entry"))
    if firsts.n_unique() == firsts.len():
        return df.with_columns(run.alias("_eid").set_sorted())  # grouping by it is then cheap
    return _by_unique(df, "_entry", {}, "_eid")


def _by_runs(df: pl.DataFrame, src: str, outputs: dict[str, pl.Expr]) -> pl.DataFrame:
    """Compute `outputs` once per run of equal consecutive values of `src` (entries are grouped
    in exports, so this is a gather, not a hash join)."""
    firsts, run = _runs(df.get_column(src))
    starts = firsts.to_frame().with_columns(**outputs)
    return df.with_columns([starts.get_column(name).gather(run).alias(name) for name in outputs])


CANONICAL_ENTRY = r"^[A-Z0-9]{3}-[0-9]{7}-[0-9]$"  # an entry number as ACE writes it


def entry_numbers(df: pl.DataFrame, src: str = canon("entry_number")) -> pl.DataFrame:
    """Add `_entry`, each row's canonical entry number (normalise.entry_number) from the text
    column `src`. Cells already written FFF-NNNNNNN-C (nearly all) are their own canonical
    form; only the others are normalised, once per run of equal cells when they are many."""
    cells = df.get_column(src)
    odd = cells.str.contains(CANONICAL_ENTRY).not_().fill_null(False).arg_true()
    if odd.len() * 4 > df.height:
        return _by_runs(df, src, {"_entry": nz.entry_number(pl.col(src))})
    out = cells.alias("_entry")
    if odd.len():
        fixed = cells.gather(odd).to_frame().select(nz.entry_number(pl.col(cells.name)))
        out = out.scatter(odd, fixed.to_series())
    return df.with_columns(out) if "_entry" in df.columns else df.hstack([out])


def _unwrap(df: pl.DataFrame) -> pl.DataFrame:
    """Excel text wrappers (`="…"`) removed from the money cells before the money parser sees
    them (spec §4; every other field is read through normalise.clean, which removes them too).
    One pass finds the columns that have any; only those are rewritten."""
    mapped = [
        f
        for f in MONEY_FIELDS
        if df.schema[canon(f)] == pl.String
        and money_outputs(f)[0] not in df.columns  # read (and unwrapped) already
        and df.get_column(canon(f)).null_count() < df.height
    ]
    if not mapped:
        return df
    probes = [_c(f).str.starts_with('="').any().alias(f) for f in mapped]
    wrapped = [f for f, hit in df.select(probes).row(0, named=True).items() if hit]
    if wrapped:
        df = df.with_columns(nz.unwrap_excel_text(_c(f)).alias(canon(f)) for f in wrapped)
    return df


def _flag(expr: pl.Expr, rules: Rules) -> tuple[pl.Expr, pl.Expr]:
    """A yes/no indicator cell: (set, unclear). Blank and the false words are not set; any other
    value is set, and unclear unless it is one of the true words (documented in the rules)."""
    key = nz.clean(expr).str.to_uppercase()
    is_set = (key.is_not_null() & ~key.is_in(list(rules.flag_false_words))).fill_null(False)
    unclear = is_set & ~key.is_in(list(rules.flag_true_words)).fill_null(False)
    return is_set, unclear


def _derive(df: pl.DataFrame, rules: Rules, codes: CodeTables | None) -> pl.DataFrame:
    """Normalised helper columns (prefixed _) for every row of the narrow frame."""
    df = _unwrap(df)
    lookups: list[Lookup] = []
    for field in MONEY_FIELDS:
        made = money_outputs(field)
        if made[0] in df.columns:  # read already (core.stream reads money as it parses)
            continue
        money = partial(_money, src=canon(field), made=made, zero_words=rules.zero_words)
        if isinstance(df.schema[canon(field)], pl.Categorical):  # each distinct amount is read once
            lookups.append((canon(field), made, money))
        else:
            df = money(df, unwrapped=True)
    if "_entry" not in df.columns:  # core.stream reads it as it parses
        df = entry_numbers(df)
    df = _entry_ids(df)
    hts = nz.hts_digits(_c("hts"))  # these outputs are worked out once per distinct HTS cell
    hts_outputs = {
        "_hts_d": hts,
        "_hts_several": nz.hts_several(_c("hts")),
        "_hts_show": nz.hts_display(hts),
        "_hts_is_ch99": nz.is_ch99_digits(hts),
        "_hts_is_ch98": nz.is_ch98_digits(hts),
        "_hts_long": (hts.str.len_bytes() >= 6).fill_null(False),
    }
    lookups.append(_lookup(canon("hts"), hts_outputs))
    lookups.append(_lookup(canon("ch99_hts"), {"_ch99_d": nz.hts_digits(_c("ch99_hts"))}))
    for field, name in (("liquidation_date", "_liq_date"), ("entry_date", "_entry_date")):
        expr = _c(field)
        dates = {name: nz.parse_date(expr), f"{name}_bad": nz.date_invalid(expr)}
        lookups.append(_lookup(canon(field), dates))
    status = nz.liquidation_status(_c("liquidation_status"), rules.status_words)
    lookups.append(_lookup(canon("liquidation_status"), {"_status": status}))
    lookups.append(_lookup(canon("entry_type"), {"_etype": nz.entry_type(_c("entry_type"))}))
    lookups.append(_lookup(canon("line_number"), {"_line_in": nz.to_int(_c("line_number"))}))
    country = {
        "_country": nz.country_alpha2(_c("country")),
        "_country_raw": nz.clean(_c("country")),
    }
    lookups.append(_lookup(canon("country"), country))
    df = _by_values(df, lookups, codes)
    return df.with_columns(
        _bad_date=pl.col("_liq_date_bad") | pl.col("_entry_date_bad"),
        # the line's own goods row is its Ch. 1-97 row; Chapter 98 rows come before it (§3)
        _is_comm=pl.col("_hts_d").is_not_null() & ~pl.col("_hts_is_ch99") & ~pl.col("_hts_is_ch98"),
    )


_MONEY_SHORT = {"entered_value": "_value", "duty": "_duty", "ieepa_duty": "_ieepa"}


def money_outputs(field: str) -> tuple[str, str, str, str]:
    """The money parser's columns for a money field: cents, invalid, reason, rounded."""
    return _MONEY_SHORT[field], f"_{field}_bad", f"_{field}_why", f"_{field}_rounded"


def read_money(df: pl.DataFrame, src: str, field: str, zero_words: tuple[str, ...]) -> pl.DataFrame:
    """`df` with the money_outputs of `field` read from the text column `src` (its Excel text
    wrappers removed first, as assembly does), for assemble() to take as they are (as it takes
    `_entry` from entry_numbers)."""
    cells = df.get_column(src)
    if cells.dtype == pl.String and cells.str.starts_with('="').any():
        df = df.with_columns(nz.unwrap_excel_text(pl.col(src)).alias(src))
    return _money(df, src=src, made=money_outputs(field), zero_words=zero_words, unwrapped=True)


def _money(
    frame: pl.DataFrame,
    *,
    src: str,
    made: tuple[str, ...],
    zero_words: tuple[str, ...],
    unwrapped: bool = False,
) -> pl.DataFrame:
    """The money parser's cents, invalid, reason and rounded columns (named `made`) for `src`;
    Excel's text wrapper is removed first unless `unwrapped` (_unwrap did it for the frame)."""
    if not unwrapped:
        frame = frame.with_columns(nz.unwrap_excel_text(pl.col(src)).alias(src))
    cents, invalid, reason, rounded = made
    return nz.with_money(
        frame, src, cents, invalid, reason=reason, rounded=rounded, zero_words=zero_words
    )


def _clearly_ok() -> pl.Expr:
    """Rows that need no reason: a valid entry, an HTS code, money that reads."""
    return (
        pl.col("_entry").is_not_null()
        & ~pl.col(RAGGED_COL)
        & pl.col("_hts_long")
        & ~pl.col("_hts_several")
        & (_c("ch99_hts").is_null() | nz.is_ch99_digits(pl.col("_ch99_d")))
        & ~pl.any_horizontal([pl.col(f"_{f}_bad") for f in MONEY_FIELDS])
    )


def _classify_rows(
    df: pl.DataFrame, labels: dict[str, str], header_norms: list[str]
) -> pl.DataFrame:
    """Add _kind, _reason, _column, _value_raw; the reasons are worked out for odd rows only."""
    df = df.with_columns(_ok=_clearly_ok())
    odd = df.filter(~pl.col("_ok"))
    if odd.height == 0:
        return df.with_columns(
            _kind=pl.lit(KIND_OK),
            _reason=pl.lit(None, dtype=pl.String),
            _column=pl.lit(None, dtype=pl.String),
            _value_raw=pl.lit(None, dtype=pl.String),
        )
    odd = (
        odd.with_columns(pl.col(pl.Categorical).cast(pl.String))
        .with_columns(
            _ent_raw=nz.clean(_c("entry_number")),
            _sci=nz.entry_scientific(_c("entry_number")),
            _hts_raw=nz.clean(_c("hts")),
            _ch99_raw=nz.clean(_c("ch99_hts")),
        )
        .with_columns(_kind_and_reason(labels, header_norms))
    )
    reasons = odd.select(IDX, "_kind", "_reason", "_column", "_value_raw")
    return df.join(reasons, on=IDX, how="left", maintain_order="left").with_columns(
        pl.col("_kind").fill_null(KIND_OK)
    )


def _kind_and_reason(labels: dict[str, str], header_norms: list[str]) -> list[pl.Expr]:
    """Row kind (ok / reject / set-aside) with the reason, rejected column and value: the first
    check that holds, in the order below."""
    all_blank = pl.all_horizontal([nz.clean(_c(f)).is_null() for f in FIELDS])
    ent_raw, hts_raw, ch99_raw, sci = (
        pl.col(c) for c in ("_ent_raw", "_hts_raw", "_ch99_raw", "_sci")
    )
    ent_norm = norm_header_expr(ent_raw)
    hts_norm = norm_header_expr(hts_raw)
    is_header = (ent_norm.is_in(header_norms) | hts_norm.is_in(header_norms)).fill_null(False)
    any_money = pl.any_horizontal([nz.clean(_c(f)).is_not_null() for f in MONEY_FIELDS])
    total_word = (
        ent_raw.str.to_lowercase().str.contains("total")
        | hts_raw.str.to_lowercase().str.contains("total")
    ).fill_null(False)
    no_hts = hts_raw.is_null() & ch99_raw.is_null()
    hts_d = pl.col("_hts_d")
    # (condition, kind, reason, field whose cell is reported)
    checks: list[tuple[pl.Expr, str, str | pl.Expr, str | None]] = [
        (
            pl.col(RAGGED_COL),
            KIND_REJECT,
            RAGGED_REASON,
            None,
        ),
        (all_blank, KIND_SET_ASIDE, "blank row", None),
        (is_header, KIND_SET_ASIDE, "repeated header row", None),
        (
            total_word | (ent_raw.is_null() & no_hts & any_money),
            KIND_SET_ASIDE,
            "totals row (not a line)",
            None,
        ),
        (
            ent_raw.is_not_null() & no_hts & ~sci,
            KIND_SET_ASIDE,
            "entry-level roll-up row without HTS (not a line)",
            None,
        ),
        (
            sci,
            KIND_REJECT,
            "entry number in scientific notation (spreadsheet damage): cannot be recovered",
            "entry_number",
        ),
        (ent_raw.is_null(), KIND_REJECT, "missing entry number", "entry_number"),
        (
            pl.col("_entry").is_null(),
            KIND_REJECT,
            "not an entry number (expected FFF-NNNNNNN-C)",
            "entry_number",
        ),
        (
            pl.col("_hts_several"),
            KIND_REJECT,
            "HTS cell holds more than 10 digits or two codes (one code per row)",
            "hts",
        ),
        (
            hts_raw.is_not_null() & (hts_d.is_null() | (hts_d.str.len_bytes() < 6)),
            KIND_REJECT,
            "not an HTS number",
            "hts",
        ),
        (
            ch99_raw.is_not_null() & ~nz.is_ch99_digits(pl.col("_ch99_d")),
            KIND_REJECT,
            "not a Chapter 99 code",
            "ch99_hts",
        ),
        *[(pl.col(f"_{f}_bad"), KIND_REJECT, pl.col(f"_{f}_why"), f) for f in MONEY_FIELDS],
    ]

    def first(
        pick: Callable[[str, str | pl.Expr, str | None], pl.Expr], default: pl.Expr
    ) -> pl.Expr:
        chain: Any = pl
        for cond, kind, reason, field in checks:
            chain = chain.when(cond).then(pick(kind, reason, field))
        return chain.otherwise(default)

    none = pl.lit(None, dtype=pl.String)
    return [
        first(lambda k, _r, _f: pl.lit(k), pl.lit(KIND_OK)).alias("_kind"),
        first(lambda _k, r, _f: r if isinstance(r, pl.Expr) else pl.lit(r), none).alias("_reason"),
        first(lambda _k, _r, f: pl.lit(labels[f]) if f else none, none).alias("_column"),
        first(lambda _k, _r, f: _c(f) if f else none, none).alias("_value_raw"),
    ]


def _reject_where(df: pl.DataFrame, cond: pl.Expr, reason: pl.Expr) -> pl.DataFrame:
    """Mark the rows where `cond` holds as rejected, with `reason`."""
    return df.with_columns(
        _kind=pl.when(cond).then(pl.lit(KIND_REJECT)).otherwise(pl.col("_kind")),
        _reason=pl.when(cond).then(reason).otherwise(pl.col("_reason")),
    )


# what tells one source row of a line from another (a row repeated in a later part is a copy)
_ROW_SIGNATURE = ("_hts_d", "_ch99_d", "_duty", "_ieepa", "_value", "_country_raw")


def _set_aside_overlaps(df: pl.DataFrame) -> tuple[pl.DataFrame, int]:
    """Set aside the rows of an entry line that an earlier part already holds; how many lines.

    A line cut where one part ends and the next begins (its rows run on across the boundary) is
    one line of the concatenated export: only its rows that copy a row of an earlier part are
    set aside. A line found again anywhere else keeps the rows of its first part only."""
    keyed = pl.col("_keyed") & pl.col("line_no").is_not_null() & (pl.col("_kind") != KIND_SET_ASIDE)
    signature = pl.struct(*_ROW_SIGNATURE, canon("tariff_ordinal"))
    rows = df.filter(keyed).select(
        IDX, LINE_KEY, FILE_COL, signature.alias("_sig"), pl.int_range(pl.len()).alias("_pos")
    )
    owner = pl.col(FILE_COL).min().over(LINE_KEY)
    runs_on = pl.col("_pos").max() - pl.col("_pos").min() + 1 == pl.len()
    again = rows.filter(pl.col(FILE_COL).n_unique().over(LINE_KEY) > 1).filter(
        pl.when(runs_on.over(LINE_KEY))
        .then(pl.col(FILE_COL) > pl.col(FILE_COL).min().over(LINE_KEY, "_sig"))  # a copy
        .otherwise(pl.col(FILE_COL) != owner)
    )
    if again.height == 0:
        return df, 0
    hit = pl.col(IDX).is_in(again.get_column(IDX).implode())
    reason = "the same entry line is in an earlier part (overlapping parts; counted once)"
    df = df.with_columns(
        _kind=pl.when(hit).then(pl.lit(KIND_SET_ASIDE)).otherwise(pl.col("_kind")),
        _reason=pl.when(hit).then(pl.lit(reason)).otherwise(pl.col("_reason")),
        _keyed=pl.col("_keyed") & ~hit,
    )
    return df, again.get_column(LINE_KEY).n_unique()


CH99_FIRST, COMMODITY_FIRST = "ch99_first", "commodity_first"
_ORPHAN_BELOW = "Chapter 99 row with no commodity row below it in the same entry"
_ORPHAN_ABOVE = "Chapter 99 row with no commodity row above it in the same entry"


def _orientation(df: pl.DataFrame) -> dict[int, str]:
    """Per file index: Chapter 99 rows first (an entry's first row is a 9903 row) or after."""
    keyed = df.filter(pl.col("_keyed") & (pl.col("_kind") == KIND_OK))
    firsts = (
        keyed.filter(pl.col("_eid").is_first_distinct())
        .group_by(FILE_COL)
        .agg(pl.col("_hts_is_ch99").or_(pl.col("_hts_is_ch98")).any().alias("_first"))
    )
    found = {int(f): CH99_FIRST if first else COMMODITY_FIRST for f, first in firsts.iter_rows()}
    return found


def _line_numbers(
    df: pl.DataFrame, layout: str, has_line_col: bool, has_ordinal: bool
) -> tuple[pl.Expr, pl.Expr, dict[int, str]]:
    """Line number of each keyed row (null for a Chapter 99 row that belongs to no commodity
    row), the orphan reason, and the orientation detected per file (only when it had to be)."""
    entry = pl.col("_eid")
    keyed = pl.col("_keyed")
    orphan_above = pl.lit(_ORPHAN_ABOVE)
    if has_line_col and df.filter(keyed & pl.col("_line_in").is_null()).height == 0:
        return pl.col("_line_in"), orphan_above, {}
    first_of_entry = pl.int_range(pl.len()).over(entry) == 0
    if layout == "same_row":
        prev_differs = (
            pl.any_horizontal(
                [
                    pl.col(c).ne_missing(pl.col(c).shift(1).over(entry))
                    for c in ("_hts_d", "_country_raw", "_value")
                ]
            )
            | first_of_entry
        )
        seq = prev_differs.cast(pl.Int64).cum_sum().over(entry)
        return (pl.coalesce(pl.col("_line_in"), seq) if has_line_col else seq), orphan_above, {}
    if has_line_col:  # some rows lack a line number: they join their commodity row
        found = _orientation(df)
        first = pl.col(FILE_COL).is_in([f for f, o in found.items() if o == CH99_FIRST])
        seq = pl.col("_is_comm").cast(pl.Int64).cum_sum().over(entry)
        comm_line = pl.when(pl.col("_is_comm")).then(pl.coalesce(pl.col("_line_in"), seq))
        below = comm_line.backward_fill().over(entry)
        above = comm_line.forward_fill().over(entry)
        line = pl.coalesce(pl.col("_line_in"), pl.when(first).then(below).otherwise(above))
        reason = pl.when(first).then(pl.lit(_ORPHAN_BELOW)).otherwise(orphan_above)
        return line, reason, found
    ordinal = nz.to_int(_c("tariff_ordinal"))
    if has_ordinal and df.filter(keyed & ordinal.is_null()).height == 0:
        # no line numbers: each restart of the tariff ordinal starts a new line (docs/rules.md §3)
        restart = first_of_entry | (ordinal <= ordinal.shift(1).over(entry)).fill_null(True)
        return restart.cast(pl.Int64).cum_sum().over(entry), orphan_above, {}
    # no line numbers, no ordinals: the orientation is detected per file
    found = _orientation(df)
    ch99_first = [f for f, o in found.items() if o == CH99_FIRST]
    first = pl.col(FILE_COL).is_in(ch99_first)
    comm = pl.col("_is_comm").cast(pl.Int64)
    seen = comm.cum_sum().over(entry)  # commodity rows up to and including this row
    below = seen - comm + 1  # Chapter 99 first: a 9903 row joins the next commodity row
    below = pl.when(below <= comm.sum().over(entry)).then(below)
    above = pl.when(seen > 0).then(seen)
    line = pl.when(first).then(below).otherwise(above)
    reason = pl.when(first).then(pl.lit(_ORPHAN_BELOW)).otherwise(orphan_above)
    return line, reason, found


def _line_ids(used: pl.DataFrame) -> pl.DataFrame:
    """Number lines 0..n-1 in order of first appearance."""
    key = pl.col(LINE_KEY)
    used = used.with_columns(_start=key.ne_missing(key.shift(1)).fill_null(True))
    n_starts = int(used.get_column("_start").sum())
    if n_starts == used.get_column(LINE_KEY).n_unique():  # each line's rows are contiguous
        line_id = (pl.col("_start").cum_sum() - 1).cast(pl.UInt32).set_sorted()
        return used.with_columns(line_id=line_id)
    keys = used.filter(key.is_first_distinct()).select(LINE_KEY).with_row_index("line_id")
    return used.join(keys, on=LINE_KEY, how="left", maintain_order="left")


def _take(frame: pl.DataFrame, idx: pl.Series) -> pl.DataFrame:
    """Rows `idx` of `frame`: shared buffers when it is every row, a sequential mask when the
    indices ascend (the usual case), a gather otherwise."""
    if frame.width == 0:
        return frame
    if idx.len() == frame.height and (frame.height == 0 or idx.is_sorted()):
        return frame
    if idx.is_sorted() and idx.n_unique() == idx.len():
        mask = pl.repeat(False, frame.height, dtype=pl.Boolean, eager=True).scatter(idx, True)
        return frame.filter(mask)
    return frame.select(pl.all().gather(idx))


def _file_names(files: list[str]) -> pl.Expr:
    return (
        pl.col(FILE_COL)
        .replace_strict(list(range(len(files))), files, return_dtype=pl.String)
        .alias("source_file")
    )


def _raw_text(raw: pl.DataFrame, columns: list[str], idx: pl.Series) -> pl.Series:
    """The original cells of the given rows, joined by commas."""
    if not columns:
        return pl.Series("raw", [""] * len(idx), dtype=pl.String)
    picked = raw.select(pl.col(columns).gather(idx))
    return picked.select(
        pl.concat_str([pl.col(c).fill_null("") for c in columns], separator=",").alias("raw")
    ).to_series()


def assemble(
    raw: pl.DataFrame,
    rules: Rules,
    *,
    files: list[str],
    layout: str,
    labels: dict[str, str],
    original_columns: list[str],
    has_line_col: bool,
    has_ordinal: bool = False,
    distinct_parts: bool = False,
    codes: CodeTables | None = None,
) -> Assembled:
    """Turn raw rows (canonical c_* copies + original columns + provenance) into an export.

    The same entry line in two parts counts once (the later part's rows are set aside) unless
    `distinct_parts`. `codes` carries the look-ups of Categorical columns from chunk to chunk.
    """
    raw = raw.with_row_index(IDX)
    if RAGGED_COL not in raw.columns:
        raw = raw.with_columns(pl.lit(False).alias(RAGGED_COL))
    for field in FIELDS:
        if canon(field) not in raw.columns:
            raw = raw.with_columns(pl.lit(None, dtype=pl.String).alias(canon(field)))
    read = [c for f in MONEY_FIELDS for c in money_outputs(f) if c in raw.columns]
    read += ["_entry"] if "_entry" in raw.columns else []
    narrow = raw.select(IDX, FILE_COL, ROW_COL, RAGGED_COL, *[canon(f) for f in FIELDS], *read)
    raw = raw.select(FILE_COL, ROW_COL, *original_columns)  # what is read of it from here on
    header_norms = sorted(
        {norm_header(h) for h in labels.values()} | {norm_header(h) for h in original_columns}
    )
    df = _classify_rows(_derive(narrow, rules, codes), labels, header_norms)
    # entry-level fields: normalised once per entry, and off the row frame from here on
    entry_fields = _entry_fields(df, rules, codes)
    df = df.drop([canon(f) for f in ENTRY_FIELDS])
    df = df.with_columns(
        _keyed=pl.col("_entry").is_not_null() & (pl.col("_kind") != KIND_SET_ASIDE)
    )
    line, orphan_reason, orientation = _line_numbers(df, layout, has_line_col, has_ordinal)
    df = df.with_columns(line_no=pl.when("_keyed").then(line))
    too_big = pl.col("line_no") >= 2**_LINE_BITS
    if df.filter(too_big).height:
        df = _reject_where(df, too_big, pl.lit("line number out of range"))
    df = df.with_columns(
        _lkey=pl.col("_eid").cast(pl.Int64) * 2**_LINE_BITS + pl.col("line_no").cast(pl.Int64)
    )
    overlapping = 0
    if len(files) > 1 and not distinct_parts:
        df, overlapping = _set_aside_overlaps(df)
    orphan = pl.col("_keyed") & (pl.col("_kind") == KIND_OK) & pl.col("line_no").is_null()
    df = _reject_where(df, orphan, orphan_reason)
    # A line with any rejected row is rejected whole: never a line with part of its duty.
    bad_lines = (
        df.filter((pl.col("_kind") == KIND_REJECT) & pl.col("line_no").is_not_null())
        .group_by(LINE_KEY)
        .agg(pl.col(ROW_COL).min().alias("_first_bad"))
    )
    if bad_lines.height:
        df = df.join(bad_lines, on=LINE_KEY, how="left", maintain_order="left")
        spill = (pl.col("_kind") == KIND_OK) & pl.col("_first_bad").is_not_null()
        df = _reject_where(df, spill, pl.format("same line as rejected row {}", "_first_bad"))

    odd = df.filter(pl.col("_kind") != KIND_OK)
    set_aside = odd.filter(pl.col("_kind") == KIND_SET_ASIDE)
    set_aside = set_aside.select(
        _file_names(files),
        pl.col(ROW_COL).alias("source_row"),
        pl.col("_reason").alias("reason"),
    ).with_columns(_raw_text(raw, original_columns, set_aside.get_column(IDX)))
    rejected = odd.filter(pl.col("_kind") == KIND_REJECT)
    rejected = rejected.select(
        _file_names(files),
        pl.col(ROW_COL).alias("source_row"),
        pl.col("_column").alias("column"),
        pl.col("_value_raw").alias("value"),
        pl.col("_reason").alias("reason"),
    ).with_columns(_raw_text(raw, original_columns, rejected.get_column(IDX)))

    # Rows are classified: the text copies (but the money cells _rounded quotes) and the row
    # checks' helpers are not needed any more; free them before the per-line frames are built.
    spent = [canon(f) for f in FIELDS if f not in MONEY_FIELDS]
    spent += ["_ok", "_reason", "_column", "_value_raw", "_first_bad", "_sci"]
    spent += [f"_{f}_{k}" for f in MONEY_FIELDS for k in ("bad", "why")]
    spent += [f"{d}_bad" for d in ("_liq_date", "_entry_date", "_es_date")]
    ok_rows = df if odd.height == 0 else df.filter(pl.col("_kind") == KIND_OK)  # no copy if all
    ok_rows = ok_rows.drop(*spent, "_kind", strict=False)
    del df, odd, narrow
    used = _line_ids(ok_rows)
    del ok_rows
    ensure_sums_fit(used, ["_value", "_duty", "_ieepa"], "money amounts of the export")
    rounded, example = _rounded(used, labels, files)
    components = _components(used, rules, files)
    lines = _lines(used, components, entry_fields, rules, layout, files)
    used = used.select("line_id", FILE_COL, ROW_COL, IDX)
    originals = raw.select(original_columns)
    context_rows = raw.select(FILE_COL, ROW_COL)[lines.get_column("_ctx_idx")]
    context = _take(originals, lines.get_column("_ctx_idx"))
    lines = pl.concat([lines.drop("_ctx_idx"), context], how="horizontal")
    rows = pl.concat(
        [
            used.select("line_id", _file_names(files), pl.col(ROW_COL).alias("source_row")),
            _take(originals, used.get_column(IDX)),
        ],
        how="horizontal",
    )
    with_ch99 = set(components.get_column("source_file").unique().to_list())
    used_files = {files[int(i)] for i in used.get_column(FILE_COL).unique().to_list()}
    without = tuple(f for f in files if f in used_files and f not in with_ch99)
    return Assembled(
        lines,
        components,
        rows,
        set_aside,
        rejected,
        overlapping,
        rounded,
        example,
        orientation={files[i]: o for i, o in sorted(orientation.items())},
        files_without_ch99=without,
        context_rows=context_rows,
    )


def _rounded(used: pl.DataFrame, labels: dict[str, str], files: list[str]) -> tuple[int, str]:
    """How many used money cells were rounded to the cent, and where the first one is."""
    flags = [pl.col(f"_{f}_rounded") for f in MONEY_FIELDS]
    counts = used.select(pl.sum_horizontal([f.sum() for f in flags])).item()
    if not counts:
        return 0, ""
    for f in MONEY_FIELDS:
        hit = used.filter(pl.col(f"_{f}_rounded")).select(FILE_COL, ROW_COL, canon(f)).head(1)
        if hit.height:
            file_i, row, value = hit.row(0)
            return int(counts), f"{files[file_i]} row {row} column {labels[f]!r}: {value!r}"
    return int(counts), ""  # pragma: no cover


def _components(used: pl.DataFrame, rules: Rules, files: list[str]) -> pl.DataFrame:
    """One row per Chapter 99 code on a line (separate rows and same-row codes alike)."""
    base: list[str | pl.Expr] = [
        "line_id",
        pl.col("_entry").alias("entry_number"),
        "line_no",
        _file_names(files),
        pl.col(ROW_COL).alias("source_row"),
        IDX,
    ]
    own_rows = used.filter(pl.col("_hts_is_ch99")).select(
        *base,
        pl.col("_hts_d").str.slice(0, 8).alias("_code"),
        pl.coalesce("_duty", "_ieepa").alias("duty_cents"),
        pl.col("_value").alias("entered_value_cents"),  # should be $0/blank (§10)
    )
    same_row = used.filter(pl.col("_ch99_d").is_not_null()).select(
        *base,
        pl.col("_ch99_d").str.slice(0, 8).alias("_code"),
        pl.col("_ieepa").alias("duty_cents"),
        pl.lit(None, dtype=pl.Int64).alias("entered_value_cents"),  # the line's own value
    )
    comps = pl.concat([own_rows, same_row]).sort(IDX) if same_row.height else own_rows
    if comps.get_column("line_id").is_sorted():  # lines are contiguous: cheap grouping by line
        comps = comps.with_columns(pl.col("line_id").set_sorted())
    ieepa_ids = rules.ieepa_programs()
    refundable_ids = [p.id for p in rules.programs if p.refundable]
    codes = comps.select(pl.col("_code").unique()).with_columns(
        program=rules.program_expr(pl.col("_code")),
        ch99_code=nz.ch99_display(pl.col("_code")),
    )
    comps = comps.join(codes, on="_code", how="left", maintain_order="left")
    return collected(
        comps.lazy().select(
            "line_id",
            "entry_number",
            "line_no",
            "ch99_code",
            "program",
            pl.col("program").is_in(ieepa_ids).alias("ieepa"),
            pl.col("program").is_in(refundable_ids).alias("refundable"),
            pl.col("duty_cents").cast(pl.Int64),
            pl.col("entered_value_cents").cast(pl.Int64),
            "source_file",
            "source_row",
        )
    )


def _warnings(lines: pl.DataFrame, rules: Rules) -> pl.DataFrame:
    """Add the warnings list column (codes), building lists only for lines that have any."""
    status = pl.col("liquidation_status")
    entered = pl.col("entry_date")
    outside = pl.lit(False)
    if rules.ieepa_collected_from is not None:
        outside = outside | (entered < rules.ieepa_collected_from)
    if rules.ieepa_collected_to is not None:
        outside = outside | (entered > rules.ieepa_collected_to)
    flags = {
        "check_digit": pl.col("_w_check"),
        "unknown_status": status.is_not_null() & ~status.is_in(KNOWN_STATUSES),
        "bad_date": pl.col("_w_date") | pl.col("_w_es_date"),
        "no_commodity_row": pl.col("_w_nocomm"),
        "blank_ieepa_duty": pl.col("_w_blank").fill_null(False),
        "ieepa_outside_window": (pl.col("ieepa_duty_cents") != 0) & outside,
        "protest_status_blank": pl.col("protest_number").is_not_null()
        & pl.col("protest_status").is_null(),
        "unclear_flag": pl.col("_w_flag"),
    }
    return lines.with_columns(warning_lists(flags).alias("warnings"))


def warning_lists(flags: dict[str, pl.Expr]) -> pl.Expr:
    """The list of the names whose flag holds (in the given order), for each row: the flags as
    the bits of a number, looked up in a table of every combination (no list built per row)."""
    bits = pl.sum_horizontal(
        [v.fill_null(False).cast(pl.UInt32) * (1 << i) for i, v in enumerate(flags.values())]
    )
    return pl.lit(_combinations(tuple(flags))).gather(bits)


@lru_cache(maxsize=8)
def _combinations(names: tuple[str, ...]) -> pl.Series:
    """The list of names of each combination of bits (bit i: names[i])."""
    return pl.Series(
        [[n for i, n in enumerate(names) if b >> i & 1] for b in range(1 << len(names))],
        dtype=pl.List(pl.String),
    )


def _entry_fields(used: pl.DataFrame, rules: Rules, codes: CodeTables | None) -> pl.DataFrame:
    """The entry-level v2 fields (deposit date, importer, filer, recon/protest/drawback), one
    row per entry: the first value an entry's rows carry, normalised once per distinct value."""
    present = [f for f in ENTRY_FIELDS if used.get_column(canon(f)).null_count() < used.height]
    keyed = used.select("_eid", "_entry", *[canon(f) for f in present])
    keyed = keyed.filter(pl.col("_entry").is_not_null())
    ent = keyed.group_by("_eid").agg(
        pl.col("_entry").first(), *[_c(f).first(ignore_nulls=True) for f in present]
    )
    compact = ent.get_column("_entry").str.replace_all("-", "", literal=True)
    ent = ent.with_columns(_w_check=~nz.check_digit_ok(compact)).drop("_entry")
    recon, recon_unclear = _flag(_c("recon_flag"), rules)
    drawback, drawback_unclear = _flag(_c("drawback_flag"), rules)
    pstatus = nz.clean(_c("protest_status"))
    closed = (
        pstatus.str.to_uppercase()
        .str.replace_all(r"\s+", " ")
        .is_in(list(rules.protest_closed_words))
        .fill_null(False)
    )
    outputs: dict[str, dict[str, pl.Expr]] = {
        "entry_summary_date": {
            "entry_summary_date": nz.parse_date(_c("entry_summary_date")),
            "_w_es_date": nz.date_invalid(_c("entry_summary_date")),
        },
        "importer_number": {"importer_number": nz.clean(_c("importer_number"))},
        "filer_code": {"_filer": nz.clean(_c("filer_code")).str.to_uppercase()},
        "recon_flag": {"recon_flag": recon, "_w_recon": recon_unclear},
        "drawback_flag": {"drawback_flag": drawback, "_w_drawback": drawback_unclear},
        "protest_number": {"protest_number": nz.clean(_c("protest_number"))},
        "protest_status": {"protest_status": pstatus, "_pclosed": closed},
    }
    absent = {
        "entry_summary_date": pl.Date,
        "_w_es_date": pl.Boolean,
        "recon_flag": pl.Boolean,
        "_w_recon": pl.Boolean,
        "drawback_flag": pl.Boolean,
        "_w_drawback": pl.Boolean,
        "_pclosed": pl.Boolean,
    }
    # once per distinct value (flags and statuses have a handful), the fields in one pass
    ent = _by_values(
        ent, [_lookup(canon(f), outs) for f, outs in outputs.items() if f in present], codes
    )
    ent = ent.with_columns(
        pl.lit(None, dtype=absent.get(name, pl.String)).alias(name)
        for field, outs in outputs.items()
        if field not in present
        for name in outs
    )
    false = pl.lit(False)
    return ent.select(
        "_eid",
        "entry_summary_date",
        pl.col("_w_es_date").fill_null(False),
        "importer_number",
        "_filer",
        pl.col("recon_flag").fill_null(False),
        pl.col("drawback_flag").fill_null(False),
        (pl.col("_w_recon").fill_null(false) | pl.col("_w_drawback").fill_null(false)).alias(
            "_w_flag"
        ),
        "protest_number",
        "protest_status",
        pl.col("_pclosed").fill_null(False),
        "_w_check",
    )


def _line_fields(rows: pl.DataFrame) -> pl.DataFrame:
    """The line's own fields from the first of `rows` on each line."""
    return rows.filter(pl.col("line_id").is_first_distinct()).select(
        "line_id",
        pl.col(IDX).alias("_comm_idx"),
        "_hts_show",
        pl.col("_country").alias("country"),
        pl.col("_country_raw").alias("country_raw"),
        pl.col("_value").alias("entered_value_cents"),
        pl.col("_duty").alias("line_duty_cents"),
    )


def _lines(
    used: pl.DataFrame,
    components: pl.DataFrame,
    entry_fields: pl.DataFrame,
    rules: Rules,
    layout: str,
    files: list[str],
) -> pl.DataFrame:
    """One row per line: the commodity row's fields, the Chapter 99 roll-up, _ctx_idx."""
    comm = pl.col("_is_comm")
    ch98 = bool(used.get_column("_hts_is_ch98").any())
    goods = comm | pl.col("_hts_is_ch98") if ch98 else comm  # the rows of the goods themselves
    # entry-level fields may sit on any row of the line; take the first that has them
    base = used.group_by("line_id").agg(
        pl.col("_entry").first().alias("entry_number"),
        pl.col("_eid").first(),
        pl.col("line_no").first(),
        pl.col("_status").drop_nulls().first().alias("liquidation_status"),
        pl.col("_liq_date").drop_nulls().first().alias("liquidation_date"),
        pl.col("_etype").drop_nulls().first().alias("entry_type"),
        pl.col("_entry_date").drop_nulls().first().alias("entry_date"),
        pl.col("_bad_date").any().alias("_w_date"),
        (~goods.any()).alias("_w_nocomm"),
        pl.col(FILE_COL).first(),
        pl.col(ROW_COL).first().alias("source_row"),
        pl.col(IDX).first().alias("_first_idx"),
    )
    comm_rows = used.filter(comm)
    # the line's own fields come from its first commodity row (same-row repeats count once)
    first_comm = _line_fields(comm_rows)
    if ch98:  # a line without a Ch. 1-97 row takes them from its first Chapter 98 row
        spare = used.filter(pl.col("_hts_is_ch98")).join(first_comm, on="line_id", how="anti")
        first_comm = pl.concat([first_comm, _line_fields(spare)])
    agg = base.join(first_comm, on="line_id", how="left")
    agg = agg.join(entry_fields, on="_eid", how="left", maintain_order="left")
    if layout != "same_row":  # separate tariff rows: every goods row's duty is the line's
        goods_rows = used.filter(goods) if ch98 else comm_rows
        duty = goods_rows.group_by("line_id").agg(pl.col("_duty").sum().alias("line_duty_cents"))
        agg = agg.drop("line_duty_cents").join(duty, on="line_id", how="left")
    stacking = list(rules.stacking_programs)
    comp_agg = components.group_by("line_id").agg(
        pl.col("duty_cents").sum().alias("ch99_duty_cents"),
        pl.col("duty_cents").filter(pl.col("ieepa")).sum().alias("ieepa_duty_cents"),
        pl.col("ieepa").any().alias("has_ieepa"),
        pl.col("program").is_in(stacking).any().alias("has_stacking"),
        pl.col("ch99_code").alias("ch99_codes"),
        pl.col("program").unique(maintain_order=True).alias("ch99_programs"),
        (pl.col("ieepa") & pl.col("duty_cents").is_null()).any().alias("_w_blank"),
    )
    lines = agg.join(comp_agg, on="line_id", how="left").sort("line_id")
    empty_list = pl.lit([], dtype=pl.List(pl.String))
    lines = lines.with_columns(
        pl.col("line_id").cast(pl.UInt32),
        pl.col("_hts_show").alias("hts"),
        _file_names(files),
        pl.col("line_duty_cents").fill_null(0).cast(pl.Int64),
        pl.col("ch99_duty_cents").fill_null(0).cast(pl.Int64),
        pl.col("ieepa_duty_cents").fill_null(0).cast(pl.Int64),
        pl.col("has_ieepa").fill_null(False),
        pl.col("has_stacking").fill_null(False),
        pl.col("ch99_codes").fill_null(empty_list),
        pl.col("ch99_programs").fill_null(empty_list),
        pl.coalesce("_comm_idx", "_first_idx").alias("_ctx_idx"),
        pl.coalesce("_filer", pl.col("entry_number").str.slice(0, 3)).alias("filer_code"),
        (pl.col("protest_number").is_not_null() & ~pl.col("_pclosed")).alias("protest_on_file"),
    ).with_columns(
        (pl.col("line_duty_cents") + pl.col("ch99_duty_cents")).alias("total_duty_cents"),
    )
    lines = _warnings(lines, rules)
    return lines.select(*LINE_COLUMNS, "_ctx_idx")
