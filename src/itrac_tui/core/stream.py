"""The scan of a big export in bounded memory: the decision columns are streamed in batches,
each cut at an entry boundary, assembled and classified on its own, and only what the summary
needs is kept (entry, pathway, reason, IEEPA duty, warnings of every line; set-aside and
rejected rows). Three threads share the work: one reads and parses the blocks ahead (with the
row work that needs no other row: money, entry numbers), the caller assembles a chunk's rows,
and one classifies the chunk before.

Entries are grouped in ACE exports, so a line never spans two chunks and the figures equal the
whole-file reading (`load_export` + `classify` + `summarise`). Anything this reading cannot
promise that for (several parts, XLSX, no line numbers, non-UTF-8 or odd line ends, rows longer
than the header, an entry met again after others) falls back to the whole-file reading.
"""

from __future__ import annotations

import io
import itertools
import re
import threading
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl

from itrac_tui.core import normalise as nz
from itrac_tui.core.assemble import (
    CANONICAL_ENTRY,
    Assembled,
    CodeTables,
    assemble,
    canon,
    entry_numbers,
    money_outputs,
    read_money,
)
from itrac_tui.core.classify import classify
from itrac_tui.core.columns import FIELD_LABELS, MONEY_FIELDS, ColumnMatch, require_columns
from itrac_tui.core.interest import INTEREST_COLUMN
from itrac_tui.core.load import export_notices, inspect_file
from itrac_tui.core.model import Export
from itrac_tui.core.money import ensure_sums_fit
from itrac_tui.core.preflight import with_preflight
from itrac_tui.core.queries import collected
from itrac_tui.core.read import (
    END_COLUMNS,
    END_MARK,
    FILE_COL,
    ROW_COL,
    NotBlockwise,
    Sniffed,
    column_names,
    is_xlsx,
    mark_record_ends,
    record_blocks,
    same_inputs,
    sniff,
)
from itrac_tui.core.rules import Rules

CHUNK_ROWS = 150_000  # rows assembled at a time; the working set scales with this, not the file
STREAM_MIN_BYTES = 64 << 20  # smaller files are read whole (no gain in streaming them)
BLOCK_BYTES = 4 << 20  # the file is read and parsed this many bytes at a time
PARSERS = 2  # blocks parsed at once (the parse releases the GIL)
AHEAD_BLOCKS = 12  # blocks parsed ahead (about a chunk) while the chunk before is assembled
# what summarise() and the interest notice read of a line
SLIM_COLUMNS = (
    "entry_number",
    "pathway",
    "reason",
    "ieepa_duty_cents",
    "warnings",
    INTEREST_COLUMN,
    "entry_summary_date",
    "entry_date",
)


# fields with few distinct values, read as categories (assembly normalises each value once);
# amounts are too varied to gain (a line's value is most often its own)
CODED_FIELDS = (
    "line_number",
    "hts",
    "ch99_hts",
    "country",
    "liquidation_date",
    "liquidation_status",
    "entry_type",
    "entry_date",
    "entry_summary_date",
    "importer_number",
    "filer_code",
    "recon_flag",
    "protest_status",
    "drawback_flag",
)


class Declined(Exception):
    """The stream cannot promise the whole-file reading's figures for this file: read it whole."""


def streamed_export(
    paths: Sequence[str | Path],
    rules: Rules,
    as_of: date,
    *,
    mapping: dict[str, str] | None = None,
    saved: dict[str, str] | None = None,
    distinct_parts: bool = False,
    chunk_rows: int = CHUNK_ROWS,
    min_bytes: int = STREAM_MIN_BYTES,
    keep: Sequence[str] = (),
) -> Export | None:
    """The export as `scan` needs it, streamed chunk by chunk: its `lines` are already
    classified as of `as_of` and hold only what the summary reads (SLIM_COLUMNS, and the line
    columns named in `keep`, as they are); components and rows are empty. None when the
    whole-file reading is needed (see the module docstring)."""
    files = [Path(p) for p in paths]
    if len(files) != 1 or not files[0].is_file() or files[0].stat().st_size < min_bytes:
        return None
    try:
        return _streamed(files[0], rules, as_of, mapping, saved, distinct_parts, chunk_rows, keep)
    except (Declined, NotBlockwise):
        return None


