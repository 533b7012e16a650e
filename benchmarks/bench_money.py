"""Benchmark the money parser alone: core.money.with_money over the money columns of an export.

    python benchmarks/bench_money.py FILE [--repeat 3]

Reads the money columns of FILE as text (Entered Value, duty, IEEPA duty: whichever exist) and
times with_money over each, reporting the median seconds and cells per second. Compare two
checkouts by running it with each one's `src` on PYTHONPATH.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import polars as pl

MONEY_HEADERS = ("Entered Value", "Est. Duty", "Line Tariff Duty Amount", "IEEPA Duty Paid")


def main() -> int:
    """Time the parser and print one line per column and a total."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("file", type=Path)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    from itrac_tui.core.normalise import with_money

    header = pl.read_csv(a.file, n_rows=0).columns
    cols = [h for h in MONEY_HEADERS if h in header]
    df = pl.read_csv(a.file, columns=cols, infer_schema=False)
    total = 0.0
    for col in cols:
        times = []
        for _ in range(a.repeat):
            start = time.perf_counter()
            with_money(df.select(col), col, "c", "bad")
            times.append(time.perf_counter() - start)
        med = statistics.median(times)
        total += med
        print(f"{col:<24} {med:6.3f} s  ({df.height / med / 1e6:.1f} M cells/s)")
    print(f"{'all money columns':<24} {total:6.3f} s  ({df.height:,} rows)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
