"""The rules file: Chapter 99 programs, statuses, pathway days, column aliases (TOML)."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl

from itrac_tui.core.errors import RulesError
from itrac_tui.core.normalise import status_key
from itrac_tui.core.rates import CapeRules, parse_cape

KNOWN_STATUSES = ("UNL", "LIQ", "RLQ", "SUS", "EXT", "REV", "PND", "TIB", "FIN")
SUSPENDED_PATHWAYS = ("cape_phase1", "hold")
OTHER_PROGRAM = "other_ch99"
_CODE = re.compile(r"^9\d{3}(\.?\d{2}){0,2}$")


@dataclass(frozen=True)
class Program:
    """A Chapter 99 program: code ranges/prefixes, and whether its duty is refundable IEEPA duty."""

    id: str
    name: str
    ieepa: bool
    refundable: bool
    ranges: tuple[tuple[str, str], ...]  # inclusive, as 8-digit strings
    prefixes: tuple[str, ...]  # digit prefixes


@dataclass(frozen=True)
class Rules:
    """Everything configurable about the refund math (spec: no numbers in code)."""

    phase1_days: int
    protest_days: int
    excluded_entry_types: tuple[str, ...]  # cape_excluded_entry_types
    stacking_programs: tuple[str, ...]
    status_words: dict[str, str]  # normalised word -> code
    programs: tuple[Program, ...]
    column_aliases: dict[str, tuple[str, ...]]
    source: tuple[str, ...]  # files merged, in order
    cit_years: int = 2
    phase1_margin_days: int = 7
    suspended_pathway: str = "cape_phase1"
    recon_accepted_from: date | None = date(2026, 6, 29)
    recon_accepted_entry_types: tuple[str, ...] = ("01", "02", "06")
    protest_closed_words: tuple[str, ...] = ("DENIED", "APPROVED", "WITHDRAWN", "CLOSED")
    ieepa_collected_from: date | None = date(2025, 2, 4)
    ieepa_collected_to: date | None = date(2026, 2, 23)
    zero_words: tuple[str, ...] = ("FREE",)
    flag_true_words: tuple[str, ...] = ("Y", "YES", "TRUE", "1", "X", "T")
    flag_false_words: tuple[str, ...] = ("N", "NO", "FALSE", "0", "F")
    ap_column_aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)  # [ap_columns]
    cape: CapeRules = field(default_factory=CapeRules)  # [cape]: declarations, rates, interest

    def program_name(self, program_id: str) -> str:
        """Display name of a program id."""
        for p in self.programs:
            if p.id == program_id:
                return p.name
        return "Other Chapter 99" if program_id == OTHER_PROGRAM else program_id

    def program_expr(self, code_digits: pl.Expr) -> pl.Expr:
        """Program id of a Chapter 99 code given as 8 digits (first matching program wins)."""
        chain: Any = None
        for p in self.programs:
            conds = [code_digits.is_between(pl.lit(lo), pl.lit(hi)) for lo, hi in p.ranges]
            conds += [code_digits.str.starts_with(pre) for pre in p.prefixes]
            if not conds:
                continue
            cond = pl.any_horizontal(conds)
            chain = (
                pl.when(cond).then(pl.lit(p.id))
                if chain is None
                else chain.when(cond).then(pl.lit(p.id))
            )
        if chain is None:
            return pl.lit(OTHER_PROGRAM)
        return chain.otherwise(pl.lit(OTHER_PROGRAM))

    def ieepa_programs(self) -> list[str]:
        """Ids of programs whose duty is refundable IEEPA duty."""
        return [p.id for p in self.programs if p.ieepa and p.refundable]


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _digits(code: str, where: str) -> str:
    code = str(code).strip()
    if not _CODE.match(code):
        raise RulesError(f"{where}: {code!r} is not a Chapter 99 code like 9903.01.25")
    return code.replace(".", "")


def _date(value: Any, key: str) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"{key} is not a date (YYYY-MM-DD): {value!r}") from None


def _words(values: Any) -> tuple[str, ...]:
    if isinstance(values, str | bytes) or not isinstance(values, list | tuple):
        raise ValueError(f"expected a list of words, not {values!r}")
    return tuple(w for w in (status_key(str(v)) for v in values) if w)  # "" is no word


def _count(value: Any, key: str, high: int) -> int:
    """A whole number of days or years in 0..high (no floats, infinities or huge numbers)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{key} must be a whole number, not {value!r}")
    if not 0 <= value <= high:
        raise ValueError(f"{key} must be between 0 and {high:,}, not {value:,}")
    return value


