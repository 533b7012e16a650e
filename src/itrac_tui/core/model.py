"""Small frozen results the core hands to the CLI and the TUI, and the frame column contracts."""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from itrac_tui.core.kinds import REASON_VALUES

# Pathway ids, in display order: the refundable pool first, then the non-refundable kinds.
POOL_PATHWAYS: tuple[str, ...] = ("cape_phase1", "protest", "cit", "hold", "review")
EXCLUDED_PATHWAYS: tuple[str, ...] = ("stacked_zero", "zero_duty", "not_ieepa")
PATHWAYS: tuple[str, ...] = POOL_PATHWAYS + EXCLUDED_PATHWAYS
PATHWAY_LABELS: dict[str, str] = {
    "cape_phase1": "CAPE Phase 1",
    "protest": "Protest (CF-19)",
    "cit": "CIT",
    "hold": "Hold",
    "review": "Review",
    "stacked_zero": "Stacked zero",
    "zero_duty": "Zero duty",
    "not_ieepa": "Not IEEPA",
}

# Why a line is on its pathway (docs/rules.md §7), in the order the checks run; excluded lines
# carry their pathway id as the reason. REASON_TEXT explains each in one sentence.
REASONS: tuple[str, ...] = REASON_VALUES
REASON_TEXT: dict[str, str] = {
    "entry_type": "Entry type CAPE does not accept (the rules' cape_excluded_entry_types): "
    "review how to claim it.",
    "tib_status": "Open/Closed is ACE's temporary-import-bond status, not unliquidated: CAPE "
    "refuses it, review.",
    "drawback": "Entry designated on a drawback claim: CAPE refuses it, review.",
    "protest_on_file": "A protest is already on file for this entry: CAPE rejects it, pursue the "
    "protest.",
    "recon_flagged": "Flagged for reconciliation: CAPE does not take it yet, hold.",
    "adcvd_pending": "AD/CVD pending at Commerce: CAPE refuses it until Commerce decides, hold.",
    "suspended": "Suspended: CAPE takes it now; the refund comes at liquidation.",
    "extended": "Liquidation extended: CAPE takes it now; the refund comes at liquidation.",
    "under_review": "Under review: CAPE takes it now; the refund comes at liquidation.",
    "unliquidated": "Unliquidated: declare it in CAPE Phase 1; ACE refunds at liquidation.",
    "no_liquidation_columns": "The export has no liquidation status/date columns: add them in "
    "ACE Reports to route this line.",
    "no_liquidation_date": "Liquidated but the liquidation date is blank: check the entry in ACE.",
    "liquidated_recently": "Liquidated recently: CAPE Phase 1 takes it until phase1_until, "
    "then it falls to protest.",
    "protest_window": "Past the Phase 1 window: file a CF-19 protest by the protest deadline.",
    "protest_window_closed": "Protest window closed: only the Court of International Trade "
    "remains (its deadline is an estimate).",
    "unknown_status": "Liquidation status not recognised: review it.",
    "blank_ieepa_duty": "An IEEPA code with a blank duty cell: review the amount.",
    "stacked_zero": "IEEPA code collected $0 beside a Section 232 code (non-stacking): nothing "
    "to refund.",
    "zero_duty": "IEEPA code collected $0: nothing to refund.",
    "not_ieepa": "No IEEPA Chapter 99 code on the line: not part of the refund.",
}

