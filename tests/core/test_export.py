"""Filing outputs: CSV round trips, injection, atomic writes, CAPE chunks, protest worklist."""

from __future__ import annotations

import csv
import os
import stat
from datetime import date, timedelta
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from benchmarks.generate import make_entry_number
from itrac_tui.core import csvfile, filing
from itrac_tui.core.csvfile import ExportError, OutputExists, write_csv
from itrac_tui.core.errors import InputError
from itrac_tui.core.filing import (
    CAPE_HEADER,
    CapeResult,
    cape_file_names,
    lines_for_csv,
    protest_worklist,
    write_cape_declaration,
    write_lines_csv,
    write_protest_worklist,
    write_rejected,
)
from itrac_tui.core.model import CLASSIFIED_COLUMNS, LINE_COLUMNS
from itrac_tui.core.money import format_cents

HOSTILE = [
    '=HYPERLINK("http://evil.example","click")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
]
CONTEXT = ("Importer Name", "Description", "Quantity")


def entry(i: int, filer: str = "ABC") -> str:
    """A canonical entry number with a valid check digit (the generator's own Luhn)."""
    return make_entry_number(filer, i)


def make_lines(rows: list[dict]) -> pl.DataFrame:
    """A classified `lines` frame built by hand: LINE_COLUMNS + CLASSIFIED_COLUMNS + context."""
    n = len(rows)

    def col(name: str, default: object = None) -> list:
        return [r.get(name, default) for r in rows]

    data = {
        "line_id": pl.Series(range(n), dtype=pl.UInt32),
        "entry_number": pl.Series(col("entry_number"), dtype=pl.String),
        "line_no": pl.Series(col("line_no", 1), dtype=pl.Int64),
        "hts": pl.Series(col("hts", "8479.89.9499"), dtype=pl.String),
        "country": pl.Series(col("country", "CN"), dtype=pl.String),
        "country_raw": pl.Series(col("country_raw", "CHN"), dtype=pl.String),
        "entered_value_cents": pl.Series(col("entered_value_cents", 24_850_000), dtype=pl.Int64),
        "line_duty_cents": pl.Series(col("line_duty_cents", 0), dtype=pl.Int64),
        "ch99_duty_cents": pl.Series(col("ch99_duty_cents", 0), dtype=pl.Int64),
        "total_duty_cents": pl.Series(col("total_duty_cents", 0), dtype=pl.Int64),
        "ieepa_duty_cents": pl.Series(col("ieepa_duty_cents", 0), dtype=pl.Int64),
        "ch99_codes": pl.Series(col("ch99_codes", ["9903.02.21"]), dtype=pl.List(pl.String)),
        "ch99_programs": pl.Series(
            col("ch99_programs", ["ieepa_reciprocal"]), dtype=pl.List(pl.String)
        ),
        "has_ieepa": pl.Series(col("has_ieepa", True), dtype=pl.Boolean),
        "has_stacking": pl.Series(col("has_stacking", False), dtype=pl.Boolean),
        "liquidation_status": pl.Series(col("liquidation_status", "LIQ"), dtype=pl.String),
        "liquidation_date": pl.Series(col("liquidation_date"), dtype=pl.Date),
        "entry_type": pl.Series(col("entry_type", "01"), dtype=pl.String),
        "entry_date": pl.Series(col("entry_date", date(2025, 6, 1)), dtype=pl.Date),
        "entry_summary_date": pl.Series(col("entry_summary_date"), dtype=pl.Date),
        "importer_number": pl.Series(col("importer_number"), dtype=pl.String),
        "filer_code": pl.Series(col("filer_code", "ABC"), dtype=pl.String),
        "recon_flag": pl.Series(col("recon_flag", False), dtype=pl.Boolean),
        "drawback_flag": pl.Series(col("drawback_flag", False), dtype=pl.Boolean),
        "protest_number": pl.Series(col("protest_number"), dtype=pl.String),
        "protest_status": pl.Series(col("protest_status"), dtype=pl.String),
        "protest_on_file": pl.Series(col("protest_on_file", False), dtype=pl.Boolean),
        "warnings": pl.Series(col("warnings", []), dtype=pl.List(pl.String)),
        "source_file": pl.Series(col("source_file", "export.csv"), dtype=pl.String),
        "source_row": pl.Series(col("source_row", 2), dtype=pl.Int64),
        "pathway": pl.Series(col("pathway", "cape_phase1"), dtype=pl.String),
        "reason": pl.Series(col("reason", "liquidated_recently"), dtype=pl.String),
        "days_since_liquidation": pl.Series(col("days_since_liquidation"), dtype=pl.Int64),
        "phase1_until": pl.Series(col("phase1_until"), dtype=pl.Date),
        "protest_deadline": pl.Series(col("protest_deadline"), dtype=pl.Date),
        "cit_deadline": pl.Series(col("cit_deadline"), dtype=pl.Date),
        "days_left": pl.Series(col("days_left"), dtype=pl.Int64),
    }
    for name in CONTEXT:
        data[name] = pl.Series(col(name, f"{name} text"), dtype=pl.String)
    frame = pl.DataFrame(data)
    assert frame.columns[: len(LINE_COLUMNS)] == list(LINE_COLUMNS)
    return frame


