"""Files -> raw all-text frames with provenance: paths, encodings, delimiters, parts, XLSX."""

from __future__ import annotations

import csv
import errno
import glob as globmod
import hashlib
import html
import io
import re
import threading
from collections.abc import Iterator, Sequence
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


def _os_reason(exc: OSError) -> str:
    if exc.errno == errno.ENAMETOOLONG:
        return "the name is too long"
    return exc.strerror or type(exc).__name__


def _expand(text: str) -> Path:
    try:
        return Path(text).expanduser()
    except RuntimeError:  # "~" with no home directory
        raise InputError(f"cannot expand {text}: no home directory is set") from None


def resolve_paths(items: Sequence[str | Path]) -> list[Path]:
    """Expand folders and globs: the parts of one export, in file-name order (natural: part2
    before part10), whatever order they were given in (docs/rules.md §1)."""
    out: list[Path] = []
    for item in items:
        text = str(item)
        path = _expand(text)
        try:
            if path.is_dir():
                found = [p for p in path.iterdir() if p.suffix.lower() in EXPORT_SUFFIXES]
                found = [p for p in found if p.is_file()]
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
            elif path.exists():
                raise InputError(f"{text}: not a regular file (a device, a pipe or a socket)")
            else:
                raise InputError(f"no such file: {text}")
        except OSError as exc:
            raise InputError(f"cannot open {text}: {_os_reason(exc)}") from None
    if not out:
        raise InputError("no input files given")
    return sorted(out, key=lambda p: (natural_key(p.name), natural_key(str(p))))


def same_inputs(paths: Sequence[Path]) -> tuple[list[Path], list[tuple[Path, Path]]]:
    """The paths without repeats (same resolved path, or same size and content hash), and the
    (repeat, first) pairs dropped. Only files of equal size are hashed."""
    kept: list[Path] = []
    dropped: list[tuple[Path, Path]] = []
    by_real: dict[Path, Path] = {}
    by_size: dict[int, list[Path]] = {}
    digests: dict[Path, bytes] = {}
    for p in paths:
        try:
            real, size = p.resolve(), p.stat().st_size
        except OSError as exc:
            raise InputError(f"cannot open {p}: {_os_reason(exc)}") from None
        if real in by_real:
            dropped.append((p, by_real[real]))
            continue
        twin = next(
            (q for q in by_size.get(size, []) if _digest(q, digests) == _digest(p, digests)), None
        )
        if twin is not None:
            dropped.append((p, twin))
            continue
        by_real[real] = p
        by_size.setdefault(size, []).append(p)
        kept.append(p)
    return kept, dropped


def _digest(path: Path, cache: dict[Path, bytes]) -> bytes:
    if path not in cache:
        h = hashlib.blake2b(digest_size=16)
        try:
            with path.open("rb") as fh:
                for block in iter(lambda: fh.read(1 << 20), b""):
                    h.update(block)
        except OSError as exc:
            raise InputError(f"{path}: cannot read ({_os_reason(exc)})") from None
        cache[path] = h.digest()
    return cache[path]


@dataclass(frozen=True)
class Sniffed:
    """How a text file is encoded, delimited and ended, and its header."""

    encoding: str  # "utf-8" | "utf-8-sig" | "cp1252"
    delimiter: str
    headers: tuple[str, ...]
    line_end: str = "\n"  # "\n" (LF or CRLF), "\r" (CR only) or "mixed" (lone CRs among LFs)


SAMPLE_BYTES = 1 << 16
MAX_COLUMNS = 1000  # an ES-003 export has about 50; far more is not an export (bounded work)
DELIMITERS = (",", "\t", "|", ";")
RAGGED_COL = "__ragged"  # True on a row with more fields than the header
RAGGED_REASON = (
    "more fields than the header (an unquoted comma in a value, e.g. 4,344.51?): the row is not cut"
)
EXTRA_COLUMN = "__extra_field"  # the header field with_extra_header adds


def _decode_sample(sample: bytes) -> str | None:
    cut = sample.rfind(b"\n")
    try:
        return (sample[: cut + 1] if cut > 0 else sample).decode("utf-8")
    except UnicodeDecodeError:
        return None