def _parse(
    block: bytes,
    sniffed: Sniffed,
    schema: dict[str, pl.DataType],
    wanted: list[str],
    money: dict[str, str],
    zero_words: tuple[str, ...],
    entry: str,
) -> pl.DataFrame:
    """The wanted columns of one block, the money fields of `money` (field -> column) read and
    the entry numbers of `entry` (assembly takes them as they are: the parsing thread does this
    row work); Declined unless every record has exactly the header's fields (the whole-file
    reading keeps longer rows whole and rejects them, and reads shorter ones) and no wanted
    cell holds a line end."""
    mark = END_COLUMNS[0]  # each record's end mark lands here when it has the header's fields
    marked, records = mark_record_ends(block, sniffed.delimiter)
    try:
        df = collected(
            pl.scan_csv(
                io.BytesIO(marked),
                separator=sniffed.delimiter,
                has_header=False,
                schema=schema,
                missing_columns="insert",
                raise_if_empty=False,
            ).select(*wanted, mark)
        )
    except pl.exceptions.PolarsError:
        raise Declined from None  # e.g. a non-UTF-8 byte, a row far longer than the header
    del marked
    if not df.drop_in_place(mark).eq_missing(END_MARK).all():
        raise Declined
    if df.height != records and any(  # a line end inside quotes took a mark into a cell
        df.get_column(c).cast(pl.String).str.contains(END_MARK, literal=True).any() for c in wanted
    ):
        raise Declined
    for field, column in money.items():
        df = read_money(df, column, field, zero_words)
    return entry_numbers(df, entry)


