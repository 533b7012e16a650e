"""The spec's worked example (docs/rules.md §7), as of 2026-04-20: the seed of the golden test."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from tests.core.helpers import scan

AS_OF = date(2026, 4, 20)


def test_worked_example_totals(data_dir: Path) -> None:
    export, _lines, summary = scan([data_dir / "worked_example.csv"], AS_OF)
    doc = summary.to_json()
    assert doc["lines"] == 3
    assert doc["entries"] == 3
    # no entry dates in the example: the interest estimate (§10) is nil
    assert doc["pathways"]["cape_phase1"] == {
        "lines": 1,
        "entries": 1,
        "ieepa_duty": "24850.00",
        "reasons": {"liquidated_recently": 1},
        "interest_estimate": "0.00",
    }
    assert doc["pathways"]["cit"] == {
        "lines": 1,
        "entries": 1,
        "ieepa_duty": "8720.00",
        "reasons": {"protest_window_closed": 1},
        "interest_estimate": "0.00",
    }
    assert doc["pathways"]["protest"]["reasons"] == {}
    assert doc["refundable_pool"] == "33570.00"
    assert doc["excluded"]["stacked_zero"] == {"lines": 1}
    assert {w["code"]: w["count"] for w in doc["warnings"]}["check_digit"] == 3
    assert export.rows_read == 4 and export.rejected.height == 0


def test_worked_example_lines(data_dir: Path) -> None:
    _, lines, _ = scan([data_dir / "worked_example.csv"], AS_OF)
    got = lines.select("entry_number", "pathway", "days_since_liquidation").rows()
    assert got == [
        ("ABC-1234567-8", "cape_phase1", 64),
        ("ABC-1234568-6", "stacked_zero", None),
        ("ABC-1234569-4", "cit", 220),
    ]
    first = lines.row(0, named=True)
    assert first["phase1_until"] == date(2026, 5, 6)
    assert first["days_left"] == 16  # to its own deadline, phase1_until
    assert first["reason"] == "liquidated_recently"
    assert first["protest_deadline"] == date(2026, 8, 14)
    second = lines.row(1, named=True)
    assert second["ch99_codes"] == ["9903.01.10", "9903.80.01"]
    assert second["ch99_programs"] == ["ieepa_fentanyl", "section_232"]
    assert second["total_duty_cents"] == 15_300_000


def test_bundled_worked_example_matches(data_dir: Path) -> None:
    from itrac_tui.resources import data_dir as shipped

    bundled = shipped("sample_exports") / "worked_example.csv"
    if not bundled.exists():  # written by the sample-data work
        return
    _, lines, summary = scan([bundled], AS_OF)
    doc = summary.to_json()
    assert doc["refundable_pool"] == "33570.00"
    assert doc["pathways"]["cape_phase1"]["ieepa_duty"] == "24850.00"
    assert doc["pathways"]["cit"]["ieepa_duty"] == "8720.00"
    assert lines.get_column("phase1_until").to_list()[0] == date(2026, 5, 6)