def _split(lines: list[str], delimiter: str) -> list[list[str]]:
    try:
        return list(csv.reader(lines, delimiter=delimiter))
    except csv.Error as exc:
        raise InputError(f"not a readable CSV sample ({exc})") from None


def _pick_delimiter(lines: list[str]) -> str | None:
    """The delimiter that splits the header into most fields and the rows like the header.

    A stray tab or semicolon in the header (a trailing tab) cannot outvote a consistent comma.
    """
    best, best_score = None, (0, 0)
    for d in DELIMITERS:
        rows = _split(lines, d)
        if not rows:
            continue
        width = len([h for h in rows[0] if h.strip()])
        if width < 2:
            continue
        alike = sum(1 for r in rows[1:] if len(r) >= width)
        score = (alike, width)
        if score > best_score:
            best, best_score = d, score
    return best


_LONE_CR = re.compile(rb"\r(?!\n)")
_LINE_END_BLOCK = 1 << 22


def _line_end(path: Path) -> str:
    """How lines end: a lone CR anywhere (not before a LF) makes polars merge rows.

    Read in blocks (a mapping of the whole file would count the whole file in the peak memory).
    """
    lone = has_lf = prev_cr = False
    with path.open("rb") as fh:
        while block := fh.read(_LINE_END_BLOCK):
            if prev_cr and not block.startswith(b"\n"):
                lone = True
            has_lf = has_lf or b"\n" in block
            prev_cr = block.endswith(b"\r")
            if b"\r" in block and _LONE_CR.search(block[:-1] if prev_cr else block):
                lone = True
            if lone and has_lf:
                break
    if prev_cr and not (lone and has_lf):
        lone = True  # the file ends in a CR
    if not lone:
        return "\n"
    return "mixed" if has_lf else "\r"


def has_lone_cr(block: bytes) -> bool:
    """Whether `block` (ending at a line end) holds a CR that is not before a LF."""
    return b"\r" in block and _LONE_CR.search(block) is not None


def sniff(path: Path, *, whole_file: bool = True) -> Sniffed:
    """Detect encoding (UTF-8, UTF-8 BOM, cp1252), delimiter (comma, tab, pipe, semicolon) and
    line ends; refuse what is not a delimited export (empty, binary, giant header lines).

    The line ends are looked for through the whole file, unless `whole_file` is False: then
    only the sample's are, and the caller looks at the rest itself (core.stream does, block by
    block, with has_lone_cr)."""
    try:
        with path.open("rb") as fh:
            sample = fh.read(SAMPLE_BYTES)
            more = bool(fh.read(1))
        quick = not whole_file and not sample.endswith(b"\r") and not has_lone_cr(sample)
        line_end = "\n" if quick else _line_end(path)
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({_os_reason(exc)})") from None
    if not sample.strip():
        raise InputError(f"{path}: the file is empty")
    if b"\x00" in sample[:4096]:
        raise InputError(f"{path}: not a CSV or XLSX file (binary content)")
    if line_end != "\n":
        sample = sample.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    if more and b"\n" not in sample:
        raise InputError(
            f"{path}: the header line is longer than {SAMPLE_BYTES:,} bytes: not an ITRAC export"
        )
    encoding = "utf-8"
    if sample.startswith(b"\xef\xbb\xbf"):
        encoding, sample = "utf-8-sig", sample[3:]
    text = _decode_sample(sample)
    if text is None:
        encoding, text = "cp1252", sample.decode("cp1252", errors="replace")
    lines = text.splitlines()[:50]
    if more and len(lines) > 1:
        lines = lines[:-1]  # the last sampled line may be cut short
    try:
        delimiter = _pick_delimiter(lines)
    except InputError as exc:
        raise InputError(f"{path}: {exc}") from None
    if delimiter is None:
        raise InputError(
            f"{path}: not a CSV export (no comma, tab, pipe or semicolon in the header)"
        )
    headers = tuple(h.strip() for h in _split(lines[:1], delimiter)[0])
    if len(headers) > MAX_COLUMNS:
        raise InputError(
            f"{path}: {len(headers):,} columns: not an ITRAC export (at most {MAX_COLUMNS:,})"
        )
    return Sniffed(encoding, delimiter, headers, line_end)


