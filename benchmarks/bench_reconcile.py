"""Benchmark: reconcile 1,000,000 ITRAC lines against 100,000 AP rows (target ≤ 1 s).

Run: PYTHONPATH=src python benchmarks/bench_reconcile.py [--lines N] [--ap-rows N]
Times reading the AP CSV, the ITRAC roll-up + comparison, and both together (the ITRAC scan
itself is not timed: `lines` is built in memory, as the loader would hand it over)."""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl

from itrac_tui.core.ap import read_ap
from itrac_tui.core.reconcile import reconcile


def entry_numbers(seq: pl.Expr) -> pl.Expr:
    """Synthetic entry numbers ABC-NNNNNNN-0 (check digit not checked by reconcile)."""
    return pl.concat_str([pl.lit("ABC-"), seq.cast(pl.String).str.pad_start(7, "0"), pl.lit("-0")])


def build_lines(n_lines: int, n_entries: int, seed: int = 1) -> pl.DataFrame:
    """A classified-lines-like frame: entry number, line number, duty columns, some context."""
    rng = np.random.default_rng(seed)
    entry_idx = np.sort(rng.integers(0, n_entries, n_lines))
    return pl.DataFrame(
        {
            "line_id": np.arange(n_lines, dtype=np.uint32),
            "entry_idx": entry_idx,
            "total_duty_cents": rng.integers(0, 5_000_000, n_lines),
            "ieepa_duty_cents": rng.integers(-1000, 2_000_000, n_lines),
        }
    ).with_columns(
        entry_number=entry_numbers(pl.col("entry_idx")),
        line_no=pl.int_range(pl.len()).over("entry_idx") + 1,
        pathway=pl.lit("cape_phase1"),
    )


def write_ap(lines: pl.DataFrame, n_rows: int, path: Path, seed: int = 2) -> None:
    """An AP CSV: most entries exact, some split in two, some off by cents, some unknown."""
    rng = np.random.default_rng(seed)
    per_entry = lines.group_by("entry_idx").agg(pl.col("total_duty_cents").sum()).sort("entry_idx")
    n = min(n_rows, per_entry.height)
    sample = per_entry.sample(n=n, seed=seed).sort("entry_idx")
    off = rng.choice([0, 0, 0, 0, 0, 0, 0, 0, 1, -7], n)
    ap = sample.with_columns(
        amount=pl.col("total_duty_cents") + pl.Series(off),
        entry=entry_numbers(pl.col("entry_idx")).str.replace_all("-", ""),
    )
    dollars = (pl.col("amount") // 100).cast(pl.String)
    cents = (pl.col("amount") % 100).cast(pl.String).str.pad_start(2, "0")
    ap.select(
        pl.concat_str([pl.lit("INV-"), pl.col("entry_idx").cast(pl.String)]).alias("Invoice No"),
        pl.col("entry").alias("Entry Number"),
        pl.concat_str([pl.lit("$"), dollars, pl.lit("."), cents]).alias("Duty Paid"),
        pl.lit("Broker A").alias("Vendor"),
    ).write_csv(path)


def main() -> None:
    """Build the inputs, time the stages, print the numbers."""
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--lines", type=int, default=1_000_000)
    p.add_argument("--ap-rows", type=int, default=100_000)
    p.add_argument("--repeat", type=int, default=3)
    a = p.parse_args()
    lines = build_lines(a.lines, n_entries=int(a.ap_rows * 1.05))
    with tempfile.TemporaryDirectory() as tmp:
        ap_path = Path(tmp) / "ap.csv"
        write_ap(lines, a.ap_rows, ap_path)
        best_read = best_cmp = best_all = float("inf")
        for _ in range(a.repeat):
            t0 = time.perf_counter()
            ap = read_ap(ap_path)
            t1 = time.perf_counter()
            rec = reconcile(lines, ap)
            t2 = time.perf_counter()
            best_read = min(best_read, t1 - t0)
            best_cmp = min(best_cmp, t2 - t1)
            best_all = min(best_all, t2 - t0)
    print(
        f"ITRAC lines: {lines.height:,}; AP rows: {ap.rows.height:,}; entries: "
        f"{rec.entries.height:,}"
    )
    print(f"counts: {rec.counts}")
    print(f"read_ap:   {best_read:.3f} s")
    print(f"reconcile: {best_cmp:.3f} s")
    print(f"total:     {best_all:.3f} s (target ≤ 1.000 s) {'OK' if best_all <= 1.0 else 'SLOW'}")


if __name__ == "__main__":
    main()
