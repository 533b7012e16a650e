"""Both Chapter 99 layouts (spec §3) -> lines, components, used, set-aside and rejected rows."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from itrac_tui.core import normalise as nz
from itrac_tui.core.columns import FIELDS, MONEY_FIELDS, norm_header
from itrac_tui.core.read import FILE_COL, ROW_COL
from itrac_tui.core.rules import KNOWN_STATUSES, Rules

IDX = "__idx"
KIND_OK, KIND_REJECT = "ok", "reject"


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


def _c(field: str) -> pl.Expr:
    return pl.col(canon(field))


def _derive(raw: pl.DataFrame, rules: Rules) -> pl.DataFrame:
    """Normalised helper columns (prefixed _) for every raw row."""
    for field in FIELDS:
        if canon(field) not in raw.columns:
            raw = raw.with_columns(pl.lit(None, dtype=pl.String).alias(canon(field)))
    df = raw.with_columns(
        _ent_raw=nz.clean(_c("entry_number")),
        _ent_compact=nz.entry_compact(_c("entry_number")),
        _entry=nz.entry_number(_c("entry_number")),
        _sci=nz.entry_scientific(_c("entry_number")),
        _hts_raw=nz.clean(_c("hts")),
        _hts_d=nz.hts_digits(_c("hts")),
        _ch99_raw=nz.clean(_c("ch99_hts")),
        _ch99_d=nz.hts_digits(_c("ch99_hts")),
        _value=nz.money_cents(_c("entered_value")),
        _duty=nz.money_cents(_c("duty")),
        _ieepa=nz.money_cents(_c("ieepa_duty")),
        _line_in=nz.to_int(_c("line_number")),
        _status=nz.liquidation_status(_c("liquidation_status"), rules.status_words),
        _liq_date=nz.parse_date(_c("liquidation_date")),
        _entry_date=nz.parse_date(_c("entry_date")),
        _bad_date=nz.date_invalid(_c("liquidation_date")) | nz.date_invalid(_c("entry_date")),
        _etype=nz.entry_type(_c("entry_type")),
        _country=nz.country_alpha2(_c("country")),
        _country_raw=nz.clean(_c("country")),
        **{f"_{f}_bad": nz.money_invalid(_c(f)) for f in MONEY_FIELDS},
    )
    return df.with_columns(
        _hts_is_ch99=nz.is_ch99_digits(pl.col("_hts_d")),
        _is_comm=pl.col("_hts_d").is_not_null() & ~nz.is_ch99_digits(pl.col("_hts_d")),
    )


def _kind_and_reason(labels: dict[str, str], header_norms: list[str]) -> list[pl.Expr]:
    """Row kind (ok / reject / set-aside reason) with the rejected column and value."""
    all_blank = pl.all_horizontal([_c(f).is_null() | (nz.clean(_c(f)).is_null()) for f in FIELDS])
    ent_norm = pl.col("_ent_raw").str.to_lowercase().str.replace_all(r"[^0-9a-z]", "")
    hts_norm = pl.col("_hts_raw").str.to_lowercase().str.replace_all(r"[^0-9a-z]", "")
    is_header = (ent_norm.is_in(header_norms) | hts_norm.is_in(header_norms)).fill_null(False)
    any_money = pl.any_horizontal([nz.clean(_c(f)).is_not_null() for f in MONEY_FIELDS])
    total_word = (
        pl.col("_ent_raw").str.to_lowercase().str.contains("total")
        | pl.col("_hts_raw").str.to_lowercase().str.contains("total")
    ).fill_null(False)
    no_hts = pl.col("_hts_raw").is_null() & pl.col("_ch99_raw").is_null()
    hts_bad = pl.col("_hts_raw").is_not_null() & (
        pl.col("_hts_d").is_null() | (pl.col("_hts_d").str.len_bytes() < 6)
    )
    ch99_bad = pl.col("_ch99_raw").is_not_null() & ~nz.is_ch99_digits(pl.col("_ch99_d"))

    def bad(field: str) -> pl.Expr:
        return pl.col(f"_{field}_bad")

    reason = (
        pl.when(all_blank)
        .then(pl.lit("blank row"))
        .when(is_header)
        .then(pl.lit("repeated header row"))
        .when(total_word | (pl.col("_ent_raw").is_null() & no_hts & any_money))
        .then(pl.lit("totals row (not a line)"))
        .when(pl.col("_ent_raw").is_not_null() & no_hts & ~pl.col("_sci"))
        .then(pl.lit("entry-level roll-up row without HTS (not a line)"))
        .when(pl.col("_sci"))
        .then(
            pl.lit("entry number in scientific notation (spreadsheet damage): cannot be recovered")
        )
        .when(pl.col("_ent_raw").is_null())
        .then(pl.lit("missing entry number"))
        .when(pl.col("_entry").is_null())
        .then(pl.lit("not an entry number (expected FFF-NNNNNNN-C)"))
        .when(hts_bad)
        .then(pl.lit("not an HTS number"))
        .when(ch99_bad)
        .then(pl.lit("not a Chapter 99 code"))
        .when(bad("entered_value"))
        .then(pl.lit("not money"))
        .when(bad("duty"))
        .then(pl.lit("not money"))
        .when(bad("ieepa_duty"))
        .then(pl.lit("not money"))
    )
    column = (
        pl.when(all_blank | is_header | total_word)
        .then(pl.lit(None, dtype=pl.String))
        .when(pl.col("_sci") | pl.col("_ent_raw").is_null() | pl.col("_entry").is_null())
        .then(pl.lit(labels["entry_number"]))
        .when(hts_bad)
        .then(pl.lit(labels["hts"]))
        .when(ch99_bad)
        .then(pl.lit(labels["ch99_hts"]))
        .when(bad("entered_value"))
        .then(pl.lit(labels["entered_value"]))
        .when(bad("duty"))
        .then(pl.lit(labels["duty"]))
        .when(bad("ieepa_duty"))
        .then(pl.lit(labels["ieepa_duty"]))
    )
    value = (
        pl.when(column == labels["entry_number"])
        .then(_c("entry_number"))
        .when(column == labels["hts"])
        .then(_c("hts"))
        .when(column == labels["ch99_hts"])
        .then(_c("ch99_hts"))
        .when(column == labels["entered_value"])
        .then(_c("entered_value"))
        .when(column == labels["duty"])
        .then(_c("duty"))
        .when(column == labels["ieepa_duty"])
        .then(_c("ieepa_duty"))
    )
    set_aside = reason.is_not_null() & ~reason.is_in(_REJECT_REASONS_LIST)
    kind = pl.when(reason.is_null()).then(pl.lit(KIND_OK)).when(set_aside).then(pl.lit("set_aside"))
    return [
        kind.otherwise(pl.lit(KIND_REJECT)).alias("_kind"),
        reason.alias("_reason"),
        column.alias("_column"),
        value.alias("_value_raw"),
    ]


_REJECT_REASONS_LIST = [
    "entry number in scientific notation (spreadsheet damage): cannot be recovered",
    "missing entry number",
    "not an entry number (expected FFF-NNNNNNN-C)",
    "not an HTS number",
    "not a Chapter 99 code",
    "not money",
]


def _line_numbers(df: pl.DataFrame, layout: str, has_line_col: bool) -> pl.Expr:
    """Line number of each keyed row (null for a Chapter 99 row with no commodity row above)."""
    entry = pl.col("_entry")
    if layout == "same_row":
        prev_differs = pl.any_horizontal(
            [
                pl.col(c).ne_missing(pl.col(c).shift(1).over(entry))
                for c in ("_hts_d", "_country_raw", "_value")
            ]
        ) | (pl.int_range(pl.len()).over(entry) == 0)
        seq = prev_differs.cast(pl.Int64).cum_sum().over(entry)
        return pl.coalesce(pl.col("_line_in"), seq) if has_line_col else seq
    seq = pl.col("_is_comm").cast(pl.Int64).cum_sum().over(entry)
    if not has_line_col:
        return pl.when(seq > 0).then(seq)
    comm_line = pl.when(pl.col("_is_comm")).then(pl.coalesce(pl.col("_line_in"), seq))
    return pl.coalesce(pl.col("_line_in"), comm_line.forward_fill().over(entry))


def _raw_text(columns: list[str]) -> pl.Expr:
    return pl.concat_str([pl.col(c).fill_null("") for c in columns], separator=",").alias("raw")


def assemble(
    raw: pl.DataFrame,
    rules: Rules,
    *,
    layout: str,
    labels: dict[str, str],
    original_columns: list[str],
    has_line_col: bool,
) -> Assembled:
    """Turn raw rows (canonical c_* copies + original columns + provenance) into an export."""
    raw = raw.with_row_index(IDX)
    header_norms = sorted(
        {norm_header(h) for h in labels.values()} | {norm_header(h) for h in original_columns}
    )
    df = _derive(raw, rules).with_columns(_kind_and_reason(labels, header_norms))

    keyed = pl.col("_entry").is_not_null() & (pl.col("_kind") != "set_aside")
    df = df.with_columns(
        line_no=pl.when(keyed).then(_line_numbers(df, layout, has_line_col)),
    )
    orphan = keyed & (pl.col("_kind") == KIND_OK) & pl.col("line_no").is_null()
    df = df.with_columns(
        _kind=pl.when(orphan).then(pl.lit(KIND_REJECT)).otherwise(pl.col("_kind")),
        _reason=pl.when(orphan)
        .then(pl.lit("Chapter 99 row with no commodity row above it in the same entry"))
        .otherwise(pl.col("_reason")),
    )
    # A line with any rejected row is rejected whole: never a line with part of its duty.
    first_bad = (
        pl.when(pl.col("_kind") == KIND_REJECT)
        .then(pl.col(ROW_COL))
        .min()
        .over("_entry", "line_no")
    )
    spill = keyed & (pl.col("_kind") == KIND_OK) & pl.col("line_no").is_not_null()
    df = df.with_columns(_first_bad=pl.when(spill).then(first_bad))
    df = df.with_columns(
        _kind=pl.when(pl.col("_first_bad").is_not_null())
        .then(pl.lit(KIND_REJECT))
        .otherwise(pl.col("_kind")),
        _reason=pl.when(pl.col("_first_bad").is_not_null())
        .then(pl.format("same line as rejected row {}", pl.col("_first_bad")))
        .otherwise(pl.col("_reason")),
    )

    set_aside = df.filter(pl.col("_kind") == "set_aside").select(
        pl.col(FILE_COL).alias("source_file"),
        pl.col(ROW_COL).alias("source_row"),
        pl.col("_reason").alias("reason"),
        _raw_text(original_columns),
    )
    rejected = df.filter(pl.col("_kind") == KIND_REJECT).select(
        pl.col(FILE_COL).alias("source_file"),
        pl.col(ROW_COL).alias("source_row"),
        pl.col("_column").alias("column"),
        pl.col("_value_raw").alias("value"),
        pl.col("_reason").alias("reason"),
        _raw_text(original_columns),
    )

    used = df.filter(pl.col("_kind") == KIND_OK)
    keys = used.group_by("_entry", "line_no", maintain_order=True).agg().with_row_index("line_id")
    used = used.join(keys, on=["_entry", "line_no"], how="left", maintain_order="left")

    components = _components(used, rules)
    lines = _lines(used, components, rules, layout, original_columns)
    rows = used.select(
        "line_id",
        pl.col(FILE_COL).alias("source_file"),
        pl.col(ROW_COL).alias("source_row"),
        *original_columns,
    )
    return Assembled(lines, components, rows, set_aside, rejected)


def _components(used: pl.DataFrame, rules: Rules) -> pl.DataFrame:
    """One row per Chapter 99 code on a line (separate rows and same-row codes alike)."""
    base = [
        "line_id",
        pl.col("_entry").alias("entry_number"),
        "line_no",
        pl.col(FILE_COL).alias("source_file"),
        pl.col(ROW_COL).alias("source_row"),
        IDX,
    ]
    own_rows = used.filter(pl.col("_hts_is_ch99")).select(
        *base,
        pl.col("_hts_d").str.slice(0, 8).alias("_code"),
        pl.coalesce("_duty", "_ieepa").alias("duty_cents"),
    )
    same_row = used.filter(pl.col("_ch99_d").is_not_null()).select(
        *base,
        pl.col("_ch99_d").str.slice(0, 8).alias("_code"),
        pl.col("_ieepa").alias("duty_cents"),
    )
    comps = pl.concat([own_rows, same_row]).sort(IDX)
    ieepa_ids = rules.ieepa_programs()
    comps = comps.with_columns(program=rules.program_expr(pl.col("_code")))
    return comps.select(
        "line_id",
        "entry_number",
        "line_no",
        nz.ch99_display(pl.col("_code")).alias("ch99_code"),
        "program",
        pl.col("program").is_in(ieepa_ids).alias("ieepa"),
        pl.col("program").is_in(ieepa_ids).alias("refundable"),
        pl.col("duty_cents").cast(pl.Int64),
        "source_file",
        "source_row",
    )


def _lines(
    used: pl.DataFrame,
    components: pl.DataFrame,
    rules: Rules,
    layout: str,
    original_columns: list[str],
) -> pl.DataFrame:
    """One row per line: the commodity row's fields and context, the Chapter 99 roll-up."""
    comm = pl.col("_is_comm")
    duty = pl.col("_duty").filter(comm)
    own_duty = duty.first() if layout == "same_row" else duty.sum()
    ctx = [pl.col(c).filter(comm).first() for c in original_columns]
    agg = used.group_by("line_id").agg(
        pl.col("_entry").first().alias("entry_number"),
        pl.col("line_no").first(),
        nz.hts_display(pl.col("_hts_d").filter(comm).first()).alias("hts"),
        pl.col("_country").filter(comm).first().alias("country"),
        pl.col("_country_raw").filter(comm).first().alias("country_raw"),
        pl.col("_value").filter(comm).first().alias("entered_value_cents"),
        own_duty.alias("line_duty_cents"),
        pl.col("_status").drop_nulls().first().alias("liquidation_status"),
        pl.col("_liq_date").drop_nulls().first().alias("liquidation_date"),
        pl.col("_etype").drop_nulls().first().alias("entry_type"),
        pl.col("_entry_date").drop_nulls().first().alias("entry_date"),
        (~nz.check_digit_ok(pl.col("_ent_compact").first())).alias("_w_check"),
        pl.col("_bad_date").any().alias("_w_date"),
        (~comm.any()).alias("_w_nocomm"),
        pl.col(FILE_COL).first().alias("source_file"),
        pl.col(ROW_COL).first().alias("source_row"),
        *ctx,
    )
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
    status = pl.col("liquidation_status")
    warn = pl.concat_list(
        [
            pl.when(pl.col("_w_check")).then(pl.lit("check_digit")),
            pl.when(status.is_not_null() & ~status.is_in(KNOWN_STATUSES)).then(
                pl.lit("unknown_status")
            ),
            pl.when(pl.col("_w_date")).then(pl.lit("bad_date")),
            pl.when(pl.col("_w_nocomm")).then(pl.lit("no_commodity_row")),
            pl.when(pl.col("_w_blank").fill_null(False)).then(pl.lit("blank_ieepa_duty")),
        ]
    ).list.drop_nulls()
    lines = lines.with_columns(
        pl.col("line_id").cast(pl.UInt32),
        pl.col("line_duty_cents").fill_null(0).cast(pl.Int64),
        pl.col("ch99_duty_cents").fill_null(0).cast(pl.Int64),
        pl.col("ieepa_duty_cents").fill_null(0).cast(pl.Int64),
        pl.col("has_ieepa").fill_null(False),
        pl.col("has_stacking").fill_null(False),
        pl.col("ch99_codes").fill_null(empty_list),
        pl.col("ch99_programs").fill_null(empty_list),
        warn.alias("warnings"),
    ).with_columns(
        (pl.col("line_duty_cents") + pl.col("ch99_duty_cents")).alias("total_duty_cents"),
    )
    computed = [
        "line_id",
        "entry_number",
        "line_no",
        "hts",
        "country",
        "country_raw",
        "entered_value_cents",
        "line_duty_cents",
        "ch99_duty_cents",
        "total_duty_cents",
        "ieepa_duty_cents",
        "ch99_codes",
        "ch99_programs",
        "has_ieepa",
        "has_stacking",
        "liquidation_status",
        "liquidation_date",
        "entry_type",
        "entry_date",
        "warnings",
        "source_file",
        "source_row",
    ]
    return lines.select(*computed, *original_columns)
