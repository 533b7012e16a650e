"""Benchmark `itrac-tui scan --json` of an XLSX export against `pl.read_excel` of the same sheet.

    python benchmarks/bench_xlsx.py                     # 150,000 rows, median of 5
    python benchmarks/bench_xlsx.py --rows 100000 --repeat 3
    python benchmarks/bench_xlsx.py --file export.xlsx  # an existing ES-003 workbook

It generates (once, cached under benchmarks/out/) an ES-003 export as XLSX (sheet "Main
Report", money as numbers, dates as Excel dates) with the project's generator and its oracle,
and the same export as CSV. Then, each in a fresh process and interleaved, it runs

- `itrac-tui scan --json FILE.xlsx`;
- `pl.read_excel(FILE.xlsx, sheet_name="Main Report")`: only reading the sheet (polars'
  default engine, calamine through fastexcel), the target is scan <= 1.1x its wall time;
- `itrac-tui scan --json FILE.csv`, the same data as CSV (for comparison);

and reports median wall times, CPU seconds (user + system) and peak RSS (wait4's ru_maxrss).
The XLSX scan's figures are checked against the oracle and against the CSV scan. Timings on a
shared machine are noisy: read the ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
OUT = HERE / "out"
SRC = REPO / "src"
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks.bench_scan import run_child  # noqa: E402

SHEET = "Main Report"
READ_EXCEL = (
    "import sys, polars as pl\n"
    "df = pl.read_excel(sys.argv[1], sheet_name=sys.argv[2])\n"
    "print(df.height)\n"
)


def ensure_exports(rows: int, seed: int) -> tuple[Path, Path, Path]:
    """The cached XLSX export, the same export as CSV, and the oracle JSON."""
    OUT.mkdir(exist_ok=True)
    xlsx = OUT / f"es003_{rows}.xlsx"
    csv = OUT / f"es003_{rows}_xlsxdata.csv"
    expected = OUT / f"es003_{rows}_xlsx.expected.json"
    gen_time = (HERE / "generate.py").stat().st_mtime
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    for layout, path, oracle in (("xlsx", xlsx, expected), ("es003", csv, None)):
        if path.exists() and path.stat().st_mtime >= gen_time:
            continue
        gen = [sys.executable, str(HERE / "generate.py"), "--rows", str(rows)]
        gen += ["--layout", layout, "--out", str(path), "--seed", str(seed)]
        if oracle is not None:
            gen += ["--expected", str(oracle)]
        subprocess.run(gen, check=True, env=env)
    return xlsx, csv, expected


def bench(xlsx: Path, csv: Path | None, oracle: dict | None, repeat: int, as_of: str) -> dict:
    """Time the three commands interleaved; check the figures."""
    scan = [sys.executable, "-m", "itrac_tui", "scan", "--json", "--as-of", as_of]
    cmds = {
        "scan": [*scan, str(xlsx)],
        "read_excel": [sys.executable, "-c", READ_EXCEL, str(xlsx), SHEET],
    }
    if csv is not None:
        cmds["scan_csv"] = [*scan, str(csv)]
    times: dict[str, list[float]] = {k: [] for k in cmds}
    cpus: dict[str, list[float]] = {k: [] for k in cmds}
    peaks: dict[str, list[float]] = {k: [] for k in cmds}
    outs: dict[str, bytes] = {}
    for _ in range(repeat):
        for name, cmd in cmds.items():
            wall, cpu, peak, out = run_child(cmd)
            times[name].append(wall)
            cpus[name].append(cpu)
            peaks[name].append(peak)
            outs[name] = out
    from benchmarks.generate import comparable

    doc = json.loads(outs["scan"])
    res: dict = {
        "file": xlsx.name,
        "mb": xlsx.stat().st_size / 1e6,
        "rows": doc["rows_read"],
        "sheet_rows": int(outs["read_excel"].split()[-1]),
        "time": {k: statistics.median(v) for k, v in times.items()},
        "cpu": {k: statistics.median(v) for k, v in cpus.items()},
        "peak": {k: max(v) for k, v in peaks.items()},
    }
    if oracle is not None:
        res["scan_equals_oracle"] = comparable(doc) == oracle
    if csv is not None:
        res["scan_equals_csv_scan"] = comparable(doc) == comparable(json.loads(outs["scan_csv"]))
    return res


def report(res: dict, repeat: int) -> str:
    """A few lines for people, and the README table row."""
    t, c, m = res["time"], res["cpu"], res["peak"]
    names = {"scan": "scan --json (xlsx)", "read_excel": "pl.read_excel", "scan_csv": "scan (csv)"}
    out = [f"{res['file']}: {res['mb']:.0f} MB, {res['rows']:,} rows, median of {repeat}"]
    for k, label in names.items():
        if k in t:
            out.append(f"  {label:<20} {t[k]:6.2f} s wall {c[k]:6.2f} s CPU  peak {m[k]:5.2f} GB")
    ratio, cpu_ratio = t["scan"] / t["read_excel"], c["scan"] / c["read_excel"]
    checks = ", ".join(f"{k}={v}" for k, v in res.items() if k.startswith("scan_equals"))
    out += [
        f"  scan / read_excel: wall {ratio:.2f}x, CPU {cpu_ratio:.2f}x, "
        f"peak {m['scan'] / m['read_excel']:.2f}x (target wall <= 1.10x)",
        f"  {checks}",
        f"| {res['rows']:,} | {t['scan']:.2f} s / {c['scan']:.2f} s CPU / {m['scan']:.2f} GB | "
        f"{t['read_excel']:.2f} s / {c['read_excel']:.2f} s CPU / {m['read_excel']:.2f} GB | "
        f"**{ratio:.2f}×** | {cpu_ratio:.2f}× |",
    ]
    return "\n".join(out)


def main() -> int:
    """Run the benchmark and print the report."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--rows", type=int, default=150_000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--file", type=Path, help="benchmark this ES-003 workbook instead")
    ap.add_argument("--as-of", default=None, help="YYYY-MM-DD (default: the oracle's)")
    a = ap.parse_args()
    if a.file:
        res = bench(a.file, None, None, a.repeat, a.as_of or "2026-11-22")
    else:
        xlsx, csv, expected = ensure_exports(a.rows, a.seed)
        oracle = json.loads(expected.read_text())
        res = bench(xlsx, csv, oracle, a.repeat, a.as_of or oracle["as_of"])
    print(report(res, a.repeat))
    return 0 if all(v for k, v in res.items() if k.startswith("scan_equals")) else 1


if __name__ == "__main__":
    sys.exit(main())
