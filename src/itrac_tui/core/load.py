"""Load an export: read every part, map columns, normalise and assemble (the front of the flow)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

import polars as pl

from itrac_tui.core.assemble import (
    CH99_FIRST,
    COMMODITY_FIRST,
    Assembled,
    assemble,
    canon,
)
from itrac_tui.core.claims import claims_file_as_export_message, is_claims_headers
from itrac_tui.core.columns import (
    FIELD_LABELS,
    ColumnMatch,
    detect_columns,
    require_columns,
)
from itrac_tui.core.errors import InputError
from itrac_tui.core.model import CLASSIFIED_COLUMNS, LINE_COLUMNS, Export, Warning_
from itrac_tui.core.money import ensure_sums_fit
from itrac_tui.core.preflight import with_preflight
from itrac_tui.core.read import (
    FILE_COL,
    RAGGED_COL,
    ROW_COL,
    NotBlockwise,
    Sniffed,
    column_names,
    is_xlsx,
    read_csv_file,
    read_xlsx_file,
    same_inputs,
    sniff,
    xlsx_headers,
)
from itrac_tui.core.rules import Rules

Progress = Callable[[str, int, int], None]
CHUNKED_MIN_BYTES = 1 << 30  # lazily read files this big are assembled chunk by chunk (at 1M
# rows, 325 MB, one assembly is faster and fits)
RESERVED = set(LINE_COLUMNS) | set(CLASSIFIED_COLUMNS) | {"line_id", "raw", "reason"}

LIQUIDATION_HELP = (
    "The export has no Liquidation Status / Liquidation Date columns, so every line with IEEPA"
    " duty is in review. In ACE Reports, open the ES-003 report, choose Modify Report > Columns,"
    " add 'Liquidation Status' and 'Liquidation Date', and run the export again."
)


def headers_of(path: Path, sniffed: Sniffed | None = None) -> tuple[str, ...]:
    """Header row of an export file (CSV or XLSX); `sniffed`: the CSV's sniff, if known."""
    if is_xlsx(path):
        return xlsx_headers(path)
    return tuple(column_names(sniffed or sniff(path)))


def _effective_mapping(
    headers: Sequence[str], explicit: dict[str, str] | None, saved: dict[str, str] | None
) -> dict[str, str]:
    """Saved mapping entries whose header exists in this file, then the explicit mapping."""
    present = {h.strip().lower() for h in headers}
    merged = {k: v for k, v in (saved or {}).items() if v.strip().lower() in present}
    merged.update(explicit or {})
    return merged


def inspect_file(
    path: Path,
    rules: Rules,
    mapping: dict[str, str] | None = None,
    saved: dict[str, str] | None = None,
    sniffed: Sniffed | None = None,
) -> ColumnMatch:
    """What the detector finds in one file (headers, mapped fields, missing fields, layout).

    `saved` is the user's saved mapping (store): its entries apply where the header exists."""
    headers = headers_of(path, sniffed)
    return detect_columns(headers, rules, _effective_mapping(headers, mapping, saved))


def safe_name(header: str) -> str:
    """The name a file column takes on `lines` (never one of the computed columns' names)."""
    return f"{header} (file)" if header in RESERVED or header.startswith("_") else header


def _read_part(
    path: Path, match: ColumnMatch, context: bool, index: int, sniffed: Sniffed | None = None
) -> tuple[pl.DataFrame, list[str]]:
    """Read one part; returns the frame (originals + c_* copies + provenance) and its originals."""
    wanted = None if context else sorted(set(match.mapping.values()))
    if is_xlsx(path):
        df = read_xlsx_file(path, wanted)
    else:
        df = read_csv_file(path, sniffed or sniff(path), wanted)
    originals = [c for c in df.columns if c not in (ROW_COL, RAGGED_COL)] if context else []
    renames = {c: safe_name(c) for c in originals if safe_name(c) != c}
    df = df.with_columns(
        *[pl.col(h).alias(canon(f)) for f, h in match.mapping.items()],
        pl.lit(index, dtype=pl.UInt16).alias(FILE_COL),
    ).rename(renames)
    return df, [renames.get(c, c) for c in originals]


