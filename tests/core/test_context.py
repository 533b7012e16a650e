"""A lazily loaded export (load_export(lazy_context=True) + core.context) equals the eager one."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from benchmarks.generate import JunkSpec, generate_dataset, write_export
from itrac_tui.core.context import (
    completed,
    lazily_readable,
    read_line_context,
    read_source_rows,
)
from itrac_tui.core.load import load_export
from itrac_tui.core.model import Export
from itrac_tui.core.read import sniff
from itrac_tui.core.rules import load_rules

DATA = Path(__file__).resolve().parents[1] / "data"
EXTERNAL = Path(__file__).resolve().parents[3] / "shared" / "fixtures" / "external"


def _as_text(frame: pl.DataFrame) -> pl.DataFrame:
    cats = [c for c, t in frame.schema.items() if t == pl.Categorical]
    return frame.with_columns(pl.col(cats).cast(pl.String))


def assert_same(paths: list[Path]) -> Export:
    """Eager and lazy readings give the same frames; returns the lazy export."""
    rules = load_rules()
    eager = load_export(paths, rules)
    lazy = load_export(paths, rules, lazy_context=True)
    assert lazy.components.equals(eager.components)
    assert lazy.notices == eager.notices
    assert lazy.rows_read == eager.rows_read
    full = completed(lazy)
    assert _as_text(full.lines).equals(eager.lines)
    assert full.set_aside.equals(eager.set_aside)
    assert full.rejected.equals(eager.rejected)
    assert read_source_rows(lazy, lazy.rows).equals(eager.rows)
    if lazy.rows.height == 0:
        return lazy
    one = lazy.rows.filter(pl.col("line_id") == lazy.rows.item(-1, "line_id"))
    assert read_source_rows(lazy, one).equals(
        eager.rows.filter(pl.col("line_id") == one.item(0, 0))
    )
    return lazy


def _files() -> list[Path]:
    found = [DATA / "worked_example.csv", *sorted((DATA / "layouts").glob("*.csv"))]
    found.append(DATA / "export" / "itrac_hostile.csv")
    return found


@pytest.mark.parametrize("path", _files(), ids=lambda p: p.name)
def test_lazy_equals_eager(path: Path) -> None:
    """Every layout, the hostile export: the same lines, rows, set-aside and rejected rows."""
    lazy = assert_same([path])
    assert lazy.is_lazy == lazily_readable(sniff(path))  # a cp1252 legacy file is read whole
    if lazy.is_lazy:
        ctx = read_line_context(lazy)
        assert ctx.height == lazy.lines.height
        assert all(t in (pl.Categorical, pl.String) for t in ctx.schema.values())


@pytest.mark.parametrize("stem", ["legacy", "legacy_ch99_first"])
def test_legacy_parts(stem: str) -> None:
    """The legacy layouts' two parts together."""
    assert_same([DATA / "layouts" / f"{stem}_part{k}.csv" for k in (1, 2)])


def test_parts_with_different_columns(tmp_path: Path) -> None:
    """Two parts whose columns differ in order and number: each line's cells from its part."""
    rows = (DATA / "worked_example.csv").read_text().splitlines()
    header = rows[0].split(",")
    first = tmp_path / "part1.csv"
    first.write_text("\n".join(rows[:3]) + "\n")
    df = pl.read_csv(DATA / "worked_example.csv", infer_schema=False).slice(2)
    second = tmp_path / "part2.csv"
    df.select(list(reversed(header))).with_columns(pl.lit("x").alias("Note")).write_csv(second)
    lazy = assert_same([first, second])
    assert "Note" in lazy.lazy_columns


@pytest.mark.parametrize("junk", [False, True])
def test_generated_export(tmp_path: Path, junk: bool) -> None:
    """A generated ES-003 export with and without junk rows (set aside, rejected)."""
    dataset = generate_dataset(300, seed=5)
    (path,), _ = write_export(
        dataset, "es003", tmp_path / "x.csv", junk=JunkSpec() if junk else None
    )
    lazy = assert_same([path])
    assert lazy.is_lazy


def test_cp1252_is_read_whole(tmp_path: Path) -> None:
    """A file that is not UTF-8 is read whole (its rows cannot be read back as they were)."""
    text = (DATA / "worked_example.csv").read_text().replace("CN", "CN", 1)
    path = tmp_path / "cp.csv"
    path.write_bytes(text.replace("Liq Status", "Liq Status é").encode("cp1252"))
    lazy = assert_same([path])
    assert not lazy.is_lazy


