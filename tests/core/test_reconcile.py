"""Reconciliation (spec §9): AP reading, ITRAC roll-up, statuses, to the cent."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from itrac_tui.core import normalise
from itrac_tui.core.ap import (
    ap_headers,
    detect_ap_columns,
    parse_money_column,
    read_ap,
)
from itrac_tui.core.errors import InputError
from itrac_tui.core.read import RAGGED_REASON
from itrac_tui.core.reconcile import (
    STATUSES,
    entry_detail,
    filter_entries,
    itrac_rollup,
    parse_tolerance,
    reconcile,
    write_reconciliation_csv,
)
from itrac_tui.store import load_ap_mapping, save_ap_mapping

DATA = Path(__file__).resolve().parents[1] / "data" / "reconcile"


def fixture_lines() -> pl.DataFrame:
    """The hand-written lines frame (see tests/data/reconcile/README.md)."""
    return pl.read_csv(
        DATA / "itrac_lines.csv",
        schema_overrides={"total_duty_cents": pl.Int64, "ieepa_duty_cents": pl.Int64},
    )


def load_itrac(name: str) -> pl.DataFrame:
    """An ITRAC fixture loaded and classified by the core."""
    from itrac_tui.core.classify import classify
    from itrac_tui.core.load import load_export
    from itrac_tui.core.rules import load_rules

    rules = load_rules()
    export = load_export([DATA / name], rules)
    return classify(export.lines, rules, date(2026, 4, 20))


# --- ITRAC roll-up ------------------------------------------------------------------------------


def test_rollup_per_entry() -> None:
    got = itrac_rollup(fixture_lines())
    expected = pl.DataFrame(
        {
            "entry_number": [
                "ABC-1234567-6",
                "ABC-1234568-4",
                "ABC-1234569-2",
                "ABC-1234570-0",
                "ABC-1234571-8",
                "ABC-1234573-4",
            ],
            "lines": [2, 1, 2, 1, 1, 1],
            "total_duty_cents": [123456, 70000, 100000, 30000, 8800, 10000],
            "ieepa_duty_cents": [10000, 35000, 40000, 12345, 0, 10000],
        }
    )
    assert_frame_equal(got, expected)


def test_rollup_skips_lines_without_entry_number() -> None:
    lines = pl.DataFrame(
        {
            "entry_number": ["ABC-1234567-6", None],
            "total_duty_cents": [100, 5],
            "ieepa_duty_cents": [1, 1],
        }
    )
    assert itrac_rollup(lines)["entry_number"].to_list() == ["ABC-1234567-6"]


@pytest.mark.parametrize("name", ["itrac_same_row.csv", "itrac_separate.csv"])
def test_same_row_layout_counts_repeated_line_duty_once(name: str) -> None:
    """A same-row line with two Ch99 codes repeats its $250.00 / $0.01 duty: counted once."""
    lines = load_itrac(name)
    got = itrac_rollup(lines).select("entry_number", "total_duty_cents", "ieepa_duty_cents")
    expected = pl.DataFrame(
        {
            "entry_number": ["ABC-1234567-6", "ABC-1234568-4"],
            "total_duty_cents": [386234, 125001],
            "ieepa_duty_cents": [110000, 0],
        }
    )
    assert_frame_equal(got, expected)
    rec = reconcile(lines, read_ap(DATA / "ap_same_row.csv"))
    assert rec.counts == {
        "matched": 2,
        "mismatched": 0,
        "missing_in_ap": 0,
        "missing_in_itrac": 0,
    }


def test_loaded_export_rolls_up_like_the_hand_written_frame() -> None:
    got = itrac_rollup(load_itrac("itrac_basic.csv"))
    assert_frame_equal(got, itrac_rollup(fixture_lines()))


# --- statuses -----------------------------------------------------------------------------------


def test_each_status_to_the_cent() -> None:
    rec = reconcile(fixture_lines(), read_ap(DATA / "ap_basic.csv"))
    got = rec.entries.select(
        "entry_number", "status", "itrac_cents", "ap_cents", "delta_cents", "ap_rows"
    )
    expected = pl.DataFrame(
        {
            "entry_number": [
                "ABC-1234567-6",
                "ABC-1234568-4",
                "ABC-1234569-2",
                "ABC-1234570-0",
                "ABC-1234571-8",
                "ABC-1234572-6",
                "ABC-1234573-4",
            ],
            "status": [
                "matched",
                "matched",
                "mismatched",
                "mismatched",
                "missing_in_ap",
                "missing_in_itrac",
                "mismatched",
            ],
            "itrac_cents": [123456, 70000, 100000, 30000, 8800, None, 10000],
            "ap_cents": [123456, 70000, 99999, 30005, None, 4242, 20000],
            "delta_cents": [0, 0, -1, 5, -8800, 4242, 10000],
            "ap_rows": [1, 3, 1, 2, 0, 1, 2],
        }
    )
    assert_frame_equal(got, expected)
    assert rec.entries["duplicate_documents"].to_list() == [0, 0, 0, 0, 0, 0, 1]


def test_json_shape_exactly() -> None:
    rec = reconcile(fixture_lines(), read_ap(DATA / "ap_basic.csv"))
    assert rec.to_json() == {
        "measure": "total_duty",
        "tolerance": "0.00",
        "entries": {"matched": 2, "mismatched": 3, "missing_in_ap": 1, "missing_in_itrac": 1},
        "itrac_total": "3422.56",
        "ap_total": "3477.02",
        "mismatch_delta": "100.04",
        "ap_rows_rejected": 0,
        "duplicate_ap_documents": 1,
        "ap_amounts_rounded": 0,
    }
    assert list(rec.to_json()) == [
        "measure",
        "tolerance",
        "entries",
        "itrac_total",
        "ap_total",
        "mismatch_delta",
        "ap_rows_rejected",
        "duplicate_ap_documents",
        "ap_amounts_rounded",
    ]


def test_per_status_totals_add_up() -> None:
    rec = reconcile(fixture_lines(), read_ap(DATA / "ap_basic.csv"))
    t = rec.totals
    assert (t["matched"].itrac_cents, t["matched"].ap_cents) == (193456, 193456)
    assert (t["mismatched"].itrac_cents, t["mismatched"].ap_cents) == (140000, 150004)
    assert t["mismatched"].delta_cents == rec.mismatch_delta_cents == 10004
    assert (t["missing_in_ap"].itrac_cents, t["missing_in_ap"].delta_cents) == (8800, -8800)
    assert (t["missing_in_itrac"].ap_cents, t["missing_in_itrac"].delta_cents) == (4242, 4242)
    assert sum(x.itrac_cents for x in t.values()) == rec.itrac_total_cents == 342256
    assert sum(x.ap_cents for x in t.values()) == rec.ap_total_cents == 347702
    assert rec.net_delta_cents == sum(x.delta_cents for x in t.values()) == 5446


@pytest.mark.parametrize(
    ("tolerance", "matched", "mismatched", "delta"),
    [(0, 2, 3, "100.04"), (1, 3, 2, "100.05"), (4, 3, 2, "100.05"), (5, 4, 1, "100.00")],
)
def test_tolerance_in_cents(tolerance: int, matched: int, mismatched: int, delta: str) -> None:
    rec = reconcile(fixture_lines(), read_ap(DATA / "ap_basic.csv"), tolerance_cents=tolerance)
    assert (rec.counts["matched"], rec.counts["mismatched"]) == (matched, mismatched)
    assert rec.to_json()["mismatch_delta"] == delta
    assert rec.to_json()["tolerance"] == f"0.{tolerance:02d}"


def test_negative_tolerance_and_unknown_measure_are_errors() -> None:
    ap = read_ap(DATA / "ap_basic.csv")
    with pytest.raises(InputError):
        reconcile(fixture_lines(), ap, tolerance_cents=-1)
    with pytest.raises(InputError, match="measure"):
        reconcile(fixture_lines(), ap, measure="duty")


def test_ieepa_measure_uses_the_ieepa_column() -> None:
    ap = read_ap(DATA / "ap_ieepa.tsv")
    assert ap.mapping == {
        "entry_number": "Entry Number",
        "amount": "Total Duty",
        "ieepa_amount": "IEEPA Duty",
        "document": "Invoice",
    }
    total = reconcile(fixture_lines(), ap)
    ieepa = reconcile(fixture_lines(), ap, measure="ieepa_duty")
    for rec in (total, ieepa):
        assert rec.counts == {
            "matched": 3,
            "mismatched": 0,
            "missing_in_ap": 3,
            "missing_in_itrac": 0,
        }
    assert ieepa.to_json()["itrac_total"] == "1073.45"
    assert ieepa.to_json()["ap_total"] == "850.00"
    assert ieepa.ap_measure_column == "IEEPA Duty"
    assert total.to_json()["ap_total"] == "2934.56"


def test_ieepa_measure_without_ieepa_column_compares_the_amount_and_says_so() -> None:
    rec = reconcile(fixture_lines(), read_ap(DATA / "ap_basic.csv"), measure="ieepa_duty")
    assert rec.ap_measure_column == "Duty Paid"
    assert any("no separate IEEPA column" in n for n in rec.notes)


# --- reading AP ---------------------------------------------------------------------------------


def test_split_invoices_credits_and_entry_spellings() -> None:
    ap = read_ap(DATA / "ap_basic.csv")
    assert ap.mapping == {
        "entry_number": "Entry No",
        "amount": "Duty Paid",
        "document": "Invoice No",
    }
    got = ap.rows.select("source_row", "entry_number", "amount_cents", "document")
    assert got.rows() == [
        (2, "ABC-1234567-6", 123456, "INV-1001"),
        (3, "ABC-1234568-4", 50000, "INV-1002"),  # no dashes
        (4, "ABC-1234568-4", 25000, "INV-1003"),
        (5, "ABC-1234568-4", -5000, "CM-1004"),  # lower case, ($50.00)
        (6, "ABC-1234569-2", 99999, "INV-1005"),
        (7, "ABC-1234570-0", 31005, "INV-1006"),  # spaces instead of dashes
        (8, "ABC-1234570-0", -1000, "CM-1006"),  # -$10.00
        (9, "ABC-1234572-6", 4242, "INV-1008"),
        (10, "ABC-1234573-4", 10000, "INV-1007"),
        (11, "ABC-1234573-4", 10000, "INV-1007"),
    ]
    assert ap.rows["duplicate_document"].to_list() == [False] * 8 + [True, True]
    assert ap.duplicate_documents == 1
    assert "Memo" in ap.rows.columns and "Vendor" in ap.rows.columns  # raw columns kept


def test_garbage_amounts_are_rejected_never_zero() -> None:
    ap = read_ap(DATA / "ap_garbage.csv")
    assert ap.rejected.select("source_file", "source_row", "column", "value", "reason").rows() == [
        ("ap_garbage.csv", 3, "Amount", "N/A", "not money"),
        ("ap_garbage.csv", 4, "Amount", "#VALUE!", "not money: a spreadsheet error cell"),
        ("ap_garbage.csv", 5, "Amount", "", "blank amount"),
        (
            "ap_garbage.csv",
            6,
            "Entry Number",
            "3.16123E+10",
            "entry number in scientific notation (spreadsheet damage; cannot be recovered)",
        ),
        ("ap_garbage.csv", 7, "Entry Number", "", "blank entry number"),
        (
            "ap_garbage.csv",
            8,
            "Entry Number",
            "NOT-AN-ENTRY",
            "not an entry number (expected FFF-NNNNNNN-C, dashes optional)",
        ),
    ]
    assert ap.rejected["raw"][0] == "ABC-1234568-4 | N/A | D2"
    assert ap.rows["amount_cents"].to_list() == [123456, 10000]
    assert ap.rows_read == 8  # the all-blank row is not a record
    rec = reconcile(fixture_lines(), ap)
    assert rec.ap_rows_rejected == 6
    assert rec.to_json()["ap_total"] == "1334.56"
    # the entries whose AP rows were rejected are missing in AP, not "matched at $0"
    missing = rec.entries.filter(pl.col("status") == "missing_in_ap")["entry_number"].to_list()
    assert missing == ["ABC-1234568-4", "ABC-1234569-2", "ABC-1234570-0", "ABC-1234571-8"]


def test_a_row_longer_than_the_header_is_rejected_never_cut(tmp_path: Path) -> None:
    """An unquoted thousands comma (`4,344.51`) makes one field two: the row is rejected with
    the reason, not read as $4.00 (as the export reader does, §4)."""
    path = tmp_path / "ap.csv"
    path.write_text(
        'Report of payments,,\nEntry Number,Amount\nABC-1234567-6,"4,344.51"\n'
        "ABC-1234568-4,4,344.51\nABC-1234569-2,10.00,\n"
    )
    ap = read_ap(path)
    assert ap.rejected.select("source_row", "column", "value", "reason").rows() == [
        (4, "Amount", "4", RAGGED_REASON),
    ]
    assert ap.rows.select("entry_number", "amount_cents").rows() == [
        ("ABC-1234567-6", 434451),
        ("ABC-1234569-2", 1000),  # a trailing empty field is not an extra value
    ]
    # the last field blank: the split makes an empty extra field, rejected all the same
    path.write_text("Entry Number,Amount,Memo\nABC-1234567-6,4,344.51,\nABC-1234568-4,10.00,\n")
    ap = read_ap(path)
    assert ap.rejected.select("source_row", "reason").rows() == [(2, RAGGED_REASON)]
    assert ap.rows.get_column("amount_cents").to_list() == [1000]


def test_excel_text_wrappers_on_amounts_are_removed(tmp_path: Path) -> None:
    path = tmp_path / "ap.csv"
    path.write_text(
        'Entry Number,Amount,IEEPA Amount\n="ABC12345676","=""1,200.50""",="-$3.00"\n'
        'ABC-1234568-4, ="(5.00)" ,7\n'
    )
    ap = read_ap(path, mapping={"ieepa_amount": "IEEPA Amount"})
    assert ap.rejected.height == 0
    assert ap.rows.select("amount_cents", "ieepa_cents").rows() == [(120050, -300), (-500, 700)]


