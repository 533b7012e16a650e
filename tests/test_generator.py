"""Tests of the test-data generator and its oracle (benchmarks/generate.py), not of the core."""

from __future__ import annotations

import csv
import io
import re
import sys
import tomllib
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl
import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import generate as g  # noqa: E402

WORKED_AS_OF = date(2026, 4, 20)
ALPHA2 = {a3: a2 for a2, a3, _ in g.COUNTRIES}


def _norm(header: str) -> str:
    return re.sub(r"[\W_]+", "", header.lower())


def _money(text: str | None) -> int | None:
    """Cents of `1234.56`, `$1,234.56`, `-$1.00`, `($1.00)`; None when blank."""
    if not text:
        return None
    neg = text.startswith("(") or text.startswith("-")
    digits = text.strip("()-$").replace(",", "").replace("$", "")
    whole, _, frac = digits.partition(".")
    cents = int(whole) * 100 + int((frac + "00")[:2])
    return -cents if neg else cents


def _date(text: str | None) -> date | None:
    if not text:
        return None
    if "/" in text:
        m, d, y = text.split("/")
        return date(int(y), int(m), int(d))
    return date.fromisoformat(text)


def _canon_entry(text: str) -> str:
    plain = text.replace("-", "")
    return f"{plain[:3]}-{plain[3:10]}-{plain[10:]}"


def _canon_hts(text: str) -> str:
    digits = text.replace(".", "")
    return digits if digits.startswith("9903") else digits.zfill(10)


def _read(paths: list[Path], encoding: str = "utf-8") -> tuple[list[str], list[dict[str, str]]]:
    rows: list[dict[str, str]] = []
    header: list[str] = []
    for p in paths:
        reader = csv.DictReader(io.StringIO(p.read_bytes().decode(encoding), newline=""))
        header = list(reader.fieldnames or [])
        rows.extend(reader)
    return header, rows


def _logical_from_dataset(ds: g.Dataset) -> list[tuple]:
    e = ds.entries
    comps: dict[int, list[tuple[str, int]]] = {}
    for li, code, cents in ds.comps.select("line_idx", "code", "duty_cents").iter_rows():
        comps.setdefault(li, []).append((code.replace(".", ""), cents))
    out = []
    for li, (ei, hts, cc, value, duty) in enumerate(
        ds.lines.select("entry_idx", "hts", "country", "value_cents", "duty_cents").iter_rows()
    ):
        out.append(
            (
                e["entry_number"][ei],
                e["status"][ei],
                e["liq_date"][ei],
                e["entry_type"][ei],
                hts,
                cc,
                value,
                duty,
                tuple(comps.get(li, [])),
            )
        )
    return out


def _logical_from_file(
    layout: str, rows: list[dict[str, str]], ch99_first: bool = True
) -> list[tuple]:
    """An independent reader of the three layouts (clean files only)."""
    words = {v: k for k, v in g._STATUS_WORDS.items()}
    lines: list[list] = []
    if layout == "same_row":
        key_prev = None
        for r in rows:
            key = (r["Entry Number"], r["Line Number"])
            if key != key_prev:
                lines.append(
                    [
                        r["Entry Number"],
                        r["Liq Status"],
                        _date(r["Liq Date"]),
                        r["Entry Type"],
                        _canon_hts(r["HTS Number"]),
                        r["Country of Origin"],
                        _money(r["Entered Value"]),
                        _money(r["Est. Duty"]),
                        [],
                    ]
                )
                key_prev = key
            if r["Chapter 99 HTS"]:
                lines[-1][8].append((_canon_hts(r["Chapter 99 HTS"]), _money(r["IEEPA Duty Paid"])))
        return [(*ln[:8], tuple(ln[8])) for ln in lines]
    es = layout == "es003"
    cols = (
        ("Entry Summary Number", "Liquidation Status", "Liquidation Date", "Entry Type Code")
        if es
        else ("Entry No", "Liq Status", "Liq Dt", "Entry Type")
    )
    hts_c = "HTS Number - Full" if es else "HTS"
    coo_c = "Country of Origin Code" if es else "Country of Origin"
    val_c = "Line Tariff Goods Value Amount" if es else "Entered Value"
    duty_c = "Line Tariff Duty Amount" if es else "EstDuty"
    pending: list[tuple[str, int | None]] = []  # Chapter 99 rows before their commodity row
    for r in rows:
        hts = _canon_hts(r[hts_c])
        if hts.startswith("9903"):
            if es:
                assert r[val_c] == "0.00"
            else:
                assert r[val_c] == "" and r[coo_c] == ""
            if ch99_first:
                pending.append((hts, _money(r[duty_c])))
            else:
                lines[-1][8].append((hts, _money(r[duty_c])))
            continue
        status = r[cols[1]]
        lines.append(
            [
                _canon_entry(r[cols[0]]),
                words.get(status, status),
                _date(r[cols[2]]),
                r[cols[3]],
                hts,
                r[coo_c] if es else ALPHA2[r[coo_c]],
                _money(r[val_c]),
                _money(r[duty_c]),
                pending,
            ]
        )
        pending = []
    assert not pending
    return [(*ln[:8], tuple(ln[8])) for ln in lines]


