"""A view: filters + sort + visible columns over the classified lines, and saved views in TOML."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from datetime import date
from typing import Any, TypeVar

import polars as pl

from itrac_tui.core.errors import InputError
from itrac_tui.core.model import CLASSIFIED_COLUMNS, LINE_COLUMNS, PATHWAYS, REASONS
from itrac_tui.core.normalise import status_key
from itrac_tui.core.rules import KNOWN_STATUSES, OTHER_PROGRAM, Rules

# Short names users type for Chapter 99 programs (CLI --ch99 and the TUI filter bar).
PROGRAM_ALIASES: dict[str, str] = {
    "fentanyl": "ieepa_fentanyl",
    "reciprocal": "ieepa_reciprocal",
    "brazil": "ieepa_brazil",
    "india": "ieepa_india",
    "232": "section_232",
    "s232": "section_232",
    "301": "section_301",
    "s301": "section_301",
    "other": "other_ch99",
}
NO_CH99 = "none"

_CODE_PREFIX = re.compile(r"^[0-9][0-9.]*$")
# Context columns `/` searches besides entry number, HTS and codes: the free-text ones.
_TEXTY = re.compile(
    r"name|desc|text|comment|note|remark|reference|invoice|bill of lading|part (number|no)",
    re.IGNORECASE,
)


# Computed columns a saved view's CSV always carries, after its visible columns.
COMPUTED_EXPORT_COLUMNS: tuple[str, ...] = (
    "entry_number",
    "line_no",
    "ch99_codes",
    "ch99_programs",
    "ieepa_duty_cents",
    "pathway",
    "reason",
    "days_since_liquidation",
    "phase1_until",
    "protest_deadline",
    "cit_deadline",
    "days_left",
    "warnings",
)


# Computed columns the rules v2 classify adds (and the TUI's own deadline); never context columns.
DERIVED_COLUMNS: tuple[str, ...] = (
    "reason",
    "phase1_until",
    "protest_deadline",
    "cit_deadline",
    "days_left",
    "deadline",
)


def export_columns(visible: list[str], lines: pl.DataFrame) -> list[str]:
    """Columns a view's CSV gets (ctrl+s, `export --view`): the visible ones, then the
    computed ones not already shown."""
    cols = [c for c in visible if c in lines.columns and c != "deadline"]  # the TUI's own
    return cols + [c for c in COMPUTED_EXPORT_COLUMNS if c in lines.columns and c not in cols]


def context_columns(lines: pl.DataFrame) -> list[str]:
    """The file's own columns on a lines frame (not computed, not internal `__` helpers)."""
    known = set(LINE_COLUMNS) | set(CLASSIFIED_COLUMNS) | set(DERIVED_COLUMNS)
    return [c for c in lines.columns if c not in known and not c.startswith("__")]


def search_columns(lines: pl.DataFrame) -> list[str]:
    """Free-text context columns searched by `/` and `export --search` (names, descriptions...)."""
    return [
        c
        for c in context_columns(lines)
        if lines.schema[c] in (pl.String, pl.Categorical) and _TEXTY.search(c) is not None
    ]


