"""Benchmark `itrac-tui scan --json` against a bare polars read of the same file.

    python benchmarks/bench_scan.py [--rows 1000000] [--repeat 3] [--file PATH]

Generates (once, cached under benchmarks/out/) a realistic ES-003 export with the project's
generator, then times, each in a fresh process, `pl.read_csv(path, infer_schema=False)` and
`itrac-tui scan --json`, and reports medians, the ratio (target <= 2.0) and the scan's peak
memory (target < 2.5 GB). It also checks the scan's figures against the generator's oracle.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
BARE = "import sys, polars as pl; pl.read_csv(sys.argv[1], infer_schema=False)"


def timed(cmd: list[str]) -> tuple[float, float, bytes]:
    """Run a command; wall seconds, peak RSS in GB, stdout."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out = proc.stdout.read() if proc.stdout else b""
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        err = proc.stderr.read().decode() if proc.stderr else ""
        raise SystemExit(f"failed: {' '.join(cmd)}\n{err}")
    return wall, usage.ru_maxrss / 1e6, out


def ensure_export(rows: int, seed: int) -> tuple[Path, Path]:
    """The cached export and its oracle JSON (generated on first use)."""
    OUT.mkdir(exist_ok=True)
    path = OUT / f"es003_{rows}.csv"
    expected = OUT / f"es003_{rows}.expected.json"
    if not path.exists() or not expected.exists():
        gen = [sys.executable, str(HERE / "generate.py"), "--rows", str(rows), "--layout", "es003"]
        gen += ["--out", str(path), "--seed", str(seed), "--expected", str(expected)]
        subprocess.run(gen, check=True)
    return path, expected


def main() -> int:
    """Run the benchmark and print a small report."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--file", type=Path, help="benchmark this export instead")
    a = ap.parse_args()
    if a.file:
        path, expected = a.file, None
    else:
        path, expected = ensure_export(a.rows, a.seed)
    oracle = json.loads(expected.read_text()) if expected else None
    as_of = oracle["as_of"] if oracle else "2026-11-22"
    scan = [sys.executable, "-m", "itrac_tui.cli", "scan", "--json", "--as-of", as_of, str(path)]
    bare_t, scan_t, scan_mem = [], [], []
    doc: dict = {}
    for _ in range(a.repeat):
        bare_t.append(timed([sys.executable, "-c", BARE, str(path)])[0])
        wall, mem, out = timed(scan)
        scan_t.append(wall)
        scan_mem.append(mem)
        doc = json.loads(out)
    bare, ours = statistics.median(bare_t), statistics.median(scan_t)
    size = path.stat().st_size / 1e6
    print(f"file: {path} ({size:.0f} MB, {doc['rows_read']:,} rows, {doc['lines']:,} lines)")
    print(f"bare pl.read_csv(infer_schema=False): {bare:.2f} s (median of {a.repeat})")
    print(f"itrac-tui scan --json:               {ours:.2f} s (median of {a.repeat})")
    print(f"ratio: {ours / bare:.2f}x (target <= 2.0)   peak memory: {max(scan_mem):.2f} GB")
    if oracle:
        same = all(doc[k] == oracle[k] for k in ("pathways", "refundable_pool", "excluded"))
        print(f"figures equal the generator's oracle: {same}")
        return 0 if same else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
