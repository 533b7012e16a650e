"""Header aliases -> canonical fields (docs/rules.md §2); user mappings fix the detector."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from itrac_tui.core.errors import InputError, MissingColumns
from itrac_tui.core.rules import Rules

# Entry-level fields (deposit date, importer, filer, recon/protest/drawback): one value per entry.
ENTRY_FIELDS: tuple[str, ...] = (
    "entry_summary_date",
    "importer_number",
    "filer_code",
    "recon_flag",
    "protest_number",
    "protest_status",
    "drawback_flag",
)
FIELDS: tuple[str, ...] = (
    "entry_number",
    "line_number",
    "tariff_ordinal",
    "hts",
    "ch99_hts",
    "country",
    "entered_value",
    "duty",
    "ieepa_duty",
    "liquidation_date",
    "liquidation_status",
    "entry_type",
    "entry_date",
    *ENTRY_FIELDS,
)
# Fields that may name the same column as an earlier field (Entry Summary Date is the entry date
# too when the file has no Entry Date).
SHAREABLE: frozenset[str] = frozenset({"entry_summary_date"})
REQUIRED: tuple[str, ...] = ("entry_number", "hts")
MONEY_FIELDS: tuple[str, ...] = ("entered_value", "duty", "ieepa_duty")
FIELD_LABELS: dict[str, str] = {
    "entry_number": "Entry Summary Number",
    "line_number": "Line Number",
    "tariff_ordinal": "Tariff Ordinal Number",
    "hts": "HTS Number",
    "ch99_hts": "Chapter 99 HTS",
    "country": "Country of Origin",
    "entered_value": "Entered Value",
    "duty": "Duty on the row",
    "ieepa_duty": "IEEPA Duty Paid",
    "liquidation_date": "Liquidation Date",
    "liquidation_status": "Liquidation Status",
    "entry_type": "Entry Type",
    "entry_date": "Entry Date",
    "entry_summary_date": "Entry Summary Date",
    "importer_number": "Importer Number",
    "filer_code": "Filer Code",
    "recon_flag": "Reconciliation Indicator",
    "protest_number": "Protest Number",
    "protest_status": "Protest Status",
    "drawback_flag": "Drawback Indicator",
}


def norm_header(text: str) -> str:
    """Header as compared, for ITRAC and AP files alike: lower case, letters and digits only,
    with "#", "number" and "num" all read as "no" ('Entry #' == 'entry no.' == 'Entry Number')."""
    t = str(text).lower().replace("#", " no ").replace("number", "no").replace("num", "no")
    return re.sub(r"[^0-9a-z]", "", t)


def norm_header_expr(text: pl.Expr) -> pl.Expr:
    """norm_header as a polars expression (to spot header rows repeated inside the data)."""
    t = text.str.to_lowercase().str.replace_all("#", " no ", literal=True)
    t = t.str.replace_all("number", "no", literal=True).str.replace_all("num", "no", literal=True)
    return t.str.replace_all(r"[^0-9a-z]", "")


@dataclass(frozen=True)
class ColumnMatch:
    """Which header of the file holds each field, what is missing, and the layout it implies."""

    mapping: dict[str, str]
    missing: tuple[str, ...]
    headers: tuple[str, ...]
    layout: str  # "separate_rows" | "same_row"

    @property
    def has_liquidation(self) -> bool:
        """True when both liquidation status and date are mapped."""
        return "liquidation_status" in self.mapping and "liquidation_date" in self.mapping


def detect_columns(
    headers: Sequence[str], rules: Rules, mapping: dict[str, str] | None = None
) -> ColumnMatch:
    """Match headers to fields by alias (first alias wins); `mapping` entries override."""
    by_norm: dict[str, str] = {}
    for h in headers:
        by_norm.setdefault(norm_header(h), h)
    found: dict[str, str] = {}
    used: set[str] = set()
    for field, header in (mapping or {}).items():
        if field not in FIELDS:
            raise InputError(
                f"mapping names an unknown field {field!r}; fields: {', '.join(FIELDS)}"
            )
        actual = by_norm.get(norm_header(header))
        if actual is None:
            raise InputError(
                f"mapping says {field} is column {header!r}, but the file has no such column "
                f"(headers: {', '.join(headers)})"
            )
        found[field] = actual
        used.add(actual)
    for field in FIELDS:
        if field in found:
            continue
        for alias in rules.column_aliases.get(field, ()):
            actual = by_norm.get(norm_header(alias))
            if actual is not None and (actual not in used or field in SHAREABLE):
                found[field] = actual
                used.add(actual)
                break
    missing = tuple(f for f in REQUIRED if f not in found)
    if "duty" not in found and "ieepa_duty" not in found:
        missing += ("duty",)
    layout = "same_row" if "ch99_hts" in found else "separate_rows"
    return ColumnMatch(found, missing, tuple(headers), layout)


def require_columns(match: ColumnMatch, file: str) -> None:
    """Raise a one-line InputError naming what is missing and the headers seen."""
    if not match.missing:
        return
    names = ", ".join(f"{f} ({FIELD_LABELS[f]})" for f in match.missing)
    seen = ", ".join(repr(h) for h in match.headers[:40])
    more = f" (+{len(match.headers) - 40} more)" if len(match.headers) > 40 else ""
    hint = ""
    totals = [h for h in match.headers if re.search(r"total", h, re.IGNORECASE)]
    entry_level = "hts" in match.missing or ("duty" in match.missing and bool(totals))
    if entry_level and "entry_number" in match.mapping:
        seen_total = f" (it has {totals[0]!r})" if totals else ""
        hint = (
            f" This looks like an entry-level summary without line detail{seen_total}: refund"
            " work needs the line-level ES-003 report (Entry Summary Line Tariff Details)."
        )
    raise MissingColumns(
        f"{file}: cannot find required column(s): {names}. Headers seen: {seen}{more}.{hint}"
        ' Fix with --mapping FILE (field = "Header") or on the load screen (o).'
    )
