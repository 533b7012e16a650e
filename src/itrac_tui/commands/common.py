"""What every headless command does first: resolve files, rules and mapping, load, classify."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import polars as pl

from itrac_tui import store
from itrac_tui.core.claims import (
    CLAIM_COLUMNS,
    Claims,
    attach_claims,
    read_claims,
    summarise_claims,
)
from itrac_tui.core.classify import classify
from itrac_tui.core.errors import printable
from itrac_tui.core.interest import interest_notice
from itrac_tui.core.load import load_export
from itrac_tui.core.model import CLASSIFIED_COLUMNS, LINE_COLUMNS, Export
from itrac_tui.core.read import resolve_paths
from itrac_tui.core.rules import Rules
from itrac_tui.core.stream import streamed_export
from itrac_tui.core.summary import Summary, summarise
from itrac_tui.resources import sample_export_paths


@dataclass(frozen=True)
class Loaded:
    """An export loaded and classified for a command."""

    export: Export
    rules: Rules
    as_of: date
    lines: pl.DataFrame  # classified (+ claim_status / claim_number / claim_error with claims)
    claims: Claims | None = None  # --claims and --exclude-submitted, when given

    def summary(self, lines: pl.DataFrame | None = None) -> Summary:
        """The scan summary of every line, or of `lines` (a view of them), with claims and the
        interest-rate notice."""
        lines = self.lines if lines is None else lines
        notice = interest_notice(lines, self.rules.cape, self.as_of)
        given = self.claims if self.claims is not None and self.claims.claim_files else None
        counted = summarise_claims(given, lines) if given is not None else None
        return summarise(
            lines, self.as_of, self.export, claims=counted, notices=(notice,) if notice else ()
        )

    @property
    def claims_given(self) -> bool:
        """True when claim results (--claims) were read."""
        return self.claims is not None and bool(self.claims.claim_files)


def fail(message: str) -> int:
    """Print a one-line error to stderr and return exit code 2."""
    one_line = printable(" ".join(message.split()))
    print(f"itrac-tui: {one_line}", file=sys.stderr)
    return 2


def warn_notices() -> None:
    """Print what the settings files had that was ignored (store notices), one line each."""
    for notice in store.take_notices():
        print(f"itrac-tui: warning: {notice}", file=sys.stderr)


def input_paths(args: argparse.Namespace) -> list[Path]:
    """The files named on the command line (folders and globs expanded), or the bundled sample."""
    return resolve_paths(args.files) if args.files else sample_export_paths()


def load_from_args(args: argparse.Namespace, *, context: bool = True) -> Loaded:
    """Load and classify the export named by the common arguments (raises InputError).

    `context=False` skips the context columns (only the decisive fields are read).
    """
    claims = claims_from_args(args)  # before the export: a wrong file fails fast
    return _load(args, context, claims)


def _load(args: argparse.Namespace, context: bool, claims: Claims | None) -> Loaded:
    rules = store.load_rules(getattr(args, "rules", None))
    mapping = store.load_mapping_file(args.mapping) if getattr(args, "mapping", None) else None
    export = load_export(
        input_paths(args),
        rules,
        mapping=mapping,
        context=context,
        distinct_parts=getattr(args, "distinct_parts", False),
        saved=store.saved_mapping(),
    )
    warn_notices()
    as_of = args.as_of or date.today()
    lines = classify(export.lines, rules, as_of, has_liquidation=export.has_liquidation)
    if claims is not None:  # without claims the lines (and their CSV) stay as they were
        lines = attach_claims(lines, claims)
    return Loaded(export, rules, as_of, lines, claims)


# the classified line columns (no context columns): what a command that only counts reads
COUNTED_COLUMNS: tuple[str, ...] = tuple(
    c for c in (*LINE_COLUMNS, *CLASSIFIED_COLUMNS) if c not in CLAIM_COLUMNS
)


def _streamed_from_args(
    args: argparse.Namespace, keep: Sequence[str] = ()
) -> tuple[Rules, date, Export | None]:
    """The rules, the as-of date and the streamed export of the arguments (None: read whole)."""
    rules = store.load_rules(getattr(args, "rules", None))
    mapping = store.load_mapping_file(args.mapping) if getattr(args, "mapping", None) else None
    as_of = args.as_of or date.today()
    export = streamed_export(
        input_paths(args),
        rules,
        as_of,
        mapping=mapping,
        saved=store.saved_mapping(),
        distinct_parts=getattr(args, "distinct_parts", False),
        keep=keep,
    )
    return rules, as_of, export


def counted_from_args(args: argparse.Namespace, keep: Sequence[str] = COUNTED_COLUMNS) -> Loaded:
    """What a command that only counts needs (raises InputError): the lines without context
    columns. A big single-file export is streamed over the decision columns (core.stream),
    keeping the line columns `keep` (the same values and types as the whole-file
    reading); anything else is load_from_args without context columns."""
    claims = claims_from_args(args)
    rules, as_of, export = _streamed_from_args(args, keep)
    if export is None:
        return _load(args, False, claims)
    warn_notices()
    lines = _as_whole_file(export.lines)
    if claims is not None:
        lines = attach_claims(lines, claims)
    return Loaded(replace(export, lines=lines), rules, as_of, lines, claims)


def _as_whole_file(lines: pl.DataFrame) -> pl.DataFrame:
    """Streamed lines as the whole-file reading types them: text for the stream's categories,
    line ids 0..n-1 in file order (each chunk numbers its own)."""
    text = {
        c: pl.List(pl.String) if isinstance(t, pl.List) else pl.String
        for c, t in lines.schema.items()
        if t == pl.Categorical or t == pl.List(pl.Categorical)
    }
    out = lines.with_columns(pl.col(c).cast(t) for c, t in text.items())
    if "line_id" in out.columns:
        out = out.with_columns(pl.int_range(pl.len(), dtype=pl.UInt32).alias("line_id"))
    return out


def claims_from_args(args: argparse.Namespace) -> Claims | None:
    """Claim results (--claims) and earlier declarations (--exclude-submitted), if any."""
    claim_files = list(getattr(args, "claims", None) or [])
    submitted = list(getattr(args, "exclude_submitted", None) or [])
    if not claim_files and not submitted:
        return None
    return read_claims(claim_files, submitted=submitted)


def scan_from_args(args: argparse.Namespace) -> Loaded:
    """What `scan` needs (raises InputError): a big single-file export without claims is
    streamed in bounded memory (core.stream: classified summary columns only, same figures);
    anything else is load_from_args without context columns."""
    if getattr(args, "claims", None) or getattr(args, "exclude_submitted", None):
        return load_from_args(args, context=False)
    rules, as_of, export = _streamed_from_args(args)
    if export is None:
        return load_from_args(args, context=False)
    warn_notices()
    return Loaded(export, rules, as_of, export.lines)
