"""Accounts-payable files: read a CSV or XLSX AP export, find its columns, normalise its rows."""

from __future__ import annotations

import csv
import functools
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from itrac_tui.core.columns import norm_header
from itrac_tui.core.errors import InputError
from itrac_tui.core.money import ensure_sums_fit, parse_money
from itrac_tui.core.normalise import clean, entry_number, entry_scientific, unwrap_excel_text
from itrac_tui.core.read import (
    RAGGED_COL,
    RAGGED_REASON,
    XlsxError,
    first_line,
    flag_ragged,
    is_xlsx,
    read_xlsx_sheet,
    with_extra_header,
)

# AP fields; their header aliases are the rules' [ap_columns] table (Rules.ap_column_aliases).
AP_FIELDS: tuple[str, ...] = ("entry_number", "amount", "ieepa_amount", "document")
AP_REQUIRED: tuple[str, ...] = ("entry_number", "amount")

Aliases = Mapping[str, tuple[str, ...]] | None


@functools.cache
def shipped_ap_aliases() -> dict[str, tuple[str, ...]]:
    """The AP header aliases of the shipped rules file ([ap_columns])."""
    from itrac_tui.core.rules import load_rules

    return dict(load_rules().ap_column_aliases)


ENCODINGS: tuple[str, ...] = ("utf-8-sig", "cp1252")
DELIMITERS: tuple[str, ...] = (",", "\t", "|", ";")  # as core.read.sniff
HEADER_SEARCH_ROWS = 20
COMPUTED_AP_COLUMNS: tuple[str, ...] = (
    "source_row",
    "entry_number",
    "amount_cents",
    "ieepa_cents",
    "document",
    "duplicate_document",
)


# --- money ----------------------------------------------------------------------------------------


def _is_blank(expr: pl.Expr) -> pl.Expr:
    return clean(expr).is_null()


def parse_money_column(values: pl.Series) -> tuple[pl.Series, pl.Series]:
    """(cents, invalid) of a String series of money text: cents null for blank or not money,
    invalid True where non-blank text is not money (the ITRAC reader's parser)."""
    cents, reason, _ = parse_money(values.cast(pl.String))
    return cents, reason.is_not_null()


# --- AP mapping ---------------------------------------------------------------------------------


def detect_ap_columns(
    headers: Iterable[str], aliases: Mapping[str, tuple[str, ...]] | None = None
) -> dict[str, str]:
    """Map AP fields to headers by alias (first alias found wins); unmatched fields are absent."""
    headers = [h for h in headers if h is not None]
    by_key: dict[str, str] = {}
    for h in headers:
        by_key.setdefault(norm_header(h), h)
    found: dict[str, str] = {}
    used: set[str] = set()
    for fld, names in (shipped_ap_aliases() if aliases is None else aliases).items():
        for name in names:
            hit = by_key.get(norm_header(name))
            if hit is not None and hit not in used:
                found[fld] = hit
                used.add(hit)
                break
    return found


# --- reading ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class APData:
    """AP rows read and normalised, the rows rejected, and the mapping that was used."""

    rows: pl.DataFrame  # COMPUTED_AP_COLUMNS + raw columns of the file
    rejected: pl.DataFrame  # source_file, source_row, column, value, reason, raw (as ITRAC's)
    mapping: dict[str, str]  # field -> header as found
    duplicate_documents: int  # document numbers on more than one AP row
    file: str
    headers: tuple[str, ...] = ()
    rows_read: int = 0
    rounded_amounts: int = 0  # amounts with more than two decimals, rounded half-even to the cent

    @property
    def has_ieepa(self) -> bool:
        """True when the file splits IEEPA duty out in its own column."""
        return "ieepa_amount" in self.mapping


def _decode(path: Path, data: bytes) -> str:
    for enc in ENCODINGS:
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise InputError(
        f"{path.name}: cannot decode the file (tried utf-8, cp1252)"
    )  # pragma: no cover


