"""Benchmark the commands that only count, on a big CSV export: `export --cape-declaration
--protest-worklist` and `reconcile --json --output` against `scan --json` of the same file.

    python benchmarks/bench_counted.py                  # the cached 1M-row `$1,234.56` export
    python benchmarks/bench_counted.py --file export.csv --repeat 5

All three read only the classified line columns, streamed over the decision columns for a
big single file (core.stream), so their peaks should be close to the scan's. Each command runs
in a fresh process, interleaved; the report gives median wall and CPU seconds (user + system)
and the peak RSS (wait4's ru_maxrss). The AP file for reconcile (one row per entry for 120,000
of the export's entries, amounts at random) is generated once and cached in benchmarks/out/.
Timings on a shared machine are noisy: read the CPU seconds and the peaks.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE.parent) not in sys.path:
    sys.path.insert(0, str(HERE.parent))

from benchmarks.bench_scan import OUT, run_child  # noqa: E402

AS_OF = "2026-11-22"


def ensure_ap(export: Path, entries: int = 120_000, seed: int = 1) -> Path:
    """An AP CSV (Entry Number, Duty Paid as `$1,234.56`, Invoice No) for `entries` entries."""
    import numpy as np
    import polars as pl

    out = OUT / f"ap_{export.stem}_{entries}.csv"
    if out.exists() and out.stat().st_mtime >= export.stat().st_mtime:
        return out
    header = pl.read_csv(export, n_rows=0).columns
    entry = next(h for h in header if h.strip().lower() == "entry summary number")
    numbers = (
        pl.scan_csv(export, infer_schema=False)
        .select(pl.col(entry).unique(maintain_order=True))
        .head(entries)
        .collect()
        .to_series()
    )
    cents = np.random.default_rng(seed).integers(0, 5_000_000, numbers.len())
    dollars = pl.Series(cents // 100).cast(pl.String)
    pennies = pl.Series(cents % 100).cast(pl.String).str.pad_start(2, "0")
    pl.DataFrame(
        {
            "Entry Number": numbers,
            "Duty Paid": "$" + dollars + "." + pennies,
            "Invoice No": [f"INV-{i}" for i in range(numbers.len())],
        }
    ).write_csv(out)
    return out


def main() -> int:
    """Run the three commands interleaved and print the report."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--file", type=Path, default=OUT / "es003_1000000_dollar.csv")
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    if not a.file.exists():
        raise SystemExit(f"{a.file}: not found (python benchmarks/bench_scan.py makes it)")
    ap_file = ensure_ap(a.file)
    base = [sys.executable, "-m", "itrac_tui"]
    stats: dict[str, tuple[list[float], list[float], list[float]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        cmds = {
            "scan --json": [*base, "scan", "--json", "--as-of", AS_OF, str(a.file)],
            "export (CAPE + protest)": [
                *base,
                "export",
                "--as-of",
                AS_OF,
                str(a.file),
                "--cape-declaration",
                f"{tmp}/cape",
                "--protest-worklist",
                f"{tmp}/protest.csv",
                "--force",
            ],
            "reconcile --json": [
                *base,
                "reconcile",
                "--as-of",
                AS_OF,
                "--json",
                str(a.file),
                "--ap",
                str(ap_file),
                "--output",
                f"{tmp}/rec.csv",
                "--force",
            ],
        }
        for _ in range(a.repeat):
            for name, cmd in cmds.items():
                wall, cpu, peak, _out = run_child(cmd)
                walls, cpus, peaks = stats.setdefault(name, ([], [], []))
                walls.append(wall)
                cpus.append(cpu)
                peaks.append(peak)
    print(f"{a.file.name}: median of {a.repeat}, AP {ap_file.name}")
    for name, (walls, cpus, peaks) in stats.items():
        print(
            f"  {name:<24} {statistics.median(walls):6.2f} s wall "
            f"{statistics.median(cpus):6.2f} s CPU  peak {max(peaks):5.2f} GB"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