def _unique(headers: Sequence[str]) -> list[str]:
    """Headers made unique ("Amount", "Amount (2)") so every column keeps its own name."""
    seen: set[str] = set()
    out = []
    for h in headers:
        name, k = h or "column", 2
        while name in seen:
            name, k = f"{h or 'column'} ({k})", k + 1
        seen.add(name)
        out.append(name)
    return out


def column_names(sniffed: Sniffed) -> list[str]:
    """The names read_csv_file gives the columns: the stripped headers, made unique."""
    return _unique(sniffed.headers)


def _csv(
    source: Path | bytes, sniffed: Sniffed, columns: list[int] | None, extra: bool
) -> pl.DataFrame:
    src = io.BytesIO(source) if isinstance(source, bytes) else source
    # Only some columns: the others are read too, as booleans (cheap; what they hold ignored),
    # because only a reading of every column notices a row with more fields than the header.
    some = None if columns is None or extra else set(columns)
    every = pl.read_csv(
        src,
        separator=sniffed.delimiter,
        infer_schema=False,
        has_header=True,
        columns=columns if some is None else None,
        schema_overrides=None
        if some is None
        else [pl.String if i in some else pl.Boolean for i in range(len(sniffed.headers))],
        ignore_errors=some is not None,  # text in a boolean column; a non-UTF-8 byte raises
        truncate_ragged_lines=extra,
        raise_if_empty=False,
        eol_char="\r" if sniffed.line_end == "\r" else "\n",
        glob=False,  # a file named "ES003 [copy].csv" is that file, not a pattern
    )
    return (
        every
        if columns is None or some is None
        else every.select(every.columns[i] for i in columns)
    )


def _line_start(data: bytes, line: int) -> int:
    """Index where line `line` (from 0) of `data` starts, -1 when it has fewer lines."""
    start = 0
    for _ in range(line):
        start = data.find(b"\n", start) + 1
        if start == 0:
            return -1
    return start


def with_extra_header(data: bytes, delimiter: str, header_line: int = 0) -> bytes:
    """The file with one more field on its header line (line `header_line`, from 0), so a row
    with more fields than the header shows (its overflow lands in that column, EXTRA_COLUMN)
    instead of being silently cut."""
    start = _line_start(data, header_line)
    if start < 0:
        return data
    cut = data.find(b"\n", start)
    cut = len(data) if cut < 0 else cut
    if cut > start and data[cut - 1 : cut] == b"\r":
        cut -= 1
    return data[:cut] + delimiter.encode() + EXTRA_COLUMN.encode() + data[cut:]


class NotBlockwise(Exception):
    """The file cannot be read block by block as it is (an open quote, a lone CR)."""


def _record_end(data: bytes, quotes_before: int) -> int:
    """Index of the last line end in `data` outside quotes, or -1, when `quotes_before` quote
    characters come before `data`: a line end is a record end when an even number of quote
    characters precede it (RFC 4180, where a quote inside a quoted field is doubled)."""
    end = data.rfind(b"\n")
    quotes = quotes_before + data.count(b'"', 0, end) if end >= 0 else 0
    while end >= 0 and quotes % 2:
        prev = data.rfind(b"\n", 0, end)
        quotes -= data.count(b'"', max(prev, 0), end)
        end = prev
    return end


def _header_end(buf: bytes) -> int:
    """Index of the line end that closes the header record, or -1 when `buf` has none."""
    end, quotes = buf.find(b"\n"), 0
    start = 0
    while end >= 0:
        quotes += buf.count(b'"', start, end)
        if quotes % 2 == 0:
            return end
        start, end = end, buf.find(b"\n", end + 1)
    return -1


