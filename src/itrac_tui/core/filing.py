"""Filing outputs (docs/rules.md §8): filtered-lines CSV, CAPE declaration, protest worklist.

Every file goes through `core.csvfile` (atomic, injection-safe, UTF-8, money as exact decimals).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from itrac_tui.core.csvfile import (
    LIST_SEPARATOR,
    ExportError,
    OutputExists,
    check_target,
    csv_ready,
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
_CAPE_FILE_RE = re.compile(r"^cape_declaration_([A-Za-z0-9-]+_)*[0-9]{3,}\.csv$")
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
    ieepa_duty_cents: int  # of the entries declared
    removed: tuple[Path, ...] = ()  # stale numbered files of an older declaration (force only)
    per_file: tuple[DeclarationFile, ...] = ()  # importer, filer, entries, IEEPA of each file
    excluded: dict[str, int] = field(default_factory=dict)  # entries left out, per reason
    excluded_file: Path | None = None  # excluded.csv (written whenever an entry qualified)


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
# Why an entry with a cape_phase1 line is left out of a declaration, in the order checked.
EXCLUSION_REASONS: tuple[str, ...] = ("check_digit", "claimed", "declared")
EXCLUDED_FILE = "excluded.csv"
_NO_KEY = "none"  # file-name part for entries without an importer number / filer code


@dataclass(frozen=True)
class DeclarationFile:
    """One declaration file: its importer (and filer), entries and the IEEPA duty they cover."""

    path: Path
    importer: str | None
    filer: str | None
    entries: int
    ieepa_duty_cents: int


@dataclass(frozen=True)
class Declaration:
    """What a CAPE declaration holds before it is written: entries per file, and left out."""

    files: tuple[tuple[str, pl.DataFrame], ...]  # (file name, entries: Entry Number + _key cols)
    groups: tuple[tuple[str | None, str | None], ...]  # importer, filer of each file
    excluded: pl.DataFrame  # Entry Number, Reason, Detail, Importer Number, Filer Code, IEEPA
    entries: int
    ieepa_duty_cents: int
    considered: int  # entries with a cape_phase1 line (declared + left out)

    def excluded_counts(self) -> dict[str, int]:
        """Entries left out, per reason (reasons with none omitted), in EXCLUSION_REASONS order."""
        counts = dict(self.excluded.group_by("Reason").len().iter_rows())
        return {r: int(counts[r]) for r in EXCLUSION_REASONS if counts.get(r)}


def _file_part(text: str | None) -> str:
    """A value as a safe file-name part (letters, digits, dash)."""
    if text is None or not text.strip():
        return _NO_KEY
    return re.sub(r"[^A-Za-z0-9-]+", "-", text.strip()).strip("-") or _NO_KEY


def _entry_frame(lines: pl.DataFrame) -> pl.DataFrame:
    """One row per entry with a cape_phase1 line: compact number, importer, filer, IEEPA cents."""
    cols = set(lines.columns)
    compact = pl.col("entry_number").str.replace_all("-", "", literal=True).str.to_uppercase()
    importer = (
        pl.col("importer_number").cast(pl.String).drop_nulls().first()
        if "importer_number" in cols
        else pl.lit(None, dtype=pl.String)
    )
    filer = (
        pl.col("filer_code").cast(pl.String).drop_nulls().first()
        if "filer_code" in cols
        else pl.lit(None, dtype=pl.String)
    )
    return (
        lines.lazy()
        .filter(pl.col("pathway") == "cape_phase1")
        .group_by("entry_number")
        .agg(
            importer.alias("importer"),
            filer.alias("filer"),
            pl.col("ieepa_duty_cents").sum().alias("cents"),
        )
        .with_columns(
            compact.alias(CAPE_HEADER),
            pl.coalesce("filer", pl.col("entry_number").str.slice(0, 3)).alias("filer"),
        )
        .sort(CAPE_HEADER)
        .collect()
    )


def _check_shape(entries: pl.DataFrame) -> None:
    series = entries.get_column(CAPE_HEADER)
    bad = series.filter(~series.str.contains(_ENTRY_RE).fill_null(False))
    if bad.len() or series.null_count():
        example = bad.drop_nulls().head(1).to_list()
        what = f" (e.g. {example[0]!r})" if example else " (missing entry numbers)"
        raise ExportError(
            f"{bad.len() + series.null_count()} entry number(s) on CAPE lines are not 11 "
            f"characters{what}; fix them before filing"
        )


def plan_declaration(
    lines: pl.DataFrame,
    *,
    submitted: pl.DataFrame | None = None,
    by_importer: bool | None = None,
    by_filer: bool = False,
    max_entries: int = CAPE_MAX_PER_FILE,
) -> Declaration:
    """Which entries go into which declaration file, and which are left out and why.

    From the entries with a cape_phase1 line: those whose check digit fails, and those in
    `submitted` (entry_number, reason "claimed"/"declared", detail: claims.Claims.submitted())
    are left out. Files are per importer when the lines carry importer numbers (`by_importer`
    None: when any line has one), per filer code too with `by_filer`; numbered within each
    group at `max_entries`.
    """
    from itrac_tui.core.normalise import check_digit_ok

    entries = _entry_frame(lines)
    _check_shape(entries)
    entries = entries.with_columns(
        pl.Series("_digit_ok", check_digit_ok(entries.get_column(CAPE_HEADER)))
    )
    done = (
        submitted
        if submitted is not None
        else pl.DataFrame(
            schema={"entry_number": pl.String, "detail": pl.String, "reason": pl.String}
        )
    )
    entries = entries.join(
        done.select("entry_number", pl.col("reason").alias("_done"), pl.col("detail").alias("_d")),
        on="entry_number",
        how="left",
        maintain_order="left",
    )
    reason = pl.when(~pl.col("_digit_ok")).then(pl.lit("check_digit")).otherwise(pl.col("_done"))
    detail = (
        pl.when(~pl.col("_digit_ok"))
        .then(pl.lit("entry number check digit does not verify"))
        .otherwise(pl.col("_d"))
    )
    entries = entries.with_columns(reason.alias("_reason"), detail.alias("_detail"))
    excluded = entries.filter(pl.col("_reason").is_not_null()).select(
        pl.col("entry_number").alias(CAPE_HEADER),
        pl.col("_reason").alias("Reason"),
        pl.col("_detail").alias("Detail"),
        pl.col("importer").alias("Importer Number"),
        pl.col("filer").alias("Filer Code"),
        money_expr(pl.col("cents")).alias("IEEPA Duty"),
    )
    kept = entries.filter(pl.col("_reason").is_null())
    if by_importer is None:
        by_importer = entries.get_column("importer").null_count() < entries.height
    keys = [k for k, on in (("importer", by_importer), ("filer", by_filer)) if on]
    files: list[tuple[str, pl.DataFrame]] = []
    groups: list[tuple[str | None, str | None]] = []
    parts = kept.partition_by(keys, maintain_order=True, as_dict=True) if keys else {(): kept}
    for key in sorted(parts, key=lambda k: tuple(_file_part(v) for v in k)):
        group = parts[key]
        values = dict(zip(keys, key, strict=True))
        stem = "_".join(["cape_declaration", *(_file_part(v) for v in key)])
        for i in range(-(-group.height // max_entries)):
            chunk = group.slice(i * max_entries, max_entries)
            files.append((f"{stem}_{i + 1:03d}.csv", chunk))
            groups.append((values.get("importer"), values.get("filer")))
    return Declaration(
        tuple(files),
        tuple(groups),
        excluded,
        kept.height,
        int(kept.get_column("cents").sum() or 0),
        entries.height,
    )


def cape_entries(lines: pl.DataFrame) -> tuple[pl.Series, int]:
    """Sorted unique 11-character entry numbers with a cape_phase1 line, and their IEEPA cents
    (every such entry: nothing left out)."""
    entries = _entry_frame(lines)
    _check_shape(entries)
    return entries.get_column(CAPE_HEADER), int(entries.get_column("cents").sum() or 0)


def cape_file_names(entries: int, max_entries: int = CAPE_MAX_PER_FILE) -> list[str]:
    """The numbered file names a one-group declaration of `entries` entries needs."""
    count = -(-entries // max_entries)
    return [CAPE_FILE_PATTERN.format(i) for i in range(1, count + 1)]


def is_cape_file_name(name: str) -> bool:
    """True for a file a CAPE declaration writes (cape_declaration_…_001.csv, excluded.csv)."""
    return bool(_CAPE_FILE_RE.match(name)) or name == EXCLUDED_FILE


def existing_cape_files(out_dir: Path) -> list[Path]:
    """Declaration files already in the folder (numbered files and excluded.csv; sorted)."""
    out_dir = Path(out_dir)
    if not out_dir.is_dir():
        return []
    found = [p for p in out_dir.iterdir() if is_cape_file_name(p.name)]
    return sorted(found, key=lambda p: (p.name == EXCLUDED_FILE, p.name))


def write_cape_declaration(
    lines: pl.DataFrame,
    out_dir: Path,
    *,
    force: bool = False,
    submitted: pl.DataFrame | None = None,
    by_filer: bool = False,
    max_entries: int = CAPE_MAX_PER_FILE,
) -> CapeResult:
    """Write the declaration `plan_declaration` plans: numbered CAPE files (one importer, and
    filer with `by_filer`, per file) and `excluded.csv` listing each entry left out with why.

    Refuses (OutputExists) when the folder already holds declaration files, unless `force`;
    then files of the older declaration that the new one does not replace are removed.
    Nothing is written (and the folder is not created) when no entry has a cape_phase1 line.
    """
    out_dir = Path(out_dir)
    plan = plan_declaration(lines, submitted=submitted, by_filer=by_filer, max_entries=max_entries)
    if out_dir.exists() and not out_dir.is_dir():
        raise ExportError(f"cannot write to {out_dir}: it is not a folder")
    existing = existing_cape_files(out_dir)
    if existing and not force:
        raise OutputExists(f"{existing[0]} already exists")
    if plan.considered == 0:  # nothing to declare; with force an older declaration goes too
        for stale in existing:
            stale.unlink(missing_ok=True)
        return CapeResult(0, (), 0, tuple(existing))
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(os_message(out_dir, exc)) from None
    outputs = [(out_dir / name, chunk.select(CAPE_HEADER)) for name, chunk in plan.files]
    excluded_path = out_dir / EXCLUDED_FILE
    outputs.append((excluded_path, csv_ready(plan.excluded)))
    for target, _ in outputs:
        check_target(target, force=force)
    temps: list[Path] = []
    published: list[Path] = []
    try:
        for target, frame in outputs:
            temps.append(write_temp(target, csv_writer(frame), durable=True))
        for tmp, (target, _) in zip(temps, outputs, strict=True):
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
    wanted = {t.name for t, _ in outputs}
    removed = tuple(p for p in existing if p.name not in wanted)
    for stale in removed:
        stale.unlink(missing_ok=True)
    sync_dir(out_dir)
    per_file = tuple(
        DeclarationFile(
            out_dir / name, imp, filer, chunk.height, int(chunk.get_column("cents").sum() or 0)
        )
        for (name, chunk), (imp, filer) in zip(plan.files, plan.groups, strict=True)
    )
    return CapeResult(
        plan.entries,
        tuple(f.path for f in per_file),
        plan.ieepa_duty_cents,
        removed,
        per_file,
        plan.excluded_counts(),
        excluded_path,
    )


# --- protest worklist ----------------------------------------------------------------------------
def protest_worklist(lines: pl.DataFrame) -> pl.DataFrame:
    """One row per entry with protest lines (CSV-ready, money Decimal): entries to protest
    first, soonest deadline first; then entries with a protest on file, marked with its number
    (`Action` "on file", never "to file")."""
    cols = set(lines.columns)
    on_file = (
        pl.col("reason") == "protest_on_file"
        if "reason" in cols
        else pl.col("protest_on_file").fill_null(False)
        if "protest_on_file" in cols
        else pl.lit(False)
    )
    number = pl.col("protest_number") if "protest_number" in cols else pl.lit(None, pl.String)
    return (
        lines.lazy()
        .filter(pl.col("pathway") == "protest")
        .with_columns(on_file.fill_null(False).alias("_on_file"), number.alias("_number"))
        .group_by("entry_number")
        .agg(
            pl.col("liquidation_date").min().alias("Liquidation Date"),
            pl.col("protest_deadline").min().alias("Protest Deadline"),
            pl.col("days_left").min().alias("Days Left"),
            pl.len().cast(pl.Int64).alias("Lines"),
            pl.col("ieepa_duty_cents").sum().alias("_ieepa"),
            pl.col("_on_file").any().alias("_on"),
            pl.col("_number").filter(pl.col("_on_file")).drop_nulls().first().alias("_pn"),
        )
        .sort(["_on", "Protest Deadline", "entry_number"], nulls_last=True)
        .select(
            pl.col("entry_number").alias("Entry Number"),
            "Liquidation Date",
            "Protest Deadline",
            "Days Left",
            "Lines",
            money_expr(pl.col("_ieepa")).alias("IEEPA Duty"),
            pl.when("_on").then(pl.lit("on file")).otherwise(pl.lit("to file")).alias("Action"),
            pl.col("_pn").cast(pl.String).alias("Protest Number"),
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
    "EXCLUDED_FILE",
    "EXCLUSION_REASONS",
    "CapeResult",
    "Declaration",
    "DeclarationFile",
    "cape_entries",
    "cape_file_names",
    "existing_cape_files",
    "is_cape_file_name",
    "lines_for_csv",
    "plan_declaration",
    "protest_worklist",
    "write_cape_declaration",
    "write_lines_csv",
    "write_protest_worklist",
    "write_rejected",
]
