"""Files -> raw all-text frames with provenance: paths, encodings, delimiters, parts, XLSX."""

from __future__ import annotations

import glob as globmod
import io
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from itrac_tui.core.errors import InputError

EXPORT_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".xls")
XLSX_SUFFIXES = (".xlsx", ".xlsm", ".xls")
PREFERRED_SHEET = "main report"
ROW_COL = "__row"  # source row number, header = row 1
FILE_COL = "__file"


def first_line(exc: BaseException) -> str:
    """The first non-empty line of an exception's message (library errors can be long)."""
    for line in str(exc).splitlines():
        if line.strip():
            return line.strip()
    return type(exc).__name__


def natural_key(path: Path | str) -> list[object]:
    """Sort key so that part2 comes before part10."""
    return [int(t) if t.isdigit() else t.lower() for t in re.split(r"(\d+)", str(path))]


def resolve_paths(items: Sequence[str | Path]) -> list[Path]:
    """Expand folders and globs (natural order within each); keep the order the user gave."""
    out: list[Path] = []
    for item in items:
        text = str(item)
        path = Path(text).expanduser()
        if path.is_dir():
            found = [p for p in path.iterdir() if p.suffix.lower() in EXPORT_SUFFIXES]
            if not found:
                raise InputError(f"no CSV or XLSX files in folder {path}")
            out.extend(sorted(found, key=natural_key))
        elif any(ch in text for ch in "*?["):
            found = [Path(p) for p in globmod.glob(str(path)) if Path(p).is_file()]
            if not found:
                raise InputError(f"no files match {text}")
            out.extend(sorted(found, key=natural_key))
        elif path.is_file():
            out.append(path)
        else:
            raise InputError(f"no such file: {text}")
    if not out:
        raise InputError("no input files given")
    return out


@dataclass(frozen=True)
class Sniffed:
    """How a text file is encoded and delimited, and its header."""

    encoding: str  # "utf-8" | "utf-8-sig" | "cp1252"
    delimiter: str
    headers: tuple[str, ...]


def _decode_sample(sample: bytes) -> str | None:
    cut = sample.rfind(b"\n")
    try:
        return (sample[: cut + 1] if cut > 0 else sample).decode("utf-8")
    except UnicodeDecodeError:
        return None


def _split_header(line: str, delimiter: str) -> tuple[str, ...]:
    import csv

    row = next(csv.reader([line], delimiter=delimiter), [])
    return tuple(h.strip() for h in row)


def sniff(path: Path) -> Sniffed:
    """Detect encoding (UTF-8, UTF-8 BOM, cp1252) and delimiter (comma, tab, pipe, semicolon)."""
    try:
        with path.open("rb") as fh:
            sample = fh.read(1 << 16)
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None
    if not sample.strip():
        raise InputError(f"{path}: the file is empty")
    if b"\x00" in sample[:4096]:
        raise InputError(f"{path}: not a CSV or XLSX file (binary content)")
    encoding = "utf-8"
    if sample.startswith(b"\xef\xbb\xbf"):
        encoding, sample = "utf-8-sig", sample[3:]
    text = _decode_sample(sample)
    if text is None:
        encoding, text = "cp1252", sample.decode("cp1252", errors="replace")
    first = text.splitlines()[0] if text else ""
    counts = {d: first.count(d) for d in (",", "\t", "|", ";")}
    delimiter = max(counts, key=lambda d: counts[d])
    if counts[delimiter] == 0:
        raise InputError(f"{path}: not a CSV export (no comma, tab or pipe in the header line)")
    return Sniffed(encoding, delimiter, _split_header(first, delimiter))


def _csv(source: Path | bytes, sniffed: Sniffed, columns: list[str] | None) -> pl.DataFrame:
    src = io.BytesIO(source) if isinstance(source, bytes) else source
    return pl.read_csv(
        src,
        separator=sniffed.delimiter,
        infer_schema=False,
        has_header=True,
        columns=columns,
        truncate_ragged_lines=True,
        raise_if_empty=False,
    )