def record_blocks(path: Path, block_bytes: int) -> Iterator[bytes]:
    """The file's records after the header line, in blocks of about `block_bytes` that end at a
    record end (bounded memory, unlike a streaming engine that reads ahead as fast as it can).
    Each byte is copied once and its quotes counted once.

    NotBlockwise when no record end comes for many blocks (an open quote; the whole-file
    reading then says what is wrong) or at a lone CR (polars would merge rows there)."""
    with path.open("rb") as fh:
        carry, quotes = b"", 0  # the text after the last record end, and its quote characters
        header_done = cr = False
        while data := fh.read(block_bytes):
            if len(carry) + len(data) > 4 * block_bytes + SAMPLE_BYTES:
                raise NotBlockwise
            if not header_done:
                buf = carry + data
                first = _header_end(buf)
                if first < 0:
                    carry = buf
                    continue
                carry, data, header_done = b"", buf[first + 1 :], True
            end = _record_end(data, quotes)
            # a lone CR makes polars merge rows: the whole-file reading handles those files
            if (cr and not data.startswith(b"\n")) or has_lone_cr(data.removesuffix(b"\r")):
                raise NotBlockwise
            cr = data.endswith(b"\r")  # a CR LF may be cut between two reads
            if end < 0:
                carry, quotes = carry + data, quotes + data.count(b'"')
                continue
            yield b"".join((carry, memoryview(data)[: end + 1]))
            carry = data[end + 1 :]
            quotes = carry.count(b'"')
        if cr:  # the file ends in a CR: a lone one
            raise NotBlockwise
        if header_done and carry:
            yield carry


END_MARK = "\x1e"  # ASCII record separator: written after each record's last field
END_COLUMNS = tuple(f"{EXTRA_COLUMN}{i}" for i in range(1, 4))  # where it may land


def mark_record_ends(block: bytes, delimiter: str) -> tuple[bytes, int]:
    """`block` with one more field, END_MARK, after the last field of each line (counting the
    fields: the column it lands in is one past the record's last), and how many lines. In a
    block of CR LF lines a bare LF (inside quotes) gets none."""
    if not block.endswith(b"\n"):
        block += b"\n"
    # the mark goes before a CR LF, not into it (a CR looked for first: two bytes are slow to find)
    end = b"\r\n" if b"\r" in block and b"\r\n" in block else b"\n"
    marked = block.replace(end, (delimiter + END_MARK).encode() + end)
    return marked, (len(marked) - len(block)) // (len(delimiter) + 1)


def extra_fields(block: bytes, delimiter: str, width: int) -> pl.Series:
    """For each record of `block` (whole records, UTF-8, LF or CR LF line ends), how many more
    fields it has than `width` (0, 1, 2, 3 for three or more; None: fewer, or no telling).

    Polars reads a missing field and an empty one alike, so a row that an unquoted comma has
    made one field longer (`$1,234.56`) shows only when its last field holds text. Here one
    more field, a marker, is written after every record: the column it lands in counts the
    fields, empty ones included (a newline inside quotes gets one too, inside that field)."""
    marked, _ = mark_record_ends(block, delimiter)
    schema = dict.fromkeys([f"c{i}" for i in range(width)] + list(END_COLUMNS), pl.String)
    lands = pl.scan_csv(
        io.BytesIO(marked),
        separator=delimiter,
        has_header=False,
        schema=schema,
        missing_columns="insert",
        truncate_ragged_lines=True,
        raise_if_empty=False,
    ).select(
        pl.coalesce(
            *[
                pl.when(pl.col(c) == END_MARK).then(pl.lit(i, dtype=pl.Int8))
                for i, c in enumerate(END_COLUMNS)
            ],
            pl.when(pl.any_horizontal(pl.col(END_COLUMNS).is_not_null())).then(
                pl.lit(3, dtype=pl.Int8)
            ),
        ).alias("extra")
    )
    return lands.collect().to_series()


def overlong_after(data: bytes, delimiter: str, width: int, header_line: int = 0) -> pl.Series:
    """overlong() of the records of a whole file's `data` after its header record (on line
    `header_line`, from 0; the lines before it are not records)."""
    start = _line_start(data, header_line)
    end = _header_end(data[start:]) if start >= 0 else -1
    if end < 0 or start + end + 1 >= len(data):
        return pl.Series(RAGGED_COL, [], dtype=pl.Boolean)
    return overlong(extra_fields(data[start + end + 1 :], delimiter, width)).alias(RAGGED_COL)


def flag_ragged(
    df: pl.DataFrame, data: bytes, delimiter: str, width: int, header_line: int = 0
) -> pl.DataFrame:
    """`df`, read from `data` (with_extra_header's, truncating) with the extra field as its last
    column, with that column replaced by RAGGED_COL: the rows with a field beyond the header's
    `width`, the extra field filled or empty (overlong_after)."""
    extra = df.get_column(df.columns[-1]).is_not_null()
    longer = overlong_after(data, delimiter, width, header_line)
    if longer.len() == df.height:
        extra = extra | longer
    return df.drop(df.columns[-1]).with_columns(extra.alias(RAGGED_COL))


