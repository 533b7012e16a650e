"""Realistic ACE ITRAC exports for tests and benchmarks, with an oracle independent of the core.

A *logical* dataset (entries, lines, Chapter 99 components; money in integer cents) is rendered
into the layouts of docs/rules.md §3 (`es003`, `same_row`, `legacy`, `xlsx`), optionally with
junk rows planted. `expected_summary` recomputes `itrac-tui scan --json` in plain Python from
the logical dataset, following the spec and nothing of `itrac_tui`.

    python benchmarks/generate.py --rows 1000000 --layout es003 --out /tmp/big.csv --seed 1
    python benchmarks/generate.py --samples sample_exports
"""

from __future__ import annotations

import argparse
import io
import itertools
import json
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import polars as pl

DEFAULT_AS_OF = date(2026, 11, 22)
LAYOUTS = ("es003", "same_row", "legacy", "xlsx")
POOL_PATHWAYS = ("cape_phase1", "protest", "cit", "hold", "review")
EXCLUDED_PATHWAYS = ("stacked_zero", "zero_duty", "not_ieepa")
JUNK_KINDS = (
    "header_repeats",
    "rollups",
    "total_rows",
    "blank_rows",
    "na_money",
    "value_error",
    "sci_entry",
)
_EPOCH = date(1970, 1, 1)

# ---------------------------------------------------------------------------------------------
# Reference tables
# ---------------------------------------------------------------------------------------------

# alpha-2, alpha-3, weight as country of origin of a line
COUNTRIES: tuple[tuple[str, str, int], ...] = (
    ("CN", "CHN", 34),
    ("MX", "MEX", 12),
    ("CA", "CAN", 8),
    ("VN", "VNM", 12),
    ("IN", "IND", 6),
    ("BR", "BRA", 3),
    ("DE", "DEU", 7),
    ("JP", "JPN", 5),
    ("HK", "HKG", 3),
    ("KR", "KOR", 4),
    ("TW", "TWN", 3),
    ("TH", "THA", 2),
    ("IT", "ITA", 1),
    ("GB", "GBR", 1),
)
_CC = {c[0]: i for i, c in enumerate(COUNTRIES)}

# 10-digit HTS, category, MFN rate (basis points), UOM, description (commas and quotes on purpose)
HTS_POOL: tuple[tuple[str, str, int, str, str], ...] = (
    ("8479899499", "gen", 0, "NO", "MACHINES AND MECHANICAL APPLIANCES, NESOI"),
    ("8471300100", "gen", 0, "NO", 'LAPTOP COMPUTERS, 14" DISPLAY'),
    ("8517620090", "gen", 0, "NO", "NETWORK SWITCHES, 48-PORT, MANAGED"),
    ("8504409580", "gen", 0, "NO", "POWER SUPPLIES, AC/DC, 65W"),
    ("8536694040", "gen", 270, "NO", "CONNECTORS FOR CO-AXIAL CABLES"),
    ("8482105044", "gen", 900, "NO", 'BALL BEARINGS, RADIAL, 22MM BORE "SEALED"'),
    ("3923210095", "gen", 300, "KG", 'BAGS, POLYETHYLENE, 24" X 36", 1.5 MIL'),
    ("3926909989", "gen", 530, "KG", "ARTICLES OF PLASTICS, NESOI"),
    ("9403608081", "gen", 0, "NO", "WOODEN FURNITURE, DINING CHAIRS, KD"),
    ("9405428440", "gen", 390, "NO", "LED LUMINAIRES, CEILING, 4FT"),
    ("6110202079", "gen", 1650, "DOZ", "SWEATERS, KNITTED, COTTON, WOMEN'S"),
    ("6204624011", "gen", 1660, "DOZ", "TROUSERS, DENIM, COTTON, WOMEN'S"),
    ("6402999065", "gen", 600, "PRS", "FOOTWEAR, RUBBER SOLES, TEXTILE UPPERS"),
    ("4202923131", "gen", 1760, "NO", "BACKPACKS, POLYESTER, 25L"),
    ("9503000073", "gen", 0, "NO", "TOYS, BUILDING SETS, PLASTIC"),
    ("8516604070", "gen", 0, "NO", "INDUCTION COOKTOPS, 2-BURNER"),
    ("8541430010", "gen", 0, "NO", "PHOTOVOLTAIC MODULES, 410W"),
    ("0901210020", "food", 0, "KG", "COFFEE, ROASTED, NOT DECAF, IN BULK"),
    ("0306170040", "food", 0, "KG", "SHRIMP, FROZEN, SHELL-ON, 26/30"),
    ("0804504040", "food", 150, "KG", "MANGOES, FRESH"),
    ("0702002000", "food", 200, "KG", "TOMATOES, FRESH, ROMA"),
    ("0409000056", "food", 100, "KG", "NATURAL HONEY, PACKED > 1KG"),
    ("3004909290", "pharma", 0, "KG", "MEDICAMENTS, IN MEASURED DOSES, NESOI"),
    ("2941905000", "pharma", 0, "KG", "ANTIBIOTICS, BULK"),
    ("7228505040", "steel", 0, "KG", "BARS AND RODS, ALLOY STEEL, COLD-FINISHED"),
    ("7208510030", "steel", 0, "KG", "PLATE, HOT-ROLLED, NON-ALLOY, > 10MM"),
    ("7306305055", "steel", 0, "KG", 'PIPE, WELDED, CIRCULAR, 2" OD'),
    ("7210490091", "steel", 0, "KG", "SHEET, GALVANIZED, WIDTH >= 600MM"),
    ("7318158066", "deriv", 0, "KG", 'BOLTS, HEX, STEEL, 3/8"-16'),
    ("7326908688", "deriv", 290, "KG", "ARTICLES OF IRON OR STEEL, NESOI"),
    ("7604291090", "alu", 150, "KG", "BARS, ALUMINUM ALLOY, EXTRUDED"),
    ("7606123091", "alu", 300, "KG", "SHEET, ALUMINUM ALLOY, > 0.2MM"),
    ("7616995190", "alu", 250, "KG", "ARTICLES OF ALUMINUM, NESOI"),
    ("8708295160", "auto", 250, "NO", "BODY PARTS, DOORS, FOR MOTOR VEHICLES"),
    ("8708998180", "auto", 250, "NO", "PARTS OF MOTOR VEHICLES, NESOI"),
    ("8703230190", "auto", 250, "NO", "PASSENGER VEHICLES, 1500-3000CC, NEW"),
    ("4407110001", "lumber", 0, "M3", "LUMBER, PINE, SAWN, > 6MM"),
    ("7408116000", "copper", 100, "KG", "WIRE, REFINED COPPER, > 6MM"),
)

# Scenario: HTS category and Chapter 99 components (code, rate bp; 0 = collects $0;
# -1 with "RECIP" = the country's reciprocal rate at the entry date).
SCENARIOS: dict[str, tuple[str, tuple[tuple[str, int], ...]]] = {
    "none": ("gen", ()),
    "food_none": ("food", ()),
    "cn_full": ("gen", (("9903.01.24", 2000), ("RECIP", -1), ("9903.88.03", 2500))),
    "cn_ieepa": ("gen", (("9903.01.24", 2000), ("RECIP", -1))),
    "cn_list4": ("gen", (("9903.01.24", 2000), ("RECIP", -1), ("9903.88.15", 750))),
    "cn_301": ("gen", (("9903.88.01", 2500),)),
    "cn_deriv": ("deriv", (("9903.81.90", 5000), ("9903.01.24", 2000), ("9903.01.33", 0))),
    "alu_stacked": ("alu", (("9903.85.02", 5000), ("9903.01.33", 0))),
    "steel_stacked": ("steel", (("9903.80.01", 5000), ("9903.01.33", 0))),
    "copper_stacked": ("copper", (("9903.78.01", 5000), ("9903.01.33", 0))),
    "auto_stacked": ("auto", (("9903.94.05", 2500), ("9903.01.33", 0))),
    "annex2": ("pharma", (("9903.01.32", 0),)),
    "recip": ("gen", (("RECIP", -1),)),
    "food_recip": ("food", (("RECIP", -1),)),
    "mx_fent": ("gen", (("9903.01.01", 2500),)),
    "mx_usmca": ("gen", (("9903.01.04", 0),)),
    "mx_steel": ("steel", (("9903.80.01", 5000), ("9903.01.05", 0))),
    "auto_232": ("auto", (("9903.94.05", 2500),)),
    "ca_fent": ("gen", (("9903.01.10", 3500),)),
    "ca_usmca": ("gen", (("9903.01.14", 0),)),
    "ca_steel": ("steel", (("9903.01.10", 0), ("9903.80.01", 5000))),
    "ca_alu": ("alu", (("9903.85.02", 5000), ("9903.01.10", 0))),
    "ca_lumber": ("lumber", (("9903.76.01", 1000),)),
    "in_full": ("gen", (("RECIP", -1), ("9903.01.84", 2500))),
    "br_full": ("gen", (("RECIP", -1), ("9903.01.77", 4000))),
    "br_exempt": ("food", (("9903.01.78", 0),)),
}
_ASIA_EU = (
    ("recip", 52),
    ("food_recip", 4),
    ("annex2", 8),
    ("steel_stacked", 6),
    ("alu_stacked", 4),
    ("auto_stacked", 5),
    ("auto_232", 2),
    ("copper_stacked", 2),
    ("none", 17),
)
_CHINA = (
    ("cn_full", 25),
    ("cn_ieepa", 25),
    ("cn_list4", 12),
    ("cn_301", 5),
    ("cn_deriv", 6),
    ("alu_stacked", 5),
    ("steel_stacked", 3),
    ("annex2", 4),
    ("none", 5),
)
SCENARIO_WEIGHTS: dict[str, tuple[tuple[str, int], ...]] = {
    "CN": _CHINA,
    "HK": _CHINA,
    "MX": (("mx_fent", 25), ("mx_usmca", 35), ("mx_steel", 10), ("auto_232", 8), ("none", 22)),
    "CA": (
        ("ca_fent", 20),
        ("ca_usmca", 33),
        ("ca_steel", 12),
        ("ca_alu", 5),
        ("ca_lumber", 8),
        ("none", 22),
    ),
    "IN": (("in_full", 45), ("recip", 20), ("annex2", 15), ("steel_stacked", 5), ("none", 15)),
    "BR": (("br_full", 45), ("br_exempt", 20), ("recip", 10), ("food_none", 25)),
    **{cc: _ASIA_EU for cc in ("VN", "DE", "JP", "KR", "TW", "TH", "IT", "GB")},
}
# Reciprocal code and rate from 2025-08-07 (before: 9903.01.25 at 10%).
RECIP_LATE: dict[str, tuple[str, int]] = {
    "CN": ("9903.01.25", 1000),
    "HK": ("9903.01.25", 1000),
    "VN": ("9903.02.69", 2000),
    "IN": ("9903.02.26", 2500),
    "BR": ("9903.02.09", 1000),
    "DE": ("9903.02.20", 1500),
    "IT": ("9903.02.20", 1500),
    "JP": ("9903.02.30", 1500),
    "KR": ("9903.02.35", 1500),
    "TW": ("9903.02.61", 2000),
    "TH": ("9903.02.58", 1900),
    "GB": ("9903.01.25", 1000),
    "MX": ("9903.01.25", 1000),
    "CA": ("9903.01.25", 1000),
}
_RECIP_SWITCH = date(2025, 8, 7)
# Earlier rate of a code for entries before a date (232 went 25% -> 50%, Canada 25% -> 35%).
_RATE_BEFORE: dict[str, tuple[date, int]] = {
    "9903.80.01": (date(2025, 6, 4), 2500),
    "9903.85.02": (date(2025, 6, 4), 2500),
    "9903.81.90": (date(2025, 6, 4), 2500),
    "9903.01.10": (date(2025, 8, 1), 2500),
}
_CH99_TEXT = {
    "ieepa_fentanyl": "IEEPA FENTANYL/SYNTHETIC OPIOIDS",
    "ieepa_reciprocal": "IEEPA RECIPROCAL TARIFF",
    "ieepa_brazil": "IEEPA BRAZIL",
    "ieepa_india": "IEEPA INDIA (RUSSIAN OIL)",
    "section_232": "SECTION 232",
    "section_301": "SECTION 301 CHINA",
    "other_ch99": "CHAPTER 99",
}


