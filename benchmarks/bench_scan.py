"""Benchmark `itrac-tui scan --json` against DuckDB's SQL and a streaming polars read.

    python benchmarks/bench_scan.py                          # 1M rows, plain and $ money
    python benchmarks/bench_scan.py --rows 5000000 --repeat 1 --money dollar
    python benchmarks/bench_scan.py --file export.csv        # an existing ES-003 CSV

Needs the `bench` extra (`pip install duckdb`). For each size it generates (once, cached under
benchmarks/out/) an ES-003 export with the project's generator and its oracle, and a copy with
the money written `$1,234.56`. Then, each in a fresh process and interleaved, it runs

- `itrac-tui scan --json`;
- one DuckDB SQL query computing the same per-pathway figures (lines, entries, IEEPA duty),
  built from the same rules file (program table, status words, days, excluded entry types);
- `pl.scan_csv(...).select(<decision columns>).collect(engine="streaming")`, the floor: reading
  the columns the math needs and nothing else;

and reports median wall times, the ratios, and the peak RSS of each process (wait4's ru_maxrss).
Both the scan's and DuckDB's figures are checked against the generator's oracle. Timings on a
shared machine are noisy: read the ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
OUT = HERE / "out"
SRC = REPO / "src"
if str(SRC) not in sys.path:
    sys.path.insert(0, str(SRC))

DECISION_FIELDS = (
    "entry_number",
    "line_number",
    "hts",
    "ch99_hts",
    "country",
    "entered_value",
    "duty",
    "ieepa_duty",
    "liquidation_status",
    "liquidation_date",
    "entry_type",
    "entry_date",
)
STREAM = (
    "import sys, json, polars as pl\n"
    "cols = json.loads(sys.argv[2])\n"
    "df = pl.scan_csv(sys.argv[1], infer_schema=False).select(cols).collect(engine='streaming')\n"
    "print(df.height)\n"
)
DUCK = (
    "import sys, json, duckdb\n"
    "rows = duckdb.sql(sys.stdin.read()).fetchall()\n"
    "out = [[r[0], r[1], r[2], r[3], str(r[4] if r[4] is not None else '0.00')] for r in rows]\n"
    "print(json.dumps(out))\n"
)
FIGURES = ("pathways", "refundable_pool", "excluded")


# --- runs -------------------------------------------------------------------------------------
def run_child(cmd: list[str], stdin: bytes | None = None) -> tuple[float, float, float, bytes]:
    """Run a command in a fresh process, reaped by wait4: wall seconds, CPU seconds (user +
    system), peak RSS in GB, stdout. Its stdin and stderr are files (no pipe to fill up)."""
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    with tempfile.TemporaryFile() as given, tempfile.TemporaryFile() as err:
        given.write(stdin or b"")
        given.seek(0)
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdin=given, stdout=subprocess.PIPE, stderr=err, env=env)
        out = proc.stdout.read() if proc.stdout else b""
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode:
            err.seek(0)
            raise SystemExit(f"failed: {' '.join(cmd[:5])} ...\n{err.read().decode()[-2000:]}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1e6, out


# --- files ------------------------------------------------------------------------------------
def ensure_export(rows: int, seed: int) -> tuple[Path, Path]:
    """The cached plain-money ES-003 export and its oracle JSON (generated on first use)."""
    OUT.mkdir(exist_ok=True)
    path = OUT / f"es003_{rows}.csv"
    expected = OUT / f"es003_{rows}.expected.json"
    gen_time = (HERE / "generate.py").stat().st_mtime
    if not expected.exists() or expected.stat().st_mtime < gen_time or not path.exists():
        gen = [sys.executable, str(HERE / "generate.py"), "--rows", str(rows), "--layout", "es003"]
        gen += ["--out", str(path), "--seed", str(seed), "--expected", str(expected)]
        subprocess.run(gen, check=True, env={**os.environ, "PYTHONPATH": str(SRC)})
    return path, expected


def ensure_dollar(plain: Path, money_headers: list[str]) -> Path:
    """A copy of `plain` with its money columns written `$1,234.56` / `-$1,234.56` (cached)."""
    out = plain.with_name(plain.stem + "_dollar.csv")
    if out.exists() and out.stat().st_mtime >= plain.stat().st_mtime:
        return out
    import polars as pl

    sys.path.insert(0, str(REPO))
    from benchmarks.generate import _money

    lf = pl.scan_csv(plain, infer_schema=False)
    cents = {h: pl.col(h).str.replace(".", "", literal=True).cast(pl.Int64) for h in money_headers}
    lf = lf.with_columns(_money(e, "dollar").alias(h) for h, e in cents.items())
    tmp = out.with_suffix(".tmp")
    lf.sink_csv(tmp)
    tmp.replace(out)
    return out


# --- the SQL ----------------------------------------------------------------------------------
def _q(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _ident(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _money_sql(col: str) -> str:
    """Money text ($1,234.56, -$1.00, ($1.00), 1234.5) to DECIMAL(18,2); blank -> NULL."""
    s = f"trim({col})"
    bare = f"replace(replace(replace(replace({s}, '$', ''), ',', ''), '(', ''), ')', '')"
    num = f"TRY_CAST(NULLIF({bare}, '') AS DECIMAL(18,2))"
    return f"CASE WHEN {s} LIKE '(%)' THEN -abs({num}) ELSE {num} END"


def _list(items: object) -> str:
    return ", ".join(_q(str(i)) for i in items) or "NULL"  # type: ignore[attr-defined]


def duckdb_sql(path: Path, mapping: dict[str, str], rules: Any, as_of: date) -> str:
    """One query: per-pathway and per-reason lines, entries and IEEPA duty of a separate-rows
    (ES-003) export with line numbers.

    Follows the rules as the scan does (docs/rules.md §5-§7, v2): lines are (entry, line
    number); a line's IEEPA duty is the duty on its IEEPA Chapter 99 rows; entry-level fields
    are the same on every row of a line; the pathway checks run in the spec's order, with the
    rules file's program table, status words, days, entry types and flag words.
    """

    def col(field: str) -> str:
        return f"NULLIF(trim({_ident(mapping[field])}), '')" if field in mapping else "NULL"

    programs = []
    for p in rules.programs:
        conds = [f"code BETWEEN {_q(lo)} AND {_q(hi)}" for lo, hi in p.ranges]
        conds += [f"code LIKE {_q(pre + '%')}" for pre in p.prefixes]
        if conds:
            programs.append(f"WHEN {' OR '.join(conds)} THEN {_q(p.id)}")
    program = f"CASE {' '.join(programs)} ELSE 'other_ch99' END".replace("code", "left(hts, 8)")
    ieepa, stacking = _list(rules.ieepa_programs()), _list(rules.stacking_programs)
    words = " ".join(f"WHEN {_q(w)} THEN {_q(c)}" for w, c in rules.status_words.items())
    status = f"CASE upper({col('liquidation_status')}) {words} ELSE {col('liquidation_status')} END"
    liq = col("liquidation_date")
    liq_date = f"try_strptime(left({liq}, 10), ['%Y-%m-%d', '%m/%d/%Y', '%Y%m%d'])::DATE"
    et = col("entry_type")
    etype = f"COALESCE(lpad(NULLIF(regexp_extract({et}, '^([0-9]{{1,2}})', 1), ''), 2, '0'), {et})"
    false_words = _list(rules.flag_false_words)

    def flag(field: str) -> str:
        return f"COALESCE(upper({col(field)}) NOT IN ({false_words}), false)"

    day = f"DATE {_q(as_of.isoformat())}"
    days = f"greatest({day} - liq_date, 0)"
    accepted = rules.recon_accepted_from
    recon = "recon"
    if accepted is not None and as_of >= accepted:
        recon = (
            f"recon AND NOT COALESCE(etype IN ({_list(rules.recon_accepted_entry_types)}), false)"
        )
    suspended = _q(rules.suspended_pathway)
    has_liq = "liquidation_status" in mapping or "liquidation_date" in mapping
    # (condition, pathway, reason), first that holds
    checks = [
        ("NOT has_ieepa", "'not_ieepa'", "not_ieepa"),
        ("ieepa_duty = 0 AND blank_ieepa", "'review'", "blank_ieepa_duty"),
        ("ieepa_duty = 0 AND has_stacking", "'stacked_zero'", "stacked_zero"),
        ("ieepa_duty = 0", "'zero_duty'", "zero_duty"),
        (f"etype IN ({_list(rules.excluded_entry_types)})", "'review'", "entry_type"),
        ("status = 'TIB'", "'review'", "tib_status"),
        ("drawback", "'review'", "drawback"),
        ("protest_on_file", "'protest'", "protest_on_file"),
        (recon, "'hold'", "recon_flagged"),
        ("status = 'PND'", "'hold'", "adcvd_pending"),
        ("status = 'SUS'", suspended, "suspended"),
        ("status = 'EXT'", suspended, "extended"),
        ("status = 'REV'", suspended, "under_review"),
        ("status = 'UNL'", "'cape_phase1'", "unliquidated"),
        *([] if has_liq else [("true", "'review'", "no_liquidation_columns")]),
        ("liquidated AND liq_date IS NULL", "'review'", "no_liquidation_date"),
        (f"liquidated AND {days} <= {rules.phase1_days}", "'cape_phase1'", "liquidated_recently"),
        (f"liquidated AND {days} <= {rules.protest_days}", "'protest'", "protest_window"),
        ("liquidated", "'cit'", "protest_window_closed"),
    ]
    pathway = " ".join(f"WHEN COALESCE({c}, false) THEN {p}" for c, p, _ in checks)
    reason = " ".join(f"WHEN COALESCE({c}, false) THEN {_q(r)}" for c, _, r in checks)
    pstatus = f"upper({col('protest_status')})"
    return f"""