def overlong(extra: pl.Series) -> pl.Series:
    """Records with more fields than the export's rows have (extra_fields of every record of a
    file): more than the header's, or than one more where most rows end in an empty field (a
    writer that ends every row with a separator)."""
    usual = 1 if (extra == 1).sum() > (extra == 0).sum() else 0
    return (extra > usual).fill_null(False)


def read_csv_file(path: Path, sniffed: Sniffed, columns: list[str] | None = None) -> pl.DataFrame:
    """Read a delimited file as text (only `columns` when given), with ROW_COL provenance.

    Columns are named by column_names(sniffed) (padding stripped). A row with more fields than
    the header is kept whole and flagged in RAGGED_COL, never cut.
    """
    names = column_names(sniffed)
    wanted = None if columns is None else sorted({names.index(c) for c in columns if c in names})
    data: bytes | None = None

    def load() -> bytes:
        raw = path.read_bytes()
        if sniffed.encoding == "cp1252":
            raw = raw.decode("cp1252", errors="replace").encode()
        if sniffed.line_end == "mixed":
            raw = raw.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        return raw

    try:
        if sniffed.encoding == "cp1252" or sniffed.line_end == "mixed":
            data = load()
        try:
            df = _csv(data if data is not None else path, sniffed, wanted, False)
        except pl.exceptions.ComputeError as exc:
            message = str(exc).lower()
            if "utf-8" in message and sniffed.encoding != "cp1252":
                # the sample was UTF-8 but a later byte is not: the file is cp1252
                sniffed = Sniffed("cp1252", sniffed.delimiter, sniffed.headers, sniffed.line_end)
                data = load()
                df = _csv(data, sniffed, wanted, False)
            elif "more fields" in message:
                data = with_extra_header(data if data is not None else load(), sniffed.delimiter)
                extra_at = len(sniffed.headers)
                cols = None if wanted is None else [*wanted, extra_at]
                df = _csv(data, sniffed, cols, True)
                lf = data.replace(b"\r", b"\n") if sniffed.line_end == "\r" else data
                df = flag_ragged(df, lf, sniffed.delimiter, len(sniffed.headers))
            else:
                raise
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise InputError(f"{path}: cannot read as CSV: {first_line(exc)}") from None
    picked = names if wanted is None else [names[i] for i in wanted]
    df = df.rename(dict(zip(df.columns[: len(picked)], picked, strict=True)))
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
    path: Path,
    *,
    header: bool = True,
    preferred: str | None = PREFERRED_SHEET,
    columns: Sequence[int] | None = None,
    expect: Sequence[str] | None = None,
) -> pl.DataFrame:
    """Every cell of the chosen sheet as text (typed cells, dates as Excel serials, as written).

    With `header` the first row names the columns; without it they are column_0, column_1, ...
    `columns` (indices in the sheet's used range) converts only those; `expect` is the header
    row the caller read ahead (quick_headers): a sheet whose header row differs is refused.
    """
    reader = _open_workbook(path)
    sheet = pick_sheet(reader.sheet_names, preferred)
    if sheet is None:
        raise XlsxError(f"{path}: the workbook has no sheets", "no sheets")
    use = None if columns is None else sorted(set(columns))
    # the error cells are looked for while the reader parses (it lets go of the interpreter)
    found: list[tuple[tuple[int, int], list[tuple[int, int, str]]]] = []
    failed: list[BaseException] = []

    def look() -> None:
        try:
            found.append(_error_cells(path, sheet))
        except BaseException as exc:  # raised below, in the caller's thread
            failed.append(exc)

    errors = threading.Thread(target=look, daemon=True)
    errors.start()
    try:
        loaded = reader.load_sheet(
            sheet, header_row=0 if header else None, dtypes="string", use_columns=use
        )
        names = [c.name for c in loaded.available_columns()]
        if expect is not None and not _same_header(names, expect):
            why = "its header row reads differently from the sheet's cells"
            raise XlsxError(f"{path}: cannot read sheet {sheet!r}: {why}", why)
        df = loaded.to_polars()
    except XlsxError:
        raise
    except Exception as exc:
        why = first_line(exc)
        raise XlsxError(f"{path}: cannot read sheet {sheet!r}: {why}", why) from None
    finally:
        errors.join()
    if failed:
        raise failed[0]
    if not header:
        df.columns = [f"column_{i}" for i in range(df.width)]
    df = df.select(pl.all().cast(pl.String))
    return _with_error_cells(df, found[0] if found else ((1, 0), []), header, use)


