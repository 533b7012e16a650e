"""Package data (themes, sample exports, default rules), found in the wheel or the source tree."""

from __future__ import annotations

from pathlib import Path

_PKG = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """The shipped folder `name` (themes, sample_exports): in the package, else the repo root."""
    inside = _PKG / name
    if inside.is_dir():
        return inside
    return _PKG.parents[1] / name


def default_rules_path() -> Path:
    """The rules file shipped with the package."""
    return _PKG / "rules" / "default.toml"


def sample_export_paths() -> list[Path]:
    """The bundled sample export opened when no file is given (ES-003 style)."""
    return [data_dir("sample_exports") / "es003_sample.csv"]
