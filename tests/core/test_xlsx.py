"""XLSX goes through fastexcel alone: it works with pyarrow absent and parses a sheet once."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from itrac_tui.core import read

xlsxwriter = pytest.importorskip("xlsxwriter")

DATA = Path(__file__).resolve().parents[1] / "data"
SRC = Path(read.__file__).resolve().parents[2]

# Makes `import pyarrow` (and its submodules) fail, as on a machine where it is not installed.
BLOCKER = """
import importlib.abc, sys
class _NoPyarrow(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "pyarrow" or name.startswith("pyarrow."):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None
sys.meta_path.insert(0, _NoPyarrow())
for name in [m for m in sys.modules if m == "pyarrow" or m.startswith("pyarrow.")]:
    del sys.modules[name]
"""


def _export_xlsx(path: Path) -> Path:
    import csv

    rows = list(csv.reader((DATA / "layouts" / "es003.csv").open(encoding="utf-8")))
    wb = xlsxwriter.Workbook(str(path))
    wb.add_worksheet("Notes").write(0, 0, "Run by: someone")
    ws = wb.add_worksheet("Main Report")
    for r, values in enumerate(rows):
        for c, v in enumerate(values):
            if r and c in (6, 7) and v:
                ws.write_number(r, c, float(v))
            else:
                ws.write_string(r, c, v)
    wb.close()
    return path


def _ap_xlsx(path: Path) -> Path:
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("AP")
    ws.write_row(0, 0, ["Entry No", "Duty Amount", "Invoice #"])
    ws.write_row(1, 0, ["ABC12345676", 1234.56, "X1"])
    wb.close()
    return path


def test_xlsx_paths_work_without_pyarrow(tmp_path: Path) -> None:
    export = _export_xlsx(tmp_path / "export.xlsx")
    ap = _ap_xlsx(tmp_path / "ap.xlsx")
    code = BLOCKER + textwrap.dedent(
        f"""
        import json, sys
        from datetime import date
        from pathlib import Path
        try:
            import pyarrow
        except ImportError:
            pass
        else:
            raise SystemExit("the blocker did not block pyarrow")
        from itrac_tui.core.ap import ap_headers, read_ap
        from itrac_tui.core.load import headers_of, load_export
        from itrac_tui.core.rules import load_rules
        from itrac_tui.core.summary import summarise
        from itrac_tui.core.classify import classify

        export, ap = Path({str(export)!r}), Path({str(ap)!r})
        headers = headers_of(export)
        loaded = load_export([export], load_rules())
        lean = load_export([export], load_rules(), context=False)
        ap_data = read_ap(ap)
        print(json.dumps({{
            "headers": list(headers),
            "lines": loaded.lines.height,
            "lean_lines": lean.lines.height,
            "ap_headers": ap_headers(ap),
            "ap_cents": ap_data.rows["amount_cents"].to_list(),
            "pyarrow_loaded": "pyarrow" in sys.modules,
        }}))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(SRC), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["headers"][0] and out["lines"] == out["lean_lines"] > 0
    assert out["ap_headers"] == ["Entry No", "Duty Amount", "Invoice #"]
    assert out["ap_cents"] == [123456]
    assert out["pyarrow_loaded"] is False


def test_main_report_sheet_else_first() -> None:
    assert read.pick_sheet(["Notes", "main report "]) == "main report "
    assert read.pick_sheet(["Notes", "Data"]) == "Notes"
    assert read.pick_sheet(["Main Report", "AP"], preferred=None) == "Main Report"
    assert read.pick_sheet([]) is None


def test_headers_then_read_parse_the_sheet_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _export_xlsx(tmp_path / "export.xlsx")
    calls: list[Path] = []
    real = read.read_xlsx_sheet

    def counting(p: Path, **kw: object) -> object:
        calls.append(p)
        return real(p, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(read, "read_xlsx_sheet", counting)
    headers = read.xlsx_headers(path)
    frame = read.read_xlsx_file(path, columns=[headers[0], headers[2]])
    assert len(calls) == 1
    assert frame.columns == [read.ROW_COL, headers[0], headers[2]]
    assert frame[read.ROW_COL][0] == 2  # header = row 1
    read.read_xlsx_file(path)  # the kept sheet was handed over: a new read parses again
    assert len(calls) == 2


def test_unreadable_workbook_is_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(read.XlsxError) as info:
        read.read_xlsx_file(bad)
    assert "\n" not in str(info.value) and "not a readable XLSX workbook" in str(info.value)


def _sheet(path: Path, rows: list[list[object]], *, inline: bool = False, at: int = 0) -> Path:
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": inline})
    ws = wb.add_worksheet("Main Report")
    for r, values in enumerate(rows):
        for c, v in enumerate(values):
            if v is not None:
                ws.write(r + at, c, v)
    wb.close()
    return path


def _reader_names(path: Path) -> tuple[str, ...]:
    import fastexcel

    sheet = fastexcel.read_excel(str(path)).load_sheet("Main Report", dtypes="string")
    return tuple(c.name for c in sheet.available_columns())


@pytest.mark.parametrize("inline", [False, True])  # shared strings, inline strings
def test_header_row_read_ahead_equals_the_readers(tmp_path: Path, inline: bool) -> None:
    rows: list[list[object]] = [[" Entry ", "Duty & Fees", "Ünïcode <x>"], ["E1", 1.5, "a"]]
    path = _sheet(tmp_path / "h.xlsx", rows, inline=inline)
    assert read.quick_headers(path, "Main Report") == _reader_names(path)
    assert read.xlsx_headers(path) == ("Entry", "Duty & Fees", "Ünïcode <x>")


@pytest.mark.parametrize(
    "rows",
    [
        [["a", None, "c"], [1, 2, 3]],  # a blank header cell
        [["a", "a"], [1, 2]],  # a repeated header
        [["a", 2024], [1, 2]],  # a number as header
        [["a", "b"], [1, 2, 3]],  # data wider than the header
    ],
)
def test_unsure_header_rows_are_parsed(tmp_path: Path, rows: list[list[object]]) -> None:
    path = _sheet(tmp_path / "odd.xlsx", rows)
    assert read.quick_headers(path, "Main Report") is None
    assert read.xlsx_headers(path) == tuple(n.strip() for n in _reader_names(path))


def test_header_row_lower_down_is_the_used_ranges_first(tmp_path: Path) -> None:
    path = _sheet(tmp_path / "low.xlsx", [["a", "b"], [1, 2]], at=2)
    assert read.quick_headers(path, "Main Report") == _reader_names(path) == ("a", "b")
    assert read.xlsx_headers(path) == ("a", "b")


def test_only_the_asked_columns_are_converted_with_their_error_cells(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "err.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Main Report")
    ws.write_row(0, 0, ["a", "b", "c", "d"])
    ws.write_row(1, 0, ["x", 1, 2, 3])
    ws.write_formula(2, 0, "=NA()", None, "#N/A")
    ws.write_formula(2, 2, '=1+"a"', None, "#VALUE!")
    ws.write(2, 3, 4)
    wb.close()
    asked: list[object] = []
    real = read.read_xlsx_sheet

    def spy(p: Path, **kw: object) -> object:
        asked.append(kw.get("columns"))
        return real(p, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(read, "read_xlsx_sheet", spy)
    frame = read.read_xlsx_file(path, columns=["c", "d"])
    assert asked == [[2, 3]]
    assert frame.columns == [read.ROW_COL, "c", "d"]
    assert frame["c"].to_list() == ["2", "#VALUE!"] and frame["d"].to_list() == ["3", "4"]
    whole = read.read_xlsx_file(path)
    assert whole["a"].to_list() == ["x", "#N/A"] and whole["c"].to_list() == ["2", "#VALUE!"]


SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "fixtures" / "external"


def test_real_workbooks_header_rows_read_ahead_as_the_reader_reads_them() -> None:
    """Every real-world XLSX fixture: its header row from the XML equals the reader's."""
    books = sorted(SHARED.glob("*/*.xlsx")) if SHARED.is_dir() else []
    if not books:
        pytest.skip("no external XLSX fixtures")
    import fastexcel

    quick = 0
    for book in books:
        reader = fastexcel.read_excel(str(book))
        sheet = read.pick_sheet(reader.sheet_names)
        assert sheet is not None
        names = tuple(c.name for c in reader.load_sheet(sheet, dtypes="string").available_columns())
        ahead = read.quick_headers(book, sheet)
        assert ahead in (None, names), book.name
        quick += ahead is not None
    assert quick  # the real exports take the quick reading


def _with_dimension(path: Path, ref: str) -> Path:
    """The workbook with its sheet's dimension rewritten (as a writer that got it wrong)."""
    import re
    import zipfile

    out = path.with_name("stale_" + path.name)
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                data = re.sub(rb'<dimension ref="[^"]*"', f'<dimension ref="{ref}"'.encode(), data)
            dst.writestr(item, data)
    return out


def test_cells_right_of_a_stale_dimension_are_nameless_columns(tmp_path: Path) -> None:
    path = _with_dimension(_sheet(tmp_path / "w.xlsx", [["a", "b"], [1, 2, 3]]), "A1:B2")
    assert read.quick_headers(path, "Main Report") == ("a", "b")
    assert _reader_names(path) == ("a", "b", "__UNNAMED__2")
    assert read.read_xlsx_file(path, columns=["b"])["b"].to_list() == ["2"]
    assert read.read_xlsx_file(path).columns == [read.ROW_COL, "a", "b", "__UNNAMED__2"]


def test_a_header_row_read_otherwise_is_one_clear_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _sheet(tmp_path / "w.xlsx", [["a", "b"], [1, 2]])
    monkeypatch.setattr(read, "quick_headers", lambda p, s: ("a", "c"))
    with pytest.raises(read.XlsxError) as info:
        read.read_xlsx_file(path, columns=["a"])
    assert "\n" not in str(info.value) and "header row reads differently" in str(info.value)
