"""CAPE declarations (spec §8): check digits and earlier submissions left out and listed, one
importer per file (and filer with by_filer), the worked example, a generated export."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from benchmarks.generate import entry_number_valid, generate_dataset, oracle_lines, write_export
from itrac_tui.cli import main
from itrac_tui.core.claims import read_claims
from itrac_tui.core.classify import classify
from itrac_tui.core.filing import EXCLUDED_FILE, plan_declaration, write_cape_declaration
from itrac_tui.core.load import load_export
from itrac_tui.core.rules import load_rules

ROOT = Path(__file__).resolve().parents[2]
AS_OF = date(2026, 4, 20)


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def declared(folder: Path) -> dict[str, list[str]]:
    """Entries per declaration file name."""
    return {
        p.name: [r["Entry Number"] for r in read_rows(p)]
        for p in sorted(folder.glob("cape_declaration_*.csv"))
    }


def test_worked_example_declares_nothing_and_lists_the_bad_check_digit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "cape"
    code = main(
        [
            "export",
            str(ROOT / "sample_exports" / "worked_example.csv"),
            "--as-of",
            "2026-04-20",
            "--cape-declaration",
            str(folder),
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert declared(folder) == {}
    assert read_rows(folder / EXCLUDED_FILE) == [
        {
            "Entry Number": "ABC-1234567-8",
            "Reason": "check_digit",
            "Detail": "entry number check digit does not verify",
            "Importer Number": "",
            "Filer Code": "ABC",
            "IEEPA Duty": "24850.00",
        }
    ]
    assert "no entry to declare" in out and "left out 1 entry (check_digit 1)" in out


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[pl.DataFrame, list[dict]]:
    """A generated ES-003 export narrowed to two importers, classified, and its oracle lines."""
    ds = generate_dataset(3000, seed=11, as_of=AS_OF, invalid_check_fraction=0.05)
    paths, _ = write_export(ds, "es003", tmp_path_factory.mktemp("gen") / "x.csv")
    rules = load_rules()
    export = load_export(paths, rules)
    lines = classify(export.lines, rules, AS_OF, has_liquidation=export.has_liquidation)
    two = lines.get_column("importer_number").value_counts(sort=True).head(2)
    keep = two.get_column("importer_number").to_list()
    importer_of = dict(
        zip(
            ds.entries["entry_number"].to_list(),
            ds.entries["importer_number"].to_list(),
            strict=True,
        )
    )
    oracle = [o for o in oracle_lines(ds, AS_OF) if importer_of[o["entry_number"]] in keep]
    return lines.filter(pl.col("importer_number").is_in(keep)), oracle


def test_two_importers_files_union_is_exactly_phase1(
    tmp_path: Path, generated: tuple[pl.DataFrame, list[dict]]
) -> None:
    lines, oracle = generated
    result = write_cape_declaration(lines, tmp_path)
    phase1 = {o["entry_number"] for o in oracle if o["pathway"] == "cape_phase1"}
    good = {e.replace("-", "") for e in phase1 if entry_number_valid(e)}
    bad = {e for e in phase1 if not entry_number_valid(e)}
    assert bad, "the generator plants bad check digits"
    files = declared(tmp_path)
    union = [e for entries in files.values() for e in entries]
    assert sorted(union) == sorted(good) and len(union) == len(set(union))
    importer = dict(lines.select("entry_number", "importer_number").unique().iter_rows())
    for name, entries in files.items():  # one importer per file, named in the file name
        owners = {importer[f"{e[:3]}-{e[3:10]}-{e[10]}"] for e in entries}
        assert len(owners) == 1 and owners.pop() in name
    assert len(files) == 2 == len({f.importer for f in result.per_file})
    excluded = read_rows(tmp_path / EXCLUDED_FILE)
    assert {r["Entry Number"] for r in excluded} == bad
    assert {r["Reason"] for r in excluded} == {"check_digit"}
    assert result.entries == len(good) and result.excluded == {"check_digit": len(bad)}
    assert result.ieepa_duty_cents == sum(
        int(o["ieepa_cents"]) for o in oracle if o["entry_number"].replace("-", "") in good
        and o["pathway"] == "cape_phase1"
    )  # fmt: skip


def test_claimed_and_declared_entries_are_left_out_and_listed(
    tmp_path: Path, generated: tuple[pl.DataFrame, list[dict]]
) -> None:
    lines, _ = generated
    first = write_cape_declaration(lines, tmp_path / "first")
    some = sorted(e for entries in declared(tmp_path / "first").values() for e in entries)
    claimed, earlier = some[:4], some[4:7]
    claims = tmp_path / "claims.csv"
    claims.write_text(
        "ENTRY_NUMBER,CLAIM_NUMBER,STATUS,ERROR_DESCRIPTION\n"
        + "".join(f'="{e}",="10000{i}",Accepted,\n' for i, e in enumerate(claimed[:3]))
        + f"{claimed[3]},100009,Failed,INVALID HTS\n",
        encoding="utf-8",
    )
    decl = tmp_path / "old_declaration.csv"
    decl.write_text("Entry Number\n" + "".join(f"{e}\n" for e in earlier), encoding="utf-8")
    got = read_claims([claims], submitted=[decl])
    result = write_cape_declaration(lines, tmp_path / "second", submitted=got.submitted())
    now = {e for entries in declared(tmp_path / "second").values() for e in entries}
    assert now == set(some) - set(claimed) - set(earlier)
    rows = read_rows(tmp_path / "second" / EXCLUDED_FILE)
    by_entry = {r["Entry Number"].replace("-", ""): r for r in rows}
    assert {e for e in by_entry if by_entry[e]["Reason"] == "claimed"} == set(claimed)
    assert {e for e in by_entry if by_entry[e]["Reason"] == "declared"} == set(earlier)
    assert by_entry[claimed[3]]["Detail"] == "claimed (Failed)"
    assert result.excluded["claimed"] == 4 and result.excluded["declared"] == 3
    assert result.entries == first.entries - 7


def test_by_filer_splits_per_importer_and_filer(tmp_path: Path) -> None:
    lines = pl.DataFrame(
        {
            "entry_number": ["SP7-0000001-4", "ABC-1234567-6", "SP7-0000001-4", "ABC-1234568-4"],
            "importer_number": ["11-1", "11-1", "11-1", None],
            "filer_code": [None, None, None, "XY9"],
            "pathway": ["cape_phase1"] * 4,
            "ieepa_duty_cents": [100, 200, 300, 400],
        }
    )
    plan = plan_declaration(lines, by_filer=True)
    names = [name for name, _ in plan.files]
    assert names == [
        "cape_declaration_11-1_ABC_001.csv",
        "cape_declaration_11-1_SP7_001.csv",
        "cape_declaration_none_XY9_001.csv",
    ]
    assert [f.get_column("cents").to_list() for _, f in plan.files] == [[200], [400], [400]]
    assert plan.groups == (("11-1", "ABC"), ("11-1", "SP7"), (None, "XY9"))
    assert [name for name, _ in plan_declaration(lines).files] == [
        "cape_declaration_11-1_001.csv",
        "cape_declaration_none_001.csv",
    ]
    one = plan_declaration(lines.drop("importer_number"))
    assert [name for name, _ in one.files] == ["cape_declaration_001.csv"]


def test_max_entries_from_the_rules(tmp_path: Path) -> None:
    from benchmarks.generate import make_entry_number

    numbers = [make_entry_number("SP7", i) for i in range(1, 8)]
    lines = pl.DataFrame(
        {"entry_number": numbers, "pathway": ["cape_phase1"] * 7, "ieepa_duty_cents": [1] * 7}
    )
    override = tmp_path / "r.toml"
    override.write_text("[cape]\ncape_max_entries = 3\n", encoding="utf-8")
    rules = load_rules(override)
    plan = plan_declaration(lines, max_entries=rules.cape.max_entries)
    assert [f.height for _, f in plan.files] == [3, 3, 1]
    assert [n for n, _ in plan.files][-1] == "cape_declaration_003.csv"


def test_cli_prints_each_file_and_reads_claims_and_submissions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    claims = tmp_path / "claims.csv"
    claims.write_text("ENTRY_NUMBER,CLAIM_NUMBER,STATUS\nEX7-3161230-5,1,Accepted\n", "utf-8")
    folder = tmp_path / "cape"
    code = main(
        ["export", "--as-of", "2026-04-20", "--cape-declaration", str(folder), "--claims",
         str(claims), "--by-filer"]
    )  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0
    assert "importer 27-1840395-00, filer EX7" in out
    assert "(check_digit 1, claimed 1)" in out
    rows = read_rows(folder / EXCLUDED_FILE)
    assert ("EX7-3161230-5", "claimed") in {(r["Entry Number"], r["Reason"]) for r in rows}
    again = tmp_path / "again"
    earlier = sorted(folder.glob("cape_declaration_*_EX7_001.csv"))
    code = main(
        ["export", "--as-of", "2026-04-20", "--cape-declaration", str(again),
         "--exclude-submitted", *map(str, earlier)]
    )  # fmt: skip
    assert code == 0
    assert "declared" in capsys.readouterr().out
    assert not list(again.glob("*_EX7_*.csv"))
