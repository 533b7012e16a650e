"""The file's own columns of a lazily loaded export, read back from the files by source row.

`load_export(lazy_context=True)` keeps only the decisive columns in memory; what the grid, the
search, the line detail and the files written need of the other columns is read here: every
line's context columns (once, Categorical: values repeat), a line's source rows (a window of
the file), and the raw text of set-aside and rejected rows. The frames equal what the eager
reading (`load_export(context=True)`) puts on `lines`, `rows`, `set_aside` and `rejected`.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import polars as pl

from itrac_tui.core.errors import InputError
from itrac_tui.core.load import file_stamp, safe_name
from itrac_tui.core.model import Export
from itrac_tui.core.read import FILE_COL, ROW_COL, Sniffed, column_names, read_csv_file, sniff
from itrac_tui.core.views import search_columns


def lazily_readable(sniffed: Sniffed) -> bool:
    """True when rows of this CSV can be read back by number as polars first read them."""
    return sniffed.encoding in ("utf-8", "utf-8-sig") and sniffed.line_end == "\n"


@lru_cache(maxsize=8)
def _sniff_once(path: Path, stamp: tuple[int, int]) -> Sniffed:
    return sniff(path)


def _sniffed(path: Path) -> Sniffed:
    """The file's sniff, once per file as it is (sniffing reads the whole file for its line
    ends; a line's detail must not)."""
    return _sniff_once(path, file_stamp(path))


def _scan(path: Path, first: int = 2, count: int | None = None) -> tuple[pl.LazyFrame, list[str]]:
    """The file as read_csv_file reads it (all text, its column names, ROW_COL), from source
    row `first` on (`count` rows; None: to the end)."""
    sniffed = _sniffed(path)
    names = column_names(sniffed)
    lf = pl.scan_csv(
        path,
        separator=sniffed.delimiter,
        infer_schema=False,
        has_header=True,
        raise_if_empty=False,
        glob=False,
        with_column_names=lambda _found: names,
        skip_rows_after_header=first - 2,
        n_rows=count,
    )
    lf = lf.with_row_index(ROW_COL, offset=first).with_columns(pl.col(ROW_COL).cast(pl.Int64))
    return lf, names


def _rows_of_file(path: Path, rows: pl.Series, *, categorical: bool, window: bool) -> pl.DataFrame:
    """ROW_COL and the part's own columns (safe names) of the given source rows.

    `window` reads only the span of the rows (a line's rows are neighbours); otherwise one
    streamed pass over the file keeps only the rows asked for."""
    if window:
        span = rows.to_frame("r").select(pl.min("r").alias("lo"), pl.max("r").alias("hi"))
        lo, hi = (int(v) for v in span.row(0))
        lf, names = _scan(path, lo, hi - lo + 1)
    else:
        lf, names = _scan(path)
    cells = [pl.col(c).alias(safe_name(c)) for c in names]
    if categorical:
        cells = [c.cast(pl.Categorical) for c in cells]
    kept = pl.col(ROW_COL).is_in(rows.cast(pl.Int64).implode())
    try:
        return lf.filter(kept).select(ROW_COL, *cells).collect(engine="streaming")
    except pl.exceptions.PolarsError:  # e.g. a cp1252 byte past the sample: the reader's way
        whole = read_csv_file(path, _sniffed(path)).lazy()
        return whole.filter(kept).select(ROW_COL, *cells).collect()


def _unchanged(export: Export, index: int) -> None:
    """InputError when part `index` changed (or went) since it was loaded: its rows would not
    be the ones the lines were built from."""
    path = Path(export.files[index])
    try:
        same = index >= len(export.file_stamps) or file_stamp(path) == export.file_stamps[index]
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror}); open the export again") from None
    if not same:
        raise InputError(f"{path} changed since it was loaded: open it again to see its cells")


