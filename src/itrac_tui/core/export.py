"""Filing outputs (spec §8): CSV writing that is atomic and injection-safe, CAPE chunks, worklists.

Every file: UTF-8, a header row, money as plain decimals with 2 places (exact, from Int64 cents),
dates ISO. A text cell that Excel would run as a formula (it begins with = + - @ tab or CR and is
not a plain number) gets a leading `'`. Files are written to a temporary file in the target
folder and renamed into place; an existing file is never replaced unless `force` is set.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from itrac_tui.core.errors import InputError
from itrac_tui.core.model import CLASSIFIED_COLUMNS, LINE_COLUMNS
from itrac_tui.core.views import context_columns

CAPE_HEADER = "Entry Number"
CAPE_MAX_PER_FILE = 9_999
CAPE_FILE_PATTERN = "cape_declaration_{:03d}.csv"
_CAPE_FILE_RE = re.compile(r"^cape_declaration_[0-9]{3,}\.csv$")
_ENTRY_RE = r"^[A-Z0-9]{11}$"

LIST_SEPARATOR = "; "
DATE_FORMAT = "%Y-%m-%d"
MONEY_DTYPE = pl.Decimal(38, 2)

# First characters that make Excel / LibreOffice read a cell as a formula (OWASP CSV injection).
FORMULA_TRIGGERS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
# A cell that is only a number ("-12.50", "+3", "-$1,234.56") cannot be a formula: left alone.
_PLAIN_NUMBER = r"^[+-]?\$?(?:[0-9]+|[0-9]{1,3}(?:,[0-9]{3})+)(?:\.[0-9]+)?$"

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
    ("pathway", "pathway", "value"),
    ("days_since_liquidation", "days_since_liquidation", "value"),
    ("protest_deadline", "protest_deadline", "value"),
    ("days_left", "days_left", "value"),
    ("warnings", "warnings", "list"),
    ("source_file", "source_file", "value"),
    ("source_row", "source_row", "value"),
)
_KNOWN_COLUMNS = frozenset(LINE_COLUMNS) | frozenset(CLASSIFIED_COLUMNS)


class ExportError(InputError):
    """An output that cannot be written (one line for the user)."""


class OutputExists(ExportError):
    """The target file exists and replacing it was not asked for."""


@dataclass(frozen=True)
class CapeResult:
    """What a CAPE declaration wrote: entries, the numbered files, IEEPA duty (cents) covered."""

    entries: int
    files: tuple[Path, ...]
    ieepa_duty_cents: int
    removed: tuple[Path, ...] = ()  # stale numbered files of an older declaration (force only)


# --- values --------------------------------------------------------------------------------------
def money_expr(cents: pl.Expr) -> pl.Expr:
    """Int64 cents as an exact 2-decimal number (Decimal(38, 2)); written as "1234.56", "-0.05"."""
    return cents.cast(MONEY_DTYPE) / 100


def _starts_with_trigger(text: pl.Expr) -> pl.Expr:
    # one slice + is_in measured faster than six str.starts_with or an anchored regex
    return text.str.slice(0, 1).is_in(list(FORMULA_TRIGGERS))


def formula_risk(text: pl.Expr) -> pl.Expr:
    """True where a text cell would be read as a formula by a spreadsheet."""
    return _starts_with_trigger(text) & ~text.str.contains(_PLAIN_NUMBER)


def neutralise_expr(text: pl.Expr) -> pl.Expr:
    """The text with a leading `'` where it would otherwise be read as a formula."""
    return pl.when(formula_risk(text)).then(pl.lit("'") + text).otherwise(text)


def _is_plain_number(text: str) -> bool:
    # fullmatch without the anchors: Python's `$` would also accept a trailing newline
    return re.fullmatch(_PLAIN_NUMBER[1:-1], text) is not None


def _neutral_name(name: str) -> str:
    risky = name.startswith(FORMULA_TRIGGERS) and not _is_plain_number(name)
    return f"'{name}" if risky else name


def _neutralise_text(frame: pl.DataFrame, text: list[str]) -> pl.DataFrame:
    """Prefix risky cells of the text columns; the number check runs only on flagged cells."""
    # One pass over every text column (in parallel) finds the cells with a risky first character;
    # usually there are none, and the column is left untouched.
    masks = frame.select([_starts_with_trigger(pl.col(c)).alias(c) for c in text])
    counts = masks.select(pl.all().sum()).row(0)
    fixed: list[pl.Series] = []
    for name, count in zip(text, counts, strict=True):
        if not count:
            continue
        column = frame.get_column(name)
        idx = masks.get_column(name).arg_true()
        flagged = column.gather(idx).to_frame(name)
        risky = flagged.select(formula_risk(pl.col(name)).fill_null(False)).to_series()
        if not risky.any():  # only plain numbers such as "-12.50": nothing to change
            continue
        idx = idx.filter(risky)
        new = column.clone()  # copy-on-write: the caller's frame is not changed
        new.scatter(idx, "'" + column.gather(idx))
        fixed.append(new)
    return frame.with_columns(fixed) if fixed else frame


def csv_ready(frame: pl.DataFrame) -> pl.DataFrame:
    """The frame as it will be written: lists joined, text neutralised (numbers stay numbers)."""
    fixes: list[pl.Expr] = []
    for name, dtype in frame.schema.items():
        col = pl.col(name)
        if isinstance(dtype, pl.List | pl.Array):
            as_list = col.arr.to_list() if isinstance(dtype, pl.Array) else col
            joined = as_list.cast(pl.List(pl.String)).list.join(LIST_SEPARATOR)
            fixes.append(joined.alias(name))
        elif isinstance(dtype, pl.Struct):
            fixes.append(col.struct.json_encode().alias(name))
        elif isinstance(dtype, pl.Categorical | pl.Enum):
            fixes.append(col.cast(pl.String).alias(name))
        elif isinstance(dtype, pl.Binary | pl.Object):
            raise ExportError(f"column {name!r} cannot be written to CSV ({dtype})")
    out = frame.with_columns(fixes) if fixes else frame
    text = [name for name, dtype in out.schema.items() if dtype == pl.String]
    if text and out.height:
        out = _neutralise_text(out, text)
    renames = {n: _neutral_name(n) for n in out.columns if _neutral_name(n) != n}
    if renames and not set(renames.values()) & set(out.columns):
        out = out.rename(renames)
    return out


# --- atomic files --------------------------------------------------------------------------------
def _errno(exc: BaseException) -> int | None:
    if isinstance(exc, OSError) and exc.errno is not None:
        return exc.errno
    found = re.search(r"os error (\d+)", str(exc))  # polars' own I/O errors carry it as text
    return int(found.group(1)) if found else None


def _os_message(path: Path, exc: BaseException) -> str:
    code = _errno(exc)
    if isinstance(exc, PermissionError) or code in (errno.EACCES, errno.EPERM):
        return f"cannot write {path}: permission denied"
    if code == errno.ENOSPC:
        return f"cannot write {path}: no space left on the disk"
    if code == errno.EROFS:
        return f"cannot write {path}: read-only file system"
    detail = (exc.strerror if isinstance(exc, OSError) else None) or str(exc).splitlines()[0]
    return f"cannot write {path}: {detail}"


def check_target(path: Path, *, force: bool = False) -> None:
    """Raise ExportError (or OutputExists) when `path` cannot or must not be written."""
    path = Path(path)
    parent = path.parent
    if path.is_dir():
        raise ExportError(f"cannot write {path}: it is a folder")
    if not parent.is_dir():
        raise ExportError(f"cannot write {path}: folder {parent} does not exist")
    if not os.access(parent, os.W_OK):
        raise ExportError(f"cannot write {path}: permission denied")
    if not force and (path.exists() or path.is_symlink()):
        raise OutputExists(f"{path} already exists")


def _new_temp(path: Path) -> Path:
    """A new empty file beside `path` (created with the usual permissions, not 0600)."""
    for _ in range(20):
        tmp = path.parent / f".{path.name}.{secrets.token_hex(4)}.tmp"
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue
        except OSError as exc:
            raise ExportError(_os_message(path, exc)) from None
        os.close(fd)
        return tmp
    raise ExportError(f"cannot write {path}: no free temporary name")  # pragma: no cover


def _sync(path: Path, flags: int = os.O_RDWR) -> None:
    fd = os.open(path, flags)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _sync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not every platform can open a folder
        _sync(folder, os.O_RDONLY)


def _publish(tmp: Path, path: Path, force: bool) -> None:
    """Move a finished temp file into place; without force, never replace an existing file."""
    if force:
        os.replace(tmp, path)
        return
    try:
        os.link(tmp, path)  # atomic "create if absent"
    except FileExistsError:
        raise OutputExists(f"{path} already exists") from None
    except OSError:  # no hard links on this volume: check, then rename
        if path.exists() or path.is_symlink():
            raise OutputExists(f"{path} already exists") from None
        os.replace(tmp, path)
        return
    tmp.unlink()


def _write_temp(path: Path, writer: Callable[[Path], None], durable: bool) -> Path:
    tmp = _new_temp(path)
    try:
        writer(tmp)
        if durable:
            _sync(tmp)
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        if isinstance(exc, OSError | pl.exceptions.PolarsError):
            raise ExportError(_os_message(path, exc)) from None
        raise
    return tmp


def write_atomic(
    path: Path, writer: Callable[[Path], None], *, force: bool = False, durable: bool = True
) -> None:
    """Run `writer(temp_path)` on a temp file beside `path`, then rename it into place."""
    path = Path(path)
    check_target(path, force=force)
    tmp = _write_temp(path, writer, durable)
    try:
        _publish(tmp, path, force)
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise ExportError(_os_message(path, exc)) from None
        raise
    if durable:
        _sync_dir(path.parent)


def _csv_writer(frame: pl.DataFrame) -> Callable[[Path], None]:
    def write(target: Path) -> None:
        frame.write_csv(target, include_header=True, date_format=DATE_FORMAT, null_value="")

    return write


def write_csv(frame: pl.DataFrame, path: Path, *, force: bool = False, durable: bool = True) -> int:
    """Write any frame as an injection-safe UTF-8 CSV, atomically; returns the rows written."""
    ready = csv_ready(frame)
    write_atomic(Path(path), _csv_writer(ready), force=force, durable=durable)
    return ready.height


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
        raise ExportError(_os_message(out_dir, exc)) from None
    names = cape_file_names(series.len())
    targets = [out_dir / n for n in names]
    for target in targets:
        check_target(target, force=force)
    temps: list[Path] = []
    published: list[Path] = []
    try:
        for i, target in enumerate(targets):
            chunk = series.slice(i * CAPE_MAX_PER_FILE, CAPE_MAX_PER_FILE).to_frame()
            temps.append(_write_temp(target, _csv_writer(chunk), durable=True))
        for tmp, target in zip(temps, targets, strict=True):
            _publish(tmp, target, force)
            published.append(target)
    except BaseException as exc:
        for tmp in temps:
            tmp.unlink(missing_ok=True)
        if not force:  # roll back: these files did not exist before
            for target in published:
                target.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise ExportError(_os_message(out_dir, exc)) from None
        raise
    wanted = set(names)
    removed = tuple(p for p in existing if p.name not in wanted)
    for stale in removed:
        stale.unlink(missing_ok=True)
    _sync_dir(out_dir)
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
    "ExportError",
    "OutputExists",
    "cape_entries",
    "cape_file_names",
    "check_target",
    "context_columns",
    "csv_ready",
    "existing_cape_files",
    "formula_risk",
    "is_cape_file_name",
    "lines_for_csv",
    "money_expr",
    "neutralise_expr",
    "protest_worklist",
    "write_atomic",
    "write_cape_declaration",
    "write_csv",
    "write_lines_csv",
    "write_protest_worklist",
    "write_rejected",
]