def _sniff_delimiter(lines: list[str]) -> str:
    best, best_n = ",", 0
    for d in DELIMITERS:
        # fields over every sampled line: a decimal comma in one cell cannot outvote the header
        n = sum(len(next(csv.reader([ln], delimiter=d), [])) for ln in lines)
        if n > best_n:
            best, best_n = d, n
    return best


def _find_header(
    candidates: list[list[str]], mapping: dict[str, str], aliases: Aliases = None
) -> tuple[int, dict[str, str]]:
    """Index of the header row among the first rows, and the detected field mapping."""
    first_detected: tuple[int, dict[str, str]] | None = None
    for i, row in enumerate(candidates):
        cells = [str(c).strip() for c in row if c is not None and str(c).strip()]
        if not cells:
            continue
        detected = detect_ap_columns(cells, aliases)
        keys = {norm_header(c): c for c in cells}
        for fld, header in mapping.items():
            h = keys.get(norm_header(header))
            if h is not None:
                detected[fld] = h
        if all(f in detected for f in AP_REQUIRED):
            return i, detected
        if first_detected is None:
            first_detected = (i, detected)
    return first_detected or (0, {})


def _read_csv_raw(
    path: Path, mapping: dict[str, str], aliases: Aliases = None
) -> tuple[pl.DataFrame, int, dict[str, str]]:
    text = _decode(path, path.read_bytes())
    head_lines = text.splitlines()[:HEADER_SEARCH_ROWS]
    if not any(ln.strip() for ln in head_lines):
        raise InputError(f"{path.name}: the AP file is empty")
    delim = _sniff_delimiter(head_lines)
    candidates = list(csv.reader(head_lines, delimiter=delim))
    header_idx, detected = _find_header(candidates, mapping, aliases)
    # one more header field: a row with more fields than the header is flagged, never cut
    data = with_extra_header(text.encode(), delim, header_idx)
    try:
        df = pl.read_csv(
            io.BytesIO(data),
            separator=delim,
            skip_rows=header_idx,
            infer_schema=False,
            truncate_ragged_lines=True,
        )
    except Exception as exc:  # polars raises several error types for broken CSV
        raise InputError(f"{path.name}: cannot read as CSV ({first_line(exc)})") from None
    width = len(candidates[header_idx]) if header_idx < len(candidates) else df.width - 1
    return flag_ragged(df, data, delim, width, header_idx), header_idx + 2, detected


def _read_xlsx_raw(
    path: Path, mapping: dict[str, str], aliases: Aliases = None
) -> tuple[pl.DataFrame, int, dict[str, str]]:
    try:
        grid = read_xlsx_sheet(path, header=False, preferred=None)  # the first sheet
    except XlsxError as exc:
        raise InputError(f"{path.name}: cannot read as XLSX ({exc.reason})") from None
    if grid.height == 0:
        raise InputError(f"{path.name}: the AP file is empty")
    candidates = [list(r) for r in grid.head(HEADER_SEARCH_ROWS).iter_rows()]
    header_idx, detected = _find_header(candidates, mapping, aliases)
    names: list[str] = []
    seen: set[str] = set()
    for i, cell in enumerate(candidates[header_idx]):
        name = str(cell).strip() if cell is not None and str(cell).strip() else f"column_{i + 1}"
        while name in seen:
            name = f"{name}_"
        seen.add(name)
        names.append(name)
    df = grid.slice(header_idx + 1)
    df.columns = names
    return df, header_idx + 2, detected


def _missing_columns_error(path: Path, headers: list[str], missing: list[str]) -> InputError:
    what = " and ".join("entry-number" if m == "entry_number" else m for m in missing)
    shown = ", ".join(repr(h) for h in headers[:12]) + (" …" if len(headers) > 12 else "")
    return InputError(
        f"{path.name}: no {what} column found in the AP file (headers seen: {shown or 'none'}); "
        f"map one with --ap-entry/--ap-amount or in the reconcile screen"
    )