def entry_batches(
    path: Path,
    match: ColumnMatch,
    chunk_rows: int,
    sniffed: Sniffed | None = None,
    *,
    zero_words: tuple[str, ...],
) -> Iterator[pl.DataFrame]:
    """The decision columns in entry-aligned chunks of about `chunk_rows` rows (ROW_COL set),
    with the money fields that are not coded read already (assemble.money_outputs).

    The next blocks are read and parsed in a thread while the caller works on this chunk."""
    sniffed = sniffed or sniff(path)
    if sniffed.encoding != "utf-8" or sniffed.line_end != "\n":
        raise Declined
    names = column_names(sniffed)
    lf = pl.scan_csv(
        path, separator=sniffed.delimiter, infer_schema=False, has_header=True, raise_if_empty=False
    )
    if lf.collect_schema().names() != names:  # padded or repeated headers: read_csv_file names
        raise Declined
    wanted = sorted(set(match.mapping.values()))
    entry = match.mapping["entry_number"]
    coded = {match.mapping[f] for f in CODED_FIELDS if f in match.mapping}
    money = {f: h for f, h in match.mapping.items() if f in MONEY_FIELDS and h not in coded}
    # the coded columns read as categories (no cast after), each its own (small, fast to look
    # up; not the global categories, which would keep every value met), the others as text
    schema: dict[str, pl.DataType] = {
        c: pl.Categorical(pl.Categories.random()) if c in coded else pl.String()
        for c in [*names, END_COLUMNS[0]]
    }
    blocks = record_blocks(path, BLOCK_BYTES)
    pending: list[pl.DataFrame] = []
    held = 0  # rows in pending
    row = 2  # the header is row 1
    taken = threading.Lock()
    count = itertools.count()

    def task() -> tuple[int, pl.DataFrame | None]:
        with taken:  # blocks are taken in file order, numbered, then parsed side by side
            block, seq = next(blocks, None), next(count)
        return seq, (
            None
            if block is None
            else _parse(block, sniffed, schema, wanted, money, zero_words, entry)
        )

    with ThreadPoolExecutor(max_workers=PARSERS) as pool:
        for batch in _in_order(pool, task):
            batch = batch.with_row_index(ROW_COL, offset=row)
            row += batch.height
            pending.append(batch)
            held += batch.height
            if held < (chunk_rows if row > held + 2 else chunk_rows // 4):
                continue  # a small first chunk: assembly starts while the next is parsed
            rows = pl.concat(pending, rechunk=False)
            cut = _last_entry_start(rows.get_column(entry))
            if cut == 0:
                pending = [rows]
                continue  # one entry so far: keep reading
            done, pending, held = rows.slice(0, cut), [rows.slice(cut)], rows.height - cut
            del rows, batch  # the chunk's rows are held by the caller only
            yield done
            del done
    if held:
        yield pl.concat(pending, rechunk=True)


def _in_order(
    pool: ThreadPoolExecutor, task: Callable[[], tuple[int, pl.DataFrame | None]]
) -> Iterator[pl.DataFrame]:
    """The parsed blocks in file order (AHEAD_BLOCKS tasks in flight, finishing in any order;
    a task's number says which block it took), until a task finds no block left."""
    ahead = deque(pool.submit(task) for _ in range(AHEAD_BLOCKS))
    parsed: dict[int, pl.DataFrame | None] = {}
    try:
        for want in itertools.count():
            while want not in parsed:
                seq, result = ahead.popleft().result()
                parsed[seq] = result
                ahead.append(pool.submit(task))
            if (batch := parsed.pop(want)) is None:
                return
            yield batch
    finally:  # stopped early (declined): no more blocks are read
        for waiting in ahead:
            waiting.cancel()


def _not_plain(cells: pl.Series) -> pl.Series:
    """Where a line-number cell (Categorical: CODED_FIELDS) is not a plain number (blank
    included): looked at once per category, not per row."""
    values = cells.unique()
    odd = values.filter(~values.cast(pl.String).str.contains(r"^[0-9]+$").fill_null(False))
    if odd.len() == 0:
        return pl.repeat(False, cells.len(), eager=True)
    return cells.is_in(odd.implode(), nulls_equal=True).fill_null(True)


def assembled_chunks(
    path: Path,
    match: ColumnMatch,
    rules: Rules,
    distinct_parts: bool,
    chunk_rows: int,
    sniffed: Sniffed | None = None,
) -> Iterator[tuple[int, Assembled]]:
    """Each entry-aligned chunk of a file's decision columns assembled alone (rows read, the
    frames), the coded values normalised once for the whole file. Declined where a chunk's
    reading could differ from the whole file's (as without a line-number column: line
    boundaries then depend on the whole file's orientation)."""
    if "line_number" not in match.mapping:
        raise Declined
    labels = {f: match.mapping.get(f, FIELD_LABELS[f]) for f in FIELD_LABELS}
    name = str(path)
    codes = CodeTables()
    line_no = pl.col(match.mapping["line_number"])
    for chunk in entry_batches(path, match, chunk_rows, sniffed, zero_words=rules.zero_words):
        # rows with an entry but no line number join a commodity row by the orientation of
        # the whole file, unless they are set aside (roll-ups): those are found after assembly
        odd = _not_plain(chunk.get_column(match.mapping["line_number"]))
        unnumbered = (
            (chunk.filter(odd) if odd.any() else chunk.clear())
            .filter(
                pl.col("_entry").is_not_null()  # read by the parsing thread
                & nz.to_int(nz.unwrap_excel_text(line_no.cast(pl.String))).is_null()
            )
            .get_column(ROW_COL)
            .cast(pl.Int64)
        )
        read = [c for f in MONEY_FIELDS for c in money_outputs(f) if c in chunk.columns]
        read.append("_entry")
        raw = collected(
            chunk.lazy()
            .with_columns(
                pl.col(ROW_COL).cast(pl.Int64),
                *[pl.col(h).alias(canon(f)) for f, h in match.mapping.items()],
                pl.lit(0, dtype=pl.UInt16).alias(FILE_COL),
            )
            .select(ROW_COL, FILE_COL, *[canon(f) for f in match.mapping], *read)
        )
        rows = chunk.height
        del chunk
        handed = [raw]
        del raw
        built = assemble(
            handed.pop(),  # assemble holds the only reference: it frees the text when done with it
            rules,
            files=[name],
            layout=match.layout,
            labels=labels,
            original_columns=[],
            has_line_col=True,
            has_ordinal="tariff_ordinal" in match.mapping,
            distinct_parts=distinct_parts,
            codes=codes,
        )
        aside = built.set_aside.get_column("source_row")
        if built.orientation or unnumbered.is_in(aside.implode()).not_().any():
            raise Declined
        yield rows, built
        del built  # not held while the next chunk is assembled


_TAIL_ROWS = 4096


def _last_entry_start(cells: pl.Series) -> int:
    """Index of the first row of the last entry in `cells` (0 when there is one entry).

    The raw cells change where the entry does; a change of spelling only (`ABC-1234567-8`
    then `ABC12345678`) is not a new entry, so a candidate is confirmed on its two rows."""
    if cells.len() > _TAIL_ROWS:  # looked for among the last rows first
        found = _last_entry_start(cells.slice(cells.len() - _TAIL_ROWS))
        if found:
            return cells.len() - _TAIL_ROWS + found
    starts = cells.ne_missing(cells.shift(1)).arg_true()
    for i in starts.reverse():  # the last entry starts near the end: stop at the first found
        if i == 0:
            return 0
        before, here = cells[i - 1], cells[i]
        if _CANONICAL.match(before or "") and _CANONICAL.match(here or ""):
            return int(i)  # two canonical spellings that differ: two entries (no query)
        pair = cells.slice(i - 1, 2).to_frame("e").select(nz.entry_compact(pl.col("e")))
        if pair.item(0, 0) != pair.item(1, 0):
            return int(i)
    return 0


_CANONICAL = re.compile(CANONICAL_ENTRY.removesuffix("$") + r"\Z")  # $ would pass a final LF


@dataclass(frozen=True)
class _Chunk:
    """What the scan keeps of one assembled chunk."""

    slim: pl.DataFrame
    set_aside: pl.DataFrame
    rejected: pl.DataFrame
    rows_used: int
    any_comps: bool
    rounded: int
    example: str


def _streamed(
    path: Path,
    rules: Rules,
    as_of: date,
    mapping: dict[str, str] | None,
    saved: dict[str, str] | None,
    distinct_parts: bool,
    chunk_rows: int,
    keep: Sequence[str] = (),
) -> Export:
    if is_xlsx(path) or same_inputs([path])[1]:
        raise Declined
    sniffed = sniff(path, whole_file=False)  # the blocks' line ends are looked at as they come
    match = inspect_file(path, rules, mapping, saved, sniffed)
    require_columns(match, str(path))
    name = str(path)
    slim: list[pl.DataFrame] = []
    entries: list[pl.Series] = []
    set_aside: list[pl.DataFrame] = []
    rejected: list[pl.DataFrame] = []
    rows_read = rows_used = rounded = 0
    example = ""
    any_comps = False

    def finish(built: Assembled) -> _Chunk:
        lines = with_preflight(built.lines, built.components, rules.cape)  # as load_export
        lines = classify(lines, rules, as_of, has_liquidation=match.has_liquidation)
        # kept for the whole file: categories (4 bytes a line) instead of text
        slim = lines.select(
            c for c in dict.fromkeys((*SLIM_COLUMNS, *keep)) if c in lines.columns
        ).with_columns(
            pl.col("entry_number", "pathway", "reason").cast(pl.Categorical),
            pl.col("warnings").cast(pl.List(pl.Categorical)),
        )
        return _Chunk(
            slim=slim,
            set_aside=built.set_aside,
            rejected=built.rejected,
            rows_used=built.rows.height,
            any_comps=built.components.height > 0,
            rounded=built.rounded,
            example=built.rounded_example,
        )

    def take(done: _Chunk) -> None:
        nonlocal rows_used, any_comps, rounded, example
        slim.append(done.slim)
        entries.append(done.slim.get_column("entry_number").unique())
        set_aside.append(done.set_aside)
        rejected.append(done.rejected)
        rows_used += done.rows_used
        any_comps = any_comps or done.any_comps
        rounded += done.rounded
        example = example or done.example

    # a chunk's lines are classified in a thread while the next chunk is assembled
    with ThreadPoolExecutor(max_workers=1) as pool:
        waiting: deque[Future[_Chunk]] = deque()
        for rows, built in assembled_chunks(
            path, match, rules, distinct_parts, chunk_rows, sniffed
        ):
            rows_read += rows
            waiting.append(pool.submit(finish, built))
            del built
            while len(waiting) > 1:
                take(waiting.popleft().result())
        while waiting:
            take(waiting.popleft().result())
    seen = pl.concat(entries) if entries else pl.Series("entry_number", [], dtype=pl.Categorical)
    if seen.len() != seen.n_unique():
        raise Declined  # an entry met again after other entries: its lines may span chunks
    merged = Assembled(
        lines=pl.DataFrame(),
        components=pl.DataFrame(),
        rows=pl.DataFrame(),
        set_aside=pl.concat(set_aside) if set_aside else pl.DataFrame(),
        rejected=pl.concat(rejected) if rejected else pl.DataFrame(),
        rounded=rounded,
        rounded_example=example,
        files_without_ch99=(name,) if rows_used and not any_comps else (),
    )
    if not slim:
        raise Declined  # an empty file: the whole-file reading says so
    all_lines = pl.concat(slim)
    # each chunk's amounts were checked; the pool summed over all of them must fit as well
    ensure_sums_fit(all_lines, ["ieepa_duty_cents"], "IEEPA duty of the export")
    return Export(
        files=(name,),
        layout=match.layout,
        mapping=dict(match.mapping),
        lines=all_lines,
        components=pl.DataFrame(),
        rows=pl.DataFrame(),
        set_aside=merged.set_aside,
        rejected=merged.rejected,
        rows_read=rows_read,
        has_liquidation=match.has_liquidation,
        notices=export_notices(merged, rows_used, match.has_liquidation),
    )