# Computed columns of the `lines` frame (everything else on it is a context column of the file,
# under its original header). Money is Int64 cents; dates are pl.Date.
LINE_COLUMNS: tuple[str, ...] = (
    "line_id",  # UInt32, 0..n-1 in file order; key into components and rows
    "entry_number",  # canonical FFF-NNNNNNN-C
    "line_no",  # Int64, line within entry (derived when the file has no line column)
    "hts",  # commodity code as NNNN.NN.NNNN
    "country",  # ISO alpha-2 (null when unknown)
    "country_raw",  # what the file said
    "entered_value_cents",
    "line_duty_cents",  # the line's own (commodity) duty, counted once
    "ch99_duty_cents",  # every Chapter 99 duty on the line
    "total_duty_cents",  # line_duty + ch99_duty (reconciliation's "total duty")
    "ieepa_duty_cents",  # duty on IEEPA codes (credits included); 0 when none
    "ch99_codes",  # List[str] 9903.NN.NN in file order
    "ch99_programs",  # List[str] program ids, unique, in file order
    "has_ieepa",
    "has_stacking",  # a Section 232 (stacking_programs) code is on the line
    "liquidation_status",  # UNL/LIQ/RLQ/SUS/EXT, or as written
    "liquidation_date",
    "entry_type",  # two digits
    "entry_date",
    "entry_summary_date",  # Date the duty was deposited (the CIT clock); null when not in the file
    "importer_number",  # importer of record as written (null when not in the file)
    "filer_code",  # the Filer Code column, else the entry number's first three characters
    "recon_flag",  # Boolean: flagged for reconciliation (unclear values read as set, warned)
    "drawback_flag",  # Boolean: designated on a drawback claim (unclear values as set, warned)
    "protest_number",  # as written; null when none
    "protest_status",  # as written; null when blank
    "protest_on_file",  # Boolean: a number present, status blank or not a closed word
    "warnings",  # List[str] warning codes
    "source_file",
    "source_row",  # row of the line's first source row (header = row 1)
)
# Added by classify(as_of):
CLASSIFIED_COLUMNS: tuple[str, ...] = (
    "pathway",
    "reason",  # why the line is on its pathway (REASONS); null for not_ieepa/zero lines
    "days_since_liquidation",  # Int64, as_of - liquidation_date, never < 0
    "phase1_until",  # Date, liquidation_date + phase1_days (liquidated lines in cape_phase1)
    "protest_deadline",  # Date, liquidation_date + protest_days (LIQ/RLQ/FIN lines with a date)
    "cit_deadline",  # Date, deposit date + cit_years (an ESTIMATE: the 1581(i) clock is disputed)
    "days_left",  # Int64, the line's own deadline - as_of (phase1_until / protest / CIT)
    "interest_estimate_cents",  # Int64, IEEPA duty's interest deposit -> as_of (§10; estimate)
    # added by claims.attach_claims (null without a claim result):
    "claim_status",  # as ACE wrote it
    "claim_number",
    "claim_error",
)


@dataclass(frozen=True)
class Warning_:
    """A warning with how many lines (or rows) it concerns."""

    code: str
    count: int
    message: str


@dataclass(frozen=True)
class Export:
    """An export read and assembled: lines, Chapter 99 components, and what was not used."""

    files: tuple[str, ...]
    layout: str  # "separate_rows" | "same_row"
    mapping: dict[str, str]  # field -> header as found (first file)
    lines: pl.DataFrame  # LINE_COLUMNS + context columns
    components: pl.DataFrame  # line_id, entry_number, line_no, ch99_code, program, ieepa,
    # refundable, duty_cents, entered_value_cents (own Chapter 99 row's), source_file, source_row
    rows: pl.DataFrame  # every used source row: line_id, source_file, source_row, + raw columns
    set_aside: pl.DataFrame  # source_file, source_row, reason, raw
    rejected: pl.DataFrame  # source_file, source_row, column, value, reason, raw
    rows_read: int
    has_liquidation: bool
    notices: tuple[Warning_, ...] = field(default_factory=tuple)  # file-level warnings
    # Read lazily (load_export(lazy_context=True)): the file's own columns (headers as read,
    # every part's, in order) are left in the files; core.context reads them back by row.
    # `context_rows` is per line (line order): __file (part index) and __row of its context row.
    lazy_columns: tuple[str, ...] = ()
    context_rows: pl.DataFrame | None = None
    file_stamps: tuple[tuple[int, int], ...] = ()  # (size, mtime_ns) of each file when read

    @property
    def rows_used(self) -> int:
        """Source rows that became lines or components."""
        return self.rows.height

    @property
    def is_lazy(self) -> bool:
        """True when the file's own columns are still in the files (see core.context)."""
        return self.context_rows is not None


@dataclass(frozen=True)
class PathwayTotal:
    """Lines, entries and IEEPA duty (cents) of one pathway."""

    lines: int
    entries: int
    ieepa_duty_cents: int
    interest_estimate_cents: int | None = None  # §10 estimate; None when not computed
