"""`itrac-tui reconcile`: exact JSON, the readable table, CSV output, one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from itrac_tui.cli import main

DATA = Path(__file__).resolve().parents[1] / "data" / "reconcile"
ITRAC = str(DATA / "itrac_basic.csv")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run the CLI; return (exit code, stdout, stderr)."""
    code = main(["reconcile", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_json_exactly(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--ap", str(DATA / "ap_basic.csv"), "--json", ITRAC)
    assert code == 0, err
    assert json.loads(out) == {
        "measure": "total_duty",
        "tolerance": "0.00",
        "entries": {"matched": 2, "mismatched": 3, "missing_in_ap": 1, "missing_in_itrac": 1},
        "itrac_total": "3422.56",
        "ap_total": "3477.02",
        "mismatch_delta": "100.04",
        "ap_rows_rejected": 0,
        "duplicate_ap_documents": 1,
        "ap_amounts_rounded": 0,  # a key added in a later release: scripts read by key
    }


def test_tolerance_and_as_of(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys,
        "--ap",
        str(DATA / "ap_basic.csv"),
        "--tolerance",
        "0.05",
        "--as-of",
        "2026-04-20",
        "--json",
        ITRAC,
    )
    assert code == 0
    doc = json.loads(out)
    assert doc["tolerance"] == "0.05"
    assert doc["entries"] == {
        "matched": 4,
        "mismatched": 1,
        "missing_in_ap": 1,
        "missing_in_itrac": 1,
    }
    assert doc["mismatch_delta"] == "100.00"


def test_ieepa_measure(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "--ap", str(DATA / "ap_ieepa.tsv"), "--measure", "ieepa_duty", "--json", ITRAC
    )
    assert code == 0
    doc = json.loads(out)
    assert (doc["measure"], doc["itrac_total"], doc["ap_total"]) == (
        "ieepa_duty",
        "1073.45",
        "850.00",
    )
    assert doc["entries"]["matched"] == 3


def test_same_row_layout(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "--ap", str(DATA / "ap_same_row.csv"), "--json", str(DATA / "itrac_same_row.csv")
    )
    assert code == 0
    doc = json.loads(out)
    assert doc["entries"]["matched"] == 2
    assert doc["itrac_total"] == doc["ap_total"] == "5112.35"


def test_readable_table(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--ap", str(DATA / "ap_garbage.csv"), ITRAC)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Reconciliation — Total duty, tolerance 0.00"
    assert "6 rejected" in lines[1]
    assert any(ln.startswith("Matched") and "1,334.56" in ln for ln in lines)
    assert any(ln.startswith("Missing in AP") and ln.split()[3] == "4" for ln in lines)
    assert "  ap_garbage.csv row 3, Amount 'N/A': not money" in lines
    assert any("scientific notation" in ln for ln in lines)


def test_output_csv_and_force(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out_path = tmp_path / "rec.csv"
    args = ("--ap", str(DATA / "ap_basic.csv"), "--output", str(out_path), "--json", ITRAC)
    code, _, err = run(capsys, *args)
    assert code == 0
    assert "wrote 7 entries" in err
    assert out_path.read_text().splitlines()[3] == (
        "ABC-1234569-2,mismatched,1000.00,999.99,-0.01,2,1,0"
    )
    code, _, err = run(capsys, *args)
    assert code == 2
    assert err.startswith("itrac-tui: ") and "already exists" in err
    code, _, _ = run(capsys, *args, "--force")
    assert code == 0


def test_ap_column_options_and_saved_mapping(capsys: pytest.CaptureFixture[str]) -> None:
    ap = str(DATA / "ap_odd_headers.csv")
    code, _, err = run(capsys, "--ap", ap, "--json", ITRAC)
    assert code == 2 and "Ref" in err
    code, out, _ = run(
        capsys,
        "--ap",
        ap,
        "--ap-entry",
        "Ref",
        "--ap-amount",
        "Value",
        "--save-ap-mapping",
        "--json",
        ITRAC,
    )
    assert code == 0
    assert json.loads(out)["entries"]["matched"] == 2
    code, out, _ = run(capsys, "--ap", ap, "--json", ITRAC)  # the saved mapping is used
    assert code == 0
    assert json.loads(out)["entries"]["matched"] == 2


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (("--ap", str(DATA / "ap_no_amount.csv")), "no amount column"),
        (("--ap", str(DATA / "nope.csv")), "AP file not found"),
        (("--ap", str(DATA / "ap_basic.csv"), "--tolerance", "abc"), "--tolerance"),
        (("--ap", str(DATA / "ap_basic.csv"), "--tolerance", "-1"), "negative"),
        (("--ap", str(DATA / "ap_basic.csv"), "--ap-amount", "Nope"), "'Nope'"),
    ],
)
def test_errors_are_one_line_exit_2(
    capsys: pytest.CaptureFixture[str], argv: tuple[str, ...], needle: str
) -> None:
    code, out, err = run(capsys, *argv, ITRAC)
    assert code == 2
    assert out == ""
    assert err.startswith("itrac-tui: ")
    assert err.count("\n") == 1
    assert needle in err
    assert "Traceback" not in err
