"""The rules file: Chapter 99 programs, statuses, pathway days, column aliases (TOML)."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from itrac_tui.core.errors import RulesError
from itrac_tui.core.normalise import status_key

KNOWN_STATUSES = ("UNL", "LIQ", "RLQ", "SUS", "EXT")
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
    excluded_entry_types: tuple[str, ...]
    stacking_programs: tuple[str, ...]
    status_words: dict[str, str]  # normalised word -> code
    programs: tuple[Program, ...]
    column_aliases: dict[str, tuple[str, ...]]
    source: tuple[str, ...]  # files merged, in order

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


def _build(data: dict[str, Any], source: tuple[str, ...]) -> Rules:
    where = " + ".join(source)
    try:
        pw = data["pathways"]
        phase1 = int(pw["phase1_days"])
        protest = int(pw["protest_days"])
        excluded = tuple(str(t).zfill(2) for t in pw.get("excluded_entry_types", []))
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
    except (KeyError, TypeError, ValueError) as exc:
        raise RulesError(f"rules file {where} is not valid: {exc!s}") from None
    if phase1 < 0 or protest < phase1:
        raise RulesError(f"rules file {where}: need 0 <= phase1_days <= protest_days")
    return Rules(phase1, protest, excluded, stacking, words, tuple(programs), aliases, source)


def _read(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise RulesError(f"rules file not found: {path}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise RulesError(f"rules file {path} is not valid TOML: {exc}") from None


def load_rules(path: str | Path | None = None, *, user: bool = True) -> Rules:
    """Shipped default rules, merged with the user's config-dir rules.toml and then `path`."""
    from itrac_tui.config import rules_path
    from itrac_tui.resources import default_rules_path

    default = default_rules_path()
    data = _read(default)
    source = [str(default)]
    layers = []
    if user and rules_path().is_file():
        layers.append(rules_path())
    if path is not None:
        layers.append(Path(path))
    for layer in layers:
        data = _merge(data, _read(layer))
        source.append(str(layer))
    return _build(data, tuple(source))