@pytest.fixture(scope="module")
def small() -> g.Dataset:
    return g.generate_dataset(600, seed=3, as_of=date(2026, 11, 22), invalid_check_fraction=0.1)


# --- entry numbers -------------------------------------------------------------------------


def test_check_digits_of_the_spec() -> None:
    assert g.entry_number_valid("ABC-1234567-6")
    assert g.entry_number_valid("SP7-0000001-4")
    assert g.entry_number_valid("ABC12345676")
    for bad in ("ABC-1234567-8", "ABC-1234568-6", "ABC-1234569-4"):
        assert not g.entry_number_valid(bad)


def test_vectorised_check_digits_agree_with_scalar() -> None:
    rng = np.random.default_rng(0)
    filer = rng.integers(0, len(g.FILERS), 2000)
    seq = rng.integers(0, 10**7, 2000)
    got = g._check_digits(filer, seq)
    want = [g.check_digit(f"{g.FILERS[f]}{s:07d}") for f, s in zip(filer, seq, strict=True)]
    assert got.tolist() == want


def test_generated_invalid_fraction(small: g.Dataset) -> None:
    nums = small.entries["entry_number"].to_list()
    bad = sum(not g.entry_number_valid(n) for n in nums)
    assert 0 < bad < len(nums) * 0.25
    assert len(set(nums)) == len(nums)
    assert all(re.fullmatch(r"[0-9A-Z]{3}-\d{7}-\d", n) for n in nums)


# --- oracle ----------------------------------------------------------------------------------


def test_oracle_worked_example() -> None:
    s = g.expected_summary(g.worked_example_dataset(), WORKED_AS_OF, "same_row")
    assert s["refundable_pool"] == "33570.00"
    assert s["pathways"]["cape_phase1"] == {
        "lines": 1,
        "entries": 1,
        "ieepa_duty": "24850.00",
        "reasons": {"liquidated_recently": 1},
    }
    assert s["pathways"]["cit"] == {
        "lines": 1,
        "entries": 1,
        "ieepa_duty": "8720.00",
        "reasons": {"protest_window_closed": 1},
    }
    assert s["excluded"] == {
        "stacked_zero": {"lines": 1},
        "zero_duty": {"lines": 0},
        "not_ieepa": {"lines": 0},
    }
    assert (s["lines"], s["entries"], s["rows_read"]) == (3, 3, 4)
    assert s["warnings"] == {"check_digit": 3}


def test_worked_example_csv(tmp_path: Path) -> None:
    g.write_worked_example(tmp_path / "w.csv")
    text = (tmp_path / "w.csv").read_text()
    assert text.splitlines() == [
        "Entry Number,Line Number,Liq Date,Liq Status,HTS,COO,Entered Value,Est. Duty,"
        "Chapter 99 HTS,IEEPA Duty Paid",
        'ABC-1234567-8,1,2026-02-15,LIQ,8479.89.9499,CN,"$248,500.00",$0.00,9903.02.21,'
        '"$24,850.00"',
        'ABC-1234568-6,1,,UNL,7228.50.5040,CA,"$612,000.00",$0.00,9903.01.10,$0.00',
        'ABC-1234568-6,1,,UNL,7228.50.5040,CA,"$612,000.00",$0.00,9903.80.01,"$153,000.00"',
        'ABC-1234569-4,1,2025-09-12,LIQ,3923.21.0095,CN,"$87,200.00","$2,616.00",9903.02.21,'
        '"$8,720.00"',
    ]


