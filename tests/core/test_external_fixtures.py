"""Real-world exports (the shared fixtures, each with its PROVENANCE.md) read as docs/rules.md
says; skipped when the shared folder is absent."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

from itrac_tui.core.errors import MissingColumns
from tests.core.helpers import scan

EXTERNAL = Path(__file__).resolve().parents[2] / ".." / "shared" / "fixtures" / "external"
AS_OF = date(2026, 4, 20)
STEVENCHEN = (
    "es003_from_7501_default_columns.csv",
    "es003_from_7501_unliquidated.csv",
    "es003_from_7501_no_line_number_ch99_first.csv",
    "same_row_from_7501.csv",
    "es003_from_7501_typed.xlsx",
)


def fixture(*parts: str) -> Path:
    path = EXTERNAL.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared fixture not available: {'/'.join(parts)}")
    return path


def _cents(text: str) -> int:
    return int(Decimal(text) * 100)


def _load(path: Path):
    export, lines, summary = scan([path], AS_OF)
    assert export.rows_read == export.rows_used + export.set_aside.height + export.rejected.height
    return export, lines, summary.to_json()


def _reasons(lines: pl.DataFrame, entry: str) -> set[tuple[str, str]]:
    picked = lines.filter(pl.col("entry_number") == entry).select("pathway", "reason")
    return set(picked.rows())


@pytest.mark.parametrize("name", STEVENCHEN)
def test_stevenchen_every_layout_line_by_line(name: str) -> None:
    expected = json.loads(fixture("stevenchen-7501", "expected.json").read_text())
    export, lines, doc = _load(fixture("stevenchen-7501", name))
    assert export.rejected.height == 0
    assert doc["lines"] == 17 and doc["refundable_pool"] == "54233.30"
    got = {(r["entry_number"], str(r["line_no"])): r for r in lines.iter_rows(named=True)}
    want = {
        (entry, no): ln
        for entry, body in expected["entries"].items()
        for no, ln in body["lines"].items()
    }
    assert set(got) == set(want)
    for key, ln in want.items():
        row = got[key]
        assert row["hts"] == ln["hts"], key
        assert row["entered_value_cents"] == _cents(ln["entered_value"]), key
        assert row["ch99_codes"] == ln["ch99"], key
        assert row["ieepa_duty_cents"] == _cents(ln["ieepa_duty"]), key
        assert row["total_duty_cents"] == _cents(ln["line_total_duty"]), key
    if "default_columns" in name or "same_row" in name:  # no liquidation columns
        assert doc["pathways"]["review"]["reasons"] == {"no_liquidation_columns": 17}
    else:
        assert doc["pathways"]["cape_phase1"]["reasons"] == {"unliquidated": 17}


def test_stevenchen_without_line_numbers_reads_the_ordinal_restarts() -> None:
    export, _, doc = _load(
        fixture("stevenchen-7501", "es003_from_7501_no_line_number_ch99_first.csv")
    )
    assert export.rejected.height == 0 and doc["rows_read"] == 64


def test_capeview_protest_and_recon_stay_out_of_phase1() -> None:
    _, lines, doc = _load(fixture("capeview", "es003_protest_and_recon_flags.csv"))
    assert _reasons(lines, "MYK-2800086-4") == {("protest", "protest_on_file")}
    assert _reasons(lines, "MYK-2810263-7") == {("hold", "recon_flagged")}
    assert doc["pathways"]["protest"]["reasons"] == {"protest_on_file": 2}
    assert doc["pathways"]["hold"]["reasons"] == {"recon_flagged": 1}
    phase1 = lines.filter(pl.col("pathway") == "cape_phase1")
    assert not {"MYK-2800086-4", "MYK-2810263-7"} & set(phase1["entry_number"])


def test_capeview_free_duty_text_rejects_nothing() -> None:
    export, lines, _ = _load(fixture("capeview", "es003_free_duty_text.csv"))
    assert export.rejected.height == 0
    assert lines.get_column("line_duty_cents").to_list()[0] == 0
    assert lines.get_column("ieepa_duty_cents").sum() == 1_020_310


def test_capeview_status_words() -> None:
    _, lines, _ = _load(fixture("capeview", "es003_status_words.csv"))
    assert _reasons(lines, "MYK-2800086-4") == {("cape_phase1", "under_review")}
    assert _reasons(lines, "MYK-2810263-7") == {("hold", "adcvd_pending")}
    assert _reasons(lines, "MYK-2810064-9") == {("cit", "protest_window_closed")}
    assert _reasons(lines, "MYK-2810306-4") == {("cape_phase1", "liquidated_recently")}
    assert _reasons(lines, "MYK-2810374-2") == {("cape_phase1", "unliquidated")}


@pytest.mark.parametrize(
    "name", ["es003_excel_text_wrapped.csv", "es003_numeric_entry_numbers.xlsx"]
)
def test_capeview_excel_damage(name: str) -> None:
    export, lines, doc = _load(fixture("capeview", name))
    assert export.rejected.height == 0
    assert doc["lines"] == 3 and doc["refundable_pool"] == "10265.50"
    if name.endswith(".csv"):
        assert lines.get_column("entry_number").unique().sort().to_list() == [
            "MYK-2800086-4",
            "MYK-2810263-7",
        ]
        assert lines.get_column("hts").to_list()[0] == "8479.90.9596"


def test_klearnow_ieepa_outside_window_is_warned() -> None:
    _, lines, doc = _load(fixture("klearnow-tariff", "es003_ieepa_outside_window.csv"))
    counts = {w["code"]: w["count"] for w in doc["warnings"]}
    assert counts["ieepa_outside_window"] == 2
    flagged = lines.filter(pl.col("warnings").list.contains("ieepa_outside_window"))
    assert sorted(flagged["entry_number"]) == ["BII-0000002-6", "BII-0000004-2"]
    assert doc["refundable_pool"] == "1850.00"  # kept in the math


def test_klearnow_valid_entry_numbers() -> None:
    _, lines, _ = _load(fixture("klearnow-tariff", "es003_test_valid_entry_numbers.csv"))
    assert lines.select("entry_number", "pathway", "ieepa_duty_cents").rows() == [
        ("BII-0000001-8", "review", 85_000),
        ("BII-0000002-6", "zero_duty", 0),
    ]


def test_filingportal_line_level_has_no_chapter99() -> None:
    _, lines, doc = _load(fixture("filingportal-ace-report", "ace_main_report_line_level.xlsx"))
    assert doc["warnings"][0]["code"] == "no_ch99_in_file"  # first: the prominent one
    assert "pull ES-003" in doc["warnings"][0]["message"]
    assert lines.get_column("pathway").to_list() == ["not_ieepa", "not_ieepa"]


@pytest.mark.parametrize(
    "parts",
    [
        ("fintella-tariff-partner-portal", "csv_upload_entry_level.csv"),
        ("lisovet-tariff-refund-request", "ace_entry_level_test.csv"),
    ],
)
def test_entry_level_files_are_called_out(parts: tuple[str, str]) -> None:
    with pytest.raises(MissingColumns, match="entry-level summary"):
        scan([fixture(*parts)], AS_OF)


def test_dotted_generic_file() -> None:
    _, _, doc = _load(fixture("ieepa-refund-tool", "generic_dotted_from_7501.csv"))
    assert doc["lines"] == 17 and doc["refundable_pool"] == "54233.30"


def test_capeview_workbook_main_report_sheet() -> None:
    _, _, doc = _load(fixture("capeview", "cape_estimate_workbook.xlsx"))
    assert doc["lines"] == 4
    assert doc["pathways"]["hold"]["reasons"] == {"adcvd_pending": 1}
