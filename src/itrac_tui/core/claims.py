"""CAPE claim results (spec §8): ACE Portal "Claim Details" CSVs and earlier declarations.

A Claim Details file has ENTRY_NUMBER, CLAIM_NUMBER, STATUS and ERROR_DESCRIPTION (cells may be
Excel text-wrapped as `="…"`). Every line gets claim_status (as written), claim_number and
claim_error (null without a claim); entries with a claim are never declared again. Earlier
declaration CSVs (one `Entry Number` column) name entries already declared.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from itrac_tui.core import normalise as nz
from itrac_tui.core.columns import norm_header
from itrac_tui.core.errors import InputError
from itrac_tui.core.read import ROW_COL, Sniffed, is_xlsx, read_csv_file, sniff

CLAIM_COLUMNS: tuple[str, ...] = ("claim_status", "claim_number", "claim_error")
# Claim Details headers (normalised as columns.norm_header does) -> our column
CLAIM_HEADERS: dict[str, str] = {
    norm_header("ENTRY_NUMBER"): "entry_number",
    norm_header("CLAIM_NUMBER"): "claim_number",
    norm_header("STATUS"): "claim_status",
    norm_header("ERROR_DESCRIPTION"): "claim_error",
}
_REQUIRED = tuple(norm_header(h) for h in ("ENTRY_NUMBER", "CLAIM_NUMBER", "STATUS"))
# an earlier CAPE declaration: one "Entry Number" column
DECLARATION_HEADER = norm_header("Entry Number")
NO_CLAIM = "(no claim)"  # the claim-status filter's word for lines without a claim


class NotAClaimsFile(InputError):
    """A file given as claim results that is not one (an ITRAC export, say)."""


@dataclass(frozen=True)
class Claims:
    """Claim results by entry (last row per entry wins), and entries already declared."""

    by_entry: pl.DataFrame  # entry_number (FFF-NNNNNNN-C), claim_number, claim_status, claim_error
    declared: pl.DataFrame = field(
        default_factory=lambda: pl.DataFrame(schema={"entry_number": pl.String})
    )  # entries of earlier declarations (no claim result)
    claim_files: tuple[str, ...] = ()  # given as claim results (--claims)
    submitted_files: tuple[str, ...] = ()  # given as earlier submissions (--exclude-submitted)

    @property
    def entries(self) -> int:
        """Entries with a claim result."""
        return self.by_entry.height

    def submitted(self) -> pl.DataFrame:
        """entry_number and why it is not declared again: claimed (with status) or declared."""
        claimed = self.by_entry.select(
            "entry_number",
            pl.format("claimed ({})", pl.col("claim_status").fill_null("no status")).alias(
                "detail"
            ),
            pl.lit("claimed").alias("reason"),
        )
        declared = self.declared.select(
            "entry_number",
            pl.lit("declared earlier").alias("detail"),
            pl.lit("declared").alias("reason"),
        )
        both = pl.concat([claimed, declared])
        return both.unique("entry_number", keep="first", maintain_order=True)


def empty_claims() -> Claims:
    """No claim results at all."""
    names = ("entry_number", "claim_number", "claim_status", "claim_error")
    return Claims(pl.DataFrame(schema=dict.fromkeys(names, pl.String)))


def is_claims_headers(headers: Sequence[str]) -> bool:
    """True when the headers are those of an ACE Claim Details CSV."""
    names = {norm_header(h) for h in headers}
    return all(r in names for r in _REQUIRED)


def _unwrap(expr: pl.Expr) -> pl.Expr:
    """`="…"` (Excel text wrapper) removed; blank -> null."""
    s = nz.clean(expr)
    return nz.clean(pl.coalesce(s.str.extract(r'^="(.*)"$'), s))


def _read(path: Path) -> tuple[tuple[str, ...], pl.DataFrame]:
    if not path.is_file():
        raise InputError(f"no such file: {path}")
    if is_xlsx(path):
        raise NotAClaimsFile(
            f"{path}: a workbook; CAPE claim results are the Claim Details CSV from the ACE Portal"
        )
    try:
        sniffed = sniff(path)
    except InputError:
        sniffed = _one_column(path)  # a declaration: one "Entry Number" column, no delimiter
    return sniffed.headers, read_csv_file(path, sniffed)


def _one_column(path: Path) -> Sniffed:
    """A single-column CSV (what CAPE declarations are), or the sniffer's own error."""
    text = path.read_bytes()[: 1 << 16].decode("utf-8-sig", errors="replace")
    first = text.splitlines()[0].strip() if text.strip() else ""
    if norm_header(first) != DECLARATION_HEADER:
        sniff(path)  # raises its one-line error
    return Sniffed("utf-8", ",", (first,))


