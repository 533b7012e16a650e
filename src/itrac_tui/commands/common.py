"""What every headless command does first: resolve files, rules and mapping, load, classify."""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl

from itrac_tui import store
from itrac_tui.core.classify import classify
from itrac_tui.core.errors import printable
from itrac_tui.core.load import load_export
from itrac_tui.core.model import Export
from itrac_tui.core.read import resolve_paths
from itrac_tui.core.rules import Rules
from itrac_tui.resources import sample_export_paths


@dataclass(frozen=True)
class Loaded:
    """An export loaded and classified for a command."""

    export: Export
    rules: Rules
    as_of: date
    lines: pl.DataFrame  # classified


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
    return Loaded(export, rules, as_of, lines)
