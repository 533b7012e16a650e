"""Filing outputs (docs/rules.md §8): filtered-lines CSV, CAPE declaration, protest worklist.

Every file goes through `core.csvfile` (atomic, injection-safe, UTF-8, money as exact decimals).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from itrac_tui.core.csvfile import (
    LIST_SEPARATOR,
    ExportError,
    OutputExists,
    check_target,
    csv_writer,
    money_expr,
    os_message,
    publish,
    sync_dir,
    write_csv,
    write_temp,
)
from itrac_tui.core.model import CLASSIFIED_COLUMNS, LINE_COLUMNS
from itrac_tui.core.views import context_columns

CAPE_HEADER = "Entry Number"
CAPE_MAX_PER_FILE = 9_999
CAPE_FILE_PATTERN = "cape_declaration_{:03d}.csv"
_CAPE_FILE_RE = re.compile(r"^cape_declaration_[0-9]{3,}\.csv$")
_ENTRY_RE = r"^[A-Z0-9]{11}$"

# Computed columns of the filtered-lines CSV: (header, column of `lines`, kind).
# kind: "money" (Int64 cents -> 2-decimal number), "list" (joined "; "), "value" (as is).
COMPUTED_CSV_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("entry_number", "entry_number", "value"),
    ("line_no", "line_no", "value"),
    ("hts", "hts", "value"),
    ("country", "country", "value"),
    ("country_raw", "country_raw", "value"),
    ("entry_type", "entry_type", "value"),
    ("entry_date", "entry_date", "value"),
    ("liquidation_status", "liquidation_status", "value"),
    ("liquidation_date", "liquidation_date", "value"),
    ("entered_value", "entered_value_cents", "money"),
    ("line_duty", "line_duty_cents", "money"),
    ("ch99_duty", "ch99_duty_cents", "money"),
    ("total_duty", "total_duty_cents", "money"),
    ("ieepa_duty", "ieepa_duty_cents", "money"),
    ("ch99_codes", "ch99_codes", "list"),
    ("ch99_programs", "ch99_programs", "list"),
    ("entry_summary_date", "entry_summary_date", "value"),
    ("importer_number", "importer_number", "value"),
    ("filer_code", "filer_code", "value"),
    ("recon_flag", "recon_flag", "value"),
    ("drawback_flag", "drawback_flag", "value"),
    ("protest_number", "protest_number", "value"),
    ("protest_status", "protest_status", "value"),
    ("protest_on_file", "protest_on_file", "value"),
    ("pathway", "pathway", "value"),
    ("reason", "reason", "value"),
    ("days_since_liquidation", "days_since_liquidation", "value"),
    ("phase1_until", "phase1_until", "value"),
    ("protest_deadline", "protest_deadline", "value"),
    ("cit_deadline", "cit_deadline", "value"),
    ("days_left", "days_left", "value"),
    ("interest_estimate", "interest_estimate_cents", "money"),
    ("claim_status", "claim_status", "value"),
    ("claim_number", "claim_number", "value"),
    ("claim_error", "claim_error", "value"),
    ("warnings", "warnings", "list"),
    ("source_file", "source_file", "value"),
    ("source_row", "source_row", "value"),
)
_KNOWN_COLUMNS = frozenset(LINE_COLUMNS) | frozenset(CLASSIFIED_COLUMNS)


@dataclass(frozen=True)
class CapeResult:
    """What a CAPE declaration wrote: entries, the numbered files, IEEPA duty (cents) covered."""

    entries: int
    files: tuple[Path, ...]
    ieepa_duty_cents: int
    removed: tuple[Path, ...] = ()  # stale numbered files of an older declaration (force only)


# --- filtered lines ------------------------------------------------------------------------------
def _csv_columns(lines: pl.DataFrame) -> tuple[dict[str, pl.Expr], list[str], list[str]]:
    """Every writable column by the names a caller may use, the context and computed headers."""
    context = context_columns(lines)
    computed = [spec for spec in COMPUTED_CSV_COLUMNS if spec[1] in lines.columns]
    headers = [h for h, _, _ in computed]
    by_name: dict[str, pl.Expr] = {}
    for name in sorted(_KNOWN_COLUMNS & set(lines.columns)):  # line_id, has_ieepa, ... if asked
        by_name[name] = pl.col(name)
    for header, source, kind in computed:
        col = pl.col(source)
        if kind == "money":
            expr = money_expr(col)
        elif kind == "list":
            expr = col.list.join(LIST_SEPARATOR)
        else:
            expr = col
        by_name[header] = by_name[source] = expr.alias(header)
    for name in context:  # a file column named like a computed one is written as "NAME (file)"
        clash = name in by_name
        by_name[f"{name} (file)" if clash else name] = pl.col(name).alias(
            f"{name} (file)" if clash else name
        )
    return by_name, [f"{c} (file)" if c in headers else c for c in context], headers


def lines_for_csv(lines: pl.DataFrame, columns: Sequence[str] | None = None) -> pl.DataFrame:
    """Flat, CSV-ready lines: context columns (all, or `columns` in that order) + computed ones.

    Money is exact Decimal(38, 2) (a `*_cents` column becomes its name without `_cents`), dates
    stay dates (written ISO), list columns are joined "; ". `columns` may name context and
    computed columns in any order; the computed ones it leaves out follow, so they are always
    there.
    """
    by_name, context, headers = _csv_columns(lines)
    if columns is None:
        exprs = [by_name[c] for c in context] + [by_name[h] for h in headers]
        return lines.select(exprs)
    unknown = [c for c in columns if c not in by_name]
    if unknown:
        shown = ", ".join(context[:12]) + (", …" if len(context) > 12 else "")
        raise ExportError(
            f"unknown column{'s' if len(unknown) > 1 else ''} {', '.join(map(repr, unknown))}"
            f" (context columns: {shown or 'none'})"
        )
    exprs_by_header: dict[str, pl.Expr] = {}
    for name in [*columns, *headers]:
        expr = by_name[name]
        exprs_by_header.setdefault(expr.meta.output_name(), expr)
    return lines.select(list(exprs_by_header.values()))


def write_lines_csv(
    lines: pl.DataFrame,
    path: Path,
    *,
    columns: Sequence[str] | None = None,
    force: bool = False,
    durable: bool = True,
) -> int:
    """Write the (filtered) lines with context and computed columns; returns the rows written.

    `durable` fsyncs the file before the rename (safe against a power cut, slower on big files).
    """
    return write_csv(lines_for_csv(lines, columns), path, force=force, durable=durable)


# --- CAPE declaration ----------------------------------------------------------------------------
def cape_entries(lines: pl.DataFrame) -> tuple[pl.Series, int]:
    """Sorted unique 11-character entry numbers with a cape_phase1 line, and their IEEPA cents."""
    cape = lines.lazy().filter(pl.col("pathway") == "cape_phase1")
    compact = pl.col("entry_number").str.replace_all("-", "", literal=True).str.to_uppercase()
    entries, total = pl.collect_all(
        [
            cape.select(compact.unique().sort().alias(CAPE_HEADER)),
            cape.select(pl.col("ieepa_duty_cents").sum()),
        ]
    )
    series = entries.get_column(CAPE_HEADER)
    bad = series.filter(~series.str.contains(_ENTRY_RE).fill_null(False))
    if bad.len() or series.null_count():
        example = bad.drop_nulls().head(1).to_list()
        what = f" (e.g. {example[0]!r})" if example else " (missing entry numbers)"
        raise ExportError(
            f"{bad.len() + series.null_count()} entry number(s) on CAPE lines are not 11 "
            f"characters{what}; fix them before filing"
        )
    return series, int(total.item() or 0)


def cape_file_names(entries: int) -> list[str]:
    """The numbered file names a declaration of `entries` entries needs."""
    count = -(-entries // CAPE_MAX_PER_FILE)
    return [CAPE_FILE_PATTERN.format(i) for i in range(1, count + 1)]


def is_cape_file_name(name: str) -> bool:
    """True for a numbered CAPE declaration file name (cape_declaration_001.csv)."""
    return bool(_CAPE_FILE_RE.match(name))


def existing_cape_files(out_dir: Path) -> list[Path]:
    """Numbered CAPE declaration files already in the folder (sorted)."""
    out_dir = Path(out_dir)
    if not out_dir.is_dir():
        return []
    return sorted(p for p in out_dir.iterdir() if _CAPE_FILE_RE.match(p.name))


def write_cape_declaration(
    lines: pl.DataFrame, out_dir: Path, *, force: bool = False
) -> CapeResult:
    """Write the entries with a cape_phase1 line as numbered CAPE files (≤ 9,999 entries each).

    Refuses (OutputExists) when the folder already holds numbered declaration files, unless
    `force`; then files of the older declaration that the new one does not replace are removed.
    Nothing is written (and the folder is not created) when no entry qualifies.
    """
    out_dir = Path(out_dir)
    series, cents = cape_entries(lines)
    if out_dir.exists() and not out_dir.is_dir():
        raise ExportError(f"cannot write to {out_dir}: it is not a folder")
    existing = existing_cape_files(out_dir)
    if existing and not force:
        raise OutputExists(f"{existing[0]} already exists")
    if series.len() == 0:  # nothing to declare; with force an older declaration goes too
        for stale in existing:
            stale.unlink(missing_ok=True)
        return CapeResult(0, (), cents, tuple(existing))
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(os_message(out_dir, exc)) from None
    names = cape_file_names(series.len())
    targets = [out_dir / n for n in names]
    for target in targets:
        check_target(target, force=force)
    temps: list[Path] = []
    published: list[Path] = []
    try:
        for i, target in enumerate(targets):
            chunk = series.slice(i * CAPE_MAX_PER_FILE, CAPE_MAX_PER_FILE).to_frame()
            temps.append(write_temp(target, csv_writer(chunk), durable=True))
        for tmp, target in zip(temps, targets, strict=True):
            publish(tmp, target, force)
            published.append(target)
    except BaseException as exc:
        for tmp in temps:
            tmp.unlink(missing_ok=True)
        if not force:  # roll back: these files did not exist before
            for target in published:
                target.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise ExportError(os_message(out_dir, exc)) from None
        raise
    wanted = set(names)
    removed = tuple(p for p in existing if p.name not in wanted)
    for stale in removed:
        stale.unlink(missing_ok=True)
    sync_dir(out_dir)
    return CapeResult(series.len(), tuple(targets), cents, removed)


# --- protest worklist ----------------------------------------------------------------------------
def protest_worklist(lines: pl.DataFrame) -> pl.DataFrame:
    """One row per entry with protest lines, soonest deadline first (CSV-ready, money Decimal)."""
    return (
        lines.lazy()
        .filter(pl.col("pathway") == "protest")
        .group_by("entry_number")
        .agg(
            pl.col("liquidation_date").min().alias("Liquidation Date"),
            pl.col("protest_deadline").min().alias("Protest Deadline"),
            pl.col("days_left").min().alias("Days Left"),
            pl.len().cast(pl.Int64).alias("Lines"),
            pl.col("ieepa_duty_cents").sum().alias("_ieepa"),
        )
        .sort(["Protest Deadline", "entry_number"], nulls_last=True)
        .select(
            pl.col("entry_number").alias("Entry Number"),
            "Liquidation Date",
            "Protest Deadline",
            "Days Left",
            "Lines",
            money_expr(pl.col("_ieepa")).alias("IEEPA Duty"),
        )
        .collect()
    )


def write_protest_worklist(lines: pl.DataFrame, path: Path, *, force: bool = False) -> int:
    """Write the protest worklist; returns the entries written."""
    return write_csv(protest_worklist(lines), path, force=force)


# --- rejected rows -------------------------------------------------------------------------------
def write_rejected(rejected: pl.DataFrame, path: Path, *, force: bool = False) -> int:
    """Write the rows the reader could not use (file, row, column, value, reason, raw text)."""
    return write_csv(rejected, path, force=force)


__all__ = [
    "CAPE_HEADER",
    "CAPE_MAX_PER_FILE",
    "COMPUTED_CSV_COLUMNS",
    "CapeResult",
    "cape_entries",
    "cape_file_names",
    "existing_cape_files",
    "is_cape_file_name",
    "lines_for_csv",
    "protest_worklist",
    "write_cape_declaration",
    "write_lines_csv",
    "write_protest_worklist",
    "write_rejected",
]
