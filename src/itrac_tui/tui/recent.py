"""Recently opened exports (a list of file lists) in the state dir; no UI here."""

from __future__ import annotations

import contextlib
from pathlib import Path

from itrac_tui.config import read_toml, recent_path, write_toml

MAX_RECENT = 12


def load_recent() -> list[list[str]]:
    """Recent exports, newest first (a broken file reads as none)."""
    try:
        data = read_toml(recent_path())
    except Exception:
        return []
    out: list[list[str]] = []
    for item in data.get("recent", []):
        files = item.get("files") if isinstance(item, dict) else None
        if isinstance(files, list) and files:
            out.append([str(f) for f in files])
    return out


def add_recent(files: list[Path] | list[str]) -> None:
    """Put an export at the top of the recent list (absolute paths; errors ignored)."""
    entry = [str(Path(f).resolve()) for f in files if Path(f).is_file()]
    if not entry:
        return
    items = [entry] + [r for r in load_recent() if r != entry]
    with contextlib.suppress(OSError):
        write_toml(recent_path(), {"recent": [{"files": r} for r in items[:MAX_RECENT]]})
