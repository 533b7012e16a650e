"""docs/rules.md (§2, §4, §5, §7): flags, reasons in order, deadlines, values, file notices."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import polars as pl
import pytest

from itrac_tui.core.errors import InputError
from itrac_tui.core.model import EXCLUDED_PATHWAYS, REASON_TEXT, REASONS
from itrac_tui.core.summary import earliest_cit_deadline, leaving_phase1_soonest
from itrac_tui.core.views import ViewSpec, apply_view, country_codes
from tests.core.helpers import scan, write_csv

AS_OF = date(2026, 4, 20)
HEADER = [
    "Entry Summary Number",
    "Entry Type Code",
    "Entry Date",
    "Entry Summary Date",
    "Entry Summary Line Number",
    "Country of Origin Code",
    "Tariff Ordinal Number",
    "HTS Number - Full",
    "Line Tariff Goods Value Amount",
    "Line Tariff Duty Amount",
    "Liquidation Status",
    "Liquidation Date",
    "Reconciliation Indicator",
    "Protest Number",
    "Protest Status",
    "Drawback Indicator",
]


def line(
    entry: str = "SP7-0000001-4",
    no: int = 1,
    *,
    etype: str = "01",
    entered: str = "05/02/2025",
    summary: str = "05/14/2025",
    coo: str = "CN",
    status: str = "Unliquidated",
    liq: str = "",
    recon: str = "",
    protest: str = "",
    protest_status: str = "",
    drawback: str = "",
    ieepa: str = "100.00",
    code: str = "99030125",
    hts: str = "8479909596",
    duty: str = "0.00",
) -> list[list[str]]:
    """One line in CBP's order: its Chapter 99 row, then the commodity row."""
    head = [entry, etype, entered, summary, str(no), coo]
    tail = [status, liq, recon, protest, protest_status, drawback]
    return [
        [*head, "1", code, "0.00", ieepa, *tail],
        [*head, "2", hts, "1000.00", duty, *tail],
    ]


def _liq(days_before: int) -> str:
    return (AS_OF - timedelta(days=days_before)).strftime("%m/%d/%Y")


def load(tmp_path: Path, rows: list[list[str]], as_of: date = AS_OF, header=None):
    export, lines, summary = scan([write_csv(tmp_path / "x.csv", rows, header or HEADER)], as_of)
    assert export.rows_read == export.rows_used + export.set_aside.height + export.rejected.height
    return export, lines, summary


@pytest.mark.parametrize(
    ("kwargs", "pathway", "reason"),
    [
        ({"protest": "2704-26-100123", "protest_status": "OPEN"}, "protest", "protest_on_file"),
        ({"protest": "2704-26-100123", "protest_status": "Denied"}, "cape_phase1", "unliquidated"),
        (
            {"protest": "2704-26-100123", "protest_status": "WITHDRAWN"},
            "cape_phase1",
            "unliquidated",
        ),
        ({"protest": "2704-26-100123"}, "protest", "protest_on_file"),  # blank status: on file
        ({"recon": "Y"}, "hold", "recon_flagged"),
        ({"recon": "N"}, "cape_phase1", "unliquidated"),
        ({"recon": "maybe"}, "hold", "recon_flagged"),  # unclear: read as set (and warned)
        ({"drawback": "Y"}, "review", "drawback"),
        ({"drawback": "Y", "protest": "1"}, "review", "drawback"),  # drawback is checked first
        ({"status": "Open", "drawback": "Y"}, "review", "tib_status"),  # TIB before drawback
        ({"etype": "23", "status": "Open"}, "review", "entry_type"),  # entry type first of all
        ({"protest": "1", "recon": "Y"}, "protest", "protest_on_file"),  # protest before recon
        ({"recon": "Y", "status": "Pending"}, "hold", "recon_flagged"),
        ({"status": "Suspended"}, "cape_phase1", "suspended"),
        ({"status": "Extended"}, "cape_phase1", "extended"),
        ({"status": "Under Review"}, "cape_phase1", "under_review"),
    ],
)
def test_flags_in_the_order_of_section_7(
    tmp_path: Path, kwargs: dict, pathway: str, reason: str
) -> None:
    _, lines, _ = load(tmp_path, line(**kwargs))
    assert lines.select("pathway", "reason").row(0) == (pathway, reason)