def read_csv_file(path: Path, sniffed: Sniffed, columns: list[str] | None = None) -> pl.DataFrame:
    """Read a delimited file as text (only `columns` when given), with ROW_COL provenance."""
    try:
        if sniffed.encoding == "cp1252":
            df = _csv(
                path.read_bytes().decode("cp1252", errors="replace").encode(), sniffed, columns
            )
        else:
            try:
                df = _csv(path, sniffed, columns)
            except pl.exceptions.ComputeError as exc:
                if "utf-8" not in str(exc).lower():
                    raise
                # the sample was UTF-8 but a later byte is not: the file is cp1252
                data = path.read_bytes().decode("cp1252", errors="replace").encode()
                df = _csv(data, sniffed, columns)
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise InputError(f"{path}: cannot read as CSV: {first_line(exc)}") from None
    return df.with_row_index(ROW_COL, offset=2).with_columns(pl.col(ROW_COL).cast(pl.Int64))


class XlsxError(InputError):
    """A workbook or sheet that cannot be read; `reason` is the library's own first line."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


# --- XLSX: fastexcel (calamine) hands polars the sheet through the Arrow C interface, no pyarrow --
def _open_workbook(path: Path) -> Any:
    import fastexcel

    try:
        return fastexcel.read_excel(str(path))
    except Exception as exc:  # fastexcel raises its own error types
        why = first_line(exc)
        raise XlsxError(f"{path}: not a readable XLSX workbook ({why})", why) from None


def pick_sheet(names: Sequence[str], preferred: str | None = PREFERRED_SHEET) -> str | None:
    """The sheet named like `preferred` ("Main Report", any case), else the first; None if none."""
    if preferred is not None:
        for name in names:
            if name.strip().lower() == preferred:
                return name
    return names[0] if names else None


def read_xlsx_sheet(
    path: Path, *, header: bool = True, preferred: str | None = PREFERRED_SHEET
) -> pl.DataFrame:
    """Every cell of the chosen sheet as text (typed cells, dates as Excel serials, as written).

    With `header` the first row names the columns; without it they are column_0, column_1, ...
    """
    reader = _open_workbook(path)
    sheet = pick_sheet(reader.sheet_names, preferred)
    if sheet is None:
        raise XlsxError(f"{path}: the workbook has no sheets", "no sheets")
    try:
        loaded = reader.load_sheet(sheet, header_row=0 if header else None, dtypes="string")
        df = loaded.to_polars()
    except Exception as exc:
        why = first_line(exc)
        raise XlsxError(f"{path}: cannot read sheet {sheet!r}: {why}", why) from None
    if not header:
        df.columns = [f"column_{i}" for i in range(df.width)]
    return df.select(pl.all().cast(pl.String))


# calamine parses the whole sheet even for its header row (n_rows does not stop it), so the load
# screen's and the loader's header look-up keeps the sheet it read for the read that follows:
# one parse per file. One entry, dropped once read (or when the file changes).
_XLSX_LOCK = threading.Lock()
_xlsx_kept: tuple[tuple[str, int, int], pl.DataFrame] | None = None


def _file_key(path: Path) -> tuple[str, int, int]:
    st = path.stat()
    return (str(path.resolve()), st.st_mtime_ns, st.st_size)


def _itrac_sheet(path: Path, *, keep: bool) -> pl.DataFrame:
    global _xlsx_kept
    try:
        key = _file_key(path)
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None
    with _XLSX_LOCK:
        if _xlsx_kept is not None and _xlsx_kept[0] == key:
            df = _xlsx_kept[1]
            if not keep:
                _xlsx_kept = None
            return df
    df = read_xlsx_sheet(path)
    df = df.rename({c: c.strip() for c in df.columns if c != c.strip()})
    with _XLSX_LOCK:
        _xlsx_kept = (key, df) if keep else None
    return df


def read_xlsx_file(path: Path, columns: Sequence[str] | None = None) -> pl.DataFrame:
    """Read the "Main Report" sheet (else the first) as text, with ROW_COL provenance.

    `columns` (headers as xlsx_headers gives them) keeps only those, in sheet order.
    """
    df = _itrac_sheet(path, keep=False)
    if columns is not None:
        wanted = set(columns)
        df = df.select([c for c in df.columns if c in wanted])
    return df.with_row_index(ROW_COL, offset=2).with_columns(pl.col(ROW_COL).cast(pl.Int64))


def xlsx_headers(path: Path) -> tuple[str, ...]:
    """Header row of the sheet read_xlsx_file reads (the sheet is kept for that read)."""
    return tuple(_itrac_sheet(path, keep=True).columns)


def is_xlsx(path: Path) -> bool:
    """True for an Excel workbook (by suffix or zip magic)."""
    if path.suffix.lower() in XLSX_SUFFIXES:
        return True
    try:
        with path.open("rb") as fh:
            return fh.read(4) == b"PK\x03\x04"
    except OSError:
        return False
