"""CAPE claim results (spec §8): reading Claim Details, attaching them, refusing wrong files."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest

from itrac_tui.core.claims import (
    NO_CLAIM,
    NotAClaimsFile,
    attach_claims,
    claim_status_expr,
    claimed_cents,
    read_claims,
    summarise_claims,
)
from itrac_tui.core.errors import InputError
from itrac_tui.core.load import load_export
from itrac_tui.core.rules import load_rules

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "fixtures" / "external"
ACE_CLAIMS = SHARED / "capeview" / "claim_details_ace_portal.csv"
SAMPLE = Path(__file__).resolve().parents[2] / "sample_exports" / "es003_sample.csv"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_ace_portal_claim_details() -> None:
    if not ACE_CLAIMS.is_file():
        pytest.skip("shared fixtures absent")
    claims = read_claims([ACE_CLAIMS])
    assert claims.by_entry.rows() == [
        ("605-7606934-2", "100000241223", "Failed", "HTS RELATIONSHIP/SEQUENCE MISMATCH"),
        ("605-7607248-6", "100000241224", "Entry Summary Updated", None),
    ]


def test_ace_portal_claim_details_refused_as_an_export() -> None:
    if not ACE_CLAIMS.is_file():
        pytest.skip("shared fixtures absent")
    with pytest.raises(InputError, match=r"Claim Details file.*not an ITRAC export.*--claims"):
        load_export([ACE_CLAIMS], load_rules())


def test_an_export_refused_as_claims() -> None:
    with pytest.raises(NotAClaimsFile, match=r"not a CAPE Claim Details CSV.*ITRAC export"):
        read_claims([SAMPLE])


def test_a_declaration_is_refused_as_claims_but_taken_as_submitted(tmp_path: Path) -> None:
    decl = write(tmp_path / "cape_declaration_001.csv", "Entry Number\nSP700000014\n")
    with pytest.raises(NotAClaimsFile, match="--exclude-submitted"):
        read_claims([decl])
    claims = read_claims([], submitted=[decl])
    assert claims.declared["entry_number"].to_list() == ["SP7-0000001-4"]
    assert claims.submitted().rows() == [("SP7-0000001-4", "declared earlier", "declared")]


def test_wrapped_cells_case_and_last_row_wins(tmp_path: Path) -> None:
    path = write(
        tmp_path / "claims.csv",
        "entry_number,claim_number,status,error_description\n"
        '="SP7-0000001-4",="1",Failed,"BAD HTS"\n'
        ",,,\n"
        "SP700000014,2,Accepted,\n"
        '"ABC 1234567 6",="3",="Pending",\n',
    )
    claims = read_claims([path])
    assert claims.by_entry.rows() == [
        ("SP7-0000001-4", "2", "Accepted", None),
        ("ABC-1234567-6", "3", "Pending", None),
    ]


def test_a_bad_entry_number_is_one_clear_line(tmp_path: Path) -> None:
    path = write(
        tmp_path / "claims.csv",
        "ENTRY_NUMBER,CLAIM_NUMBER,STATUS\nSP700000014,1,Accepted\n3.16123E+10,2,Failed\n",
    )
    with pytest.raises(InputError, match=r"row 3, column 'ENTRY_NUMBER'.*3.16123E\+10"):
        read_claims([path])


def test_attach_summarise_filter_and_dollars(tmp_path: Path) -> None:
    path = write(
        tmp_path / "claims.csv",
        "ENTRY_NUMBER,CLAIM_NUMBER,STATUS,ERROR_DESCRIPTION\n"
        "SP700000014,1,Accepted,\nABC12345676,2,Failed,INVALID HTS\nZZZ00000000,3,Accepted,\n",
    )
    claims = read_claims([path])
    lines = pl.DataFrame(
        {
            "entry_number": ["SP7-0000001-4", "SP7-0000001-4", "ABC-1234567-6", "XYZ-0000000-0"],
            "pathway": ["cape_phase1", "cit", "cape_phase1", "cape_phase1"],
            "ieepa_duty_cents": [100, 200, 300, 400],
        }
    )
    out = attach_claims(lines, claims)
    assert out["claim_status"].to_list() == ["Accepted", "Accepted", "Failed", None]
    assert out["claim_error"].to_list() == [None, None, "INVALID HTS", None]
    assert out["claim_number"].to_list() == ["1", "1", "2", None]
    summary = summarise_claims(claims, out).to_json()
    assert summary == {"entries": 3, "by_status": {"Accepted": 2, "Failed": 1}, "not_in_export": 1}
    assert out.filter(claim_status_expr(["failed"])).height == 1
    assert out.filter(claim_status_expr([NO_CLAIM])).height == 1
    assert claimed_cents(out) == (400, 400)
    bare = attach_claims(lines, None)
    assert bare["claim_status"].to_list() == [None] * 4
    assert claimed_cents(bare) == (0, 800)


def test_scan_json_claims_key_only_when_given(tmp_path: Path) -> None:
    from itrac_tui.cli import main

    claims = write(tmp_path / "claims.csv", "ENTRY_NUMBER,CLAIM_NUMBER,STATUS\nSP700000014,1,X\n")
    import io
    import json
    from contextlib import redirect_stdout

    buf = io.StringIO()
    with redirect_stdout(buf):
        assert main(["scan", "--json", "--as-of", "2026-04-20"]) == 0
    assert "claims" not in json.loads(buf.getvalue())
    buf = io.StringIO()
    with redirect_stdout(buf):
        assert main(["scan", "--json", "--as-of", "2026-04-20", "--claims", str(claims)]) == 0
    doc = json.loads(buf.getvalue())
    assert doc["claims"] == {"entries": 1, "by_status": {"X": 1}, "not_in_export": 1}
    assert date.fromisoformat(doc["as_of"]) == date(2026, 4, 20)


def test_cli_wrong_files_exit_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from itrac_tui.cli import main

    claims = write(tmp_path / "claims.csv", "ENTRY_NUMBER,CLAIM_NUMBER,STATUS\nSP700000014,1,X\n")
    assert main(["scan", str(claims)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Claim Details" in err and "--claims" in err
    assert main(["scan", "--claims", str(SAMPLE)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not a CAPE Claim Details CSV" in err