def test_oracle_pathway_boundaries_on_the_sample() -> None:
    ds = g.sample_dataset()
    by_entry: dict[str, set[str]] = {}
    for ln in g.oracle_lines(ds, g.DEFAULT_AS_OF):
        by_entry.setdefault(str(ln["entry_number"])[:11], set()).add(str(ln["pathway"]))
    pool = {"cape_phase1", "protest", "cit", "hold", "review"}
    assert by_entry["EX7-3161388"] & pool == {"cape_phase1"}  # 80 days
    assert by_entry["EX7-3161402"] & pool == {"protest"}  # 81 days
    assert by_entry["9KJ-0528907"] & pool == {"protest"}  # 180 days
    assert by_entry["EX7-3158820"] & pool == {"cit"}  # 181 days
    assert by_entry["SP7-2264388"] & pool == {"cape_phase1"}  # future liquidation date
    assert by_entry["EX7-3157764"] & pool == {"review"}  # LIQ without a date
    assert by_entry["SP7-2263301"] & pool == {"review"}  # type 09
    assert by_entry["9KJ-0530018"] & pool == {"cape_phase1"}  # SUS (type 03): v2, CAPE now
    assert by_entry["SP7-2263870"] & pool == {"hold"}  # PENDING: AD/CVD at Commerce


def test_sample_covers_every_pathway() -> None:
    ds = g.sample_dataset()
    s = g.expected_summary(ds, g.DEFAULT_AS_OF)
    assert all(v["lines"] > 0 for v in s["pathways"].values())
    assert all(v["lines"] > 0 for v in s["excluded"].values())
    assert s["warnings"]["check_digit"] > 0
    assert ds.comps.filter(pl.col("duty_cents") < 0)["line_idx"].n_unique() == 1
    for layout in ("same_row", "legacy"):
        other = g.expected_summary(ds, g.DEFAULT_AS_OF, layout)
        other["warnings"].pop("ch99_order", None)  # the detected order is said (legacy)
        assert {**other, "rows_read": 0} == {**s, "rows_read": 0}


def test_entry_rollup_counts_line_duty_once() -> None:
    r = g.expected_entry_rollup(g.worked_example_dataset())
    assert r["ABC-1234568-6"] == {"total_duty": 153_000_00, "ieepa_duty": 0}
    assert r["ABC-1234569-4"] == {"total_duty": 2_616_00 + 8_720_00, "ieepa_duty": 8_720_00}


def test_comparable_reshapes_the_scan_json() -> None:
    warnings = [
        {"code": "check_digit", "count": 3, "message": "..."},
        {"code": "set_aside", "count": 4, "message": "blank"},
        {"code": "set_aside", "count": 1, "message": "total"},
    ]
    scan = {"as_of": "x", "files": ["a"], "warnings": warnings}
    assert g.comparable(scan) == {"as_of": "x", "warnings": {"check_digit": 3, "set_aside": 5}}


# --- renderers -------------------------------------------------------------------------------


@pytest.mark.parametrize("order", g.ORDERS)
@pytest.mark.parametrize("layout", ["es003", "same_row", "legacy"])
def test_renderers_carry_the_same_logical_lines(
    layout: str, order: str, small: g.Dataset, tmp_path: Path
) -> None:
    parts = 3 if layout == "legacy" else 1
    paths, junk = g.write_export(
        small, layout, tmp_path / f"{layout}.csv", parts=parts, order=order
    )
    assert not any(junk.values())
    enc = "cp1252" if layout == "legacy" else "utf-8"
    _, rows = _read(paths, enc)
    assert len(rows) == small.rows(layout)
    got = _logical_from_file(layout, rows, ch99_first=order == "ch99_first")
    assert got == _logical_from_dataset(small)


def test_cbp_order_is_the_default(small: g.Dataset, tmp_path: Path) -> None:
    """Chapter 99 rows first, the commodity row last (CSMS #65807735), ordinals from 1."""
    _, rows = _read(g.write_export(small, "es003", tmp_path / "e.csv")[0])
    by_line: dict[tuple[str, str], list[dict[str, str]]] = {}
    for r in rows:
        by_line.setdefault((r["Entry Summary Number"], r["Entry Summary Line Number"]), []).append(
            r
        )
    for rs in by_line.values():
        assert not rs[-1]["HTS Number - Full"].startswith("9903")
        assert all(r["HTS Number - Full"].startswith("9903") for r in rs[:-1])
        assert [r["Tariff Ordinal Number"] for r in rs] == [str(i + 1) for i in range(len(rs))]
    header, _ = _read(g.write_export(small, "es003", tmp_path / "n.csv", line_numbers=False)[0])
    assert "Entry Summary Line Number" not in header and "Tariff Ordinal Number" in header


