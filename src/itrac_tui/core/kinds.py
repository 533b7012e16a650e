"""The closed sets of words the core hands out, as `Literal` types (pathways, reasons, statuses).

The tuples beside each alias are the runtime values, in display/check order; tests keep them equal
to the tuples the rest of the core uses (`model.PATHWAYS`, `rules.KNOWN_STATUSES`, ...). The
meaning of each word is in docs/rules.md.
"""

from __future__ import annotations

from typing import Literal, get_args

# Refund pathway of a line: the refundable pool first, then the non-refundable kinds.
Pathway = Literal[
    "cape_phase1",
    "protest",
    "cit",
    "hold",
    "review",
    "stacked_zero",
    "zero_duty",
    "not_ieepa",
]
PATHWAY_VALUES: tuple[Pathway, ...] = get_args(Pathway)

# Why a line is on its pathway (classify's checks, in order; excluded lines carry their pathway).
Reason = Literal[
    "entry_type",
    "tib_status",
    "drawback",
    "protest_on_file",
    "recon_flagged",
    "adcvd_pending",
    "suspended",
    "extended",
    "under_review",
    "unliquidated",
    "no_liquidation_columns",
    "no_liquidation_date",
    "liquidated_recently",
    "protest_window",
    "protest_window_closed",
    "unknown_status",
    "blank_ieepa_duty",
    "stacked_zero",
    "zero_duty",
    "not_ieepa",
]
REASON_VALUES: tuple[Reason, ...] = get_args(Reason)

# ACE liquidation status codes the rules know (anything else is kept as written → review).
LiquidationStatus = Literal["UNL", "LIQ", "RLQ", "SUS", "EXT", "REV", "PND", "TIB", "FIN"]
LIQUIDATION_STATUS_VALUES: tuple[LiquidationStatus, ...] = get_args(LiquidationStatus)

# Reconciliation status of an entry (ITRAC against accounts payable).
ReconcileStatus = Literal["matched", "mismatched", "missing_in_ap", "missing_in_itrac"]
RECONCILE_STATUS_VALUES: tuple[ReconcileStatus, ...] = get_args(ReconcileStatus)

# What reconciliation compares.
Measure = Literal["total_duty", "ieepa_duty"]
MEASURE_VALUES: tuple[Measure, ...] = get_args(Measure)

# Layout of an export's Chapter 99 duty.
Layout = Literal["separate_rows", "same_row"]

__all__ = [
    "LIQUIDATION_STATUS_VALUES",
    "MEASURE_VALUES",
    "PATHWAY_VALUES",
    "REASON_VALUES",
    "RECONCILE_STATUS_VALUES",
    "Layout",
    "LiquidationStatus",
    "Measure",
    "Pathway",
    "Reason",
    "ReconcileStatus",
]