def test_amounts_beyond_the_cent_are_rounded_and_said(tmp_path: Path) -> None:
    path = tmp_path / "ap.csv"
    path.write_text(
        "Entry Number,Amount\nABC-1234567-6,190.005\nABC-1234568-4,1.015\nABC-1234569-2,N/A.005\n"
    )
    ap = read_ap(path)
    assert ap.rows["amount_cents"].to_list() == [19000, 102]  # half-even
    assert ap.rounded_amounts == 2  # the rejected row is not counted
    rec = reconcile(fixture_lines(), ap)
    assert rec.to_json()["ap_amounts_rounded"] == 2
    assert any("2 AP amount(s) with more than two decimals" in n for n in rec.notes)


def test_no_amount_column_is_an_input_error_listing_headers() -> None:
    with pytest.raises(InputError) as err:
        read_ap(DATA / "ap_no_amount.csv")
    msg = str(err.value)
    assert msg.startswith("ap_no_amount.csv: no amount column")
    assert "'Vendor', 'Entry Number', 'Memo'" in msg
    assert "\n" not in msg


def test_no_columns_at_all() -> None:
    with pytest.raises(InputError, match="no entry-number and amount column"):
        read_ap(DATA / "ap_no_columns.csv")


def test_missing_and_empty_files(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not found"):
        read_ap(tmp_path / "nope.csv")
    (tmp_path / "empty.csv").write_text("")
    with pytest.raises(InputError, match="empty"):
        read_ap(tmp_path / "empty.csv")


def test_explicit_mapping() -> None:
    ap = read_ap(DATA / "ap_odd_headers.csv", mapping={"entry_number": "Ref", "amount": "Value"})
    assert ap.rows["amount_cents"].to_list() == [123456, 70000]
    with pytest.raises(InputError, match="mapped amount column 'Nope'"):
        read_ap(DATA / "ap_basic.csv", mapping={"amount": "Nope"})
    with pytest.raises(InputError, match="unknown field"):
        read_ap(DATA / "ap_basic.csv", mapping={"colour": "Memo"})
    # "" switches an optional field off: no document column, so no duplicate check
    plain = read_ap(DATA / "ap_basic.csv", mapping={"document": ""})
    assert "document" not in plain.mapping
    assert plain.duplicate_documents == 0


def test_saved_mapping_is_used_when_its_headers_are_there() -> None:
    assert load_ap_mapping() == {}
    save_ap_mapping({"entry_number": "Ref", "amount": "Value", "bogus": "x"})
    saved = load_ap_mapping()
    assert saved == {"entry_number": "Ref", "amount": "Value"}
    ap = read_ap(DATA / "ap_odd_headers.csv", saved=saved)
    assert ap.mapping == {"entry_number": "Ref", "amount": "Value"}
    # another file without those headers falls back to detection
    assert read_ap(DATA / "ap_basic.csv", saved=saved).mapping["amount"] == "Duty Paid"
    with pytest.raises(InputError):
        read_ap(DATA / "ap_odd_headers.csv")


def test_tab_crlf_preamble_pipe_and_cp1252() -> None:
    pipe = read_ap(DATA / "ap_preamble_pipe.csv")
    assert pipe.rows.select("source_row", "entry_number", "amount_cents").rows() == [
        (5, "ABC-1234567-6", 123456),
        (6, "ABC-1234568-4", 70000),
    ]
    cp = read_ap(DATA / "ap_cp1252.csv")
    assert cp.rows["amount_cents"].to_list() == [100000, -1]  # "0.01-" is a credit
    assert cp.rows["Fournisseur"][0] == "Café Brokers"
    assert cp.mapping["entry_number"] == "Customs Entry"


def test_xlsx(tmp_path: Path) -> None:
    import xlsxwriter

    path = tmp_path / "ap.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("AP")
    ws.write_row(0, 0, ["Duty AP extract"])
    ws.write_row(1, 0, ["Entry No", "Duty Amount", "Invoice #"])
    ws.write_row(2, 0, ["ABC12345676", 1234.56, "X1"])
    ws.write_row(3, 0, ["ABC-1234568-4", "($5.00)", 77])
    ws.write_row(4, 0, ["ABC-1234569-2", "N/A", "X3"])
    ws.write_row(6, 0, ["ABC-1234570-0", 0.1 + 0.2, "X4"])  # after a blank row
    wb.close()
    ap = read_ap(path)
    assert ap.rows["source_row"].to_list() == [3, 4, 7]  # sheet row numbers
    assert ap.mapping == {
        "entry_number": "Entry No",
        "amount": "Duty Amount",
        "document": "Invoice #",
    }
    assert ap.rows.select("entry_number", "amount_cents", "document").rows() == [
        ("ABC-1234567-6", 123456, "X1"),
        ("ABC-1234568-4", -500, "77"),
        ("ABC-1234570-0", 30, "X4"),
    ]
    assert ap.rejected.select("source_row", "column", "value", "reason").rows() == [
        (5, "Duty Amount", "N/A", "not money")
    ]


def test_detect_aliases_case_and_punctuation_insensitive() -> None:
    got = detect_ap_columns(["customs entry no.", "AMOUNT", "Doc #", "Entry Date"])
    assert got == {"entry_number": "customs entry no.", "amount": "AMOUNT", "document": "Doc #"}
    assert detect_ap_columns(["Entry Date", "Amount"]) == {"amount": "Amount"}


def test_ap_headers() -> None:
    assert ap_headers(DATA / "ap_no_amount.csv") == ["Vendor", "Entry Number", "Memo"]
    assert ap_headers(DATA / "ap_preamble_pipe.csv") == ["Entry No", "Duty Amount", "Voucher"]
    assert ap_headers(DATA / "missing.csv") == []


# --- money parsing matches the spec parser exactly ----------------------------------------------

MONEYISH = st.text(alphabet="0123456789$,.-() NA/#EUSD", min_size=0, max_size=12)


@settings(max_examples=300, deadline=None)
@given(st.lists(MONEYISH, min_size=1, max_size=20))
def test_fast_money_path_agrees_with_spec_parser(values: list[str]) -> None:
    series = pl.Series("v", values, dtype=pl.String)
    cents, invalid = parse_money_column(series)
    spec = pl.DataFrame({"v": series}).select(
        c=normalise.money_cents(pl.col("v")), bad=normalise.money_invalid(pl.col("v"))
    )
    assert cents.to_list() == spec["c"].to_list()
    expected_bad = [
        bool(b) or (c is None and v.strip() != "")
        for v, c, b in zip(values, spec["c"], spec["bad"], strict=True)
    ]
    assert invalid.to_list() == expected_bad


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=-(10**11), max_value=10**11))
def test_money_spellings_round_trip(cents: int) -> None:
    whole, frac = divmod(abs(cents), 100)
    plain = f"{whole}.{frac:02d}"
    grouped = f"${whole:,}.{frac:02d}"
    forms = [plain, grouped] if cents >= 0 else [f"-{plain}", f"-{grouped}", f"({grouped})"]
    got, bad = parse_money_column(pl.Series(forms))
    assert got.to_list() == [cents] * len(forms)
    assert not any(bad.to_list())


