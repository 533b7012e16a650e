"""Errors the core raises for unusable input: one clear line for the user, never a traceback."""

from __future__ import annotations


class InputError(Exception):
    """Input the core cannot use (missing file, unknown format, unrecognisable columns)."""


class RulesError(InputError):
    """A rules file that cannot be read or validated."""


class MissingColumns(InputError):
    """Required fields are not found among a file's headers (a mapping can fix it)."""