def load_export(
    paths: Sequence[str | Path],
    rules: Rules,
    *,
    mapping: dict[str, str] | None = None,
    progress: Progress | None = None,
    context: bool = True,
    distinct_parts: bool = False,
    saved: dict[str, str] | None = None,
    lazy_context: bool = False,
    chunked_min_bytes: int = CHUNKED_MIN_BYTES,
) -> Export:
    """Read the parts of one export (in the given order) and assemble lines and components.

    `context=False` reads only the decisive columns (what `scan` needs), much faster. A file
    given twice (same path, or same content) is read once, with a notice; the same entry line in
    two parts counts once (the later rows set aside) unless `distinct_parts`. `saved` is the
    user's saved column mapping (the front door loads it through the store).

    `lazy_context` (the TUI) reads the decisive columns only and leaves the others in the files
    for core.context to read back by row (is_lazy); CSV parts in UTF-8 with LF/CRLF line ends
    only: anything else is read whole, as with `context`. A lazily read single file of at least
    `chunked_min_bytes` is assembled in entry-aligned chunks (bounded working set).
    """
    files = [Path(p) for p in paths]
    if not files:
        raise InputError("no input files given")
    for f in files:
        if not f.is_file():
            raise InputError(f"no such file: {f}")
    files, repeats = same_inputs(files)
    sniffs: dict[Path, Sniffed] = {}
    if lazy_context:
        from itrac_tui.core.context import lazily_readable

        lazy_context = context and not any(is_xlsx(f) for f in files)
        sniffs = {f: sniff(f) for f in files} if lazy_context else {}
        lazy_context = lazy_context and all(lazily_readable(s) for s in sniffs.values())
        if lazy_context:
            context = False
    frames: list[pl.DataFrame] = []
    originals: list[str] = []
    lazy: list[str] = []  # the parts' own columns, left in the files (lazy_context)
    matches: list[ColumnMatch] = []
    rows_so_far = 0
    for k, path in enumerate(files, start=1):
        if progress:
            progress(f"Reading {path.name} (file {k} of {len(files)})", rows_so_far, 0)
        if path not in sniffs and not is_xlsx(path):
            sniffs[path] = sniff(path)  # once: it reads the whole file for its line ends
        match = inspect_file(path, rules, mapping, saved, sniffs.get(path))
        if is_claims_headers(match.headers):
            raise InputError(claims_file_as_export_message(path))
        require_columns(match, str(path))
        if matches and match.layout != matches[0].layout:
            raise InputError(
                f"{path}: its layout ({match.layout}) differs from {files[0]} "
                f"({matches[0].layout}); parts of one export must share a layout"
            )
        if lazy_context and len(files) == 1 and path.stat().st_size >= chunked_min_bytes:
            chunked = _assembled_in_chunks(
                path, match, rules, distinct_parts, progress, sniffs[path]
            )
            if chunked is not None:
                built, rows_read = chunked
                own = tuple(column_names(sniffs[path]))
                return _export(files, [match], built, rows_read, rules, repeats, own)
        df, cols = _read_part(path, match, context, k - 1, sniffs.get(path))
        if lazy_context:
            if RAGGED_COL in df.columns:  # rows longer than the header: read it whole
                return load_export(
                    paths,
                    rules,
                    mapping=mapping,
                    progress=progress,
                    distinct_parts=distinct_parts,
                    saved=saved,
                )
            names = column_names(sniffs[path])
            lazy.extend(c for c in names if c not in lazy)
        matches.append(match)
        frames.append(df)
        originals.extend(c for c in cols if c not in originals)
        rows_so_far += df.height
        if progress:
            progress(f"Read {path.name}: {df.height:,} rows", rows_so_far, 0)
    raw = pl.concat(frames, how="diagonal_relaxed") if len(frames) > 1 else frames[0]
    if progress:
        progress(f"Assembling lines from {raw.height:,} rows", raw.height, 0)

    first = matches[0]
    labels = {f: first.mapping.get(f, FIELD_LABELS[f]) for f in FIELD_LABELS}
    has_line_col = all("line_number" in m.mapping for m in matches)
    has_ordinal = all("tariff_ordinal" in m.mapping for m in matches)
    built = assemble(
        raw,
        rules,
        files=[str(f) for f in files],
        layout=first.layout,
        labels=labels,
        original_columns=originals,
        has_line_col=has_line_col,
        has_ordinal=has_ordinal,
        distinct_parts=distinct_parts,
    )
    return _export(files, matches, built, raw.height, rules, repeats, tuple(lazy), lazy_context)