def _build(data: dict[str, Any], source: tuple[str, ...]) -> Rules:
    where = " + ".join(source)
    try:
        pw = data["pathways"]
        values = data.get("values", {})
        phase1 = _count(pw["phase1_days"], "phase1_days", 3650)
        protest = _count(pw["protest_days"], "protest_days", 3650)
        # the v1 key (only a user's file has it now) wins over the shipped v2 default
        types = pw.get("excluded_entry_types", pw.get("cape_excluded_entry_types", []))
        excluded = tuple(str(t).zfill(2) for t in types)
        suspended = str(pw.get("suspended_pathway", "cape_phase1")).strip().lower()
        if suspended not in SUSPENDED_PATHWAYS:
            raise ValueError(
                f"suspended_pathway must be one of {', '.join(SUSPENDED_PATHWAYS)}, "
                f"not {suspended!r}"
            )
        extra: dict[str, Any] = {
            "cit_years": _count(pw.get("cit_years", 2), "cit_years", 20),
            "phase1_margin_days": _count(
                pw.get("phase1_margin_days", 7), "phase1_margin_days", 3650
            ),
            "suspended_pathway": suspended,
            "recon_accepted_from": _date(
                pw.get("recon_accepted_from", "2026-06-29"), "recon_accepted_from"
            ),
            "recon_accepted_entry_types": tuple(
                str(t).zfill(2) for t in pw.get("recon_accepted_entry_types", ["01", "02", "06"])
            ),
            "protest_closed_words": _words(
                pw.get("protest_closed_words", ["DENIED", "APPROVED", "WITHDRAWN", "CLOSED"])
            ),
            "ieepa_collected_from": _date(
                pw.get("ieepa_collected_from", "2025-02-04"), "ieepa_collected_from"
            ),
            "ieepa_collected_to": _date(
                pw.get("ieepa_collected_to", "2026-02-23"), "ieepa_collected_to"
            ),
            "zero_words": _words(values.get("zero_words", ["FREE"])),
            "flag_true_words": _words(
                values.get("flag_true_words", ["Y", "YES", "TRUE", "1", "X", "T"])
            ),
            "flag_false_words": _words(
                values.get("flag_false_words", ["N", "NO", "FALSE", "0", "F"])
            ),
        }
        stacking = tuple(str(p) for p in pw.get("stacking_programs", []))
        words: dict[str, str] = {}
        for code, aliases in data.get("status", {}).items():
            words[status_key(code)] = code.upper()
            for alias in aliases:
                words[status_key(str(alias))] = code.upper()
        programs = []
        for i, p in enumerate(data.get("programs", [])):
            at = f"{where}: programs[{i}]"
            ranges = tuple(
                (_digits(lo, at).ljust(8, "0"), _digits(hi, at).ljust(8, "9"))
                for lo, hi in p.get("ranges", [])
            )
            prefixes = tuple(_digits(x, at) for x in p.get("prefixes", []))
            if not isinstance(p.get("id"), str) or not (ranges or prefixes):
                raise ValueError(f"programs[{i}] needs a text id and ranges or prefixes")
            programs.append(
                Program(
                    id=str(p["id"]),
                    name=str(p.get("name", p["id"])),
                    ieepa=bool(p.get("ieepa", False)),
                    refundable=bool(p.get("refundable", False)),
                    ranges=ranges,
                    prefixes=prefixes,
                )
            )
        aliases = {k: tuple(str(a) for a in v) for k, v in data.get("columns", {}).items()}
        extra["ap_column_aliases"] = {
            k: tuple(str(a) for a in v) for k, v in data.get("ap_columns", {}).items()
        }
    except (KeyError, TypeError, ValueError, OverflowError, AttributeError) as exc:
        raise RulesError(f"rules file {where} is not valid: {exc!s}") from None
    if not any(p.ieepa for p in programs):
        raise RulesError(f"rules file {where}: no IEEPA program left in the program table")
    if phase1 < 0 or protest < phase1:
        raise RulesError(f"rules file {where}: need 0 <= phase1_days <= protest_days")
    return Rules(
        phase1,
        protest,
        excluded,
        stacking,
        words,
        tuple(programs),
        aliases,
        source,
        **extra,
        cape=parse_cape(data, where),
    )


def _read(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise RulesError(f"rules file not found: {path}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise RulesError(f"rules file {path} is not valid TOML: {exc}") from None
    except OSError as exc:  # a folder in its place, unreadable, name too long
        raise RulesError(f"rules file {path} cannot be read ({exc.strerror or exc})") from None


def load_rules(*layers: str | Path | None) -> Rules:
    """Shipped default rules merged with each rules file of `layers` in order (None skipped).

    The core reads no config directory: the front doors add the user's rules.toml (store).
    """
    from itrac_tui.resources import default_rules_path

    default = default_rules_path()
    data = _read(default)
    source = [str(default)]
    for layer in layers:
        if layer is None:
            continue
        data = _merge(data, _read(Path(layer)))
        source.append(str(layer))
    return _build(data, tuple(source))