def _same_header(names: Sequence[str], expect: Sequence[str]) -> bool:
    """The reader's header row is the one read ahead, perhaps with nameless columns after it
    (cells right of the header row where the sheet's dimension did not count them)."""
    n = len(expect)
    return tuple(names[:n]) == tuple(expect) and all(
        name.startswith("__UNNAMED__") for name in names[n:]
    )


_CELL_ERROR = re.compile(
    rb'<c r="([A-Z]+)([0-9]+)"[^>]*?\bt="e"[^>]*>(?:(?!</c>).)*?<v>([^<]*)</v>', re.S
)


def _col_index(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n - 1


def _sheet_member(zf: Any, sheet: str) -> str | None:
    """The zip member holding `sheet`'s cells (from the workbook and its relationships)."""
    book = zf.read("xl/workbook.xml")
    rels = zf.read("xl/_rels/workbook.xml.rels")
    rid = None
    for m in re.finditer(rb"<sheet\b[^>]*>", book):
        name = re.search(rb'name="([^"]*)"', m.group())
        if name and html.unescape(name.group(1).decode("utf-8")) == sheet:
            found = re.search(rb'r:id="([^"]*)"', m.group())
            rid = found.group(1) if found else None
    target = None
    for m in re.finditer(rb"<Relationship\b[^>]*>", rels):
        if rid and re.search(rb'Id="' + re.escape(rid) + rb'"', m.group()):
            found = re.search(rb'Target="([^"]*)"', m.group())
            target = found.group(1).decode() if found else None
    if target is None:
        return None
    return target.lstrip("/") if target.startswith("/") else f"xl/{target}"


def _error_cells(path: Path, sheet: str) -> tuple[tuple[int, int], list[tuple[int, int, str]]]:
    """Typed error cells (#VALUE!, #N/A, ...) of a sheet, which the reader hands over as blank:
    ((first row, first column) of the used range, [(row, column, text)]), 1-based rows."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as zf:
            member = _sheet_member(zf, sheet)
            if member is None:
                return (1, 0), []
            cells: list[tuple[int, int, str]] = []
            start = (1, 0)
            tail = b""
            with zf.open(member) as fh:
                first = True
                while chunk := fh.read(1 << 22):
                    data = tail + chunk
                    if first:
                        dim = re.search(rb'<dimension ref="([A-Z]+)([0-9]+)', data)
                        if dim:
                            start = (int(dim.group(2)), _col_index(dim.group(1)))
                        first = False
                    if b't="e"' in data:
                        last_end = 0
                        for m in _CELL_ERROR.finditer(data):
                            cells.append(
                                (int(m.group(2)), _col_index(m.group(1)), m.group(3).decode())
                            )
                            last_end = m.end()
                        tail = data[max(last_end, len(data) - 4096) :]
                    else:
                        tail = data[-4096:]
            return start, sorted(set(cells))
    except (OSError, KeyError, zipfile.BadZipFile, UnicodeDecodeError):
        return (1, 0), []


def _with_error_cells(
    df: pl.DataFrame,
    found: tuple[tuple[int, int], list[tuple[int, int, str]]],
    header: bool,
    columns: Sequence[int] | None = None,
) -> pl.DataFrame:
    """The sheet with its typed error cells (`found` by _error_cells) written as their text, so
    they are rejected as "not money" (with file, row and column) instead of being read as
    blank. `columns` are the used range's column indices `df` holds (all when None)."""
    (row0, col0), cells = found
    if not cells:
        return df
    where = {c: j for j, c in enumerate(columns)} if columns is not None else None
    by_col: dict[int, tuple[list[int], list[str]]] = {}
    for r, c, text in cells:
        i, j = r - row0 - (1 if header else 0), c - col0
        if where is not None:
            j = where.get(j, -1)
        if 0 <= i < df.height and 0 <= j < df.width:
            idx, vals = by_col.setdefault(j, ([], []))
            idx.append(i)
            vals.append(text)
    fixed = []
    for j, (idx, vals) in by_col.items():
        col = df.get_column(df.columns[j]).clone()
        fixed.append(col.scatter(idx, pl.Series(vals, dtype=pl.String)))
    return df.with_columns(fixed)


# --- the header row without parsing the sheet: its first row (and the shared strings it names)
_DIMENSION = re.compile(r'<dimension ref="([A-Z]+)([0-9]+)(?::([A-Z]+)([0-9]+))?"')
_ROW = re.compile(r"<row\b([^>]*?)(/?)>")
_CELL = re.compile(r"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.S)
_ATTR = re.compile(r'\b(r|t)="([^"]*)"')
_TEXT = re.compile(r"<t(?:\s[^>]*)?>(.*?)</t>|<t\s*/>", re.S)
_SI = re.compile(r"<si>(.*?)</si>|<si\s*/>", re.S)
_HEAD_BYTES = 1 << 20  # a header row is far shorter; past this the sheet is read the long way


def _unescape(text: str) -> str | None:
    return None if "_x" in text else html.unescape(text)  # _xHHHH_ escapes: the long way


def _shared_strings(zf: Any, wanted: set[int]) -> dict[int, str] | None:
    """The shared strings with these indices (read until the highest), None when unsure."""
    try:
        fh = zf.open("xl/sharedStrings.xml")
    except KeyError:
        return None
    top, out, k, buf = max(wanted), {}, 0, ""
    with fh:
        while k <= top:
            chunk = fh.read(1 << 16)
            if not chunk and not buf:
                return None
            buf += chunk.decode("utf-8", errors="strict") if chunk else ""
            end = 0
            for m in _SI.finditer(buf):
                if k in wanted:
                    body = m.group(1) or ""
                    if "<rPh" in body:
                        return None  # phonetic runs: the reader's own rules
                    texts = [t.group(1) or "" for t in _TEXT.finditer(body)]
                    text = _unescape("".join(texts))
                    if text is None:
                        return None
                    out[k] = text
                k += 1
                end = m.end()
                if k > top:
                    break
            buf = buf[end:]
            if not chunk:
                break
    return out if len(out) == len(wanted) else None


def quick_headers(path: Path, sheet: str) -> tuple[str, ...] | None:
    """The header row of `sheet` (names as the reader gives them, unstripped) read from the
    first row of its XML, without parsing the sheet; None when that reading is not sure (no
    dimension, gaps, blank, repeated or non-text header cells): then the sheet is parsed."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as zf:
            member = _sheet_member(zf, sheet)
            if member is None:
                return None
            with zf.open(member) as fh:
                head = fh.read(_HEAD_BYTES).decode("utf-8", errors="ignore")
            dim = _DIMENSION.search(head)
            start = head.find("<sheetData")
            if dim is None or start < 0:
                return None
            col0, row0 = _col_index(dim.group(1).encode()), int(dim.group(2))
            col1 = _col_index(dim.group(3).encode()) if dim.group(3) else col0
            row = _ROW.search(head, start)
            if row is None or row.group(2):
                return None  # an empty first row: the used range starts lower
            r = re.search(r'\br="([0-9]+)"', row.group(1))
            stop = head.find("</row>", row.end())
            if r is None or int(r.group(1)) != row0 or stop < 0:
                return None
            kinds: list[tuple[str, str]] = []
            for k, cell in enumerate(_CELL.finditer(head, row.end(), stop)):
                attrs = dict(_ATTR.findall(cell.group(1)))
                ref = re.fullmatch(r"([A-Z]+)([0-9]+)", attrs.get("r", ""))
                if ref is None or _col_index(ref.group(1).encode()) != col0 + k:
                    return None
                kinds.append((attrs.get("t", "n"), cell.group(2) or ""))
            if len(kinds) != col1 - col0 + 1:
                return None
            names: list[str | None] = []
            shared: set[int] = set()
            for kind, body in kinds:
                if kind == "inlineStr":
                    if "<rPh" in body:
                        return None
                    names.append(_unescape("".join(t.group(1) or "" for t in _TEXT.finditer(body))))
                elif kind in ("s", "str"):
                    v = re.search(r"<v>(.*?)</v>", body, re.S)
                    if v is None:
                        return None
                    if kind == "s":
                        if not v.group(1).isdigit():
                            return None
                        shared.add(int(v.group(1)))
                        names.append(v.group(1))
                    else:
                        names.append(_unescape(v.group(1)))
                else:
                    return None  # numbers, dates, booleans, errors: the reader's formatting
            if shared:
                table = _shared_strings(zf, shared)
                if table is None:
                    return None
                names = [
                    table[int(n)] if kind == "s" and n is not None else n
                    for (kind, _), n in zip(kinds, names, strict=True)
                ]
    except (OSError, KeyError, zipfile.BadZipFile, UnicodeDecodeError, ValueError):
        return None
    if any(n is None or not n.strip() or "\r" in n for n in names):
        return None  # blank, or a line end the reader may read otherwise
    final = [n for n in names if n is not None]
    if len({n.strip() for n in final}) != len(final) or any(
        n.startswith("__UNNAMED__") for n in final
    ):
        return None
    return tuple(final)


# calamine parses the whole sheet even for its header row (n_rows does not stop it). The header
# row is read from the sheet's first row (quick_headers) where that is sure; where it is not, the
# header look-up keeps the sheet it parsed for the read that follows: one parse per file either
# way. One entry, dropped once read (or when the file changes).
_XLSX_LOCK = threading.Lock()
_xlsx_kept: tuple[tuple[str, int, int], pl.DataFrame] | None = None


def _file_key(path: Path) -> tuple[str, int, int]:
    st = path.stat()
    return (str(path.resolve()), st.st_mtime_ns, st.st_size)


def _key(path: Path) -> tuple[str, int, int]:
    try:
        return _file_key(path)
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None


def _stripped(df: pl.DataFrame) -> pl.DataFrame:
    return df.rename({c: c.strip() for c in df.columns if c != c.strip()})


def _itrac_sheet(path: Path, *, keep: bool) -> pl.DataFrame:
    global _xlsx_kept
    key = _key(path)
    with _XLSX_LOCK:
        if _xlsx_kept is not None and _xlsx_kept[0] == key:
            df = _xlsx_kept[1]
            if not keep:
                _xlsx_kept = None
            return df
    df = _stripped(read_xlsx_sheet(path))
    with _XLSX_LOCK:
        _xlsx_kept = (key, df) if keep else None
    return df


def _kept(path: Path) -> bool:
    with _XLSX_LOCK:
        return _xlsx_kept is not None and _xlsx_kept[0] == _key(path)


def _itrac_quick_headers(path: Path) -> tuple[str, ...] | None:
    """The unstripped header row of the sheet read_xlsx_file reads, None when not sure."""
    try:
        names = _open_workbook(path).sheet_names
    except XlsxError:
        return None  # the read that follows says why
    sheet = pick_sheet(names)
    return None if sheet is None else quick_headers(path, sheet)


def read_xlsx_file(path: Path, columns: Sequence[str] | None = None) -> pl.DataFrame:
    """Read the "Main Report" sheet (else the first) as text, with ROW_COL provenance.

    `columns` (headers as xlsx_headers gives them) keeps only those, in sheet order; only those
    are converted when the header row could be read ahead.
    """
    quick = None if _kept(path) else _itrac_quick_headers(path)
    if quick is None:
        df = _itrac_sheet(path, keep=False)
        if columns is not None:
            wanted = set(columns)
            df = df.select([c for c in df.columns if c in wanted])
    else:
        names = [h.strip() for h in quick]
        use = None if columns is None else [i for i, h in enumerate(names) if h in set(columns)]
        df = _stripped(read_xlsx_sheet(path, columns=use, expect=quick))
    return df.with_row_index(ROW_COL, offset=2).with_columns(pl.col(ROW_COL).cast(pl.Int64))


def xlsx_headers(path: Path) -> tuple[str, ...]:
    """Header row of the sheet read_xlsx_file reads: from its first row where that is sure
    (nothing parsed), else from the parsed sheet (kept for that read)."""
    quick = _itrac_quick_headers(path)
    if quick is not None:
        return tuple(h.strip() for h in quick)
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
