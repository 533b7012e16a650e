"""Messages the workers post: named for what happened (past tense)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl
from textual.message import Message

from itrac_tui.core.claims import Claims, ClaimsSummary
from itrac_tui.core.model import Export
from itrac_tui.core.rules import Rules
from itrac_tui.core.summary import Summary
from itrac_tui.core.views import ViewSpec


@dataclass(eq=False)
class LoadProgressed(Message):
    """The load worker read more rows."""

    text: str
    done: int
    total: int


@dataclass(eq=False)
class ExportLoaded(Message):
    """An export was read, assembled and classified."""

    export: Export
    lines: pl.DataFrame  # classified
    rules: Rules
    as_of: date
    paths: tuple[Path, ...]
    seconds: float


@dataclass(eq=False)
class LoadFailed(Message):
    """Loading failed with a one-line reason (or was cancelled)."""

    reason: str
    paths: tuple[Path, ...] = ()
    cancelled: bool = False
    missing_columns: bool = False  # a mapping on the load screen can fix it


@dataclass(eq=False)
class ViewApplied(Message):
    """The filtered, sorted lines and their summary are ready."""

    spec: ViewSpec
    lines: pl.DataFrame
    summary: Summary
    deadlines: dict[str, pl.DataFrame]  # soonest entries by deadline kind (phase1/protest/cit)
    as_of: date
    seconds: float


@dataclass(eq=False)
class AsOfChanged(Message):
    """The working date changed and the lines were classified again."""

    as_of: date
    lines: pl.DataFrame


@dataclass(eq=False)
class ClaimsLoaded(Message):
    """CAPE claim results were read and attached to the lines."""

    claims: Claims
    lines: pl.DataFrame | None
    path: str
    summary: ClaimsSummary | None


@dataclass(eq=False)
class ClaimsFailed(Message):
    """A claims file could not be used (one line)."""

    reason: str


@dataclass(eq=False)
class ViewSaved(Message):
    """A file was written (CSV of the view, CAPE declaration, worklist, rejected rows)."""

    what: str
    path: Path
    rows: int
    detail: str = ""


@dataclass(eq=False)
class SaveFailed(Message):
    """Writing a file failed with a one-line reason."""

    what: str
    path: Path
    reason: str
    exists: bool = False


@dataclass(eq=False)
class ContextLoaded(Message):
    """The file's own columns of a lazily loaded export were read back (core.context)."""

    export: Export  # the export they belong to (a newer load makes them stale)
    context: pl.DataFrame  # per line, row i = line i
    set_aside: pl.DataFrame  # with their raw text
    rejected: pl.DataFrame
