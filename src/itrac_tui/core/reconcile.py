"""Reconciling ITRAC with accounts payable: roll ITRAC up by entry, compare with the AP rows."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from itrac_tui.core.ap import APData
from itrac_tui.core.errors import InputError
from itrac_tui.core.money import format_cents, format_dollars, parse_typed_cents

MEASURES: tuple[str, ...] = ("total_duty", "ieepa_duty")
MEASURE_LABELS: dict[str, str] = {"total_duty": "Total duty", "ieepa_duty": "IEEPA duty"}
STATUSES: tuple[str, ...] = ("matched", "mismatched", "missing_in_ap", "missing_in_itrac")
STATUS_LABELS: dict[str, str] = {
    "matched": "Matched",
    "mismatched": "Mismatched",
    "missing_in_ap": "Missing in AP",
    "missing_in_itrac": "Missing in ITRAC",
}


def format_cents_grouped(cents: int | None) -> str:
    """Cents with thousands separators for tables: 123456789 -> '1,234,567.89'; None -> '—'."""
    return "—" if cents is None else format_dollars(cents).replace("$", "", 1)


def parse_tolerance(text: str) -> int:
    """A user-typed tolerance ('0.05', '$1,000', '12') in exact cents. ValueError, with a message
    for the user, if it is not money, has more than two decimals (never rounded) or is
    negative."""
    cents = parse_typed_cents(text)
    if cents < 0:
        raise ValueError("a tolerance cannot be negative")
    return cents


# --- comparing ----------------------------------------------------------------------------------


def itrac_rollup(lines: pl.DataFrame) -> pl.DataFrame:
    """ITRAC per entry: lines, total duty and IEEPA duty (cents), in entry-number order."""
    return (
        lines.lazy()
        .filter(pl.col("entry_number").is_not_null())
        .group_by("entry_number")
        .agg(
            lines=pl.len().cast(pl.Int64),
            total_duty_cents=pl.col("total_duty_cents").sum().cast(pl.Int64),
            ieepa_duty_cents=pl.col("ieepa_duty_cents").sum().cast(pl.Int64),
        )
        .sort("entry_number")
        .collect()
    )


@dataclass(frozen=True)
class StatusTotal:
    """Entries and dollar totals (cents) of one reconciliation status."""

    entries: int
    itrac_cents: int
    ap_cents: int
    delta_cents: int


ENTRY_COLUMNS: tuple[str, ...] = (
    "entry_number",
    "status",
    "itrac_cents",  # null when missing in ITRAC
    "ap_cents",  # null when missing in AP
    "delta_cents",  # AP - ITRAC, a missing side counting as 0
    "abs_delta_cents",
    "itrac_lines",
    "ap_rows",
    "duplicate_documents",
)


@dataclass(frozen=True)
class Reconciliation:
    """Entries compared ITRAC vs AP, with counts and totals per status."""

    entries: pl.DataFrame  # ENTRY_COLUMNS
    measure: str
    tolerance_cents: int
    counts: dict[str, int]
    totals: dict[str, StatusTotal]
    itrac_total_cents: int
    ap_total_cents: int
    mismatch_delta_cents: int
    ap_rows_rejected: int
    duplicate_ap_documents: int
    ap_amounts_rounded: int = 0  # AP amounts with more than two decimals, rounded to the cent
    ap_file: str = ""
    ap_measure_column: str = ""  # the AP header compared
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def net_delta_cents(self) -> int:
        """AP total − ITRAC total."""
        return self.ap_total_cents - self.itrac_total_cents

    def to_json(self) -> dict[str, Any]:
        """The `reconcile --json` document."""
        return {
            "measure": self.measure,
            "tolerance": format_cents(self.tolerance_cents),
            "entries": {s: self.counts[s] for s in STATUSES},
            "itrac_total": format_cents(self.itrac_total_cents),
            "ap_total": format_cents(self.ap_total_cents),
            "mismatch_delta": format_cents(self.mismatch_delta_cents),
            "ap_rows_rejected": self.ap_rows_rejected,
            "duplicate_ap_documents": self.duplicate_ap_documents,
            "ap_amounts_rounded": self.ap_amounts_rounded,
        }


def _ap_value_column(ap: APData, measure: str) -> str:
    return "ieepa_cents" if measure == "ieepa_duty" and ap.has_ieepa else "amount_cents"


def reconcile(
    lines: pl.DataFrame,
    ap: APData,
    *,
    measure: str = "total_duty",
    tolerance_cents: int = 0,
    rollup: pl.DataFrame | None = None,
) -> Reconciliation:
    """Compare ITRAC (rolled up by entry) with AP (summed by entry) on the chosen measure.

    `rollup` is itrac_rollup(lines) when the caller already has it (it does not depend on the
    measure or the tolerance)."""
    if measure not in MEASURES:
        raise InputError(f"unknown measure {measure!r} (use {' or '.join(MEASURES)})")
    if tolerance_cents < 0:
        raise InputError("tolerance cannot be negative")
    itrac = (
        (itrac_rollup(lines) if rollup is None else rollup)
        .lazy()
        .select("entry_number", itrac_lines="lines", itrac_cents=f"{measure}_cents")
    )
    value = _ap_value_column(ap, measure)
    ap_by_entry = (
        ap.rows.lazy()
        .group_by("entry_number")
        .agg(
            ap_rows=pl.len().cast(pl.Int64),
            ap_cents=pl.when(pl.col(value).count() > 0).then(pl.col(value).sum()).cast(pl.Int64),
            duplicate_documents=pl.col("document")
            .filter(pl.col("duplicate_document"))
            .n_unique()
            .cast(pl.Int64),
        )
    )
    tol = pl.lit(tolerance_cents, dtype=pl.Int64)
    entries = (
        itrac.join(ap_by_entry, on="entry_number", how="full", coalesce=True)
        .with_columns(
            delta_cents=pl.col("ap_cents").fill_null(0) - pl.col("itrac_cents").fill_null(0),
        )
        .with_columns(
            status=pl.when(pl.col("itrac_lines").is_null())
            .then(pl.lit("missing_in_itrac"))
            .when(pl.col("ap_cents").is_null())
            .then(pl.lit("missing_in_ap"))
            .when(pl.col("delta_cents").abs() <= tol)
            .then(pl.lit("matched"))
            .otherwise(pl.lit("mismatched")),
            abs_delta_cents=pl.col("delta_cents").abs(),
            itrac_lines=pl.col("itrac_lines").fill_null(0),
            ap_rows=pl.col("ap_rows").fill_null(0),
            duplicate_documents=pl.col("duplicate_documents").fill_null(0),
        )
        .select(ENTRY_COLUMNS)
        .sort("entry_number")
        .collect()
    )
    per_status = entries.group_by("status").agg(
        n=pl.len(),
        itrac=pl.col("itrac_cents").sum(),
        ap=pl.col("ap_cents").sum(),
        delta=pl.col("delta_cents").sum(),
    )
    got = {r["status"]: r for r in per_status.iter_rows(named=True)}
    totals = {
        s: StatusTotal(
            entries=int(got[s]["n"]) if s in got else 0,
            itrac_cents=int(got[s]["itrac"] or 0) if s in got else 0,
            ap_cents=int(got[s]["ap"] or 0) if s in got else 0,
            delta_cents=int(got[s]["delta"] or 0) if s in got else 0,
        )
        for s in STATUSES
    }
    notes: list[str] = []
    if measure == "ieepa_duty" and not ap.has_ieepa:
        notes.append(
            f"the AP file has no separate IEEPA column: comparing its {ap.mapping['amount']!r} "
            "column with ITRAC IEEPA duty"
        )
    if ap.rounded_amounts:
        notes.append(
            f"{ap.rounded_amounts:,} AP amount(s) with more than two decimals, rounded half-even "
            "to the cent"
        )
    if "document" not in ap.mapping:
        notes.append("no document/invoice column in the AP file: duplicates cannot be checked")
    return Reconciliation(
        entries=entries,
        measure=measure,
        tolerance_cents=tolerance_cents,
        counts={s: totals[s].entries for s in STATUSES},
        totals=totals,
        itrac_total_cents=sum(t.itrac_cents for t in totals.values()),
        ap_total_cents=sum(t.ap_cents for t in totals.values()),
        mismatch_delta_cents=totals["mismatched"].delta_cents,
        ap_rows_rejected=ap.rejected.height,
        duplicate_ap_documents=ap.duplicate_documents,
        ap_amounts_rounded=ap.rounded_amounts,
        ap_file=ap.file,
        ap_measure_column=ap.mapping["ieepa_amount" if value == "ieepa_cents" else "amount"],
        notes=tuple(notes),
    )


def filter_entries(
    entries: pl.DataFrame, statuses: Iterable[str] = (), sort_by_delta: bool = False
) -> pl.DataFrame:
    """Entries with the given statuses (all when empty), largest |delta| first when asked."""
    wanted = list(statuses)
    out = entries.filter(pl.col("status").is_in(wanted)) if wanted else entries
    if sort_by_delta:
        out = out.sort(
            ["abs_delta_cents", "entry_number"], descending=[True, False], maintain_order=True
        )
    return out


def entry_detail(lines: pl.DataFrame, ap: APData, entry: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The ITRAC lines and the AP rows of one entry."""
    return (
        lines.filter(pl.col("entry_number") == entry),
        ap.rows.filter(pl.col("entry_number") == entry),
    )


