"""The CAPE tables of the rules file (spec §8, §10): declaration size, IEEPA rates, interest.

Parsed from the `[cape]` section of the merged rules TOML; every number lives there, not here.
Rates are Decimal percent (never float): a TOML number is read through its text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from itrac_tui.core.errors import RulesError

_CODE = re.compile(r"^9903\.?\d{2}\.?\d{2}$")
_QUARTER = re.compile(r"^(\d{4})\s*-?\s*Q([1-4])$", re.IGNORECASE)
INTEREST_BASES = ("corporate", "other")


@dataclass(frozen=True)
class RatePeriod:
    """An IEEPA heading in force from `start` to `end` (inclusive) at `rate` percent (None:
    the rate depends on the goods)."""

    start: date
    end: date
    rate: Decimal | None


@dataclass(frozen=True)
class HeadingRates:
    """One IEEPA heading (or an inclusive range of them) with its periods in force."""

    low: str  # 8 digits
    high: str  # 8 digits
    name: str
    partial: bool  # partial-value / all-in headings: no rate_outlier check
    periods: tuple[RatePeriod, ...]


@dataclass(frozen=True)
class CapeRules:
    """CAPE limits, the pre-flight rate table and the interest rates per quarter."""

    max_entries: int = 9_999
    rate_tolerance: Decimal = Decimal("0.5")  # percentage points
    headings: tuple[HeadingRates, ...] = ()
    interest_basis: str = "corporate"
    # basis -> (year, quarter) -> percent a year
    interest_rates: dict[str, dict[tuple[int, int], Decimal]] = field(default_factory=dict)

    def quarter_rates(self, basis: str | None = None) -> dict[tuple[int, int], Decimal]:
        """Interest rates (percent a year) per (year, quarter) of a basis (default: the rules')."""
        return self.interest_rates.get(basis or self.interest_basis, {})


def _decimal(value: Any, where: str) -> Decimal:
    if isinstance(value, bool):
        raise RulesError(f"{where}: {value!r} is not a number")
    try:
        out = Decimal(str(value).strip().rstrip("%").strip())
    except InvalidOperation:
        raise RulesError(f"{where}: {value!r} is not a number") from None
    if not out.is_finite() or out < 0:
        raise RulesError(f"{where}: {value!r} is not a rate")
    return out


def _date(value: Any, where: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise RulesError(f"{where}: {value!r} is not a date (YYYY-MM-DD)") from None


def _code_range(key: str, where: str) -> tuple[str, str]:
    parts = [p.strip() for p in key.split("..")]
    if len(parts) > 2 or not all(_CODE.match(p) for p in parts):
        raise RulesError(f"{where}: {key!r} is not a code like 9903.01.24 or a range LOW..HIGH")
    low, high = (p.replace(".", "") for p in (parts[0], parts[-1]))
    if low > high:
        raise RulesError(f"{where}: range {key!r} runs backwards")
    return low, high


def _headings(table: dict[str, Any], where: str) -> tuple[HeadingRates, ...]:
    out: list[HeadingRates] = []
    for key, body in table.items():
        at = f"{where}: cape.ieepa_rates.{key!r}"
        if not isinstance(body, dict):
            raise RulesError(f"{at} must be a table")
        low, high = _code_range(key, at)
        partial = bool(body.get("partial", False))
        periods = []
        for i, p in enumerate(body.get("periods", [])):
            pat = f"{at} periods[{i}]"
            start, end = _date(p.get("from"), f"{pat} from"), _date(p.get("to"), f"{pat} to")
            if end < start:
                raise RulesError(f"{pat}: ends before it starts")
            rate = p.get("rate")
            if rate is None and not partial:
                raise RulesError(f"{pat}: a rate is needed unless the heading is partial")
            periods.append(RatePeriod(start, end, None if rate is None else _decimal(rate, pat)))
        if not periods:
            raise RulesError(f"{at}: no periods")
        out.append(HeadingRates(low, high, str(body.get("name", key)), partial, tuple(periods)))
    return tuple(out)


def _quarters(table: dict[str, Any], where: str) -> dict[tuple[int, int], Decimal]:
    out: dict[tuple[int, int], Decimal] = {}
    for key, value in table.items():
        m = _QUARTER.match(str(key).strip())
        if not m:
            raise RulesError(f"{where}: {key!r} is not a quarter like 2025Q1")
        out[(int(m.group(1)), int(m.group(2)))] = _decimal(value, f"{where}.{key}")
    return dict(sorted(out.items()))


def parse_cape(data: dict[str, Any], where: str) -> CapeRules:
    """The `[cape]` section of merged rules data (defaults where it is absent)."""
    cape = data.get("cape", {})
    if not isinstance(cape, dict):
        raise RulesError(f"rules file {where}: [cape] must be a table")
    try:
        max_entries = int(cape.get("cape_max_entries", 9_999))
    except (TypeError, ValueError):
        raise RulesError(f"rules file {where}: cape_max_entries must be a whole number") from None
    if max_entries < 1:
        raise RulesError(f"rules file {where}: cape_max_entries must be at least 1")
    tolerance = _decimal(cape.get("rate_tolerance", "0.5"), f"{where}: cape.rate_tolerance")
    headings = _headings(cape.get("ieepa_rates", {}), where)
    interest = cape.get("interest", {})
    basis = str(interest.get("basis", "corporate")).strip().lower()
    if basis not in INTEREST_BASES:
        raise RulesError(
            f"rules file {where}: cape.interest.basis must be one of {', '.join(INTEREST_BASES)}"
        )
    rates = {
        b: _quarters(interest.get(b, {}), f"{where}: cape.interest.{b}") for b in INTEREST_BASES
    }
    return CapeRules(max_entries, tolerance, headings, basis, rates)


__all__ = ["CapeRules", "HeadingRates", "RatePeriod", "parse_cape"]
