"""A generator of hostile inputs: small bad or odd exports, each with what must happen.

Every case is a folder of files written by `build(case, folder)` and the command line to run on
them. The expectations are what the suite asserts (see test_hostile.py): exit 0 or 2, never a
traceback or a hang; rows read = used + set aside + rejected; a money cell that cannot be read
is rejected or warned about, never read as zero; outputs injection-safe and escape-free.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

HEADER = [
    "Entry Number",
    "Line Number",
    "Liq Date",
    "Liq Status",
    "HTS",
    "COO",
    "Entered Value",
    "Chapter 99 HTS",
    "IEEPA Duty Paid",
]
AS_OF = "2026-04-20"

_TABLE = {str(d): d for d in range(10)}
_TABLE.update({chr(65 + i): i + 1 for i in range(9)})
_TABLE.update({chr(74 + i): i + 1 for i in range(9)})
_TABLE.update({chr(83 + i): i + 2 for i in range(8)})


def entry(filer: str, seq: int) -> str:
    """A valid entry number (check digit per spec §4)."""
    body = f"{filer}{seq:07d}"
    total = 0
    for pos, ch in enumerate(reversed(body)):
        d = _TABLE[ch]
        if pos % 2 == 0:
            d *= 2
            d = d - 9 if d > 9 else d
        total += d
    return f"{filer}-{seq:07d}-{(10 - total % 10) % 10}"


def row(n: int, ieepa: str = "$100.00", *, liq: str = "2026-02-15", value: str = "$1,000.00"):
    """One clean same-row line: entry n, line 1, a reciprocal (IEEPA) code with `ieepa` duty."""
    return [entry("ABC", n), "1", liq, "LIQ", "8479.89.9499", "CN", value, "9903.01.25", ieepa]


def csv_text(rows: list[list[str]], header: list[str] = HEADER, sep: str = ",", eol: str = "\n"):
    """Rows as delimited text; cells holding the separator or a quote are quoted."""

    def cell(v: str) -> str:
        if sep in v or '"' in v or "\n" in v:
            return '"' + v.replace('"', '""') + '"'
        return v

    return eol.join(sep.join(cell(v) for v in r) for r in [header, *rows]) + eol


@dataclass
class Case:
    """One hostile input and what must come of it."""

    name: str
    files: dict[str, bytes | str]  # name -> content (str is written as UTF-8)
    args: list[str] = field(default_factory=lambda: ["{dir}/export.csv"])
    exit: int = 0
    records: int | None = None  # data records in the input (rows_read must equal it)
    rejected: dict[str, int] = field(default_factory=dict)  # reason fragment -> rows
    warnings: dict[str, int] = field(default_factory=dict)  # warning code -> count
    pool: str | None = None  # refundable pool expected ("123.45")
    stderr: str = ""  # a fragment the one-line error must hold
    command: str = "scan"
    prepare: Callable[[Path], None] | None = None  # extra set-up (permissions, FIFOs...)


def _export(rows: list[list[str]], **kw: object) -> dict[str, bytes | str]:
    return {"export.csv": csv_text(rows, **kw)}  # type: ignore[arg-type]


def money_cases() -> list[Case]:
    """The issue's money table: each bad cell rejected or warned about with the right figure."""
    good = [row(1, "$100.00"), row(2, "$200.00")]
    out = []
    for name, cell, reason in [
        ("duty_20_digits", "99999999999999999999.99", "more digits than exact cents"),
        ("duty_25_digits", "1234567890123456789012345", "more digits than exact cents"),
        ("duty_1e20", "1e20", "scientific notation"),
        ("duty_open_paren", "(5", "unbalanced parentheses"),
        ("duty_close_paren", "5)", "unbalanced parentheses"),
        ("duty_value_error", "#VALUE!", "spreadsheet error cell"),
        ("duty_na_error", "#N/A", "spreadsheet error cell"),
        ("duty_na_text", "N/A", "not money"),
        ("duty_decimal_comma", "10,00", "decimal comma"),
        ("duty_two_minus", "--5.00", "more than one minus sign"),
    ]:
        out.append(
            Case(
                name,
                _export([*good, row(3, cell)]),
                records=3,
                rejected={reason: 1},
                pool="300.00",
            )
        )
    out.append(
        Case(
            "duty_third_decimals",
            _export([row(1, "1234.565"), row(2, "0.005"), row(3, "$1.00")]),
            records=3,
            warnings={"money_rounded": 2},
            pool="1235.56",
        )
    )
    big = "92233720368547758.00"
    out.append(
        Case(
            "duty_sum_past_int64",
            _export([row(1, big), row(2, big)]),
            exit=2,
            stderr="exact cents",
        )
    )
    out.append(
        Case("duty_free_word", _export([row(1, "FREE"), row(2, "$5.00")]), records=2, pool="5.00")
    )
    return out


