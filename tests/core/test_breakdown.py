"""Breakdowns and the weekly deadline roll-up: their totals are the view's `scan --json` figures."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

from itrac_tui.cli import main
from itrac_tui.core.breakdown import BLANK, DIMENSIONS, breakdown, resolve, totals
from itrac_tui.core.calendar import weekly_deadlines, with_deadline
from itrac_tui.core.classify import classify
from itrac_tui.core.load import load_export
from itrac_tui.core.rules import load_rules
from itrac_tui.core.summary import summarise
from itrac_tui.core.views import ViewSpec, apply_view, parse_entries

SAMPLE = Path(__file__).resolve().parents[1] / "tui" / "data" / "tui_sample.csv"
AS_OF = date(2026, 6, 15)


@pytest.fixture(scope="module")
def lines() -> pl.DataFrame:
    rules = load_rules()
    return classify(load_export([SAMPLE], rules).lines, rules, AS_OF)


def _cents(text: str) -> int:
    return int(Decimal(text) * 100)


def _scan_pool(capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    assert main(["scan", "--json", "--as-of", AS_OF.isoformat(), str(SAMPLE)]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("dimension", [*DIMENSIONS, "column:Description"])
def test_every_dimension_adds_up_to_scan_json(
    lines: pl.DataFrame, dimension: str, capsys: pytest.CaptureFixture[str]
) -> None:
    scan = _scan_pool(capsys)
    table = breakdown(lines, dimension)
    if not resolve(dimension, lines.columns):
        assert table.height == 0
        return
    whole = totals(lines)
    assert whole.lines == scan["lines"] and whole.entries == scan["entries"]
    assert whole.ieepa_duty_cents == _cents(str(scan["refundable_pool"]))
    if not DIMENSIONS.get(dimension, ("", "", False))[2]:  # single-valued: groups partition
        assert table.get_column("lines").sum() == whole.lines
        assert table.get_column("ieepa_duty_cents").sum() == whole.ieepa_duty_cents
    assert table.get_column("share_bp").max() <= 10_000


@pytest.mark.parametrize(
    "spec",
    [
        ViewSpec(countries=("CN",)),
        ViewSpec(pathways=("protest", "cit")),
        ViewSpec(groups=(("origin", "CN"), ("status", "LIQ"))),
        ViewSpec(groups=(("program", "ieepa_fentanyl"),)),
        ViewSpec(groups=(("column:Importer Name", "Acme Imports LLC"),)),
        ViewSpec(groups=(("importer", "Acme Imports LLC"),)),
        ViewSpec(groups=(("liquidation_month", "2026-04"),)),
    ],
)
def test_group_filter_is_the_group(lines: pl.DataFrame, spec: ViewSpec) -> None:
    view = apply_view(lines, spec)
    summary = summarise(view, AS_OF).to_json()
    whole = totals(view)
    assert whole.lines == summary["lines"] and whole.entries == summary["entries"]
    assert whole.ieepa_duty_cents == _cents(summary["refundable_pool"])
    if spec.groups and len(spec.groups) == 1:  # Enter on a breakdown row gives its figures
        dim, key = spec.groups[0]
        row = breakdown(lines, dim).filter(pl.col("key") == key).row(0, named=True)
        assert (row["lines"], row["entries"], row["ieepa_duty_cents"]) == (
            whole.lines,
            whole.entries,
            whole.ieepa_duty_cents,
        )


def test_origin_breakdown_figures(lines: pl.DataFrame) -> None:
    table = breakdown(lines, "origin")
    cn = table.filter(pl.col("key") == "CN").row(0, named=True)
    assert cn["ieepa_duty_cents"] == table.get_column("ieepa_duty_cents").max()
    assert table.get_column("key").to_list()[0] == "CN"


def test_blank_group_filters_lines_without_value() -> None:
    frame = pl.DataFrame(
        {
            "entry_number": ["A", "B", "C"],
            "country": ["CN", None, "MX"],
            "ch99_programs": [["ieepa_fentanyl"], [], ["ieepa_fentanyl", "section_232"]],
            "ieepa_duty_cents": [100, 50, 25],
            "pathway": ["protest", "cit", "protest"],
        }
    )
    table = breakdown(frame, "origin")
    assert dict(zip(table["key"], table["ieepa_duty_cents"], strict=True)) == {
        "CN": 100,
        BLANK: 50,
        "MX": 25,
    }
    programs = breakdown(frame, "program")
    assert dict(zip(programs["key"], programs["lines"], strict=True)) == {
        "ieepa_fentanyl": 2,
        BLANK: 1,
        "section_232": 1,
    }
    blank = apply_view(frame, ViewSpec(groups=(("program", BLANK),)))
    assert blank["entry_number"].to_list() == ["B"]
    assert apply_view(frame, ViewSpec(groups=(("origin", BLANK),)))["entry_number"].to_list() == [
        "B"
    ]


def _deadline_frame(as_of: date) -> pl.DataFrame:
    d = as_of
    return pl.DataFrame(
        {
            "entry_number": ["A", "A", "B", "C", "D", "E", "F"],
            "pathway": ["cape_phase1", "cape_phase1", "protest", "cit", "protest", "hold", "cit"],
            "ieepa_duty_cents": [1000, 500, 700, 300, 200, 999, 50],
            "phase1_until": [
                d + timedelta(days=3),
                d + timedelta(days=3),
                None,
                None,
                None,
                None,
                None,
            ],
            "protest_deadline": [
                d + timedelta(days=90),
                None,
                d + timedelta(days=10),
                None,
                d + timedelta(days=200),
                None,
                None,
            ],
            "cit_deadline": [
                None,
                None,
                None,
                d + timedelta(days=400),
                None,
                None,
                d - timedelta(days=20),
            ],
            "days_left": [3, 3, 10, 400, 200, None, -20],
        }
    )


def test_weekly_deadlines_use_each_lines_own_deadline() -> None:
    as_of = date(2026, 6, 17)  # a Wednesday
    frame = _deadline_frame(as_of)
    cal = weekly_deadlines(frame, as_of, weeks=4)
    assert cal.height == 6 and cal["bucket"][0] == "overdue" and cal["bucket"][-1] == "later"
    assert cal["start"][1] == date(2026, 6, 15)
    week0 = cal.row(1, named=True)
    assert (week0["phase1_entries"], week0["phase1_cents"]) == (1, 1500)  # not A's protest date
    week1 = cal.row(2, named=True)
    assert (week1["protest_entries"], week1["protest_cents"]) == (1, 700)
    assert cal.row(0, named=True)["cit_cents"] == 50
    later = cal.row(-1, named=True)
    assert (later["protest_cents"], later["cit_cents"]) == (200, 300)
    # every pathway with a deadline adds up to its total; hold has none
    assert cal["cents"].sum() == 1500 + 700 + 300 + 200 + 50
    assert cal["protest_cents"].sum() == 900 and cal["cit_cents"].sum() == 350


def test_week_filter_equals_the_calendar_row() -> None:
    as_of = date(2026, 6, 17)
    frame = _deadline_frame(as_of)
    cal = weekly_deadlines(frame, as_of, weeks=4)
    for row in cal.iter_rows(named=True):
        view = apply_view(frame, ViewSpec(deadline_from=row["start"], deadline_to=row["end"]))
        whole = totals(view)
        assert (whole.lines, whole.entries, whole.ieepa_duty_cents) == (
            row["lines"],
            row["entries"],
            row["cents"],
        )
    due = apply_view(frame, ViewSpec(due_within=10))
    assert sorted(due["entry_number"].to_list()) == ["A", "A", "B"]


def test_with_deadline_picks_the_pathways_column() -> None:
    as_of = date(2026, 6, 17)
    frame = with_deadline(_deadline_frame(as_of))
    assert frame["deadline"].to_list()[:4] == [
        as_of + timedelta(days=3),
        as_of + timedelta(days=3),
        as_of + timedelta(days=10),
        as_of + timedelta(days=400),
    ]
    assert frame["deadline"][5] is None


def test_calendar_without_deadline_columns_is_empty_not_an_error(lines: pl.DataFrame) -> None:
    bare = lines.drop(
        [c for c in ("phase1_until", "protest_deadline", "cit_deadline") if c in lines.columns]
    )
    cal = weekly_deadlines(bare, AS_OF)
    assert cal["cents"].sum() == 0


def test_parse_pasted_entry_numbers() -> None:
    good, bad = parse_entries("ABC-1000001-8\nABC10000026, abc 1000003-4; nonsense ABC-1000001-8")
    assert good[:2] == ("ABC-1000001-8", "ABC-1000002-6")
    assert "nonsense" in bad


def test_pasted_entry_written_with_spaces_is_one_entry() -> None:
    """A report that prints EX7 3161388 1: one entry, in the order pasted; a stray number is
    still said to be no entry."""
    good, bad = parse_entries("EX7 3161388 1, 9KJ-0528841-6\nMTX77317058 12")
    assert good == ("EX7-3161388-1", "9KJ-0528841-6", "MTX-7731705-8")
    assert bad == ("12",)


def test_entries_filter(lines: pl.DataFrame) -> None:
    view = apply_view(lines, ViewSpec(entries=("ABC-1000001-8", "XYZ-2000001-1")))
    assert set(view["entry_number"].to_list()) == {"ABC-1000001-8", "XYZ-2000001-1"}


def test_view_spec_round_trips_new_filters() -> None:
    spec = ViewSpec(
        reasons=("suspended",),
        entries=("ABC-1000001-8",),
        groups=(("origin", "CN"),),
        deadline_from=date(2026, 1, 1),
        deadline_to=date(2026, 2, 1),
        due_within=21,
    )
    assert ViewSpec.from_dict(spec.to_dict()) == spec
    assert spec.is_filtered()


def test_warning_codes_filter() -> None:
    frame = pl.DataFrame(
        {"entry_number": ["A", "B", "C"], "warnings": [["check_digit"], [], ["bad_date", "x"]]}
    )
    view = apply_view(frame, ViewSpec(warning_codes=("bad_date", "nope")))
    assert view["entry_number"].to_list() == ["C"]


@pytest.mark.parametrize(
    ("entries", "keys"),
    [
        (["A", "A", "B", "B", "C"], ["x", "x", "y", "y", "x"]),  # runs, one key each: by runs
        (["A", "B", "A", "C", "C"], ["x", "y", "x", "x", "x"]),  # entry A in two runs
        (["A", "A", "B", "B", "C"], ["x", "y", "y", "y", "x"]),  # entry A in two groups
        (["A", "A", "B", "B", "C"], ["x", None, None, None, "x"]),
    ],
)
@pytest.mark.parametrize("categorical", [False, True])
def test_entries_per_group_are_distinct_entries(
    entries: list[str], keys: list[str | None], categorical: bool
) -> None:
    frame = pl.DataFrame(
        {"entry_number": entries, "Port Name": keys, "ieepa_duty_cents": [1, 2, 3, 4, 5]}
    )
    if categorical:
        frame = frame.with_columns(pl.col("entry_number", "Port Name").cast(pl.Categorical))
    table = breakdown(frame, "port")
    expected = (
        frame.group_by(pl.col("Port Name").cast(pl.String).fill_null(BLANK).alias("key"))
        .agg(pl.len(), pl.col("entry_number").n_unique(), pl.col("ieepa_duty_cents").sum())
        .sort("key")
    )
    got = table.sort("key").select("key", "lines", "entries", "ieepa_duty_cents")
    assert got.rows() == expected.rows()
