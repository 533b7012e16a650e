"""`itrac-tui scan`: the refund position by pathway, as a table or as JSON."""

from __future__ import annotations

import argparse
import json
import sys

from itrac_tui.commands.common import fail
from itrac_tui.commands.export import view_from_args
from itrac_tui.core.errors import InputError
from itrac_tui.core.model import EXCLUDED_PATHWAYS, POOL_PATHWAYS
from itrac_tui.core.money import format_dollars
from itrac_tui.core.summary import Summary, pathway_label


def render_table(summary: Summary) -> str:
    """A readable table of the summary for people."""
    out = [
        f"as of {summary.as_of.isoformat()}  ·  {len(summary.files)} file(s)  ·  "
        f"{summary.rows_read:,} rows read, {summary.rows_set_aside:,} set aside, "
        f"{summary.rows_rejected:,} rejected",
        f"{summary.lines:,} lines in {summary.entries:,} entries",
        "",
        f"{'pathway':<18}{'lines':>10}{'entries':>10}{'IEEPA duty':>20}{'interest (est.)':>18}",
        "-" * 76,
    ]
    for p in POOL_PATHWAYS:
        t = summary.pathways[p]
        interest = t.interest_estimate_cents
        out.append(
            f"{pathway_label(p):<18}{t.lines:>10,}{t.entries:>10,}"
            f"{format_dollars(t.ieepa_duty_cents):>20}"
            f"{format_dollars(interest) if interest is not None else '':>18}"
        )
    out.append("-" * 76)
    out.append(f"{'refundable pool':<38}{format_dollars(summary.refundable_pool_cents):>20}")
    out.append("")
    for p in EXCLUDED_PATHWAYS:
        out.append(f"{pathway_label(p):<18}{summary.pathways[p].lines:>10,} lines (not refundable)")
    if summary.claims is not None:
        c = summary.claims
        statuses = ", ".join(f"{s or '(blank)'} {n:,}" for s, n in c.by_status.items())
        out.append("")
        out.append(
            f"claims: {c.entries:,} entries ({statuses or 'none'}); "
            f"{c.not_in_export:,} not in this export"
        )
    if summary.warnings:
        out.append("")
        out.append("warnings:")
        out.extend(f"  [{w.code}] {w.message}" for w in summary.warnings)
    return "\n".join(out)


def run(args: argparse.Namespace) -> int:
    """Run the scan command; 0 on success, 2 on unusable input."""
    try:
        loaded, view = view_from_args(args)
    except InputError as exc:
        return fail(str(exc))
    summary = loaded.summary(view)
    if args.json:
        json.dump(summary.to_json(), sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        print(render_table(summary))
    return 0
