"""Themes as data: TOML files (shipped themes/ and the user's config themes/) -> Textual Themes."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from textual.color import Color, ColorParseError
from textual.theme import Theme

from itrac_tui.resources import data_dir
from itrac_tui.store import user_themes_dir

DEFAULT_THEME = "itrac-dark"
_COLOR_KEYS = (
    "primary",
    "secondary",
    "warning",
    "error",
    "success",
    "accent",
    "foreground",
    "background",
    "surface",
    "panel",
    "boost",
)


_STYLE_WORDS = frozenset(
    {"bold", "italic", "underline", "reverse", "dim", "strike", "blink", "none", "not"}
)


def _check_variable(key: str, value: object, source: str) -> None:
    """A theme variable must be a colour or text-style words: anything else (markup, CSS
    fragments) would break the app's stylesheet mid-session, so the theme is refused."""
    if not re.fullmatch(r"[a-z][a-z0-9-]*", key):
        raise ValueError(f"{source}: variables.{key!r} is not a variable name")
    if not isinstance(value, str):
        raise ValueError(f"{source}: variables.{key} must be a string")
    try:
        Color.parse(value)
        return
    except ColorParseError:
        pass
    if not value.split() or not set(value.lower().split()) <= _STYLE_WORDS:
        raise ValueError(f"{source}: variables.{key} is not a colour or text style: {value!r}")


def theme_from_dict(data: dict[str, object], source: str) -> Theme:
    """Build a Theme from a TOML table; ValueError with a short reason when invalid."""
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"{source}: theme needs a name")
    if not isinstance(data.get("primary"), str):
        raise ValueError(f"{source}: theme needs a primary colour")
    kwargs: dict[str, Any] = {}  # colour name -> validated colour text
    for key in _COLOR_KEYS:
        value = data.get(key)
        if value is None:
            continue
        if not isinstance(value, str):
            raise ValueError(f"{source}: {key} must be a colour string")
        try:
            Color.parse(value)
        except ColorParseError:
            raise ValueError(f"{source}: {key} is not a colour: {value!r}") from None
        kwargs[key] = value
    variables = data.get("variables", {})
    if not isinstance(variables, dict):
        raise ValueError(f"{source}: [variables] must be a table")
    for key, value in variables.items():
        _check_variable(str(key), value, source)
    return Theme(
        name=name.strip(),
        dark=bool(data.get("dark", True)),
        ansi=bool(data.get("ansi", False)),
        variables={str(k): str(v) for k, v in variables.items()},
        **kwargs,
    )


def theme_files() -> list[Path]:
    """Shipped theme files, then the user's (a user theme may replace a shipped one by name)."""
    files: list[Path] = []
    for folder in (data_dir("themes"), user_themes_dir()):
        if folder.is_dir():
            files.extend(sorted(folder.glob("*.toml")))
    return files


def load_themes(files: list[Path] | None = None) -> tuple[list[Theme], list[str]]:
    """Every readable theme, and one error line per bad file."""
    themes: list[Theme] = []
    errors: list[str] = []
    for path in theme_files() if files is None else files:
        try:
            with path.open("rb") as fh:
                data = tomllib.load(fh)
            themes.append(theme_from_dict(data, path.name))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            errors.append(f"{path.name}: {exc}")
        except ValueError as exc:
            errors.append(str(exc))
    return themes, errors


def resolve_theme_name(name: str, available: list[str]) -> str | None:
    """`dark` -> `itrac-dark`; exact names win; None when unknown."""
    if name in available:
        return name
    if f"itrac-{name}" in available:
        return f"itrac-{name}"
    return None
