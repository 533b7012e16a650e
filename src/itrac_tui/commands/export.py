"""`itrac-tui export`: filtered lines CSV, CAPE declaration, protest worklist, rejected rows.

The filters build the same ViewSpec the TUI's filter bar builds, and the lines are narrowed with
the same `views.apply_view` — so a headless export equals what the TUI shows for that view.
"""

from __future__ import annotations

import argparse
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl

from itrac_tui import store
from itrac_tui.commands import common
from itrac_tui.core import csvfile, filing, views
from itrac_tui.core.errors import InputError
from itrac_tui.core.model import PATHWAYS
from itrac_tui.core.money import format_dollars
from itrac_tui.core.rules import Rules

OUTPUT_FLAGS = ("--output", "--cape-declaration", "--protest-worklist", "--rejected")


def _list(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Filters (the TUI filter bar's names) and outputs of `itrac-tui export`."""
    add_filter_arguments(parser)
    add_output_arguments(parser)


def add_filter_arguments(parser: argparse.ArgumentParser) -> None:
    """The view's filters (the TUI filter bar's names), for `export` and `scan`."""
    f = parser.add_argument_group("filters (the same names and meanings as the TUI filter bar)")
    f.add_argument(
        "--country",
        action="append",
        metavar="CC,...",
        help="origin countries, alpha-2 or alpha-3 (CN,MX)",
    )
    f.add_argument(
        "--ch99",
        action="append",
        metavar="PROGRAM|CODE,...",
        help="Chapter 99 programs (reciprocal, fentanyl, 232, 301, ieepa_brazil, …), "
        "code prefixes (9903.01) or 'none'",
    )
    f.add_argument(
        "--status",
        action="append",
        metavar="STATUS,...",
        help="liquidation statuses (UNL,LIQ,RLQ,SUS,EXT,REV,PND,TIB,FIN)",
    )
    f.add_argument(
        "--pathway", action="append", metavar="PATHWAY,...", help=f"pathways ({','.join(PATHWAYS)})"
    )
    f.add_argument(
        "--reason",
        action="append",
        metavar="REASON,...",
        help="why lines are on their pathway (unliquidated, protest_on_file, suspended, …)",
    )
    f.add_argument(
        "--warnings-only", action="store_true", default=None, help="only lines with warnings"
    )
    f.add_argument("--liquidated-from", metavar="DATE", help="liquidated on or after (YYYY-MM-DD)")
    f.add_argument("--liquidated-to", metavar="DATE", help="liquidated on or before (YYYY-MM-DD)")
    f.add_argument(
        "--search",
        metavar="TEXT",
        help="text in entry number, HTS, Chapter 99 code or a text column (names, descriptions, "
        "references), as the TUI's / search",
    )
    f.add_argument(
        "--view", metavar="NAME", help="a saved view (explicit filter flags override its fields)"
    )


def add_output_arguments(parser: argparse.ArgumentParser) -> None:
    """The files `export` writes."""
    o = parser.add_argument_group("outputs (at least one)")
    o.add_argument(
        "--output",
        "-o",
        metavar="FILE",
        type=Path,
        help="the filtered lines: context columns + computed ones",
    )
    o.add_argument(
        "--cape-declaration",
        metavar="DIR",
        type=Path,
        help="CAPE declaration files (cape_declaration_001.csv, …) in DIR",
    )
    o.add_argument(
        "--exclude-submitted",
        nargs="+",
        metavar="FILE",
        default=None,
        help="earlier CAPE declaration CSVs (or Claim Details): their entries are left out of "
        "the new declaration and listed in excluded.csv",
    )
    o.add_argument(
        "--by-filer",
        action="store_true",
        help="one declaration per importer and filer code (brokers)",
    )
    o.add_argument(
        "--protest-worklist",
        metavar="FILE",
        type=Path,
        help="protest lines by entry, soonest deadline first",
    )
    o.add_argument(
        "--rejected",
        metavar="FILE",
        type=Path,
        help="rows the reader could not use, with the reason",
    )
    o.add_argument(
        "--columns",
        metavar="COL,...",
        help="context columns for --output, in this order (default: all)",
    )
    o.add_argument("--force", action="store_true", help="replace existing output files")


# --- the view ------------------------------------------------------------------------------------
def _flat(values: list[str] | None) -> list[str] | None:
    if values is None:
        return None
    return [item for value in values for item in _list(value)]


def _date(text: str | None, flag: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InputError(f"{flag}: not a date (YYYY-MM-DD): {text!r}") from None


def spec_from_args(args: argparse.Namespace, rules: Rules) -> views.ViewSpec:
    """The ViewSpec the flags describe: the saved --view, with explicit flags overriding it."""
    spec = views.ViewSpec()
    name = getattr(args, "view", None)
    if name:
        saved = store.load_views()
        common.warn_notices()
        if name not in saved:
            known = ", ".join(sorted(saved)) or "none saved yet"
            raise InputError(f"no saved view {name!r} (saved views: {known})")
        spec = saved[name]
    fields: dict[str, Any] = {}
    if (countries := _flat(args.country)) is not None:
        fields["countries"] = views.country_codes(countries)
    if (ch99 := _flat(args.ch99)) is not None:
        fields["ch99"] = views.ch99_filters(ch99, rules)
    if (statuses := _flat(args.status)) is not None:
        fields["statuses"] = views.status_codes(statuses, rules)
    if (pathways := _flat(args.pathway)) is not None:
        fields["pathways"] = views.pathway_ids(pathways)
    if (reasons := _flat(getattr(args, "reason", None))) is not None:
        fields["reasons"] = views.reason_ids(reasons)
    if args.warnings_only:
        fields["warnings_only"] = True
    if args.liquidated_from is not None:
        fields["liquidated_from"] = _date(args.liquidated_from, "--liquidated-from")
    if args.liquidated_to is not None:
        fields["liquidated_to"] = _date(args.liquidated_to, "--liquidated-to")
    if args.search is not None:
        fields["search"] = args.search
    return replace(spec, **fields)


def view_from_args(args: argparse.Namespace) -> tuple[common.Loaded, pl.DataFrame]:
    """The loaded export and the lines of the view the filter flags describe (every line
    without filters); a big export is streamed unless the view searches text columns."""
    spec = spec_from_args(args, store.load_rules(getattr(args, "rules", None)))
    if not spec.is_filtered():
        loaded = common.scan_from_args(args)
        return loaded, loaded.lines
    loaded = (
        common.load_from_args(args, context=True) if spec.search else common.counted_from_args(args)
    )
    return loaded, filtered_lines(loaded.lines, spec)


def filtered_lines(lines: pl.DataFrame, spec: views.ViewSpec) -> pl.DataFrame:
    """The lines of the view — exactly what the TUI shows: views.apply_view with the same
    searched text columns."""
    return views.apply_view(lines, spec, views.search_columns(lines))


# --- outputs -------------------------------------------------------------------------------------
def _file_targets(args: argparse.Namespace) -> list[Path]:
    return [p for p in (args.output, args.protest_worklist, args.rejected) if p is not None]


def _preflight(args: argparse.Namespace) -> None:
    """Fail before loading anything when an output cannot or must not be written."""
    targets = _file_targets(args)
    resolved = [p.resolve() for p in targets]
    if len(set(resolved)) != len(resolved):
        raise InputError("two outputs name the same file")
    for target in targets:
        csvfile.check_target(target, force=args.force)
    cape = args.cape_declaration
    if cape is not None:
        if cape.exists() and not cape.is_dir():
            raise InputError(f"cannot write to {cape}: it is not a folder")
        existing = filing.existing_cape_files(cape)
        if existing and not args.force:
            raise csvfile.OutputExists(f"{existing[0]} already exists")
        if any(
            p.resolve().parent == cape.resolve() and filing.is_cape_file_name(p.name)
            for p in targets
        ):
            raise InputError("an output file would be overwritten by the CAPE declaration")


def _plural(n: int, word: str, words: str | None = None) -> str:
    return f"{n:,} {word if n == 1 else (words or word + 's')}"


def _write(
    args: argparse.Namespace,
    loaded: common.Loaded,
    view: pl.DataFrame,
    out: list[str],
    spec: views.ViewSpec,
) -> None:
    """Write each asked output, appending one summary line per output to `out`."""
    # like ctrl+s: a view's visible columns, then the computed ones
    columns = _list(args.columns) if args.columns else None
    if columns is None and spec.columns:
        columns = views.export_columns(list(spec.columns), view)
    if args.output is not None:
        rows = filing.write_lines_csv(view, args.output, columns=columns, force=args.force)
        out.append(f"lines: {_plural(rows, 'row')} written to {args.output}")
    if args.cape_declaration is not None:
        _write_cape(args, loaded, view, out)
    if args.protest_worklist is not None:
        rows = filing.write_protest_worklist(view, args.protest_worklist, force=args.force)
        out.append(
            f"protest worklist: {_plural(rows, 'entry', 'entries')} written to "
            f"{args.protest_worklist}"
        )
    if args.rejected is not None:
        rows = filing.write_rejected(loaded.export.rejected, args.rejected, force=args.force)
        out.append(f"rejected rows: {_plural(rows, 'row')} written to {args.rejected}")


def _write_cape(
    args: argparse.Namespace, loaded: common.Loaded, view: pl.DataFrame, out: list[str]
) -> None:
    """The CAPE declaration: per file its entries and IEEPA duty, then what was left out."""
    submitted = loaded.claims.submitted() if loaded.claims is not None else None
    cape = filing.write_cape_declaration(
        view,
        args.cape_declaration,
        force=args.force,
        submitted=submitted,
        by_filer=args.by_filer,
        max_entries=loaded.rules.cape.max_entries,
    )
    left = sum(cape.excluded.values())
    if cape.entries == 0 and left == 0:
        out.append(
            "CAPE declaration: no entry has a cape_phase1 line in this view; no file written"
        )
    elif cape.entries == 0:
        out.append("CAPE declaration: no entry to declare; no declaration file written")
    else:
        out.append(
            f"CAPE declaration: {_plural(cape.entries, 'entry', 'entries')}"
            f" in {_plural(len(cape.files), 'file')}; "
            f"IEEPA duty covered {format_dollars(cape.ieepa_duty_cents)}"
        )
        for f in cape.per_file:
            who = ", ".join(
                part
                for part in (
                    f"importer {f.importer}" if f.importer else "",
                    f"filer {f.filer}" if args.by_filer and f.filer else "",
                )
                if part
            )
            out.append(
                f"  {f.path}: {_plural(f.entries, 'entry', 'entries')}, IEEPA duty "
                f"{format_dollars(f.ieepa_duty_cents)}{f' ({who})' if who else ''}"
            )
    if cape.excluded_file is not None:
        reasons = ", ".join(f"{r} {n:,}" for r, n in cape.excluded.items())
        out.append(
            f"CAPE declaration: left out {_plural(left, 'entry', 'entries')}"
            f"{f' ({reasons})' if reasons else ''}; listed in {cape.excluded_file}"
        )
    if cape.removed:
        out.append(f"CAPE declaration: removed {_plural(len(cape.removed), 'older file')}")


def run(args: argparse.Namespace) -> int:
    """Load, filter by the view, write the asked outputs, print a short summary."""
    if all(getattr(args, flag[2:].replace("-", "_")) is None for flag in OUTPUT_FLAGS):
        return common.fail(f"nothing to write: give at least one of {', '.join(OUTPUT_FLAGS)}")
    written: list[str] = []
    try:
        spec = spec_from_args(args, store.load_rules(getattr(args, "rules", None)))
        _preflight(args)
        # the file's other columns are needed only to write lines/rejected rows or to search them
        context = args.output is not None or args.rejected is not None or bool(spec.search)
        # otherwise only figures and entry-level fields: a big export is streamed
        loaded = (
            common.load_from_args(args, context=True) if context else common.counted_from_args(args)
        )
        view = filtered_lines(loaded.lines, spec)
        written.append(
            f"view: {view.height:,} of {_plural(loaded.lines.height, 'line')} "
            f"(as of {loaded.as_of.isoformat()})"
        )
        _write(args, loaded, view, written, spec)
    except InputError as exc:
        for line in written:  # what was written before the failure
            print(line)
        hint = " (use --force to replace it)" if isinstance(exc, csvfile.OutputExists) else ""
        return common.fail(f"{exc}{hint}")
    for line in written:
        print(line)
    return 0
