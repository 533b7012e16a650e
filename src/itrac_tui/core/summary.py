"""Pathway roll-ups of classified lines: the figures of the pane and of `scan --json`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import polars as pl

from itrac_tui.core.model import (
    EXCLUDED_PATHWAYS,
    PATHWAY_LABELS,
    PATHWAYS,
    POOL_PATHWAYS,
    Export,
    PathwayTotal,
    Warning_,
)
from itrac_tui.core.money import format_cents

WARNING_MESSAGES: dict[str, str] = {
    "check_digit": "entry number check digit does not verify (line kept)",
    "unknown_status": "liquidation status not recognised: line sent to review",
    "bad_date": "a date could not be read (left blank)",
    "no_commodity_row": "line has Chapter 99 rows but no commodity row",
    "blank_ieepa_duty": "IEEPA code with a blank duty: line sent to review",
}


@dataclass(frozen=True)
class Summary:
    """Per-pathway totals of a set of classified lines, with the export's row accounting."""

    as_of: date
    files: tuple[str, ...]
    rows_read: int
    rows_rejected: int
    rows_set_aside: int
    entries: int
    lines: int
    pathways: dict[str, PathwayTotal]
    refundable_pool_cents: int
    warnings: tuple[Warning_, ...] = field(default_factory=tuple)

    def to_json(self) -> dict[str, Any]:
        """The `scan --json` document (money as strings with two decimals; every key present)."""
        return {
            "as_of": self.as_of.isoformat(),
            "files": list(self.files),
            "rows_read": self.rows_read,
            "rows_rejected": self.rows_rejected,
            "rows_set_aside": self.rows_set_aside,
            "entries": self.entries,
            "lines": self.lines,
            "pathways": {
                p: {
                    "lines": self.pathways[p].lines,
                    "entries": self.pathways[p].entries,
                    "ieepa_duty": format_cents(self.pathways[p].ieepa_duty_cents),
                }
                for p in POOL_PATHWAYS
            },
            "refundable_pool": format_cents(self.refundable_pool_cents),
            "excluded": {p: {"lines": self.pathways[p].lines} for p in EXCLUDED_PATHWAYS},
            "warnings": [
                {"code": w.code, "count": w.count, "message": w.message} for w in self.warnings
            ],
        }


def pathway_totals(lines: pl.DataFrame) -> dict[str, PathwayTotal]:
    """Lines, distinct entries and IEEPA duty (cents) per pathway; every pathway present."""
    grouped = lines.group_by("pathway").agg(
        pl.len().alias("lines"),
        pl.col("entry_number").n_unique().alias("entries"),
        pl.col("ieepa_duty_cents").sum().alias("cents"),
    )
    found = {p: PathwayTotal(n, e, int(c or 0)) for p, n, e, c in grouped.iter_rows()}
    return {p: found.get(p, PathwayTotal(0, 0, 0)) for p in PATHWAYS}


def line_warnings(lines: pl.DataFrame) -> list[Warning_]:
    """Counts of line warnings (lines carrying each code)."""
    counts = lines.select(pl.col("warnings").explode().drop_nulls().value_counts(sort=True))
    out = []
    for row in counts.to_series().to_list():
        code, n = row["warnings"], row["count"]
        out.append(Warning_(code, int(n), f"{n:,} line(s): {WARNING_MESSAGES.get(code, code)}"))
    return sorted(out, key=lambda w: w.code)


def summarise(lines: pl.DataFrame, as_of: date, export: Export | None = None) -> Summary:
    """Summarise classified lines (all of an export, or a filtered view of it)."""
    totals = pathway_totals(lines)
    pool = sum(totals[p].ieepa_duty_cents for p in POOL_PATHWAYS)
    notices = list(export.notices) if export else []
    return Summary(
        as_of=as_of,
        files=export.files if export else (),
        rows_read=export.rows_read if export else 0,
        rows_rejected=export.rejected.height if export else 0,
        rows_set_aside=export.set_aside.height if export else 0,
        entries=lines.get_column("entry_number").n_unique() if lines.height else 0,
        lines=lines.height,
        pathways=totals,
        refundable_pool_cents=pool,
        warnings=tuple(line_warnings(lines) + notices),
    )


def nearest_deadlines(lines: pl.DataFrame, n: int = 5) -> pl.DataFrame:
    """The protest lines' entries with the soonest deadlines: entry, deadline, days left, duty."""
    return (
        lines.filter(pl.col("pathway") == "protest")
        .group_by("entry_number")
        .agg(
            pl.col("protest_deadline").min(),
            pl.col("days_left").min(),
            pl.col("ieepa_duty_cents").sum(),
        )
        .sort("protest_deadline", "entry_number")
        .head(n)
    )


def pathway_label(pathway: str) -> str:
    """Display name of a pathway id."""
    return PATHWAY_LABELS.get(pathway, pathway)
