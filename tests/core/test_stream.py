"""The streamed scan (core.stream) gives exactly the whole-file reading's summary."""

from __future__ import annotations

import itertools
import time
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from benchmarks.generate import JunkSpec, generate_dataset, write_export
from itrac_tui.core import read, stream
from itrac_tui.core.classify import classify
from itrac_tui.core.load import load_export
from itrac_tui.core.rules import load_rules
from itrac_tui.core.summary import summarise

DATA = Path(__file__).resolve().parents[1] / "data"
AS_OF = date(2026, 11, 22)


def whole(path: Path, as_of: date = AS_OF) -> dict:
    rules = load_rules()
    export = load_export([path], rules, context=False)
    lines = classify(export.lines, rules, as_of, has_liquidation=export.has_liquidation)
    return summarise(lines, as_of, export).to_json()


def streamed(path: Path, chunk_rows: int, as_of: date = AS_OF) -> dict:
    """The streamed summary, or the whole-file one when the stream declines the file."""
    rules = load_rules()
    export = stream.streamed_export([path], rules, as_of, chunk_rows=chunk_rows, min_bytes=0)
    if export is None:
        return whole(path, as_of)
    return summarise(export.lines, as_of, export).to_json()


@pytest.fixture(scope="module")
def dataset():
    return generate_dataset(600, seed=11, as_of=AS_OF)


@pytest.mark.parametrize(
    ("layout", "junk", "order"),
    [
        ("es003", False, "ch99_first"),
        ("es003", True, "ch99_first"),
        ("es003", True, "commodity_first"),
        ("same_row", True, "ch99_first"),
    ],
)
@pytest.mark.parametrize("chunk_rows", [1, 37, 250, 100_000])
def test_streamed_equals_whole_file(
    dataset, tmp_path: Path, layout: str, junk: bool, order: str, chunk_rows: int
) -> None:
    """Chunks of any size, junk rows at the cuts, both orders: the same summary, and really
    streamed (the whole-file reading is never called)."""
    (path,), _ = write_export(
        dataset, layout, tmp_path / "x.csv", junk=JunkSpec() if junk else None, order=order
    )
    export = stream.streamed_export([path], load_rules(), AS_OF, chunk_rows=chunk_rows, min_bytes=0)
    assert export is not None  # really streamed
    assert summarise(export.lines, AS_OF, export).to_json() == whole(path)


@pytest.mark.parametrize("name", sorted(p.name for p in (DATA / "layouts").glob("*.csv")))
def test_layout_files(name: str) -> None:
    """Files the stream cannot promise the same reading for fall back; the figures agree."""
    path = DATA / "layouts" / name
    assert streamed(path, 3) == whole(path)


def test_entry_met_again_falls_back(dataset, tmp_path: Path) -> None:
    """An entry whose rows come back after other entries may span chunks: read whole."""
    (path,), _ = write_export(dataset, "es003", tmp_path / "x.csv")
    df = pl.read_csv(path, infer_schema=False)
    moved = pl.concat([df, df.head(3)]).slice(3)  # the first entry's first rows go last
    moved.write_csv(path)
    assert streamed(path, 50) == whole(path)


def test_worked_example_as_of_dates() -> None:
    """The golden example on both as-of dates."""
    path = DATA / "worked_example.csv"
    for as_of in (date(2026, 4, 20), AS_OF):
        assert streamed(path, 1, as_of) == whole(path, as_of)