@pytest.mark.parametrize(
    ("text", "cents"),
    [("0", 0), ("0.00", 0), ("0.05", 5), ("$1,000", 100000), (".5", 50), ("12", 1200)],
)
def test_parse_tolerance(text: str, cents: int) -> None:
    assert parse_tolerance(text) == cents


@pytest.mark.parametrize("text", ["", "abc", "0.005", "1.2.3", "$"])
def test_parse_tolerance_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_tolerance(text)


# --- views, detail, CSV -------------------------------------------------------------------------


def test_filter_and_sort_by_abs_delta() -> None:
    rec = reconcile(fixture_lines(), read_ap(DATA / "ap_basic.csv"))
    got = filter_entries(rec.entries, ("mismatched", "missing_in_ap"), sort_by_delta=True)
    assert got["entry_number"].to_list() == [
        "ABC-1234573-4",
        "ABC-1234571-8",
        "ABC-1234570-0",
        "ABC-1234569-2",
    ]
    assert filter_entries(rec.entries).height == 7
    assert set(STATUSES) == set(rec.counts)


def test_entry_detail() -> None:
    lines = fixture_lines()
    ap = read_ap(DATA / "ap_basic.csv")
    itrac, rows = entry_detail(lines, ap, "ABC-1234568-4")
    assert itrac.height == 1
    assert rows["amount_cents"].to_list() == [50000, 25000, -5000]