AS_OF = date(2026, 4, 20)


def sample_lines() -> pl.DataFrame:
    """Five lines over four entries: CAPE, protest (two entries), cit, a hostile context row."""
    liq = date(2026, 2, 15)
    return make_lines(
        [
            {
                "entry_number": entry(1),
                "ieepa_duty_cents": 2_485_000,
                "total_duty_cents": 2_485_000,
                "ch99_duty_cents": 2_485_000,
                "liquidation_date": liq,
                "days_since_liquidation": 64,
                "protest_deadline": liq + timedelta(days=180),
                "days_left": 116,
                "warnings": ["check_digit"],
            },
            {
                "entry_number": entry(1),
                "line_no": 2,
                "ieepa_duty_cents": -1_250,
                "liquidation_date": liq,
                "ch99_codes": ["9903.01.24", "9903.80.01"],
                "ch99_programs": ["ieepa_fentanyl", "section_232"],
                "Description": HOSTILE[0],
                "Quantity": "-12.50",
            },
            {
                "entry_number": entry(2),
                "pathway": "protest",
                "ieepa_duty_cents": 100_001,
                "liquidation_date": date(2025, 12, 1),
                "protest_deadline": date(2026, 5, 30),
                "days_left": 40,
            },
            {
                "entry_number": entry(3),
                "pathway": "protest",
                "ieepa_duty_cents": 5,
                "liquidation_date": date(2025, 11, 20),
                "protest_deadline": date(2026, 5, 19),
                "days_left": 29,
            },
            {
                "entry_number": entry(3),
                "line_no": 2,
                "pathway": "protest",
                "ieepa_duty_cents": -3,
                "liquidation_date": date(2025, 11, 20),
                "protest_deadline": date(2026, 5, 19),
                "days_left": 29,
                "Importer Name": HOSTILE[3],
                "source_file": "=evil.csv",
            },
            {
                "entry_number": entry(4),
                "pathway": "cit",
                "ieepa_duty_cents": 872_000,
                "liquidation_date": date(2025, 9, 12),
            },
        ]
    )


def read_text(path: Path) -> pl.DataFrame:
    return pl.read_csv(path, infer_schema=False)


# --- lines_for_csv -------------------------------------------------------------------------------
def test_lines_for_csv_has_context_then_computed_columns() -> None:
    out = lines_for_csv(sample_lines())
    assert out.columns[:3] == list(CONTEXT)
    assert out.columns[3:6] == ["entry_number", "line_no", "hts"]
    for name in ("ieepa_duty", "total_duty", "pathway", "protest_deadline", "days_left"):
        assert name in out.columns
    assert out.schema["ieepa_duty"] == pl.Decimal(38, 2)
    assert out.schema["liquidation_date"] == pl.Date
    assert out["ch99_codes"][1] == "9903.01.24; 9903.80.01"
    assert out["ch99_programs"][1] == "ieepa_fentanyl; section_232"
    assert out["warnings"].to_list()[:2] == ["check_digit", ""]
    assert not any(c.endswith("_cents") for c in out.columns)
    assert "line_id" not in out.columns


