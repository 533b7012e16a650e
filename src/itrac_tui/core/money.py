"""Exact money: integer cents to text and back (never float)."""

from __future__ import annotations

import re
from decimal import Decimal

_MONEY = re.compile(r"^\(?-?\$?-?\s*([0-9][0-9,]*)?(?:\.([0-9]+))?\)?$")


def format_cents(cents: int) -> str:
    """Format integer cents as a plain decimal with two places ("1234.56", "-0.05")."""
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d}"


def format_dollars(cents: int) -> str:
    """Format integer cents for people: "$1,234.56", "-$0.05"."""
    sign = "-" if cents < 0 else ""
    return f"{sign}${abs(cents) // 100:,}.{abs(cents) % 100:02d}"


def parse_cents(text: str) -> int:
    """Parse "12.34", "$1,234.56", "(5.00)" or "-0.01" to cents; ValueError if not money."""
    s = text.strip()
    m = _MONEY.match(s)
    if not s or not m or not (m.group(1) or m.group(2)):
        raise ValueError(f"not a money amount: {text!r}")
    negative = (s.startswith("(") and s.endswith(")")) or "-" in s
    number = Decimal((m.group(1) or "0").replace(",", "") + "." + (m.group(2) or "0"))
    cents = int((number * 100).to_integral_value(rounding="ROUND_HALF_UP"))
    return -cents if negative else cents
