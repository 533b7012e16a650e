"""The streamed scan (core.stream) gives exactly the whole-file reading's summary."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest

from benchmarks.generate import JunkSpec, generate_dataset, write_export
from itrac_tui.core import stream
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