def test_lines_for_csv_selects_context_columns_in_order() -> None:
    out = lines_for_csv(sample_lines(), ["Quantity", "Importer Name"])
    assert out.columns[:3] == ["Quantity", "Importer Name", "entry_number"]
    assert "Description" not in out.columns
    assert out.columns[2:] == lines_for_csv(sample_lines()).columns[3:]  # computed always follow


def test_lines_for_csv_honours_the_order_of_computed_columns_too() -> None:
    # as the TUI passes its visible columns: computed ones (by internal name) and context mixed
    out = lines_for_csv(
        sample_lines(), ["entry_number", "ieepa_duty_cents", "Description", "has_ieepa", "hts"]
    )
    assert out.columns[:5] == ["entry_number", "ieepa_duty", "Description", "has_ieepa", "hts"]
    assert out.schema["ieepa_duty"] == pl.Decimal(38, 2)
    assert out.columns.count("entry_number") == 1
    assert "pathway" in out.columns and "Quantity" not in out.columns
    internal = sample_lines().with_columns(pl.lit(1).alias("__entry_key"))
    assert "__entry_key" not in lines_for_csv(internal).columns


def test_lines_for_csv_unknown_column_is_one_line_error() -> None:
    with pytest.raises(ExportError) as err:
        lines_for_csv(sample_lines(), ["Nope"])
    assert "Nope" in str(err.value) and "\n" not in str(err.value)
    assert isinstance(err.value, InputError)


def test_context_column_named_like_a_computed_one_is_kept_apart() -> None:
    clash = sample_lines().with_columns(pl.lit("theirs").alias("ieepa_duty"))
    out = lines_for_csv(clash)
    assert out["ieepa_duty (file)"][0] == "theirs"
    assert out.schema["ieepa_duty"] == pl.Decimal(38, 2)


# --- round trip ----------------------------------------------------------------------------------
def test_round_trip_gives_same_lines_and_cents(tmp_path: Path) -> None:
    lines = sample_lines()
    path = tmp_path / "lines.csv"
    assert write_lines_csv(lines, path) == lines.height
    back = read_text(path)
    assert back.height == lines.height
    assert back["entry_number"].to_list() == lines["entry_number"].to_list()
    assert back["line_no"].cast(pl.Int64).to_list() == lines["line_no"].to_list()
    for name in ("ieepa_duty", "total_duty", "entered_value", "line_duty", "ch99_duty"):
        cents = back[name].str.replace(".", "", literal=True).cast(pl.Int64)
        assert cents.to_list() == lines[f"{name}_cents"].to_list(), name
    assert back["ieepa_duty"].to_list()[:4] == ["24850.00", "-12.50", "1000.01", "0.05"]
    assert back["liquidation_date"][0] == "2026-02-15"
    assert back["protest_deadline"][0] == "2026-08-14"
    assert back["pathway"].to_list() == lines["pathway"].to_list()
    assert back["days_left"][2] == "40"


def test_file_is_utf8_with_header(tmp_path: Path) -> None:
    lines = sample_lines().with_columns(pl.lit("Zürich – 東京").alias("Importer Name"))
    path = tmp_path / "u.csv"
    write_lines_csv(lines, path)
    raw = path.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8")
    assert text.splitlines()[0].startswith("Importer Name,Description,Quantity,entry_number")
    assert "Zürich – 東京" in text


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(min_value=-(2**63) + 1, max_value=2**63 - 1), min_size=1))
def test_money_is_exact_for_any_cents(values: list[int]) -> None:
    frame = pl.DataFrame({"c": pl.Series(values, dtype=pl.Int64)})
    text = frame.select(csvfile.money_expr(pl.col("c")).alias("m")).write_csv()
    assert text.splitlines()[1:] == [format_cents(v) for v in values]


# --- injection -----------------------------------------------------------------------------------
def test_hostile_text_cells_are_neutralised_numbers_are_not(tmp_path: Path) -> None:
    hostile = pl.DataFrame(
        {
            "text": [*HOSTILE, "-12.50", "+3", "-$1,234.56", "plain", "", None, "-", "- 1"],
            "n": list(range(14)),
        }
    )
    path = tmp_path / "h.csv"
    write_csv(hostile, path)
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    cells = [r[0] for r in rows[1:]]
    for cell, original in zip(cells[:6], HOSTILE, strict=True):
        assert cell == "'" + original
    assert cells[6:] == ["-12.50", "+3", "-$1,234.56", "plain", "", "", "'-", "'- 1"]


