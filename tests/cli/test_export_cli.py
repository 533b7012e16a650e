"""`itrac-tui export`: filtered lines, CAPE declaration, protest worklist, rejected rows, errors.

The equivalence tests pin that the CLI's lines are exactly `views.apply_view(lines, spec,
text_columns)` with the TUI's own searched text columns — what the TUI shows for the same ViewSpec.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from itrac_tui import store
from itrac_tui.cli import main
from itrac_tui.core import views
from itrac_tui.core.classify import classify
from itrac_tui.core.filing import write_lines_csv
from itrac_tui.core.load import load_export
from itrac_tui.core.rules import load_rules
from itrac_tui.tui.screens.main import text_columns as tui_text_columns

DATA = Path(__file__).resolve().parents[1] / "data" / "export"
ITRAC = str(DATA / "itrac_hostile.csv")
AS_OF = "2026-04-20"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run `itrac-tui export`; return (exit code, stdout, stderr)."""
    code = main(["export", "--as-of", AS_OF, *argv])
    out, err = capsys.readouterr()
    return code, out, err


def tui_view(lines: pl.DataFrame, spec: views.ViewSpec) -> pl.DataFrame:
    """The lines the TUI shows for a view: apply_view with the TUI's searched text columns."""
    return views.apply_view(lines, spec, tui_text_columns(lines))


def classified() -> pl.DataFrame:
    rules = load_rules()
    return classify(load_export([Path(ITRAC)], rules).lines, rules, date.fromisoformat(AS_OF))


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def one_line_error(err: str) -> str:
    assert err.startswith("itrac-tui: ") and err.count("\n") == 1, err
    return err.strip()


