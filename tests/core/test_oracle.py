"""Generated exports (every layout, planted junk) against the generator's independent oracle."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from benchmarks.generate import (
    JunkSpec,
    comparable,
    expected_summary,
    generate_dataset,
    write_export,
)
from tests.core.helpers import scan


@pytest.fixture(scope="module")
def dataset():
    return generate_dataset(1500, seed=7, as_of=date(2026, 11, 22))


@pytest.mark.parametrize(
    ("layout", "parts", "junk", "order", "line_numbers"),
    [
        ("es003", 1, False, "ch99_first", True),
        ("es003", 1, True, "ch99_first", True),
        ("es003", 1, True, "commodity_first", True),
        ("es003", 1, True, "ch99_first", False),
        ("es003", 2, True, "commodity_first", False),
        ("same_row", 1, True, "ch99_first", True),
        ("same_row", 1, True, "ch99_first", False),
        ("legacy", 3, True, "ch99_first", False),
        ("legacy", 2, True, "commodity_first", False),
        ("xlsx", 1, True, "ch99_first", True),
        ("xlsx", 1, False, "commodity_first", False),
    ],
)
@pytest.mark.parametrize("as_of", [date(2026, 11, 22), date(2026, 4, 20)])
def test_scan_equals_oracle(
    dataset,
    tmp_path: Path,
    layout: str,
    parts: int,
    junk: bool,
    order: str,
    line_numbers: bool,
    as_of: date,
) -> None:
    """Every layout, both orders, with and without line numbers: per pathway and per reason,
    to the cent, with the row accounting (conservation)."""
    suffix = "xlsx" if layout == "xlsx" else "csv"
    paths, planted = write_export(
        dataset,
        layout,
        tmp_path / f"x.{suffix}",
        parts=parts,
        junk=JunkSpec() if junk else None,
        order=order,
        line_numbers=line_numbers,
    )
    export, _, summary = scan(paths, as_of)
    expected = expected_summary(
        dataset, as_of, layout, planted, order=order, line_numbers=line_numbers, parts=parts
    )
    assert comparable(summary.to_json()) == expected
    assert export.rows_read == export.rows_used + export.set_aside.height + export.rejected.height


def test_hold_reading_of_suspended(dataset, tmp_path: Path) -> None:
    """suspended_pathway = "hold" (the vendor guide's reading) moves SUS/EXT/REV to hold."""
    from itrac_tui.core.classify import classify
    from itrac_tui.core.load import load_export
    from itrac_tui.core.rules import load_rules
    from itrac_tui.core.summary import summarise

    as_of = date(2026, 11, 22)
    override = tmp_path / "rules.toml"
    override.write_text('[pathways]\nsuspended_pathway = "hold"\n')
    rules = load_rules(override)
    paths, planted = write_export(dataset, "es003", tmp_path / "x.csv")
    export = load_export(paths, rules)
    lines = classify(export.lines, rules, as_of, has_liquidation=export.has_liquidation)
    expected = expected_summary(dataset, as_of, "es003", planted, suspended_pathway="hold")
    assert comparable(summarise(lines, as_of, export).to_json()) == expected
    assert expected["pathways"]["hold"]["reasons"].get("suspended", 0) > 0