def test_late_cp1252_byte(tmp_path: Path) -> None:
    """A cp1252 byte far past the sniffed sample: the cells are still read back."""
    rows = (DATA / "worked_example.csv").read_text().splitlines()
    header, body = rows[0] + ",Note", [r + ",ok" for r in rows[1:]]
    pad = [f"ABC-{1000000 + i:07d}-0" + "," * 8 + ",pad" for i in range(3000)]
    data = "\n".join([header, *body, *pad]).encode() + b"\n"
    path = tmp_path / "late.csv"
    path.write_bytes(data[: len(data) - 5] + b"\xe9d\n")
    assert_same([path])


def test_ragged_rows_are_read_whole(tmp_path: Path) -> None:
    """Rows longer than the header: read whole, as before."""
    rows = (DATA / "worked_example.csv").read_text().splitlines()
    path = tmp_path / "ragged.csv"
    path.write_text("\n".join([*rows[:2], rows[2] + ",extra", *rows[3:]]) + "\n")
    lazy = assert_same([path])
    assert not lazy.is_lazy


@pytest.mark.skipif(not EXTERNAL.is_dir(), reason="external fixtures absent")
def test_external_fixtures() -> None:
    """The real-world exports: lazy equals eager wherever they load."""
    from itrac_tui.core.errors import InputError

    checked = 0
    for path in sorted(EXTERNAL.glob("*/*.csv")):
        try:
            load_export([path], load_rules())
        except InputError:
            continue
        assert_same([path])
        checked += 1
    assert checked


@pytest.mark.parametrize("junk", [False, True])
@pytest.mark.parametrize("chunk_rows", [1, 37])
def test_chunked_assembly_equals_one_assembly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, junk: bool, chunk_rows: int
) -> None:
    """A big file assembled in entry-aligned chunks: the very frames of one assembly."""
    from itrac_tui.core import load, stream

    dataset = generate_dataset(200, seed=7)
    (path,), _ = write_export(
        dataset, "es003", tmp_path / "x.csv", junk=JunkSpec() if junk else None
    )
    rules = load_rules()
    one = load_export([path], rules, lazy_context=True, chunked_min_bytes=1 << 62)
    monkeypatch.setattr(stream, "CHUNK_ROWS", chunk_rows)
    calls: list[int] = []
    real = load._assembled_in_chunks

    def spy(*args: object, **kwargs: object) -> object:
        got = real(*args, **kwargs)  # type: ignore[arg-type]
        calls.append(got is not None)
        return got

    monkeypatch.setattr(load, "_assembled_in_chunks", spy)
    chunked = load_export([path], rules, lazy_context=True, chunked_min_bytes=0)
    assert calls == [True]  # really chunked
    for name in ("lines", "components", "rows", "set_aside", "rejected", "context_rows"):
        assert getattr(chunked, name).equals(getattr(one, name)), name
    assert chunked.notices == one.notices and chunked.rows_read == one.rows_read
    assert _as_text(completed(chunked).lines).equals(load_export([path], rules).lines)


def test_chunked_falls_back_without_line_numbers(tmp_path: Path) -> None:
    """No line-number column: the whole file is assembled at once (orientation is global)."""
    lazy = assert_same([DATA / "layouts" / "es003_ch99_first_no_line_number.csv"])
    chunked = load_export(
        [DATA / "layouts" / "es003_ch99_first_no_line_number.csv"],
        load_rules(),
        lazy_context=True,
        chunked_min_bytes=0,
    )
    assert chunked.lines.equals(lazy.lines)


def test_a_changed_file_is_not_read_back(tmp_path: Path) -> None:
    """The file changed after the load: one clear error, never another file's cells."""
    import os

    from itrac_tui.core.errors import InputError

    path = tmp_path / "x.csv"
    path.write_bytes((DATA / "worked_example.csv").read_bytes())
    lazy = load_export([path], load_rules(), lazy_context=True)
    path.write_bytes(path.read_bytes() + b"\n")
    os.utime(path, ns=(1, 1))
    with pytest.raises(InputError, match="changed since it was loaded"):
        read_line_context(lazy)
    path.unlink()
    with pytest.raises(InputError, match="cannot read"):
        read_source_rows(lazy, lazy.rows)