# --- filtered lines ------------------------------------------------------------------------------
def test_export_all_lines_round_trip(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out_file = tmp_path / "lines.csv"
    code, out, err = run(capsys, ITRAC, "--output", str(out_file))
    assert code == 0, err
    assert out.splitlines() == [
        f"view: 7 of 7 lines (as of {AS_OF})",
        f"lines: 7 rows written to {out_file}",
    ]
    lines = classified()
    back = rows(out_file)
    assert [r["entry_number"] for r in back] == lines["entry_number"].to_list()
    assert [int(r["line_no"]) for r in back] == lines["line_no"].to_list()
    for name in ("ieepa_duty", "total_duty", "entered_value"):
        cents = [int(r[name].replace(".", "")) for r in back]
        assert cents == lines[f"{name}_cents"].to_list(), name
    assert [r["pathway"] for r in back] == lines["pathway"].to_list()
    by_entry = {(r["entry_number"], r["line_no"]): r for r in back}
    first = by_entry[("ABC-1234567-8", "1")]
    assert first["ieepa_duty"] == "24850.00"
    assert first["liquidation_date"] == "2026-02-15"
    assert first["protest_deadline"] == "2026-08-14"
    assert first["days_left"] == "16"  # to the line's own deadline: phase1_until
    assert first["phase1_until"] == "2026-05-06"
    assert first["reason"] == "liquidated_recently"
    assert "cit_deadline" in first
    assert first["country"] == "CN"
    assert first["ch99_codes"] == "9903.02.21"
    assert first["ch99_programs"] == "ieepa_reciprocal"
    assert first["warnings"] == "check_digit"
    assert by_entry[("ABC-1234572-6", "1")]["ieepa_duty"] == "-12.50"


def test_export_neutralises_hostile_cells_from_the_input(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out_file = tmp_path / "lines.csv"
    assert run(capsys, ITRAC, "-o", str(out_file))[0] == 0
    back = {(r["entry_number"], r["line_no"]): r for r in rows(out_file)}
    assert back[("ABC-1234567-8", "1")]["Description"] == (
        '\'=HYPERLINK("http://evil.example","click")'
    )
    assert back[("ABC-1234571-8", "1")]["Description"] == "'-2+3+cmd|' /C calc'!A0"
    assert back[("ABC-1234570-0", "1")]["Importer Name"] == "'@SUM(A1:A9)"
    assert back[("ABC-1234569-2", "1")]["Broker Reference"] == "-12.50"  # a number stays one
    assert back[("ABC-1234570-0", "1")]["Broker Reference"] == "+1"
    description = back[("ABC-1234572-6", "1")]["Description"]
    assert not description.startswith("\t")
    for row in back.values():
        for key, value in row.items():
            assert value[:1] not in ("=", "@", "\t", "\r"), (key, value)


def test_columns_selects_context_columns(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out_file = tmp_path / "lines.csv"
    code, _, err = run(capsys, ITRAC, "-o", str(out_file), "--columns", "Description,Importer Name")
    assert code == 0, err
    header = out_file.read_text(encoding="utf-8").splitlines()[0].split(",")
    assert header[:3] == ["Description", "Importer Name", "entry_number"]
    assert "Broker Reference" not in header


# --- TUI / CLI equivalence -----------------------------------------------------------------------
EQUIVALENCE = [
    (["--country", "MX"], views.ViewSpec(countries=("MX",))),
    (["--country", "chn,MEX"], views.ViewSpec(countries=("CN", "MX"))),
    (["--ch99", "fentanyl"], views.ViewSpec(ch99=("ieepa_fentanyl",))),
    (["--ch99", "9903.02"], views.ViewSpec(ch99=("9903.02",))),
    (["--ch99", "232,none"], views.ViewSpec(ch99=("section_232", "none"))),
    (["--status", "LIQ,rlq"], views.ViewSpec(statuses=("LIQ", "RLQ"))),
    (["--status", "unliquidated"], views.ViewSpec(statuses=("UNL",))),
    (["--pathway", "cape_phase1,protest"], views.ViewSpec(pathways=("cape_phase1", "protest"))),
    (
        ["--liquidated-from", "2025-10-01", "--liquidated-to", "2026-03-01"],
        views.ViewSpec(liquidated_from=date(2025, 10, 1), liquidated_to=date(2026, 3, 1)),
    ),
    (["--search", "1234571"], views.ViewSpec(search="1234571")),
    (["--search", "steel"], views.ViewSpec(search="steel")),  # a Description
    (["--search", "@sum"], views.ViewSpec(search="@sum")),  # an Importer Name
    (["--warnings-only", "--country", "CN"], views.ViewSpec(warnings_only=True, countries=("CN",))),
    (["--pathway", "hold"], views.ViewSpec(pathways=("hold",))),
]


@pytest.mark.parametrize(("flags", "spec"), EQUIVALENCE)
def test_cli_export_equals_apply_view(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, flags: list[str], spec: views.ViewSpec
) -> None:
    cli_file = tmp_path / "cli.csv"
    code, out, err = run(capsys, ITRAC, *flags, "-o", str(cli_file))
    assert code == 0, err
    expected = tui_view(classified(), spec)
    assert 0 < expected.height < 7 or spec.pathways == ("hold",)
    tui_file = tmp_path / "tui.csv"
    write_lines_csv(expected, tui_file)
    assert cli_file.read_bytes() == tui_file.read_bytes()
    assert out.splitlines()[0] == f"view: {expected.height} of 7 lines (as of {AS_OF})"


def test_saved_view_and_flag_override(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    saved = views.ViewSpec(
        countries=("MX",), pathways=("cape_phase1",), sort=(("ieepa_duty_cents", True),)
    )
    store.save_view("mx cape", saved)
    lines = classified()

    out1 = tmp_path / "view.csv"
    assert run(capsys, ITRAC, "--view", "mx cape", "-o", str(out1))[0] == 0
    exp1 = tmp_path / "exp1.csv"
    write_lines_csv(tui_view(lines, saved), exp1)
    assert out1.read_bytes() == exp1.read_bytes()
    assert [r["line_no"] for r in rows(out1)] == ["1", "2"]  # the view's sort applies

    out2 = tmp_path / "override.csv"
    assert run(capsys, ITRAC, "--view", "mx cape", "--country", "CN", "-o", str(out2))[0] == 0
    overridden = views.ViewSpec(
        countries=("CN",), pathways=("cape_phase1",), sort=(("ieepa_duty_cents", True),)
    )
    exp2 = tmp_path / "exp2.csv"
    write_lines_csv(tui_view(lines, overridden), exp2)
    assert out2.read_bytes() == exp2.read_bytes()
    assert {r["entry_number"] for r in rows(out2)} == {"ABC-1234567-8", "ABC-1234572-6"}


def test_saved_view_columns_are_written_like_ctrl_s(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from itrac_tui.tui.screens.main import export_columns

    saved = views.ViewSpec(countries=("MX",), columns=("entry_number", "ieepa_duty_cents"))
    store.save_view("narrow", saved)
    out = tmp_path / "narrow.csv"
    assert run(capsys, ITRAC, "--view", "narrow", "-o", str(out))[0] == 0
    lines = classified()
    exp = tmp_path / "exp.csv"
    write_lines_csv(tui_view(lines, saved), exp, columns=export_columns(saved, lines))
    assert out.read_bytes() == exp.read_bytes()
    assert out.read_text().splitlines()[0].startswith("entry_number,ieepa_duty,")


# --- CAPE, protest worklist, rejected ------------------------------------------------------------
def test_cape_declaration(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    folder = tmp_path / "cape"
    code, out, err = run(capsys, ITRAC, "--cape-declaration", str(folder))
    assert code == 0, err
    target = folder / "cape_declaration_001.csv"
    assert out.splitlines()[1:] == [
        "CAPE declaration: 2 entries in 1 file; IEEPA duty covered $587.50",
        f"  {target}: 2 entries, IEEPA duty $587.50",
        f"CAPE declaration: left out 1 entry (check_digit 1); listed in {folder / 'excluded.csv'}",
    ]
    assert target.read_text(encoding="utf-8").splitlines() == [
        "Entry Number",
        "ABC12345718",
        "ABC12345726",
    ]
    excluded = rows(folder / "excluded.csv")
    assert [(r["Entry Number"], r["Reason"], r["IEEPA Duty"]) for r in excluded] == [
        ("ABC-1234567-8", "check_digit", "24850.00")
    ]


def test_cape_declaration_follows_the_filter(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    folder = tmp_path / "cape"
    code, out, err = run(capsys, ITRAC, "--country", "CN", "--cape-declaration", str(folder))
    assert code == 0, err
    assert "1 entry in 1 file" in out and "-$12.50" in out and "check_digit 1" in out
    empty = tmp_path / "none"
    code, out, _ = run(capsys, ITRAC, "--pathway", "cit", "--cape-declaration", str(empty))
    assert code == 0
    assert "no entry has a cape_phase1 line" in out
    assert not empty.exists()


def test_protest_worklist(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "protest.csv"
    code, out, err = run(capsys, ITRAC, "--protest-worklist", str(path))
    assert code == 0, err
    assert out.splitlines()[1] == f"protest worklist: 1 entry written to {path}"
    assert path.read_text(encoding="utf-8").splitlines() == [
        "Entry Number,Liquidation Date,Protest Deadline,Days Left,Lines,IEEPA Duty,Action,"
        "Protest Number",
        "ABC-1234570-0,2025-12-01,2026-05-30,40,1,1000.01,to file,",
    ]


def test_rejected_rows(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "rejected.csv"
    code, out, err = run(capsys, ITRAC, "--rejected", str(path))
    assert code == 0, err
    back = rows(path)
    assert out.splitlines()[1] == f"rejected rows: {len(back)} rows written to {path}"
    assert list(back[0]) == ["source_file", "source_row", "column", "value", "reason", "raw"]
    bad = [r for r in back if r["column"] == "Line Tariff Duty Amount"]
    assert bad and bad[0]["value"] == "N/A" and bad[0]["source_row"] == "18"
    assert bad[0]["raw"].startswith("ABC-1234573-4,")


def test_all_outputs_at_once(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, err = run(
        capsys,
        ITRAC,
        "-o", str(tmp_path / "l.csv"),
        "--cape-declaration", str(tmp_path / "c"),
        "--protest-worklist", str(tmp_path / "p.csv"),
        "--rejected", str(tmp_path / "r.csv"),
    )  # fmt: skip
    assert code == 0, err
    assert (
        len(out.splitlines()) == 7
    )  # view, lines, CAPE (+ its file, left out), worklist, rejected


# --- errors --------------------------------------------------------------------------------------
def test_no_output_is_an_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, ITRAC, "--country", "CN")
    assert code == 2
    assert "nothing to write" in one_line_error(err)


@pytest.mark.parametrize(
    ("flags", "needle"),
    [
        (["--pathway", "refund"], "unknown pathway 'refund' (valid: cape_phase1, protest, cit"),
        (
            ["--status", "LIQ,PAID"],
            "unknown status 'PAID' (valid: UNL, LIQ, RLQ, SUS, EXT, REV, PND, TIB, FIN)",
        ),
        (["--ch99", "bogus"], "unknown Chapter 99 filter 'bogus' (valid: ieepa_fentanyl"),
        (["--ch99", "8479"], "unknown Chapter 99 filter '8479'"),
        (["--country", "XX"], "unknown country 'XX'"),
        (["--liquidated-from", "01/02/2026"], "--liquidated-from: not a date"),
        (["--view", "nope"], "no saved view 'nope' (saved views: none saved yet)"),
        (["--columns", "Nope"], "unknown column 'Nope' (context columns: "),
    ],
)
def test_bad_values_are_one_line_errors(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, flags: list[str], needle: str
) -> None:
    out_file = tmp_path / "x.csv"
    code, _, err = run(capsys, ITRAC, *flags, "-o", str(out_file))
    assert code == 2
    assert needle in one_line_error(err)
    assert not out_file.exists()


def test_existing_output_refused_without_force(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    existing = tmp_path / "lines.csv"
    existing.write_text("keep", encoding="utf-8")
    protest = tmp_path / "protest.csv"
    code, _, err = run(capsys, ITRAC, "-o", str(existing), "--protest-worklist", str(protest))
    assert code == 2
    assert one_line_error(err) == (
        f"itrac-tui: {existing} already exists (use --force to replace it)"
    )
    assert existing.read_text(encoding="utf-8") == "keep"
    assert not protest.exists()  # nothing written when one target is refused
    code, _, err = run(capsys, ITRAC, "-o", str(existing), "--force")
    assert code == 0, err
    assert existing.read_text(encoding="utf-8").startswith("Entry Summary Number,")


def test_existing_cape_files_refused_without_force(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    folder = tmp_path / "cape"
    assert run(capsys, ITRAC, "--cape-declaration", str(folder))[0] == 0
    code, _, err = run(capsys, ITRAC, "--cape-declaration", str(folder))
    assert code == 2
    assert "cape_declaration_001.csv already exists (use --force" in one_line_error(err)
    assert run(capsys, ITRAC, "--cape-declaration", str(folder), "--force")[0] == 0


def test_unwritable_paths_are_one_line_errors(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    missing = tmp_path / "no" / "such" / "x.csv"
    code, _, err = run(capsys, ITRAC, "-o", str(missing))
    assert code == 2
    assert one_line_error(err) == (
        f"itrac-tui: cannot write {missing}: folder {missing.parent} does not exist"
    )
    code, _, err = run(capsys, ITRAC, "--protest-worklist", str(tmp_path))
    assert code == 2
    assert "it is a folder" in one_line_error(err)
    a_file = tmp_path / "f.txt"
    a_file.write_text("x", encoding="utf-8")
    code, _, err = run(capsys, ITRAC, "--cape-declaration", str(a_file))
    assert code == 2
    assert "not a folder" in one_line_error(err)
    same = tmp_path / "same.csv"
    code, _, err = run(capsys, ITRAC, "-o", str(same), "--rejected", str(same))
    assert code == 2
    assert "same file" in one_line_error(err)


def test_missing_input_is_one_line_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = run(capsys, str(tmp_path / "absent.csv"), "-o", str(tmp_path / "x.csv"))
    assert code == 2
    one_line_error(err)
