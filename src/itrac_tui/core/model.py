"""Small frozen results the core hands to the CLI and the TUI, and the frame column contracts."""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

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
    "warnings",  # List[str] warning codes
    "source_file",
    "source_row",  # row of the line's first source row (header = row 1)
)
# Added by classify(as_of):
CLASSIFIED_COLUMNS: tuple[str, ...] = (
    "pathway",
    "days_since_liquidation",  # Int64, as_of - liquidation_date, never < 0
    "protest_deadline",  # Date, liquidation_date + protest_days (liquidated lines)
    "days_left",  # Int64, protest_deadline - as_of
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
    # refundable, duty_cents, source_file, source_row
    rows: pl.DataFrame  # every used source row: line_id, source_file, source_row, + raw columns
    set_aside: pl.DataFrame  # source_file, source_row, reason, raw
    rejected: pl.DataFrame  # source_file, source_row, column, value, reason, raw
    rows_read: int
    has_liquidation: bool
    notices: tuple[Warning_, ...] = field(default_factory=tuple)  # file-level warnings

    @property
    def rows_used(self) -> int:
        """Source rows that became lines or components."""
        return self.rows.height


@dataclass(frozen=True)
class PathwayTotal:
    """Lines, entries and IEEPA duty (cents) of one pathway."""

    lines: int
    entries: int
    ieepa_duty_cents: int