def _export(
    files: Sequence[Path],
    matches: Sequence[ColumnMatch],
    built: Assembled,
    rows_read: int,
    rules: Rules,
    repeats: Sequence[tuple[Path, Path]],
    lazy_columns: tuple[str, ...],
    lazy: bool = True,
) -> Export:
    """The Export of assembled parts (pre-flight warnings and notices added)."""
    lines = with_preflight(built.lines, built.components, rules.cape)  # §10 warnings
    has_liq = all(m.has_liquidation for m in matches)
    notices = export_notices(built, built.rows.height, has_liq, repeats)
    return Export(
        files=tuple(str(f) for f in files),
        layout=matches[0].layout,
        mapping=dict(matches[0].mapping),
        lines=lines,
        components=built.components,
        rows=built.rows,
        set_aside=built.set_aside,
        rejected=built.rejected,
        rows_read=rows_read,
        has_liquidation=has_liq,
        notices=notices,
        lazy_columns=lazy_columns if lazy else (),
        context_rows=built.context_rows if lazy else None,
        file_stamps=tuple(file_stamp(f) for f in files) if lazy else (),
    )


def file_stamp(path: Path) -> tuple[int, int]:
    """Size and modification time of a file (a lazily read file must not change meanwhile)."""
    st = path.stat()
    return (st.st_size, st.st_mtime_ns)


def _assembled_in_chunks(
    path: Path,
    match: ColumnMatch,
    rules: Rules,
    distinct_parts: bool,
    progress: Progress | None,
    sniffed: Sniffed,
) -> tuple[Assembled, int] | None:
    """A big file's decisive columns assembled chunk by chunk (entry-aligned, core.stream's
    reading), so the working set is a chunk's, not the file's; the same frames as one assembly
    of the whole file (line ids run on). None when the stream cannot promise that."""
    from itrac_tui.core import stream

    name = str(path)
    parts: list[Assembled] = []
    rows_read = lines_so_far = 0
    try:
        chunks = stream.assembled_chunks(
            path, match, rules, distinct_parts, stream.CHUNK_ROWS, sniffed
        )
        for rows, built in chunks:
            rows_read += rows
            parts.append(_shifted(built, lines_so_far))
            lines_so_far += built.lines.height
            if progress:
                progress(f"Assembled {lines_so_far:,} lines ({rows_read:,} rows)", rows_read, 0)
    except (stream.Declined, NotBlockwise):
        return None
    if not parts:
        return None
    lines = pl.concat([b.lines for b in parts])
    entries = pl.concat([b.lines.get_column("entry_number").unique() for b in parts])
    if entries.len() != entries.n_unique():
        return None  # an entry met again after other entries: its lines may span chunks
    money = ["entered_value_cents", "line_duty_cents", "ch99_duty_cents", "ieepa_duty_cents"]
    ensure_sums_fit(lines, money, "money amounts of the export")
    components = pl.concat([b.components for b in parts])
    rounded = sum(b.rounded for b in parts)
    merged = Assembled(
        lines=lines,
        components=components,
        rows=pl.concat([b.rows for b in parts]),
        set_aside=pl.concat([b.set_aside for b in parts]),
        rejected=pl.concat([b.rejected for b in parts]),
        rounded=rounded,
        rounded_example=next((b.rounded_example for b in parts if b.rounded_example), ""),
        files_without_ch99=(name,) if lines.height and components.height == 0 else (),
        context_rows=pl.concat([b.context_rows for b in parts if b.context_rows is not None]),
    )
    return merged, rows_read


