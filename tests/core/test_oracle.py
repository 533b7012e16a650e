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
    ("layout", "parts", "junk"),
    [
        ("es003", 1, False),
        ("es003", 1, True),
        ("same_row", 1, True),
        ("legacy", 3, True),
        ("xlsx", 1, True),
    ],
)
@pytest.mark.parametrize("as_of", [date(2026, 11, 22), date(2026, 4, 20)])
def test_scan_equals_oracle(
    dataset, tmp_path: Path, layout: str, parts: int, junk: bool, as_of: date
) -> None:
    suffix = "xlsx" if layout == "xlsx" else "csv"
    paths, planted = write_export(
        dataset, layout, tmp_path / f"x.{suffix}", parts=parts, junk=JunkSpec() if junk else None
    )
    export, _, summary = scan(paths, as_of)
    assert comparable(summary.to_json()) == expected_summary(dataset, as_of, layout, planted)
    assert export.rows_read == export.rows_used + export.set_aside.height + export.rejected.height