def test_layout_details(small: g.Dataset, tmp_path: Path) -> None:
    header, rows = _read(g.write_export(small, "es003", tmp_path / "e.csv")[0])
    assert 40 <= len(header) <= 48
    assert all(re.fullmatch(r"-?\d+\.\d\d", r["Line Tariff Duty Amount"]) for r in rows)
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d", r["Entry Date"]) for r in rows)
    assert any(r["HTS Number - Full"].startswith("0") for r in rows)
    assert any("," in r["Merchandise Description"] for r in rows)
    assert any('"' in r["Merchandise Description"] for r in rows)
    ch99 = [r for r in rows if r["HTS Number - Full"].startswith("9903")]
    assert ch99 and any(r["Tariff Ordinal Number"] == "1" for r in ch99)  # CBP order
    _, srows = _read(g.write_export(small, "same_row", tmp_path / "s.csv")[0])
    assert all(re.fullmatch(r"-?\$[\d,]+\.\d\d", r["Entered Value"]) for r in srows)
    assert all(re.fullmatch(r"\d\d/\d\d/\d{4}", r["Entry Date"]) for r in srows)
    paths = g.write_export(small, "legacy", tmp_path / "l.csv", parts=2)[0]
    assert [p.name for p in paths] == ["l_part1.csv", "l_part2.csv"]
    raw = b"".join(p.read_bytes() for p in paths)
    assert b"\r\n" in raw and "Müller".encode("cp1252") in raw
    ents = [{r["Entry No"] for r in _read([p], "cp1252")[1]} for p in paths]
    assert ents[0] and ents[1] and not ents[0] & ents[1]  # split between entries
    lrows = _read(paths, "cp1252")[1]
    assert any(re.fullmatch(r"\d{9}", r["HTS"]) for r in lrows)  # leading zero stripped
    assert (
        any(r["EstDuty"].startswith("($") for r in lrows)
        or not (small.comps["duty_cents"] < 0).any()
    )


def test_headers_use_the_core_aliases(small: g.Dataset) -> None:
    rules = tomllib.loads((ROOT / "src/itrac_tui/rules/default.toml").read_text())
    aliases = {f: {_norm(a) for a in names} for f, names in rules["columns"].items()}
    every = set().union(*aliases.values())
    decisive = {
        "es003": {
            "entry_number": "Entry Summary Number",
            "line_number": "Entry Summary Line Number",
            "tariff_ordinal": "Tariff Ordinal Number",
            "hts": "HTS Number - Full",
            "country": "Country of Origin Code",
            "entered_value": "Line Tariff Goods Value Amount",
            "duty": "Line Tariff Duty Amount",
            "liquidation_date": "Liquidation Date",
            "liquidation_status": "Liquidation Status",
            "entry_type": "Entry Type Code",
            "entry_date": "Entry Date",
            "entry_summary_date": "Entry Summary Date",
            "importer_number": "Importer Number",
            "filer_code": "Filer Code",
            "recon_flag": "Reconciliation Indicator",
            "protest_number": "Protest Number",
            "protest_status": "Protest Status",
            "drawback_flag": "Drawback Indicator",
        },
        "same_row": {
            "entry_number": "Entry Number",
            "line_number": "Line Number",
            "hts": "HTS Number",
            "ch99_hts": "Chapter 99 HTS",
            "ieepa_duty": "IEEPA Duty Paid",
            "country": "Country of Origin",
            "entered_value": "Entered Value",
            "duty": "Est. Duty",
            "liquidation_date": "Liq Date",
            "liquidation_status": "Liq Status",
            "entry_type": "Entry Type",
            "entry_date": "Entry Date",
            "importer_number": "Importer Number",
            "recon_flag": "Recon Flag",
            "protest_number": "Protest Number",
            "protest_status": "Protest Status",
            "drawback_flag": "Drawback Designation",
        },
        "legacy": {
            "entry_number": "Entry No",
            "hts": "HTS",
            "country": "Country of Origin",
            "entered_value": "Entered Value",
            "duty": "EstDuty",
            "liquidation_date": "Liq Dt",
            "liquidation_status": "Liq Status",
            "entry_type": "Entry Type",
            "entry_date": "Entry Dt",
            "recon_flag": "Recon Flag",
            "protest_number": "Protest No",
            "protest_status": "Protest Status",
            "drawback_flag": "Drawback Flag",
        },
    }
    for layout, fields in decisive.items():
        header = g.render(small, layout).frame.columns
        for field, h in fields.items():
            assert h in header and _norm(h) in aliases[field], (layout, field)
        context = [h for h in header if h not in fields.values()]
        assert not [h for h in context if _norm(h) in every], layout