def _shifted(built: Assembled, offset: int) -> Assembled:
    """A chunk's frames with its line ids moved past the earlier chunks' lines."""
    if offset == 0:
        return built
    line_id = (pl.col("line_id") + offset).cast(pl.UInt32)
    return replace(
        built,
        lines=built.lines.with_columns(line_id),
        components=built.components.with_columns(line_id),
        rows=built.rows.with_columns(line_id),
    )


def export_notices(
    built: Assembled, rows_used: int, has_liq: bool, repeats: Sequence[tuple[Path, Path]] = ()
) -> tuple[Warning_, ...]:
    """The file-level notices of an assembled export (layout, set-aside, rejected, inputs given
    twice, overlapping parts, rounded money)."""
    notices = _layout_notices(built) + _notices(built.set_aside, built.rejected, rows_used, has_liq)
    if repeats:
        shown = "; ".join(f"{again} is {first}" for again, first in repeats[:3])
        notices += (
            Warning_(
                "duplicate_input",
                len(repeats),
                f"{len(repeats)} input(s) given twice, read once ({shown})",
            ),
        )
    if built.overlapping:
        notices += (
            Warning_(
                "overlapping_parts",
                built.overlapping,
                f"{built.overlapping:,} entry line(s) appear in more than one part: counted once"
                " (the later parts' rows set aside); --distinct-parts counts them separately",
            ),
        )
    if built.rounded:
        notices += (
            Warning_(
                "money_rounded",
                built.rounded,
                f"{built.rounded:,} amount(s) had more than two decimals and were rounded"
                f" half-even to the cent (first: {built.rounded_example})",
            ),
        )
    return notices


NO_CH99_HELP = (
    "this looks like a line-level report without tariff detail; pull ES-003 (Entry Summary Line"
    " Tariff Details): any IEEPA duty here is hidden inside the line duty"
)
ORIENTATION_TEXT = {
    CH99_FIRST: "Chapter 99 rows read as belonging to the commodity row BELOW them (CBP's order,"
    " Chapter 99 first)",
    COMMODITY_FIRST: "Chapter 99 rows read as belonging to the commodity row ABOVE them (commodity"
    " row first)",
}


def _layout_notices(built: Assembled) -> tuple[Warning_, ...]:
    """Files without any Chapter 99 code, and the orientation detected where it had to be."""
    out: list[Warning_] = []
    if built.files_without_ch99:
        names = ", ".join(Path(f).name for f in built.files_without_ch99)
        n = len(built.files_without_ch99)
        out.append(
            Warning_(
                "no_ch99_in_file",
                n,
                f"{names}: no row carries a Chapter 99 code anywhere: {NO_CH99_HELP}.",
            )
        )
    by_order: dict[str, list[str]] = {}
    for file, order in built.orientation.items():
        by_order.setdefault(order, []).append(Path(file).name)
    for order, named in sorted(by_order.items()):
        out.append(
            Warning_(
                "ch99_order",
                len(named),
                f"{', '.join(named)}: no line numbers or tariff ordinals; "
                f"{ORIENTATION_TEXT[order]}.",
            )
        )
    return tuple(out)


def _notices(
    set_aside: pl.DataFrame, rejected: pl.DataFrame, used: int, has_liq: bool
) -> tuple[Warning_, ...]:
    out: list[Warning_] = []
    if not has_liq:
        out.append(Warning_("no_liquidation_columns", 1, LIQUIDATION_HELP))
    if set_aside.height:
        for reason, n in set_aside.group_by("reason").len().sort("reason").iter_rows():
            out.append(Warning_("set_aside", n, f"{n:,} row(s) set aside: {reason}"))
        rollups = set_aside.filter(pl.col("reason").str.contains("roll-up|totals")).height
        if used == 0 and rollups:
            out.append(
                Warning_(
                    "rollup_only",
                    rollups,
                    "The file holds only entry-level roll-ups: refund work needs penny-precise"
                    " line detail (the ES-003 Entry Summary Line Tariff Details report).",
                )
            )
    if rejected.height:
        out.append(
            Warning_(
                "rejected",
                rejected.height,
                f"{rejected.height:,} row(s) rejected; see the rejected rows (export --rejected).",
            )
        )
    return tuple(out)
