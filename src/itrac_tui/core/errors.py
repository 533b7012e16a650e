"""Errors the core raises for unusable input: one clear line for the user, never a traceback."""

from __future__ import annotations

import re


class InputError(Exception):
    """Input the core cannot use (missing file, unknown format, unrecognisable columns)."""


class RulesError(InputError):
    """A rules file that cannot be read or validated."""


class MissingColumns(InputError):
    """Required fields are not found among a file's headers (a mapping can fix it)."""


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """Text safe to show on a terminal: control characters (ESC, CR, BEL, C1...) written as
    escapes (\\x1b), so a file name or a cell can never drive the terminal."""
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)