def date_cases() -> list[Case]:
    """Two-digit years are never year 0026: the line warns bad_date and is not sent to CIT."""
    return [
        Case(
            "two_digit_year",
            _export([row(1, liq="2/15/26"), row(2)]),
            records=2,
            warnings={"bad_date": 1},
        ),
        Case(
            "year_10000",
            _export([row(1, liq="12/31/9999"), row(2)]),
            records=2,
            warnings={"bad_date": 1},
        ),
    ]


def shape_cases() -> list[Case]:
    """Line endings, delimiters, ragged rows, headers: conservation holds."""
    rows = [row(i, f"${i}.00") for i in range(1, 6)]
    pool = f"{sum(range(1, 6))}.00"
    body = csv_text(rows)
    lines = body.split("\n")
    ragged = csv_text([row(1), row(2)]) + f"{','.join(row(3)[:-1])},4,344.51\n"
    out = [
        Case("crlf", {"export.csv": body.replace("\n", "\r\n")}, records=5, pool=pool),
        Case("cr_only", {"export.csv": body.replace("\n", "\r")}, records=5, pool=pool),
        Case(
            "mixed_endings",
            {"export.csv": "\r\n".join(lines[:3]) + "\n" + "\r".join(lines[3:])},
            records=5,
            pool=pool,
        ),
        Case(
            "lone_cr_between_rows",
            {"export.csv": "\n".join(lines[:3]) + "\r" + "\n".join(lines[3:])},
            records=5,
            pool=pool,
        ),
        Case(
            "trailing_tab_in_header",
            {"export.csv": body.replace("\n", "\t\n", 1)},
            records=5,
            pool=pool,
        ),
        Case(
            "padded_headers",
            {"export.csv": csv_text(rows, header=[f"  {h} " for h in HEADER])},
            records=5,
            pool=pool,
        ),
        Case(
            "more_fields_than_header",
            {"export.csv": ragged},
            records=3,
            rejected={"more fields than the header": 1},
            pool="200.00",
        ),
        Case(
            "bom_and_semicolons",
            {"export.csv": "\ufeff" + csv_text(rows, sep=";")},
            records=5,
            pool=pool,
        ),
        Case(
            "utf8_split_at_64k",
            {"export.csv": _utf8_boundary()},
            records=700,
        ),
        Case("empty_file", {"export.csv": ""}, exit=2, stderr="empty"),
        Case("header_only", {"export.csv": csv_text([])}, records=0),
        Case("binary", {"export.csv": b"\x00\x01\x02PK" * 100}, exit=2, stderr="binary"),
        Case(
            "huge_header_field",
            {"export.csv": "Entry Number," + "x" * 200_000 + "\n1,2\n"},
            exit=2,
            stderr="header",
        ),
        Case(
            "ten_thousand_columns",
            {"export.csv": ",".join(f"c{i}" for i in range(10_000)) + "\n" + "1," * 9_999 + "1\n"},
            exit=2,
            stderr="columns",
        ),
        Case("million_commas", {"export.csv": "," * 1_000_000 + "\n"}, exit=2, stderr="header"),
        Case(
            "million_commas_in_a_row",
            {"export.csv": csv_text([row(1)]) + "," * 1_000_000 + "\n"},
            records=2,  # a row of empty fields is a blank row: set aside, said so
            pool="100.00",
        ),
    ]
    return out


def _utf8_boundary() -> str:
    """An export whose multi-byte characters straddle the 64 KiB sniffing buffer."""
    rows = []
    for i in range(1, 701):
        r = row(i, "$1.00")
        r[5] = "CN"
        rows.append(r)
    header = [*HEADER, "Description"]
    text = csv_text([[*r, "Ωμέγα ünïcödé ✓ " * 3] for r in rows], header=header)
    return text