def _code_start(code: str) -> date:
    """First entry date on which a Chapter 99 code was in force (approximate, for realism)."""
    heading, sub = code[5:7], int(code[8:10])
    if heading == "01":
        if sub <= 16:
            return date(2025, 3, 4)
        if sub <= 24:
            return date(2025, 2, 4)
        if sub <= 76:
            return date(2025, 4, 5)
        return date(2025, 8, 6) if sub <= 83 else date(2025, 8, 27)
    return {
        "02": date(2025, 8, 7),
        "78": date(2025, 8, 1),
        "94": date(2025, 4, 3),
        "76": date(2025, 10, 14),
    }.get(heading, date(2018, 1, 1))


FILERS = ("EX7", "9KJ", "MTX", "SP7", "B5E", "316", "UPS", "DHL", "K42", "AGL")
IMPORTERS: tuple[tuple[str, str], ...] = (
    ("27-1840395-00", "Harbor & Pine Home Goods, Inc."),
    ("98-0471563-01", "Müller GmbH (US Branch)"),
    ("13-3097845-00", "Société Générale de Plastiques USA, LLC"),
    ("46-2231907-00", 'Blue Ridge "Outfitters" Co.'),
)
PORTS: dict[str, tuple[tuple[str, str], ...]] = {
    "11": (
        ("2704", "Los Angeles, CA"),
        ("2709", "Long Beach, CA"),
        ("1001", "New York/Newark, NY"),
        ("5301", "Houston, TX"),
        ("3002", "Tacoma, WA"),
        ("1703", "Savannah, GA"),
    ),
    "40": (
        ("4701", "JFK Airport, NY"),
        ("2720", "Los Angeles International Airport, CA"),
        ("3901", "Chicago, IL"),
        ("5206", "Miami International Airport, FL"),
    ),
    "30": (
        ("2304", "Laredo, TX"),
        ("3801", "Detroit, MI"),
        ("0901", "Buffalo-Niagara Falls, NY"),
        ("2506", "Otay Mesa, CA"),
    ),
    "20": (("3801", "Detroit, MI"), ("2304", "Laredo, TX")),
}
CARRIERS: dict[str, tuple[str, ...]] = {
    "11": ("MAEU", "MSCU", "CMDU", "COSU", "ONEY", "HLCU", "EGLV"),
    "40": ("FDEX", "UPSN", "DHLA", "CPAC"),
    "30": ("SWFT", "JBHT", "KNIG", "TFMX"),
    "20": ("CPRS", "UPRR"),
}
CONVEYANCES: dict[str, tuple[str, ...]] = {
    "11": ("MAERSK ESSEN", "MSC GULSUN", "CMA CGM JACQUES SAADE", "COSCO SHIPPING ARIES"),
    "40": ("FX 5283", "5X 0063", "DHL 7351", "CX 0084"),
    "30": ("",),
    "20": ("",),
}
LADING: dict[str, tuple[str, ...]] = {
    "CN": ("57035", "57078", "57069"),
    "HK": ("58201",),
    "VN": ("55206", "55224"),
    "IN": ("53313", "53320"),
    "BR": ("35179",),
    "DE": ("42879", "42870"),
    "IT": ("47527",),
    "JP": ("58886", "58895"),
    "KR": ("58023",),
    "TW": ("58309",),
    "TH": ("54900",),
    "GB": ("41352",),
    "MX": ("",),
    "CA": ("",),
}
MANUFACTURERS: dict[str, tuple[tuple[str, str], ...]] = {
    "CN": (
        ("CNSHEFAB1234SHE", "Shenzhen Everbright Fabrication Co., Ltd."),
        ("CNNINOCE88NIN", "Ningbo Ocean Plastics Co., Ltd."),
        ("CNDONHUA12DON", 'Dongguan Huaxin "Precision" Hardware'),
    ),
    "HK": (("HKKOWTRA5KOW", "Kowloon Trading Ltd."),),
    "MX": (
        ("MXACEMON500MON", "Aceros Monterrey, S.A. de C.V."),
        ("MXINDJUA22JUA", "Industrias Juárez S. de R.L."),
    ),
    "CA": (("CAMAPSTE77HAM", "Maple Steel Works Ltd."), ("CANORLUM3PRI", "Northern Lumber Inc.")),
    "VN": (("VNSAIGAR45HOC", "Saigon Garment Joint Stock Co."),),
    "IN": (("INTATBRI9PUN", "Tata Bright Forgings Pvt. Ltd."),),
    "BR": (
        ("BRINDTEX1SAO", "Indústria Têxtil São João Ltda."),
        ("BRCAFCER4MIN", "Café Cerrado S.A."),
    ),
    "DE": (("DEMULGMB12STU", "Müller GmbH"), ("DESCHPRA7HAM", "Schäfer Präzisionsteile KG")),
    "JP": (("JPTOKSEI3TOK", "Tokai Seiki K.K."),),
    "KR": (("KRHANELE8SEO", "Hanbit Electronics Co."),),
    "TW": (("TWFORPRE2TAI", "Formosa Precision Corp."),),
    "TH": (("THSIAFOO6BAN", "Siam Foods Public Co."),),
    "IT": (("ITOFFMEC4MIL", "Officine Meccaniche Società Benefit S.p.A."),),
    "GB": (("GBBRIOUT9LEE", "Britannia Outdoor Ltd."),),
}
_TEAMS = ("L37", "C22", "N14", "W08")
_SURETIES = ("036", "457", "762", "161")
_UNKNOWN_STATUS = ("HELD", "BYP")
_STATUS_WORDS = {
    "UNL": "Unliquidated",
    "LIQ": "Liquidated",
    "RLQ": "Reliquidated",
    "SUS": "Suspended",
    "EXT": "Extended",
    "REV": "Under Review",
    "PND": "Pending",
    "TIB": "Open",
    "FIN": "Final",
}
# Protest statuses written with a protest number ("" = blank: still a protest on file, warned).
_PROTEST_STATUSES = ("OPEN", "", "PENDING", "DENIED", "APPROVED", "WITHDRAWN", "Closed")
_ALPHA3 = {a2: a3 for a2, a3, _ in COUNTRIES}

# ---------------------------------------------------------------------------------------------
# Entry numbers (docs/rules.md §4)
# ---------------------------------------------------------------------------------------------


def _char_value(ch: str) -> int:
    """Digit value of an entry-number character: letters A-I/J-R -> 1-9, S-Z -> 2-9."""
    if ch.isdigit():
        return int(ch)
    o = ord(ch.upper())
    if 65 <= o <= 73:
        return o - 64
    if 74 <= o <= 82:
        return o - 73
    return o - 81


def check_digit(first10: str) -> int:
    """Check digit of filer code + 7-digit sequence: Luhn mod 10, rightmost character doubled."""
    total = 0
    for i, ch in enumerate(reversed(first10)):
        d = _char_value(ch)
        if i % 2 == 0:
            d *= 2
            d = d - 9 if d > 9 else d
        total += d
    return (10 - total % 10) % 10


def entry_number_valid(number: str) -> bool:
    """Whether an entry number (with or without dashes) carries the right check digit."""
    plain = number.replace("-", "")
    return len(plain) == 11 and plain[-1].isdigit() and check_digit(plain[:10]) == int(plain[-1])


def make_entry_number(filer: str, seq: int, valid: bool = True) -> str:
    """`FFF-NNNNNNN-C` with a right (or deliberately wrong) check digit."""
    c = check_digit(f"{filer}{seq:07d}")
    return f"{filer}-{seq:07d}-{c if valid else (c + 7) % 10}"