SET enable_progress_bar = false;
SET preserve_insertion_order = false;
WITH src AS (
  SELECT upper(replace(replace({col("entry_number")}, '-', ''), ' ', '')) AS entry,
         TRY_CAST({col("line_number")} AS INTEGER) AS line_no,
         replace(replace({col("hts")}, '.', ''), ' ', '') AS hts,
         {_money_sql(col("duty"))} AS duty, {status} AS status, {liq_date} AS liq_date,
         {etype} AS etype, {flag("recon_flag")} AS recon, {flag("drawback_flag")} AS drawback,
         {col("protest_number")} AS pnumber,
         COALESCE({pstatus} IN ({_list(rules.protest_closed_words)}), false) AS pclosed
  FROM read_csv({_q(str(path))}, all_varchar = true, header = true)
),
tagged AS (
  SELECT *, CASE WHEN (hts LIKE '9903%' OR hts LIKE '9902%') AND length(hts) BETWEEN 8 AND 10
                 THEN {program} END AS program
  FROM src
),
lines AS (
  SELECT entry,
         COALESCE(bool_or(program IN ({ieepa})), false) AS has_ieepa,
         COALESCE(bool_or(program IN ({stacking})), false) AS has_stacking,
         COALESCE(sum(duty) FILTER (WHERE program IN ({ieepa})), 0) AS ieepa_duty,
         COALESCE(bool_or(program IN ({ieepa}) AND duty IS NULL), false) AS blank_ieepa,
         any_value(status) AS status, any_value(liq_date) AS liq_date,
         any_value(status) IN ('LIQ', 'RLQ', 'FIN') AS liquidated,
         any_value(etype) AS etype, bool_or(recon) AS recon, bool_or(drawback) AS drawback,
         any_value(pnumber) IS NOT NULL AND NOT bool_or(pclosed) AS protest_on_file
  FROM tagged GROUP BY entry, line_no
),
classified AS (
  SELECT entry, ieepa_duty, CASE {pathway} ELSE 'review' END AS pathway,
         CASE {reason} ELSE 'unknown_status' END AS reason
  FROM lines
)
SELECT pathway, reason, count(*), count(DISTINCT entry), sum(ieepa_duty)
FROM classified GROUP BY GROUPING SETS ((pathway), (pathway, reason))
"""


def duck_figures(rows: list[list]) -> dict:
    """DuckDB's result rows as the figure keys of `scan --json`."""
    from decimal import Decimal

    from itrac_tui.core.model import EXCLUDED_PATHWAYS, POOL_PATHWAYS

    got: dict[str, tuple[int, int, Decimal, dict[str, int]]] = {}
    for path, reason, n, entries, duty in rows:
        if reason is None:
            got[path] = (n, entries, Decimal(duty), got.get(path, (0, 0, 0, {}))[3])
    for path, reason, n, _, _ in rows:
        if reason is not None:
            got[path][3][reason] = n
    zero = (0, 0, Decimal("0.00"), {})
    pathways = {
        p: {
            "lines": got.get(p, zero)[0],
            "entries": got.get(p, zero)[1],
            "ieepa_duty": f"{got.get(p, zero)[2]:.2f}",
            "reasons": got.get(p, zero)[3],
        }
        for p in POOL_PATHWAYS
    }
    pool = sum((got.get(p, zero)[2] for p in POOL_PATHWAYS), Decimal("0.00"))
    excluded = {p: {"lines": got.get(p, zero)[0]} for p in EXCLUDED_PATHWAYS}
    return {"pathways": pathways, "refundable_pool": f"{pool:.2f}", "excluded": excluded}


