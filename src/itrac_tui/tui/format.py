"""Cell text for the grid and panes: safe (no markup, no control characters) and money-exact."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from itrac_tui.core.errors import printable
from itrac_tui.core.model import PATHWAY_LABELS
from itrac_tui.core.money import format_dollars
from itrac_tui.core.views import PROGRAM_ALIASES

_CONTROL = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|[\x00-\x1f\x7f-\x9f]")

# Friendly headers for the computed columns; context columns keep the file's header.
COLUMN_LABELS: dict[str, str] = {
    "line_id": "#",
    "entry_number": "Entry",
    "line_no": "Ln",
    "hts": "HTS",
    "country": "CO",
    "country_raw": "Origin",
    "entered_value_cents": "Entered value",
    "line_duty_cents": "Line duty",
    "ch99_duty_cents": "Ch99 duty",
    "total_duty_cents": "Total duty",
    "ieepa_duty_cents": "IEEPA duty",
    "ch99_codes": "Ch99 codes",
    "ch99_programs": "Program",
    "has_ieepa": "IEEPA",
    "has_stacking": "Stacked",
    "liquidation_status": "Status",
    "liquidation_date": "Liquidated",
    "entry_type": "Type",
    "entry_date": "Entry date",
    "warnings": "Warnings",
    "source_file": "File",
    "source_row": "Row",
    "pathway": "Pathway",
    "days_since_liquidation": "Days liq",
    "protest_deadline": "Protest by",
    "phase1_until": "Phase 1 until",
    "cit_deadline": "CIT by (est.)",
    "deadline": "Deadline",
    "days_left": "Left",
    "reason": "Reason",
}

# program id -> the short name users type (the last alias of each program: s232, s301, ...)
PROGRAM_SHORT: dict[str, str] = {v: k for k, v in PROGRAM_ALIASES.items()}
# pathway labels of the pane, filter bar and grid: the core's, shorter where space is tight
SHORT_LABELS: dict[str, str] = {**PATHWAY_LABELS, "protest": "Protest"}
# Columns the grid never cuts (they widen or leave the screen whole): money, counts, dates, ids.
WHOLE_COLUMNS: frozenset[str] = frozenset({"entry_number", "line_no", "pathway", "days_left"})


# Columns shown first by default: what decides the refund, then context columns.
# Triage order (issue #11): who, where it goes and why, how much, by when; then the goods.
DEFAULT_COLUMNS: tuple[str, ...] = (
    "entry_number",
    "line_no",
    "pathway",
    "reason",
    "ieepa_duty_cents",
    "deadline",
    "days_left",
    "country",
    "hts",
    "ch99_codes",
    "ch99_programs",
    "liquidation_status",
    "liquidation_date",
    "entered_value_cents",
    "entry_type",
    "warnings",
)


def safe_text(value: str) -> str:
    """File text made harmless for display: control characters shown escaped (ESC as \\x1b),
    so the user sees what the file holds and the terminal is never driven by it."""
    if not value:
        return ""
    return printable(value) if _CONTROL.search(value) else value


def dollars(cents: int | None) -> str:
    """Integer cents as "$1,234.56" / "-$0.05" ("" for None)."""
    return "" if cents is None else format_dollars(cents)


def label(column: str) -> str:
    """Display header of a column."""
    return COLUMN_LABELS.get(column, safe_text(column))


def cell(column: str, value: Any) -> str:
    """One cell as display text."""
    if value is None:
        return ""
    if column.endswith("_cents") and isinstance(value, int):
        return dollars(value)
    if isinstance(value, list):
        if column == "ch99_programs":
            return " ".join(PROGRAM_SHORT.get(str(v), safe_text(str(v))) for v in value)
        return " ".join(safe_text(str(v)) for v in value if v is not None)
    if column == "pathway":
        return SHORT_LABELS.get(str(value), safe_text(str(value)))
    if isinstance(value, bool):
        return "yes" if value else ""
    if isinstance(value, date):
        return value.isoformat()
    return safe_text(str(value))


_EIGHTHS = " ▏▎▍▌▋▊▉"


def bar(part: int, whole: int, width: int) -> str:
    """A text bar `width` cells long, filled part/whole (characters, not colour: NO_COLOR-safe)."""
    if whole <= 0 or part <= 0 or width <= 0:
        return " " * max(width, 0)
    eighths = min(part * width * 8 // whole, width * 8)
    full, rest = divmod(eighths, 8)
    text = "█" * full + (_EIGHTHS[rest] if rest else "")
    if not text:
        text = "▏"
    return text.ljust(width)