@dataclass(frozen=True)
class ViewSpec:
    """What the user narrowed the lines to, how they are sorted, and which columns show."""

    countries: tuple[str, ...] = ()
    ch99: tuple[str, ...] = ()  # program ids, aliases, "none", or 9903 code prefixes
    statuses: tuple[str, ...] = ()
    pathways: tuple[str, ...] = ()
    warnings_only: bool = False
    liquidated_from: date | None = None
    liquidated_to: date | None = None
    search: str = ""
    reasons: tuple[str, ...] = ()
    warning_codes: tuple[str, ...] = ()  # lines carrying any of these warnings
    entries: tuple[str, ...] = ()  # canonical entry numbers (a pasted list)
    groups: tuple[tuple[str, str], ...] = ()  # (breakdown dimension, group key), all must hold
    deadline_from: date | None = None  # the line's own deadline (core.calendar)
    deadline_to: date | None = None
    due_within: int | None = None  # days_left between 0 and this
    claim_statuses: tuple[str, ...] = ()  # CAPE claim status as written, or "(no claim)"
    sort: tuple[tuple[str, bool], ...] = ()  # (column, descending)
    columns: tuple[str, ...] = ()  # visible columns; empty = the default set

    def is_filtered(self) -> bool:
        """True when any filter (not sort or columns) is set."""
        return bool(
            self.countries
            or self.ch99
            or self.statuses
            or self.pathways
            or self.warnings_only
            or self.liquidated_from
            or self.liquidated_to
            or self.search
            or self.reasons
            or self.warning_codes
            or self.entries
            or self.groups
            or self.deadline_from
            or self.deadline_to
            or self.due_within is not None
            or self.claim_statuses
        )

    def cleared(self) -> ViewSpec:
        """The same sort and columns with no filters."""
        return replace(ViewSpec(), sort=self.sort, columns=self.columns)

    def to_dict(self) -> dict[str, Any]:
        """TOML-ready dict (dates as ISO strings, no None)."""
        out: dict[str, Any] = {}
        for key, value in asdict(self).items():
            if value in (None, (), "", False):
                continue
            if isinstance(value, date):
                value = value.isoformat()
            elif key in ("sort", "groups"):
                value = [list(pair) for pair in value]
            elif isinstance(value, tuple):
                value = list(value)
            out[key] = value
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ViewSpec:
        """Build from a dict as written by to_dict (unknown keys ignored)."""
        kwargs: dict[str, Any] = {}
        for key in (
            "countries",
            "ch99",
            "statuses",
            "pathways",
            "columns",
            "reasons",
            "entries",
            "warning_codes",
            "claim_statuses",
        ):
            if key in data:
                kwargs[key] = tuple(str(v) for v in data[key])
        if "warnings_only" in data:
            kwargs["warnings_only"] = bool(data["warnings_only"])
        if "groups" in data:
            kwargs["groups"] = tuple((str(d), str(k)) for d, k in data["groups"])
        if data.get("due_within") is not None:
            kwargs["due_within"] = int(data["due_within"])
        for key in ("liquidated_from", "liquidated_to", "deadline_from", "deadline_to"):
            if data.get(key):
                value = data[key]
                kwargs[key] = value if isinstance(value, date) else date.fromisoformat(str(value))
        if "search" in data:
            kwargs["search"] = str(data["search"])
        if "sort" in data:
            kwargs["sort"] = tuple((str(c), bool(d)) for c, d in data["sort"])
        return cls(**kwargs)


def country_codes(tokens: list[str] | tuple[str, ...], *, strict: bool = True) -> tuple[str, ...]:
    """Countries as typed (alpha-2, alpha-3 or an English name: "CHN", "cn", "China") to ISO
    alpha-2, deduplicated in order: the one parser of the CLI's --country and the TUI's picker.

    Unknown tokens raise InputError when `strict`, else are kept upper-cased (they match nothing).
    """
    from itrac_tui.core.errors import InputError
    from itrac_tui.core.normalise import country_alpha2

    cleaned = [str(t).strip() for t in tokens if str(t).strip()]
    if not cleaned:
        return ()
    codes = (
        pl.Series("c", cleaned, dtype=pl.String)
        .to_frame()
        .select(country_alpha2(pl.col("c")))
        .to_series()
        .to_list()
    )
    out: list[str] = []
    for token, code in zip(cleaned, codes, strict=True):
        if code is None:
            if strict:
                raise InputError(
                    f"unknown country {token!r} (use ISO codes such as CN, MX, CA or CHN)"
                )
            code = token.upper()
        out.append(code)
    return tuple(dict.fromkeys(out))


def normalise_ch99_token(token: str) -> str:
    """Map a user token to a program id, "none", or a dotted 9903 code prefix."""
    t = token.strip().lower()
    if t in PROGRAM_ALIASES:
        return PROGRAM_ALIASES[t]
    if _CODE_PREFIX.match(t):
        digits = t.replace(".", "")
        parts = [digits[:4], digits[4:6], digits[6:8]]
        return ".".join(p for p in parts if p)
    return t


def _known(tokens: Sequence[str], valid: Sequence[str], what: str) -> tuple[str, ...]:
    out: list[str] = []
    for token in tokens:
        key = token.strip().lower()
        if key not in valid:
            raise InputError(f"unknown {what} {token!r} (valid: {', '.join(valid)})")
        out.append(key)
    return tuple(dict.fromkeys(out))


def pathway_ids(tokens: Sequence[str]) -> tuple[str, ...]:
    """Pathway filter tokens (any case) as pathway ids; InputError naming the valid ones."""
    return _known(tokens, PATHWAYS, "pathway")


def reason_ids(tokens: Sequence[str]) -> tuple[str, ...]:
    """Reason filter tokens (any case) as reason ids; InputError naming the valid ones."""
    return _known(tokens, REASONS, "reason")