def test_junk_is_planted_and_counted(small: g.Dataset, tmp_path: Path) -> None:
    spec = g.JunkSpec()
    for layout in ("es003", "same_row", "legacy"):
        paths, junk = g.write_export(small, layout, tmp_path / f"j_{layout}.csv", junk=spec)
        header, rows = _read(paths, "cp1252" if layout == "legacy" else "utf-8")
        entry_c, hts_c = header[2] if layout == "es003" else header[0], None
        entry_c = {"es003": "Entry Summary Number", "same_row": "Entry Number"}.get(
            layout, "Entry No"
        )
        hts_c = {"es003": "HTS Number - Full", "same_row": "HTS Number"}.get(layout, "HTS")
        vals = [list(r.values()) for r in rows]
        found = {
            "header_repeats": sum(v == header for v in vals),
            "blank_rows": sum(not any(v) for v in vals),
            "total_rows": sum(r[entry_c] == "Total" for r in rows),
            "na_money": sum("N/A" in v for v in vals),
            "value_error": sum("#VALUE!" in v for v in vals),
            "sci_entry": sum(r[entry_c] == "3.16123E+10" for r in rows),
            "rollups": sum(
                bool(r[entry_c]) and not r[hts_c] and r[entry_c] != "Total" for r in rows
            ),
        }
        assert found == junk == {k: getattr(spec, k) for k in g.JUNK_KINDS}
        s = g.expected_summary(small, g.DEFAULT_AS_OF, layout, junk)
        assert s["rows_read"] == len(rows)
        assert (s["rows_rejected"], s["rows_set_aside"]) == (4, 13)
        assert (s["warnings"]["rejected"], s["warnings"]["set_aside"]) == (4, 13)
        clean = g.expected_summary(small, g.DEFAULT_AS_OF, layout)
        assert s["pathways"] == clean["pathways"]


def test_xlsx_main_report(small: g.Dataset, tmp_path: Path) -> None:
    path = g.write_export(small.head_entries(20), "xlsx", tmp_path / "x.xlsx")[0][0]
    df = pl.read_excel(path, sheet_name="Main Report")
    assert df.height == small.head_entries(20).rows("es003")
    assert "Entry Summary Number" in df.columns


def test_generate_rows_stays_under_the_target() -> None:
    ds = g.generate_rows(3000, "es003", seed=5)
    assert 2900 <= ds.rows("es003") <= 3000


def test_cli_writes_file_and_expected(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out, exp = tmp_path / "c.csv", tmp_path / "c.json"
    argv = ["--rows", "500", "--layout", "es003", "--out", str(out), "--expected", str(exp)]
    assert g.main([*argv, "--junk"]) == 0
    assert out.exists() and exp.exists()
    assert "junk planted" in capsys.readouterr().out


# --- bundled samples -------------------------------------------------------------------------


def test_bundled_samples_are_up_to_date(tmp_path: Path) -> None:
    fresh = tmp_path / "samples"
    g.write_samples(fresh)
    shipped = ROOT / "sample_exports"
    names = sorted(p.name for p in fresh.iterdir())
    assert names == sorted(p.name for p in shipped.iterdir())
    for name in names:
        assert (fresh / name).read_bytes() == (shipped / name).read_bytes(), name


def test_ap_sample_reconciles_as_documented() -> None:
    ds = g.sample_dataset()
    rows, logical = g.sample_ap(ds)
    assert sum(_money(r["Duty Paid"]) for r in rows) == sum(c for _, c in logical)
    rec = g.expected_reconcile(ds, logical)
    assert len(rec["mismatched"]) == 2
    assert len(rec["missing_in_ap"]) == 1 and len(rec["missing_in_itrac"]) == 1
    assert rec["matched"] == ds.entries.height - 3
    invoices = [r["Invoice No"] for r in rows]
    assert len(invoices) - len(set(invoices)) == 1
    assert any(r["Duty Paid"] == "($12.00)" for r in rows)
    assert any("-" in r["Entry No"] for r in rows) and any("-" not in r["Entry No"] for r in rows)