def test_hostile_cells_in_lines_export_and_negative_money_unprefixed(tmp_path: Path) -> None:
    path = tmp_path / "lines.csv"
    write_lines_csv(sample_lines(), path)
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert rows[1]["Description"] == "'" + HOSTILE[0]
    assert rows[1]["Quantity"] == "-12.50"
    assert rows[1]["ieepa_duty"] == "-12.50"
    assert rows[4]["Importer Name"] == "'" + HOSTILE[3]
    assert rows[4]["source_file"] == "'=evil.csv"
    assert rows[4]["ieepa_duty"] == "-0.03"
    for row in rows:  # nothing else starts with a trigger unless it is a plain number
        for key, value in row.items():
            if value[:1] in ("=", "+", "@", "\t", "\r"):
                pytest.fail(f"{key}={value!r} not neutralised")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(max_size=12)), min_size=1, max_size=40))
def test_neutralised_cells_never_start_a_formula(cells: list[str | None]) -> None:
    cells = [*cells, "-1\n", "+2.5", "=1"]
    frame = pl.DataFrame({"t": pl.Series(cells, dtype=pl.String)})
    before = frame.clone()
    out = csvfile.csv_ready(frame)["t"].to_list()
    assert_frame_equal(frame, before)  # the caller's frame is not changed
    for original, cell in zip(cells, out, strict=True):
        if original is None:
            assert cell is None
            continue
        risky = original[:1] in csvfile.FORMULA_TRIGGERS and not csvfile._is_plain_number(original)
        assert cell == ("'" + original if risky else original)


def test_hostile_header_is_neutralised(tmp_path: Path) -> None:
    path = tmp_path / "h.csv"
    write_csv(pl.DataFrame({"=cmd()": ["x"], "ok": ["y"]}), path)
    assert path.read_text(encoding="utf-8").splitlines()[0] == "'=cmd(),ok"


def test_hostile_cells_from_an_input_file(tmp_path: Path) -> None:
    source = Path(__file__).parents[1] / "data" / "export" / "itrac_hostile.csv"
    frame = pl.read_csv(source, infer_schema=False)
    path = tmp_path / "out.csv"
    assert write_csv(frame, path) == frame.height
    back = read_text(path)
    assert back.columns == frame.columns
    description = dict(zip(frame["Description"], back["Description"], strict=True))
    assert description['=HYPERLINK("http://evil.example","click")'].startswith("'=HYPERLINK(")
    assert description["-2+3+cmd|' /C calc'!A0"] == "'-2+3+cmd|' /C calc'!A0"
    assert description["\tTabbed shirts"] == "'\tTabbed shirts"
    assert description["=cmd|'/C calc'!A0"] == "'=cmd|'/C calc'!A0"
    assert description["Steel bars"] == "Steel bars"
    assert set(back["Importer Name"]) == {"Acme Imports", "'@SUM(A1:A9)"}
    assert set(back["Broker Reference"]) >= {"-12.50", "+1", "BR-1"}  # numbers stay numbers
    assert back["Line Tariff Duty Amount"][14] == "($12.50)"


# --- atomic writes and overwrite refusal ---------------------------------------------------------
def temp_files(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]


def test_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    path.write_text("keep me", encoding="utf-8")
    with pytest.raises(OutputExists) as err:
        write_lines_csv(sample_lines(), path)
    assert str(err.value) == f"{path} already exists"
    assert path.read_text(encoding="utf-8") == "keep me"
    assert write_lines_csv(sample_lines(), path, force=True) == 6
    assert path.read_text(encoding="utf-8").startswith("Importer Name,")
    assert temp_files(tmp_path) == []