def read_ap(
    path: Path,
    *,
    mapping: dict[str, str] | None = None,
    saved: dict[str, str] | None = None,
    aliases: Aliases = None,
) -> APData:
    """Read an AP file (CSV or XLSX): normalise entry numbers and amounts, reject unusable rows.

    The mapping (field -> header; "" = do not use an optional field) wins over the saved AP
    mapping, which wins over detection by `aliases` (the rules' ap_column_aliases; None: the
    shipped ones); a saved header that is not in this file is ignored."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: AP file not found")
    explicit = {k: v for k, v in (mapping or {}).items() if v}
    switched_off = {k for k, v in (mapping or {}).items() if v == "" and k not in AP_REQUIRED}
    unknown = sorted(set(mapping or {}) - set(AP_FIELDS))
    if unknown:
        raise InputError(f"AP mapping: unknown field(s) {', '.join(unknown)}")
    combined = {**(saved or {}), **explicit}
    if is_xlsx(path):
        raw, first_row, detected = _read_xlsx_raw(path, combined, aliases)
    else:
        raw, first_row, detected = _read_csv_raw(path, combined, aliases)
    headers = [c for c in raw.columns if c != RAGGED_COL]
    for fld, header in explicit.items():
        if detected.get(fld) != header and norm_header(detected.get(fld, "")) != norm_header(
            header
        ):
            shown = ", ".join(repr(h) for h in headers[:12])
            raise InputError(
                f"{path.name}: mapped {fld} column {header!r} is not in the AP file "
                f"(headers seen: {shown})"
            )
    for fld in switched_off:  # mapped to "": do not use that field even if detected
        detected.pop(fld, None)
    missing = [f for f in AP_REQUIRED if f not in detected]
    if missing:
        raise _missing_columns_error(path, headers, missing)
    return _normalise_ap(raw, first_row, detected, path.name)


def ap_headers(path: Path) -> list[str]:
    """Headers of an AP file (its detected header row) for picking columns; [] if unreadable."""
    path = Path(path)
    try:
        if is_xlsx(path):
            raw, _, _ = _read_xlsx_raw(path, {})
        else:
            raw, _, _ = _read_csv_raw(path, {})
    except (InputError, OSError):
        return []
    return [c for c in raw.columns if c != RAGGED_COL]


def _normalise_ap(raw: pl.DataFrame, first_row: int, used: dict[str, str], file: str) -> APData:
    ragged = (
        raw.get_column(RAGGED_COL)
        if RAGGED_COL in raw.columns
        else pl.repeat(False, raw.height, dtype=pl.Boolean, eager=True)
    )
    raw = raw.drop(RAGGED_COL, strict=False).select(pl.all().cast(pl.String))
    headers = list(raw.columns)
    # Raw columns keep their header unless it collides with a computed column: renamed first,
    # so computing `entry_number`, `document`, ... never overwrites a column of the file.
    rename = {c: f"{c} (AP)" for c in headers if c in COMPUTED_AP_COLUMNS}
    raw = raw.rename(rename)
    raw_cols = list(raw.columns)

    def col(field: str) -> str | None:
        header = used.get(field)
        return rename.get(header, header) if header else None

    e_col, a_col = col("entry_number") or "", col("amount") or ""
    i_col, d_col = col("ieepa_amount"), col("document")
    raw_text = pl.concat_str([pl.col(c).fill_null("") for c in raw_cols], separator=" | ")
    unwrapped = raw.select(unwrap_excel_text(pl.col(c)) for c in dict.fromkeys([a_col, i_col]) if c)
    amount, amount_bad, amount_rounded = parse_money(unwrapped[a_col])
    if i_col:
        ieepa, ieepa_bad, ieepa_rounded = parse_money(unwrapped[i_col])
    else:
        ieepa = pl.Series("cents", [None] * raw.height, dtype=pl.Int64)
        ieepa_bad = pl.Series("reason", [None] * raw.height, dtype=pl.String)
        ieepa_rounded = pl.Series("rounded", [False] * raw.height, dtype=pl.Boolean)
    e_raw = pl.col(e_col)
    entry_problem = (
        pl.when(_is_blank(e_raw))
        .then(pl.lit("blank entry number"))
        .when(pl.col("entry_number").is_null() & entry_scientific(e_raw))
        .then(
            pl.lit("entry number in scientific notation (spreadsheet damage; cannot be recovered)")
        )
        .when(pl.col("entry_number").is_null())
        .then(pl.lit("not an entry number (expected FFF-NNNNNNN-C, dashes optional)"))
    )
    amount_problem = (
        pl.when(_is_blank(pl.col(a_col)))
        .then(pl.lit("blank amount"))
        .when(pl.col("_abad").is_not_null())
        .then(pl.col("_abad"))
    )
    df = (
        raw.with_columns(
            amount_cents=amount,
            ieepa_cents=ieepa,
            _abad=amount_bad,
            _xbad=ieepa_bad,
            _ragged=ragged,
            _rounded=amount_rounded | ieepa_rounded,
        )
        .with_row_index("_i")
        .with_columns(
            source_row=(pl.col("_i").cast(pl.Int64) + first_row),
            entry_number=entry_number(e_raw),
            document=clean(pl.col(d_col)) if d_col else pl.lit(None, pl.String),
            _raw=raw_text,
        )
        .with_columns(
            _r=pl.when("_ragged").then(pl.lit(RAGGED_REASON)),
            _e=entry_problem,
            _a=amount_problem,
            _x=pl.col("_xbad"),
        )
    )
    # Entirely blank rows (trailing separators, spacer rows) are not records.
    df = df.filter(~pl.all_horizontal([_is_blank(pl.col(c)) for c in raw_cols]))
    problem_col = (
        pl.when(pl.col("_ragged"))
        .then(pl.lit(used["amount"]))
        .when(pl.col("_e").is_not_null())
        .then(pl.lit(used["entry_number"]))
        .when(pl.col("_a").is_not_null())
        .then(pl.lit(used["amount"]))
        .otherwise(pl.lit(used.get("ieepa_amount") or used["amount"]))
    )
    problem_value = (
        pl.when(pl.col("_ragged"))
        .then(pl.col(a_col))
        .when(pl.col("_e").is_not_null())
        .then(pl.col(e_col))
        .when(pl.col("_a").is_not_null())
        .then(pl.col(a_col))
        .otherwise(pl.col(i_col or a_col))
    )
    bad = pl.any_horizontal(pl.col("_r", "_e", "_a", "_x").is_not_null())
    rejected = df.filter(bad).select(
        source_file=pl.lit(file),
        source_row="source_row",
        column=problem_col,
        value=problem_value.fill_null(""),
        reason=pl.coalesce("_r", "_e", "_a", "_x"),
        raw="_raw",
    )
    good = df.filter(~bad)
    ensure_sums_fit(good, ["amount_cents", "ieepa_cents"], f"AP amounts in {file}")
    rounded = int(good.get_column("_rounded").sum())
    # A document (invoice) number on more than one accepted row: posted twice, or keyed twice.
    dup_key = ["document"]
    good = good.with_columns(
        duplicate_document=(
            pl.col("document").is_not_null() & (pl.len().over(dup_key) > 1)
        ).fill_null(False)
    )
    dups = good.filter(pl.col("duplicate_document")).select(dup_key).unique().height if d_col else 0
    rows = good.select(*COMPUTED_AP_COLUMNS, *raw_cols)
    return APData(
        rows=rows,
        rejected=rejected,
        mapping=dict(used),
        duplicate_documents=dups,
        file=file,
        headers=tuple(headers),
        rows_read=df.height,
        rounded_amounts=rounded,
    )


__all__ = [
    "AP_FIELDS",
    "AP_REQUIRED",
    "COMPUTED_AP_COLUMNS",
    "APData",
    "Aliases",
    "ap_headers",
    "detect_ap_columns",
    "parse_money_column",
    "read_ap",
    "shipped_ap_aliases",
]