def _check_digits(filer_idx: np.ndarray, seq: np.ndarray) -> np.ndarray:
    """Vectorised check digits for FILERS[filer_idx] + seq."""
    total = np.zeros(len(seq), dtype=np.int64)
    for i in range(7):  # sequence digit i from the right: position i in the reversed string
        d = (seq // 10**i) % 10
        if i % 2 == 0:
            d = d * 2
            d = np.where(d > 9, d - 9, d)
        total += d
    sums = np.array([_luhn_sum(f) for f in FILERS], dtype=np.int64)
    total += sums[filer_idx]
    return (10 - total % 10) % 10


def _luhn_sum(filer: str) -> int:
    """Luhn contribution of the 3 filer characters (positions 8-10 from the right)."""
    total = 0
    for i, ch in enumerate(reversed(filer), start=7):
        d = _char_value(ch)
        if i % 2 == 0:
            d *= 2
            d = d - 9 if d > 9 else d
        total += d
    return total


# ---------------------------------------------------------------------------------------------
# Logical dataset
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Dataset:
    """Entries, lines and Chapter 99 components of one logical export (money in cents)."""

    entries: pl.DataFrame  # entry_number, entry_type, entry_date, status, liq_date, context...
    lines: pl.DataFrame  # entry_idx, line_no, hts, country, value_cents, duty_cents, context...
    comps: pl.DataFrame  # line_idx, code (9903.NN.NN), rate_bp, duty_cents

    @property
    def n_rows_separate(self) -> int:
        """Source rows in a separate-Chapter-99-rows layout (es003, legacy)."""
        return self.lines.height + self.comps.height

    @property
    def n_rows_same_row(self) -> int:
        """Source rows in the same-row layout (a line with k codes is k rows)."""
        nc = np.bincount(self.comps["line_idx"].to_numpy(), minlength=self.lines.height)
        return int(np.maximum(nc, 1).sum())

    def rows(self, layout: str) -> int:
        """Clean source rows of `layout`."""
        return self.n_rows_same_row if layout == "same_row" else self.n_rows_separate

    def head_entries(self, n: int) -> Dataset:
        """The first `n` entries with their lines and components."""
        e_idx = self.lines["entry_idx"].to_numpy()
        n_lines = int(np.searchsorted(e_idx, n))
        c_line = self.comps["line_idx"].to_numpy()
        n_comps = int(np.searchsorted(c_line, n_lines))
        return Dataset(self.entries.head(n), self.lines.head(n_lines), self.comps.head(n_comps))


def _days(d: date | None) -> int:
    return -1 if d is None else (d - _EPOCH).days


def _date_series(days: np.ndarray) -> pl.Series:
    s = pl.Series(days.astype(np.int32), dtype=pl.Int32)
    return pl.select(pl.when(s >= 0).then(s).otherwise(None).cast(pl.Date)).to_series()


def _pick(rng: np.random.Generator, pool_sizes: np.ndarray, group: np.ndarray) -> np.ndarray:
    """A uniform index within pool `group` (sizes per group)."""
    return np.floor(rng.random(len(group)) * pool_sizes[group]).astype(np.int64)


def _build(
    rng: np.random.Generator,
    *,
    entry_number: Sequence[str],
    entry_type: Sequence[str | None],
    entry_date: np.ndarray,
    status: Sequence[str],
    liq_date: np.ndarray,
    entry_country: np.ndarray,
    line_entry: np.ndarray,
    line_country: np.ndarray,
    line_scenario: np.ndarray,
    line_credit: np.ndarray,
    line_value: np.ndarray,
    importer: np.ndarray | None = None,
    flags: bool = False,
) -> Dataset:
    """Resolve scenarios to components and add realistic context columns; `flags` draws
    protest, drawback and unclear recon flags on a few entries (docs/rules.md §7)."""
    n_e, n_l = len(entry_number), len(line_entry)
    e_date = entry_date.astype(np.int64)
    # --- entry context
    cc = np.array([c[0] for c in COUNTRIES])
    e_cc = cc[entry_country]
    north = np.isin(e_cc, ["MX", "CA"])
    u = rng.random(n_e)
    mode = np.where(
        north,
        np.where(u < 0.8, "30", np.where(u < 0.9, "20", "40")),
        np.where(u < 0.78, "11", "40"),
    )
    modes = ("11", "40", "30", "20")
    mode_i = np.searchsorted(np.array(sorted(modes)), mode)
    sorted_modes = sorted(modes)
    port_pool = [p for m in sorted_modes for p in PORTS[m]]
    port_start = np.cumsum([0] + [len(PORTS[m]) for m in sorted_modes])[:-1]
    port_size = np.array([len(PORTS[m]) for m in sorted_modes])
    port_i = port_start[mode_i] + _pick(rng, port_size, mode_i)
    car_pool = [c for m in sorted_modes for c in CARRIERS[m]]
    car_start = np.cumsum([0] + [len(CARRIERS[m]) for m in sorted_modes])[:-1]
    car_i = car_start[mode_i] + _pick(
        rng, np.array([len(CARRIERS[m]) for m in sorted_modes]), mode_i
    )
    conv_pool = [c for m in sorted_modes for c in CONVEYANCES[m]]
    conv_start = np.cumsum([0] + [len(CONVEYANCES[m]) for m in sorted_modes])[:-1]
    conv_i = conv_start[mode_i] + _pick(
        rng, np.array([len(CONVEYANCES[m]) for m in sorted_modes]), mode_i
    )
    lad_keys = [c[0] for c in COUNTRIES]
    lad_pool = [p for k in lad_keys for p in LADING[k]]
    lad_start = np.cumsum([0] + [len(LADING[k]) for k in lad_keys])[:-1]
    lad_i = lad_start[entry_country] + _pick(
        rng, np.array([len(LADING[k]) for k in lad_keys]), entry_country
    )
    vessel = mode == "11"
    transit = np.where(vessel, rng.integers(14, 36, n_e), rng.integers(0, 4, n_e))
    import_d = e_date - rng.integers(0, 3, n_e)
    export_d = import_d - transit
    filed_d = e_date + rng.integers(0, 10, n_e)
    if importer is None:
        importer = rng.choice(len(IMPORTERS), n_e, p=[0.55, 0.2, 0.15, 0.1])
    pay = rng.choice(np.array(["7", "1", "6"]), n_e, p=[0.85, 0.1, 0.05])
    export_cc = np.where((e_cc == "CN") & (rng.random(n_e) < 0.1), "HK", e_cc)
    car_s = pl.Series(car_pool).gather(car_i)
    entries = pl.DataFrame(
        {
            "entry_number": pl.Series(list(entry_number), dtype=pl.String),
            "entry_type": pl.Series(list(entry_type), dtype=pl.String),
            "entry_date": _date_series(e_date),
            "status": pl.Series(list(status), dtype=pl.String),
            "liq_date": _date_series(liq_date.astype(np.int64)),
            "importer_number": pl.Series([i[0] for i in IMPORTERS]).gather(importer),
            "importer_name": pl.Series([i[1] for i in IMPORTERS]).gather(importer),
            "port_code": pl.Series([p[0] for p in port_pool]).gather(port_i),
            "port_name": pl.Series([p[1] for p in port_pool]).gather(port_i),
            "mode": pl.Series(mode),
            "carrier": car_s,
            "conveyance": pl.Series(conv_pool).gather(conv_i),
            "bill_of_lading": car_s + pl.Series(rng.integers(10**9, 10**10, n_e)).cast(pl.String),
            "lading_port": pl.Series(lad_pool).gather(lad_i),
            "export_country": pl.Series(export_cc),
            "export_date": _date_series(export_d),
            "import_date": _date_series(import_d),
            "filed_date": _date_series(filed_d),
            "payment_type": pl.Series(pay),
            "bond_type": pl.Series(np.full(n_e, "8")),
            "surety": pl.Series(_SURETIES).gather(rng.integers(0, len(_SURETIES), n_e)),
            "team": pl.Series(_TEAMS).gather(rng.integers(0, len(_TEAMS), n_e)),
            "recon_flag": pl.Series(np.where(rng.random(n_e) < 0.02, "Y", "")),
        }
    )
    entries = entries.with_columns(
        pms_date=pl.when(pl.col("payment_type") == "7")
        .then(pl.col("entry_date").dt.month_end().dt.offset_by("15d"))
        .otherwise(None)
    )

    # --- lines: HTS within the scenario's category, commodity duty
    scen_names = list(SCENARIOS)
    cats = sorted({h[1] for h in HTS_POOL})
    hts_sorted = sorted(range(len(HTS_POOL)), key=lambda i: (cats.index(HTS_POOL[i][1]), i))
    cat_of_scen = np.array([cats.index(SCENARIOS[s][0]) for s in scen_names])
    cat_size = np.array([sum(1 for h in HTS_POOL if h[1] == c) for c in cats])
    cat_start = np.cumsum(np.concatenate([[0], cat_size]))[:-1]
    l_cat = cat_of_scen[line_scenario]
    hts_i = np.array(hts_sorted)[cat_start[l_cat] + _pick(rng, cat_size, l_cat)]
    mfn = np.array([h[2] for h in HTS_POOL])[hts_i]
    value = line_value.astype(np.int64)
    duty = (value * mfn + 5000) // 10000
    l_cc = cc[line_country]
    line_no = np.arange(n_l) - np.searchsorted(line_entry, line_entry) + 1
    mid_keys = [c[0] for c in COUNTRIES]
    mid_pool = [m for k in mid_keys for m in MANUFACTURERS[k]]
    mid_start = np.cumsum([0] + [len(MANUFACTURERS[k]) for k in mid_keys])[:-1]
    mid_i = mid_start[line_country] + _pick(
        rng, np.array([len(MANUFACTURERS[k]) for k in mid_keys]), line_country
    )
    usmca = np.isin(np.array(scen_names)[line_scenario], ["mx_usmca", "ca_usmca"])
    dollars = value // 100
    qty1 = np.maximum(1, dollars // rng.integers(3, 400, n_l))
    weight = np.maximum(1, dollars // rng.integers(2, 30, n_l))
    uom = np.array([h[3] for h in HTS_POOL])[hts_i]
    l_mode = entries["mode"].to_numpy()[line_entry]
    lines = pl.DataFrame(
        {
            "entry_idx": pl.Series(line_entry.astype(np.int64)),
            "line_no": pl.Series(line_no.astype(np.int64)),
            "hts": pl.Series([h[0] for h in HTS_POOL]).gather(hts_i),
            "country": pl.Series(l_cc),
            "value_cents": pl.Series(value),
            "duty_cents": pl.Series(duty),
            "mfn_bp": pl.Series(mfn),
            "description": pl.Series([h[4] for h in HTS_POOL]).gather(hts_i),
            "uom": pl.Series(uom),
            "qty1": pl.Series(qty1),
            "qty2": pl.Series(np.where(uom == "KG", 0, weight)),
            "weight_kg": pl.Series(weight),
            "mid": pl.Series([m[0] for m in mid_pool]).gather(mid_i),
            "manufacturer": pl.Series([m[1] for m in mid_pool]).gather(mid_i),
            "spi": pl.Series(np.where(usmca, np.where(rng.random(n_l) < 0.5, "S", "S+"), "")),
            "related": pl.Series(np.where(rng.random(n_l) < 0.15, "Y", "N")),
            "mpf_cents": pl.Series((value * 3464 + 500000) // 1000000),
            "hmf_cents": pl.Series(np.where(l_mode == "11", (value * 125 + 50000) // 100000, 0)),
            "strip_zero": pl.Series(rng.random(n_l) < 0.5),
        }
    )

    # --- components: explode scenarios, resolve RECIP, date rules, duty, credits
    flat_code: list[str] = []
    flat_rate: list[int] = []
    scen_nc = np.zeros(len(scen_names), dtype=np.int64)
    scen_start = np.zeros(len(scen_names), dtype=np.int64)
    for i, s in enumerate(scen_names):
        scen_start[i] = len(flat_code)
        scen_nc[i] = len(SCENARIOS[s][1])
        for code, rate in SCENARIOS[s][1]:
            flat_code.append(code)
            flat_rate.append(rate)
    nc = scen_nc[line_scenario]
    c_line = np.repeat(np.arange(n_l), nc)
    c_pos = np.arange(len(c_line)) - np.repeat(np.cumsum(nc) - nc, nc)
    spec = scen_start[line_scenario][c_line] + c_pos
    code = np.array(flat_code, dtype=object)[spec]
    rate = np.array(flat_rate, dtype=np.int64)[spec]
    c_edate = e_date[line_entry[c_line]]
    c_cc = l_cc[c_line]
    recip = code == "RECIP"
    late = c_edate >= _days(_RECIP_SWITCH)
    late_code = np.array([RECIP_LATE[c][0] for c in c_cc], dtype=object)
    late_rate = np.array([RECIP_LATE[c][1] for c in c_cc], dtype=np.int64)
    code = np.where(recip, np.where(late, late_code, "9903.01.25"), code)
    rate = np.where(recip, np.where(late, late_rate, 1000), rate)
    code_s = pl.Series(code.astype(str))
    uniq = code_s.unique().to_list()
    start = code_s.replace_strict(
        {k: _days(_code_start(k)) for k in uniq}, return_dtype=pl.Int64
    ).to_numpy()
    for k, (cut, early) in _RATE_BEFORE.items():
        rate = np.where((code == k) & (c_edate < _days(cut)) & (rate > 0), early, rate)
    keep = c_edate >= start
    c_line, code, rate = c_line[keep], code[keep].astype(str), rate[keep]
    c_value = value[c_line]
    c_duty = (c_value * rate + 5000) // 10000
    ieepa_codes = [c for c in set(code.tolist()) if _program(c).startswith("ieepa")]
    is_ieepa = np.isin(code, np.array(ieepa_codes, dtype=str))
    credit = line_credit.astype(bool)[c_line] & is_ieepa & (c_duty > 0)
    c_duty = np.where(credit, -c_duty, c_duty)
    comps = pl.DataFrame(
        {
            "line_idx": pl.Series(c_line.astype(np.int64)),
            "code": pl.Series(code),
            "rate_bp": pl.Series(rate),
            "duty_cents": pl.Series(c_duty.astype(np.int64)),
        }
    )
    entries = entries.with_columns(
        protest_number=pl.lit(None, dtype=pl.String),
        protest_status=pl.lit(None, dtype=pl.String),
        drawback_flag=pl.lit(None, dtype=pl.String),
    )
    if flags:
        u = rng.random(n_e)
        has_protest = u < 0.04
        port = entries["port_code"].to_numpy().astype(str)
        pnum = np.char.add(np.char.add(port, "-26-"), rng.integers(100000, 999999, n_e).astype(str))
        pstat = np.array(_PROTEST_STATUSES)[rng.integers(0, len(_PROTEST_STATUSES), n_e)]
        drawback = np.where(rng.random(n_e) < 0.015, "Y", np.where(u > 0.5, "N", ""))
        unclear = rng.random(n_e) < 0.004
        recon = np.where(unclear, "maybe", entries["recon_flag"].to_numpy().astype(str))
        entries = entries.with_columns(
            protest_number=_blank_series(np.where(has_protest, pnum, "")),
            protest_status=_blank_series(np.where(has_protest, pstat, "")),
            drawback_flag=_blank_series(drawback),
            recon_flag=pl.Series(recon, dtype=pl.String),
        )
    return Dataset(entries, lines, comps)


def _blank_series(values: np.ndarray) -> pl.Series:
    s = pl.Series(values.astype(str), dtype=pl.String)
    return pl.select(pl.when(s != "").then(s)).to_series()


def generate_dataset(
    n_lines: int,
    *,
    seed: int = 1,
    as_of: date = DEFAULT_AS_OF,
    invalid_check_fraction: float = 0.02,
    max_lines_per_entry: int = 8,
) -> Dataset:
    """A random realistic dataset of exactly `n_lines` lines, liquidations spread around `as_of`."""
    rng = np.random.default_rng(seed)
    k = np.arange(1, max_lines_per_entry + 1)
    p = 0.62**k
    p /= p.sum()
    est = int(n_lines / float((k * p).sum()) * 1.1) + 8
    per_entry = rng.choice(k, est, p=p)
    cum = np.cumsum(per_entry)
    n_e = int(np.searchsorted(cum, n_lines)) + 1
    while n_e > len(per_entry):  # pragma: no cover - estimate is generous
        per_entry = np.concatenate([per_entry, rng.choice(k, est, p=p)])
        cum = np.cumsum(per_entry)
        n_e = int(np.searchsorted(cum, n_lines)) + 1
    per_entry = per_entry[:n_e].copy()
    per_entry[-1] -= int(per_entry.sum()) - n_lines
    # entries
    filer = rng.choice(len(FILERS), n_e)
    seq = rng.choice(10_000_000 - 1, n_e, replace=False) + 1
    chk = _check_digits(filer, seq)
    bad = rng.random(n_e) < invalid_check_fraction
    chk = np.where(bad, (chk + rng.integers(1, 10, n_e)) % 10, chk)
    numbers = (
        pl.Series(np.array(FILERS)[filer])
        + "-"
        + pl.Series(seq).cast(pl.String).str.zfill(7)
        + "-"
        + pl.Series(chk).cast(pl.String)
    ).to_list()
    etype = rng.choice(
        np.array(["01", "03", "11", "08", "09", "47"]),
        n_e,
        p=[0.86, 0.05, 0.05, 0.015, 0.015, 0.01],
    )
    e_date = rng.integers(_days(date(2025, 1, 2)), _days(date(2025, 12, 31)) + 1, n_e)
    status = rng.choice(
        np.array(["LIQ", "UNL", "RLQ", "SUS", "EXT", "UNK"]),
        n_e,
        p=[0.50, 0.26, 0.10, 0.05, 0.06, 0.03],
    )
    a = _days(as_of)
    bucket = rng.choice(5, n_e, p=[0.35, 0.30, 0.30, 0.03, 0.02])
    lo = np.array([0, 81, 181, -30, 0])[bucket]
    hi = np.array([80, 180, 420, -1, 0])[bucket]
    back = lo + np.floor(rng.random(n_e) * (hi - lo + 1)).astype(np.int64)
    liq = np.maximum(a - back, e_date + 14)
    dated = np.isin(status, ["LIQ", "RLQ"]) & (bucket != 4)
    dated |= (status == "UNK") & (rng.random(n_e) < 0.5)
    liq = np.where(dated, liq, -1)
    status = np.where(status == "UNK", np.array(_UNKNOWN_STATUS)[rng.integers(0, 2, n_e)], status)
    # v2 statuses and entry type 23 from a second stream (the v1 draws above stay as they were)
    rng2 = np.random.default_rng([seed, 2])
    v = rng2.random(n_e)
    undated = liq < 0
    status = np.where(
        (status == "UNL") & (v < 0.10),
        "REV",
        np.where(
            (status == "UNL") & (v > 0.95),
            "TIB",
            np.where((status == "UNL") & (v > 0.91), "PND", status),
        ),
    )
    status = np.where((status == "LIQ") & ~undated & (rng2.random(n_e) < 0.06), "FIN", status)
    etype = np.where((etype == "01") & (rng2.random(n_e) < 0.01), "23", etype)
    weights = np.array([c[2] for c in COUNTRIES], dtype=float)
    e_country = rng.choice(len(COUNTRIES), n_e, p=weights / weights.sum())
    # lines
    l_entry = np.repeat(np.arange(n_e), per_entry)
    l_country = np.where(
        rng.random(n_lines) < 0.85,
        e_country[l_entry],
        rng.choice(len(COUNTRIES), n_lines, p=weights / weights.sum()),
    )
    scen_names = list(SCENARIOS)
    l_scen = np.zeros(n_lines, dtype=np.int64)
    for ci, (c2, _, _) in enumerate(COUNTRIES):
        idx = np.nonzero(l_country == ci)[0]
        if not len(idx):
            continue
        names, w = zip(*SCENARIO_WEIGHTS[c2], strict=True)
        w_arr = np.array(w, dtype=float)
        pick = rng.choice(len(names), len(idx), p=w_arr / w_arr.sum())
        l_scen[idx] = np.array([scen_names.index(n) for n in names])[pick]
    dollars = np.clip(np.exp(rng.normal(np.log(8000), 1.3, n_lines)), 50, 5_000_000).astype(
        np.int64
    )
    dollars = np.where(etype[l_entry] == "11", np.minimum(dollars, 800), dollars)
    credit = (status[l_entry] == "RLQ") & (rng.random(n_lines) < 0.05)
    return _build(
        rng,
        entry_number=numbers,
        entry_type=etype.tolist(),
        entry_date=e_date,
        status=status.tolist(),
        liq_date=liq,
        entry_country=e_country,
        line_entry=l_entry,
        line_country=l_country,
        line_scenario=l_scen,
        line_credit=credit,
        line_value=dollars * 100,
        flags=True,
    )


def generate_rows(
    n_rows: int, layout: str = "es003", *, seed: int = 1, **kwargs: object
) -> Dataset:
    """A random dataset whose `layout` rendering has about `n_rows` clean rows (never more)."""
    key = "es003" if layout == "xlsx" else layout
    per_line = 1.3 if key == "same_row" else 1.9  # a little under the mean rows per line
    ds = generate_dataset(max(1, int(n_rows / per_line)), seed=seed, **kwargs)  # type: ignore[arg-type]
    if ds.rows(key) <= n_rows:
        return ds
    nc = np.bincount(ds.comps["line_idx"].to_numpy(), minlength=ds.lines.height)
    per_line = nc + 1 if key != "same_row" else np.maximum(nc, 1)
    per_entry = np.bincount(ds.lines["entry_idx"].to_numpy(), weights=per_line)
    n_e = int(np.searchsorted(np.cumsum(per_entry), n_rows, side="right"))
    return ds.head_entries(max(1, n_e))


# ---------------------------------------------------------------------------------------------
# Rendering
# ---------------------------------------------------------------------------------------------


def _s(e: pl.Expr) -> pl.Expr:
    return e.cast(pl.String)


def _money(e: pl.Expr, style: str) -> pl.Expr:
    """Cents -> text: plain `-1234.56`, dollar `-$1,234.56`, paren `($1,234.56)`."""
    a = e.abs()
    d, c = a // 100, _s(a % 100).str.zfill(2)
    if style == "plain":
        body = pl.format("{}.{}", _s(d), c)
        return pl.when(e < 0).then(pl.format("-{}", body)).otherwise(body)
    g3 = [_s((d // 10**k) % 1000).str.zfill(3) for k in (0, 3, 6)]
    grouped = (
        pl.when(d < 1000)
        .then(_s(d))
        .when(d < 10**6)
        .then(pl.format("{},{}", _s(d // 1000), g3[0]))
        .when(d < 10**9)
        .then(pl.format("{},{},{}", _s(d // 10**6), g3[1], g3[0]))
        .otherwise(pl.format("{},{},{},{}", _s(d // 10**9), g3[2], g3[1], g3[0]))
    )
    body = pl.format("${}.{}", grouped, c)
    neg = pl.format("({})", body) if style == "paren" else pl.format("-{}", body)
    return pl.when(e < 0).then(neg).otherwise(body)


def _rate_text(e: pl.Expr) -> pl.Expr:
    whole = _s(e // 100)
    frac = pl.format("{}.{}%", whole, _s(e % 100).str.zfill(2).str.strip_chars_end("0"))
    return (
        pl.when(e == 0)
        .then(pl.lit("Free"))
        .when(e % 100 == 0)
        .then(pl.format("{}%", whole))
        .otherwise(frac)
    )


def _blank_null(e: pl.Expr) -> pl.Expr:
    """Empty text as null, so CSV cells are empty rather than `""`."""
    return pl.when(e != "").then(e)


def _dotted_hts(e: pl.Expr) -> pl.Expr:
    return pl.format("{}.{}.{}", e.str.slice(0, 4), e.str.slice(4, 2), e.str.slice(6, 4))


@dataclass(frozen=True)
class Rendered:
    """One layout rendered: string frame (headers as in the file), row entry keys, junk counts."""

    layout: str
    frame: pl.DataFrame
    entry_key: np.ndarray  # per frame row: entry index (junk rows: the entry they follow)
    junk: dict[str, int]
    money_columns: tuple[str, ...]
    date_columns: tuple[str, ...]


@dataclass(frozen=True)
class JunkSpec:
    """How many junk rows of each kind to plant."""

    header_repeats: int = 3
    rollups: int = 5
    total_rows: int = 1
    blank_rows: int = 4
    na_money: int = 2
    value_error: int = 1
    sci_entry: int = 1


ORDERS = ("ch99_first", "commodity_first")


def _row_index(
    ds: Dataset, same_row: bool, order: str = "ch99_first"
) -> tuple[np.ndarray, np.ndarray]:
    """Per output row: line index and component index (-1: the commodity row / no code).

    Separate rows come in CBP's order by default (Chapter 99 rows first, the commodity row
    last); `order="commodity_first"` puts the commodity row first."""
    n_l = ds.lines.height
    c_line = ds.comps["line_idx"].to_numpy()
    nc = np.bincount(c_line, minlength=n_l)
    c_off = np.cumsum(nc) - nc
    per = np.maximum(nc, 1) if same_row else nc + 1
    row_line = np.repeat(np.arange(n_l), per)
    ordinal = np.arange(len(row_line)) - np.repeat(np.cumsum(per) - per, per)
    if same_row:
        row_comp = np.where(nc[row_line] > 0, c_off[row_line] + ordinal, -1)
    elif order == "commodity_first":
        row_comp = np.where(ordinal > 0, c_off[row_line] + ordinal - 1, -1)
    elif order == "ch99_first":
        row_comp = np.where(ordinal < nc[row_line], c_off[row_line] + ordinal, -1)
    else:
        raise ValueError(f"unknown order {order!r} (orders: {', '.join(ORDERS)})")
    return row_line, row_comp


def _layout_frames(
    ds: Dataset, layout: str, order: str = "ch99_first", line_numbers: bool = True
) -> tuple[pl.DataFrame, np.ndarray, dict[str, str]]:
    """The clean rows of `layout` and a role -> header map (entry, line, hts, value, duty...)."""
    same = layout == "same_row"
    row_line, row_comp = _row_index(ds, same, order)
    row_entry = ds.lines["entry_idx"].to_numpy()[row_line]
    idx = pl.DataFrame(
        {
            "_l": pl.Series(row_line, dtype=pl.UInt32),
            "_c": pl.Series(np.maximum(row_comp, 0), dtype=pl.UInt32),
            "_e": pl.Series(row_entry, dtype=pl.UInt32),
            "_k": pl.Series(row_comp >= 0),
        }
    )
    if ds.comps.height == 0:  # keep gathers valid
        comps = pl.DataFrame(
            {"line_idx": [0], "code": ["9903.01.25"], "rate_bp": [0], "duty_cents": [0]},
            schema=ds.comps.schema,
        )
    else:
        comps = ds.comps
    ent = ds.entries.select(pl.all().gather(idx["_e"]))
    lin = ds.lines.select(pl.all().gather(idx["_l"]))
    com = comps.select(pl.all().name.prefix("c_")).select(pl.all().gather(idx["_c"]))
    f = pl.concat([idx, ent, lin, com], how="horizontal")
    k = pl.col("_k")
    if layout == "es003":
        iso = "%Y-%m-%d"
        code_digits = pl.col("c_code").str.replace_all(".", "", literal=True)
        ordinal = pl.int_range(pl.len()).over("_l") + 1
        texts = {c: _CH99_TEXT[_program(c)] for c in comps["code"].unique().to_list()}
        ch99_text = pl.col("c_code").replace_strict(texts, default="", return_dtype=pl.String)
        cols = {
            "Importer Number": pl.col("importer_number"),
            "Importer Name": pl.col("importer_name"),
            "Entry Summary Number": pl.col("entry_number"),
            "Filer Code": pl.col("entry_number").str.slice(0, 3),
            "Entry Type Code": pl.col("entry_type"),
            "Entry Date": pl.col("entry_date").dt.strftime(iso),
            "Entry Summary Date": pl.col("filed_date").dt.strftime(iso),
            "Import Date": pl.col("import_date").dt.strftime(iso),
            "Port of Entry Code": pl.col("port_code"),
            "Port Name": pl.col("port_name"),
            "Mode of Transportation Code": pl.col("mode"),
            "Carrier Code": pl.col("carrier"),
            "Conveyance Name": pl.col("conveyance"),
            "Bill of Lading Number": pl.col("bill_of_lading"),
            "Foreign Port of Lading Code": pl.col("lading_port"),
            "Port of Unlading Code": pl.col("port_code"),
            "Country of Export Code": pl.col("export_country"),
            "Date of Export": pl.col("export_date").dt.strftime(iso),
            "Liquidation Status": pl.col("status"),
            "Liquidation Date": pl.col("liq_date").dt.strftime(iso),
            "Payment Type Code": pl.col("payment_type"),
            "Periodic Monthly Statement Date": pl.col("pms_date").dt.strftime(iso),
            "Bond Type Code": pl.col("bond_type"),
            "Surety Code": pl.col("surety"),
            "Review Team Number": pl.col("team"),
            "Entry Summary Line Number": _s(pl.col("line_no")),
            "Manufacturer ID": pl.col("mid"),
            "Related Party Indicator": pl.col("related"),
            "Country of Origin Code": pl.col("country"),
            "Line SPI Code": pl.col("spi"),
            "Tariff Ordinal Number": _s(ordinal),
            "HTS Number - Full": pl.when(k).then(code_digits).otherwise(pl.col("hts")),
            "Merchandise Description": pl.when(k).then(ch99_text).otherwise(pl.col("description")),
            "Line Tariff Quantity 1": pl.when(k).then(None).otherwise(_s(pl.col("qty1"))),
            "Line Tariff UOM 1": pl.when(k).then(None).otherwise(pl.col("uom")),
            "Line Tariff Quantity 2": pl.when(k | (pl.col("qty2") == 0))
            .then(None)
            .otherwise(_s(pl.col("qty2"))),
            "Line Tariff UOM 2": pl.when(k | (pl.col("qty2") == 0))
            .then(None)
            .otherwise(pl.lit("KG")),
            "Gross Weight KG": pl.when(k).then(None).otherwise(_s(pl.col("weight_kg"))),
            "Line Tariff Goods Value Amount": pl.when(k)
            .then(pl.lit("0.00"))
            .otherwise(_money(pl.col("value_cents"), "plain")),
            "Line Tariff Ad Valorem Rate": _rate_text(
                pl.when(k).then(pl.col("c_rate_bp")).otherwise(pl.col("mfn_bp"))
            ),
            "Line Tariff Duty Amount": _money(
                pl.when(k).then(pl.col("c_duty_cents")).otherwise(pl.col("duty_cents")), "plain"
            ),
            "Line MPF Amount": pl.when(k)
            .then(None)
            .otherwise(_money(pl.col("mpf_cents"), "plain")),
            "Line HMF Amount": pl.when(k)
            .then(None)
            .otherwise(_money(pl.col("hmf_cents"), "plain")),
            "Reconciliation Indicator": pl.col("recon_flag"),
            "Protest Number": pl.col("protest_number"),
            "Protest Status": pl.col("protest_status"),
            "Drawback Indicator": pl.col("drawback_flag"),
        }
        roles = {
            "entry": "Entry Summary Number",
            "line": "Entry Summary Line Number",
            "hts": "HTS Number - Full",
            "value": "Line Tariff Goods Value Amount",
            "duty": "Line Tariff Duty Amount",
            "money_style": "plain",
            "first_line_col": "Entry Summary Line Number",
            "ordinal": "Tariff Ordinal Number",
        }
    elif layout == "same_row":
        us = "%m/%d/%Y"
        cols = {
            "Entry Number": pl.col("entry_number"),
            "Entry Type": pl.col("entry_type"),
            "Entry Date": pl.col("entry_date").dt.strftime(us),
            "Importer Number": pl.col("importer_number"),
            "Importer Name": pl.col("importer_name"),
            "Port Code": pl.col("port_code"),
            "Port Name": pl.col("port_name"),
            "Mode": pl.col("mode"),
            "Carrier": pl.col("carrier"),
            "Bill of Lading": pl.col("bill_of_lading"),
            "Country of Export": pl.col("export_country"),
            "Liq Status": pl.col("status"),
            "Liq Date": pl.col("liq_date").dt.strftime(us),
            "Line Number": _s(pl.col("line_no")),
            "HTS Number": _dotted_hts(pl.col("hts")),
            "Description": pl.col("description"),
            "Country of Origin": pl.col("country"),
            "Manufacturer ID": pl.col("mid"),
            "Quantity": _s(pl.col("qty1")),
            "UOM": pl.col("uom"),
            "Entered Value": _money(pl.col("value_cents"), "dollar"),
            "Est. Duty": _money(pl.col("duty_cents"), "dollar"),
            "Chapter 99 HTS": pl.when(k).then(pl.col("c_code")).otherwise(None),
            "IEEPA Duty Paid": pl.when(k)
            .then(_money(pl.col("c_duty_cents"), "dollar"))
            .otherwise(None),
            "MPF": _money(pl.col("mpf_cents"), "dollar"),
            "HMF": _money(pl.col("hmf_cents"), "dollar"),
            "SPI": pl.col("spi"),
            "Recon Flag": pl.col("recon_flag"),
            "Protest Number": pl.col("protest_number"),
            "Protest Status": pl.col("protest_status"),
            "Drawback Designation": pl.col("drawback_flag"),
        }
        roles = {
            "entry": "Entry Number",
            "line": "Line Number",
            "hts": "HTS Number",
            "value": "Entered Value",
            "duty": "Est. Duty",
            "money_style": "dollar",
            "first_line_col": "Line Number",
        }
    elif layout == "legacy":
        us = "%m/%d/%Y"
        hts = pl.when(pl.col("strip_zero") & pl.col("hts").str.starts_with("0"))
        hts = hts.then(pl.col("hts").str.slice(1)).otherwise(pl.col("hts"))
        words = pl.col("status").replace(_STATUS_WORDS)
        nk = ~k
        cols = {
            "Importer": pl.col("importer_number").str.replace_all("-", "", literal=True),
            "Importer Name": pl.col("importer_name"),
            "Entry No": pl.col("entry_number").str.replace_all("-", "", literal=True),
            "Entry Type": pl.col("entry_type"),
            "Entry Dt": pl.col("entry_date").dt.strftime(us),
            "Port": pl.col("port_code"),
            "Filer": pl.col("entry_number").str.slice(0, 3),
            "Liq Status": words,
            "Liq Dt": pl.col("liq_date").dt.strftime(us),
            "HTS": pl.when(k)
            .then(pl.col("c_code").str.replace_all(".", "", literal=True))
            .otherwise(hts),
            "Description": pl.when(nk).then(pl.col("description")),
            "Country of Origin": pl.when(nk).then(
                pl.col("country").replace_strict(_ALPHA3, return_dtype=pl.String)
            ),
            "Qty": pl.when(nk).then(_s(pl.col("qty1"))),
            "UOM": pl.when(nk).then(pl.col("uom")),
            "Entered Value": pl.when(nk).then(_money(pl.col("value_cents"), "paren")),
            "EstDuty": _money(
                pl.when(k).then(pl.col("c_duty_cents")).otherwise(pl.col("duty_cents")), "paren"
            ),
            "Mfr ID": pl.when(nk).then(pl.col("mid")),
            "Mfr Name": pl.when(nk).then(pl.col("manufacturer")),
            "Carrier": pl.col("carrier"),
            "B/L No": pl.col("bill_of_lading"),
            "Recon Flag": pl.col("recon_flag"),
            "Protest No": pl.col("protest_number"),
            "Protest Status": pl.col("protest_status"),
            "Drawback Flag": pl.col("drawback_flag"),
        }
        roles = {
            "entry": "Entry No",
            "hts": "HTS",
            "value": "Entered Value",
            "duty": "EstDuty",
            "money_style": "paren",
            "first_line_col": "HTS",
        }
    else:
        raise ValueError(f"unknown layout {layout!r}")
    if not line_numbers and "line" in roles:
        names = list(cols)
        line_col = roles.pop("line")
        if roles["first_line_col"] == line_col:  # line-level columns start right after it
            roles["first_line_col"] = names[names.index(line_col) + 1]
        cols.pop(line_col)
    out = f.select(**{h: _blank_null(e.cast(pl.String)) for h, e in cols.items()})
    return out, row_entry, roles


_LEGACY_ENTRY_COLUMNS = frozenset(
    {"Importer", "Importer Name", "Entry No", "Entry Type", "Entry Dt", "Port", "Filer"}
    | {"Liq Status", "Liq Dt", "Carrier", "B/L No"}
    | {"Recon Flag", "Protest No", "Protest Status", "Drawback Flag"}
)


def _junk_entry_numbers(ds: Dataset, n: int, rng: np.random.Generator) -> list[str]:
    """Fresh valid entry numbers that are not in the dataset."""
    taken = set(ds.entries["entry_number"].to_list())
    out: list[str] = []
    while len(out) < n:
        num = make_entry_number("ZQ9", int(rng.integers(1, 10_000_000)))
        if num not in taken and num not in out:
            out.append(num)
    return out


def render(
    ds: Dataset,
    layout: str,
    *,
    junk: JunkSpec | None = None,
    seed: int = 0,
    order: str = "ch99_first",
    line_numbers: bool = True,
) -> Rendered:
    """Render `ds` into `layout` (es003 | same_row | legacy | xlsx), planting `junk` if given.

    `order`: where separate Chapter 99 rows sit (CBP's "ch99_first", or "commodity_first");
    `line_numbers=False` drops the line-number column (es003/xlsx: lines are then bounded by
    the tariff ordinal's restarts)."""
    key = "es003" if layout == "xlsx" else layout
    frame, row_entry, roles = _layout_frames(ds, key, order, line_numbers)
    counts = dict.fromkeys(JUNK_KINDS, 0)
    money_cols = tuple(
        h for h in frame.columns if h in {roles["value"], roles["duty"]} or h.endswith("Amount")
    ) + tuple(h for h in ("IEEPA Duty Paid", "MPF", "HMF") if h in frame.columns)
    date_cols = tuple(
        h for h in frame.columns if "Date" in h or h.endswith(" Dt") or h == "Date of Export"
    )
    if junk is None or ds.entries.height == 0:
        return Rendered(layout, frame, row_entry, counts, money_cols, date_cols)
    rng = np.random.default_rng(seed + 7919)
    n_e = ds.entries.height
    style = roles["money_style"]
    headers = frame.columns
    entry_col, duty_col, value_col = roles["entry"], roles["duty"], roles["value"]
    line_cols = headers[headers.index(roles["first_line_col"]) :]
    if key == "legacy":
        line_cols = [h for h in headers if h not in _LEGACY_ENTRY_COLUMNS]
    first_row = np.searchsorted(row_entry, np.arange(n_e))
    junk_rows: list[pl.DataFrame] = []
    keys: list[int] = []

    def fmt(cents: int) -> str:
        return pl.select(_money(pl.lit(cents, dtype=pl.Int64), style)).item()

    def add(df: pl.DataFrame, after: int) -> None:
        junk_rows.append(df.select(pl.all().cast(pl.String)))
        keys.extend([after] * df.height)

    def after(n: int) -> list[int]:
        return [int(x) for x in rng.integers(0, n_e, n)]

    for e in after(junk.header_repeats):
        add(pl.DataFrame([{h: h for h in headers}]), e)
    counts["header_repeats"] = junk.header_repeats
    rollup = expected_entry_rollup(ds)
    for e in after(junk.rollups):
        row = frame.slice(int(first_row[e]), 1).with_columns(
            [pl.lit(None, dtype=pl.String).alias(h) for h in line_cols]
        )
        total = rollup[ds.entries["entry_number"][e]]["total_duty"]
        whole = (abs(total) + 50) // 100 * 100 * (1 if total >= 0 else -1)
        add(row.with_columns(pl.lit(fmt(whole)).alias(duty_col)), e)
    counts["rollups"] = junk.rollups
    blank = pl.DataFrame([dict.fromkeys(headers)], schema=dict.fromkeys(headers, pl.String))
    for e in after(junk.blank_rows):
        add(blank, e)
    counts["blank_rows"] = junk.blank_rows
    bad_kinds = (
        ["na_money"] * junk.na_money
        + ["value_error"] * junk.value_error
        + ["sci_entry"] * junk.sci_entry
    )
    fresh = _junk_entry_numbers(ds, len(bad_kinds), rng)
    for i, (kind, e) in enumerate(zip(bad_kinds, after(len(bad_kinds)), strict=True)):
        row = frame.slice(int(first_row[e]), 1)
        num = fresh[i] if key != "legacy" else fresh[i].replace("-", "")
        if kind == "sci_entry":
            num = "3.16123E+10"
        row = row.with_columns(pl.lit(num).alias(entry_col))
        if kind == "na_money":
            row = row.with_columns(pl.lit("N/A").alias(value_col))
        elif kind == "value_error":
            row = row.with_columns(pl.lit("#VALUE!").alias(duty_col))
        add(row, e)
        counts[kind] += 1
    if junk.total_rows:
        total_duty = int(ds.lines["duty_cents"].sum() or 0) + int(ds.comps["duty_cents"].sum() or 0)
        total_value = int(ds.lines["value_cents"].sum() or 0)
        tot = {h: None for h in headers}
        tot[entry_col] = "Total"
        tot[value_col] = fmt(total_value)
        tot[duty_col] = fmt(total_duty)
        for _ in range(junk.total_rows):
            add(pl.DataFrame([tot], schema=dict.fromkeys(headers, pl.String)), n_e)
        counts["total_rows"] = junk.total_rows
    # insert each junk row after the last row of the entry it follows (slices, no full sort)
    extra = pl.concat(junk_rows, how="vertical")
    order = np.argsort(np.array(keys), kind="stable")
    at = np.searchsorted(row_entry, np.array(keys)[order], side="right")
    pieces, start = [], 0
    for j, pos in zip(order, at, strict=True):
        pieces += [frame.slice(start, int(pos) - start), extra.slice(int(j), 1)]
        start = int(pos)
    pieces.append(frame.slice(start))
    ekey = np.insert(row_entry.astype(np.int64), at, np.array(keys)[order])
    all_rows = pl.concat(pieces, how="vertical", rechunk=False)
    return Rendered(layout, all_rows, ekey, counts, money_cols, date_cols)


def _part_paths(out: Path, parts: int) -> list[Path]:
    if parts <= 1:
        return [out]
    return [out.with_name(f"{out.stem}_part{i}{out.suffix}") for i in range(1, parts + 1)]


def _split_points(ekey: np.ndarray, parts: int) -> list[int]:
    """Row cut points at entry boundaries, near equal sizes."""
    n = len(ekey)
    cuts = [0]
    for i in range(1, parts):
        target = n * i // parts
        j = int(np.searchsorted(ekey, ekey[min(target, n - 1)], side="left"))
        j = max(j, cuts[-1] + 1) if j <= cuts[-1] else j
        cuts.append(min(j, n))
    cuts.append(n)
    return cuts


def write_rendered(r: Rendered, out: str | Path, *, parts: int = 1) -> list[Path]:
    """Write a rendering as CSV (legacy: cp1252, CRLF; split into `parts` between entries)."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    if r.layout == "xlsx":
        _write_xlsx(r, out)
        return [out]
    paths = _part_paths(out, parts)
    cuts = _split_points(r.entry_key, len(paths))
    for p, (a, b) in zip(paths, itertools.pairwise(cuts), strict=True):
        chunk = r.frame.slice(a, b - a)
        if r.layout == "legacy":
            buf = io.StringIO()
            chunk.write_csv(buf, line_terminator="\r\n")
            p.write_bytes(buf.getvalue().encode("cp1252"))
        else:
            chunk.write_csv(p)
    return paths


def _write_xlsx(r: Rendered, out: Path) -> None:
    """ES-003 as XLSX (sheet "Main Report"): money as numbers, dates as Excel dates."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(out), {"constant_memory": True})
    ws = wb.add_worksheet("Main Report")
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    money_fmt = wb.add_format({"num_format": "#,##0.00"})
    headers = r.frame.columns
    money = {headers.index(h) for h in r.money_columns}
    dates = {headers.index(h) for h in r.date_columns}
    ints = {
        headers.index(h)
        for h in ("Entry Summary Line Number", "Tariff Ordinal Number")
        if h in headers
    }
    for c, h in enumerate(headers):
        ws.write_string(0, c, h)
    for ri, row in enumerate(r.frame.iter_rows(), start=1):
        for c, v in enumerate(row):
            if v is None:
                continue
            try:
                if c in money:
                    ws.write_number(ri, c, int(v.replace(".", "")) / 100, money_fmt)
                    continue
                if c in dates:
                    ws.write_datetime(ri, c, datetime.strptime(v, "%Y-%m-%d"), date_fmt)
                    continue
                if c in ints:
                    ws.write_number(ri, c, int(v))
                    continue
            except ValueError:
                pass
            ws.write_string(ri, c, v)
    wb.close()


def write_export(
    ds: Dataset,
    layout: str,
    out: str | Path,
    *,
    parts: int = 1,
    junk: JunkSpec | None = None,
    seed: int = 0,
    order: str = "ch99_first",
    line_numbers: bool = True,
) -> tuple[list[Path], dict[str, int]]:
    """Render and write; returns the files written and the junk planted."""
    r = render(ds, layout, junk=junk, seed=seed, order=order, line_numbers=line_numbers)
    return write_rendered(r, out, parts=parts), r.junk


# ---------------------------------------------------------------------------------------------
# Oracle (pure Python, integer cents, docs/rules.md §5-§7; shares nothing with itrac_tui)
# ---------------------------------------------------------------------------------------------

_STATUS = {
    **{code: code for code in _STATUS_WORDS},
    "UNLIQUIDATED": "UNL",
    "NOT LIQUIDATED": "UNL",
    "LIQUIDATED": "LIQ",
    "RELIQUIDATED": "RLQ",
    "SUSPENDED": "SUS",
    "EXTENDED": "EXT",
    "UNDER REVIEW": "REV",
    "PENDING": "PND",
    "OPEN": "TIB",
    "CLOSED": "TIB",
    "FINAL": "FIN",
}
# v2 defaults of the rules file, restated (the oracle shares nothing with itrac_tui)
_V2 = {
    "phase1_days": 80,
    "protest_days": 180,
    "margin": 7,
    "excluded_types": ("08", "09", "47", "23"),
    "recon_from": date(2026, 6, 29),
    "recon_types": ("01", "02", "06"),
    "closed": ("DENIED", "APPROVED", "WITHDRAWN", "CLOSED"),
    "window": (date(2025, 2, 4), date(2026, 2, 23)),
    "true": ("Y", "YES", "TRUE", "1", "X", "T"),
    "false": ("N", "NO", "FALSE", "0", "F"),
}
REASON_PATHWAYS = {
    "entry_type": "review",
    "tib_status": "review",
    "drawback": "review",
    "protest_on_file": "protest",
    "recon_flagged": "hold",
    "adcvd_pending": "hold",
    "unliquidated": "cape_phase1",
    "no_liquidation_columns": "review",
    "no_liquidation_date": "review",
    "liquidated_recently": "cape_phase1",
    "protest_window": "protest",
    "protest_window_closed": "cit",
    "unknown_status": "review",
}


def _program(code: str) -> str:
    """Program id of a 9903.NN.NN code per spec §6 (v2 table)."""
    digits = code.replace(".", "")
    if not digits.startswith("9903") or len(digits) < 8:
        return "other_ch99"
    heading, sub = digits[4:6], int(digits[6:8])
    if heading == "01":
        for lo, hi, prog in (
            (1, 24, "ieepa_fentanyl"),
            (25, 76, "ieepa_reciprocal"),
            (77, 83, "ieepa_brazil"),
            (84, 89, "ieepa_india"),
            (90, 90, "ieepa_brazil"),
        ):
            if lo <= sub <= hi:
                return prog
        return "other_ch99"
    if heading == "02" and 1 <= sub <= 99:
        return "ieepa_reciprocal"
    if heading == "96":
        return "ieepa_reciprocal"
    if heading in {"74", "76", "78", "79", "80", "81", "82", "85", "94"}:
        return "section_232"
    if heading in {"88", "89", "91", "05"}:
        return "section_301"
    if heading == "03":
        return "section_122"
    return "other_ch99"


def _cents(c: int) -> str:
    return f"{'-' if c < 0 else ''}{abs(c) // 100}.{abs(c) % 100:02d}"


def _flag(value: object) -> tuple[bool, bool]:
    """(set, unclear) of an indicator cell per the documented rule."""
    word = str(value or "").strip().upper()
    if not word or word in _V2["false"]:
        return False, False
    return True, word not in _V2["true"]


def _route(
    *,
    status: str | None,
    etype: str | None,
    liq: date | None,
    recon: bool,
    drawback: bool,
    protest: bool,
    as_of: date,
    suspended_pathway: str,
    has_liquidation: bool,
) -> tuple[str, str]:
    """(pathway, reason) of a refundable line, the §7 table top to bottom."""
    if etype in _V2["excluded_types"]:
        return "review", "entry_type"
    if status == "TIB":
        return "review", "tib_status"
    if drawback:
        return "review", "drawback"
    if protest:
        return "protest", "protest_on_file"
    if recon and not (as_of >= _V2["recon_from"] and etype in _V2["recon_types"]):
        return "hold", "recon_flagged"
    if status == "PND":
        return "hold", "adcvd_pending"
    for code, reason in (("SUS", "suspended"), ("EXT", "extended"), ("REV", "under_review")):
        if status == code:
            return suspended_pathway, reason
    if status == "UNL":
        return "cape_phase1", "unliquidated"
    if not has_liquidation:
        return "review", "no_liquidation_columns"
    if status in ("LIQ", "RLQ", "FIN"):
        if liq is None:
            return "review", "no_liquidation_date"
        days = max(0, (as_of - liq).days)
        if days <= _V2["phase1_days"]:
            return "cape_phase1", "liquidated_recently"
        if days <= _V2["protest_days"]:
            return "protest", "protest_window"
        return "cit", "protest_window_closed"
    return "review", "unknown_status"


def oracle_lines(
    ds: Dataset,
    as_of: date,
    *,
    suspended_pathway: str = "cape_phase1",
    has_liquidation: bool = True,
) -> list[dict[str, object]]:
    """Per line: entry number, line number, IEEPA duty (cents), pathway, reason, warning codes."""
    ent = ds.entries
    e_num = ent["entry_number"].to_list()
    e_type = ent["entry_type"].to_list()
    e_status = ent["status"].to_list()
    e_liq = ent["liq_date"].to_list()
    e_date = ent["entry_date"].to_list()

    def get(name: str) -> list[object]:
        return ent[name].to_list() if name in ent.columns else [None] * ent.height

    e_recon, e_drawback = get("recon_flag"), get("drawback_flag")
    e_pnum, e_pstat = get("protest_number"), get("protest_status")
    comps: dict[int, list[tuple[str, int]]] = {}
    for li, code, cents in zip(
        ds.comps["line_idx"].to_list(),
        ds.comps["code"].to_list(),
        ds.comps["duty_cents"].to_list(),
        strict=True,
    ):
        comps.setdefault(li, []).append((code, cents))
    valid = {n: entry_number_valid(n) for n in e_num}
    lo, hi = _V2["window"]
    out: list[dict[str, object]] = []
    for li, (ei, line_no) in enumerate(
        zip(ds.lines["entry_idx"].to_list(), ds.lines["line_no"].to_list(), strict=True)
    ):
        progs = [(_program(c), d) for c, d in comps.get(li, [])]
        ieepa = [d for p, d in progs if p.startswith("ieepa")]
        ieepa_cents = sum(ieepa)
        raw = e_status[ei]
        status = _STATUS.get(" ".join(str(raw or "").upper().split()), raw) if raw else None
        recon, recon_unclear = _flag(e_recon[ei])
        drawback, drawback_unclear = _flag(e_drawback[ei])
        pnum = str(e_pnum[ei] or "").strip()
        pstat = str(e_pstat[ei] or "").strip()
        protest = bool(pnum) and pstat.upper() not in _V2["closed"]
        liq = e_liq[ei]
        if not ieepa:
            pathway = reason = "not_ieepa"
        elif ieepa_cents == 0:
            stacked = any(p == "section_232" for p, _ in progs)
            pathway = reason = "stacked_zero" if stacked else "zero_duty"
        else:
            pathway, reason = _route(
                status=status,
                etype=e_type[ei],
                liq=liq,
                recon=recon,
                drawback=drawback,
                protest=protest,
                as_of=as_of,
                suspended_pathway=suspended_pathway,
                has_liquidation=has_liquidation,
            )
        warnings = []
        if not valid[e_num[ei]]:
            warnings.append("check_digit")
        if raw and status not in _STATUS.values():
            warnings.append("unknown_status")
        edate = e_date[ei]
        if ieepa_cents != 0 and edate is not None and not (lo <= edate <= hi):
            warnings.append("ieepa_outside_window")
        if pnum and not pstat:
            warnings.append("protest_status_blank")
        if recon_unclear or drawback_unclear:
            warnings.append("unclear_flag")
        if reason == "liquidated_recently" and liq is not None:
            until = liq + timedelta(days=_V2["phase1_days"])
            if (until - as_of).days <= _V2["margin"]:
                warnings.append("phase1_cliff")
            if status == "RLQ":
                warnings.append("rlq_phase1")
        out.append(
            {
                "entry_number": e_num[ei],
                "line_no": line_no,
                "ieepa_cents": ieepa_cents,
                "pathway": pathway,
                "reason": reason,
                "warnings": warnings,
                "check_ok": valid[e_num[ei]],
                "status_unknown": "unknown_status" in warnings,
            }
        )
    return out


def expected_summary(
    ds: Dataset,
    as_of: date,
    layout: str = "es003",
    junk: Mapping[str, int] | None = None,
    *,
    order: str = "ch99_first",
    line_numbers: bool = True,
    parts: int = 1,
    suspended_pathway: str = "cape_phase1",
) -> dict[str, object]:
    """The JSON `itrac-tui scan --json` must print for a rendering of `ds`, in the shape of
    `comparable()`. Junk rows (counts from `render`) are all read; blank, header, roll-up and
    total rows are set aside; `N/A`/`#VALUE!` money and scientific entry numbers are rejected.
    Warnings: lines per line-warning code, rows per set_aside/rejected, files per file notice
    (ch99_order when the orientation had to be detected); only non-zero codes."""
    lines = oracle_lines(ds, as_of, suspended_pathway=suspended_pathway)
    junk = dict(junk or {})
    rejected = sum(junk.get(k, 0) for k in ("na_money", "value_error", "sci_entry"))
    set_aside = sum(
        junk.get(k, 0) for k in ("header_repeats", "rollups", "total_rows", "blank_rows")
    )
    key = "es003" if layout == "xlsx" else layout
    pathways: dict[str, dict[str, object]] = {}
    pool = 0
    for p in POOL_PATHWAYS:
        mine = [ln for ln in lines if ln["pathway"] == p]
        cents = sum(int(ln["ieepa_cents"]) for ln in mine)  # type: ignore[call-overload]
        pool += cents
        reasons: dict[str, int] = {}
        for ln in mine:
            reasons[str(ln["reason"])] = reasons.get(str(ln["reason"]), 0) + 1
        pathways[p] = {
            "lines": len(mine),
            "entries": len({ln["entry_number"] for ln in mine}),
            "ieepa_duty": _cents(cents),
            "reasons": reasons,
        }
    counts: dict[str, int] = {}
    for ln in lines:
        for code in ln["warnings"]:  # type: ignore[attr-defined]
            counts[code] = counts.get(code, 0) + 1
    counts["set_aside"] = set_aside
    counts["rejected"] = rejected
    if key == "legacy":  # no line numbers, no ordinals: the orientation is detected per file
        counts["ch99_order"] = parts
    return {
        "as_of": as_of.isoformat(),
        "rows_read": ds.rows(key) + rejected + set_aside,
        "rows_rejected": rejected,
        "rows_set_aside": set_aside,
        "entries": len({ln["entry_number"] for ln in lines}),
        "lines": len(lines),
        "pathways": pathways,
        "refundable_pool": _cents(pool),
        "excluded": {
            p: {"lines": sum(1 for ln in lines if ln["pathway"] == p)} for p in EXCLUDED_PATHWAYS
        },
        "warnings": {code: n for code, n in sorted(counts.items()) if n},
    }


# §10's pre-flight warnings and interest estimate are pinned by their own tests, not the oracle.
SECTION10_WARNINGS = (
    "code_not_in_force",
    "rate_outlier",
    "value_on_ieepa_row",
    "interest_rate_carried",
)


def comparable(scan_json: Mapping[str, object]) -> dict[str, object]:
    """`itrac-tui scan --json` reduced to the oracle's shape (no files; warnings code -> count;
    reasons compared as dicts; no §10 warnings or interest estimates)."""
    out = {k: v for k, v in scan_json.items() if k not in ("files", "claims")}
    pathways = out.get("pathways")
    if isinstance(pathways, dict):
        out["pathways"] = {
            p: {k: v for k, v in t.items() if k != "interest_estimate"} for p, t in pathways.items()
        }
    warnings = out.get("warnings")
    if isinstance(warnings, list):
        counts: dict[str, int] = {}
        for w in warnings:
            if w["code"] in SECTION10_WARNINGS:
                continue
            counts[w["code"]] = counts.get(w["code"], 0) + int(w.get("count") or 0)
        out["warnings"] = {k: v for k, v in sorted(counts.items()) if v}
    return out


def expected_entry_rollup(ds: Dataset) -> dict[str, dict[str, int]]:
    """Per entry: total duty (lines' own duty once + every Chapter 99 duty) and IEEPA duty."""
    e_num = ds.entries["entry_number"].to_list()
    l_entry = ds.lines["entry_idx"].to_list()
    out: dict[str, dict[str, int]] = {}
    for ei, cents in zip(l_entry, ds.lines["duty_cents"].to_list(), strict=True):
        r = out.setdefault(e_num[ei], {"total_duty": 0, "ieepa_duty": 0})
        r["total_duty"] += cents
    for li, code, cents in zip(
        ds.comps["line_idx"].to_list(),
        ds.comps["code"].to_list(),
        ds.comps["duty_cents"].to_list(),
        strict=True,
    ):
        r = out[e_num[l_entry[li]]]
        r["total_duty"] += cents
        if _program(code).startswith("ieepa"):
            r["ieepa_duty"] += cents
    return out


def expected_reconcile(
    ds: Dataset, ap: Sequence[tuple[str, int]], *, basis: str = "total_duty", tolerance: int = 0
) -> dict[str, object]:
    """Compare AP (entry number, cents) rows with the ITRAC roll-up, per spec §9."""
    itrac = {k: v[basis] for k, v in expected_entry_rollup(ds).items()}
    ap_sum: dict[str, int] = {}
    for num, cents in ap:
        plain = num.replace("-", "")
        canon = f"{plain[:3]}-{plain[3:10]}-{plain[10:]}"
        ap_sum[canon] = ap_sum.get(canon, 0) + cents
    matched, mismatched = [], []
    for k in sorted(itrac.keys() & ap_sum.keys()):
        delta = itrac[k] - ap_sum[k]
        (matched if abs(delta) <= tolerance else mismatched).append((k, delta))
    return {
        "matched": len(matched),
        "mismatched": {k: _cents(d) for k, d in mismatched},
        "missing_in_ap": sorted(itrac.keys() - ap_sum.keys()),
        "missing_in_itrac": sorted(ap_sum.keys() - itrac.keys()),
    }


# ---------------------------------------------------------------------------------------------
# Samples
# ---------------------------------------------------------------------------------------------

# One entry per row: filer, sequence, check digit ok (y/n), entry type, entry date, status,
# liquidation date ("-": none), origin, then one scenario per line ("x@CC": line origin CC;
# a trailing "!": the line's IEEPA duty is a credit). As of 2026-11-22: <= 2026-09-03 is CAPE
# Phase 1 (80 days), 2026-05-26..2026-09-02 protest (180 days), earlier CIT.
_SAMPLE = """
EX7 3161230 y 01 2025-11-28 LIQ     2026-10-09 CN cn_full cn_ieepa cn_list4 none cn_ieepa
EX7 3161388 y 01 2025-10-23 LIQ     2026-09-03 CN cn_ieepa cn_301
EX7 3161402 y 01 2025-10-22 LIQ     2026-09-02 VN recip recip annex2
9KJ 0528841 y 01 2025-09-05 LIQ     2026-07-17 CN cn_full cn_full cn_deriv cn_ieepa
9KJ 0528907 n 01 2025-09-12 LIQ     2026-05-26 IN in_full annex2 in_full
EX7 3158820 y 01 2025-07-15 LIQ     2026-05-25 CN cn_full alu_stacked
MTX 7730154 y 01 2025-04-14 LIQ     2026-02-13 MX mx_fent mx_usmca mx_steel
EX7 3159147 y 01 2025-08-12 RLQ     2026-10-30 CN cn_ieepa! cn_ieepa
9KJ 0529310 y 01 2025-08-20 RLQ     2026-06-19 BR br_full br_exempt
MTX 7731882 y 01 2025-12-03 UNL     -          CA ca_steel ca_fent ca_usmca ca_lumber
SP7 2264019 y 01 2025-12-10 UNL     -          DE recip steel_stacked
SP7 2264150 y 01 2025-11-05 EXT     -          JP recip auto_stacked recip
9KJ 0530018 y 03 2025-10-02 SUS     -          CN cn_ieepa cn_full
EX7 3162055 y 01 2025-12-15 SUS     -          VN recip
EX7 3157764 y 01 2025-06-18 LIQ     -          CN cn_ieepa cn_list4
SP7 2263301 y 09 2025-11-21 LIQ     2026-10-20 KR recip recip
EX7 3160012 y 47 2025-09-30 UNL     -          CN cn_ieepa
9KJ 0529954 y 08 2025-09-24 UNL     -          HK cn_ieepa none
SP7 2263870 n 01 2025-10-14 PENDING -          TW recip recip none
SP7 2264388 y 01 2025-12-22 LIQ     2026-12-05 TH food_recip recip
EX7 3161977 y 11 2025-12-30 LIQ     2026-11-20 CN cn_ieepa
EX7 3156031 y 01 2025-02-20 LIQ     2026-01-02 CN cn_ieepa cn_301 cn_full
9KJ 0529671 y 01 2025-09-29 LIQ     2026-08-14 IN in_full in_full recip
SP7 2264233 y 01 2025-12-08 UNL     -          GB recip none
MTX 7731460 y 01 2025-11-12 LIQ     2026-09-25 CA ca_lumber ca_fent ca_usmca
EX7 3157012 y 01 2025-05-23 LIQ     2026-04-10 VN recip recip steel_stacked
MTX 7731705 y 01 2025-11-20 UNL     -          MX auto_232 mx_fent
9KJ 0528500 y 01 2025-08-18 LIQ     2026-06-30 CN cn_full cn_ieepa annex2 cn_list4
EX7 3158233 y 01 2025-07-01 RLQ     2026-03-06 CN cn_ieepa cn_ieepa
SP7 2264471 y 01 2025-12-17 UNL     -          IT recip recip copper_stacked
"""


def sample_dataset(seed: int = 20261122) -> Dataset:
    """The hand-tuned ~30-entry dataset behind the bundled sample exports."""
    rng = np.random.default_rng(seed)
    scen_names = list(SCENARIOS)
    numbers, types, e_dates, statuses, liqs, e_cc = [], [], [], [], [], []
    l_entry, l_cc, l_scen, l_credit = [], [], [], []
    rows = [r.split() for r in _SAMPLE.strip().splitlines()]
    for ei, (filer, seq, ok, etype, edate, status, liq, cc, *scen) in enumerate(rows):
        numbers.append(make_entry_number(filer, int(seq), ok == "y"))
        types.append(etype)
        e_dates.append(_days(date.fromisoformat(edate)))
        statuses.append(status)
        liqs.append(_days(date.fromisoformat(liq)) if liq != "-" else -1)
        e_cc.append(_CC[cc])
        for s in scen:
            credit = s.endswith("!")
            s = s.rstrip("!")
            name, _, origin = s.partition("@")
            l_entry.append(ei)
            l_cc.append(_CC[origin or cc])
            l_scen.append(scen_names.index(name))
            l_credit.append(credit)
    n = len(l_entry)
    dollars = np.clip(np.exp(rng.normal(np.log(9000), 1.1, n)), 120, 400_000).astype(np.int64)
    dollars = np.where(np.array(types)[l_entry] == "11", np.minimum(dollars, 900), dollars)
    ds = _build(
        rng,
        entry_number=numbers,
        entry_type=types,
        entry_date=np.array(e_dates),
        status=statuses,
        liq_date=np.array(liqs),
        entry_country=np.array(e_cc),
        line_entry=np.array(l_entry),
        line_country=np.array(l_cc),
        line_scenario=np.array(l_scen),
        line_credit=np.array(l_credit),
        line_value=dollars * 100,
        importer=np.zeros(len(numbers), dtype=np.int64),
    )
    # v2: a protest already on file (number, blank status) on the 81-day entry
    on_file = pl.col("entry_number").str.starts_with("EX7-3161402")
    entries = ds.entries.with_columns(
        protest_number=pl.when(on_file).then(pl.lit("2704-26-100123")).otherwise("protest_number")
    )
    return Dataset(entries, ds.lines, ds.comps)


def worked_example_dataset() -> Dataset:
    """The spec §7 worked example (three lines; as_of 2026-04-20)."""
    rng = np.random.default_rng(0)
    ds = _build(
        rng,
        entry_number=["ABC-1234567-8", "ABC-1234568-6", "ABC-1234569-4"],
        entry_type=[None, None, None],
        entry_date=np.array([-1, -1, -1]),
        status=["LIQ", "UNL", "LIQ"],
        liq_date=np.array([_days(date(2026, 2, 15)), -1, _days(date(2025, 9, 12))]),
        entry_country=np.array([_CC["CN"], _CC["CA"], _CC["CN"]]),
        line_entry=np.array([0, 1, 2]),
        line_country=np.array([_CC["CN"], _CC["CA"], _CC["CN"]]),
        line_scenario=np.zeros(3, dtype=np.int64),
        line_credit=np.zeros(3, dtype=bool),
        line_value=np.array([248_500_00, 612_000_00, 87_200_00]),
        importer=np.zeros(3, dtype=np.int64),
    )
    lines = ds.lines.with_columns(
        hts=pl.Series(["8479899499", "7228505040", "3923210095"]),
        duty_cents=pl.Series([0, 0, 2_616_00]),
        mfn_bp=pl.Series([0, 0, 300]),
    )
    comps = pl.DataFrame(
        {
            "line_idx": [0, 1, 1, 2],
            "code": ["9903.02.21", "9903.01.10", "9903.80.01", "9903.02.21"],
            "rate_bp": [1000, 0, 2500, 1000],
            "duty_cents": [24_850_00, 0, 153_000_00, 8_720_00],
        },
        schema={
            "line_idx": pl.Int64,
            "code": pl.String,
            "rate_bp": pl.Int64,
            "duty_cents": pl.Int64,
        },
    )
    return Dataset(ds.entries, lines, comps)


def write_worked_example(out: str | Path) -> Path:
    """The worked example table as a same-row CSV (plus Line Number and Est. Duty)."""
    ds = worked_example_dataset()
    f, _, _ = _layout_frames(ds, "same_row")
    ent = ds.entries["liq_date"].to_list()
    liq = [
        (ent[i].isoformat() if ent[i] else None)
        for i in ds.lines["entry_idx"].to_numpy()[_row_index(ds, True)[0]]
    ]
    table = pl.DataFrame(
        {
            "Entry Number": f["Entry Number"],
            "Line Number": f["Line Number"],
            "Liq Date": pl.Series(liq, dtype=pl.String),
            "Liq Status": f["Liq Status"],
            "HTS": f["HTS Number"],
            "COO": f["Country of Origin"],
            "Entered Value": f["Entered Value"],
            "Est. Duty": f["Est. Duty"],
            "Chapter 99 HTS": f["Chapter 99 HTS"],
            "IEEPA Duty Paid": f["IEEPA Duty Paid"],
        }
    )
    out = Path(out)
    table.write_csv(out)
    return out


_BROKERS = {
    "EX7": "Expeditors International of Washington, Inc.",
    "9KJ": "Livingston International",
    "MTX": "Agencia Aduanal Martínez y Cía, S.C.",
    "SP7": "Sandler & Partners Customs Brokerage",
}


def sample_ap(ds: Dataset) -> tuple[list[dict[str, str]], list[tuple[str, int]]]:
    """AP records for the sample: rows as written and (entry number, cents) for the oracle."""
    rng = np.random.default_rng(7)
    rollup = expected_entry_rollup(ds)
    dates = dict(zip(ds.entries["entry_number"], ds.entries["entry_date"], strict=True))
    numbers = list(rollup)
    rows: list[dict[str, str]] = []
    logical: list[tuple[str, int]] = []
    splits, credit_memo = {numbers[3], numbers[9], numbers[22]}, numbers[11]
    off = {numbers[8]: 3, numbers[25]: -5}
    missing, dup_pair = numbers[17], (numbers[1], numbers[2])
    inv = 40_1170

    def money(c: int, i: int) -> str:
        s = _cents(abs(c))
        if c < 0:
            return f"(${_grouped(abs(c))})"
        return (s, f"${_grouped(c)}", _grouped(c))[i % 3]

    def add(num: str, cents: int, invoice: str, day: date) -> None:
        shown = num if len(rows) % 3 else num.replace("-", "")
        rows.append(
            {
                "Vendor": _BROKERS[num[:3]] if num[:3] in _BROKERS else _BROKERS["EX7"],
                "Invoice No": invoice,
                "Entry No": shown,
                "Invoice Date": day.strftime("%m/%d/%Y"),
                "Duty Paid": money(cents, len(rows)),
            }
        )
        logical.append((num, cents))

    dup_invoice = ""
    for num in numbers:
        if num == missing:
            continue
        total = rollup[num]["total_duty"] + off.get(num, 0)
        day = dates[num] + timedelta(days=int(rng.integers(3, 9)))
        inv += int(rng.integers(1, 40))
        invoice = f"INV-{inv}"
        if num in dup_pair:
            dup_invoice = dup_invoice or invoice
            invoice = dup_invoice
        if num in splits:
            first = total * 3 // 5
            add(num, first, invoice, day)
            add(num, total - first, f"{invoice}-B", day + timedelta(days=14))
        elif num == credit_memo:
            add(num, total + 1200, invoice, day)
            add(num, -1200, f"CM-{inv}", day + timedelta(days=30))
        else:
            add(num, total, invoice, day)
    stranger = make_entry_number("EX7", 3199990)
    add(stranger, 1_234_56, f"INV-{inv + 17}", date(2025, 12, 29))
    return rows, logical


def _grouped(cents: int) -> str:
    d, c = divmod(cents, 100)
    return f"{d:,}.{c:02d}"


def write_samples(out_dir: str | Path) -> dict[str, object]:
    """Write every bundled sample export and its README; returns the expected summaries."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    ds = sample_dataset()
    write_export(ds, "es003", out / "es003_sample.csv")
    write_export(ds, "same_row", out / "same_row_sample.csv")
    write_export(ds, "legacy", out / "legacy_sample.csv", parts=2)
    write_worked_example(out / "worked_example.csv")
    ap_rows, ap_logical = sample_ap(ds)
    pl.DataFrame(ap_rows).write_csv(out / "ap_sample.csv")
    sample_as_of, worked_as_of = DEFAULT_AS_OF, date(2026, 4, 20)
    expected = {
        "es003_sample": expected_summary(ds, sample_as_of, "es003"),
        "same_row_sample": expected_summary(ds, sample_as_of, "same_row"),
        "legacy_sample": expected_summary(ds, sample_as_of, "legacy", parts=2),
        "worked_example": expected_summary(worked_example_dataset(), worked_as_of, "same_row"),
        "reconcile_total_duty": expected_reconcile(ds, ap_logical),
    }
    (out / "README.md").write_text(_readme(ds, expected), encoding="utf-8")
    return expected


def _readme(ds: Dataset, expected: Mapping[str, object]) -> str:
    es = expected["es003_sample"]
    we = expected["worked_example"]
    rec = expected["reconcile_total_duty"]
    assert isinstance(es, dict) and isinstance(we, dict) and isinstance(rec, dict)
    per_line = oracle_lines(ds, DEFAULT_AS_OF)
    table = [
        "| pathway | lines | entries | IEEPA duty | reasons (lines) |",
        "|---|---:|---:|---:|---|",
    ]
    for p, v in es["pathways"].items():
        why = ", ".join(f"{r} {n}" for r, n in v["reasons"].items())
        table.append(f"| {p} | {v['lines']} | {v['entries']} | {v['ieepa_duty']} | {why} |")
    for p, v in es["excluded"].items():
        table.append(f"| {p} | {v['lines']} | | | |")
    rows_read = ", ".join(
        f"{k}: {expected[k]['rows_read']}"  # type: ignore[index]
        for k in ("es003_sample", "same_row_sample", "legacy_sample")
    )
    bad = sorted({str(ln["entry_number"]) for ln in per_line if not ln["check_ok"]})
    mism = ", ".join(f"{k} (ITRAC - AP = {v})" for k, v in rec["mismatched"].items())
    return f"""# Sample exports

Generated by `python benchmarks/generate.py --samples sample_exports` (`write_samples`); do not
edit by hand. All three export layouts hold the SAME logical export: {es["entries"]} entries,
{es["lines"]} lines of one importer (Harbor & Pine Home Goods, Inc.), entered in 2025.

| file | what it is |
|---|---|
| `es003_sample.csv` | ES-003 "Entry Summary Line Tariff Details": separate Chapter 99 rows, \
47 columns, UTF-8; opened by default |
| `same_row_sample.csv` | same export, Chapter 99 code and duty on the commodity row \
("Chapter 99 HTS", "IEEPA Duty Paid"), `$1,234.56`, MM/DD/YYYY |
| `legacy_sample_part1.csv`, `legacy_sample_part2.csv` | same export, older ITRAC: cp1252, \
no line number, alpha-3 origins, `($1.00)` negatives, dashless entry numbers, status words, \
split between entries |
| `ap_sample.csv` | the importer's accounts-payable duty records for those entries |
| `worked_example.csv` | docs/rules.md §7 worked example, same-row layout |

## Expected `itrac-tui scan --json` (es003_sample.csv, as of {es["as_of"]})

Identical for the three layouts except `rows_read` ({rows_read}) and, for the legacy parts (no
line numbers, no tariff ordinals), a `ch99_order` notice saying which way round the Chapter 99
rows were read. Separate Chapter 99 rows come in CBP's order (before their commodity row).

{chr(10).join(table)}

Refundable pool: **{es["refundable_pool"]}**. Warnings: check_digit on
{es["warnings"].get("check_digit", 0)} lines (entries {", ".join(bad)}). Status `PENDING` is
AD/CVD pending at Commerce (hold, `adcvd_pending`); `SUS`/`EXT` go to CAPE Phase 1 (CAPE takes
them now, docs/rules.md); entry EX7-3161402 has a protest on file (number, blank status:
`protest_on_file`, warned `protest_status_blank`). One RLQ line carries a negative IEEPA credit.
Boundaries as of 2026-11-22: liquidated 2026-09-03 (80 days) is CAPE Phase 1, 2026-09-02 (81)
protest, 2026-05-26 (180) protest, 2026-05-25 (181) CIT, 2026-12-05 (future, 0 days) CAPE
Phase 1.

```json
{json.dumps(es, indent=2)}
```

## worked_example.csv, as of {we["as_of"]}

CAPE Phase 1 {we["pathways"]["cape_phase1"]["ieepa_duty"]},
CIT {we["pathways"]["cit"]["ieepa_duty"]}, pool {we["refundable_pool"]},
1 stacked_zero line, 3 check-digit warnings.

```json
{json.dumps(we, indent=2)}
```

## ap_sample.csv reconciled on total duty, tolerance 0.00

matched {rec["matched"]} entries; mismatched: {mism}; missing in AP:
{", ".join(rec["missing_in_ap"])}; missing in ITRAC: {", ".join(rec["missing_in_itrac"])}.
Split invoices (`-B` suffix) and a `($12.00)` credit memo net to the ITRAC total; invoice number
of two different entries is the same (a data-entry duplicate; both amounts are right).
"""


# ---------------------------------------------------------------------------------------------
# CLI
# ---------------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    """Generate an export (or the bundled samples) from the command line."""
    p = argparse.ArgumentParser(description="Generate realistic ITRAC exports with an oracle.")
    size = p.add_mutually_exclusive_group()
    size.add_argument("--lines", type=int, help="logical entry-summary lines")
    size.add_argument("--rows", type=int, help="about this many data rows in the chosen layout")
    p.add_argument("--layout", choices=LAYOUTS, default="es003")
    p.add_argument("--out", type=Path, help="output file (parts get _partN)")
    p.add_argument("--parts", type=int, default=1, help="split into N files between entries")
    p.add_argument(
        "--order",
        choices=ORDERS,
        default="ch99_first",
        help="separate Chapter 99 rows before (CBP's order) or after the commodity row",
    )
    p.add_argument(
        "--no-line-numbers",
        action="store_true",
        help="es003/xlsx without the line-number column (tariff ordinals bound the lines)",
    )
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--as-of", type=date.fromisoformat, default=DEFAULT_AS_OF)
    p.add_argument("--invalid-check", type=float, default=0.02, help="fraction of bad check digits")
    p.add_argument("--junk", action="store_true", help="plant junk rows (default counts)")
    p.add_argument("--expected", type=Path, help="write the oracle's scan JSON here")
    p.add_argument("--samples", type=Path, help="write the bundled samples into this folder")
    a = p.parse_args(argv)
    if a.samples:
        expected = write_samples(a.samples)
        print(json.dumps(expected["es003_sample"], indent=2))
        return 0
    if not a.out or not (a.lines or a.rows):
        p.error("--out and --lines or --rows are required (or --samples DIR)")
    t0 = time.perf_counter()
    kw = {"seed": a.seed, "as_of": a.as_of, "invalid_check_fraction": a.invalid_check}
    ds = generate_dataset(a.lines, **kw) if a.lines else generate_rows(a.rows, a.layout, **kw)
    t1 = time.perf_counter()
    paths, junk = write_export(
        ds,
        a.layout,
        a.out,
        parts=a.parts,
        junk=JunkSpec() if a.junk else None,
        seed=a.seed,
        order=a.order,
        line_numbers=not a.no_line_numbers,
    )
    t2 = time.perf_counter()
    size_mb = sum(x.stat().st_size for x in paths) / 1e6
    key = "es003" if a.layout == "xlsx" else a.layout
    rows = ds.rows(key) + sum(v for k, v in junk.items())
    print(
        f"{ds.entries.height} entries, {ds.lines.height} lines, {ds.comps.height} ch99 components,"
        f" {rows} rows -> {', '.join(map(str, paths))} ({size_mb:.1f} MB);"
        f" model {t1 - t0:.1f}s, render+write {t2 - t1:.1f}s"
    )
    if a.junk:
        print("junk planted: " + ", ".join(f"{k}={v}" for k, v in junk.items()))
    if a.expected:
        t3 = time.perf_counter()
        summary = expected_summary(ds, a.as_of, a.layout, junk, parts=a.parts)
        a.expected.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
        print(f"oracle {time.perf_counter() - t3:.1f}s -> {a.expected}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
