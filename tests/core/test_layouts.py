"""One export written in each layout (ES-003, same-row, legacy split cp1252) reads the same."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest

from tests.core.helpers import scan

AS_OF = date(2026, 4, 20)
LAYOUTS = {
    "es003": ["es003.csv"],
    "same_row": ["same_row.csv"],
    "legacy": ["legacy_part1.csv", "legacy_part2.csv"],
    # CBP's reporting order: Chapter 99 rows before their commodity row (spec §3)
    "es003_ch99_first": ["es003_ch99_first_no_line_number.csv"],
    "legacy_ch99_first": ["legacy_ch99_first_part1.csv", "legacy_ch99_first_part2.csv"],
}
OTHERS = [k for k in LAYOUTS if k != "es003"]
KEY = [
    "entry_number",
    "line_no",
    "hts",
    "country",
    "entered_value_cents",
    "line_duty_cents",
    "ch99_duty_cents",
    "total_duty_cents",
    "ieepa_duty_cents",
    "ch99_codes",
    "pathway",
]


def _scan(data_dir: Path, layout: str):
    return scan([data_dir / "layouts" / f for f in LAYOUTS[layout]], AS_OF)


def _summary(data_dir: Path, layout: str) -> dict:
    doc = _scan(data_dir, layout)[2].to_json()
    for key in ("files", "rows_read"):
        doc.pop(key)
    # the detected Chapter 99 order is said for layouts without line numbers or ordinals
    doc["warnings"] = [w for w in doc["warnings"] if w["code"] != "ch99_order"]
    return doc


@pytest.mark.parametrize("layout", OTHERS)
def test_same_summary_in_every_layout(data_dir: Path, layout: str) -> None:
    assert _summary(data_dir, layout) == _summary(data_dir, "es003")


@pytest.mark.parametrize("layout", OTHERS)
def test_same_lines_in_every_layout(data_dir: Path, layout: str) -> None:
    base = _scan(data_dir, "es003")[1].select(KEY)
    other = _scan(data_dir, layout)[1].select(KEY)
    assert other.equals(base)


def test_expected_figures(data_dir: Path) -> None:
    doc = _summary(data_dir, "es003")
    assert doc["pathways"]["cape_phase1"]["ieepa_duty"] == "49800.00"
    assert doc["pathways"]["cit"] == {
        "lines": 2,
        "entries": 1,
        "ieepa_duty": "8220.00",
        "reasons": {"protest_window_closed": 2},
        "interest_estimate": "491.05",  # §10 estimate from the entry dates
    }
    assert doc["refundable_pool"] == "58020.00"
    assert doc["excluded"] == {
        "stacked_zero": {"lines": 1},
        "zero_duty": {"lines": 0},
        "not_ieepa": {"lines": 1},
    }


def test_legacy_keeps_what_the_file_said(data_dir: Path) -> None:
    export, lines, _ = _scan(data_dir, "legacy")
    assert export.layout == "separate_rows"
    assert lines.get_column("country_raw").to_list()[:2] == ["CHN", "CHN"]
    assert lines.get_column("hts").to_list()[1] == "0901.21.0020"
    assert "Société Générale, Paris" in lines.get_column("Importer").to_list()
    assert export.lines.get_column("source_file").str.ends_with("legacy_part2.csv").sum() == 4


def test_same_row_counts_line_fields_once(data_dir: Path) -> None:
    _, lines, _ = _scan(data_dir, "same_row")
    first = lines.filter(pl.col("entry_number") == "ABC-1234569-4").row(0, named=True)
    assert first["line_duty_cents"] == 488_220  # repeated on two rows, counted once
    assert first["total_duty_cents"] == 488_220 + 872_000 + 2_180_000


def test_parts_in_given_order_and_folder_natural_order(data_dir: Path, tmp_path: Path) -> None:
    from itrac_tui.core.read import resolve_paths

    for name in ("x_part10.csv", "x_part2.csv", "x_part1.csv", "notes.md"):
        (tmp_path / name).write_text("a,b\n1,2\n")
    assert [p.name for p in resolve_paths([tmp_path])] == [
        "x_part1.csv",
        "x_part2.csv",
        "x_part10.csv",
    ]
    assert [p.name for p in resolve_paths([str(tmp_path / "x_part*.csv")])][-1] == "x_part10.csv"


def test_differing_column_order_between_parts(data_dir: Path, tmp_path: Path) -> None:
    src = (data_dir / "layouts" / "es003.csv").read_text(encoding="utf-8").splitlines()
    header, body = src[0].split(","), src[1:]
    import csv
    import io

    rows = list(csv.reader(io.StringIO("\n".join(body))))
    order = list(reversed(range(len(header))))
    part2 = tmp_path / "p2.csv"
    with part2.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow([header[i] for i in order])
        w.writerows([[r[i] for i in order] for r in rows[9:]])
    part1 = tmp_path / "p1.csv"
    with part1.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows[:9])
    doc = scan([part1, part2], AS_OF)[2].to_json()
    assert doc["refundable_pool"] == "58020.00"


def test_tab_and_pipe_delimiters_and_bom(data_dir: Path, tmp_path: Path) -> None:
    text = (data_dir / "layouts" / "es003.csv").read_text(encoding="utf-8")
    import csv
    import io

    rows = list(csv.reader(io.StringIO(text)))
    for sep, name, enc in (("\t", "tab.tsv", "utf-8-sig"), ("|", "pipe.txt", "cp1252")):
        p = tmp_path / name
        p.write_bytes("\r\n".join(sep.join(r) for r in rows).encode(enc))
        assert scan([p], AS_OF)[2].to_json()["refundable_pool"] == "58020.00"


def test_xlsx_main_report_sheet(data_dir: Path, tmp_path: Path) -> None:
    xlsxwriter = pytest.importorskip("xlsxwriter")
    import csv
    import datetime as dt

    rows = list(csv.reader((data_dir / "layouts" / "es003.csv").open(encoding="utf-8")))
    path = tmp_path / "export.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    wb.add_worksheet("Notes").write(0, 0, "Run by: someone")
    ws = wb.add_worksheet("Main Report")
    datefmt = wb.add_format({"num_format": "mm/dd/yyyy"})
    for r, values in enumerate(rows):
        for c, v in enumerate(values):
            if r and c in (6, 7) and v:
                ws.write_number(r, c, float(v))
            elif r and c == 8 and v:
                ws.write_datetime(r, c, dt.datetime.fromisoformat(v), datefmt)
            else:
                ws.write_string(r, c, v)
    wb.close()
    doc = scan([path], AS_OF)[2].to_json()
    assert doc["refundable_pool"] == "58020.00"
    assert doc["pathways"]["cape_phase1"]["ieepa_duty"] == "49800.00"


@pytest.mark.parametrize("layout", ["es003", "same_row", "legacy"])
def test_scan_mode_without_context_gives_the_same_lines(data_dir: Path, layout: str) -> None:
    from itrac_tui.core.load import load_export
    from itrac_tui.core.rules import load_rules

    paths = [data_dir / "layouts" / f for f in LAYOUTS[layout]]
    full = load_export(paths, load_rules())
    lean = load_export(paths, load_rules(), context=False)
    computed = [c for c in full.lines.columns if c in lean.lines.columns]
    assert lean.lines.columns == computed
    assert lean.lines.equals(full.lines.select(computed))
    assert lean.rows_used == full.rows_used


def test_same_row_without_line_numbers(data_dir: Path, tmp_path: Path) -> None:
    """Consecutive rows of an entry with the same HTS, origin and value are one line (§3.2)."""
    import csv

    rows = list(csv.reader((data_dir / "layouts" / "same_row.csv").open(encoding="utf-8")))
    drop = rows[0].index("Line Number")
    path = tmp_path / "no_line_numbers.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([r[:drop] + r[drop + 1 :] for r in rows])
    base = _scan(data_dir, "es003")[1].select(KEY)
    assert scan([path], AS_OF)[1].select(KEY).equals(base)


@pytest.mark.parametrize(
    ("layout", "order"),
    [("legacy", "commodity_first"), ("legacy_ch99_first", "ch99_first")],
)
def test_detected_order_is_said(data_dir: Path, layout: str, order: str) -> None:
    export = _scan(data_dir, layout)[0]
    notes = [w for w in export.notices if w.code == "ch99_order"]
    assert [w.count for w in notes] == [2]  # both parts
    assert ("BELOW" if order == "ch99_first" else "ABOVE") in notes[0].message
