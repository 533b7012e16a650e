"""`itrac-tui scan`: the JSON contract, exit codes, and one-line errors (never a traceback)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from itrac_tui.cli import main

SAMPLES = Path(__file__).resolve().parents[2] / "sample_exports"
KEYS = [
    "as_of",
    "files",
    "rows_read",
    "rows_rejected",
    "rows_set_aside",
    "entries",
    "lines",
    "pathways",
    "refundable_pool",
    "excluded",
    "warnings",
]


def _scan(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["scan", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_json_shape(capsys: pytest.CaptureFixture[str], data_dir: Path) -> None:
    code, out, _ = _scan(
        capsys, "--as-of", "2026-04-20", "--json", str(data_dir / "worked_example.csv")
    )
    assert code == 0
    doc = json.loads(out)
    assert list(doc) == KEYS
    assert list(doc["pathways"]) == ["cape_phase1", "protest", "cit", "hold", "review"]
    assert list(doc["excluded"]) == ["stacked_zero", "zero_duty", "not_ieepa"]
    for p in doc["pathways"].values():
        assert set(p) == {"lines", "entries", "ieepa_duty", "reasons", "interest_estimate"}
        assert sum(p["reasons"].values()) == p["lines"]
        assert all(n > 0 for n in p["reasons"].values())
        assert isinstance(p["ieepa_duty"], str) and p["ieepa_duty"].count(".") == 1
        assert isinstance(p["interest_estimate"], str)
    assert "claims" not in doc  # only with --claims
    assert doc["refundable_pool"] == "33570.00"
    assert doc["warnings"][0] == {
        "code": "check_digit",
        "count": 3,
        "message": doc["warnings"][0]["message"],
    }


def test_table_by_default(capsys: pytest.CaptureFixture[str], data_dir: Path) -> None:
    code, out, _ = _scan(capsys, "--as-of", "2026-04-20", str(data_dir / "worked_example.csv"))
    assert code == 0
    assert "$24,850.00" in out and "$33,570.00" in out and "CAPE Phase 1" in out


def test_bundled_sample_when_no_file(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _scan(capsys, "--as-of", "2026-11-22", "--json")
    assert code == 0
    doc = json.loads(out)
    assert doc["files"][0].endswith("es003_sample.csv")
    assert doc["lines"] > 0


def test_sample_layouts_agree(capsys: pytest.CaptureFixture[str]) -> None:
    docs = []
    for files in (
        ["es003_sample.csv"],
        ["same_row_sample.csv"],
        ["legacy_sample_part1.csv", "legacy_sample_part2.csv"],
    ):
        code, out, _ = _scan(
            capsys, "--as-of", "2026-11-22", "--json", *[str(SAMPLES / f) for f in files]
        )
        assert code == 0
        doc = json.loads(out)
        doc["warnings"] = [w for w in doc["warnings"] if w["code"] != "ch99_order"]
        # only es003 carries Entry Summary Date (the deposit date): interest estimates differ
        for body in doc["pathways"].values():
            body.pop("interest_estimate")
        docs.append({k: v for k, v in doc.items() if k not in ("files", "rows_read")})
    assert docs[0] == docs[1] == docs[2]


@pytest.mark.parametrize(
    ("setup", "needle"),
    [
        (lambda d: d / "missing.csv", "no such file"),
        (lambda d: _write(d / "x.bin", b"\x00\x01\x02binary"), "not a CSV"),
        (lambda d: _write(d / "cols.csv", b"Foo,Bar\n1,2\n"), "cannot find required column"),
        (lambda d: _write(d / "fake.xlsx", b"PK\x03\x04 not really a zip"), "XLSX"),
        (lambda d: _write(d / "empty.csv", b""), "empty"),
    ],
)
def test_unusable_input_exits_2_with_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, setup, needle: str
) -> None:
    path = setup(tmp_path)
    code, out, err = _scan(capsys, "--json", str(path))
    assert code == 2
    assert out == ""
    assert err.startswith("itrac-tui: ") and needle in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_bad_rules_file_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    rules = _write(tmp_path / "r.toml", b"[pathways]\nphase1_days = 'x'\n")
    code, _, err = _scan(capsys, "--rules", str(rules))
    assert code == 2 and "rules file" in err


def test_console_script_never_prints_a_traceback(tmp_path: Path) -> None:
    bad = _write(tmp_path / "bad.csv", b"Foo,Bar\n1,2\n")
    done = subprocess.run(
        [sys.executable, "-m", "itrac_tui.cli", "scan", str(bad)], capture_output=True, text=True
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and done.stderr.startswith("itrac-tui: ")


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_console_script_output_is_whole_when_it_exits(
    capsys: pytest.CaptureFixture[str], data_dir: Path, tmp_path: Path
) -> None:
    """The entry point ends the process without the interpreter's teardown: what it printed,
    to a pipe or to a file, and its exit code are those of the command run in-process."""
    args = ["scan", "--json", "--as-of", "2026-04-20", str(data_dir / "worked_example.csv")]
    assert main(args) == 0
    want, want_err = capsys.readouterr()
    command = [sys.executable, "-m", "itrac_tui", *args]
    piped = subprocess.run(command, capture_output=True, text=True)
    assert (piped.returncode, piped.stdout, piped.stderr) == (0, want, want_err)
    with (tmp_path / "out.json").open("w") as out:
        assert subprocess.run(command, stdout=out).returncode == 0
    assert (tmp_path / "out.json").read_text() == want
    usage = subprocess.run([*command, "--no-such-option"], capture_output=True, text=True)
    assert usage.returncode == 2 and "unrecognized arguments" in usage.stderr


def test_in_process_commands_leave_the_collector_alone(
    capsys: pytest.CaptureFixture[str], data_dir: Path
) -> None:
    """Only a process of its own has its collector tuned (a test run or a caller keeps its own)."""
    import gc

    before = (gc.get_freeze_count(), gc.get_threshold())
    assert main(["scan", "--json", str(data_dir / "worked_example.csv")]) == 0
    capsys.readouterr()
    assert (gc.get_freeze_count(), gc.get_threshold()) == before