def status_codes(tokens: Sequence[str], rules: Rules) -> tuple[str, ...]:
    """Status filter tokens (codes or the rules' words: "liquidated") as status codes."""
    valid = list(dict.fromkeys([*KNOWN_STATUSES, *rules.status_words.values()]))
    out: list[str] = []
    for token in tokens:
        code = rules.status_words.get(status_key(token), token.strip().upper())
        if code not in valid:
            raise InputError(f"unknown status {token!r} (valid: {', '.join(valid)})")
        out.append(code)
    return tuple(dict.fromkeys(out))


def ch99_filters(tokens: Sequence[str], rules: Rules) -> tuple[str, ...]:
    """Chapter 99 filter tokens as program ids, "none" or dotted code prefixes (9903.01)."""
    programs = list(dict.fromkeys([*(p.id for p in rules.programs), OTHER_PROGRAM]))
    out: list[str] = []
    for token in tokens:
        tok = normalise_ch99_token(token)
        is_code = tok[:1].isdigit() and (tok.startswith("99") or tok == "9")
        if tok != NO_CH99 and tok not in programs and not is_code:
            names = ", ".join(programs + sorted(PROGRAM_ALIASES) + [NO_CH99])
            raise InputError(
                f"unknown Chapter 99 filter {token!r} (valid: {names}, or a code prefix "
                "such as 9903.01)"
            )
        out.append(tok)
    return tuple(dict.fromkeys(out))


def ch99_expr(tokens: tuple[str, ...]) -> pl.Expr:
    """Lines with any of the given programs / code prefixes (or no Chapter 99 code: "none")."""
    exprs: list[pl.Expr] = []
    for raw in tokens:
        tok = normalise_ch99_token(raw)
        if tok == NO_CH99:
            exprs.append(pl.col("ch99_codes").list.len() == 0)
        elif tok[:1].isdigit():
            exprs.append(
                pl.col("ch99_codes").list.eval(pl.element().str.starts_with(tok)).list.any()
            )
        else:
            exprs.append(pl.col("ch99_programs").list.contains(tok))
    return pl.any_horizontal(exprs) if exprs else pl.lit(True)


def search_expr(query: str, text_columns: list[str] | None = None) -> pl.Expr:
    """Case-insensitive literal search over entry number (with or without dashes), HTS, codes and
    the given text columns."""
    q = query.strip()
    if not q:
        return pl.lit(True)
    anycase = f"(?i){re.escape(q)}"  # no per-row lower-casing: one case-insensitive scan
    q_compact = re.sub(r"[^0-9A-Za-z]", "", q).upper()
    hay = [
        pl.col("entry_number").str.contains(anycase),
        pl.col("hts").str.contains(q, literal=True),
        pl.col("ch99_codes").list.join(" ").str.contains(q, literal=True),
    ]
    if q_compact:
        hay.append(pl.col("entry_number").str.replace_all("-", "").str.contains(q_compact))
        hay.append(pl.col("hts").str.replace_all(".", "", literal=True).str.contains(q_compact))
    for col in text_columns or []:  # lazily read file columns are Categorical
        hay.append(pl.col(col).cast(pl.String).str.contains(anycase))
    return pl.any_horizontal(hay).fill_null(False)


_SPACED_ENTRY = re.compile(r"(?<![A-Za-z0-9-])[A-Za-z0-9]{3} [0-9]{7} [0-9](?![A-Za-z0-9-])")