# --- one size ---------------------------------------------------------------------------------
def bench_file(path: Path, oracle: dict | None, repeat: int, as_of: date) -> dict:
    """Time scan, DuckDB and the streaming read on one file; check the figures."""
    from itrac_tui.core.load import inspect_file
    from itrac_tui.core.rules import load_rules

    rules = load_rules()
    match = inspect_file(path, rules)
    decision = sorted({match.mapping[f] for f in DECISION_FIELDS if f in match.mapping})
    sql = duckdb_sql(path, match.mapping, rules, as_of).encode()
    scan_cmd = [sys.executable, "-m", "itrac_tui", "scan", "--json", "--as-of", as_of.isoformat()]
    cmds = {
        "scan": ([*scan_cmd, str(path)], None),
        "duckdb": ([sys.executable, "-c", DUCK], sql),
        "stream": ([sys.executable, "-c", STREAM, str(path), json.dumps(decision)], None),
    }
    times: dict[str, list[float]] = {k: [] for k in cmds}
    cpus: dict[str, list[float]] = {k: [] for k in cmds}
    peaks: dict[str, list[float]] = {k: [] for k in cmds}
    outs: dict[str, bytes] = {}
    for _ in range(repeat):
        for name, (cmd, stdin) in cmds.items():
            wall, cpu, peak, out = run_child(cmd, stdin)
            times[name].append(wall)
            cpus[name].append(cpu)
            peaks[name].append(peak)
            outs[name] = out
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    from benchmarks.generate import comparable

    scan_doc = comparable(json.loads(outs["scan"]))  # the oracle's shape (no interest, no §10)
    duck_doc = duck_figures(json.loads(outs["duckdb"]))
    med = {k: statistics.median(v) for k, v in times.items()}
    res = {
        "file": path.name,
        "mb": path.stat().st_size / 1e6,
        "rows": scan_doc["rows_read"],
        "lines": scan_doc["lines"],
        "time": med,
        "cpu": {k: statistics.median(v) for k, v in cpus.items()},
        "peak": {k: max(v) for k, v in peaks.items()},
        "scan_equals_duckdb": all(scan_doc[k] == duck_doc[k] for k in FIGURES),
    }
    if oracle:
        res["scan_equals_oracle"] = scan_doc == oracle  # every key: rows, warnings, reasons
        res["duckdb_equals_oracle"] = all(duck_doc[k] == oracle[k] for k in FIGURES)
    return res