@pytest.mark.parametrize("block_bytes", [1, 7, 64, 1 << 20])
def test_blocks_end_at_record_ends(
    dataset, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, block_bytes: int
) -> None:
    """The file is parsed in blocks cut at line ends outside quotes: quoted line breaks and
    doubled quotes in a cell, blocks of any size, the same figures as the whole-file reading."""
    (path,), _ = write_export(dataset, "es003", tmp_path / "x.csv", junk=JunkSpec())
    df = pl.read_csv(path, infer_schema=False)
    desc = next(c for c in df.columns if "Description" in c)
    odd = pl.Series(['a "quoted"\nword', "two\nline\nbreaks", 'end"\n', None] * df.height)
    df.with_columns(odd.head(df.height).alias(desc)).write_csv(path)
    monkeypatch.setattr(stream, "BLOCK_BYTES", block_bytes)
    export = stream.streamed_export([path], load_rules(), AS_OF, chunk_rows=90, min_bytes=0)
    assert export is not None  # really streamed
    assert summarise(export.lines, AS_OF, export).to_json() == whole(path)


def test_blocks_parsed_out_of_order_are_taken_in_order(
    dataset, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Blocks are parsed side by side and finish in any order; the rows are taken in file
    order (each block's first rows would otherwise land in another chunk's entries)."""
    (path,), _ = write_export(dataset, "es003", tmp_path / "x.csv")
    parse, calls = stream._parse, itertools.count()

    def uneven(*args: object, **kwargs: object) -> pl.DataFrame:
        if next(calls) % 2 == 0:  # every other block is slow: the next one finishes first
            time.sleep(0.02)
        return parse(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(stream, "_parse", uneven)
    monkeypatch.setattr(stream, "BLOCK_BYTES", 2048)
    export = stream.streamed_export([path], load_rules(), AS_OF, chunk_rows=90, min_bytes=0)
    assert export is not None
    assert summarise(export.lines, AS_OF, export).to_json() == whole(path)


def test_record_end_outside_quotes() -> None:
    """A line end inside quotes is not a record end; a doubled quote keeps the field open."""
    assert read._record_end(b'a,b\nc,"d\ne"\n', 0) == 11
    assert read._record_end(b'a,b\nc,"d\ne', 0) == 3
    assert read._record_end(b'a,"x""\ny"\n', 0) == 9
    assert read._record_end(b'a,"x\n', 0) == -1
    # a field opened before this block (one quote carried over) closes in it
    assert read._record_end(b'x"\na\n', 1) == 4
    assert read._record_end(b"x\na\n", 1) == -1
    assert read._header_end(b'"a\nb",c\nd') == 7
    assert read._header_end(b'"a\nb') == -1


def test_row_longer_than_header_falls_back(dataset, tmp_path: Path) -> None:
    """A row with more fields than the header makes the stream decline; the figures agree."""
    (path,), _ = write_export(dataset, "es003", tmp_path / "x.csv")
    text = path.read_text().splitlines()
    text[40] += ",surplus"
    path.write_text("\n".join(text) + "\n")
    export = stream.streamed_export([path], load_rules(), AS_OF, chunk_rows=50, min_bytes=0)
    assert export is None


def test_open_quote_falls_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A quote that never closes: no record end for many blocks, the stream declines (no
    quadratic search through the rest of the file)."""
    path = tmp_path / "x.csv"
    rows = ["Entry Summary Number,Entry Summary Line Number,HTS Number,Duty"]
    rows += ['ABC-1234567-8,1,"8471.30.0100,1.00'] + ["ABC-1234567-8,2,8471.30.0100,1.00"] * 2000
    path.write_text("\n".join(rows) + "\n")
    monkeypatch.setattr(stream, "BLOCK_BYTES", 256)
    with pytest.raises(read.NotBlockwise):
        list(read.record_blocks(path, 256))


def test_cells_read_by_the_parsing_thread(
    dataset, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Money and entry numbers are read as each block is parsed: Excel text wrappers, a third
    decimal (rounded, and counted), FREE, a money cell that is not money (the line rejected),
    entry numbers written without dashes or in lower case: the very lines, set-aside and
    rejected rows and notices of the whole-file reading, in blocks of any size."""
    (path,), _ = write_export(dataset, "es003", tmp_path / "x.csv")
    df = pl.read_csv(path, infer_schema=False)
    duty = next(c for c in df.columns if c == "Line Tariff Duty Amount")
    entry = next(c for c in df.columns if c == "Entry Summary Number")
    n = df.height
    odd_duty = pl.Series([None, '="12.50"', "1.005", "FREE", "N/A"] * n).head(n)
    keep = pl.int_range(n) % 5 == 0
    df = df.with_columns(
        pl.when(keep).then(pl.col(duty)).otherwise(odd_duty).alias(duty),
        # some rows of some entries spelled otherwise (the same entry number)
        pl.when(pl.int_range(n) % 7 == 3)
        .then(pl.col(entry).str.replace_all("-", "").str.to_lowercase())
        .otherwise(pl.col(entry))
        .alias(entry),
    )
    df.write_csv(path)
    rules = load_rules()
    one = load_export([path], rules, context=False)
    for block_bytes in (512, 1 << 20):
        monkeypatch.setattr(stream, "BLOCK_BYTES", block_bytes)
        got = stream.streamed_export([path], rules, AS_OF, chunk_rows=90, min_bytes=0)
        assert got is not None  # really streamed
        lines = classify(one.lines, rules, AS_OF, has_liquidation=one.has_liquidation)
        assert summarise(got.lines, AS_OF, got).to_json() == summarise(lines, AS_OF, one).to_json()
        assert got.rejected.sort("source_row").equals(one.rejected.sort("source_row"))
        assert got.set_aside.sort("source_row").equals(one.set_aside.sort("source_row"))
        assert got.notices == one.notices
        assert got.rejected.height > 0 and any("rounded" in str(x) for x in got.notices)


@pytest.mark.parametrize("block_bytes", [7, 64, 1 << 20])
def test_line_ends_checked_block_by_block(
    dataset, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, block_bytes: int
) -> None:
    """The scan sniffs only the first bytes for line ends and looks at the rest as it reads:
    CR LF files stream (a CR LF cut between two reads is no lone CR); a lone CR deep in the
    file makes it decline, and the whole-file reading gives the figures."""
    (path,), _ = write_export(dataset, "es003", tmp_path / "x.csv")
    monkeypatch.setattr(stream, "BLOCK_BYTES", block_bytes)
    text = path.read_bytes()
    crlf = tmp_path / "crlf.csv"
    crlf.write_bytes(text.replace(b"\n", b"\r\n"))
    got = stream.streamed_export([crlf], load_rules(), AS_OF, chunk_rows=90, min_bytes=0)
    assert got is not None and summarise(got.lines, AS_OF, got).to_json() == whole(crlf)
    lone = tmp_path / "lone.csv"
    cut = text.index(b"\n", len(text) * 3 // 4)
    lone.write_bytes(text[:cut] + b"\r" + text[cut + 1 :])  # one row ends in a lone CR
    assert stream.streamed_export([lone], load_rules(), AS_OF, chunk_rows=90, min_bytes=0) is None
    lone.write_bytes(text.rstrip(b"\n") + b"\r")  # the last row ends in one
    assert stream.streamed_export([lone], load_rules(), AS_OF, chunk_rows=90, min_bytes=0) is None


@pytest.mark.parametrize(
    ("cells", "start"),
    [
        (["ABC-1234567-8", "ABC-1234567-8", "ABC-7654321-0"], 2),  # two canonical numbers
        (["ABC-1234567-8", "ABC12345678", "abc-1234567-8"], 0),  # one entry, three spellings
        (["ABC-1234567-8", "XYZ-7654321-0", "XYZ 7654321 0"], 1),  # respelt after the start
        (["ABC-1234567-8\n", "ABC-1234567-8"], 0),  # a line end in the cell: not canonical
        (["ABC-1234567-8", None, "ABC-7654321-0"], 2),  # a blank cell joins no entry
    ],
)
def test_last_entry_start_tells_entries_from_spellings(cells: list[str | None], start: int) -> None:
    assert stream._last_entry_start(pl.Series(cells, dtype=pl.String)) == start