def _gather(
    export: Export, wanted: pl.DataFrame, *, categorical: bool, window: bool
) -> pl.DataFrame:
    """The lazy columns of the (FILE_COL, ROW_COL) rows of `wanted`, in its order."""
    order = [safe_name(c) for c in export.lazy_columns]
    dtype = pl.Categorical if categorical else pl.String
    parts: list[pl.DataFrame] = []
    for index, file in enumerate(export.files):
        rows = wanted.filter(pl.col(FILE_COL) == index).get_column(ROW_COL)
        if rows.len() == 0:
            continue
        _unchanged(export, index)
        got = _rows_of_file(Path(file), rows, categorical=categorical, window=window)
        missing = [pl.lit(None, dtype=dtype).alias(c) for c in order if c not in got.columns]
        parts.append(
            got.with_columns(pl.lit(index, dtype=pl.UInt16).alias(FILE_COL), *missing).select(
                FILE_COL, ROW_COL, *order
            )
        )
    if not parts:
        empty = {FILE_COL: pl.UInt16, ROW_COL: pl.Int64, **dict.fromkeys(order, dtype)}
        found = pl.DataFrame(schema=empty)
    else:
        found = pl.concat(parts)
    keys = wanted.select(pl.col(FILE_COL).cast(pl.UInt16), pl.col(ROW_COL).cast(pl.Int64))
    joined = keys.join(found, on=[FILE_COL, ROW_COL], how="left", maintain_order="left")
    return joined.select(order)


def read_line_context(export: Export) -> pl.DataFrame:
    """The file's own columns of every line (row i = line i), as load_export(context=True) puts
    them on `lines` but Categorical (the searched free-text ones as text); empty when the export
    is not lazy."""
    if export.context_rows is None or not export.lazy_columns:
        return pl.DataFrame()
    context = _gather(export, export.context_rows, categorical=True, window=False)
    # the free-text columns `/` searches, as text written afresh (scanned as fast as the whole
    # read's text; Categorical, or a plain cast that points into the categories, is slower)
    texty = search_columns(context)
    fresh = [pl.concat_str([pl.col(c).cast(pl.String)]).alias(c) for c in texty]
    return context.with_columns(fresh) if fresh else context


def _provenance(export: Export, frame: pl.DataFrame) -> pl.DataFrame:
    """The file index and source row of each row of `frame` (source_file, source_row)."""
    index = {f: i for i, f in enumerate(export.files)}
    return frame.select(
        pl.col("source_file").replace_strict(index, return_dtype=pl.UInt16).alias(FILE_COL),
        pl.col("source_row").alias(ROW_COL),
    )


def read_source_rows(export: Export, rows: pl.DataFrame) -> pl.DataFrame:
    """`rows` (some rows of export.rows: line_id, source_file, source_row) with every cell of
    those source rows, as the eager reading's export.rows has them."""
    if not export.is_lazy or not export.lazy_columns:
        return rows
    cells = _gather(export, _provenance(export, rows), categorical=False, window=True)
    return pl.concat([rows, cells], how="horizontal")


def with_raw_text(export: Export, frame: pl.DataFrame) -> pl.DataFrame:
    """Set-aside or rejected rows (source_file, source_row, ..., raw) with their raw text (the
    cells joined by commas, as the eager reading writes it)."""
    if not export.is_lazy or not export.lazy_columns or frame.height == 0:
        return frame
    cells = _gather(export, _provenance(export, frame), categorical=False, window=False)
    raw = cells.select(
        pl.concat_str([pl.col(c).fill_null("") for c in cells.columns], separator=",").alias("raw")
    )
    return frame.with_columns(raw.to_series())


def completed(export: Export, context: pl.DataFrame | None = None) -> Export:
    """The export with its lines' context columns and the raw text of its odd rows read (the
    source rows stay in the files: read_source_rows)."""
    from dataclasses import replace

    if not export.is_lazy:
        return export
    ctx = read_line_context(export) if context is None else context
    lines = export.lines
    if ctx.width and not set(ctx.columns) <= set(lines.columns):
        lines = lines.hstack(ctx.get_columns())
    return replace(
        export,
        lines=lines,
        set_aside=with_raw_text(export, export.set_aside),
        rejected=with_raw_text(export, export.rejected),
    )


def context_names(export: Export) -> Sequence[str]:
    """Names the lazy columns take on `lines` (safe names)."""
    return [safe_name(c) for c in export.lazy_columns]
