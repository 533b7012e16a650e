"""The CLI in scripts: mistyped commands and flags, user-typed amounts, no terminal, closed
stdout, --force over a FIFO, interrupted writes (a few run as subprocesses)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from itrac_tui.cli import main

from .cases import AS_OF, csv_text, row

REPO = Path(__file__).resolve().parents[2]


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO / "src")}


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["scna"], "did you mean scan?"),
        (["exprot", "x.csv"], "did you mean export?"),
        (["frobnicate"], "unknown command"),
        (["scan", "--jsn"], "did you mean --json?"),
        (["export", "--pathwy", "cit"], "did you mean --pathway?"),
        (["reconcile", "--ap", "x.csv", "--country", "CN"], "--country is an option of scan"),
        (["reconcile", "--ap", "x.csv", "--tolerance", "0,05"], "decimal comma"),
        (["reconcile", "--ap", "x.csv", "--tolerance", "0.055"], "to the cent"),
        (["scan", "--as-of", "2026-13-01"], "not a date"),
    ],
)
def test_script_mistakes_are_one_line_exit_2(
    argv: list[str], fragment: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert fragment in err
    assert len(err.strip().splitlines()) == 1, err
    assert "Traceback" not in err


def test_help_lists_commands_themes_and_examples(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    for word in ("scan", "export", "reconcile", "itrac-dark", "examples:", "--distinct-parts"):
        assert word in out


def test_force_never_replaces_a_fifo(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "export.csv"
    src.write_text(csv_text([row(1)]))
    fifo = tmp_path / "out.csv"
    os.mkfifo(fifo)
    code = main(["export", "--as-of", AS_OF, "-o", str(fifo), "--force", str(src)])
    assert code == 2
    assert "not a regular file" in capsys.readouterr().err
    assert fifo.is_fifo()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_app_refuses_without_a_terminal() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "itrac_tui"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=_env(),
        timeout=60,
    )
    assert proc.returncode == 2
    assert "needs a terminal" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_closed_stdout_ends_quietly() -> None:
    cmd = [sys.executable, "-m", "itrac_tui", "scan", "--json", "--as-of", AS_OF]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env())
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # before the command writes: its first write meets a closed pipe
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 0
    assert err == "", err


def test_unreadable_file_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "export.csv"
    src.write_text(csv_text([row(1)]))
    real_open = Path.open

    def deny(self: Path, *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        if self.name == "export.csv":
            raise PermissionError(13, "Permission denied")
        return real_open(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "open", deny)
    assert main(["scan", "--as-of", AS_OF, str(src)]) == 2
    err = capsys.readouterr().err
    assert "Permission denied" in err and len(err.strip().splitlines()) == 1


def test_writer_headers_and_far_dates(tmp_path: Path) -> None:
    import datetime as dt

    import polars as pl

    from itrac_tui.core.csvfile import ExportError, csv_ready, write_csv

    frame = pl.DataFrame({"=cmd": ["=1+1"], "'=cmd": ["x"], "@sum": ["-5.00"]})
    ready = csv_ready(frame)
    assert ready.columns == ["'=cmd (2)", "'=cmd", "'@sum"]  # collisions made unique, all safe
    assert ready.row(0) == ("'=1+1", "x", "-5.00")
    late = pl.DataFrame({"d": [dt.date(9999, 12, 31)]}).with_columns(
        pl.col("d") + pl.duration(days=180)
    )
    with pytest.raises(ExportError, match="past 9999"):
        write_csv(late, tmp_path / "late.csv")
    assert [p.name for p in tmp_path.iterdir()] == ["home"]  # nothing written, no temp file