def report(res: dict, money: str, repeat: int) -> str:
    """A few lines for people, and the README table row."""
    t, c, m = res["time"], res["cpu"], res["peak"]
    checks = ", ".join(f"{k}={v}" for k, v in res.items() if k.endswith(("oracle", "duckdb")))
    names = {"scan": "scan --json", "duckdb": "DuckDB SQL", "stream": "polars streaming read"}
    out = [
        f"{res['file']}: {res['mb']:.0f} MB, {res['rows']:,} rows, {res['lines']:,} lines, "
        f"money {money}, median of {repeat}"
    ]
    for k, label in names.items():
        out.append(f"  {label:<22} {t[k]:6.2f} s wall {c[k]:6.2f} s CPU  peak {m[k]:5.2f} GB")
    out += [
        f"  scan / DuckDB: wall {t['scan'] / t['duckdb']:.2f}x, CPU {c['scan'] / c['duckdb']:.2f}x,"
        f" peak {m['scan'] / m['duckdb']:.2f}x;  scan / streaming read: wall "
        f"{t['scan'] / t['stream']:.2f}x",
        f"  {checks}",
        f"| {res['rows']:,} | {money} | {t['scan']:.2f} s / {m['scan']:.2f} GB | "
        f"{t['duckdb']:.2f} s / {m['duckdb']:.2f} GB | {t['stream']:.2f} s / "
        f"{m['stream']:.2f} GB | **{t['scan'] / t['duckdb']:.2f}×** | "
        f"**{m['scan'] / m['duckdb']:.2f}×** | **{t['scan'] / t['stream']:.2f}×** |",
    ]
    return "\n".join(out)


def main() -> int:
    """Run the benchmark and print a small report per size and money style."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--rows", type=int, nargs="+", default=[1_000_000])
    ap.add_argument("--money", choices=("plain", "dollar"), nargs="+", default=["plain", "dollar"])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--file", type=Path, help="benchmark this ES-003 CSV instead")
    ap.add_argument("--as-of", type=date.fromisoformat, default=None)
    a = ap.parse_args()
    ok = True
    if a.file:
        res = bench_file(a.file, None, a.repeat, a.as_of or date(2026, 11, 22))
        print(report(res, "as in the file", a.repeat))
        return 0 if res["scan_equals_duckdb"] else 1
    for rows in a.rows:
        plain, expected = ensure_export(rows, a.seed)
        oracle = json.loads(expected.read_text())
        as_of = a.as_of or date.fromisoformat(oracle["as_of"])
        for money in a.money:
            path = plain
            if money == "dollar":
                from itrac_tui.core.load import inspect_file
                from itrac_tui.core.rules import load_rules

                m = inspect_file(plain, load_rules()).mapping
                headers = [m[f] for f in ("entered_value", "duty") if f in m]
                headers += ["Line MPF Amount", "Line HMF Amount"]
                path = ensure_dollar(plain, headers)
            res = bench_file(path, oracle, a.repeat, as_of)
            print(report(res, money, a.repeat), flush=True)
            ok = ok and all(v for k, v in res.items() if k.endswith(("oracle", "duckdb")))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