def parse_entries(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Entry numbers from pasted text (any separators, with or without dashes): the canonical
    ones (first-seen order, no duplicates) and the tokens that are not entry numbers."""
    from itrac_tui.core.normalise import entry_number

    # an entry written with spaces between its parts (EX7 3161388 1) is one entry, not three
    text = _SPACED_ENTRY.sub(lambda m: m.group(0).replace(" ", ""), text)
    tokens = [t for t in re.split(r"[\s,;|]+", text) if t]
    if not tokens:
        return (), ()
    canon = pl.Series("t", tokens, pl.String).to_frame().select(entry_number(pl.col("t")))
    good: dict[str, None] = {}
    bad: list[str] = []
    for token, value in zip(tokens, canon.to_series().to_list(), strict=True):
        if value is None:
            bad.append(token)
        else:
            good.setdefault(value, None)
    return tuple(good), tuple(bad)


def filter_expr(
    spec: ViewSpec, text_columns: list[str] | None = None, schema: pl.Schema | None = None
) -> pl.Expr:
    """One boolean expression for every filter of the view (`schema`: the frame's, so filters on
    columns it lacks match nothing instead of failing)."""
    from itrac_tui.core import breakdown
    from itrac_tui.core.calendar import own_deadline_expr

    names = list(schema.names()) if schema is not None else None
    parts: list[pl.Expr] = []
    if spec.countries:
        parts.append(pl.col("country").is_in(list(country_codes(spec.countries, strict=False))))
    if spec.ch99:
        parts.append(ch99_expr(spec.ch99))
    if spec.statuses:
        parts.append(pl.col("liquidation_status").is_in([s.upper() for s in spec.statuses]))
    if spec.pathways:
        parts.append(pl.col("pathway").is_in(list(spec.pathways)))
    if spec.warnings_only:
        parts.append(pl.col("warnings").list.len() > 0)
    if spec.liquidated_from:
        parts.append(pl.col("liquidation_date") >= spec.liquidated_from)
    if spec.liquidated_to:
        parts.append(pl.col("liquidation_date") <= spec.liquidated_to)
    if spec.search:
        parts.append(search_expr(spec.search, text_columns))
    if spec.reasons:
        if names is None or "reason" in names:
            parts.append(pl.col("reason").is_in(list(spec.reasons)))
        else:
            parts.append(pl.lit(False))
    if spec.warning_codes:
        codes = pl.lit(list(spec.warning_codes), pl.List(pl.String))
        parts.append(pl.col("warnings").list.set_intersection(codes).list.len() > 0)
    if spec.entries:
        parts.append(pl.col("entry_number").cast(pl.String).is_in(list(spec.entries)))
    if spec.claim_statuses:
        from itrac_tui.core.claims import NO_CLAIM, claim_status_expr

        if names is None or "claim_status" in names:
            parts.append(claim_status_expr(spec.claim_statuses))
        else:  # no claim results loaded: every line is without a claim
            parts.append(pl.lit(NO_CLAIM in [s.lower() for s in spec.claim_statuses]))
    for dimension, key in spec.groups:
        dim = breakdown.resolve(dimension, names) if names is not None else dimension
        if not dim:
            parts.append(pl.lit(False))
            continue
        parts.append(breakdown.group_filter(dim, key, breakdown.is_list(dim, schema)))
    if spec.deadline_from or spec.deadline_to:
        own = own_deadline_expr(names if names is not None else _ALL_DEADLINES)
        if spec.deadline_from:
            parts.append(own >= spec.deadline_from)
        if spec.deadline_to:
            parts.append(own <= spec.deadline_to)
    if spec.due_within is not None:
        parts.append(pl.col("days_left").is_between(0, spec.due_within))
    return pl.all_horizontal(parts).fill_null(False) if parts else pl.lit(True)


_ALL_DEADLINES = ("pathway", "phase1_until", "protest_deadline", "cit_deadline")

Frame = TypeVar("Frame", pl.DataFrame, pl.LazyFrame)


def apply_view(lines: Frame, spec: ViewSpec, text_columns: list[str] | None = None) -> Frame:
    """Filter and sort classified lines (eager or lazy) by the view; file order when unsorted."""
    schema = lines.collect_schema()
    out = lines.filter(filter_expr(spec, text_columns, schema)) if spec.is_filtered() else lines
    if spec.sort:
        names = set(schema.names())
        cols = [c for c, _ in spec.sort if c in names]
        desc = [d for c, d in spec.sort if c in names]
        if cols:
            out = out.sort(cols, descending=desc, nulls_last=True, maintain_order=True)
    return out


def cycle_sort(sort: tuple[tuple[str, bool], ...], column: str) -> tuple[tuple[str, bool], ...]:
    """The next sort when `column` is picked again: ascending, then descending, then unsorted."""
    current = sort[0] if sort else None
    if current == (column, False):
        return ((column, True),)
    if current == (column, True):
        return ()
    return ((column, False),)


__all__ = [
    "NO_CH99",
    "PROGRAM_ALIASES",
    "ViewSpec",
    "apply_view",
    "ch99_expr",
    "ch99_filters",
    "context_columns",
    "country_codes",
    "cycle_sort",
    "export_columns",
    "filter_expr",
    "parse_entries",
    "pathway_ids",
    "reason_ids",
    "search_columns",
    "search_expr",
    "status_codes",
]
