"""The hostile-input suite: every generated case through the CLI's main() in-process (a few via a
subprocess), asserting exit 0 or 2, no traceback, no hang, conservation, no silent money error,
and outputs that are injection-safe and escape-free."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from itrac_tui.cli import build_parser, main
from itrac_tui.commands.common import load_from_args
from itrac_tui.core.csvfile import FORMULA_TRIGGERS

from .cases import AS_OF, Case, all_cases, build

TIMEOUT_S = 20


@contextlib.contextmanager
def deadline(seconds: int) -> Iterator[None]:
    """Fail (instead of hanging) when the block runs longer than `seconds`."""

    def alarm(_sig: int, _frame: object) -> None:
        raise TimeoutError(f"hung for more than {seconds} s")

    old = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def assert_clean_output(text: str) -> None:
    """No traceback and no raw terminal control characters."""
    assert "Traceback" not in text
    bad = [ch for ch in text if (ord(ch) < 32 and ch not in "\n\t") or 0x7F <= ord(ch) < 0xA0]
    assert not bad, f"raw control characters in output: {bad!r}"


def assert_injection_safe(path: Path) -> None:
    """No header or cell of a written CSV starts like a formula (plain numbers aside)."""
    with path.open(newline="", encoding="utf-8") as fh:
        for r in csv.reader(fh):
            for cell in r:
                if cell.startswith(FORMULA_TRIGGERS):
                    stripped = cell.lstrip("+-").replace(",", "").replace("$", "")
                    assert stripped.replace(".", "", 1).isdigit(), f"formula leak: {cell!r}"


def run(case: Case, folder: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    args = build(case, folder)
    argv = [case.command, "--as-of", AS_OF, *(["--json"] if case.command == "scan" else []), *args]
    with deadline(TIMEOUT_S):
        code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("case", all_cases(), ids=lambda c: c.name)
def test_case(case: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(case, tmp_path / "in", capsys)
    assert code in (0, 2), err
    assert code == case.exit, err
    assert_clean_output(err)
    if code == 2:
        assert len(err.strip().splitlines()) == 1, err
        assert case.stderr in err
        return
    doc = json.loads(out)
    assert_clean_output(json.dumps(doc, ensure_ascii=False))
    if case.records is not None:
        assert doc["rows_read"] == case.records
    if case.pool is not None:
        assert doc["refundable_pool"] == case.pool
    warnings = {w["code"]: w["count"] for w in doc["warnings"]}
    for code_, count in case.warnings.items():
        assert warnings.get(code_) == count, doc["warnings"]
    # conservation, and every rejected reason pinned
    ns = build_parser().parse_args(
        ["scan", "--as-of", AS_OF, *[a for a in build(case, tmp_path / "in")]]
    )
    with deadline(TIMEOUT_S):
        loaded = load_from_args(ns, context=True)
    ex = loaded.export
    assert ex.rows_read == ex.rows_used + ex.set_aside.height + ex.rejected.height
    reasons = ex.rejected.get_column("reason").to_list()
    for fragment, n in case.rejected.items():
        assert sum(fragment in r for r in reasons) == n, reasons
    if not case.rejected:
        assert not reasons, reasons


@pytest.mark.parametrize("case", [c for c in all_cases() if c.exit == 0][:12], ids=lambda c: c.name)
def test_outputs_are_injection_safe(case: Case, tmp_path: Path) -> None:
    args = build(case, tmp_path / "in")
    out = tmp_path / "lines.csv"
    rej = tmp_path / "rejected.csv"
    err = io.StringIO()
    with deadline(TIMEOUT_S), contextlib.redirect_stderr(err):
        code = main(["export", "--as-of", AS_OF, "-o", str(out), "--rejected", str(rej), *args])
    assert code == 0, err.getvalue()
    for path in (out, rej):
        assert_injection_safe(path)