def read_claims(paths: Sequence[str | Path], *, submitted: Sequence[str | Path] = ()) -> Claims:
    """Read Claim Details CSVs (`paths`) and earlier submissions (`submitted`: declaration CSVs
    or Claim Details); raises InputError (one line) for a file that is neither."""
    claim_frames: list[pl.DataFrame] = []
    declared: list[pl.DataFrame] = []
    for raw_path, as_claims in [*((p, True) for p in paths), *((p, False) for p in submitted)]:
        path = Path(raw_path)
        headers, df = _read(path)
        by_norm = {norm_header(h): h for h in reversed(headers)}
        if is_claims_headers(headers):
            cols = {ours: by_norm[h] for h, ours in CLAIM_HEADERS.items() if h in by_norm}
            frame = df.select(
                pl.col(ROW_COL), *[_unwrap(pl.col(h)).alias(ours) for ours, h in cols.items()]
            )
            if "claim_error" not in frame.columns:
                frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias("claim_error"))
            claim_frames.append(_entries(frame, path, by_norm[DECLARATION_HEADER]))
        elif DECLARATION_HEADER in by_norm and len(by_norm) <= 2:
            if as_claims:
                raise NotAClaimsFile(
                    f"{path}: an earlier CAPE declaration, not claim results; give it with "
                    "--exclude-submitted FILE"
                )
            header = by_norm[DECLARATION_HEADER]
            frame = df.select(pl.col(ROW_COL), _unwrap(pl.col(header)).alias("entry_number"))
            declared.append(_entries(frame, path, header).select("entry_number"))
        else:
            raise NotAClaimsFile(_not_claims_message(path, headers))
    claims = empty_claims().by_entry
    if claim_frames:
        claims = (
            pl.concat(claim_frames)
            .unique("entry_number", keep="last", maintain_order=True)
            .select("entry_number", "claim_number", "claim_status", "claim_error")
        )
    done = (
        pl.concat(declared).unique(maintain_order=True)
        if declared
        else pl.DataFrame(schema={"entry_number": pl.String})
    )
    return Claims(claims, done, tuple(str(p) for p in paths), tuple(str(p) for p in submitted))


def _entries(frame: pl.DataFrame, path: Path, header: str) -> pl.DataFrame:
    """Canonical entry numbers; blank rows dropped; a cell that is not one is one clear error."""
    frame = frame.filter(pl.col("entry_number").is_not_null())
    canon = frame.with_columns(nz.entry_number(pl.col("entry_number")).alias("_canon"))
    bad = canon.filter(pl.col("_canon").is_null())
    if bad.height:
        row, value = bad.row(0, named=True)[ROW_COL], bad.row(0, named=True)["entry_number"]
        more = f" (+{bad.height - 1} more)" if bad.height > 1 else ""
        raise InputError(
            f"{path}: row {row}, column {header!r}: {value!r} is not an entry number{more}"
        )
    return canon.with_columns(pl.col("_canon").alias("entry_number")).drop("_canon", ROW_COL)


