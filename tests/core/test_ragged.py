"""A row that an unquoted comma (`$1,234.56`) has made one field longer is rejected whole in
every reading, also when its last field is blank (polars reads that extra field as missing):
whole file, only the decision columns, streamed, lazily for the TUI, and in an AP file."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest

from itrac_tui.core import stream
from itrac_tui.core.classify import classify
from itrac_tui.core.load import load_export
from itrac_tui.core.read import RAGGED_REASON, extra_fields, overlong
from itrac_tui.core.rules import load_rules
from itrac_tui.core.summary import summarise

AS_OF = date(2026, 4, 20)
HEAD = (
    "Entry Summary Number,Entry Summary Line Number,Entry Type Code,Entry Date,"
    "Liquidation Status,Liquidation Date,Country of Origin Code,Tariff Ordinal Number,"
    "HTS Number - Full,Line Tariff Goods Value Amount,Line Tariff Duty Amount,"
    "Line Tariff Quantity (1),Line Tariff UOM (1) Code\n"
)
GOOD = [
    "SP7-0000001-4,1,01,04/08/2025,UNL,,IN,1,99030125,$0.00,$700.00,,",
    'SP7-0000001-4,1,01,04/08/2025,UNL,,IN,2,3923900080,"$7,000.00",$21.00,100,NO',
]
# the duty's unquoted thousands comma: one field more, and the last field blank
CUT = [
    "ABC-1234567-6,1,01,04/08/2025,UNL,,IN,1,99030128,$0.00,$1,234.56,,",
    'ABC-1234567-6,1,01,04/08/2025,UNL,,IN,2,3923900080,"$10,000.00",$300.00,100,NO',
]


def _write(path: Path, rows: list[str], end: str = "") -> Path:
    path.write_text(HEAD + "".join(r + end + "\n" for r in rows))
    return path


def _figures(export) -> tuple[str, int, list[str]]:
    lines = classify(export.lines, load_rules(), AS_OF, has_liquidation=export.has_liquidation)
    pool = summarise(lines, AS_OF, export).to_json()["refundable_pool"]
    return pool, export.lines.height, export.rejected.get_column("reason").to_list()


@pytest.mark.parametrize("context", [True, False])
def test_a_row_one_field_longer_is_rejected_with_its_line(tmp_path: Path, context: bool) -> None:
    path = _write(tmp_path / "x.csv", GOOD + CUT)
    pool, lines, reasons = _figures(load_export([path], load_rules(), context=context))
    assert pool == "700.00" and lines == 1
    assert reasons == [RAGGED_REASON, "same line as rejected row 4"]


def test_the_tui_reading_rejects_it_too(tmp_path: Path) -> None:
    path = _write(tmp_path / "x.csv", GOOD + CUT)
    export = load_export([path], load_rules(), lazy_context=True)
    assert _figures(export)[0] == "700.00"
    chunked = load_export([path], load_rules(), lazy_context=True, chunked_min_bytes=0)
    assert _figures(chunked)[0] == "700.00"


def test_the_stream_leaves_it_to_the_whole_file_reading(tmp_path: Path) -> None:
    path = _write(tmp_path / "x.csv", GOOD * 50 + CUT)
    assert stream.streamed_export([path], load_rules(), AS_OF, min_bytes=0) is None
    clean = _write(tmp_path / "clean.csv", GOOD * 50)
    assert stream.streamed_export([clean], load_rules(), AS_OF, min_bytes=0) is not None


def test_a_separator_after_every_row_is_the_files_way(tmp_path: Path) -> None:
    """A writer that ends every row with a separator (one empty field more than the header):
    nothing is rejected; a row cut by a comma there is two fields longer, and is."""
    plain = _figures(load_export([_write(tmp_path / "a.csv", GOOD)], load_rules()))
    ended = _figures(load_export([_write(tmp_path / "b.csv", GOOD, end=",")], load_rules()))
    assert ended == plain == ("700.00", 1, [])
    both = _figures(load_export([_write(tmp_path / "c.csv", GOOD + CUT, end=",")], load_rules()))
    assert both[0] == "700.00" and both[2][0] == RAGGED_REASON


def test_fields_are_counted_with_quotes_and_empty_ones() -> None:
    block = b'1,2,3\n4,5,6,\n7,8,9,10\n11,12\n"x,\ny",2,3\n13,14,15,,\n\n"a""b",c,d\n'
    extra = extra_fields(block, ",", 3)
    assert extra.to_list() == [0, 1, 1, None, 0, 2, None, 0]
    assert overlong(extra).to_list() == [False, True, True, False, False, True, False, False]
    assert overlong(pl.Series([1, 1, 2, 0, 1], dtype=pl.Int8)).to_list() == [
        False,
        False,
        True,
        False,
        False,
    ]


def test_cr_lf_lines_are_counted_and_streamed_alike(tmp_path: Path) -> None:
    """The mark goes before a CR LF (not between CR and LF, where it would end the last cell in
    a CR): the stream reads CR LF lines as LF ones, and a longer row is caught in both."""
    rules = load_rules()
    lf = _write(tmp_path / "lf.csv", GOOD * 50)
    crlf = tmp_path / "crlf.csv"
    crlf.write_bytes(lf.read_bytes().replace(b"\n", b"\r\n"))
    figures = []
    for path in (lf, crlf):
        export = stream.streamed_export([path], rules, AS_OF, min_bytes=0)
        assert export is not None
        figures.append(summarise(export.lines, AS_OF, export).to_json()["pathways"])
    assert figures[0] == figures[1]
    assert extra_fields(b"1,2,3\r\n4,5,6,\r\n", ",", 3).to_list() == [0, 1]
    cut = tmp_path / "cut.csv"
    cut.write_bytes(_write(tmp_path / "x.csv", GOOD + CUT).read_bytes().replace(b"\n", b"\r\n"))
    assert _figures(load_export([cut], rules, context=False))[0] == "700.00"
