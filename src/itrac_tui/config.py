"""Where itrac-tui keeps its files: platformdirs paths in one place, TOML read/write."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

import platformdirs
import tomli_w

APP_NAME = "itrac-tui"


def config_dir() -> Path:
    """User config directory (rules.toml, mappings.toml, views.toml, keymap.toml, themes/)."""
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def state_dir() -> Path:
    """User state directory (recent files)."""
    return Path(platformdirs.user_state_dir(APP_NAME, appauthor=False))


def rules_path() -> Path:
    """User rules override."""
    return config_dir() / "rules.toml"


def mappings_path() -> Path:
    """Saved column mappings."""
    return config_dir() / "mappings.toml"


def views_path() -> Path:
    """Saved views."""
    return config_dir() / "views.toml"


def keymap_path() -> Path:
    """User keymap (binding id -> keys)."""
    return config_dir() / "keymap.toml"


def user_themes_dir() -> Path:
    """User theme files."""
    return config_dir() / "themes"


def recent_path() -> Path:
    """Recently opened exports."""
    return state_dir() / "recent.toml"


def read_toml(path: Path) -> dict[str, Any]:
    """Read a TOML file; a missing file is an empty table."""
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        return {}


def write_toml(path: Path, data: dict[str, Any]) -> None:
    """Write a TOML file atomically, creating its folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    tmp.write_bytes(tomli_w.dumps(data).encode("utf-8"))
    os.replace(tmp, path)
