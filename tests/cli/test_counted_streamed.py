"""`export` (CAPE declaration, protest worklist) and `reconcile` stream a big export over the
decision columns (commands.common.counted_from_args): the same files, bytes and figures as the
whole-file reading. A small file is forced down the streamed path with tiny chunks."""

from __future__ import annotations

import functools
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from benchmarks.generate import JunkSpec, generate_dataset, write_export
from itrac_tui.cli import main
from itrac_tui.commands import common
from itrac_tui.core import stream
from itrac_tui.core.classify import classify
from itrac_tui.core.load import load_export
from itrac_tui.core.rules import load_rules

AS_OF = "2026-11-22"


@pytest.fixture(scope="module")
def export_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("counted")
    ds = generate_dataset(700, seed=5, as_of=date.fromisoformat(AS_OF))
    (path,), _ = write_export(ds, "es003", folder / "es003.csv", junk=JunkSpec())
    return path


def _force_streaming(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Force the streamed reading (any size, chunks of 37 rows); records whether it streamed."""
    real = functools.partial(stream.streamed_export, min_bytes=0, chunk_rows=37)
    took: list[bool] = []

    def forced(*args: object, **kw: object) -> object:
        out = real(*args, **kw)  # type: ignore[arg-type]
        took.append(out is not None)
        return out

    monkeypatch.setattr(common, "streamed_export", forced)
    return took


def _run(capsys: pytest.CaptureFixture[str], folder: Path, argv: list[str]) -> tuple[int, str]:
    code = main([a.replace("{out}", str(folder)) for a in argv])
    out, err = capsys.readouterr()
    return code, (out + err).replace(str(folder), "{out}")


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*.csv"))}


def _both(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    argv: list[str],
) -> None:
    whole = _run(capsys, tmp_path / "whole", argv)
    took = _force_streaming(monkeypatch)
    chunked = _run(capsys, tmp_path / "streamed", argv)
    assert took == [True]  # really streamed
    assert chunked == whole and whole[0] == 0
    assert _files(tmp_path / "streamed") == _files(tmp_path / "whole")
    assert _files(tmp_path / "whole")  # something was written


@pytest.mark.parametrize(
    "extra",
    [
        [],
        ["--by-filer"],
        ["--country", "CN,MX", "--pathway", "cape_phase1,protest"],
        ["--reason", "unliquidated", "--warnings-only"],
    ],
)
def test_export_declaration_and_worklist_streamed_equal_whole_file(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    export_csv: Path,
    extra: list[str],
) -> None:
    (tmp_path / "whole").mkdir()
    (tmp_path / "streamed").mkdir()
    argv = ["export", "--as-of", AS_OF, str(export_csv), *extra]
    argv += ["--cape-declaration", "{out}/cape", "--protest-worklist", "{out}/protest.csv"]
    _both(capsys, monkeypatch, tmp_path, argv)


def _ap_csv(export_csv: Path, path: Path) -> Path:
    rules = load_rules()
    export = load_export([export_csv], rules, context=False)
    per_entry = (
        export.lines.group_by("entry_number", maintain_order=True)
        .agg(pl.col("total_duty_cents").sum())
        .head(150)
    )
    off = pl.int_range(pl.len()) % 7 == 0  # some off by a cent, some entries missing in AP
    ap = per_entry.with_columns(
        pl.when(off).then(pl.col("total_duty_cents") + 1).otherwise(pl.col("total_duty_cents"))
    ).filter(pl.int_range(pl.len()) % 11 != 0)
    ap.select(
        pl.col("entry_number").alias("Entry Number"),
        (pl.col("total_duty_cents") / 100).round(2).cast(pl.String).alias("Duty Paid"),
        pl.concat_str(pl.lit("INV-"), pl.int_range(pl.len()).cast(pl.String)).alias("Invoice"),
    ).write_csv(path)
    return path


@pytest.mark.parametrize("measure", ["total_duty", "ieepa_duty"])
@pytest.mark.parametrize("as_json", [True, False])
def test_reconcile_streamed_equals_whole_file(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    export_csv: Path,
    measure: str,
    as_json: bool,
) -> None:
    ap = _ap_csv(export_csv, tmp_path / "ap.csv")
    (tmp_path / "whole").mkdir()
    (tmp_path / "streamed").mkdir()
    argv = ["reconcile", "--as-of", AS_OF, str(export_csv), "--ap", str(ap)]
    argv += ["--measure", measure, "--output", "{out}/rec.csv", *(["--json"] if as_json else [])]
    _both(capsys, monkeypatch, tmp_path, argv)


def test_counted_lines_equal_the_whole_file_lines(
    monkeypatch: pytest.MonkeyPatch, export_csv: Path
) -> None:
    """Every kept column: the same values and types, line by line."""
    import argparse

    streamed = _force_streaming(monkeypatch)
    args = argparse.Namespace(files=[str(export_csv)], as_of=date.fromisoformat(AS_OF))
    loaded = common.counted_from_args(args)
    assert streamed == [True]
    rules = load_rules()
    export = load_export([export_csv], rules, context=False)
    whole = classify(export.lines, rules, loaded.as_of, has_liquidation=export.has_liquidation)
    assert set(loaded.lines.columns) == set(whole.columns)
    assert loaded.lines.select(whole.columns).equals(whole)
    assert loaded.export.rows_read == export.rows_read
    assert loaded.export.rejected.equals(export.rejected)
    assert loaded.export.notices == export.notices


def test_export_leaving_out_submitted_entries_streamed_equals_whole_file(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    export_csv: Path,
) -> None:
    prev = tmp_path / "prev"
    code, _ = _run(capsys, prev, ["export", "--as-of", AS_OF, str(export_csv), "--by-filer",
                                  "--cape-declaration", "{out}/cape"])  # fmt: skip
    assert code == 0
    submitted = sorted((prev / "cape").glob("cape_declaration_*.csv"))[0]
    (tmp_path / "whole").mkdir()
    (tmp_path / "streamed").mkdir()
    argv = ["export", "--as-of", AS_OF, str(export_csv), "--exclude-submitted", str(submitted)]
    argv += ["--cape-declaration", "{out}/cape", "--protest-worklist", "{out}/protest.csv"]
    _both(capsys, monkeypatch, tmp_path, argv)
    assert ",declared," in (tmp_path / "whole" / "cape" / "excluded.csv").read_text()