def test_recon_accepted_from_2026_06_29_for_types_01_02_06(tmp_path: Path) -> None:
    rows = line("SP7-0000001-4", recon="Y") + line("SP7-0000002-2", recon="Y", etype="03")
    late = date(2026, 7, 1)
    _, lines, _ = load(tmp_path, rows, as_of=late)
    assert lines.get_column("reason").to_list() == ["unliquidated", "recon_flagged"]
    _, before, _ = load(tmp_path, rows, as_of=date(2026, 6, 28))
    assert before.get_column("reason").to_list() == ["recon_flagged", "recon_flagged"]


def test_contradictory_flags_are_counted(tmp_path: Path) -> None:
    rows = (
        line("SP7-0000001-4", protest="2704-26-1")
        + line("SP7-0000002-2", recon="maybe")
        + line("SP7-0000003-0", drawback="?")
    )
    export, lines, summary = load(tmp_path, rows)
    counts = {w.code: w.count for w in summary.warnings}
    assert counts["protest_status_blank"] == 1
    assert counts["unclear_flag"] == 2
    assert lines.height == 3 and export.rejected.height == 0


def test_suspended_pathway_hold(tmp_path: Path) -> None:
    from itrac_tui.core.classify import classify
    from itrac_tui.core.load import load_export
    from itrac_tui.core.rules import load_rules

    override = tmp_path / "rules.toml"
    override.write_text('[pathways]\nsuspended_pathway = "hold"\n')
    rules = load_rules(override)
    p = write_csv(tmp_path / "x.csv", line(status="SUS"), HEADER)
    lines = classify(load_export([p], rules).lines, rules, AS_OF)
    assert lines.select("pathway", "reason").row(0) == ("hold", "suspended")
    override.write_text('[pathways]\nsuspended_pathway = "protest"\n')
    with pytest.raises(InputError, match="suspended_pathway"):
        load_rules(override)


def test_deadlines_and_days_left_to_the_lines_own(tmp_path: Path) -> None:
    rows = (
        line("SP7-0000001-4", status="LIQ", liq=_liq(75))  # Phase 1, 5 days left: cliff
        + line("SP7-0000002-2", status="RLQ", liq=_liq(10))  # RLQ in Phase 1
        + line("SP7-0000003-0", status="LIQ", liq=_liq(100))  # protest
        + line("SP7-0000004-8", status="LIQ", liq=_liq(300), summary="")  # CIT from entry date
        + line("SP7-0000005-5")  # unliquidated: no deadline of its own
    )
    _, lines, summary = load(tmp_path, rows)
    got = lines.select(
        "pathway", "phase1_until", "protest_deadline", "cit_deadline", "days_left"
    ).rows()
    liq75 = AS_OF - timedelta(days=75)
    liq100 = AS_OF - timedelta(days=100)
    liq300 = AS_OF - timedelta(days=300)
    assert got[0] == (
        "cape_phase1",
        liq75 + timedelta(days=80),
        liq75 + timedelta(days=180),
        date(2027, 5, 14),
        5,
    )
    assert got[2] == ("protest", None, liq100 + timedelta(days=180), date(2027, 5, 14), 80)
    assert got[3] == ("cit", None, liq300 + timedelta(days=180), date(2027, 5, 2), 377)
    assert got[4] == ("cape_phase1", None, None, date(2027, 5, 14), None)
    warned = dict(zip(lines["entry_number"], lines["warnings"].to_list(), strict=True))
    assert "phase1_cliff" in warned["SP7-0000001-4"]
    assert warned["SP7-0000002-2"] == ["rlq_phase1"]
    counts = {w.code: w.count for w in summary.warnings}
    assert counts["phase1_cliff"] == 1 and counts["rlq_phase1"] == 1
    soon = leaving_phase1_soonest(lines)
    assert soon.get_column("entry_number").to_list() == ["SP7-0000001-4", "SP7-0000002-2"]
    assert earliest_cit_deadline(lines) == date(2027, 5, 2)


