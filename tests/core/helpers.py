"""Small builders for core tests: write a same-row export from dicts, load and classify it."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import polars as pl

from itrac_tui.core.classify import classify
from itrac_tui.core.load import load_export
from itrac_tui.core.model import Export
from itrac_tui.core.rules import load_rules
from itrac_tui.core.summary import Summary, summarise

HEADER = [
    "Entry Number",
    "Line Number",
    "Entry Type",
    "HTS Number",
    "Country of Origin",
    "Entered Value",
    "Est. Duty",
    "Chapter 99 HTS",
    "IEEPA Duty Paid",
    "Liq Date",
    "Liq Status",
]


def row(
    entry: str = "SP7-0000001-4",
    line: int = 1,
    *,
    etype: str = "01",
    hts: str = "8479.89.9499",
    coo: str = "CN",
    value: str = "1000.00",
    duty: str = "0.00",
    ch99: str = "9903.01.25",
    ieepa: str = "100.00",
    liq: str = "",
    status: str = "UNL",
) -> list[str]:
    """One same-row-layout row."""
    return [entry, str(line), etype, hts, coo, value, duty, ch99, ieepa, liq, status]


def write_csv(path: Path, rows: list[list[str]], header: list[str] | None = None) -> Path:
    """Write rows under a header."""
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header or HEADER)
        w.writerows(rows)
    return path


def scan(paths: list[Path], as_of: date) -> tuple[Export, pl.DataFrame, Summary]:
    """Load, classify and summarise like `itrac-tui scan`."""
    rules = load_rules()
    export = load_export(paths, rules)
    lines = classify(export.lines, rules, as_of, has_liquidation=export.has_liquidation)
    return export, lines, summarise(lines, as_of, export)