# --- CSV output ---------------------------------------------------------------------------------


def reconciliation_table(entries: pl.DataFrame, measure: str = "total_duty") -> pl.DataFrame:
    """Entries as the CSV the user saves: readable headers, money as exact 2-decimal numbers."""
    from itrac_tui.core.csvfile import money_expr

    label = MEASURE_LABELS.get(measure, measure)
    return entries.select(
        pl.col("entry_number").alias("Entry Number"),
        pl.col("status").alias("Status"),
        money_expr(pl.col("itrac_cents")).alias(f"ITRAC {label}"),
        money_expr(pl.col("ap_cents")).alias(f"AP {label}"),
        money_expr(pl.col("delta_cents")).alias("Delta (AP - ITRAC)"),
        pl.col("itrac_lines").alias("ITRAC Lines"),
        pl.col("ap_rows").alias("AP Rows"),
        pl.col("duplicate_documents").alias("Duplicate AP Documents"),
    )


def write_reconciliation_csv(
    entries: pl.DataFrame, path: Path, *, measure: str = "total_duty", overwrite: bool = False
) -> int:
    """Write entries as CSV (core.csvfile: atomic, injection-safe, never replaces a file unless
    `overwrite`); returns the entries written; raises InputError when it cannot write."""
    from itrac_tui.core.csvfile import write_csv

    return write_csv(reconciliation_table(entries, measure), Path(path), force=overwrite)


__all__ = [
    "ENTRY_COLUMNS",
    "MEASURES",
    "MEASURE_LABELS",
    "STATUSES",
    "STATUS_LABELS",
    "Reconciliation",
    "StatusTotal",
    "entry_detail",
    "filter_entries",
    "format_cents_grouped",
    "itrac_rollup",
    "parse_tolerance",
    "reconcile",
    "reconciliation_table",
    "write_reconciliation_csv",
]
