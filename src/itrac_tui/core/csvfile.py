"""Safe CSV files: atomic, injection-safe, never replacing a file unless asked (docs/rules.md §8).

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
from collections.abc import Callable
from datetime import date
from pathlib import Path

import polars as pl

from itrac_tui.core.errors import InputError

LIST_SEPARATOR = "; "
DATE_FORMAT = "%Y-%m-%d"
MONEY_DTYPE = pl.Decimal(38, 2)

# First characters that make Excel / LibreOffice read a cell as a formula (OWASP CSV injection).
FORMULA_TRIGGERS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
# A cell that is only a number ("-12.50", "+3", "-$1,234.56") cannot be a formula: left alone.
_PLAIN_NUMBER = r"^[+-]?\$?(?:[0-9]+|[0-9]{1,3}(?:,[0-9]{3})+)(?:\.[0-9]+)?$"


class ExportError(InputError):
    """An output that cannot be written (one line for the user)."""


class OutputExists(ExportError):
    """The target file exists and replacing it was not asked for."""


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
    _refuse_far_dates(out)
    names = _neutral_names(out.columns)
    if names != out.columns:
        out = out.rename(dict(zip(out.columns, names, strict=True)))
    return out


def _neutral_names(columns: list[str]) -> list[str]:
    """Headers neutralised like cells; a header that then collides with another gets " (2)"."""
    taken = set(columns)
    out: list[str] = []
    for name in columns:
        new = _neutral_name(name)
        if new != name:
            base, k = new, 2
            while new in taken:
                new, k = f"{base} ({k})", k + 1
            taken.add(new)
        out.append(new)
    return out


LAST_DATE = date(9999, 12, 31)


def _refuse_far_dates(frame: pl.DataFrame) -> None:
    """ExportError when a date column holds a date past 9999 (it would be written +10000-...)."""
    for name, dtype in frame.schema.items():
        if dtype == pl.Date or isinstance(dtype, pl.Datetime):
            col = pl.col(name).cast(pl.Date) if dtype != pl.Date else pl.col(name)
            late = frame.select((col > LAST_DATE).arg_true().first()).item()
            if late is not None:
                raise ExportError(
                    f"column {name!r} holds a date past 9999 (row {late + 2} of the output): "
                    "refused; check the dates of the export"
                )


# --- atomic files --------------------------------------------------------------------------------
def _errno(exc: BaseException) -> int | None:
    if isinstance(exc, OSError) and exc.errno is not None:
        return exc.errno
    found = re.search(r"os error (\d+)", str(exc))  # polars' own I/O errors carry it as text
    return int(found.group(1)) if found else None


def os_message(path: Path, exc: BaseException) -> str:
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
    if path.exists() and not path.is_file():
        raise ExportError(f"cannot write {path}: it is not a regular file (a device or a pipe)")
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
            raise ExportError(os_message(path, exc)) from None
        os.close(fd)
        return tmp
    raise ExportError(f"cannot write {path}: no free temporary name")  # pragma: no cover


def _sync(path: Path, flags: int = os.O_RDWR) -> None:
    fd = os.open(path, flags)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def sync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not every platform can open a folder
        _sync(folder, os.O_RDONLY)


def publish(tmp: Path, path: Path, force: bool) -> None:
    """Move a finished temp file into place; without force, never replace an existing file."""
    if force:
        if path.exists() and not path.is_file():  # checked again: it may have appeared since
            raise ExportError(f"cannot write {path}: it is not a regular file (a device or a pipe)")
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


def write_temp(path: Path, writer: Callable[[Path], None], durable: bool) -> Path:
    tmp = _new_temp(path)
    try:
        writer(tmp)
        if durable:
            _sync(tmp)
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        if isinstance(exc, OSError | pl.exceptions.PolarsError):
            raise ExportError(os_message(path, exc)) from None
        raise
    return tmp


def write_atomic(
    path: Path, writer: Callable[[Path], None], *, force: bool = False, durable: bool = True
) -> None:
    """Run `writer(temp_path)` on a temp file beside `path`, then rename it into place."""
    path = Path(path)
    check_target(path, force=force)
    tmp = write_temp(path, writer, durable)
    try:
        publish(tmp, path, force)
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise ExportError(os_message(path, exc)) from None
        raise
    if durable:
        sync_dir(path.parent)


def csv_writer(frame: pl.DataFrame) -> Callable[[Path], None]:
    def write(target: Path) -> None:
        frame.write_csv(target, include_header=True, date_format=DATE_FORMAT, null_value="")

    return write


def write_csv(frame: pl.DataFrame, path: Path, *, force: bool = False, durable: bool = True) -> int:
    """Write any frame as an injection-safe UTF-8 CSV, atomically; returns the rows written."""
    ready = csv_ready(frame)
    write_atomic(Path(path), csv_writer(ready), force=force, durable=durable)
    return ready.height


__all__ = [
    "DATE_FORMAT",
    "FORMULA_TRIGGERS",
    "LIST_SEPARATOR",
    "MONEY_DTYPE",
    "ExportError",
    "OutputExists",
    "check_target",
    "csv_ready",
    "csv_writer",
    "formula_risk",
    "money_expr",
    "neutralise_expr",
    "os_message",
    "publish",
    "sync_dir",
    "write_atomic",
    "write_csv",
    "write_temp",
]