def _not_claims_message(path: Path, headers: Sequence[str]) -> str:
    names = {norm_header(h) for h in headers}
    looks_itrac = DECLARATION_HEADER in names or norm_header("Entry Summary Number") in names
    what = (
        "it looks like an ITRAC export (give it as an export file, not with --claims)"
        if looks_itrac and len(names) > 2
        else f"headers: {', '.join(list(headers)[:8])}"
    )
    return (
        f"{path}: not a CAPE Claim Details CSV (needs ENTRY_NUMBER, CLAIM_NUMBER, STATUS) "
        f"or an earlier declaration (Entry Number); {what}"
    )


def claims_file_as_export_message(path: str | Path) -> str:
    """The one line for a Claim Details CSV given where an ITRAC export is expected."""
    return (
        f"{path}: this is a CAPE Claim Details file (claim results from the ACE Portal), not an "
        "ITRAC export; load it with --claims FILE (or the claims key in the app)"
    )


def attach_claims(lines: pl.DataFrame, claims: Claims | None) -> pl.DataFrame:
    """Give every line claim_status, claim_number and claim_error (null where none)."""
    lines = lines.drop([c for c in CLAIM_COLUMNS if c in lines.columns])
    if claims is None or claims.by_entry.height == 0:
        return lines.with_columns([pl.lit(None, dtype=pl.String).alias(c) for c in CLAIM_COLUMNS])
    return lines.join(
        claims.by_entry.select("entry_number", *CLAIM_COLUMNS),
        on="entry_number",
        how="left",
        maintain_order="left",
    )


@dataclass(frozen=True)
class ClaimsSummary:
    """What `scan --json` says about the claims given: entries, by status, not in the export."""

    entries: int
    by_status: dict[str, int]
    not_in_export: int

    def to_json(self) -> dict[str, object]:
        """The `"claims"` object of `scan --json`."""
        return {
            "entries": self.entries,
            "by_status": dict(self.by_status),
            "not_in_export": self.not_in_export,
        }


def summarise_claims(claims: Claims, lines: pl.DataFrame) -> ClaimsSummary:
    """Entries with a claim, their count per status (as written), and those not in the lines."""
    by = claims.by_entry
    counts = (
        by.group_by(pl.col("claim_status").fill_null("")).len().sort("claim_status").iter_rows()
    )
    present = lines.select(pl.col("entry_number").unique())
    missing = by.join(present, on="entry_number", how="anti").height
    return ClaimsSummary(by.height, {s: int(n) for s, n in counts}, missing)


def claimed_cents(lines: pl.DataFrame, pathway: str = "cape_phase1") -> tuple[int, int]:
    """IEEPA duty (cents) of a pathway's lines with a claim, and without one."""
    if "claim_status" not in lines.columns:
        total = lines.filter(pl.col("pathway") == pathway).get_column("ieepa_duty_cents").sum()
        return 0, int(total or 0)
    row = (
        lines.lazy()
        .filter(pl.col("pathway") == pathway)
        .select(
            pl.col("ieepa_duty_cents").filter(pl.col("claim_status").is_not_null()).sum(),
            pl.col("ieepa_duty_cents").filter(pl.col("claim_status").is_null()).sum().alias("u"),
        )
        .collect()
        .row(0)
    )
    return int(row[0] or 0), int(row[1] or 0)


def claim_status_expr(statuses: Sequence[str]) -> pl.Expr:
    """Lines whose claim status is one of `statuses` (case-insensitive; NO_CLAIM: no claim)."""
    wanted = [s.strip().lower() for s in statuses]
    parts = []
    if NO_CLAIM in wanted or "none" in wanted:
        parts.append(pl.col("claim_status").is_null())
    named = [s for s in wanted if s not in (NO_CLAIM, "none")]
    if named:
        parts.append(pl.col("claim_status").str.to_lowercase().is_in(named))
    return pl.any_horizontal(parts).fill_null(False) if parts else pl.lit(True)


__all__ = [
    "CLAIM_COLUMNS",
    "NO_CLAIM",
    "Claims",
    "ClaimsSummary",
    "NotAClaimsFile",
    "attach_claims",
    "claim_status_expr",
    "claimed_cents",
    "claims_file_as_export_message",
    "empty_claims",
    "is_claims_headers",
    "read_claims",
    "summarise_claims",
]