def test_failure_mid_write_leaves_no_half_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def half_then_fail(self: pl.DataFrame, file: Path, **_: object) -> None:
        Path(file).write_text("Importer Name,Desc\nhalf a ro", encoding="utf-8")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pl.DataFrame, "write_csv", half_then_fail)
    fresh = tmp_path / "fresh.csv"
    with pytest.raises(ExportError) as err:
        write_lines_csv(sample_lines(), fresh)
    assert str(err.value) == f"cannot write {fresh}: no space left on the disk"
    assert not fresh.exists()
    old = tmp_path / "old.csv"
    old.write_text("previous export", encoding="utf-8")
    with pytest.raises(ExportError):
        write_lines_csv(sample_lines(), old, force=True)
    assert old.read_text(encoding="utf-8") == "previous export"
    assert temp_files(tmp_path) == []


def test_polars_disk_full_error_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(self: pl.DataFrame, file: Path, **_: object) -> None:
        raise OSError("No space left on device (os error 28)")  # as polars raises it

    monkeypatch.setattr(pl.DataFrame, "write_csv", full)
    path = tmp_path / "x.csv"
    with pytest.raises(ExportError) as err:
        write_csv(pl.DataFrame({"a": [1]}), path)
    assert str(err.value) == f"cannot write {path}: no space left on the disk"
    assert temp_files(tmp_path) == []


