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


def test_parts_in_file_name_order_however_given(data_dir: Path, tmp_path: Path) -> None:
    from itrac_tui.core.read import resolve_paths

    for name in ("x_part10.csv", "x_part2.csv", "x_part1.csv", "notes.md"):
        (tmp_path / name).write_text("a,b\n1,2\n")
    assert [p.name for p in resolve_paths([tmp_path])] == [
        "x_part1.csv",
        "x_part2.csv",
        "x_part10.csv",
    ]
    assert [p.name for p in resolve_paths([str(tmp_path / "x_part*.csv")])][-1] == "x_part10.csv"
    given = [tmp_path / "x_part10.csv", tmp_path / "x_part2.csv", tmp_path / "x_part1.csv"]
    assert [p.name for p in resolve_paths(given)] == ["x_part1.csv", "x_part2.csv", "x_part10.csv"]


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


ES003_HEAD = (
    "Entry Summary Number,Entry Summary Line Number,Tariff Ordinal Number,HTS Number - Full,"
    "Country of Origin Code,Line Tariff Goods Value Amount,Line Tariff Duty Amount,"
    "Liquidation Status,Liquidation Date,Entry Type Code,Entry Date\n"
)


def _parts(tmp_path: Path, *parts: list[str], head: str = ES003_HEAD) -> list[Path]:
    paths = []
    for i, rows in enumerate(parts, start=1):
        path = tmp_path / f"es003_part{i}.csv"
        path.write_text(head + "".join(r + "\n" for r in rows))
        paths.append(path)
    return paths


def _cut(line_numbers: bool) -> tuple[list[str], list[str]]:
    """An entry line cut between two parts: its first Chapter 99 row ends part 1."""
    rows = [
        "ABC-1234567-6,1,1,99030125,,0.00,100.00,UNL,,01,2025-06-01",
        "ABC-1234567-6,1,2,8471300100,CN,1000.00,26.00,UNL,,01,2025-06-01",
        "ABC-1234570-0,1,1,99030124,,0.00,200.00,UNL,,01,2025-06-01",
        "ABC-1234570-0,1,2,99030125,,0.00,100.00,UNL,,01,2025-06-01",
        "ABC-1234570-0,1,3,8471300100,CN,1000.00,26.00,UNL,,01,2025-06-01",
        "SP7-0000001-4,1,1,99030125,,0.00,7.00,UNL,,01,2025-06-01",
        "SP7-0000001-4,1,2,9403200080,VN,70.00,0.00,UNL,,01,2025-06-01",
    ]
    if not line_numbers:
        rows = [",".join(r.split(",")[:1] + r.split(",")[3:]) for r in rows]
    return rows[:3], rows[3:]


@pytest.mark.parametrize("line_numbers", [True, False])
def test_a_line_cut_between_two_parts_is_one_line(tmp_path: Path, line_numbers: bool) -> None:
    """Parts are concatenated (§1): the rows of a line that runs on into the next part are that
    line's, not an overlapping pull's copy, with or without line numbers."""
    head = ES003_HEAD
    if not line_numbers:
        names = head.strip().split(",")
        head = ",".join(names[:1] + names[3:]) + "\n"
    export, lines, summary = scan(_parts(tmp_path, *_cut(line_numbers), head=head), AS_OF)
    assert export.set_aside.height == export.rejected.height == 0
    cut = lines.filter(pl.col("entry_number") == "ABC-1234570-0").row(0, named=True)
    assert (cut["hts"], cut["entered_value_cents"], cut["ieepa_duty_cents"]) == (
        "8471.30.0100",
        100000,
        30000,
    )
    assert "no_commodity_row" not in cut["warnings"]
    assert summary.to_json()["refundable_pool"] == "407.00"


def test_a_line_repeated_in_a_later_part_counts_once(tmp_path: Path) -> None:
    """An overlapping pull: the same rows again at the start of the next part, or the same
    line again further on, are set aside and said, even right at the boundary."""
    first, second = _cut(True)
    # part 2 pulls rows of part 1 again: lines further on, and a copy of one line's first row
    export, _lines, summary = scan(_parts(tmp_path, first + second, first + second[2:]), AS_OF)
    assert summary.to_json()["refundable_pool"] == "407.00"
    assert export.set_aside.height == 5
    assert any(n.code == "overlapping_parts" for n in export.notices)


@pytest.mark.parametrize("line_numbers", [True, False])
def test_chapter_98_rows_come_before_the_goods_row(tmp_path: Path, line_numbers: bool) -> None:
    """CBP's order is Ch. 98, Ch. 99, then the Ch. 1-97 row (§3): the line's HTS, value and
    origin are the Ch. 1-97 row's, a Chapter 98 row starts no line, and every goods row's duty
    is the line's; with or without line numbers the same single line."""
    rows = [
        "ABC-1234567-6,1,1,9802008068,MX,400.00,5.00,UNL,,01,2025-06-01",
        "ABC-1234567-6,1,2,99030101,,0.00,150.00,UNL,,01,2025-06-01",
        "ABC-1234567-6,1,3,8708295060,MX,600.00,15.00,UNL,,01,2025-06-01",
        "ABC-1234568-4,1,1,9802008068,MX,900.00,9.00,UNL,,01,2025-06-01",
        "ABC-1234568-4,1,2,99030101,,0.00,225.00,UNL,,01,2025-06-01",
    ]
    head = ES003_HEAD
    if not line_numbers:
        rows = [",".join(r.split(",")[:1] + r.split(",")[3:]) for r in rows]
        names = head.strip().split(",")
        head = ",".join(names[:1] + names[3:]) + "\n"
    export, lines, summary = scan(_parts(tmp_path, rows, head=head), AS_OF)
    got = lines.select(
        "hts", "country", "entered_value_cents", "line_duty_cents", "ieepa_duty_cents", "warnings"
    ).rows()
    assert got[0] == ("8708.29.5060", "MX", 60000, 2000, 15000, [])
    if line_numbers:  # no Ch. 1-97 row on the line: its Chapter 98 row is the goods row
        assert got[1:] == [("9802.00.8068", "MX", 90000, 900, 22500, [])]
        assert summary.to_json()["refundable_pool"] == "375.00"
    else:  # without line numbers no line starts at a Chapter 98 row: rejected, and said
        assert len(got) == 1 and export.rejected.height == 2
        assert summary.to_json()["refundable_pool"] == "150.00"


def test_a_pull_that_starts_again_at_the_cut_line_keeps_its_new_rows(tmp_path: Path) -> None:
    """Part 2 starts the cut line again from its first row: that copy is set aside, the line's
    other rows are its own (the pool as if the export were one file)."""
    first, second = _cut(True)
    export, _lines, summary = scan(_parts(tmp_path, first, first[-1:] + second), AS_OF)
    assert summary.to_json()["refundable_pool"] == "407.00"
    assert export.set_aside.get_column("source_row").to_list() == [2]