def test_write_csv_atomic_and_safe(tmp_path: Path) -> None:
    rec = reconcile(fixture_lines(), read_ap(DATA / "ap_basic.csv"))
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "rec.csv"
    assert write_reconciliation_csv(rec.entries.head(6), out) == 6
    assert out.read_text().splitlines() == [
        "Entry Number,Status,ITRAC Total duty,AP Total duty,Delta (AP - ITRAC),ITRAC Lines,"
        "AP Rows,Duplicate AP Documents",
        "ABC-1234567-6,matched,1234.56,1234.56,0.00,2,1,0",
        "ABC-1234568-4,matched,700.00,700.00,0.00,1,3,0",
        "ABC-1234569-2,mismatched,1000.00,999.99,-0.01,2,1,0",
        "ABC-1234570-0,mismatched,300.00,300.05,0.05,1,2,0",
        "ABC-1234571-8,missing_in_ap,88.00,,-88.00,1,0,0",
        "ABC-1234572-6,missing_in_itrac,,42.42,42.42,0,1,0",
    ]
    with pytest.raises(InputError, match="already exists"):
        write_reconciliation_csv(rec.entries, out)
    assert write_reconciliation_csv(rec.entries, out, overwrite=True) == 7
    assert [p.name for p in folder.iterdir()] == ["rec.csv"]  # no temp file left
    blocker = folder / "file"
    blocker.write_text("x")
    with pytest.raises(InputError, match="cannot write"):
        write_reconciliation_csv(rec.entries, blocker / "rec.csv")


