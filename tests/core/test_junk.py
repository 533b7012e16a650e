"""Nothing is lost silently: junk rows are set aside or rejected with file, row, column, reason."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest

from tests.core.helpers import HEADER, row, scan, write_csv

AS_OF = date(2026, 4, 20)


def _conserved(export) -> None:
    assert export.rows_read == export.rows_used + export.set_aside.height + export.rejected.height


def test_planted_junk(tmp_path: Path) -> None:
    rows = [
        row("SP7-0000001-4", 1),
        HEADER,  # repeated header inside the file
        ["SP7-0000001-4", "", "", "", "", "", "1,234", "", "", "", ""],  # entry-level roll-up
        [""] * len(HEADER),  # blank
        row("SP7-0000002-2", 1, ieepa="N/A"),
        row("SP7-0000003-0", 1, value="#VALUE!"),
        row("3.16123E+10", 1),
        row("SP7-0000004-8", 1),
        row("SP7-0000004-8", 1, ch99="9903.80.01", ieepa="$ten"),  # poisons line 1 of entry 4
        ["Grand Total", "", "", "", "", "", "", "", "99,999.00", "", ""],
    ]
    export, lines, summary = scan([write_csv(tmp_path / "junk.csv", rows)], AS_OF)
    _conserved(export)
    assert lines.get_column("entry_number").to_list() == ["SP7-0000001-4"]
    reasons = dict(export.set_aside.select("source_row", "reason").iter_rows())
    assert reasons[3] == "repeated header row"
    assert "roll-up" in reasons[4]
    assert reasons[5] == "blank row"
    assert "totals" in reasons[11]
    rej = {r["source_row"]: r for r in export.rejected.iter_rows(named=True)}
    assert rej[6]["column"] == "IEEPA Duty Paid" and rej[6]["value"] == "N/A"
    assert rej[6]["reason"] == "not money"
    assert rej[7]["column"] == "Entered Value" and rej[7]["value"] == "#VALUE!"
    assert "scientific notation" in rej[8]["reason"]
    assert rej[9]["reason"] == "same line as rejected row 10"
    assert rej[10]["value"] == "$ten"
    assert all(r["source_file"].endswith("junk.csv") for r in rej.values())
    assert "SP7-0000002-2" in rej[6]["raw"]
    doc = summary.to_json()
    assert doc["rows_rejected"] == 5 and doc["rows_set_aside"] == 4 and doc["rows_read"] == 10


def test_orphan_chapter99_row_in_legacy_layout(tmp_path: Path) -> None:
    header = ["Entry No", "HTS", "COO", "Entered Value", "EstDuty", "Liq Status"]
    rows = [
        ["SP700000014", "99030125", "", "", "10.00", "UNL"],  # belongs to the commodity row below
        ["SP700000014", "8479899499", "CHN", "100.00", "0.00", "UNL"],
        ["SP700000014", "99030125", "", "", "10.00", "UNL"],
    ]
    export, lines, _ = scan([write_csv(tmp_path / "l.csv", rows, header)], AS_OF)
    _conserved(export)
    assert lines.height == 1 and lines.get_column("ieepa_duty_cents").to_list() == [1000]
    # the file opens with a 9903 row: read as Chapter 99 first (CBP order), the last row is orphan
    assert "no commodity row below" in export.rejected.get_column("reason")[0]
    assert "ch99_order" in [w.code for w in export.notices]


def test_rollup_only_file_is_called_out(tmp_path: Path) -> None:
    header = ["Entry Number", "HTS Number", "Est. Duty"]
    rows = [["SP7-0000001-4", "", "1,234"], ["SP7-0000002-2", "", "567"]]
    _export, lines, summary = scan([write_csv(tmp_path / "r.csv", rows, header)], AS_OF)
    assert lines.height == 0
    assert "rollup_only" in [w.code for w in summary.warnings]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("Entry Number,Amount\nSP7-0000001-4,5\n", "cannot find required column"),
        ("", "empty"),
    ],
)
def test_unusable_files_raise_one_line(tmp_path: Path, content: str, message: str) -> None:
    from itrac_tui.core.errors import InputError

    p = tmp_path / "bad.csv"
    p.write_text(content)
    with pytest.raises(InputError, match=message) as info:
        scan([p], AS_OF)
    assert "\n" not in str(info.value)
    assert str(p) in str(info.value)


def test_missing_liquidation_columns_send_to_review(tmp_path: Path) -> None:
    header = ["Entry Number", "HTS Number", "Chapter 99 HTS", "IEEPA Duty Paid"]
    rows = [["SP7-0000001-4", "8479899499", "9903.01.25", "10.00"]]
    export, lines, summary = scan([write_csv(tmp_path / "n.csv", rows, header)], AS_OF)
    assert lines.get_column("pathway").to_list() == ["review"]
    assert not export.has_liquidation
    msg = next(w.message for w in summary.warnings if w.code == "no_liquidation_columns")
    assert "Liquidation Status" in msg


def test_explicit_and_saved_mapping(tmp_path: Path) -> None:
    from itrac_tui.core.load import load_export
    from itrac_tui.core.rules import load_rules
    from itrac_tui.store import save_mapping, saved_mapping

    header = ["Ref", "Tariff", "Extra Duty Code", "Extra Duty", "Status"]
    rows = [["SP7-0000001-4", "8479899499", "9903.01.25", "10.00", "UNL"]]
    p = write_csv(tmp_path / "m.csv", rows, header)
    mapping = {
        "entry_number": "Ref",
        "hts": "Tariff",
        "ch99_hts": "Extra Duty Code",
        "ieepa_duty": "Extra Duty",
        "liquidation_status": "Status",
    }
    export = load_export([p], load_rules(), mapping=mapping)
    assert export.lines.get_column("ieepa_duty_cents").to_list() == [1000]
    save_mapping(mapping)
    export = load_export([p], load_rules(), saved=saved_mapping())  # applies next time
    assert export.lines.height == 1 and export.layout == "same_row"


def test_cells_are_kept_verbatim(tmp_path: Path) -> None:
    header = [*HEADER, "Description"]
    rows = [[*row(), "[bold]x[/] =cmd|' /C calc'!A0 \x1b[31mred"]]
    _, lines, _ = scan([write_csv(tmp_path / "i.csv", rows, header)], AS_OF)
    assert lines.get_column("Description")[0].startswith("[bold]x[/]")
    assert lines.filter(pl.col("Description").str.contains("\x1b", literal=True)).height == 1