def test_failure_at_rename_cleans_the_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(src: object, dst: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(csvfile.os, "replace", boom)
    path = tmp_path / "x.csv"
    path.write_text("old", encoding="utf-8")
    with pytest.raises(ExportError, match="permission denied"):
        write_csv(pl.DataFrame({"a": [1]}), path, force=True)
    assert path.read_text(encoding="utf-8") == "old"
    assert temp_files(tmp_path) == []


def test_interrupt_mid_write_leaves_no_half_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(self: pl.DataFrame, file: Path, **_: object) -> None:
        Path(file).write_text("partial", encoding="utf-8")
        raise KeyboardInterrupt

    monkeypatch.setattr(pl.DataFrame, "write_csv", interrupted)
    path = tmp_path / "x.csv"
    with pytest.raises(KeyboardInterrupt):
        write_csv(pl.DataFrame({"a": [1]}), path)
    assert not path.exists()
    assert temp_files(tmp_path) == []


def test_unwritable_targets_are_one_line_errors(tmp_path: Path) -> None:
    frame = pl.DataFrame({"a": [1]})
    missing = tmp_path / "nope" / "x.csv"
    with pytest.raises(ExportError, match="does not exist"):
        write_csv(frame, missing)
    with pytest.raises(ExportError, match="it is a folder"):
        write_csv(frame, tmp_path)
    a_file = tmp_path / "file.txt"
    a_file.write_text("x", encoding="utf-8")
    with pytest.raises(ExportError, match="does not exist"):
        write_csv(frame, a_file / "x.csv")


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_read_only_folder_is_one_line_error(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(ExportError, match="permission denied"):
            write_csv(pl.DataFrame({"a": [1]}), folder / "x.csv")
    finally:
        folder.chmod(0o700)


def test_written_file_has_normal_permissions(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    write_csv(pl.DataFrame({"a": [1]}), path)
    mode = stat.S_IMODE(path.stat().st_mode)
    umask = os.umask(0)
    os.umask(umask)
    assert mode == 0o666 & ~umask


# --- CAPE declaration ----------------------------------------------------------------------------
def cape_lines(n_entries: int, *, dup: bool = True) -> pl.DataFrame:
    """n entries with a cape_phase1 line (listed in reverse, some twice), plus non-CAPE noise."""
    ids = list(range(n_entries, 0, -1))
    numbers = [entry(i) for i in ids]
    if dup:
        numbers += numbers[:50]
    frame = pl.DataFrame(
        {
            "entry_number": numbers,
            "pathway": ["cape_phase1"] * len(numbers),
            "ieepa_duty_cents": [101] * len(numbers),
        },
        schema={"entry_number": pl.String, "pathway": pl.String, "ieepa_duty_cents": pl.Int64},
    )
    noise = pl.DataFrame(
        {
            "entry_number": [entry(i, "ZZZ") for i in range(1, 21)],
            "pathway": ["protest", "cit", "hold", "review", "not_ieepa"] * 4,
            "ieepa_duty_cents": [999] * 20,
        }
    )
    return pl.concat([frame, noise])


def read_cape(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == CAPE_HEADER
    return lines[1:]


@pytest.mark.parametrize(
    ("n", "sizes"),
    [
        (1, [1]),
        (9_999, [9_999]),
        (10_000, [9_999, 1]),
        (19_998, [9_999, 9_999]),
        (19_999, [9_999, 9_999, 1]),
    ],
)
def test_cape_chunks_at_9999(tmp_path: Path, n: int, sizes: list[int]) -> None:
    lines = cape_lines(n)
    result = write_cape_declaration(lines, tmp_path / "cape")
    assert isinstance(result, CapeResult)
    assert result.entries == n
    assert [p.name for p in result.files] == cape_file_names(n)
    assert result.files[0].name == "cape_declaration_001.csv"
    written = [read_cape(p) for p in result.files]
    assert [len(w) for w in written] == sizes
    flat = [e for w in written for e in w]
    assert flat == sorted({entry(i).replace("-", "") for i in range(1, n + 1)})
    assert len(set(flat)) == len(flat)
    assert all(len(e) == 11 and "-" not in e for e in flat)
    assert result.ieepa_duty_cents == 101 * (n + min(50, n))
    assert temp_files(tmp_path / "cape") == []


def test_cape_dedups_and_uses_only_cape_lines(tmp_path: Path) -> None:
    lines = sample_lines()
    result = write_cape_declaration(lines, tmp_path)
    assert result.entries == 1
    assert read_cape(result.files[0]) == [entry(1).replace("-", "")]
    assert result.ieepa_duty_cents == 2_485_000 - 1_250


def test_cape_with_no_entries_writes_nothing(tmp_path: Path) -> None:
    lines = sample_lines().filter(pl.col("pathway") != "cape_phase1")
    result = write_cape_declaration(lines, tmp_path / "out")
    assert result == CapeResult(0, (), 0)
    assert not (tmp_path / "out").exists()


def test_cape_refuses_existing_files_and_force_replaces_stale(tmp_path: Path) -> None:
    tmp_path = tmp_path / "cape"
    write_cape_declaration(cape_lines(10_000), tmp_path)
    before = (tmp_path / "cape_declaration_002.csv").read_text(encoding="utf-8")
    with pytest.raises(OutputExists, match=r"cape_declaration_001\.csv already exists"):
        write_cape_declaration(cape_lines(5), tmp_path)
    assert (tmp_path / "cape_declaration_002.csv").read_text(encoding="utf-8") == before
    result = write_cape_declaration(cape_lines(5), tmp_path, force=True)
    assert [p.name for p in result.files] == ["cape_declaration_001.csv"]
    assert [p.name for p in result.removed] == ["cape_declaration_002.csv"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "cape_declaration_001.csv",
        "excluded.csv",
    ]
    assert len(read_cape(tmp_path / "cape_declaration_001.csv")) == 5
    empty = write_cape_declaration(cape_lines(5).head(0), tmp_path, force=True)
    assert empty.entries == 0 and empty.files == ()
    assert [p.name for p in empty.removed] == ["cape_declaration_001.csv", "excluded.csv"]
    assert list(tmp_path.iterdir()) == []


def test_cape_failure_writes_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tmp_path = tmp_path / "cape"
    real = pl.DataFrame.write_csv
    calls = {"n": 0}

    def second_fails(self: pl.DataFrame, file: Path, **kw: object) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            Path(file).write_text("Entry Number\nABC", encoding="utf-8")
            raise OSError(5, "Input/output error")
        real(self, file, **kw)

    monkeypatch.setattr(pl.DataFrame, "write_csv", second_fails)
    with pytest.raises(ExportError, match="Input/output error"):
        write_cape_declaration(cape_lines(10_000), tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_cape_rejects_malformed_entry_numbers(tmp_path: Path) -> None:
    tmp_path = tmp_path / "cape"
    tmp_path.mkdir()
    lines = cape_lines(3).with_columns(
        pl.when(pl.col("entry_number") == entry(2))
        .then(pl.lit("ABC-123"))
        .otherwise(pl.col("entry_number"))
        .alias("entry_number")
    )
    with pytest.raises(ExportError, match="not 11 characters"):
        write_cape_declaration(lines, tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_cape_target_not_a_folder(tmp_path: Path) -> None:
    a_file = tmp_path / "f"
    a_file.write_text("x", encoding="utf-8")
    with pytest.raises(ExportError, match="not a folder"):
        write_cape_declaration(cape_lines(2), a_file)


# --- protest worklist ----------------------------------------------------------------------------
def test_protest_worklist_one_row_per_entry_soonest_first() -> None:
    out = protest_worklist(sample_lines())
    expected = pl.DataFrame(
        {
            "Entry Number": [entry(3), entry(2)],
            "Liquidation Date": [date(2025, 11, 20), date(2025, 12, 1)],
            "Protest Deadline": [date(2026, 5, 19), date(2026, 5, 30)],
            "Days Left": [29, 40],
            "Lines": [2, 1],
        },
        schema_overrides={"Days Left": pl.Int64, "Lines": pl.Int64},
    ).with_columns(
        pl.Series("IEEPA Duty", [2, 100_001], dtype=pl.Int64).cast(pl.Decimal(38, 2)) / 100,
        pl.lit("to file").alias("Action"),
        pl.lit(None, dtype=pl.String).alias("Protest Number"),
    )
    assert_frame_equal(out, expected)


def test_protest_on_file_marked_with_its_number_not_to_file() -> None:
    on_file = pl.DataFrame(
        {
            "entry_number": [entry(7), entry(7), entry(8)],
            "pathway": ["protest"] * 3,
            "reason": ["protest_on_file", "protest_on_file", "protest_window"],
            "protest_number": ["2704-26-100123", "2704-26-100123", None],
            "liquidation_date": [None, None, date(2026, 1, 2)],
            "protest_deadline": [None, None, date(2026, 7, 1)],
            "days_left": pl.Series([None, None, 72], dtype=pl.Int64),
            "ieepa_duty_cents": [100, 200, 300],
        }
    )
    out = protest_worklist(on_file)
    assert out.select("Entry Number", "Action", "Protest Number").rows() == [
        (entry(8), "to file", None),
        (entry(7), "on file", "2704-26-100123"),
    ]


def test_write_protest_worklist(tmp_path: Path) -> None:
    path = tmp_path / "protest.csv"
    assert write_protest_worklist(sample_lines(), path) == 2
    assert path.read_text(encoding="utf-8").splitlines() == [
        "Entry Number,Liquidation Date,Protest Deadline,Days Left,Lines,IEEPA Duty,Action,"
        "Protest Number",
        f"{entry(3)},2025-11-20,2026-05-19,29,2,0.02,to file,",
        f"{entry(2)},2025-12-01,2026-05-30,40,1,1000.01,to file,",
    ]


def test_empty_protest_worklist_has_header(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    assert write_protest_worklist(sample_lines().head(2), path) == 0
    assert path.read_text(encoding="utf-8").splitlines() == [
        "Entry Number,Liquidation Date,Protest Deadline,Days Left,Lines,IEEPA Duty,Action,"
        "Protest Number"
    ]


# --- rejected rows -------------------------------------------------------------------------------
def test_write_rejected_neutralises_raw_text(tmp_path: Path) -> None:
    rejected = pl.DataFrame(
        {
            "source_file": ["a.csv", "a.csv"],
            "source_row": [5, 9],
            "column": ["Est. Duty", "Entry Summary Number"],
            "value": ["=1+2", "3.16123E+10"],
            "reason": ["not money", "entry number in scientific notation"],
            "raw": ['ABC-1,=1+2,"x"', "+3.16123E+10,foo"],
        },
        schema_overrides={"source_row": pl.Int64},
    )
    path = tmp_path / "rejected.csv"
    assert write_rejected(rejected, path) == 2
    back = read_text(path)
    assert back.columns == ["source_file", "source_row", "column", "value", "reason", "raw"]
    assert back["value"].to_list() == ["'=1+2", "3.16123E+10"]
    assert back["raw"].to_list() == ['ABC-1,=1+2,"x"', "'+3.16123E+10,foo"]
    assert back["source_row"].to_list() == ["5", "9"]


def test_computed_columns_cover_the_contract() -> None:
    sources = {s for _, s, _ in filing.COMPUTED_CSV_COLUMNS}
    wanted = set(LINE_COLUMNS) | set(CLASSIFIED_COLUMNS)
    assert wanted - sources == {"line_id", "has_ieepa", "has_stacking"}