def test_core_does_not_import_textual() -> None:
    import subprocess
    import sys

    code = "import sys, itrac_tui.core.reconcile; print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_same_document_on_two_entries_is_flagged(tmp_path: Path) -> None:
    ap = tmp_path / "ap.csv"
    ap.write_text(
        "Entry Number,Amount,Invoice No\n"
        "ABC-1234567-6,1234.56,INV-9\n"
        "ABC-1234568-4,700.00,INV-9\n"
        "ABC-1234569-2,1000.00,INV-10\n"
    )
    data = read_ap(ap)
    assert data.duplicate_documents == 1
    assert data.rows["duplicate_document"].to_list() == [True, True, False]
    rec = reconcile(fixture_lines(), data)
    assert rec.entries["duplicate_documents"].to_list()[:3] == [1, 1, 0]
    assert rec.counts["matched"] == 3  # both amounts are right: flagged, not mismatched


def test_bundled_sample_reconciles_as_documented() -> None:
    """sample_exports/README.md: 27 matched, 2 mismatched, 1 missing each side."""
    from itrac_tui.resources import data_dir, sample_export_paths

    ap_path = data_dir("sample_exports") / "ap_sample.csv"
    if not ap_path.is_file():
        pytest.skip("bundled AP sample not present")
    from itrac_tui.core.classify import classify
    from itrac_tui.core.load import load_export
    from itrac_tui.core.rules import load_rules

    rules = load_rules()
    lines = classify(load_export(sample_export_paths(), rules).lines, rules, date(2026, 4, 20))
    rec = reconcile(lines, read_ap(ap_path))
    assert rec.counts == {
        "matched": 27,
        "mismatched": 2,
        "missing_in_ap": 1,
        "missing_in_itrac": 1,
    }
    deltas = dict(
        rec.entries.filter(pl.col("status") == "mismatched")
        .select("entry_number", "delta_cents")
        .iter_rows()
    )
    assert deltas == {"9KJ-0529310-1": 3, "EX7-3157012-3": -5}


def test_ap_headers_named_like_computed_columns(tmp_path: Path) -> None:
    """An AP file whose headers are literally entry_number/document reads, never crashes."""
    path = tmp_path / "ap.csv"
    path.write_text("entry_number,amount,document\nSP7-0000001-4,10.00,INV1\nSP7-0000001-4,N/A,X\n")
    ap = read_ap(path)
    assert ap.headers == ("entry_number", "amount", "document")
    assert ap.rows.get_column("amount_cents").to_list() == [1000]
    assert ap.rows.get_column("entry_number (AP)").to_list() == ["SP7-0000001-4"]
    assert ap.rejected.select("column", "value", "reason").rows() == [
        ("amount", "N/A", "not money")
    ]