def input_cases() -> list[Case]:
    """Paths: the same file twice, missing, folders, long names."""
    body = csv_text([row(1), row(2)])
    return [
        Case(
            "same_file_twice",
            {"export.csv": body},
            args=["{dir}/export.csv", "{dir}/export.csv"],
            records=2,
            pool="200.00",
            warnings={"duplicate_input": 1},
        ),
        Case(
            "folder_and_file_in_it",
            {"export.csv": body},
            args=["{dir}", "{dir}/export.csv"],
            records=2,
            pool="200.00",
            warnings={"duplicate_input": 1},
        ),
        Case(
            "copy_under_other_name",
            {"export.csv": body, "copy.csv": body},
            args=["{dir}/export.csv", "{dir}/copy.csv"],
            records=2,
            pool="200.00",
            warnings={"duplicate_input": 1},
        ),
        Case(
            "overlapping_parts",
            {
                "part1.csv": csv_text([row(1), row(2)]),
                "part2.csv": csv_text([row(2), row(3)]),
            },
            args=["{dir}/part1.csv", "{dir}/part2.csv"],
            records=4,
            pool="300.00",
            warnings={"overlapping_parts": 1},
        ),
        Case(
            "overlapping_parts_distinct",
            {
                "part1.csv": csv_text([row(1), row(2)]),
                "part2.csv": csv_text([row(2), row(3)]),
            },
            args=["--distinct-parts", "{dir}/part1.csv", "{dir}/part2.csv"],
            records=4,
            pool="400.00",
        ),
        Case("missing_file", {}, args=["{dir}/nope.csv"], exit=2, stderr="no such file"),
        Case("empty_folder", {}, args=["{dir}"], exit=2, stderr="no CSV or XLSX"),
        Case(
            "name_too_long",
            {},
            args=["{dir}/" + "n" * 300 + ".csv"],
            exit=2,
            stderr="too long",
        ),
        Case(
            "escape_in_file_name",
            {"bad\x1b[31mname.csv": csv_text([row(1, "N/A")])},
            args=["{dir}/bad\x1b[31mname.csv", "{dir}/missing\x1b]0;pwn\x07.csv"],
            exit=2,
            stderr="no such file",
        ),
        Case(
            "escape_in_cells",
            _export([row(1, "\x1b[2J$5.00"), row(2, "$7.00")]),
            records=2,
            rejected={"not money": 1},
            pool="7.00",
        ),
    ]


def _xlsx_with_error_cells(folder: Path) -> None:
    """A typed workbook whose duty cells are formula errors (#VALUE!, #N/A)."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(folder / "export.xlsx"))
    ws = wb.add_worksheet("Main Report")
    ws.write_row(0, 0, HEADER)
    for i, r in enumerate([row(1), row(2), row(3), row(4)], start=1):
        ws.write_row(i, 0, r[:8])
        if i == 3:
            ws.write_formula(i, 8, '=1+"a"', None, "#VALUE!")
        elif i == 4:
            ws.write_formula(i, 8, "=NA()", None, "#N/A")
        else:
            ws.write_number(i, 8, 100.0)
    wb.close()


def xlsx_cases() -> list[Case]:
    """Typed workbooks: error cells are rejected, never read as blank."""
    return [
        Case(
            "xlsx_error_cells",
            {},
            args=["{dir}/export.xlsx"],
            records=4,
            rejected={"spreadsheet error cell": 2},
            pool="200.00",
            prepare=_xlsx_with_error_cells,
        )
    ]


def all_cases() -> list[Case]:
    """Every case of the suite."""
    return [*money_cases(), *date_cases(), *shape_cases(), *input_cases(), *xlsx_cases()]


def build(case: Case, folder: Path) -> list[str]:
    """Write the case's files into `folder`; returns its command line arguments."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in case.files.items():
        data = content.encode("utf-8") if isinstance(content, str) else content
        (folder / name).write_bytes(data)
    if case.prepare:
        case.prepare(folder)
    return [a.replace("{dir}", str(folder)) for a in case.args]
