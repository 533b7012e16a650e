"""Pre-flight warnings (spec §10) on hand-made lines: code in force, implied rate, value on an
IEEPA row. They are warnings only: the pathway never changes."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import polars as pl

from itrac_tui.core.classify import classify
from itrac_tui.core.load import load_export
from itrac_tui.core.preflight import PREFLIGHT_WARNINGS, may_reject_expr, with_preflight
from itrac_tui.core.rates import CapeRules
from itrac_tui.core.rules import load_rules
from itrac_tui.core.summary import summarise

AS_OF = date(2026, 4, 20)
SAME_ROW = [
    "Entry Number",
    "Line Number",
    "Entry Date",
    "HTS Number",
    "Country of Origin",
    "Entered Value",
    "Est. Duty",
    "Chapter 99 HTS",
    "IEEPA Duty Paid",
    "Liq Status",
]
SEPARATE = ["Entry Number", "Line Number", "Entry Date", "HTS Number", "Country of Origin",
            "Entered Value", "Est. Duty", "Liq Status"]  # fmt: skip


def _write(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


def line(
    day: str, code: str, value: str, ieepa: str, *, entry: str = "SP7-0000001-4", n: int = 1
) -> list[str]:
    """One same-row line: UNL (so cape_phase1 whatever the warnings)."""
    return [entry, str(n), day, "8479.89.9499", "CN", value, "0.00", code, ieepa, "UNL"]


def warnings_of(tmp_path: Path, rows: list[list[str]], header: list[str] = SAME_ROW) -> list:
    rules = load_rules()
    export = load_export([_write(tmp_path / "x.csv", header, rows)], rules)
    lines = classify(export.lines, rules, AS_OF)
    return lines.select("warnings", "pathway").rows()


def test_fentanyl_china_before_it_was_in_force(tmp_path: Path) -> None:
    # 9903.01.24 starts 2025-03-04 (9903.01.20 covered 2025-02-04 .. 03-03)
    got = warnings_of(tmp_path, [line("2025-02-10", "9903.01.24", "1000.00", "200.00")])
    assert got == [(["code_not_in_force"], "cape_phase1")]


def test_first_china_code_in_force_in_february(tmp_path: Path) -> None:
    got = warnings_of(tmp_path, [line("2025-02-10", "9903.01.20", "1000.00", "100.00")])
    assert got == [([], "cape_phase1")]


def test_20_percent_expected_in_june_2025(tmp_path: Path) -> None:
    rows = [
        line("2025-06-15", "9903.01.24", "1000.00", "200.00", n=1),  # 20 %: fine
        line("2025-06-15", "9903.01.24", "1000.00", "100.00", n=2),  # 10 %: outlier
        line("2025-06-15", "9903.01.24", "1000.00", "204.00", n=3),  # 20.4 %: in tolerance
        line("2025-06-15", "9903.01.24", "1000.00", "206.00", n=4),  # 20.6 %: outlier
    ]
    got = warnings_of(tmp_path, rows)
    assert got == [
        ([], "cape_phase1"),
        (["rate_outlier"], "cape_phase1"),
        ([], "cape_phase1"),
        (["rate_outlier"], "cape_phase1"),
    ]


def test_10_percent_from_2025_11_10(tmp_path: Path) -> None:
    rows = [
        line("2025-11-09", "9903.01.24", "1000.00", "200.00", n=1),  # last day at 20 %
        line("2025-11-10", "9903.01.24", "1000.00", "100.00", n=2),  # first day at 10 %
        line("2025-11-10", "9903.01.24", "1000.00", "200.00", n=3),  # 20 % is now wrong
    ]
    assert [w for w, _ in warnings_of(tmp_path, rows)] == [[], [], ["rate_outlier"]]


def test_partial_headings_are_not_rate_checked(tmp_path: Path) -> None:
    rows = [line("2025-09-01", "9903.02.21", "1000.00", "123.45")]
    assert warnings_of(tmp_path, rows) == [([], "cape_phase1")]


def test_codes_not_in_the_table_and_zero_duty_are_not_checked(tmp_path: Path) -> None:
    rows = [
        line("2025-01-10", "9903.01.33", "1000.00", "0.00", n=1),  # exemption code, $0
        line("2025-06-15", "9903.01.24", "1000.00", "0.00", n=2),  # $0 collected: no rate check
    ]
    assert [w for w, _ in warnings_of(tmp_path, rows)] == [[], []]


def test_no_entry_date_no_date_checks(tmp_path: Path) -> None:
    rows = [line("", "9903.01.24", "1000.00", "100.00")]
    assert warnings_of(tmp_path, rows) == [([], "cape_phase1")]


def test_goods_value_on_a_separate_ieepa_row(tmp_path: Path) -> None:
    rows = [
        ["SP7-0000001-4", "1", "2025-06-15", "9903.01.24", "", "500.00", "200.00", "UNL"],
        ["SP7-0000001-4", "1", "2025-06-15", "8479.89.9499", "CN", "1000.00", "0.00", "UNL"],
        ["SP7-0000001-4", "2", "2025-06-15", "9903.01.24", "", "0.00", "200.00", "UNL"],
        ["SP7-0000001-4", "2", "2025-06-15", "8479.89.9499", "CN", "1000.00", "0.00", "UNL"],
        ["SP7-0000001-4", "3", "2025-06-15", "9903.88.03", "", "1000.00", "250.00", "UNL"],
        ["SP7-0000001-4", "3", "2025-06-15", "9903.01.24", "", "", "200.00", "UNL"],
        ["SP7-0000001-4", "3", "2025-06-15", "8479.89.9499", "CN", "1000.00", "0.00", "UNL"],
    ]
    got = warnings_of(tmp_path, rows, SEPARATE)
    # line 3's value sits on a Section 301 row: not an IEEPA row
    assert got == [(["value_on_ieepa_row"], "cape_phase1"), ([], "cape_phase1"),
                   ([], "cape_phase1")]  # fmt: skip


def test_warnings_never_change_the_pathway(tmp_path: Path) -> None:
    rules = load_rules()
    rows = [
        line("2025-02-10", "9903.01.24", "1000.00", "200.00", n=1),
        line("2025-06-15", "9903.01.24", "1000.00", "100.00", n=2),
    ]
    export = load_export([_write(tmp_path / "x.csv", SAME_ROW, rows)], rules)
    with_w = classify(export.lines, rules, AS_OF)
    bare = export.lines.with_columns(
        pl.col("warnings").list.eval(pl.element().filter(~pl.element().is_in(PREFLIGHT_WARNINGS)))
    )
    without = classify(bare, rules, AS_OF)
    assert with_w["pathway"].to_list() == without["pathway"].to_list() == ["cape_phase1"] * 2
    assert with_w.filter(may_reject_expr()).height == 2
    assert without.filter(may_reject_expr()).height == 0


def test_counted_in_scan_json(tmp_path: Path) -> None:
    rules = load_rules()
    rows = [
        line("2025-02-10", "9903.01.24", "1000.00", "200.00", n=1),
        line("2025-06-15", "9903.01.24", "1000.00", "100.00", n=2),
        line("2025-06-15", "9903.01.24", "1000.00", "100.00", n=3),
    ]
    export = load_export([_write(tmp_path / "x.csv", SAME_ROW, rows)], rules)
    doc = summarise(classify(export.lines, rules, AS_OF), AS_OF, export).to_json()
    counts = {w["code"]: w["count"] for w in doc["warnings"]}
    assert counts["code_not_in_force"] == 1 and counts["rate_outlier"] == 2
    assert "CAPE" in next(w["message"] for w in doc["warnings"] if w["code"] == "code_not_in_force")


def test_the_rate_table_comes_from_the_rules(tmp_path: Path) -> None:
    override = tmp_path / "rules.toml"
    override.write_text(
        '[cape]\nrate_tolerance = "15"\n'
        '[cape.ieepa_rates."9903.01.24"]\nperiods = [{ from = 2025-01-01, to = 2026-02-23, '
        'rate = "20" }]\n',
        encoding="utf-8",
    )
    rules = load_rules(override)
    rows = [line("2025-02-10", "9903.01.24", "1000.00", "100.00")]
    export = load_export([_write(tmp_path / "x.csv", SAME_ROW, rows)], rules)
    assert export.lines["warnings"].to_list() == [[]]  # in force from January, 10 pp tolerated


def test_no_table_no_warnings() -> None:
    lines = pl.DataFrame(
        {
            "line_id": pl.Series([0], dtype=pl.UInt32),
            "entry_date": [date(2025, 2, 10)],
            "entered_value_cents": [100_000],
            "warnings": [["check_digit"]],
        }
    )
    comps = pl.DataFrame(
        {
            "line_id": pl.Series([0], dtype=pl.UInt32),
            "ch99_code": ["9903.01.24"],
            "ieepa": [True],
            "duty_cents": [500],
            "entered_value_cents": [None],
        },
        schema_overrides={"entered_value_cents": pl.Int64},
    )
    assert with_preflight(lines, comps, CapeRules()).equals(lines)
