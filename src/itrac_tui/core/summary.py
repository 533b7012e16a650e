"""Pathway roll-ups of classified lines: the figures of the pane and of `scan --json`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import polars as pl

from itrac_tui.core.claims import ClaimsSummary
from itrac_tui.core.interest import INTEREST_COLUMN
from itrac_tui.core.model import (
    EXCLUDED_PATHWAYS,
    PATHWAY_LABELS,
    PATHWAYS,
    POOL_PATHWAYS,
    REASONS,
    Export,
    PathwayTotal,
    Warning_,
)
from itrac_tui.core.money import format_cents
from itrac_tui.core.preflight import PREFLIGHT_MESSAGES

WARNING_MESSAGES: dict[str, str] = {
    "check_digit": "entry number check digit does not verify (line kept)",
    "unknown_status": "liquidation status not recognised: line sent to review",
    "bad_date": "a date could not be read (left blank)",
    "no_commodity_row": "line has Chapter 99 rows but no commodity row",
    "blank_ieepa_duty": "IEEPA code with a blank duty: line sent to review",
    "ieepa_outside_window": "non-zero IEEPA duty on an entry dated outside the IEEPA collection"
    " window (often the wrong date column); line kept",
    "protest_status_blank": "protest number with a blank protest status: read as a protest on"
    " file (kept out of CAPE)",
    "unclear_flag": "reconciliation/drawback indicator not Y/N: read as set (kept out of CAPE"
    " Phase 1)",
    "phase1_cliff": "CAPE Phase 1 closes soon (within the rules' phase1_margin_days of"
    " phase1_until): declare now or it falls to protest",
    "rlq_phase1": "reliquidated line in CAPE Phase 1: the 90 days of 19 USC 1501 run from the"
    " original liquidation; check it",
    **PREFLIGHT_MESSAGES,
}


# File notices listed before everything else: the export cannot give a real IEEPA reading.
PROMINENT: frozenset[str] = frozenset({"no_ch99_in_file"})


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
    reasons: dict[str, dict[str, int]] = field(default_factory=dict)  # pathway -> reason -> lines
    claims: ClaimsSummary | None = None  # only when claim results were given

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
                    "reasons": dict(self.reasons.get(p, {})),
                    **_interest_json(self.pathways[p]),
                }
                for p in POOL_PATHWAYS
            },
            "refundable_pool": format_cents(self.refundable_pool_cents),
            "excluded": {p: {"lines": self.pathways[p].lines} for p in EXCLUDED_PATHWAYS},
            "warnings": [
                {"code": w.code, "count": w.count, "message": w.message} for w in self.warnings
            ],
            **({"claims": self.claims.to_json()} if self.claims is not None else {}),
        }


def _interest_json(total: PathwayTotal) -> dict[str, str]:
    """The pathway's "interest_estimate" key (absent when the lines carry no estimate)."""
    cents = total.interest_estimate_cents
    return {} if cents is None else {"interest_estimate": format_cents(cents)}


def pathway_totals(lines: pl.DataFrame) -> dict[str, PathwayTotal]:
    """Lines, distinct entries and IEEPA duty (cents) per pathway; every pathway present."""
    has_interest = INTEREST_COLUMN in lines.columns
    interest = pl.col(INTEREST_COLUMN).sum() if has_interest else pl.lit(None, dtype=pl.Int64)
    grouped = lines.group_by("pathway").agg(
        pl.len().alias("lines"),
        pl.col("entry_number").n_unique().alias("entries"),
        pl.col("ieepa_duty_cents").sum().alias("cents"),
        interest.alias("interest"),
    )
    found = {
        p: PathwayTotal(n, e, int(c or 0), int(i or 0) if has_interest else None)
        for p, n, e, c, i in grouped.iter_rows()
    }
    empty = PathwayTotal(0, 0, 0, 0 if has_interest else None)
    return {p: found.get(p, empty) for p in PATHWAYS}


def reason_counts(lines: pl.DataFrame) -> dict[str, dict[str, int]]:
    """Lines per reason within each pool pathway (only reasons with lines), in REASONS order."""
    if "reason" not in lines.columns or lines.height == 0:
        return {}
    grouped = (
        lines.filter(pl.col("pathway").is_in(list(POOL_PATHWAYS)))
        .group_by("pathway", "reason")
        .len()
    )
    order = {r: i for i, r in enumerate(REASONS)}
    out: dict[str, dict[str, int]] = {}
    rows = sorted(grouped.iter_rows(), key=lambda r: (order.get(r[1], len(order)), str(r[1])))
    for pathway, reason, n in rows:
        out.setdefault(pathway, {})[str(reason)] = int(n)
    return out


def line_warnings(lines: pl.DataFrame) -> list[Warning_]:
    """Counts of line warnings (lines carrying each code)."""
    counts = lines.select(pl.col("warnings").explode().drop_nulls().value_counts(sort=True))
    out = []
    for row in counts.to_series().to_list():
        code, n = row["warnings"], row["count"]
        out.append(Warning_(code, int(n), f"{n:,} line(s): {WARNING_MESSAGES.get(code, code)}"))
    return sorted(out, key=lambda w: w.code)


def summarise(
    lines: pl.DataFrame,
    as_of: date,
    export: Export | None = None,
    *,
    claims: ClaimsSummary | None = None,
    notices: tuple[Warning_, ...] = (),
) -> Summary:
    """Summarise classified lines (all of an export, or a filtered view of it); `claims` and
    extra `notices` (e.g. the interest-rate notice) are passed through."""
    totals = pathway_totals(lines)
    pool = sum(totals[p].ieepa_duty_cents for p in POOL_PATHWAYS)
    extra = [*(export.notices if export else ()), *notices]
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
        warnings=tuple(
            [w for w in extra if w.code in PROMINENT]
            + line_warnings(lines)
            + [w for w in extra if w.code not in PROMINENT]
        ),
        reasons=reason_counts(lines),
        claims=claims,
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
        .sort("protest_deadline", "entry_number", nulls_last=True)
        .head(n)
    )


def leaving_phase1_soonest(lines: pl.DataFrame, n: int = 5) -> pl.DataFrame:
    """The CAPE Phase 1 lines' entries that fall to protest soonest: entry, phase1_until (the
    earliest of the entry), days left, IEEPA duty of those lines."""
    return (
        lines.filter((pl.col("pathway") == "cape_phase1") & pl.col("phase1_until").is_not_null())
        .group_by("entry_number")
        .agg(
            pl.col("phase1_until").min(),
            pl.col("days_left").min(),
            pl.col("ieepa_duty_cents").sum(),
        )
        .sort("phase1_until", "entry_number")
        .head(n)
    )


def earliest_cit_deadline(lines: pl.DataFrame) -> date | None:
    """The earliest cit_deadline of the CIT lines (an estimate: say so where it is shown)."""
    cit = lines.filter(pl.col("pathway") == "cit").get_column("cit_deadline")
    value = cit.min() if cit.len() else None
    return value if isinstance(value, date) else None


CIT_CAVEAT = (
    "CIT deadline is an estimate: deposit date + the rules' cit_years (28 USC 1581(i)); when"
    " that clock starts is disputed."
)

# The same caveat where a line of the pane has room for a few words only.
CIT_CAVEAT_SHORT = "estimate: 1581(i) start is disputed"


def pathway_label(pathway: str) -> str:
    """Display name of a pathway id."""
    return PATHWAY_LABELS.get(pathway, pathway)
