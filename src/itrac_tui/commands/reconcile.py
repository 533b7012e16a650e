"""`itrac-tui reconcile`: ITRAC duty per entry against the importer's accounts-payable file."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import polars as pl

from itrac_tui import store
from itrac_tui.commands.common import warn_notices
from itrac_tui.core.ap import APData, read_ap
from itrac_tui.core.errors import InputError
from itrac_tui.core.reconcile import (
    MEASURE_LABELS,
    MEASURES,
    STATUS_LABELS,
    STATUSES,
    Reconciliation,
    filter_entries,
    format_cents_grouped,
    parse_tolerance,
    reconcile,
    write_reconciliation_csv,
)

TOP_DIFFERENCES = 20
ROLLUP_COLUMNS = ("entry_number", "total_duty_cents", "ieepa_duty_cents")  # itrac_rollup's
REJECTED_SHOWN = 10


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the reconcile options (the common FILE/--as-of/--rules/--mapping come from cli.py)."""
    parser.add_argument("--ap", metavar="FILE", required=True, help="AP file (CSV or XLSX)")
    parser.add_argument(
        "--measure",
        choices=MEASURES,
        default="total_duty",
        help="what to compare: total duty (default) or IEEPA duty",
    )
    parser.add_argument(
        "--tolerance",
        metavar="AMOUNT",
        default="0.00",
        help="largest |AP − ITRAC| still matched, in dollars (default 0.00, exact to the cent)",
    )
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument("--output", metavar="FILE", help="also write the entries as CSV")
    parser.add_argument("--force", action="store_true", help="overwrite --output if it exists")
    parser.add_argument("--ap-entry", metavar="HEADER", help="AP column holding entry numbers")
    parser.add_argument("--ap-amount", metavar="HEADER", help="AP column holding the duty amount")
    parser.add_argument("--ap-ieepa", metavar="HEADER", help="AP column holding IEEPA duty")
    parser.add_argument("--ap-document", metavar="HEADER", help="AP invoice/document column")
    parser.add_argument(
        "--save-ap-mapping",
        action="store_true",
        help="remember the AP columns used for next time",
    )


def _mapping_from_args(args: argparse.Namespace) -> dict[str, str]:
    pairs = {
        "entry_number": getattr(args, "ap_entry", None),
        "amount": getattr(args, "ap_amount", None),
        "ieepa_amount": getattr(args, "ap_ieepa", None),
        "document": getattr(args, "ap_document", None),
    }
    return {k: v for k, v in pairs.items() if v}


def run(args: argparse.Namespace) -> int:
    """Run the reconciliation and print a table (or JSON); exit 2 on unusable input."""
    from itrac_tui.commands.common import counted_from_args, fail

    try:
        tolerance = parse_tolerance(str(args.tolerance))
    except ValueError as exc:
        return fail(f"--tolerance: {exc}")
    try:
        mapping = _mapping_from_args(args) or None
        aliases = store.load_rules(getattr(args, "rules", None)).ap_column_aliases
        saved = store.load_ap_mapping()
        ap = read_ap(Path(args.ap), mapping=mapping, saved=saved, aliases=aliases)
        warn_notices()
        if getattr(args, "save_ap_mapping", False):
            store.save_ap_mapping(ap.mapping)
        # the roll-up per entry needs no context column: a big export is streamed
        loaded = counted_from_args(args, keep=ROLLUP_COLUMNS)
        rec = reconcile(loaded.lines, ap, measure=args.measure, tolerance_cents=tolerance)
        if args.output:
            write_reconciliation_csv(
                rec.entries, Path(args.output), measure=rec.measure, overwrite=args.force
            )
    except InputError as exc:
        return fail(str(exc))
    if args.json:
        print(json.dumps(rec.to_json(), indent=2))
        if args.output:
            print(
                f"itrac-tui: wrote {rec.entries.height} entries to {args.output}", file=sys.stderr
            )
        return 0
    print(render_table(rec, ap))
    if args.output:
        print(f"\nWrote {rec.entries.height} entries to {args.output}")
    return 0


def render_table(rec: Reconciliation, ap: APData) -> str:
    """The human-readable report: per-status counts and totals, the largest differences,
    rejected AP rows."""
    label = MEASURE_LABELS[rec.measure]
    out: list[str] = [
        f"Reconciliation — {label}, tolerance {format_cents_grouped(rec.tolerance_cents)}",
        f"AP file: {ap.file} ({ap.rows_read} rows; {ap.rows.height} used, "
        f"{rec.ap_rows_rejected} rejected; compared column {rec.ap_measure_column!r}; "
        f"{rec.duplicate_ap_documents} duplicate document(s))",
        "",
        f"{'status':<18}{'entries':>9}{'ITRAC':>18}{'AP':>18}{'AP − ITRAC':>16}",
    ]
    for s in STATUSES:
        t = rec.totals[s]
        out.append(
            f"{STATUS_LABELS[s]:<18}{t.entries:>9}{format_cents_grouped(t.itrac_cents):>18}"
            f"{format_cents_grouped(t.ap_cents):>18}{format_cents_grouped(t.delta_cents):>16}"
        )
    out.append(
        f"{'Total':<18}{rec.entries.height:>9}{format_cents_grouped(rec.itrac_total_cents):>18}"
        f"{format_cents_grouped(rec.ap_total_cents):>18}"
        f"{format_cents_grouped(rec.net_delta_cents):>16}"
    )
    out.append(
        f"Mismatch delta (AP − ITRAC over mismatched): "
        f"{format_cents_grouped(rec.mismatch_delta_cents)}"
    )
    diffs = filter_entries(
        rec.entries, ("mismatched", "missing_in_ap", "missing_in_itrac"), sort_by_delta=True
    )
    if diffs.height:
        shown = min(diffs.height, TOP_DIFFERENCES)
        out += ["", f"Largest differences ({shown} of {diffs.height}):"]
        out.append(f"{'entry':<15}{'status':<18}{'ITRAC':>15}{'AP':>15}{'AP − ITRAC':>15}")
        for r in diffs.head(TOP_DIFFERENCES).iter_rows(named=True):
            dup = "  dup doc" if r["duplicate_documents"] else ""
            out.append(
                f"{r['entry_number']:<15}{STATUS_LABELS[r['status']]:<18}"
                f"{format_cents_grouped(r['itrac_cents']):>15}"
                f"{format_cents_grouped(r['ap_cents']):>15}"
                f"{format_cents_grouped(r['delta_cents']):>15}{dup}"
            )
    if ap.rejected.height:
        shown = min(ap.rejected.height, REJECTED_SHOWN)
        out += ["", f"Rejected AP rows ({shown} of {ap.rejected.height}; not in any total):"]
        for r in ap.rejected.head(REJECTED_SHOWN).iter_rows(named=True):
            out.append(
                f"  {r['source_file']} row {r['source_row']}, {r['column']} "
                f"{r['value']!r}: {r['reason']}"
            )
    if ap.duplicate_documents:
        dups = (
            ap.rows.filter(pl.col("duplicate_document"))
            .group_by("document", maintain_order=True)
            .agg(pl.col("entry_number").unique(maintain_order=True), pl.col("source_row"))
        )
        out += ["", f"AP documents on more than one row ({dups.height}):"]
        for r in dups.head(REJECTED_SHOWN).iter_rows(named=True):
            rows = ", ".join(str(x) for x in r["source_row"])
            entries = ", ".join(r["entry_number"])
            out.append(f"  {r['document']}: rows {rows} (entries {entries})")
    for note in rec.notes:
        out.append(f"Note: {note}")
    return "\n".join(out)