def test_ieepa_outside_the_collection_window(tmp_path: Path) -> None:
    rows = (
        line("SP7-0000001-4", entered="01/15/2025")
        + line("SP7-0000002-2", entered="03/01/2026")
        + line("SP7-0000003-0", entered="03/01/2026", ieepa="0.00")  # $0: nothing to warn
        + line("SP7-0000004-8", entered="02/23/2026")  # last day of the window
    )
    _, lines, summary = load(tmp_path, rows)
    flagged = lines.filter(pl.col("warnings").list.contains("ieepa_outside_window"))
    assert flagged.get_column("entry_number").to_list() == ["SP7-0000001-4", "SP7-0000002-2"]
    assert summary.refundable_pool_cents == 30_000  # kept in the math


def test_free_zero_words_and_excel_text_wrappers(tmp_path: Path) -> None:
    rows = line(duty="FREE") + line("SP7-0000002-2", ieepa=" free ")
    rows += [['="SP700000030"', '="01"', *r[2:]] for r in line("x", ieepa="1.00")]
    rows[-2][7] = '="99030125"'
    rows[-1][9] = '="12.34"'
    export, lines, _ = load(tmp_path, rows)
    assert export.rejected.height == 0
    assert lines.get_column("entry_number").to_list()[-1] == "SP7-0000003-0"
    assert lines.get_column("line_duty_cents").to_list() == [0, 0, 1234]
    assert lines.get_column("ieepa_duty_cents").to_list() == [10_000, 0, 100]
    assert lines.get_column("pathway").to_list()[1] == "zero_duty"


@pytest.mark.parametrize("cell", ["8471.30.0100; 8542.31.0001", "84713001001", "8471.30/8542.31"])
def test_hts_with_two_codes_or_too_many_digits_is_rejected(tmp_path: Path, cell: str) -> None:
    rows = line() + line("SP7-0000002-2", hts=cell)
    export, lines, _ = load(tmp_path, rows)
    assert lines.height == 1
    bad = export.rejected.sort("source_row").row(1, named=True)  # the commodity row
    assert "more than 10 digits or two codes" in bad["reason"] and export.rejected.height == 2
    assert bad["column"] == "HTS Number - Full" and bad["value"] == cell


def test_alpha3_countries_in_every_filter(tmp_path: Path) -> None:
    assert country_codes(["CHN", "mx", "Viet Nam", "CN"]) == ("CN", "MX", "VN")
    with pytest.raises(InputError, match="unknown country 'ZZZ'"):
        country_codes(["ZZZ"])
    rows = line() + line("SP7-0000002-2", coo="VNM")
    _, lines, _ = load(tmp_path, rows)
    assert apply_view(lines, ViewSpec(countries=("CHN",))).height == 1
    assert apply_view(lines, ViewSpec(countries=("VN",))).get_column("country_raw")[0] == "VNM"


def test_no_chapter99_anywhere_is_called_out(tmp_path: Path) -> None:
    rows = [r for r in line() if not r[7].startswith("99")]
    _export, lines, summary = load(tmp_path, rows)
    notes = [w for w in summary.warnings if w.code == "no_ch99_in_file"]
    assert len(notes) == 1 and "pull ES-003" in notes[0].message
    assert lines.get_column("pathway").to_list() == ["not_ieepa"]


def test_ordinal_restart_starts_a_new_line_without_line_numbers(tmp_path: Path) -> None:
    header = [h for h in HEADER if h != "Entry Summary Line Number"]
    rows = [r[:4] + r[5:] for r in line(no=1, ieepa="1.00") + line(no=2, ieepa="2.00")]
    _, lines, _ = load(tmp_path, rows, header=header)
    assert lines.select("line_no", "ieepa_duty_cents").rows() == [(1, 100), (2, 200)]


def test_every_reason_is_explained() -> None:
    assert set(REASON_TEXT) == set(REASONS)
    assert set(EXCLUDED_PATHWAYS) <= set(REASONS)
    assert all(text.endswith(".") for text in REASON_TEXT.values())


def test_chapter99_rows_without_their_line_number_join_the_commodity_row_below(
    tmp_path: Path,
) -> None:
    rows = line(no=1, ieepa="1.00") + line(no=2, ieepa="2.00")
    for r in rows[0::2]:  # the Chapter 99 rows (CBP order: first) lose their line number
        r[4] = ""
    export, lines, _ = load(tmp_path, rows)
    assert lines.select("line_no", "ieepa_duty_cents").rows() == [(1, 100), (2, 200)]
    assert export.rejected.height == 0
